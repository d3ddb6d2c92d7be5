import itertools
import threading
import time

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe
from gilviz.demos import REGISTRY
from tests.demos.helpers import run_lesson


def _spans(result):
    return sorted((task["start"], task["end"]) for task in result["tasks"])


def test_a_pool_of_one_runs_the_tasks_one_after_another():
    outcome, _ = run_lesson("thread-pool", tasks=4, workers=1, unit_s=0.02)
    result = outcome.result
    assert result["threads_used"] == 1 and result["most_at_once"] == 1
    spans = _spans(result)
    assert all(end <= next_start + 1e-3
               for (_, end), (next_start, _) in itertools.pairwise(spans))
    assert result["pool_s"] >= 0.9 * result["one_thread_s"]  # 1+2+3+4 units, in a row


def test_w_workers_overlap_and_every_task_says_who_ran_it():
    outcome, snapshot = run_lesson("thread-pool", tasks=5, workers=3, unit_s=0.05)
    result = outcome.result
    assert result["threads_used"] == 3 and result["most_at_once"] == 3
    assert result["pool_s"] < 0.7 * result["one_thread_s"]  # 7 units of 15, measured
    assert [task["task"] for task in result["tasks"]] == [1, 2, 3, 4, 5]
    workers = {task["worker"] for task in result["tasks"]}
    assert workers == {"Worker_0", "Worker_1", "Worker_2"}
    for task in result["tasks"]:
        assert task["end"] - task["start"] >= 0.9 * task["units"] * 0.05
    lanes = {lane.name: lane for lane in snapshot.lanes}
    assert workers <= set(lanes) and all(lane.state == "done" for lane in lanes.values())


def test_map_hands_results_back_in_submission_order():
    outcome, snapshot = run_lesson("thread-pool", tasks=5, workers=5, unit_s=0.03,
                                   durations="falling", mode="map")
    result = outcome.result
    assert result["finish_order"] == [5, 4, 3, 2, 1]
    assert result["result_order"] == [1, 2, 3, 4, 5]
    task_one_end = result["tasks"][0]["end"]
    assert all(at >= task_one_end - 1e-3 for at in result["received_at"])  # held back
    received = [e.text for e in snapshot.events if e.text.startswith("result of task")]
    assert received == [f"result of task {n} received: {n * n}" for n in range(1, 6)]


def test_as_completed_hands_each_result_back_when_it_is_done():
    outcome, _ = run_lesson("thread-pool", tasks=5, workers=5, unit_s=0.03,
                            durations="falling", mode="submit")
    result = outcome.result
    assert result["result_order"] == result["finish_order"] == [5, 4, 3, 2, 1]
    ends = {task["task"]: task["end"] for task in result["tasks"]}
    for n, at in zip(result["result_order"], result["received_at"], strict=True):
        assert at - ends[n] < 0.02  # main got it right away


def test_stop_ends_the_pool_fast():
    probe = Probe()
    threading.Timer(0.2, probe.stop.set).start()
    started = time.perf_counter()
    outcome = execute(REGISTRY.get("thread-pool"), {"tasks": 10, "workers": 3, "unit_s": 2.0},
                      probe)
    assert outcome.stopped and outcome.error is None
    assert time.perf_counter() - started < 0.2 + 0.5
    assert len(outcome.result["result_order"]) == 0
