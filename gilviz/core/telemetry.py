"""Pulled telemetry: workers write plain numbers into their own lane; viewers copy snapshots.

Nothing here notifies anyone. A lane is written only by the thread it belongs to, so
counters need no lock, and the window (or the CLI) reads a snapshot whenever it wants
to draw. Snapshots are frozen dataclasses of plain values: they pickle, so a run in a
child process can ship them unchanged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gilviz.core.stop import StopToken


class State(StrEnum):
    WAITING = "waiting"  # exists but has not started its work (or waits for its turn)
    RUNNING = "running"  # doing Python work
    BLOCKED = "blocked"  # in a recorded sleep, join, lock or I/O wait
    DONE = "done"


@dataclass(frozen=True)
class LaneSnapshot:
    name: str
    ident: int
    state: State
    count: int
    total: int
    started_s: float
    ended_s: float | None


@dataclass(frozen=True)
class LogEvent:
    t: float  # seconds since the run started
    thread: str
    text: str


@dataclass(frozen=True)
class Snapshot:
    t: float
    lanes: tuple[LaneSnapshot, ...]
    events: tuple[LogEvent, ...]  # the events from the requested index on
    events_total: int
    values: dict[str, Any] = field(default_factory=dict)  # the run's watched values

    def lane(self, name: str) -> LaneSnapshot:
        for lane in self.lanes:
            if lane.name == name:
                return lane
        raise KeyError(name)


class Lane:
    """One thread's slot: its counter, progress total, state and state history."""

    __slots__ = ("_probe", "count", "ended_s", "ident", "name", "started_s", "state",
                 "total", "transitions")

    def __init__(self, probe: Probe, name: str, ident: int) -> None:
        self._probe = probe
        self.name = name
        self.ident = ident
        self.count = 0
        self.total = 0
        self.state = State.WAITING
        self.started_s = probe.now()
        self.ended_s: float | None = None
        self.transitions: list[tuple[float, State]] = [(self.started_s, State.WAITING)]

    def _enter(self, state: State) -> None:
        self.state = state
        self.transitions.append((self._probe.now(), state))

    def steps(self, n: int) -> Iterator[int]:
        """range(n) that counts progress and ends early when the run is stopped."""
        self.total = n
        self._enter(State.RUNNING)
        stop = self._probe.stop
        try:
            for i in range(n):
                if stop.is_set():
                    return
                yield i
                self.count += 1
        finally:
            self.finish()

    def batches(self, n: int, size: int) -> Iterator[int]:
        """steps() for hot loops: yields batch sizes that add up to n, counting each batch
        once it is done and checking Stop between batches, so the loop itself pays nothing
        per iteration. Pick `size` so one batch takes well under 250 ms."""
        self.total = n
        self._enter(State.RUNNING)
        stop = self._probe.stop
        try:
            done = 0
            while done < n and not stop.is_set():
                batch = min(size, n - done)
                yield batch
                done += batch
                self.count = done
        finally:
            self.finish()

    def tick(self, n: int = 1) -> None:
        self.count += n

    def say(self, text: str) -> None:
        """What `print` does in the lecture: an event in the run's log, stamped and named."""
        self._probe.record(self.name, text)

    def sleep(self, seconds: float) -> bool:
        """time.sleep, shown as blocked, cut short by Stop. False when stopped."""
        with self.blocked():
            return not self._probe.stop.wait(seconds)

    @contextmanager
    def blocked(self) -> Iterator[None]:
        """Marks a wait the thread does not spend running Python (join, lock, I/O)."""
        previous = self.state
        self._enter(State.BLOCKED)
        try:
            yield
        finally:
            self._enter(previous)

    def restart(self, ident: int) -> None:
        """Hand this finished lane to a new thread (the same worker in a later trial)."""
        self.ident = ident
        self.count = 0
        self.total = 0
        self.started_s = self._probe.now()
        self.ended_s = None
        self._enter(State.WAITING)

    def finish(self) -> None:
        if self.state is not State.DONE:
            self.ended_s = self._probe.now()
            self._enter(State.DONE)

    def snapshot(self) -> LaneSnapshot:
        return LaneSnapshot(self.name, self.ident, self.state, self.count, self.total,
                            self.started_s, self.ended_s)


class Probe:
    """Collects the lanes and the event log of one run."""

    def __init__(self, stop: StopToken | None = None) -> None:
        self.stop = stop or StopToken()
        self._t0 = time.perf_counter()
        self._local = threading.local()  # per-thread, so a reused OS thread id gets a new lane
        self._lanes: list[Lane] = []
        self._by_name: dict[str, Lane] = {}
        self._events: list[LogEvent] = []
        self._watches: dict[str, Callable[[], Any]] = {}
        self._lock = threading.Lock()  # guards lane registration only, never the hot path

    def now(self) -> float:
        return time.perf_counter() - self._t0

    def lane(self, name: str | None = None, *, reuse: bool = False) -> Lane:
        """The calling thread's lane, created on first use and named after the thread.

        With reuse=True a thread takes over the finished lane of the same name, if there
        is one: a lesson that repeats a trial with fresh threads keeps one row per worker.
        """
        lane: Lane | None = getattr(self._local, "lane", None)
        if lane is not None:
            return lane
        name = name or threading.current_thread().name
        with self._lock:
            lane = self._by_name.get(name) if reuse else None
            if lane is not None and lane.state is State.DONE:
                lane.restart(threading.get_ident())
            else:
                lane = Lane(self, name, threading.get_ident())
                self._lanes.append(lane)
                self._by_name[lane.name] = lane
        self._local.lane = lane
        return lane

    def lane_named(self, name: str) -> Lane:
        return self._by_name[name]

    def watch(self, name: str, read: Callable[[], Any]) -> None:
        """Show a live value (a shared counter, say): `read` is called at each snapshot,
        by the reader, so the workload pays nothing for it. It must return plain data."""
        self._watches[name] = read

    def record(self, thread: str, text: str) -> None:
        self._events.append(LogEvent(self.now(), thread, text))  # list.append is atomic

    def snapshot(self, events_from: int = 0) -> Snapshot:
        with self._lock:
            lanes = list(self._lanes)
        events = self._events[events_from:]
        return Snapshot(
            t=self.now(),
            lanes=tuple(lane.snapshot() for lane in lanes),
            events=tuple(events),
            events_total=events_from + len(events),
            values={name: read() for name, read in list(self._watches.items())},
        )
