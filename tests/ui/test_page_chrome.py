"""What frames a lesson: where the window is, the keys for the clicker, the settings that
fold away for the results, the CPU panel's two numbers, the switch-interval chart."""

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextBrowser, QWidget

from gilviz.demos import REGISTRY
from gilviz.ui.cpu_cores import OwnCpu
from tests.quick import quick
from tests.ui.helpers import choose_lesson, find, run_and_wait, set_param


def test_the_widgets_a_lecturer_looks_at_have_their_names(window):
    find(window, QWidget, "threadRows")
    find(window, QWidget, "timelineView")
    find(window, QPlainTextEdit, "eventLog")
    find(window, QTextBrowser, "notesView")
    find(window, QTextBrowser, "codeView")
    action = window.findChild(QAction, "presentationModeAction")
    assert action is not None and action.isCheckable()


def test_pages_without_a_lesson_say_where_they_are(window):
    window.navigator.select_opening()
    assert "-" not in window.position.text().split("·")[0]
    assert window.position.text().strip() == f"Opening · {len(REGISTRY)} lessons"
    chapters = REGISTRY.chapters()
    chapter, lessons = chapters[1]
    window.navigator.select_chapter(chapter)
    ids = [lesson.id for lesson in REGISTRY]
    first, last = ids.index(lessons[0].id) + 1, ids.index(lessons[-1].id) + 1
    assert window.position.text().strip() == (
        f"Chapter 2/{len(chapters)} · {first}-{last} of {len(ids)}")
    window.navigator.select(ids[0])
    assert window.position.text().strip() == f"1 / {len(ids)}"


def test_number_keys_bring_the_lessons_tabs_to_the_front(qtbot, window):
    choose_lesson(window, "race")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.navigator.setFocus()
    tabs = window.page.tabs
    qtbot.keyClick(window.navigator, Qt.Key.Key_2)
    assert tabs.currentWidget() is window.page.timeline
    qtbot.keyClick(window.navigator, Qt.Key.Key_3)
    assert tabs.tabText(tabs.currentIndex()) == "Counter"
    qtbot.keyClick(window.navigator, Qt.Key.Key_1)
    assert tabs.currentWidget() is window.page.log
    # Typed into a spin box, a digit stays a digit.
    spin = window.page.form.widget("threads")
    window.page.open_settings(True)
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_2)
    assert tabs.currentWidget() is window.page.log


def test_the_e_key_sets_the_event(qtbot, window):
    choose_lesson(window, "event")
    set_param(window, "trigger", "button")
    set_param(window, "workers", 2)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    panel = window.page.panels[0]
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=10_000) as done:
        find(window, QWidget, "runButton").click()
        qtbot.waitUntil(lambda: "waiting" in panel.workers.text(), timeout=5000)
        window.navigator.setFocus()
        qtbot.keyClick(window.navigator, Qt.Key.Key_E)
    assert done.args[0].result["set_by"] == "button"
    assert panel.button.text() == "Event is set"


def test_settings_fold_into_a_summary_while_results_are_shown(qtbot, window):
    choose_lesson(window, "thread-join")
    page = window.page
    assert page.settings_box.isVisible() and not page.settings_summary.isVisible()
    for name, value in quick("thread-join").items():
        set_param(window, name, value)
    run_and_wait(qtbot, window)
    assert not page.settings_box.isVisible() and page.settings_summary.isVisible()
    text = page.settings_summary.text()
    spec = page.lesson.params[0]
    assert spec.label in text
    page.settings_summary.change.click()
    assert page.settings_box.isVisible() and not page.settings_summary.isVisible()
    choose_lesson(window, "race")  # a new lesson opens with its form
    assert page.settings_box.isVisible()


def test_text_settings_get_the_forms_whole_width(window):
    choose_lesson(window, "thread-args")
    (text_spec,) = [spec for spec in window.page.lesson.params if spec.name == "message"]
    box = window.page.form.widget("message")
    QApplication.processEvents()
    assert box.width() > window.page.form.width() * 0.9
    assert box.fontMetrics().horizontalAdvance(text_spec.default) < box.width()


def test_the_cpu_panel_counts_gilviz_and_its_children(qtbot, window):
    own = OwnCpu()
    start = os.times()
    end = start.elapsed + 0.3
    total = 0
    while os.times().elapsed < end:  # keep this process busy for a moment
        total += sum(range(1000))
    assert own.sample() > 0.3  # about one core, for this process alone
    cores = window.page.cores
    assert "whole machine" in cores.toolTip() or "every program" in cores.toolTip()
    cores.refresh()
    assert "gilviz" in cores.share.text() and "others" in cores.share.text()
    assert window.latency_meter.toolTip().startswith("UI lag:")
