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

from gilviz.core.timeline import Kind, LaneStats, TimelineRecorder, legend
from gilviz.ui.timeline_view import KIND_COLOURS, KIND_NAMES, STRIPE_COLOURS, TimelineView

VIEW_REFRESH_S = 0.1  # the timeline redraws at most 10 times a second while running
STATS_REFRESH_S = 0.5
STATS_COLUMNS = ("Thread", "CPU", "Running", "Core wait", "GIL wait", "Blocked", "Turns")
STATS_TIPS = ("", "Seconds the thread spent on a CPU core (kernel-measured where the "
              "legend says so; otherwise the time it was seen advancing)",
              "Share (and seconds) of its time on a CPU core",
              "Share of its time runnable while no core was free (measured only)",
              "Share of its time at its work but waiting for the GIL",
              "Share of its time in a sleep, join, lock, event or I/O wait",
              "How many times it got the GIL back after waiting for it")
STATS_KINDS = (Kind.RUNNING, Kind.CPU_WAIT, Kind.WAITING, Kind.BLOCKED)
INFERRED_KINDS = (Kind.RUNNING, Kind.WAITING, Kind.BLOCKED, Kind.IDLE, Kind.DONE)
MEASURED_KINDS = (Kind.RUNNING, Kind.CPU_WAIT, Kind.WAITING, Kind.BLOCKED, Kind.IDLE,
                  Kind.DONE)


def _swatch(kind: Kind) -> str:
    stripe = STRIPE_COLOURS.get(kind)
    if stripe is None:
        return f"<span style='background:{KIND_COLOURS[kind]}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"
    return "".join(f"<span style='background:{colour}'>&nbsp;</span>"
                   for colour in (KIND_COLOURS[kind], stripe) * 2)


def _name(kind: Kind, gil: bool) -> str:
    return "waiting (lock or other)" if kind is Kind.WAITING and not gil else KIND_NAMES[kind]


def legend_html(measured: bool = False, gil: bool = True) -> str:
    """One line of coloured keys, and whether the kernel measured them; the tooltip says
    how each is known."""
    kinds = MEASURED_KINDS if measured else INFERRED_KINDS
    keys = "&nbsp;&nbsp;".join(f"{_swatch(kind)}&nbsp;{_name(kind, gil)}" for kind in kinds)
    how = ("<b>measured</b> by the kernel (which lock a sleeper waits for: inferred)"
           if measured else "<b>inferred</b> from the threads' progress")
    return f"{keys}&nbsp;&nbsp;· {how}"


def legend_tooltip(measured: bool = False, gil: bool = True) -> str:
    kinds = MEASURED_KINDS if measured else INFERRED_KINDS
    head = ("Measured by the kernel (Linux /proc), sampled from a separate process:"
            if measured else "Inferred from each thread's own progress marks "
            "(the kernel's counters are not available here):")
    return head + "\n" + "\n".join(legend(kind, measured, gil) for kind in kinds)


def stats_cells(lane: LaneStats) -> tuple[str, ...]:
    """A row of the stats table: CPU seconds, then share and seconds of each state."""
    seconds = {Kind.RUNNING: lane.running_s, Kind.CPU_WAIT: lane.cpu_wait_s,
               Kind.WAITING: lane.waiting_s, Kind.BLOCKED: lane.blocked_s}
    shares = tuple(
        "n/a" if kind is Kind.CPU_WAIT and not lane.measured
        else f"{lane.share(kind):.0%} · {seconds[kind]:.2f} s" for kind in STATS_KINDS)
    cpu = f"{lane.running_s:.3f} s" if lane.measured else f"≈{lane.running_s:.3f} s"
    return (lane.name, cpu, *shares, f"{lane.switches:,}")


class TimelineTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = TimelineView()
        self.summary = QLabel("Run a lesson to record each thread's timeline.")
        self.summary.setObjectName("timelineSummary")
        self.summary.setWordWrap(True)
        self.legend = legend = QLabel(legend_html())
        legend.setObjectName("timelineLegend")
        legend.setWordWrap(True)
        legend.setToolTip(legend_tooltip())
        self._legend_for: tuple[bool, bool] = (False, True)
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
        header.setStretchLastSection(True)

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
            self._show_legend(any(recorder.measured(i) for i in range(len(recorder.lanes))),
                              recorder.gil)
            self.view.show_spans(recorder.spans(), recorder.now_s)
        if final or now - self._stats_at >= STATS_REFRESH_S:
            self._stats_at = now
            self._show_stats(recorder)

    def _show_legend(self, measured: bool, gil: bool) -> None:
        if (measured, gil) != self._legend_for:
            self._legend_for = (measured, gil)
            self.legend.setText(legend_html(measured, gil))
            self.legend.setToolTip(legend_tooltip(measured, gil))
            self.view.gil = gil

    def _show_stats(self, recorder: TimelineRecorder) -> None:
        stats = recorder.stats()
        self.stats.setRowCount(len(stats))
        for row, lane in enumerate(stats):
            for column, text in enumerate(stats_cells(lane)):
                self.stats.setItem(row, column, QTableWidgetItem(text))
        lost = sum(lane.lost_marks for lane in recorder.lanes)
        note = f" ({lost:,} marks arrived too fast to keep)" if lost else ""
        used = ""
        measured = [lane for lane in stats if lane.measured]
        if measured and recorder.now_s > 0:
            cores = sum(lane.running_s for lane in measured) / recorder.now_s
            used = f" On average the lesson's threads kept {cores:.2f} cores busy."
        self.summary.setText(
            f"Some thread was running {recorder.running_fraction():.0%} of the "
            f"{recorder.now_s:.2f} s.{used}{note}")
