"""Runs in the isolated engine from the window, and the toggle that brings them back in."""

import os
import signal
import time

from PySide6.QtWidgets import QCheckBox

from gilviz.core.engine import EngineRun
from tests.ui.helpers import choose_lesson, click, find, run_and_wait, set_param


def _engine(window) -> EngineRun:
    run = window.page.controller.session.run
    assert isinstance(run, EngineRun)
    return run


def test_cpu_heavy_lessons_default_to_the_engine_and_the_toggle_brings_them_in(qtbot, window):
    toggle = find(window, QCheckBox, "inGuiProcess")
    choose_lesson(window, "thread-join")
    assert toggle.isChecked()
    choose_lesson(window, "gil-cpu")
    assert not toggle.isChecked()
    set_param(window, "threads", 2)
    set_param(window, "iterations", 100_000)
    result = run_and_wait(qtbot, window)
    assert result.error is None
    assert "isolated engine" in window.page.result_view.toPlainText()
    toggle.setChecked(True)
    result = run_and_wait(qtbot, window)
    assert result.error is None
    assert "window's process" in window.page.result_view.toPlainText()


def test_qthreads_in_the_engine_get_a_clear_message(qtbot, window):
    choose_lesson(window, "many-threads")
    set_param(window, "kind", "qthread")
    find(window, QCheckBox, "inGuiProcess").setChecked(False)
    click(qtbot, window, "runButton")
    assert "isolated engine does not load" in window.page.result_view.toPlainText()
    assert not window.page.controller.is_running()


def test_stop_and_a_killed_engine_in_the_window(qtbot, window):
    choose_lesson(window, "gil-cpu")
    set_param(window, "iterations", 200_000_000)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: any(lane.count for lane in window.page.lanes.lanes()), timeout=15_000)
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=5000) as blocker:
        pressed = time.perf_counter()
        click(qtbot, window, "stopButton")
    assert time.perf_counter() - pressed < 1.5
    assert blocker.args[0].stopped

    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: any(lane.count for lane in window.page.lanes.lanes()), timeout=15_000)
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=5000) as blocker:
        os.kill(_engine(window).pid, signal.SIGKILL)
    assert blocker.args[0].error == "engine stopped unexpectedly: exit code -9"
    assert "exit code -9" in window.page.result_view.toPlainText()

    set_param(window, "iterations", 100_000)
    again = run_and_wait(qtbot, window)
    assert again.error is None and not again.stopped


def test_closing_the_window_ends_the_engine(qtbot, window):
    choose_lesson(window, "gil-cpu")
    set_param(window, "threads", 8)
    set_param(window, "iterations", 200_000_000)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: any(lane.count for lane in window.page.lanes.lanes()), timeout=15_000)
    engine = _engine(window)
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 2.5
    assert engine.exitcode is not None
