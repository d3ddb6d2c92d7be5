import statistics

from tests.demos.helpers import run_lesson


def test_cpu_bound_threads_gain_nothing_under_the_gil():
    """What the GIL allows, from the kernel's CPU clock rather than from a speedup that
    other programs skew (beside two busy loops the sequential phase alone lost its core
    and 4 threads "ran" at 1.26x): the threaded phase never uses much more than one core,
    however many threads and however busy the machine."""
    cores_used = []
    for _ in range(3):
        outcome, snapshot = run_lesson("gil-cpu", threads=4, iterations=3_000_000)
        result = outcome.result
        assert result["sequential_s"] > 0 and result["threaded_s"] > 0
        assert result["speedup"] > 0
        cores_used.append(result["threaded_cpu_cores"])
        workers = [lane for lane in snapshot.lanes if lane.name.startswith("Thread-")]
        assert len(workers) == 4
        assert sum(lane.count for lane in workers) == 3_000_000
        assert snapshot.lane("main").count == 3_000_000  # main did it all alone first
    assert statistics.median(cores_used) <= 1.3, cores_used


def test_sweep_reports_every_thread_count():
    outcome, _ = run_lesson("gil-cpu", threads=4, iterations=200_000, sweep="on")
    sweep = outcome.result["sweep"]
    assert [point["threads"] for point in sweep] == [1, 2, 4]
    assert all(point["speedup"] > 0 for point in sweep)
    assert outcome.result["threaded_s"] == sweep[-1]["threaded_s"]
