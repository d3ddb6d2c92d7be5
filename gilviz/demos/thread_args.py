"""Lesson: args= hands values to the thread's function, as positional arguments."""

from __future__ import annotations

import threading
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import TextParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe, Snapshot
from gilviz.demos.chapters import THREADING_BASICS
from gilviz.demos.common import COUNT, INTERVAL, MAIN, said_by, workers

MESSAGE = TextParam(
    "message", "Message", "The text passed to the thread through args=",
    default_value="Hello from the thread!", max_length=60,
)


def print_number(probe: Probe, message: str, count: int, interval_s: float) -> None:
    me = probe.lane()
    for i in me.steps(count):
        me.say(f"{message} number is {i}")
        me.sleep(interval_s)


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    thread = threading.Thread(
        target=print_number,
        args=(probe, params["message"], params["count"], params["interval_s"]),
        name="Thread-1",
    )
    thread.start()
    with main.blocked("join"):
        thread.join()
    main.say("Hello from the main thread!")
    main.finish()
    return {"message": params["message"], "count": params["count"]}


def report(result: dict[str, Any], snapshot: Snapshot) -> dict[str, Any]:
    (worker,) = workers(snapshot)
    lines = [event.text for event in said_by(snapshot, worker.name)]
    return {
        **result,
        "worker_messages": len(lines),
        "first_line": lines[0] if lines else None,
        "all_lines_carry_message": all(line.startswith(result["message"]) for line in lines),
    }


def takeaway(result: dict[str, Any]) -> str:
    if not result["all_lines_carry_message"]:
        return (f"The thread printed {result['worker_messages']} of {result['count']} lines, "
                "but not all start with the message it was given.")
    return (
        f"The thread printed {result['worker_messages']} of {result['count']} lines, each "
        f"starting with the message it was given: args=(...) reached the function."
    )


LESSON = Lesson(
    id="thread-args",
    title="Pass arguments to a thread",
    chapter=THREADING_BASICS,
    blurb="Type a message and a count; the thread receives them through args=.",
    params=(MESSAGE, COUNT, INTERVAL),
    run=run,
    report=report,
    takeaway=takeaway,
    workload=(print_number, run),
)
