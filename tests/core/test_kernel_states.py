"""Thread states measured by the kernel, checked on workloads whose truth is known.

The workloads run on core's Probe and lanes in this process, sampled from the separate
sampler process, as a run in the window's own process would be. Margins are wide, and
where a busy machine could change the answer the check is made against what the kernel
measured in the same run (its queue wait), never against a bare threshold alone.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from gilviz.core.kernel_states import KernelStates, supported
from gilviz.core.kinds import Kind
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.timeline import TimelineRecorder

pytestmark = pytest.mark.skipif(not supported(os.getpid()),
                                reason="the kernel's per-thread counters need Linux /proc")
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()
POLL_S = 0.03


def _cpu(lane: Lane, seconds: float) -> None:
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        for i in range(2000):
            x += i * i % 7
        lane.tick()


def _sleep(lane: Lane, seconds: float) -> None:
    for _ in range(round(seconds / 0.05)):
        lane.sleep(0.05)
        lane.tick()


BUFFER = bytes(range(256)) * 4096 * 4  # 4 MiB


def _hash(lane: Lane, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        hashlib.sha256(BUFFER).digest()
        lane.tick()


def measure(work: Callable[[Lane, float], None], threads: int, seconds: float,
            readings: list[tuple[float, float]] | None = None,
            ) -> tuple[list[dict], float, dict[str, float], TimelineRecorder]:
    """Run `threads` workers of `work` for `seconds` each, sampled by the kernel sampler.
    Returns thread_states, the threaded phase's wall time, each worker's CPU time as the
    thread itself measured it (time.thread_time), and the recorder. `readings` gains the
    kernel's cpu_reading() after every poll."""
    probe = Probe()
    kernel = KernelStates.start(os.getpid(), probe.origin_ns, gil=GIL)
    assert kernel is not None
    recorder = TimelineRecorder(probe.read_marks, kernel)
    own_cpu: dict[str, float] = {}

    def worker() -> None:
        lane = probe.lane()
        lane.run()
        started = time.thread_time()
        work(lane, seconds)
        own_cpu[lane.name] = time.thread_time() - started
        lane.finish()

    workers = [threading.Thread(target=worker, name=f"W{i}") for i in range(threads)]
    try:
        time.sleep(0.2)  # the sampler is up before the work starts
        started = time.perf_counter()
        for thread in workers:
            thread.start()
        while any(thread.is_alive() for thread in workers):
            time.sleep(POLL_S)
            recorder.update(probe.snapshot())
            reading = kernel.cpu_reading()
            if readings is not None and reading is not None:
                readings.append(reading)
        phase_s = time.perf_counter() - started
    finally:
        for thread in workers:
            thread.join()
        recorder.finish(probe.snapshot())
    states = [entry for entry in recorder.thread_states() if entry["name"].startswith("W")]
    assert len(states) == threads and all(entry["measured"] for entry in states)
    return states, phase_s, own_cpu, recorder


def total(states: list[dict], key: str) -> float:
    return sum(entry[key] for entry in states)


@pytest.mark.skipif(not GIL, reason="the GIL's turns need a GIL build")
def test_cpu_threads_share_one_core_and_wait_for_the_gil():
    states, phase_s, own_cpu, recorder = measure(_cpu, 4, 1.0)
    cpu = total(states, "cpu_s")
    # the GIL lets one thread run Python at a time: about one core, whatever the load
    assert cpu <= 1.3 * phase_s, (cpu, phase_s, states)
    rest = 4 * phase_s - cpu
    assert total(states, "waiting_for_gil_s") > 0.5 * rest, states
    for entry in states:  # the kernel's counter agrees with the thread's own CPU clock
        assert abs(entry["cpu_s"] - own_cpu[entry["name"]]) < 0.1 * own_cpu[entry["name"]] + 0.02
    stats = {lane.name: lane for lane in recorder.stats()}
    assert all(stats[entry["name"]].measured for entry in states)
    assert all(stats[entry["name"]].switches >= 5 for entry in states)  # many turns


@pytest.mark.skipif(not GIL, reason="the GIL's turns need a GIL build")
def test_the_lesson_threads_cpu_rate_never_exceeds_what_the_gil_allows():
    """The status bar's "lesson N cores": taken on the run's own clock, so a late read
    never shows more cores than the GIL lets Python threads use."""
    readings: list[tuple[float, float]] = []
    states, _, _, _ = measure(_cpu, 4, 1.0, readings)
    rates, mark = [], readings[0]
    for t, used in readings[1:]:
        if t - mark[0] >= 0.2:
            rates.append((used - mark[1]) / (t - mark[0]))
            mark = (t, used)
    assert len(rates) >= 3, readings
    assert max(rates) <= 1.3, rates
    assert readings[-1][1] == pytest.approx(total(states, "cpu_s"), abs=0.15)


def test_sleeping_threads_are_blocked_in_sleep():
    states, phase_s, _, _ = measure(_sleep, 4, 0.5)
    for entry in states:
        life = (entry["cpu_s"] + entry["waiting_for_cpu_s"] + entry["waiting_for_gil_s"]
                + entry["blocked_s"])
        assert entry["cpu_s"] < 0.1 * phase_s, entry
        assert entry["blocked_s"] > 0.9 * life, entry
        assert entry["blocked_by"].get("sleep", 0) > 0.9 * entry["blocked_s"], entry


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core runs one thread at a time")
def test_hashing_threads_release_the_gil_and_want_two_cores():
    states, phase_s, _, _ = measure(_hash, 2, 1.0)
    cpu = total(states, "cpu_s")
    runnable = cpu + total(states, "waiting_for_cpu_s")
    # both threads wanted a core at the same time: more than 1.4 cores' worth of run or
    # queue time; on a quiet machine all of it is run time
    assert runnable > 1.4 * phase_s, (runnable, phase_s, states)
    assert total(states, "waiting_for_gil_s") < 0.25 * phase_s, states
    queued = total(states, "waiting_for_cpu_s")
    if queued < 0.1 * phase_s:
        assert cpu > 1.4 * phase_s, (cpu, phase_s, states)


def test_a_busy_machine_shows_waiting_for_a_core_not_for_the_gil():
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
             for _ in range(os.cpu_count() or 2)]
    try:
        time.sleep(0.2)
        states, phase_s, _, recorder = measure(_cpu, 1, 1.0)
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    (entry,) = states
    assert entry["waiting_for_cpu_s"] > 0.15 * phase_s, entry
    assert entry["waiting_for_gil_s"] < 0.05 * phase_s, entry
    spans = dict(recorder.spans())["W0"]
    assert any(kind is Kind.CPU_WAIT for _, _, kind in spans)


def test_the_sampler_stops_and_reports_its_cost():
    probe = Probe()
    kernel = KernelStates.start(os.getpid(), probe.origin_ns)
    assert kernel is not None
    time.sleep(0.5)
    stats = kernel.stop()
    assert kernel.process.poll() is not None
    assert stats["sweeps"] > 0 and stats["rate_hz"] > 50
    assert stats["cpu_s"] < 0.5 * stats["wall_s"]
    assert kernel.stop() == stats  # idempotent


def test_the_sampler_needs_only_the_standard_library():
    code = ("import sys, gilviz.core.kernel_sampler; "
            "print(sorted(m for m in sys.modules if m.startswith('gilviz')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['gilviz', 'gilviz.core', 'gilviz.core.kernel_sampler']"


def test_the_sampler_says_what_is_wrong_in_one_line():
    done = subprocess.run([sys.executable, "-m", "gilviz.core.kernel_sampler", "--pid", "1",
                           "--shm", "gilviz-no-such-segment"], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "shared segment" in done.stderr


def test_a_frozen_bundle_starts_the_sampler_through_its_own_executable(monkeypatch):
    from gilviz.app import main as app_main
    from gilviz.core.kernel_states import FROZEN_SAMPLER_FLAG, sampler_command

    assert sampler_command()[1:] == ["-m", "gilviz.core.kernel_sampler"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert sampler_command() == [sys.executable, FROZEN_SAMPLER_FLAG]
    # the bundle's entry point hands the flag to the sampler (which refuses bad input)
    assert app_main([FROZEN_SAMPLER_FLAG, "--pid", "1", "--shm", "gilviz-none"]) == 2
