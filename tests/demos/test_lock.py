import threading
import time

import pytest

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe
from gilviz.demos import REGISTRY
from tests.demos.helpers import run_and_stop, run_lesson

LESSON = REGISTRY.get("lock")


@pytest.mark.parametrize("granularity", ["per-increment", "whole-loop"])
def test_every_locked_run_is_exact(granularity):
    for _ in range(3):
        outcome, snapshot = run_lesson("lock", threads=4, iterations=1_000,
                                       granularity=granularity, compare="no")
        result = outcome.result
        assert result["expected"] == result["actual"] == 4_000
        assert result["lost"] == 0 and result["lost_pct"] == 0.0
        assert snapshot.values["counter"] == 4_000
        assert "race_s" not in result


def test_compare_times_both_placements_and_the_unlocked_race():
    outcome, _ = run_lesson("lock", threads=4, iterations=1_000)
    result = outcome.result
    assert result["per_increment_actual"] == result["whole_loop_actual"] == 4_000
    assert result["per_increment_lost"] == result["whole_loop_lost"] == 0
    assert result["race_lost"] > 0 and result["race_actual"] + result["race_lost"] == 4_000
    for key in ("per_increment_s", "whole_loop_s", "race_s"):
        assert result[key] > 0
    # Sleeping 4,000 times in turn costs more than four threads sleeping side by side.
    assert result["whole_loop_s"] > result["race_s"]
    text = LESSON.takeaway(result)
    assert "exact" in text and "Without a lock" in text


def test_whole_loop_lock_runs_the_threads_one_after_another():
    outcome, snapshot = run_lesson("lock", threads=4, iterations=300,
                                   granularity="whole-loop", compare="no")
    assert outcome.result["running_at_once"] == 1
    said = [(e.thread, e.text) for e in snapshot.events if e.thread != "main"]
    holders = [thread for thread, text in said if text == "acquired the lock"]
    assert sorted(holders) == [f"Thread-{i}" for i in range(1, 5)]
    turns = [(t, text) for t, text in said if text != "waiting for the lock"]
    for (t1, a), (t2, b) in zip(turns[::2], turns[1::2], strict=True):
        assert (a, b) == ("acquired the lock", "releasing the lock") and t1 == t2
    assert sum(text == "waiting for the lock" for _, text in said) == 4


def test_whole_loop_shows_waiting_threads_as_blocked():
    probe = Probe()
    samples = []

    def watch():
        for _ in range(5):
            time.sleep(0.05)
            samples.append([lane.state for lane in probe.snapshot().lanes
                            if lane.name != "main"])

    watcher = threading.Thread(target=watch)
    watcher.start()
    outcome = execute(LESSON, {"threads": 4, "iterations": 3_000,
                               "granularity": "whole-loop", "compare": "no"}, probe)
    watcher.join()
    assert outcome.result["lost"] == 0
    # Never two threads counting at once; while one holds the lock, others wait blocked.
    assert all(states.count("running") <= 1 for states in samples)
    assert any("blocked" in states for states in samples)


def test_per_increment_lets_threads_count_side_by_side():
    outcome, _ = run_lesson("lock", threads=4, iterations=300, compare="no",
                             granularity="per-increment")
    assert outcome.result["running_at_once"] >= 2


@pytest.mark.parametrize("granularity", ["per-increment", "whole-loop"])
def test_stop_ends_64_locked_threads_quickly(granularity):
    outcome, _, took = run_and_stop("lock", {"threads": 64, "iterations": 1_000_000,
                                             "granularity": granularity})
    assert outcome.stopped and outcome.error is None
    assert took < 1.0
    result = outcome.result
    assert result["lost"] == 0 and result["actual"] == result["expected"] > 0
