"""Compare in the window: the lesson on this window's Python and on the chosen one, in
turn, then side by side (timelines on one time axis, two columns, one chart)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QComboBox, QTableWidget

from gilviz.ui import interpreter_choice
from gilviz.ui.compare_view import CompareWindow
from tests.ui.helpers import choose_lesson, click, find, set_param

# Two runs in turn, one on a Python starting its engine: 4.4 s on a quiet machine, 71 s
# beside two busy loops (the window's engine runs at nice +5), over 90 s beside three.
COMPARE_TIMEOUT_MS = 240_000
pytestmark = pytest.mark.timeout(330)


def compare_and_wait(qtbot, window) -> CompareWindow:
    comparer = window.page.comparer
    click(qtbot, window, "compareButton")
    qtbot.waitUntil(lambda: comparer.comparison is not None and comparer.comparison.finished
                    and not comparer.active(), timeout=COMPARE_TIMEOUT_MS)
    assert comparer.window is not None and comparer.window.isVisible()
    return comparer.window


def test_compare_twice_on_this_python_shows_both_runs(qtbot, window, monkeypatch):
    bar = window.page.interpreters
    monkeypatch.setattr(bar, "partner", lambda: bar.host)  # no second Python needed
    choose_lesson(window, "gil-cpu")
    set_param(window, "threads", 2)
    set_param(window, "iterations", 300_000)
    shown = compare_and_wait(qtbot, window)
    comparison = window.page.comparer.comparison
    assert [run.result.error for run in comparison.runs] == [None, None]
    view = shown.view
    table = find(shown, QTableWidget, "compareResults")
    assert table.columnCount() == 2 and table.rowCount() > 5
    labels = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    assert "speedup" in labels
    row = labels.index("speedup")
    assert [table.item(row, c).text() for c in (0, 1)] == [
        f"{run.result.result['speedup']:.4g}" for run in comparison.runs]
    assert view.chart_heights() == [run.result.result["speedup"] for run in comparison.runs]
    # One time axis: both timelines show the same seconds, as long as the longer run.
    ranges = view.shared_range()
    assert ranges[0] == ranges[1]
    assert ranges[0][1] == pytest.approx(max(t.end_s for t in view.timelines))
    assert all(t.spans for t in view.timelines)
    view.timelines[1].zoom(0.5)  # zoom one: the other follows
    assert view.shared_range()[0] == view.shared_range()[1] != ranges[0]
    headers = [h.text() for h in view.headers]
    assert all("2 threads:" in h and "the speed of one" in h for h in headers)
    assert "Both runs done" in shown.status.text()
    # The page showed each run live as usual, and can run again afterwards.
    assert window.page.last_result is comparison.runs[1].result
    assert find(window, QComboBox, "interpreterChoice").isEnabled()


def test_stop_in_the_compare_window_stops_the_run_and_skips_the_next(qtbot, window,
                                                                     monkeypatch):
    bar = window.page.interpreters
    monkeypatch.setattr(bar, "partner", lambda: bar.host)
    choose_lesson(window, "gil-cpu")
    set_param(window, "iterations", 200_000_000)
    click(qtbot, window, "compareButton")
    comparer = window.page.comparer
    qtbot.waitUntil(lambda: comparer.window is not None and any(
        lane.count for lane in window.page.lanes.lanes()), timeout=15_000)
    comparer.window.stop_button.click()
    qtbot.waitUntil(lambda: not comparer.active(), timeout=10_000)
    first, second = comparer.comparison.runs
    assert first.result.stopped and second.result is None
    assert "Stopped" in comparer.window.status.text()


@pytest.mark.freethreaded
@pytest.mark.parametrize("lesson, settings", [
    ("gil-cpu", {"threads": 2, "iterations": 4_000_000}),
    ("race", {"variant": "plain", "iterations": 200_000}),
])
def test_pick_the_free_threaded_python_and_compare(qtbot, window, free_threaded_python,
                                                   lesson, settings):
    interpreter_choice.forget_found()
    choose_lesson(window, lesson)
    for name, value in settings.items():
        set_param(window, name, value)
    combo = find(window, QComboBox, "interpreterChoice")
    bar = window.page.interpreters
    path = free_threaded_python.interpreter.path
    qtbot.waitUntil(lambda: any(os.path.samefile(i.path, path) for i in bar.interpreters()
                                if i.usable and not i.running), timeout=30_000)
    index = next(i for i in range(combo.count())
                 if getattr(combo.itemData(i), "free_threaded", False))
    combo.setCurrentIndex(index)  # as the lecturer picks it
    assert bar.partner().free_threaded
    shown = compare_and_wait(qtbot, window)
    gil, free = window.page.comparer.comparison.runs
    assert gil.interpreter.running and not gil.interpreter.free_threaded
    assert free.interpreter.free_threaded and free.facts == {"gil_enabled": False}
    assert gil.result.error is None and free.result.error is None
    table = find(shown, QTableWidget, "compareResults")
    labels = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    row = labels.index("GIL during the run")
    assert [table.item(row, c).text() for c in (0, 1)] == ["on", "off"]
    assert "no GIL" in shown.view.headers[1].text()
    if lesson == "race":
        assert gil.result.result["lost"] == 0
