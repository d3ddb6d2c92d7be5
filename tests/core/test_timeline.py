import json
import threading
import time

from gilviz.core.engine import EngineRun
from gilviz.core.lesson import Lesson
from gilviz.core.placement import InProcessRun
from gilviz.core.telemetry import MARK_ADVANCED, STATE_CODES, State
from gilviz.core.timeline import Kind, LaneTimeline, TimelineRecorder


def _enter(state: State) -> int:
    return 1 + STATE_CODES[state]


def test_steady_progress_is_running_and_a_long_pause_is_waiting():
    lane = LaneTimeline("T")
    lane.feed(0.0, _enter(State.RUNNING))
    t = 0.0
    for _ in range(40):  # advances every 0.5 ms
        t += 0.0005
        lane.feed(t, MARK_ADVANCED)
    t += 0.020  # then nothing for 20 ms: it did not hold the GIL
    lane.feed(t, MARK_ADVANCED)
    lane.feed(t + 0.0005, _enter(State.BLOCKED))
    lane.feed(t + 0.1, _enter(State.DONE))
    kinds = [(round(end - start, 4), kind) for start, end, kind in lane.spans]
    assert kinds[0] == (0.02, Kind.RUNNING)
    assert kinds[1][1] is Kind.WAITING and 0.019 <= kinds[1][0] <= 0.0201
    assert kinds[2][1] is Kind.RUNNING
    assert kinds[-1] == (0.0995, Kind.BLOCKED)
    assert all(a[1] <= b[0] + 1e-12 for a, b in zip(lane.spans, lane.spans[1:], strict=False))


def _cpu(probe, seconds):
    lane = probe.lane()
    lane.run()
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end and not probe.stop.is_set():
        for i in range(1000):
            x += i * i % 7
        lane.tick()
    lane.finish()


def _sleeper(probe, seconds):
    lane = probe.lane()
    lane.run()
    lane.sleep(seconds)
    lane.finish()


def _known_workload(params, probe, stop):
    threads = [threading.Thread(target=_cpu, args=(probe, 1.0), name="cpu-1"),
               threading.Thread(target=_cpu, args=(probe, 1.0), name="cpu-2"),
               threading.Thread(target=_sleeper, args=(probe, 1.0), name="sleeper")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {}


KNOWN = Lesson(id="known", title="Known", chapter="Tests", blurb="", params=(),
               run=_known_workload, takeaway=lambda result: "")


def _record(run) -> TimelineRecorder:
    recorder = TimelineRecorder(run.read_marks)
    run.start()
    try:
        while not run.done():
            recorder.update(run.snapshot())
            time.sleep(0.03)
        recorder.update(run.snapshot())
    finally:
        run.close()
    return recorder


def test_shares_match_two_cpu_threads_and_a_sleeper():
    recorder = _record(InProcessRun(KNOWN, {}))
    stats = {lane.name: lane for lane in recorder.stats()}
    sleeper = stats["sleeper"]
    assert sleeper.share(Kind.BLOCKED) > 0.9
    for name in ("cpu-1", "cpu-2"):
        cpu = stats[name]
        # about half each; margins wide because a busy machine also pauses threads
        assert 0.15 < cpu.share(Kind.RUNNING) < 0.85, cpu
        assert 0.15 < cpu.share(Kind.WAITING) < 0.85, cpu
        assert cpu.switches >= 10  # they took turns many times in a second
    assert all(lane.lost_marks == 0 for lane in recorder.lanes)
    assert 0.5 < recorder.running_fraction() <= 1.0


def test_the_engine_run_records_a_timeline_too():
    recorder = _record(EngineRun("gil-cpu", {"threads": 2, "iterations": 4_000_000}))
    stats = {lane.name: lane for lane in recorder.stats()}
    assert stats["main"].share(Kind.RUNNING) > 0.3  # alone first, then joined (blocked)
    assert stats["main"].blocked_s > 0
    for name in ("Thread-1", "Thread-2"):
        assert 0.2 < stats[name].share(Kind.RUNNING) < 0.8, stats[name]


def test_chrome_trace_is_valid_and_ordered(tmp_path):
    recorder = _record(InProcessRun(KNOWN, {}))
    trace = recorder.chrome_trace(metadata={"demo": "known"})
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(trace))
    data = json.loads(path.read_text())
    names = {e["args"]["name"] for e in data["traceEvents"] if e["name"] == "thread_name"}
    assert names == {"cpu-1", "cpu-2", "sleeper"}
    timed = [e for e in data["traceEvents"] if e["ph"] != "M"]
    assert timed and [e["ts"] for e in timed] == sorted(e["ts"] for e in timed)
    assert all(e["dur"] >= 0 for e in timed if e["ph"] == "X")
    assert {e["name"] for e in timed} >= {"running", "waiting", "blocked"}
