"""Run a lesson headless with quick settings and hand back its result and log."""

from __future__ import annotations

import threading
import time
from typing import Any

from gilviz.core.runner import RunResult, execute
from gilviz.core.telemetry import Probe, Snapshot
from gilviz.demos import REGISTRY

FAST = {"interval_s": 0.02}  # for the lessons that have this knob


def run_lesson(lesson_id: str, **params: Any) -> tuple[RunResult, Snapshot]:
    lesson = REGISTRY.get(lesson_id)
    knobs = {spec.name for spec in lesson.params}
    fast = {name: value for name, value in FAST.items() if name in knobs}
    probe = Probe()
    outcome = execute(lesson, {**fast, **params}, probe)
    assert outcome.error is None, outcome.error
    return outcome, probe.snapshot()


def run_and_stop(lesson_id: str, params: dict[str, Any],
                 after_s: float = 0.3) -> tuple[RunResult, Probe, float]:
    """Run a lesson, press Stop after `after_s`, and return the result, its probe and the
    seconds from the moment Stop was pressed to the run's end."""
    probe = Probe()
    stopped_at: list[float] = []

    def stop() -> None:
        stopped_at.append(time.perf_counter())
        probe.stop.set()

    timer = threading.Timer(after_s, stop)
    timer.start()
    outcome = execute(REGISTRY.get(lesson_id), params, probe)
    ended = time.perf_counter()
    timer.join()
    return outcome, probe, ended - stopped_at[0]


# Calibration measured in the same test: what this machine lets two processes reach
# right now. Other load lowers a lesson's speedup and this alike, so a fidelity test
# compares the two instead of holding a lesson to a fixed number.

def _hash_buffers(count: int, mib: int, go: Any, ends: Any, slot: int) -> None:
    import hashlib

    buffer = bytes(range(256)) * (mib * 4096)
    go.wait()
    for _ in range(count):
        hashlib.sha256(buffer).digest()
    ends[slot] = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes


def _spin(count: int, _mib: int, go: Any, ends: Any, slot: int) -> None:
    go.wait()
    total = 0
    for i in range(count):
        total += i * i % 7
    ends[slot] = time.perf_counter()


WORKS = {"hash": _hash_buffers, "spin": _spin}


def process_speedup(work: str, count: int, mib: int = 4, parts: int = 2) -> float:
    """`count` units of `work` in one process, then split over `parts` processes started
    beforehand: how much faster the split ran (start-up excluded)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    target = WORKS[work]

    def timed(shares: list[int]) -> float:
        go, ends = ctx.Event(), ctx.Array("d", len(shares))
        procs = [ctx.Process(target=target, args=(n, mib, go, ends, i))
                 for i, n in enumerate(shares)]
        for proc in procs:
            proc.start()
        time.sleep(1.0)  # every child has started and waits for go
        began = time.perf_counter()
        go.set()
        for proc in procs:
            proc.join(120)
        return max(ends[:]) - began

    alone = timed([count])
    split = timed([count // parts] * parts)
    return alone / split
