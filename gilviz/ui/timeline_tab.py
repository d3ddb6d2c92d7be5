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

from gilviz.core.kinds import Kind
from gilviz.core.timeline import LaneStats, TimelineRecorder
from gilviz.ui.lane_raster import covered_seconds
from gilviz.ui.legend import INFERRED_KINDS, MEASURED_KINDS, StateLegend
from gilviz.ui.timeline_view import TimelineView

VIEW_REFRESH_S = 0.1  # the timeline redraws at most 10 times a second while running
STATS_REFRESH_S = 0.5
STATS_COLUMNS = ("Thread", "CPU", "Running", "Core wait", "GIL wait", "Blocked", "Turns")
STATS_TIPS = ("", "Seconds the thread spent on a CPU core (kernel-measured where the "
              "legend says so; otherwise the time it was seen advancing)",
              "Share of its time on a CPU core (hover a cell for the seconds)",
              "Share of its time runnable while no core was free (measured only)",
              "Share of its time at its work but waiting for the GIL",
              "Share of its time in a sleep, join, lock, event or I/O wait",
              "How many times it got the GIL back after waiting for it")
STATS_KINDS = (Kind.RUNNING, Kind.CPU_WAIT, Kind.WAITING, Kind.BLOCKED)


def stats_cells(lane: LaneStats) -> tuple[str, ...]:
    """A row of the stats table: CPU seconds, then the share of each state (seconds in
    the cell's tooltip: seven columns of both do not fit beside a lesson)."""
    shares = tuple(
        "n/a" if kind is Kind.CPU_WAIT and not lane.measured else f"{lane.share(kind):.0%}"
        for kind in STATS_KINDS)
    cpu = f"{lane.running_s:.3f} s" if lane.measured else f"≈{lane.running_s:.3f} s"
    return (lane.name, cpu, *shares, f"{lane.switches:,}")


def stats_tips(lane: LaneStats) -> tuple[str, ...]:
    """Each cell's tooltip: the seconds behind a share."""
    seconds = {Kind.RUNNING: lane.running_s, Kind.CPU_WAIT: lane.cpu_wait_s,
               Kind.WAITING: lane.waiting_s, Kind.BLOCKED: lane.blocked_s}
    return ("", "", *(f"{seconds[kind]:.3f} s" for kind in STATS_KINDS), "")


Index = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()


class StatsModel(QAbstractTableModel):
    """The per-thread totals as a model: a refresh is one signal for the whole table,
    where a QTableWidget item per cell (and columns sized to their contents) cost tens
    of milliseconds of the UI thread for 64 threads, twice a second."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, ...]] = []
        self.tips: list[tuple[str, ...]] = []

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(STATS_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.row() < len(self.tips):
            return self.tips[index.row()][index.column()] or None
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

    def set_rows(self, rows: list[tuple[str, ...]],
                 tips: list[tuple[str, ...]] | None = None) -> None:
        self.tips = tips or []
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
        self.legend = legend = StateLegend(INFERRED_KINDS)
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
        buttons.addSpacing(12)
        buttons.addWidget(legend, 1)  # the key beside the buttons: the lanes keep the height

        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(self.view)
        body.addWidget(self.stats)
        body.setStretchFactor(0, 4)
        body.setStretchFactor(1, 1)
        body.setSizes([400, 90])  # the lanes first; the table scrolls
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(body, 1)
        layout.addWidget(self.summary)
        self._drawn_at = 0.0
        self._stats_at = 0.0

    def restyle(self) -> None:
        """Column widths from the text size (measured once, not per refresh)."""
        metrics = QFontMetrics(self.stats.font())
        widest = {"CPU": "≈88.888 s", "Turns": "88,888", "Thread": ""}
        for column, title in enumerate(STATS_COLUMNS[1:], start=1):
            sample = widest.get(title, "100%")
            width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(sample))
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
            self._show_legend(any(recorder.measured(i) for i in range(len(recorder.lanes))),
                              recorder.gil)
            self.view.show_spans(recorder.spans(), recorder.now_s, live=not final)
        if final or now - self._stats_at >= STATS_REFRESH_S:
            self._stats_at = now
            self._show_stats(recorder)

    def _show_legend(self, measured: bool, gil: bool) -> None:
        self.legend.set_kinds(MEASURED_KINDS if measured else INFERRED_KINDS, measured, gil)
        self.view.gil = gil

    def _show_stats(self, recorder: TimelineRecorder) -> None:
        stats = recorder.stats()
        self.stats_model.set_rows([stats_cells(lane) for lane in stats],
                                  [stats_tips(lane) for lane in stats])
        lost = sum(lane.lost_marks for lane in recorder.lanes)
        note = f" ({lost:,} marks arrived too fast to keep)" if lost else ""
        used = ""
        measured = [lane for lane in stats if lane.measured]
        if measured and recorder.now_s > 0:
            cores = sum(lane.running_s for lane in measured) / recorder.now_s
            used = f" On average the lesson's threads kept {cores:.2f} cores busy."
        # The union of the running spans, from the arrays the view holds: numpy, not a
        # sort of every span in Python twice a second.
        running = covered_seconds(self.view.arrays(), Kind.RUNNING)
        fraction = running / recorder.now_s if recorder.now_s > 0 else 0.0
        self.summary.setText(f"Some thread was running {fraction:.0%} of the "
                             f"{recorder.now_s:.2f} s.{used}{note}")
