"""The stripes that mark "waiting" wherever a thread state is drawn: a cue that does not
depend on telling two colours apart. Vertical, so the timeline can draw them at one
row per lane and stretch the image to the lanes' height."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImage

from gilviz.ui.theme import Theme

PERIOD = 4  # pixels from one stripe to the next
WIDTH = 2  # stripe width, pixels

_brushes: dict[str, QBrush] = {}


def column_stripes(width: int, left: int = 0) -> np.ndarray:
    """True for the pixel columns a stripe falls on."""
    return (np.arange(left, left + width) % PERIOD) < WIDTH


def hatch_brush(look: Theme) -> QBrush:
    """A brush of stripes in the theme's hatch colour, transparent between them."""
    brush = _brushes.get(look.name)
    if brush is None:
        colour = QColor(look.hatch)
        tile = np.zeros((PERIOD, PERIOD, 4), dtype=np.uint8)
        tile[:, column_stripes(PERIOD)] = (colour.red(), colour.green(), colour.blue(), 255)
        image = QImage(tile.data, PERIOD, PERIOD, PERIOD * 4,
                       QImage.Format.Format_RGBA8888).copy()
        brush = QBrush(image)
        brush.setStyle(Qt.BrushStyle.TexturePattern)
        _brushes[look.name] = brush
    return brush
