"""`python -m gilviz run your-code --set file=PATH [--set timeout_s=S] [--json]`: the
contract (threads, status, error, elapsed_s) and its bad inputs (one line, exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import your_code_scripts as scripts
from tests.processes import leftovers, marked_env


def gilviz(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    env, mark = marked_env()
    proc = subprocess.run([sys.executable, "-m", "gilviz", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)
    assert not leftovers(mark), "the run left processes behind"
    return proc


def script(tmp_path: Path, source: str, name: str = "script.py") -> str:
    path = tmp_path / name
    path.write_text(source)
    return str(path)


def run_json(*args: str) -> dict:
    proc = gilviz("run", "your-code", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_script_file_runs_with_its_threads_and_what_they_printed(tmp_path):
    path = script(tmp_path, scripts.FETCH_WITH_POOL)
    data = run_json("--set", f"file={path}", "--set", "latency_s=0.05")
    assert data["demo"] == "your-code" and data["params"]["file"] == path
    assert data["placement"] == "isolated"
    result = data["result"]
    assert result["status"] == "finished" and result["error"] is None
    assert result["elapsed_s"] > 0 and data["elapsed_s"] >= result["elapsed_s"]
    names = [thread["name"] for thread in result["threads"]]
    assert names[0] == "MainThread"
    assert sum(name.startswith("ThreadPoolExecutor") for name in names) == 4
    fetched = [line for thread in result["threads"] if thread["name"] != "MainThread"
               for line in thread["printed"]]
    assert len(fetched) == 7 and all(line.startswith("Fetched ") for line in fetched)
    assert all(set(thread) >= {"name", "printed", "tid"} for thread in result["threads"])


def test_the_log_is_printed_live_without_json(tmp_path):
    path = script(tmp_path, scripts.FAILS_IN_A_THREAD)
    proc = gilviz("run", "your-code", "--set", f"file={path}")
    assert proc.returncode == 0, proc.stderr
    assert "divider    about to divide" in proc.stdout
    assert "status: error" in proc.stdout


def test_an_exception_is_the_error_with_its_traceback(tmp_path):
    path = script(tmp_path, scripts.FAILS_IN_MAIN)
    result = run_json("--set", f"file={path}")["result"]
    assert result["status"] == "error" and result["error_line"] == 2
    assert f'File "{path}", line 2, in lookup' in result["error"]


@pytest.mark.parametrize("source", [scripts.SPIN_IN_MAIN, scripts.SPIN_IN_A_THREAD],
                         ids=["main", "thread"])
def test_the_time_limit_ends_code_that_never_stops(tmp_path, source):
    path = script(tmp_path, source)
    started = time.monotonic()
    data = run_json("--set", f"file={path}", "--set", "timeout_s=1")
    assert time.monotonic() - started < 15
    result = data["result"]
    assert result["status"] == "timeout" and result["error"] is None
    assert 1.0 <= result["elapsed_s"] < 2.0
    assert data["stopped"] is True


def test_without_a_file_it_runs_the_exercise_starting_point():
    result = run_json("--set", "latency_s=0.05")["result"]
    assert [thread["name"] for thread in result["threads"]] == ["MainThread"]
    assert result["threads"][0]["printed"][-1].startswith("Total time taken")


@pytest.mark.parametrize("make, message", [
    (lambda tmp: str(tmp / "missing.py"), "no such file"),
    (lambda tmp: str(tmp), "is a directory"),
    (lambda tmp: script_bytes(tmp, b"\x7fELF\x00\x00"), "binary file"),
    (lambda tmp: script_bytes(tmp, b"print('\xe9')\n"), "not UTF-8"),
    (lambda tmp: script_bytes(tmp, b"for x in range(3)\n    print(x)\n"),
     "SyntaxError at line 1"),
])
def test_a_bad_file_is_one_line_and_exit_2(tmp_path, make, message):
    proc = gilviz("run", "your-code", "--set", f"file={make(tmp_path)}", "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gilviz: error: file: ")
    assert message in lines[0]


def script_bytes(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "bad.py"
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("args, message", [
    (["--set", "timeout_s=0"], "timeout_s must be between"),
    (["--set", "timeout_s=soon"], "timeout_s must be a number"),
    (["--in-process"], "only in the isolated engine"),
    (["--set", "source=print(1)", "--set", "file=x.py"], "file: no such file"),
    (["--set", "nope=1"], "unknown parameter"),
])
def test_bad_settings_are_one_line_and_exit_2(args, message):
    proc = gilviz("run", "your-code", *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_file_and_source_together_are_refused(tmp_path):
    path = script(tmp_path, "print(1)\n")
    proc = gilviz("run", "your-code", "--set", f"file={path}", "--set", "source=print(2)")
    assert proc.returncode == 2 and "not both" in proc.stderr
