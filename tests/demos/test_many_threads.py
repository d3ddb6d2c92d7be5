import threading
import time

import pytest

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe
from gilviz.demos import REGISTRY
from tests.demos.helpers import run_lesson


@pytest.fixture
def qthreads_available():
    """The window registers the QThread kind at start-up; here the test does."""
    from gilviz.ui import qthread_kind

    qthread_kind.register()


@pytest.mark.parametrize("kind", ["threading", "qthread"])
def test_n_threads_run_side_by_side_and_finish_every_count(kind, qthreads_available):
    outcome, snapshot = run_lesson("many-threads", threads=16, count=5, kind=kind)
    result = outcome.result
    assert result["distinct_thread_ids"] == 16
    assert result["counts"] == [5] * 16 and result["complete"] is True
    assert result["most_alive_at_once"] >= 8
    assert result["handovers"] >= 16  # the log switches between threads
    # 16 threads sleeping 5 x 20 ms each take far less than 16 x 100 ms together
    assert result["workers_wall_s"] < 16 * 5 * 0.02 / 2
    assert len({e.thread for e in snapshot.events}) == 17  # 16 workers and main


def test_joining_each_thread_right_away_runs_them_one_after_another():
    outcome, _ = run_lesson("many-threads", threads=4, count=3, variant="one-by-one")
    assert outcome.result["most_alive_at_once"] == 1
    assert outcome.result["workers_wall_s"] >= 4 * 3 * 0.02 * 0.9
    # Four threads, one after another: threading.get_ident() hands the first one's id to
    # each of the next (it read 1); the kernel's ids tell them apart.
    assert outcome.result["distinct_thread_ids"] == 4


def test_stop_ends_64_threads_quickly():
    probe = Probe()
    lesson = REGISTRY.get("many-threads")
    params = {"threads": 64, "count": 100, "interval_s": 2.0}
    threading.Timer(0.3, probe.stop.set).start()
    started = time.perf_counter()
    outcome = execute(lesson, params, probe)
    assert outcome.stopped
    assert time.perf_counter() - started < 0.3 + 1.0  # generous; bench measures the real figure
    assert all(lane.state == "done" for lane in probe.snapshot().lanes)
