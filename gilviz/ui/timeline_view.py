"""The per-thread timeline: one lane per thread, time left to right, spans coloured by kind.

Spans are rasterised with numpy into one pixel column per time bucket (the most telling
kind wins a bucket), then drawn as a single image: the cost depends on the size of the
widget, not on how many spans a long 64-thread run produced. The image is kept until
the spans, the range or the size change, so a repaint for any other reason is a blit.

Many threads: lanes too thin for a name get one every few lanes, and a strip above them
counts how many threads ran at each moment, so "64 threads, one at a time" reads at a
glance. Both waits (for the GIL, for a core) are striped as well as coloured, a second
cue for colour-blind eyes; each pixel shows the kind that filled most of its time.
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

from gilviz.core.kinds import Kind
from gilviz.ui import theme
from gilviz.ui.hatch import column_stripes
from gilviz.ui.lane_raster import EMPTY, LaneRaster, as_array, rasterise_all
from gilviz.ui.time_axis import draw_time_axis

Spans = list[tuple[str, list[tuple[float, float, Kind]]]]

GAP = 254  # the pixel line between two lanes
STRIPED = 128  # + kind: a stripe over a waiting kind (only in the colour lookup)
KIND_NAMES = {Kind.RUNNING: "running", Kind.WAITING: "waiting for the GIL",
              Kind.BLOCKED: "blocked", Kind.IDLE: "idle", Kind.DONE: "done",
              Kind.CPU_WAIT: "waiting for a core"}
LABEL_STEPS = (1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 250, 256, 500, 1000)
STRIP_FROM = 3  # lanes from which the "running at once" strip is drawn
CORES = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1)
MIN_SPAN_S = 0.001
LIVE_BASE_S = 0.5  # while a run goes on the axis ends at 0.5, 1, 2, 4, ... seconds


def rasterise(spans: list[tuple[float, float, Kind]] | np.ndarray, t0: float, t1: float,
              width: int) -> np.ndarray:
    """One uint8 kind per pixel column over [t0, t1); EMPTY where nothing was recorded."""
    data = spans if isinstance(spans, np.ndarray) else as_array(spans)
    return rasterise_all([data], t0, t1, width)[0]


def striped(rows: np.ndarray) -> np.ndarray:
    """Every other few pixel columns of a waiting kind point at its stripe colour."""
    columns = column_stripes(rows.shape[-1])
    out = rows.copy()
    for kind in theme.current().stripes:
        out[(rows == int(kind)) & columns] = STRIPED + int(kind)
    return out


def live_end(end_s: float) -> float:
    """Where the axis ends while a run goes on: a doubling of LIVE_BASE_S, so the drawn
    pixels keep their place (and are merged, not redrawn, when it doubles)."""
    end = LIVE_BASE_S
    while end < end_s:
        end *= 2
    return end


def label_step(lane_h: float, text_h: float) -> int:
    """Label every Nth lane, N from LABEL_STEPS, so that labels do not overlap."""
    for step in LABEL_STEPS:
        if step * lane_h >= text_h:
            return step
    return LABEL_STEPS[-1]


class TimelineView(QWidget):
    """Live while a run goes on (the whole run fits); afterwards zoom with the wheel,
    drag to scroll, double-click to fit, hover for times."""

    rangeChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setMouseTracking(True)
        self.setMinimumHeight(80)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel
        self.spans: Spans = []
        self.gil = True  # False on a free-threaded build: a futex wait is no GIL wait
        self._arrays: list[np.ndarray] = []  # each lane's spans as numpy rows, kept across
        self.end_s = 0.0
        self.view: tuple[float, float] | None = None  # None: fit the whole run
        self._drag_from: tuple[float, tuple[float, float]] | None = None
        self.live = False  # a run is going on: the axis grows by doubling
        self._version = 0  # grows with every new batch of spans
        self._cache: tuple[tuple, QImage, QImage | None, int] | None = None
        self._raster = LaneRaster()
        self._widest: tuple[tuple, int] | None = None  # names' width, per lane count and font

    @staticmethod
    def _lut() -> np.ndarray:
        """Kind -> 0xffRRGGBB of the current theme (one gather colours a whole image;
        opaque RGB32 is what the painter copies fastest)."""
        look = theme.current()
        lut = np.zeros(256, dtype=np.uint32)
        for index, colour in [*((int(kind), look.fill(kind)) for kind in Kind),
                              *((STRIPED + int(kind), colour)
                                for kind, colour in look.stripes.items()),
                              (GAP, look.base), (EMPTY, look.base)]:
            lut[index] = QColor(colour).rgba()
        return lut

    def restyle(self) -> None:
        self._cache = None
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 300)

    def show_spans(self, spans: Spans, end_s: float, live: bool = False) -> None:
        """New spans of the same run: only what is new is converted (lists only grow,
        but their last span may still be extended). `live`: the run goes on."""
        arrays = []
        for index, (_, lane_spans) in enumerate(spans):
            old = self._arrays[index] if index < len(self._arrays) else np.empty((0, 3))
            keep = max(0, min(len(old), len(lane_spans)) - 2)
            arrays.append(np.vstack([old[:keep], as_array(lane_spans[keep:])]))
        self._arrays = arrays
        self.spans = spans
        self.end_s = end_s
        self.live = live
        self._version += 1
        self.update()

    def clear(self) -> None:
        self.spans, self._arrays, self.end_s, self.view = [], [], 0.0, None
        self.live = False
        self._version += 1
        self._raster = LaneRaster()
        self.update()

    def arrays(self) -> list[np.ndarray]:
        """Each lane's spans as (start, end, kind) rows."""
        return self._arrays

    def visible_range(self) -> tuple[float, float]:
        if self.view is not None:
            return self.view
        if self.live:
            return 0.0, live_end(self.end_s)
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
        key = (len(self.spans), self.font().key())
        if self._widest is None or self._widest[0] != key:
            metrics = QFontMetrics(self.font())
            names = [name for name, _ in self.spans] + ["running"] * self._has_strip()
            widest = max((metrics.horizontalAdvance(name) for name in names), default=40)
            self._widest = (key, widest)
        return min(self._widest[1] + 16, self.width() // 3)

    def _has_strip(self) -> bool:
        return len(self.spans) >= STRIP_FROM

    def _strip_height(self) -> int:
        return int(QFontMetrics(self.font()).height() * 1.6) if self._has_strip() else 0

    def _plot_rect(self) -> QRectF:
        """Where the lanes are drawn (the strip, when there is one, sits above)."""
        metrics = QFontMetrics(self.font())
        axis_h = metrics.height() + 8
        left = self._label_width()
        right = metrics.horizontalAdvance("00.0 s") // 2 + 4  # the last tick label fits
        top = 2 + (self._strip_height() + 6 if self._has_strip() else 0)
        return QRectF(left, top, max(1, self.width() - left - right),
                      max(1, self.height() - axis_h - top))

    def _time_at(self, x: float) -> float:
        plot = self._plot_rect()
        t0, t1 = self.visible_range()
        return t0 + (x - plot.left()) / plot.width() * (t1 - t0)

    # painting -------------------------------------------------------------------------
    def _images(self, plot: QRectF) -> tuple[QImage, QImage | None, int]:
        """The lanes as an image of the plot's size, the strip above them, and the most
        threads running at once; kept until spans, range, size or theme change."""
        t0, t1 = self.visible_range()
        width, height = max(1, int(plot.width())), max(1, int(plot.height()))
        key = (self._version, t0, t1, width, height, self._strip_height(),
               theme.current().name)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1], self._cache[2], self._cache[3]
        rows = self._raster.update(self._arrays, t0, t1, width)
        pixels = striped(rows)
        lut = self._lut()
        # Coloured at one row per lane, then each row repeated to its lane's height (a
        # numpy copy: cheaper than letting the painter stretch the image every paint),
        # with a line of the background between lanes tall enough to show one.
        edges = np.rint(np.linspace(0, height, len(rows) + 1)).astype(np.int64)
        heights = np.diff(edges)
        coloured = lut[pixels]
        if len(rows) and heights.min() >= 6:
            gap = np.full((len(rows), width), lut[GAP], dtype=np.uint32)
            coloured = np.stack([coloured, gap], axis=1).reshape(-1, width)
            heights = np.stack([heights - 1, np.ones_like(heights)], axis=1).reshape(-1)
        full = np.ascontiguousarray(np.repeat(coloured, heights, axis=0))
        lanes = QImage(full.data, width, full.shape[0], width * 4,
                       QImage.Format.Format_RGB32).copy()
        strip, peak = None, 0
        strip_h = self._strip_height()
        if strip_h:
            running = (rows == int(Kind.RUNNING)).sum(axis=0)
            peak = int(running.max()) if running.size else 0
            scale = strip_h / max(CORES, peak)  # full height: every core busy
            heights = np.rint(running * scale).astype(np.int64)
            filled = np.arange(strip_h)[:, None] >= strip_h - heights[None, :]
            behind = np.uint32(QColor(theme.current().alternate_base).rgba())
            strip_pixels = np.where(filled, lut[int(Kind.RUNNING)], behind)
            strip = QImage(np.ascontiguousarray(strip_pixels, dtype=np.uint32).data, width,
                           strip_h, width * 4, QImage.Format.Format_RGB32).copy()
        self._cache = (key, lanes, strip, peak)
        return lanes, strip, peak

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.Base))
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
                what = KIND_NAMES.get(kind, kind.name.lower())
                if kind is Kind.WAITING and not self.gil:
                    what = "waiting (lock or other)"
                return (f"{name}: {what} from {start:.4f} s to {end:.4f} s "
                        f"({(end - start) * 1000:.2f} ms)")
        return f"{name}: nothing recorded at {t:.4f} s"
