"""Where a run happens: in this process or in the isolated engine, chosen in one place.

Both placements offer the same polling interface (Run), so the CLI and the window drive
them alike through a RunSession. The window's in-process runs are orchestrated by a
QThread, which core cannot know about: it hands the factory its own in-process maker.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gilviz.core.engine import EngineCommand, EngineRun
from gilviz.core.lesson import Lesson
from gilviz.core.params import ParamError
from gilviz.core.runner import RunResult, execute
from gilviz.core.telemetry import Probe, Snapshot

IN_PROCESS = "in-process"
ISOLATED = "isolated"


class Run(Protocol):
    @property
    def pid(self) -> int | None:
        """The process the lesson's threads run in (None before an engine starts)."""
        ...

    def origin_ns(self) -> int:
        """The run's time zero on CLOCK_MONOTONIC (0 until known): puts the kernel
        sampler's timestamps on the run's timeline."""
        ...

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def kill(self) -> None:
        """End the run now, whatever its code is doing. Only a run in a process of its own
        can be ended so; elsewhere this is stop()."""
        ...
    def snapshot(self, events_from: int = 0) -> Snapshot: ...
    def read_marks(self, index: int, start: int, end: int) -> list[int]: ...
    def poke(self) -> None: ...
    def done(self) -> bool: ...
    def result(self) -> RunResult | None: ...
    def exited(self) -> bool:
        """Whether everything the run started is gone; a finished engine may still be
        shutting its interpreter down, and its owner reaps it later instead of waiting."""
        ...
    def close(self, timeout_s: float = 2.0) -> bool: ...


class ProbeRun:
    """What every run in this process shares: its Probe answers for it."""

    def __init__(self) -> None:
        self.probe = Probe()

    @property
    def pid(self) -> int | None:
        return os.getpid()

    def origin_ns(self) -> int:
        return self.probe.origin_ns

    def stop(self) -> None:
        self.probe.stop.set()

    def kill(self) -> None:
        self.stop()  # a thread of this process cannot be ended from outside

    def snapshot(self, events_from: int = 0) -> Snapshot:
        return self.probe.snapshot(events_from)

    def read_marks(self, index: int, start: int, end: int) -> list[int]:
        return self.probe.read_marks(index, start, end)

    def poke(self) -> None:
        self.probe.poke()


class InProcessRun(ProbeRun):
    """The lesson's main runs in a plain non-daemon Python thread of this process."""

    def __init__(self, lesson: Lesson, params: dict[str, Any]) -> None:
        super().__init__()
        self._outcome: list[RunResult] = []
        self._thread = threading.Thread(
            target=lambda: self._outcome.append(execute(lesson, params, self.probe)),
            name=f"gilviz-run-{lesson.id}", daemon=False,
        )

    def start(self) -> None:
        self._thread.start()

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> RunResult | None:
        return self._outcome[0] if self._outcome else None

    def exited(self) -> bool:
        return self.done()

    def close(self, timeout_s: float = 2.0) -> bool:
        self.stop()
        self._thread.join(timeout_s)
        return not self._thread.is_alive()


def default_placement(lesson: Lesson) -> str:
    return ISOLATED if lesson.prefers_isolated else IN_PROCESS


def check_placement(lesson: Lesson, params: dict[str, Any], placement: str) -> None:
    """Raise ParamError for a combination the chosen placement cannot run."""
    if placement == ISOLATED and lesson.needs_qt is not None and lesson.needs_qt(params):
        raise ParamError("QThreads need Qt, which the isolated engine does not load: "
                         "run this inside the window's process (--in-process)")
    if placement == IN_PROCESS and not lesson.cooperative:
        raise ParamError(f"{lesson.id} runs code that may ignore Stop, so it runs only in "
                         "the isolated engine, which can be ended by force (drop --in-process)")
    if lesson.check is not None:
        lesson.check(params)


InProcessMaker = Callable[[Lesson, dict[str, Any]], Run]


@dataclass(frozen=True)
class RunFactory:
    """The one place that turns (lesson, params, placement) into a Run."""

    in_process: InProcessMaker = InProcessRun
    engine_nice: int = 0  # how much lower the engine's priority is than its owner's

    def create(self, lesson: Lesson, params: dict[str, Any], placement: str,
               engine: EngineCommand | None = None) -> Run:
        """Raises ParamError for a combination that cannot run."""
        check_placement(lesson, params, placement)
        if placement == ISOLATED:
            return EngineRun(lesson.id, params, engine, self.engine_nice)
        if engine is not None:
            raise ParamError("another interpreter can only run the lesson in the engine")
        return self.in_process(lesson, params)
