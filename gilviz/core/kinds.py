"""The states a timeline draws, and how each is known: measured by the kernel or inferred."""

from __future__ import annotations

from enum import IntEnum


class Kind(IntEnum):
    RUNNING = 0
    WAITING = 1  # for the GIL (or, on a free-threaded build, a lock or other wait)
    BLOCKED = 2
    IDLE = 3
    DONE = 4
    CPU_WAIT = 5  # runnable, but every core was busy: waiting for a core


# Where only the lanes' own progress marks are known (not Linux, or /proc unreadable).
LEGEND = {
    Kind.RUNNING: "running: the thread advanced, so it was executing (held the GIL for "
                  "Python code)",
    Kind.WAITING: "waiting: at its work but not advancing for over 3x its usual step: "
                  "waiting for the GIL",
    Kind.BLOCKED: "blocked: recorded by the thread around sleep, join, lock, event or I/O",
    Kind.IDLE: "idle: created, not yet at its work",
    Kind.DONE: "done: finished",
    Kind.CPU_WAIT: "waiting for a core: cannot be told apart from a GIL wait without "
                   "the kernel's counters",
}

# Where the kernel's counters are read (Linux): which parts are measured, which inferred.
MEASURED_LEGEND = {
    Kind.RUNNING: "running: on a CPU core (measured: the kernel's run-time counter grew)",
    Kind.CPU_WAIT: "waiting for a core: runnable, but no core was free (measured: the "
                   "kernel's run-queue wait grew)",
    Kind.WAITING: "waiting for the GIL: asleep in a futex while at its work (asleep and "
                  "the system call: measured; that the lock is the GIL: inferred)",
    Kind.BLOCKED: "blocked: asleep where the thread said it waits (sleep, join, lock, "
                  "event, I/O), or in a sleep/poll/read system call (measured)",
    Kind.IDLE: "idle: created, not yet at its work",
    Kind.DONE: "done: finished",
}

# A free-threaded build has no GIL: a futex wait at work is some other lock.
NO_GIL_WAITING = ("waiting (lock or other): asleep in a futex while at its work; this "
                  "build has no GIL, so it is a lock or another wait")


def legend(kind: Kind, measured: bool, gil: bool = True) -> str:
    """The legend line for a kind, worded for how it was known and for the build."""
    if measured and kind is Kind.WAITING and not gil:
        return NO_GIL_WAITING
    return (MEASURED_LEGEND if measured else LEGEND)[kind]
