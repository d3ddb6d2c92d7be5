import time

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QTreeWidget

from gilviz.demos import REGISTRY
from tests.quick import quick
from tests.ui.helpers import choose_lesson, click, find, run_and_wait, set_param


def test_navigator_lists_every_lesson_in_lecture_order(window):
    tree = find(window, QTreeWidget, "demoList")
    chapters = REGISTRY.chapters()
    assert tree.topLevelItemCount() == len(chapters) + 1  # the opening page, then chapters
    assert window.navigator.lesson_ids() == [lesson.id for lesson in REGISTRY]
    assert tree.topLevelItem(1).text(0) == chapters[0][0]


def test_contract_object_names_exist(window):
    for name in ("runButton", "stopButton"):
        find(window, QPushButton, name)
    find(window, QTextBrowser, "resultView")
    find(window, QLabel, "uiLatency")


def test_parameter_widgets_follow_the_specs(qtbot, window):
    choose_lesson(window, "many-threads")
    threads = window.page.form.widget("threads")
    assert threads.objectName() == "param_threads"
    assert (threads.minimum(), threads.maximum(), threads.value()) == (1, 64, 3)
    assert "1 to 64" in threads.toolTip()
    set_param(window, "threads", 20)
    click(qtbot, window, "resetButton")
    assert threads.value() == 3


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in REGISTRY])
def test_each_lesson_runs_from_the_window(qtbot, window, lesson_id):
    choose_lesson(window, lesson_id)
    lesson = REGISTRY.get(lesson_id)
    settings = quick(lesson_id)
    for name, value in settings.items():
        set_param(window, name, value)
    result = run_and_wait(qtbot, window)
    assert result.lesson == lesson_id and result.error is None and not result.stopped
    assert {name: result.params[name] for name in settings} == settings
    text = window.page.result_view.toPlainText()
    assert "Finished in" in text
    assert lesson.takeaway(result.result) in text
    lanes = window.page.lanes.lanes()
    assert lanes and all(lane.state == "done" for lane in lanes)
    assert find(window, QPushButton, "runButton").isEnabled()


@pytest.mark.parametrize("lesson_id", ["thread-join", "many-threads"])
def test_the_log_shows_every_worker_message(qtbot, window, lesson_id):
    choose_lesson(window, lesson_id)
    for name, value in quick(lesson_id).items():
        set_param(window, name, value)
    result = run_and_wait(qtbot, window)
    workers = result.params.get("threads", 1)
    assert len(window.page.lanes.lanes()) == workers + 1  # the workers and main
    assert window.page.log.toPlainText().count("number is") == 2 * workers


def test_qthread_kind_from_the_window(qtbot, window):
    choose_lesson(window, "many-threads")
    set_param(window, "threads", 8)
    set_param(window, "kind", "qthread")
    set_param(window, "count", 3)
    set_param(window, "interval_s", 0.02)
    result = run_and_wait(qtbot, window)
    assert result.result["kind"] == "qthread"
    assert result.result["distinct_thread_ids"] == 8 and result.result["complete"]


def test_lanes_update_live_while_running(qtbot, window):
    choose_lesson(window, "many-threads")
    set_param(window, "threads", 16)
    set_param(window, "count", 20)
    set_param(window, "interval_s", 0.05)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: len(window.page.lanes.lanes()) == 17, timeout=5000)
    first = sum(lane.count for lane in window.page.lanes.lanes())
    qtbot.waitUntil(
        lambda: sum(lane.count for lane in window.page.lanes.lanes()) > first + 16,
        timeout=5000)
    assert "Running" in window.page.result_view.toPlainText()
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=10_000):
        pass


def test_stop_mid_run_ends_every_thread_fast(qtbot, window):
    choose_lesson(window, "many-threads")
    set_param(window, "threads", 64)
    set_param(window, "count", 100)
    set_param(window, "interval_s", 2.0)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: len(window.page.lanes.lanes()) == 65, timeout=5000)
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=3000) as blocker:
        pressed = time.perf_counter()
        click(qtbot, window, "stopButton")
    stopped_after = time.perf_counter() - pressed
    assert blocker.args[0].stopped
    assert stopped_after < 1.0  # generous: the benchmark measures the real figure
    assert "Stopped" in window.page.result_view.toPlainText()
    # and it runs again
    set_param(window, "threads", 2)
    set_param(window, "count", 1)
    set_param(window, "interval_s", 0.01)
    again = run_and_wait(qtbot, window)
    assert not again.stopped and again.result["complete"]


def test_closing_the_window_mid_run_stops_everything(qtbot, window):
    choose_lesson(window, "many-threads")
    set_param(window, "threads", 32)
    set_param(window, "count", 50)
    set_param(window, "interval_s", 1.0)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: len(window.page.lanes.lanes()) == 33, timeout=5000)
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 2.0
    assert not window.page.controller.is_running()
    # the autouse fixture then checks that no thread was left behind


def test_bad_input_gets_a_message_and_the_window_stays_usable(qtbot, window):
    choose_lesson(window, "thread-args")
    set_param(window, "message", "   ")
    click(qtbot, window, "runButton")
    assert "message must not be empty" in window.page.result_view.toPlainText()
    assert not window.page.controller.is_running()
    set_param(window, "message", "Salut")
    set_param(window, "count", 1)
    set_param(window, "interval_s", 0.01)
    result = run_and_wait(qtbot, window)
    assert result.result["first_line"] == "Salut number is 0"


def test_switching_lesson_mid_run_stops_it(qtbot, window):
    choose_lesson(window, "many-threads")
    set_param(window, "interval_s", 2.0)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: len(window.page.lanes.lanes()) == 4, timeout=5000)
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=3000) as blocker:
        choose_lesson(window, "thread-join")
    assert blocker.args[0].stopped
    assert window.page.lanes.lanes() == ()
    assert window.page.last_result is None  # the old lesson's result is not shown here


def test_latency_meter_reports_numbers(qtbot, window):
    meter = window.latency_meter
    qtbot.waitUntil(lambda: meter.stats().samples > 20, timeout=3000)
    qtbot.waitUntil(lambda: "p99" in meter.text(), timeout=1000)
    assert meter.stats().p50_ms < 1000
