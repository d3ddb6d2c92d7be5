"""requests Sessions whose requests Stop can cut short, whatever the server or resolver does.

A thread blocked in connect() or recv() does not look at any stop flag, and requests'
timeout only bounds each single wait (a page that trickles a byte a second never times
out). So every connection such a session opens is registered with a Cutter; cut()
shuts the sockets down (shutdown() wakes a thread blocked on them at once, on any
platform) and refuses new connections. The sockets themselves are left to their owners
to close, so no descriptor is closed under a thread still using it.

Name resolution (getaddrinfo) cannot be interrupted at all, and offline it can take 5 s
or more per host whatever the timeout says. It runs in a helper thread that a request
stops waiting for after its connect timeout or on cut(); an abandoned look-up ends on its
own (a daemon thread, so it never holds up an exit).
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationParseError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util.connection import allowed_gai_family

from gilviz.core.stop import StopToken

POLL_S = 0.02  # how often a wait for a look-up, or the stop watcher, looks up
DEFAULT_RESOLVE_S = 10.0  # a look-up's limit when a request has no connect timeout

Resolver = Callable[[str, int, int, int], list[Any]]


class Cut(OSError):
    """Raised for a connection asked for after cut(): the run was stopped."""


class Cutter:
    """The live connections of some sessions, and the switch that ends them all."""

    def __init__(self, resolver: Resolver | None = None) -> None:
        # A resolver given here answers for every host, numeric ones too (tests use one
        # that sends everything to a closed port on 127.0.0.1).
        self._resolver = resolver
        self._lock = threading.Lock()
        self._handles: set[socket.socket] = set()
        self._cut = threading.Event()

    def is_cut(self) -> bool:
        return self._cut.is_set()

    def cut(self) -> None:
        """Shut down every registered socket and refuse new ones; safe from any thread."""
        self._cut.set()
        with self._lock:
            handles = list(self._handles)
        for handle in handles:
            with contextlib.suppress(OSError):  # already closed or never connected
                handle.shutdown(socket.SHUT_RDWR)

    def register(self, sock: socket.socket) -> socket.socket:
        """Keep a duplicate of `sock` to shut it down through; returns the duplicate,
        which the caller hands back to release() once the connection is closed.

        A duplicate, because an https connection moves its socket into an SSL socket
        (the first object then has no descriptor), and because the duplicate's
        descriptor stays ours: it cannot be reused for an unrelated socket meanwhile."""
        handle = sock.dup()
        with self._lock:
            self._handles.add(handle)
        if self.is_cut():  # cut() ran while this socket was being made
            with contextlib.suppress(OSError):
                handle.shutdown(socket.SHUT_RDWR)
        return handle

    def release(self, handle: socket.socket) -> None:
        with self._lock:
            self._handles.discard(handle)
        handle.close()

    def live(self) -> int:
        """How many connections are registered (for tests: none once sessions close)."""
        with self._lock:
            return len(self._handles)

    def resolve(self, host: str, port: int, family: int, timeout_s: float | None
                ) -> list[Any]:
        """getaddrinfo, given up after `timeout_s` or on cut(); numeric hosts at once."""
        if self._resolver is None:
            with contextlib.suppress(socket.gaierror):
                return socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, 0,
                                          socket.AI_NUMERICHOST)
        resolver = self._resolver or socket.getaddrinfo
        outcome: list[Any] = []
        done = threading.Event()

        def look_up() -> None:
            try:
                outcome.append(resolver(host, port, family, socket.SOCK_STREAM))
            except Exception as exc:  # handed to the waiting request
                outcome.append(exc)
            done.set()

        threading.Thread(target=look_up, name="gilviz-resolve", daemon=True).start()
        limit_s = timeout_s or DEFAULT_RESOLVE_S
        deadline = time.monotonic() + limit_s
        while not done.wait(POLL_S):
            if self.is_cut():
                raise Cut("stopped while resolving the host name")
            if time.monotonic() > deadline:
                raise socket.gaierror(socket.EAI_AGAIN,
                                      f"no answer for {host} within {limit_s:g} s")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def connect(self, address: tuple[str, int], timeout: Any,
                socket_options: Any) -> tuple[socket.socket, socket.socket]:
        """Like urllib3's create_connection, with a bounded look-up and every socket
        registered before it connects. Returns the socket and its registered handle."""
        if self.is_cut():
            raise Cut("stopped")
        host, port = address
        host = host.strip("[]")
        try:
            host.encode("idna")
        except UnicodeError:
            raise LocationParseError(f"'{host}', label empty or too long") from None
        numeric_timeout = timeout if isinstance(timeout, int | float) else None
        error: OSError | None = None
        for family, kind, proto, _, address_info in self.resolve(
                host, port, allowed_gai_family(), numeric_timeout):
            sock = socket.socket(family, kind, proto)
            handle = self.register(sock)
            try:
                for option in socket_options or ():
                    sock.setsockopt(*option)
                if numeric_timeout is not None or timeout is None:
                    sock.settimeout(timeout)
                sock.connect(address_info)
                if self.is_cut():
                    raise Cut("stopped while connecting")
                return sock, handle
            except OSError as exc:
                error = exc
                self.release(handle)
                sock.close()
        raise error or OSError("getaddrinfo returned an empty list")


class _CuttableConnection:
    """Mixed into urllib3's connection classes: new sockets come from the Cutter."""

    cutter: Cutter
    _release: weakref.finalize | None = None

    def _new_conn(self) -> socket.socket:  # urllib3's, with Cutter.connect
        this: Any = self
        try:
            sock, handle = self.cutter.connect((this._dns_host, this.port), this.timeout,
                                               this.socket_options)
        except socket.gaierror as exc:
            raise NameResolutionError(this.host, this, exc) from exc
        except TimeoutError as exc:
            raise ConnectTimeoutError(this, f"Connection to {this.host} timed out. "
                                            f"(connect timeout={this.timeout})") from exc
        except OSError as exc:
            raise NewConnectionError(this, f"Failed to establish a new connection: {exc}"
                                     ) from exc
        self._forget_handle()
        # Released when the connection closes, or at the latest when it is collected.
        self._release = weakref.finalize(self, _release_quietly, self.cutter, handle)
        sys.audit("http.client.connect", this, this.host, this.port)
        return sock

    def close(self) -> None:
        super().close()  # type: ignore[misc]
        self._forget_handle()

    def _forget_handle(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


def _release_quietly(cutter: Cutter, handle: socket.socket) -> None:
    with contextlib.suppress(OSError):
        cutter.release(handle)


def _pool_classes(cutter: Cutter) -> dict[str, type]:
    """Connection-pool classes for http and https whose connections `cutter` can cut."""
    http = type("CuttableHTTPConnection", (_CuttableConnection, HTTPConnection),
                {"cutter": cutter})
    https = type("CuttableHTTPSConnection", (_CuttableConnection, HTTPSConnection),
                 {"cutter": cutter})
    return {
        "http": type("CuttableHTTPConnectionPool", (HTTPConnectionPool,),
                     {"ConnectionCls": http}),
        "https": type("CuttableHTTPSConnectionPool", (HTTPSConnectionPool,),
                      {"ConnectionCls": https}),
    }


class CuttableAdapter(HTTPAdapter):
    """requests' adapter, with connection pools (direct or through an http proxy) whose
    connections the Cutter can cut."""

    def __init__(self, cutter: Cutter, **kwargs: Any) -> None:
        self.cutter = cutter
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.cutter)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = _pool_classes(self.cutter)
        return manager


def stoppable_session(cutter: Cutter) -> requests.Session:
    """A requests.Session like any other, except that `cutter.cut()` ends its requests."""
    session = requests.Session()
    adapter = CuttableAdapter(cutter)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@contextlib.contextmanager
def cut_on_stop(stop: StopToken, cutter: Cutter) -> Iterator[None]:
    """While the block runs, a watcher thread cuts every connection once `stop` is set."""
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(POLL_S):
            if stop.is_set():
                cutter.cut()
                return

    watcher = threading.Thread(target=watch, name="gilviz-stop-cutter", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()
