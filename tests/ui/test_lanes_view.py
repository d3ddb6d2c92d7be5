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
