"""The status-bar meter of how late the UI thread's event loop runs, measured live.

A precise 10 ms heartbeat timer notes how much later than due each tick arrives: when
worker threads hog the GIL, the UI thread waits for it and the ticks come late.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QWidget

from gilviz.core.latency import LatencyStats, LatencyWindow
from gilviz.ui import theme

HEARTBEAT_MS = 10
REFRESH_MS = 250
SMOOTH_MS = 16.0  # one 60 Hz frame
STUTTER_MS = 50.0


def colour_for(stats: LatencyStats) -> str:
    look = theme.current()
    if stats.p99_ms <= SMOOTH_MS:
        return look.good
    return look.warn if stats.p99_ms <= STUTTER_MS else look.bad


class LatencyMeter(QLabel):
    def __init__(self, parent: QWidget | None = None, span_s: float = 5.0) -> None:
        super().__init__(parent)
        self.setObjectName("uiLatency")
        self.setToolTip(
            "UI lag: how late this window answers, measured, not estimated. A timer asks "
            f"to run every {HEARTBEAT_MS} ms; each time it runs late, by how much is noted. "
            f"p50: the typical delay, p99: the worst 1 in 100, over the last {span_s:g} s.\n"
            "The window draws, takes clicks and keys only between those ticks, so this is "
            "what you feel. Threads of a lesson running inside the window's process hold "
            "its GIL and push it up.\n"
            f"Green: within one 60 Hz frame ({SMOOTH_MS:g} ms). Amber: visible hitches. "
            f"Red: over {STUTTER_MS:g} ms, the window stutters."
        )
        self.window_stats = LatencyWindow(span_s)
        self._last: float | None = None
        self._heartbeat = QTimer(self)
        self._heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.timeout.connect(self._beat)
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._show)
        self._heartbeat.start()
        self._refresh.start()
        self._show()

    def reset(self, span_s: float | None = None) -> None:
        """Forget every sample (and the last beat), e.g. to measure one scenario alone."""
        self.window_stats = LatencyWindow(span_s or self.window_stats.span_s)
        self._last = None

    def stats(self) -> LatencyStats:
        return self.window_stats.stats()

    def stop(self) -> None:
        self._heartbeat.stop()
        self._refresh.stop()

    @Slot()
    def _beat(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            late_ms = (now - self._last) * 1000 - HEARTBEAT_MS
            self.window_stats.add(now, max(0.0, late_ms))
        self._last = now

    @Slot()
    def _show(self) -> None:
        stats = self.stats()
        colour = colour_for(stats)
        self.setText(
            f"<span style='color:{colour}'>●</span> UI lag p50 <b>{stats.p50_ms:.1f}</b> ms"
            f" · p99 <b style='color:{colour}'>{stats.p99_ms:.1f}</b> ms"
        )
