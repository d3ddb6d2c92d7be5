"""thread-pool: which pool thread ran which task, when, and the order main got results."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.demos.common import MAIN
from gilviz.demos.thread_pool import MAP
from gilviz.ui.gantt import Bar, GanttChart, scrolled
from gilviz.ui.look import ink, set_font_factor
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.theme import thread_colour

GANTT_FACTOR = 13 / 12
TEXT_FACTOR = 14 / 12


def task_bars(rows: list[str], tasks: list[dict[str, Any]], now: float) -> list[Bar]:
    """A bar per task on its worker's row; a running task reaches up to `now`."""
    bars = []
    for task in tasks:
        if task["worker"] not in rows:
            continue
        end = task["end"] if task["end"] is not None else now
        state = "" if task["end"] is not None else ", still running"
        # Coloured by task, so two tasks back to back on one thread stay apart.
        bars.append(Bar(rows.index(task["worker"]), task["start"], max(end, task["start"]),
                        f"task {task['task']}", thread_colour(task["task"] - 1),
                        tooltip=f"task {task['task']} on {task['worker']}: "
                                f"{task['start']:.2f} s to {end:.2f} s{state}",
                        short=str(task["task"])))
    return bars


def received_html(received: list[dict[str, Any]], mode: str) -> str:
    if not received:
        return f"<span style='color:{ink('muted')}'>main has no result yet</span>"
    order = "submission order" if mode == MAP else "the order they finished"
    steps = " &rarr; ".join(f"<b>task {r['task']}</b> <span style='color:{ink('muted')}'>"
                            f"({r['at']:.2f} s)</span>" for r in received)
    return f"main received, in {order}: {steps}"


class TaskGanttPanel(LessonPanel):
    title = "Who ran which task"
    focus_on_run = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskGanttPanel")
        self.mode = MAP
        self.rows: list[str] = []
        self.caption = QLabel("One row per thread the pool started; one bar per task.")
        self.caption.setWordWrap(True)
        self.chart = GanttChart(empty_text="Run the lesson: each pool thread gets a row, "
                                           "each task a bar.")
        self.chart.setObjectName("poolGantt")
        set_font_factor(self.chart, GANTT_FACTOR)
        self.received = QLabel()
        self.received.setObjectName("receivedOrder")
        self.received.setWordWrap(True)
        for label in (self.caption, self.received):
            set_font_factor(label, TEXT_FACTOR)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(scrolled(self.chart), 1)
        layout.addWidget(self.received)

    def run_started(self, params: dict[str, Any]) -> None:
        self.mode = params["mode"]
        self.rows = []
        self.chart.clear()
        self.chart.expect_rows(min(params["workers"], params["tasks"]))
        how = ("executor.map: results in the order the tasks went in" if self.mode == MAP
               else "as_completed: each result as soon as its task is done")
        self.caption.setText(f"{params['tasks']} tasks, a pool of up to "
                             f"{params['workers']} threads; {how}.")
        self.received.setText(received_html([], self.mode))

    def show_snapshot(self, snapshot: Snapshot) -> None:
        tasks = snapshot.values.get("tasks")
        if tasks is None:
            return
        for lane in snapshot.lanes:
            if lane.name != MAIN and lane.name not in self.rows:
                self.rows.append(lane.name)
        self.chart.set_bars(self.rows, task_bars(self.rows, tasks, snapshot.t),
                            end_s=max(snapshot.t, 0.5))
        self.received.setText(received_html(snapshot.values.get("received", []), self.mode))

    def show_result(self, result: RunResult) -> None:
        data = result.result
        if "tasks" not in data:
            return
        for task in data["tasks"]:
            if task["worker"] not in self.rows:
                self.rows.append(task["worker"])
        self.chart.set_bars(self.rows, task_bars(self.rows, data["tasks"], 0.0))
        received = [{"task": n, "at": at}
                    for n, at in zip(data["result_order"], data["received_at"], strict=True)]
        self.received.setText(received_html(received, data["mode"]))
