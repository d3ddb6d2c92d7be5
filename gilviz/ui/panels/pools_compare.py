"""process-vs-thread: a Gantt per pool on one time scale, and speedup against workers.

Each Gantt starts when its pool is created. Grey bars are the workers starting up (near
nothing for threads, a fresh interpreter for each process); coloured bars are tasks.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.demos.gil_common import cores_available, thread_counts
from gilviz.demos.process_vs_thread import INTERPRETERS, PROCESSES, THREADS, WITH_INTERPRETERS
from gilviz.ui import theme
from gilviz.ui.charts import lecture_plot
from gilviz.ui.gantt import Bar, GanttChart, scrolled
from gilviz.ui.look import ink, set_font_factor
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.panels.hint import FillHint

# Bar fills with white labels, at least 4.5:1 in either theme.
STARTUP_COLOUR = "#666666"
THREAD_COLOUR = "#0068a3"
PROCESS_COLOUR = "#a34400"
INTERPRETER_COLOUR = "#00704f"
HEADER_FACTOR = 1.08
NAMES = {THREADS: "Thread pool", PROCESSES: "Process pool",
         INTERPRETERS: "Interpreter pool"}
COLOURS = {THREADS: THREAD_COLOUR, PROCESSES: PROCESS_COLOUR,
           INTERPRETERS: INTERPRETER_COLOUR}
UNITS = {THREADS: "threads", PROCESSES: "processes", INTERPRETERS: "sub-interpreters"}


def pool_bars(view: dict[str, Any]) -> tuple[list[Bar], float]:
    """Start-up and task bars of one pool, and where its last bar ends."""
    rows = view["rows"]
    bars: list[Bar] = []
    colour = COLOURS[view["kind"]]
    for row, ready in enumerate(view["ready"]):
        if view["kind"] == PROCESSES and ready > 0:
            bars.append(Bar(row, 0.0, ready, "start-up", STARTUP_COLOUR,
                            f"{rows[row]}: a new interpreter, ready after {ready:.3f} s"))
    for task in view["tasks"]:
        if task["worker"] in rows:
            bars.append(Bar(rows.index(task["worker"]), task["start"], task["end"],
                            f"task {task['task']}", colour))
    if view["elapsed_s"] is None:  # still at work: draw what runs now
        for task in view["running"]:
            bars.append(Bar(rows.index(task["worker"]), task["start"],
                            max(task["start"], view["now"]), f"task {task['task']}", colour))
    end = max([bar.end_s for bar in bars] + [view["now"] if view["elapsed_s"] is None
                                             else 0.0])
    return bars, end


def pool_header(view: dict[str, Any]) -> str:
    kind, workers = view["kind"], view["workers"]
    unit = UNITS[kind]
    text = f"<b>{NAMES[kind]}</b>, {workers} {unit}"
    if view["startup_s"] is None:
        return f"{text}: starting…"
    startup = f"{view['startup_s']:.2f} s to start"
    if view["elapsed_s"] is None:
        return f"{text}: {startup}, working…"
    colour = COLOURS[kind] if not theme.current().dark else theme.current().thread_ink(
        0 if kind == THREADS else 1)
    return (f"{text}: <b style='color:{colour}'>{view['elapsed_s']:.2f} s</b> "
            f"<span style='color:{ink('muted')}'>(+ {startup})</span>")


class PoolsComparePanel(LessonPanel):
    title = "Pools"
    focus_on_run = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("poolsComparePanel")
        self.headers: dict[str, QLabel] = {}
        self.charts: dict[str, GanttChart] = {}
        self.frames: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        for kind in (THREADS, PROCESSES, INTERPRETERS):
            header = QLabel(f"<b>{NAMES[kind]}</b>")
            header.setObjectName(f"{kind}PoolHeader")
            set_font_factor(header, HEADER_FACTOR)
            header.setWordWrap(True)
            chart = GanttChart(empty_text=f"{NAMES[kind]}: one row per worker")
            chart.setObjectName(f"{kind}PoolGantt")
            chart.axis_labels = kind == PROCESSES  # one time scale: its labels once, below
            self.headers[kind], self.charts[kind] = header, chart
            layout.addWidget(header)
            self.frames[kind] = scrolled(chart)
            layout.addWidget(self.frames[kind], 1)
            header.setVisible(kind != INTERPRETERS)
            self.frames[kind].setVisible(kind != INTERPRETERS)
        self.caption = QLabel(f"Grey: starting up. One time scale for all pools; "
                              f"{cores_available()} cores.")
        self.caption.setToolTip("Each pool's chart starts when the pool is created, so the "
                                "grey start-up bars show what a process pool pays first.")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self._shown: list[dict[str, Any]] = []
        self._latest: dict[str, dict[str, Any]] = {}  # the pool views drawn last, by kind

    def run_started(self, params: dict[str, Any]) -> None:
        self._shown = []
        self._latest = {}
        third = params.get("pools") == WITH_INTERPRETERS  # Python 3.14+ only
        self.headers[INTERPRETERS].setVisible(third)
        self.frames[INTERPRETERS].setVisible(third)
        for kind in (THREADS, PROCESSES, INTERPRETERS):
            self.charts[kind].clear()
            self.charts[kind].expect_rows(params["workers"])
            self.headers[kind].setText(f"<b>{NAMES[kind]}</b>: waiting for its turn")

    def show_snapshot(self, snapshot: Snapshot) -> None:
        pools = snapshot.values.get("pools")
        if pools:
            self._draw(pools)

    def show_result(self, result: RunResult) -> None:
        """After Stop, a pool that had not finished says so instead of "working…"."""
        if not result.stopped:
            return
        for kind, header in self.headers.items():
            view = self._latest.get(kind)
            if view is None or view["elapsed_s"] is None:
                header.setText(f"<b>{NAMES[kind]}</b>: stopped before it finished its tasks")

    def _draw(self, pools: list[dict[str, Any]]) -> None:
        latest = {}
        for view in pools:  # in a sweep, the most recent pool of each kind
            latest[view["kind"]] = view
        self._latest = latest
        drawn = {kind: pool_bars(view) for kind, view in latest.items()}
        end = max([0.5] + [end for _, end in drawn.values()])
        for kind, view in latest.items():
            bars, _ = drawn[kind]
            self.charts[kind].set_bars(view["rows"], bars, end_s=end)
            self.headers[kind].setText(pool_header(view))


class PoolSpeedupChart(LessonPanel):
    """Speedup over one thread, for each pool, against the number of workers."""

    title = "Speedup"
    hint_when_empty = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("poolSpeedupChart")
        self.plot = lecture_plot("workers", "speedup over one thread (x)", "poolSpeedupPlot")
        item = self.plot.getPlotItem()
        item.addLegend(offset=(10, 10))
        self.ideal = item.plot([], [], pen=pg.mkPen("#888", width=2, style=Qt.PenStyle.DashLine),
                               name="perfect scaling")
        self.cores = pg.InfiniteLine(
            pos=cores_available(), angle=90, pen=pg.mkPen("#888", width=2),
            label=f"{cores_available()} cores", labelOpts={"position": 0.9})
        item.addItem(self.cores)
        self.plot.lines.append(self.cores)
        self.curves = {
            kind: item.plot([], [], pen=pg.mkPen(COLOURS[kind], width=3), symbol="o",
                            symbolSize=12, symbolBrush=COLOURS[kind], symbolPen="w",
                            name=NAMES[kind])
            for kind in (THREADS, PROCESSES)
        }
        self.caption = QLabel("Choose Sweep: 1, 2, 4, ... workers to draw this chart.")
        self.caption.setWordWrap(True)
        self.hint = FillHint(
            "How does each pool scale with more workers? With Sweep on, both pools are "
            "timed with 1, 2, 4, ... workers and their speedups drawn here.",
            "Run the sweep", {"sweep": "on"})
        self.hint.chosen.connect(self.suggest)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self.points: list[dict[str, Any]] = []
        self._show_hint(True)
        self.plot.restyle()
        self.restyle()

    def restyle(self) -> None:
        for index, (kind, curve) in enumerate(self.curves.items()):
            colour = theme.current().thread_ink(index) if theme.current().dark else COLOURS[kind]
            curve.setPen(pg.mkPen(colour, width=3))
            curve.setSymbolBrush(colour)
            curve.setSymbolPen(theme.current().base)

    def _show_hint(self, on: bool) -> None:
        self.hint.setVisible(on)
        self.plot.setVisible(not on)
        self.caption.setVisible(not on)

    def applies_to(self, params: dict[str, Any]) -> bool:
        return params.get("sweep") == "on"

    def run_started(self, params: dict[str, Any]) -> None:
        self.focus_on_result = self.applies_to(params)
        self._show_hint(not self.focus_on_result)
        counts = thread_counts(params["workers"])
        self.plot.set_x_range(counts, include=[cores_available()], floor=0)
        top = max(params["workers"], cores_available()) + 1
        self.ideal.setData([1, top], [1, top])
        self._draw([])
        self.caption.setText(f"Timing both pools with {', '.join(map(str, counts))} "
                             "workers…")

    def show_snapshot(self, snapshot: Snapshot) -> None:
        points = snapshot.values.get("sweep")
        if points is not None and len(points) != len(self.points):
            self._draw(points)

    def show_result(self, result: RunResult) -> None:
        sweep = result.result.get("sweep")
        if not sweep:  # only worker counts both pools finished get a point
            if result.stopped and self.applies_to(result.params):
                self.caption.setText("Stopped before both pools finished any worker count: "
                                     "nothing to draw.")
            return
        self._draw(sweep)
        best = max(sweep, key=lambda point: point["process_speedup"])
        if result.stopped:
            self.caption.setText("Stopped: only the worker counts drawn here ran to their end "
                                 f"({', '.join(str(p['workers']) for p in sweep)}).")
            return
        self.caption.setText(
            f"Processes: best {best['process_speedup']:.2f}x with {best['workers']} workers; "
            f"threads: {sweep[-1]['thread_speedup']:.2f}x with {sweep[-1]['workers']}. "
            "Process times leave out their start-up.")

    def _draw(self, points: list[dict[str, Any]]) -> None:
        self.points = list(points)
        base = points[0]["thread_s"] if points else None
        for kind in (THREADS, PROCESSES):
            key = f"{kind}_s"
            xs = [p["workers"] for p in points if base and p.get(key)]
            ys = [base / p[key] for p in points if base and p.get(key)]
            self.curves[kind].setData(xs, ys)
        speedups = [base / p[f"{k}_s"] for p in points for k in (THREADS, PROCESSES)
                    if base and p.get(f"{k}_s")]
        self.plot.set_y_range(speedups, include=[0, 1, min(cores_available(), 2)])
