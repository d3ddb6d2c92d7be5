"""One row per thread: name, state, counter and progress, painted in a single pass.

Painting rows ourselves (instead of a widget per row) keeps 64 threads at 30 Hz cheap.
Where the kernel measures the threads, a thread at its work shows what it is doing right
now: running, waiting for the GIL, or waiting for a core.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from gilviz.core.kinds import Kind
from gilviz.core.telemetry import LaneSnapshot, Snapshot, State
from gilviz.ui.theme import STATE_COLOURS, STATE_TEXT_COLOURS
from gilviz.ui.timeline_view import KIND_COLOURS

EMPTY_HINT = "Press Run: each thread of the lesson gets a row here."
# Badges for what the kernel measured a working thread doing (same colours as the timeline).
MEASURED_BADGES = {
    Kind.RUNNING: ("running", QColor(KIND_COLOURS[Kind.RUNNING]), QColor("white")),
    Kind.WAITING: ("GIL wait", QColor(KIND_COLOURS[Kind.WAITING]), QColor("white")),
    Kind.CPU_WAIT: ("core wait", QColor(KIND_COLOURS[Kind.CPU_WAIT]), QColor("white")),
    Kind.BLOCKED: ("blocked", STATE_COLOURS[State.BLOCKED], STATE_TEXT_COLOURS[State.BLOCKED]),
}
WIDEST_BADGE = "core wait"
Badge = tuple[str, QColor, QColor]


def badge(state: State, measured: Kind | None, gil: bool = True) -> Badge:
    """The chip of a row: the lane's own state, or, for a thread at its work or blocked,
    what the kernel last saw it doing."""
    if measured in MEASURED_BADGES and state in (State.RUNNING, State.BLOCKED):
        text, colour, text_colour = MEASURED_BADGES[measured]
        if measured is Kind.WAITING and not gil:
            text = "lock wait"
        return text, colour, text_colour
    return state.value, STATE_COLOURS[state], STATE_TEXT_COLOURS[state]


def compact(number: int) -> str:
    """12 -> '12', 25_000 -> '25k', 2_500_000 -> '2.5M': short enough for a row."""
    for limit, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (100_000, "k")):
        if number >= limit:
            scaled = number / (limit if suffix != "k" else 1000)
            return f"{scaled:.3g}{suffix}"
    return f"{number:,}"


class _LanesCanvas(QWidget):
    """Paints the rows with few calls per row: each call into Qt lets go of the GIL and
    must win it back, which is slow while the run's threads compete for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lanes: tuple[LaneSnapshot, ...] = ()
        self.measured: Sequence[Kind | None] = ()
        self.gil = True
        self._labels: dict[tuple[str, str, int, int, int], QPixmap] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.sizeHint().height())

    def row_height(self) -> int:
        # Roomy rows for a few threads; tighter ones so 16 still fit without scrolling.
        spacing = 1.7 if len(self.lanes) <= 8 else 1.2
        return int(QFontMetrics(self.font()).height() * spacing)

    def sizeHint(self) -> QSize:
        return QSize(400, max(1, len(self.lanes)) * self.row_height() + 4)

    def set_lanes(self, lanes: tuple[LaneSnapshot, ...],
                  measured: Sequence[Kind | None] = ()) -> None:
        resized = len(lanes) != len(self.lanes)
        self.lanes = lanes
        self.measured = measured
        if resized:
            self.setFixedHeight(self.sizeHint().height())
            self._labels.clear()
        self.update()

    def badge_of(self, row: int) -> Badge:
        kind = self.measured[row] if row < len(self.measured) else None
        return badge(State(self.lanes[row].state), kind, self.gil)

    def _label(self, name: str, chip: Badge, name_w: int, chip_w: int, row_h: int) -> QPixmap:
        """Name and state chip, drawn once per (name, badge) and then blitted."""
        text, colour, text_colour = chip
        key = (name, text, name_w, chip_w, row_h)
        pixmap = self._labels.get(key)
        if pixmap is not None:
            return pixmap
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int((8 + name_w + chip_w) * ratio), int(row_h * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # A pixmap may have another DPI than the screen: fix the font in pixels, so the
        # text comes out as large as the widget's metrics measured it.
        font = QFont(self.font())
        font.setPixelSize(QFontInfo(self.font()).pixelSize())
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        painter.drawText(QRectF(8, 0, name_w, row_h), Qt.AlignmentFlag.AlignVCenter, name)
        rect = QRectF(8 + name_w, row_h * 0.18, chip_w, row_h * 0.64)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(text_colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        self._labels[key] = pixmap
        return pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        if not self.lanes:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_HINT)
            return
        metrics = QFontMetrics(self.font())
        row_h = self.row_height()
        name_w = max(metrics.horizontalAdvance(lane.name) for lane in self.lanes) + 16
        chip_w = metrics.horizontalAdvance(WIDEST_BADGE) + 20
        digits = max(len(compact(lane.total)) for lane in self.lanes) + 1  # "7.2M" vs "10M"
        count_w = metrics.horizontalAdvance(f"{'8' * digits} / {'8' * digits}") + 12
        count_left = 8 + name_w + chip_w + 8
        bar_left = count_left + count_w + 12
        bar_w = max(10, self.width() - bar_left - 10)
        bar_top, bar_h = int(row_h * 0.3), max(2, int(row_h * 0.4))
        track = palette.color(QPalette.ColorRole.Mid)
        alternate = palette.color(QPalette.ColorRole.AlternateBase)
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        first = max(0, event.rect().top() // row_h)
        last = min(len(self.lanes), event.rect().bottom() // row_h + 1)
        for row in range(first, last):
            lane = self.lanes[row]
            top = row * row_h
            if row % 2:
                painter.fillRect(0, top, self.width(), row_h, alternate)
            state = State(lane.state)
            chip = self.badge_of(row)
            painter.drawPixmap(0, top, self._label(lane.name, chip, name_w, chip_w, row_h))
            if not lane.total:
                continue  # a thread with no counted work (main): no counter, no bar
            painter.drawText(QRectF(count_left, top, count_w, row_h), align,
                             f"{compact(lane.count)} / {compact(lane.total)}")
            painter.fillRect(bar_left, top + bar_top, bar_w, bar_h, track)
            filled = int(bar_w * min(1.0, lane.count / lane.total))
            if filled:
                painter.fillRect(bar_left, top + bar_top, filled, bar_h, STATE_COLOURS[state])


class ThreadLanesView(QScrollArea):
    """Scrollable per-thread rows fed with snapshots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("threadLanes")
        self.canvas = _LanesCanvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    def show_snapshot(self, snapshot: Snapshot, measured: Sequence[Kind | None] = (),
                      gil: bool = True) -> None:
        """The rows; `measured` holds, per lane, what the kernel last saw (None: not
        measured), so the chips can say "GIL wait" or "core wait"."""
        self.canvas.gil = gil
        self.canvas.set_lanes(snapshot.lanes, measured)

    def clear(self) -> None:
        self.canvas.set_lanes(())

    def lanes(self) -> tuple[LaneSnapshot, ...]:
        return self.canvas.lanes
