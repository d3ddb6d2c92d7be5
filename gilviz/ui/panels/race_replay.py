"""Step through a recorded race: one lane per thread, every read and write in the order
they happened, each overwritten increment in red, and a sentence for the current step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.runner import RunResult
from gilviz.demos import interleaving
from gilviz.demos.race import REPLAY_LIMIT, records_replay
from gilviz.ui import theme
from gilviz.ui.look import set_font_factor, set_ink
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.panels.hint import FillHint
from gilviz.ui.theme import thread_colour

CAPTION_FACTOR = 1.25
BOX_FACTOR = 1.1
FUTURE_OPACITY = 0.3
CURRENT_BACKGROUND = {False: "#fff3c4", True: "#4a4420"}  # by theme: light, dark
LOST_FILL, LOST_EDGE = theme.LIGHT.bad, "#5c0f0a"  # white text on it in both themes
SMALL_RACE = {"threads": 2, "iterations": 30, "variant": "forced", "trials": 1}
HINT = (f"Run the forced race with at most {REPLAY_LIMIT} increments in all (2 threads x "
        "30, say) to record every read and write, then step through them here.")


class ReplayCanvas(QWidget):
    """Columns are steps in time order, rows are threads. It shows the steps around the
    current one that fit the width, so stepping never needs a scroll bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayCanvas")
        set_font_factor(self, BOX_FACTOR, bold=True)
        self.steps: list[dict[str, Any]] = []
        self.threads: list[str] = []
        self.current = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._refit()

    def set_steps(self, steps: list[dict[str, Any]]) -> None:
        self.steps = steps
        self.threads = sorted({s["thread"] for s in steps},
                              key=lambda name: (len(name), name))
        self.current = 0
        self._refit()
        self.update()

    def set_current(self, index: int) -> None:
        self.current = index
        self.update()

    def _refit(self) -> None:
        self.setFixedHeight(self.sizeHint().height())

    def restyle(self) -> None:
        self._refit()
        self.update()

    def row_height(self) -> int:
        return int(QFontMetrics(self.font()).height() * 1.9)

    def column_width(self) -> int:
        widest = max((s["value"] for s in self.steps), default=99)
        return QFontMetrics(self.font()).horizontalAdvance(f"W {widest}") + 22

    def gutter_width(self) -> int:
        names = [interleaving.short(t) for t in self.threads] or ["T1"]
        return max(QFontMetrics(self.font()).horizontalAdvance(n) for n in names) + 20

    def header_height(self) -> int:
        return QFontMetrics(self.font()).height()

    def sizeHint(self) -> QSize:
        rows = max(2, len(self.threads))
        return QSize(600, self.header_height() + rows * self.row_height() + 6)

    def visible_range(self) -> range:
        """The columns that fit, keeping the current step about two thirds along."""
        fit = max(1, (self.width() - self.gutter_width()) // self.column_width())
        first = max(0, min(self.current - fit * 2 // 3, len(self.steps) - fit))
        return range(first, min(len(self.steps), first + fit))

    def box(self, index: int, first: int) -> QRectF:
        step = self.steps[index]
        row = self.threads.index(step["thread"])
        col_w, row_h = self.column_width(), self.row_height()
        left = self.gutter_width() + (index - first) * col_w
        top = self.header_height() + row * row_h
        return QRectF(left + 3, top + row_h * 0.12, col_w - 6, row_h * 0.76)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.steps:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "No recorded race yet.")
            return
        shown = self.visible_range()
        first = shown.start
        col_w, row_h, header = self.column_width(), self.row_height(), self.header_height()
        small = QFont(self.font())  # the step numbers: the same size, not bold
        small.setBold(False)
        look = theme.current()

        for row, thread in enumerate(self.threads):
            painter.setPen(QColor(look.thread_ink(row)))
            painter.drawText(QRectF(4, header + row * row_h, self.gutter_width() - 8, row_h),
                             Qt.AlignmentFlag.AlignVCenter, interleaving.short(thread))
        if self.current in shown:
            left = self.gutter_width() + (self.current - first) * col_w
            painter.fillRect(QRectF(left, 0, col_w, self.height()),
                             QColor(CURRENT_BACKGROUND[look.dark]))

        for index in shown:
            step = self.steps[index]
            rect = self.box(index, first)
            painter.setOpacity(1.0 if index <= self.current else FUTURE_OPACITY)
            painter.setFont(small)
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRectF(rect.left(), 0, rect.width(), header),
                             Qt.AlignmentFlag.AlignCenter, str(index + 1))
            self._draw_step(painter, step, rect)
        painter.setOpacity(1.0)

        current = self.steps[self.current]
        if self.current in shown:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.box(self.current, first).adjusted(-2, -2, 2, 2), 7, 7)
            painter.setPen(QPen(QColor(look.bad), 2.5))
            here = self.box(self.current, first).center()
            for erased in current.get("overwrites", ()):
                if erased in shown:
                    there = self.box(erased, first).center()
                    painter.drawLine(QPointF(here.x(), here.y()), QPointF(there.x(), there.y()))

    def _draw_step(self, painter: QPainter, step: dict[str, Any], rect: QRectF) -> None:
        row = self.threads.index(step["thread"])
        colour = QColor(thread_colour(row))
        font = QFont(self.font())
        if step["op"] == interleaving.READ:
            text_colour = QColor(theme.current().thread_ink(row))
            fill = QColor(text_colour)
            fill.setAlpha(40)
            painter.setBrush(fill)
            painter.setPen(QPen(text_colour, 1.5))
            label = f"R {step['value']}"
        else:
            lost = step["lost"]
            painter.setBrush(QColor(LOST_FILL) if lost else colour)
            painter.setPen(QPen(QColor(LOST_EDGE) if lost else colour.darker(140),
                                2.5 if step["overwrites"] else 1))
            text_colour = QColor("white")
            font.setStrikeOut(lost)
            label = f"W {step['value']}"
        painter.drawRoundedRect(rect, 6, 6)
        painter.setFont(font)
        painter.setPen(text_colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)


class ReplayPanel(LessonPanel):
    title = "Replay"
    hint_when_empty = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayPanel")
        self.steps: list[dict[str, Any]] = []
        self.current = 0

        self.caption = QLabel(HINT)
        self.caption.setObjectName("replayCaption")
        self.caption.setWordWrap(True)
        set_font_factor(self.caption, CAPTION_FACTOR, bold=True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.hint = FillHint(
            "Step through a race one read and one write at a time, and see which "
            f"increment erased which. It needs a small forced race (at most {REPLAY_LIMIT} "
            "increments in all), so every step can be recorded.",
            "Replay a small race (2 threads x 30)", SMALL_RACE)
        self.hint.chosen.connect(self.suggest)

        self.canvas = ReplayCanvas()
        scroll = QScrollArea()
        scroll.setWidget(self.canvas)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.first_button = self._button("First", "replayFirst", "Back to the first step")
        self.prev_button = self._button("◀  Previous", "replayPrev", "One step back")
        self.next_button = self._button("Next  ▶", "replayNext", "One step forward")
        self.next_loss_button = self._button("Next loss  ▶▶", "replayNextLoss",
                                             "Jump to the next write that erases others")
        self.status = QLabel()
        self.status.setObjectName("replayStatus")
        legend = QLabel("R: reads counter into tmp · W: writes tmp + 1 · "
                        "<b>red, struck through</b>: overwritten, lost · keys: . next, "
                        ", previous")
        set_ink(legend, "muted")
        legend.setWordWrap(True)
        self.legend = legend
        self.status.setWordWrap(True)
        controls = QHBoxLayout()
        for button in (self.first_button, self.prev_button, self.next_button,
                       self.next_loss_button):
            controls.addWidget(button)
        controls.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.caption)
        layout.addWidget(scroll, 1)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(legend)
        self._replay_widgets = (self.caption, scroll, self.status, legend, *(
            controls.itemAt(i).widget() for i in range(controls.count() - 1)))

        self.first_button.clicked.connect(self.go_first)
        self.prev_button.clicked.connect(self.step_back)
        self.next_button.clicked.connect(self.step_forward)
        self.next_loss_button.clicked.connect(self.next_loss)
        self._show_step()
        self._show_hint(True)

    @staticmethod
    def _button(text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        return button

    def applies_to(self, params: dict[str, Any]) -> bool:
        return records_replay(params)

    def handle_key(self, name: str) -> bool:
        if not self.steps or name not in ("replay_next", "replay_previous"):
            return False
        if name == "replay_next":
            self.step_forward()
        else:
            self.step_back()
        return True

    def _show_hint(self, on: bool) -> None:
        self.hint.setVisible(on)
        for widget in self._replay_widgets:
            widget.setVisible(not on)

    def run_started(self, params: dict[str, Any]) -> None:
        self.focus_on_result = self.applies_to(params)
        self._show_hint(not self.focus_on_result)
        self.set_steps([])

    def show_result(self, result: RunResult) -> None:
        self.set_steps(list(result.result.get("replay", [])))

    def set_steps(self, steps: list[dict[str, Any]]) -> None:
        self.steps = steps
        self.current = 0
        self.canvas.set_steps(steps)
        self._show_step()

    @Slot()
    def go_first(self) -> None:
        self.go_to(0)

    @Slot()
    def step_back(self) -> None:
        self.go_to(self.current - 1)

    @Slot()
    def step_forward(self) -> None:
        self.go_to(self.current + 1)

    @Slot()
    def next_loss(self) -> None:
        later = (i for i in range(self.current + 1, len(self.steps))
                 if self.steps[i].get("overwrites"))
        self.go_to(next(later, len(self.steps) - 1))

    def go_to(self, index: int) -> None:
        if not self.steps:
            return
        self.current = max(0, min(len(self.steps) - 1, index))
        self.canvas.set_current(self.current)
        self._show_step()

    def _show_step(self) -> None:
        has_steps = bool(self.steps)
        at_end = not has_steps or self.current == len(self.steps) - 1
        self.first_button.setEnabled(has_steps and self.current > 0)
        self.prev_button.setEnabled(has_steps and self.current > 0)
        self.next_button.setEnabled(not at_end)
        self.next_loss_button.setEnabled(not at_end)
        if not has_steps:
            self.caption.setText(HINT)
            self.status.setText("")
            return
        self.caption.setText(interleaving.caption(self.steps, self.current))
        total_lost = interleaving.lost_until(self.steps, len(self.steps) - 1)
        self.status.setText(
            f"Step {self.current + 1} of {len(self.steps)} · lost so far: "
            f"{interleaving.lost_until(self.steps, self.current)} of {total_lost}"
        )
