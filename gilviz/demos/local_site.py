"""A small web site on 127.0.0.1 for the fetch lesson, so it works in a hall without internet.

Every page answers after a set latency with a set number of bytes; a query string can
change that for one URL (`?delay=2.5`, `?kib=8`, `?status=500`), which is how the lesson
builds its failing pages. The server runs in a background thread of the run that uses it
and is gone (port closed, every handler thread joined) when the run ends: handlers wait
on an Event rather than sleeping, so closing the site also cuts a slow page short.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"  # loopback only: nothing outside this machine can reach the site
MAX_DELAY_S = 30.0
MAX_KIB = 16 * 1024
FILLER = b"<p>gilviz local page: the same bytes a real site would send, minus the ads.</p>\n"

# Paths of the stand-ins for the lecture's sites, so the bars and rows read like it.
LECTURE_SITES = ("stackoverflow.com", "github.com", "python.org", "wikipedia.org",
                 "reddit.com", "google.com", "youtube.com")


def body(size: int) -> bytes:
    repeats = size // len(FILLER) + 1
    return (FILLER * repeats)[:size]


class _Server(ThreadingHTTPServer):
    # Handler threads are not daemons and server_close() joins them: when the site is
    # closed, no thread of it is left behind.
    daemon_threads = False
    block_on_close = True
    site: LocalSite


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10.0  # a client that connects and never asks cannot pin a handler thread

    def do_GET(self) -> None:
        site = self.server.site
        query = parse_qs(urlsplit(self.path).query)
        delay = _number(query, "delay", site.latency_s, 0.0, MAX_DELAY_S)
        size = int(_number(query, "kib", site.page_kib, 0, MAX_KIB) * 1024)
        status = int(_number(query, "status", 200, 200, 599))
        if site.closing.wait(delay):
            status, size = HTTPStatus.SERVICE_UNAVAILABLE, 0  # the run is over: answer fast
        payload = body(size)
        with contextlib.suppress(OSError):  # the client may have given up (its timeout)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the lesson reports every request itself."""

    def handle_one_request(self) -> None:
        with contextlib.suppress(OSError):  # a reset or a timeout while reading a request
            super().handle_one_request()


def _number(query: dict[str, list[str]], key: str, default: float, low: float,
            high: float) -> float:
    try:
        value = float(query[key][0])
    except (KeyError, IndexError, ValueError):
        return default
    return min(max(value, low), high)


class LocalSite:
    """The site's server, started on a free port by start() and gone after close().

    Use it as a context manager: `with LocalSite(0.2, 64) as site: site.url("python.org")`.
    """

    def __init__(self, latency_s: float = 0.2, page_kib: float = 64) -> None:
        self.latency_s = latency_s
        self.page_kib = page_kib
        self.closing = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._refusing: socket.socket | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the site is not running")
        return self._server.server_address[1]

    def start(self) -> LocalSite:
        server = _Server((HOST, 0), _Handler)  # port 0: the system picks a free one
        server.site = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name="gilviz-local-site", daemon=True,
        )
        self._thread.start()
        return self

    def url(self, path: str, **query: float) -> str:
        """A URL of this site; keyword arguments become the query (delay, kib, status)."""
        text = "&".join(f"{key}={value:g}" for key, value in query.items())
        return f"http://{HOST}:{self.port}/{path}" + (f"?{text}" if text else "")

    def refused_url(self) -> str:
        """A URL whose port has nothing listening: connecting is refused at once.

        The port is bound (never listened on) until close(), so no other program can take
        it in the meantime."""
        if self._refusing is None:
            self._refusing = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._refusing.bind((HOST, 0))
        return f"http://{HOST}:{self._refusing.getsockname()[1]}/nobody-listens"

    def close(self) -> None:
        """Stop serving, cut waiting pages short, join every thread; safe to call twice."""
        self.closing.set()
        if self._thread is not None and self._server is not None:
            self._server.shutdown()  # ends serve_forever (it polls every 50 ms)
            self._thread.join()
        self._thread = None
        if self._server is not None:
            self._server.server_close()  # closes the port and joins the handler threads
            self._server = None
        if self._refusing is not None:
            self._refusing.close()
            self._refusing = None

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
