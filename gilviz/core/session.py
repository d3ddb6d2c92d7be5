"""One run's life, start to history row, with no Qt: what the CLI and the window share.

A RunSession creates its run through the RunFactory, and each poll() copies what the run
has measured since the last one: the log, the timeline marks, and at the end the result.
Whoever drives it (the CLI's loop, the window's timer) only presents what it returns.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from gilviz.core.engine import EngineCommand
from gilviz.core.kernel_states import KernelStates, gil_of
from gilviz.core.lesson import Lesson
from gilviz.core.params import resolve
from gilviz.core.placement import ISOLATED, RunFactory
from gilviz.core.runner import RunResult
from gilviz.core.telemetry import LogEvent, Snapshot
from gilviz.core.timeline import TimelineRecorder


class RunSession:
    def __init__(self, lesson: Lesson, params: dict[str, Any], placement: str,
                 factory: RunFactory | None = None,
                 engine: EngineCommand | None = None, measure_states: bool = True) -> None:
        """Raises ParamError for settings the placement cannot run. With measure_states
        (and where the OS allows), a kernel sampler watches the run's threads."""
        self.lesson = lesson
        self.params = resolve(lesson.params, params)
        self.placement = placement
        self.engine = engine
        self.run = (factory or RunFactory()).create(lesson, self.params, placement, engine)
        self.recorder = TimelineRecorder(self.run.read_marks)
        self.events: list[LogEvent] = []
        self.result: RunResult | None = None
        self.measure_states = measure_states
        self.kernel: KernelStates | None = None
        self.sampler_cost: dict[str, Any] = {}  # the sampler's own CPU time, rate...
        self._started = False

    def start(self) -> None:
        self.run.start()
        self._started = True
        if self.measure_states:
            self._start_kernel()

    def _start_kernel(self) -> None:
        """Thread states measured by the kernel: a sampler process reads the threads of
        the process the lesson runs in (this one, or the engine child)."""
        pid = self.run.pid
        if pid is None:
            return
        engine = self.engine if self.placement == ISOLATED else None
        gil = gil_of(engine.python, engine.environ()) if engine is not None else gil_of()
        self.kernel = KernelStates.start(pid, self.run.origin_ns, gil=gil)
        self.recorder.kernel = self.kernel

    @property
    def finished(self) -> bool:
        return self.result is not None

    def poll(self) -> Snapshot:
        """What changed since the last poll: the snapshot carries only new log events."""
        ended = self.run.done()  # asked first, so the snapshot includes the very end
        snapshot = self.run.snapshot(events_from=len(self.events))
        self.events.extend(snapshot.events)
        if ended and self.result is None:
            self._conclude(snapshot)
        else:
            self.recorder.update(snapshot)
        return snapshot

    def _conclude(self, snapshot: Snapshot) -> None:
        """The run has ended: last marks and kernel records, then the result, which gains
        each lesson thread's measured (or inferred) states."""
        self.sampler_cost = self.recorder.finish(snapshot)
        result = self.run.result()
        if result is not None and result.error is None:
            states = self.recorder.thread_states()
            result = dataclasses.replace(result, result={**result.result,
                                                         "thread_states": states})
        self.result = result

    def stop(self) -> None:
        self.run.stop()

    def poke(self) -> None:
        self.run.poke()

    def exited(self) -> bool:
        return not self._started or self.run.exited()

    def close(self, timeout_s: float = 2.0) -> bool:
        """Stop the run and make sure it is gone; True if it ended by itself."""
        if not self._started:
            return True
        if self.result is None and self.run.done():
            self._conclude(self.run.snapshot(events_from=len(self.events)))
        ended = self.run.close(timeout_s)
        if self.result is None and self.run.done():
            self._conclude(self.run.snapshot(events_from=len(self.events)))
        if self.kernel is not None:
            self.kernel.stop()  # idempotent; a run closed early leaves no sampler behind
        return ended

    def chrome_trace(self, **meta: Any) -> dict[str, Any]:
        info: dict[str, Any] = {"demo": self.lesson.id, "params": self.params,
                                "placement": self.placement}
        if self.result is not None:
            info["elapsed_s"] = self.result.elapsed_s
        info.update(meta)
        return self.recorder.chrome_trace(tuple(self.events), info)

    def history_row(self) -> dict[str, Any] | None:
        """One row of the run history (CSV export), once the run has ended."""
        result = self.result
        if result is None:
            return None
        outcome = "failed" if result.error else "stopped" if result.stopped else "finished"
        return {"lesson": result.demo, "placement": self.placement,
                "params": json.dumps(result.params, sort_keys=True),
                "elapsed_s": round(result.elapsed_s, 4), "outcome": outcome,
                "error": result.error or "",
                "result": json.dumps(result.result, sort_keys=True)}
