"""daemon: each child interpreter's output in its own column, as it prints it, with the
point where the interpreter exited marked."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QFontMetrics, QTextCursor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.demos.daemon import BOTH, CUT, DAEMON, NON_DAEMON, lane_name
from gilviz.ui.look import ink, set_font_factor, set_ink
from gilviz.ui.panels.base import LessonPanel


class ChildColumn(QGroupBox):
    """One child's output: its lines as they arrive, then how its interpreter ended."""

    def __init__(self, daemon: bool, parent: QWidget | None = None) -> None:
        super().__init__(f"daemon={daemon}", parent)
        self.daemon = daemon
        self.setObjectName(f"daemonColumn{daemon}")
        self.output = QPlainTextEdit()
        self.output.setObjectName(f"daemonOutput{daemon}")
        self.output.setReadOnly(True)
        # Wrapped rather than clipped: two columns share half of a 1280-pixel screen, so
        # the proportional font (narrower than a fixed one) keeps a line on one line.
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        set_font_factor(self.summary, 1.0, bold=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.output, 1)
        layout.addWidget(self.summary)
        self._lines: list[str] = []
        self.restyle()

    def restyle(self) -> None:
        """Zoom or theme changed: room for the summary's two lines, the output redrawn
        in the theme's colours."""
        # Room for the two summary lines from the start: the output above keeps its size
        # (and its last line in view) when the summary arrives.
        self.summary.setMinimumHeight(2 * QFontMetrics(self.summary.font()).lineSpacing() + 4)
        lines, self._lines = self._lines, []
        self.output.clear()
        for line in lines:
            self.add_line(line)

    def reset(self) -> None:
        self.output.clear()
        self._lines = []
        self.summary.setText("")

    def add_line(self, text: str) -> None:
        """A line the child printed, or the lesson's own note about it, kept short here:
        the log tab has every note in full."""
        self._lines.append(text)
        muted = ink("muted")
        if text.startswith(CUT):
            self.output.appendHtml(f"<b style='color:{ink('bad')}'>{CUT} exit: worker "
                                   "killed</b>")
        elif text.startswith("the interpreter waited"):
            self.output.appendHtml(f"<b style='color:{ink('good')}'>exit: after the "
                                   "worker</b>")
        elif text.startswith("$ "):
            flag = text.rsplit(" ", 1)[-1]
            self.output.appendHtml(f"<span style='color:{muted}'>$ python -m … {flag}</span>")
        elif text.startswith("stopped"):
            self.output.appendHtml(f"<i style='color:{muted}'>{html.escape(text)}</i>")
        else:  # "0.30 s  worker: message 2 of 10": who is shown by colour, to save width
            stamp, _, said = text.partition("  ")
            who, _, what = said.partition(": ")
            style = "font-weight:bold" if who == "main" else f"color:{ink('accent')}"
            self.output.appendHtml(f"<span style='color:{muted}'>{html.escape(stamp)}</span> "
                                   f"<span style='{style}'>{html.escape(what or said)}</span>")
        self.output.moveCursor(QTextCursor.MoveOperation.End)
        self.output.ensureCursorVisible()

    def show_outcome(self, data: dict[str, Any]) -> None:
        key = "daemon" if self.daemon else "non_daemon"
        if f"{key}_lines" not in data:
            return
        lines, total = data[f"{key}_lines"], data["messages"]
        after = data[f"{key}_exit_after_main_s"]
        after_text = f"main's end + {after:.2f} s" if after is not None else "before main's end"
        if data[f"{key}_cut_short"]:
            where = f"at {lines} of {total}" if lines < total else "before its last line"
            self.summary.setText(f"Cut off {where}\nexit: {after_text}")
            set_ink(self.summary, "bad")
        else:
            self.summary.setText(f"Complete: {lines} of {total}\nexit: {after_text}")
            set_ink(self.summary, "good")


class DaemonPanel(LessonPanel):
    title = "Child output"
    focus_on_run = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("daemonPanel")
        self.columns = {flag: ChildColumn(flag) for flag in (True, False)}
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.restyle()
        row = QHBoxLayout()
        for column in self.columns.values():
            row.addWidget(column, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addLayout(row, 1)

    def restyle(self) -> None:
        self.caption.setText("Two Python interpreters run the same script; only the worker "
                             "thread's daemon flag differs. <b>Bold</b>: main, "
                             f"<span style='color:{ink('accent')}'>blue</span>: the worker.")

    def run_started(self, params: dict[str, Any]) -> None:
        shown = {BOTH: (True, False), DAEMON: (True,), NON_DAEMON: (False,)}[params["variant"]]
        for flag, column in self.columns.items():
            column.reset()
            column.setVisible(flag in shown)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        for event in snapshot.events:
            for flag, column in self.columns.items():
                if event.thread == lane_name(flag):
                    column.add_line(event.text)

    def show_result(self, result: RunResult) -> None:
        for column in self.columns.values():
            column.show_outcome(result.result)
