"""Lesson: threads that wait (for disk, network, ...) overlap their waits, GIL or not."""

from __future__ import annotations

from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import FloatParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.demos.chapters import GIL
from gilviz.demos.gil_common import SWEEP, THREADS, compare

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
    return compare(probe, make_fetcher(params["wait_s"]), params["tasks"], params)


def takeaway(result: dict[str, Any]) -> str:
    return (f"{result['threads']} threads finished the waits {result['speedup']:.1f}x faster: "
            "a waiting thread releases the GIL, so the waits overlap.")


LESSON = Lesson(
    id="gil-io",
    title="I/O-bound threads overlap",
    chapter=GIL,
    blurb="Tasks that mostly wait, done one after another and then on threads.",
    params=(THREADS, TASKS, WAIT, SWEEP),
    run=run,
    takeaway=takeaway,
    key_code=("lane.sleep(wait_s)",),
    workload=(make_fetcher, run),
)
