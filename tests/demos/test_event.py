import threading
import time

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe, State
from gilviz.demos import REGISTRY
from gilviz.demos.common import MAIN

FAST = {"count": 2, "interval_s": 0.01}


def _run_in_background(params):
    probe = Probe()
    outcome = []
    thread = threading.Thread(
        target=lambda: outcome.append(execute(REGISTRY.get("event"), params, probe)))
    thread.start()
    return probe, outcome, thread


def _workers(snapshot):
    return [lane for lane in snapshot.lanes if lane.name != MAIN]


def test_no_waiter_goes_before_the_event_is_set_and_all_go_after():
    probe, outcome, thread = _run_in_background({"workers": 4, "delay_s": 0.4, **FAST})
    deadline = time.monotonic() + 5
    while len(_workers(probe.snapshot())) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    for _ in range(5):  # while main waits, every worker sleeps in event.wait()
        time.sleep(0.03)
        snapshot = probe.snapshot()
        assert all(lane.state is State.BLOCKED for lane in _workers(snapshot))
        assert not any("proceeding" in e.text for e in snapshot.events)
    thread.join(10)
    result = outcome[0].result
    assert result["event_set"] and result["set_by"] == "delay"
    assert result["released"] == 4 and result["released_early"] == 0 and result["gave_up"] == 0
    assert all(w["released_at"] >= result["event_set_at"] for w in result["waiters"])
    assert all(w["steps"] == 2 for w in result["waiters"])
    events = probe.snapshot().events
    set_at = next(e.t for e in events if e.text == "Main thread is setting the event.")
    proceeding = [e.t for e in events if e.text == "the event is set: proceeding"]
    assert len(proceeding) == 4 and min(proceeding) >= set_at
    assert all(lane.state is State.DONE for lane in probe.snapshot().lanes)


def test_the_button_sets_the_event_when_pressed():
    probe, outcome, thread = _run_in_background(
        {"workers": 2, "trigger": "button", **FAST})
    time.sleep(0.3)
    assert not any("proceeding" in e.text for e in probe.snapshot().events)
    pressed = probe.now()
    probe.poke()  # what the window's Set event button does
    thread.join(5)
    assert not thread.is_alive()
    result = outcome[0].result
    assert result["set_by"] == "button" and result["released"] == 2
    assert pressed <= result["event_set_at"] < pressed + 0.2


def test_the_button_cuts_the_delay_short():
    probe, outcome, thread = _run_in_background({"workers": 1, "delay_s": 30.0, **FAST})
    time.sleep(0.2)
    probe.poke()
    thread.join(5)
    assert outcome[0].result["set_by"] == "button"
    assert outcome[0].elapsed_s < 2


def test_a_worker_with_a_timeout_gives_up():
    probe = Probe()
    outcome = execute(REGISTRY.get("event"),
                      {"workers": 3, "delay_s": 0.4, "timeout_s": 0.1, **FAST}, probe)
    result = outcome.result
    assert result["gave_up"] == 3 and result["released"] == 0
    assert all(0.1 <= w["gave_up_at"] < result["event_set_at"] for w in result["waiters"])
    assert sum("gave up" in e.text for e in probe.snapshot().events) == 3
    assert "gave up" in REGISTRY.get("event").takeaway(result)


def test_stop_wakes_workers_that_wait_forever():
    probe = Probe()
    threading.Timer(0.2, probe.stop.set).start()
    started = time.perf_counter()
    outcome = execute(REGISTRY.get("event"), {"workers": 4, "trigger": "button"}, probe)
    assert outcome.stopped
    assert time.perf_counter() - started < 0.2 + 0.5
    assert not outcome.result["event_set"] and outcome.result["released"] == 0
