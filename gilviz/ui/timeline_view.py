"""The per-thread timeline: one lane per thread, time left to right, spans coloured by kind.

Spans are rasterised with numpy into one pixel column per time bucket (the most telling
kind wins a bucket), then drawn as a single scaled image: the cost depends on the size
of the widget, not on how many spans a long 64-thread run produced.

"Waiting for a core" is told apart twice, for colour-blind eyes too: a blue that no other
kind is near, and stripes (every other few pixel columns lighter).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from gilviz.core.timeline import Kind
from gilviz.ui.time_axis import draw_time_axis

Spans = list[tuple[str, list[tuple[float, float, Kind]]]]

KIND_COLOURS = {
    Kind.RUNNING: "#2e7d32",
    Kind.WAITING: "#e53935",
    Kind.BLOCKED: "#ef8f00",
    Kind.IDLE: "#cfd8dc",
    Kind.DONE: "#e3ecf7",
    Kind.CPU_WAIT: "#0072b2",  # Okabe-Ito blue: apart from green, red and orange alike
}
STRIPE_COLOURS = {Kind.CPU_WAIT: "#7fb8e0"}  # the second cue: lighter stripes
STRIPE_PX = 3
KIND_NAMES = {Kind.RUNNING: "running", Kind.WAITING: "waiting for the GIL",
              Kind.BLOCKED: "blocked", Kind.IDLE: "idle", Kind.DONE: "done",
              Kind.CPU_WAIT: "waiting for a core"}
# Painted first to last, so a bucket holding several kinds shows the last one.
PAINT_ORDER = (Kind.DONE, Kind.IDLE, Kind.BLOCKED, Kind.CPU_WAIT, Kind.WAITING, Kind.RUNNING)
EMPTY = 255
STRIPED = 128  # + kind: a striped pixel of that kind (only in the colour lookup)
MIN_SPAN_S = 0.001


def as_array(spans: list[tuple[float, float, Kind]]) -> np.ndarray:
    return np.asarray([(start, end, int(kind)) for start, end, kind in spans],
                      dtype=float).reshape(-1, 3)


def rasterise(spans: list[tuple[float, float, Kind]] | np.ndarray, t0: float, t1: float,
              width: int) -> np.ndarray:
    """One uint8 kind per pixel column over [t0, t1): the kind that filled most of that
    column's time (zoomed out, four threads sharing the GIL each look mostly like waiting,
    as they were); EMPTY where nothing was recorded. A span too short for a pixel still
    shows where nothing else is."""
    row = np.full(width, EMPTY, dtype=np.uint8)
    data = spans if isinstance(spans, np.ndarray) else as_array(spans)
    if not len(data) or width <= 0 or t1 <= t0:
        return row
    data = data[(data[:, 1] >= t0) & (data[:, 0] <= t1)]
    edges = np.linspace(t0, t1, width + 1)
    best = np.zeros(width)
    for kind in PAINT_ORDER:  # later kinds win ties
        chosen = data[data[:, 2] == int(kind)]  # a lane's spans come in time order
        if not len(chosen):
            continue
        starts, durations = chosen[:, 0], chosen[:, 1] - chosen[:, 0]
        before = np.concatenate(([0.0], np.cumsum(durations)))
        last = np.searchsorted(starts, edges, side="right") - 1  # last span begun by edge
        safe = np.maximum(last, 0)
        covered = np.where(last >= 0, before[safe] + np.clip(edges - starts[safe], 0.0,
                                                             durations[safe]), 0.0)
        per_pixel = np.diff(covered)
        if not per_pixel.any():  # spans of zero length: still shown where nothing else is
            per_pixel = _touching(chosen, t0, t1, width)
        wins = (per_pixel > 0) & (per_pixel >= best)
        row[wins] = int(kind)
        best[wins] = per_pixel[wins]
    return row


def _touching(chosen: np.ndarray, t0: float, t1: float, width: int) -> np.ndarray:
    """A tiny weight in every column a (possibly zero-length) span touches."""
    scale = width / (t1 - t0)
    first = np.clip(np.floor((chosen[:, 0] - t0) * scale), 0, width - 1).astype(np.int64)
    weight = np.zeros(width)
    weight[first] = 1e-12
    return weight


def striped(rows: np.ndarray) -> np.ndarray:
    """Every other STRIPE_PX columns of a striped kind point at its lighter colour."""
    columns = (np.arange(rows.shape[-1]) // STRIPE_PX) % 2 == 1
    out = rows.copy()
    for kind in STRIPE_COLOURS:
        out[(rows == int(kind)) & columns] = STRIPED + int(kind)
    return out


class TimelineView(QWidget):
    """Live while a run goes on (the whole run fits); afterwards zoom with the wheel,
    drag to scroll, double-click to fit, hover for times."""

    rangeChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setMouseTracking(True)
        self.setMinimumHeight(80)
        self.spans: Spans = []
        self.gil = True  # False on a free-threaded build: a futex wait is no GIL wait
        self._arrays: list[np.ndarray] = []  # each lane's spans as numpy rows, kept across
        self.end_s = 0.0
        self.view: tuple[float, float] | None = None  # None: fit the whole run
        self._drag_from: tuple[float, tuple[float, float]] | None = None
        lut = np.zeros((256, 4), dtype=np.uint8)
        for kind, colour in KIND_COLOURS.items():
            c = QColor(STRIPE_COLOURS.get(kind, colour))
            lut[STRIPED + int(kind)] = (c.red(), c.green(), c.blue(), 255)
            c = QColor(colour)
            lut[int(kind)] = (c.red(), c.green(), c.blue(), 255)
        self._lut = lut

    def sizeHint(self) -> QSize:
        return QSize(600, 300)

    def show_spans(self, spans: Spans, end_s: float) -> None:
        """New spans of the same run: only what is new is converted (lists only grow,
        but their last span may still be extended)."""
        arrays = []
        for index, (_, lane_spans) in enumerate(spans):
            old = self._arrays[index] if index < len(self._arrays) else np.empty((0, 3))
            keep = max(0, min(len(old), len(lane_spans)) - 2)
            arrays.append(np.vstack([old[:keep], as_array(lane_spans[keep:])]))
        self._arrays = arrays
        self.spans = spans
        self.end_s = end_s
        self.update()

    def clear(self) -> None:
        self.spans, self._arrays, self.end_s, self.view = [], [], 0.0, None
        self.update()

    def visible_range(self) -> tuple[float, float]:
        if self.view is not None:
            return self.view
        return 0.0, max(self.end_s, MIN_SPAN_S * 100)

    def fit(self) -> None:
        self.view = None
        self.update()
        self.rangeChanged.emit()

    def zoom(self, factor: float, anchor_s: float | None = None) -> None:
        t0, t1 = self.visible_range()
        anchor = (t0 + t1) / 2 if anchor_s is None else anchor_s
        width = max(MIN_SPAN_S * 10, (t1 - t0) * factor)
        start = anchor - (anchor - t0) * width / (t1 - t0)
        self._set_view(start, start + width)

    def scroll_by(self, seconds: float) -> None:
        t0, t1 = self.visible_range()
        self._set_view(t0 + seconds, t1 + seconds)

    def _set_view(self, t0: float, t1: float) -> None:
        span = t1 - t0
        limit = max(self.end_s, span)
        t0 = min(max(0.0, t0), limit - span)
        self.view = (t0, t0 + span)
        self.update()
        self.rangeChanged.emit()

    # geometry -------------------------------------------------------------------------
    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(name) for name, _ in self.spans), default=40)
        return min(widest + 16, self.width() // 3)

    def _plot_rect(self) -> QRectF:
        axis_h = QFontMetrics(self.font()).height() + 8
        left = self._label_width()
        return QRectF(left, 2, max(1, self.width() - left - 8), max(1, self.height() - axis_h))

    def _time_at(self, x: float) -> float:
        plot = self._plot_rect()
        t0, t1 = self.visible_range()
        return t0 + (x - plot.left()) / plot.width() * (t1 - t0)

    # painting -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        plot = self._plot_rect()
        if not self.spans:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Each thread's timeline appears here while a run goes on.")
            return
        t0, t1 = self.visible_range()
        width = max(1, int(plot.width()))
        rows = np.vstack([rasterise(array, t0, t1, width) for array in self._arrays])
        rgba = np.ascontiguousarray(self._lut[striped(rows)])
        image = QImage(rgba.data, width, len(self.spans), width * 4,
                       QImage.Format.Format_RGBA8888)
        lane_h = plot.height() / len(self.spans)
        gap = 1.0 if lane_h >= 6 else 0.0
        painter.drawImage(plot, image)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        metrics = QFontMetrics(self.font())
        show_names = lane_h >= metrics.height() * 0.8
        for index, (name, _) in enumerate(self.spans):
            top = plot.top() + index * lane_h
            if gap:
                painter.fillRect(QRectF(plot.left(), top + lane_h - gap, plot.width(), gap),
                                 palette.color(QPalette.ColorRole.Base))
            if show_names:
                painter.drawText(QRectF(4, top, plot.left() - 8, lane_h),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 name)
        draw_time_axis(painter, plot, t0, t1, self.height())

    # interaction ----------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.spans:
            return
        factor = 0.8 if event.angleDelta().y() > 0 else 1.25
        self.zoom(factor, self._time_at(event.position().x()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = (event.position().x(), self.visible_range())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            x0, (t0, t1) = self._drag_from
            shift = (x0 - event.position().x()) / self._plot_rect().width() * (t1 - t0)
            self._set_view(t0 + shift, t1 + shift)
            return
        tip = self.describe_at(event.position())
        if tip:
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        else:
            QToolTip.hideText()

    def describe_at(self, pos: QPointF) -> str:
        """The hover text: thread, what it was doing, and the span's times."""
        plot = self._plot_rect()
        if not self.spans or not plot.contains(pos):
            return ""
        index = int((pos.y() - plot.top()) / (plot.height() / len(self.spans)))
        name, spans = self.spans[min(index, len(self.spans) - 1)]
        t = self._time_at(pos.x())
        for start, end, kind in spans:
            if start <= t <= end:
                what = KIND_NAMES[kind]
                if kind is Kind.WAITING and not self.gil:
                    what = "waiting (lock or other)"
                return (f"{name}: {what} from {start:.4f} s to {end:.4f} s "
                        f"({(end - start) * 1000:.2f} ms)")
        return f"{name}: nothing recorded at {t:.4f} s"
