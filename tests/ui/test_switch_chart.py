"""The switch-interval lesson's chart: hand-overs per second and total time per interval."""

from tests.ui.helpers import choose_lesson, run_and_wait, set_param


def test_the_chart_draws_each_interval_and_says_switches_come_less_often(qtbot, window):
    choose_lesson(window, "switch-interval")
    set_param(window, "threads", 2)
    set_param(window, "iterations", 200_000)
    result = run_and_wait(qtbot, window)
    (panel,) = [p for p in window.page.panels if type(p).__name__ == "SwitchChart"]
    assert window.page.tabs.currentWidget() is panel
    rows = result.result["intervals"]
    assert panel.rows == rows
    xs, per_second = panel.counted.getData()
    assert len(xs) == len(per_second) == len(rows) == 5
    _, totals = panel.total.getData()
    assert list(totals) == [row["total_s"] for row in rows]
    assert "less often" in panel.caption.text()
