"""Live CPU use: the whole machine per core, and gilviz's own share beside it.

The bars are the machine's (every program's) load, core by core: one core busy under
the GIL, all of them with processes or C code. On a busy laptop other programs fill the
bars too, so the line under them says how much of that is gilviz itself (this window
and its children: the engine, pool workers) and how much is everybody else.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psutil
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from gilviz.ui import theme

REFRESH_MS = 500
TIP = ("The bars: how busy each CPU core of this machine is, counting every program, "
       "sampled twice a second.\nThe line below: how much of that is gilviz itself (this "
       "window, its engine and pool workers) and how much other programs use, in cores "
       "(1.0 = one core kept busy).")


def _colour(percent: float) -> QColor:
    look = theme.current()
    return QColor(look.good if percent < 50 else look.warn if percent < 85 else look.bad)


def _children_linux(pid: int) -> list[int]:
    """Child pids from /proc/PID/task/*/children: a few small reads, no scan of /proc."""
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue
    except OSError:
        return []
    return found


class OwnCpu:
    """CPU time of this process and all its descendants, as cores busy since last call."""

    def __init__(self) -> None:
        self._processes: dict[int, psutil.Process] = {}
        self._last: dict[int, float] = {}
        self._at = time.monotonic()
        self._linux = sys.platform.startswith("linux") and Path("/proc/self/task").is_dir()
        self.sample()

    def _family(self) -> list[int]:
        me = os.getpid()
        if not self._linux:
            try:
                return [me] + [c.pid for c in psutil.Process(me).children(recursive=True)]
            except psutil.Error:
                return [me]
        family, todo = [me], [me]
        while todo and len(family) < 256:
            children = _children_linux(todo.pop())
            family += children
            todo += children
        return family

    def sample(self) -> float:
        now = time.monotonic()
        total = 0.0
        seen: dict[int, float] = {}
        for pid in self._family():
            try:
                process = self._processes.get(pid) or psutil.Process(pid)
                self._processes[pid] = process
                times = process.cpu_times()
            except psutil.Error:
                continue
            seen[pid] = times.user + times.system
            total += seen[pid] - self._last.get(pid, seen[pid])
        elapsed = max(1e-6, now - self._at)
        self._processes = {pid: p for pid, p in self._processes.items() if pid in seen}
        self._last, self._at = seen, now
        return max(0.0, total / elapsed)


class _Bars(QWidget):
    """One vertical bar per logical core, with its percentage under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.percents: list[float] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        cores = max(1, len(self.percents))
        width = cores * (metrics.horizontalAdvance("100%") + 8)
        return QSize(min(width, 240), int(metrics.height() * 3.2))

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(max(1, len(self.percents)) * 6, metrics.height() * 2 + 8)

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
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        for index, percent in enumerate(self.percents):
            left = index * slot + (slot - bar_w) / 2
            track = QRectF(left, 0, bar_w, bar_h)
            painter.fillRect(track, palette.color(QPalette.ColorRole.Mid))
            filled = QRectF(track)
            filled.setTop(track.bottom() - track.height() * min(percent, 100) / 100)
            painter.fillRect(filled, _colour(percent))
            if show_text:
                painter.drawText(QRectF(index * slot, bar_h + 2, slot, label_h),
                                 Qt.AlignmentFlag.AlignCenter, f"{percent:.0f}%")


class CpuCoresView(QWidget):
    """The machine's cores, refreshed twice a second, and gilviz's own share."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cpuCores")
        self.setToolTip(TIP)
        self.bars = _Bars()
        self.share = QLabel()
        self.share.setObjectName("gilvizShare")
        self.share.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bars, 1)
        layout.addWidget(self.share)
        self.bars.percents = psutil.cpu_percent(percpu=True)  # primes the counters
        self.own = OwnCpu()
        self.own_cores = 0.0
        self._show_share()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    @property
    def percents(self) -> list[float]:
        return self.bars.percents

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def refresh(self) -> None:
        self.bars.percents = psutil.cpu_percent(percpu=True)
        self.own_cores = self.own.sample()
        self.bars.update()
        self._show_share()

    def _show_share(self) -> None:
        machine = sum(self.bars.percents) / 100
        others = max(0.0, machine - self.own_cores)
        text = (f"gilviz <b>{self.own_cores:.1f}</b> cores<br>"
                f"others <b>{others:.1f}</b>")
        if text != self.share.text():
            self.share.setText(text)
