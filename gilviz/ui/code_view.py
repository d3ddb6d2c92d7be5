"""The code students read beside the demo: the very functions the lesson runs.

The source comes from inspect.getsource at display time, so it cannot drift from what
runs; Pygments highlights it and marks the lines that carry the lesson.
"""

from __future__ import annotations

import inspect
import textwrap

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from gilviz.core.lesson import Lesson
from gilviz.ui import theme

# Lines that carry the lesson: thread life cycle, locking, signalling, pools, the GIL.
KEY_MARKERS = (".start()", ".join(", "threading.Thread(", "make_thread(", "Lock(",
               "with lock", "with counter_lock", "sleep(0)", "counter = tmp", "tmp = ",
               "+= 1", ".set()", ".wait(", "Executor(", ".submit(", ".map(",
               "as_completed(", "setswitchinterval", "hashlib.", "requests.", "session.get(",
               "daemon=")


def lesson_source(lesson: Lesson) -> str:
    """The lesson's workload functions, in the order the lesson lists them."""
    parts = []
    for function in lesson.workload:
        try:
            parts.append(textwrap.dedent(inspect.getsource(function)).rstrip())
        except (OSError, TypeError):  # a build that ships no source for it
            parts.append(f"# The source of {function.__qualname__} is not part of this build.")
    return "\n\n".join(parts)


def key_lines(source: str, extra: tuple[str, ...] = ()) -> list[int]:
    """1-based numbers of the lines that hold a key marker (comments excluded)."""
    markers = KEY_MARKERS + extra
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if any(marker in code for marker in markers):
            lines.append(number)
    return lines


# Highlighting styles whose every token colour reads at 4.5:1 or more on the theme's
# background and on the key lines' highlight (tests/ui/test_theme.py checks).
CODE_STYLES = {False: ("xcode", "#fff7cc"), True: ("lightbulb", "#222211")}


def source_html(source: str, dark: bool = False, extra: tuple[str, ...] = ()) -> str:
    style, key_line = CODE_STYLES[dark]
    formatter = HtmlFormatter(noclasses=True, style=style, hl_lines=key_lines(source, extra),
                              nobackground=True, hl_color=key_line)
    return highlight(source, PythonLexer(), formatter)


class CodeView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = ""
        self.extra: tuple[str, ...] = ()
        self.browser = QTextBrowser()
        self.browser.setObjectName("codeView")
        self.browser.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.browser.setFont(font)
        self.copy_button = QPushButton("Copy code")
        self.copy_button.setObjectName("copyCode")
        self.copy_button.setToolTip("Copy these functions to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        note = QLabel("The exact functions this lesson runs; key lines highlighted.")
        note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(note, 1)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)

    def show_lesson(self, lesson: Lesson) -> None:
        self.source = lesson_source(lesson)
        self.extra = lesson.key_code
        self._render()

    def restyle(self) -> None:
        """The theme changed: highlight the code in its colours."""
        self._render()

    def _render(self) -> None:
        dark = theme.current().dark
        html = source_html(self.source, dark, self.extra) if self.source else ""
        self.browser.setHtml(html)

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.source)
