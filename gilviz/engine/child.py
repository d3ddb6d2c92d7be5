"""The engine process: read one request, run the lesson, send the log and the result.

Messages go out on the original stdout as frames (gilviz.core.frames); whatever the
lesson itself prints goes to stderr instead, so it can never corrupt a frame. The end
of stdin means the window is gone: the run is stopped and the process leaves.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from typing import IO, Any

from gilviz.core.board import Board
from gilviz.core.frames import read_frame, write_frame
from gilviz.core.orphans import die_with_parent_from_env, leave_interrupts_to_parent
from gilviz.core.runner import execute
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe

PUBLISH_S = 0.03
ORPHAN_GRACE_S = 2.0


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


class _Outbox:
    """Frames to the parent, from the publisher and the main thread alike."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, message: Any) -> bool:
        with self._lock:
            try:
                write_frame(self._stream, message)
                return True
            except (OSError, ValueError):
                return False


def main() -> int:
    # Ctrl+C in a terminal reaches the whole process group; the parent decides how the
    # run stops (through the stop flag), so the engine itself ignores it. If the parent
    # is killed outright, the engine goes with it (and takes its pool workers along).
    leave_interrupts_to_parent()
    die_with_parent_from_env()
    outbox = _Outbox(os.fdopen(os.dup(sys.stdout.fileno()), "wb"))
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    # Unbuffered: a daemon thread blocked on a buffered stdin aborts the interpreter's exit.
    inbox = os.fdopen(os.dup(sys.stdin.fileno()), "rb", buffering=0)
    try:
        request = read_frame(inbox)
    except (EOFError, OSError):
        return 1
    yield_to_the_window(request.get("nice", 0))
    try:
        from gilviz.demos import REGISTRY  # the lessons: only the child side needs them

        lesson = REGISTRY.get(request["lesson"])
        board = Board.attach(request["board"])
    except Exception as exc:
        outbox.send(("failed", f"the engine could not start the lesson: "
                               f"{type(exc).__name__}: {exc}"))
        return 1
    stop = BoardStopToken(board)
    threading.Thread(target=stop.watch, name="gilviz-stop-watch", daemon=True).start()
    probe = Probe(stop, board)
    threading.Thread(target=_watch_parent, args=(inbox.fileno(), probe),
                     name="gilviz-parent-watch", daemon=True).start()
    finished = threading.Event()
    publisher = threading.Thread(target=_publish_until, args=(outbox, probe, finished),
                                 name="gilviz-publisher", daemon=True)
    publisher.start()
    result = execute(lesson, request["params"], probe)
    finished.set()
    publisher.join()
    outbox.send(("interpreter", interpreter_facts()))
    outbox.send(("result", result))
    return 0


def yield_to_the_window(nice: int) -> None:
    """A lower priority, asked for by a window: its event loop then gets a core at once
    when it wakes, even while the lesson's threads keep both cores busy. Threads started
    from here on (the lesson's, its pool workers) inherit it. Without competition for the
    cores the lesson runs just as fast; the kernel sampler shows any time it waited."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)


def interpreter_facts() -> dict[str, Any]:
    """Asked once the lesson has run: a free-threaded build switches the GIL back on when it
    imports an extension not marked safe without it (unless PYTHON_GIL=0 forbids that)."""
    check = getattr(sys, "_is_gil_enabled", None)  # 3.13+
    return {"gil_enabled": True if check is None else bool(check())}


def _publish_until(outbox: _Outbox, probe: Probe, finished: threading.Event) -> None:
    """Send new log events and watched values until the run ends."""
    seen = 0
    while True:
        last = finished.wait(PUBLISH_S)
        snapshot = probe.snapshot(events_from=seen)
        seen = snapshot.events_total
        if not outbox.send(("log", (snapshot.events, snapshot.values))):
            _abandon(probe)
            return
        if last:
            return


def _watch_parent(fd: int, probe: Probe) -> None:
    """The parent never writes again after the request: EOF means it is gone."""
    try:
        while os.read(fd, 4096):
            pass
    except (OSError, ValueError):
        pass
    _abandon(probe)


def _abandon(probe: Probe) -> None:
    """The window is gone: stop the run, and leave for good if it does not stop in time."""
    probe.stop.set()
    timer = threading.Timer(ORPHAN_GRACE_S, os._exit, args=(1,))
    timer.daemon = True
    timer.start()
