"""A small Gantt chart: labelled bars on rows (workers, strategies) against time.

For a handful to a few hundred bars, where each bar has its own label (task 3,
python.org): the per-thread TimelineView is the tool for dense state spans.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QScrollArea, QToolTip, QWidget

from gilviz.ui.theme import thread_colour
from gilviz.ui.time_axis import draw_time_axis

SCROLL_FROM_ROWS = 8  # a chart keeps room for this many rows; more scroll


class _ChartScroll(QScrollArea):
    """Asks the layout for room for up to SCROLL_FROM_ROWS rows of its chart (so a few
    rows are never scrolled), and scrolls the rest."""

    def minimumSizeHint(self) -> QSize:
        chart = self.widget()
        if not isinstance(chart, GanttChart):
            return super().minimumSizeHint()
        rows = max(len(chart.rows), chart.expected_rows)
        return QSize(200, chart.height_for_rows(min(rows, SCROLL_FROM_ROWS)))


def scrolled(chart: QWidget) -> QScrollArea:
    """The chart in a frameless scroll area: many rows scroll rather than get cut."""
    area = _ChartScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(chart)
    return area


@dataclass(frozen=True)
class Bar:
    row: int
    start_s: float
    end_s: float
    label: str = ""
    colour: str = ""  # empty: a colour per row
    tooltip: str = ""
    short: str = ""  # shown when the label does not fit ("3" for "task 3"); else nothing


class GanttChart(QWidget):
    def __init__(self, parent: QWidget | None = None, empty_text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("gantt")
        self.setMouseTracking(True)
        self.setMinimumHeight(100)
        self.rows: list[str] = []
        self.bars: list[Bar] = []
        self.end_s = 0.0
        self.expected_rows = 0  # rows a run will draw: room is asked for them from its start
        self.axis_labels = True  # False: tick marks only (another chart below has the times)
        self.empty_text = empty_text or "Run the lesson to draw who did what, when."

    def sizeHint(self) -> QSize:
        return QSize(600, max(260, self.minimumSizeHint().height()))

    def restyle(self) -> None:
        self.setMinimumHeight(self.minimumSizeHint().height())

    def expect_rows(self, rows: int) -> None:
        """The run about to start will draw this many rows: ask for their room now, so
        the page can share its height before the first bar arrives."""
        self.expected_rows = rows
        self.setMinimumHeight(self.height_for_rows(max(rows, len(self.rows))))
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.updateGeometry()

    def height_for_rows(self, rows: int) -> int:
        """Every row as tall as a line of text, plus the axis: no name cut in half."""
        metrics = QFontMetrics(self.font())
        axis_h = metrics.height() + 12 if self.axis_labels else 8
        return max(1, rows) * (metrics.height() + 2) + axis_h

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.height_for_rows(len(self.rows)))

    def set_bars(self, rows: list[str], bars: list[Bar], end_s: float | None = None) -> None:
        resized = len(rows) != len(self.rows)
        self.rows = list(rows)
        if resized:
            # A minimum the layout keeps: in a scroll area, the chart scrolls instead of
            # squeezing its rows below a line of text.
            self.setMinimumHeight(self.minimumSizeHint().height())
            parent = self.parentWidget()
            while parent is not None and not isinstance(parent, QScrollArea):
                parent = parent.parentWidget()
            if parent is not None:
                parent.updateGeometry()  # its minimum follows the row count
        self.bars = list(bars)
        self.end_s = end_s if end_s is not None else max((b.end_s for b in bars), default=0.0)
        self.update()

    def clear(self) -> None:
        self.set_bars([], [], 0.0)

    def _plot_rect(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        left = min(max((metrics.horizontalAdvance(r) for r in self.rows), default=40) + 16,
                   self.width() // 3)
        axis_h = metrics.height() + 8 if self.axis_labels else 6
        right = metrics.horizontalAdvance("00.0 s") // 2 + 4  # room for the last tick label
        return QRectF(left, 2, max(1, self.width() - left - right),
                      max(1, self.height() - axis_h))

    def _x(self, plot: QRectF, t: float) -> float:
        return plot.left() + t / max(self.end_s, 1e-9) * plot.width()

    def bar_rect(self, bar: Bar) -> QRectF:
        plot = self._plot_rect()
        row_h = plot.height() / max(1, len(self.rows))
        left = self._x(plot, bar.start_s)
        width = max(2.0, self._x(plot, bar.end_s) - left)
        return QRectF(left, plot.top() + bar.row * row_h + row_h * 0.1, width, row_h * 0.8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        if not self.rows:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        plot = self._plot_rect()
        row_h = plot.height() / len(self.rows)
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        white = QColor("white")
        metrics = QFontMetrics(self.font())
        for index, name in enumerate(self.rows):
            top = plot.top() + index * row_h
            if index % 2:
                painter.fillRect(QRectF(0, top, self.width(), row_h),
                                 palette.color(QPalette.ColorRole.AlternateBase))
            painter.setPen(text)
            painter.drawText(QRectF(4, top, plot.left() - 8, row_h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, name)
        for bar in self.bars:
            rect = self.bar_rect(bar)
            colour = QColor(bar.colour or thread_colour(bar.row))
            painter.fillRect(rect, colour)
            painter.fillRect(QRectF(rect.right() - 1, rect.top(), 1, rect.height()),
                             base)  # bars that touch stay two bars
            # A whole label, or the short one, or none: never a cut-off word.
            room = int(min(rect.width(), self.width())) - 6
            shown = next((label for label in (bar.label, bar.short)
                          if label and metrics.horizontalAdvance(label) <= room), "")
            if shown and rect.height() >= metrics.height() * 0.7:
                # White on the solid fills; a see-through bar (in flight) takes the text
                # colour, which reads on the background showing through.
                painter.setPen(white if colour.alpha() == 255 else text)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)
        painter.setPen(text)
        draw_time_axis(painter, plot, 0.0, self.end_s, self.height(), self.axis_labels)

    def bar_at(self, pos: QPointF) -> Bar | None:
        for bar in self.bars:
            if self.bar_rect(bar).contains(pos):
                return bar
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        bar = self.bar_at(event.position())
        if bar is None:
            QToolTip.hideText()
            return
        tip = bar.tooltip or (f"{bar.label}: {bar.start_s:.3f} s to {bar.end_s:.3f} s "
                              f"({bar.end_s - bar.start_s:.3f} s)")
        QToolTip.showText(event.globalPosition().toPoint(), tip, self)
