"""The your-code lesson: a student's script in the engine, every thread on show, output per
thread, tracebacks with the failing line, and a Stop that works on code that never looks.

Scripts run through a RunSession in the isolated engine, as the CLI and the window run
them; the host's own bookkeeping is also checked in this process where that is quicker.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from pathlib import Path

import pytest

import gilviz
from gilviz.core.engine import EngineCommand
from gilviz.core.params import ParamError
from gilviz.core.placement import IN_PROCESS, ISOLATED
from gilviz.core.session import RunSession
from gilviz.core.telemetry import STATE_CODES, WHY, Probe, State, decode_mark
from gilviz.demos import REGISTRY, script_threads, your_code
from gilviz.demos.script_host import ScriptHost
from gilviz.demos.script_output import MAX_LINES
from gilviz.demos.starting_points import EXERCISE, POOL, RACE, STARTING_POINTS, STOP
from tests import your_code_scripts as scripts
from tests.processes import MARK, leftovers, marked_env

LESSON = REGISTRY.get("your-code")
FAST_SITE = {"latency_s": 0.05}


def shared_segments() -> set[str]:
    return {name for name in os.listdir("/dev/shm") if name.startswith("psm_")}


def drive(session: RunSession, stop_after_s: float | None = None,
          timeout_s: float = 90.0) -> float | None:
    """Poll like the CLI; with stop_after_s, press Stop that long after the first lane
    shows and return the seconds from Stop to the result."""
    session.start()
    deadline = time.monotonic() + timeout_s
    stopped_at = None
    try:
        while not session.finished:
            assert time.monotonic() < deadline, "the run did not end"
            snapshot = session.poll()
            if stop_after_s is not None and stopped_at is None and snapshot.lanes:
                time.sleep(stop_after_s)
                session.poll()
                stopped_at = time.perf_counter()
                session.stop()
            time.sleep(0.02)
        ended = time.perf_counter()
    finally:
        session.close()
    return None if stopped_at is None else ended - stopped_at


def run_script(source: str, **params) -> tuple[dict, RunSession]:
    session = RunSession(LESSON, {"source": source, **FAST_SITE, **params}, ISOLATED)
    drive(session)
    assert session.result is not None and session.result.error is None, session.result
    return session.result.result, session


def by_name(result: dict) -> dict[str, dict]:
    return {thread["name"]: thread for thread in result["threads"]}


def test_every_kind_of_thread_gets_its_own_lane_named_as_python_names_it():
    result, session = run_script(scripts.EVERY_KIND_OF_THREAD)
    assert result["status"] == "finished", result["error"]
    threads = by_name(result)
    pool = sorted(name for name in threads if name.startswith("pool_"))
    assert set(threads) == {"MainThread", "plain", "subclass", "timer", *pool}
    assert 1 <= len(pool) <= 2
    # each lane's native id is the one the thread itself saw
    for name, word in (("MainThread", "main"), ("plain", "plain"),
                       ("subclass", "subclass"), ("timer", "timer")):
        assert threads[name]["printed"] == [f"{word} {threads[name]['tid']}"]
    tasks = [line for name in pool for line in threads[name]["printed"]]
    assert sorted(line.split()[1] for line in tasks) == ["0", "1", "2", "3"]
    assert all(line.endswith(str(threads[name]["tid"]))
               for name in pool for line in threads[name]["printed"])
    assert len({thread["tid"] for thread in threads.values()}) == len(threads)
    # the lanes the window shows are the same, all done
    lanes = {lane.name: lane for lane in session.recorder.stats()}
    assert set(threads) <= set(lanes)


def test_what_each_thread_prints_is_kept_apart_line_by_line():
    result, _ = run_script(scripts.OUTPUT_SHAPES)
    threads = by_name(result)
    assert threads["MainThread"]["printed"] == [
        "one line finished later", "two", "lines", "to stderr", "as bytes",
        "no newline at the end / input() met the end"]
    assert threads["chatty"]["printed"] == ["chatty 0", "chatty 1", "chatty 2",
                                            "and a partial"]
    assert result["status"] == "finished" and not result["output_truncated"]


def test_an_exception_in_a_thread_names_the_thread_and_the_line():
    result, _ = run_script(scripts.FAILS_IN_A_THREAD)
    assert result["status"] == "error"
    assert result["error_thread"] == "divider" and result["error_line"] == 6
    assert result["error"].startswith("Exception in thread divider:\nTraceback")
    assert "ZeroDivisionError: division by zero" in result["error"]
    assert "gilviz" not in result["error"]  # gilviz's own frames are left out
    threads = by_name(result)
    assert threads["divider"]["printed"][0] == "about to divide"
    assert "ZeroDivisionError: division by zero" in threads["divider"]["printed"]
    assert threads["MainThread"]["printed"] == ["main carries on"]
    assert "ZeroDivisionError" in LESSON.takeaway(result)


def test_an_exception_in_main_ends_the_script_with_its_traceback():
    result, _ = run_script(scripts.FAILS_IN_MAIN)
    assert result["status"] == "error"
    assert result["error_thread"] == "MainThread" and result["error_line"] == 2
    lines = result["error"].splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == "KeyError: 'missing'"
    assert '  File "<your code>", line 6, in <module>' in lines
    assert "    lookup({})" in lines  # the source line, as Python shows it
    assert by_name(result)["MainThread"]["printed"][0] == "before"
    assert "never" not in by_name(result)["MainThread"]["printed"]


@pytest.mark.parametrize("source", ["print('a'\nprint('b')\n", "if True\n    pass\n",
                                    "def f():\nreturn 1\n"])
def test_a_syntax_error_is_found_before_anything_runs(source):
    with pytest.raises(ParamError, match=r"SyntaxError at line [12]") as caught:
        RunSession(LESSON, {"source": source}, ISOLATED)
    assert "\n" not in str(caught.value)


def test_the_lesson_refuses_to_run_in_this_process():
    with pytest.raises(ParamError, match="only in the isolated engine"):
        RunSession(LESSON, {"source": "print(1)"}, IN_PROCESS)
    with pytest.raises(ParamError, match="not both"):
        RunSession(LESSON, {"source": "print(1)", "file": __file__}, ISOLATED)


@pytest.mark.parametrize("source", [scripts.SPIN_IN_MAIN, scripts.SPIN_IN_A_THREAD],
                         ids=["main", "thread"])
def test_stop_ends_code_that_never_looks(source):
    segments = shared_segments()
    _, mark = marked_env()
    session = RunSession(LESSON, {"source": source}, ISOLATED,
                         engine=EngineCommand(env={MARK: mark}))
    took = drive(session, stop_after_s=0.3)
    assert took is not None and took < 1.0  # 0.1 s grace, then the kill: ~0.15 s here
    assert session.forced
    result = session.result
    assert result.stopped and result.error is None
    assert result.result["status"] == "stopped"
    printed = {thread["name"]: thread["printed"] for thread in result.result["threads"]}
    # what it printed before is kept, a line without its newline too
    assert printed == ({"MainThread": ["spinning in main"]} if source == scripts.SPIN_IN_MAIN
                       else {"MainThread": ["main is done"], "spinner": ["spinning"]})
    assert not leftovers(mark)
    assert shared_segments() <= segments


def test_code_that_checks_the_flag_ends_by_itself():
    session = RunSession(LESSON, {"source": scripts.POLITE}, ISOLATED)
    drive(session, stop_after_s=0.2)
    result = session.result.result
    assert not session.forced and result["status"] == "stopped"
    assert by_name(result)["polite"]["printed"] == ["asked to stop: bye"]


@pytest.mark.parametrize("source", [scripts.SPIN_IN_MAIN, scripts.SPIN_IN_A_THREAD],
                         ids=["main", "thread"])
def test_the_time_limit_ends_the_run_and_says_so(source):
    started = time.perf_counter()
    result, session = run_script(source, timeout_s=1.0)
    took = time.perf_counter() - started
    assert result["status"] == "timeout" and session.forced
    assert 1.0 <= result["elapsed_s"] < 2.0
    assert took < 10.0  # engine start-up included, on a busy machine
    assert "time limit" in LESSON.takeaway(result)


def test_a_subprocess_the_script_starts_is_ended_with_it():
    _, mark = marked_env()
    source = ("import subprocess, sys\n"
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
              "while True:\n    pass\n")
    engine = EngineCommand(env={MARK: mark})
    session = RunSession(LESSON, {"source": source}, ISOLATED, engine=engine)
    drive(session, stop_after_s=0.5)
    assert session.forced
    assert not leftovers(mark)


def test_ten_million_printed_lines_are_cut_and_the_run_still_ends():
    result, session = run_script(scripts.FLOOD, timeout_s=600)
    assert result["status"] == "finished"
    assert result["output_truncated"]
    printed = by_name(result)["MainThread"]["printed"]
    assert len(printed) == MAX_LINES and printed[:2] == ["0", "1"]
    assert result["lines_not_kept"] == 10_000_000 - MAX_LINES
    assert len(session.events) <= MAX_LINES + 5
    assert any("output truncated after 10,000 lines" in event.text
               for event in session.events)


def test_the_exercise_answered_with_threads_overlaps_the_waits():
    latency = {"latency_s": 0.3}
    sequential, _ = run_script(EXERCISE.source, **latency)
    threads, _ = run_script(scripts.FETCH_WITH_THREADS, **latency)
    pool, _ = run_script(scripts.FETCH_WITH_POOL, **latency)
    assert len(sequential["threads"]) == 1  # the starting point: main does everything
    assert len(by_name(sequential)["MainThread"]["printed"]) == 8
    workers = [t for t in threads["threads"] if t["name"] != "MainThread"]
    assert len(workers) == 7 and all(len(t["printed"]) == 1 for t in workers)
    assert all(t["printed"][0].startswith("Fetched http://127.0.0.1:") for t in workers)
    assert len(pool["threads"]) == 5 and pool["most_at_once"] == 5
    # 7 pages one after another vs. all at once (threads) and in two waves (a pool of 4)
    assert sequential["elapsed_s"] > 7 * 0.3
    assert threads["elapsed_s"] < sequential["elapsed_s"] / 3
    assert pool["elapsed_s"] < sequential["elapsed_s"] / 2


@pytest.mark.parametrize("start", STARTING_POINTS, ids=lambda point: point.key)
def test_every_starting_point_runs(start):
    session = RunSession(LESSON, {"source": start.source, **FAST_SITE}, ISOLATED)
    drive(session, stop_after_s=0.5 if start is STOP else None)
    result = session.result.result
    names = [thread["name"] for thread in result["threads"]]
    if start is STOP:
        assert result["status"] == "stopped"
        assert by_name(result)["polite"]["printed"][0].startswith("asked to stop")
    else:
        assert result["status"] == "finished", result["error"]
    if start is RACE:
        assert len(names) == 5
        assert by_name(result)["MainThread"]["printed"][0].startswith("counter = ")
    if start is POOL:
        assert sum(name.startswith("ThreadPoolExecutor") for name in names) == 3


def test_a_script_file_runs_with_its_folder_on_the_path(tmp_path):
    (tmp_path / "helper.py").write_text("GREETING = 'hello from a sibling module'\n")
    script = tmp_path / "main.py"
    script.write_text("import helper\nprint(helper.GREETING)\nprint(__file__)\n")
    session = RunSession(LESSON, {"file": str(script), **FAST_SITE}, ISOLATED)
    drive(session)
    printed = by_name(session.result.result)["MainThread"]["printed"]
    assert printed == ["hello from a sibling module", str(script)]


def test_the_host_puts_everything_back(capsys):
    """In this process (as a test only): sys, threading and gilviz are as they were."""
    before = (sys.stdout, sys.stderr, sys.stdin, list(sys.argv), list(sys.path),
              sys.modules["__main__"], threading.Thread.start, threading.excepthook,
              threading.Thread.join, threading.Condition.wait, queue.SimpleQueue)
    probe = Probe()
    host = ScriptHost(probe, probe.stop)
    source = ("import threading, gilviz\n"
              "t = threading.Thread(target=print, args=('in a thread',), name='t')\n"
              "t.start(); t.join()\nprint(__name__, gilviz.stop_requested())\n")
    outcome = host.run(source, "<test>", {}, at_exit=False)
    after = (sys.stdout, sys.stderr, sys.stdin, list(sys.argv), list(sys.path),
             sys.modules["__main__"], threading.Thread.start, threading.excepthook,
             threading.Thread.join, threading.Condition.wait, queue.SimpleQueue)
    assert outcome.status == "finished" and after == before
    assert gilviz._stop_flag is None and not gilviz.stop_requested()
    said = {(event.thread, event.text) for event in probe.snapshot().events}
    assert said == {("t", "in a thread"), ("MainThread", "__main__ False")}
    assert capsys.readouterr().out == ""  # nothing leaked to the real stdout
    # a thread gilviz starts itself is not adopted, and writes where it always did
    thread = threading.Thread(target=lambda: print("outside"))
    thread.start()
    thread.join()
    assert "outside" in capsys.readouterr().out


def test_threads_named_alike_get_lanes_told_apart():
    probe = Probe()
    source = ("import threading\n"
              "ts = [threading.Thread(target=print, args=(i,), name='w') for i in range(3)]\n"
              "[t.start() for t in ts]; [t.join() for t in ts]\n")
    ScriptHost(probe, probe.stop).run(source, "<test>", {}, at_exit=False)
    names = sorted(lane.name for lane in probe.snapshot().lanes)
    assert names == ["MainThread", "w", "w #2", "w #3"]


def test_the_output_cap_in_this_process():
    probe = Probe()
    host = ScriptHost(probe, probe.stop)
    host.output.max_lines = 50
    outcome = host.run("import sys\nfor i in range(1000):\n    print(i)\n"
                       "sys.stdout.write('x\\n' * 10)\n", "<test>", {}, at_exit=False)
    events = probe.snapshot().events
    assert outcome.status == "finished"
    assert [e.text for e in events if e.thread == "MainThread"] == [str(i) for i in range(50)]
    assert host.output.dropped == 1000 + 10 - 50
    assert sum("output truncated after 50 lines" in e.text for e in events) == 1


def test_writing_something_else_than_text_fails_as_in_python():
    probe = Probe()
    outcome = ScriptHost(probe, probe.stop).run("import sys\nsys.stdout.write(b'x')\n",
                                               "<test>", {}, at_exit=False)
    assert outcome.status == "error"
    assert outcome.errors[0].kind == "TypeError" and outcome.errors[0].line == 2


def test_the_file_parameter_refuses_what_is_not_a_script(tmp_path):
    spec = next(spec for spec in LESSON.params if spec.name == "file")
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"\x00\x01\x02")
    latin = tmp_path / "latin.py"
    latin.write_bytes("print('caf\u00e9')".encode("latin-1"))
    unreadable = tmp_path / "secret.py"
    unreadable.write_text("print(1)")
    unreadable.chmod(0)
    broken = tmp_path / "broken.py"
    broken.write_text("x = (\n")
    cases = {str(tmp_path / "missing.py"): "no such file", str(tmp_path): "directory",
             str(binary): "binary", str(latin): "not UTF-8", str(broken): "line 1"}
    if os.geteuid() != 0:  # root reads anything
        cases[str(unreadable)] = "cannot read"
    for value, message in cases.items():
        with pytest.raises(ParamError, match=message) as caught:
            spec.parse(value)
        assert str(caught.value).startswith("file: ") and "\n" not in str(caught.value)
    good = tmp_path / "good.py"
    good.write_text("print('fine')\n")
    assert spec.parse(str(good)) == str(good)
    assert spec.check("") == ""


def test_stop_requested_is_false_outside_gilviz():
    assert gilviz.stop_requested() is False


def test_the_result_keeps_the_script_name(tmp_path):
    script = Path(tmp_path / "hello.py")
    script.write_text("print('hi')\n")
    session = RunSession(LESSON, {"file": str(script), **FAST_SITE}, ISOLATED)
    drive(session)
    assert session.result.result["script"] == str(script.resolve())


def test_threads_past_the_board_s_room_keep_their_output(monkeypatch):
    monkeypatch.setattr(script_threads, "MAX_SCRIPT_LANES", 3)
    probe = Probe()
    source = ("import threading\n"
              "ts = [threading.Thread(target=print, args=(i,), name=f'w{i}') for i in range(5)]\n"
              "[t.start() for t in ts]; [t.join() for t in ts]\n"
              "threading.Thread(target=print, args=('me',), name='gilviz').start()\n")
    outcome = ScriptHost(probe, probe.stop).run(source, "<test>", {}, at_exit=False)
    snapshot = probe.snapshot()
    result = your_code.summarise(snapshot, outcome.status, [], outcome.elapsed_s, 0, "<test>")
    rows = by_name(result)
    assert [lane.name for lane in snapshot.lanes] == ["MainThread", "w0", "w1"]
    assert [rows[f"w{i}"]["printed"] for i in range(5)] == [[str(i)] for i in range(5)]
    assert rows["w4"]["tid"] is None and rows["w0"]["tid"] > 0
    assert rows["gilviz #2"]["printed"] == ["me"]  # gilviz's own name stays gilviz's
    assert any("the next ones run without a row" in event.text
               for event in snapshot.events)


def test_the_script_s_waits_are_declared_on_its_lanes():
    """join, Event.wait and an idle pool worker's wait are marked blocked with their
    reason, so the kernel's states do not take them for GIL waits."""
    probe = Probe()
    source = ("import threading, time\n"
              "from concurrent.futures import ThreadPoolExecutor\n"
              "done = threading.Event()\n"
              "t = threading.Thread(target=done.wait, name='waiter'); t.start()\n"
              "pool = ThreadPoolExecutor(1, thread_name_prefix='pool')\n"
              "pool.submit(int).result()\n"
              "time.sleep(0.05); done.set(); t.join(); pool.shutdown()\n")
    ScriptHost(probe, probe.stop).run(source, "<test>", {}, at_exit=False)
    whys = {}
    for index, lane in enumerate(probe.snapshot().lanes):
        marks = [decode_mark(mark) for mark in probe.read_marks(index, 0, lane.marks)]
        whys[lane.name] = {WHY[why] for _, code, why in marks
                           if code == 1 + STATE_CODES[State.BLOCKED]}
    assert whys["MainThread"] >= {"join", "event"}  # join, and waiting for the result
    assert whys["waiter"] == {"event"}
    assert whys["pool_0"] == {"event"}  # idle between tasks, not at work


def test_kernel_states_see_a_join_not_a_gil_wait():
    result, _ = run_script(scripts.FETCH_WITH_THREADS, latency_s=0.3)
    states = {state["name"]: state for state in result.get("thread_states", [])}
    main = states.get("MainThread")
    if main is None or not main["measured"]:
        pytest.skip("no kernel-measured states on this machine")
    assert main["blocked_by"].get("join", 0) > 0.2
    assert main["waiting_for_gil_s"] < 0.1
