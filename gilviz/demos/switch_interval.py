"""Lesson: how often CPython asks a running thread to hand the GIL over, and what it costs.

sys.setswitchinterval sets how long a thread may keep the GIL while others wait. Short
intervals interleave the threads finely (fair, more hand-overs); long ones let each
thread run for long stretches, so some finish well before others.

The hand-overs are counted exactly by the workers themselves: every 100 iterations a
worker looks at a shared cell saying which worker looked last; if it was another one,
the GIL came over since, and the worker notes the time. Only the GIL holder runs Python,
so the cell changes exactly at hand-overs, and a turn with the GIL lasts about a switch
interval (at least 0.1 ms here), far longer than 100 iterations (a few microseconds).
CPython may switch less often than asked: the holder lets go only when a waiting thread
has timed out and asked, and that thread must then wake and get a core.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from typing import Any

from gilviz.core.cpu_load import OthersCpu
from gilviz.core.host_facts import interpreter_facts
from gilviz.core.lesson import Lesson
from gilviz.core.params import IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.core.verdict import (
    INCONCLUSIVE,
    STOPPED,
    busy_reason,
    is_busy,
    too_short,
    too_short_reason,
)
from gilviz.demos.chapters import GIL
from gilviz.demos.common import MAIN

CHUNK = 2_000
LOOK_EVERY = 100  # iterations between two looks at who ran last (a few microseconds)
INTERVALS_MS = (0.1, 1.0, 5.0, 20.0, 100.0)
THREADS = IntParam(
    "threads", "Threads", "How many CPU-bound threads compete for the GIL",
    default_value=4, minimum=2, maximum=64,
)
ITERATIONS = IntParam(
    "iterations", "Iterations per thread", "Pure-Python loop iterations each thread does",
    default_value=4_000_000, minimum=10_000, maximum=50_000_000,
)


def spin(probe: Probe, iterations: int, last_ran: list[str], turns: list[tuple[str, float]],
         chunk_ends: list[float]) -> None:
    """CPU-bound. Every LOOK_EVERY iterations it looks at who ran last: if another worker
    did, the GIL has just come over to this one, and it notes when."""
    lane = probe.lane()
    me = lane.name
    lane.total = iterations
    lane.run()
    total = 0
    for start in range(0, iterations, CHUNK):
        if probe.stop.is_set():
            break
        end = min(start + CHUNK, iterations)
        for block in range(start, end, LOOK_EVERY):
            for i in range(block, min(block + LOOK_EVERY, end)):
                total += i * i % 7
            if last_ran[0] != me:  # another worker held the GIL since this one last looked
                last_ran[0] = me
                turns.append((me, time.perf_counter()))
        lane.tick(end - start)
        chunk_ends.append(time.perf_counter())
    lane.finish()


def race_at(probe: Probe, interval_ms: float, threads: int, iterations: int) -> dict[str, Any]:
    """All threads at once under one switch interval; the previous interval comes back."""
    previous = sys.getswitchinterval()
    ends: list[list[float]] = [[] for _ in range(threads)]
    last_ran = [""]
    turns: list[tuple[str, float]] = []
    workers = [threading.Thread(target=spin, args=(probe, iterations, last_ran, turns, ends[i]),
                                name=f"{interval_ms:g}ms·T{i + 1}") for i in range(threads)]
    sys.setswitchinterval(interval_ms / 1000)
    try:
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        with probe.lane(MAIN).blocked("join"):
            for worker in workers:
                worker.join()
        total_s = time.perf_counter() - started
    finally:
        sys.setswitchinterval(previous)
    return summarise(interval_ms, started, total_s, ends, turns)


def summarise(interval_ms: float, started: float, total_s: float, ends: list[list[float]],
              turns: list[tuple[str, float]]) -> dict[str, Any]:
    """Finish times, and the hand-overs the workers recorded: each turn after the first
    began with the GIL coming over from another worker."""
    finishes = [chunk[-1] - started for chunk in ends if chunk]
    handovers = max(0, len(turns) - 1)
    return {
        "switch_interval_ms": interval_ms,
        "total_s": round(total_s, 4),
        "first_done_s": round(min(finishes), 4) if finishes else None,
        "last_done_s": round(max(finishes), 4) if finishes else None,
        "finish_spread": round((max(finishes) - min(finishes)) / max(finishes), 3)
        if finishes else None,
        "handovers": handovers,
        "handovers_per_s": round(handovers / total_s, 1) if total_s > 0 else 0.0,
        "asked_per_s": round(1000 / interval_ms, 1),
        "mean_turn_ms": round(total_s / len(turns) * 1000, 3) if turns else None,
        "longest_wait_ms": round(longest_wait(turns) * 1000, 1),
    }


def longest_wait(turns: list[tuple[str, float]]) -> float:
    """The longest a worker waited between the end of one of its turns (when another
    worker's turn began) and the start of its next turn."""
    longest = 0.0
    ended: dict[str, float] = {}
    for (previous, _), (worker, t) in itertools.pairwise(turns):
        ended[previous] = t
        if worker in ended:
            longest = max(longest, t - ended[worker])
    return longest


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    rows: list[dict[str, Any]] = []
    probe.watch("intervals", lambda: list(rows))  # the chart adds each interval as it ends
    others = OthersCpu()
    for interval_ms in INTERVALS_MS:
        if stop.is_set():
            break
        row = race_at(probe, interval_ms, params["threads"], params["iterations"])
        if stop.is_set():
            break  # cut short: not a measurement, so no row for it
        main.say(f"switch interval {interval_ms:g} ms: {row['total_s']:.2f} s, "
                 f"{row['handovers']} GIL hand-overs, first done at {row['first_done_s']} s")
        rows.append(row)
    main.finish()
    result = {"threads": params["threads"], "intervals": rows,
              "default_interval_ms": round(sys.getswitchinterval() * 1000, 3),
              "caveat": CAVEAT, **interpreter_facts(), "others_cpu_pct": others.percent(),
              "stopped": stop.is_set() or len(rows) < len(INTERVALS_MS)}
    return {**result, "verdict": verdict(result)}


CAVEAT = ("Hand-overs are counted exactly, by the workers. CPython may switch less often "
          "than the interval asks: the holder lets go only once a waiting thread has "
          "waited a whole interval and asked, and that thread must then wake and get a "
          "core.")


# Verdicts: fair-when-short (the shortest interval's threads finished clearly closer
# together than the longest's), no-effect (about as far apart under both), no-gil (the
# interpreter runs without a GIL: the interval has nothing to hand over), inconclusive
# (a busy machine, or the opposite of what the interval can do), stopped.
FAIR_WHEN_SHORT = "fair-when-short"
NO_EFFECT = "no-effect"
NO_GIL = "no-gil"
SPREAD_GAP = 0.15  # finish spreads closer than this (share of the total) are "the same"
TOGETHER = 0.10  # a finish spread up to this is "together"
APART = 0.25  # from this on, "apart"
SAME_TIME = 0.10  # totals within 10% "hardly move"


def verdict(result: dict[str, Any]) -> str:
    rows = result["intervals"]
    if result.get("stopped") or len(rows) < 2:
        return STOPPED
    if not result["gil_enabled"]:
        return NO_GIL
    if is_busy(result.get("others_cpu_pct")) or too_short(rows[-1]["total_s"]):
        return INCONCLUSIVE
    gap = rows[-1]["finish_spread"] - rows[0]["finish_spread"]
    if gap >= SPREAD_GAP:
        return FAIR_WHEN_SHORT
    return NO_EFFECT if gap > -SPREAD_GAP else INCONCLUSIVE


def finishing(row: dict[str, Any]) -> str:
    spread = row["finish_spread"]
    how = ("together" if spread <= TOGETHER else "apart" if spread >= APART
           else "a little apart")
    return (f"finished {how} (the first at {row['first_done_s']:.2f} s, the last at "
            f"{row['last_done_s']:.2f} s)")


def total_time(short: dict[str, Any], long: dict[str, Any]) -> str:
    a, b = short["total_s"], long["total_s"]
    if abs(b / a - 1) <= SAME_TIME:
        return f"The total time hardly moved: {a:.2f} s against {b:.2f} s."
    return (f"The total time was {a:.2f} s at {short['switch_interval_ms']:g} ms and "
            f"{b:.2f} s at {long['switch_interval_ms']:g} ms ({b / a:.2f}x as long).")


def takeaway(result: dict[str, Any]) -> str:
    verdict_, rows = verdict(result), result["intervals"]
    if verdict_ == STOPPED:
        done = ", ".join(f"{r['switch_interval_ms']:g} ms" for r in rows) or "no interval"
        return (f"Stopped after {done}: the intervals were not all timed, so there is no "
                "comparison to draw.")
    short, long = rows[0], rows[-1]
    at_short, at_long = f"At {short['switch_interval_ms']:g} ms", \
        f"at {long['switch_interval_ms']:g} ms"
    if verdict_ == NO_GIL:
        return (f"This interpreter runs without a GIL, so the switch interval has nothing to "
                f"hand over: the threads ran side by side under every interval. "
                f"{at_short} they {finishing(short)}; {at_long} they {finishing(long)}. "
                + total_time(short, long))
    if verdict_ == INCONCLUSIVE:
        why = (busy_reason(result["others_cpu_pct"]) if is_busy(result.get("others_cpu_pct"))
               else too_short_reason(long["total_s"], "give each thread more iterations")
               if too_short(long["total_s"])
               else "a longer interval cannot make threads finish closer together: run it "
               "again")
        return (f"{at_short} the threads {finishing(short)}; {at_long} they "
                f"{finishing(long)}. But {why}.")
    if verdict_ == FAIR_WHEN_SHORT:  # the hand-overs are counted exactly (see spin)
        return (f"{at_short} the GIL changed hands {short['handovers']:,} times in short turns "
                f"and the threads {finishing(short)}; {at_long} it changed hands "
                f"{long['handovers']:,} times, each kept it for long stretches, and they "
                f"{finishing(long)}. " + total_time(short, long))
    return (f"{at_short} the threads {finishing(short)}; {at_long} they {finishing(long)}: "
            "no visible difference here. Try more iterations per thread, so that each "
            "thread needs many turns. " + total_time(short, long))


LESSON = Lesson(
    id="switch-interval",
    title="The switch interval",
    chapter=GIL,
    blurb="The same CPU-bound threads under switch intervals from 0.1 to 100 ms.",
    params=(THREADS, ITERATIONS),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    workload=(spin, race_at, run),
    prefers_isolated=True,
)
