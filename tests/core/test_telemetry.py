import pickle
import threading
import time

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


def test_batches_add_up_and_count_each_batch_when_done():
    probe = Probe()
    lane = probe.lane("worker")
    seen = []
    for batch in lane.batches(25, 10):
        seen.append((batch, lane.count, lane.state))
    assert seen == [(10, 0, State.RUNNING), (10, 10, State.RUNNING), (5, 20, State.RUNNING)]
    assert lane.count == lane.total == 25
    assert lane.state is State.DONE


def test_batches_stop_between_batches():
    stop = StopToken()
    probe = Probe(stop)
    lane = probe.lane()
    batches = 0
    for _ in lane.batches(1000, 10):
        batches += 1
        if batches == 3:
            stop.set()
    assert batches == 3 and lane.count == 30
    assert lane.state is State.DONE


def test_a_new_thread_can_reuse_the_finished_lane_of_the_same_name():
    probe = Probe()

    def work(n):
        lane = probe.lane("Thread-1", reuse=True)
        for _ in lane.steps(n):
            pass

    for n in (3, 5):
        thread = threading.Thread(target=work, args=(n,))
        thread.start()
        thread.join()
    (lane,) = probe.snapshot().lanes
    assert lane.count == lane.total == 5 and lane.state == State.DONE
    assert lane.name == "Thread-1"


def test_reuse_never_shares_a_lane_with_a_running_thread():
    probe = Probe()
    first = probe.lane("Thread-1")  # this thread's lane, still waiting
    seen = []
    thread = threading.Thread(target=lambda: seen.append(probe.lane("Thread-1", reuse=True)))
    thread.start()
    thread.join()
    assert seen[0] is not first
    assert len(probe.snapshot().lanes) == 2


def test_wait_for_poke_returns_once_poked_and_on_timeout():
    probe = Probe()
    assert probe.wait_for_poke(0, timeout_s=0.05) is False
    threading.Timer(0.05, probe.poke).start()
    assert probe.wait_for_poke(0, timeout_s=5) is True
    assert probe.pokes() == 1
    stop = StopToken()
    stopped = Probe(stop)
    threading.Timer(0.05, stop.set).start()
    assert stopped.wait_for_poke(0) is False  # Stop ends the wait too


def test_idle_marks_a_worker_between_tasks_as_waiting():
    probe = Probe()
    lane = probe.lane("pool-thread")
    lane.run()
    lane.idle()
    assert lane.state is State.WAITING
    assert [state for _, state in lane.transitions] == [
        State.WAITING, State.RUNNING, State.WAITING]


def test_lanes_know_their_os_thread_and_its_counters_at_start():
    probe = Probe()
    seen = {}

    def work():
        seen["tid"] = threading.get_native_id()
        started = time.thread_time()
        while time.thread_time() - started < 0.02:  # some CPU time for the kernel to count
            pass
        probe.lane("T").finish()

    first = threading.Thread(target=work)
    first.start()
    first.join()
    lane = probe.snapshot().lane("T")
    assert lane.tid == seen["tid"]
    assert lane.cpu0_ns > 0 and lane.wait0_ns >= 0

    def again():  # the lane handed to a new thread takes that thread's id
        seen["tid"] = threading.get_native_id()
        probe.lane("T", reuse=True).finish()

    second = threading.Thread(target=again)
    second.start()
    second.join()
    assert probe.snapshot().lane("T").tid == seen["tid"]


def test_blocked_spans_carry_what_they_wait_for():
    from gilviz.core.telemetry import MARK_ADVANCED, WHY, decode_mark

    probe = Probe()
    lane = probe.lane("T")
    with lane.blocked("join"):
        pass
    lane.sleep(0.001)
    lane.tick()
    marks = [decode_mark(mark) for mark in probe.read_marks(0, 0, lane.snapshot().marks)]
    blocked = 1 + list(State).index(State.BLOCKED)
    assert [WHY[why] for _, code, why in marks if code == blocked] == ["join", "sleep"]
    times = [t for t, _, _ in marks]
    assert times == sorted(times) and all(t >= 0 for t in times)
    assert marks[-1][1] == MARK_ADVANCED or marks[-1][1] != blocked
