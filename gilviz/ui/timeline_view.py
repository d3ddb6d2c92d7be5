"""The per-thread timeline: one lane per thread, time left to right, spans coloured by kind.

Spans are rasterised with numpy into one pixel column per time bucket (the most telling
kind wins a bucket), then drawn as a single image: the cost depends on the size of the
widget, not on how many spans a long 64-thread run produced. The image is kept until
the spans, the range or the size change, so a repaint for any other reason is a blit.

Many threads: lanes too thin for a name get one every few lanes, and a strip above them
counts how many threads ran at each moment, so "64 threads, one at a time" reads at a
glance. Waiting is hatched as well as coloured.
"""

from __future__ import annotations

import os

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
from gilviz.ui import theme
from gilviz.ui.hatch import stripe_mask
from gilviz.ui.time_axis import draw_time_axis

Spans = list[tuple[str, list[tuple[float, float, Kind]]]]

# Painted first to last, so a bucket holding several kinds shows the last one.
PAINT_ORDER = (Kind.DONE, Kind.IDLE, Kind.BLOCKED, Kind.WAITING, Kind.RUNNING)
EMPTY = 255
GAP = 254  # the pixel line between two lanes
HATCH = 253  # a stripe over "waiting"
LABEL_STEPS = (1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 250, 256, 500, 1000)
STRIP_FROM = 3  # lanes from which the "running at once" strip is drawn
CORES = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1)
MIN_SPAN_S = 0.001


def as_array(spans: list[tuple[float, float, Kind]]) -> np.ndarray:
    return np.asarray([(start, end, int(kind)) for start, end, kind in spans],
                      dtype=float).reshape(-1, 3)


def rasterise(spans: list[tuple[float, float, Kind]] | np.ndarray, t0: float, t1: float,
              width: int) -> np.ndarray:
    """One uint8 kind per pixel column over [t0, t1); EMPTY where nothing was recorded."""
    row = np.full(width, EMPTY, dtype=np.uint8)
    data = spans if isinstance(spans, np.ndarray) else as_array(spans)
    if not len(data) or width <= 0 or t1 <= t0:
        return row
    visible = (data[:, 1] >= t0) & (data[:, 0] <= t1)
    data = data[visible]
    scale = width / (t1 - t0)
    first = np.clip(np.floor((data[:, 0] - t0) * scale), 0, width).astype(np.int64)
    last = np.clip(np.ceil((data[:, 1] - t0) * scale), 0, width).astype(np.int64)
    last = np.maximum(last, np.minimum(first + 1, width))  # a short span still shows
    for kind in PAINT_ORDER:
        chosen = data[:, 2] == int(kind)
        if not chosen.any():
            continue
        cover = np.zeros(width + 1, dtype=np.int64)
        np.add.at(cover, first[chosen], 1)
        np.add.at(cover, last[chosen], -1)
        row[np.cumsum(cover[:width]) > 0] = int(kind)
    return row


def label_step(lane_h: float, text_h: float) -> int:
    """Label every Nth lane, N from LABEL_STEPS, so that labels do not overlap."""
    for step in LABEL_STEPS:
        if step * lane_h >= text_h:
            return step
    return LABEL_STEPS[-1]


def lane_pixels(lanes: int, height: int) -> tuple[np.ndarray, bool]:
    """For each pixel row of the lanes, its lane (or -1 for the line between lanes);
    and whether lanes are tall enough to have such a line."""
    lane_h = height / max(1, lanes)
    rows = np.minimum((np.arange(height) / lane_h).astype(np.int64), lanes - 1)
    gapped = lane_h >= 6
    if gapped:
        last_of_lane = np.floor((rows + 1) * lane_h - 1).astype(np.int64)
        rows = np.where(np.arange(height) == last_of_lane, -1, rows)
    return rows, gapped


class TimelineView(QWidget):
    """Live while a run goes on (the whole run fits); afterwards zoom with the wheel,
    drag to scroll, double-click to fit, hover for times."""

    rangeChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setMouseTracking(True)
        self.setMinimumHeight(80)
        self.spans: Spans = []
        self._arrays: list[np.ndarray] = []  # each lane's spans as numpy rows, kept across
        self.end_s = 0.0
        self.view: tuple[float, float] | None = None  # None: fit the whole run
        self._drag_from: tuple[float, tuple[float, float]] | None = None
        self._version = 0  # grows with every new batch of spans
        self._cache: tuple[tuple, QImage, QImage | None, int] | None = None

    def _lut(self) -> np.ndarray:
        look = theme.current()
        lut = np.zeros((256, 4), dtype=np.uint8)
        for kind in Kind:
            c = QColor(look.fill(kind))
            lut[int(kind)] = (c.red(), c.green(), c.blue(), 255)
        for index, colour in ((GAP, look.base), (HATCH, look.hatch)):
            c = QColor(colour)
            lut[index] = (c.red(), c.green(), c.blue(), 255)
        return lut

    def restyle(self) -> None:
        self._cache = None
        self.update()

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
        self._version += 1
        self.update()

    def clear(self) -> None:
        self.spans, self._arrays, self.end_s, self.view = [], [], 0.0, None
        self._version += 1
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
        names = [name for name, _ in self.spans] + (["running"] if self._has_strip() else [])
        widest = max((metrics.horizontalAdvance(name) for name in names), default=40)
        return min(widest + 16, self.width() // 3)

    def _has_strip(self) -> bool:
        return len(self.spans) >= STRIP_FROM

    def _strip_height(self) -> int:
        return int(QFontMetrics(self.font()).height() * 1.6) if self._has_strip() else 0

    def _plot_rect(self) -> QRectF:
        """Where the lanes are drawn (the strip, when there is one, sits above)."""
        axis_h = QFontMetrics(self.font()).height() + 8
        left = self._label_width()
        top = 2 + (self._strip_height() + 6 if self._has_strip() else 0)
        return QRectF(left, top, max(1, self.width() - left - 8),
                      max(1, self.height() - axis_h - top))

    def _time_at(self, x: float) -> float:
        plot = self._plot_rect()
        t0, t1 = self.visible_range()
        return t0 + (x - plot.left()) / plot.width() * (t1 - t0)

    # painting -------------------------------------------------------------------------
    def _images(self, plot: QRectF) -> tuple[QImage, QImage | None, int]:
        """The lanes as an image of the plot's size, the strip above them, and the most
        threads running at once; cached until spans, range, size or theme change."""
        t0, t1 = self.visible_range()
        width, height = max(1, int(plot.width())), max(1, int(plot.height()))
        key = (self._version, t0, t1, width, height, self._strip_height(),
               theme.current().name)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1], self._cache[2], self._cache[3]
        rows = np.vstack([rasterise(array, t0, t1, width) for array in self._arrays])
        lane_of_pixel, _ = lane_pixels(len(rows), height)
        pixels = rows[np.maximum(lane_of_pixel, 0)]
        pixels[lane_of_pixel < 0] = GAP
        waiting = pixels == int(Kind.WAITING)
        if waiting.any():
            pixels[waiting & stripe_mask(height, width)] = HATCH
        lut = self._lut()
        rgba = np.ascontiguousarray(lut[pixels])
        lanes = QImage(rgba.data, width, height, width * 4,
                       QImage.Format.Format_RGBA8888).copy()
        strip, peak = None, 0
        strip_h = self._strip_height()
        if strip_h:
            running = (rows == int(Kind.RUNNING)).sum(axis=0)
            peak = int(running.max()) if running.size else 0
            scale = strip_h / max(CORES, peak)  # full height: every core busy
            heights = np.rint(running * scale).astype(np.int64)
            filled = np.arange(strip_h)[:, None] >= strip_h - heights[None, :]
            strip_rgba = np.zeros((strip_h, width, 4), dtype=np.uint8)
            strip_rgba[filled] = lut[int(Kind.RUNNING)]
            strip = QImage(np.ascontiguousarray(strip_rgba).data, width, strip_h, width * 4,
                           QImage.Format.Format_RGBA8888).copy()
        self._cache = (key, lanes, strip, peak)
        return lanes, strip, peak

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
        lanes, strip, _peak = self._images(plot)
        painter.drawImage(QPointF(plot.left(), plot.top()), lanes)
        text = palette.color(QPalette.ColorRole.Text)
        painter.setPen(text)
        metrics = QFontMetrics(self.font())
        right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        if strip is not None:
            strip_top = plot.top() - self._strip_height() - 6
            strip_rect = QRectF(plot.left(), strip_top, plot.width(), self._strip_height())
            painter.fillRect(strip_rect, palette.color(QPalette.ColorRole.AlternateBase))
            painter.drawImage(QPointF(plot.left(), strip_top), strip)
            painter.drawText(QRectF(4, strip_top, plot.left() - 8, strip_rect.height()),
                             right, "running")
        lane_h = plot.height() / len(self.spans)
        step = label_step(lane_h, metrics.height() * 0.95)
        for index in range(0, len(self.spans), step):
            name = self.spans[index][0]
            top = plot.top() + index * lane_h
            box = QRectF(4, top + lane_h / 2 - metrics.height() / 2, plot.left() - 8,
                         metrics.height())
            if box.bottom() > plot.bottom() + 2:
                break
            painter.drawText(box, right, name)
            if step > 1:  # a tick at the lane the name belongs to
                painter.drawLine(QPointF(plot.left() - 5, top + lane_h / 2),
                                 QPointF(plot.left() - 1, top + lane_h / 2))
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
        if self.spans and self._has_strip() and plot.left() <= pos.x() <= plot.right() \
                and plot.top() - self._strip_height() - 6 <= pos.y() < plot.top():
            t = self._time_at(pos.x())
            running = [name for name, spans in self.spans
                       if any(start <= t <= end and kind is Kind.RUNNING
                              for start, end, kind in spans)]
            return (f"{len(running)} running at {t:.4f} s (full height: {CORES} threads, "
                    f"one per core of this machine)")
        if not self.spans or not plot.contains(pos):
            return ""
        index = int((pos.y() - plot.top()) / (plot.height() / len(self.spans)))
        name, spans = self.spans[min(index, len(self.spans) - 1)]
        t = self._time_at(pos.x())
        for start, end, kind in spans:
            if start <= t <= end:
                return (f"{name}: {kind.name.lower()} from {start:.4f} s to {end:.4f} s "
                        f"({(end - start) * 1000:.2f} ms)")
        return f"{name}: nothing recorded at {t:.4f} s"
