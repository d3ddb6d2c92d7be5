"""The main window: lesson navigator on the left, the lesson's page, a status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QWidget

from gilviz.core.lesson import Lesson, Registry
from gilviz.ui.demo_page import DemoPage
from gilviz.ui.latency_meter import LatencyMeter
from gilviz.ui.navigator import LessonNavigator

WINDOW_TITLE = "gilviz: Python threads and the GIL, live"


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
