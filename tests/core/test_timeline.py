import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from gilviz.core.engine import EngineRun
from gilviz.core.kernel_states import KernelStates, supported
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


MEASURED = supported(os.getpid())


@contextmanager
def busy_loops(count: int) -> Iterator[None]:
    """`count` processes spinning on the CPU, as other programs on a busy machine would."""
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        time.sleep(0.1 if count else 0)
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def _record(run, measured: bool = MEASURED) -> TimelineRecorder:
    """Poll a run to its end, with the kernel sampler watching its threads if asked."""
    run.start()
    kernel = None
    if measured:
        if isinstance(run, EngineRun):
            kernel = KernelStates.start(run.process.pid, run.board.origin_ns)
        else:
            kernel = KernelStates.start(os.getpid(), run.probe.origin_ns)
    recorder = TimelineRecorder(run.read_marks, kernel)
    try:
        while not run.done():
            recorder.update(run.snapshot())
            time.sleep(0.03)
    finally:
        run.close()
        recorder.finish(run.snapshot())
    return recorder


LOADS = [0, pytest.param(2, marks=pytest.mark.skipif(
    not MEASURED, reason="only the kernel tells a busy machine from a GIL wait"))]


def _took_turns(first, second) -> None:
    """Two CPU-bound threads under one GIL: each ran part of the time and waited the rest
    (for the GIL, or for a core when the machine is busy), many times over, and together
    they used about one core."""
    for lane in (first, second):
        assert 0.02 < lane.share(Kind.RUNNING) < 0.7, lane
        assert lane.share(Kind.WAITING) + lane.share(Kind.CPU_WAIT) > 0.3, lane
        assert lane.switches >= 10, lane
        assert lane.measured is MEASURED
    assert first.running_s + second.running_s < 1.3 * max(first.active_s, second.active_s)


@pytest.mark.parametrize("loops", LOADS)
def test_shares_match_two_cpu_threads_and_a_sleeper(loops):
    with busy_loops(loops):
        recorder = _record(InProcessRun(KNOWN, {}))
    stats = {lane.name: lane for lane in recorder.stats()}
    assert stats["sleeper"].share(Kind.BLOCKED) > 0.9
    _took_turns(stats["cpu-1"], stats["cpu-2"])
    if loops:  # the other programs took cores: measured as waiting for a core
        assert stats["cpu-1"].cpu_wait_s + stats["cpu-2"].cpu_wait_s > 0.1
        assert stats["sleeper"].share(Kind.WAITING) < 0.05
    assert all(lane.lost_marks == 0 for lane in recorder.lanes)
    # some thread held the GIL nearly all the time: running, or (measured, on a busy
    # machine) queued for a core with it
    assert 0.5 < _covered(recorder, (Kind.RUNNING, Kind.CPU_WAIT)) <= 1.0
    assert 0 < recorder.running_fraction() <= 1.0


def _covered(recorder: TimelineRecorder, kinds: tuple[Kind, ...]) -> float:
    """Share of the run's wall time during which some thread was in one of `kinds`."""
    spans = sorted((start, end) for _, lane in recorder.spans()
                   for start, end, kind in lane if kind in kinds)
    covered = reach = 0.0
    for start, end in spans:
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered / recorder.now_s


@pytest.mark.parametrize("loops", LOADS)
def test_the_engine_run_records_a_timeline_too(loops):
    with busy_loops(loops):
        recorder = _record(EngineRun("gil-cpu", {"threads": 2, "iterations": 4_000_000}))
    stats = {lane.name: lane for lane in recorder.stats()}
    main = stats["main"]  # alone first (on a core, or queued for one), then joined (blocked)
    assert main.share(Kind.RUNNING) + main.share(Kind.CPU_WAIT) > 0.3, main
    assert main.blocked_s > 0
    _took_turns(stats["Thread-1"], stats["Thread-2"])


def test_thread_states_are_measured_per_lane_and_say_so():
    recorder = _record(InProcessRun(KNOWN, {}))
    states = {entry["name"]: entry for entry in recorder.thread_states()}
    assert set(states) == {"cpu-1", "cpu-2", "sleeper"}
    for entry in states.values():
        assert entry["measured"] is MEASURED
        assert entry["tid"] > 0
        assert set(entry) >= {"name", "tid", "cpu_s", "waiting_for_cpu_s",
                              "waiting_for_gil_s", "blocked_s", "measured"}
    assert states["sleeper"]["blocked_s"] > 0.9
    wanted = sum(states[name]["cpu_s"] + states[name]["waiting_for_cpu_s"]
                 for name in ("cpu-1", "cpu-2"))
    assert wanted > 0.5  # together they held the GIL (on a core or queued) most of 1 s


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
    spans = [e for e in timed if e["ph"] == "X"]
    assert all(e["args"]["measured"] is MEASURED for e in spans)
    assert [s["name"] for s in data["otherData"]["thread_states"]] == ["cpu-1", "cpu-2", "sleeper"]
