"""The look every chart shares: the theme's colours, axis text at the app's size (it
follows the zoom), no mouse panning, no menu, and ranges that keep every point inside."""

from __future__ import annotations

import os
from collections.abc import Iterable

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

from gilviz.ui import look, theme

MARGIN = 0.08  # of the data's span, on each side of an axis
LABEL_FACTOR = 1.08


def span_with_margin(values: Iterable[float], include: Iterable[float] = (),
                     margin: float = MARGIN, floor: float | None = None) -> tuple[float, float]:
    """A range holding every value (and `include`), widened by `margin` of its span on
    each side, so no point or marker sits on the edge; never below `floor`."""
    points = [float(v) for v in values] + [float(v) for v in include]
    if not points:
        return (0.0, 1.0)
    low, high = min(points), max(points)
    pad = (high - low) * margin or max(abs(high) * margin, 0.5)
    low, high = low - pad, high + pad
    if floor is not None:
        low = max(floor, low)
    return low, high


class LecturePlot(pg.PlotWidget):
    """A PlotWidget readable from the back of a room, with its two axes labelled."""

    def __init__(self, x_label: str, y_label: str, *, grid_x: bool = True) -> None:
        super().__init__()
        self.labels = {"bottom": x_label, "left": y_label}
        self.item = self.getPlotItem()
        self.item.showGrid(x=grid_x, y=True, alpha=0.25)
        self.item.setMouseEnabled(x=False, y=False)
        self.item.setMenuEnabled(False)
        self.item.hideButtons()
        self.lines: list[pg.InfiniteLine] = []  # labelled markers that follow the theme
        self.restyle()

    def restyle(self) -> None:
        """Colours from the theme, text at the app's current size."""
        current = theme.current()
        ink = current.text
        self.setBackground(current.base)
        font = QFont(self.font())
        font.setPointSizeF(look.points())
        label_font = QFont(font)
        label_font.setPointSizeF(look.points() * LABEL_FACTOR)
        for side, text in self.labels.items():
            axis = self.item.getAxis(side)
            axis.setTickFont(font)
            axis.setTextPen(ink)
            axis.setPen(ink)
            self.item.setLabel(side, text, color=ink)
            axis.label.setFont(label_font)  # the size, here rather than in the label's HTML
            axis.resizeEvent()  # room for the new size
        for line in self.lines:  # markers such as "2 cores": muted, readable text
            line.setPen(pg.mkPen(current.muted, width=2))
            if line.label is not None:
                line.label.setFont(font)
                line.label.setColor(current.muted)
        legend = self.item.legend
        if legend is not None:
            legend.setBrush(pg.mkBrush(QColor(current.base)))
            legend.setPen(pg.mkPen(current.mid))
            for _, label in legend.items:
                label.setAttr("size", f"{look.points():.1f}pt")
                label.setAttr("color", ink)
                label.setText(label.text)

    def set_x_range(self, values: Iterable[float], include: Iterable[float] = (),
                    floor: float | None = None) -> None:
        low, high = span_with_margin(values, include, floor=floor)
        self.setXRange(low, high, padding=0)

    def set_y_range(self, values: Iterable[float], include: Iterable[float] = (),
                    floor: float | None = 0.0) -> None:
        low, high = span_with_margin(values, include, floor=floor)
        self.setYRange(low, high, padding=0)


def lecture_plot(x_label: str, y_label: str, object_name: str, *,
                 grid_x: bool = True) -> LecturePlot:
    plot = LecturePlot(x_label, y_label, grid_x=grid_x)
    plot.setObjectName(object_name)
    return plot
