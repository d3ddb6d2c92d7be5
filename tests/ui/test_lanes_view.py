from gilviz.core.telemetry import LaneSnapshot, Snapshot, State
from gilviz.ui.lanes_view import ThreadLanesView, compact


def test_compact_counts_stay_short():
    assert [compact(n) for n in (7, 99_999, 250_000, 2_500_000, 1_500_000_000)] == [
        "7", "99,999", "250k", "2.5M", "1.5G"]


def test_rows_follow_snapshots(qtbot):
    view = ThreadLanesView()
    qtbot.addWidget(view)
    lanes = tuple(LaneSnapshot(f"T{i}", i, State.RUNNING, i, 10, 0.0, None) for i in range(64))
    view.show_snapshot(Snapshot(1.0, lanes, (), 0))
    assert len(view.lanes()) == 64
    assert view.canvas.height() >= 64 * view.canvas.row_height()
    view.resize(600, 300)
    view.show()
    view.canvas.repaint()  # paints the visible rows without error
    view.clear()
    assert view.lanes() == ()


def test_chips_say_what_the_kernel_saw_a_working_thread_doing(qtbot):
    from gilviz.core.kinds import Kind
    from gilviz.ui.lanes_view import badge

    assert badge(State.RUNNING, Kind.WAITING)[0] == "GIL wait"
    assert badge(State.RUNNING, Kind.WAITING, gil=False)[0] == "lock wait"
    assert badge(State.RUNNING, Kind.CPU_WAIT)[0] == "core wait"
    assert badge(State.RUNNING, None)[0] == "running"  # not measured: the lane's own state
    assert badge(State.DONE, Kind.RUNNING)[0] == "done"
    view = ThreadLanesView()
    qtbot.addWidget(view)
    lanes = tuple(LaneSnapshot(f"T{i}", i, State.RUNNING, i, 10, 0.0, None) for i in range(3))
    view.show_snapshot(Snapshot(1.0, lanes, (), 0), [Kind.RUNNING, Kind.WAITING, None])
    assert [view.canvas.badge_of(row)[0] for row in range(3)] == [
        "running", "GIL wait", "running"]
    view.resize(600, 300)
    view.show()
    view.canvas.repaint()


def test_the_cores_panel_shows_the_lesson_threads_in_cores(qtbot, monkeypatch):
    from gilviz.ui import cpu_cores
    from gilviz.ui.cpu_cores import CpuCoresView

    view = CpuCoresView()
    qtbot.addWidget(view)
    view.stop()
    clock = iter([10.0, 10.5])
    monkeypatch.setattr(cpu_cores.time, "monotonic", lambda: next(clock))
    used = iter([2.0, 2.5])  # 0.5 CPU seconds in 0.5 s: one core's worth
    view.set_lesson_source(lambda: next(used))
    view.refresh()
    assert view.lesson_cores is None  # one reading is not a rate yet
    view.refresh()
    assert view.lesson_cores == 1.0
    view.resize(300, 80)
    view.show()
    view.repaint()
    view.set_lesson_source(None)
    view.refresh()
    assert view.lesson_cores is None
