from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from gilviz.demos import REGISTRY, interleaving
from tests.ui.helpers import choose_lesson, click, find, run_and_wait, set_param


def tab_shown(window, panel) -> bool:
    tabs = window.page.tabs
    return tabs.isTabVisible(tabs.indexOf(panel))


def panel_named(window, object_name):
    (panel,) = [p for p in window.page.panels if p.objectName() == object_name]
    return panel


def test_race_runs_from_the_window_and_shows_the_counter(qtbot, window):
    choose_lesson(window, "race")
    set_param(window, "iterations", 2_000)
    counter = panel_named(window, "counterPanel")
    result = run_and_wait(qtbot, window)
    assert result.error is None and not result.stopped
    data = result.result
    assert data["expected"] == 8_000 and data["actual"] + data["lost"] == 8_000
    assert window.page.tabs.currentWidget() is counter
    assert find(window, QLabel, "sharedCounter").text() == f"{data['actual']:,}"
    assert find(window, QLabel, "expectedTotal").text() == "8,000"
    assert find(window, QLabel, "lostUpdates").text() == f"{data['lost']:,}"
    text = window.page.result_view.toPlainText()
    assert "Finished in" in text and REGISTRY.get("race").takeaway(data) in text
    lanes = window.page.lanes.lanes()
    assert len(lanes) == 5 and all(lane.state == "done" for lane in lanes)


def test_the_counter_climbs_live(qtbot, window):
    choose_lesson(window, "race")
    set_param(window, "iterations", 20_000)
    click(qtbot, window, "runButton")
    label = find(window, QLabel, "incrementsDone")
    qtbot.waitUntil(lambda: label.text() not in ("\u2013", "0"), timeout=5000)
    first = int(label.text().replace(",", ""))
    qtbot.waitUntil(lambda: int(label.text().replace(",", "")) > first, timeout=5000)
    assert int(find(window, QLabel, "sharedCounter").text().replace(",", "")) >= 0
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=10_000):
        click(qtbot, window, "stopButton")


def test_histogram_tab_says_what_fills_it_and_fills_with_several_trials(qtbot, window):
    choose_lesson(window, "race")
    histogram = panel_named(window, "histogramPanel")
    # Visible from the start, explaining itself, with a one-click way to fill it.
    assert tab_shown(window, histogram)
    assert histogram.hint.isVisibleTo(histogram) and "Trials" in histogram.hint.label.text()
    set_param(window, "iterations", 500)
    run_and_wait(qtbot, window)
    assert tab_shown(window, histogram) and histogram.hint.isVisibleTo(histogram)
    set_param(window, "trials", 6)
    result = run_and_wait(qtbot, window)
    assert tab_shown(window, histogram) and not histogram.hint.isVisibleTo(histogram)
    assert window.page.tabs.currentWidget() is histogram
    assert histogram.losses == result.result["lost_per_trial"]
    heights = histogram.bars.opts["height"]
    assert sum(heights) == 6
    assert "6 of 6 trials" in find(window, QLabel, "histogramSummary").text()


def test_replay_a_small_race_in_one_click_and_step_through_it(qtbot, window):
    choose_lesson(window, "race")
    replay = panel_named(window, "replayPanel")
    # The default run is too big to record: the tab says so and offers a small race.
    assert tab_shown(window, replay) and replay.hint.isVisibleTo(replay)
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=20_000) as done:
        qtbot.mouseClick(replay.hint.button, Qt.MouseButton.LeftButton)
    result = done.args[0]
    assert (result.params["threads"], result.params["iterations"]) == (2, 30)
    assert not replay.hint.isVisibleTo(replay)
    assert tab_shown(window, replay) and window.page.tabs.currentWidget() is replay
    assert len(replay.steps) == 120 and replay.current == 0
    caption = find(window, QLabel, "replayCaption")
    assert caption.text() == interleaving.caption(replay.steps, 0)
    assert caption.text().endswith("reads 0 into its local tmp.")
    prev = find(window, QPushButton, "replayPrev")
    assert not prev.isEnabled()
    click(qtbot, window, "replayNext")
    click(qtbot, window, "replayNext")
    assert replay.current == 2 and replay.canvas.current == 2
    click(qtbot, window, "replayPrev")
    assert replay.current == 1
    assert caption.text() == interleaving.caption(replay.steps, 1)
    click(qtbot, window, "replayNextLoss")
    step = replay.steps[replay.current]
    assert step["op"] == "write" and step["overwrites"]
    assert caption.text().endswith("lost.")
    status = find(window, QLabel, "replayStatus").text()
    assert f"of {result.result['lost']}" in status
    replay.canvas.grab()  # paints without error at this step
    # The keys step too, wherever the focus is (not in a text field).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.page.tabs.setCurrentIndex(0)
    window.navigator.setFocus()  # a spin box in focus would take the key as typing
    at = replay.current
    qtbot.keyClick(window.navigator, Qt.Key.Key_Period)
    assert replay.current == at + 1 and window.page.tabs.currentWidget() is replay
    qtbot.keyClick(window.navigator, Qt.Key.Key_Comma)
    assert replay.current == at


def test_lock_runs_from_the_window_exact_and_timed(qtbot, window):
    choose_lesson(window, "lock")
    set_param(window, "iterations", 300)
    set_param(window, "granularity", "whole-loop")
    result = run_and_wait(qtbot, window)
    data = result.result
    assert result.error is None
    assert data["actual"] == data["expected"] == 1_200 and data["lost"] == 0
    assert data["running_at_once"] == 1
    cost = panel_named(window, "lockCostPanel")
    assert window.page.tabs.currentWidget() is cost
    labels = [label for label, *_ in cost.bars.rows]
    assert labels == ["no lock", "lock around each increment", "lock around the whole loop"]
    assert [lost == 0 for _, _, lost in cost.bars.rows] == [False, True, True]
    log = window.page.log.toPlainText()
    assert log.count("acquired the lock") == 4 and log.count("waiting for the lock") == 4
    assert find(window, QLabel, "lostUpdates").text() == "0"
    cost.bars.grab()


def test_lock_without_compare_explains_the_cost_tab(qtbot, window):
    choose_lesson(window, "lock")
    set_param(window, "iterations", 200)
    set_param(window, "compare", "no")
    result = run_and_wait(qtbot, window)
    assert result.result["lost"] == 0 and "race_s" not in result.result
    cost = panel_named(window, "lockCostPanel")
    assert tab_shown(window, cost) and cost.hint.isVisibleTo(cost)
    assert cost.hint.values == {"compare": "yes"}
