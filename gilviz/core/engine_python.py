"""Prepare a Python to host gilviz's engine: what to start, with which environment.

The engine runs as `<python> -m gilviz.engine ...`. The running interpreter can do that as it
is. Any other gets a private venv in the user's cache (`<cache>/engines/<slug>/`), made once
with that interpreter, holding the one third-party package the lessons import (`requests`);
gilviz itself comes from this checkout through PYTHONPATH, so one venv serves every copy of
gilviz and the user's own environments are never touched. A free-threaded interpreter runs
with `PYTHON_GIL=0`, so an extension module cannot silently switch the GIL back on.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from gilviz.core.engine import EngineCommand
from gilviz.core.interpreter_probe import GILVIZ_PARENT, Interpreter
from gilviz.core.user_cache import engines_root, read_marker, write_marker

Progress = Callable[[str], None]
PACKAGES = ("requests",)
VENV_TIMEOUT_S = 180.0
PIP_TIMEOUT_S = 300.0
CHECK_TIMEOUT_S = 60.0
class EngineUnavailable(Exception):
    """This interpreter cannot host the engine; the message is one plain sentence."""


def engine_python(interp: Interpreter, progress: Progress | None = None) -> EngineCommand:
    """The command that runs gilviz's engine on `interp`; makes its venv the first time.

    Raises EngineUnavailable (with the reason) when the interpreter is unusable, when this is
    a frozen bundle, or when the venv or `pip install requests` fails.
    """
    if getattr(sys, "frozen", False):
        raise EngineUnavailable("a packaged gilviz (the standalone bundle) cannot run its "
                                "engine on another Python; run gilviz from source for that")
    if not interp.usable:
        raise EngineUnavailable(f"{interp.path} {interp.problem or 'is not usable'}")
    env = {"PYTHONPATH": GILVIZ_PARENT}
    if interp.free_threaded:
        env["PYTHON_GIL"] = "0"
    if interp.running:
        return EngineCommand(sys.executable, env, interp)
    venv_python = _prepared_venv(interp, progress or (lambda _line: None))
    return EngineCommand(str(venv_python), env, interp)


def venv_folder(interp: Interpreter) -> Path:
    """`<cache>/engines/cpython-3.13.5t-1a2b3c4d`: readable, unique per real binary."""
    real = os.path.realpath(interp.path)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    name = (interp.implementation or "python").lower()
    version = re.sub(r"[^0-9A-Za-z.]", "", interp.version or "unknown")
    return engines_root() / f"{name}-{version}{'t' if interp.free_threaded else ''}-{digest}"


def _venv_python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _prepared_venv(interp: Interpreter, progress: Progress) -> Path:
    folder = venv_folder(interp)
    stamp = _stamp(interp)
    python = _venv_python(folder)
    if _is_ready(folder, python, stamp):
        return python
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(folder.with_name(folder.name + ".lock")):
        if _is_ready(folder, python, stamp):  # made meanwhile by another process
            return python
        _make_venv(interp, folder, python, progress)
        write_marker(folder, stamp)
    return python


def _stamp(interp: Interpreter) -> dict:
    real = os.path.realpath(interp.path)
    try:
        mtime = os.stat(real).st_mtime_ns
    except OSError:
        mtime = 0
    return {"interpreter": real, "interpreter_mtime_ns": mtime, "version": interp.version,
            "free_threaded": interp.free_threaded, "packages": list(PACKAGES)}


def _is_ready(folder: Path, python: Path, stamp: dict) -> bool:
    marker = read_marker(folder)
    if not marker or not python.exists():
        return False
    return all(marker.get(key) == value for key, value in stamp.items())


def _make_venv(interp: Interpreter, folder: Path, python: Path, progress: Progress) -> None:
    started = time.monotonic()
    label = interp.label
    progress(f"preparing {label} for gilviz (first time only): a private venv in {folder}")
    if folder.exists():
        shutil.rmtree(folder)
    _step([interp.path, "-m", "venv", str(folder)], VENV_TIMEOUT_S,
          f"cannot make a venv with {interp.path}", hint=_venv_hint(interp))
    progress(f"installing {', '.join(PACKAGES)} into it with pip")
    _step([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--no-input", *PACKAGES], PIP_TIMEOUT_S,
          f"cannot install {', '.join(PACKAGES)} for {label} (no network, or no pip?)")
    check_env = EngineCommand(str(python), {"PYTHONPATH": GILVIZ_PARENT}).environ()
    _step([str(python), "-c", "import gilviz.core, gilviz.demos"], CHECK_TIMEOUT_S,
          f"{label} cannot import gilviz's lessons even in its venv", env=check_env)
    progress(f"{label} is ready ({time.monotonic() - started:.0f} s)")


def _venv_hint(interp: Interpreter) -> str:
    minor = ".".join((interp.version or "").split(".")[:2])
    if interp.path.startswith("/usr/bin/") and shutil.which("apt-get"):
        return f"on Debian/Ubuntu install python{minor}-venv"
    return ""


def _step(argv: list[str], timeout_s: float, failure: str, hint: str = "",
          env: dict[str, str] | None = None) -> None:
    env = env or EngineCommand(argv[0]).environ()
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s,
                                env=env, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EngineUnavailable(f"{failure}: no answer within {timeout_s:.0f} s") from exc
    except OSError as exc:
        raise EngineUnavailable(f"{failure}: {exc.strerror or exc}") from exc
    if result.returncode != 0:
        lines = [line.strip() for line in (result.stderr or result.stdout).splitlines()
                 if line.strip()]
        why = lines[-1] if lines else f"exit status {result.returncode}"
        extra = f" ({hint})" if hint else ""
        raise EngineUnavailable(f"{failure}: {why[:300]}{extra}")


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One process at a time makes a given venv (two tests, or the window and the CLI)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
