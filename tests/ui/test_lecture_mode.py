"""Presenting: clicker keys, notes and code beside every demo, remembered settings."""

import inspect
import textwrap

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QTextBrowser

from gilviz.app import build_window
from gilviz.demos import REGISTRY
from gilviz.notes import chapter_notes, lesson_notes, opening_notes
from gilviz.ui.code_view import key_lines, lesson_source
from tests.ui.helpers import choose_lesson, find, set_param


def _press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


@pytest.fixture
def active(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    return window


def test_page_down_walks_every_page_in_lecture_order_and_page_up_back(qtbot, active):
    window = active
    window.navigator.select_opening()
    seen = []
    for _ in range(len(REGISTRY) + len(REGISTRY.chapters()) + 2):
        _press(qtbot, window, Qt.Key.Key_PageDown)
        if window.navigator.current_lesson_id():
            seen.append(window.navigator.current_lesson_id())
    assert list(dict.fromkeys(seen)) == [lesson.id for lesson in REGISTRY]
    assert window.position.text().strip() == f"{len(REGISTRY)} / {len(REGISTRY)}"
    back = [window.navigator.current_lesson_id()]
    for _ in range(len(REGISTRY) + len(REGISTRY.chapters()) + 2):
        _press(qtbot, window, Qt.Key.Key_PageUp)
        if window.navigator.current_lesson_id():
            back.append(window.navigator.current_lesson_id())
    assert list(dict.fromkeys(back)) == [lesson.id for lesson in REGISTRY][::-1]
    assert window.pages.currentWidget() is window.intro  # back at the opening page


def test_chapter_pages_show_their_introduction(qtbot, active):
    chapter = REGISTRY.chapters()[0][0]
    active.navigator.select_chapter(chapter)
    text = find(active, QTextBrowser, "introView").toPlainText()
    assert chapter in text and "In this chapter" in text


def test_space_runs_and_escape_stops(qtbot, active):
    window = active
    choose_lesson(window, "many-threads")
    set_param(window, "interval_s", 2.0)
    window.navigator.setFocus()
    _press(qtbot, window, Qt.Key.Key_Space)
    assert window.page.controller.is_running()
    qtbot.waitUntil(lambda: len(window.page.lanes.lanes()) == 4, timeout=5000)
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=3000) as blocker:
        _press(qtbot, window, Qt.Key.Key_Escape)
    assert blocker.args[0].stopped
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=5000):
        set_param(window, "interval_s", 0.01)
        _press(qtbot, window, Qt.Key.Key_F5)


def test_arrows_inside_a_spin_box_change_the_value_not_the_page(qtbot, active):
    choose_lesson(active, "many-threads")
    threads = active.page.form.widget("threads")
    threads.setFocus()
    qtbot.keyClick(threads, Qt.Key.Key_Up)
    assert threads.value() == 4
    assert active.navigator.current_lesson_id() == "many-threads"
    qtbot.keyClick(threads, Qt.Key.Key_PageDown)  # a clicker still moves on
    assert active.navigator.current_lesson_id() != "many-threads"


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in REGISTRY])
def test_every_lesson_has_notes_and_shows_the_code_it_runs(window, lesson_id):
    lesson = REGISTRY.get(lesson_id)
    notes = lesson_notes(lesson_id)
    assert notes and notes.startswith("# ") and "Take-away" in notes
    choose_lesson(window, lesson_id)
    expected = "\n\n".join(textwrap.dedent(inspect.getsource(f)).rstrip()
                           for f in lesson.workload)
    assert lesson_source(lesson) == expected
    shown = window.page.code.browser.toPlainText()
    assert shown.strip() == expected.strip()
    assert key_lines(expected, lesson.key_code), f"{lesson_id}: no key line marked"
    window.page.code.copy()
    assert QGuiApplication.clipboard().text() == expected


def test_every_chapter_and_the_opening_have_an_introduction():
    assert opening_notes()
    for chapter, _ in REGISTRY.chapters():
        assert chapter_notes(chapter), chapter


def test_zoom_scales_the_interface_and_is_remembered(qtbot, active):
    base = QApplication.instance().font().pointSize()
    _press(qtbot, active, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    _press(qtbot, active, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.instance().font().pointSize() == base + 2
    assert active.page.title.font().pointSize() > base + 2
    _press(qtbot, active, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.instance().font().pointSize() == base


def test_settings_survive_a_restart(qtbot):
    first = build_window()
    qtbot.addWidget(first)
    choose_lesson(first, "many-threads")
    set_param(first, "threads", 12)
    set_param(first, "kind", "qthread")
    first.set_zoom(3)
    first.set_dark(True)
    first.resize(900, 640)
    first.close()

    second = build_window()
    qtbot.addWidget(second)
    try:
        assert second.navigator.current_lesson_id() == "many-threads"
        assert second.page.form.values()["threads"] == 12
        assert second.page.form.values()["kind"] == "qthread"
        assert second.zoom == 3 and second.dark
        assert second.dark_action.isChecked()
    finally:
        second.set_zoom(0)
        second.set_dark(False)
        second.close()


def test_code_view_says_so_when_a_build_has_no_source():
    from dataclasses import replace

    lesson = replace(REGISTRY.get("thread-join"), workload=(len,))
    assert "not part of this build" in lesson_source(lesson)
