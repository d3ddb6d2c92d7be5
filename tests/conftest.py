"""Suite-wide guards: every test must leave no thread or child process behind."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LEFTOVER_GRACE_S = 3.0


def _real_threads() -> set[threading.Thread]:
    # Dummy threads are Python's view of threads it did not start (QThreads); they are
    # never removed from threading.enumerate(), so they cannot be checked this way.
    return {t for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}


def _is_resource_tracker(pid: int) -> bool:
    # multiprocessing's spawn starts one long-lived helper per interpreter: not a leak.
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _child_pids() -> set[int]:
    pids: set[int] = set()
    for children in Path("/proc/self/task").glob("*/children"):
        try:
            pids.update(int(pid) for pid in children.read_text().split())
        except OSError:
            continue
    return {pid for pid in pids if not _is_resource_tracker(pid)}


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """Each test gets its own settings file: none touches the user's, none leaks into
    the next test."""
    monkeypatch.setenv("GILVIZ_SETTINGS", str(tmp_path / "gilviz-settings.ini"))


@pytest.fixture(autouse=True)
def no_leftovers():
    threads_before = _real_threads()
    children_before = _child_pids()
    yield
    deadline = time.monotonic() + LEFTOVER_GRACE_S
    extra = _real_threads() - threads_before
    while extra and time.monotonic() < deadline:
        for thread in extra:
            thread.join(0.05)
        extra = {t for t in extra if t.is_alive()}
    extra_children = _child_pids() - children_before
    while extra_children and time.monotonic() < deadline:
        time.sleep(0.05)
        extra_children = _child_pids() - children_before
    assert not extra, f"test left threads running: {sorted(t.name for t in extra)}"
    assert not extra_children, f"test left child processes: {sorted(extra_children)}"
