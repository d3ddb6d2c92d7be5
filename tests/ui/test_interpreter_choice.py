"""The interpreter choice beside a lesson's settings: what it lists, what it refuses, the
offer to build a free-threaded Python."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QMessageBox, QPushButton

from gilviz.core.interpreter_probe import Interpreter, running_interpreter
from gilviz.tools.free_threaded import Cancelled
from gilviz.ui import interpreter_choice
from gilviz.ui.free_threaded_dialog import BuildDialog
from tests.ui.helpers import choose_lesson, click, find, set_param

FREE = Interpreter(path="/fake/bin/python3.13t", version="3.13.5", free_threaded=True,
                   gil_enabled=False, usable=True, implementation="CPython", found="PATH")
OLD = Interpreter(path="/fake/bin/python2.7", version="2.7.18", usable=False,
                  problem="is Python 2.7.18: gilviz's lessons need Python 3.11 or newer")
NEW = Interpreter(path="/fake/bin/python3.14", version="3.14.0", usable=True,
                  implementation="CPython")


@pytest.fixture
def found(monkeypatch):
    """The Pythons 'on this machine', without probing any: set the list in the test."""
    machine = [running_interpreter(), FREE, NEW, OLD]
    monkeypatch.setattr(interpreter_choice, "find_interpreters", lambda: list(machine))
    interpreter_choice.forget_found()
    yield machine
    interpreter_choice.forget_found()


def listed(qtbot, window) -> QComboBox:
    combo = find(window, QComboBox, "interpreterChoice")
    qtbot.waitUntil(lambda: not window.page.interpreters._finder, timeout=10_000)
    return combo


def test_this_window_first_then_usable_ones_and_the_others_disabled_with_why(
        qtbot, window, found):
    choose_lesson(window, "gil-cpu")
    combo = listed(qtbot, window)
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[0].endswith("(this window's)") and sys.version.split()[0] in texts[0]
    assert texts[1:] == ["3.13.5t · no GIL", "3.14.0 · GIL", "2.7.18 · GIL: cannot run the lessons"]
    model = combo.model()
    assert [model.item(i).isEnabled() for i in range(4)] == [True, True, True, False]
    assert "Python 2.7.18" in combo.itemData(3, Qt.ItemDataRole.ToolTipRole)
    assert window.page.interpreters.partner() == FREE  # Compare's other Python by default
    assert window.page.interpreters.choose(NEW.path)
    assert window.page.interpreters.partner() == NEW


def test_inside_the_window_process_the_choice_and_compare_are_off_with_the_reason(
        qtbot, window, found):
    choose_lesson(window, "gil-cpu")
    listed(qtbot, window)
    combo = find(window, QComboBox, "interpreterChoice")
    compare = find(window, QPushButton, "compareButton")
    assert combo.isEnabled() and compare.isEnabled()
    find(window, QCheckBox, "inGuiProcess").setChecked(True)
    assert not combo.isEnabled() and not compare.isEnabled()
    assert "window's own Python" in combo.toolTip()
    assert "untick" in compare.toolTip()


def test_qthreads_on_another_python_are_refused_before_the_run(qtbot, window, found):
    choose_lesson(window, "many-threads")
    listed(qtbot, window)
    set_param(window, "kind", "qthread")
    find(window, QCheckBox, "inGuiProcess").setChecked(False)
    assert window.page.interpreters.choose(FREE.path)
    note = window.page.interpreters.note
    assert note.isVisible() and "no free-threaded build has PySide6" in note.text()
    assert not find(window, QPushButton, "compareButton").isEnabled()
    click(qtbot, window, "runButton")
    assert "no free-threaded build has PySide6" in window.page.result_view.toPlainText()
    assert not window.page.controller.is_running()
    set_param(window, "kind", "threading")
    assert not note.isVisible()


def test_the_interpreter_pool_needs_python_3_14(qtbot, window, found):
    choose_lesson(window, "process-vs-thread")
    listed(qtbot, window)
    pools = find(window, QComboBox, "param_pools")
    item = pools.model().item(pools.findData("interpreters"))
    assert not item.isEnabled()  # this window's Python is older
    tip = pools.itemData(pools.findData("interpreters"), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("InterpreterPoolExecutor needs Python 3.14 or newer, and this is")
    window.page.interpreters.choose(FREE.path)
    assert not item.isEnabled() and "3.13.5t" in pools.itemData(
        pools.findData("interpreters"), Qt.ItemDataRole.ToolTipRole)
    window.page.interpreters.choose(NEW.path)
    assert item.isEnabled()
    pools.setCurrentIndex(pools.findData("interpreters"))
    window.page.interpreters.choose(FREE.path)  # the choice it can no longer run falls back
    assert pools.currentData() == "threads-processes" and not item.isEnabled()


def answer_offer(qtbot, button: QMessageBox.StandardButton) -> None:
    def offered():
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.objectName() == "buildOffer"
                 and w.isVisible()]
        assert boxes
        return boxes[0]
    qtbot.waitUntil(lambda: bool(offered()), timeout=3000)
    offered().button(button).click()


def test_no_free_threaded_python_offers_the_build_with_progress(qtbot, window, found,
                                                                 monkeypatch):
    found[:] = [running_interpreter(), OLD]
    steps = []

    def build(progress, cancel):
        for step in ("fetching the source", "configure", "make -j2"):
            progress(step)
            steps.append(step)
        return sys.executable  # stands in for the built interpreter

    window.page.interpreters._build = build
    choose_lesson(window, "gil-cpu")
    combo = listed(qtbot, window)
    assert combo.itemData(combo.count() - 1) == interpreter_choice.BUILD
    built = []
    window.page.interpreters.offer_build(then=built.append)
    answer_offer(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: bool(built), timeout=10_000)
    assert steps == ["fetching the source", "configure", "make -j2"]
    assert built[0].path == sys.executable


def test_choosing_the_build_entry_and_cancelling_the_build(qtbot, window, found):
    found[:] = [running_interpreter()]
    started = threading.Event()

    def build(progress, cancel):
        progress("configure")
        started.set()
        cancel.wait(20)
        raise Cancelled("cancelled; nothing half-built is kept")

    window.page.interpreters._build = build
    choose_lesson(window, "gil-cpu")
    combo = listed(qtbot, window)
    combo.setCurrentIndex(combo.count() - 1)  # "build one…"
    assert combo.currentIndex() == 0  # the choice stays on a real Python
    answer_offer(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(started.is_set, timeout=5000)
    dialog = window.findChild(BuildDialog, "freeThreadedBuild")
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: "configure" in dialog.log.toPlainText(), timeout=3000)
    dialog.reject()  # Cancel
    qtbot.waitUntil(lambda: window.page.interpreters._dialog is None, timeout=5000)
    note = window.page.interpreters.note
    assert "cancelled" in note.text()


def test_declining_the_offer_changes_nothing(qtbot, window, found):
    found[:] = [running_interpreter()]
    window.page.interpreters._build = lambda progress, cancel: pytest.fail("built anyway")
    choose_lesson(window, "gil-cpu")
    listed(qtbot, window)
    click(qtbot, window, "compareButton")  # no other Python: Compare offers the build
    answer_offer(qtbot, QMessageBox.StandardButton.No)
    assert window.findChild(BuildDialog) is None
    assert window.page.comparer.comparison is None


def test_a_python_used_for_the_first_time_is_prepared_off_the_ui_thread(qtbot, window, found,
                                                                        monkeypatch):
    from gilviz.core.engine import EngineCommand
    from gilviz.core.engine_choice import NoEngine

    release = threading.Event()
    calls = []

    def prepare(interp, progress=None):
        calls.append(interp.path)
        progress(f"installing requests for {interp.label}")
        assert release.wait(10)
        if interp is NEW:
            raise NoEngine("cannot install requests for Python 3.14.0 (no network, or no pip?)")
        return EngineCommand(interpreter=interp)  # runs on this Python: enough for the flow

    monkeypatch.setattr(interpreter_choice, "prepare", prepare)
    choose_lesson(window, "gil-cpu")
    set_param(window, "iterations", 100_000)
    listed(qtbot, window)
    bar = window.page.interpreters
    bar.choose(FREE.path)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: "installing requests" in bar.note.text(), timeout=3000)
    assert not window.page.controller.is_running() and bar.busy()  # the window keeps going
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=20_000) as blocker:
        release.set()
    assert blocker.args[0].error is None
    assert window.page.session.engine.interpreter is FREE
    click(qtbot, window, "runButton")  # prepared once: the second run starts at once
    assert window.page.controller.is_running() and calls == [FREE.path]
    qtbot.waitUntil(lambda: not window.page.controller.is_running(), timeout=20_000)

    bar.choose(NEW.path)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: "no network" in window.page.result_view.toPlainText(),
                    timeout=5000)
    assert not window.page.controller.is_running()
