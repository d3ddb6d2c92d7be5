"""The run's log: what each thread said and when, as the lecture's print() calls would."""

from __future__ import annotations

import html

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from gilviz.core.telemetry import LogEvent
from gilviz.demos.common import MAIN
from gilviz.ui.theme import thread_colour

MAX_LINES = 5000
MAX_LINES_PER_UPDATE = 300  # beyond this a batch is summarised, so the UI never chokes


class EventLog(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventLog")
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(self.font().pointSize())
        self.setFont(font)
        self.setPlaceholderText("Each thread's messages appear here, stamped with the time "
                                "since the run started.")
        self._colours: dict[str, str] = {}

    def reset(self) -> None:
        self.clear()
        self._colours.clear()

    def append_events(self, events: tuple[LogEvent, ...]) -> None:
        if len(events) > MAX_LINES_PER_UPDATE:
            skipped = len(events) - MAX_LINES_PER_UPDATE
            self.appendHtml(f"<i>… {skipped} lines in the last 1/30 s not shown …</i>")
            events = events[-MAX_LINES_PER_UPDATE:]
        for event in events:
            self.appendHtml(self._format(event))

    def _format(self, event: LogEvent) -> str:
        colour = self._colours.setdefault(event.thread, thread_colour(len(self._colours)))
        weight = "bold" if event.thread == MAIN else "normal"
        stamp = f"{event.t:8.3f} s".replace(" ", "&nbsp;")
        name = html.escape(event.thread.ljust(10)).replace(" ", "&nbsp;")
        return (f'<span style="color:#777">{stamp}</span>&nbsp;&nbsp;'
                f'<span style="color:{colour};font-weight:{weight}">'
                f"{name}&nbsp;&nbsp;{html.escape(event.text)}</span>")
