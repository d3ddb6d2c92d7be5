import statistics

from tests.demos.helpers import run_lesson


def test_cpu_bound_threads_gain_nothing_under_the_gil():
    speedups = []
    for _ in range(3):
        outcome, snapshot = run_lesson("gil-cpu", threads=4, iterations=3_000_000)
        result = outcome.result
        assert result["sequential_s"] > 0 and result["threaded_s"] > 0
        speedups.append(result["speedup"])
        workers = [lane for lane in snapshot.lanes if lane.name.startswith("Thread-")]
        assert len(workers) == 4
        assert sum(lane.count for lane in workers) == 3_000_000
        assert snapshot.lane("main").count == 3_000_000  # main did it all alone first
    assert statistics.median(speedups) <= 1.15, speedups


def test_sweep_reports_every_thread_count():
    outcome, _ = run_lesson("gil-cpu", threads=4, iterations=200_000, sweep="on")
    sweep = outcome.result["sweep"]
    assert [point["threads"] for point in sweep] == [1, 2, 4]
    assert all(point["speedup"] > 0 for point in sweep)
    assert outcome.result["threaded_s"] == sweep[-1]["threaded_s"]
