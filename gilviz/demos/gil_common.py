"""The measurement every GIL lesson shares: the same work done by main alone, then split
over N threads, timed both ways; optionally for 1, 2, 4, ... N threads (a sweep)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from gilviz.core.params import ChoiceParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.demos.common import MAIN

Worker = Callable[[Lane, StopToken, int], None]  # does `units` of work, ticking its lane

THREADS = IntParam(
    "threads", "Threads", "How many threads share the work",
    default_value=4, minimum=1, maximum=64,
)
SWEEP = ChoiceParam(
    "sweep", "Sweep",
    "Also time 1, 2, 4, ... threads up to the chosen count and chart the speedup",
    choices=("off", "on"), choice_labels=("one thread count", "1, 2, 4, ... threads"),
)


def shares(total: int, parts: int) -> list[int]:
    """`total` units split as evenly as whole numbers allow."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def thread_counts(up_to: int) -> list[int]:
    counts = [1]
    while counts[-1] * 2 < up_to:
        counts.append(counts[-1] * 2)
    return [*counts, up_to] if counts[-1] != up_to else counts


def _work_in_own_lane(probe: Probe, worker: Worker, units: int) -> None:
    lane = probe.lane()
    lane.total = units
    lane.run()
    try:
        worker(lane, probe.stop, units)
    finally:
        lane.finish()


def time_sequential(probe: Probe, worker: Worker, total: int, parts: int) -> float:
    """Main does every share itself, one after another."""
    main = probe.lane(MAIN)
    main.total = total
    main.run()
    started = time.perf_counter()
    for units in shares(total, parts):
        worker(main, probe.stop, units)
    return time.perf_counter() - started


def time_threaded(probe: Probe, worker: Worker, total: int, parts: int, label: str) -> float:
    """One thread per share, all started, then all joined."""
    threads = [
        threading.Thread(target=_work_in_own_lane, args=(probe, worker, units),
                         name=f"{label}{i + 1}")
        for i, units in enumerate(shares(total, parts))
    ]
    main = probe.lane(MAIN)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    with main.blocked("join"):
        for thread in threads:
            thread.join()
    return time.perf_counter() - started


def compare(probe: Probe, worker: Worker, total: int, params: dict[str, Any]) -> dict[str, Any]:
    """Sequential vs threaded timings (and the sweep) as the lesson's result."""
    threads = params["threads"]
    sweep_on = params["sweep"] == "on"
    main = probe.lane(MAIN)
    main.say(f"main does all {total:,} units alone")
    sequential_s = time_sequential(probe, worker, total, threads)
    main.say(f"alone: {sequential_s:.3f} s")
    sweep: list[dict[str, Any]] = []
    probe.watch("sweep", lambda: list(sweep))  # the chart draws the points as they come
    threaded_s = sequential_s
    for count in thread_counts(threads) if sweep_on else [threads]:
        if probe.stop.is_set():
            break
        main.say(f"now {count} thread(s) share the same work")
        label = f"{count}T·" if sweep_on else "Thread-"
        threaded_s = time_threaded(probe, worker, total, count, label)
        speedup = sequential_s / threaded_s if threaded_s > 0 else 0.0
        main.say(f"{count} thread(s): {threaded_s:.3f} s, speedup {speedup:.2f}x")
        sweep.append({"threads": count, "threaded_s": round(threaded_s, 4),
                      "speedup": round(speedup, 3)})
    main.finish()
    result: dict[str, Any] = {
        "threads": threads,
        "work_units": total,
        "sequential_s": round(sequential_s, 4),
        "threaded_s": round(threaded_s, 4),
        "speedup": round(sequential_s / threaded_s, 3) if threaded_s > 0 else 0.0,
        "cores": cores_available(),
    }
    if sweep_on:
        result["sweep"] = sweep
    return result


def cores_available() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
