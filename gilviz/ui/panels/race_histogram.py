"""How many updates each trial lost, as a histogram: one lucky run proves nothing."""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.ui import theme
from gilviz.ui.charts import lecture_plot
from gilviz.ui.look import set_font_factor
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.panels.hint import FillHint

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
import pyqtgraph as pg  # after choosing its Qt binding

MAX_BINS = 20
SUMMARY_FACTOR = 1.15
TRIALS_TO_TRY = 20
BAR = theme.LIGHT.bad  # a fill, the same in both themes


def histogram_bins(values: Sequence[int]) -> list[tuple[float, float, int]]:
    """(left, right, count) per bin: one bin per value when the values are few and close,
    else MAX_BINS equal bins. Integers, so a bin [a, b) holds a..b-1."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high - low < MAX_BINS:
        edges = [float(v) for v in range(low, high + 2)]
    else:
        width = math.ceil((high - low + 1) / MAX_BINS)
        edges = [float(low + i * width) for i in range(MAX_BINS + 1)]
        while edges[-1] <= high:
            edges.append(edges[-1] + width)
    counts = [0] * (len(edges) - 1)
    for value in values:
        counts[min(len(counts) - 1, int((value - low) // (edges[1] - edges[0])))] += 1
    return [(edges[i], edges[i + 1], counts[i]) for i in range(len(counts))]


class LostHistogramPanel(LessonPanel):
    title = "Trials"
    hint_when_empty = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("histogramPanel")
        self.losses: list[int] = []
        self._trials = 0
        self._per_trial = 0
        self.summary = QLabel("Run with Trials above 1 to see how the loss varies.")
        self.summary.setObjectName("histogramSummary")
        set_font_factor(self.summary, SUMMARY_FACTOR)
        self.summary.setWordWrap(True)
        self.hint = FillHint(
            "One run proves little: it may lose many updates, or none. With Trials above "
            "1 the race runs again and again, and this tab draws how many updates each "
            "trial lost.", f"Run {TRIALS_TO_TRY} trials", {"trials": TRIALS_TO_TRY})
        self.hint.chosen.connect(self.suggest)

        self.plot = lecture_plot("updates lost in one trial", "trials", "lostHistogram",
                                 grid_x=False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=1.0, brush=QColor(BAR),
                                    pen=pg.mkPen("#5c0f0a"))
        self.plot.addItem(self.bars)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)
        self._show_hint(True)

    def applies_to(self, params: dict[str, Any]) -> bool:
        return params.get("trials", 1) > 1

    def _show_hint(self, on: bool) -> None:
        self.hint.setVisible(on)
        self.summary.setVisible(not on)
        self.plot.setVisible(not on)

    def run_started(self, params: dict[str, Any]) -> None:
        self.focus_on_result = self.applies_to(params)
        self._show_hint(not self.focus_on_result)
        self._trials = params.get("trials", 1)
        self._per_trial = params["threads"] * params["iterations"]
        self.show_losses([])

    def show_snapshot(self, snapshot: Snapshot) -> None:
        losses = snapshot.values.get("lost_per_trial")
        if losses is not None and len(losses) != len(self.losses):
            self.show_losses(list(losses))

    def show_result(self, result: RunResult) -> None:
        losses = result.result.get("lost_per_trial")
        if losses is not None:
            self.show_losses(list(losses))

    def show_losses(self, losses: list[int]) -> None:
        self.losses = losses
        bins = histogram_bins(losses)
        self.bars.setOpts(x=[(left + right) / 2 - 0.5 for left, right, _ in bins],
                          height=[count for *_, count in bins],
                          width=[(right - left) * 0.9 for left, right, _ in bins])
        tallest = max((count for *_, count in bins), default=1)
        self.plot.getPlotItem().getAxis("left").setTickSpacing(
            major=max(1, math.ceil(tallest / 5)), minor=1)
        if bins:
            self.plot.set_x_range([bins[0][0] - 1, bins[-1][1]])
            self.plot.set_y_range([tallest])
        if not losses:
            self.summary.setText(f"Waiting for the first of {self._trials} trials…")
            return
        with_loss = sum(1 for lost in losses if lost)
        self.summary.setText(
            f"{len(losses)} of {self._trials} trials of {self._per_trial:,} increments, "
            f"{with_loss} of them lost updates · lost: median "
            f"{statistics.median(losses):,.0f}, min {min(losses):,}, max {max(losses):,}"
        )
