"""Lesson: join() makes main wait until its worker has finished."""

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
    with main.blocked("join"):
        thread.join()  # main waits here until the worker has finished
    main.say("Hello from the main thread!")
    main.finish()
    return {}


def report(result: dict[str, Any], snapshot: Snapshot) -> dict[str, Any]:
    (worker,) = workers(snapshot)
    main_said = said_by(snapshot, MAIN)[-1].t
    return {
        "main_said_at_s": rounded(main_said),
        "worker_ended_at_s": rounded(worker.ended_s),
        "worker_messages": worker.count,
        "main_after_worker_end": worker.ended_s is not None and main_said >= worker.ended_s,
    }


def takeaway(result: dict[str, Any]) -> str:
    if not result["main_after_worker_end"]:
        return (f"Main spoke at {result['main_said_at_s']:.2f} s, before the worker ended at "
                f"{result['worker_ended_at_s']}: join() did not hold it back this time.")
    return (
        f"The worker ended at {result['worker_ended_at_s']:.2f} s and main spoke at "
        f"{result['main_said_at_s']:.2f} s: join() held main until the worker was done."
    )


LESSON = Lesson(
    id="thread-join",
    title="Wait with join()",
    chapter=THREADING_BASICS,
    blurb="The same worker, but main calls join(): its message now comes last.",
    params=(COUNT, INTERVAL),
    run=run,
    report=report,
    takeaway=takeaway,
    workload=(print_number, run),
)
