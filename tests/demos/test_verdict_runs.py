"""Real runs: the verdict a lesson puts in its result, and what a stopped run reports."""

import threading
import time

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe
from gilviz.core.verdict import PARALLEL, SPEED_VERDICTS, STOPPED
from gilviz.demos import REGISTRY
from tests.demos.helpers import run_and_stop, run_lesson


def test_pure_python_threads_are_never_parallel_on_this_gil_build():
    outcome, _ = run_lesson("gil-cpu", threads=2, iterations=3_000_000)
    result = outcome.result
    assert result["verdict"] in SPEED_VERDICTS
    assert result["verdict"] == REGISTRY.get("gil-cpu").verdict(result)
    if result["gil_enabled"]:
        assert result["verdict"] != PARALLEL
        assert "ran in parallel" not in REGISTRY.get("gil-cpu").takeaway(result)
        assert result["threaded_cpu_cores"] < 1.3  # one thread runs Python at a time


def test_a_sweep_stopped_while_main_works_alone_has_no_point_and_no_best():
    # The failure measured: a 4-thread point at 1.00x and "Best: 1.00x with 4 threads".
    outcome, _, _ = run_and_stop("gil-cpu", {"threads": 4, "iterations": 200_000_000,
                                             "sweep": "on"}, after_s=0.3)
    result = outcome.result
    assert outcome.stopped and result["verdict"] == STOPPED
    assert result["sweep"] == [] and result["speedup"] is None
    assert result["sequential_s"] is None and result["threaded_s"] is None
    text = REGISTRY.get("gil-cpu").conclusion(result, stopped=True)
    assert text.startswith("Stopped while main was still working alone")


def test_a_sweep_stopped_midway_keeps_only_the_finished_thread_counts():
    probe = Probe()

    def stop_after_first_point():
        deadline = time.monotonic() + 60
        while not probe.snapshot().values.get("sweep") and time.monotonic() < deadline:
            time.sleep(0.005)
        probe.stop.set()

    watcher = threading.Thread(target=stop_after_first_point)
    watcher.start()
    outcome = execute(REGISTRY.get("gil-cpu"),
                      {"threads": 8, "iterations": 4_000_000, "sweep": "on"}, probe)
    watcher.join()
    result = outcome.result
    counts = [point["threads"] for point in result["sweep"]]
    assert counts[:1] == [1] and 8 not in counts and len(counts) <= 2
    assert result["verdict"] == STOPPED and result["speedup"] is None
    text = REGISTRY.get("gil-cpu").conclusion(result, stopped=True)
    assert "8 threads never finished" in text and "1 thread(s) ran at" in text


def test_a_stopped_switch_interval_run_has_no_partial_row():
    outcome, _, _ = run_and_stop("switch-interval", {"threads": 4,
                                                     "iterations": 50_000_000}, after_s=0.3)
    assert outcome.result["intervals"] == [] and outcome.result["verdict"] == STOPPED
    assert REGISTRY.get("switch-interval").conclusion(outcome.result, True).startswith(
        "Stopped")


def test_a_lock_phase_cut_short_is_not_timed():
    outcome, _, _ = run_and_stop("lock", {"threads": 4, "iterations": 1_000_000,
                                          "granularity": "whole-loop"}, after_s=0.3)
    result = outcome.result
    assert result["verdict"] == STOPPED
    assert not {"whole_loop_s", "per_increment_s", "race_s"} & set(result)
    assert result["actual"] == result["expected"] > 0  # exact as far as it went


def test_every_measuring_lesson_puts_its_verdict_in_the_result():
    outcome, _ = run_lesson("race", iterations=200)
    assert outcome.result["verdict"] == "lost-updates"
    outcome, _ = run_lesson("lock", iterations=200, compare="no")
    assert outcome.result["verdict"] == "exact"
    outcome, _ = run_lesson("thread-pool", tasks=4, workers=2, unit_s=0.05)
    assert outcome.result["verdict"] == "overlapped"
    outcome, _ = run_lesson("event", delay_s=0.05, count=1, interval_s=0.01)
    assert outcome.result["verdict"] == "released"


def test_a_race_trial_cut_short_is_not_counted_as_a_trial():
    outcome, _, _ = run_and_stop("race", {"threads": 2, "iterations": 500, "trials": 100,
                                          "pause_ms": 0.0}, after_s=0.5)
    result = outcome.result
    assert result["verdict"] == STOPPED and 0 < result["trials_run"] < 100
    assert len(result["lost_per_trial"]) == result["trials_run"]
    for lost, actual in zip(result["lost_per_trial"], result["actual_per_trial"],
                            strict=True):
        assert lost + actual == 2 * 500  # every histogram entry is a whole trial
