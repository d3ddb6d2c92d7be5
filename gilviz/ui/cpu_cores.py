"""Live CPU use: the whole machine per core, and gilviz's own share beside it.

The bars are the machine's (every program's) load, core by core: one core busy under
the GIL, all of them with processes or C code. On a busy laptop other programs fill the
bars too, so the line under them says how much of that is gilviz itself (this window
and its children: the engine, pool workers) and how much is everybody else; where the
kernel measures the lesson's threads, how many cores' worth they used: under the GIL about
one, whatever the cores show (the OS moves the one running thread from core to core).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from gilviz.ui import theme

REFRESH_MS = 500
MIN_LESSON_SPAN_S = 0.2  # of the run's clock between two readings that give a rate
LABELLED_UP_TO = 4  # cores; beyond, the bars alone and their average
# (time on the run's clock, the lesson threads' CPU seconds by then), or None
LessonCpu = Callable[[], tuple[float, float] | None]
TIP = ("The bars: how busy each CPU core of this machine is, counting every program, "
       "sampled twice a second.\nThen how much of that is gilviz itself (this window, "
       "its engine and pool workers) and how much other programs use, in cores (1.0 = one "
       "core kept busy): under the GIL, gilviz stays near 1.0 however busy the bars look; "
       "\"lesson\": the lesson's own threads, as the kernel measured them.")


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


class MachineSampler:
    """psutil's readings (every core's load, gilviz's own CPU) taken on a thread of their
    own. Each /proc read gives up the GIL, and while a lesson's threads run in the
    window's process every read cost the UI thread a wait for its turn: 130 ms per
    refresh with 64 racing threads. The UI thread only picks up the latest pair."""

    def __init__(self, every_s: float) -> None:
        self.every_s = every_s
        self.own = OwnCpu()
        self.latest: tuple[list[float], float] = (psutil.cpu_percent(percpu=True), 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="gilviz-cpu-sampler",
                                        daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.latest = (psutil.cpu_percent(percpu=True), self.own.sample())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2.0)


class _Bars(QWidget):
    """One small vertical bar per logical core, each with its percentage beside it when
    there are few cores (the average of all of them when there are many)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.percents: list[float] = []
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

    def labelled(self) -> bool:
        return len(self.percents) <= LABELLED_UP_TO

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        cores = max(1, len(self.percents))
        bar = max(6, metrics.height() // 2)
        if self.labelled():
            width = cores * (bar + 4 + metrics.horizontalAdvance("100%") + 10)
        else:
            width = cores * (bar // 2 + 2) + 6 + metrics.horizontalAdvance("avg 100%")
        return QSize(width, metrics.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        palette = self.palette()
        bar_w = max(6, metrics.height() // 2) if self.labelled() else max(3, metrics.height() // 4)
        top, bar_h = 2, self.height() - 4
        left = 0.0
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        for percent in self.percents:
            track = QRectF(left, top, bar_w, bar_h)
            painter.fillRect(track, palette.color(QPalette.ColorRole.Mid))
            filled = QRectF(track)
            filled.setTop(track.bottom() - track.height() * min(percent, 100) / 100)
            painter.fillRect(filled, _colour(percent))
            left += bar_w + (4 if self.labelled() else 2)
            if self.labelled():
                label = f"{percent:.0f}%"
                painter.drawText(QRectF(left, 0, metrics.horizontalAdvance("100%") + 4,
                                        self.height()),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 label)
                left += metrics.horizontalAdvance("100%") + 10
        if not self.labelled() and self.percents:
            average = sum(self.percents) / len(self.percents)
            painter.drawText(QRectF(left + 4, 0, self.width() - left, self.height()),
                             Qt.AlignmentFlag.AlignVCenter, f"avg {average:.0f}%")


class CpuCoresView(QWidget):
    """A line for the status bar: the machine's cores, refreshed twice a second, and
    gilviz's own share of them beside the others'."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cpuCores")
        self.setToolTip(TIP)
        self.title = QLabel("Machine CPU:")
        self.title.setToolTip(TIP)
        self.bars = _Bars()
        self.share = QLabel()
        self.share.setObjectName("gilvizShare")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.bars)
        layout.addWidget(self.share)
        self.sampler = MachineSampler(REFRESH_MS / 1000)
        self.bars.percents = self.sampler.latest[0]
        self.own_cores = 0.0
        self.lesson_cores: float | None = None
        self._lesson_source: LessonCpu | None = None
        self._lesson_mark: tuple[float, float] | None = None  # the last reading
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
        self.sampler.stop()

    def restyle(self) -> None:
        self.bars.updateGeometry()

    def set_lesson_source(self, source: LessonCpu | None) -> None:
        """Where to read the lesson threads' CPU seconds (None: not measured)."""
        self._lesson_source = source
        self._lesson_mark = None
        self.lesson_cores = None

    @Slot()
    def refresh(self) -> None:
        self.bars.percents, self.own_cores = self.sampler.latest
        self._refresh_lesson()
        self.bars.update()
        self._show_share()

    def _refresh_lesson(self) -> None:
        reading = self._lesson_source() if self._lesson_source is not None else None
        if reading is None:
            self.lesson_cores, self._lesson_mark = None, None
            return
        now, used = reading
        if self._lesson_mark is None or now < self._lesson_mark[0]:  # a new run's clock
            self._lesson_mark = reading
            return
        then, before = self._lesson_mark
        if now - then >= MIN_LESSON_SPAN_S:  # the data's own clock, not the reader's
            self.lesson_cores = max(0.0, (used - before) / (now - then))
            self._lesson_mark = reading

    def _show_share(self) -> None:
        machine = sum(self.bars.percents) / 100
        others = max(0.0, machine - self.own_cores)
        lesson = (f" (lesson <b>{self.lesson_cores:.1f}</b>)"
                  if self.lesson_cores is not None else "")
        text = (f"· gilviz <b>{self.own_cores:.1f}</b> cores{lesson} · others "
                f"<b>{others:.1f}</b>")
        if text != self.share.text():
            self.share.setText(text)
