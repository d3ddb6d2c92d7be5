"""The run session both the CLI and the window drive: one run's log, timeline, result,
trace and history row, with no Qt."""

from __future__ import annotations

import json
import os
import time

import pytest

from gilviz.core.engine import EngineCommand, EngineRun
from gilviz.core.params import ParamError
from gilviz.core.placement import IN_PROCESS, ISOLATED, InProcessRun, RunFactory
from gilviz.core.session import RunSession
from gilviz.core.timeline import Kind
from gilviz.demos import REGISTRY

QUICK = {"threads": 3, "count": 4, "interval_s": 0.02}


def _drive(session: RunSession, timeout_s: float = 60.0) -> list[int]:
    """Poll like the CLI does; returns how many new events each poll carried."""
    session.start()
    deadline = time.monotonic() + timeout_s
    batches = []
    try:
        while not session.finished:
            assert time.monotonic() < deadline, "the run did not finish"
            batches.append(len(session.poll().events))
            time.sleep(0.02)
    finally:
        session.close()
    return batches


@pytest.mark.parametrize("placement", [IN_PROCESS, ISOLATED])
def test_a_session_keeps_the_log_the_timeline_and_the_result(placement):
    session = RunSession(REGISTRY.get("many-threads"), QUICK, placement)
    assert isinstance(session.run, EngineRun if placement == ISOLATED else InProcessRun)
    batches = _drive(session)
    result = session.result
    assert result is not None and result.error is None and not result.stopped
    assert result.result["counts"] == [4] * 3
    # every event arrived exactly once, spread over the polls
    assert sum(batches) == len(session.events)
    assert sum("number is" in event.text for event in session.events) == 12
    lanes = {lane.name: lane for lane in session.recorder.stats()}
    assert {"main", "Thread-1", "Thread-2", "Thread-3"} <= set(lanes)
    assert lanes["Thread-1"].share(Kind.BLOCKED) > 0.5  # they mostly sleep
    trace = json.loads(json.dumps(session.chrome_trace()))
    assert any(e["name"] == "thread_name" for e in trace["traceEvents"])
    row = session.history_row()
    assert row["outcome"] == "finished" and row["placement"] == placement
    assert json.loads(row["result"])["counts"] == [4] * 3


def test_stop_ends_the_session_with_a_stopped_result():
    session = RunSession(REGISTRY.get("many-threads"),
                         {"threads": 4, "count": 100, "interval_s": 0.5}, ISOLATED)
    session.start()
    try:
        deadline = time.monotonic() + 30
        while len(session.poll().lanes) < 5:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        session.stop()
        while not session.finished:
            assert time.monotonic() < deadline
            session.poll()
            time.sleep(0.02)
    finally:
        assert session.close()
    assert session.result.stopped
    assert session.history_row()["outcome"] == "stopped"
    assert session.exited()


def test_the_factory_takes_the_window_s_own_in_process_run():
    made = []

    def maker(lesson, params):
        made.append(lesson.id)
        return InProcessRun(lesson, params)

    session = RunSession(REGISTRY.get("thread-join"), {"count": 1, "interval_s": 0.01},
                         IN_PROCESS, RunFactory(in_process=maker))
    _drive(session)
    assert made == ["thread-join"] and session.result.error is None


def test_bad_combinations_are_refused_before_anything_starts():
    with pytest.raises(ParamError, match="QThreads need Qt"):
        RunSession(REGISTRY.get("many-threads"), {"kind": "qthread"}, ISOLATED)
    with pytest.raises(ParamError, match=r"only .* in the engine"):
        RunFactory().create(REGISTRY.get("race"), {}, IN_PROCESS,
                            engine=EngineCommand())


def test_a_session_that_never_started_closes_quietly():
    session = RunSession(REGISTRY.get("gil-cpu"), {}, ISOLATED)
    assert session.close() and session.exited() and session.history_row() is None


@pytest.mark.parametrize("placement", [IN_PROCESS, ISOLATED])
def test_the_result_carries_each_thread_s_measured_states(placement):
    from gilviz.core.kernel_states import supported

    session = RunSession(REGISTRY.get("gil-cpu"), {"threads": 2, "iterations": 2_000_000},
                         placement)
    _drive(session)
    states = {entry["name"]: entry for entry in session.result.result["thread_states"]}
    assert set(states) == {"main", "Thread-1", "Thread-2"}
    measured = supported(os.getpid())  # Linux with per-thread counters
    for entry in states.values():
        assert entry["measured"] is measured and entry["tid"] > 0
    assert states["main"]["blocked_s"] > 0  # it joined the workers
    if measured:
        assert states["main"]["blocked_by"] == {"join": states["main"]["blocked_s"]}
        assert session.sampler_cost["sweeps"] > 0
        assert session.kernel is not None and session.kernel.process.poll() is not None
    assert session.history_row()["outcome"] == "finished"


def test_states_can_be_left_to_inference():
    session = RunSession(REGISTRY.get("gil-cpu"), {"threads": 2, "iterations": 500_000},
                         IN_PROCESS, measure_states=False)
    _drive(session)
    assert session.kernel is None
    assert all(not entry["measured"] for entry in session.result.result["thread_states"])
