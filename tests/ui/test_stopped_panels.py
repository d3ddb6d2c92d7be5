"""A stopped run shows only what was measured: no point, bar or "best" for a phase that
did not run, and the result says "stopped"."""

from gilviz.core.runner import RunResult
from gilviz.demos import REGISTRY
from gilviz.ui.panels.lock_cost import LockCostPanel
from gilviz.ui.panels.pools_compare import PoolsComparePanel, PoolSpeedupChart
from gilviz.ui.panels.speedup_chart import SpeedupChart
from gilviz.ui.result_view import ResultView

GIL_PARAMS = {"threads": 4, "iterations": 1_000_000, "sweep": "on", "trials": 1}


def stopped(lesson_id: str, params: dict, result: dict) -> RunResult:
    return RunResult(lesson_id, params, 0.4, result, stopped=True)


def gil_cpu_stopped(**changes) -> dict:
    base = {"threads": 4, "work_units": 1_000_000, "sequential_s": None, "threaded_s": None,
            "speedup": None, "threaded_cpu_cores": None, "python": "3.11.7",
            "free_threaded": False, "gil_enabled": True, "cores": 2, "others_cpu_pct": 3.0,
            "stopped": True, "verdict": "stopped", "sweep": []}
    return {**base, **changes}


def test_speedup_chart_draws_no_point_for_threads_that_never_ran(qtbot):
    chart = SpeedupChart()
    qtbot.addWidget(chart)
    chart.run_started(GIL_PARAMS)
    chart.show_result(stopped("gil-cpu", GIL_PARAMS, gil_cpu_stopped()))
    xs, _ = chart.curve.getData()
    assert xs is None or len(xs) == 0
    assert "Best" not in chart.caption.text() and "Stopped" in chart.caption.text()


def test_speedup_chart_keeps_only_finished_thread_counts(qtbot):
    chart = SpeedupChart()
    qtbot.addWidget(chart)
    chart.run_started(GIL_PARAMS)
    points = [{"threads": 1, "threaded_s": 1.0, "speedup": 1.0}]
    chart.show_result(stopped("gil-cpu", GIL_PARAMS,
                              gil_cpu_stopped(sequential_s=1.0, sweep=points)))
    xs, _ = chart.curve.getData()
    assert list(xs) == [1]
    assert "Best" not in chart.caption.text() and "(1)" in chart.caption.text()


def test_result_view_gives_a_stopped_run_its_own_sentence(qtbot):
    view = ResultView()
    qtbot.addWidget(view)
    lesson = REGISTRY.get("gil-cpu")
    view.show_result(lesson, stopped("gil-cpu", GIL_PARAMS, gil_cpu_stopped()), "isolated")
    text = view.toPlainText()
    assert "Stopped" in text and "no thread count was timed" in text
    assert "Best" not in text and "faster" not in text


def test_pool_panels_say_stopped_for_pools_that_did_not_finish(qtbot):
    params = {"workers": 2, "tasks": 2, "work": "cpu", "iterations": 10_000,
              "wait_s": 0.1, "sweep": "on"}
    pools, chart = PoolsComparePanel(), PoolSpeedupChart()
    qtbot.addWidget(pools)
    qtbot.addWidget(chart)
    for panel in (pools, chart):
        panel.run_started(params)
    result = {"work": "cpu", "workers": 2, "cores": 2, "thread_s": None, "process_s": None,
              "process_speedup": None, "sweep": [], "stopped": True, "verdict": "stopped"}
    for panel in (pools, chart):
        panel.show_result(stopped("process-vs-thread", params, result))
    assert all("stopped" in header.text() for header in pools.headers.values())
    assert "Stopped" in chart.caption.text() and "best" not in chart.caption.text()
    for curve in chart.curves.values():
        xs, _ = curve.getData()
        assert xs is None or len(xs) == 0


def test_lock_cost_draws_no_bar_for_a_placement_cut_short(qtbot):
    panel = LockCostPanel()
    qtbot.addWidget(panel)
    params = {"threads": 4, "iterations": 10_000, "granularity": "whole-loop",
              "compare": "yes"}
    panel.run_started(params)
    result = {"granularity": "whole-loop", "expected": 12_000, "actual": 12_000, "lost": 0,
              "whole_loop_s": 3.0, "whole_loop_lost": 0, "stopped": True}
    panel.show_result(stopped("lock", params, result))
    assert [label for label, *_ in panel.bars.rows] == ["lock around the whole loop"]
    assert "Stopped" in panel.note.text()


def test_speedup_chart_does_not_crown_an_inconclusive_best(qtbot):
    chart = SpeedupChart()
    qtbot.addWidget(chart)
    chart.run_started(GIL_PARAMS)
    points = [{"threads": 1, "threaded_s": 1.0, "speedup": 1.1},
              {"threads": 2, "threaded_s": 0.2, "speedup": 4.61}]
    result = gil_cpu_stopped(sequential_s=0.92, threaded_s=0.2, speedup=4.61, sweep=points,
                             stopped=False, verdict="inconclusive", threads=2)
    chart.show_result(RunResult("gil-cpu", GIL_PARAMS, 3.0, result))
    assert "Best" not in chart.caption.text() and "Inconclusive" in chart.caption.text()
