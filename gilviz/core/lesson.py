"""What a lesson is: data (id, title, chapter, knobs) plus the function that runs it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gilviz.core.params import Param
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe, Snapshot
from gilviz.core.verdict import STOPPED

RunFunction = Callable[[dict[str, Any], Probe, StopToken], dict[str, Any]]
ReportFunction = Callable[[dict[str, Any], Snapshot], dict[str, Any]]
# (params, everything the session received: the whole log, the last lanes and watched
# values, t = seconds run; why it ended: STOPPED or TIMEOUT) -> the lesson's result.
ForcedResultFunction = Callable[[dict[str, Any], Snapshot, str], dict[str, Any]]

TIMEOUT = "timeout"  # why a session ended a run early: STOPPED (verdict's word) or TIMEOUT


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    chapter: str
    blurb: str  # one sentence under the title: what to watch
    params: tuple[Param, ...]
    run: RunFunction
    takeaway: Callable[[dict[str, Any]], str]  # one line, written from the measured result
    # Called once every thread the run started has ended, with the run's final snapshot:
    # results that depend on when threads finished are measured here.
    report: ReportFunction | None = None
    # The functions whose source the code view shows: exactly what runs.
    workload: tuple[Callable[..., Any], ...] = field(default=())
    # Text that marks the code view's key lines for this lesson, beside the usual ones
    # (start, join, locks, events, pools...).
    key_code: tuple[str, ...] = ()
    # CPU-heavy lessons run in the isolated engine unless asked otherwise, so their
    # threads do not take the GIL from the window.
    prefers_isolated: bool = False
    # Settings that need Qt in the running process (QThread), which the engine lacks.
    needs_qt: Callable[[dict[str, Any]], bool] | None = None
    # Settings that need a newer Python than the oldest gilviz runs on: for these settings,
    # (the oldest version that has it, what needs it), or None. Checked before a run.
    needs_python: Callable[[dict[str, Any]], tuple[tuple[int, int], str] | None] | None = None
    # False for code that may never look at the stop flag (a student's script): it runs
    # only in the engine, and a session that asked it to stop ends the engine by force
    # after a short grace. `forced_result` then writes the result from what was received.
    cooperative: bool = True
    forced_result: ForcedResultFunction | None = None
    # The longest a run may take, from its settings (None: no limit); past it the session
    # stops the run as Stop would, and says it timed out.
    time_limit: Callable[[dict[str, Any]], float | None] | None = None
    # Checks settings that are wrong only together; raises ParamError.
    check: Callable[[dict[str, Any]], None] | None = None
    # For lessons whose conclusion rests on a measurement: the one word (see
    # gilviz.core.verdict) that run() puts in the result as "verdict", decided from the
    # result alone so that tests can feed it any numbers. The takeaway is chosen by it.
    verdict: Callable[[dict[str, Any]], str] | None = None

    def conclusion(self, result: dict[str, Any], stopped: bool = False) -> str | None:
        """The sentence the window and `run --json` show for a result: the takeaway, or
        for a run cut short, only what its measurement supports. None without a result."""
        if not result:
            return None
        if stopped and (self.verdict is None or self.verdict(result) != STOPPED):
            return ("Stopped before the end: the numbers cover only part of the run, so "
                    "they support no conclusion.")
        return self.takeaway(result)

    def to_listing(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "chapter": self.chapter}


class UnknownLesson(LookupError):
    """Raised for a lesson id that is not registered; the message lists how to find ids."""


class Registry:
    """The lessons in lecture order."""

    def __init__(self, lessons: Iterable[Lesson]) -> None:
        self._lessons = tuple(lessons)
        ids = [lesson.id for lesson in self._lessons]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"duplicate lesson ids: {sorted(duplicates)}")

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self._lessons)

    def __len__(self) -> int:
        return len(self._lessons)

    def get(self, lesson_id: str) -> Lesson:
        for lesson in self._lessons:
            if lesson.id == lesson_id:
                return lesson
        raise UnknownLesson(f"unknown lesson {lesson_id!r} (see: python -m gilviz list)")

    def chapters(self) -> list[tuple[str, list[Lesson]]]:
        """Lessons grouped by chapter, chapters in the order they first appear."""
        groups: dict[str, list[Lesson]] = {}
        for lesson in self._lessons:
            groups.setdefault(lesson.chapter, []).append(lesson)
        return list(groups.items())
