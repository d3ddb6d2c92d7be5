"""Every lesson's verdict and sentence agree with the number, for any number.

Each lesson's verdict and takeaway are plain functions of its result, so these tests
feed them results as a run would produce them (speed ratios from 0.5x to 2.5x, with
the GIL on and off, on a quiet and on a busy machine, one core or two, stopped) and
check what the sentence may and may not say.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from gilviz.core.verdict import (
    GAIN_MIN,
    INCONCLUSIVE,
    NO_GAIN,
    PARALLEL,
    SLOWER,
    SPEED_VERDICTS,
    STOPPED,
    faster_or_slower,
    speed_class,
)
from gilviz.demos import REGISTRY, fetch, switch_interval

RATIOS = (0.5, 0.6, 0.72, 0.79, 0.8, 0.95, 1.0, 1.004, 1.2, 1.29, 1.3, 1.5, 2.01, 2.5)
QUIET, BUSY = 12.0, 140.0
GIL_LESSONS = ("gil-cpu", "gil-io", "gil-release")
# What each lesson's threads need to be faster: (GIL off, more than one core).
NEEDS = {"gil-cpu": (True, True), "gil-release": (False, True), "gil-io": (False, False)}


def says_faster_below_one(text: str, ratio: float) -> bool:
    return round(ratio, 2) < 1 and "faster" in text


def claims_parallel(text: str) -> bool:
    return bool(re.search(r"ran in parallel|hashed in parallel|waits overlapped", text))


def gil_result(ratio: float, *, threads: int = 4, gil: bool = True, others: float = QUIET,
               cores: int = 2, used: float | None = None, stopped: bool = False,
               speedups: list[float] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "threads": threads, "work_units": 1000, "sequential_s": 1.0,
        "threaded_s": round(1.0 / ratio, 4), "speedup": ratio,
        "threaded_cpu_cores": used, "python": "3.13.5", "free_threaded": not gil,
        "gil_enabled": gil, "cores": cores, "others_cpu_pct": others, "stopped": stopped,
    }
    if speedups:
        result["trials"], result["speedups"] = len(speedups), speedups
    return result


def cores_used(lesson_id: str, gil: bool, threads: int, cores: int) -> float:
    """What the kernel would report for the threaded phase."""
    if lesson_id == "gil-io":
        return 0.02
    if lesson_id == "gil-cpu" and gil:
        return 1.0
    return 0.95 * min(threads, cores)


def judge(lesson_id: str, result: dict[str, Any]) -> tuple[str, str]:
    lesson = REGISTRY.get(lesson_id)
    return lesson.verdict(result), lesson.takeaway(result)


def test_the_shared_phrasing_never_calls_a_loss_faster():
    assert faster_or_slower(1.7) == "1.70x faster"
    assert faster_or_slower(0.6) == "1.67x slower"
    assert faster_or_slower(0.996) == faster_or_slower(1.004) == "just as fast"
    assert [speed_class(r) for r in (0.79, 0.8, 1.29, 1.3)] == [
        SLOWER, NO_GAIN, NO_GAIN, PARALLEL]


@pytest.mark.parametrize("lesson_id", GIL_LESSONS)
@pytest.mark.parametrize("gil", [True, False], ids=["gil", "no-gil"])
@pytest.mark.parametrize("others", [QUIET, BUSY, None], ids=["quiet", "busy", "unknown"])
@pytest.mark.parametrize("threads", [1, 2, 4])
@pytest.mark.parametrize("cores", [1, 2])
def test_gil_lessons_say_what_their_number_shows(lesson_id, gil, others, threads, cores):
    for ratio in RATIOS:
        result = gil_result(ratio, threads=threads, gil=gil, others=others, cores=cores,
                            used=cores_used(lesson_id, gil, threads, cores))
        verdict, text = judge(lesson_id, result)
        case = (ratio, verdict, text)
        assert verdict in SPEED_VERDICTS, case
        assert f"{ratio:.2f}x" in text, case
        assert not says_faster_below_one(text, ratio), case
        assert (verdict == PARALLEL) == claims_parallel(text), case
        needs_no_gil, needs_cores = NEEDS[lesson_id]
        possible = (threads > 1 and not (needs_no_gil and gil)
                    and not (needs_cores and cores < 2))
        if verdict == PARALLEL:
            assert ratio >= GAIN_MIN and possible, case
        busy = others == BUSY
        if ratio < GAIN_MIN:
            assert verdict == (INCONCLUSIVE if busy else speed_class(ratio)), case
        elif not possible or (busy and lesson_id != "gil-io"):
            assert verdict == INCONCLUSIVE, case
        else:
            assert verdict == PARALLEL, case
        if verdict == INCONCLUSIVE and busy:  # the load is named, whatever else is wrong
            assert "other programs used 140% CPU" in text, case
            if possible:
                assert "quieter machine" in text, case


def test_pure_python_threads_are_never_parallel_with_the_gil():
    # The failure measured on 3.11: "2 threads ran at 2.01x: ... in parallel".
    verdict, text = judge("gil-cpu", gil_result(2.01, threads=2, used=1.0))
    assert verdict == INCONCLUSIVE
    assert "2.01x" in text and "has a GIL" in text and "noise" in text
    # Only without the GIL do the same numbers mean parallel threads.
    verdict, text = judge("gil-cpu", gil_result(1.94, threads=2, gil=False, used=1.9))
    assert verdict == PARALLEL and "without a GIL" in text and "1.94x faster" in text


def test_a_faster_ratio_on_one_core_of_cpu_is_noise():
    verdict, _ = judge("gil-release", gil_result(1.8, threads=2, used=0.98))
    assert verdict == INCONCLUSIVE  # faster, yet the threads kept only one core busy


def test_gil_release_no_longer_claims_parallel_at_0_72x():
    # The failure measured: "2 threads hashed 0.72x faster ... really run in parallel".
    verdict, text = judge("gil-release", gil_result(0.72, threads=2, used=1.1))
    assert verdict == SLOWER
    assert "0.72x" in text and "1.39x slower" in text and "faster" not in text
    assert not claims_parallel(text)


@pytest.mark.parametrize("lesson_id", GIL_LESSONS)
def test_trials_that_disagree_are_inconclusive(lesson_id):
    result = gil_result(1.1, threads=2, gil=False, used=1.5, speedups=[0.9, 1.1, 1.6])
    verdict, text = judge(lesson_id, result)
    assert verdict == INCONCLUSIVE and "trials disagree" in text and "1.60x" in text
    agreeing = gil_result(1.0, threads=2, used=1.0, speedups=[0.97, 1.0, 1.03])
    assert judge(lesson_id, agreeing)[0] == NO_GAIN


@pytest.mark.parametrize("lesson_id", GIL_LESSONS)
def test_timings_too_short_to_trust_are_inconclusive(lesson_id):
    result = {**gil_result(2.0, threads=2, gil=False, used=1.9), "sequential_s": 0.02,
              "threaded_s": 0.01}
    verdict, text = judge(lesson_id, result)
    assert verdict == INCONCLUSIVE and "too short" in text


@pytest.mark.parametrize("lesson_id", GIL_LESSONS)
def test_a_stopped_gil_run_claims_nothing(lesson_id):
    lesson = REGISTRY.get(lesson_id)
    # Stopped while main still worked alone: nothing but "stopped".
    nothing = {**gil_result(1.0, stopped=True), "sequential_s": None, "threaded_s": None,
               "speedup": None, "sweep": []}
    assert lesson.verdict(nothing) == STOPPED
    text = lesson.conclusion(nothing, stopped=True)
    assert text.startswith("Stopped") and "no thread count was timed" in text
    assert not re.search(r"\d\.\d\dx", text)  # no ratio at all
    # Stopped in a sweep after 1 and 2 threads: those points only, never a "best" of 4.
    partial = {**nothing, "threads": 4, "sequential_s": 1.0,
               "sweep": [{"threads": 1, "threaded_s": 1.0, "speedup": 1.0},
                         {"threads": 2, "threaded_s": 1.02, "speedup": 0.98}]}
    text = lesson.conclusion(partial, stopped=True)
    assert "1 thread(s) ran at 1.00x" in text and "2 thread(s) ran at 0.98x" in text
    assert "4 threads never finished" in text and "faster" not in text


PVT_CASES = list(itertools.product(RATIOS, ("cpu", "io"), (True, False), (QUIET, BUSY),
                                   (1, 4), (1, 2)))


@pytest.mark.parametrize(("ratio", "work", "gil", "others", "workers", "cores"), PVT_CASES)
def test_process_vs_thread_says_what_the_ratio_shows(ratio, work, gil, others, workers,
                                                      cores):
    result = {"work": work, "workers": workers, "tasks": 8, "cores": cores,
              "thread_s": 1.0, "process_s": round(1 / ratio, 4), "process_speedup": ratio,
              "thread_cpu_cores": 0.02 if work == "io" else 1.0 if gil else min(workers, cores),
              "process_startup_s": 0.3, "gil_enabled": gil, "free_threaded": not gil,
              "others_cpu_pct": others, "stopped": False}
    verdict, text = judge("process-vs-thread", result)
    case = (verdict, text)
    assert verdict in SPEED_VERDICTS
    assert f"{ratio:.2f}x" in text and not says_faster_below_one(text, ratio), case
    assert "only 0.6x faster" not in text
    if verdict == PARALLEL:
        assert work == "cpu" and min(workers, cores) >= 2 and others == QUIET, case
    if work == "io" and ratio >= GAIN_MIN:
        assert verdict == INCONCLUSIVE, case  # processes cannot wait faster than threads
    if others == BUSY:
        assert verdict == INCONCLUSIVE and "140% CPU" in text, case
    elif verdict == NO_GAIN and work == "cpu" and not gil and min(workers, cores) >= 2:
        assert "without a GIL" in text and "thread pool ran in parallel too" in text, case


def test_process_vs_thread_stopped_draws_no_comparison():
    result = {"work": "cpu", "workers": 4, "cores": 2, "thread_s": 1.2, "process_s": None,
              "process_speedup": None, "gil_enabled": True, "stopped": True}
    lesson = REGISTRY.get("process-vs-thread")
    assert lesson.verdict(result) == STOPPED
    text = lesson.conclusion(result, stopped=True)
    assert "thread pool took 1.20 s" in text and "no comparison" in text


def fetch_result(threads_ratio: float, pool_ratio: float, *, latency: float = 0.5,
                 workers: int = 4, others: float = QUIET, sequential: float = 3.5
                 ) -> dict[str, Any]:
    urls = [{"url": f"http://127.0.0.1/{i}", "status": 200, "bytes": 10, "seconds": 0.5,
             "error": None} for i in range(7)]
    return {"source": "local", "workers": workers, "latency_s": latency,
            "strategies": {"sequential": sequential, "threads": sequential / threads_ratio,
                           "pool": sequential / pool_ratio},
            "speedup": {"threads": threads_ratio, "pool": pool_ratio},
            "fetched": 7, "failed": 0, "urls": urls, "per_strategy": [],
            "others_cpu_pct": others, "stopped": False}


@pytest.mark.parametrize("others", [QUIET, BUSY])
@pytest.mark.parametrize("latency", [0.0, 0.5])
def test_fetch_says_the_waits_overlapped_only_when_they_did(others, latency):
    for ratio in RATIOS:
        verdict, text = judge("fetch", fetch_result(ratio, ratio, latency=latency,
                                                    others=others))
        case = (ratio, verdict, text)
        assert f"{ratio:.2f}x" in text and "faster" not in text, case
        assert (verdict == PARALLEL) == ("waits overlapped" in text), case
        assert (verdict == PARALLEL) == (ratio >= GAIN_MIN), case
        if verdict in (NO_GAIN, SLOWER) and latency == 0:
            assert "no latency" in text, case
    # The failure measured: "so the waits overlap" at 0.8x with no latency.
    verdict, text = judge("fetch", fetch_result(0.8, 0.85, latency=0.0))
    assert verdict == NO_GAIN and "waits overlap" not in text and "0.80x" in text


def test_fetch_verdicts_for_disagreement_short_runs_and_no_network():
    assert judge("fetch", fetch_result(3.0, 0.9))[0] == INCONCLUSIVE
    assert judge("fetch", fetch_result(3.0, 1.0, workers=1))[0] == PARALLEL  # a pool of 1
    verdict, text = judge("fetch", fetch_result(2.0, 2.0, sequential=0.04))
    assert verdict == INCONCLUSIVE and "too short" in text
    offline = fetch_result(1.0, 1.0)
    offline["urls"] = [{**row, "status": None, "error": fetch.UNRESOLVED}
                       for row in offline["urls"]]
    offline["fetched"] = 0
    assert judge("fetch", offline)[0] == fetch.OFFLINE


def interval_rows(short_spread: float, long_spread: float, short_s: float, long_s: float
                  ) -> list[dict[str, Any]]:
    rows = []
    for ms, spread, total in ((0.1, short_spread, short_s), (100.0, long_spread, long_s)):
        rows.append({"switch_interval_ms": ms, "total_s": total,
                     "first_done_s": round(total * (1 - spread), 4), "last_done_s": total,
                     "finish_spread": spread, "handovers": 0, "longest_wait_ms": 0.0})
    return rows


@pytest.mark.parametrize("gil", [True, False])
@pytest.mark.parametrize("others", [QUIET, BUSY])
def test_switch_interval_says_together_and_hardly_only_when_true(gil, others):
    for short, long, short_s, long_s in itertools.product(
            (0.02, 0.1, 0.2, 0.47), (0.05, 0.3, 0.66), (1.0,), (0.95, 1.05, 1.28)):
        result = {"threads": 4, "intervals": interval_rows(short, long, short_s, long_s),
                  "gil_enabled": gil, "others_cpu_pct": others, "stopped": False}
        verdict, text = judge("switch-interval", result)
        case = (short, long, long_s, verdict, text)
        assert "spread 47%" not in text
        if not gil:
            assert verdict == switch_interval.NO_GIL and "without a GIL" in text, case
        elif others == BUSY:
            assert verdict == INCONCLUSIVE and "140% CPU" in text, case
        assert ("finished together" in text) == (min(short, long) <= 0.10), case
        if verdict not in (INCONCLUSIVE,):
            assert ("hardly moved" in text) == (abs(long_s / short_s - 1) <= 0.10), case
        if verdict == switch_interval.FAIR_WHEN_SHORT:
            assert long - short >= 0.15, case
    # The failure measured: "Total time hardly moves: 1.00 s vs 1.28 s".
    result = {"threads": 4, "intervals": interval_rows(0.02, 0.66, 1.0, 1.28),
              "gil_enabled": True, "others_cpu_pct": QUIET, "stopped": False}
    text = REGISTRY.get("switch-interval").takeaway(result)
    assert "hardly" not in text and "1.00 s at 0.1 ms and 1.28 s at 100 ms" in text


def race_result(*, variant: str, lost: int, gil: bool, threads: int = 4,
                stopped: bool = False) -> dict[str, Any]:
    return {"variant": variant, "threads": threads, "iterations": 10_000,
            "switch_interval_ms": 5.0, "pause_ms": 0.2, "python": "3.13.5",
            "free_threaded": not gil, "gil_enabled": gil, "cores": 2, "expected": 40_000,
            "actual": 40_000 - lost, "lost": lost, "lost_pct": round(100 * lost / 40_000, 2),
            "trials_run": 1, "trials_with_loss": int(lost > 0), "stopped": stopped}


@pytest.mark.parametrize("variant", ["forced", "plain"])
@pytest.mark.parametrize("gil", [True, False])
@pytest.mark.parametrize("lost", [0, 1, 29_998])
def test_race_verdict_follows_the_count(variant, gil, lost):
    result = race_result(variant=variant, lost=lost, gil=gil)
    verdict, text = judge("race", result)
    assert verdict == ("lost-updates" if lost else "exact")
    assert f"{result['actual']:,}" in text
    if lost:
        assert f"{lost:,} updates" in text
    else:
        assert "were lost" not in text
    if variant == "plain" and not gil:
        assert "without a GIL" in text
        if lost:
            assert "Only a Lock makes the counter exact" in text
    if gil and variant == "plain" and lost == 0:
        assert "lost nothing" in text


@pytest.mark.parametrize("gil", [True, False])
def test_lock_is_exact_on_every_build(gil):
    result = {"granularity": "whole-loop", "threads": 4, "iterations": 10_000,
              "expected": 40_000, "actual": 40_000, "lost": 0, "lost_pct": 0.0,
              "running_at_once": 1, "whole_loop_s": 3.0, "race_s": 0.9,
              "race_actual": 10_002, "race_lost": 29_998, "gil_enabled": gil,
              "stopped": False}
    verdict, text = judge("lock", result)
    assert verdict == "exact" and "40,000 of 40,000" in text and "29,998" in text
    assert ("without a GIL" in text) == (not gil)
    stopped = {**result, "stopped": True, "expected": 12_000, "actual": 12_000}
    del stopped["whole_loop_s"]
    assert REGISTRY.get("lock").verdict(stopped) == STOPPED
    assert REGISTRY.get("lock").conclusion(stopped, stopped=True).startswith("Stopped")


def test_thread_pool_overlap_is_measured():
    base = {"workers": 3, "mode": "map", "durations": "rising", "unit_s": 1.0,
            "tasks": [{"task": 1}], "result_order": [1, 2, 3], "finish_order": [1, 2, 3],
            "threads_used": 3, "most_at_once": 3, "pool_s": 3.0, "one_thread_s": 6.0,
            "stopped": False}
    assert judge("thread-pool", base)[0] == "overlapped"
    serial = {**base, "workers": 1, "threads_used": 1, "most_at_once": 1, "pool_s": 6.0}
    verdict, text = judge("thread-pool", serial)
    assert verdict == "one-at-a-time" and "one task at a time" in text


MEASURED = ("race", "lock", "thread-pool", "process-vs-thread", "event", "gil-cpu",
            "gil-io", "gil-release", "switch-interval", "fetch")


@pytest.mark.parametrize("lesson", list(REGISTRY), ids=lambda lesson: lesson.id)
def test_every_lesson_that_measures_has_a_verdict(lesson):
    assert (lesson.verdict is not None) == (lesson.id in MEASURED)


def test_a_stopped_run_without_a_verdict_gets_a_plain_stopped_sentence():
    lesson = REGISTRY.get("thread-join")
    text = lesson.conclusion({"main_said_at_s": 0.1, "worker_ended_at_s": None}, stopped=True)
    assert text.startswith("Stopped") and "no conclusion" in text
    assert lesson.conclusion({}, stopped=False) is None


def test_the_first_lessons_sentences_follow_their_measurements():
    many = {"threads": 4, "count": 5, "interval_s": 0.5, "variant": "together",
            "most_alive_at_once": 4}
    take = REGISTRY.get("many-threads").takeaway
    assert "about one thread's 2.50 s" in take({**many, "workers_wall_s": 2.6})
    assert "about one thread's" not in take({**many, "workers_wall_s": 6.0})
    assert "hardly overlapped" in take({**many, "workers_wall_s": 9.9})
    start = {"main_said_at_s": 0.3, "main_ended_at_s": 0.3, "worker_ended_at_s": 0.01,
             "worker_messages": 1, "main_before_worker_end": False}
    assert "does not wait" not in REGISTRY.get("thread-start").takeaway(start)
