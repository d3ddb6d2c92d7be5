"""Lesson: threads that wait (for disk, network, ...) overlap their waits, GIL or not."""

from __future__ import annotations

from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import FloatParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.verdict import INCONCLUSIVE, NO_GAIN, PARALLEL, STOPPED, faster_or_slower
from gilviz.demos.chapters import GIL
from gilviz.demos.gil_common import (
    SWEEP,
    THREADS,
    TRIALS,
    WAITING,
    assess,
    compare,
    doubt,
    stopped_sentence,
)

TASKS = IntParam(
    "tasks", "I/O tasks", "How many waits in total, shared by the threads",
    default_value=32, minimum=1, maximum=256,
)
WAIT = FloatParam(
    "wait_s", "Each wait", "How long each task waits, as a network request would",
    default_value=0.1, minimum=0.01, maximum=1.0, unit="s",
)


def make_fetcher(wait_s: float):
    def fake_io(lane: Lane, stop: StopToken, tasks: int) -> None:
        """Stands in for a download: a sleep, during which the GIL is released."""
        for _ in range(tasks):
            if not lane.sleep(wait_s):
                return
            lane.tick()

    return fake_io


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    result = compare(probe, make_fetcher(params["wait_s"]), params["tasks"], params)
    return {**result, "verdict": verdict(result)}


def verdict(result: dict[str, Any]) -> str:
    """parallel (here: the waits overlapped), no-gain, slower, inconclusive or stopped
    (gilviz.core.verdict). Waits overlap on any build and any number of cores, and a
    busy machine cannot fake an overlap, so only a missing gain is doubted then."""
    return assess(result, WAITING)[0]


def takeaway(result: dict[str, Any]) -> str:
    verdict_, why = assess(result, WAITING)
    if verdict_ == STOPPED:
        return stopped_sentence(result)
    n, r = result["threads"], result["speedup"]
    times = f"{result['threaded_s']:.2f} s against {result['sequential_s']:.2f} s for main alone"
    if verdict_ == PARALLEL:
        gil = ("" if result["gil_enabled"] else
               " (this build has no GIL, but a sleeping thread needs none on any build)")
        return (f"{n} threads finished the waits {faster_or_slower(r)} than main alone "
                f"({times}): a waiting thread lets go of the GIL, so the waits "
                f"overlapped{gil}.")
    if verdict_ == INCONCLUSIVE:
        return (f"{n} thread{'s' if n != 1 else ''} finished the waits at {r:.2f}x the speed "
                f"of main alone, but {doubt(result, why)}")
    if n == 1:
        return (f"One thread took {times} ({r:.2f}x): it waits just as main did, one wait "
                "after another. Try more threads.")
    if result.get("work_units", 2) < 2:
        return f"{n} threads took {times} ({r:.2f}x): with one task there is nothing to overlap."
    how = "no gain" if verdict_ == NO_GAIN else faster_or_slower(r)
    return (f"{n} threads took {times} ({r:.2f}x, {how}), though waiting threads let go of "
            "the GIL: here starting and switching threads cost as much as the overlap "
            "saved. Try longer waits.")


LESSON = Lesson(
    id="gil-io",
    title="I/O-bound threads overlap",
    chapter=GIL,
    blurb="Tasks that mostly wait, done one after another and then on threads.",
    params=(THREADS, TASKS, WAIT, SWEEP, TRIALS),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    key_code=("lane.sleep(wait_s)",),
    workload=(make_fetcher, run),
)
