"""One row per thread: name, state, counter and progress, painted in a single pass.

Painting rows ourselves (instead of a widget per row) keeps 64 threads at 30 Hz cheap.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from gilviz.core.telemetry import LaneSnapshot, Snapshot, State
from gilviz.ui.theme import STATE_COLOURS, STATE_TEXT_COLOURS

EMPTY_HINT = "Press Run: each thread of the lesson gets a row here."


def compact(number: int) -> str:
    """12 -> '12', 25_000 -> '25k', 2_500_000 -> '2.5M': short enough for a row."""
    for limit, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (100_000, "k")):
        if number >= limit:
            scaled = number / (limit if suffix != "k" else 1000)
            return f"{scaled:.3g}{suffix}"
    return f"{number:,}"


class _LanesCanvas(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lanes: tuple[LaneSnapshot, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.sizeHint().height())

    def row_height(self) -> int:
        # Roomy rows for a few threads; tighter ones so 16 still fit without scrolling.
        spacing = 1.7 if len(self.lanes) <= 8 else 1.2
        return int(QFontMetrics(self.font()).height() * spacing)

    def sizeHint(self) -> QSize:
        return QSize(400, max(1, len(self.lanes)) * self.row_height() + 4)

    def set_lanes(self, lanes: tuple[LaneSnapshot, ...]) -> None:
        resized = len(lanes) != len(self.lanes)
        self.lanes = lanes
        if resized:
            self.setFixedHeight(self.sizeHint().height())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        if not self.lanes:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_HINT)
            return
        metrics = QFontMetrics(self.font())
        row_h = self.row_height()
        name_w = max(metrics.horizontalAdvance(lane.name) for lane in self.lanes) + 16
        chip_w = metrics.horizontalAdvance("blocked") + 20
        widest = max(len(compact(max(lane.total, lane.count))) for lane in self.lanes)
        count_w = metrics.horizontalAdvance("8" * (2 * widest) + " / ") + 16
        first = max(0, event.rect().top() // row_h)
        last = min(len(self.lanes), event.rect().bottom() // row_h + 1)
        for row in range(first, last):
            lane = self.lanes[row]
            top = row * row_h
            if row % 2:
                painter.fillRect(0, top, self.width(), row_h,
                                 palette.color(QPalette.ColorRole.AlternateBase))
            text_rect = QRectF(8, top, name_w, row_h)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, lane.name)

            state = State(lane.state)
            chip = QRectF(8 + name_w, top + row_h * 0.18, chip_w, row_h * 0.64)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(STATE_COLOURS[state])
            painter.drawRoundedRect(chip, 6, 6)
            painter.setPen(STATE_TEXT_COLOURS[state])
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, state.value)

            if not lane.total:
                continue  # a thread with no counted work (main): no counter, no bar
            count_rect = QRectF(chip.right() + 8, top, count_w, row_h)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(count_rect,
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             f"{compact(lane.count)} / {compact(lane.total)}")

            bar_left = count_rect.right() + 12
            bar = QRectF(bar_left, top + row_h * 0.3, max(10.0, self.width() - bar_left - 10),
                         row_h * 0.4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Mid))
            painter.drawRoundedRect(bar, 4, 4)
            filled = QRectF(bar)
            filled.setWidth(bar.width() * min(1.0, lane.count / lane.total))
            painter.setBrush(QColor(STATE_COLOURS[state]))
            painter.drawRoundedRect(filled, 4, 4)


class ThreadLanesView(QScrollArea):
    """Scrollable per-thread rows fed with snapshots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("threadLanes")
        self.canvas = _LanesCanvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.canvas.set_lanes(snapshot.lanes)

    def clear(self) -> None:
        self.canvas.set_lanes(())

    def lanes(self) -> tuple[LaneSnapshot, ...]:
        return self.canvas.lanes
