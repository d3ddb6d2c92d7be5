import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from gilviz.core.engine import EngineRun
from gilviz.core.params import resolve
from gilviz.core.placement import ISOLATED, RunFactory
from gilviz.core.telemetry import State
from gilviz.demos import REGISTRY


def _wait_done(run: EngineRun, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not run.done():
        assert time.monotonic() < deadline, "engine run did not finish"
        time.sleep(0.02)


def test_a_lesson_runs_in_the_child_with_live_lanes_and_log():
    run = EngineRun("many-threads", {"threads": 6, "count": 4, "interval_s": 0.05})
    run.start()
    try:
        _wait_done(run)
        result = run.result()
        assert result is not None and result.error is None, result
        assert result.result["counts"] == [4] * 6 and result.result["distinct_thread_ids"] == 6
        snapshot = run.snapshot()
        assert len(snapshot.lanes) == 7
        assert all(lane.state is State.DONE for lane in snapshot.lanes)
        assert sum("number is" in e.text for e in snapshot.events) == 24
        assert snapshot.lane("Thread-1").ident != 0
    finally:
        assert run.close()
    assert run.exitcode == 0


def test_stop_reaches_the_child_quickly():
    run = EngineRun("many-threads", {"threads": 64, "count": 100, "interval_s": 2.0})
    run.start()
    try:
        deadline = time.monotonic() + 30
        while len(run.snapshot().lanes) < 65:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        stopped_at = time.perf_counter()
        run.stop()
        _wait_done(run)
        assert time.perf_counter() - stopped_at < 1.0  # generous; the bench has the figure
        assert run.result().stopped
    finally:
        assert run.close()


def _nice_of(pid: int, tid: int) -> int:
    with open(f"/proc/{pid}/task/{tid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[16])  # field 19: nice


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_window_engine_runs_its_lesson_threads_at_a_lower_priority():
    """The window's factory lowers the engine's priority, lesson threads included, so the
    window's event loop wins a core; a headless engine keeps its owner's priority."""
    own = os.nice(0)
    for nice in (5, 0):
        run = RunFactory(engine_nice=nice).create(REGISTRY.get("many-threads"), resolve(
            REGISTRY.get("many-threads").params, {"threads": 3, "count": 100,
                                                  "interval_s": 0.5}), ISOLATED)
        run.start()
        try:
            deadline = time.monotonic() + 30
            while len([lane for lane in run.snapshot().lanes if lane.tid]) < 4:
                assert time.monotonic() < deadline
                time.sleep(0.02)
            tids = [lane.tid for lane in run.snapshot().lanes]
            assert [_nice_of(run.pid, tid) for tid in tids] == [own + nice] * 4
        finally:
            run.stop()
            assert run.close()


def test_a_killed_engine_is_reported_and_the_next_run_works():
    run = EngineRun("many-threads", {"threads": 2, "count": 100, "interval_s": 1.0})
    run.start()
    try:
        while not run.snapshot().lanes:
            time.sleep(0.02)
        os.kill(run.pid, signal.SIGKILL)
        _wait_done(run)
        assert run.result().error == "engine stopped unexpectedly: exit code -9"
    finally:
        run.close()
    again = EngineRun("thread-join", {"count": 1, "interval_s": 0.01})
    again.start()
    try:
        _wait_done(again)
        assert again.result().error is None
    finally:
        again.close()


def test_an_unresponsive_engine_is_terminated_on_close():
    run = EngineRun("many-threads", {"threads": 2, "count": 100, "interval_s": 1.0})
    run.start()
    while not run.snapshot().lanes:
        time.sleep(0.02)
    os.kill(run.pid, signal.SIGSTOP)  # frozen: it cannot honour the stop
    started = time.perf_counter()
    assert run.close(timeout_s=0.3) is False
    assert time.perf_counter() - started < 3
    assert run.exitcode is not None


ORPHAN_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from gilviz.core.engine import EngineRun
    run = EngineRun("many-threads", {"threads": 4, "count": 100, "interval_s": 1.0})
    run.start()
    while not run.snapshot().lanes:
        time.sleep(0.02)
    print(run.pid, flush=True)
    os._exit(0)  # the window crashes: no cleanup at all
""")


def test_the_engine_does_not_outlive_a_crashed_window():
    proc = subprocess.run([sys.executable, "-c", ORPHAN_SCRIPT], capture_output=True,
                          text=True, timeout=60)
    child = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{child}") and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = os.path.exists(f"/proc/{child}")
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the engine child outlived its parent"
