"""The key to the thread-state colours, shared by the Threads panel and the timeline.

Painted, so each swatch looks exactly like what it explains: "waiting" hatched as on the
timeline, each with the letter the compact thread view uses. It wraps onto more lines
when narrow.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from gilviz.core.timeline import LEGEND, Kind
from gilviz.ui import theme
from gilviz.ui.hatch import hatch_brush

KINDS = (Kind.RUNNING, Kind.WAITING, Kind.BLOCKED, Kind.IDLE, Kind.DONE)


def kind_word(kind: Kind) -> str:
    """The legend's word for a kind: the part of its explanation before the colon."""
    return LEGEND.get(kind, kind.name.lower()).partition(":")[0]


def legend_tooltip(kinds: Sequence[Kind] = KINDS) -> str:
    return "How each state is told:\n" + "\n".join(
        LEGEND.get(kind, kind.name.lower()) for kind in kinds)


def paint_swatch(painter: QPainter, rect: QRectF, kind: Kind, letter: bool = True) -> None:
    """A state's fill (hatched for waiting) with its letter in the fill's ink."""
    look = theme.current()
    painter.fillRect(rect, QColor(look.fill(kind)))
    if kind is Kind.WAITING:
        painter.fillRect(rect, hatch_brush(look))
    if letter:
        painter.setPen(QColor(look.ink(kind)))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, theme.LETTERS.get(kind, "?"))


class StateLegend(QWidget):
    def __init__(self, kinds: Sequence[Kind] = KINDS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kinds = tuple(kinds)
        self.setToolTip(legend_tooltip(self.kinds))
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_kinds(self, kinds: Sequence[Kind]) -> None:
        self.kinds = tuple(kinds)
        self.setToolTip(legend_tooltip(self.kinds))
        self.updateGeometry()
        self.update()

    def _items(self) -> list[tuple[Kind, str, int]]:
        metrics = QFontMetrics(self.font())
        swatch = self._swatch_w()
        return [(kind, kind_word(kind),
                 swatch + 6 + metrics.horizontalAdvance(kind_word(kind)) + 18)
                for kind in self.kinds]

    def _swatch_w(self) -> int:
        return int(QFontMetrics(self.font()).height() * 1.4)

    def _layout(self, width: int) -> list[list[tuple[Kind, str, int]]]:
        lines: list[list[tuple[Kind, str, int]]] = [[]]
        used = 0
        for item in self._items():
            if lines[-1] and used + item[2] > width:
                lines.append([])
                used = 0
            lines[-1].append(item)
            used += item[2]
        return lines

    def line_height(self) -> int:
        return QFontMetrics(self.font()).height() + 4

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return len(self._layout(max(1, width))) * self.line_height()

    def sizeHint(self) -> QSize:
        width = sum(item[2] for item in self._items())
        return QSize(width, self.line_height())

    def minimumSizeHint(self) -> QSize:
        widest = max((item[2] for item in self._items()), default=10)
        return QSize(widest, self.line_height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        line_h = self.line_height()
        swatch_w = self._swatch_w()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for row, items in enumerate(self._layout(self.width())):
            left = 0
            top = row * line_h
            for kind, word, width in items:
                paint_swatch(painter, QRectF(left, top + 2, swatch_w, line_h - 4), kind)
                painter.setPen(text)
                painter.drawText(QRectF(left + swatch_w + 6, top, width, line_h),
                                 Qt.AlignmentFlag.AlignVCenter, word)
                left += width
