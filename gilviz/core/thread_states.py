"""What each thread was doing, from the kernel's counters and the lesson's own lanes.

Pure functions and plain bookkeeping, no I/O: the sampler (kernel_sampler) supplies
records (time, ns on a CPU, ns waiting for a CPU, the system call a sleeper is in), the
lane supplies what the thread said it was doing. Per interval between two records:
- the run-time counter grew: running (measured);
- the run-queue wait grew: waiting for a core (measured);
- the rest of the interval it was asleep (measured), and why is read from the system call
  and the lane: a futex while the lane is at its work is a GIL wait on a GIL build (which
  lock it is: inferred; on a free-threaded build it is a lock or other wait); a sleep, poll
  or read call, or a span the lane declared blocked, is blocked, with the lane's label.

The kernel adds run time at scheduler ticks and queue time when the thread gets a core,
so a counter can grow by more than the interval: the surplus belongs to the time just
before, and is claimed back from the most recent stretches not yet confirmed. Totals are
therefore exact whatever the sampling delays; only where in time a few ms fall can shift.
"""

from __future__ import annotations

import bisect
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gilviz.core.kernel_sampler import SYS_RUNNABLE
from gilviz.core.kinds import Kind
from gilviz.core.telemetry import State

FUTEX, SLEEP, IO, CHILD = "futex", "sleep", "I/O", "child"
# System calls a sleeping thread sits in, by machine (numbers differ per architecture).
CALLS = {
    "x86_64": {202: FUTEX, 449: FUTEX, 35: SLEEP, 230: SLEEP,
               0: IO, 1: IO, 7: IO, 17: IO, 19: IO, 23: IO, 42: IO, 43: IO, 45: IO, 47: IO,
               232: IO, 270: IO, 271: IO, 281: IO, 288: IO, 441: IO, 61: CHILD, 247: CHILD},
    "aarch64": {98: FUTEX, 449: FUTEX, 101: SLEEP, 115: SLEEP,
                22: IO, 63: IO, 64: IO, 65: IO, 67: IO, 72: IO, 73: IO, 202: IO, 203: IO,
                207: IO, 212: IO, 242: IO, 441: IO, 95: CHILD, 260: CHILD},
}
CALLS["amd64"] = CALLS["x86_64"]
CALLS["arm64"] = CALLS["aarch64"]
HORIZON_S = 0.5  # stretches older than this are final: no counter claims them any more


def call_table(machine: str | None = None) -> dict[int, str]:
    return CALLS.get((machine or platform.machine()).lower(), {})


def call_kind(sys_code: int, calls: dict[int, str]) -> str | None:
    """What a sleeping thread's system call is for, or None if unknown or not asleep."""
    if sys_code < 0:
        return None
    return calls.get(sys_code, "other")


def off_cpu(call: str | None, state: State | None, why: str, gil: bool) -> tuple[Kind, str]:
    """Why an asleep thread was asleep: (kind, label), from its call and its lane."""
    if state is State.BLOCKED:
        return Kind.BLOCKED, why or _label_of_call(call)
    if state is State.WAITING or state is None:
        return Kind.IDLE, ""
    if state is State.DONE:
        return Kind.DONE, ""
    # at its work (State.RUNNING) but asleep
    if call in (None, FUTEX):
        return Kind.WAITING, "GIL" if gil else "lock or other"
    return Kind.BLOCKED, _label_of_call(call)


def _label_of_call(call: str | None) -> str:
    if call in (SLEEP, IO):
        return call
    if call == CHILD:
        return "join"
    return "wait"


class LaneActivity:
    """What a lane said it was doing, over time: (t, state, why) as its marks arrive."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.states: list[tuple[State, str]] = []

    def enter(self, t: float, state: State, why: str = "") -> None:
        self.times.append(t)
        self.states.append((state, why))

    def done_at(self) -> float | None:
        """When the lane said it was done (its thread's last act), if it has."""
        if self.states and self.states[-1][0] is State.DONE:
            return self.times[-1]
        return None

    def during(self, t0: float, t1: float) -> tuple[State | None, str]:
        """The lane's state over (t0, t1]: blocked if it was blocked at any moment of it
        (a sleeper wakes for a few microseconds between two waits), else its state at t1."""
        first = bisect.bisect_right(self.times, t0) - 1
        last = bisect.bisect_right(self.times, t1) - 1
        if last < 0:
            return None, ""
        for index in range(max(first, 0), last + 1):
            state, why = self.states[index]
            if state is State.BLOCKED:
                return state, why
        return self.states[last]


Segment = list  # [start_s, end_s, kind, label, fallback or None]; fallback = (kind, label)
Activity = Callable[[float, float], tuple[State | None, str]]


@dataclass
class ThreadLedger:
    """One thread's measured timeline and totals, fed with the sampler's records.

    Times are seconds on the run's timeline; counters are the kernel's nanoseconds."""

    start_s: float
    run_ns: int
    wait_ns: int
    gil: bool = True
    calls: dict[int, str] = field(default_factory=call_table)
    t: float = field(init=False)
    sys_code: int = field(init=False, default=SYS_RUNNABLE)
    final: list[tuple[float, float, Kind]] = field(init=False, default_factory=list)
    totals: dict[Kind, float] = field(init=False)
    blocked_by: dict[str, float] = field(init=False, default_factory=dict)
    tail: list[Segment] = field(init=False, default_factory=list)
    unplaced_s: float = field(init=False, default=0.0)
    records: int = field(init=False, default=0)
    recorded_s: float = field(init=False)  # the time of the last record the sampler wrote

    def __post_init__(self) -> None:
        self.t = self.recorded_s = self.start_s
        self.totals = dict.fromkeys(Kind, 0.0)
        self._run0_ns = self.run_ns

    def cpu_s(self) -> float:
        """CPU seconds since the lane started, by the kernel's latest counter."""
        return (self.run_ns - self._run0_ns) / 1e9

    def feed(self, t: float, run_ns: int, wait_ns: int, sys_code: int,
             activity: Activity, recorded: bool = True) -> None:
        """One record: where the time since the previous one went. `recorded` is False
        for the reader's own note that nothing changed up to the sampler's last sweep."""
        dt = t - self.t
        if dt <= 0:
            return
        if recorded:
            self.records += 1
            self.recorded_s = t
        drun = max(0, run_ns - self.run_ns) / 1e9
        dwait = max(0, wait_ns - self.wait_ns) / 1e9
        t0, e0 = self.t, self.sys_code
        self.t, self.run_ns, self.wait_ns, self.sys_code = t, run_ns, wait_ns, sys_code
        ran = min(drun, dt)
        waited = min(dwait, dt - ran)
        rest = dt - ran - waited
        state, why = activity(t0, t)
        if sys_code != SYS_RUNNABLE:  # asleep now: it went to sleep in this interval
            kind, label = off_cpu(call_kind(sys_code, self.calls), state, why, self.gil)
            self._add(t0, waited, Kind.CPU_WAIT)
            self._add(t0 + waited, ran, Kind.RUNNING)
            self._add(t0 + waited + ran, rest, kind, label)
        elif e0 != SYS_RUNNABLE:  # asleep then, runnable now: it woke in this interval
            kind, label = off_cpu(call_kind(e0, self.calls), state, why, self.gil)
            self._add(t0, rest, kind, label)
            self._add(t0 + rest, waited, Kind.CPU_WAIT)
            self._add(t0 + rest + waited, ran, Kind.RUNNING)
        else:  # runnable at both ends: the rest is run or queue time not yet counted
            unseen = off_cpu(None, state, why, self.gil)
            self._add(t0, waited, Kind.CPU_WAIT)
            self._add(t0 + waited, ran, Kind.RUNNING)
            self._add(t0 + waited + ran, rest, Kind.RUNNING, "", unseen)
        surplus_run, surplus_wait = drun - ran, dwait - waited
        # the latest unconfirmed time was run time the tick had not counted yet; before
        # it, the queue wait counted when the thread got its core
        if surplus_run > 0:
            self.unplaced_s += self._claim(surplus_run, Kind.RUNNING)
        if surplus_wait > 0:
            self.unplaced_s += self._claim(surplus_wait, Kind.CPU_WAIT)
        if sys_code != SYS_RUNNABLE:
            self._settle_pending()
        self._finalise_before(t - HORIZON_S)

    def _add(self, start: float, seconds: float, kind: Kind, label: str = "",
             fallback: tuple[Kind, str] | None = None) -> None:
        if seconds <= 0:
            return
        tail = self.tail
        if tail:
            last = tail[-1]
            if last[2] is kind and last[3] == label and last[4] == fallback:
                last[1] = start + seconds
                return
        tail.append([start, start + seconds, kind, label, fallback])

    def _claim(self, seconds: float, kind: Kind) -> float:
        """Turn the latest unconfirmed stretches into `kind`; returns what found no room."""
        tail = self.tail
        index = len(tail) - 1
        while seconds > 1e-12 and index >= 0:
            segment = tail[index]
            confirmed = segment[4] is None and segment[2] in (Kind.RUNNING, Kind.CPU_WAIT)
            if not confirmed:
                length = segment[1] - segment[0]
                taken = min(length, seconds)
                cut = segment[1] - taken
                claimed = [cut, segment[1], kind, "", None]
                if taken >= length - 1e-12:
                    tail[index] = claimed
                else:
                    segment[1] = cut
                    tail.insert(index + 1, claimed)
                seconds -= taken
            index -= 1
        return max(0.0, seconds)

    def _settle_pending(self) -> None:
        """The thread is asleep: its counters are up to date, so time still unclaimed was
        spent off a CPU, for the reason the lane gave."""
        for segment in self.tail:
            if segment[4] is not None:
                segment[2], segment[3] = segment[4]
                segment[4] = None

    def _finalise_before(self, t: float) -> None:
        tail = self.tail
        count = 0
        while count < len(tail) and tail[count][1] <= t:
            count += 1
        for segment in tail[:count]:
            if segment[4] is not None:
                segment[2], segment[3] = segment[4]
            self._keep(segment)
        del tail[:count]

    def _keep(self, segment: Segment) -> None:
        start, end, kind, label = segment[0], segment[1], segment[2], segment[3]
        self.totals[kind] += end - start
        if kind is Kind.BLOCKED:
            self.blocked_by[label] = self.blocked_by.get(label, 0.0) + end - start
        final = self.final
        if final and final[-1][2] is kind and abs(final[-1][1] - start) < 1e-9:
            final[-1] = (final[-1][0], end, kind)
        else:
            final.append((start, end, kind))

    def close(self) -> None:
        """The thread is gone: what is left is final. It ended somewhere after the last
        record, so nothing past that is kept; time there that no counter confirmed was
        spent off a CPU (the counters' last growth died with the thread's /proc files)."""
        end = self.recorded_s
        for segment in self.tail:
            if segment[0] >= end:
                continue
            segment[1] = min(segment[1], end)
            if segment[4] is not None:
                segment[2], segment[3] = segment[4]
            self._keep(segment)
        self.tail.clear()
        self.t = max(self.t, end)

    def current(self) -> Kind | None:
        """What the thread was doing at its latest record (unconfirmed time as running)."""
        if self.tail:
            return self.tail[-1][2]
        return self.final[-1][2] if self.final else None

    def spans(self) -> list[tuple[float, float, Kind]]:
        """Final spans plus the recent ones, provisionally (unconfirmed time as running)."""
        spans = list(self.final)
        for start, end, kind, _, _ in self.tail:
            if spans and spans[-1][2] is kind and abs(spans[-1][1] - start) < 1e-9:
                spans[-1] = (spans[-1][0], end, kind)
            else:
                spans.append((start, end, kind))
        return spans

    def seconds(self) -> tuple[dict[Kind, float], dict[str, float]]:
        """Totals per kind (and blocked seconds per label) so far, the recent tail
        included as it stands; run and queue time the timeline had no room for count too."""
        totals = dict(self.totals)
        blocked = dict(self.blocked_by)
        for start, end, kind, label, _ in self.tail:
            totals[kind] += end - start
            if kind is Kind.BLOCKED:
                blocked[label] = blocked.get(label, 0.0) + end - start
        totals[Kind.RUNNING] += self.unplaced_s  # rare: a claim older than the horizon
        return totals, blocked


def state_entry(name: str, tid: int, totals: dict[Kind, float], blocked_by: dict[str, float],
                measured: bool, gil: bool = True) -> dict[str, Any]:
    """One thread's line of the run result's "thread_states"."""
    waiting = totals.get(Kind.WAITING, 0.0)
    entry: dict[str, Any] = {
        "name": name,
        "tid": tid,
        "cpu_s": round(totals.get(Kind.RUNNING, 0.0), 4),
        "waiting_for_cpu_s": round(totals.get(Kind.CPU_WAIT, 0.0), 4),
        "waiting_for_gil_s": round(waiting if gil else 0.0, 4),
        "blocked_s": round(totals.get(Kind.BLOCKED, 0.0), 4),
        "measured": measured,
    }
    if not gil:
        entry["waiting_other_s"] = round(waiting, 4)
    if blocked_by:
        entry["blocked_by"] = {label or "unsaid": round(seconds, 4)
                               for label, seconds in sorted(blocked_by.items()) if seconds > 0}
    return entry
