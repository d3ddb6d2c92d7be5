"""Thread states measured by the kernel for one run: start the sampler, read what it wrote.

    kernel = KernelStates.start(pid, origin_ns)   # None where /proc cannot tell (not Linux)
    ... at every poll: kernel.update(snapshot.lanes, activity_of, upto_s)
    kernel.stop()

The sampler is a separate process (see kernel_sampler), so it keeps its rate whatever
the sampled process's threads do to their GIL, whether that process is the window's own
(a run in the window) or the engine child. This side needs no particular timing: the
sampler keeps a ring of records per thread, and the counters in them are cumulative.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from multiprocessing import shared_memory
from typing import Any

from gilviz.core import kernel_sampler as ks
from gilviz.core.engine import EngineCommand
from gilviz.core.telemetry import LaneSnapshot
from gilviz.core.thread_states import LaneActivity, ThreadLedger, call_table

FROZEN_SAMPLER_FLAG = "--gilviz-kernel-sampler"  # app.main dispatches it in a bundle
PR_SET_PTRACER = 0x59616D61  # Yama: let this process read our threads' system calls
STOP_WAIT_S = 2.0
MARKS_MARGIN_S = 0.005  # records newer than the lanes' marks minus this wait for the next poll


def sampler_command(python: str | None = None) -> list[str]:
    """How to start the sampler: a module of any Python that can import gilviz, or, in a
    frozen bundle (which has no -m), the bundle's own executable with a flag."""
    if getattr(sys, "frozen", False) and python in (None, sys.executable):
        return [sys.executable, FROZEN_SAMPLER_FLAG]
    return [python or sys.executable, "-m", "gilviz.core.kernel_sampler"]


def supported(pid: int) -> bool:
    """True where a thread's schedstat can be read (Linux with scheduler statistics)."""
    return (sys.platform.startswith("linux") and os.path.isdir(f"/proc/{pid}/task")
            and os.path.exists("/proc/thread-self/schedstat"))


@functools.cache
def _gil_of_interpreter(python: str, env: tuple[tuple[str, str], ...]) -> bool:
    code = "import sys; print(int(getattr(sys, '_is_gil_enabled', lambda: True)()))"
    try:
        done = subprocess.run([python, "-c", code], capture_output=True, text=True,
                              timeout=10, env=dict(env) or None, check=True)
        return done.stdout.strip() != "0"
    except (OSError, subprocess.SubprocessError):
        return True


def gil_of(python: str | None = None, env: dict[str, str] | None = None) -> bool:
    """Whether the interpreter (this one by default) runs with a GIL: on a free-threaded
    build a futex wait at work is a lock or other wait, not a GIL wait."""
    if python is None or (python == sys.executable and not (env or {}).get("PYTHON_GIL")):
        return bool(getattr(sys, "_is_gil_enabled", lambda: True)())
    return _gil_of_interpreter(python, tuple(sorted((env or {}).items())))


def allow_reader(pid: int) -> None:
    """Where Yama restricts ptrace (Ubuntu's default), a process may read the system call
    of only its own descendants' threads; a sampler reading its parent (the window) needs
    the parent's leave. Harmless elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PTRACER, ctypes.c_ulong(pid), 0, 0, 0)
    except (OSError, AttributeError):
        pass


class KernelStates:
    """The sampler of one run's threads and the per-thread ledgers built from it."""

    def __init__(self, pid: int, origin_ns: Callable[[], int], gil: bool,
                 segment: shared_memory.SharedMemory, process: subprocess.Popen) -> None:
        self.pid = pid
        self.gil = gil
        self._read_origin = origin_ns
        self._origin = 0
        self._segment = segment
        self._ints = segment.buf.cast("q")
        self.process = process
        self._calls = call_table()
        self._slot_of_tid: dict[int, int] = {}  # the sampler's slot for each thread it found
        self._slots_known = 0
        self._paired: set[tuple[int, int]] = set()  # (lane index, tid) given a ledger
        self._ledgers: list[tuple[int, int, ThreadLedger]] = []  # (lane index, slot, ledger)
        self._of_lane: dict[int, list[ThreadLedger]] = {}
        self._seen: list[int] = []
        self._ended: list[bool] = []
        self._resume_at = 0  # the ledger a budgeted read stopped in
        self.lost_records = 0
        self._stopped = False
        self._syscalls = True
        self.stats: dict[str, Any] = {}

    @classmethod
    def start(cls, pid: int, origin_ns: Callable[[], int] | int, *, gil: bool = True,
              rate_hz: float = ks.DEFAULT_RATE_HZ, budget: float = ks.DEFAULT_BUDGET,
              python: str | None = None) -> KernelStates | None:
        """Start sampling `pid`'s threads, or None where the kernel cannot tell (then the
        timeline keeps its inferred states). `origin_ns` is the run's time zero on
        CLOCK_MONOTONIC (Probe.origin_ns, or the engine Board's origin once set)."""
        if not supported(pid):
            return None
        origin = origin_ns if callable(origin_ns) else (lambda: origin_ns)
        segment = shared_memory.SharedMemory(create=True, size=ks.segment_size())
        ints = segment.buf.cast("q")
        ints[ks.H_MAGIC] = ks.MAGIC
        ints.release()
        try:
            process = subprocess.Popen(
                [*sampler_command(python), "--pid", str(pid), "--shm", segment.name,
                 "--rate", str(rate_hz), "--budget", str(budget)],
                stdin=subprocess.DEVNULL, close_fds=True,
                env=EngineCommand(python or sys.executable).environ())
        except OSError:
            segment.close()
            segment.unlink()
            return None
        if pid == os.getpid():
            allow_reader(process.pid)
        return cls(pid, origin, gil, segment, process)

    # -- reading ---------------------------------------------------------------------------

    def update(self, lanes: Sequence[LaneSnapshot], activity_of: Callable[[int], LaneActivity],
               upto_s: float, budget_s: float | None = None) -> None:
        """Pair new lane threads with the sampler's slots and fold new records into the
        ledgers, up to `upto_s` on the run's timeline (the lanes' marks are known that far).
        Records wait in the sampler's rings, so this may be called late or seldom; with a
        `budget_s` it stops folding after that long and goes on where it left off next
        time (a burst of records then never holds the window's thread for long)."""
        if self._stopped:
            return
        origin = self._origin_ns()
        if not origin:
            return  # the run has not set its time zero yet
        self._register(lanes)
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        self._read(origin, activity_of, upto_s - MARKS_MARGIN_S, deadline)

    def _origin_ns(self) -> int:
        """The run's time zero, kept once known (the run may free its board before the
        last read)."""
        if not self._origin:
            with contextlib.suppress(ValueError, AttributeError, OSError):
                self._origin = self._read_origin()
        return self._origin

    def _register(self, lanes: Sequence[LaneSnapshot]) -> None:
        """Pair each lane's thread with the slot the sampler gave that thread id."""
        ints = self._ints
        slots = min(ints[ks.H_SLOTS], ks.MAX_SLOTS)
        for slot in range(self._slots_known, slots):
            self._slot_of_tid[ints[ks.slot_base(slot) + ks.SLOT_TID]] = slot
        self._slots_known = slots
        for index, lane in enumerate(lanes):
            key = (index, lane.tid)
            if lane.tid <= 0 or key in self._paired or lane.tid not in self._slot_of_tid:
                continue
            self._paired.add(key)
            ledger = ThreadLedger(lane.started_s, lane.cpu0_ns, lane.wait0_ns, self.gil,
                                  self._calls)
            slot = self._slot_of_tid[lane.tid]
            self._ledgers.append((index, slot, ledger))
            self._of_lane.setdefault(index, []).append(ledger)
            written = ints[ks.slot_base(slot) + ks.SLOT_WRITTEN]
            self._seen.append(max(0, written - ks.RING_RECORDS))  # older ones are gone
            self._ended.append(False)

    def _read(self, origin: int, activity_of: Callable[[int], LaneActivity],
              upto_s: float, deadline: float | None = None) -> None:
        ints = self._ints
        heartbeat_s = (ints[ks.H_HEARTBEAT_NS] - origin) / 1e9
        count = len(self._ledgers)
        first = self._resume_at % count if count else 0  # where the last budget ran out
        for number in (*range(first, count), *range(first)):
            index, slot, ledger = self._ledgers[number]
            if self._ended[number]:
                continue
            base = ks.slot_base(slot)
            state = ints[base + ks.SLOT_STATE]
            written = ints[base + ks.SLOT_WRITTEN]
            seen = self._seen[number]
            if written - seen > ks.RING_RECORDS:
                self.lost_records += written - seen - ks.RING_RECORDS
                seen = written - ks.RING_RECORDS
            during = activity_of(index).during
            while seen < written:
                if deadline is not None and time.perf_counter() > deadline:
                    self._seen[number] = seen
                    self._resume_at = number
                    return
                at = ks.record_base(slot, seen)
                t_ns, run_ns, wait_ns, sys_code = ints[at:at + ks.RECORD_CELLS].tolist()
                if ints[base + ks.SLOT_WRITTEN] - seen > ks.RING_RECORDS:
                    seen = ints[base + ks.SLOT_WRITTEN] - ks.RING_RECORDS  # overwritten
                    continue
                t = (t_ns - origin) / 1e9
                if t > upto_s:
                    break
                ledger.feed(t, run_ns, wait_ns, sys_code, during)  # ignores times before
                seen += 1                                            # the lane's start
            self._seen[number] = seen
            if seen == written and ledger.records and state == ks.SLOT_SAMPLING:
                # no record since means no change: the state held until the last sweep
                # (which read the thread: it marks a vanished thread gone before it ends)
                ledger.feed(min(heartbeat_s, upto_s), ledger.run_ns, ledger.wait_ns,
                            ledger.sys_code, during, recorded=False)
            if state in (ks.SLOT_GONE, ks.SLOT_UNREADABLE) and seen == written:
                # Nothing was recorded between the last sweep that saw the thread and
                # its end: its last state held until the lane said it was done (a
                # sampler slowed by a busy machine otherwise lost a whole last sleep).
                done = activity_of(index).done_at()
                if done is not None and ledger.records and done > ledger.t:
                    ledger.feed(done, ledger.run_ns, ledger.wait_ns, ledger.sys_code, during,
                                recorded=False)
                ledger.close()
                self._ended[number] = True

    def ledgers(self, index: int) -> list[ThreadLedger]:
        """The ledgers of lane `index` (one per thread it had), oldest first."""
        return [ledger for ledger in self._of_lane.get(index, ()) if ledger.records]

    def cpu_s(self) -> float:
        """CPU seconds the lesson's threads have used so far, as of their latest records."""
        return sum(ledger.cpu_s() for _, _, ledger in self._ledgers)

    def cpu_reading(self) -> tuple[float, float] | None:
        """(t, CPU seconds): the lesson threads' CPU time and the time on the run's clock
        their ledgers are fed up to. A rate taken between two readings uses the data's
        own clock: the wall clock of the reader would count a late read as extra CPU."""
        fed = [ledger.t for number, (_, _, ledger) in enumerate(self._ledgers)
               if ledger.records and not self._ended[number]]
        if not fed:  # every thread has ended: their totals are final
            fed = [ledger.t for _, _, ledger in self._ledgers if ledger.records]
        return (min(fed), self.cpu_s()) if fed else None

    def syscalls_readable(self) -> bool:
        return bool(self._ints[ks.H_SYSCALLS]) if not self._stopped else self._syscalls

    # -- ending ----------------------------------------------------------------------------

    def stop(self, lanes: Sequence[LaneSnapshot] | None = None,
             activity_of: Callable[[int], LaneActivity] | None = None) -> dict[str, Any]:
        """Stop the sampler (after a last read, if given the lanes) and free the segment.
        Returns the sampler's own cost: cpu_s, wall_s, sweeps, rate_hz."""
        if self._stopped:
            return self.stats
        ints = self._ints
        if lanes is not None and activity_of is not None:
            origin = self._origin_ns()
            if origin:
                self._register(lanes)
                self._read(origin, activity_of, float("inf"))
        ints[ks.H_STOP] = 1
        try:
            self.process.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(1.0)
        wall_s = ints[ks.H_WALL_NS] / 1e9
        self.stats = {
            "cpu_s": ints[ks.H_CPU_NS] / 1e9,
            "wall_s": wall_s,
            "sweeps": ints[ks.H_SWEEPS],
            "rate_hz": ints[ks.H_SWEEPS] / wall_s if wall_s > 0 else 0.0,
            "period_ms": ints[ks.H_PERIOD_NS] / 1e6,
            "lost_records": self.lost_records,
        }
        self._syscalls = bool(ints[ks.H_SYSCALLS])
        for _, _, ledger in self._ledgers:
            ledger.close()
        self._stopped = True
        ints.release()
        self._segment.close()
        self._segment.unlink()
        return self.stats

    def __del__(self) -> None:  # a forgotten stop() must not leave the sampler running
        if not getattr(self, "_stopped", True) and self.process.poll() is None:
            self.process.kill()
