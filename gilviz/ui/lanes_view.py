"""One row per thread (name, state, counter, progress) or, for many threads, one tile
each, painted in a single pass.

Painting ourselves (instead of a widget per row) keeps 64 threads at 30 Hz cheap. Up
to ROWS_UP_TO threads get a row each; beyond that a row would be too thin to read, so
each thread becomes a numbered tile in a grid, with a summary line above it that stays in
view ("64 threads: 1 running, 60 GIL wait, 3 done"): the room sees them take turns.
Where the kernel measures the threads, a thread at its work shows what it is doing right
now: running, waiting for the GIL, or waiting for a core.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QLabel, QScrollArea, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from gilviz.core.kinds import Kind
from gilviz.core.telemetry import LaneSnapshot, Snapshot, State
from gilviz.ui import theme
from gilviz.ui.hatch import hatch_brush
from gilviz.ui.legend import MEASURED_KINDS, StateLegend, kind_word

EMPTY_HINT = "Press Run: each thread of the lesson gets a row here."
ROWS_UP_TO = 17  # main and 16 threads still read as rows; more become tiles
LABELS_KEPT = 4000  # cached row and tile faces (64 threads x a few states x 2 sizes)
FEW_CHANGED = 8  # rows changed since the last poll that are repainted one by one
KINDS_SHOWN = (Kind.RUNNING, Kind.BLOCKED, Kind.IDLE, Kind.DONE)  # known without the kernel
SUMMARY_ORDER = (Kind.RUNNING, Kind.CPU_WAIT, Kind.WAITING, Kind.BLOCKED, Kind.IDLE,
                 Kind.DONE)
AT_WORK = (State.RUNNING, State.BLOCKED)
SEEN_AT_WORK = (Kind.RUNNING, Kind.WAITING, Kind.CPU_WAIT, Kind.BLOCKED)


def compact(number: int) -> str:
    """12 -> '12', 25_000 -> '25k', 2_500_000 -> '2.5M': short enough for a row."""
    for limit, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (100_000, "k")):
        if number >= limit:
            scaled = number / (limit if suffix != "k" else 1000)
            return f"{scaled:.3g}{suffix}"
    return f"{number:,}"


def tile_label(name: str, whole: bool = False) -> str:
    """What a tile shows of a thread's name: the name whole when every name is short
    ('5ms·T1'), else its number ('Thread-17' -> '17') or its first five characters."""
    if whole or len(name) <= 5:
        return name
    match = re.search(r"(\d+)$", name)
    return match.group(1) if match else name[:5]


def names_fit(names: list[str]) -> bool:
    """Whether every name is short enough to show whole on a tile."""
    return all(len(name) <= 8 for name in names)


def kind_of(lane: LaneSnapshot, measured: Kind | None = None) -> Kind:
    """What a row shows: the lane's own state, or, for a thread at its work or blocked,
    what the kernel last saw it doing (running, waiting for the GIL or for a core)."""
    state = State(lane.state)
    if measured in SEEN_AT_WORK and state in AT_WORK:
        return measured
    return theme.KIND_OF_LANE_STATE.get(state, Kind.IDLE)


def summary_text(lanes: tuple[LaneSnapshot, ...], measured: Sequence[Kind | None] = (),
                 gil: bool = True) -> str:
    counts: dict[Kind, int] = {}
    for index, lane in enumerate(lanes):
        kind = kind_of(lane, measured[index] if index < len(measured) else None)
        counts[kind] = counts.get(kind, 0) + 1
    parts = [f"{counts[kind]} {kind_word(kind, gil)}" for kind in SUMMARY_ORDER
             if counts.get(kind)]
    return f"{len(lanes)} threads: " + ", ".join(parts)


class _LanesCanvas(QWidget):
    """Paints the rows or tiles with few calls each: each call into Qt lets go of the GIL
    and must win it back, which is slow while the run's threads compete for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("threadCanvas")
        self.lanes: tuple[LaneSnapshot, ...] = ()
        self.kinds: tuple[Kind, ...] = ()  # what each row shows
        self.gil = True
        self._labels: dict[tuple, QPixmap] = {}
        self._shown: tuple = ()
        self._widths: dict[tuple, object] = {}  # measurements kept until names or font change
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.sizeHint().height())
        # It paints every pixel itself: Qt need not repaint the box and scroll area
        # underneath at every snapshot.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # geometry ---------------------------------------------------------------------
    def tiled(self) -> bool:
        return len(self.lanes) > ROWS_UP_TO

    def row_height(self) -> int:
        # Roomy rows for a few threads; tighter ones so 16 still fit without scrolling.
        spacing = 1.4 if len(self.lanes) <= 8 else 1.25
        return int(QFontMetrics(self.font()).height() * spacing)

    def _measured(self, what: str, compute):
        """A measurement of the lanes' names at this font, kept until either changes."""
        key = (what, len(self.lanes), self.lanes[0].name if self.lanes else "",
               self.lanes[-1].name if self.lanes else "", self.font().key())
        if key not in self._widths:
            self._widths[key] = compute(QFontMetrics(self.font()))
        return self._widths[key]

    def _whole_names(self) -> bool:
        return self._measured("whole", lambda _: names_fit([lane.name for lane in self.lanes]))

    def tile_size(self) -> QSize:
        def measure(metrics: QFontMetrics) -> QSize:
            whole = self._whole_names()
            widest = max((metrics.horizontalAdvance(tile_label(lane.name, whole))
                          for lane in self.lanes), default=20)
            width = widest + metrics.horizontalAdvance("W") + 18
            return QSize(max(width, int(metrics.height() * 2.6)), int(metrics.height() * 1.75))

        return self._measured("tile", measure)

    def columns(self) -> int:
        return max(1, self.width() // max(1, self.tile_size().width()))

    def sizeHint(self) -> QSize:
        if self.tiled():
            rows = math.ceil(len(self.lanes) / self.columns())
            return QSize(400, rows * self.tile_size().height() + 2)
        return QSize(400, max(1, len(self.lanes)) * self.row_height() + 4)

    def refit(self) -> None:
        self.setFixedHeight(self.sizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.tiled() and self.height() != self.sizeHint().height():
            self.refit()  # the grid's row count follows the width

    def restyle(self) -> None:
        """Zoom or theme changed: cached labels are stale, the height follows the font."""
        self._labels.clear()
        self._widths.clear()
        self._shown = ()
        self.refit()
        self.update()

    # data -------------------------------------------------------------------------
    def set_lanes(self, lanes: tuple[LaneSnapshot, ...],
                  measured: Sequence[Kind | None] = (), gil: bool = True) -> None:
        """The lanes, and per lane what the kernel last saw it doing (None: unknown)."""
        kinds = tuple(kind_of(lane, measured[i] if i < len(measured) else None)
                      for i, lane in enumerate(lanes))
        shown = (gil, kinds, tuple((lane.name, lane.count, lane.total) for lane in lanes))
        if shown == self._shown:
            return  # nothing on screen would change: no repaint
        resized = len(lanes) != len(self.lanes)
        before = self._shown
        self._shown = shown
        self.lanes = lanes
        self.kinds = kinds
        self.gil = gil
        if resized:
            # Cached faces stay good (their keys hold name, state and size); only a
            # cache grown past any real run's needs is dropped.
            if len(self._labels) > LABELS_KEPT:
                self._labels.clear()
            if len(self._widths) > LABELS_KEPT:
                self._widths.clear()
            self.refit()
        if resized or not before or before[0] != gil:
            self.update()
            return
        # Repaint only the rows or tiles that changed: under the GIL one or two of 64
        # threads move at a time. When many change, one update() for all: each call into
        # Qt may have to win the GIL back from a run in this process (64 calls took 54 ms).
        changed = [index for index, (kind, row) in enumerate(zip(kinds, shown[2], strict=True))
                   if kind != before[1][index] or row != before[2][index]]
        if len(changed) > FEW_CHANGED:
            self.update()
            return
        for index in changed:
            self.update(self.lane_rect(index))

    def lane_rect(self, index: int) -> QRect:
        """Where lane `index` is drawn: its tile, or its row."""
        if self.tiled():
            size = self.tile_size()
            row, column = divmod(index, self.columns())
            return QRect(column * size.width(), row * size.height(), size.width(),
                         size.height())
        row_h = self.row_height()
        return QRect(0, index * row_h, self.width(), row_h)

    # painting ---------------------------------------------------------------------
    def _pixel_font(self) -> QFont:
        # A pixmap may have another DPI than the screen: fix the font in pixels, so the
        # text comes out as large as the widget's metrics measured it.
        font = QFont(self.font())
        font.setPixelSize(QFontInfo(self.font()).pixelSize())
        return font

    def _pixmap(self, width: float, height: float) -> tuple[QPixmap, QPainter]:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(width * ratio), int(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._pixel_font())
        return pixmap, painter

    def _row_label(self, name: str, kind: Kind, name_w: int, chip_w: int,
                   row_h: int) -> QPixmap:
        """Name and state chip, drawn once per (name, state) and then blitted."""
        key = ("row", name, kind, self.gil, name_w, chip_w, row_h)
        pixmap = self._labels.get(key)
        if pixmap is not None:
            return pixmap
        look = theme.current()
        pixmap, painter = self._pixmap(8 + name_w + chip_w, row_h)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        painter.drawText(QRectF(8, 0, name_w, row_h), Qt.AlignmentFlag.AlignVCenter, name)
        chip = QRectF(8 + name_w, row_h * 0.12, chip_w, row_h * 0.76)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(look.fill(kind)))
        painter.drawRoundedRect(chip, 6, 6)
        stripes = hatch_brush(look, kind)
        if stripes is not None:
            painter.setBrush(stripes)
            painter.drawRoundedRect(chip, 6, 6)
        painter.setPen(QColor(look.ink(kind)))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, kind_word(kind, self.gil))
        painter.end()
        self._labels[key] = pixmap
        return pixmap

    def _tile(self, name: str, kind: Kind, size: QSize) -> QPixmap:
        """A tile's face: number top left, state letter top right, in the state's colour."""
        key = ("tile", name, kind, size.width(), size.height())
        pixmap = self._labels.get(key)
        if pixmap is not None:
            return pixmap
        look = theme.current()
        pixmap, painter = self._pixmap(size.width(), size.height())
        face = QRectF(1, 1, size.width() - 2, size.height() - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(look.fill(kind)))
        painter.drawRoundedRect(face, 4, 4)
        stripes = hatch_brush(look, kind)
        if stripes is not None:
            painter.setBrush(stripes)
            painter.drawRoundedRect(face, 4, 4)
        painter.setPen(QColor(look.ink(kind)))
        text = face.adjusted(5, 0, -5, -size.height() * 0.22)
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         tile_label(name, self._whole_names()))
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         theme.LETTERS.get(kind, "?"))
        painter.end()
        self._labels[key] = pixmap
        return pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.Base))
        if not self.lanes:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(8, 4, -8, -4),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, EMPTY_HINT)
            return
        if self.tiled():
            self._paint_tiles(painter, event)
        else:
            self._paint_rows(painter, event)

    def _paint_tiles(self, painter: QPainter, event: QPaintEvent) -> None:
        size = self.tile_size()
        columns = self.columns()
        tile_w, tile_h = size.width(), size.height()
        bar_h = max(3, tile_h // 7)
        track = QColor(0, 0, 0, 90)
        ink = {kind: QColor(theme.current().ink(kind)) for kind in Kind}
        first = max(0, event.rect().top() // tile_h) * columns
        last = min(len(self.lanes), (event.rect().bottom() // tile_h + 1) * columns)
        region = event.region()
        for index in range(first, last):
            lane = self.lanes[index]
            row, column = divmod(index, columns)
            left, top = column * tile_w, row * tile_h
            if not region.intersects(QRect(left, top, tile_w, tile_h)):
                continue  # unchanged, and not asked for
            kind = self.kinds[index] if index < len(self.kinds) else kind_of(lane)
            painter.drawPixmap(left, top, self._tile(lane.name, kind, size))
            if lane.total:
                bar_w = tile_w - 12
                bar_top = top + tile_h - bar_h - 5
                painter.fillRect(left + 6, bar_top, bar_w, bar_h, track)
                filled = int(bar_w * min(1.0, lane.count / lane.total))
                if filled:
                    painter.fillRect(left + 6, bar_top, filled, bar_h, ink[kind])

    def _paint_rows(self, painter: QPainter, event: QPaintEvent) -> None:
        look = theme.current()
        palette = self.palette()
        row_h = self.row_height()
        name_w, chip_w, count_w = self._measured("rows", lambda metrics: (
            max(metrics.horizontalAdvance(lane.name) for lane in self.lanes) + 16,
            max(metrics.horizontalAdvance(kind_word(kind, gil)) for kind in Kind
                for gil in (True, False)) + 20,
            # room for the widest count: "7.2M" vs "10M"
            metrics.horizontalAdvance("8" * (max(len(compact(lane.total))
                                                 for lane in self.lanes) + 1) * 2 + " / ")
            + 12))
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
            kind = self.kinds[row] if row < len(self.kinds) else kind_of(lane)
            painter.drawPixmap(0, top, self._row_label(lane.name, kind, name_w, chip_w, row_h))
            if not lane.total:
                continue  # a thread with no counted work (main): no counter, no bar
            painter.drawText(QRectF(count_left, top, count_w, row_h), align,
                             f"{compact(lane.count)} / {compact(lane.total)}")
            painter.fillRect(bar_left, top + bar_top, bar_w, bar_h, track)
            filled = int(bar_w * min(1.0, lane.count / lane.total))
            if filled:
                painter.fillRect(bar_left, top + bar_top, filled, bar_h,
                                 QColor(look.fill(kind)))

    # hover ------------------------------------------------------------------------
    def lane_at(self, pos: QPointF) -> LaneSnapshot | None:
        if not self.lanes:
            return None
        if self.tiled():
            size = self.tile_size()
            column = int(pos.x() // size.width())
            index = int(pos.y() // size.height()) * self.columns() + column
            ok = column < self.columns() and 0 <= index < len(self.lanes)
        else:
            index = int(pos.y() // self.row_height())
            ok = 0 <= index < len(self.lanes)
        return self.lanes[index] if ok else None

    def event(self, event) -> bool:
        if isinstance(event, QHelpEvent):
            lane = self.lane_at(QPointF(event.pos()))
            if lane is None:
                QToolTip.hideText()
            else:
                counted = f", {lane.count:,} of {lane.total:,}" if lane.total else ""
                index = self.lanes.index(lane)
                kind = self.kinds[index] if index < len(self.kinds) else kind_of(lane)
                QToolTip.showText(event.globalPos(),
                                  f"{lane.name}: {kind_word(kind, self.gil)}{counted}", self)
            return True
        return super().event(event)


class ThreadLanesView(QWidget):
    """Per-thread rows (or tiles) fed with snapshots; they scroll, the summary line
    above them does not."""

    kinds_shown = KINDS_SHOWN

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("threadRows")
        # The key to the colours: the page puts it where it likes (beside its title).
        self.legend = StateLegend(KINDS_SHOWN)
        self.legend.setObjectName("threadsLegend")
        self.summary = QLabel()
        self.summary.setObjectName("threadSummary")
        self.summary.setWordWrap(True)
        self.summary.setToolTip("Each tile is a thread, numbered as in its name; hover a "
                                "tile for the name and its count")
        self.summary.hide()
        self.canvas = _LanesCanvas()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.scroll, 1)
        self._summary = ""

    def show_snapshot(self, snapshot: Snapshot, measured: Sequence[Kind | None] = (),
                      gil: bool = True) -> None:
        """The rows; `measured` holds, per lane, what the kernel last saw (None: not
        measured), so a row can say "GIL wait" or "core wait"."""
        self.canvas.set_lanes(snapshot.lanes, measured, gil)
        kernel = any(kind is not None for kind in measured)
        self.legend.set_kinds(
            MEASURED_KINDS if kernel else KINDS_SHOWN, kernel, gil)
        tiled = self.canvas.tiled()
        if tiled != self.summary.isVisible():
            self.summary.setVisible(tiled)
        if tiled:
            text = summary_text(snapshot.lanes, measured, gil)
            if text != self._summary:
                self._summary = text
                self.summary.setText(text)

    def clear(self) -> None:
        self.canvas.set_lanes(())
        self.summary.hide()
        self.legend.set_kinds(KINDS_SHOWN)

    def lanes(self) -> tuple[LaneSnapshot, ...]:
        return self.canvas.lanes

    def wanted_height(self) -> int:
        """Height that shows every row (or tile) and the summary without scrolling."""
        summary = self.summary.sizeHint().height() + 6 if self.canvas.tiled() else 0
        return self.canvas.sizeHint().height() + summary
