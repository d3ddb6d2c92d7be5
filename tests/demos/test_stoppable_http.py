"""Requests that Stop cuts short: against servers on 127.0.0.1 that never answer, and a
resolver that never returns. Nothing here reaches past this machine."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from gilviz.core.stop import StopToken
from gilviz.demos.stoppable_http import Cutter, cut_on_stop, stoppable_session

CUT_WITHIN_S = 0.25
SLACK_S = 0.25  # a loaded machine may schedule the woken thread late


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A URL whose server accepts connections and then says nothing, ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    closing = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not closing.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    acceptor = threading.Thread(target=accept, name="silent-server")
    acceptor.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/never"
    closing.set()
    acceptor.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture
def stuck_resolver() -> Iterator[tuple[Cutter, threading.Event]]:
    """A Cutter whose look-ups hang until the test ends (as an offline resolver does)."""
    release = threading.Event()

    def resolve(host: str, port: int, family: int, kind: int) -> list:
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    yield Cutter(resolve), release
    release.set()


def get_in_thread(session: requests.Session, url: str, timeout_s: float
                  ) -> tuple[threading.Thread, list]:
    outcome: list = []

    def get() -> None:
        try:
            outcome.append(session.get(url, timeout=timeout_s))
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=get, name="client")
    thread.start()
    return thread, outcome


def cut_and_time(cutter: Cutter, thread: threading.Thread) -> float:
    pressed = time.perf_counter()
    cutter.cut()
    thread.join(10)
    assert not thread.is_alive()
    return time.perf_counter() - pressed


def test_cut_ends_a_request_whose_server_never_answers(silent_server):
    cutter = Cutter()
    with stoppable_session(cutter) as session:
        thread, outcome = get_in_thread(session, silent_server, timeout_s=30)
        time.sleep(0.3)  # the request is now waiting for the answer
        took = cut_and_time(cutter, thread)
    assert took < CUT_WITHIN_S + SLACK_S
    assert isinstance(outcome[0], requests.ConnectionError)
    assert cutter.live() == 0  # closing the session released every socket


def test_after_a_cut_no_new_connection_starts(silent_server):
    cutter = Cutter()
    cutter.cut()
    with stoppable_session(cutter) as session, pytest.raises(requests.ConnectionError):
        session.get(silent_server, timeout=5)
    assert cutter.live() == 0


def test_a_plain_session_is_not_cut_short_which_is_why_this_exists(silent_server):
    with requests.Session() as session:
        started = time.perf_counter()
        with pytest.raises(requests.Timeout):
            session.get(silent_server, timeout=0.5)
    assert time.perf_counter() - started >= 0.45


def test_a_look_up_that_hangs_gives_up_after_the_timeout(stuck_resolver):
    cutter, _ = stuck_resolver
    with stoppable_session(cutter) as session:
        started = time.perf_counter()
        with pytest.raises(requests.ConnectionError):
            session.get("http://somewhere.invalid/", timeout=0.3)
    assert time.perf_counter() - started < 0.3 + SLACK_S + 0.2


def test_a_cut_ends_a_look_up_that_hangs(stuck_resolver):
    cutter, _ = stuck_resolver
    with stoppable_session(cutter) as session:
        thread, outcome = get_in_thread(session, "http://somewhere.invalid/", timeout_s=30)
        time.sleep(0.2)
        took = cut_and_time(cutter, thread)
    assert took < CUT_WITHIN_S + SLACK_S
    assert isinstance(outcome[0], requests.ConnectionError)


def test_cut_on_stop_watches_the_token_only_while_the_block_runs(silent_server):
    stop, cutter = StopToken(), Cutter()
    with cut_on_stop(stop, cutter), stoppable_session(cutter) as session:
        thread, _ = get_in_thread(session, silent_server, timeout_s=30)
        time.sleep(0.2)
        pressed = time.perf_counter()
        stop.set()
        thread.join(10)
        assert time.perf_counter() - pressed < CUT_WITHIN_S + SLACK_S
    assert cutter.is_cut()
