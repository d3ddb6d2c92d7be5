"""One lesson on two Pythons, side by side: with and without the GIL.

Top: each run's timeline, stacked on one time axis (zoom or scroll one, the other follows),
each under a header with its interpreter and its one-line verdict. Below: the numbers the
runs measured in two columns with each run's takeaway, and the speedups (or the updates
lost) of both runs on one chart. A run still going on is drawn live.
"""

from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.compare import ComparedRun, Comparison, chart_points, headline, rows, takeaway
from gilviz.core.session import RunSession
from gilviz.demos.gil_common import cores_available
from gilviz.ui.charts import lecture_plot
from gilviz.ui.interpreter_choice import short_label
from gilviz.ui.legend import MEASURED_KINDS, StateLegend
from gilviz.ui.timeline_view import TimelineView

# Okabe-Ito: the GIL build orange, the free-threaded one blue (apart for colour-blind eyes).
RUN_COLOURS = ("#d55e00", "#0072b2", "#009e73", "#cc79a7")
LIVE_REFRESH_S = 0.1
GUIDE = "#555555"


def run_colour(index: int) -> str:
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def column_label(run: ComparedRun) -> str:
    return short_label(run.interpreter) + (" (this window's)" if run.interpreter.running
                                           else "")


class CompareView(QWidget):
    """Draws a Comparison: live while its runs go on, complete once they have."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.comparison: Comparison | None = None
        self.headers: list[QLabel] = []
        self.timelines: list[TimelineView] = []
        self._ends: list[float] = []
        self._drawn_at = 0.0
        self._syncing = False

        self.legend = StateLegend(MEASURED_KINDS)
        self.legend.set_kinds(MEASURED_KINDS, measured=True)
        self.legend.setObjectName("compareLegend")
        self.lanes = QSplitter(Qt.Orientation.Vertical)
        self.lanes.setChildrenCollapsible(False)

        self.table = QTableWidget(0, 2)
        self.table.setObjectName("compareResults")
        self.table.setMinimumHeight(60)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.takeaways = QTextBrowser()  # scrolls: two takeaways may not fit at 720p
        self.takeaways.setObjectName("compareTakeaways")
        self.takeaways.setMinimumHeight(40)
        numbers = QSplitter(Qt.Orientation.Vertical)
        numbers.addWidget(self.table)
        numbers.addWidget(self.takeaways)
        numbers.setSizes([170, 130])

        self.plot = lecture_plot("threads", "speedup (x)", "compareChart")
        self.plot.setMinimumHeight(120)
        item = self.plot.getPlotItem()
        self.plot_legend = item.addLegend(offset=(10, 10), labelTextColor="#222",
                                          labelTextSize="11pt")
        self.plot_legend.setBrush(pg.mkBrush(255, 255, 255, 220))

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.plot)
        bottom.addWidget(numbers)
        bottom.setSizes([420, 760])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(self.lanes)
        body.addWidget(bottom)
        body.setSizes([420, 240])  # the timelines first: the numbers scroll
        self.body = body
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(body, 1)

    def begin(self, comparison: Comparison) -> None:
        """A new comparison: one empty timeline per run, nothing measured yet."""
        self.comparison = comparison
        for widget in self.headers + self.timelines:
            widget.deleteLater()
        while self.lanes.count():
            self.lanes.widget(0).setParent(None)
        self.headers, self.timelines, self._ends = [], [], []
        for index, run in enumerate(comparison.runs):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 4, 0, 0)
            header = QLabel()
            header.setObjectName(f"compareHeader{index}")
            header.setWordWrap(True)
            header.setTextFormat(Qt.TextFormat.RichText)
            font = QFont(header.font())
            font.setPointSize(font.pointSize() + 1)
            header.setFont(font)
            timeline = TimelineView()
            timeline.setObjectName(f"compareTimeline{index}")
            timeline.setMinimumHeight(60)
            timeline.gil = run.interpreter.gil_enabled or not run.interpreter.free_threaded
            timeline.rangeChanged.connect(self._on_range_changed)
            box_layout.addWidget(header)
            box_layout.addWidget(timeline, 1)
            self.lanes.addWidget(box)
            self.headers.append(header)
            self.timelines.append(timeline)
            self._ends.append(0.0)
            self._show_header(index, "waiting for its turn")
        self.table.setRowCount(0)
        self.table.setColumnCount(len(comparison.runs))
        self.table.setHorizontalHeaderLabels([column_label(run) for run in comparison.runs])
        for column, run in enumerate(comparison.runs):
            self.table.horizontalHeaderItem(column).setToolTip(
                f"{run.interpreter.label}\n{run.interpreter.path}")
        self.takeaways.clear()
        self._draw_chart()

    def _show_header(self, index: int, status: str) -> None:
        assert self.comparison is not None
        run = self.comparison.runs[index]
        colour = run_colour(index)
        self.headers[index].setText(
            f"<span style='color:{colour}'>■</span> <b>{run.label}</b> · {status}")

    def show_live(self, index: int, session: RunSession) -> None:
        """The run going on now: its timeline so far (at most 10 redraws a second)."""
        now = time.monotonic()
        if now - self._drawn_at < LIVE_REFRESH_S:
            return
        self._drawn_at = now
        self._show_spans(index, session)
        self._show_header(index, f"running… {session.recorder.now_s:.1f} s")

    def show_run(self, index: int, session: RunSession) -> None:
        """A run has ended (recorded in the comparison): all it measured."""
        assert self.comparison is not None
        run = self.comparison.runs[index]
        self._show_spans(index, session)
        result = run.result
        elapsed = f"{result.elapsed_s:.2f} s · " if result is not None else ""
        self._show_header(index, f"{elapsed}<b>{headline(run)}</b>")
        self._show_numbers()
        self._draw_chart()

    def _show_spans(self, index: int, session: RunSession) -> None:
        recorder = session.recorder
        self._ends[index] = recorder.now_s
        self.timelines[index].show_spans(recorder.spans(), recorder.now_s)
        self._share_axis()

    # one time axis ----------------------------------------------------------------------
    def _share_axis(self, source: TimelineView | None = None) -> None:
        """Every timeline shows the same seconds: what the user zoomed or scrolled one to,
        else 0 to the end of the longest run."""
        end = max([*self._ends, 0.1])
        shown = source.view if source is not None and source.view is not None else (0.0, end)
        self._syncing = True
        for timeline in self.timelines:
            timeline.end_s = end  # a shorter run scrolls as far as the longer one
            timeline.view = shown
            timeline.update()
        self._syncing = False

    @Slot()
    def _on_range_changed(self) -> None:
        if self._syncing:
            return
        source = self.sender()
        self._share_axis(source if isinstance(source, TimelineView) else None)

    def shared_range(self) -> list[tuple[float, float]]:
        return [timeline.visible_range() for timeline in self.timelines]

    # numbers, takeaways, chart -------------------------------------------------------------
    def _show_numbers(self) -> None:
        assert self.comparison is not None
        table = rows(self.comparison)
        self.table.setRowCount(len(table))
        self.table.setVerticalHeaderLabels([label for label, _ in table])
        for row, (_, cells) in enumerate(table):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        parts = []
        for index, run in enumerate(self.comparison.runs):
            sentence = takeaway(self.comparison.lesson, run.result)
            if sentence:
                parts.append(f"<p><span style='color:{run_colour(index)}'>■</span> "
                             f"<b>{run.interpreter.label}</b>: {sentence}</p>")
        self.takeaways.setHtml("".join(parts))

    def _draw_chart(self) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        self.plot_legend.clear()
        runs = self.comparison.runs if self.comparison is not None else []
        series = [(run, chart_points(run.result.result)) for run in runs
                  if run.result is not None and run.result.result]
        series = [(run, spec) for run, spec in series if spec[2]]
        if not series:
            return
        x_label, y_label, _ = series[0][1]
        speedup = "speedup" in y_label or "(x)" in y_label
        cores = cores_available()
        # The cores line is named in the axis title: a label on it would sit on the bars.
        item.setLabel("bottom", f"{x_label} (| = {cores} cores)" if speedup else x_label)
        item.setLabel("left", y_label)
        xs = [x for _, (_, _, points) in series for x, _ in points]
        top_x = max(xs + ([cores_available()] if speedup else [])) + 0.8
        if speedup:
            item.addItem(pg.InfiniteLine(pos=1, angle=0, pen=pg.mkPen(GUIDE, width=1)))
            item.addItem(pg.InfiniteLine(pos=cores, angle=90, pen=pg.mkPen(GUIDE, width=2)))
        single = all(len(points) == 1 for _, (_, _, points) in series)
        width = 0.7 / len(runs)
        for index, run in enumerate(runs):
            points = next((p for r, (_, _, p) in series if r is run), [])
            if not points:
                continue
            colour = run_colour(index)
            name = column_label(run)
            if single:
                x = points[0][0] + (index - (len(runs) - 1) / 2) * width
                bar = pg.BarGraphItem(x=[x], height=[points[0][1]], width=width * 0.9,
                                      brush=colour, pen=pg.mkPen("w"))
                item.addItem(bar)
                self.plot_legend.addItem(bar, name)
                label = pg.TextItem(f"{points[0][1]:.2f}", color=colour, anchor=(0.5, 1))
                label.setPos(x, points[0][1])
                item.addItem(label)
            else:
                item.plot([p[0] for p in points], [p[1] for p in points],
                          pen=pg.mkPen(colour, width=3), symbol="o", symbolSize=12,
                          symbolBrush=colour, symbolPen="w", name=name)
        ys = [y for _, (_, _, points) in series for _, y in points]
        self.plot.setXRange(0.3 if single else 0.5, top_x, padding=0)
        self.plot.setYRange(0, max([*ys, 2.0 if speedup else 1.0]) * 1.15, padding=0)

    def chart_heights(self) -> list[float]:
        """What the chart shows, per run (tests read it)."""
        assert self.comparison is not None
        return [chart_points(run.result.result)[2][-1][1] if run.result is not None
                and chart_points(run.result.result)[2] else float("nan")
                for run in self.comparison.runs]


class CompareWindow(QWidget):
    """A window of its own for the comparison: it can fill the screen the room sees."""

    stopRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compareWindow")
        self.setWindowTitle("gilviz: with and without the GIL")
        self.title = QLabel()
        self.title.setObjectName("compareTitle")
        font = QFont(self.title.font())
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)
        self.stop_button = QPushButton("■  Stop")
        self.stop_button.setObjectName("compareStopButton")
        self.stop_button.clicked.connect(self.stopRequested)
        self.close_button = QPushButton("Close")
        self.stop_button.setToolTip("Stop the run going on and skip the next (Esc)")
        self.close_button.setToolTip("Close the comparison (F11: full screen)")
        self.close_button.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.status, 1)
        top.addWidget(self.stop_button)
        top.addWidget(self.close_button)
        self.view = CompareView()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.stopRequested)
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, activated=self.toggle_full_screen)

    @Slot()
    def toggle_full_screen(self) -> None:
        """F11, as in the main window: the comparison on the whole projector."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def begin(self, comparison: Comparison) -> None:
        self.title.setText(f"{comparison.lesson.title}: with and without the GIL")
        self.view.begin(comparison)
        self.stop_button.setEnabled(True)

    def running(self, index: int, run: ComparedRun) -> None:
        total = len(self.view.comparison.runs) if self.view.comparison else 1
        self.status.setText(f"Run {index + 1} of {total}: on {run.label}, then the next; "
                            "never both at once (they would share the cores).")

    def finished(self, note: str) -> None:
        self.status.setText(note)
        self.stop_button.setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.stop_button.isEnabled():
            self.stopRequested.emit()  # closing mid-comparison stops it
        super().closeEvent(event)
