"""`python -m gilviz interpreters [--json]`: the Pythons found here, the running one first."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CONTRACT = {"path", "version", "free_threaded", "gil_enabled", "usable", "problem"}


def gilviz(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gilviz", *args], capture_output=True,
                          text=True, timeout=90, env=env, check=False)


def test_json_lists_the_running_interpreter_first():
    proc = gilviz("interpreters", "--json")
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert isinstance(found, list) and found
    first = found[0]
    assert set(first) >= CONTRACT
    assert os.path.samefile(first["path"], sys.executable)
    assert first["usable"] is True and first["problem"] is None
    assert first["version"] == ".".join(map(str, sys.version_info[:3]))
    for entry in found:
        assert isinstance(entry["free_threaded"], bool) and isinstance(entry["usable"], bool)
        assert entry["usable"] == (entry["problem"] is None)


def test_bad_paths_named_by_the_user_are_listed_with_a_problem(tmp_path):
    missing = tmp_path / "python3.13t"
    env = {**os.environ, "GILVIZ_PYTHONS": os.pathsep.join([str(missing), str(tmp_path)])}
    proc = gilviz("interpreters", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    by_path = {entry["path"]: entry for entry in json.loads(proc.stdout)}
    assert by_path[str(missing)] == {**by_path[str(missing)], "usable": False,
                                     "problem": "does not exist", "version": None}
    assert "directory" in by_path[str(tmp_path)]["problem"]


def test_text_output_is_a_table_with_the_reason_for_each_unusable_one(tmp_path):
    env = {**os.environ, "GILVIZ_PYTHONS": str(tmp_path / "nope")}
    proc = gilviz("interpreters", env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["VERSION", "BUILD", "USABLE"]
    assert sys.executable in lines[1] and "(running)" in lines[1]
    assert any(str(tmp_path / "nope") in line and "does not exist" in line for line in lines)


def test_an_unknown_option_is_one_line_and_exit_2():
    proc = gilviz("interpreters", "--bogus")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--bogus" in proc.stderr


@pytest.mark.freethreaded
def test_the_free_threaded_build_is_listed_without_a_gil(free_threaded_python):
    proc = gilviz("interpreters", "--json")
    assert proc.returncode == 0, proc.stderr
    built = os.path.realpath(free_threaded_python.interpreter.path)
    entries = [e for e in json.loads(proc.stdout) if os.path.realpath(e["path"]) == built]
    assert len(entries) == 1
    assert entries[0]["free_threaded"] is True and entries[0]["gil_enabled"] is False
    assert entries[0]["usable"] is True
