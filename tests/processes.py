"""Find processes a subprocess under test left behind, even reparented grandchildren.

The suite's leftover guard (tests/conftest.py) sees only this process's own children.
A test that starts gilviz as a subprocess marks it with an environment variable, which
every process it spawns inherits; whatever still carries the mark afterwards leaked.
"""

from __future__ import annotations

import os
import time
import uuid

import psutil

MARK = "GILVIZ_TEST_MARK"


def marked_env(**extra: str) -> tuple[dict[str, str], str]:
    """A copy of this environment with a fresh mark (and `extra`), and the mark."""
    mark = uuid.uuid4().hex
    return {**os.environ, MARK: mark, **extra}, mark


def processes_with(mark: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(MARK) == mark and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def leftovers(mark: str, grace_s: float = 3.0) -> list[str]:
    """Descriptions of marked processes still alive after a short grace period."""
    deadline = time.monotonic() + grace_s
    while True:
        alive = processes_with(mark)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    described = []
    for proc in alive:
        try:
            described.append(f"{proc.pid}: {' '.join(proc.cmdline())[:200]}")
        except psutil.Error:
            continue
    return described
