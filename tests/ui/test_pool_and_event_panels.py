"""The panels of thread-pool, process-vs-thread, event and daemon, driven as a user would."""

import os
import time

import psutil
import pytest
from PySide6.QtWidgets import QCheckBox, QPushButton

from tests.ui.helpers import choose_lesson, click, find, run_and_wait, set_param


def _panel(window, cls_name):
    (panel,) = [p for p in window.page.panels if type(p).__name__ == cls_name]
    return panel


def _gone(pids, timeout_s=3.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if psutil.pid_exists(pid)
                 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.02)
    return False


def test_the_thread_pool_gantt_has_a_row_per_worker_and_a_bar_per_task(qtbot, window):
    choose_lesson(window, "thread-pool")
    for name, value in {"tasks": 5, "workers": 3, "unit_s": 0.02,
                        "durations": "falling"}.items():
        set_param(window, name, value)
    result = run_and_wait(qtbot, window)
    panel = _panel(window, "TaskGanttPanel")
    assert window.page.tabs.currentWidget() is panel
    chart = panel.chart
    assert chart.rows == ["Worker_0", "Worker_1", "Worker_2"]
    assert sorted(bar.label for bar in chart.bars) == [f"task {n}" for n in range(1, 6)]
    for task in result.result["tasks"]:
        (bar,) = [b for b in chart.bars if b.label == f"task {task['task']}"]
        assert chart.rows[bar.row] == task["worker"]
        assert (bar.start_s, bar.end_s) == (task["start"], task["end"])
    assert "submission order" in panel.received.text()
    assert panel.received.text().index("task 1") < panel.received.text().index("task 5")


def _process_pool_rows(window):
    pools = _panel(window, "PoolsComparePanel")
    return pools.charts["process"].rows


def test_the_pools_panel_draws_both_pools_and_the_sweep(qtbot, window):
    choose_lesson(window, "process-vs-thread")
    assert not find(window, QCheckBox, "inGuiProcess").isChecked()  # the engine
    for name, value in {"workers": 2, "tasks": 4, "iterations": 20_000,
                        "sweep": "on"}.items():
        set_param(window, name, value)
    result = run_and_wait(qtbot, window, timeout_ms=60_000)
    assert result.error is None
    panel = _panel(window, "PoolsComparePanel")
    threads, processes = panel.charts["thread"], panel.charts["process"]
    assert set(threads.rows) == {"pool-thread_0", "pool-thread_1"}
    assert len(processes.rows) == 2 and all(r.startswith("pid ") for r in processes.rows)
    labels = [bar.label for bar in processes.bars]
    assert labels.count("start-up") == 2
    assert sorted(label for label in labels if label != "start-up") == [
        f"task {n}" for n in range(1, 5)]
    assert threads.end_s == processes.end_s  # one time scale for both
    assert "s" in panel.headers["process"].text() and "start" in panel.headers[
        "process"].text()
    chart = _panel(window, "PoolSpeedupChart")
    assert window.page.tabs.currentWidget() is chart  # the sweep is the result
    xs, _ = chart.curves["process"].getData()
    assert list(xs) == [1, 2]


@pytest.mark.parametrize("in_window_process", [True, False], ids=["in-process", "isolated"])
def test_the_set_event_button_releases_the_workers(qtbot, window, in_window_process):
    choose_lesson(window, "event")
    find(window, QCheckBox, "inGuiProcess").setChecked(in_window_process)
    for name, value in {"workers": 3, "trigger": "button", "count": 2,
                        "interval_s": 0.01}.items():
        set_param(window, name, value)
    click(qtbot, window, "runButton")
    panel = _panel(window, "EventPanel")
    assert window.page.tabs.currentWidget() is panel
    qtbot.waitUntil(lambda: "waiting in event.wait()" in panel.workers.text()
                    and panel.workers.text().count("Worker-") == 3, timeout=15_000)
    time.sleep(0.2)
    qtbot.wait(100)
    assert not any("proceeding" in e.text for e in window.page.session.events)  # still waiting
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=5000) as blocker:
        click(qtbot, window, "setEventButton")
    result = blocker.args[0].result
    assert result["set_by"] == "button" and result["released"] == 3
    assert result["released_early"] == 0
    assert "SET" in panel.state.text()
    assert not find(window, QPushButton, "setEventButton").isEnabled()


def test_stop_ends_an_event_run_nobody_released(qtbot, window):
    choose_lesson(window, "event")
    set_param(window, "trigger", "button")
    click(qtbot, window, "runButton")
    panel = _panel(window, "EventPanel")
    qtbot.waitUntil(lambda: "waiting" in panel.workers.text(), timeout=5000)
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=3000) as blocker:
        pressed = time.perf_counter()
        click(qtbot, window, "stopButton")
    assert time.perf_counter() - pressed < 1.0
    assert blocker.args[0].stopped
    assert not panel.button.isEnabled() and panel.state.text() == "Stopped."


def test_the_daemon_panel_shows_where_the_daemon_output_stops(qtbot, window):
    choose_lesson(window, "daemon")
    for name, value in {"messages": 6, "interval_s": 0.05, "main_s": 0.1}.items():
        set_param(window, name, value)
    result = run_and_wait(qtbot, window)
    panel = _panel(window, "DaemonPanel")
    assert window.page.tabs.currentWidget() is panel
    cut = panel.columns[True].output.toPlainText()
    whole = panel.columns[False].output.toPlainText()
    assert "message 1 of 6" in cut and "message 6 of 6" not in cut
    assert cut.rstrip().endswith("exit: worker killed")
    assert "message 6 of 6" in whole and "all 6 messages printed" in whole
    assert panel.columns[True].summary.text().startswith("Cut off")
    assert panel.columns[False].summary.text().startswith("Complete")
    assert result.result["daemon_cut_short"] and not result.result["non_daemon_cut_short"]


def test_stop_kills_the_daemon_children(qtbot, window):
    choose_lesson(window, "daemon")
    for name, value in {"messages": 50, "interval_s": 1.0, "main_s": 10.0}.items():
        set_param(window, name, value)
    click(qtbot, window, "runButton")
    panel = _panel(window, "DaemonPanel")
    qtbot.waitUntil(lambda: "message 1 of 50" in panel.columns[False].output.toPlainText(),
                    timeout=10_000)
    children = [child for child in psutil.Process().children(recursive=True)
                if "daemon_script" in " ".join(child.cmdline())]
    assert len(children) == 2
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=3000) as blocker:
        pressed = time.perf_counter()
        click(qtbot, window, "stopButton")
    assert time.perf_counter() - pressed < 1.0
    assert blocker.args[0].stopped
    assert _gone([child.pid for child in children])


@pytest.mark.parametrize("in_window_process", [True, False], ids=["in-process", "isolated"])
def test_closing_the_window_mid_pool_leaves_no_process(qtbot, window, in_window_process):
    choose_lesson(window, "process-vs-thread")
    find(window, QCheckBox, "inGuiProcess").setChecked(in_window_process)
    for name, value in {"workers": 2, "tasks": 2, "work": "io", "wait_s": 2.0}.items():
        set_param(window, name, value)
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: any(bar.label.startswith("task")
                                for bar in _panel(window, "PoolsComparePanel")
                                .charts["process"].bars), timeout=30_000)
    pids = [int(row.removeprefix("pid ")) for row in _process_pool_rows(window)]
    run = window.page.controller.session.run
    if run.pid != os.getpid():
        pids.append(run.pid)
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 2.5
    assert _gone(pids)
