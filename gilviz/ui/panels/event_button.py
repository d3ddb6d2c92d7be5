"""event: the big Set event button, the event's state and what each waiting worker does.

The button does not touch the Event itself: it pokes the run, and the lesson's main
thread, which waits for that poke, calls event.set(), as main does in the lecture.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
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
from gilviz.ui import theme
from gilviz.ui.look import ink, set_font_factor, set_ink
from gilviz.ui.panels.base import LessonPanel

BUTTON_FACTOR = 1.7
STATE_FACTOR = 1.2
ROWS_FACTOR = 1.1
MANY = 6  # beyond this many workers, a count per state comes first
BUTTON_STYLE = """
QPushButton#setEventButton {{ border-radius: 8px; padding: 8px 16px; color: white;
                             background: #a34400; }}
QPushButton#setEventButton:hover {{ background: #873800; }}
QPushButton#setEventButton:disabled {{ background: {idle}; color: {idle_text}; }}
QPushButton#setEventButton[eventSet="true"]:disabled {{ background: #1b6e20; color: white; }}
"""
STATE_TEXT = {  # (words, theme role of their colour)
    "waiting": ("waiting in event.wait()", "warn"),
    "released": ("released", "good"),
    "done": ("done", "good"),
    "gave up": ("gave up (timeout)", "bad"),
    "stopped": ("stopped", "muted"),
}
HOW = {SET_BY_BUTTON: "the button", SET_BY_DELAY: "the delay"}


def worker_line(entry: dict[str, Any], set_at: float | None, steps: int) -> str:
    text, role = STATE_TEXT.get(entry.get("state", ""), ("starting", "muted"))
    colour = ink(role)
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
        self.steps = 0
        self._entries: tuple[list[dict[str, Any]], float | None] = ([], None)
        self._running = False
        self._pressed = False
        self.button = QPushButton("Set event")
        self.button.setObjectName("setEventButton")
        self.button.setToolTip("Asks the lesson's main thread to call event.set() now")
        self.button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        set_font_factor(self.button, BUTTON_FACTOR, bold=True)
        self.button.setEnabled(False)
        self.state = QLabel("Run the lesson: its workers will wait here for the event.")
        self.state.setObjectName("eventState")
        self.state.setWordWrap(True)
        set_font_factor(self.state, STATE_FACTOR, bold=True)
        # Never squeezed below its text: the worker rows below scroll instead.
        self.state.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.workers = QLabel()
        self.workers.setObjectName("eventWorkers")
        self.workers.setWordWrap(True)
        set_font_factor(self.workers, ROWS_FACTOR)
        self.note = QLabel("The button only tells main when: main calls event.set() "
                           "itself, as in the lecture. Key: E.")
        self.note.setWordWrap(True)
        set_ink(self.note, "muted")
        self.workers.setAlignment(Qt.AlignmentFlag.AlignTop)
        rows = QScrollArea()  # sixteen workers do not fit at this size otherwise
        rows.setWidget(self.workers)
        rows.setWidgetResizable(True)
        rows.setFrameShape(QFrame.Shape.NoFrame)
        top = QHBoxLayout()  # button and state side by side: the rows keep the height
        top.addWidget(self.button)
        top.addWidget(self.state, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(rows, 1)
        layout.addWidget(self.note)
        self.button.clicked.connect(self._press)
        self.restyle()

    def restyle(self) -> None:
        """Colours of the theme: the button's idle grey and its text, the rows."""
        idle, idle_text = (("#3c4043", "#e8eaed") if theme.current().dark
                           else ("#d5dadd", "#000000"))
        self.button.setStyleSheet(BUTTON_STYLE.format(idle=idle, idle_text=idle_text))
        self._show_workers(*self._entries)

    def handle_key(self, name: str) -> bool:
        if name != "set_event" or not self.button.isEnabled():
            return False
        self._press()
        return True

    def _mark_set(self, on: bool) -> None:
        if self.button.property("eventSet") != on:
            self.button.setProperty("eventSet", on)
            self.button.style().unpolish(self.button)
            self.button.style().polish(self.button)

    def run_started(self, params: dict[str, Any]) -> None:
        self.steps = params["count"]
        self._running = True
        self._pressed = False
        self.button.setEnabled(True)
        self.button.setText("Set event")
        self._mark_set(False)
        when = ("when you press the button" if params["trigger"] == BUTTON else
                f"after {params['delay_s']:g} s (or on the button)")
        self._show_state(f"Event clear: main sets it {when}.", "warn")
        self._entries = ([], None)
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
            self._mark_set(True)
            self._show_state(f"Event SET at {set_at:.2f} s by main, on "
                             f"{HOW.get(event.get('by'), 'its own')}.", "good")
        self._show_workers([entry for entry in snapshot.values.get("waiters", []) if entry],
                           set_at)

    def show_result(self, result: RunResult) -> None:
        self._running = False
        self.button.setEnabled(False)
        data = result.result
        if result.stopped or not data:
            self._show_state("Stopped.", "muted")
            return
        if not data["event_set"]:
            return
        set_at = data["event_set_at"]
        self._show_state(f"Event SET at {set_at:.2f} s: {data['released']} released, "
                         f"{data['gave_up']} gave up.", "good" if data["released"] else "bad")
        self._show_workers(data["waiters"], set_at)

    def _show_workers(self, entries: list[dict[str, Any]], set_at: float | None) -> None:
        self._entries = (entries, set_at)
        lines = [worker_line(entry, set_at, self.steps) for entry in entries]
        if len(entries) > MANY:
            counts: dict[str, int] = {}
            for entry in entries:
                counts[entry.get("state", "starting")] = counts.get(
                    entry.get("state", "starting"), 0) + 1
            lines.insert(0, "<i>" + ", ".join(f"{n} {state}" for state, n in counts.items())
                         + "</i>")
        text = "<br>".join(lines)
        if text != self.workers.text():
            self.workers.setText(text)

    def _show_state(self, text: str, role: str) -> None:
        self.state.setText(text)
        set_ink(self.state, role)
