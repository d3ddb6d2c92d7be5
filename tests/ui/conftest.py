from __future__ import annotations

import time

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QThread, QTimer

from gilviz.app import build_window

DANGLING_GRACE_S = 3.0


@pytest.fixture(autouse=True)
def no_dangling_qt(monkeypatch):
    """Fail a test that leaves a QThread running or a QTimer active (napari's model):
    every QThread and QTimer started during the test is checked once its widgets are
    closed and deleted."""
    threads: list[QThread] = []
    timers: list[QTimer] = []
    start_thread, start_timer = QThread.start, QTimer.start

    def record_thread(self, *args):
        threads.append(self)
        return start_thread(self, *args)

    def record_timer(self, *args):
        timers.append(self)
        return start_timer(self, *args)

    monkeypatch.setattr(QThread, "start", record_thread)
    monkeypatch.setattr(QTimer, "start", record_timer)
    yield
    monkeypatch.undo()
    deadline = time.monotonic() + DANGLING_GRACE_S
    running = _running(threads)
    while running and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.02)
        running = _running(threads)
    active = sorted({t.objectName() or type(t).__name__ for t in timers
                     if shiboken6.isValid(t) and t.isActive()})
    assert not running, f"test left QThreads running: {running}"
    assert not active, f"test left QTimers active: {active}"


def _running(threads: list[QThread]) -> list[str]:
    return sorted({t.objectName() or type(t).__name__ for t in threads
                   if shiboken6.isValid(t) and t.isRunning()})


@pytest.fixture
def window(qtbot):
    win = build_window()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
