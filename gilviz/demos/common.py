"""Knobs and measurements several lessons share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from gilviz.core.params import FloatParam, IntParam
from gilviz.core.telemetry import LaneSnapshot, LogEvent, Probe, Snapshot

MAIN = "main"

COUNT = IntParam(
    "count", "Messages per thread", "How many messages each worker prints before it ends",
    default_value=5, minimum=1, maximum=100,
)
INTERVAL = FloatParam(
    "interval_s", "Pause after each message", "Seconds a worker sleeps after each message",
    default_value=0.5, minimum=0.01, maximum=2.0, unit="s",
)


def workers(snapshot: Snapshot) -> list[LaneSnapshot]:
    """Every lane but the lesson's main thread, in the order they registered."""
    return [lane for lane in snapshot.lanes if lane.name != MAIN]


def said_by(snapshot: Snapshot, thread: str) -> list[LogEvent]:
    return [event for event in snapshot.events if event.thread == thread]


def rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 4)


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """The largest number of (start, end) spans that overlap; touching ones do not."""
    edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    alive = peak = 0
    for _, step in edges:
        alive += step
        peak = max(peak, alive)
    return peak


def start_and_join(probe: Probe, work: Callable[..., None], threads: int, *args: Any) -> None:
    """The lecture's counter scripts: start Thread-1..N on work(probe, *args), then join
    them all, with main drawn as blocked in join while it waits."""
    pool = [threading.Thread(target=work, args=(probe, *args), name=f"Thread-{i + 1}")
            for i in range(threads)]
    for thread in pool:
        thread.start()
    with probe.lane(MAIN).blocked("join"):
        for thread in pool:
            thread.join()
