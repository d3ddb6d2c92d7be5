"""switch-interval: the run's time and its GIL hand-overs for each switch interval, as
two charts on one row of intervals, instead of log lines the room cannot read.

Drawn from the result's per-interval list (`intervals`: `switch_interval_ms`,
`total_s`, `handovers`, ...); while the run goes on, the caption says which interval is
being measured (the workers' names carry it: "5ms·T1").
"""

from __future__ import annotations

import math
import re
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.ui import theme
from gilviz.ui.charts import lecture_plot
from gilviz.ui.look import points, set_font_factor
from gilviz.ui.panels.base import LessonPanel

CAPTION_FACTOR = 1.1
BAR_WIDTH = 0.6
HEADROOM = 1.3
INTERVAL_OF_NAME = re.compile(r"^([\d.]+)ms")


def interval_ticks(intervals: list[float]) -> list[list[tuple[int, str]]]:
    return [[(i, f"{ms:g}") for i, ms in enumerate(intervals)]]


class SwitchIntervalChart(LessonPanel):
    title = "Per interval"
    focus_on_result = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("switchIntervalPanel")
        self.rows: list[dict[str, Any]] = []
        self.time_plot = lecture_plot("switch interval (ms)", "seconds", "switchTimePlot",
                                      grid_x=False)
        self.handover_plot = lecture_plot("switch interval (ms)", "hand-overs",
                                          "switchHandoverPlot", grid_x=False)
        self.time_bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.time_plot.addItem(self.time_bars)
        self.handover_bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.handover_plot.addItem(self.handover_bars)
        self.caption = QLabel("Run the lesson: each switch interval gets a bar in both "
                              "charts.")
        self.caption.setObjectName("switchCaption")
        self.caption.setWordWrap(True)
        set_font_factor(self.caption, CAPTION_FACTOR)
        charts = QHBoxLayout()  # side by side: each keeps the height its bars need
        charts.addWidget(self.time_plot, 1)
        charts.addWidget(self.handover_plot, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addLayout(charts, 1)
        self._measuring = ""
        self._values: list[tuple[pg.PlotWidget, pg.TextItem]] = []
        self.restyle()

    def restyle(self) -> None:
        """Theme and zoom: bar outlines, and the numbers on the bars."""
        fills = theme.FILL_COLOURS
        self.time_bars.setOpts(brush=pg.mkBrush(fills[0]), pen=pg.mkPen(theme.current().base))
        self.handover_bars.setOpts(brush=pg.mkBrush(fills[1]),
                                   pen=pg.mkPen(theme.current().base))
        for _, item in self._values:
            item.setColor(theme.current().text)
            item.setFont(self._font())

    def run_started(self, params: dict[str, Any]) -> None:
        self._measuring = ""
        self.show_rows([])
        self.caption.setText(f"{params['threads']} threads, the same work under each "
                             "switch interval in turn…")

    def show_snapshot(self, snapshot: Snapshot) -> None:
        names = [INTERVAL_OF_NAME.match(lane.name) for lane in snapshot.lanes]
        found = [match.group(1) for match in names if match]
        if found and found[-1] != self._measuring:
            self._measuring = found[-1]
            self.caption.setText(f"Measuring with a switch interval of {found[-1]} ms…")

    def show_result(self, result: RunResult) -> None:
        rows = result.result.get("intervals") or []
        self.show_rows(list(rows))
        if not rows:
            return
        done = ", ".join(f"{row['switch_interval_ms']:g}" for row in rows)
        stopped = " (stopped: only these ran)" if result.stopped else ""
        self.caption.setText(f"Measured at {done} ms{stopped}: how long the threads "
                             "took (left) and how often the GIL changed hands (right).")

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        for plot, item in self._values:
            plot.removeItem(item)
        self._values = []
        xs = list(range(len(rows)))
        intervals = [float(row.get("switch_interval_ms", 0)) for row in rows]
        times = [float(row.get("total_s") or 0.0) for row in rows]
        counts = [row.get("handovers") for row in rows]
        counted = all(isinstance(c, int | float) for c in counts) and bool(rows)
        # Hand-overs span orders of magnitude (thousands at 0.1 ms, a few at 100 ms):
        # bars on a log scale, the exact number written on each.
        logs = [math.log10(max(1.0, float(c))) for c in counts] if counted else []
        self.time_bars.setOpts(x=xs, height=times)
        self.handover_bars.setOpts(x=xs if counted else [], height=logs)
        for plot in (self.time_plot, self.handover_plot):
            plot.getPlotItem().getAxis("bottom").setTicks(interval_ticks(intervals))
            plot.set_x_range([-BAR_WIDTH, max(0, len(rows) - 1) + BAR_WIDTH])
        # Headroom over the tallest bar for the number written on it.
        self.time_plot.set_y_range([max(times or [1.0]) * HEADROOM], include=[0])
        top = max([*logs, 1.0])
        self.handover_plot.set_y_range([top * HEADROOM], include=[0])
        self.handover_plot.getPlotItem().getAxis("left").setTicks(
            [[(e, f"{10 ** e:,}") for e in range(0, int(top) + 2)]])
        for x, seconds in zip(xs, times, strict=True):
            self._label(self.time_plot, x, seconds, f"{seconds:.2f}")
        for x, count, height in zip(xs, counts, logs, strict=False):
            self._label(self.handover_plot, x, height, f"{int(count):,}")

    def _label(self, plot: pg.PlotWidget, x: float, y: float, text: str) -> None:
        item = pg.TextItem(text, color=theme.current().text, anchor=(0.5, 1.0))
        item.setFont(self._font())
        item.setPos(x, y)
        plot.addItem(item)
        self._values.append((plot, item))

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points())
        return font
