"""Lesson: pure-Python CPU work gains nothing from threads on a build with a GIL (and
runs in parallel on a free-threaded build with the GIL off)."""

from __future__ import annotations

from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.verdict import (
    INCONCLUSIVE,
    NO_GAIN,
    PARALLEL,
    SLOWER,
    STOPPED,
    faster_or_slower,
)
from gilviz.demos.chapters import GIL
from gilviz.demos.gil_common import (
    PURE_PYTHON,
    SWEEP,
    THREADS,
    TRIALS,
    assess,
    compare,
    doubt,
    stopped_sentence,
)

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
    result = compare(probe, crunch, params["iterations"], params)
    return {**result, "verdict": verdict(result)}


def verdict(result: dict[str, Any]) -> str:
    """parallel (only possible with the GIL off), no-gain, slower, inconclusive or
    stopped: see gilviz.core.verdict and gil_common.assess."""
    return assess(result, PURE_PYTHON)[0]


def takeaway(result: dict[str, Any]) -> str:
    verdict_, why = assess(result, PURE_PYTHON)
    if verdict_ == STOPPED:
        return stopped_sentence(result)
    n, r, cores = result["threads"], result["speedup"], result["cores"]
    alone, together = result["sequential_s"], result["threaded_s"]
    times = f"{together:.2f} s against {alone:.2f} s for main alone"
    used = result.get("threaded_cpu_cores")
    on_cores = f", using {used:.1f} of {cores} cores" if used is not None else ""
    gil = result["gil_enabled"]
    if verdict_ == PARALLEL:
        return (f"{n} threads finished {faster_or_slower(r)} than main alone ("
                f"{times}{on_cores}): this interpreter runs without a GIL, so Python "
                f"threads ran in parallel, up to the {cores} cores.")
    if verdict_ == INCONCLUSIVE:
        return f"{n} thread{'s' if n != 1 else ''} ran at {r:.2f}x the speed of main " \
               f"alone{on_cores}, but {doubt(result, why)}"
    if n == 1:
        return (f"One thread took {times} ({r:.2f}x): a single thread does the same work "
                "as main, so there is nothing to gain. Try more threads.")
    if gil:
        how = ("no gain" if verdict_ == NO_GAIN else faster_or_slower(r))
        return (f"{n} threads took {times} ({r:.2f}x, {how}): the GIL lets one thread run "
                "Python at a time, so CPU-bound threads take turns"
                + (" and lose time handing it over." if verdict_ == SLOWER else "."))
    if cores < 2:
        return (f"{n} threads took {times} ({r:.2f}x): without a GIL threads could run in "
                "parallel, but this process may use only one core.")
    if verdict_ == NO_GAIN:
        return (f"{n} threads took {times} ({r:.2f}x{on_cores}): no gain, although this "
                "interpreter runs without a GIL. Something made the threads wait for each "
                "other; run it again.")
    return (f"{n} threads were {faster_or_slower(r)} than main alone ({r:.2f}x: {times}"
            f"{on_cores}), although this interpreter runs without a GIL: more threads than "
            "cores, or threads contending for shared objects, cost more than they gained.")


LESSON = Lesson(
    id="gil-cpu",
    title="CPU-bound threads and the GIL",
    chapter=GIL,
    blurb="The same arithmetic, done by main alone and then split over threads: time both.",
    params=(THREADS, ITERATIONS, SWEEP, TRIALS),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    key_code=("total += i * i % 7", "lane.tick("),
    workload=(crunch, run, compare),
    prefers_isolated=True,
)
