"""WindowCourtesy: workers let the window have the GIL once it has waited too long."""

import time

from gilviz.core.telemetry import Probe, WindowCourtesy


def probe_with_courtesy() -> tuple[Probe, WindowCourtesy]:
    probe = Probe()
    probe.courtesy = WindowCourtesy()
    return probe, probe.courtesy


def test_a_tick_costs_nothing_while_the_window_keeps_beating():
    probe, courtesy = probe_with_courtesy()
    lane = probe.lane("worker")
    started = time.perf_counter()
    for _ in range(1000):
        courtesy.beat()
        lane.tick()
    assert time.perf_counter() - started < 0.5 and courtesy.pauses == 0


def test_a_starved_window_makes_the_next_tick_wait_for_its_beat():
    probe, courtesy = probe_with_courtesy()
    lane = probe.lane("worker")
    time.sleep(WindowCourtesy.STARVED_S + 0.05)  # no beat for longer than allowed
    started = time.perf_counter()
    lane.tick()
    waited = time.perf_counter() - started
    assert courtesy.pauses == 1
    assert WindowCourtesy.MAX_PAUSE_S * 0.9 <= waited < WindowCourtesy.MAX_PAUSE_S + 0.3
    assert "Stop stays within reach" in probe.snapshot().events[0].text


def test_stop_ends_a_pause_at_once():
    probe, _ = probe_with_courtesy()
    lane = probe.lane("worker")
    time.sleep(WindowCourtesy.STARVED_S + 0.05)
    probe.stop.set()
    started = time.perf_counter()
    lane.tick()
    assert time.perf_counter() - started < 0.1


def test_runs_outside_the_window_never_pause():
    probe = Probe()
    lane = probe.lane("worker")
    time.sleep(WindowCourtesy.STARVED_S + 0.05)
    started = time.perf_counter()
    lane.tick()
    assert time.perf_counter() - started < 0.05
