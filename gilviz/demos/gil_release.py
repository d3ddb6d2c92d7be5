"""Lesson: C code that releases the GIL (hashlib on big buffers) runs on several cores."""

from __future__ import annotations

import hashlib
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.verdict import INCONCLUSIVE, NO_GAIN, PARALLEL, STOPPED, faster_or_slower
from gilviz.demos.chapters import GIL
from gilviz.demos.gil_common import (
    RELEASES_GIL,
    SWEEP,
    THREADS,
    TRIALS,
    assess,
    compare,
    doubt,
    stopped_sentence,
)

BUFFERS = IntParam(
    "tasks", "Buffers to hash", "How many buffers to hash in total, shared by the threads",
    default_value=512, minimum=1, maximum=4096,
)
SIZE = IntParam(
    "buffer_mib", "Buffer size (MiB)", "Size of each buffer; hashlib releases the GIL above 2 KiB",
    default_value=4, minimum=1, maximum=64,
)


def make_hasher(buffer: bytes):
    def hash_buffers(lane: Lane, stop: StopToken, count: int) -> None:
        """sha256 runs in C and lets go of the GIL while it hashes a large buffer."""
        for _ in range(count):
            if stop.is_set():
                return
            hashlib.sha256(buffer).digest()
            lane.tick()

    return hash_buffers


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    buffer = bytes(range(256)) * (params["buffer_mib"] * 4096)
    result = compare(probe, make_hasher(buffer), params["tasks"], params)
    return {**result, "verdict": verdict(result)}


def verdict(result: dict[str, Any]) -> str:
    """parallel, no-gain, slower, inconclusive or stopped (gilviz.core.verdict): hashing
    in C can run in parallel on any build, but only on more than one core."""
    return assess(result, RELEASES_GIL)[0]


def takeaway(result: dict[str, Any]) -> str:
    verdict_, why = assess(result, RELEASES_GIL)
    if verdict_ == STOPPED:
        return stopped_sentence(result)
    n, r, cores = result["threads"], result["speedup"], result["cores"]
    times = f"{result['threaded_s']:.2f} s against {result['sequential_s']:.2f} s for main alone"
    used = result.get("threaded_cpu_cores")
    on_cores = f", using {used:.1f} of {cores} cores" if used is not None else ""
    if verdict_ == PARALLEL:
        return (f"{n} threads hashed {faster_or_slower(r)} than main alone ("
                f"{times}{on_cores}): while sha256 runs in C it lets go of the GIL, so the "
                f"threads hashed in parallel, up to the {cores} cores.")
    if verdict_ == INCONCLUSIVE:
        return (f"{n} thread{'s' if n != 1 else ''} hashed at {r:.2f}x the speed of main "
                f"alone{on_cores}, but {doubt(result, why)}")
    if n == 1:
        return (f"One thread took {times} ({r:.2f}x): a single thread does the same work "
                "as main, so there is nothing to gain. Try 2 or more threads.")
    if cores < 2:
        return (f"{n} threads took {times} ({r:.2f}x): sha256 lets go of the GIL, but this "
                "process may use only one core, so the threads still take turns.")
    how = "no gain" if verdict_ == NO_GAIN else faster_or_slower(r)
    return (f"{n} threads took {times} ({r:.2f}x, {how}{on_cores}), though sha256 lets go "
            "of the GIL and could use the cores: run it again, and look at the CPU cores "
            "view for another program.")


LESSON = Lesson(
    id="gil-release",
    title="C code that releases the GIL",
    chapter=GIL,
    blurb="hashlib hashes big buffers without the GIL: now threads use every core.",
    params=(THREADS, BUFFERS, SIZE, SWEEP, TRIALS),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    workload=(make_hasher, run),
    prefers_isolated=True,
)
