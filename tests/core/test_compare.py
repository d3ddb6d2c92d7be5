"""The side-by-side comparison: the plan, the numbers shown, the one-line verdicts."""

from __future__ import annotations

import sys

import pytest

from gilviz.core.compare import (
    ComparedRun,
    Comparison,
    chart_points,
    headline,
    parallel_cores,
    rows,
    run_in_turn,
    side_by_side,
)
from gilviz.core.engine import EngineCommand
from gilviz.core.interpreter_probe import Interpreter, running_interpreter
from gilviz.core.params import ParamError
from gilviz.core.runner import RunResult
from gilviz.demos import REGISTRY

FREE = Interpreter(path="/opt/py/bin/python3.13t", version="3.13.5", free_threaded=True,
                   gil_enabled=False, usable=True, implementation="CPython")


def state(name, cpu, gil=0.0, queued=0.0, other=0.0, blocked=0.0, measured=True):
    return {"name": name, "tid": 1, "cpu_s": cpu, "waiting_for_cpu_s": queued,
            "waiting_for_gil_s": gil, "waiting_other_s": other, "blocked_s": blocked,
            "measured": measured}


def test_threads_that_take_turns_for_the_gil_count_as_one_at_a_time():
    result = {"thread_states": [state("main", 1.0, blocked=2.0),
                                state("Thread-1", 0.5, gil=0.5, queued=0.4),
                                state("Thread-2", 0.5, gil=0.5, queued=0.9)]}
    assert parallel_cores(result) == 1.0  # time queued for a busy core is left out


def test_threads_without_a_gil_count_as_running_at_once_whatever_the_load():
    result = {"thread_states": [state("Thread-1", 0.9, queued=1.1, other=0.01),
                                state("Thread-2", 0.9, queued=0.2)]}
    assert parallel_cores(result) == pytest.approx(1.99, abs=0.01)


def test_a_sweep_is_judged_by_its_largest_thread_count_and_sleepers_by_their_sleep():
    result = {"thread_states": [state("1T·1", 1.0), state("2T·1", 1.0), state("2T·2", 1.0),
                                state("4T·1", 0.2, gil=0.6), state("4T·2", 0.2, gil=0.6),
                                state("4T·3", 0.2, gil=0.6), state("4T·4", 0.2, gil=0.6)]}
    assert parallel_cores(result) == 1.0
    assert parallel_cores({"thread_states": [state("T", 0.01, blocked=0.99)]}) == 0.01
    assert parallel_cores({"thread_states": [state("T", 1.0, measured=False)]}) is None
    assert parallel_cores({}) is None


def test_chart_points_speedups_sweeps_pools_and_losses():
    assert chart_points({"threads": 4, "speedup": 1.5}) == ("threads", "speedup (x)",
                                                            [(4, 1.5)])
    sweep = {"threads": 2, "speedup": 1.9, "sweep": [{"threads": 1, "speedup": 1.0},
                                                     {"threads": 2, "speedup": 1.9}]}
    assert chart_points(sweep)[2] == [(1, 1.0), (2, 1.9)]
    assert chart_points({"threads": 4, "lost": 10, "expected": 40})[1:] == (
        "updates lost (%)", [(4, 25.0)])
    assert chart_points({"workers": 4, "thread_s": 2.0, "process_s": 1.0})[2] == [(4, 2.0)]
    assert chart_points({"status": "finished"}) == ("", "", [])


def run_with(result: dict, interp: Interpreter | None = None, **kwargs) -> ComparedRun:
    engine = EngineCommand(sys.executable, {}, interp or running_interpreter())
    return ComparedRun(engine, RunResult("gil-cpu", {}, 1.5, result, **kwargs))


def test_headline_gives_the_measured_answer_and_the_verdict_word():
    speed = run_with({"threads": 2, "speedup": 1.94, "verdict": "parallel",
                      "thread_states": [state("A", 1.0), state("B", 1.0)]}, FREE)
    assert headline(speed) == ("parallel: 2 threads: 1.94x the speed of one; 2.0 threads "
                               "free to run at once")
    race = run_with({"lost": 1000, "expected": 4000, "trials_run": 3, "trials_with_loss": 2})
    assert headline(race) == ("1,000 of 4,000 updates lost (25%); lost some in 2 of 3 "
                              "trials")
    assert headline(run_with({"lost": 0, "expected": 4000})) == "no update lost"
    assert headline(run_with({}, error="boom")) == "failed: boom"
    assert headline(run_with({"threads": 2, "speedup": 1.0}, stopped=True)).startswith(
        "stopped early")
    came_back = run_with({"lost": 0, "expected": 1}, FREE)
    came_back.facts = {"gil_enabled": True}
    assert headline(came_back).endswith("(the GIL came back on!)")
    assert came_back.to_json()["interpreter"]["gil_enabled"] is True
    assert "warning" in came_back.to_json()


def test_comparison_refuses_settings_an_interpreter_cannot_run():
    lesson = REGISTRY.get("many-threads")
    engine = EngineCommand(sys.executable, {}, FREE)
    with pytest.raises(ParamError, match=r"this one\) cannot run many-threads so: QThreads"):
        Comparison(lesson, {"kind": "qthread"}, [EngineCommand(), engine])
    with pytest.raises(ParamError, match="no free-threaded build has PySide6"):
        Comparison(lesson, {"kind": "qthread"}, [engine])
    Comparison(lesson, {"kind": "threading"}, [EngineCommand(), engine])


def test_comparison_runs_in_turn_and_stops_after_a_stopped_run():
    lesson = REGISTRY.get("race")
    comparison = Comparison(lesson, {"iterations": 50}, [EngineCommand(), EngineCommand()])
    first, second = comparison.runs
    assert comparison.pending is first
    first.result = RunResult("race", {}, 0.1, {"lost": 0}, stopped=True)
    assert comparison.pending is None and comparison.finished
    first.result = RunResult("race", {}, 0.1, {"lost": 0})
    assert comparison.pending is second


def test_two_runs_headless_side_by_side():
    lesson = REGISTRY.get("race")
    comparison = Comparison(lesson, {"iterations": 30, "threads": 2},
                            [EngineCommand(), EngineCommand()])
    seen = []
    assert run_in_turn(comparison, started=seen.append) is False
    assert seen == comparison.runs and comparison.finished
    data = comparison.to_json()
    assert data["lesson"] == "race" and data["params"]["iterations"] == 30
    assert [run["result"]["expected"] for run in data["runs"]] == [60, 60]
    table = dict(rows(comparison))
    assert table["expected"] == ["60", "60"] and table["GIL during the run"] == ["on", "on"]
    assert "lost (%)" in table and "lost_pct" not in table
    text = side_by_side(comparison)
    assert text.startswith("race (threads=2, iterations=30")
    assert text.count("(this one)") >= 2


def test_a_run_stopped_before_it_measured_still_has_a_headline_and_no_bar():
    run = run_with({"threads": 4, "speedup": None, "threaded_s": None, "sweep": [
        {"threads": 1, "speedup": 1.0}, {"threads": 2, "speedup": None}]}, stopped=True)
    assert headline(run) == "stopped early; ran 1.50 s"
    assert chart_points(run.result.result) == ("", "", [])
    assert chart_points({"lost": None, "expected": 10}) == ("", "", [])
