"""Speedup against thread count, drawn as the measurements arrive.

The dashed diagonal is perfect scaling, the flat line is "no gain", and the vertical
line marks this machine's cores: threads cannot beat the core count even without a GIL.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.demos.gil_common import cores_available, thread_counts
from gilviz.ui.charts import lecture_plot
from gilviz.ui.panels.base import LessonPanel

LINE = "#0072b2"
GUIDE = "#888888"


class SpeedupChart(LessonPanel):
    title = "Speedup chart"
    focus_on_result = True

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("speedupChart")
        self.points: list[dict[str, Any]] = []
        self.plot = lecture_plot("threads", "speedup (x)", "speedupPlot")
        item = self.plot.getPlotItem()
        dashed = pg.mkPen(GUIDE, width=2, style=Qt.PenStyle.DashLine)
        self.ideal = item.plot([], [], pen=dashed)
        self.no_gain = pg.InfiniteLine(pos=1, angle=0, pen=pg.mkPen(GUIDE, width=1))
        item.addItem(self.no_gain)
        self.cores = pg.InfiniteLine(
            pos=cores_available(), angle=90, pen=pg.mkPen("#d55e00", width=2),
            label=f"{cores_available()} cores", labelOpts={"position": 0.9, "color": "#d55e00"},
        )
        item.addItem(self.cores)
        self.curve = item.plot([], [], pen=pg.mkPen(LINE, width=3), symbol="o",
                               symbolSize=12, symbolBrush=LINE, symbolPen="w")
        self.progress = QProgressBar()
        self.progress.setObjectName("sweepProgress")
        self.progress.setFormat("%v of %m thread counts measured")
        self.caption = QLabel("Run the lesson (try Sweep: 1, 2, 4, ... threads) to draw "
                              "its speedup here.")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.caption)

    def run_started(self, params: dict[str, Any]) -> None:
        threads = params["threads"]
        counts = thread_counts(threads) if params.get("sweep") == "on" else [threads]
        self.progress.setRange(0, len(counts))
        self.progress.setValue(0)
        top = max(threads, cores_available()) + 0.5
        self.plot.setXRange(0.5, top, padding=0)
        self.ideal.setData([1, top], [1, top])
        self._draw([])

    def show_snapshot(self, snapshot: Snapshot) -> None:
        points = snapshot.values.get("sweep")
        if points is not None and points != self.points:  # later trials update points
            self._draw(points)

    def show_result(self, result: RunResult) -> None:
        """Only thread counts that ran to their end get a point; a stopped run says so."""
        data = result.result
        points = data.get("sweep") or (
            [{"threads": data["threads"], "speedup": data["speedup"]}]
            if data.get("speedup") is not None else [])
        self._draw(points)
        stopped = result.stopped or data.get("verdict") == "stopped"
        if points and not stopped:
            best = max(points, key=lambda point: point["speedup"])
            caption = (f"Best: {best['speedup']:.2f}x with {best['threads']} threads; perfect "
                       f"scaling would be {best['threads']}x, the machine has "
                       f"{cores_available()} cores.")
            if data.get("verdict") == "inconclusive":
                caption = (f"Inconclusive: the points are as measured (up to "
                           f"{best['speedup']:.2f}x), but the Result says why they prove "
                           "nothing.")
            self.caption.setText(caption)
        elif points:
            self.caption.setText(f"Stopped: only the thread counts drawn here ran to their "
                                 f"end ({', '.join(str(p['threads']) for p in points)}).")
        elif stopped:
            self.caption.setText("Stopped before any thread count was timed: nothing to draw.")

    def _draw(self, points: list[dict[str, Any]]) -> None:
        self.points = list(points)
        self.curve.setData([p["threads"] for p in points], [p["speedup"] for p in points])
        self.progress.setValue(len(points))
        top = max([p["speedup"] for p in points] + [self.plot.viewRange()[0][1], 2.0])
        self.plot.setYRange(0, top * 1.05, padding=0)
