"""Lesson: start() returns at once, so main runs ahead of a thread it never joins."""

from __future__ import annotations

import threading
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe, Snapshot
from gilviz.demos.chapters import THREADING_BASICS
from gilviz.demos.common import COUNT, INTERVAL, MAIN, rounded, said_by, workers


def print_number(probe: Probe, count: int, interval_s: float) -> None:
    me = probe.lane()
    for i in me.steps(count):
        me.say(f"Hello from the thread! number is {i}")
        me.sleep(interval_s)


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    thread = threading.Thread(
        target=print_number, args=(probe, params["count"], params["interval_s"]),
        name="Thread-1",
    )
    thread.start()
    main.say("Hello from the main thread!")
    main.finish()  # no join(): main is done, the worker is not
    return {}


def report(result: dict[str, Any], snapshot: Snapshot) -> dict[str, Any]:
    main = snapshot.lane(MAIN)
    (worker,) = workers(snapshot)
    main_said = said_by(snapshot, MAIN)[0].t
    return {
        "main_said_at_s": rounded(main_said),
        "main_ended_at_s": rounded(main.ended_s),
        "worker_ended_at_s": rounded(worker.ended_s),
        "worker_messages": worker.count,
        "main_before_worker_end": worker.ended_s is not None and main_said < worker.ended_s,
    }


def takeaway(result: dict[str, Any]) -> str:
    if result["worker_ended_at_s"] is not None and not result["main_before_worker_end"]:
        return (f"Main spoke at {result['main_said_at_s']:.2f} s, the worker ended at "
                f"{result['worker_ended_at_s']:.2f} s: with so little to print the worker "
                "was done first. Give it more messages to see start() return at once.")
    return (
        f"Main was done at {result['main_ended_at_s']:.2f} s, the worker only at "
        f"{result['worker_ended_at_s']:.2f} s: start() does not wait for the thread."
    )


LESSON = Lesson(
    id="thread-start",
    title="Start a thread",
    chapter=THREADING_BASICS,
    blurb="The worker is started and never joined: main says its line and is done while "
          "the worker is still printing.",
    params=(COUNT, INTERVAL),
    run=run,
    report=report,
    takeaway=takeaway,
    workload=(print_number, run),
)
