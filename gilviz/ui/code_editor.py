"""A small Python editor: line numbers, colours, the keys a student expects, and a mark on
the line an exception or a SyntaxError came from.

Ctrl+Enter asks to run (runRequested); Tab and Shift+Tab indent by four spaces; Enter keeps
the indentation (one level more after a colon). Pasting a notebook or console cell drops
its `In [1]:` / `...:` / `>>>` prompts and the output lines between them.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QMimeData, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from gilviz.ui.python_highlighter import PythonHighlighter

INDENT = "    "
PROMPT = re.compile(r"^(?:In \[\d*\]: ?|\s*\.\.\.: ?|>>> ?|\.\.\.(?: |$))")
ERROR_BACKGROUND = QColor(255, 82, 82, 70)


def strip_prompts(text: str) -> str:
    """A cell copied with its prompts (IPython `In [1]:` / `...:`, or `>>>` / `...`) back
    to plain code: prompts go, lines without one (the output) go. Text that does not
    start with a prompt is left as it is."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not PROMPT.match(first):
        return text
    kept = []
    for line in lines:
        match = PROMPT.match(line)
        if match:
            kept.append(line[match.end():])
    return "\n".join(kept) + ("\n" if text.endswith("\n") else "")


def code_font() -> QFont:
    """A fixed-width family and nothing else: the size still follows the window's zoom
    (a font set in full would stop following the application's)."""
    font = QFont()
    font.setFamilies([QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()])
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.numbers_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_numbers(self, event)


class CodeEditor(QPlainTextEdit):
    runRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codeEditor")
        self.setFont(code_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(False)
        self.error_line: int | None = None
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self.highlighter = PythonHighlighter(self.document(), dark)
        self._numbers = _LineNumbers(self)
        self.blockCountChanged.connect(self._fit_numbers)
        self.updateRequest.connect(self._scroll_numbers)
        self.cursorPositionChanged.connect(self._show_marks)
        self._fit_numbers()
        self._show_marks()

    # line numbers ------------------------------------------------------------------
    def numbers_width(self) -> int:
        digits = max(3, len(str(self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    @Slot()
    def _fit_numbers(self) -> None:
        self.setViewportMargins(self.numbers_width(), 0, 0, 0)

    @Slot(QRect, int)
    def _scroll_numbers(self, rect: QRect, dy: int) -> None:
        if dy:
            self._numbers.scroll(0, dy)
        else:
            self._numbers.update(0, rect.y(), self._numbers.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._numbers.setGeometry(QRect(area.left(), area.top(), self.numbers_width(),
                                        area.height()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the zoom: the numbers follow
            self._fit_numbers()
        elif event.type() == QEvent.Type.PaletteChange:  # the theme: so do the colours
            dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
            if dark != self.highlighter.dark:
                self.highlighter.set_dark(dark)

    def paint_numbers(self, widget: QWidget, event: QPaintEvent) -> None:
        painter = QPainter(widget)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber() + 1
                painter.setPen(QColor("#c62828") if number == self.error_line else dim)
                painter.drawText(0, top, widget.width() - 5, height,
                                 Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
            top = bottom

    # the marked line ---------------------------------------------------------------
    def mark_error(self, line: int | None, scroll: bool = True) -> None:
        """Mark the line an error came from (1-based; None clears) and show it."""
        self.error_line = line if line and 1 <= line <= self.blockCount() else None
        if self.error_line is not None and scroll:
            block = self.document().findBlockByNumber(self.error_line - 1)
            cursor = QTextCursor(block)
            self.setTextCursor(cursor)
            self.centerCursor()
        self._show_marks()
        self._numbers.update()

    @Slot()
    def _show_marks(self) -> None:
        marks = []
        if self.error_line is not None:
            mark = QTextEdit.ExtraSelection()
            mark.format.setBackground(ERROR_BACKGROUND)
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            block = self.document().findBlockByNumber(self.error_line - 1)
            mark.cursor = QTextCursor(block)
            marks.append(mark)
        self.setExtraSelections(marks)

    def set_dark(self, dark: bool) -> None:
        self.highlighter.set_dark(dark)

    # keys and paste ----------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self.runRequested.emit()
            return
        if key == Qt.Key.Key_Tab and not ctrl:
            self._indent(+1)
            return
        if key == Qt.Key.Key_Backtab:
            self._indent(-1)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._new_line()
            return
        super().keyPressEvent(event)

    def _new_line(self) -> None:
        cursor = self.textCursor()
        line = cursor.block().text()[:cursor.positionInBlock()]
        indent = line[:len(line) - len(line.lstrip())]
        if line.split("#", 1)[0].rstrip().endswith(":"):
            indent += INDENT
        cursor.insertText("\n" + indent)
        self.setTextCursor(cursor)

    def _indent(self, step: int) -> None:
        cursor = self.textCursor()
        if not cursor.hasSelection() and step > 0:
            cursor.insertText(INDENT)
            return
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last = doc.findBlock(max(cursor.selectionStart(), cursor.selectionEnd() - 1)).blockNumber()
        cursor.beginEditBlock()
        for number in range(first, last + 1):
            block = doc.findBlockByNumber(number)
            edit = QTextCursor(block)
            if step > 0:
                edit.insertText(INDENT)
            else:
                text = block.text()
                spaces = len(text) - len(text.lstrip(" "))
                edit.movePosition(QTextCursor.MoveOperation.Right,
                                  QTextCursor.MoveMode.KeepAnchor, min(4, spaces))
                edit.removeSelectedText()
        cursor.endEditBlock()

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self.insertPlainText(strip_prompts(source.text()))
        else:
            super().insertFromMimeData(source)

    def replace_all(self, text: str) -> None:
        """Replace the whole text as one edit, so Ctrl+Z brings the old text back."""
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        self.mark_error(None, scroll=False)
        self.moveCursor(QTextCursor.MoveOperation.Start)
