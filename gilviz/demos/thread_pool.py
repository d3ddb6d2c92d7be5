"""Lesson: a ThreadPoolExecutor hands tasks to a few worker threads it reuses.

Task n sleeps n time units, as in the lecture. The pool decides which of its threads runs
which task; main collects the results either with executor.map (in the order the tasks
were handed in) or with submit + as_completed (in the order they finish).
"""

from __future__ import annotations

import functools
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, FloatParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.verdict import LOSS_MAX, STOPPED
from gilviz.demos.chapters import EXECUTORS
from gilviz.demos.common import MAIN, most_at_once, rounded

MAP = "map"
SUBMIT = "submit"
RISING = "rising"
FALLING = "falling"
WORKER_PREFIX = "Worker"

TASKS = IntParam(
    "tasks", "Tasks", "How many tasks main hands to the pool",
    default_value=5, minimum=1, maximum=32,
)
WORKERS = IntParam(
    "workers", "Workers", "max_workers: the most threads the pool may start",
    default_value=3, minimum=1, maximum=32,
)
UNIT = FloatParam(
    "unit_s", "Time unit",
    "A task of n units sleeps n times this long; the lecture's task n sleeps n seconds",
    default_value=1.0, minimum=0.01, maximum=2.0, unit="s",
)
DURATIONS = ChoiceParam(
    "durations", "Durations",
    "rising: task n lasts n units, as in the lecture; falling: task 1 lasts longest, so "
    "tasks finish in a different order from the one they were handed in",
    choices=(RISING, FALLING),
    choice_labels=("task n lasts n units", "task 1 lasts longest"),
)
MODE = ChoiceParam(
    "mode", "Collect results",
    "map: executor.map hands results back in submission order; submit: submit each task "
    "and take results from as_completed as soon as each one finishes",
    choices=(MAP, SUBMIT),
    choice_labels=("executor.map: submission order", "submit + as_completed: finish order"),
)


def units_of(tasks: int, durations: str) -> list[int]:
    """How many time units each task lasts, task 1 first."""
    units = list(range(1, tasks + 1))
    return units if durations == RISING else units[::-1]


def task(probe: Probe, timings: list[dict[str, Any] | None], n: int, seconds: float
         ) -> int | None:
    """The lecture's task: announce itself, sleep, announce the end, return n squared."""
    if probe.stop.is_set():
        return None  # Stop was pressed while this task sat in the queue
    me: Lane = probe.lane()  # the pool thread that picked this task up
    me.run()
    started = probe.now()
    timings[n - 1] = {"task": n, "worker": me.name, "start": started, "end": None}
    me.say(f"task {n} starting on {me.name}")
    finished = me.sleep(seconds)  # time.sleep(seconds), cut short by Stop
    timings[n - 1] = {"task": n, "worker": me.name, "start": started, "end": probe.now()}
    me.say(f"task {n} completed on {me.name}")
    me.idle()  # back in the pool, waiting for its next task
    return n * n if finished else None


def collect_in_order(executor: ThreadPoolExecutor, work: Any, numbers: list[int],
                     seconds: list[float], probe: Probe, received: list[dict[str, Any]]
                     ) -> None:
    """executor.map: results come back in submission order, whoever finishes first."""
    main = probe.lane(MAIN)
    with main.blocked("result"):  # main waits for each result in turn
        for n, square in zip(numbers, executor.map(work, numbers, seconds), strict=True):
            if probe.stop.is_set():
                break
            received.append({"task": n, "at": probe.now()})
            main.say(f"result of task {n} received: {square}")


def collect_as_completed(executor: ThreadPoolExecutor, work: Any, numbers: list[int],
                         seconds: list[float], probe: Probe,
                         received: list[dict[str, Any]]) -> None:
    """submit + as_completed: each result comes back as soon as its task is done."""
    main = probe.lane(MAIN)
    futures: dict[Future[int | None], int] = {
        executor.submit(work, n, s): n for n, s in zip(numbers, seconds, strict=True)
    }
    with main.blocked("result"):
        for future in as_completed(futures):
            if probe.stop.is_set():
                break
            n = futures[future]
            received.append({"task": n, "at": probe.now()})
            main.say(f"result of task {n} received: {future.result()}")


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    numbers = list(range(1, params["tasks"] + 1))
    units = units_of(params["tasks"], params["durations"])
    seconds = [u * params["unit_s"] for u in units]
    timings: list[dict[str, Any] | None] = [None] * len(numbers)
    received: list[dict[str, Any]] = []
    probe.watch("tasks", lambda: [t for t in list(timings) if t is not None])
    probe.watch("received", lambda: list(received))
    work = functools.partial(task, probe, timings)
    collect = collect_in_order if params["mode"] == MAP else collect_as_completed
    main.say(f"main hands {len(numbers)} tasks to a pool of up to {params['workers']} threads")
    executor = ThreadPoolExecutor(max_workers=params["workers"],
                                  thread_name_prefix=WORKER_PREFIX,
                                  initializer=probe.lane)  # each new thread gets its row
    try:
        collect(executor, work, numbers, seconds, probe, received)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)  # leaves no thread behind
    for lane in probe.snapshot().lanes:
        if lane.name.startswith(WORKER_PREFIX):
            probe.lane_named(lane.name).finish()  # its thread has ended with the pool
    main.say("results: " + ", ".join(str(r["task"] ** 2) for r in received))
    main.say("Main thread finished.")
    main.finish()
    result = summarise(params, units, [t for t in timings if t is not None], received)
    result["stopped"] = stop.is_set()
    return {**result, "verdict": verdict(result)}


def summarise(params: dict[str, Any], units: list[int], timings: list[dict[str, Any]],
              received: list[dict[str, Any]]) -> dict[str, Any]:
    done = [t for t in timings if t["end"] is not None]
    tasks = [{**t, "units": units[t["task"] - 1], "start": rounded(t["start"]),
              "end": rounded(t["end"])} for t in sorted(done, key=lambda t: t["task"])]
    finish_order = [t["task"] for t in sorted(done, key=lambda t: (t["end"], t["task"]))]
    spans = [(t["start"], t["end"]) for t in done]
    pool_s = (max(e for _, e in spans) - min(s for s, _ in spans)) if spans else 0.0
    return {
        "workers": params["workers"],
        "mode": params["mode"],
        "durations": params["durations"],
        "unit_s": params["unit_s"],
        "tasks": tasks,
        "result_order": [r["task"] for r in received],
        "received_at": [rounded(r["at"]) for r in received],
        "finish_order": finish_order,
        "threads_used": len({t["worker"] for t in done}),
        "most_at_once": most_at_once(spans),
        "pool_s": round(pool_s, 4),
        "one_thread_s": round(sum(units) * params["unit_s"], 4),
    }


# Verdicts: overlapped (more than one pool thread slept at once, and the pool took
# clearly less than the tasks' summed sleeping), one-at-a-time (it did not: one worker,
# or one task), stopped (cut short: some tasks never ran).
OVERLAPPED = "overlapped"
ONE_AT_A_TIME = "one-at-a-time"


def verdict(result: dict[str, Any]) -> str:
    if result.get("stopped"):
        return STOPPED
    overlapped = (result["most_at_once"] > 1
                  and result["pool_s"] < LOSS_MAX * result["one_thread_s"])
    return OVERLAPPED if overlapped else ONE_AT_A_TIME


def takeaway(result: dict[str, Any]) -> str:
    verdict_ = verdict(result)
    order = ", ".join(str(n) for n in result["result_order"])
    threads = result["threads_used"]
    if verdict_ == STOPPED:
        return (f"Stopped: {len(result['tasks'])} task(s) finished and main received "
                f"{len(result['result_order'])} result(s) ({order or 'none'}) before the "
                "pool dropped the rest.")
    timing = (f"{threads} pool thread{'s' if threads != 1 else ''} did the "
              f"{result['one_thread_s']:.2f} s of sleeping in {result['pool_s']:.2f} s")
    timing += (f", up to {result['most_at_once']} tasks at once." if verdict_ == OVERLAPPED
               else ": one task at a time, as a single thread would.")
    retry = ("try falling durations" if result["durations"] == RISING
             else "try more workers")
    if result["mode"] == MAP:
        how = f"executor.map handed the results back in submission order ({order})"
        if result["finish_order"] != result["result_order"]:
            how += ", though the tasks finished in another order: main waited for task 1 first."
        else:
            how += f": here they also finished in that order; {retry} to see map hold " \
                   "finished results back."
    else:
        how = f"as_completed handed each result back as soon as it was ready ({order})"
        how += "." if result["result_order"] != sorted(result["result_order"]) else (
            f", which here is also the submission order; {retry}.")
    return f"{how} {timing}"


LESSON = Lesson(
    id="thread-pool",
    title="ThreadPoolExecutor",
    chapter=EXECUTORS,
    blurb="Hand tasks to a pool of a few threads: see which thread ran which task, and "
          "in which order main gets the results.",
    params=(TASKS, WORKERS, UNIT, DURATIONS, MODE),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    workload=(task, collect_in_order, collect_as_completed, run),
)
