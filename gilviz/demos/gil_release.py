"""Lesson: C code that releases the GIL (hashlib on big buffers) runs on several cores."""

from __future__ import annotations

import hashlib
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.demos.chapters import GIL
from gilviz.demos.gil_common import SWEEP, THREADS, compare

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
    return compare(probe, make_hasher(buffer), params["tasks"], params)


def takeaway(result: dict[str, Any]) -> str:
    return (f"{result['threads']} threads hashed {result['speedup']:.2f}x faster on "
            f"{result['cores']} cores: while sha256 runs in C the GIL is free, so threads "
            "really run in parallel, up to the number of cores.")


LESSON = Lesson(
    id="gil-release",
    title="C code that releases the GIL",
    chapter=GIL,
    blurb="hashlib hashes big buffers without the GIL: now threads use every core.",
    params=(THREADS, BUFFERS, SIZE, SWEEP),
    run=run,
    takeaway=takeaway,
    workload=(make_hasher, run),
    prefers_isolated=True,
)
