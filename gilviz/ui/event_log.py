"""The run's log: what each thread said and when, as the lecture's print() calls would."""

from __future__ import annotations

from collections import deque

from PySide6.QtGui import QColor, QFont, QFontDatabase, QTextCharFormat, QTextCursor
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
        self._colours: dict[str, int] = {}  # thread -> its colour's index
        self._formats: dict[str, QTextCharFormat] = {}
        self._stamp = QTextCharFormat()
        # What is on screen, kept to write it again in a new theme's colours.
        self._shown: deque[LogEvent | str] = deque(maxlen=MAX_LINES)
        self.restyle()

    def reset(self) -> None:
        self.clear()
        self._colours.clear()
        self._formats.clear()
        self._shown.clear()

    def restyle(self) -> None:
        """The theme changed: formats in its colours, and the log written again."""
        self._formats.clear()
        self._stamp.setForeground(QColor(theme.current().muted))
        shown = list(self._shown)
        if not shown:
            return
        self.clear()
        self._shown.clear()
        self._write(shown)

    def append_events(self, events: tuple[LogEvent, ...]) -> None:
        if not events:
            return
        lines: list[LogEvent | str] = []
        if len(events) > MAX_LINES_PER_UPDATE:
            skipped = len(events) - MAX_LINES_PER_UPDATE
            lines.append(f"… {skipped} lines in the last 1/30 s not shown …")
            events = events[-MAX_LINES_PER_UPDATE:]
        lines.extend(events)
        self._write(lines)

    def _write(self, lines: list[LogEvent | str]) -> None:
        # One edit through a cursor, with ready formats: 300 lines appended one by one as
        # HTML took ~117 ms (a visible hitch), this way ~8 ms (measured, 2 busy cores).
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.beginEditBlock()
        for line in lines:
            if not self.document().isEmpty():
                cursor.insertBlock()
            if isinstance(line, str):  # gilviz's own note about the log
                cursor.insertText(line, self._stamp)
            else:
                cursor.insertText(f"{line.t:8.3f} s  ", self._stamp)
                cursor.insertText(f"{line.thread.ljust(10)}  {line.text}",
                                  self._format(line.thread))
            self._shown.append(line)
        cursor.endEditBlock()
        if at_end:
            bar.setValue(bar.maximum())

    def _format(self, thread: str) -> QTextCharFormat:
        form = self._formats.get(thread)
        if form is None:
            index = self._colours.setdefault(thread, len(self._colours))
            form = QTextCharFormat()
            form.setForeground(QColor(theme.current().thread_ink(index)))
            if thread == MAIN:
                form.setFontWeight(QFont.Weight.Bold)
            self._formats[thread] = form
        return form
