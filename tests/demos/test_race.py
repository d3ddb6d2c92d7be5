import sys
import threading

import pytest

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe
from gilviz.demos import REGISTRY, race
from gilviz.demos.interleaving import WRITE, caption
from tests.demos.helpers import run_and_stop, run_lesson

LESSON = REGISTRY.get("race")


def test_forced_race_loses_updates_in_at_least_9_of_10_trials():
    # 2,000 instead of the default 10,000 per thread keeps the suite fast; the loss is
    # just as reliable (each sleep(0) is a switch between a read and its write).
    outcome, _ = run_lesson("race", threads=4, iterations=2_000, trials=10)
    result = outcome.result
    assert result["trials_run"] == 10
    assert len(result["lost_per_trial"]) == len(result["actual_per_trial"]) == 10
    assert sum(lost > 0 for lost in result["lost_per_trial"]) >= 9
    assert result["trials_with_loss"] >= 9
    for lost, actual in zip(result["lost_per_trial"], result["actual_per_trial"], strict=True):
        assert lost + actual == 8_000
    assert result["lost_min"] <= result["lost_median"] <= result["lost_max"]


def test_forced_race_at_the_lecture_defaults_falls_far_short():
    outcome, snapshot = run_lesson("race")
    result = outcome.result
    assert result["expected"] == 40_000
    assert result["actual"] + result["lost"] == 40_000
    assert result["lost"] > 4_000  # typically ~30,000: near one thread's worth survives
    assert result["lost_pct"] == pytest.approx(100 * result["lost"] / 40_000, abs=0.01)
    assert "lost_per_trial" not in result and "replay" not in result
    assert snapshot.values["counter"] == result["actual"]
    assert snapshot.values["expected"] == 40_000
    assert [lane.count for lane in snapshot.lanes if lane.name != "main"] == [10_000] * 4
    assert f"{result['lost']:,} updates" in LESSON.takeaway(result)


def test_plain_variant_reports_what_it_measured():
    outcome, _ = run_lesson("race", variant="plain", iterations=200_000, trials=3,
                            switch_interval_ms=0.1)
    result = outcome.result
    assert result["expected"] == 800_000
    for lost, actual in zip(result["lost_per_trial"], result["actual_per_trial"], strict=True):
        assert lost >= 0 and lost + actual == 800_000
    text = LESSON.takeaway(result)
    if result["trials_with_loss"] == 0:
        assert "lost nothing" in text and "switch interval" in text
    else:
        assert "were lost" in text


def test_one_lane_per_thread_across_trials():
    _, snapshot = run_lesson("race", threads=3, iterations=50, trials=4)
    assert sorted(lane.name for lane in snapshot.lanes) == [
        "Thread-1", "Thread-2", "Thread-3", "main"]
    assert sum("trial" in event.text for event in snapshot.events) == 4


def test_switch_interval_is_applied_for_the_run_and_restored():
    before = sys.getswitchinterval()
    seen = []
    probe = Probe()
    probe.watch("interval", sys.getswitchinterval)
    timer = threading.Timer(0.1, lambda: seen.append(probe.snapshot().values["interval"]))
    timer.start()
    outcome = execute(LESSON, {"iterations": 3_000, "switch_interval_ms": 0.5}, probe)
    timer.join()
    assert outcome.error is None
    assert seen == [pytest.approx(0.0005)]
    assert sys.getswitchinterval() == before


def test_switch_interval_is_restored_after_a_stopped_run():
    before = sys.getswitchinterval()
    probe = Probe()
    threading.Timer(0.1, probe.stop.set).start()
    outcome = execute(LESSON, {"iterations": 1_000_000, "switch_interval_ms": 1.0}, probe)
    assert outcome.stopped
    assert sys.getswitchinterval() == before


def test_switch_interval_is_restored_after_an_error(monkeypatch):
    before = sys.getswitchinterval()
    during = []

    def broken(*args):
        during.append(sys.getswitchinterval())
        raise RuntimeError("boom")

    monkeypatch.setattr(race, "race_once", broken)
    outcome = execute(LESSON, {"switch_interval_ms": 20.0})
    assert outcome.error == "RuntimeError: boom"
    assert during == [pytest.approx(0.02)]
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize("variant", ["forced", "plain"])
def test_stop_ends_64_threads_of_a_million_increments_quickly(variant):
    outcome, probe, took = run_and_stop("race", {"threads": 64, "iterations": 1_000_000,
                                                 "variant": variant, "trials": 100})
    assert outcome.stopped and outcome.error is None
    # Measured from the moment Stop was pressed (the timer thread itself may wait for the
    # GIL first); the design goal is 250 ms, the bound here is generous.
    assert took < 1.0
    assert all(lane.state == "done" for lane in probe.snapshot().lanes)
    result = outcome.result
    assert result["actual"] + result["lost"] == result["expected"] < 64_000_000


def test_small_forced_run_records_a_replay_with_lost_updates():
    outcome, _ = run_lesson("race", threads=2, iterations=30)
    result = outcome.result
    steps = result["replay"]
    assert len(steps) == 2 * 2 * 30  # a read and a write per increment
    assert {s["thread"] for s in steps} == {"Thread-1", "Thread-2"}
    writes = [s for s in steps if s["op"] == WRITE]
    assert writes[-1]["value"] == result["actual"]
    assert sum(s["lost"] for s in writes) == result["lost"] > 0
    eraser = next(i for i, s in enumerate(steps) if s.get("overwrites"))
    assert caption(steps, eraser).endswith("lost.")


def test_plain_runs_record_no_replay():
    outcome, _ = run_lesson("race", threads=2, iterations=30, variant="plain")
    assert "replay" not in outcome.result
