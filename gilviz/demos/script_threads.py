"""Every thread a student's script starts gets a lane, and nothing in the script changes.

While the script runs, threading.Thread.start is wrapped: a thread started by one of the
script's own threads (its main thread first of all) is adopted, so executor workers,
Timers and Thread subclasses are found the same way, and gilviz's own threads (the local
site's) are not. An adopted thread's run() is wrapped on that instance: once running, the
thread takes a lane named as Python named it, with its native id, and its output is
routed to that lane. The cost is paid once per thread start; nothing traces each call or
line, so the script runs at its own speed. Its waits in threading are declared on its
lane (script_waits), so the kernel's states can tell them from GIL waits.
threading.excepthook reports an exception in one of the script's threads with the
thread's name and the failing line.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
import traceback
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any

from gilviz.core.board import MAX_LANES, NAME_BYTES
from gilviz.core.telemetry import Lane, Probe
from gilviz.demos.script_output import HOST, OutputRouter
from gilviz.demos.script_waits import ScriptWaits

_HOST_FILES: set[str] = {__file__}  # gilviz's frames, left out of the script's tracebacks
MAX_SCRIPT_LANES = MAX_LANES - 1  # what the shared board holds; later threads get no row


def hide_frames_of(filename: str) -> None:
    _HOST_FILES.add(filename)


@dataclass(frozen=True)
class ScriptError:
    thread: str
    kind: str  # the exception's type name
    line: int | None  # the failing line of the script (the deepest frame in it)
    traceback: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def describe(kind: type[BaseException], error: BaseException | None,
             trace: TracebackType | None, script: str, thread: str) -> ScriptError:
    """The traceback Python would print, minus gilviz's own frames."""
    report = traceback.TracebackException(kind, error or kind(), trace, compact=True)
    report.stack = traceback.StackSummary.from_list(
        [frame for frame in report.stack if frame.filename not in _HOST_FILES])
    line = next((frame.lineno for frame in reversed(report.stack)
                 if frame.filename == script), None)
    if line is None and isinstance(error, SyntaxError) and error.filename == script:
        line = error.lineno
    return ScriptError(thread, kind.__name__, line, "".join(report.format()))


def fit_name(name: str) -> str:
    """A lane name the shared board can hold whole (it keeps NAME_BYTES of UTF-8)."""
    while len(name.encode("utf-8")) > NAME_BYTES:
        name = name[:-1]
    return name


class ScriptThreads:
    def __init__(self, probe: Probe, output: OutputRouter, script: str) -> None:
        self.probe = probe
        self.output = output
        self.script = script
        self.errors: list[ScriptError] = []
        self.main: threading.Thread | None = None
        self._owned: list[threading.Thread] = []
        self._owned_set: set[threading.Thread] = set()
        self._names: set[str] = {HOST}  # a thread the script names "gilviz" gets a #2
        self.without_lane = 0  # threads past MAX_SCRIPT_LANES: output kept, no row
        self._lock = threading.Lock()
        self._saved_start: Any = None
        self._saved_hook: Any = None
        self._local = threading.local()  # each script thread's lane
        self._waits = ScriptWaits(lambda: getattr(self._local, "lane", None))

    def install(self) -> Lane:
        """Adopt from now on; the calling thread is the script's main. Returns its lane."""
        self.main = threading.current_thread()
        self._owned_set.add(self.main)
        self._saved_start = original = threading.Thread.start
        self._saved_hook = threading.excepthook
        owned = self._owned_set

        @functools.wraps(original)
        def start(thread: threading.Thread) -> None:
            if threading.current_thread() in owned and thread not in owned:
                self._adopt(thread)
            original(thread)

        threading.Thread.start = start  # type: ignore[method-assign]
        threading.excepthook = self._excepthook
        self._waits.install()
        main_lane = self.enter(self.main)
        assert main_lane is not None  # the first lane always has room
        return main_lane

    def uninstall(self) -> None:
        self._waits.uninstall()
        if self._saved_start is not None:
            threading.Thread.start = self._saved_start  # type: ignore[method-assign]
            threading.excepthook = self._saved_hook
            self._saved_start = self._saved_hook = None

    def started(self) -> list[threading.Thread]:
        """The threads the script started, in order (its main thread not included)."""
        with self._lock:
            return list(self._owned)

    def _adopt(self, thread: threading.Thread) -> None:
        with self._lock:
            self._owned.append(thread)
            self._owned_set.add(thread)
        run = thread.run

        def run_in_lane() -> None:
            lane = self.enter(thread)
            try:
                run()
            finally:
                self.output.flush_thread()
                if lane is not None:
                    lane.finish()

        # A class that forbids it: the thread runs as it is, without a row.
        with contextlib.suppress(AttributeError, TypeError):
            thread.run = run_in_lane  # type: ignore[method-assign]

    def enter(self, thread: threading.Thread) -> Lane | None:
        """Called in `thread` itself: its lane (None past the board's room), and its
        output bound to its name."""
        with self._lock:
            name = base = fit_name(thread.name)
            copy = 2
            while name in self._names:  # two threads the script named alike
                name = fit_name(f"{base[:NAME_BYTES - 6]} #{copy}")
                copy += 1
            self._names.add(name)
            room = len(self._names) - 1 <= MAX_SCRIPT_LANES
            if not room:
                self.without_lane += 1
        self.output.bind(name)
        if not room:
            if self.without_lane == 1:
                self.probe.record(HOST, f"more than {MAX_SCRIPT_LANES} threads: the next "
                                        "ones run without a row (their output is kept)")
            return None
        lane = self.probe.lane(name)
        lane.run()
        self._local.lane = lane
        return lane

    def report(self, error: ScriptError) -> None:
        """An exception ended a thread of the script: keep it, and print it in that
        thread's output as Python would."""
        self.errors.append(error)
        sys.stderr.write(error.traceback)

    def _excepthook(self, args: threading.ExceptHookArgs) -> None:
        thread = args.thread
        if thread is None or thread not in self._owned_set:
            self._saved_hook(args)
            return
        if args.exc_type is SystemExit:
            return  # ends the thread quietly, as in any script
        name = self.output.name() or thread.name
        error = describe(args.exc_type, args.exc_value, args.exc_traceback,
                         self.script, name)
        self.report(ScriptError(error.thread, error.kind, error.line,
                                f"Exception in thread {name}:\n{error.traceback}"))
