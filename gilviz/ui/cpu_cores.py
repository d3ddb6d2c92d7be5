"""Live per-core CPU use: one core busy under the GIL, all of them with processes or C code."""

from __future__ import annotations

import psutil
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from gilviz.ui.theme import BAD, GOOD, WARN

REFRESH_MS = 500


def _colour(percent: float) -> QColor:
    return QColor(GOOD if percent < 50 else WARN if percent < 85 else BAD)


class CpuCoresView(QWidget):
    """One vertical bar per logical core, refreshed twice a second from psutil."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cpuCores")
        self.setToolTip("How busy each CPU core of this machine is (all processes), "
                        "sampled twice a second")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.percents: list[float] = psutil.cpu_percent(percpu=True)  # primes the counters
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def sizeHint(self) -> QSize:
        return QSize(200, int(QFontMetrics(self.font()).height() * 3.2))

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def refresh(self) -> None:
        self.percents = psutil.cpu_percent(percpu=True)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        label_h = metrics.height()
        cores = max(1, len(self.percents))
        slot = self.width() / cores
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
