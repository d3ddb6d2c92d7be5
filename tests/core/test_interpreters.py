"""Finding and probing Pythons: the real ones on this machine and every kind of bad path."""

from __future__ import annotations

import json
import os
import platform
import stat
import sys
import time
from pathlib import Path

import pytest

from gilviz.core import interpreter_probe
from gilviz.core.interpreter_probe import Interpreter, forget_probes, probe
from gilviz.core.interpreters import describe, find_interpreters

PYENV_VERSIONS = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
CONTRACT = {"path", "version", "free_threaded", "gil_enabled", "usable", "problem"}


def pyenv_python(prefix: str) -> Path | None:
    """pyenv's python<prefix> (e.g. '3.12'), when this machine has that version."""
    for folder in sorted(PYENV_VERSIONS.glob(f"{prefix}.*"), reverse=True):
        python = folder / "bin" / f"python{prefix}"
        if python.is_file() and not folder.name.endswith("t"):
            return python
    return None


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def fake_python(folder: Path, answer: dict, calls: Path) -> Path:
    """A shell script that answers the probe like a Python would, counting its calls."""
    line = "GILVIZ-PROBE " + json.dumps(answer)
    return script(folder, "python3.99", f"echo x >> '{calls}'\necho '{line}'\n")


@pytest.fixture(autouse=True)
def fresh_probes():
    forget_probes()
    yield
    forget_probes()


def test_the_running_interpreter_comes_first_and_is_usable():
    found = find_interpreters()
    first = found[0]
    assert first.path == sys.executable and first.running and first.found == "running"
    assert first.version == platform.python_version()
    assert first.usable and first.problem is None
    assert set(first.to_json()) >= CONTRACT


def test_probing_the_running_binary_in_a_subprocess_agrees():
    interp = probe(sys.executable)
    assert interp.usable, interp.problem
    assert interp.version == platform.python_version()
    assert interp.implementation == platform.python_implementation()
    assert interp.free_threaded is bool(__import__("sysconfig").get_config_var("Py_GIL_DISABLED"))


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_pyenv_versions_are_found_in_its_folder_and_usable(version):
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"pyenv has no Python {version} here ({PYENV_VERSIONS})")
    listed = {os.path.realpath(i.path): i for i in find_interpreters()}
    interp = listed.get(os.path.realpath(python))
    assert interp is not None, f"{python} not listed"
    assert interp.usable, interp.problem
    assert interp.version.startswith(version + ".")
    assert not interp.free_threaded and interp.gil_enabled


def test_a_missing_file_is_listed_with_its_problem(tmp_path):
    interp = describe(tmp_path / "python3.42")
    assert not interp.usable and interp.problem == "does not exist"
    assert interp.version is None


def test_a_directory_is_not_a_python(tmp_path):
    interp = describe(tmp_path)
    assert not interp.usable and "is a directory" in interp.problem


def test_a_file_that_is_not_executable(tmp_path):
    path = tmp_path / "python3"
    path.write_text("print('hi')\n")
    interp = describe(path)
    assert not interp.usable and interp.problem == "is not executable"


def test_a_non_python_executable_says_it_did_not_answer():
    true = "/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"
    if not os.path.exists(true):
        pytest.skip("no `true` executable here")
    interp = describe(true)
    assert not interp.usable
    assert interp.problem.startswith("did not answer like a Python"), interp.problem


def test_a_failing_program_reports_its_message(tmp_path):
    broken = script(tmp_path, "python3.13", "echo 'cannot find libpython3.13.so' >&2\nexit 127\n")
    interp = describe(broken)
    assert not interp.usable
    assert "exit status 127" in interp.problem and "libpython3.13.so" in interp.problem


def test_a_hanging_script_is_cut_off_by_the_timeout_and_leaves_nothing(tmp_path):
    pid_file = tmp_path / "sleeper.pid"
    hanging = script(tmp_path, "python3.13", f"sleep 60 &\necho $! > '{pid_file}'\nwait\n")
    started = time.monotonic()
    interp = describe(hanging, timeout_s=1.0)
    assert time.monotonic() - started < 5.0
    assert not interp.usable and "did not answer within 1 s" in interp.problem
    # Its own child (the sleep) was killed with it, not left to hold the pipe open.
    sleeper = int(pid_file.read_text())
    deadline = time.monotonic() + 3.0
    while _alive(sleeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(sleeper)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_timeout_is_not_remembered(tmp_path, monkeypatch):
    """A busy machine can make a good Python slow once; it is asked again next time."""
    slow = script(tmp_path, "python3.13", "sleep 5\n")
    assert "did not answer" in describe(slow, timeout_s=0.3).problem
    mtime = slow.stat().st_mtime_ns
    slow.write_text(fake_python(tmp_path, _answer(), tmp_path / "calls").read_text())
    os.utime(slow, ns=(mtime, mtime))  # same key (path, mtime) as the slow answer
    assert describe(slow).usable


@pytest.mark.parametrize("version", ["2.7", "3.10"])
def test_too_old_pythons_are_listed_with_the_reason(version):
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"pyenv has no Python {version} here ({PYENV_VERSIONS})")
    interp = describe(python)
    assert not interp.usable
    assert interp.version.startswith(version + ".")
    assert "3.11 or newer" in interp.problem
    if version == "2.7":
        assert "is Python 2.7" in interp.problem


def _answer(**overrides) -> dict:
    answer = {"version": "3.99.0", "version_info": [3, 99, 0], "implementation": "CPython",
              "executable": "x", "free_threaded": False, "gil_enabled": True,
              "import_error": None}
    answer.update(overrides)
    return answer


def test_a_python_that_cannot_import_the_lessons_says_why(tmp_path):
    fake = fake_python(tmp_path, _answer(import_error="ImportError: no enum"), tmp_path / "c")
    interp = describe(fake)
    assert not interp.usable and interp.version == "3.99.0"
    assert interp.problem == "cannot import gilviz's lessons (ImportError: no enum)"


def test_each_binary_is_probed_once_until_it_changes(tmp_path):
    calls = tmp_path / "calls"
    fake = fake_python(tmp_path, _answer(free_threaded=True, gil_enabled=False), calls)
    first = describe(fake)
    assert first.usable and first.free_threaded and not first.gil_enabled
    assert describe(fake) == first
    assert calls.read_text().count("x") == 1
    later = fake.stat().st_mtime_ns + 10**9
    os.utime(fake, ns=(later, later))  # rebuilt in place: asked again
    describe(fake)
    assert calls.read_text().count("x") == 2


def test_user_named_paths_are_listed_never_hidden(tmp_path, monkeypatch):
    missing, folder = tmp_path / "nope" / "python3", tmp_path
    monkeypatch.setenv("GILVIZ_PYTHONS", os.pathsep.join([str(missing), str(folder)]))
    setting = tmp_path / "from-settings"
    found = find_interpreters(settings=[str(setting)], timeout_s=2.0)
    by_path = {i.path: i for i in found}
    assert by_path[str(missing)].problem == "does not exist"
    assert by_path[str(missing)].found == "GILVIZ_PYTHONS"
    assert "directory" in by_path[str(folder)].problem
    assert by_path[str(setting)].found == "setting"
    assert found[0].running
    # Usable ones come before those with a problem.
    usable = [i.usable for i in found]
    assert usable == sorted(usable, reverse=True)


def test_the_same_binary_under_two_names_is_listed_once(tmp_path, monkeypatch):
    link = tmp_path / "python3.11"
    link.symlink_to(os.path.realpath(sys.executable))
    monkeypatch.setenv("GILVIZ_PYTHONS", str(link))
    found = find_interpreters()
    same = [i for i in found if os.path.realpath(i.path) == os.path.realpath(sys.executable)]
    assert len(same) == 1 and same[0].running


def test_pyenv_shims_are_not_probed(tmp_path, monkeypatch):
    shims = tmp_path / "shims"
    shims.mkdir()
    fake_python(shims, _answer(), tmp_path / "calls")
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ.get('PATH', '')}")
    assert not any(i.path.startswith(str(shims)) for i in find_interpreters())


def test_to_json_has_the_contract_fields_and_nothing_unserialisable():
    interp = Interpreter(path="/x/python3.13t", version="3.13.5", free_threaded=True,
                         gil_enabled=False, usable=True)
    data = json.loads(json.dumps(interp.to_json()))
    assert set(data) >= CONTRACT
    assert data["free_threaded"] is True and data["gil_enabled"] is False
    assert interp.label == "Python 3.13.5t (free-threaded, no GIL)"


def test_probe_timeout_default_is_bounded():
    assert 1.0 <= interpreter_probe.PROBE_TIMEOUT_S <= 10.0


@pytest.mark.freethreaded
def test_the_free_threaded_build_is_reported_without_a_gil(free_threaded_python):
    built = free_threaded_python.interpreter
    interp = describe(built.path)
    assert interp.usable, interp.problem
    assert interp.free_threaded is True and interp.gil_enabled is False
    listed = [i for i in find_interpreters() if i.found == "gilviz cache"]
    assert listed and listed[0].free_threaded and not listed[0].gil_enabled


def test_a_relative_path_is_made_absolute(monkeypatch):
    monkeypatch.chdir(Path(sys.executable).parent.parent)
    relative = os.path.join(Path(sys.executable).parent.name, Path(sys.executable).name)
    interp = probe(relative)
    assert interp.usable, interp.problem
    assert os.path.isabs(interp.path) and os.path.samefile(interp.path, sys.executable)
