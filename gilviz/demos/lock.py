"""Lesson: a threading.Lock makes the racing increments exact, at a price in time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from gilviz.core.host_facts import gil_enabled
from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe, State
from gilviz.core.verdict import STOPPED
from gilviz.demos import race
from gilviz.demos.chapters import RACES
from gilviz.demos.common import MAIN, most_at_once, rounded, start_and_join
from gilviz.demos.race import FORCED_BATCH, THREADS

PER_INCREMENT = "per-increment"
WHOLE_LOOP = "whole-loop"
UNLOCKED = "unlocked"
PHASE_NAMES = {
    PER_INCREMENT: "lock around each increment",
    WHOLE_LOOP: "lock around the whole loop",
    UNLOCKED: "no lock (the race)",
}

ITERATIONS = IntParam(
    "iterations", "Increments per thread",
    "How many times each thread adds one; the lecture's cell uses 10,000 (each increment "
    "sleeps ~75 us, so timing all three placements takes several seconds)",
    default_value=10_000, minimum=1, maximum=1_000_000,
)
GRANULARITY = ChoiceParam(
    "granularity", "Lock held",
    "whole-loop: one thread takes the lock for all its increments, as in the lecture's "
    "cell; per-increment: lock, read, sleep(0), write, unlock, every time",
    choices=(WHOLE_LOOP, PER_INCREMENT),
    choice_labels=("around the whole loop (the lecture)", "around each increment"),
)
COMPARE = ChoiceParam(
    "compare", "Compare",
    "Afterwards, time the other lock placement and the unlocked race with the same "
    "threads and increments",
    choices=("yes", "no"),
    choice_labels=("yes: time all three", "no: only this lock"),
)

counter = 0
counter_lock = threading.Lock()  # one lock, shared by every thread that touches counter


def increment_each(probe: Probe, iterations: int) -> None:
    global counter
    me = probe.lane(reuse=True)
    for batch in me.batches(iterations, FORCED_BATCH):
        for _ in range(batch):
            with counter_lock:  # nobody else reads or writes counter until we are done
                tmp = counter
                time.sleep(0)
                counter = tmp + 1


def increment_whole(probe: Probe, iterations: int) -> None:
    global counter
    me = probe.lane(reuse=True)
    me.say("waiting for the lock")
    with me.blocked("lock"):  # shown as blocked while another thread holds it
        counter_lock.acquire()
    me.say("acquired the lock")
    try:
        for batch in me.batches(iterations, FORCED_BATCH):
            for _ in range(batch):
                tmp = counter
                time.sleep(0)
                counter = tmp + 1
    finally:
        me.say("releasing the lock")
        counter_lock.release()


WORKERS: dict[str, Callable[[Probe, int], None]] = {
    PER_INCREMENT: increment_each, WHOLE_LOOP: increment_whole,
}


def count_with(probe: Probe, work: Callable[[Probe, int], None], threads: int,
               iterations: int) -> int:
    """Start the threads on `work`, wait for all of them, read the counter."""
    global counter
    counter = 0
    start_and_join(probe, work, threads, iterations)
    return counter


def count_phase(probe: Probe, phase: str, threads: int, iterations: int) -> int:
    """One placement timed; "no lock" is the race lesson's own increment with the
    lecture's sleep(0), on the race lesson's counter."""
    if phase == UNLOCKED:
        return race.race_once(probe, race.increment, threads, iterations, 0.0)
    return count_with(probe, WORKERS[phase], threads, iterations)


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    threads, iterations = params["threads"], params["iterations"]
    chosen = params["granularity"]
    phases = [chosen]
    if params["compare"] == "yes":
        phases += [p for p in (PER_INCREMENT, WHOLE_LOOP) if p != chosen] + [UNLOCKED]
    current = [chosen]
    probe.watch("counter", lambda: race.read_counter() if current[0] == UNLOCKED
                else read_counter())
    probe.watch("expected", lambda: threads * iterations)
    probe.watch("phase", lambda: PHASE_NAMES[current[0]])
    main = probe.lane(MAIN)
    measured: dict[str, dict[str, Any]] = {}
    for phase in phases:
        if stop.is_set():
            break
        current[0] = phase
        main.say(f"{PHASE_NAMES[phase]}: {threads} threads x {iterations:,} increments")
        started = time.perf_counter()
        actual = count_phase(probe, phase, threads, iterations)
        seconds = time.perf_counter() - started
        lanes = [probe.lane_named(f"Thread-{i + 1}") for i in range(threads)]
        done = sum(lane.count for lane in lanes)
        measured[phase] = {"seconds": seconds, "done": done, "actual": actual,
                           "at_once": most_at_once(work_spans(lanes)),
                           "complete": not stop.is_set()}  # a phase cut short is not timed
        main.say(f"counter = {actual:,} of {done:,} in {seconds:.2f} s")
    main.finish()
    result = {**summarise(params, measured), "gil_enabled": gil_enabled(),
              "stopped": stop.is_set()}
    return {**result, "verdict": verdict(result)}


def read_counter() -> int:
    return counter


def work_spans(lanes: list[Lane]) -> list[tuple[float, float]]:
    """Each lane's counting work, from its last switch to RUNNING to its end: whether
    the spans overlap tells threads counting together from threads taking turns."""
    spans = []
    for lane in lanes:
        running = [t for t, state in lane.transitions if state is State.RUNNING]
        start = running[-1] if running else lane.started_s
        spans.append((start, lane.ended_s or start))
    return spans


def summarise(params: dict[str, Any], measured: dict[str, dict[str, Any]]) -> dict[str, Any]:
    chosen = measured.get(params["granularity"], {"done": 0, "actual": 0, "seconds": 0.0,
                                                   "at_once": 0})
    lost = chosen["done"] - chosen["actual"]
    result: dict[str, Any] = {
        "granularity": params["granularity"],
        "threads": params["threads"],
        "iterations": params["iterations"],
        "expected": chosen["done"],
        "actual": chosen["actual"],
        "lost": lost,
        "lost_pct": round(100 * lost / chosen["done"], 2) if chosen["done"] else 0.0,
        "running_at_once": chosen["at_once"],
    }
    for phase, key in ((PER_INCREMENT, "per_increment"), (WHOLE_LOOP, "whole_loop"),
                       (UNLOCKED, "race")):
        if phase in measured and measured[phase]["complete"]:
            result[f"{key}_s"] = rounded(measured[phase]["seconds"])
            result[f"{key}_actual"] = measured[phase]["actual"]
            result[f"{key}_lost"] = measured[phase]["done"] - measured[phase]["actual"]
            result[f"{key}_running_at_once"] = measured[phase]["at_once"]
    return result


# Verdicts: exact (the chosen placement's counter got every increment), lost-updates
# (it did not: a lock that fails to protect), stopped (cut short).
EXACT = "exact"
LOST_UPDATES = "lost-updates"


def verdict(result: dict[str, Any]) -> str:
    if result.get("stopped"):
        return STOPPED
    return LOST_UPDATES if result["lost"] else EXACT


def takeaway(result: dict[str, Any]) -> str:
    name, verdict_ = PHASE_NAMES[result["granularity"]], verdict(result)
    if verdict_ == STOPPED:
        return (f"Stopped: with a {name} the counter read {result['actual']:,} after "
                f"{result['expected']:,} increments; the placements were not all timed.")
    seconds = result[f"{result['granularity'].replace('-', '_')}_s"]
    if verdict_ == LOST_UPDATES:
        return (f"With a {name} the counter still lost {result['lost']:,} updates "
                f"({result['actual']:,} of {result['expected']:,}): every thread must take "
                "the same lock around the read and the write.")
    head = (f"With a {name}, the counter is exact: {result['actual']:,} of "
            f"{result['expected']:,} in {seconds:.2f} s.")
    if result["granularity"] == WHOLE_LOOP:
        head += (f" At most {result['running_at_once']} thread counted at a time: they "
                 "ran one after another.")
    if "race_s" in result:
        head += (f" Without a lock: {result['race_actual']:,} in {result['race_s']:.2f} s,"
                 f" {result['race_lost']:,} updates lost.")
    if not result["gil_enabled"]:
        head += " This interpreter runs without a GIL: the Lock alone keeps the count exact."
    return head


LESSON = Lesson(
    id="lock",
    title="Fix it with a Lock",
    chapter=RACES,
    blurb="The same race, with threading.Lock around the whole loop (the lecture's cell) "
          "or around each increment.",
    params=(THREADS, ITERATIONS, GRANULARITY, COMPARE),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    workload=(increment_each, increment_whole, count_with, count_phase, run),
    prefers_isolated=True,
)
