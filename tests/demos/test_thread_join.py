from tests.demos.helpers import run_lesson


def test_main_speaks_only_after_every_worker_message():
    outcome, snapshot = run_lesson("thread-join", count=4)
    worker_times = [e.t for e in snapshot.events if e.thread == "Thread-1"]
    main_times = [e.t for e in snapshot.events if e.thread == "main"]
    assert len(worker_times) == 4
    assert main_times and min(main_times) > max(worker_times)
    assert min(main_times) >= snapshot.lane("Thread-1").ended_s
    assert outcome.result["main_after_worker_end"] is True
