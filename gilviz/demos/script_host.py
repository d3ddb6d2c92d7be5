"""Runs a student's script as the plain script it is, with every thread and line on show.

The script is compiled and executed in a fresh `__main__` module, as `python script.py`
would, inside the engine process (never through a shell). For the length of the run
sys.stdout/sys.stderr route its output per thread (script_output), new threads get lanes
(script_threads), sys.stdin is empty, and gilviz.stop_requested() reads the run's stop
flag. When the script's main code ends, the host does what the interpreter does at exit:
it runs threading's exit hooks (a ThreadPoolExecutor left open is shut down) and waits
for the script's non-daemon threads; then it puts everything back as it was.
"""

from __future__ import annotations

import builtins
import io
import linecache
import sys
import threading
import time
import types
from dataclasses import dataclass, field
from typing import Any

import gilviz
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.demos.script_output import OutputRouter, ThreadOutput
from gilviz.demos.script_threads import ScriptError, ScriptThreads, describe, hide_frames_of

hide_frames_of(__file__)

FINISHED, ERROR, STOPPED = "finished", "error", "stopped"
JOIN_STEP_S = 0.05
STOPPED_JOIN_GRACE_S = 0.05  # after Stop, how long threads get to end before the host
# gives up on them (the session ends the engine if they never do)


@dataclass
class ScriptOutcome:
    status: str
    elapsed_s: float
    errors: list[ScriptError] = field(default_factory=list)


class ScriptHost:
    def __init__(self, probe: Probe, stop: StopToken) -> None:
        self.probe = probe
        self.stop = stop
        self.output = OutputRouter(probe)
        self.threads: ScriptThreads | None = None

    @property
    def errors(self) -> list[ScriptError]:
        return list(self.threads.errors) if self.threads is not None else []

    def run(self, source: str, filename: str, names: dict[str, Any],
            folder: str | None = None, at_exit: bool = True) -> ScriptOutcome:
        """Run `source` as the main module, `names` already defined in it. `filename` is
        what tracebacks show; `folder` (the script's own) goes first on sys.path.
        `at_exit`: finish as the interpreter would at exit (see _run_exit_hooks)."""
        code = compile(source, filename, "exec", dont_inherit=True)
        module = types.ModuleType("__main__")
        module.__dict__.update(names, __builtins__=builtins)
        if folder is not None:
            module.__file__ = filename
        threads = self.threads = ScriptThreads(self.probe, self.output, filename)
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        saved = _Saved.take()
        sys.stdout = ThreadOutput(self.output, saved.stdout, "<stdout>")
        sys.stderr = ThreadOutput(self.output, saved.stderr, "<stderr>")
        sys.stdin = io.StringIO()  # input() meets the end of input, as with < /dev/null
        sys.argv = [filename]
        if folder is not None:
            sys.path.insert(0, folder)
        sys.modules["__main__"] = module
        gilviz._stop_flag = self.stop.is_set
        main = threads.install()
        started = time.perf_counter()
        try:
            self._execute(code, module, threads)
            self.output.flush_thread()
            main.finish()
            if at_exit:
                _run_exit_hooks()
            self._join(threads)
        finally:
            elapsed = time.perf_counter() - started
            threads.uninstall()
            saved.restore()
            linecache.cache.pop(filename, None)
        errors = list(threads.errors)
        status = STOPPED if self.stop.is_set() else ERROR if errors else FINISHED
        return ScriptOutcome(status, elapsed, errors)

    def _execute(self, code: types.CodeType, module: types.ModuleType,
                 threads: ScriptThreads) -> None:
        name = self.output.name() or "MainThread"
        try:
            exec(code, module.__dict__)
        except SystemExit as exc:
            if exc.code is None or exc.code == 0:
                return
            if not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)  # as the interpreter prints it
            threads.report(ScriptError(name, "SystemExit", None,
                                       f"SystemExit: {exc.code}\n"))
        except BaseException as exc:  # the script's own failure: reported, never raised
            threads.report(describe(type(exc), exc, exc.__traceback__, threads.script, name))

    def _join(self, threads: ScriptThreads) -> None:
        """Wait for the script's non-daemon threads, as the interpreter does at exit."""
        give_up_at: float | None = None
        for thread in threads.started():
            while thread.is_alive() and not thread.daemon:
                if self.stop.is_set():
                    give_up_at = give_up_at or time.monotonic() + STOPPED_JOIN_GRACE_S
                    if time.monotonic() > give_up_at:
                        return
                thread.join(JOIN_STEP_S)


def _run_exit_hooks() -> None:
    """threading's exit hooks, newest first, as the interpreter runs them before it waits
    for the threads left: concurrent.futures shuts the executors' idle workers down
    through one. Only for a process that ends after the script (the engine): new
    executors cannot start afterwards."""
    for hook in reversed(list(getattr(threading, "_threading_atexits", ()))):
        try:
            hook()
        except Exception as exc:  # as the interpreter would: say so and go on
            print(f"gilviz: an exit hook failed: {exc!r}", file=sys.__stderr__)


@dataclass
class _Saved:
    """What the run changes in sys and gilviz, to put back afterwards."""

    stdout: Any
    stderr: Any
    stdin: Any
    argv: list[str]
    path: list[str]
    main: types.ModuleType | None
    stop_flag: Any

    @classmethod
    def take(cls) -> _Saved:
        return cls(sys.stdout, sys.stderr, sys.stdin, list(sys.argv), list(sys.path),
                   sys.modules.get("__main__"), gilviz._stop_flag)

    def restore(self) -> None:
        sys.stdout, sys.stderr, sys.stdin = self.stdout, self.stderr, self.stdin
        sys.argv[:] = self.argv
        sys.path[:] = self.path
        if self.main is not None:
            sys.modules["__main__"] = self.main
        gilviz._stop_flag = self.stop_flag
