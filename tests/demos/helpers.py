"""Run a lesson headless with quick settings and hand back its result and log."""

from __future__ import annotations

import threading
import time
from typing import Any

from gilviz.core.runner import RunResult, execute
from gilviz.core.telemetry import Probe, Snapshot
from gilviz.demos import REGISTRY

FAST = {"interval_s": 0.02}  # for the lessons that have this knob


def run_lesson(lesson_id: str, **params: Any) -> tuple[RunResult, Snapshot]:
    lesson = REGISTRY.get(lesson_id)
    knobs = {spec.name for spec in lesson.params}
    fast = {name: value for name, value in FAST.items() if name in knobs}
    probe = Probe()
    outcome = execute(lesson, {**fast, **params}, probe)
    assert outcome.error is None, outcome.error
    return outcome, probe.snapshot()


def run_and_stop(lesson_id: str, params: dict[str, Any],
                 after_s: float = 0.3) -> tuple[RunResult, Probe, float]:
    """Run a lesson, press Stop after `after_s`, and return the result, its probe and the
    seconds from the moment Stop was pressed to the run's end."""
    probe = Probe()
    stopped_at: list[float] = []

    def stop() -> None:
        stopped_at.append(time.perf_counter())
        probe.stop.set()

    timer = threading.Timer(after_s, stop)
    timer.start()
    outcome = execute(REGISTRY.get(lesson_id), params, probe)
    ended = time.perf_counter()
    timer.join()
    return outcome, probe, ended - stopped_at[0]
