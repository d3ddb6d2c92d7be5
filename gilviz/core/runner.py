"""Runs one lesson in this process and returns a plain, JSON-ready result."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import resolve
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe

# How long the runner waits for threads a lesson left running once the run is stopped.
# Workers check the stop token at least every 250 ms, so this is only a safety net.
STRAGGLER_GRACE_S = 2.0


@dataclass(frozen=True)
class RunResult:
    lesson: str
    params: dict[str, Any]
    elapsed_s: float
    result: dict[str, Any]
    stopped: bool = False
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON: the lesson's id goes under "demo", the key DESIGN.md fixes."""
        data = asdict(self)
        data = {"demo": data.pop("lesson"), **data}
        if self.error is None:
            del data["error"]
        return data


def execute(
    lesson: Lesson,
    params: Mapping[str, Any] | None = None,
    probe: Probe | None = None,
) -> RunResult:
    """Run a lesson to its end (or until its probe's stop token is set).

    Like the interpreter at exit, the runner waits for every non-daemon thread the lesson
    started and did not join, so a lesson that skips join() still ends cleanly.
    """
    values = resolve(lesson.params, params or {})
    probe = probe or Probe()
    before = set(threading.enumerate())
    started = time.perf_counter()
    result: dict[str, Any] = {}
    error = None
    try:
        result = lesson.run(values, probe, probe.stop)
    except Exception as exc:  # a lesson bug must not take the window down
        error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
        probe.stop.set()
    finally:
        _wait_for_stragglers(before, probe.stop)
    elapsed = time.perf_counter() - started
    if lesson.report is not None and error is None:
        try:
            result = lesson.report(result, probe.snapshot())
        except Exception as exc:
            error = f"could not measure the result: {type(exc).__name__}: {exc}"
            traceback.print_exc()
    return RunResult(lesson.id, values, elapsed, result, probe.stop.is_set(), error)


def _wait_for_stragglers(before: set[threading.Thread], stop: StopToken) -> None:
    deadline = None
    for thread in threading.enumerate():
        if thread in before or thread.daemon or thread is threading.current_thread():
            continue
        while thread.is_alive():
            if stop.is_set():
                deadline = deadline or time.monotonic() + STRAGGLER_GRACE_S
                if time.monotonic() > deadline:
                    return
            thread.join(0.05)
