"""The PyInstaller bundle: built by scripts/build_bundle.py, then run as a user would.

Slow (a build, ~20-40 s on 2 cores) but part of the default run: `-m "not slow"` skips it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import MARK, leftovers, marked_env
from tests.test_desktop import read_entry

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 1200

pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT_S + 300)]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Iterator[Path]:
    """A fresh build into a temporary folder (a cold PyInstaller cache, as in CI),
    deleted afterwards: it is over 200 MiB and pytest keeps its last few temp folders."""
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_bundle.py"),
         "--dist", str(out / "dist"), "--work", str(out / "work")],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    exe = out / "dist" / "gilviz" / ("gilviz.exe" if os.name == "nt" else "gilviz")
    assert exe.is_file()
    yield exe
    shutil.rmtree(out, ignore_errors=True)


def bare_env(**extra: str) -> tuple[dict[str, str], str]:
    """No Python of ours on PATH and no PYTHON* variables: only what the bundle carries."""
    env, mark = marked_env(**extra)
    env = {k: v for k, v in env.items()
           if not k.startswith("PYTHON") and k not in ("VIRTUAL_ENV", "PYENV_VERSION")}
    env["PATH"] = "/usr/bin:/bin"
    return env, mark


def check_self_test(proc: subprocess.CompletedProcess, mark: str) -> None:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "window shown (offscreen" in out and "icon set" in out
    assert "thread-join in the window's process: ok" in out
    assert "gil-cpu in the isolated engine: ok" in out
    assert "process pool: ok" in out
    assert "gilviz self-test: passed in" in out
    assert leftovers(mark) == []


def test_the_bundle_carries_its_interpreter_and_resources(bundle):
    internal = bundle.parent / "_internal"
    assert list(internal.glob("libpython3*.so*")) or list(internal.glob("python3*.dll"))
    assert (internal / "resources" / "icons" / "gilviz-256.png").is_file()
    assert (internal / "resources" / "gilviz.desktop").is_file()


def test_the_bundle_passes_its_self_test_offscreen(bundle, tmp_path):
    env, mark = bare_env(QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([str(bundle), "--self-test"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    check_self_test(proc, mark)


def _can_hide_python() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--mount", "--propagation", "private", "true"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(sys.platform != "linux" or not _can_hide_python(),
                    reason="needs a private mount namespace (unshare -m, usually root)")
def test_the_bundle_runs_with_every_python_on_this_machine_hidden(bundle, tmp_path):
    """Mounts empty folders over the Python installations here (this venv, its base
    interpreter and its version manager's others, Debian's python3) in a private mount
    namespace, checks that none starts there any more, then runs the bundle's self-test
    in it."""
    base = Path(sys.base_prefix)
    managed = base.parent if base.parent.name == "versions" else base  # pyenv, asdf
    hide_dirs = sorted({sys.prefix, str(managed),
                        *map(str, Path("/usr/lib").glob("python3*")),
                        *map(str, Path("/usr/local/lib").glob("python3*"))})
    hide_files = sorted(str(p) for folder in ("/usr/bin", "/usr/local/bin")
                        for p in Path(folder).glob("python*") if p.is_file())
    script = "\n".join([
        "set -e",
        *(f"mount -t tmpfs none '{d}'" for d in hide_dirs if Path(d).is_dir()),
        *(f"mount --bind /dev/null '{f}'" for f in hide_files),
        "set +e",
        "for py in python3 python python3.11 "
        f"'{sys.executable}' '{Path(sys.base_prefix) / 'bin' / 'python3'}'; do",
        "  if \"$py\" -c 'print(1)' >/dev/null 2>&1; then echo \"still runs: $py\"; exit 99; fi",
        "done",
        f"exec '{bundle}' --self-test",
    ])
    env, mark = bare_env(QT_QPA_PLATFORM="offscreen")
    env["PATH"] = f"/usr/local/bin:/usr/bin:/bin:{Path(sys.executable).parent}"
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           script], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert "still runs" not in proc.stdout, proc.stdout
    check_self_test(proc, mark)


def test_the_bundle_runs_lessons_headless_in_its_engine(bundle, tmp_path):
    env, mark = bare_env()
    proc = subprocess.run(
        [str(bundle), "run", "gil-cpu", "--isolated", "--set", "threads=2",
         "--set", "iterations=100000", "--json"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["placement"] == "isolated"
    assert data["result"]["work_units"] == 100_000 and data["result"]["speedup"] > 0
    assert leftovers(mark) == []


def test_the_bundle_installs_a_launcher_that_starts_itself(bundle, tmp_path):
    env, _ = bare_env(XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    env.pop("DISPLAY", None)
    env.pop(MARK)
    proc = subprocess.run([str(bundle), "--install-desktop"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    entry = read_entry(tmp_path / "data" / "applications" / "gilviz.desktop")
    assert entry["Exec"] == str(bundle)
    assert (tmp_path / "data" / "icons" / "hicolor" / "256x256" / "apps" / "gilviz.png").is_file()
