"""`gilviz --self-test`, run as a user would: a subprocess, offscreen."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from gilviz.core.runner import RunResult
from gilviz.ui.diagnostics.self_test import CHECKS, check_run
from tests.processes import leftovers, marked_env

VENV_SCRIPT = Path(sys.executable).parent / "gilviz"
COMMANDS = {
    "python -m gilviz": [sys.executable, "-m", "gilviz"],
    "gilviz script": [str(VENV_SCRIPT)],
}


def self_test(command: list[str], *args: str) -> tuple[subprocess.CompletedProcess, str]:
    env, mark = marked_env(QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([*command, "--self-test", *args], capture_output=True, text=True,
                          env=env, timeout=120)
    return proc, mark


@pytest.mark.parametrize("how", COMMANDS)
def test_self_test_passes_and_leaves_nothing_running(how):
    proc, mark = self_test(COMMANDS[how])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("gilviz self-test: window shown (offscreen")
    assert "icon set" in lines[0]
    assert lines[1].startswith("gilviz self-test: thread-join in the window's process: ok")
    assert lines[2].startswith("gilviz self-test: gil-cpu in the isolated engine: ok")
    assert "speedup" in lines[2]
    assert lines[3].startswith("gilviz self-test: process pool: ok")
    assert lines[4].startswith("gilviz self-test: passed in")
    assert "failed" not in proc.stderr
    assert leftovers(mark) == []


def test_a_timeout_fails_with_one_line_and_leaves_nothing_running():
    # 1 ms: the deadline fires before the window can even be shown, every time.
    started = time.monotonic()
    proc, mark = self_test(COMMANDS["python -m gilviz"], "--timeout", "0.001")
    assert time.monotonic() - started < 30
    assert proc.returncode == 1
    reasons = [line for line in proc.stderr.splitlines() if "self-test" in line]
    assert reasons == [
        "gilviz self-test failed: timed out after 0.001 s while opening the window"]
    assert "passed" not in proc.stdout
    assert leftovers(mark) == []


def test_a_bad_option_is_a_usage_error():
    proc, _ = self_test(COMMANDS["python -m gilviz"], "--timeout", "-1")
    assert proc.returncode == 2
    assert "--timeout must be positive" in proc.stderr


@pytest.mark.parametrize(("run", "reason"), [
    (RunResult("thread-join", {}, 0.1, {}, error="boom"), "thread-join failed: boom"),
    (RunResult("thread-join", {}, 0.1, {}, stopped=True), "was stopped"),
    (RunResult("gil-cpu", {}, 0.1, {}), "expected a result of thread-join"),
    (RunResult("thread-join", {}, 0.1, {"worker_messages": 1, "main_after_worker_end": True}),
     "the worker printed 1 of 2"),
    (RunResult("thread-join", {}, 0.1, {"worker_messages": 2, "main_after_worker_end": False}),
     "main spoke before"),
])
def test_a_wrong_in_process_result_is_named(run, reason):
    assert reason in check_run(CHECKS[0], run)


@pytest.mark.parametrize(("fields", "reason"), [
    ({"threads": 2, "work_units": 200_000, "sequential_s": 0.1, "threaded_s": 0.1,
      "speedup": 1.0}, None),
    ({"threads": 1, "work_units": 200_000, "sequential_s": 0.1, "threaded_s": 0.1,
      "speedup": 1.0}, "ran 1 threads"),
    ({"threads": 2, "work_units": 200_000, "sequential_s": 0.1, "threaded_s": 0.0,
      "speedup": 1.0}, "threaded_s is 0.0"),
    ({"threads": 2, "work_units": 200_000, "sequential_s": 0.1, "threaded_s": 0.1,
      "speedup": float("nan")}, "speedup is nan"),
])
def test_a_wrong_engine_result_is_named(fields, reason):
    problem = check_run(CHECKS[1], RunResult("gil-cpu", {}, 0.2, fields))
    if reason is None:
        assert problem is None
    else:
        assert reason in problem
