"""The fetch lesson's tabs: the requests of each strategy on a Gantt chart under the three
totals, and a table with one row per URL.

Both draw from the same rows: live from the run's watched value "fetch" (requests appear
as they start and grow until they end), then from the result. Each strategy is drawn
from its own start, so the three are compared on one time axis.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot
from gilviz.core.verdict import faster_or_slower
from gilviz.demos.fetch import POOL, SEQUENTIAL, STRATEGIES, THREADS, align, short_name, url_problem
from gilviz.ui.gantt import Bar, GanttChart
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.theme import BAD, BASE_POINT_SIZE

STRATEGY_COLOURS = {SEQUENTIAL: "#0072b2", THREADS: "#6a3d9a", POOL: "#009e73"}
STRATEGY_LABELS = {SEQUENTIAL: "One request after another, on the main thread",
                   THREADS: "One threading.Thread per URL, all started, then joined",
                   POOL: "A ThreadPoolExecutor: its workers take the URLs in turn"}
IN_FLIGHT_ALPHA = 110
ROW_MIN_PX = 17  # below this the Gantt scrolls rather than squeezing its rows
URL_COLUMN_MAX_PX = 170  # longer URLs are elided; the tooltip has them whole


class FetchData:
    """The fetch rows in one shape, from a live snapshot or from the final result:
    times relative to each strategy's start, end None while a request is in flight."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.rows: list[dict[str, Any]] = []
        self.seconds: dict[str, float] = {}
        self.running: dict[str, float] = {}  # strategy -> seconds so far, while it runs
        self.now: dict[str, float] = {}  # strategy -> "now" on its own clock

    @classmethod
    def from_view(cls, view: dict[str, Any], t: float) -> FetchData:
        data = cls()
        data.urls = list(view["urls"])
        starts = view["starts"]
        data.seconds = dict(view["seconds"])
        data.now = {strategy: t - start for strategy, start in starts.items()}
        data.running = {s: data.now[s] for s in starts if s not in data.seconds}
        for row in view["rows"]:
            start = starts[row["strategy"]]
            data.rows.append({**row, "start": row["start"] - start,
                              "end": None if row["end"] is None else row["end"] - start})
        return data

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> FetchData:
        data = cls()
        data.urls = [row["url"] for row in result.get("urls", [])]
        data.seconds = dict(result.get("strategies", {}))
        data.rows = [row for row in result.get("per_strategy", []) if row["start"] is not None]
        return data


def _worker_key(name: str) -> tuple[str, int]:
    match = re.search(r"(\d+)$", name or "")
    return (re.sub(r"\d+$", "", name or ""), int(match.group(1)) if match else 0)


def row_label(strategy: str, worker: str) -> str:
    """The thread's own name, as the Threads panel shows it (the colour tells the
    strategy); the main thread's row says what it does."""
    return "sequential" if strategy == SEQUENTIAL else worker


def gantt_bars(data: FetchData) -> tuple[list[str], list[Bar], float]:
    """Rows (a strategy's threads), bars (a request each) and the axis end, in seconds."""
    keys = sorted({(STRATEGIES.index(row["strategy"]), _worker_key(row["worker"]),
                    row["strategy"], row["worker"]) for row in data.rows})
    index = {(strategy, worker): i for i, (_, _, strategy, worker) in enumerate(keys)}
    bars = []
    end_s = 0.0
    for row in data.rows:
        strategy = row["strategy"]
        end = row["end"] if row["end"] is not None else data.now.get(strategy, row["start"])
        colour = QColor(BAD if row.get("error") else STRATEGY_COLOURS[strategy])
        if row["end"] is None:
            colour.setAlpha(IN_FLIGHT_ALPHA)
        outcome = row.get("error") or (f"HTTP {row['status']}, {row['bytes']:,} bytes"
                                       if row["end"] is not None else "waiting…")
        tooltip = (f"{row['url']}\n{row_label(strategy, row['worker'])}: "
                   f"{row['start']:.3f} s to {end:.3f} s ({end - row['start']:.3f} s)\n{outcome}")
        bars.append(Bar(index[(strategy, row["worker"])], row["start"], end,
                        short_name(row["url"]), colour.name(QColor.NameFormat.HexArgb), tooltip))
        end_s = max(end_s, end)
    rows = [row_label(strategy, worker) for _, _, strategy, worker in keys]
    return rows, bars, end_s


def display_url(url: str) -> str:
    """The URL without its scheme; a local-site URL as just its page (all share a host)."""
    parts = urlsplit(url)
    if parts.hostname in ("127.0.0.1", "localhost"):
        return url.split("/", 3)[-1] or url
    return url.split("://", 1)[-1]


def _speedup(data: FetchData, strategy: str) -> float | None:
    sequential, mine = data.seconds.get(SEQUENTIAL), data.seconds.get(strategy)
    return sequential / mine if sequential and mine else None


class Totals(QWidget):
    """The three strategies' times side by side, each in its bar colour, with the speedup."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fetchTotals")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        for strategy in STRATEGIES:
            label = QLabel()
            label.setObjectName(f"total_{strategy}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setToolTip(STRATEGY_LABELS[strategy])
            font = QFont(label.font())
            font.setPointSize(BASE_POINT_SIZE + 2)
            label.setFont(font)
            self.labels[strategy] = label
            layout.addWidget(label, 1)
        self.show_data(FetchData())

    def show_data(self, data: FetchData) -> None:
        for strategy, label in self.labels.items():
            colour = STRATEGY_COLOURS[strategy]
            if strategy in data.seconds:
                value = f"<b>{data.seconds[strategy]:.2f} s</b>"
                speedup = _speedup(data, strategy)
                answered = any(row["strategy"] == strategy and row["end"] is not None
                               and not row.get("error") for row in data.rows)
                if not answered:
                    value += "<br>no URL answered"  # a speedup of failures means nothing
                elif speedup is not None and strategy != SEQUENTIAL:
                    words = faster_or_slower(speedup)  # never "faster" below 1x
                    value += (f"<br><b>{speedup:.2f}x</b> faster" if words.endswith("faster")
                              else f"<br><b>{speedup:.2f}x</b>: {words}")
            elif strategy in data.running:
                value = f"running… {data.running[strategy]:.1f} s"
            else:
                value = "—"
            label.setText(f"<span style='color:{colour}'>■ {strategy}</span><br>{value}")

    def text(self) -> str:
        return " | ".join(label.text() for label in self.labels.values())


class FetchPanel(LessonPanel):
    """Totals and the Gantt of every request, strategy by strategy."""

    title = "Requests"
    focus_on_run = True
    focus_on_result = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fetchPanel")
        self.data = FetchData()
        self._drawn: tuple[int, int, float] = (-1, -1, -1.0)
        self.totals = Totals()
        self.gantt = GanttChart(empty_text="Run the lesson: each request becomes a bar here.")
        self.gantt.setObjectName("fetchGantt")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.gantt)
        self.caption = QLabel("One bar per request, from its strategy's start; red: failed.")
        self.caption.setObjectName("fetchCaption")
        self.caption.setWordWrap(True)
        self.caption.setToolTip("Each strategy is timed from its own start, so the three "
                                "share one time axis. A bar is labelled with its host; "
                                "hover over it for the URL, the times and the outcome.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.totals)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.caption)

    def run_started(self, params: dict[str, Any]) -> None:
        self._show(FetchData())

    def show_snapshot(self, snapshot: Snapshot) -> None:
        view = snapshot.values.get("fetch")
        if view is None:
            return
        data = FetchData.from_view(view, snapshot.t)
        in_flight = sum(1 for row in data.rows if row["end"] is None)
        key = (len(data.rows) - in_flight, len(data.seconds), round(snapshot.t, 1))
        if key != self._drawn:  # redraw as requests end, and ~10 times a second
            self._drawn = key
            self._show(data)

    def show_result(self, result: RunResult) -> None:
        if result.result:
            self._show(FetchData.from_result(result.result))

    def _show(self, data: FetchData) -> None:
        self.data = data
        self.totals.show_data(data)
        rows, bars, end_s = gantt_bars(data)
        self.gantt.setMinimumHeight(max(100, len(rows) * ROW_MIN_PX + 30))
        self.gantt.set_bars(rows, bars, end_s)


class FetchTable(LessonPanel):
    """One row per URL: what came back, how long each strategy waited for it, what failed."""

    title = "Per URL"
    COLUMNS = ("URL", "Status", "Bytes", "Seconds", "Error")
    URL, STATUS, BYTES, SECONDS, ERROR = range(5)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fetchTablePanel")
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("fetchTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.URL, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.ERROR, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self._count = -1

    def run_started(self, params: dict[str, Any]) -> None:
        self._count = -1
        self.show_data(FetchData())

    def show_snapshot(self, snapshot: Snapshot) -> None:
        view = snapshot.values.get("fetch")
        if view is None:
            return
        done = sum(1 for row in view["rows"] if row["end"] is not None)
        if done != self._count or len(view["urls"]) != self.table.rowCount():
            self._count = done
            self.show_data(FetchData.from_view(view, snapshot.t))

    def show_result(self, result: RunResult) -> None:
        if result.result:
            self.show_data(FetchData.from_result(result.result))

    def show_data(self, data: FetchData) -> None:
        lined_up = {strategy: align(data.urls, data.rows, strategy) for strategy in STRATEGIES}
        self.table.setRowCount(len(data.urls))
        for index, url in enumerate(data.urls):
            mine = {s: lined_up[s][index] for s in STRATEGIES}
            finished = [(s, row) for s, row in mine.items() if row and row["end"] is not None]
            latest = finished[-1][1] if finished else None
            problem = url_problem(url)
            if problem:
                error = f"invalid URL, skipped: {problem}"
            elif latest is not None:
                error = latest["error"] or ""
                others = {f"{s}: {row['error'] or 'ok'}" for s, row in finished
                          if (row["error"] or "") != error}
                if others:
                    error = "; ".join([error or "ok", *sorted(others)])
            else:
                error = ""
            in_flight = any(row and row["end"] is None for row in mine.values())
            cells = [url if problem else display_url(url),
                     str(latest["status"]) if latest and latest["status"] else "—",
                     f"{latest['bytes']:,}" if latest and latest["status"] else "—",
                     "…" if in_flight else f"{latest['seconds']:.2f}" if latest else "—",
                     error]
            each = ", ".join(f"{s} {row['seconds']:.2f} s" for s, row in finished)
            tips = {self.URL: url, self.SECONDS: each or "not fetched"}
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tips.get(column, text))
                if column not in (self.URL, self.ERROR):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if error and column in (self.STATUS, self.ERROR):
                    item.setForeground(QBrush(QColor(BAD)))
                self.table.setItem(index, column, item)
        latest_strategy = next((s for s in reversed(STRATEGIES) if lined_up[s]
                                and any(row and row["end"] is not None
                                        for row in lined_up[s])), None)
        self.table.horizontalHeaderItem(self.SECONDS).setToolTip(
            f"How long the request took in the {latest_strategy} run (hover over a cell "
            "for every strategy)" if latest_strategy else "How long each request took")
        self.table.resizeColumnToContents(self.URL)
        self.table.setColumnWidth(self.URL, min(self.table.columnWidth(self.URL),
                                                URL_COLUMN_MAX_PX))

    def rows_text(self) -> list[list[str]]:
        """The table as text, row by row (what a test or a screenshot reads)."""
        return [[self.table.item(r, c).text() if self.table.item(r, c) else ""
                 for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]
