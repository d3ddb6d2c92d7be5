"""The Timeline tab: the per-thread timeline, its legend, and what the spans add up to."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.timeline import Kind, TimelineRecorder
from gilviz.ui.lane_raster import covered_seconds, lane_totals
from gilviz.ui.legend import StateLegend
from gilviz.ui.timeline_view import TimelineView

VIEW_REFRESH_S = 0.1  # the timeline redraws at most 10 times a second while running
STATS_REFRESH_S = 0.5
STATS_COLUMNS = ("Thread", "Run", "Wait", "Block", "Turns")
STATS_TIPS = ("", "Share of its time the thread advanced (ran)",
              "Share of its time it was at work but not advancing: waiting for the GIL",
              "Share of its time in a recorded sleep, join, lock or I/O wait",
              "How many times it got going again after waiting for the GIL")


Index = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()


class StatsModel(QAbstractTableModel):
    """The per-thread totals as a model: a refresh is one signal for the whole table,
    where a QTableWidget item per cell (and columns sized to their contents) cost tens
    of milliseconds of the UI thread for 64 threads, twice a second."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, ...]] = []

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(STATS_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column():
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return STATS_COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return STATS_TIPS[section] or None
        return None

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        if len(rows) != len(self.rows):
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        elif rows != self.rows:
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(rows) - 1, len(STATS_COLUMNS) - 1))


class TimelineTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = TimelineView()
        self.summary = QLabel("Run a lesson to record each thread's timeline.")
        self.summary.setObjectName("timelineSummary")
        self.summary.setWordWrap(True)
        legend = StateLegend()
        legend.setObjectName("timelineLegend")
        self.stats_model = StatsModel()
        self.stats = QTableView()
        self.stats.setObjectName("timelineStats")
        self.stats.setModel(self.stats_model)
        self.stats.setMinimumHeight(50)
        self.stats.verticalHeader().hide()
        self.stats.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.stats.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.restyle()

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

    def restyle(self) -> None:
        """Column widths from the text size (measured once, not per refresh)."""
        metrics = QFontMetrics(self.stats.font())
        for column, title in enumerate(STATS_COLUMNS[1:], start=1):
            width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance("100%"),
                        metrics.horizontalAdvance("88,888") if title == "Turns" else 0)
            self.stats.setColumnWidth(column, width + 16)
        self.stats.verticalHeader().setDefaultSectionSize(metrics.height() + 6)

    def stats_text(self, row: int, column: int) -> str:
        return self.stats_model.rows[row][column]

    @Slot()
    def _zoom_in(self) -> None:
        self.view.zoom(0.5)

    @Slot()
    def _zoom_out(self) -> None:
        self.view.zoom(2.0)

    def reset(self) -> None:
        self.view.clear()
        self.stats_model.set_rows([])
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
            self.view.show_spans(recorder.spans(), recorder.now_s, live=not final)
        if final or now - self._stats_at >= STATS_REFRESH_S:
            self._stats_at = now
            self._show_stats(recorder)

    def _show_stats(self, recorder: TimelineRecorder) -> None:
        """The totals from the spans the view already holds as arrays: numpy sums, not
        a Python loop over every span of every thread twice a second."""
        arrays = self.view.arrays()
        rows = []
        for (name, _), (seconds, switches) in zip(self.view.spans, lane_totals(arrays),
                                                  strict=True):
            active = seconds[Kind.RUNNING] + seconds[Kind.WAITING] + seconds[Kind.BLOCKED]

            def share(kind: Kind, seconds: dict[Kind, float] = seconds,
                      active: float = active) -> str:
                return f"{seconds[kind] / active:.0%}" if active else "0%"

            rows.append((name, share(Kind.RUNNING), share(Kind.WAITING),
                         share(Kind.BLOCKED), f"{switches:,}"))
        self.stats_model.set_rows(rows)
        lost = sum(lane.lost_marks for lane in recorder.lanes)
        note = f" ({lost:,} marks arrived too fast to keep)" if lost else ""
        running = covered_seconds(arrays, Kind.RUNNING)
        fraction = running / recorder.now_s if recorder.now_s > 0 else 0.0
        self.summary.setText(
            f"Some thread was running {fraction:.0%} of the {recorder.now_s:.2f} s.{note}")
