"""event: the big Set event button, the event's state and what each waiting worker does.

The button does not touch the Event itself: it pokes the run, and the lesson's main
thread, which waits for that poke, calls event.set(), as main does in the lecture.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.demos.event import BUTTON, SET_BY_BUTTON, SET_BY_DELAY
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.theme import BAD, BASE_POINT_SIZE, GOOD, WARN

BUTTON_POINT_SIZE = 24
STATE_POINT_SIZE = 15
MANY = 6  # beyond this many workers, a count per state comes first
ROWS_POINT_SIZE = BASE_POINT_SIZE + 2
BUTTON_STYLE = """
QPushButton#setEventButton { border-radius: 8px; padding: 12px; color: white;
                             background: #ef8f00; }
QPushButton#setEventButton:hover { background: #ffa31a; }
QPushButton#setEventButton:disabled { background: #b0bec5; color: #eceff1; }
"""
STATE_TEXT = {
    "waiting": ("waiting in event.wait()", WARN),
    "released": ("released", GOOD),
    "done": ("done", GOOD),
    "gave up": ("gave up (timeout)", BAD),
    "stopped": ("stopped", "#777"),
}
HOW = {SET_BY_BUTTON: "the button", SET_BY_DELAY: "the delay"}


def _font(widget: QWidget, points: int, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    widget.setFont(font)


def worker_line(entry: dict[str, Any], set_at: float | None, steps: int) -> str:
    text, colour = STATE_TEXT.get(entry.get("state", ""), ("starting", "#777"))
    detail = ""
    released = entry.get("released_at")
    if released is not None and set_at is not None:
        detail = f" (+{1000 * (released - set_at):.1f} ms)"
    if entry.get("state") in ("released", "done"):
        detail += f", step {entry.get('steps', 0)}/{steps}"
    if entry.get("gave_up_at") is not None:
        detail = f" at {entry['gave_up_at']:.2f} s"
    name = html.escape(entry.get("worker", "?"))
    return f"<b>{name}</b>: <span style='color:{colour}'>{text}</span>{detail}"


class EventPanel(LessonPanel):
    title = "Set event"
    focus_on_run = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventPanel")
        self.setStyleSheet(BUTTON_STYLE)
        self.steps = 0
        self._running = False
        self._pressed = False
        self.button = QPushButton("Set event")
        self.button.setObjectName("setEventButton")
        self.button.setToolTip("Asks the lesson's main thread to call event.set() now")
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.button.setMinimumHeight(60)
        _font(self.button, BUTTON_POINT_SIZE, bold=True)
        self.button.setEnabled(False)
        self.state = QLabel("Run the lesson: its workers will wait here for the event.")
        self.state.setObjectName("eventState")
        self.state.setWordWrap(True)
        _font(self.state, STATE_POINT_SIZE, bold=True)
        # Never squeezed below its text: the worker rows below scroll instead.
        self.state.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.workers = QLabel()
        self.workers.setObjectName("eventWorkers")
        self.workers.setWordWrap(True)
        _font(self.workers, ROWS_POINT_SIZE)
        self.note = QLabel("The button only tells main when: main calls event.set() "
                           "itself, as in the lecture.")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555")
        self.workers.setAlignment(Qt.AlignmentFlag.AlignTop)
        rows = QScrollArea()  # sixteen workers do not fit at this size otherwise
        rows.setWidget(self.workers)
        rows.setWidgetResizable(True)
        rows.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(self.button)
        layout.addWidget(self.state)
        layout.addWidget(rows, 1)
        layout.addWidget(self.note)
        self.button.clicked.connect(self._press)

    def run_started(self, params: dict[str, Any]) -> None:
        self.steps = params["count"]
        self._running = True
        self._pressed = False
        self.button.setEnabled(True)
        self.button.setText("Set event")
        when = ("when you press the button" if params["trigger"] == BUTTON else
                f"after {params['delay_s']:g} s (or on the button)")
        self._show_state(f"Event clear: main sets it {when}.", WARN)
        self.workers.setText("")

    @Slot()
    def _press(self) -> None:
        if not self._running or self._pressed:
            return
        self._pressed = True
        self.button.setEnabled(False)
        self.button.setText("Setting…")
        self.poke.emit()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        event = snapshot.values.get("event")
        if event is None:
            return
        set_at = event.get("set_at")
        if event.get("set"):
            self.button.setEnabled(False)
            self.button.setText("Event is set")
            self._show_state(f"Event SET at {set_at:.2f} s by main, on "
                             f"{HOW.get(event.get('by'), 'its own')}.", GOOD)
        self._show_workers([entry for entry in snapshot.values.get("waiters", []) if entry],
                           set_at)

    def show_result(self, result: RunResult) -> None:
        self._running = False
        self.button.setEnabled(False)
        data = result.result
        if result.stopped or not data:
            self._show_state("Stopped.", "#777")
            return
        if not data["event_set"]:
            return
        set_at = data["event_set_at"]
        self._show_state(f"Event SET at {set_at:.2f} s: {data['released']} released, "
                         f"{data['gave_up']} gave up.", GOOD if data["released"] else BAD)
        self._show_workers(data["waiters"], set_at)

    def _show_workers(self, entries: list[dict[str, Any]], set_at: float | None) -> None:
        lines = [worker_line(entry, set_at, self.steps) for entry in entries]
        if len(entries) > MANY:
            counts: dict[str, int] = {}
            for entry in entries:
                counts[entry.get("state", "starting")] = counts.get(
                    entry.get("state", "starting"), 0) + 1
            lines.insert(0, "<i>" + ", ".join(f"{n} {state}" for state, n in counts.items())
                         + "</i>")
        self.workers.setText("<br>".join(lines))

    def _show_state(self, text: str, colour: str) -> None:
        self.state.setText(text)
        self.state.setStyleSheet(f"color: {colour}")
