"""`python -m gilviz bench --soak`: one window through many start/stop cycles and fetch
runs, and what that leaves behind.

A lecture is a long session of Run and Stop. Whatever each run leaks (memory, file
descriptors, threads, child processes, POSIX semaphores or shared memory in /dev/shm)
adds up over it. The soak compares this process at the start (after one warm-up cycle
of each kind) and at the end, and times every Stop.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from gilviz.core.placement import IN_PROCESS, ISOLATED

STOP_AFTER_S = 0.15  # how long each cycle's lesson goes on before Stop
RUN_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Cycle:
    lesson_id: str
    placement: str
    params: dict[str, Any]


CYCLES = (
    Cycle("race", IN_PROCESS, {"threads": 8, "iterations": 1_000_000}),
    Cycle("race", ISOLATED, {"threads": 8, "iterations": 1_000_000}),
    Cycle("gil-cpu", ISOLATED, {"threads": 8, "iterations": 200_000_000}),
)
FETCH = Cycle("fetch", IN_PROCESS, {"latency_s": 0.01, "page_kib": 4, "errors": "some",
                                    "timeout_s": 0.3})


def resources() -> dict[str, Any]:
    """This process and what hangs off it, right now."""
    me = psutil.Process()
    shm = Path("/dev/shm")
    mapped = {m.path for m in me.memory_maps(grouped=True) if m.path.startswith("/dev/shm/")}
    return {
        "rss_mib": round(me.memory_info().rss / 2**20, 1),
        "fds": me.num_fds(),
        "threads": me.num_threads(),
        "children": len(me.children(recursive=True)),
        "shm_mapped": len(mapped),  # /dev/shm files this process has mapped
        "shm_entries": len(os.listdir(shm)) if shm.is_dir() else None,  # machine-wide
    }


def _run_once(window: Any, cycle: Cycle, stop_after_s: float | None) -> float | None:
    """One run in the window; Stop after `stop_after_s` (None: let it finish). Returns
    the milliseconds from Stop to the run's end."""
    from gilviz.ui.diagnostics.event_loop import flush_deletes, run_events

    page = window.page
    window.navigator.select(cycle.lesson_id)
    page.form.set_values(cycle.params)
    page.in_gui_process.setChecked(cycle.placement == IN_PROCESS)
    finished: list[Any] = []
    page.controller.runFinished.connect(finished.append)
    pressed = None
    try:
        page.run()
        started = time.monotonic()
        if stop_after_s is not None:
            run_events(RUN_TIMEOUT_S, lambda: bool(finished) or (
                time.monotonic() - started >= stop_after_s and _working(page)))
            if not finished:
                pressed = time.perf_counter()
                page.stop()
        run_events(RUN_TIMEOUT_S - (time.monotonic() - started), lambda: bool(finished),
                   page.controller.runFinished)
        if not finished:
            raise RuntimeError(f"{cycle.lesson_id} did not end within {RUN_TIMEOUT_S} s")
        ended = time.perf_counter()
        # Let the window reap an engine that is still exiting before the next run.
        run_events(0.3)
        # The panels of every lesson page left, as app.exec would have deleted them.
        flush_deletes()
        return None if pressed is None else (ended - pressed) * 1000
    finally:
        page.controller.runFinished.disconnect(finished.append)


def _working(page: Any) -> bool:
    """The lesson itself is under way (an engine has started up and made its lanes), so
    Stop is timed against the lesson, not against an interpreter starting."""
    session = page.controller.session
    return session is None or bool(session.run.snapshot().lanes)


def run_soak(cycles: int, fetches: int, out: Path) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gilviz.ui.application import build_window

    window = build_window()
    window.show()
    stops: dict[str, list[float]] = {}
    try:
        for cycle in (*CYCLES, FETCH):  # warm-up: first imports, caches, pools
            _run_once(window, cycle, STOP_AFTER_S if cycle is not FETCH else None)
        before = resources()
        began = time.monotonic()
        for i in range(cycles):
            cycle = CYCLES[i % len(CYCLES)]
            took = _run_once(window, cycle, STOP_AFTER_S)
            if took is not None:
                stops.setdefault(f"{cycle.lesson_id} {cycle.placement}", []).append(took)
            if (i + 1) % 50 == 0:
                print(f"  {i + 1} cycles, {resources()}", flush=True)
        for _ in range(fetches):
            _run_once(window, FETCH, None)
        after = resources()
    finally:
        window.close()
    report = {
        "cycles": cycles, "fetch_runs": fetches,
        "seconds": round(time.monotonic() - began, 1),
        "start": before, "end": after,
        "stop_ms": {name: {"median": round(statistics.median(times), 1),
                           "max": round(max(times), 1), "count": len(times)}
                    for name, times in stops.items()},
    }
    out.write_text(json.dumps(report, indent=2))
    return report


def print_report(report: dict[str, Any]) -> None:
    print(f"\n{report['cycles']} start/stop cycles and {report['fetch_runs']} fetch runs "
          f"in {report['seconds']} s")
    print(f"{'':<14} {'start':>10} {'end':>10}")
    for key in report["start"]:
        print(f"{key:<14} {report['start'][key]!s:>10} {report['end'][key]!s:>10}")
    for name, stop in report["stop_ms"].items():
        print(f"Stop, {name:<22} median {stop['median']:>6.1f} ms, max {stop['max']:>6.1f} ms "
              f"({stop['count']} runs)")


def soak_main(cycles: int, fetches: int, out: Path) -> int:
    if cycles < 0 or fetches < 0:
        print("gilviz bench: error: --cycles and --fetches must not be negative",
              file=sys.stderr)
        return 2
    kinds = ", ".join(f"{c.lesson_id} {c.placement}" for c in CYCLES)
    print(f"soak: {cycles} start/stop cycles ({kinds}), then {fetches} fetch runs")
    report = run_soak(cycles, fetches, out)
    print_report(report)
    print(f"JSON written to {out}")
    return 0
