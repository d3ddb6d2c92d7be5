"""The stripes that mark "waiting" wherever a thread state is drawn: a cue that does not
depend on telling two colours apart. Vertical, so the timeline can draw them at one
row per lane and stretch the image to the lanes' height."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImage

from gilviz.core.kinds import Kind
from gilviz.ui.theme import Theme

PERIOD = 4  # pixels from one stripe to the next
WIDTH = 2  # stripe width, pixels

_brushes: dict[str, QBrush] = {}


def column_stripes(width: int, left: int = 0) -> np.ndarray:
    """True for the pixel columns a stripe falls on."""
    return (np.arange(left, left + width) % PERIOD) < WIDTH


def hatch_brush(look: Theme, kind: Kind) -> QBrush | None:
    """A brush of the kind's stripes in this theme, transparent between them; None for a
    kind without stripes."""
    if kind not in look.stripes:
        return None
    key = f"{look.name}:{int(kind)}"
    brush = _brushes.get(key)
    if brush is None:
        colour = QColor(look.stripes[kind])
        tile = np.zeros((PERIOD, PERIOD, 4), dtype=np.uint8)
        tile[:, column_stripes(PERIOD)] = (colour.red(), colour.green(), colour.blue(), 255)
        image = QImage(tile.data, PERIOD, PERIOD, PERIOD * 4,
                       QImage.Format.Format_RGBA8888).copy()
        brush = QBrush(image)
        brush.setStyle(Qt.BrushStyle.TexturePattern)
        _brushes[key] = brush
    return brush
