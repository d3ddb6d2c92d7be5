"""The editor of a LinesParam (a URL list): one item per line, bad lines marked as you type.

A bad line is not refused here: it gets a red background and the reason underneath, and
the lesson skips it with a row of its own, so one typo does not block the other URLs.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QColor, QFontMetrics, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from gilviz.core.params import LinesParam
from gilviz.ui import theme
from gilviz.ui.look import set_ink

VISIBLE_LINES = 3.6  # enough to see it is a list; it scrolls for more
MARK = {False: "#fbd5d5", True: "#5c1f1f"}  # a bad line's background, by theme


class LinesEdit(QWidget):
    def __init__(self, spec: LinesParam, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.editor = QPlainTextEdit()
        self.editor.setObjectName(f"lines_{spec.name}")
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText("one per line")
        self.problems = QLabel()
        self.problems.setObjectName(f"problems_{spec.name}")
        set_ink(self.problems, "bad")
        self.problems.hide()
        self.restyle()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.problems)
        self.editor.textChanged.connect(self._mark)

    def restyle(self) -> None:
        """Zoom or theme changed: the same number of lines in view, marks recoloured."""
        line_h = QFontMetrics(self.editor.font()).lineSpacing()
        self.editor.setFixedHeight(int(line_h * VISIBLE_LINES) + 12)
        self._mark()

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_lines(self, value: Any) -> None:
        text = value if isinstance(value, str) else "\n".join(value)
        if text != self.text():
            self.editor.setPlainText(text)

    def bad_lines(self) -> list[tuple[int, str]]:
        """(line number from 1, what is wrong) for each line the lesson will skip."""
        found = []
        for number, line in enumerate(self.text().splitlines(), start=1):
            problem = self.spec.problem(line.strip()) if line.strip() else None
            if problem:
                found.append((number, problem))
        return found

    @Slot()
    def _mark(self) -> None:
        bad = self.bad_lines()
        selections = []
        document = self.editor.document()
        for number, _ in bad:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(MARK[theme.current().dark]))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(document.findBlockByNumber(number - 1))
            selections.append(selection)
        self.editor.setExtraSelections(selections)
        # One short line, so the form does not grow; the tooltip says why for each line.
        numbers = ", ".join(str(number) for number, _ in bad[:6]) + ("…" if len(bad) > 6 else "")
        self.problems.setText(f"Skipped (red): line{'s' if len(bad) > 1 else ''} {numbers}")
        why = "\n".join(f"Line {number}: {problem}" for number, problem in bad)
        self.problems.setToolTip(why)
        self.editor.setToolTip(why or self.toolTip())
        self.problems.setVisible(bool(bad))
