"""One run's life, start to history row, with no Qt: what the CLI and the window share.

A RunSession creates its run through the RunFactory, and each poll() copies what the run
has measured since the last one: the log, the timeline marks, and at the end the result.
Whoever drives it (the CLI's loop, the window's timer) only presents what it returns.

A lesson whose code may ignore the stop flag (Lesson.cooperative False) is asked to stop,
and STOP_GRACE_S later its engine is ended by force; so is one past its time limit. Both
drivers get that from poll(), and the result is then written from what was received.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from gilviz.core.engine import EngineCommand
from gilviz.core.kernel_states import KernelStates, gil_of
from gilviz.core.lesson import TIMEOUT, Lesson
from gilviz.core.params import resolve
from gilviz.core.placement import ISOLATED, RunFactory
from gilviz.core.runner import RunResult
from gilviz.core.telemetry import LaneSnapshot, LogEvent, Snapshot
from gilviz.core.timeline import TimelineRecorder
from gilviz.core.verdict import STOPPED

STOP_GRACE_S = 0.1  # how long code that may ignore Stop gets before its engine is ended


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
        self.stop_reason: str | None = None  # STOPPED or TIMEOUT, once asked to stop
        self.forced = False  # the run was ended by force: its result is written here
        self.time_limit = lesson.time_limit(self.params) if lesson.time_limit else None
        self._started = False
        self._started_at = 0.0
        self._kill_at: float | None = None
        self._t = 0.0
        self._lanes: tuple[LaneSnapshot, ...] = ()
        self._values: dict[str, Any] = {}

    def start(self) -> None:
        self.run.start()
        self._started = True
        self._started_at = time.monotonic()
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
        self._enforce()
        ended = self.run.done()  # asked first, so the snapshot includes the very end
        snapshot = self.run.snapshot(events_from=len(self.events))
        self._received(snapshot)
        if ended and self.result is None:
            self._conclude(snapshot)
        else:
            self.recorder.update(snapshot)
        return snapshot

    def _conclude(self, snapshot: Snapshot) -> None:
        """The run has ended: last marks and kernel records, then the result, which gains
        each lesson thread's measured (or inferred) states."""
        self.sampler_cost = self.recorder.finish(snapshot)
        result = self._final_result()
        if result is not None and result.error is None:
            states = self.recorder.thread_states()
            result = dataclasses.replace(result, result={**result.result,
                                                         "thread_states": states})
        self.result = result

    def _received(self, snapshot: Snapshot) -> None:
        self.events.extend(snapshot.events)
        self._t = max(self._t, snapshot.t)
        if snapshot.lanes:  # an engine that is gone shows none: keep the last it showed
            self._lanes = snapshot.lanes
        if snapshot.values:
            self._values = snapshot.values

    def stop(self) -> None:
        self._ask_to_stop(STOPPED)

    def _ask_to_stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
            if not self.lesson.cooperative:
                self._kill_at = time.monotonic() + STOP_GRACE_S
        self.run.stop()

    def _enforce(self) -> None:
        """The time limit, and the end by force of code that did not stop in its grace."""
        if not self._started or self.result is not None:
            return
        # The run's own clock (from when its code began), as the lesson measures it.
        if self.time_limit is not None and self._t >= self.time_limit:
            self._ask_to_stop(TIMEOUT)
        if self._kill_at is not None and time.monotonic() >= self._kill_at:
            self._kill_at = None
            if not self.run.done():
                self.forced = True
                self.run.kill()

    def _final_result(self) -> RunResult | None:
        """The run's own result; for a run ended by force, the lesson's reading of what
        this session received (the engine could not send its own)."""
        result = self.run.result()
        if (result is None or not self.forced or result.result
                or self.lesson.forced_result is None):
            return result
        elapsed = time.monotonic() - self._started_at
        received = Snapshot(t=self._t, lanes=self._lanes, events=tuple(self.events),
                            events_total=len(self.events), values=self._values)
        reason = self.stop_reason or STOPPED
        return RunResult(self.lesson.id, self.params, elapsed,
                         self.lesson.forced_result(self.params, received, reason),
                         stopped=True)

    def poke(self) -> None:
        self.run.poke()

    def exited(self) -> bool:
        return not self._started or self.run.exited()

    def close(self, timeout_s: float = 2.0) -> bool:
        """Stop the run and make sure it is gone; True if it ended by itself."""
        if not self._started:
            return True
        if not self.lesson.cooperative:
            timeout_s = min(timeout_s, STOP_GRACE_S)
        if self.result is None and self.stop_reason is None:
            self.stop_reason = STOPPED
        if self.result is None and self.run.done():
            self._conclude(self._last_snapshot())
        ended = self.run.close(timeout_s)
        if self.result is None and self.run.done():
            self.forced = self.forced or not ended
            self._conclude(self._last_snapshot())
        if self.kernel is not None:
            self.kernel.stop()  # idempotent; a run closed early leaves no sampler behind
        return ended

    def _last_snapshot(self) -> Snapshot:
        snapshot = self.run.snapshot(events_from=len(self.events))
        self._received(snapshot)
        return snapshot

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
        return {"lesson": result.lesson, "placement": self.placement,
                "params": json.dumps(result.params, sort_keys=True),
                "elapsed_s": round(result.elapsed_s, 4), "outcome": outcome,
                "error": result.error or "",
                "result": json.dumps(result.result, sort_keys=True)}
