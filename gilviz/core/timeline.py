"""Per-thread timelines built from the marks each lane writes, and what they add up to.

Where a KernelStates is attached (Linux), a lane's spans and totals come from what the
kernel measured (see thread_states); a lane without kernel records, or a run without a
sampler, keeps the inference below, and the legend says which it is.

How a span's kind is inferred from the marks alone (the legend says the same):
- running: the thread counted progress, so it was executing (for Python code: it held
  the GIL);
- waiting: it was at its work (state running) but did not advance for much longer than
  its usual step: runnable, waiting for the GIL;
- blocked: it said so itself, around a sleep, join, lock, event or I/O wait;
- idle: it exists but has not started its work yet;
- done: it has finished.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gilviz.core.kinds import LEGEND, MEASURED_LEGEND, Kind, legend
from gilviz.core.telemetry import (
    MARK_ADVANCED,
    RING,
    STATE_CODES,
    WHY,
    LaneSnapshot,
    LogEvent,
    Snapshot,
    State,
    decode_mark,
)
from gilviz.core.thread_states import LaneActivity, state_entry

if TYPE_CHECKING:
    from gilviz.core.kernel_states import KernelStates

__all__ = ["LEGEND", "MEASURED_LEGEND", "Kind", "LaneStats", "LaneTimeline",
           "TimelineRecorder", "legend"]

MIN_THRESHOLD_S = 0.001
THRESHOLD_FACTOR = 3.0
GAP_WINDOW = 64
# How long one update may fold kernel records before it leaves the rest to the next
# (records wait in the sampler's rings, about a second of them): bursts of records
# from many threads otherwise held the window's thread 5-9 ms per poll.
FOLD_BUDGET_S = 0.003


KIND_OF_STATE = {State.RUNNING: Kind.RUNNING, State.BLOCKED: Kind.BLOCKED,
                 State.WAITING: Kind.IDLE, State.DONE: Kind.DONE}
STATE_OF_CODE = {1 + code: state for state, code in STATE_CODES.items()}
TRACE_NAMES = {Kind.RUNNING: "running", Kind.WAITING: "waiting", Kind.BLOCKED: "blocked",
               Kind.IDLE: "idle", Kind.CPU_WAIT: "waiting for a core"}


@dataclass
class LaneTimeline:
    """One thread's spans (start_s, end_s, kind), adjacent spans of a kind merged."""

    name: str
    spans: list[tuple[float, float, Kind]] = field(default_factory=list)
    state: State | None = None  # None until the lane's first mark arrives
    segment_start: float = 0.0
    last_advance: float = 0.0
    gaps: list[float] = field(default_factory=list)
    threshold_s: float = MIN_THRESHOLD_S
    typical_s: float = 0.0
    lost_marks: int = 0
    activity: LaneActivity = field(default_factory=LaneActivity)  # the states it declared

    def _emit(self, start: float, end: float, kind: Kind) -> None:
        if end <= start:
            return
        if self.spans and self.spans[-1][2] is kind and abs(self.spans[-1][1] - start) < 1e-9:
            self.spans[-1] = (self.spans[-1][0], end, kind)
        else:
            self.spans.append((start, end, kind))

    def _learn_gap(self, gap: float) -> None:
        self.gaps.append(gap)
        if len(self.gaps) > GAP_WINDOW:
            del self.gaps[: len(self.gaps) - GAP_WINDOW]
        if len(self.gaps) % 16 == 1:
            self.typical_s = statistics.median(self.gaps)
            self.threshold_s = max(MIN_THRESHOLD_S, THRESHOLD_FACTOR * self.typical_s)

    def _running_until(self, t: float) -> None:
        """Close the stretch since the last advance: ran, or waited and then ran."""
        gap = t - self.last_advance
        if gap <= self.threshold_s:
            self._emit(self.last_advance, t, Kind.RUNNING)
        else:
            ran_from = max(self.last_advance, t - max(self.typical_s, MIN_THRESHOLD_S / 2))
            self._emit(self.last_advance, ran_from, Kind.WAITING)
            self._emit(ran_from, t, Kind.RUNNING)

    def feed(self, t: float, code: int, why: int = 0) -> None:
        if code == MARK_ADVANCED:
            if self.state is State.RUNNING:
                self._learn_gap(t - self.last_advance)
                self._running_until(t)
                self.last_advance = t
            return
        state = STATE_OF_CODE[code]
        self.activity.enter(t, state, WHY[why] if why < len(WHY) else "")
        if self.state is None:
            pass  # the lane's first mark: nothing came before it
        elif self.state is State.RUNNING:
            if t - self.last_advance <= self.threshold_s:
                self._emit(self.last_advance, t, Kind.RUNNING)
            else:
                self._emit(self.last_advance, t, Kind.WAITING)
        else:
            self._emit(self.segment_start, t, KIND_OF_STATE[self.state])
        self.state = state
        self.segment_start = self.last_advance = t

    def spans_until(self, now: float) -> list[tuple[float, float, Kind]]:
        """The closed spans plus the open one, provisionally, up to `now`."""
        if self.state is None or self.state is State.DONE:
            return list(self.spans)
        if self.state is State.RUNNING:
            kind = Kind.RUNNING if now - self.last_advance <= self.threshold_s else Kind.WAITING
            tail = [(self.last_advance, now, kind)] if now > self.last_advance else []
        else:
            tail = [(self.segment_start, now, KIND_OF_STATE[self.state])]
        return self.spans + tail


@dataclass(frozen=True)
class LaneStats:
    name: str
    running_s: float
    waiting_s: float  # for the GIL (measured or inferred; see `measured`)
    blocked_s: float
    switches: int  # waiting -> running hand-overs
    cpu_wait_s: float = 0.0  # runnable, waiting for a core: measured only
    measured: bool = False  # True when the kernel's counters gave these numbers

    @property
    def active_s(self) -> float:
        return self.running_s + self.waiting_s + self.blocked_s + self.cpu_wait_s

    def share(self, kind: Kind) -> float:
        seconds = {Kind.RUNNING: self.running_s, Kind.WAITING: self.waiting_s,
                   Kind.BLOCKED: self.blocked_s, Kind.CPU_WAIT: self.cpu_wait_s}[kind]
        return seconds / self.active_s if self.active_s else 0.0


class TimelineRecorder:
    """Copies new marks from a run at every poll and keeps each lane's timeline.

    Given a KernelStates, it also folds in what the kernel measured; a lane with kernel
    records is drawn (and counted) from those, the others from their progress marks."""

    def __init__(self, read_marks: Callable[[int, int, int], list[int]],
                 kernel: KernelStates | None = None) -> None:
        self._read_marks = read_marks
        self.kernel = kernel
        self.lanes: list[LaneTimeline] = []
        self._seen: list[int] = []
        self._tids: list[int] = []
        self.now_s = 0.0

    def update(self, snapshot: Snapshot) -> None:
        self.now_s = max(self.now_s, snapshot.t)
        for index, lane in enumerate(snapshot.lanes):
            if index == len(self.lanes):
                self.lanes.append(LaneTimeline(lane.name))
                self._seen.append(0)
                self._tids.append(0)
            self._tids[index] = lane.tid or self._tids[index]
            self._consume(index, lane)
        if self.kernel is not None:
            self.kernel.update(snapshot.lanes, self._activity, snapshot.t, FOLD_BUDGET_S)

    def finish(self, snapshot: Snapshot) -> dict[str, Any]:
        """The last update of a run: stops the kernel sampler after reading it all.
        Returns the sampler's own cost ({} without one)."""
        self.update(snapshot)
        if self.kernel is None:
            return {}
        return self.kernel.stop(snapshot.lanes, self._activity)

    def _activity(self, index: int) -> LaneActivity:
        return self.lanes[index].activity

    def _consume(self, index: int, lane: LaneSnapshot) -> None:
        start, end = self._seen[index], lane.marks
        if end <= start:
            return
        timeline = self.lanes[index]
        if end - start > RING:  # the ring lapped us: those marks are gone
            timeline.lost_marks += end - start - RING
            start = end - RING
        for mark in self._read_marks(index, start, end):
            time_ns, code, why = decode_mark(mark)
            timeline.feed(time_ns / 1e9, code, why)
        self._seen[index] = end

    def measured(self, index: int) -> bool:
        return self.kernel is not None and bool(self.kernel.ledgers(index))

    def current_kinds(self) -> list[Kind | None]:
        """Per lane, what the kernel last saw its thread doing (None where not measured)."""
        kinds: list[Kind | None] = []
        for index in range(len(self.lanes)):
            ledgers = self.kernel.ledgers(index) if self.kernel is not None else []
            kinds.append(ledgers[-1].current() if ledgers else None)
        return kinds

    @property
    def gil(self) -> bool:
        return self.kernel.gil if self.kernel is not None else True

    def lane_spans(self, index: int) -> list[tuple[float, float, Kind]]:
        if self.kernel is not None:
            ledgers = self.kernel.ledgers(index)
            if ledgers:
                return [span for ledger in ledgers for span in ledger.spans()]
        return self.lanes[index].spans_until(self.now_s)

    def spans(self) -> list[tuple[str, list[tuple[float, float, Kind]]]]:
        return [(lane.name, self.lane_spans(index)) for index, lane in enumerate(self.lanes)]

    def stats(self) -> list[LaneStats]:
        result = []
        for index, (name, spans) in enumerate(self.spans()):
            totals = dict.fromkeys(Kind, 0.0)
            switches = 0
            for i, (start, end, kind) in enumerate(spans):
                totals[kind] += end - start
                if (kind in (Kind.RUNNING, Kind.CPU_WAIT) and i
                        and spans[i - 1][2] is Kind.WAITING):
                    switches += 1  # got the GIL back (and then a core, or waited for one)
            measured = self.measured(index)
            if measured:  # exact totals, including run time the timeline had no room for
                totals = self._measured_seconds(index)[0]
            result.append(LaneStats(name, totals[Kind.RUNNING], totals[Kind.WAITING],
                                    totals[Kind.BLOCKED], switches, totals[Kind.CPU_WAIT],
                                    measured))
        return result

    def _measured_seconds(self, index: int) -> tuple[dict[Kind, float], dict[str, float]]:
        totals = dict.fromkeys(Kind, 0.0)
        blocked: dict[str, float] = {}
        for ledger in self.kernel.ledgers(index) if self.kernel is not None else ():
            seconds, by_label = ledger.seconds()
            for kind, value in seconds.items():
                totals[kind] += value
            for label, value in by_label.items():
                blocked[label] = blocked.get(label, 0.0) + value
        return totals, blocked

    def thread_states(self) -> list[dict[str, Any]]:
        """The run result's "thread_states": per lesson thread, seconds on a CPU, waiting
        for one, waiting for the GIL and blocked; measured by the kernel or inferred."""
        entries = []
        for index, lane in enumerate(self.lanes):
            if self.measured(index):
                totals, blocked = self._measured_seconds(index)
                entries.append(state_entry(lane.name, self._tids[index], totals, blocked,
                                           True, self.gil))
                continue
            totals = dict.fromkeys(Kind, 0.0)
            for start, end, kind in lane.spans_until(self.now_s):
                totals[kind] += end - start
            entries.append(state_entry(lane.name, self._tids[index], totals, {}, False))
        return entries

    def running_fraction(self) -> float:
        """Share of the run's wall time during which at least one thread was running."""
        running = sorted((start, end) for _, spans in self.spans()
                         for start, end, kind in spans if kind is Kind.RUNNING)
        covered, reach = 0.0, 0.0
        for start, end in running:
            if end > reach:
                covered += end - max(start, reach)
                reach = end
        return covered / self.now_s if self.now_s > 0 else 0.0

    def chrome_trace(self, events: tuple[LogEvent, ...] = (),
                     metadata: dict[str, Any] | None = None) -> dict[str, Any]:
        """Trace Event Format: one track per thread; opens in Perfetto and chrome://tracing.
        Each span says whether the kernel measured it (args.measured)."""
        trace: list[dict[str, Any]] = []
        tids = {}
        for tid, (name, spans) in enumerate(self.spans(), start=1):
            tids.setdefault(name, tid)
            measured = self.measured(tid - 1)
            trace.append({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid,
                          "args": {"name": name}})
            trace.append({"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": tid,
                          "args": {"sort_index": tid}})
            for start, end, kind in spans:
                if kind is Kind.DONE:
                    continue
                trace.append({"name": TRACE_NAMES[kind], "cat": kind.name.lower(), "ph": "X",
                              "pid": 1, "tid": tid, "ts": round(start * 1e6, 3),
                              "dur": round((end - start) * 1e6, 3),
                              "args": {"measured": measured}})
        for event in events:
            trace.append({"name": event.text, "ph": "i", "s": "t", "pid": 1,
                          "tid": tids.get(event.thread, 0), "ts": round(event.t * 1e6, 3)})
        timed = sorted((e for e in trace if e["ph"] != "M"), key=lambda e: e["ts"])
        other = {**(metadata or {}), "thread_states": self.thread_states()}
        return {"traceEvents": [e for e in trace if e["ph"] == "M"] + timed,
                "displayTimeUnit": "ms", "otherData": other}
