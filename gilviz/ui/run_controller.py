"""Runs one lesson at a time off the UI thread and feeds the window polled snapshots.

In the window's process a QThread orchestrates the run (it starts and joins the
lesson's threads), so the UI thread never blocks; in the isolated engine a child
process does. Either way nothing signals per increment: a GUI-side timer copies a
snapshot at ~30 Hz, hands it to the views, and notices when the run has ended.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from gilviz.core.engine import EngineRun
from gilviz.core.lesson import Lesson
from gilviz.core.placement import ISOLATED, ProbeRun, Run, check_placement
from gilviz.core.runner import RunResult, execute
from gilviz.core.telemetry import Probe, Snapshot, WindowCourtesy

POLL_MS = 33
REAP_MS = 100
EXIT_GRACE_S = 3.0
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


class QThreadRun(ProbeRun):
    """A run in the window's process, with the same interface as the isolated EngineRun."""

    def __init__(self, lesson: Lesson, params: dict[str, Any]) -> None:
        super().__init__()
        self.probe.courtesy = WindowCourtesy()  # Stop stays reachable under 64 threads
        self._orchestrator = _Orchestrator(lesson, params, self.probe)

    def snapshot(self, events_from: int = 0) -> Snapshot:
        """Polled by the UI thread, so each poll tells the workers it had its turn."""
        if self.probe.courtesy is not None:
            self.probe.courtesy.beat()
        return super().snapshot(events_from)

    def start(self) -> None:
        self._orchestrator.start()

    def done(self) -> bool:
        return self._orchestrator.isFinished()

    def result(self) -> RunResult | None:
        return self._orchestrator.result if self.done() else None

    def close(self, timeout_s: float = 2.0) -> bool:
        self.stop()
        if self._orchestrator.wait(int(timeout_s * 1000)):
            return True
        log.error("run %s did not stop within %.1f s", self._orchestrator.objectName(),
                  timeout_s)
        _UNFINISHED.append(self._orchestrator)
        return False


class RunController(QObject):
    """Owns the current run: start, stop, poll, and a clean shutdown."""

    snapshotReady = Signal(object)  # Snapshot holding the log events since the last one
    runFinished = Signal(object)  # RunResult
    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run: Run | None = None
        self.lesson_id: str | None = None  # the lesson being run, if any
        self.placement: str | None = None
        self._events_seen = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        # Ended engines whose process is still shutting down: reaped later, never waited
        # for on the UI thread (a child with 64 threads can take ~0.3 s to exit).
        self._exiting: list[tuple[EngineRun, float]] = []
        self._reaper = QTimer(self)
        self._reaper.setInterval(REAP_MS)
        self._reaper.timeout.connect(self._reap)

    def is_running(self) -> bool:
        return self._run is not None

    @property
    def current_run(self) -> Run | None:
        return self._run

    def start(self, lesson: Lesson, params: dict[str, Any], placement: str) -> None:
        """Start a run; raises ParamError for settings the placement cannot run."""
        if self._run is not None:
            raise RuntimeError("a run is already going on")
        check_placement(lesson, params, placement)
        run: Run = (EngineRun(lesson.id, params) if placement == ISOLATED
                    else QThreadRun(lesson, params))
        run.start()
        self._run = run
        self.lesson_id = lesson.id
        self.placement = placement
        self._events_seen = 0
        self._timer.start()
        self.runningChanged.emit(True)

    @Slot()
    def stop(self) -> None:
        if self._run is not None:
            self._run.stop()

    @Slot()
    def poke(self) -> None:
        """Press the running lesson's button (see Probe.wait_for_poke)."""
        if self._run is not None:
            self._run.poke()

    def shutdown(self, timeout_s: float = 2.0) -> bool:
        """Stop the run and wait for it to end; idempotent. False if it did not end in time."""
        self._reaper.stop()
        exiting, self._exiting = self._exiting, []
        ended = all([engine.close(timeout_s) for engine, _ in exiting])
        run = self._run
        if run is None:
            return ended
        self._timer.stop()
        self._run = None
        self.lesson_id = None
        ended = run.close(timeout_s) and ended
        self.runningChanged.emit(False)
        return ended

    @Slot()
    def _poll(self) -> None:
        run = self._run
        if run is None:
            return
        finished = run.done()  # asked first, so the snapshot below includes the very end
        snapshot = run.snapshot(events_from=self._events_seen)
        self._events_seen = snapshot.events_total
        self.snapshotReady.emit(snapshot)
        if finished:
            self._finish(run)

    def _finish(self, run: Run) -> None:
        self._timer.stop()
        if isinstance(run, EngineRun) and not run.reap():
            self._exiting.append((run, time.monotonic() + EXIT_GRACE_S))
            self._reaper.start()
        else:
            run.close()
        result = run.result()
        self._run = None
        self.lesson_id = None
        self.runningChanged.emit(False)
        if result is not None:
            self.runFinished.emit(result)

    @Slot()
    def _reap(self) -> None:
        still = []
        for engine, deadline in self._exiting:
            if engine.reap() or time.monotonic() > deadline:
                engine.close(timeout_s=0.5)  # exited: returns at once; else terminates it
            else:
                still.append((engine, deadline))
        self._exiting = still
        if not still:
            self._reaper.stop()
