"""The shared counter against the work done, in numbers big enough for the back row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.demos.common import MAIN
from gilviz.demos.lock import PHASE_NAMES
from gilviz.ui.look import points, set_font_factor, set_ink
from gilviz.ui.panels.base import LessonPanel

NUMBER_FACTOR = 34 / 12  # of the app's text size: 34 pt at the default zoom
CAPTION_FACTOR = 1.1
PLACEHOLDER = "\u2013"  # an en dash: no value yet


class BigNumber(QLabel):
    """A number NUMBER_FACTOR times the text size, smaller only when its column is too
    narrow: it never widens the window, and 64,000,000 still fits."""

    def __init__(self, ink: str, parent: QWidget | None = None) -> None:
        super().__init__(PLACEHOLDER, parent)
        set_font_factor(self, NUMBER_FACTOR, bold=True)
        set_ink(self, ink)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.restyle()

    def setText(self, text: str) -> None:
        if text == self.text():
            return
        refit = len(text) != len(self.text())
        super().setText(text)
        if refit:  # same width as before at the same size: no need to measure again
            self._fit()

    def restyle(self) -> None:
        """The zoom changed: the full size is another, and so is what fits."""
        font = QFont(self.font())
        font.setPointSizeF(points() * NUMBER_FACTOR)
        self.setMinimumHeight(QFontMetrics(font).height())
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        font = QFont(self.font())
        full = points() * NUMBER_FACTOR
        font.setPointSizeF(full)
        wanted = QFontMetrics(font).horizontalAdvance(self.text()) + 8
        if wanted > self.width() > 0:
            font.setPointSizeF(max(points(), full * self.width() / wanted))
        if font != self.font():
            self.setFont(font)


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    set_font_factor(label, CAPTION_FACTOR)
    set_ink(label, "muted")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class CounterPanel(LessonPanel):
    """Live: the counter the threads share, the increments they have done, the total
    they should reach. At the end: how many updates were lost (or that none were)."""

    title = "Counter"
    focus_on_run = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("counterPanel")
        self.phase = _caption("")
        self.phase.setObjectName("counterPhase")
        self.counter = BigNumber("accent")
        self.counter.setObjectName("sharedCounter")
        self.done = BigNumber("")
        self.done.setObjectName("incrementsDone")
        self.expected = BigNumber("")
        self.expected.setObjectName("expectedTotal")
        self.verdict = BigNumber("")
        self.verdict.setObjectName("lostUpdates")
        grid = QGridLayout()
        cells = ((self.counter, "shared counter"), (self.expected, "expected total"),
                 (self.done, "increments done"), (self.verdict, "lost updates"))
        self.captions: list[QLabel] = []
        for index, (number, text) in enumerate(cells):
            row, column = divmod(index, 2)
            self.captions.append(_caption(text))
            grid.addWidget(number, 2 * row, column)
            grid.addWidget(self.captions[-1], 2 * row + 1, column)
            grid.setColumnStretch(column, 1)
        self.verdict_caption = self.captions[-1]
        layout = QVBoxLayout(self)
        layout.addWidget(self.phase)
        layout.addLayout(grid)
        layout.addStretch(1)

    def run_started(self, params: dict[str, Any]) -> None:
        for label in (self.counter, self.done, self.expected, self.verdict):
            label.setText(PLACEHOLDER)
        set_ink(self.verdict, "")
        self.verdict_caption.setText("lost updates")
        self.phase.setText("")

    def show_snapshot(self, snapshot: Snapshot) -> None:
        values = snapshot.values
        if "counter" not in values or not self.isVisible():
            return  # a hidden tab catches up at the next snapshot after it is shown
        done = sum(lane.count for lane in snapshot.lanes if lane.name != MAIN)
        self.counter.setText(f"{values['counter']:,}")
        self.done.setText(f"{done:,}")
        self.expected.setText(f"{values['expected']:,}")
        if "phase" in values:
            self.phase.setText(f"Now: {values['phase']}")

    def show_result(self, result: RunResult) -> None:
        data = result.result
        if result.error or "actual" not in data:
            return
        self.counter.setText(f"{data['actual']:,}")
        self.done.setText(f"{data['expected']:,}")
        lost = data["lost"]
        self.verdict.setText(f"{lost:,}")
        self.verdict_caption.setText(f"lost updates ({data['lost_pct']:.1f}%)" if lost
                                     else "lost updates: exact")
        set_ink(self.verdict, "warn" if result.stopped else "bad" if lost else "good")
        self.expected.setText(f"{data['threads'] * data['iterations']:,}")
        granularity = data.get("granularity")
        if granularity:
            self.phase.setText(f"Result with a {PHASE_NAMES[granularity]}")
        elif data.get("trials_run", 1) > 1:
            self.phase.setText(f"Last of {data['trials_run']} trials")
