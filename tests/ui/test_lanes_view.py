import math

from PySide6.QtCore import QPointF

from gilviz.core.telemetry import LaneSnapshot, Snapshot, State
from gilviz.ui.lanes_view import (
    ROWS_UP_TO,
    ThreadLanesView,
    compact,
    names_fit,
    summary_text,
    tile_label,
)


def lanes_of(count: int, state: State = State.RUNNING) -> tuple[LaneSnapshot, ...]:
    return tuple(LaneSnapshot(f"Thread-{i}", i, state, i, 10, 0.0, None) for i in range(count))


def test_compact_counts_stay_short():
    assert [compact(n) for n in (7, 99_999, 250_000, 2_500_000, 1_500_000_000)] == [
        "7", "99,999", "250k", "2.5M", "1.5G"]


def test_tiles_are_labelled_by_what_tells_threads_apart():
    assert [tile_label(n) for n in ("main", "Thread-1", "Thread-17", "pool-worker_3",
                                     "a-long-name")] == ["main", "1", "17", "3", "a-lon"]
    names = ["main", "0.1ms·T1", "100ms·T4"]
    assert names_fit(names) and [tile_label(n, whole=True) for n in names] == names
    assert not names_fit(["main", "Thread-1", "Thread-10"])


def test_a_few_threads_get_a_row_each(qtbot):
    view = ThreadLanesView()
    qtbot.addWidget(view)
    view.show_snapshot(Snapshot(1.0, lanes_of(ROWS_UP_TO), (), 0))
    assert not view.canvas.tiled() and not view.summary.isVisibleTo(view)
    assert view.canvas.height() >= ROWS_UP_TO * view.canvas.row_height()


def test_many_threads_become_tiles_under_a_summary_that_stays_in_view(qtbot):
    view = ThreadLanesView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    lanes = lanes_of(60) + lanes_of(4, State.DONE)
    view.show_snapshot(Snapshot(1.0, lanes, (), 0))
    assert len(view.lanes()) == 64 and view.canvas.tiled()
    assert view.summary.isVisible() and view.summary.text() == summary_text(lanes)
    assert view.summary.text() == "64 threads: 60 running, 4 done"
    # The summary sits outside the scrolled area: it stays put when the tiles scroll.
    assert view.summary.parent() is view and view.canvas.parent() is not view
    size = view.canvas.tile_size()
    rows = math.ceil(64 / view.canvas.columns())
    assert view.canvas.height() >= rows * size.height()
    # Every tile reads at least as large as the view's own font.
    assert size.height() >= view.canvas.fontMetrics().height()
    hovered = view.canvas.lane_at(QPointF(size.width() * 1.5, size.height() * 0.5))
    assert hovered is not None and hovered.name == "Thread-1"
    view.canvas.repaint()  # paints the visible tiles without error
    view.clear()
    assert view.lanes() == () and not view.summary.isVisible()


def test_chips_say_what_the_kernel_saw_a_working_thread_doing(qtbot):
    from gilviz.core.kinds import Kind
    from gilviz.ui.lanes_view import kind_of
    from gilviz.ui.legend import kind_word

    working = LaneSnapshot("T", 1, State.RUNNING, 1, 10, 0.0, None)
    finished = LaneSnapshot("T", 1, State.DONE, 10, 10, 0.0, None)
    assert kind_word(kind_of(working, Kind.WAITING)) == "GIL wait"
    assert kind_word(kind_of(working, Kind.WAITING), gil=False) == "lock wait"
    assert kind_word(kind_of(working, Kind.CPU_WAIT)) == "core wait"
    assert kind_word(kind_of(working, None)) == "running"  # not measured: its own state
    assert kind_word(kind_of(finished, Kind.RUNNING)) == "done"
    view = ThreadLanesView()
    qtbot.addWidget(view)
    lanes = lanes_of(3)
    view.show_snapshot(Snapshot(1.0, lanes, (), 0), [Kind.RUNNING, Kind.WAITING, None])
    assert [kind_word(kind) for kind in view.canvas.kinds] == ["running", "GIL wait",
                                                                 "running"]
    # The key says the states are measured now, and explains the waits too.
    assert view.legend.measured and Kind.CPU_WAIT in view.legend.kinds
    view.resize(600, 300)
    view.show()
    view.canvas.repaint()


def test_the_cpu_line_shows_the_lesson_threads_in_cores(qtbot):
    from gilviz.ui.cpu_cores import CpuCoresView

    view = CpuCoresView()
    qtbot.addWidget(view)
    view.stop()
    # (time on the run's clock, CPU seconds by then): 0.5 CPU seconds in 0.5 s of the
    # run is one core's worth, however late the window reads them
    readings = iter([(1.0, 2.0), (1.5, 2.5), (1.6, 2.6), (2.5, 4.0), (0.3, 0.1)])
    view.set_lesson_source(lambda: next(readings))
    view._refresh_lesson()
    assert view.lesson_cores is None  # one reading is not a rate yet
    view._refresh_lesson()
    assert view.lesson_cores == 1.0
    view._show_share()
    assert "lesson <b>1.0</b>" in view.share.text()
    view._refresh_lesson()  # 0.1 s of data is too short for a rate: kept for the next
    assert view.lesson_cores == 1.0
    view._refresh_lesson()  # 1.5 CPU seconds over 1.0 s of the run's clock
    assert view.lesson_cores == 1.5
    view._refresh_lesson()  # a new run's clock starts again: no rate across the two runs
    assert view.lesson_cores == 1.5
