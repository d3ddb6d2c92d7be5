"""What exactness costs: each lock placement's time next to the unlocked race's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gilviz.core.runner import RunResult
from gilviz.ui import theme
from gilviz.ui.look import set_font_factor
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.panels.hint import FillHint

BAR_FACTOR = 14 / 12
ROWS = (("race", "no lock"), ("per_increment", "lock around each increment"),
        ("whole_loop", "lock around the whole loop"))


class CostBars(QWidget):
    """One horizontal bar per placement, as long as it took, with its outcome."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockCostBars")
        set_font_factor(self, BAR_FACTOR)
        self.rows: list[tuple[str, float, int]] = []  # (label, seconds, lost)

    def set_rows(self, rows: list[tuple[str, float, int]]) -> None:
        self.rows = rows
        self.updateGeometry()
        self.update()

    def row_height(self) -> int:
        return int(QFontMetrics(self.font()).height() * 2.4)

    def sizeHint(self) -> QSize:
        return QSize(400, len(ROWS) * self.row_height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.rows:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_h = QFontMetrics(self.font()).height()
        longest = max(seconds for _, seconds, _ in self.rows) or 1.0
        room = max(10, self.width() - 16)
        row_h = self.row_height()
        for row, (label, seconds, lost) in enumerate(self.rows):
            top = row * row_h + 4
            colour = QColor(theme.current().bad if lost else theme.current().good)
            outcome = f"{lost:,} lost" if lost else "exact"
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            painter.drawText(QRectF(4, top, room, text_h), Qt.AlignmentFlag.AlignVCenter,
                             f"{label}: ")
            label_w = QFontMetrics(self.font()).horizontalAdvance(f"{label}: ")
            painter.setPen(colour)
            painter.drawText(QRectF(4 + label_w, top, room - label_w, text_h),
                             Qt.AlignmentFlag.AlignVCenter, f"{seconds:.2f} s, {outcome}")
            bar = QRectF(4, top + text_h + 2, max(3.0, room * seconds / longest),
                         row_h - text_h - 10)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(bar, 5, 5)


class LockCostPanel(LessonPanel):
    title = "Lock cost"
    hint_when_empty = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockCostPanel")
        self.note = QLabel("With Compare on, each placement is timed after the run.")
        self.note.setWordWrap(True)
        set_font_factor(self.note, BAR_FACTOR)
        self.hint = FillHint(
            "What does exactness cost? With Compare on, the same work is timed three "
            "ways after the run (no lock, a lock around each increment, a lock around "
            "the whole loop) and drawn here side by side.", "Compare the three",
            {"compare": "yes"})
        self.hint.chosen.connect(self.suggest)
        self.hint.hide()
        self.bars = CostBars()
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.note)
        layout.addWidget(self.bars)
        layout.addStretch(1)

    def applies_to(self, params: dict[str, Any]) -> bool:
        return params.get("compare") == "yes"

    def run_started(self, params: dict[str, Any]) -> None:
        self.focus_on_result = self.applies_to(params)
        self.hint.setVisible(not self.focus_on_result)
        self.note.setVisible(self.focus_on_result)
        self.bars.set_rows([])
        self.note.setText(f"Timing {params['threads']} threads x {params['iterations']:,} "
                          "increments with each placement…")

    def show_result(self, result: RunResult) -> None:
        data = result.result
        rows = [(label, data[f"{key}_s"], data[f"{key}_lost"]) for key, label in ROWS
                if f"{key}_s" in data]
        self.bars.set_rows(rows)
        if result.stopped or len(rows) < len(ROWS):
            self.note.setText("Stopped before every placement was timed.")
        else:
            self.note.setText(f"{data['threads']} threads x {data['iterations']:,} "
                              "increments each: the same work, three ways.")
