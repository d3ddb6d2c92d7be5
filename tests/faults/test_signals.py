"""Ctrl+C and SIGTERM, headless and in the window: the run stops, the process exits
130 (SIGINT) or 143 (SIGTERM) without a traceback, and no process it started is left.

Ctrl+C in a terminal sends SIGINT to the whole foreground process group (children
included), so that case signals the group; a SIGTERM from a service manager or `kill`
reaches only the one process."""

from __future__ import annotations

import json
import signal
import time

import pytest

from gilviz.core.placement import IN_PROCESS, ISOLATED
from tests.faults.helpers import Started, gone_within, run_args
from tests.faults.long import long

START_S = 60
EXIT_S = 5.0
GONE_S = 2.0
HOW = {"ctrl-c": (signal.SIGINT, True, 130), "sigterm": (signal.SIGTERM, False, 143)}


def send(started: Started, how: str) -> int:
    signum, to_group, status = HOW[how]
    if to_group:
        started.signal_group(signum)
    else:
        started.proc.send_signal(signum)
    return status


def assert_clean_exit(started: Started, status: int) -> None:
    code = started.wait(EXIT_S)
    err = started.err()
    assert code == status, err[-3000:]
    assert "Traceback" not in err and "Error" not in err.replace("gilviz: error", ""), err
    _, left = gone_within(started, GONE_S)
    assert not left, left


CLI_CASES = [
    ("gil-cpu", ISOLATED), ("gil-cpu", IN_PROCESS),
    ("process-vs-thread", ISOLATED),  # Ctrl+C reaches the engine's pool workers too
    ("fetch", IN_PROCESS),  # requests waiting on a 30 s timeout
    ("daemon", IN_PROCESS),  # child interpreters
]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("lesson_id", "placement"), CLI_CASES)
def test_the_cli_stops_cleanly_on_a_signal(tmp_path, lesson_id, placement, how):
    flag = "--isolated" if placement == ISOLATED else "--in-process"
    started = Started(run_args(lesson_id, long(lesson_id), flag), tmp_path)
    try:
        if placement == ISOLATED:
            started.wait_until(started.engine, START_S, "the engine")
        if lesson_id == "process-vs-thread":
            started.wait_until(lambda: len(started.descendants()) >= 4, START_S,
                               "the process pool")
        else:
            started.wait_until(started.out, START_S, "the run's first log line")
        time.sleep(1.0)
        pressed = time.monotonic()
        status = send(started, how)
        assert_clean_exit(started, status)
        assert time.monotonic() - pressed < EXIT_S
        assert "stopped after" in started.out()  # the summary of a stopped run
    finally:
        started.clean_up()


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("lesson_id", "placement"), [("gil-cpu", ISOLATED),
                                                      ("daemon", IN_PROCESS)])
def test_the_window_closes_cleanly_on_a_signal(tmp_path, lesson_id, placement, how):
    started = Started(["-m", "tests.faults.window_child", lesson_id, placement,
                       json.dumps(long(lesson_id))], tmp_path, QT_QPA_PLATFORM="offscreen")
    try:
        started.wait_until(lambda: "running" in started.out(), START_S, "the run")
        time.sleep(1.0)
        status = send(started, how)
        assert_clean_exit(started, status)
        assert f"exit {status}" in started.out()
    finally:
        started.clean_up()
