"""Killed outright (SIGKILL: no chance to clean up): the engine mid-run, or the whole
window. Every process gilviz started must be gone soon after, and every /dev/shm file
they had mapped (multiprocessing's semaphores, shared memory) removed."""

from __future__ import annotations

import json
import signal
import time

import psutil
import pytest

from gilviz.core.placement import IN_PROCESS, ISOLATED
from gilviz.demos import REGISTRY
from tests.faults.helpers import Started, gone_within, run_args
from tests.faults.long import long

ENGINE_LESSONS = [lesson.id for lesson in REGISTRY if lesson.prefers_isolated]
START_S = 60  # generous: a loaded 2-core machine starts 16 interpreters slowly
ENGINE_GONE_S = 2.0
WINDOW_GONE_S = 3.0
POOL = 4  # process-vs-thread's workers in LONG


def pool_is_up(started: Started, workers: int) -> bool:
    """The process pool's workers exist (engine and tracker aside)."""
    return len(started.descendants()) >= workers + 2


KILL_MOMENTS = [(lesson_id, "mid-run") for lesson_id in ENGINE_LESSONS] + [
    ("process-vs-thread", "pool starting"), ("process-vs-thread", "pool working")]


@pytest.mark.parametrize(("lesson_id", "moment"), KILL_MOMENTS)
def test_a_killed_engine_leaves_nothing_behind(tmp_path, lesson_id, moment):
    started = Started(run_args(lesson_id, long(lesson_id), "--isolated"), tmp_path)
    try:
        started.wait_until(started.engine, START_S, "the engine")
        if moment == "pool starting":
            started.wait_until(lambda: pool_is_up(started, 1), START_S, "a pool worker")
        elif moment == "pool working":
            started.wait_until(lambda: pool_is_up(started, POOL), START_S, "the pool")
            started.wait_until(lambda: "process pool: 4 workers up" in started.out(),
                               START_S, "the pool's tasks")
        else:
            time.sleep(1.5)  # the engine has imported the lessons and started the run
        engine = started.engine()
        assert engine is not None
        started.note_shared_memory()
        engine.send_signal(signal.SIGKILL)
        took, left = gone_within(started, ENGINE_GONE_S)
        assert not left, f"still running {took:.1f} s after the engine was killed: {left}"
        assert started.proc.wait(1) == 1
        assert "engine stopped unexpectedly" in started.err()
        assert "Traceback" not in started.err()
        assert not started.shm_left(), started.shm_left()
    finally:
        started.clean_up()


WINDOW_CASES = [
    ("process-vs-thread", IN_PROCESS, POOL),  # the pool's workers are the window's own
    ("process-vs-thread", ISOLATED, POOL + 1),  # engine, and its pool under it
    ("daemon", IN_PROCESS, 2),  # two child interpreters
    ("gil-cpu", ISOLATED, 1),
    ("fetch", IN_PROCESS, 0),
]


@pytest.mark.parametrize(("lesson_id", "placement", "children"), WINDOW_CASES)
def test_a_killed_window_leaves_nothing_behind(tmp_path, lesson_id, placement, children):
    params = long(lesson_id)
    started = Started(["-m", "tests.faults.window_child", lesson_id, placement,
                       json.dumps(params)], tmp_path, QT_QPA_PLATFORM="offscreen")
    try:
        started.wait_until(lambda: "running" in started.out(), START_S, "the run")
        started.wait_until(
            lambda: len([p for p in started.descendants()
                         if "resource_tracker" not in _cmdline(p)]) >= children,
            START_S, f"{children} child processes")
        time.sleep(0.5)
        started.note_shared_memory()
        started.proc.send_signal(signal.SIGKILL)
        took, left = gone_within(started, WINDOW_GONE_S)
        assert not left, f"still running {took:.1f} s after the window was killed: {left}"
        time.sleep(0.5)  # the resource tracker removes what it tracked as it leaves
        assert not started.shm_left(), started.shm_left()
    finally:
        started.clean_up()


def _cmdline(process: psutil.Process) -> str:
    """A process's command line; empty once it has exited (a zombie has none to read)."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""
