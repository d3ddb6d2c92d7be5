"""Lesson: how often CPython asks a running thread to hand the GIL over, and what it costs.

sys.setswitchinterval sets how long a thread may keep the GIL while others wait. Short
intervals interleave the threads finely (fair, more hand-overs); long ones let each
thread run for long stretches, so some finish well before others.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import threading
import time
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.demos.chapters import GIL
from gilviz.demos.common import MAIN

CHUNK = 2_000
INTERVALS_MS = (0.1, 1.0, 5.0, 20.0, 100.0)
THREADS = IntParam(
    "threads", "Threads", "How many CPU-bound threads compete for the GIL",
    default_value=4, minimum=2, maximum=64,
)
ITERATIONS = IntParam(
    "iterations", "Iterations per thread", "Pure-Python loop iterations each thread does",
    default_value=4_000_000, minimum=10_000, maximum=50_000_000,
)


def spin(probe: Probe, iterations: int, chunk_ends: list[float]) -> None:
    """CPU-bound; notes when each chunk ends, so pauses (GIL waits) can be found later."""
    lane = probe.lane()
    lane.total = iterations
    lane.run()
    total = 0
    for start in range(0, iterations, CHUNK):
        if probe.stop.is_set():
            break
        for i in range(start, min(start + CHUNK, iterations)):
            total += i * i % 7
        lane.tick(min(CHUNK, iterations - start))
        chunk_ends.append(time.perf_counter())
    lane.finish()


def race_at(probe: Probe, interval_ms: float, threads: int, iterations: int) -> dict[str, Any]:
    """All threads at once under one switch interval; the previous interval comes back."""
    previous = sys.getswitchinterval()
    ends: list[list[float]] = [[] for _ in range(threads)]
    workers = [threading.Thread(target=spin, args=(probe, iterations, ends[i]),
                                name=f"{interval_ms:g}ms·T{i + 1}") for i in range(threads)]
    sys.setswitchinterval(interval_ms / 1000)
    try:
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        with probe.lane(MAIN).blocked():
            for worker in workers:
                worker.join()
        total_s = time.perf_counter() - started
    finally:
        sys.setswitchinterval(previous)
    return summarise(interval_ms, started, total_s, ends)


def summarise(interval_ms: float, started: float, total_s: float,
              ends: list[list[float]]) -> dict[str, Any]:
    """Finish times and hand-overs, inferred from gaps between a thread's chunks."""
    finishes = [chunk[-1] - started for chunk in ends if chunk]
    gaps = [b - a for chunk in ends for a, b in itertools.pairwise(chunk)]
    typical = statistics.median(gaps) if gaps else 0.0
    paused = [g for g in gaps if g > 3 * typical] if typical else []
    return {
        "switch_interval_ms": interval_ms,
        "total_s": round(total_s, 4),
        "first_done_s": round(min(finishes), 4) if finishes else None,
        "last_done_s": round(max(finishes), 4) if finishes else None,
        "finish_spread": round((max(finishes) - min(finishes)) / max(finishes), 3)
        if finishes else None,
        "handovers": len(paused),
        "longest_wait_ms": round(max(paused) * 1000, 1) if paused else 0.0,
    }


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    rows = []
    for interval_ms in INTERVALS_MS:
        if stop.is_set():
            break
        row = race_at(probe, interval_ms, params["threads"], params["iterations"])
        main.say(f"switch interval {interval_ms:g} ms: {row['total_s']:.2f} s, "
                 f"{row['handovers']} GIL hand-overs, first done at {row['first_done_s']} s")
        rows.append(row)
    main.finish()
    return {"threads": params["threads"], "intervals": rows,
            "default_interval_ms": round(sys.getswitchinterval() * 1000, 3)}


def takeaway(result: dict[str, Any]) -> str:
    rows = result["intervals"]
    short, long = rows[0], rows[-1]
    return (f"At {short['switch_interval_ms']:g} ms the threads handed the GIL over "
            f"{short['handovers']} times and finished together (spread "
            f"{short['finish_spread']:.0%}); at {long['switch_interval_ms']:g} ms only "
            f"{long['handovers']} times, finishing apart (spread {long['finish_spread']:.0%}). "
            f"Total time hardly moves: {short['total_s']:.2f} s vs {long['total_s']:.2f} s.")


LESSON = Lesson(
    id="switch-interval",
    title="The switch interval",
    chapter=GIL,
    blurb="The same CPU-bound threads under switch intervals from 0.1 to 100 ms.",
    params=(THREADS, ITERATIONS),
    run=run,
    takeaway=takeaway,
    workload=(spin, race_at, run),
    prefers_isolated=True,
)
