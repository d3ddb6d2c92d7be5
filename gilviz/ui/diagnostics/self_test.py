"""`gilviz --self-test`: the checks to run on a lecture-hall PC before the talk.

Opens the real window (offscreen works too), runs one short lesson inside the window's
process and one in the isolated engine through the page's own Run button logic, starts
one process-pool worker, checks each result, closes the window and exits 0. Anything
wrong: one line on stderr naming the reason, exit 1.

It never hangs: a GUI-side timer fails the test after --timeout seconds, and a plain
watchdog thread ends the process (and its children) should the event loop itself be
stuck or the interpreter hang on its way out.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QGuiApplication

from gilviz.core.placement import ISOLATED
from gilviz.core.runner import RunResult
from gilviz.ui.application import application, build_window
from gilviz.ui.main_window import MainWindow

DEFAULT_TIMEOUT_S = 60.0
HARD_GRACE_S = 15.0  # after the soft timeout, before the watchdog ends the process
POLL_MS = 50
PREFIX = "gilviz self-test"


@dataclass(frozen=True)
class LessonCheck:
    """One lesson, its settings, where it runs, and what its result must satisfy."""

    lesson_id: str
    params: dict[str, Any]
    in_gui_process: bool
    check: Callable[[dict[str, Any], dict[str, Any]], str | None]  # problem or None

    @property
    def where(self) -> str:
        return "the window's process" if self.in_gui_process else "the isolated engine"


def check_thread_join(result: dict[str, Any], params: dict[str, Any]) -> str | None:
    if result.get("worker_messages") != params["count"]:
        return f"the worker printed {result.get('worker_messages')} of {params['count']}"
    if result.get("main_after_worker_end") is not True:
        return "main spoke before its joined worker had ended"
    return None


def check_gil_cpu(result: dict[str, Any], params: dict[str, Any]) -> str | None:
    if result.get("threads") != params["threads"]:
        return f"ran {result.get('threads')} threads, not {params['threads']}"
    if result.get("work_units") != params["iterations"]:
        return f"did {result.get('work_units')} iterations, not {params['iterations']}"
    for key in ("sequential_s", "threaded_s", "speedup"):
        value = result.get(key)
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            return f"{key} is {value!r}"
    return None


CHECKS = (
    LessonCheck("thread-join", {"count": 2, "interval_s": 0.05}, True, check_thread_join),
    LessonCheck("gil-cpu", {"threads": 2, "iterations": 200_000}, False, check_gil_cpu),
)


def check_run(step: LessonCheck, run: RunResult) -> str | None:
    """The reason a finished run fails the self-test, or None when it passes."""
    if run.error:
        return f"{step.lesson_id} failed: {run.error}"
    if run.stopped:
        return f"{step.lesson_id} was stopped before it finished"
    if run.lesson != step.lesson_id:
        return f"expected a result of {step.lesson_id}, got one of {run.lesson}"
    if not run.elapsed_s > 0:
        return f"{step.lesson_id} took {run.elapsed_s} s"
    problem = step.check(run.result, step.params)
    return f"{step.lesson_id}: {problem}" if problem else None


def pool_worker_pid(timeout_s: float) -> int:
    """The pid of a freshly spawned process-pool worker (process lessons rely on pools)."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return pool.submit(os.getpid).result(timeout=timeout_s)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class SelfTest(QObject):
    """Steps through the checks on the GUI thread, driven by timers and signals."""

    def __init__(self, window: MainWindow, timeout_s: float, say: Callable[[str], None]):
        super().__init__()
        self.window = window
        self.say = say
        self.exit_code: int | None = None
        self.reason = ""
        self._timeout_s = timeout_s
        self._started = time.monotonic()
        self._step = "opening the window"
        self._pending: list[LessonCheck] = list(CHECKS)
        self._current: LessonCheck | None = None
        self._pool: dict[str, Any] = {}
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(int(timeout_s * 1000))
        self._deadline.timeout.connect(self._on_deadline)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._wait_until_shown)
        window.page.controller.runFinished.connect(self._on_run_finished)

    def start(self) -> None:
        self._deadline.start()
        self.window.show()
        self._poll.start()

    @Slot()
    def _wait_until_shown(self) -> None:
        handle = self.window.windowHandle()
        if handle is None or not handle.isExposed():
            return
        self._poll.stop()
        self._poll.timeout.disconnect(self._wait_until_shown)
        if QGuiApplication.windowIcon().isNull() or self.window.windowIcon().isNull():
            self._fail("the window has no icon (resources not found)")
            return
        platform = QGuiApplication.platformName()
        self.say(f"window shown ({platform}, {self.window.width()}x{self.window.height()}), "
                 "icon set")
        self._next_lesson()

    def _next_lesson(self) -> None:
        if not self._pending:
            self._start_pool_check()
            return
        step = self._current = self._pending.pop(0)
        self._step = f"running {step.lesson_id} in {step.where}"
        page = self.window.page
        self.window.navigator.select(step.lesson_id)
        if page.lesson is None or page.lesson.id != step.lesson_id:
            self._fail(f"could not open lesson {step.lesson_id}")
            return
        page.form.set_values(step.params)
        shown = {name: page.form.values().get(name) for name in step.params}
        if shown != step.params:
            self._fail(f"{step.lesson_id}: the form took {shown}, not {step.params}")
            return
        page.in_gui_process.setChecked(step.in_gui_process)
        page.run()
        session = page.controller.session
        if session is None:
            problem = page.result_view.toPlainText().strip().splitlines()
            self._fail(f"{step.lesson_id} did not start: {problem[-1] if problem else '?'}")
            return
        isolated = session.placement == ISOLATED
        if isolated == step.in_gui_process:
            self._fail(f"{step.lesson_id} started in the wrong place")
            return
        if isolated and session.run.pid in (None, os.getpid()):
            self._fail(f"{step.lesson_id}: the isolated engine has no process of its own")

    @Slot(object)
    def _on_run_finished(self, run: RunResult) -> None:
        step = self._current
        if step is None or self.exit_code is not None:
            return
        self._current = None
        problem = check_run(step, run)
        if problem:
            self._fail(problem)
            return
        extra = ""
        if "speedup" in run.result:
            extra = f", speedup {run.result['speedup']:.2f}x"
        self.say(f"{step.lesson_id} in {step.where}: ok ({run.elapsed_s:.2f} s{extra})")
        QTimer.singleShot(0, self._next_lesson)

    def _start_pool_check(self) -> None:
        """A pool worker is spawned off the GUI thread; a timer polls for its answer."""
        self._step = "starting a process-pool worker"

        def work() -> None:
            try:
                self._pool["pid"] = pool_worker_pid(timeout_s=20.0)
            except Exception as exc:
                self._pool["error"] = f"{type(exc).__name__}: {exc}"

        threading.Thread(target=work, name="gilviz-self-test-pool", daemon=True).start()
        self._poll.timeout.connect(self._wait_for_pool)
        self._poll.start()

    @Slot()
    def _wait_for_pool(self) -> None:
        if not self._pool:
            return
        self._poll.stop()
        if "error" in self._pool:
            self._fail(f"process pool: {self._pool['error']}")
            return
        pid = self._pool["pid"]
        if pid == os.getpid():
            self._fail("process pool: the worker ran in this process")
            return
        self.say(f"process pool: ok (a spawned worker, pid {pid})")
        self._finish(0)

    @Slot()
    def _on_deadline(self) -> None:
        self._fail(f"timed out after {self._timeout_s:g} s while {self._step}")

    def _fail(self, reason: str) -> None:
        self.reason = reason
        self._finish(1)

    def _finish(self, code: int) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        self._deadline.stop()
        self._poll.stop()
        self.window.close()  # stops any run and ends the engine (MainWindow.shutdown)
        if code == 0:
            self.say(f"passed in {time.monotonic() - self._started:.1f} s")
        application().exit(code)


def _kill_children() -> None:
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            child.kill()
    except Exception:
        pass  # best effort, on the way out anyway


def _start_watchdog(after_s: float) -> threading.Timer:
    """Ends the process if even the event loop or interpreter exit is stuck."""

    def expire() -> None:
        print(f"{PREFIX} failed: hung for {after_s:.0f} s; ended by the watchdog",
              file=sys.stderr, flush=True)
        _kill_children()
        os._exit(1)

    watchdog = threading.Timer(after_s, expire)
    watchdog.name = "gilviz-self-test-watchdog"
    watchdog.daemon = True
    watchdog.start()
    return watchdog


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gilviz --self-test",
                                     description="Check this machine can run gilviz.")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                        help=f"give up after S seconds (default {DEFAULT_TIMEOUT_S:.0f})")
    args = parser.parse_args(argv)
    if not args.timeout > 0:
        parser.error("--timeout must be positive")
    return args


def main(argv: Sequence[str] = ()) -> int:
    """Run the self-test in a fresh QApplication; the process exit status is the verdict."""
    args = parse_args(argv)
    # Never cancelled: interpreter exit joins pool and engine helpers, and could hang too.
    _start_watchdog(args.timeout + HARD_GRACE_S)

    def say(line: str) -> None:
        print(f"{PREFIX}: {line}", flush=True)

    try:
        app = application()
        window = build_window()
        window.resize(1280, 720)
        test = SelfTest(window, args.timeout, say)
        test.start()
        app.exec()
        window.shutdown()  # idempotent; covers a loop that ended some other way
    except Exception as exc:
        print(f"{PREFIX} failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    if test.exit_code is None:
        print(f"{PREFIX} failed: the window closed before the test ended", file=sys.stderr)
        return 1
    if test.exit_code != 0:
        print(f"{PREFIX} failed: {test.reason}", file=sys.stderr, flush=True)
    return test.exit_code
