"""Colours and sizes chosen to read from the back of a lecture hall."""

from __future__ import annotations

from PySide6.QtGui import QColor

from gilviz.core.telemetry import State

BASE_POINT_SIZE = 12
TITLE_POINT_SIZE = 20

STATE_COLOURS = {
    State.WAITING: QColor("#78909c"),
    State.RUNNING: QColor("#2e7d32"),
    State.BLOCKED: QColor("#ef8f00"),
    State.DONE: QColor("#1565c0"),
}
STATE_TEXT_COLOURS = {
    State.WAITING: QColor("white"),
    State.RUNNING: QColor("white"),
    State.BLOCKED: QColor("black"),
    State.DONE: QColor("white"),
}

# Distinct, colour-blind friendly hues (Okabe-Ito, darkened for white backgrounds).
THREAD_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9",
                  "#e69f00", "#6a3d9a")

GOOD = "#2e7d32"
WARN = "#b26a00"
BAD = "#c62828"


def thread_colour(index: int) -> str:
    return THREAD_COLOURS[index % len(THREAD_COLOURS)]
