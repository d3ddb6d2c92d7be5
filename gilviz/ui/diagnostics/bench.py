"""`python -m gilviz bench`: the real window, offscreen, through heavy scenarios.

Per scenario it measures what a lecturer would feel and see:
- UI lag: how late the window's 10 ms heartbeat timer fires (p50/p99/max), the same
  measurement as the status-bar meter;
- telemetry staleness: how old the freshest thread counter on screen is just before
  the next refresh (refresh gap + the data's age when it was read), while threads run;
- the lesson's own throughput, headless, with telemetry and with silent lanes, so the
  cost of instrumenting the workload shows.
Each scenario runs several times; the table quotes medians.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gilviz.core.board import Board
from gilviz.core.latency import percentile
from gilviz.core.placement import IN_PROCESS, ISOLATED
from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe, Snapshot, State
from gilviz.demos import REGISTRY

SETTLE_S = 0.3


@dataclass(frozen=True)
class Scenario:
    name: str
    lesson_id: str
    params: dict[str, Any]
    placement: str
    units: str  # what the throughput counts
    units_key: str  # result field holding the work done
    seconds_key: str = "threaded_s"  # result field holding the time it took
    tab: str | None = None  # the lesson tab shown while it runs (None: as the page chose)


def scenarios(quick: bool) -> list[Scenario]:
    iterations = 2_000_000 if quick else 30_000_000
    found: list[Scenario] = []
    for threads in (8, 16, 64):
        for placement, label in ((ISOLATED, "isolated"), (IN_PROCESS, "in GUI")):
            found.append(Scenario(
                f"gil-cpu {threads} threads, {label}", "gil-cpu",
                {"threads": threads, "iterations": iterations}, placement,
                "iterations/s", "work_units"))
        # The timeline draws every thread live: the heaviest tab to keep on screen.
        found.append(Scenario(
            f"gil-cpu {threads} threads, isolated, Timeline", "gil-cpu",
            {"threads": threads, "iterations": iterations}, ISOLATED,
            "iterations/s", "work_units", tab="Timeline"))
    race_iterations = 1_000 if quick else 10_000
    for threads, placement, label in ((16, ISOLATED, "isolated"), (64, IN_PROCESS, "in GUI")):
        found.append(Scenario(
            f"race {threads} threads, {label}", "race",
            {"threads": threads, "iterations": race_iterations, "pause_ms": 0.0}, placement,
            "increments/s", "expected", "elapsed"))
    found.append(Scenario(
        "gil-io 64 threads", "gil-io",
        {"threads": 64, "tasks": 64 if quick else 256, "wait_s": 0.02 if quick else 0.05},
        IN_PROCESS, "tasks/s", "work_units"))
    return found


@dataclass
class Measurement:
    ui_lag_p50_ms: float
    ui_lag_p99_ms: float
    ui_lag_max_ms: float
    staleness_p50_ms: float | None
    staleness_p99_ms: float | None
    sampler_cpu_pct: float | None = None  # the kernel sampler's share of one core


@dataclass
class ScenarioReport:
    name: str
    placement: str
    runs: list[Measurement] = field(default_factory=list)
    throughput_with: float | None = None
    throughput_without: float | None = None
    units: str = ""

    def median(self, key: str) -> float | None:
        values = [getattr(run, key) for run in self.runs if getattr(run, key) is not None]
        return statistics.median(values) if values else None

    def telemetry_cost_pct(self) -> float | None:
        if not self.throughput_with or not self.throughput_without:
            return None
        return 100 * (1 - self.throughput_with / self.throughput_without)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("ui_lag_p50_ms", "ui_lag_p99_ms", "ui_lag_max_ms", "staleness_p50_ms",
                    "staleness_p99_ms", "sampler_cpu_pct"):
            data[f"median_{key}"] = self.median(key)
        data["telemetry_cost_pct"] = self.telemetry_cost_pct()
        return data


class _StalenessMeter:
    """Age of the freshest running counter on screen, just before each refresh."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._last: tuple[float, float] | None = None  # (poll time, data age then)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        now = time.perf_counter()
        running = [lane for lane in snapshot.lanes if lane.state is State.RUNNING]
        if not running:
            self._last = None
            return
        age = max(0.0, snapshot.t - max(lane.touched_s for lane in running))
        if self._last is not None:
            last_poll, last_age = self._last
            self.samples.append((now - last_poll + last_age) * 1000)
        self._last = (now, age)


def _measure_in_window(window: Any, scenario: Scenario, timeout_s: float) -> Measurement:
    from gilviz.ui.diagnostics.event_loop import run_events

    page = window.page
    window.navigator.select(scenario.lesson_id)
    page.form.set_values(scenario.params)
    page.in_gui_process.setChecked(scenario.placement == IN_PROCESS)
    if scenario.tab is not None:
        tabs = page.tabs
        tabs.setCurrentIndex(next(i for i in range(tabs.count())
                                  if tabs.tabText(i) == scenario.tab))
    run_events(SETTLE_S)  # let the page finish building and painting
    staleness = _StalenessMeter()
    page.controller.snapshotReady.connect(staleness.on_snapshot)
    window.latency_meter.reset(span_s=3600)
    finished: list[Any] = []
    page.controller.runFinished.connect(finished.append)
    try:
        page.run()
        if not page.controller.is_running():
            raise RuntimeError(f"{scenario.name}: {page.result_view.toPlainText()}")
        ended = page.controller.runFinished
        if not run_events(timeout_s, lambda: bool(finished), ended):
            page.controller.stop()
            while not run_events(60, lambda: bool(finished), ended):
                pass
        stats = window.latency_meter.stats()
    finally:
        page.controller.snapshotReady.disconnect(staleness.on_snapshot)
        page.controller.runFinished.disconnect(finished.append)
    if finished[0].error:
        raise RuntimeError(f"{scenario.name}: {finished[0].error}")
    stale = staleness.samples
    session = page.controller.last_session
    cost = session.sampler_cost if session is not None else {}
    return Measurement(
        round(stats.p50_ms, 2), round(stats.p99_ms, 2), round(stats.max_ms, 2),
        round(percentile(stale, 50), 2) if stale else None,
        round(percentile(stale, 99), 2) if stale else None,
        round(100 * cost["cpu_s"] / cost["wall_s"], 2) if cost.get("wall_s") else None,
    )


def _throughput(scenario: Scenario, silent: bool) -> float:
    """Work per second of the lesson run headless in this process."""
    lesson = REGISTRY.get(scenario.lesson_id)
    probe = Probe(silent=True) if silent else Probe(board=Board.private())
    outcome = execute(lesson, scenario.params, probe)
    if outcome.error:
        raise RuntimeError(outcome.error)
    seconds = (outcome.elapsed_s if scenario.seconds_key == "elapsed"
               else outcome.result[scenario.seconds_key])
    return outcome.result[scenario.units_key] / seconds


STOP_SCENARIOS = (
    Scenario("Stop: gil-cpu 64 threads, isolated", "gil-cpu",
             {"threads": 64, "iterations": 200_000_000}, ISOLATED, "", ""),
    Scenario("Stop: gil-cpu 64 threads, in GUI", "gil-cpu",
             {"threads": 64, "iterations": 200_000_000}, IN_PROCESS, "", ""),
    Scenario("Stop: many-threads 64 sleeping", "many-threads",
             {"threads": 64, "count": 100, "interval_s": 2.0}, IN_PROCESS, "", ""),
)
STOP_AFTER_S = 1.5


def _measure_stop(window: Any, scenario: Scenario) -> float:
    """Milliseconds from pressing Stop until the run has ended and every thread is gone."""
    from gilviz.ui.diagnostics.event_loop import run_events

    page = window.page
    window.navigator.select(scenario.lesson_id)
    page.form.set_values(scenario.params)
    page.in_gui_process.setChecked(scenario.placement == IN_PROCESS)
    finished: list[Any] = []
    page.controller.runFinished.connect(finished.append)
    try:
        page.run()
        run_events(STOP_AFTER_S)
        pressed = time.perf_counter()
        page.stop()
        while not run_events(60, lambda: bool(finished), page.controller.runFinished):
            pass
        return (time.perf_counter() - pressed) * 1000
    finally:
        page.controller.runFinished.disconnect(finished.append)


def run_bench(runs: int, quick: bool, out: Path, timeout_s: float) -> list[ScenarioReport]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gilviz.ui.application import build_window

    window = build_window()
    window.resize(1280, 720)
    window.show()
    reports = []
    stops: dict[str, Any] = {}
    try:
        for scenario in scenarios(quick):
            report = ScenarioReport(scenario.name, scenario.placement, units=scenario.units)
            for _ in range(runs):
                report.runs.append(_measure_in_window(window, scenario, timeout_s))
            with_telemetry, without = [], []
            for _ in range(runs):  # alternate, so drift hits both alike
                with_telemetry.append(_throughput(scenario, silent=False))
                without.append(_throughput(scenario, silent=True))
            report.throughput_with = statistics.median(with_telemetry)
            report.throughput_without = statistics.median(without)
            reports.append(report)
            print(_row(report), flush=True)
        print(f"\n{'stop latency':<40} {'median ms':>10} {'max ms':>8}")
        for scenario in STOP_SCENARIOS:
            times = [_measure_stop(window, scenario) for _ in range(runs)]
            stops[scenario.name] = {"median_ms": round(statistics.median(times), 1),
                                    "max_ms": round(max(times), 1), "runs_ms": times}
            print(f"{scenario.name:<40} {statistics.median(times):>10.1f} {max(times):>8.1f}",
                  flush=True)
    finally:
        window.close()
    out.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "cores": os.cpu_count(),
                    "platform": platform.platform()},
        "runs_per_scenario": runs, "quick": quick,
        "scenarios": [report.to_json() for report in reports],
        "stop": stops,
    }, indent=2))
    return reports


HEADER = (f"{'scenario':<40} {'UI lag p50':>10} {'p99':>8} {'max':>8} "
          f"{'stale p50':>10} {'p99':>8} {'throughput':>13} {'silent':>13} {'cost':>6}"
          f" {'sampler':>8}")


def _fmt(value: float | None, width: int, digits: int = 1) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def _row(report: ScenarioReport) -> str:
    return (f"{report.name:<40} {_fmt(report.median('ui_lag_p50_ms'), 10)}"
            f" {_fmt(report.median('ui_lag_p99_ms'), 8)} {_fmt(report.median('ui_lag_max_ms'), 8)}"
            f" {_fmt(report.median('staleness_p50_ms'), 10)}"
            f" {_fmt(report.median('staleness_p99_ms'), 8)}"
            f" {_fmt(report.throughput_with, 13, 0)} {_fmt(report.throughput_without, 13, 0)}"
            f" {_fmt(report.telemetry_cost_pct(), 5)}%"
            f" {_fmt(report.median('sampler_cpu_pct'), 7)}%")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gilviz bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median)")
    parser.add_argument("--quick", action="store_true", help="small workloads (for tests)")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"),
                        help="where to write the JSON report")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds before a scenario run is stopped")
    parser.add_argument("--soak", action="store_true",
                        help="instead: many start/stop cycles and fetch runs; report what "
                             "they leave (RSS, descriptors, threads, /dev/shm)")
    parser.add_argument("--cycles", type=int, default=200, help="start/stop cycles (--soak)")
    parser.add_argument("--fetches", type=int, default=50, help="fetch runs (--soak)")
    args = parser.parse_args(argv)
    if args.soak:
        from gilviz.ui.diagnostics.soak import soak_main

        out = args.out if args.out != parser.get_default("out") else Path("soak-results.json")
        return soak_main(args.cycles, args.fetches, out)
    if args.runs < 1:
        print("gilviz bench: error: --runs must be at least 1", file=sys.stderr)
        return 2
    print("UI lag and staleness in ms (medians of the runs); throughput headless, "
          "with telemetry and with silent lanes; cost = throughput lost to telemetry; "
          "sampler = the kernel sampler's CPU, % of one core")
    print(HEADER)
    run_bench(args.runs, args.quick, args.out, args.timeout)
    print(f"JSON written to {args.out}")
    return 0
