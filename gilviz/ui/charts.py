"""The look every chart shares: white plot, large axis text, no mouse panning, no menu."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont

from gilviz.ui.theme import BASE_POINT_SIZE

INK = "#222"


def lecture_plot(x_label: str, y_label: str, object_name: str, *,
                 point_size: int = BASE_POINT_SIZE, grid_x: bool = True) -> pg.PlotWidget:
    """A PlotWidget readable from the back of a room, with its two axes labelled."""
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(object_name)
    item = plot.getPlotItem()
    font = QFont()
    font.setPointSize(point_size)
    label_style = {"font-size": f"{point_size + 1}pt", "color": INK}
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(side)
        axis.setTickFont(font)
        axis.setTextPen(INK)
        axis.setPen(INK)
        item.setLabel(side, text, **label_style)
    item.showGrid(x=grid_x, y=True, alpha=0.25)
    item.setMouseEnabled(x=False, y=False)
    item.setMenuEnabled(False)
    item.hideButtons()
    return plot
