"""Python colours for an editable document, from Pygments (as the code view's), line by line.

Qt highlights a document one block (line) at a time, and only the lines that change, so
typing stays cheap however long the script. Pygments lexes each line; the one thing a
line cannot know alone, whether it starts inside a triple-quoted string, is carried from
line to line in the block state.
"""

from __future__ import annotations

from pygments.lexers import PythonLexer
from pygments.styles import get_style_by_name
from pygments.token import String, _TokenType
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

OUTSIDE, IN_SINGLE_TRIPLE, IN_DOUBLE_TRIPLE = 0, 1, 2
TRIPLES = {IN_SINGLE_TRIPLE: "'''", IN_DOUBLE_TRIPLE: '"""'}


def open_triple_quote(code: str) -> int:
    """Whether `code` (one line) ends inside a triple-quoted string, and which kind."""
    i, n = 0, len(code)
    while i < n:
        char = code[i]
        if char == "#":
            return OUTSIDE
        if char in "'\"":
            quote = code[i:i + 3]
            if quote in ("'''", '"""'):
                end = code.find(quote, i + 3)
                if end < 0:
                    return IN_SINGLE_TRIPLE if char == "'" else IN_DOUBLE_TRIPLE
                i = end + 3
                continue
            i += 1
            while i < n and code[i] != char:  # a one-line string: skip it
                i += 2 if code[i] == "\\" else 1
        i += 1
    return OUTSIDE


def utf16_positions(text: str) -> list[int] | None:
    """Qt counts positions in UTF-16 units: where each character starts, when that differs
    from Python's count (an emoji is one character but two units), else None."""
    if all(ord(char) < 0x10000 for char in text):
        return None
    positions, unit = [], 0
    for char in text:
        positions.append(unit)
        unit += 2 if ord(char) >= 0x10000 else 1
    positions.append(unit)
    return positions


class PythonHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, dark: bool = False) -> None:
        super().__init__(document)
        self._lexer = PythonLexer(stripnl=False, ensurenl=False)
        self._formats: dict[_TokenType, QTextCharFormat] = {}
        self.dark = dark
        self._style = get_style_by_name("monokai" if dark else "default")

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self._style = get_style_by_name("monokai" if dark else "default")
        self._formats.clear()
        self.rehighlight()

    def _format(self, kind: _TokenType) -> QTextCharFormat:
        form = self._formats.get(kind)
        if form is None:
            info = self._style.style_for_token(kind)
            form = QTextCharFormat()
            if info["color"]:
                form.setForeground(QColor(f"#{info['color']}"))
            if info["bold"]:
                form.setFontWeight(QFont.Weight.Bold)
            if info["italic"]:
                form.setFontItalic(True)
            self._formats[kind] = form
        return form

    def highlightBlock(self, text: str) -> None:
        units = utf16_positions(text)

        def paint(start: int, end: int, form: QTextCharFormat) -> None:
            if units is not None:
                start, end = units[start], units[end]
            self.setFormat(start, end - start, form)

        state = self.previousBlockState()
        start = 0
        if state in TRIPLES:
            end = text.find(TRIPLES[state])
            if end < 0:  # the whole line is inside the string
                paint(0, len(text), self._format(String.Doc))
                self.setCurrentBlockState(state)
                return
            start = end + 3
            paint(0, start, self._format(String.Doc))
        rest = text[start:]
        for index, kind, value in self._lexer.get_tokens_unprocessed(rest):
            paint(start + index, start + index + len(value), self._format(kind))
        self.setCurrentBlockState(open_triple_quote(rest))
