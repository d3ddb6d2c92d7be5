"""Preparing an interpreter to host the engine: the lessons import through it, for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gilviz.core.engine_python import EngineCommand, EngineUnavailable, engine_python
from gilviz.core.interpreter_probe import GILVIZ_PARENT, Interpreter, forget_probes
from gilviz.core.interpreters import describe
from tests.core.test_interpreters import fake_python, pyenv_python, script

# What the engine needs of its host: the lessons, requests, and the GIL state it runs with.
CHECK = ("import json, sys, gilviz, gilviz.demos, requests; "
         "print(json.dumps({'gilviz': gilviz.__file__, 'version': sys.version.split()[0], "
         "'gil': getattr(sys, '_is_gil_enabled', lambda: True)()}))")


def run_check(command: EngineCommand) -> dict:
    proc = subprocess.run(command.argv("-c", CHECK), env=command.environ(), cwd="/",
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(autouse=True)
def fresh_probes():
    forget_probes()
    yield
    forget_probes()


def test_the_running_interpreter_needs_no_venv():
    interp = describe(sys.executable)
    command = engine_python(interp)
    assert command.python == sys.executable
    assert command.env["PYTHONPATH"] == GILVIZ_PARENT
    facts = run_check(command)
    assert Path(facts["gilviz"]).parent.parent == Path(GILVIZ_PARENT)


def test_another_pythons_variables_do_not_reach_the_engine():
    command = EngineCommand("/x/python", {"PYTHONPATH": GILVIZ_PARENT})
    env = command.environ({"PYTHONHOME": "/elsewhere", "PYTHONPATH": "/other",
                           "VIRTUAL_ENV": "/venv", "HOME": "/home/me"})
    assert env == {"PYTHONPATH": GILVIZ_PARENT, "HOME": "/home/me", "PYTHONUNBUFFERED": "1"}


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_a_pyenv_python_gets_a_private_venv_that_imports_the_lessons(version):
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"pyenv has no Python {version} here")
    interp = describe(python)
    assert interp.usable, interp.problem
    lines: list[str] = []
    command = engine_python(interp, progress=lines.append)
    assert "gilviz" in command.python and "engines" in command.python
    assert "PYTHON_GIL" not in command.env
    facts = run_check(command)
    assert facts["version"] == interp.version and facts["gil"] is True
    assert Path(facts["gilviz"]).parent.parent == Path(GILVIZ_PARENT)
    started = time.monotonic()
    assert engine_python(interp).python == command.python  # reused, not made again
    assert time.monotonic() - started < 2.0


def test_an_unusable_interpreter_is_refused_with_its_problem(tmp_path):
    interp = describe(tmp_path / "python3.13")
    with pytest.raises(EngineUnavailable, match="does not exist"):
        engine_python(interp)


def test_a_python_without_venv_support_is_refused_with_the_reason(tmp_path, monkeypatch):
    """Debian's python3.x without python3.x-venv: the engine cannot be prepared, and says so."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fake = fake_python(tmp_path, {"version": "3.99.0", "version_info": [3, 99, 0],
                                  "implementation": "CPython", "free_threaded": False,
                                  "gil_enabled": True, "import_error": None},
                       tmp_path / "calls")
    # Answers the probe; anything else (-m venv) fails like a Python missing ensurepip.
    body = fake.read_text().replace(
        "#!/bin/sh\n",
        "#!/bin/sh\nif [ \"$1\" = -m ]; then echo 'Error: ensurepip is not available' >&2;"
        " exit 1; fi\n")
    fake.write_text(body)
    interp = describe(fake)
    assert interp.usable, interp.problem
    with pytest.raises(EngineUnavailable, match=r"cannot make a venv .*ensurepip is not available"):
        engine_python(interp)
    assert not list((tmp_path / "cache").rglob(".gilviz-finished"))


def test_a_frozen_bundle_says_it_cannot(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    interp = Interpreter(path="/x/python3.13t", version="3.13.5", usable=True)
    with pytest.raises(EngineUnavailable, match="bundle"):
        engine_python(interp)


def test_a_half_made_venv_is_made_again(tmp_path, monkeypatch):
    """No finished marker, no reuse: a crash mid-way never leaves a broken engine behind."""
    python = pyenv_python("3.12") or pyenv_python("3.13")
    if python is None:
        pytest.skip("no pyenv 3.12 or 3.13 here")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    interp = describe(python)
    from gilviz.core.engine_python import venv_folder

    folder = venv_folder(interp)
    (folder / "bin").mkdir(parents=True)
    script(folder / "bin", "python", "exit 3\n")  # what a venv killed half-way could leave
    command = engine_python(interp)
    assert run_check(command)["version"] == interp.version


@pytest.mark.freethreaded
def test_the_free_threaded_engine_runs_without_a_gil(free_threaded_python):
    command = free_threaded_python
    assert command.interpreter.free_threaded
    assert command.env["PYTHON_GIL"] == "0"
    facts = run_check(command)
    # After importing every lesson (and requests), the GIL is still off.
    assert facts["gil"] is False
    assert Path(facts["gilviz"]).parent.parent == Path(GILVIZ_PARENT)
    assert os.path.realpath(command.python) != os.path.realpath(sys.executable)



# Two threads of pure-Python work; each measures the share of its life it spent neither on
# a CPU nor waiting for one (kernel schedstat), i.e. blocked. With a GIL a thread is blocked
# whenever the other holds it; without one neither waits for the other, however busy the
# machine is (measured once both have started: starting a thread stalls the others).
BLOCKED = r"""
import json, threading, time
def runnable_ns():
    with open("/proc/thread-self/schedstat") as f:
        on_cpu, waiting, _ = map(int, f.read().split())
    return on_cpu + waiting
blocked = []
both_started = threading.Barrier(2)
def work():
    both_started.wait()
    wall, begin = time.perf_counter_ns(), runnable_ns()
    total = 0
    for i in range(4_000_000):
        total += i * i % 7
    blocked.append(1 - (runnable_ns() - begin) / (time.perf_counter_ns() - wall))
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(max(blocked)))
"""


def blocked_share(command: EngineCommand) -> float:
    proc = subprocess.run(command.argv("-c", BLOCKED), env=command.environ(),
                          capture_output=True, text=True, timeout=90, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.freethreaded
@pytest.mark.skipif(not Path("/proc/thread-self/schedstat").exists(),
                    reason="needs Linux schedstat")
def test_the_free_threaded_engine_runs_two_threads_at_once(free_threaded_python):
    # The best of three, against the GIL build measured the same way in the same test.
    # With a GIL a thread is blocked whenever the other holds it: 30-47% here, on a quiet
    # machine or beside two busy loops. Without one the steady state is 0-2%; a stall
    # (thread start-up, a stop-the-world pause) only ever adds, up to 20% on a busy
    # machine, so the best run is the one that shows the interpreter.
    without_gil = min(blocked_share(free_threaded_python) for _ in range(3))
    gil_build = engine_python(describe(sys.executable))
    with_gil = min(blocked_share(gil_build) for _ in range(3))
    assert without_gil < with_gil / 2, (
        f"without the GIL a thread was blocked {without_gil:.0%} of its time, "
        f"with it {with_gil:.0%}")
