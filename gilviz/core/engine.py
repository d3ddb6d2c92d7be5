"""The isolated engine, window side: a lesson run in a child Python process with no Qt.

CPU-bound threads in the window's own process would take the GIL from the UI thread;
in a child process they only compete with each other. The child (`python -m
gilviz.engine`, see gilviz/engine) writes per-thread counters into a shared Board read
here without the child's GIL, and sends the log, watched values and the final RunResult
as frames over its stdout. It is a plain subprocess rather than a multiprocessing child
so that any interpreter able to import gilviz can host it, a free-threaded one included.

Stop is a flag on the Board: busy workers read it directly, and the store never blocks
whatever state the child is in. The child treats the end of its stdin as the window's
death and leaves. The child leads a process group of its own, so kill() also ends
whatever the lesson's code started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from gilviz.core.board import Board
from gilviz.core.frames import read_frame, write_frame
from gilviz.core.interpreter_probe import GILVIZ_PARENT, Interpreter
from gilviz.core.orphans import child_env_with_parent
from gilviz.core.runner import RunResult
from gilviz.core.telemetry import LogEvent, Snapshot

ENGINE_MODULE = "gilviz.engine"
FROZEN_ENGINE_FLAG = "--gilviz-engine"  # a frozen bundle has no -m: app.main dispatches


# Variables that point an interpreter at another one's files: never passed to a foreign one.
_FOREIGN = ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONEXECUTABLE", "VIRTUAL_ENV",
            "PYTHONUSERBASE", "__PYVENV_LAUNCHER__")


@dataclass(frozen=True)
class EngineCommand:
    """How to start a Python that hosts gilviz: the interpreter, the environment it needs
    on top of this one's, and what is known about it (engine_python prepares these)."""

    python: str = sys.executable
    env: Mapping[str, str] = field(default_factory=dict)
    interpreter: Interpreter | None = None

    def argv(self, *args: str) -> list[str]:
        return [self.python, *args]

    def engine_argv(self) -> list[str]:
        if getattr(sys, "frozen", False) and self.python == sys.executable:
            return [self.python, FROZEN_ENGINE_FLAG]
        return self.argv("-m", ENGINE_MODULE)

    def environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The child's environment: `base` (os.environ), without another Python's
        variables when the child is another interpreter, plus gilviz's location and ours."""
        base = os.environ if base is None else base
        foreign = os.path.realpath(self.python) != os.path.realpath(sys.executable)
        env = {k: v for k, v in base.items() if not (foreign and k in _FOREIGN)}
        if not getattr(sys, "frozen", False):
            # The child finds gilviz where this process found it, even when gilviz runs
            # from a checkout that is not installed and the working folder is elsewhere.
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [GILVIZ_PARENT,
                                                              env.get("PYTHONPATH")]))
        env.update(self.env)
        env["PYTHONUNBUFFERED"] = "1"
        return env


class EngineRun:
    """One lesson run in a child process; the same polling interface as InProcessRun."""

    def __init__(self, lesson_id: str, params: dict[str, Any],
                 command: EngineCommand | None = None, nice: int = 0) -> None:
        """`nice` > 0 lowers the engine's priority (the window asks for that)."""
        self.lesson_id = lesson_id
        self.params = dict(params)
        self.command = command or EngineCommand()
        self.nice = nice
        self.board: Board | None = None  # made at start: nothing to leak before
        self.process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()
        self._events: list[LogEvent] = []
        self._values: dict[str, Any] = {}
        self._result: RunResult | None = None
        self._failure: str | None = None
        # What the engine said about its interpreter once the lesson had run (gil_enabled).
        self.interpreter_facts: dict[str, Any] = {}
        self._started_ns = 0
        self._closed = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def origin_ns(self) -> int:
        board = self._live_board
        return board.origin_ns() if board is not None else 0

    @property
    def exitcode(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def start(self) -> None:
        self._started_ns = time.perf_counter_ns()
        self.board = Board.shared()
        try:
            self.process = subprocess.Popen(
                self.command.engine_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                env=child_env_with_parent(self.command.environ()), close_fds=True,
                process_group=0,  # kill() reaches the processes the lesson starts, too
            )
        except OSError:
            self._release()
            raise
        assert self.process.stdin is not None and self.process.stdout is not None
        with contextlib.suppress(OSError):  # it died at once: done() reports its exit code
            write_frame(self.process.stdin, {
                "lesson": self.lesson_id, "params": self.params,
                "board": self.board.name, "nice": self.nice})
        self._reader = threading.Thread(
            target=self._read, args=(self.process.stdout,), daemon=True,
            name=f"gilviz-engine-reader-{self.lesson_id}")
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        """Collect the child's messages until it closes its end (exits)."""
        try:
            while True:
                kind, payload = read_frame(stream)
                with self._lock:
                    if kind == "log":
                        events, values = payload
                        self._events.extend(events)
                        self._values = values
                    elif kind == "result":
                        self._result = payload
                    elif kind == "failed":
                        self._failure = payload
                    elif kind == "interpreter":
                        self.interpreter_facts = dict(payload)
        except (EOFError, OSError, ValueError):
            pass  # the child exited (or died mid-message): done() reports it
        except Exception as exc:  # an unreadable message: say so rather than hang
            with self._lock:
                self._failure = f"unreadable message from the engine: {exc}"

    @property
    def _live_board(self) -> Board | None:
        return None if self._closed else self.board

    def stop(self) -> None:
        if self._live_board is not None:
            self._live_board.request_stop()

    def kill(self) -> None:
        """End the child and its process group now (code that ignores the stop flag),
        waiting a moment so that done() can tell at once."""
        if self.process is None or self.process.poll() is not None:
            return
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(0.05)

    def _signal_group(self, signum: int) -> None:
        assert self.process is not None
        # Not yet waited for, the child (if only a zombie) still holds its group's id.
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            self.process.send_signal(signum)

    def snapshot(self, events_from: int = 0) -> Snapshot:
        with self._lock:
            events = self._events[events_from:]
            values = dict(self._values)
        board = self._live_board
        if board is None:
            return Snapshot(t=0.0, lanes=(), events=tuple(events),
                            events_total=events_from + len(events), values=values)
        origin = board.origin_ns() or self._started_ns
        return Snapshot(
            t=(time.perf_counter_ns() - origin) / 1e9,
            lanes=board.read_lanes(),
            events=tuple(events),
            events_total=events_from + len(events),
            values=values,
        )

    def read_marks(self, index: int, start: int, end: int) -> list[int]:
        board = self._live_board
        return [] if board is None else board.read_marks(index, start, end)

    def poke(self) -> None:
        if self._live_board is not None:
            self._live_board.poke()

    def done(self) -> bool:
        with self._lock:
            if self._result is not None:
                return True
        if self.process is None or self.process.poll() is None:
            return False
        if self._reader is not None:
            self._reader.join(1.0)  # the last messages may still be in the pipe
        with self._lock:
            if self._result is None:
                elapsed = (time.perf_counter_ns() - self._started_ns) / 1e9
                reason = self._failure or (
                    f"engine stopped unexpectedly: exit code {self.process.returncode}")
                board = self._live_board
                stopped = board is not None and board.stop_requested()
                self._result = RunResult(self.lesson_id, self.params, elapsed, {},
                                         stopped=stopped, error=reason)
        return True

    def result(self) -> RunResult | None:
        return self._result if self.done() else None

    def exited(self) -> bool:
        """Non-blocking: True once the child process is gone (it sends its result
        first and may take a moment more to shut its interpreter down)."""
        return self.process is None or self.process.poll() is not None

    def close(self, timeout_s: float = 2.0) -> bool:
        """Stop the child and make sure it is gone; True if it ended by itself."""
        if self.process is None:
            self._release()
            return True
        self.stop()
        cooperative = True
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            cooperative = False
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(1.0)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(1.0)
        self.done()
        self._release()
        return cooperative

    def _release(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._reader is not None:
            self._reader.join(1.0)  # the child is gone: its pipe is at EOF
        if self.process is not None:
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
        if self.board is not None:
            self.board.close()
