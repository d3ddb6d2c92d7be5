from gilviz.demos import REGISTRY
from tests.demos.helpers import run_lesson


def test_main_finishes_long_before_the_unjoined_worker():
    outcome, snapshot = run_lesson("thread-start", count=5, interval_s=0.05)
    main = snapshot.lane("main")
    worker = snapshot.lane("Thread-1")
    main_message = next(e for e in snapshot.events if e.thread == "main")
    assert main_message.t < worker.ended_s
    assert main.ended_s < worker.ended_s - 0.15  # the worker sleeps 5 x 50 ms after start
    assert worker.count == 5
    assert outcome.result["main_before_worker_end"] is True
    assert outcome.elapsed_s >= 0.25  # the run still waited for the worker, like exit does


def test_takeaway_quotes_the_measured_times():
    outcome, _ = run_lesson("thread-start", count=2)
    text = REGISTRY.get("thread-start").takeaway(outcome.result)
    assert f"{outcome.result['worker_ended_at_s']:.2f}" in text
