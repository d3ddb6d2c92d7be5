"""Lesson: pure-Python CPU work gains nothing from threads, because of the GIL."""

from __future__ import annotations

from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.demos.chapters import GIL
from gilviz.demos.gil_common import SWEEP, THREADS, compare

CHUNK = 10_000  # iterations between progress ticks and stop checks
ITERATIONS = IntParam(
    "iterations", "Total iterations", "Loop iterations of pure-Python arithmetic, shared by all",
    default_value=20_000_000, minimum=10_000, maximum=200_000_000,
)


def crunch(lane: Lane, stop: StopToken, iterations: int) -> None:
    """Pure Python arithmetic: the thread must hold the GIL for every bytecode of it."""
    total = 0
    for start in range(0, iterations, CHUNK):
        if stop.is_set():
            return
        for i in range(start, min(start + CHUNK, iterations)):
            total += i * i % 7
        lane.tick(min(CHUNK, iterations - start))


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    return compare(probe, crunch, params["iterations"], params)


def takeaway(result: dict[str, Any]) -> str:
    speedup, n = result["speedup"], result["threads"]
    if speedup < 1.3:
        return (f"{n} threads ran at {speedup:.2f}x the speed of one: the GIL lets only "
                "one thread run Python at a time, so CPU-bound threads take turns.")
    return (f"{n} threads ran at {speedup:.2f}x: this interpreter ran Python threads in "
            "parallel, which a GIL-free build can do.")


LESSON = Lesson(
    id="gil-cpu",
    title="CPU-bound threads and the GIL",
    chapter=GIL,
    blurb="The same arithmetic, done by main alone and then split over threads: time both.",
    params=(THREADS, ITERATIONS, SWEEP),
    run=run,
    takeaway=takeaway,
    key_code=("total += i * i % 7", "lane.tick("),
    workload=(crunch, run, compare),
    prefers_isolated=True,
)
