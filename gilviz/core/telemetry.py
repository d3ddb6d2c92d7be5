"""Pulled telemetry: workers write plain numbers into their own lane; viewers copy snapshots.

Nothing here notifies anyone. A lane is written only by the thread it belongs to, so
counters need no lock, and the window (or the CLI) reads a snapshot whenever it wants
to draw. Snapshots are frozen dataclasses of plain values: they pickle, so a run in a
child process can ship them unchanged.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Callable, Iterator, MutableSequence, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from gilviz.core.stop import StopToken

if TYPE_CHECKING:
    from gilviz.core.board import Board


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
    touched_s: float = 0.0  # when the thread last counted progress
    marks: int = 0  # how many timeline marks the lane has written so far
    tid: int = 0  # the OS thread id (threading.get_native_id()), for the kernel's view
    cpu0_ns: int = 0  # the thread's CPU time when the lane started (kernel counters)
    wait0_ns: int = 0  # its time runnable but waiting for a core, when the lane started


# A lane's numbers live in a small int64 array (its "cells"), so the same Lane code can
# write into private memory or into memory shared with another process.
COUNT, TOTAL, STATE, STARTED_NS, ENDED_NS, IDENT, TOUCHED_NS, MARKS, TID, CPU0_NS, WAIT0_NS = (
    range(11))
CELLS = 11
STATE_CODES = {state: code for code, state in enumerate(State)}
STATES_BY_CODE = tuple(State)
NOT_YET = -1


# Timeline marks: each lane keeps a ring of int64 marks, (time_ns << 6) | (why << 3) | code,
# where code 0 means "advanced" (progress was counted) and 1 + state code means "entered
# that state"; `why` says what a blocked thread waits for (an index into WHY). A reader
# copies new marks ~30 times a second; progress marks are rate-limited so the ring never
# laps a reader that keeps up.
RING = 4096
RING_MASK = RING - 1
MARK_ADVANCED = 0
MARK_EVERY_NS = 200_000
MARK_SHIFT = 6
# What a blocked span waits for, as the thread declares it: lane.blocked("join").
WHY = ("", "sleep", "I/O", "lock", "join", "event", "result")
WHY_CODES = {why: code for code, why in enumerate(WHY)}


def decode_mark(mark: int) -> tuple[int, int, int]:
    """(time_ns, code, why) of one timeline mark."""
    return mark >> MARK_SHIFT, mark & 7, (mark >> 3) & 7


def thread_clock() -> tuple[int, int]:
    """The calling thread's kernel counters: (ns on a CPU, ns runnable but waiting for
    one). Lanes note them at start, so a sampler that first sees the thread later still
    gets exact totals from the lane's start. Where /proc has no schedstat: (CPU time, 0)."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as file:
            run_ns, wait_ns, _ = file.read().split()
        return int(run_ns), int(wait_ns)
    except (OSError, ValueError):
        return time.thread_time_ns(), 0


def new_cells() -> array:
    return array("q", [0] * CELLS)


def new_ring() -> array:
    return array("q", bytes(8 * RING))


def read_ring(ring: Sequence[int], start: int, end: int) -> list[int]:
    """Marks start..end-1 of a ring (the caller keeps within the last RING marks)."""
    return [ring[i & RING_MASK] for i in range(start, end)]


def lane_snapshot(name: str, cells: Sequence[int]) -> LaneSnapshot:
    ended = cells[ENDED_NS]
    return LaneSnapshot(
        name=name,
        ident=cells[IDENT],
        state=STATES_BY_CODE[cells[STATE]],
        count=cells[COUNT],
        total=cells[TOTAL],
        started_s=cells[STARTED_NS] / 1e9,
        ended_s=None if ended == NOT_YET else ended / 1e9,
        touched_s=cells[TOUCHED_NS] / 1e9,
        marks=cells[MARKS],
        tid=cells[TID],
        cpu0_ns=cells[CPU0_NS],
        wait0_ns=cells[WAIT0_NS],
    )


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
    """One thread's slot: its counter, progress total, state and state history.

    Only the owning thread writes it, so no lock is needed; readers copy the cells.
    """

    __slots__ = ("_cells", "_last_mark", "_probe", "_ring", "name", "transitions")

    def __init__(self, probe: Probe, name: str, ident: int, cells: MutableSequence[int],
                 ring: MutableSequence[int]) -> None:
        self._probe = probe
        self._cells = cells
        self._ring = ring
        self._last_mark = 0
        self.name = name
        self._on_thread(ident)
        now = probe.now_ns()
        cells[STARTED_NS] = now
        cells[TOUCHED_NS] = now
        cells[ENDED_NS] = NOT_YET
        cells[STATE] = STATE_CODES[State.WAITING]
        self.transitions: list[tuple[float, State]] = [(now / 1e9, State.WAITING)]
        self._mark(1 + STATE_CODES[State.WAITING], now)

    @property
    def count(self) -> int:
        return self._cells[COUNT]

    @count.setter
    def count(self, value: int) -> None:
        self._cells[COUNT] = value
        self._advanced(self._probe.now_ns())

    @property
    def total(self) -> int:
        return self._cells[TOTAL]

    @total.setter
    def total(self, value: int) -> None:
        self._cells[TOTAL] = value

    @property
    def state(self) -> State:
        return STATES_BY_CODE[self._cells[STATE]]

    @property
    def ident(self) -> int:
        return self._cells[IDENT]

    @property
    def started_s(self) -> float:
        return self._cells[STARTED_NS] / 1e9

    @property
    def ended_s(self) -> float | None:
        ended = self._cells[ENDED_NS]
        return None if ended == NOT_YET else ended / 1e9

    def _on_thread(self, ident: int) -> None:
        """Note which thread the lane now belongs to: Python's id and the kernel's."""
        cells = self._cells
        cells[IDENT] = ident
        cells[CPU0_NS], cells[WAIT0_NS] = thread_clock()
        cells[TID] = threading.get_native_id()

    def _mark(self, code: int, now_ns: int, why: int = 0) -> None:
        cells = self._cells
        index = cells[MARKS]
        self._ring[index & RING_MASK] = (now_ns << MARK_SHIFT) | (why << 3) | code
        cells[MARKS] = index + 1

    def _advanced(self, now_ns: int) -> None:
        self._cells[TOUCHED_NS] = now_ns
        if now_ns - self._last_mark >= MARK_EVERY_NS:
            self._last_mark = now_ns
            self._mark(MARK_ADVANCED, now_ns)

    def _enter(self, state: State, why: str = "") -> None:
        now = self._probe.now_ns()
        self._cells[STATE] = STATE_CODES[state]
        self._mark(1 + STATE_CODES[state], now, WHY_CODES.get(why, 0))
        self.transitions.append((now / 1e9, state))

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
                self.tick()
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
                courtesy = self._probe.courtesy
                if courtesy is not None:
                    courtesy.pause_if_starved(self._probe)
        finally:
            self.finish()

    def tick(self, n: int = 1) -> None:
        self._cells[COUNT] += n
        self._advanced(self._probe.now_ns())
        courtesy = self._probe.courtesy
        if courtesy is not None:
            courtesy.pause_if_starved(self._probe)

    def say(self, text: str) -> None:
        """What `print` does in the lecture: an event in the run's log, stamped and named."""
        self._probe.record(self.name, text)

    def sleep(self, seconds: float) -> bool:
        """time.sleep, shown as blocked, cut short by Stop. False when stopped."""
        with self.blocked("sleep"):
            return not self._probe.stop.wait(seconds)

    @contextmanager
    def blocked(self, why: str = "") -> Iterator[None]:
        """Marks a wait the thread does not spend running Python; `why` names it for the
        timeline and the kernel's states: one of WHY ("join", "lock", "I/O", ...)."""
        previous = self.state
        self._enter(State.BLOCKED, why)
        try:
            yield
        finally:
            self._enter(previous)

    def run(self) -> None:
        """Marks the thread as doing Python work, for loops that count with tick()."""
        self._enter(State.RUNNING)

    def idle(self) -> None:
        """Marks the thread as waiting for its next piece of work: a pool's worker thread
        between two tasks, for example."""
        self._enter(State.WAITING)

    def restart(self, ident: int) -> None:
        """Hand this finished lane to a new thread (the same worker in a later trial)."""
        cells = self._cells
        self._on_thread(ident)
        now = self._probe.now_ns()
        cells[COUNT] = 0
        cells[TOTAL] = 0
        cells[STARTED_NS] = now
        cells[TOUCHED_NS] = now
        cells[ENDED_NS] = NOT_YET
        self._enter(State.WAITING)

    def finish(self) -> None:
        if self.state is not State.DONE:
            self._cells[ENDED_NS] = self._probe.now_ns()
            self._enter(State.DONE)

    def snapshot(self) -> LaneSnapshot:
        return lane_snapshot(self.name, self._cells)


class SilentLane(Lane):
    """A lane that records nothing: lets the benchmark time a workload without telemetry."""

    __slots__ = ()

    def tick(self, n: int = 1) -> None:
        pass

    def say(self, text: str) -> None:
        pass

    def _enter(self, state: State, why: str = "") -> None:
        pass


class WindowCourtesy:
    """Keeps Stop within reach while CPU-bound threads run in the window's own process.

    With dozens of such threads the window's UI thread waits its turn for the GIL behind
    all of them, for seconds at a time (a click needs several turns): the lag is the
    lesson, losing control of the app is not. The UI thread calls beat() whenever it
    polls the run (every ~33 ms when it gets the GIL); a worker that finds the last beat
    older than STARVED_S lets go of the GIL in short sleeps until the window has had its
    turn. So the window still lags by up to ~STARVED_S, visibly, but never for longer.
    """

    STARVED_S = 0.25
    PAUSE_S = 0.005
    MAX_PAUSE_S = 0.5  # never wait longer than this for a window that does not beat

    def __init__(self) -> None:
        self._last_ns = time.monotonic_ns()
        self.pauses = 0

    def beat(self) -> None:
        self._last_ns = time.monotonic_ns()

    def starved(self) -> bool:
        return time.monotonic_ns() - self._last_ns > self.STARVED_S * 1e9

    def pause_if_starved(self, probe: Probe) -> None:
        if not self.starved():
            return
        if self.pauses == 0:
            probe.record("gilviz", f"the window waited over {self.STARVED_S:g} s for the "
                         "GIL: the threads now pause a moment each time that happens, so "
                         "Stop stays within reach")
        self.pauses += 1
        deadline = time.monotonic() + self.MAX_PAUSE_S
        while self.starved() and not probe.stop.is_set() and time.monotonic() < deadline:
            time.sleep(self.PAUSE_S)


class Probe:
    """Collects the lanes and the event log of one run."""

    def __init__(self, stop: StopToken | None = None, board: Board | None = None,
                 silent: bool = False) -> None:
        self.stop = stop or StopToken()
        self.board = board
        self._lane_class = SilentLane if silent else Lane
        self._t0_ns = time.perf_counter_ns()  # CLOCK_MONOTONIC: shared by all processes
        if board is not None:
            board.set_origin(self._t0_ns)
        self._local = threading.local()  # per-thread, so a reused OS thread id gets a new lane
        self._lanes: list[Lane] = []
        self._by_name: dict[str, Lane] = {}
        self._events: list[LogEvent] = []
        self._watches: dict[str, Callable[[], Any]] = {}
        self._pokes = 0
        self._lock = threading.Lock()  # guards lane registration only, never the hot path
        self.courtesy: WindowCourtesy | None = None  # set for runs in the window's process

    def now(self) -> float:
        return (time.perf_counter_ns() - self._t0_ns) / 1e9

    def now_ns(self) -> int:
        return time.perf_counter_ns() - self._t0_ns

    @property
    def origin_ns(self) -> int:
        """The run's time zero on CLOCK_MONOTONIC (time.monotonic_ns() on Linux): lets
        another process's timestamps be put on this run's timeline."""
        return self._t0_ns

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
                slot = self.board.allocate(name) if self.board is not None else None
                cells, ring = slot if slot is not None else (new_cells(), new_ring())
                lane = self._lane_class(self, name, threading.get_ident(), cells, ring)
                self._lanes.append(lane)
                self._by_name[lane.name] = lane
        self._local.lane = lane
        return lane

    def read_marks(self, index: int, start: int, end: int) -> list[int]:
        """Timeline marks start..end-1 of the index-th lane (registration order)."""
        with self._lock:
            lane = self._lanes[index]
        return read_ring(lane._ring, start, end)

    def lane_named(self, name: str) -> Lane:
        return self._by_name[name]

    def watch(self, name: str, read: Callable[[], Any]) -> None:
        """Show a live value (a shared counter, say): `read` is called at each snapshot,
        by the reader, so the workload pays nothing for it. It must return plain data."""
        self._watches[name] = read

    def poke(self) -> None:
        """The lecturer pressed the lesson's button (e.g. "Set event")."""
        if self.board is not None:
            self.board.poke()
        else:
            self._pokes += 1

    def pokes(self) -> int:
        return self.board.pokes() if self.board is not None else self._pokes

    def wait_for_poke(self, seen: int, timeout_s: float | None = None) -> bool:
        """Wait until pokes() exceeds `seen`; False on timeout or Stop. Polls every 10 ms,
        so it works the same when the button is pressed from another process."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while self.pokes() <= seen:
            remaining = 0.01 if deadline is None else min(0.01, deadline - time.monotonic())
            if remaining <= 0 or self.stop.wait(remaining):
                return False
        return True

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
