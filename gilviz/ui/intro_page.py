"""A page without a demo: the opening notes, or a chapter's introduction."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from gilviz.core.lesson import Lesson
from gilviz.ui.look import set_font_factor

PROSE_FACTOR = 1.25  # prose for the back row


class IntroPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QTextBrowser()
        self.view.setObjectName("introView")
        self.view.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addWidget(self.view)
        set_font_factor(self.view, PROSE_FACTOR)

    def show_text(self, markdown: str, lessons: list[Lesson] | None = None,
                  first_number: int = 1) -> None:
        if lessons:
            listing = "\n".join(f"{first_number + i}. {lesson.title}"
                                for i, lesson in enumerate(lessons))
            markdown = f"{markdown}\n\n**In this chapter:**\n\n{listing}\n"
        self.view.setMarkdown(markdown)
