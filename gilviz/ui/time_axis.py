"""The seconds axis under the timeline and Gantt charts."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter

TICKS = 8


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw`."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def draw_time_axis(painter: QPainter, plot: QRectF, t0: float, t1: float,
                   bottom: float, labels: bool = True) -> None:
    """Ticks and labels along plot's bottom edge for times t0..t1 (seconds); ticks only
    when `labels` is False (a chart stacked over another on the same scale)."""
    if t1 <= t0:
        return
    step = nice_step((t1 - t0) / TICKS)
    digits = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    tick = math.ceil(t0 / step) * step
    while tick <= t1 + 1e-12:
        x = plot.left() + (tick - t0) / (t1 - t0) * plot.width()
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
        if labels:
            painter.drawText(QRectF(x - 40, plot.bottom() + 4, 80, bottom - plot.bottom()),
                             Qt.AlignmentFlag.AlignHCenter, f"{tick:.{digits}f} s")
        tick += step
