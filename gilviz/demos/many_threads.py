"""Lesson: many threads at once interleave; joining each one right away serialises them."""

from __future__ import annotations

import itertools
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import LaneSnapshot, Probe, Snapshot
from gilviz.core.thread_kinds import KIND_LABELS, KINDS, QTHREAD, THREADING, make_thread
from gilviz.demos.chapters import THREADING_BASICS
from gilviz.demos.common import COUNT, INTERVAL, MAIN, most_at_once, rounded, workers

THREADS = IntParam(
    "threads", "Threads", "How many worker threads to start",
    default_value=3, minimum=1, maximum=64,
)
KIND = ChoiceParam(
    "kind", "Thread kind",
    "threading.Thread or Qt's QThread: both are OS threads under the same GIL",
    choices=KINDS, default_value=THREADING, choice_labels=KIND_LABELS,
)
TOGETHER = "together"
ONE_BY_ONE = "one-by-one"
VARIANT = ChoiceParam(
    "variant", "Joining",
    "Start them all, then join them all; or join each thread right after starting it",
    choices=(TOGETHER, ONE_BY_ONE),
    choice_labels=("start all, then join all", "join each right after start"),
)


def print_number(probe: Probe, message: str, count: int, interval_s: float) -> None:
    me = probe.lane(message)
    for i in me.steps(count):
        me.say(f"{message} number is {i}")
        me.sleep(interval_s)


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    threads = []
    for i in range(params["threads"]):
        name = f"Thread-{i + 1}"
        thread = make_thread(
            params["kind"], target=print_number,
            args=(probe, name, params["count"], params["interval_s"]), name=name,
        )
        threads.append(thread)
        thread.start()
        if params["variant"] == ONE_BY_ONE:
            with main.blocked("join"):
                thread.join()  # waiting here makes the threads run one after another

    with main.blocked("join"):
        for thread in threads:
            thread.join()  # wait for all of them to finish
    main.say("Hello from the main thread!")
    main.finish()
    return {"threads": params["threads"], "kind": params["kind"],
            "variant": params["variant"], "count": params["count"],
            "interval_s": params["interval_s"]}


def most_alive_at_once(lanes: list[LaneSnapshot]) -> int:
    """The largest number of worker lanes whose lifetimes overlap."""
    return most_at_once([(lane.started_s, lane.ended_s or lane.started_s) for lane in lanes])


def report(result: dict[str, Any], snapshot: Snapshot) -> dict[str, Any]:
    lanes = workers(snapshot)
    worker_events = [event.thread for event in snapshot.events if event.thread != MAIN]
    handovers = sum(1 for a, b in itertools.pairwise(worker_events) if a != b)
    ended = [lane.ended_s for lane in lanes if lane.ended_s is not None]
    return {
        **result,
        # The kernel's thread ids (every lane records one as its thread starts):
        # threading.get_ident() values come back once a thread has ended.
        "distinct_thread_ids": len({lane.tid for lane in lanes}),
        "counts": [lane.count for lane in lanes],
        "complete": len(lanes) == result["threads"]
        and all(lane.count == result["count"] for lane in lanes),
        "most_alive_at_once": most_alive_at_once(lanes),
        "handovers": handovers,
        "workers_wall_s": rounded(max(ended) - min(lane.started_s for lane in lanes))
        if ended else None,
    }


def takeaway(result: dict[str, Any]) -> str:
    n, wall = result["threads"], result["workers_wall_s"] or 0.0
    alone = result["count"] * result["interval_s"]  # what one thread sleeps in total
    at_once = result["most_alive_at_once"]
    if result["variant"] == ONE_BY_ONE:
        return (f"Joined one by one, at most {at_once} thread{'s' if at_once != 1 else ''} "
                f"{'was' if at_once == 1 else 'were'} alive at a time: {n} threads took "
                f"{wall:.2f} s, against {n} x {alone:.2f} s = {n * alone:.2f} s of sleeping.")
    head = f"{at_once} of {n} threads were alive at once: all done in {wall:.2f} s, "
    if wall <= 1.5 * alone:
        return head + f"about one thread's {alone:.2f} s, not {n} x {alone:.2f} s."
    if wall < 0.8 * n * alone:
        return head + (f"more than one thread's {alone:.2f} s but well under {n} x "
                       f"{alone:.2f} s: the waits overlapped, and starting the threads (or "
                       "other programs) took the rest.")
    return head + (f"about {n} x {alone:.2f} s: here the waits hardly overlapped; run it "
                   "again.")


LESSON = Lesson(
    id="many-threads",
    title="Many threads at once",
    chapter=THREADING_BASICS,
    blurb="Start N threads and watch their messages interleave; try joining each one early.",
    params=(THREADS, COUNT, INTERVAL, KIND, VARIANT),
    run=run,
    report=report,
    takeaway=takeaway,
    workload=(print_number, run),
    needs_qt=lambda params: params["kind"] == QTHREAD,
)
