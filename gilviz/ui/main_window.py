"""The main window: lesson navigator on the left, the lesson's page, a status bar."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from gilviz.core.lesson import Lesson, Registry
from gilviz.ui.demo_page import DemoPage
from gilviz.ui.latency_meter import LatencyMeter
from gilviz.ui.navigator import LessonNavigator

WINDOW_TITLE = "gilviz: Python threads and the GIL, live"


class ExportError(Exception):
    """An export that cannot be made; the message is shown to the user."""


class MainWindow(QMainWindow):
    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.registry = registry
        self.navigator = LessonNavigator(registry)
        self.page = DemoPage()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.page)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([270, 1010])
        self.setCentralWidget(splitter)

        self.position = QLabel()
        self.statusBar().addWidget(self.position)
        self.latency_meter = LatencyMeter()
        self.statusBar().addPermanentWidget(self.latency_meter)

        self._build_menu()
        self.navigator.lessonChosen.connect(self._show_lesson)
        self.navigator.select(next(iter(registry)).id)
        self._shut_down = False

    @Slot(object)
    def _show_lesson(self, lesson: Lesson) -> None:
        self.page.show_lesson(lesson)
        ids = [each.id for each in self.registry]
        self.position.setText(
            f"Lesson {ids.index(lesson.id) + 1} of {len(ids)} · {lesson.chapter}"
        )

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        for text, shortcut, slot in (
            ("Export timeline (Chrome trace)…", "Ctrl+T", self._ask_trace),
            ("Export run history (CSV)…", "Ctrl+H", self._ask_history),
            ("Save view as PNG…", "Ctrl+P", self._ask_png),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.addSeparator()
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)

    # exports: the ask_* slots pick a file, the export_* methods write it (and are tested)
    def export_trace(self, path: Path) -> None:
        trace = self.page.chrome_trace()
        if trace is None:
            raise ExportError("Run a lesson first: there is no timeline to export yet.")
        path.write_text(json.dumps(trace))

    def export_history(self, path: Path) -> None:
        if not self.page.history:
            raise ExportError("Run a lesson first: the run history is empty.")
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(self.page.history[0]))
            writer.writeheader()
            writer.writerows(self.page.history)

    def export_png(self, path: Path) -> None:
        if not self.page.grab().save(str(path), "PNG"):
            raise ExportError(f"Could not write {path}.")

    def _ask_and_export(self, title: str, suggestion: str, pattern: str,
                        export: Callable[[Path], None]) -> None:
        name, _ = QFileDialog.getSaveFileName(self, title, suggestion, pattern)
        if not name:
            return
        try:
            export(Path(name))
        except (ExportError, OSError) as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        self.statusBar().showMessage(f"Saved {name}", 5000)

    @Slot()
    def _ask_trace(self) -> None:
        lesson = self.page.lesson.id if self.page.lesson else "run"
        self._ask_and_export("Export timeline", f"gilviz-{lesson}-trace.json",
                             "Chrome trace (*.json)", self.export_trace)

    @Slot()
    def _ask_history(self) -> None:
        self._ask_and_export("Export run history", "gilviz-runs.csv", "CSV (*.csv)",
                             self.export_history)

    @Slot()
    def _ask_png(self) -> None:
        lesson = self.page.lesson.id if self.page.lesson else "view"
        self._ask_and_export("Save view as PNG", f"gilviz-{lesson}.png", "PNG image (*.png)",
                             self.export_png)

    def shutdown(self) -> None:
        """Stop any run and wait for its threads; safe to call more than once."""
        if self._shut_down:
            return
        self._shut_down = True
        self.latency_meter.stop()
        self.page.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
