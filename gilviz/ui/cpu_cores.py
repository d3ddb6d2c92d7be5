"""Live per-core CPU use: one core busy under the GIL, all of them with processes or C code.

Beside the machine's cores, where the kernel measures the lesson's threads, a last bar
shows how many cores' worth those threads used: under the GIL about one, whatever the
cores show (the OS moves the one running thread from core to core).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from gilviz.ui.theme import BAD, GOOD, WARN

REFRESH_MS = 500
LESSON_COLOUR = "#0072b2"
LessonCpu = Callable[[], float | None]  # the lesson threads' CPU seconds so far, or None


def _colour(percent: float) -> QColor:
    return QColor(GOOD if percent < 50 else WARN if percent < 85 else BAD)


class CpuCoresView(QWidget):
    """One vertical bar per logical core, refreshed twice a second from psutil."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cpuCores")
        self.setToolTip("How busy each CPU core of this machine is (all processes), "
                        "sampled twice a second; the last bar (where the kernel measures "
                        "the lesson's threads): how many cores' worth those threads used")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.percents: list[float] = psutil.cpu_percent(percpu=True)  # primes the counters
        self.lesson_cores: float | None = None
        self._lesson_source: LessonCpu | None = None
        self._lesson_mark: tuple[float, float] | None = None  # (time, CPU seconds)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def sizeHint(self) -> QSize:
        return QSize(200, int(QFontMetrics(self.font()).height() * 3.2))

    def stop(self) -> None:
        self._timer.stop()

    def set_lesson_source(self, source: LessonCpu | None) -> None:
        """Where to read the lesson threads' CPU seconds (None: no such bar)."""
        self._lesson_source = source
        self._lesson_mark = None
        self.lesson_cores = None

    @Slot()
    def refresh(self) -> None:
        self.percents = psutil.cpu_percent(percpu=True)
        self._refresh_lesson()
        self.update()

    def _refresh_lesson(self) -> None:
        used = self._lesson_source() if self._lesson_source is not None else None
        if used is None:
            self.lesson_cores, self._lesson_mark = None, None
            return
        now = time.monotonic()
        if self._lesson_mark is not None and now > self._lesson_mark[0]:
            then, before = self._lesson_mark
            self.lesson_cores = max(0.0, (used - before) / (now - then))
        self._lesson_mark = (now, used)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        label_h = metrics.height()
        cores = max(1, len(self.percents))
        bars = cores + (1 if self.lesson_cores is not None else 0)
        slot = self.width() / bars
        bar_w = max(4.0, min(slot - 6, 80.0))
        bar_h = self.height() - label_h - 4
        palette = self.palette()
        show_text = slot >= metrics.horizontalAdvance("100%") + 4
        for index, percent in enumerate(self.percents):
            left = index * slot + (slot - bar_w) / 2
            track = QRectF(left, 0, bar_w, bar_h)
            painter.fillRect(track, palette.color(QPalette.ColorRole.Mid))
            filled = QRectF(track)
            filled.setTop(track.bottom() - track.height() * min(percent, 100) / 100)
            painter.fillRect(filled, _colour(percent))
            if show_text:
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(QRectF(index * slot, bar_h + 2, slot, label_h),
                                 Qt.AlignmentFlag.AlignCenter, f"{percent:.0f}%")
        if self.lesson_cores is not None:  # the lesson's threads, in cores' worth
            left = cores * slot + (slot - bar_w) / 2
            track = QRectF(left, 0, bar_w, bar_h)
            painter.fillRect(track, palette.color(QPalette.ColorRole.Mid))
            filled = QRectF(track)
            filled.setTop(track.bottom() - track.height() * min(self.lesson_cores / cores, 1))
            painter.fillRect(filled, QColor(LESSON_COLOUR))
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            text = (f"lesson {self.lesson_cores:.1f}"
                    if slot >= metrics.horizontalAdvance("lesson 0.0") + 4
                    else f"{self.lesson_cores:.1f}")
            painter.drawText(QRectF(cores * slot, bar_h + 2, slot, label_h),
                             Qt.AlignmentFlag.AlignCenter, text)
