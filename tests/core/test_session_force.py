"""RunSession's Stop for code that may never look at the flag, and its time limit: a
general capability of the session, checked here with a stand-in run (no engine, no Qt)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from gilviz.core.lesson import TIMEOUT, Lesson
from gilviz.core.params import ParamError
from gilviz.core.placement import IN_PROCESS, ISOLATED, RunFactory, check_placement
from gilviz.core.runner import RunResult
from gilviz.core.script_params import syntax_problem
from gilviz.core.session import STOP_GRACE_S, RunSession
from gilviz.core.telemetry import LogEvent, Snapshot
from gilviz.core.verdict import STOPPED


class StubbornRun:
    """Ignores stop(); ends only when killed, as an engine running `while True: pass`."""

    def __init__(self, lesson: Lesson, params: dict[str, Any]) -> None:
        self.lesson, self.params = lesson, params
        self.started = time.monotonic()
        self.stops = 0
        self.killed_at: float | None = None
        self.events = [LogEvent(0.01, "worker", "hello")]

    pid = None

    def start(self) -> None:
        self.started = time.monotonic()

    def stop(self) -> None:
        self.stops += 1

    def kill(self) -> None:
        self.killed_at = time.monotonic()

    def snapshot(self, events_from: int = 0) -> Snapshot:
        return Snapshot(t=time.monotonic() - self.started, lanes=(),
                        events=tuple(self.events[events_from:]),
                        events_total=len(self.events), values={"said": "hello"})

    def read_marks(self, index: int, start: int, end: int) -> list[int]:
        return []

    def poke(self) -> None:
        pass

    def done(self) -> bool:
        return self.killed_at is not None

    def result(self) -> RunResult | None:
        if self.killed_at is None:
            return None
        return RunResult(self.lesson.id, self.params, 0.0, {}, True,
                         "engine stopped unexpectedly: exit code -9")

    def exited(self) -> bool:
        return self.done()

    def close(self, timeout_s: float = 2.0) -> bool:
        if self.killed_at is None:
            self.kill()
            return False
        return True


class Factory(RunFactory):
    def create(self, lesson, params, placement, engine=None):  # the stand-in, isolated
        check_placement(lesson, params, placement)
        assert placement == ISOLATED
        return StubbornRun(lesson, params)


def lesson(**fields: Any) -> Lesson:
    def forced(params: dict[str, Any], received: Snapshot, reason: str) -> dict[str, Any]:
        return {"reason": reason, "heard": [e.text for e in received.events],
                "values": received.values}

    base = dict(id="stubborn", title="t", chapter="c", blurb="b", params=(),
                run=lambda params, probe, stop: {}, takeaway=lambda result: "",
                cooperative=False, forced_result=forced)
    return Lesson(**{**base, **fields})


def poll_until_finished(session: RunSession, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not session.finished:
        assert time.monotonic() < deadline, "the session never ended the run"
        session.poll()
        time.sleep(0.005)


def test_stop_asks_then_ends_the_run_after_the_grace():
    session = RunSession(lesson(), {}, ISOLATED, Factory())
    session.start()
    session.poll()
    asked = time.monotonic()
    session.stop()
    poll_until_finished(session)
    run = session.run
    assert run.stops >= 1
    assert STOP_GRACE_S <= run.killed_at - asked < STOP_GRACE_S + 0.5
    result = session.result
    assert session.forced and result.stopped and result.error is None
    assert {key: result.result[key] for key in ("reason", "heard", "values")} == {
        "reason": STOPPED, "heard": ["hello"], "values": {"said": "hello"}}
    assert session.history_row()["outcome"] == "stopped"
    assert session.close()


def test_the_time_limit_stops_the_run_and_says_timeout():
    session = RunSession(lesson(time_limit=lambda params: 0.2), {}, ISOLATED, Factory())
    session.start()
    poll_until_finished(session)
    assert session.stop_reason == TIMEOUT
    assert session.result.result["reason"] == TIMEOUT
    assert 0.2 + STOP_GRACE_S <= session.run.killed_at - session.run.started < 1.5


def test_cooperative_lessons_are_never_killed_by_stop():
    session = RunSession(lesson(cooperative=True), {}, IN_PROCESS,
                         RunFactory(in_process=StubbornRun))
    session.start()
    session.stop()
    time.sleep(STOP_GRACE_S * 2)
    session.poll()
    assert session.run.killed_at is None and not session.finished
    assert not session.close()  # close() still makes sure it is gone
    assert session.run.killed_at is not None


def test_closing_a_stubborn_run_writes_its_result_too():
    session = RunSession(lesson(), {}, ISOLATED, Factory())
    session.start()
    session.poll()
    started = time.monotonic()
    assert not session.close(timeout_s=5.0)
    assert time.monotonic() - started < 1.0
    assert session.result.result["reason"] == STOPPED and session.forced


def test_uncooperative_code_is_refused_in_process_and_checks_run_first():
    def refuse(params: dict[str, Any]) -> None:
        raise ParamError("not together")

    with pytest.raises(ParamError, match="only in the isolated engine"):
        RunSession(lesson(), {}, IN_PROCESS)
    with pytest.raises(ParamError, match="not together"):
        RunSession(lesson(check=refuse), {}, ISOLATED, Factory())


def test_syntax_problems_name_their_line():
    assert syntax_problem("print(1)\n") is None
    problem = syntax_problem("x = 1\ny = (\n")
    assert problem is not None and problem.line == 2
    assert problem.describe().startswith("SyntaxError at line 2: ")
    assert syntax_problem("a = '\\d'\n") is None  # a SyntaxWarning is not an error
    assert syntax_problem("x\0") is not None
