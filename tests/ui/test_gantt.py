from PySide6.QtCore import QPointF

from gilviz.ui.gantt import Bar, GanttChart


def test_bars_land_on_their_rows_and_times(qtbot):
    chart = GanttChart()
    qtbot.addWidget(chart)
    chart.resize(800, 200)
    bars = [Bar(0, 0.0, 1.0, "task 1"), Bar(1, 1.0, 3.0, "task 2"), Bar(0, 1.0, 2.0, "task 3")]
    chart.set_bars(["worker-1", "worker-2"], bars)
    assert chart.end_s == 3.0
    first, second, third = (chart.bar_rect(bar) for bar in bars)
    assert first.top() < second.top() and first.top() == third.top()
    assert abs(first.right() - third.left()) < 1 and abs(second.width() - 2 * third.width()) < 2
    assert chart.bar_at(QPointF(second.center())) is bars[1]
    assert chart.bar_at(QPointF(1, 1)) is None
    assert chart.grab().width() == 800  # paints without error


def test_touching_bars_with_long_labels_paint_cleanly(qtbot, capfd, recwarn):
    chart = GanttChart()
    qtbot.addWidget(chart)
    chart.resize(600, 120)
    bars = [Bar(0, 0.0, 0.05, "stackoverflow.com"), Bar(0, 0.05, 0.056, "github.com", "#6e0072b2"),
            Bar(1, 0.0, 0.0, "zero-length")]
    chart.set_bars(["sequential", "threads"], bars, 0.06)
    assert abs(chart.bar_rect(bars[0]).right() - chart.bar_rect(bars[1]).left()) < 1
    assert not chart.grab().isNull()
    chart.set_bars(["sequential", "threads"], bars, 0.0)  # the first instant of a run
    assert not chart.grab().isNull()
    assert capfd.readouterr().err == ""  # no Qt conversion complaint
    assert not [str(w.message) for w in recwarn]  # no overflow of a huge bar's width
