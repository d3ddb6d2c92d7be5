"""How much CPU other programs took while a lesson measured.

A timing says little on a busy machine: another program on one of the cores can slow
the sequential phase (a fake speed-up) or the threaded one (a hidden one). So a
measurement brackets itself with an OthersCpu and its verdict turns inconclusive when the
rest of the machine used more than about half a core meanwhile.

"Others" is the whole machine's busy CPU time (steal time included: on a virtual
machine the host takes it) minus what gilviz used: this process, its children (a pool's
worker processes), and, in the isolated engine, the window or CLI that started it
(known from multiprocessing, or from GILVIZ_HOST_PID, which every gilviz process sets
for its children).
On Linux everything comes from /proc, so a free-threaded interpreter without psutil
gets the same answer; elsewhere psutil is used when it is installed, and without it the
load is unknown (None), which no verdict treats as quiet or busy.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

try:  # optional: a free-threaded interpreter may not have it
    import psutil
except ImportError:  # pragma: no cover - depends on the interpreter
    psutil = None

PROC = Path("/proc")
# Every gilviz process tells its children who it is, so an engine started in any way
# (multiprocessing, or `python -m ...`) can count the window or CLI above it as gilviz.
HOST_ENV = "GILVIZ_HOST_PID"
_INHERITED_HOST = os.environ.get(HOST_ENV, "")
os.environ[HOST_ENV] = str(os.getpid())
# Below this the clock-tick accounting (10 ms per core) is too coarse to say anything.
SHORTEST_WINDOW_S = 0.1


@dataclass(frozen=True)
class CpuSample:
    wall_s: float  # time.monotonic()
    machine_busy_s: float  # CPU seconds every core spent on anything but idling
    ours_s: float  # CPU seconds gilviz's own processes used, children included


def sample() -> CpuSample | None:
    """The machine's and gilviz's CPU counters now, or None where they cannot be read."""
    try:
        if (PROC / "stat").exists():
            return CpuSample(time.monotonic(), _proc_machine_busy(), _proc_ours())
        if psutil is not None:
            return CpuSample(time.monotonic(), _psutil_machine_busy(), _psutil_ours())
    except (OSError, ValueError):
        pass
    return None


def others_percent(start: CpuSample | None, end: CpuSample | None) -> float | None:
    """Other programs' CPU use between two samples, in percent of one core (140 = 1.4
    cores busy on average); None when unknown or the window was too short to tell."""
    if start is None or end is None:
        return None
    wall = end.wall_s - start.wall_s
    if wall < SHORTEST_WINDOW_S:
        return None
    others = (end.machine_busy_s - start.machine_busy_s) - (end.ours_s - start.ours_s)
    return round(max(0.0, 100.0 * others / wall), 1)


class OthersCpu:
    """Brackets a measurement: started on creation, read with percent() at its end."""

    def __init__(self) -> None:
        self.start = sample()

    def percent(self) -> float | None:
        return others_percent(self.start, sample())


def _ticks_to_s(ticks: int) -> float:
    return ticks / os.sysconf("SC_CLK_TCK")


def _proc_machine_busy() -> float:
    # cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is
    # already inside user): busy is everything but idle and iowait.
    fields = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return _ticks_to_s(user + nice + system + irq + softirq + steal)


def _proc_times(pid: int, *, with_children: bool) -> float:
    """utime + stime of a process (and of its children it has waited for)."""
    text = (PROC / str(pid) / "stat").read_text()
    fields = text[text.rindex(")") + 2:].split()  # the name may hold spaces and ")"
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return _ticks_to_s(utime + stime + (cutime + cstime if with_children else 0))


def _proc_children(pid: int) -> list[int]:
    children: list[int] = []
    for path in (PROC / str(pid) / "task").glob("*/children"):
        try:
            children += [int(v) for v in path.read_text().split()]
        except OSError:
            continue  # the thread ended meanwhile
    return children


def _proc_ours() -> float:
    """This process tree; a child that ends is counted in its parent's cutime once
    reaped, so the total does not drop when a pool's workers exit."""
    total, todo = 0.0, [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            total += _proc_times(pid, with_children=True)
            todo += _proc_children(pid)
        except (OSError, ValueError):
            continue  # gone between listing and reading
    host = _host_pid()
    if host is not None:
        with contextlib.suppress(OSError, ValueError):  # it may be gone already
            total += _proc_times(host, with_children=False)  # we are its child
    return total


def _host_pid() -> int | None:
    """In the isolated engine, the gilviz process that started it (the window or the
    CLI); None in a process that no gilviz process started."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        return parent.pid
    if _INHERITED_HOST.isdigit() and int(_INHERITED_HOST) == os.getppid():
        return int(_INHERITED_HOST)
    return None


def _psutil_machine_busy() -> float:
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return sum(times) - idle


def _psutil_ours() -> float:
    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        try:
            t = process.cpu_times()
            total += t.user + t.system + getattr(t, "children_user", 0.0) + getattr(
                t, "children_system", 0.0)
        except psutil.Error:
            continue
    host = _host_pid()
    if host is not None:
        try:
            t = psutil.Process(host).cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total
