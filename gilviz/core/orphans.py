"""Child processes that end with their parent, however the parent ends.

A process pool's workers, the daemon lesson's child interpreters and the isolated engine
are children of the window (or of the CLI, or of the engine). If that parent is killed
it cannot shut them down, and nothing else would: they would run on, holding CPU, memory
and the POSIX semaphores multiprocessing keeps in /dev/shm.

On Linux the kernel sends a signal to a child when its parent dies (prctl
PR_SET_PDEATHSIG: strictly, when the parent's thread that started the child ends, which
for every gilviz child outlives the child). Elsewhere a daemon thread looks at the
parent's pid. Either way a child whose parent died before it got here leaves at once:
that is why the parent's pid is passed in rather than read with os.getppid(), which in
an orphan already names init.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_ENV = "GILVIZ_PARENT_PID"  # how a child started with subprocess learns its parent
CHECK_S = 0.1


def die_with_parent(parent_pid: int) -> None:
    """End this process (SIGKILL, so quietly) when `parent_pid` ends; now if it has."""
    if not _parent_death_signal(signal.SIGKILL):
        threading.Thread(target=_leave_when_orphaned, args=(parent_pid,),
                         name="orphan-watch", daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)


def die_with_parent_from_env() -> None:
    """For a child whose parent put its pid in GILVIZ_PARENT_PID: die with it, and leave
    Ctrl+C to it."""
    with contextlib.suppress(KeyError, ValueError):
        die_with_parent(int(os.environ[PARENT_ENV]))
        leave_interrupts_to_parent()


def leave_interrupts_to_parent() -> None:
    """Ignore SIGINT in this child. Ctrl+C in a terminal goes to every process of the
    foreground group, children included; the parent stops the run through its stop flag
    and ends its children itself, so here it would only print a KeyboardInterrupt
    traceback and break the orderly stop."""
    with contextlib.suppress(ValueError):  # not the main thread: nothing to do
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def child_env_with_parent(env: dict[str, str]) -> dict[str, str]:
    """`env` plus this process's pid, for a child that calls die_with_parent_from_env()."""
    return {**env, PARENT_ENV: str(os.getpid())}


def _parent_death_signal(signum: int) -> bool:
    """Ask Linux for `signum` when the parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _leave_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(CHECK_S)
    os._exit(1)


class DieWithParent:
    """Put first in a spawned child's arguments: unpickling it there calls
    die_with_parent(pid) and leave_interrupts_to_parent() before anything after it is
    unpickled, which for a process pool's initializer means before its (maybe slow)
    imports. A worker killed with its parent mid start-up then dies too, instead of
    finishing its imports first."""

    def __init__(self, parent_pid: int) -> None:
        self.parent_pid = parent_pid

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (_arranged, (self.parent_pid,))


def _arranged(parent_pid: int) -> None:
    die_with_parent(parent_pid)
    leave_interrupts_to_parent()


def run_guarded(guard: DieWithParent | None, initializer: Callable[..., None],
                *args: Any) -> None:
    """A pool initializer: `guard` did its work while being unpickled; run the real one.
    Usage: initializer=run_guarded, initargs=(DieWithParent(os.getpid()), init, *args)."""
    initializer(*args)
