"""The kernel sampler: a small process that reads a process's threads from /proc.

`python -m gilviz.core.kernel_sampler --pid PID --shm NAME` finds the threads of PID
(`/proc/PID/task`, every 10 ms) and reads, for each, `schedstat` (cumulative nanoseconds
on a CPU and runnable-but-waiting for one) and `syscall` (`running`, or the number of the
system call a sleeping thread is in) at a steady rate, writing one record per change into
a ring per thread in the shared segment NAME. The reader matches threads to lanes by
their id whenever it gets round to it: a thread is sampled from its first 10 ms whether
or not the reader is keeping up (a reader in a process with 64 CPU-bound threads polls
rarely).

Why a process of its own: a thread inside the sampled process would first have to win
that process's GIL from the very threads it watches, and the counters are the kernel's,
so they need no help from the sampled interpreter. Standard library only, no gilviz
import: any interpreter can host it. Linux only.

Cost: about 1-3 us per thread per sample, plus ~30 us per wake-up; the sampler slows
itself down to stay within a CPU budget (default 2.5% of one core). The counters are
cumulative, so totals stay exact when samples are late; only the time resolution suffers.
"""

from __future__ import annotations

import argparse
import mmap
import os
import signal
import sys
import time

MAGIC = 0x6B73616D706C6531  # "ksample1"
# Header cells (int64)
H_MAGIC, H_SLOTS, H_STOP, H_HEARTBEAT_NS, H_SWEEPS, H_PERIOD_NS, H_CPU_NS, H_STATUS = range(8)
H_SYSCALLS, H_STARTED_NS, H_WALL_NS = 8, 9, 10
HEADER_CELLS = 16
STATUS_STARTING, STATUS_RUNNING, STATUS_ENDED = 0, 1, 2
# Per-slot cells, all written by the sampler: one slot per thread it found.
SLOT_TID, SLOT_WRITTEN, SLOT_STATE = 0, 1, 2
SLOT_CELLS = 4
SLOT_NEW, SLOT_SAMPLING, SLOT_GONE, SLOT_UNREADABLE = 0, 1, 2, 3
MAX_SLOTS = 1024
# Records: (t_ns on CLOCK_MONOTONIC, run_ns, wait_ns, sys)
RECORD_CELLS = 4
RING_RECORDS = 512
RING_MASK = RING_RECORDS - 1
SYS_RUNNABLE = -1  # on a CPU or in the run queue (the syscall file says "running")
SYS_ASLEEP = -2  # asleep, but which system call is not readable (stat's S or D)
SYS_NO_CALL = -3  # asleep outside a system call (a page fault, a stop)

DEFAULT_RATE_HZ = 500.0
DEFAULT_BUDGET = 0.025  # share of one core the sampler may use
SLOWEST_PERIOD_S = 0.05
KEEPALIVE_NS = 100_000_000  # a record at least this often, even when nothing changed
RUNNABLE_EVERY_NS = 10_000_000  # a thread runnable throughout: a record this often
ADAPT_EVERY_NS = 100_000_000
DISCOVER_EVERY_NS = 10_000_000


def segment_size() -> int:
    return 8 * (HEADER_CELLS + MAX_SLOTS * SLOT_CELLS + MAX_SLOTS * RING_RECORDS * RECORD_CELLS)


def slot_base(slot: int) -> int:
    return HEADER_CELLS + slot * SLOT_CELLS


def record_base(slot: int, index: int) -> int:
    rings = HEADER_CELLS + MAX_SLOTS * SLOT_CELLS
    return rings + (slot * RING_RECORDS + (index & RING_MASK)) * RECORD_CELLS


class Watched:
    """One thread's open /proc files (kept open: a pread at offset 0 re-reads them)."""

    __slots__ = ("last", "last_sys", "schedstat", "slot", "stat", "syscall")

    def __init__(self, slot: int, pid: int, tid: int) -> None:
        self.slot = slot
        base = f"/proc/{pid}/task/{tid}/"
        self.schedstat = os.open(base + "schedstat", os.O_RDONLY)
        self.stat = -1
        try:
            self.syscall = os.open(base + "syscall", os.O_RDONLY)
            os.pread(self.syscall, 64, 0)
        except OSError:  # no ptrace access (e.g. Yama): fall back on stat's state letter
            self.syscall = -1
            self.stat = os.open(base + "stat", os.O_RDONLY)
        self.last: tuple[int, int, int] | None = None
        self.last_sys = SYS_RUNNABLE

    def close(self) -> None:
        for fd in (self.schedstat, self.syscall, self.stat):
            if fd >= 0:
                os.close(fd)

    def read_sys(self, pread=os.pread) -> int:
        if self.syscall >= 0:
            text = pread(self.syscall, 64, 0)
            if text[:1] == b"r":
                return SYS_RUNNABLE
            number = int(text.split(None, 1)[0])
            return number if number >= 0 else SYS_NO_CALL
        text = pread(self.stat, 512, 0)
        state = text[text.rindex(b")") + 2:][:1]
        return SYS_RUNNABLE if state == b"R" else SYS_ASLEEP


def sample_forever(ints: memoryview, pid: int, rate_hz: float, budget: float) -> None:
    """Sweep the threads until the reader says stop, or the reader or the target is gone."""
    parent = os.getppid()
    task_dir = f"/proc/{pid}/task"
    min_period = int(1e9 / rate_hz)
    period = min_period
    watched: list[Watched] = []
    known: set[int] = set()  # every thread id given a slot (ids are not reused in a run)
    sweeps = 0
    cpu_mark, wall_mark = time.process_time_ns(), time.monotonic_ns()
    started_cpu = cpu_mark
    ints[H_STARTED_NS] = wall_mark
    ints[H_SYSCALLS] = 1
    ints[H_STATUS] = STATUS_RUNNING
    pread = os.pread
    next_ns = wall_mark
    discovered_at = 0
    try:
        while not ints[H_STOP]:
            now = time.monotonic_ns()
            if now - discovered_at >= DISCOVER_EVERY_NS:
                discovered_at = now
                try:
                    found = os.listdir(task_dir)
                except OSError:
                    break  # the process is gone
                for name in found:
                    tid = int(name)
                    if tid not in known and len(known) < MAX_SLOTS:
                        known.add(tid)
                        entry = _watch(ints, len(known) - 1, pid, tid)
                        if entry is not None:
                            watched.append(entry)
                now = time.monotonic_ns()
            ended = []
            for entry in watched:
                try:
                    run_ns, wait_ns, slices = pread(entry.schedstat, 128, 0).split()
                    counters = (int(run_ns), int(wait_ns), int(slices))
                    last_sys = entry.last_sys
                    if counters == entry.last and last_sys != SYS_RUNNABLE:
                        sys_now = last_sys  # never on a CPU since: still in the same call
                    else:
                        sys_now = entry.read_sys(pread)
                except (OSError, ValueError):
                    ended.append(entry)
                    continue
                base = slot_base(entry.slot)
                written = ints[base + SLOT_WRITTEN]
                if sys_now == last_sys:
                    # nothing new to say: the same sleep, or still runnable (its counters
                    # are cumulative, so a record every RUNNABLE_EVERY_NS loses nothing)
                    quiet = KEEPALIVE_NS if counters == entry.last else RUNNABLE_EVERY_NS
                    if (sys_now == SYS_RUNNABLE or counters == entry.last) and (
                            now - ints[record_base(entry.slot, written - 1)] < quiet):
                        continue
                entry.last, entry.last_sys = counters, sys_now
                at = record_base(entry.slot, written)
                ints[at] = now
                ints[at + 1] = counters[0]
                ints[at + 2] = counters[1]
                ints[at + 3] = sys_now
                ints[base + SLOT_WRITTEN] = written + 1  # publish once the record is whole
            for entry in ended:
                entry.close()
                watched.remove(entry)
                ints[slot_base(entry.slot) + SLOT_STATE] = SLOT_GONE
            sweeps += 1
            ints[H_SWEEPS] = sweeps
            ints[H_HEARTBEAT_NS] = now
            if now - wall_mark >= ADAPT_EVERY_NS:
                cpu = time.process_time_ns()
                used = (cpu - cpu_mark) / (now - wall_mark)
                period = _adapt(period, used, budget, min_period)
                cpu_mark, wall_mark = cpu, now
                ints[H_CPU_NS] = cpu - started_cpu
                ints[H_PERIOD_NS] = period
                if os.getppid() != parent:
                    break  # the reader is gone: nobody will stop us
            after = time.monotonic_ns()
            next_ns = max(next_ns + period, after + period // 4)
            time.sleep(max(0, next_ns - after) / 1e9)
    finally:
        for entry in watched:
            entry.close()
        ints[H_CPU_NS] = time.process_time_ns() - started_cpu
        ints[H_WALL_NS] = time.monotonic_ns() - ints[H_STARTED_NS]
        ints[H_STATUS] = STATUS_ENDED


def _watch(ints: memoryview, slot: int, pid: int, tid: int) -> Watched | None:
    """Give a newly found thread its slot (published to the reader) and open its files."""
    base = slot_base(slot)
    ints[base + SLOT_TID] = tid
    try:
        entry = Watched(slot, pid, tid)
    except OSError:
        ints[base + SLOT_STATE] = SLOT_GONE
        entry = None
    else:
        if entry.syscall < 0:
            ints[H_SYSCALLS] = 0
        ints[base + SLOT_STATE] = SLOT_SAMPLING
    ints[H_SLOTS] = slot + 1  # publish once the slot is filled in
    return entry


def _adapt(period: int, used: float, budget: float, min_period: int) -> int:
    """Slow down when over the CPU budget, speed back up (to the asked rate) when well under."""
    if used > budget:
        return min(int(SLOWEST_PERIOD_S * 1e9), int(period * used / budget * 1.1))
    if used < 0.7 * budget and period > min_period:
        return max(min_period, int(period * max(0.5, used / budget / 0.85)))
    return period


def attach(name: str) -> tuple[mmap.mmap, memoryview]:
    """Map the reader's segment by its name without multiprocessing's resource tracker,
    which would otherwise unlink the segment when this process ends."""
    fd = os.open(f"/dev/shm/{name.lstrip('/')}", os.O_RDWR)
    try:
        mapping = mmap.mmap(fd, segment_size())
    finally:
        os.close(fd)
    return mapping, memoryview(mapping).cast("q")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gilviz.core.kernel_sampler")
    parser.add_argument("--pid", type=int, required=True, help="the process whose threads to read")
    parser.add_argument("--shm", required=True, help="name of the shared segment")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE_HZ, help="samples a second")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                        help="share of one core the sampler may use")
    args = parser.parse_args(argv)
    # Ctrl+C in a terminal reaches the whole process group: the owner stops the sampler
    # itself when its run ends, so here it would only print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if args.rate <= 0 or not 0 < args.budget <= 1:
        print("kernel_sampler: --rate must be > 0 and --budget in (0, 1]", file=sys.stderr)
        return 2
    try:
        mapping, ints = attach(args.shm)
    except OSError as exc:
        print(f"kernel_sampler: cannot open the shared segment: {exc}", file=sys.stderr)
        return 2
    try:
        if ints[H_MAGIC] != MAGIC:
            print("kernel_sampler: the shared segment is not a sampler's", file=sys.stderr)
            return 2
        sample_forever(ints, args.pid, args.rate, args.budget)
    finally:
        ints.release()
        mapping.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
