"""Run a lesson headless with quick settings and hand back its result and log."""

from __future__ import annotations

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
