"""The isolated engine: a lesson run in a spawned child Python process that loads no Qt.

CPU-bound threads in the window's own process would take the GIL from the UI thread;
in a child process they only compete with each other. The child writes per-thread
counters into a shared Board (read here without the child's GIL), sends the log and
watched values over a pipe, and the final RunResult last. Stop is a multiprocessing
flag on the Board: busy workers read it directly, and the parent's store never blocks,
whatever state the child is in (a multiprocessing.Event can hang the parent's set() if
the child died while waiting on it).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from typing import Any

from gilviz.core.board import Board
from gilviz.core.orphans import leave_interrupts_to_parent
from gilviz.core.runner import RunResult, execute
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import LogEvent, Probe, Snapshot

PUBLISH_S = 0.03
ORPHAN_GRACE_S = 2.0
_CONTEXT = multiprocessing.get_context("spawn")


class EngineRun:
    """One lesson run in a child process; the same polling interface as InProcessRun."""

    def __init__(self, lesson_id: str, params: dict[str, Any]) -> None:
        self.lesson_id = lesson_id
        self.params = dict(params)
        self.board = Board.shared()
        self._conn, child_conn = _CONTEXT.Pipe(duplex=False)
        self._child_conn = child_conn
        self.process = _CONTEXT.Process(
            target=child_main, args=(child_conn, self.board, lesson_id, self.params),
            name=f"gilviz-engine-{lesson_id}", daemon=True,
        )
        self._events: list[LogEvent] = []
        self._values: dict[str, Any] = {}
        self._result: RunResult | None = None
        self._started_ns = 0

    def start(self) -> None:
        self._started_ns = time.perf_counter_ns()
        self.process.start()
        self._child_conn.close()  # the child holds its end; EOF here then means it is gone

    def stop(self) -> None:
        self.board.request_stop()

    def _drain(self) -> None:
        try:
            while self._result is None and self._conn.poll():
                kind, payload = self._conn.recv()
                if kind == "log":
                    events, values = payload
                    self._events.extend(events)
                    self._values = values
                elif kind == "result":
                    self._result = payload
        except (EOFError, OSError):
            pass  # the child died mid-message; done() reports it

    def snapshot(self, events_from: int = 0) -> Snapshot:
        self._drain()
        origin = self.board.origin_ns() or self._started_ns
        events = self._events[events_from:]
        return Snapshot(
            t=(time.perf_counter_ns() - origin) / 1e9,
            lanes=self.board.read_lanes(),
            events=tuple(events),
            events_total=events_from + len(events),
            values=dict(self._values),
        )

    def read_marks(self, index: int, start: int, end: int) -> list[int]:
        return self.board.read_marks(index, start, end)

    def poke(self) -> None:
        self.board.poke()

    def done(self) -> bool:
        self._drain()
        if self._result is not None:
            return True
        if self.process.exitcode is None:
            return False
        self._drain()  # the last messages may have arrived just before it exited
        if self._result is None:
            elapsed = (time.perf_counter_ns() - self._started_ns) / 1e9
            self._result = RunResult(
                self.lesson_id, self.params, elapsed, {}, stopped=self.board.stop_requested(),
                error=f"engine stopped unexpectedly: exit code {self.process.exitcode}",
            )
        return True

    def result(self) -> RunResult | None:
        return self._result if self.done() else None

    def reap(self) -> bool:
        """Non-blocking: True once the child has exited (it sends its result first and
        may take a moment more to shut its interpreter down)."""
        return self._started_ns == 0 or self.process.exitcode is not None

    def close(self, timeout_s: float = 2.0) -> bool:
        """Stop the child and make sure it is gone; True if it ended by itself."""
        if self._started_ns == 0:
            return True
        self.stop()
        self.process.join(timeout_s)
        cooperative = self.process.exitcode is not None
        if not cooperative:
            self.process.terminate()
            self.process.join(1.0)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join(1.0)
        self.done()
        self._conn.close()
        return cooperative


class BoardStopToken(StopToken):
    """A stop token whose flag the parent sets in shared memory.

    is_set() reads the flag itself, so busy workers see it at once; a watcher thread
    wakes the threads sleeping in wait().
    """

    WATCH_S = 0.01

    def __init__(self, board: Board) -> None:
        super().__init__()
        self._board = board

    def set(self) -> None:
        self._board.request_stop()
        super().set()

    def is_set(self) -> bool:
        return self._board.stop_requested() or super().is_set()

    def watch(self) -> None:
        while not super().is_set():
            if self._board.stop_requested():
                super().set()
            time.sleep(self.WATCH_S)


def child_main(conn: Any, board: Board, lesson_id: str, params: dict[str, Any]) -> None:
    """Entry point of the child process."""
    leave_interrupts_to_parent()  # Ctrl+C: the parent stops the run through the board
    from gilviz.demos import REGISTRY  # imported here: the child needs the lessons, core does not

    stop = BoardStopToken(board)
    threading.Thread(target=stop.watch, name="gilviz-stop-watch", daemon=True).start()
    probe = Probe(stop, board)
    finished = threading.Event()
    publisher = threading.Thread(target=_publish_until, args=(conn, probe, finished),
                                 name="gilviz-publisher", daemon=True)
    publisher.start()
    result = execute(REGISTRY.get(lesson_id), params, probe)
    finished.set()
    publisher.join()
    try:
        conn.send(("result", result))
    finally:
        conn.close()


def _publish_until(conn: Any, probe: Probe, finished: threading.Event) -> None:
    """Send new log events and watched values until the run ends; watch for orphaning."""
    parent = os.getppid()
    seen = 0
    while True:
        last = finished.wait(PUBLISH_S)
        snapshot = probe.snapshot(events_from=seen)
        seen = snapshot.events_total
        try:
            conn.send(("log", (snapshot.events, snapshot.values)))
        except OSError:
            _abandon(probe)
            return
        if last:
            return
        if os.getppid() != parent:
            _abandon(probe)
            return


def _abandon(probe: Probe) -> None:
    """The window is gone: stop the run, and leave for good if it does not stop in time."""
    probe.stop.set()
    timer = threading.Timer(ORPHAN_GRACE_S, os._exit, args=(1,))
    timer.daemon = True
    timer.start()
