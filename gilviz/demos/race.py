"""Lesson: threads that read, then write a shared counter lose each other's increments."""

from __future__ import annotations

import contextlib
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from gilviz.core.host_facts import interpreter_facts
from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, FloatParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.core.verdict import STOPPED
from gilviz.demos import interleaving
from gilviz.demos.chapters import RACES
from gilviz.demos.common import MAIN, start_and_join, workers

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
    "forced: read into tmp, sleep (see Pause), write tmp + 1, so a switch lands in "
    "between; plain: counter += 1, which a build with a GIL rarely interrupts mid-update "
    "(a free-threaded build often does)",
    choices=(FORCED, PLAIN),
    choice_labels=("forced: read, sleep, write", "plain: counter += 1"),
)
PAUSE = FloatParam(
    "pause_ms", "Pause (slow motion)",
    "How long each forced increment sleeps between its read and its write: "
    "time.sleep(pause). 0 is the lecture's sleep(0) (4 x 10,000 done in under a second); "
    "0.2 ms stretches the race over a few seconds so the room can watch the counter "
    "climb, and loses just as many updates",
    default_value=0.2, minimum=0.0, maximum=5.0, unit="ms", shown_when=("variant", FORCED),
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


def increment(probe: Probe, iterations: int, pause: float) -> None:
    global counter
    me = probe.lane(reuse=True)
    for batch in me.batches(iterations, FORCED_BATCH):  # counts progress, honours Stop
        for _ in range(batch):
            tmp = counter
            time.sleep(pause)  # the lecture's sleep(0): another thread may run right here
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
    start_and_join(probe, work, threads, iterations, *extra)
    return counter


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    threads, iterations = params["threads"], params["iterations"]
    work = increment if params["variant"] == FORCED else increment_plain
    pause = params["pause_ms"] / 1000
    extra = (pause,) if work is increment else ()  # a plain += has no pause
    trace: list[tuple[str, str, int]] | None = [] if records_replay(params) else None
    trials: list[tuple[int, int]] = []  # (increments done, final counter) per trial
    cut_short: tuple[int, int] | None = None  # the same for a trial Stop interrupted
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
                actual = race_once(probe, increment_recorded, threads, iterations, pause,
                                   trace, together)
            else:
                actual = race_once(probe, work, threads, iterations, *extra)
            done = sum(lane.count for lane in workers(probe.snapshot()))
            main.say(f"trial {trial + 1}: counter = {actual:,} after {done:,} increments")
            if stop.is_set():
                cut_short = (done, actual)  # shown as the last numbers, not as a trial
                break
            trials.append((done, actual))
    finally:
        sys.setswitchinterval(previous)
        main.finish()
    result = summarise(params, trials, trace, cut_short)
    result["stopped"] = stop.is_set()
    return {**result, "verdict": verdict(result)}


def increment_recorded(probe: Probe, iterations: int, pause: float,
                       trace: list[tuple[str, str, int]], together: threading.Barrier) -> None:
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
            time.sleep(pause)
            counter = tmp + 1
            trace.append((me.name, interleaving.WRITE, tmp + 1))


def read_counter() -> int:
    return counter


def records_replay(params: dict[str, Any]) -> bool:
    """Small forced runs record their first trial step by step (never the default run)."""
    return (params["variant"] == FORCED
            and params["threads"] * params["iterations"] <= REPLAY_LIMIT)


def summarise(params: dict[str, Any], trials: list[tuple[int, int]],
              trace: list[tuple[str, str, int]] | None,
              cut_short: tuple[int, int] | None = None) -> dict[str, Any]:
    """The last trial's numbers (a trial Stop cut short counts here, as far as it got),
    and with several trials the loss of each one that ran to its end."""
    done, actual = cut_short or (trials[-1] if trials else (0, 0))
    lost = done - actual
    result: dict[str, Any] = {
        "variant": params["variant"],
        "threads": params["threads"],
        "iterations": params["iterations"],
        "switch_interval_ms": params["switch_interval_ms"],
        "pause_ms": params["pause_ms"] if params["variant"] == FORCED else None,
        **interpreter_facts(),
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


# Verdicts: lost-updates (the counter ended below the increments done, in the last trial
# or any earlier one), exact (every update arrived, in every trial), stopped (cut short:
# the numbers are what had happened by then).
LOST_UPDATES = "lost-updates"
EXACT = "exact"


def verdict(result: dict[str, Any]) -> str:
    if result.get("stopped"):
        return STOPPED
    return LOST_UPDATES if result["lost"] or result["trials_with_loss"] else EXACT


def takeaway(result: dict[str, Any]) -> str:
    expected, actual, lost = result["expected"], result["actual"], result["lost"]
    runs, with_loss = result["trials_run"], result["trials_with_loss"]
    trials = f" Lost updates in {with_loss} of {runs} trials." if runs > 1 else ""
    plain, gil = result["variant"] == PLAIN, result["gil_enabled"]
    verdict_ = verdict(result)
    if verdict_ == STOPPED:
        return (f"Stopped after {expected:,} increments: the counter read {actual:,}, so "
                f"{lost:,} updates were lost by then.")
    if result["threads"] == 1:
        return f"One thread alone counted {actual:,} of {expected:,}: nothing can interleave."
    if verdict_ == EXACT and plain and gil:
        return (f"counter += 1 lost nothing here ({actual:,} of {expected:,}, "
                f"{runs} trial{'s' if runs > 1 else ''}, Python {result['python']}). "
                "Threads switch only at certain points between bytecodes (a loop's jump "
                "back, a call), and since 3.10 the read, add and write of += on a global "
                "sit between two of them. To provoke it, try a smaller switch interval, "
                "more iterations or more threads (it may still stay exact); the forced "
                "variant's sleep between read and write opens the gap every time.")
    if verdict_ == EXACT and plain:
        return (f"counter += 1 lost nothing this time ({actual:,} of {expected:,}), although "
                "this interpreter runs without a GIL and the threads really ran at once: "
                "the race is there, it just did not strike. Run it again or with more "
                "iterations; only a Lock makes it exact every time.")
    if verdict_ == EXACT:
        return (f"No update lost this time ({actual:,} of {expected:,}).{trials} A race is "
                "about what can happen: run it again, or with more threads.")
    if not plain:
        how = ("a thread that slept between its read and its write let the others read the "
               "same old value")
    elif gil:
        how = "+= is a read, an add and a write, and a switch landed in between"
    else:
        how = ("this interpreter runs without a GIL: the threads ran at the same time on "
               "different cores, two read the same value and both wrote it back plus one. "
               "Only a Lock makes the counter exact, GIL or not")
    return (f"The counter reached {actual:,}, not {expected:,}: {lost:,} updates "
            f"({result['lost_pct']:.1f}%) were lost because {how}.{trials}")


LESSON = Lesson(
    id="race",
    title="Race condition",
    chapter=RACES,
    blurb="Several threads add one to a shared counter; watch it fall short of the total.",
    params=(THREADS, ITERATIONS, VARIANT, PAUSE, TRIALS, SWITCH_INTERVAL),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    workload=(increment, increment_plain, race_once, run, increment_recorded),
    prefers_isolated=True,
)
