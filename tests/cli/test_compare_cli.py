"""`gilviz run --python PATH` and `gilviz compare`: the engine on another interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gilviz.core.interpreter_probe import PROBE_TIMEOUT_S

INTERPRETER = {"path", "version", "free_threaded", "gil_enabled"}
SMALL_CPU = ("--set", "threads=2", "--set", "iterations=200000")


def gilviz(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gilviz", *args], capture_output=True,
                          text=True, timeout=timeout, check=False)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("gilviz: error: ")
    assert proc.stdout == ""
    return lines[0]


def script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def test_run_with_python_reports_the_interpreter():
    proc = gilviz("run", "gil-cpu", *SMALL_CPU, "--python", sys.executable, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["placement"] == "isolated"
    assert set(data["interpreter"]) == INTERPRETER
    assert os.path.samefile(data["interpreter"]["path"], sys.executable)
    assert data["interpreter"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert data["interpreter"]["free_threaded"] is False
    assert data["interpreter"]["gil_enabled"] is True
    assert data["result"]["speedup"] > 0
    assert "warning" not in data


def test_run_without_python_has_no_interpreter_field():
    proc = gilviz("run", "thread-join", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "interpreter" not in json.loads(proc.stdout)


def test_python_with_in_process_is_a_usage_error():
    line = one_error_line(gilviz("run", "gil-cpu", "--python", sys.executable, "--in-process"))
    assert "--in-process" in line


def test_a_lesson_the_interpreter_cannot_run_is_refused_before_the_run():
    line = one_error_line(gilviz("run", "many-threads", "--set", "kind=qthread",
                                 "--python", sys.executable))
    assert "QThreads need PySide6" in line


@pytest.mark.parametrize("kind", ["missing", "directory", "not python", "python 2",
                                  "not on PATH", "not executable"])
def test_bad_python_is_one_line_and_exit_2_quickly(tmp_path, kind):
    path = {
        "missing": str(tmp_path / "python3.13t"),
        "directory": str(tmp_path),
        "not python": script(tmp_path / "tool", "echo hello\n"),
        # Answers the probe as a Python 2 would (no Python 2 needed on the test machine).
        "python 2": script(tmp_path / "python2.7", "echo 'GILVIZ-PROBE {\"version\": "
                           "\"2.7.18\", \"version_info\": [2, 7, 18], \"implementation\": "
                           "\"CPython\"}'\n"),
        "not on PATH": "python9.99t",
        "not executable": str(tmp_path / "plain.txt"),
    }[kind]
    if kind == "not executable":
        Path(path).write_text("print('hi')\n")
    started = time.monotonic()
    for command in (["run", "gil-cpu"], ["compare", "gil-cpu", "--python", sys.executable]):
        line = one_error_line(gilviz(*command, "--python", path))
        assert path in line
        expected = {"missing": "does not exist", "directory": "directory",
                    "not python": "did not answer like a Python", "python 2": "Python 2.7",
                    "not on PATH": "on PATH", "not executable": "not executable"}[kind]
        assert expected in line
    assert time.monotonic() - started < 30


def test_a_python_that_hangs_is_given_up_after_the_probe_timeout(tmp_path):
    hang = script(tmp_path / "python3.99", "sleep 300\n")
    started = time.monotonic()
    line = one_error_line(gilviz("run", "gil-cpu", "--python", hang, timeout=60))
    assert "did not answer within" in line
    assert time.monotonic() - started < PROBE_TIMEOUT_S + 15


def test_compare_json_has_one_run_per_interpreter_in_order():
    proc = gilviz("compare", "gil-cpu", *SMALL_CPU, "--python", sys.executable,
                  "--python", sys.executable, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["lesson"] == "gil-cpu"
    assert data["params"]["threads"] == 2 and data["params"]["iterations"] == 200_000
    assert len(data["runs"]) == 2
    for run in data["runs"]:
        assert set(run) >= {"interpreter", "elapsed_s", "result"}
        assert set(run["interpreter"]) == INTERPRETER
        assert run["elapsed_s"] > 0 and run["result"]["speedup"] > 0
        assert run["result"]["thread_states"]
    assert proc.stderr.count("running gil-cpu on") == 2


def test_compare_with_one_python_puts_the_running_one_first():
    proc = gilviz("compare", "race", "--set", "iterations=100", "--python", sys.executable,
                  "--json")
    assert proc.returncode == 0, proc.stderr
    runs = json.loads(proc.stdout)["runs"]
    assert len(runs) == 2
    assert all(os.path.samefile(run["interpreter"]["path"], sys.executable) for run in runs)


def test_compare_text_is_a_table_with_each_takeaway():
    proc = gilviz("compare", "race", "--set", "iterations=200", "--python", sys.executable,
                  "--python", sys.executable)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("race (threads=4, iterations=200")
    assert any(line.startswith("lost ") for line in lines)
    assert any(line.startswith("lost (%) ") for line in lines)
    verdicts = [line for line in lines if line.startswith("Python ")]
    assert len(verdicts) == 2 and all("updates lost" in v or "no update lost" in v
                                      for v in verdicts)
    assert sum(1 for line in lines if line.startswith("  The counter reached")
               or line.startswith("  No update lost")) == 2


def test_compare_with_an_unknown_parameter_is_exit_2():
    line = one_error_line(gilviz("compare", "race", "--set", "nope=1",
                                 "--python", sys.executable))
    assert "nope" in line


def test_compare_without_python_is_exit_2():
    one_error_line(gilviz("compare", "race"))


@pytest.mark.freethreaded
def test_compare_gil_cpu_on_both_builds(free_threaded_python):
    ft = free_threaded_python.interpreter.path
    proc = gilviz("compare", "gil-cpu", "--set", "threads=2", "--set",
                  "iterations=4000000", "--python", sys.executable, "--python", ft,
                  "--json", timeout=110)
    assert proc.returncode == 0, proc.stderr
    gil, free = json.loads(proc.stdout)["runs"]
    assert gil["interpreter"]["free_threaded"] is False and gil["interpreter"]["gil_enabled"]
    assert free["interpreter"] == {"path": ft, "version": free["interpreter"]["version"],
                                   "free_threaded": True, "gil_enabled": False}
    assert "warning" not in free
    assert free["result"]["thread_states"] and gil["result"]["thread_states"]


@pytest.mark.freethreaded
def test_run_race_on_the_free_threaded_engine_says_the_gil_stayed_off(free_threaded_python):
    proc = gilviz("run", "race", "--set", "variant=plain", "--set", "iterations=20000",
                  "--python", free_threaded_python.interpreter.path, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["interpreter"]["free_threaded"] is True
    assert data["interpreter"]["gil_enabled"] is False  # reported by the engine at the end
    assert data["result"]["python"] == data["interpreter"]["version"]
