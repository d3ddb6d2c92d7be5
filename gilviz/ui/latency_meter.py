"""The status-bar meter of how late the UI thread's event loop runs, measured live.

A precise 10 ms heartbeat timer notes how much later than due each tick arrives: when
worker threads hog the GIL, the UI thread waits for it and the ticks come late.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QWidget

from gilviz.core.latency import LatencyStats, LatencyWindow
from gilviz.ui.theme import BAD, GOOD, WARN

HEARTBEAT_MS = 10
REFRESH_MS = 250
SMOOTH_MS = 16.0  # one 60 Hz frame
STUTTER_MS = 50.0


def colour_for(stats: LatencyStats) -> str:
    if stats.p99_ms <= SMOOTH_MS:
        return GOOD
    return WARN if stats.p99_ms <= STUTTER_MS else BAD


class LatencyMeter(QLabel):
    def __init__(self, parent: QWidget | None = None, span_s: float = 5.0) -> None:
        super().__init__(parent)
        self.setObjectName("uiLatency")
        self.setToolTip(
            f"How late the window's event loop runs: a {HEARTBEAT_MS} ms timer's delay, "
            f"p50 and p99 over the last {span_s:g} s.\nGreen: under one 60 Hz frame "
            f"({SMOOTH_MS:g} ms). Amber: visible hitches. Red: over {STUTTER_MS:g} ms, "
            "the window stutters."
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
