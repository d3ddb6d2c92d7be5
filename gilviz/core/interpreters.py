"""Find the Pythons on this machine that could host gilviz's engine, and describe each.

Where they are looked for: the running one; `python3.N` and `python3.Nt` on PATH; pyenv's
versions folder (its shims answer only for the selected version, so not those); uv's
managed Pythons; python.org's macOS frameworks (`PythonT.framework` for free-threaded) and
Windows installs (`py -0p`); gilviz's own cache (scripts/get-free-threaded.sh); paths the user
names in `GILVIZ_PYTHONS` (os.pathsep-separated) or in the settings. Duplicates (the same
real file reached by two names) are listed once. A Python that cannot run the lessons is
listed with its problem, never hidden: the user named it, or it is there, and should learn
why it is not offered.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gilviz.core.interpreter_probe import (
    PROBE_TIMEOUT_S,
    Interpreter,
    probe,
    running_interpreter,
)
from gilviz.core.user_cache import finished_free_threaded_pythons

ENV_VAR = "GILVIZ_PYTHONS"
# python3.13, python3.13t, python3.14t.exe, python2.7: a versioned name says what it is.
_VERSIONED = re.compile(r"^python[23]\.\d+t?(\.exe)?$", re.IGNORECASE)
_PROBE_WORKERS = 4


def find_interpreters(settings: Sequence[str] = (), timeout_s: float = PROBE_TIMEOUT_S,
                      include_running: bool = True) -> list[Interpreter]:
    """Every Python found, probed: the running one first, then the usable ones by version
    (newest first), then those with a problem. User-named paths are kept even when missing."""
    candidates = list(_dedupe(_candidates(settings, include_running)))
    running = [probe_or_running(path, found) for path, found in candidates
               if found == "running"]
    others = [(path, found) for path, found in candidates if found != "running"]
    with ThreadPoolExecutor(max_workers=_PROBE_WORKERS,
                            thread_name_prefix="interpreter-probe") as pool:
        probed = list(pool.map(lambda pair: probe(pair[0], pair[1], timeout_s), others))
    probed.sort(key=_order)
    return running + probed


def probe_or_running(path: str, found: str = "") -> Interpreter:
    """The running interpreter needs no subprocess; any other path is probed."""
    if _is_running(path):
        return running_interpreter()
    return probe(path, found)


def describe(path: str | os.PathLike[str], timeout_s: float = PROBE_TIMEOUT_S) -> Interpreter:
    """One interpreter the user named (e.g. `--python PATH`): probed, problem if any."""
    text = os.path.expanduser(str(path))
    if _is_running(text):
        return running_interpreter()
    if os.sep not in text and not os.path.isabs(text):
        from shutil import which

        text = which(text) or text  # `--python python3.13t`: look it up on PATH
    return probe(text, "named", timeout_s)


def _order(interp: Interpreter) -> tuple:
    version = tuple(int(p) if p.isdigit() else 0
                    for p in re.split(r"[.a-z]+", interp.version or "0") if p)
    return (not interp.usable, tuple(-v for v in version), not interp.free_threaded,
            interp.path)


def _is_running(path: str) -> bool:
    if getattr(sys, "frozen", False):
        return False
    # The same binary as ours (a venv's python is a link to its base): the running
    # interpreter, which needs no probe and no engine venv of its own.
    try:
        return os.path.samefile(path, sys.executable)
    except OSError:
        return False


def _candidates(settings: Sequence[str], include_running: bool) -> Iterator[tuple[str, str]]:
    """(path, where found), in order of preference; may hold duplicates."""
    if include_running and not getattr(sys, "frozen", False) and sys.executable:
        yield sys.executable, "running"
    for path in settings:
        if str(path).strip():
            yield os.path.expanduser(str(path).strip()), "setting"
    for path in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if path.strip():
            yield os.path.expanduser(path.strip()), ENV_VAR
    for path in finished_free_threaded_pythons():
        yield str(path), "gilviz cache"
    yield from ((p, "PATH") for p in _on_path())
    yield from ((p, "pyenv") for p in _pyenv())
    yield from ((p, "uv") for p in _uv())
    yield from ((p, "python.org") for p in _macos_frameworks())
    yield from ((p, "py launcher") for p in _windows_launcher())


def _dedupe(candidates: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    seen: set[str] = set()
    for path, found in candidates:
        key = os.path.normcase(os.path.realpath(path)) if os.path.exists(path) else path
        if key in seen:
            continue
        seen.add(key)
        yield path, found


def _on_path() -> Iterator[str]:
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        # Version-manager shims (pyenv, asdf) answer only for the selected version and
        # print errors for the others: their real interpreters are found in their folders.
        if not folder or Path(folder).name == "shims":
            continue
        yield from _versioned_in(folder)


def _versioned_in(folder: str | os.PathLike[str]) -> list[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names
            if _VERSIONED.match(name) and os.path.isfile(os.path.join(folder, name))]


def _pyenv() -> Iterator[str]:
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for version_dir in sorted(glob.glob(os.path.join(root, "versions", "*"))):
        bin_dir = os.path.join(version_dir, "Scripts" if os.name == "nt" else "bin")
        found = _versioned_in(bin_dir)
        # One per version: python3.13t over python3.13 when both exist (a 3.13t build).
        if found:
            yield max(found, key=lambda p: (p.lower().removesuffix(".exe").endswith("t"), len(p)))
        elif os.path.isfile(os.path.join(version_dir, "python.exe")):  # pyenv-win
            yield os.path.join(version_dir, "python.exe")


def _uv_python_dir() -> str:
    explicit = os.environ.get("UV_PYTHON_INSTALL_DIR")
    if explicit:
        return explicit
    if os.name == "nt":
        return os.path.join(os.environ.get("APPDATA", ""), "uv", "python")
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(data, "uv", "python")


def _uv() -> Iterator[str]:
    for install in sorted(glob.glob(os.path.join(_uv_python_dir(), "*"))):
        if os.path.isdir(os.path.join(install, "bin")):
            found = _versioned_in(os.path.join(install, "bin"))
            if found:
                yield max(found, key=len)
        elif os.path.isfile(os.path.join(install, "python.exe")):
            # Windows: python.exe, or python3.13t.exe in a free-threaded install
            free = glob.glob(os.path.join(install, "python3*t.exe"))
            yield free[0] if free else os.path.join(install, "python.exe")


def _macos_frameworks() -> Iterator[str]:
    if sys.platform != "darwin":
        return
    for framework in ("PythonT.framework", "Python.framework"):
        pattern = os.path.join("/Library/Frameworks", framework, "Versions", "*", "bin")
        for bin_dir in sorted(glob.glob(pattern)):
            yield from _versioned_in(bin_dir)


def _windows_launcher() -> Iterator[str]:
    """`py -0p` lists the python.org installs (3.13t ones included) with their paths."""
    if os.name != "nt":
        return
    try:
        out = subprocess.run(["py", "-0p"], capture_output=True, text=True, timeout=5,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return
    for line in out.splitlines():
        match = re.search(r"([A-Za-z]:\\.*?\.exe)\s*$", line)
        if match:
            yield match.group(1)
