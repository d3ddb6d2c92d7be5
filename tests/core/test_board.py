import subprocess
import sys
import threading
from pathlib import Path

from gilviz.core.board import MAX_LANES, Board
from gilviz.core.telemetry import Probe, State


def test_lanes_written_through_a_board_read_back_the_same():
    board = Board.private()
    probe = Probe(board=board)
    lane = probe.lane("Thread-1")
    for _ in lane.steps(3):
        pass
    (read,) = board.read_lanes()
    assert read == lane.snapshot()
    assert read.name == "Thread-1" and read.count == 3 and read.state is State.DONE
    assert read.ident == threading.get_ident()


TICK_IN_CHILD = """
import sys
from gilviz.core.board import Board
from gilviz.core.telemetry import Probe
Probe(board=Board.attach(sys.argv[1])).lane("worker").tick(7)
"""


def test_a_shared_board_is_shared_by_name_with_another_process():
    board = Board.shared()
    try:
        child = subprocess.run([sys.executable, "-c", TICK_IN_CHILD, board.name],
                               capture_output=True, text=True, timeout=60)
        assert child.returncode == 0, child.stderr
        assert child.stderr == ""  # no resource-tracker warning: the child did not own it
        (read,) = board.read_lanes()
        assert read.name == "worker" and read.count == 7 and read.ended_s is None
        assert board.origin_ns() > 0
        assert Path("/dev/shm", board.name.lstrip("/")).exists()  # the child left it alone
    finally:
        name = board.name
        board.close()
    assert not Path("/dev/shm", name.lstrip("/")).exists()  # the owner removed it


def test_a_full_board_still_counts_privately():
    board = Board.private()
    probe = Probe(board=board)
    for _ in range(MAX_LANES + 2):
        thread = threading.Thread(target=lambda: probe.lane().tick())
        thread.start()
        thread.join()
    assert len(board.read_lanes()) == MAX_LANES
    assert len(probe.snapshot().lanes) == MAX_LANES + 2


def test_pokes_cross_the_board():
    board = Board.private()
    probe = Probe(board=board)
    board.poke()
    assert probe.pokes() == 1
    assert probe.wait_for_poke(0, timeout_s=0.1)
