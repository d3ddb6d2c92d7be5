import pickle
import threading

from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe, State


def test_lane_counts_steps_and_records_states():
    probe = Probe()
    lane = probe.lane("worker")
    assert lane.state is State.WAITING
    seen = []
    for i in lane.steps(4):
        seen.append((i, lane.state))
    assert seen == [(i, State.RUNNING) for i in range(4)]
    assert lane.count == 4 and lane.total == 4
    assert lane.state is State.DONE and lane.ended_s is not None
    assert [state for _, state in lane.transitions] == [
        State.WAITING, State.RUNNING, State.DONE]


def test_steps_end_early_once_stopped():
    stop = StopToken()
    probe = Probe(stop)
    lane = probe.lane()
    for i in lane.steps(1000):
        if i == 9:
            stop.set()
    assert lane.count == 10
    assert lane.state is State.DONE


def test_sleep_is_blocked_and_wakes_on_stop():
    stop = StopToken()
    probe = Probe(stop)
    lane = probe.lane()
    states = []
    timer = threading.Timer(0.05, lambda: (states.append(lane.state), stop.set()))
    timer.start()
    completed = lane.sleep(10)
    timer.join()
    assert completed is False
    assert states == [State.BLOCKED]
    assert lane.state is State.WAITING  # back to what it was before the sleep
    assert probe.now() < 5


def test_each_thread_gets_its_own_lane_even_when_os_ids_are_reused():
    probe = Probe()

    def work():
        probe.lane().tick()

    for _ in range(5):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    lanes = probe.snapshot().lanes
    assert len(lanes) == 5
    assert all(lane.count == 1 for lane in lanes)


def test_snapshot_returns_only_new_events_and_pickles():
    probe = Probe()
    lane = probe.lane("T")
    lane.say("one")
    lane.say("two")
    first = probe.snapshot()
    assert [e.text for e in first.events] == ["one", "two"]
    lane.say("three")
    later = probe.snapshot(events_from=first.events_total)
    assert [e.text for e in later.events] == ["three"]
    assert later.events_total == 3
    copy = pickle.loads(pickle.dumps(later))
    assert copy == later
    assert copy.lane("T").name == "T"


def test_events_are_stamped_in_time_order():
    probe = Probe()
    lane = probe.lane()
    for i in range(50):
        lane.say(str(i))
    times = [event.t for event in probe.snapshot().events]
    assert times == sorted(times)


def test_watched_values_are_read_at_snapshot_time():
    probe = Probe()
    shared = {"counter": 0}
    probe.watch("counter", lambda: shared["counter"])
    assert probe.snapshot().values == {"counter": 0}
    shared["counter"] = 41
    assert probe.snapshot().values == {"counter": 41}
