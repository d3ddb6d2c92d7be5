import csv
import json
import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from gilviz.core.timeline import Kind
from gilviz.ui.main_window import ExportError
from gilviz.ui.timeline_view import EMPTY, TimelineView, rasterise, striped
from tests.ui.helpers import choose_lesson, run_and_wait, set_param


def test_rasterise_puts_each_span_in_its_pixels():
    spans = [(0.0, 0.5, Kind.RUNNING), (0.5, 1.0, Kind.BLOCKED)]
    row = rasterise(spans, 0.0, 2.0, 20)
    assert list(row[:5]) == [Kind.RUNNING] * 5
    assert list(row[5:10]) == [Kind.BLOCKED] * 5
    assert (row[10:] == EMPTY).all()
    tiny = rasterise([(0.0, 1e-9, Kind.WAITING)], 0.0, 1.0, 10)
    assert tiny[0] == Kind.WAITING  # too short for a pixel, still visible


def test_a_pixel_shows_what_filled_most_of_its_time():
    """Zoomed out, a thread that waited 70% of each slice looks like waiting."""
    spans = []
    for i in range(100):  # 100 slices of 10 ms: 3 ms running, 7 ms waiting for the GIL
        spans += [(i * 0.01, i * 0.01 + 0.003, Kind.RUNNING),
                  (i * 0.01 + 0.003, (i + 1) * 0.01, Kind.WAITING)]
    row = rasterise(spans, 0.0, 1.0, 50)  # 20 ms a pixel
    assert (row == Kind.WAITING).all()
    zoomed = rasterise(spans, 0.0, 0.01, 10)  # 1 ms a pixel
    assert list(zoomed) == [Kind.RUNNING] * 3 + [Kind.WAITING] * 7


@pytest.mark.parametrize("kind", [Kind.CPU_WAIT, Kind.WAITING])
def test_the_waits_are_striped_as_well_as_coloured(qtbot, kind):
    view = TimelineView()
    qtbot.addWidget(view)
    lut = view._lut()
    row = rasterise([(0.0, 1.0, kind)], 0.0, 1.0, 12)
    colours = {int(lut[value]) for value in striped(row[np.newaxis, :])[0]}
    assert len(colours) == 2  # two shades, alternating
    others = {int(lut[int(other)]) for other in Kind if other is not kind}
    assert not colours & others


def test_the_timeline_fills_live_and_exports_work(qtbot, window, tmp_path):
    choose_lesson(window, "many-threads")
    set_param(window, "threads", 4)
    set_param(window, "count", 4)
    set_param(window, "interval_s", 0.1)
    with pytest.raises(ExportError):
        window.export_trace(tmp_path / "none.json")
    result = run_and_wait(qtbot, window)
    timeline = window.page.timeline
    names = [name for name, _ in timeline.view.spans]
    # Workers register their lanes as they start, in whichever order they get going.
    assert names[0] == "main" and sorted(names[1:]) == [f"Thread-{i}" for i in range(1, 5)]
    rows = timeline.stats_model.rowCount()
    workers = {row: timeline.stats_text(row, 0) for row in range(rows)}
    assert sorted(workers.values()) == sorted(names)
    model = timeline.stats_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())]
    blocked = timeline.stats_text(1, headers.index("Blocked"))
    assert int(blocked.split("%")[0]) >= 80  # a worker that sleeps 4 x 0.1 s is mostly blocked
    assert "running" in timeline.summary.text()

    window.export_trace(tmp_path / "trace.json")
    trace = json.loads((tmp_path / "trace.json").read_text())
    tracks = {e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"}
    assert tracks == set(names)
    assert trace["otherData"]["demo"] == "many-threads"

    run_and_wait(qtbot, window)
    window.export_history(tmp_path / "runs.csv")
    rows = list(csv.DictReader((tmp_path / "runs.csv").open()))
    assert len(rows) == 2 and rows[0]["lesson"] == "many-threads"
    assert json.loads(rows[0]["params"])["threads"] == 4
    assert float(rows[0]["elapsed_s"]) == pytest.approx(result.elapsed_s, abs=1e-3)

    window.export_png(tmp_path / "view.png")
    image = QImage(str(tmp_path / "view.png"))
    assert image.width() > 400 and image.height() > 300


def test_zoom_scroll_and_hover(qtbot):
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(800, 300)
    spans = [("T1", [(0.0, 1.0, Kind.RUNNING), (1.0, 2.0, Kind.WAITING)])]
    view.show_spans(spans, 2.0)
    assert view.visible_range() == (0.0, 2.0)
    view.zoom(0.5, anchor_s=1.0)
    assert view.visible_range() == pytest.approx((0.5, 1.5))
    view.scroll_by(10)  # clamped at the end of the run
    assert view.visible_range() == pytest.approx((1.0, 2.0))
    view.fit()
    plot = view._plot_rect()
    text = view.describe_at(QPointF(plot.left() + plot.width() * 0.25, plot.center().y()))
    assert text.startswith("T1: running from 0.0000 s")


def test_a_long_wide_timeline_paints_in_bounded_time(qtbot):
    """64 threads x 60 s of 5 ms slices (about 770,000 spans): one full paint stays quick."""
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(1200, 500)
    slices = np.arange(0, 60, 0.005)
    lanes = []
    for lane in range(64):
        spans = [(t, t + 0.005, Kind.RUNNING if (i + lane) % 64 == 0 else Kind.WAITING)
                 for i, t in enumerate(slices)]
        lanes.append((f"T{lane}", spans))
    started = time.perf_counter()
    view.show_spans(lanes, 60.0)
    image = view.grab()  # forces a full paint
    assert time.perf_counter() - started < 10.0  # generous; the real figure is benchmarked
    assert image.width() == 1200
