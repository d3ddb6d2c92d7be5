"""The key to the thread-state colours, shared by the Threads panel and the timeline.

Painted, so each swatch looks exactly like what it explains: the two waits striped as on
the timeline, each with the letter the compact thread view uses, and a last word on how
the states are known (measured by the kernel, or inferred). It wraps when narrow.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from gilviz.core.kinds import Kind, legend
from gilviz.ui import theme
from gilviz.ui.hatch import hatch_brush

INFERRED_KINDS = (Kind.RUNNING, Kind.WAITING, Kind.BLOCKED, Kind.IDLE, Kind.DONE)
MEASURED_KINDS = (Kind.RUNNING, Kind.CPU_WAIT, Kind.WAITING, Kind.BLOCKED, Kind.IDLE,
                  Kind.DONE)
KINDS = INFERRED_KINDS
WORDS = {Kind.RUNNING: "running", Kind.WAITING: "GIL wait", Kind.CPU_WAIT: "core wait",
         Kind.BLOCKED: "blocked", Kind.IDLE: "idle", Kind.DONE: "done"}


def kind_word(kind: Kind, gil: bool = True) -> str:
    """The short word for a kind, as on a thread's chip and in the legend."""
    if kind is Kind.WAITING and not gil:
        return "lock wait"  # no GIL on this build: a futex wait at work is another lock
    return WORDS.get(kind, kind.name.lower())


def legend_tooltip(kinds: Sequence[Kind] = KINDS, measured: bool = False,
                   gil: bool = True) -> str:
    head = ("Measured by the kernel (Linux /proc), sampled from a separate process:"
            if measured else "Inferred from each thread's own progress marks:")
    return head + "\n" + "\n".join(legend(kind, measured, gil) for kind in kinds)


def paint_swatch(painter: QPainter, rect: QRectF, kind: Kind, letter: bool = True) -> None:
    """A state's fill (striped for the waits) with its letter in the fill's ink."""
    look = theme.current()
    painter.fillRect(rect, QColor(look.fill(kind)))
    stripes = hatch_brush(look, kind)
    if stripes is not None:
        painter.fillRect(rect, stripes)
    if letter:
        painter.setPen(QColor(look.ink(kind)))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, theme.LETTERS.get(kind, "?"))


class StateLegend(QWidget):
    changed = Signal()  # other keys: its height may differ, a layout may want to refit

    def __init__(self, kinds: Sequence[Kind] = KINDS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kinds = tuple(kinds)
        self.measured = False
        self.gil = True
        self._measured: tuple[tuple, list[tuple[Kind | None, str, int]]] | None = None
        self.setToolTip(legend_tooltip(self.kinds))
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_kinds(self, kinds: Sequence[Kind], measured: bool = False,
                  gil: bool = True) -> None:
        """Which states to explain, and how they are known (kernel or inference)."""
        if (tuple(kinds), measured, gil) == (self.kinds, self.measured, self.gil):
            return
        self.kinds, self.measured, self.gil = tuple(kinds), measured, gil
        self.setToolTip(legend_tooltip(self.kinds, measured, gil))
        self.updateGeometry()
        self.update()
        self.changed.emit()

    def how(self) -> str:
        return "· measured" if self.measured else "· inferred"

    def _items(self) -> list[tuple[Kind | None, str, int]]:
        """(kind, word, width) per key, measured once per kinds, wording and font."""
        key = (self.kinds, self.measured, self.gil, self.font().key())
        if self._measured is None or self._measured[0] != key:
            self._measured = (key, self._measure())
        return self._measured[1]

    def _measure(self) -> list[tuple[Kind | None, str, int]]:
        metrics = QFontMetrics(self.font())
        swatch = self._swatch_w()
        items: list[tuple[Kind | None, str, int]] = [
            (kind, kind_word(kind, self.gil),
             swatch + 6 + metrics.horizontalAdvance(kind_word(kind, self.gil)) + 16)
            for kind in self.kinds]
        items.append((None, self.how(), metrics.horizontalAdvance(self.how()) + 8))
        return items

    def _swatch_w(self) -> int:
        return int(QFontMetrics(self.font()).height() * 1.4)

    def _layout(self, width: int) -> list[list[tuple[Kind | None, str, int]]]:
        lines: list[list[tuple[Kind | None, str, int]]] = [[]]
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
        palette = self.palette()
        for row, items in enumerate(self._layout(self.width())):
            left = 0
            top = row * line_h
            for kind, word, width in items:
                if kind is None:  # how the states are known, in the secondary colour
                    painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                    painter.drawText(QRectF(left, top, width, line_h),
                                     Qt.AlignmentFlag.AlignVCenter, word)
                    continue
                paint_swatch(painter, QRectF(left, top + 2, swatch_w, line_h - 4), kind)
                painter.setPen(palette.color(QPalette.ColorRole.WindowText))
                painter.drawText(QRectF(left + swatch_w + 6, top, width, line_h),
                                 Qt.AlignmentFlag.AlignVCenter, word)
                left += width
