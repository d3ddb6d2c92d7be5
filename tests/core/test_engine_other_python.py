"""The engine on an interpreter other than the one running the tests: it starts as
`python -m gilviz.engine`, runs the lessons there, and the counters it writes into the
shared board are read here live, while it runs."""

from __future__ import annotations

import os
import sys
import time

import pytest

from gilviz.core.engine import EngineCommand, EngineRun
from gilviz.core.engine_python import engine_python
from gilviz.core.interpreters import find_interpreters


@pytest.fixture(scope="module")
def other_python() -> EngineCommand:
    """The first usable interpreter found here that is not this one (pyenv's 3.12 and
    3.13 on the development and CI machines), prepared the way the window prepares it."""
    mine = os.path.realpath(sys.executable)
    for interp in find_interpreters():
        if interp.usable and not interp.running and os.path.realpath(interp.path) != mine \
                and interp.version.split(".")[:2] != sys.version.split(".")[:2]:
            return engine_python(interp)
    pytest.skip("no second usable Python on this machine (looked on PATH, in pyenv's "
                "versions folder, uv's and gilviz's cache)")


def _run_watching(run: EngineRun, timeout_s: float = 120.0) -> list[int]:
    """Run to the end; returns the summed lane counts seen while it was still running."""
    run.start()
    seen = []
    deadline = time.monotonic() + timeout_s
    try:
        while not run.done():
            assert time.monotonic() < deadline, "the engine run did not finish"
            seen.append(sum(lane.count for lane in run.snapshot().lanes))
            time.sleep(0.01)
    finally:
        assert run.close()
    return seen


def test_gil_cpu_runs_on_another_python_with_live_counters(other_python):
    run = EngineRun("gil-cpu", {"threads": 2, "iterations": 6_000_000}, other_python)
    live = _run_watching(run)
    result = run.result()
    assert result.error is None, result.error
    assert result.result["sequential_s"] > 0 and result.result["threaded_s"] > 0
    growing = [count for count in live if count > 0]
    assert len(set(growing)) >= 3, f"counters never moved while it ran: {live[:20]}"
    assert run.pid != os.getpid()


def test_the_race_runs_on_another_python(other_python):
    run = EngineRun("race", {"threads": 4, "iterations": 2_000, "variant": "forced"},
                    other_python)
    live = _run_watching(run)
    result = run.result()
    assert result.error is None, result.error
    assert result.result["expected"] == 8_000
    assert result.result["actual"] + result.result["lost"] == 8_000
    assert result.result["lost"] > 0  # the forced race loses updates on every build
    assert any(live), "no counter was read while the race ran"
