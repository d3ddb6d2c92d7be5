"""switch-interval: GIL hand-overs per second and total time, per switch interval.

Both charts put the interval on a log axis (0.1 to 100 ms). The dashed line on the left
is what the interval asks for (one hand-over per interval); the points are what the
workers counted: CPython switches less often than asked, most at short intervals.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.demos.switch_interval import INTERVALS_MS
from gilviz.ui import theme
from gilviz.ui.charts import lecture_plot
from gilviz.ui.panels.base import LessonPanel

MEASURED = "#0068a3"  # Okabe-Ito blue and vermillion, darkened for a white background
TOTAL = "#a34400"
GUIDE = "#888888"


class SwitchChart(LessonPanel):
    title = "Hand-overs"
    focus_on_result = True

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("switchChart")
        self.rows: list[dict[str, Any]] = []
        self.rate_plot = lecture_plot("switch interval (ms)", "hand-overs / s",
                                      "handoverPlot")
        self.rate_plot.setLogMode(x=True, y=True)
        rate = self.rate_plot.getPlotItem()
        self.asked = rate.plot([], [], pen=pg.mkPen(GUIDE, width=2, style=Qt.PenStyle.DashLine))
        self.counted = rate.plot([], [], pen=pg.mkPen(MEASURED, width=3), symbol="o",
                                 symbolSize=12, symbolBrush=MEASURED, symbolPen="w")
        self.time_plot = lecture_plot("switch interval (ms)", "total time (s)", "totalTimePlot")
        self.time_plot.setLogMode(x=True, y=False)
        self.time_plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.total = self.time_plot.getPlotItem().plot(
            [], [], pen=pg.mkPen(TOTAL, width=3), symbol="s", symbolSize=12,
            symbolBrush=TOTAL, symbolPen="w")
        self.caption = QLabel("Run the lesson: each switch interval adds a point as it ends. "
                              "Dashed: one hand-over per interval, as asked.")
        self.caption.setWordWrap(True)
        charts = QHBoxLayout()
        charts.addWidget(self.rate_plot, 1)
        charts.addWidget(self.time_plot, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(charts, 1)
        layout.addWidget(self.caption)
        self.restyle()

    def restyle(self) -> None:
        """Lines that read on the theme's background (lighter inks on the dark one)."""
        look = theme.current()
        for curve, colour in ((self.counted, MEASURED), (self.total, TOTAL)):
            ink = look.thread_ink(0 if curve is self.counted else 1) if look.dark else colour
            curve.setPen(pg.mkPen(ink, width=3))
            curve.setSymbolBrush(ink)
            curve.setSymbolPen(look.base)

    def run_started(self, params: dict[str, Any]) -> None:
        low, high = min(INTERVALS_MS), max(INTERVALS_MS)
        self.asked.setData([low, high], [1000 / low, 1000 / high])
        for plot in (self.rate_plot, self.time_plot):
            plot.setXRange(math.log10(low) - 0.2, math.log10(high) + 0.2, padding=0)
        self._draw([])

    def show_snapshot(self, snapshot: Snapshot) -> None:
        rows = snapshot.values.get("intervals")
        if rows is not None and len(rows) != len(self.rows):
            self._draw(rows)

    def show_result(self, result: RunResult) -> None:
        rows = result.result.get("intervals") or []
        self._draw(rows)
        caveat = result.result.get("caveat")
        if rows and caveat:
            short = rows[0]
            self.caption.setText(
                f"At {short['switch_interval_ms']:g} ms the interval asked for "
                f"{short['asked_per_s']:,.0f} hand-overs a second; the workers counted "
                f"{short['handovers_per_s']:,.0f}. {caveat}")

    def _draw(self, rows: list[dict[str, Any]]) -> None:
        self.rows = list(rows)
        intervals = [row["switch_interval_ms"] for row in rows]
        # a log axis cannot show zero: a run with no hand-over sits at 0.1 a second
        self.counted.setData(intervals, [max(row["handovers_per_s"], 0.1) for row in rows])
        self.total.setData(intervals, [row["total_s"] for row in rows])
        if rows:
            top = max(row["total_s"] for row in rows)
            self.time_plot.setYRange(0, top * 1.15, padding=0)
