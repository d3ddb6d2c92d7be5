"""The window's Compare: the current lesson on this window's Python, then on another.

The runs go through the page's own RunController, one after the other, so the page draws
each one live as usual (threads, log, timeline) and Stop stops it; the comparison window
collects both and sets them side by side. Both engines are ready (venvs made) before the
first run starts, so the second follows the first at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from gilviz.core.compare import ComparedRun, Comparison
from gilviz.core.engine import EngineCommand
from gilviz.core.interpreter_probe import Interpreter
from gilviz.core.lesson import Lesson
from gilviz.core.params import ParamError, resolve
from gilviz.core.runner import RunResult
from gilviz.core.session import RunSession
from gilviz.core.telemetry import Snapshot
from gilviz.ui.compare_view import CompareWindow

if TYPE_CHECKING:
    from gilviz.ui.lesson_page import LessonPage


class CompareRunner(QObject):
    def __init__(self, page: LessonPage) -> None:
        super().__init__(page)
        self.page = page
        self.comparison: Comparison | None = None
        self.window: CompareWindow | None = None
        self._current: tuple[int, ComparedRun, RunSession] | None = None
        self._waiting = False  # engines being prepared
        page.controller.snapshotReady.connect(self._on_snapshot)
        page.controller.runFinished.connect(self._on_finished)

    def active(self) -> bool:
        return self._waiting or self._current is not None

    @Slot()
    def start(self) -> None:
        """Compare pressed: find the other Python (offer to build a free-threaded one if
        there is none), prepare both engines, then run."""
        page = self.page
        lesson = page.lesson
        if lesson is None or page.controller.is_running() or self.active():
            return
        try:
            params = resolve(lesson.params, page.run_values())
        except ParamError as exc:
            page.show_problem(str(exc))
            return
        bar = page.interpreters
        other = bar.partner()
        if other is None:
            bar.offer_build(then=lambda _built: self.start())
            return
        self._waiting = True
        page.remember_params()

        def failed(message: str) -> None:
            self._waiting = False
            page.show_problem(message)

        def with_host(host: EngineCommand) -> None:
            bar.request_engine(other, lambda engine: self._begin(lesson, params, host, engine),
                               failed)

        bar.request_engine(bar.host, with_host, failed)

    def _begin(self, lesson: Lesson, params: dict, host: EngineCommand,
               other: EngineCommand) -> None:
        self._waiting = False
        if self.page.lesson is not lesson or self.page.controller.is_running():
            return  # the lecturer moved on (or started a run) meanwhile
        try:
            self.comparison = Comparison(lesson, params, [host, other])
        except ParamError as exc:
            self.page.show_problem(str(exc))
            return
        window = self._window()
        window.begin(self.comparison)
        window.show()
        window.raise_()
        window.activateWindow()
        self._next()

    def _window(self) -> CompareWindow:
        if self.window is None:
            self.window = CompareWindow(self.page)
            self.window.stopRequested.connect(self.stop)
            # Over the main window, and never past the screen's edge.
            top = self.page.window()
            place = top.geometry()
            screen = top.screen()
            if screen is not None:
                place = place.intersected(screen.availableGeometry())
            self.window.setGeometry(place)
        return self.window

    def _next(self) -> None:
        comparison, window = self.comparison, self.window
        assert comparison is not None and window is not None
        run = comparison.pending
        if run is None:
            self._finish()
            return
        index = comparison.runs.index(run)
        session = self.page.start_run(run.engine)
        if session is None:
            window.finished(f"Could not start the run on {run.label}: see the lesson's "
                            "result panel.")
            return
        self._current = (index, run, session)
        window.running(index, run)

    def _finish(self) -> None:
        assert self.comparison is not None and self.window is not None
        runs = self.comparison.runs
        if any(run.result is not None and run.result.stopped for run in runs):
            note = "Stopped: the numbers cover only part of the work."
        elif any(run.result is None or run.result.error for run in runs):
            note = "One run failed: see its column."
        else:
            note = "Both runs done, one after the other, with the same settings."
        self.window.finished(note)

    @Slot(object)
    def _on_snapshot(self, _snapshot: Snapshot) -> None:
        current, window = self._current, self.window
        if current is not None and window is not None:
            window.view.show_live(current[0], current[2])

    @Slot(object)
    def _on_finished(self, result: RunResult) -> None:
        current = self._current
        if current is None or current[2].result is not result:
            return
        index, run, session = current
        self._current = None
        assert self.comparison is not None and self.window is not None
        self.comparison.record(run, session)
        self.window.view.show_run(index, session)
        self._next()

    @Slot()
    def stop(self) -> None:
        if self._current is not None:
            self.page.stop()

    def partner(self) -> Interpreter | None:
        return self.page.interpreters.partner()

    def shutdown(self) -> None:
        self._current = None
        if self.window is not None:
            self.window.stop_button.setEnabled(False)
            self.window.close()
