"""Ask one Python what it is: version, implementation, free-threaded build, GIL on or off.

The question runs in a subprocess (no shell, its own process group) with a timeout, so a
Python 2, a broken install, a hanging script or a non-Python executable each come back as an
`Interpreter` with a plain `problem` sentence instead of an exception or a hang. Answers are
remembered per (real path, modification time): the same binary is asked once per process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# What the lessons need: `enum.StrEnum` and friends (3.11), as pyproject's requires-python.
MIN_VERSION = (3, 11)
PROBE_TIMEOUT_S = 6.0
# The directory that holds the `gilviz` package: the probe imports the lessons from there.
GILVIZ_PARENT = str(Path(__file__).resolve().parents[2])
_MARK = "GILVIZ-PROBE "

# Runs under any Python from 2.7 on, so that a Python 2 can still say which version it is.
# It imports the lessons so that "usable" means "can run them", not "looks new enough";
# third-party packages the engine's venv installs (requests and what it needs) are replaced
# by stand-ins where absent.
THIRD_PARTY = ("requests", "urllib3", "idna", "charset_normalizer", "certifi")
_PROBE = r"""
import sys, json, platform
THIRD_PARTY = @THIRD_PARTY@
info = {"version": platform.python_version(), "version_info": list(sys.version_info[:3]),
        "implementation": platform.python_implementation(), "executable": sys.executable}
try:
    import sysconfig
    info["free_threaded"] = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
except Exception:
    info["free_threaded"] = False
is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
# Asked before the imports below, which could switch it back on: the start state.
info["gil_enabled"] = bool(is_gil_enabled()) if is_gil_enabled else True
info["import_error"] = None
if tuple(sys.version_info[:2]) >= @MIN_VERSION@:
    try:
        sys.path.insert(0, sys.argv[1])
        import importlib.abc, importlib.machinery, types

        def stand_in_attribute(attr):
            if attr.startswith("__"):
                raise AttributeError(attr)
            return type(attr, (Exception,), {})

        class StandIn(importlib.abc.Loader):
            def create_module(self, spec):
                module = types.ModuleType(spec.name)
                module.__path__ = []
                module.__getattr__ = stand_in_attribute
                return module

            def exec_module(self, module):
                pass

        class StandInFinder(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] in THIRD_PARTY:
                    return importlib.machinery.ModuleSpec(name, StandIn(), is_package=True)
                return None

        sys.meta_path.append(StandInFinder())  # last: only where the real one is absent
        import gilviz.core, gilviz.demos
    except BaseException as exc:
        info["import_error"] = "%s: %s" % (type(exc).__name__, exc)
sys.stdout.write(@MARK@ + json.dumps(info) + "\n")
""".replace("@THIRD_PARTY@", repr(THIRD_PARTY)).replace("@MIN_VERSION@", repr(MIN_VERSION)) \
    .replace("@MARK@", repr(_MARK))


@dataclass(frozen=True)
class Interpreter:
    """One Python on this machine and what it can do for gilviz."""

    path: str
    version: str | None = None
    free_threaded: bool = False
    gil_enabled: bool = True
    usable: bool = False
    problem: str | None = None
    implementation: str | None = None
    # Where it was found: running, setting, GILVIZ_PYTHONS, gilviz cache, PATH, pyenv, uv, ...
    found: str = ""
    running: bool = False

    @property
    def label(self) -> str:
        """'Python 3.13.5t (free-threaded)' or 'Python 3.11.7': for menus and messages."""
        if not self.version:
            return Path(self.path).name
        name = "Python" if self.implementation in (None, "CPython") else self.implementation
        if self.free_threaded:
            gil = "GIL on" if self.gil_enabled else "no GIL"
            return f"{name} {self.version}t (free-threaded, {gil})"
        return f"{name} {self.version}"

    def to_json(self) -> dict[str, Any]:
        """The fields of `gilviz interpreters --json` (the first six are the contract)."""
        data = asdict(self)
        return {key: data[key] for key in ("path", "version", "free_threaded", "gil_enabled",
                                           "usable", "problem", "implementation", "found")}


_cache: dict[tuple[str, int], dict[str, Any]] = {}
_cache_lock = threading.Lock()


def probe(path: str | os.PathLike[str], found: str = "", timeout_s: float = PROBE_TIMEOUT_S,
          running: bool = False) -> Interpreter:
    """Describe the Python at `path`; never raises, never waits longer than `timeout_s`."""
    shown = str(path)
    if shown.strip():  # absolute: the probe runs elsewhere (cwd=/), and the listing is clearer
        shown = os.path.abspath(os.path.expanduser(shown))
    problem = _unrunnable(shown)
    if problem:
        return Interpreter(path=shown, problem=problem, found=found, running=running)
    real = os.path.realpath(shown)
    try:
        key = (real, os.stat(real).st_mtime_ns)
    except OSError as exc:
        return Interpreter(path=shown, problem=f"cannot be read ({exc.strerror})", found=found,
                           running=running)
    with _cache_lock:
        answer = _cache.get(key)
    if answer is None:
        answer = _ask(shown, timeout_s)
        if "transient" not in answer:  # a timeout under load may answer next time
            with _cache_lock:
                _cache[key] = answer
    return _interpreter(shown, answer, found, running)


def forget_probes() -> None:
    """Drop the remembered answers (tests; after the user rebuilt an interpreter in place)."""
    with _cache_lock:
        _cache.clear()


def _unrunnable(path: str) -> str | None:
    if not path.strip():
        return "is an empty path"
    if not os.path.lexists(path):
        return "does not exist"
    if not os.path.exists(path):
        return "is a broken link"
    if os.path.isdir(path):
        return "is a directory, not a Python executable"
    if not os.access(path, os.X_OK):
        return "is not executable"
    return None


def _ask(path: str, timeout_s: float) -> dict[str, Any]:
    """Run the probe; a dict with the answer, or with `problem` (and `transient`)."""
    try:
        proc = subprocess.Popen(
            [path, "-E", "-s", "-B", "-c", _PROBE, GILVIZ_PARENT],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=os.path.abspath(os.sep), start_new_session=(os.name == "posix"))
    except OSError as exc:
        return {"problem": f"cannot be run ({exc.strerror or exc})"}
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return {"problem": f"did not answer within {timeout_s:g} s (hangs, or not a Python)",
                "transient": True}
    except BaseException:
        _kill_group(proc)
        raise
    text = out.decode("utf-8", "replace")
    for line in text.splitlines():
        if line.startswith(_MARK):
            try:
                return json.loads(line[len(_MARK):])
            except ValueError:
                break
    why = _first_line(err.decode("utf-8", "replace")) or _first_line(text)
    tail = f": {why}" if why else ""
    return {"problem": f"did not answer like a Python (exit status {proc.returncode}){tail}"}


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and whatever it started (a hanging shell script's `sleep`)."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    try:
        proc.communicate(timeout=2.0)
    except subprocess.TimeoutExpired:  # a grandchild escaped the group and holds the pipe
        proc.kill()
        proc.wait()


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1] if "Traceback" in lines[0] else lines[0]
    return line[:200]


def _interpreter(path: str, answer: dict[str, Any], found: str, running: bool) -> Interpreter:
    if "problem" in answer:
        return Interpreter(path=path, problem=answer["problem"], found=found, running=running)
    version = str(answer.get("version") or "?")
    info = tuple(answer.get("version_info") or (0, 0, 0))
    fields = dict(path=path, version=version, implementation=answer.get("implementation"),
                  free_threaded=bool(answer.get("free_threaded")),
                  gil_enabled=bool(answer.get("gil_enabled", True)), found=found,
                  running=running)
    need = ".".join(map(str, MIN_VERSION))
    if info[:1] == (2,):
        problem = f"is Python {version}: gilviz's lessons need Python {need} or newer"
    elif info[:2] < MIN_VERSION:
        problem = f"is Python {version}, too old: gilviz's lessons need {need} or newer"
    elif answer.get("import_error"):
        problem = f"cannot import gilviz's lessons ({answer['import_error']})"
    else:
        return Interpreter(usable=True, **fields)
    return Interpreter(usable=False, problem=problem, **fields)


def running_interpreter() -> Interpreter:
    """The Python gilviz runs on, described without a subprocess (it can run the lessons)."""
    import platform
    import sysconfig

    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    return Interpreter(
        path=sys.executable, version=platform.python_version(),
        free_threaded=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        gil_enabled=bool(is_gil_enabled()) if is_gil_enabled else True,
        usable=True, implementation=platform.python_implementation(), found="running",
        running=True)
