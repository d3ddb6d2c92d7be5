"""The free-threaded set-up command: reuse, refusals in one line, never a half build."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from gilviz.core.user_cache import FINISHED_MARKER, free_threaded_root, write_marker
from gilviz.tools import free_threaded
from gilviz.tools.free_threaded import Cancelled, Refused, cached_python, get_free_threaded

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "get-free-threaded.sh"


@pytest.fixture
def empty_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return free_threaded_root()


def fake_build(root: Path, version: str, finished: bool = True) -> Path:
    folder = root / f"cpython-{version}t"
    python = folder / "bin" / f"python{version[:4]}t"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    if finished:
        write_marker(folder, {"python": f"bin/{python.name}", "version": version})
    return python


def run_main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = free_threaded.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_a_finished_build_is_reused_at_once(empty_cache, monkeypatch):
    python = fake_build(empty_cache, "3.13.5")
    monkeypatch.setattr(free_threaded, "_Build", None)  # building now would be a bug
    started = time.monotonic()
    code, out, _ = run_main()
    assert code == 0 and out.strip() == str(python)
    assert time.monotonic() - started < 1.0


def test_a_half_build_is_never_used(empty_cache):
    fake_build(empty_cache, "3.13.5", finished=False)
    assert cached_python() is None
    code, _, err = run_main("--where")
    assert code == 1 and "no free-threaded Python" in err


def test_the_newest_finished_build_wins(empty_cache):
    fake_build(empty_cache, "3.13.5")
    newer = fake_build(empty_cache, "3.14.0")
    assert cached_python() == newer


def test_not_debian_is_refused_in_one_line_with_the_alternatives(empty_cache, monkeypatch):
    monkeypatch.setattr(free_threaded, "_os_release_ids", lambda: {"fedora"})
    code, out, err = run_main()
    assert code == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith("get-free-threaded: cannot build here: building needs Debian")
    assert "uv python install 3.13t" in err and "python.org" in err
    assert not any(empty_cache.glob(f"*/{FINISHED_MARKER}"))


def test_no_root_and_no_sudo_is_refused_with_the_command_to_run(empty_cache, monkeypatch):
    monkeypatch.setattr(free_threaded, "_os_release_ids", lambda: {"debian"})
    monkeypatch.setattr(free_threaded, "_missing_packages", lambda _pkgs: ["libzstd-dev"])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    real_which = free_threaded.shutil.which
    monkeypatch.setattr(free_threaded.shutil, "which",
                        lambda name: None if name == "sudo" else real_which(name))
    with pytest.raises(Refused, match=r"not root and there is no sudo.*libzstd-dev"):
        get_free_threaded(progress=lambda _line: None)


@pytest.mark.skipif(not Path("/usr/bin/apt-get").exists(), reason="needs apt-get (Debian)")
def test_an_unreachable_archive_is_refused_and_logged(empty_cache, monkeypatch):
    monkeypatch.setattr(free_threaded, "_missing_packages", lambda _pkgs: [])
    monkeypatch.setattr(free_threaded, "MIRROR", "http://127.0.0.1:9/debian")
    lines: list[str] = []
    with pytest.raises(Refused, match="unreachable"):
        get_free_threaded(progress=lines.append)
    log = (empty_cache / "build.log").read_text()
    assert "127.0.0.1:9" in log
    assert any("throw-away apt config" in line for line in lines)
    assert not list(empty_cache.glob(".work-*")), "the work folder is removed"
    assert cached_python() is None


def test_the_script_refuses_where_it_cannot_and_exits_non_zero(empty_cache):
    env = {**os.environ, "GILVIZ_DEBIAN_MIRROR": "http://127.0.0.1:9/debian",
           "GILVIZ_SETUP_PYTHON": sys.executable}
    proc = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=300,
                          env=env, stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode != 0 and proc.stdout == ""
    assert "get-free-threaded: " in proc.stderr and "uv python install" in proc.stderr


def test_tarball_names_give_package_and_version():
    assert free_threaded._parse_tarball_name("python3.13_3.13.5.orig.tar.xz") == \
        ("python3.13", "3.13.5")


@pytest.mark.freethreaded
def test_the_script_reuses_the_cached_build_in_a_second(free_threaded_python):
    started = time.monotonic()
    proc = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 3.0
    path = proc.stdout.strip()
    assert os.path.samefile(path, free_threaded_python.interpreter.path)
    assert path.endswith("t") and "python-freethreaded" in path


def test_cancel_stops_a_running_step_and_keeps_nothing(empty_cache, monkeypatch):
    """The window's Cancel: the running step (and what it started) ends within a second."""
    monkeypatch.setattr(free_threaded, "_check_machine", lambda: [])
    monkeypatch.setattr(free_threaded, "_missing_packages", lambda _pkgs: [])
    pid_file = empty_cache.parent / "step.pid"

    def slow_fetch(build, work):
        build._call(["sh", "-c", f"sleep 60 & echo $! > '{pid_file}'; wait"])

    monkeypatch.setattr(free_threaded._Build, "_fetch_source", slow_fetch)
    cancel = threading.Event()
    timer = threading.Timer(0.5, cancel.set)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(Cancelled):
            get_free_threaded(progress=lambda _line: None, cancel=cancel)
    finally:
        timer.join()
    assert time.monotonic() - started < 3.0
    sleeper = int(pid_file.read_text())
    deadline = time.monotonic() + 3.0
    while Path(f"/proc/{sleeper}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{sleeper}").exists() or "Z" in _state(sleeper)
    assert not list(empty_cache.glob(".work-*")) and cached_python() is None


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"
