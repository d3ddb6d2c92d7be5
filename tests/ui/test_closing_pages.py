"""Pages of notes that close a chapter: 'The GIL in practice: with and without the GIL'."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser

from gilviz.demos import REGISTRY
from gilviz.demos.chapters import CLOSING_PAGES, GIL
from gilviz.notes import page_notes
from gilviz.ui.navigator import KIND_ROLE, PAGE
from tests.ui.helpers import choose_lesson, find

KEY = "with-and-without-the-gil"


def test_every_closing_page_has_notes_of_its_own():
    for pages in CLOSING_PAGES.values():
        for key, title in pages:
            notes = page_notes(key)
            assert notes and notes.startswith(f"# {title}\n"), key
    assert "Compare" in page_notes(KEY) and "Ask the room" in page_notes(KEY)


def test_the_page_follows_the_gil_lessons_and_page_down_reaches_it(qtbot, window):
    last_gil_lesson = [lesson.id for lesson in REGISTRY if lesson.chapter == GIL][-1]
    choose_lesson(window, last_gil_lesson)
    window.next_page()
    item = window.navigator.currentItem()
    assert (item.data(0, KIND_ROLE), item.text(0)) == (PAGE, CLOSING_PAGES[GIL][0][1])
    assert window.pages.currentWidget() is window.intro
    text = find(window, QTextBrowser, "introView").toPlainText()
    assert text.startswith("The GIL in practice: with and without the GIL")
    assert window.chapter_label.text() == GIL
    window.next_page()  # on to the next chapter's introduction
    assert window.navigator.currentItem().parent() is None
    window.previous_page()
    window.previous_page()
    assert window.navigator.current_lesson_id() == last_gil_lesson


def test_the_page_is_remembered_across_launches(qtbot, window):
    window.navigator.select_page(KEY)
    assert window.settings.value("page") == f"{PAGE}:{KEY}"
