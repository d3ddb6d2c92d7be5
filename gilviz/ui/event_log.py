"""The run's log: what each thread said and when, as the lecture's print() calls would."""

from __future__ import annotations

import html
from collections import deque

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from gilviz.core.telemetry import LogEvent
from gilviz.demos.common import MAIN
from gilviz.ui import theme

MAX_LINES = 5000
MAX_LINES_PER_UPDATE = 300  # beyond this a batch is summarised, so the UI never chokes


class EventLog(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventLog")
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
        self.setUndoRedoEnabled(False)
        # Long lines wrap: nothing is cut at the right edge, whatever the zoom.
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(self.font().pointSizeF())
        self.setFont(font)
        self.setPlaceholderText("Each thread's messages appear here, stamped with the time "
                                "since the run started.")
        self._colours: dict[str, int] = {}
        self._lines: deque[str] = deque(maxlen=MAX_LINES)  # kept to redraw in a new theme

    def reset(self) -> None:
        self.clear()
        self._colours.clear()
        self._lines.clear()

    def restyle(self) -> None:
        """The theme changed: write the log again in its colours."""
        lines = list(self._lines)
        self.clear()
        self._lines.clear()
        for line in lines:
            self._append(line)

    def append_events(self, events: tuple[LogEvent, ...]) -> None:
        if len(events) > MAX_LINES_PER_UPDATE:
            skipped = len(events) - MAX_LINES_PER_UPDATE
            self._append(f"<i>… {skipped} lines in the last 1/30 s not shown …</i>")
            events = events[-MAX_LINES_PER_UPDATE:]
        for event in events:
            self._append(self._format(event))

    def _append(self, line: str) -> None:
        self._lines.append(line)
        look = theme.current()
        for index, colour in enumerate(look.threads):
            line = line.replace(f"@thread{index}@", colour)
        self.appendHtml(line.replace("@muted@", look.muted))

    def _format(self, event: LogEvent) -> str:
        """The line with colour placeholders, filled in with the theme's when shown."""
        index = self._colours.setdefault(event.thread, len(self._colours))
        weight = "bold" if event.thread == MAIN else "normal"
        stamp = f"{event.t:8.3f} s".replace(" ", "&nbsp;")
        name = html.escape(event.thread.ljust(10)).replace(" ", "&nbsp;")
        return (f'<span style="color:@muted@">{stamp}</span>&nbsp;&nbsp;'
                f'<span style="color:@thread{index % len(theme.FILL_COLOURS)}@;'
                f'font-weight:{weight}">{name}&nbsp;&nbsp;{html.escape(event.text)}</span>')
