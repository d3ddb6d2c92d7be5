from tests.demos.helpers import run_lesson


def test_the_thread_prints_the_message_and_count_it_was_given():
    outcome, snapshot = run_lesson("thread-args", message="Bonjour", count=3)
    lines = [e.text for e in snapshot.events if e.thread == "Thread-1"]
    assert lines == [f"Bonjour number is {i}" for i in range(3)]
    assert outcome.result["worker_messages"] == 3
    assert outcome.result["all_lines_carry_message"] is True
