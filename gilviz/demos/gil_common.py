"""The measurement every GIL lesson shares: the same work done by main alone, then split
over N threads, timed both ways; optionally for 1, 2, 4, ... N threads (a sweep), and
repeated for a few trials.

Only phases that ran to their end count: a phase cut short by Stop is dropped, so a
stopped run never reports a speed-up for threads that did not finish (or never ran).
Besides the times, each threaded phase notes how many cores the process used meanwhile
(its CPU time over the wall time), and the run notes how busy other programs kept the
machine; the lesson's verdict weighs both with what the interpreter is.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gilviz.core.cpu_load import OthersCpu
from gilviz.core.host_facts import cores_available, interpreter_facts
from gilviz.core.params import ChoiceParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.verdict import (
    INCONCLUSIVE,
    PARALLEL,
    PARALLEL_CORES_MIN,
    STOPPED,
    busy_reason,
    is_busy,
    others_note,
    repeats_disagree,
    speed_class,
    too_short,
    too_short_reason,
)
from gilviz.demos.common import MAIN

__all__ = ["SWEEP", "THREADS", "TRIALS", "assess", "compare", "cores_available", "shares",
           "thread_counts"]

Worker = Callable[[Lane, StopToken, int], None]  # does `units` of work, ticking its lane

THREADS = IntParam(
    "threads", "Threads", "How many threads share the work",
    default_value=4, minimum=1, maximum=64,
)
SWEEP = ChoiceParam(
    "sweep", "Sweep",
    "Also time 1, 2, 4, ... threads up to the chosen count and chart the speedup",
    choices=("off", "on"), choice_labels=("one thread count", "1, 2, 4, ... threads"),
)
TRIALS = IntParam(
    "trials", "Trials",
    "Time everything this many times: the medians count, and trials that disagree make "
    "the verdict inconclusive",
    default_value=1, minimum=1, maximum=10,
)

# What the work needs to run in parallel on threads (assess() weighs it).
PURE_PYTHON = "pure-python"  # bytecode throughout: needs the GIL off, and cores
RELEASES_GIL = "releases-gil"  # C code that lets go of the GIL: needs cores
WAITING = "waiting"  # sleeps: waits overlap on any build, on any number of cores


def shares(total: int, parts: int) -> list[int]:
    """`total` units split as evenly as whole numbers allow."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def thread_counts(up_to: int) -> list[int]:
    counts = [1]
    while counts[-1] * 2 < up_to:
        counts.append(counts[-1] * 2)
    return [*counts, up_to] if counts[-1] != up_to else counts


def _work_in_own_lane(probe: Probe, worker: Worker, units: int) -> None:
    lane = probe.lane(reuse=True)  # a later trial's thread takes over its row
    lane.total = units
    lane.run()
    try:
        worker(lane, probe.stop, units)
    finally:
        lane.finish()


@dataclass(frozen=True)
class Timing:
    seconds: float
    cpu_s: float  # CPU time this process used meanwhile, all its threads together

    @property
    def cores_used(self) -> float:
        return self.cpu_s / self.seconds if self.seconds > 0 else 0.0


def timed(phase: Callable[[], None], stop: StopToken) -> Timing | None:
    """Wall and CPU time of one phase; None if Stop cut it short."""
    cpu, wall = time.process_time(), time.perf_counter()
    phase()
    timing = Timing(time.perf_counter() - wall, time.process_time() - cpu)
    return None if stop.is_set() else timing


def time_sequential(probe: Probe, worker: Worker, total: int, parts: int) -> None:
    """Main does every share itself, one after another."""
    main = probe.lane(MAIN)
    main.total = total
    main.run()
    for units in shares(total, parts):
        worker(main, probe.stop, units)


def time_threaded(probe: Probe, worker: Worker, total: int, parts: int, label: str) -> None:
    """One thread per share, all started, then all joined."""
    threads = [
        threading.Thread(target=_work_in_own_lane, args=(probe, worker, units),
                         name=f"{label}{i + 1}")
        for i, units in enumerate(shares(total, parts))
    ]
    main = probe.lane(MAIN)
    for thread in threads:
        thread.start()
    with main.blocked("join"):
        for thread in threads:
            thread.join()


def compare(probe: Probe, worker: Worker, total: int, params: dict[str, Any]) -> dict[str, Any]:
    """Sequential vs threaded timings (and the sweep, and the trials) as the result."""
    threads, trials, stop = params["threads"], params.get("trials", 1), probe.stop
    sweep_on = params["sweep"] == "on"
    counts = thread_counts(threads) if sweep_on else [threads]
    main = probe.lane(MAIN)
    sequential: list[Timing] = []
    threaded: dict[int, list[Timing]] = {count: [] for count in counts}
    sweep: list[dict[str, Any]] = []
    probe.watch("sweep", lambda: list(sweep))  # the chart draws the points as they come
    others = OthersCpu()
    for trial in range(trials):
        if stop.is_set():
            break
        round_ = f" (trial {trial + 1} of {trials})" if trials > 1 else ""
        main.say(f"main does all {total:,} units alone{round_}")
        alone = timed(lambda: time_sequential(probe, worker, total, threads), stop)
        if alone is None:
            break
        sequential.append(alone)
        main.say(f"alone: {alone.seconds:.3f} s")
        for count in counts:
            if stop.is_set():
                break
            main.say(f"now {count} thread(s) share the same work")
            label = f"{count}T·" if sweep_on else "Thread-"
            together = timed(
                lambda count=count, label=label: time_threaded(probe, worker, total, count,
                                                               label), stop)
            if together is None:
                break  # cut short: not a measurement, so no point for it
            threaded[count].append(together)
            sweep[:] = sweep_points(sequential, threaded)
            main.say(f"{count} thread(s): {together.seconds:.3f} s, speedup "
                     f"{alone.seconds / together.seconds:.2f}x")
    main.finish()
    result = summarise(params, total, sequential, threaded[threads], others.percent(),
                       stop.is_set())
    if sweep_on:
        result["sweep"] = sweep_points(sequential, threaded)
    return result


def _median_s(timings: list[Timing]) -> float:
    return statistics.median(t.seconds for t in timings)


def sweep_points(sequential: list[Timing], threaded: dict[int, list[Timing]]
                 ) -> list[dict[str, Any]]:
    """One point per thread count measured to its end: none for the others."""
    if not sequential:
        return []
    alone = _median_s(sequential)
    return [{"threads": count, "threaded_s": round(_median_s(timings), 4),
             "speedup": round(alone / _median_s(timings), 3)}
            for count, timings in threaded.items() if timings]


def summarise(params: dict[str, Any], total: int, sequential: list[Timing],
              threaded: list[Timing], others_pct: float | None, stopped: bool
              ) -> dict[str, Any]:
    """The chosen thread count's numbers; None for what was not measured."""
    alone = _median_s(sequential) if sequential else None
    together = _median_s(threaded) if threaded else None
    result: dict[str, Any] = {
        "threads": params["threads"],
        "work_units": total,
        "sequential_s": None if alone is None else round(alone, 4),
        "threaded_s": None if together is None else round(together, 4),
        "speedup": round(alone / together, 3) if alone and together else None,
        "threaded_cpu_cores": round(statistics.median(t.cores_used for t in threaded), 2)
        if threaded else None,
        **interpreter_facts(),
        "others_cpu_pct": others_pct,
        "stopped": stopped,
    }
    if params.get("trials", 1) > 1:
        result["trials"] = params["trials"]
        result["speedups"] = [round(a.seconds / t.seconds, 3)
                              for a, t in zip(sequential, threaded, strict=False)]
    return result


def assess(result: dict[str, Any], work: str) -> tuple[str, str]:
    """The verdict for a GIL lesson's result, and why (a short reason key the lesson's
    sentence explains): "" for a plain reading of the number; "stopped"; "disagree"
    (trials in different classes); "one-thread", "one-core" (a gain nothing could
    cause); "gil" (pure-Python threads faster on a build with the GIL on); "cores-unused"
    (faster, but the threads used about one core); "busy" (other programs' load);
    "too-short" (a timing too short to trust)."""
    ratio = result.get("speedup")
    if result.get("stopped") or ratio is None:
        return STOPPED, "stopped"
    if repeats_disagree(result.get("speedups") or []):
        return INCONCLUSIVE, "disagree"
    if too_short(max(result["sequential_s"], result["threaded_s"])):
        return INCONCLUSIVE, "too-short"
    measured = speed_class(ratio)
    busy = is_busy(result.get("others_cpu_pct"))
    if measured != PARALLEL:
        return (INCONCLUSIVE, "busy") if busy else (measured, "")
    if result["threads"] < 2:
        return INCONCLUSIVE, "one-thread"
    if work != WAITING:
        if result["cores"] < 2:
            return INCONCLUSIVE, "one-core"
        if work == PURE_PYTHON and result["gil_enabled"]:
            return INCONCLUSIVE, "gil"
        if busy:
            return INCONCLUSIVE, "busy"
        used = result.get("threaded_cpu_cores")
        if used is not None and used < PARALLEL_CORES_MIN:
            return INCONCLUSIVE, "cores-unused"
    return PARALLEL, ""


def stopped_sentence(result: dict[str, Any]) -> str:
    """What a stopped run measured, and nothing more."""
    alone, n = result.get("sequential_s"), result["threads"]
    if alone is None:
        return ("Stopped while main was still working alone: no thread count was timed, "
                "so there is no speed-up to show.")
    if result.get("speedup") is not None:
        return (f"Stopped before the last trial ended: so far main alone took {alone:.2f} s "
                f"and {n} threads {result['threaded_s']:.2f} s ({result['speedup']:.2f}x); "
                "a run cut short draws no verdict.")
    done = [p for p in result.get("sweep", []) if p["threads"] != n]
    timed_part = "".join(f"; {p['threads']} thread(s) ran at {p['speedup']:.2f}x"
                         for p in done)
    return (f"Stopped: main alone took {alone:.2f} s{timed_part}; {n} threads never "
            "finished, so no verdict is drawn.")


def doubt(result: dict[str, Any], why: str) -> str:
    """Why an inconclusive number says nothing, as the end of a sentence; a busy machine
    is named whatever the first reason was."""
    others = result.get("others_cpu_pct")
    if why == "busy":
        return f"{busy_reason(others)}."
    if why == "disagree":
        shown = ", ".join(f"{x:.2f}x" for x in result["speedups"])
        return (f"the {len(result['speedups'])} trials disagree ({shown}): the machine's "
                "load changed under them; run again on a quieter machine.")
    if why == "too-short":
        return f"{too_short_reason(max(result['sequential_s'], result['threaded_s']))}."
    if why == "gil":
        return ("this interpreter has a GIL: pure-Python threads take turns, so the "
                f"difference is noise ({others_note(others)}; the CPU may also have changed "
                "its clock speed). Run it again.")
    text = {
        "one-thread": "one thread does what main does, so the difference is noise.",
        "one-core": "with one core nothing can run in parallel: the difference is noise.",
    }.get(why, "threads that used about one core did not run in parallel: the difference "
               "is noise.")
    return text + (f" Also, {busy_reason(others)}." if is_busy(others) else " Run it again.")
