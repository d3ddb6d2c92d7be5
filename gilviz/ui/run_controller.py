"""Runs one lesson at a time off the UI thread and feeds the window polled snapshots.

A QThread orchestrates the run (it starts and joins the lesson's threads), so the UI
thread never blocks. Nothing signals per increment: a GUI-side timer copies a snapshot
at ~30 Hz and hands it to the views.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from gilviz.core.lesson import Lesson
from gilviz.core.runner import RunResult, execute
from gilviz.core.telemetry import Probe

POLL_MS = 33
log = logging.getLogger(__name__)

# Orchestrators that did not stop in time: kept referenced so Qt never destroys a running
# QThread (which aborts the process). Workers honour the stop token, so this stays empty.
_UNFINISHED: list[QThread] = []


class _Orchestrator(QThread):
    def __init__(self, lesson: Lesson, params: dict[str, Any], probe: Probe) -> None:
        super().__init__()
        self.setObjectName(f"gilviz-run-{lesson.id}")
        self._lesson = lesson
        self._params = params
        self._probe = probe
        self.result: RunResult | None = None

    def run(self) -> None:
        # Python sees a QThread as a daemon "dummy" thread, and new threads inherit the
        # daemon flag of the thread that creates them. So the lesson's own main runs in
        # a plain Python thread, as a script's main would, and starts non-daemon threads.
        lesson_main = threading.Thread(
            target=self._execute, name=f"{self.objectName()}-main", daemon=False
        )
        lesson_main.start()
        lesson_main.join()

    def _execute(self) -> None:
        self.result = execute(self._lesson, self._params, self._probe)


class RunController(QObject):
    """Owns the current run: start, stop, poll, and a clean shutdown."""

    snapshotReady = Signal(object)  # Snapshot holding the log events since the last one
    runFinished = Signal(object)  # RunResult
    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._orchestrator: _Orchestrator | None = None
        self.lesson_id: str | None = None  # the lesson being run, if any
        self._probe: Probe | None = None
        self._events_seen = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def is_running(self) -> bool:
        return self._orchestrator is not None

    def start(self, lesson: Lesson, params: dict[str, Any]) -> None:
        if self._orchestrator is not None:
            raise RuntimeError("a run is already going on")
        self._probe = Probe()
        self.lesson_id = lesson.id
        self._events_seen = 0
        self._orchestrator = _Orchestrator(lesson, params, self._probe)
        self._orchestrator.finished.connect(self._on_finished)
        self._orchestrator.start()
        self._timer.start()
        self.runningChanged.emit(True)

    @Slot()
    def stop(self) -> None:
        if self._probe is not None:
            self._probe.stop.set()

    def shutdown(self, timeout_s: float = 2.0) -> bool:
        """Stop and wait for the run; idempotent. False if it did not end in time."""
        orchestrator = self._orchestrator
        if orchestrator is None:
            return True
        self.stop()
        orchestrator.finished.disconnect(self._on_finished)
        self._timer.stop()
        self._orchestrator = None
        if orchestrator.wait(int(timeout_s * 1000)):
            self.runningChanged.emit(False)
            return True
        log.error("run %s did not stop within %.1f s", orchestrator.objectName(), timeout_s)
        _UNFINISHED.append(orchestrator)
        return False

    @Slot()
    def _poll(self) -> None:
        if self._probe is None:
            return
        snapshot = self._probe.snapshot(events_from=self._events_seen)
        self._events_seen = snapshot.events_total
        self.snapshotReady.emit(snapshot)

    @Slot()
    def _on_finished(self) -> None:
        orchestrator = self._orchestrator
        if orchestrator is None:
            return
        orchestrator.wait()  # already finished: returns at once
        self._timer.stop()
        self._poll()
        self._orchestrator = None
        self._probe = None
        self.lesson_id = None
        result = orchestrator.result
        self.runningChanged.emit(False)
        if result is not None:
            self.runFinished.emit(result)
