"""The Timeline tab: the per-thread timeline, its legend, and what the spans add up to."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.timeline import Kind, TimelineRecorder
from gilviz.ui.legend import StateLegend
from gilviz.ui.timeline_view import TimelineView

VIEW_REFRESH_S = 0.1  # the timeline redraws at most 10 times a second while running
STATS_REFRESH_S = 0.5
STATS_COLUMNS = ("Thread", "Run", "Wait", "Block", "Turns")
STATS_TIPS = ("", "Share of its time the thread advanced (ran)",
              "Share of its time it was at work but not advancing: waiting for the GIL",
              "Share of its time in a recorded sleep, join, lock or I/O wait",
              "How many times it got going again after waiting for the GIL")


class TimelineTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = TimelineView()
        self.summary = QLabel("Run a lesson to record each thread's timeline.")
        self.summary.setObjectName("timelineSummary")
        self.summary.setWordWrap(True)
        legend = StateLegend()
        legend.setObjectName("timelineLegend")
        self.stats = QTableWidget(0, len(STATS_COLUMNS))
        self.stats.setObjectName("timelineStats")
        self.stats.setMinimumHeight(50)
        self.stats.setHorizontalHeaderLabels(STATS_COLUMNS)
        for column, tip in enumerate(STATS_TIPS):
            self.stats.horizontalHeaderItem(column).setToolTip(tip)
        self.stats.verticalHeader().hide()
        self.stats.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.stats.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        buttons = QHBoxLayout()
        for text, tip, slot in (
            ("Fit", "Show the whole run (or double-click the timeline)", self.view.fit),
            ("Zoom in", "Zoom in (or the mouse wheel over the timeline)", self._zoom_in),
            ("Zoom out", "Zoom out", self._zoom_out),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addWidget(self.summary, 1)

        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(self.view)
        body.addWidget(self.stats)
        body.setStretchFactor(0, 4)
        body.setStretchFactor(1, 1)
        body.setSizes([400, 90])  # the lanes first; the table scrolls
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(legend)
        layout.addWidget(body, 1)
        self._drawn_at = 0.0
        self._stats_at = 0.0

    @Slot()
    def _zoom_in(self) -> None:
        self.view.zoom(0.5)

    @Slot()
    def _zoom_out(self) -> None:
        self.view.zoom(2.0)

    def reset(self) -> None:
        self.view.clear()
        self.stats.setRowCount(0)
        self.summary.setText("Recording…")
        self._drawn_at = self._stats_at = 0.0

    def refresh(self, recorder: TimelineRecorder, final: bool = False) -> None:
        """Redraw while visible (and once at the end). Every Qt call lets go of the GIL
        and must win it back, so with CPU-bound threads in this process a hidden table
        refreshed cell by cell could freeze the window for a second."""
        if not final and not self.isVisible():
            return
        now = time.monotonic()
        if final or now - self._drawn_at >= VIEW_REFRESH_S:
            self._drawn_at = now
            self.view.show_spans(recorder.spans(), recorder.now_s)
        if final or now - self._stats_at >= STATS_REFRESH_S:
            self._stats_at = now
            self._show_stats(recorder)

    def _show_stats(self, recorder: TimelineRecorder) -> None:
        stats = recorder.stats()
        self.stats.setRowCount(len(stats))
        for row, lane in enumerate(stats):
            cells = (lane.name, f"{lane.share(Kind.RUNNING):.0%}",
                     f"{lane.share(Kind.WAITING):.0%}", f"{lane.share(Kind.BLOCKED):.0%}",
                     f"{lane.switches:,}")
            for column, text in enumerate(cells):
                self.stats.setItem(row, column, QTableWidgetItem(text))
        lost = sum(lane.lost_marks for lane in recorder.lanes)
        note = f" ({lost:,} marks arrived too fast to keep)" if lost else ""
        self.summary.setText(
            f"Some thread was running {recorder.running_fraction():.0%} of the "
            f"{recorder.now_s:.2f} s.{note}")
