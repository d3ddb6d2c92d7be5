"""Lesson: threads that read, then write a shared counter lose each other's increments."""

from __future__ import annotations

import contextlib
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, FloatParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.demos import interleaving
from gilviz.demos.chapters import RACES
from gilviz.demos.common import MAIN, workers

# Batches between two looks at the Stop token. A forced increment sleeps (~75 us, far
# longer with many threads queueing for the GIL), a plain one takes ~30 ns.
FORCED_BATCH = 10
PLAIN_BATCH = 1000
# Runs this small (threads x iterations) record every read and write for the replay.
REPLAY_LIMIT = 200

FORCED = "forced"
PLAIN = "plain"

THREADS = IntParam(
    "threads", "Threads", "How many threads add to the shared counter",
    default_value=4, minimum=1, maximum=64,
)
ITERATIONS = IntParam(
    "iterations", "Increments per thread", "How many times each thread adds one",
    default_value=10_000, minimum=1, maximum=1_000_000,
)
VARIANT = ChoiceParam(
    "variant", "Increment",
    "forced: read into tmp, sleep(0), write tmp + 1, so a switch lands in between; "
    "plain: counter += 1, where the interpreter rarely switches mid-update",
    choices=(FORCED, PLAIN),
    choice_labels=("forced: read, sleep(0), write", "plain: counter += 1"),
)
TRIALS = IntParam(
    "trials", "Trials", "Run the whole race this many times and compare the losses",
    default_value=1, minimum=1, maximum=100,
)
SWITCH_INTERVAL = FloatParam(
    "switch_interval_ms", "Switch interval",
    "How long a thread may hold the GIL before it is asked to let another run "
    "(sys.setswitchinterval); applied for this run only",
    default_value=round(sys.getswitchinterval() * 1000, 3), minimum=0.1, maximum=100.0,
    unit="ms",
)

counter = 0  # the shared state every thread reads and writes; reset before each trial


def increment(probe: Probe, iterations: int) -> None:
    global counter
    me = probe.lane(reuse=True)
    for batch in me.batches(iterations, FORCED_BATCH):  # counts progress, honours Stop
        for _ in range(batch):
            tmp = counter
            time.sleep(0)  # give another thread the chance to run right here
            counter = tmp + 1


def increment_plain(probe: Probe, iterations: int) -> None:
    global counter
    me = probe.lane(reuse=True)
    for batch in me.batches(iterations, PLAIN_BATCH):
        for _ in range(batch):
            counter += 1  # read, add, write: three steps, one line


def race_once(probe: Probe, work: Callable[..., None], threads: int, iterations: int,
              *extra: Any) -> int:
    """The lecture's script: start the threads, wait for all of them, read the counter."""
    global counter
    counter = 0
    pool = [threading.Thread(target=work, args=(probe, iterations, *extra),
                             name=f"Thread-{i + 1}") for i in range(threads)]
    for thread in pool:
        thread.start()
    with probe.lane(MAIN).blocked("join"):
        for thread in pool:
            thread.join()
    return counter


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    threads, iterations = params["threads"], params["iterations"]
    work = increment if params["variant"] == FORCED else increment_plain
    trace: list[tuple[str, str, int]] | None = [] if records_replay(params) else None
    trials: list[tuple[int, int]] = []  # (increments done, final counter) per trial
    probe.watch("counter", read_counter)
    probe.watch("expected", lambda: threads * iterations)
    probe.watch("lost_per_trial", lambda: [done - actual for done, actual in trials])
    main = probe.lane(MAIN)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(params["switch_interval_ms"] / 1000)
    try:
        for trial in range(params["trials"]):
            if stop.is_set():
                break
            if trace is not None and trial == 0:
                together = threading.Barrier(threads)
                actual = race_once(probe, increment_recorded, threads, iterations, trace,
                                   together)
            else:
                actual = race_once(probe, work, threads, iterations)
            done = sum(lane.count for lane in workers(probe.snapshot()))
            trials.append((done, actual))
            main.say(f"trial {trial + 1}: counter = {actual:,} after {done:,} increments")
    finally:
        sys.setswitchinterval(previous)
        main.finish()
    return summarise(params, trials, trace)


def increment_recorded(probe: Probe, iterations: int, trace: list[tuple[str, str, int]],
                       together: threading.Barrier) -> None:
    """increment() that also notes each read and write, for the replay of small runs.

    The threads wait for each other before counting: a few dozen increments take a couple
    of milliseconds, about what starting the next thread takes, so without this the first
    thread could be done before the second begins and the replay would show no race."""
    global counter
    me = probe.lane(reuse=True)
    with contextlib.suppress(threading.BrokenBarrierError):  # one failed to start: go on
        together.wait(timeout=1.0)
    for batch in me.batches(iterations, FORCED_BATCH):
        for _ in range(batch):
            tmp = counter
            trace.append((me.name, interleaving.READ, tmp))
            time.sleep(0)
            counter = tmp + 1
            trace.append((me.name, interleaving.WRITE, tmp + 1))


def read_counter() -> int:
    return counter


def records_replay(params: dict[str, Any]) -> bool:
    """Small forced runs record their first trial step by step (never the default run)."""
    return (params["variant"] == FORCED
            and params["threads"] * params["iterations"] <= REPLAY_LIMIT)


def summarise(params: dict[str, Any], trials: list[tuple[int, int]],
              trace: list[tuple[str, str, int]] | None) -> dict[str, Any]:
    """The last trial's numbers, and with several trials the loss of each one."""
    done, actual = trials[-1] if trials else (0, 0)
    lost = done - actual
    result: dict[str, Any] = {
        "variant": params["variant"],
        "threads": params["threads"],
        "iterations": params["iterations"],
        "switch_interval_ms": params["switch_interval_ms"],
        "python": platform.python_version(),
        "expected": done,
        "actual": actual,
        "lost": lost,
        "lost_pct": round(100 * lost / done, 2) if done else 0.0,
        "trials_run": len(trials),
        "trials_with_loss": sum(1 for d, a in trials if a != d),
    }
    if params["trials"] > 1:
        losses = [d - a for d, a in trials]
        result["lost_per_trial"] = losses
        result["actual_per_trial"] = [a for _, a in trials]
        result["lost_median"] = statistics.median(losses) if losses else 0
        result["lost_min"] = min(losses, default=0)
        result["lost_max"] = max(losses, default=0)
    if trace is not None:
        result["replay"] = interleaving.analyse(trace)
    return result


def takeaway(result: dict[str, Any]) -> str:
    expected, actual, lost = result["expected"], result["actual"], result["lost"]
    runs, with_loss = result["trials_run"], result["trials_with_loss"]
    trials = f" Lost updates in {with_loss} of {runs} trials." if runs > 1 else ""
    if result["threads"] == 1:
        return f"One thread alone counted {actual:,} of {expected:,}: nothing can interleave."
    if result["variant"] == PLAIN and with_loss == 0:
        return (f"counter += 1 lost nothing here ({actual:,} of {expected:,}, "
                f"{runs} trial{'s' if runs > 1 else ''}, Python {result['python']}). "
                "Threads switch only at certain points between bytecodes (a loop's jump "
                "back, a call), and since 3.10 the read, add and write of += on a global "
                "sit between two of them. To provoke it, try a smaller switch interval, "
                "more iterations or more threads (it may still stay exact); the forced "
                "variant's sleep(0) opens the gap every time.")
    if lost == 0:
        return (f"No update lost this time ({actual:,} of {expected:,}).{trials} A race is "
                "about what can happen: run it again, or with more threads.")
    how = ("a thread that slept between its read and its write let the others read the "
           "same old value" if result["variant"] == FORCED else
           "+= is a read, an add and a write, and a switch landed in between")
    return (f"The counter reached {actual:,}, not {expected:,}: {lost:,} updates "
            f"({result['lost_pct']:.1f}%) were lost because {how}.{trials}")


LESSON = Lesson(
    id="race",
    title="Race condition",
    chapter=RACES,
    blurb="Several threads add one to a shared counter; watch it fall short of the total.",
    params=(THREADS, ITERATIONS, VARIANT, TRIALS, SWITCH_INTERVAL),
    run=run,
    takeaway=takeaway,
    workload=(increment, increment_plain, race_once, run, increment_recorded),
    prefers_isolated=True,
)
