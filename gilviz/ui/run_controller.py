"""Runs one lesson at a time off the UI thread and feeds the window polled snapshots.

The run is a core RunSession, made by the same RunFactory as the CLI's; the window
only plugs in its own in-process run, where a QThread orchestrates (it starts and joins
the lesson's threads) so the UI thread never blocks. Nothing signals per increment: a
GUI-side timer polls the session at ~30 Hz, hands the snapshot to the views, and
notices when the run has ended.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from gilviz.core.engine import EngineCommand
from gilviz.core.lesson import Lesson
from gilviz.core.placement import ProbeRun, RunFactory
from gilviz.core.runner import RunResult, execute
from gilviz.core.session import RunSession
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

    def exited(self) -> bool:
        return self.done()

    def close(self, timeout_s: float = 2.0) -> bool:
        self.stop()
        if self._orchestrator.wait(int(timeout_s * 1000)):
            return True
        log.error("run %s did not stop within %.1f s", self._orchestrator.objectName(),
                  timeout_s)
        _UNFINISHED.append(self._orchestrator)
        return False


# The engine's threads may keep both cores busy (a race spins on sleep(0)); at a lower
# priority they still get every cycle the window leaves, but the window's event loop gets
# a core the moment it wakes: the bench's UI-lag p99 for race in the engine went from
# ~8.7 ms to ~5.5 ms on 2 cores. Headless runs (the CLI) keep the normal priority.
WINDOW_ENGINE_NICE = 5
WINDOW_RUNS = RunFactory(in_process=QThreadRun, engine_nice=WINDOW_ENGINE_NICE)


class RunController(QObject):
    """Owns the current run session: start, stop, poll, and a clean shutdown."""

    snapshotReady = Signal(object)  # Snapshot holding the log events since the last one
    runFinished = Signal(object)  # RunResult
    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: RunSession | None = None
        self.last_session: RunSession | None = None  # the latest run, also once it ended
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        # Ended runs whose process is still shutting down: reaped later, never waited
        # for on the UI thread (a child with 64 threads can take ~0.3 s to exit).
        self._exiting: list[tuple[RunSession, float]] = []
        self._reaper = QTimer(self)
        self._reaper.setInterval(REAP_MS)
        self._reaper.timeout.connect(self._reap)

    def is_running(self) -> bool:
        return self._session is not None

    @property
    def session(self) -> RunSession | None:
        """The run going on now, if any."""
        return self._session

    @property
    def lesson_id(self) -> str | None:
        return self._session.lesson.id if self._session is not None else None

    def start(self, lesson: Lesson, params: dict[str, Any], placement: str,
              engine: EngineCommand | None = None) -> RunSession:
        """Start a run; raises ParamError for settings the placement cannot run."""
        if self._session is not None:
            raise RuntimeError("a run is already going on")
        session = RunSession(lesson, params, placement, WINDOW_RUNS, engine)
        session.start()
        self._session = self.last_session = session
        self._timer.start()
        self.runningChanged.emit(True)
        return session

    @Slot()
    def stop(self) -> None:
        if self._session is not None:
            self._session.stop()

    @Slot()
    def poke(self) -> None:
        """Press the running lesson's button (see Probe.wait_for_poke)."""
        if self._session is not None:
            self._session.poke()

    @Slot()
    def shutdown(self, timeout_s: float = 2.0) -> bool:
        """Stop the run and wait for it to end; idempotent. False if it did not end in time."""
        self._reaper.stop()
        exiting, self._exiting = self._exiting, []
        ended = all([session.close(timeout_s) for session, _ in exiting])
        session = self._session
        if session is None:
            return ended
        self._timer.stop()
        self._session = None
        ended = session.close(timeout_s) and ended
        self.runningChanged.emit(False)
        return ended

    @Slot()
    def _poll(self) -> None:
        session = self._session
        if session is None:
            return
        snapshot = session.poll()
        self.snapshotReady.emit(snapshot)
        if session.finished:
            self._finish(session)

    def _finish(self, session: RunSession) -> None:
        self._timer.stop()
        if session.exited():
            session.close()
        else:
            self._exiting.append((session, time.monotonic() + EXIT_GRACE_S))
            self._reaper.start()
        self._session = None
        self.runningChanged.emit(False)
        if session.result is not None:
            self.runFinished.emit(session.result)

    @Slot()
    def _reap(self) -> None:
        still = []
        for session, deadline in self._exiting:
            if session.exited() or time.monotonic() > deadline:
                session.close(timeout_s=0.5)  # exited: returns at once; else terminates it
            else:
                still.append((session, deadline))
        self._exiting = still
        if not still:
            self._reaper.stop()
