"""The diagonal stripes that mark "waiting" wherever a thread state is drawn: a cue
that does not depend on telling two colours apart."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImage

from gilviz.ui.theme import Theme

PERIOD = 6  # pixels between stripes
WIDTH = 2  # stripe width, pixels

_brushes: dict[str, QBrush] = {}


def stripe_mask(height: int, width: int, top: int = 0) -> np.ndarray:
    """True where a stripe falls, for a block of pixels whose first row is `top`."""
    rows = np.arange(top, top + height)[:, None]
    cols = np.arange(width)[None, :]
    return (rows + cols) % PERIOD < WIDTH


def hatch_brush(look: Theme) -> QBrush:
    """A brush of stripes in the theme's hatch colour, transparent between them."""
    brush = _brushes.get(look.name)
    if brush is None:
        colour = QColor(look.hatch)
        tile = np.zeros((PERIOD, PERIOD, 4), dtype=np.uint8)
        tile[stripe_mask(PERIOD, PERIOD)] = (colour.red(), colour.green(), colour.blue(), 255)
        image = QImage(tile.data, PERIOD, PERIOD, PERIOD * 4,
                       QImage.Format.Format_RGBA8888).copy()
        brush = QBrush(image)
        brush.setStyle(Qt.BrushStyle.TexturePattern)
        _brushes[look.name] = brush
    return brush
