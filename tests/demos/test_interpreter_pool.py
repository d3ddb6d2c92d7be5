"""process-vs-thread's third pool, InterpreterPoolExecutor: offered where the engine's
Python is 3.14 or newer, refused with the reason elsewhere."""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from gilviz import pool_tasks
from gilviz.core.compare import Comparison
from gilviz.core.engine_choice import prepare
from gilviz.core.interpreters import find_interpreters
from gilviz.core.lesson_needs import version_tuple
from gilviz.core.runner import execute
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.demos import REGISTRY
from gilviz.demos.interpreter_pool import time_interpreter_pool
from gilviz.demos.process_vs_thread import INTERPRETERS

LESSON = REGISTRY.get("process-vs-thread")
HAS_POOL = hasattr(concurrent.futures, "InterpreterPoolExecutor")


def stand_in(workers: int) -> ThreadPoolExecutor:
    """The same executor interface without sub-interpreters: tests the orchestration on
    any Python (the tasks import nothing the stand-in could not)."""
    return ThreadPoolExecutor(max_workers=workers)


def test_the_pool_is_timed_after_all_its_workers_are_up():
    probe = Probe()
    phases = []
    phase = time_interpreter_pool("cpu", 3, 50_000, 5, probe, phases, stand_in)
    assert phases == [phase] and phase.kind == INTERPRETERS
    assert phase.startup_s is not None and phase.elapsed_s is not None
    assert sorted(n for n, *_ in phase.records) == [1, 2, 3, 4, 5]
    view = phase.view()
    assert len(view["rows"]) == 3 and len(view["ready"]) == 3
    assert all(0 <= ready <= phase.startup_s + 0.01 for ready in view["ready"])
    assert {task["worker"] for task in view["tasks"]} <= set(view["rows"])


def seconds_per_iteration() -> float:
    """The calibration: the pool's own CPU task, run here with no stop and no other thread."""
    with tempfile.TemporaryFile() as never_stopped:
        started = time.perf_counter()
        pool_tasks.cpu_task(0, 2_000_000, never_stopped.fileno())
        return (time.perf_counter() - started) / 2_000_000


def test_stop_reaches_tasks_in_the_pool_through_the_flag_file():
    iterations, tasks = 2_000_000_000, 4
    all_the_work_s = tasks * iterations * seconds_per_iteration()  # hundreds of seconds
    probe = Probe()
    threading.Timer(0.3, probe.stop.set).start()
    started = time.monotonic()
    phase = time_interpreter_pool("cpu", 2, iterations, tasks, probe, [], stand_in)
    took = time.monotonic() - started
    assert phase.elapsed_s is None  # stopped: no time claimed
    # Measured 0.3-0.4 s, busy machine included; the bound says only that the stop cut the
    # work short, far below what doing it would cost on this machine now.
    assert took < 0.05 * all_the_work_s, (took, all_the_work_s)


@pytest.mark.skipif(HAS_POOL, reason="this Python has an InterpreterPoolExecutor")
def test_older_pythons_refuse_the_third_pool_with_the_reason():
    result = execute(LESSON, {"pools": "interpreters", "tasks": 1, "workers": 1,
                              "iterations": 10_000}, Probe(StopToken()))
    assert "no InterpreterPoolExecutor: it came with 3.14" in result.error
    proc = subprocess.run([sys.executable, "-m", "gilviz", "run", "process-vs-thread",
                           "--set", "pools=interpreters"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("gilviz: error: InterpreterPoolExecutor needs Python 3.14 "
                                   f"or newer, and this is Python {sys.version.split()[0]}")


def newest_314() -> str | None:
    found = [i for i in find_interpreters() if i.usable
             and version_tuple(i.version)[:2] >= (3, 14)]
    return found[0].path if found else None


def test_the_third_pool_on_a_python_3_14():
    path = None if HAS_POOL else newest_314()
    if not HAS_POOL and path is None:
        pytest.skip("no Python 3.14 or newer on this machine: the interpreter pool cannot "
                    "run here (its disabled-with-reason path is tested above)")
    from gilviz.core.compare import run_in_turn
    from gilviz.core.engine import EngineCommand
    from gilviz.core.interpreters import describe

    engine = EngineCommand() if path is None else prepare(describe(path))
    comparison = Comparison(LESSON, {"pools": "interpreters", "workers": 2, "tasks": 4,
                                     "iterations": 300_000}, [engine])
    run_in_turn(comparison)
    result = comparison.runs[0].result
    assert result.error is None, result.error
    assert result.result["interpreter_s"] > 0 and len(result.result["interpreter_tasks"]) == 4
    assert all(t["worker"].startswith("interpreter ") for t in result.result["interpreter_tasks"])
