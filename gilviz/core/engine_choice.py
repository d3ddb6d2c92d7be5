"""`--python PATH` and the window's interpreter choice: from a path to a ready engine.

The path is probed first (bounded by the probe's timeout, so a script that hangs or a
Python 2 comes back as a sentence, not a hang), then prepared (engine_python: a private
venv the first time). Either step can refuse, always with one plain sentence.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from gilviz.core.engine import EngineCommand
from gilviz.core.engine_python import EngineUnavailable, Progress, engine_python
from gilviz.core.interpreter_probe import Interpreter
from gilviz.core.interpreters import describe


class NoEngine(Exception):
    """This path cannot host the engine; the message is one line for the user."""


def usable_interpreter(path: str | os.PathLike[str]) -> Interpreter:
    """The interpreter at `path`, or NoEngine saying why it cannot run the lessons."""
    text = os.fspath(path)
    if text and os.sep not in text and not os.path.exists(text) and not shutil.which(text):
        raise NoEngine(f"--python {text}: no such file here, and no {text} on PATH")
    interp = describe(path)
    if not interp.usable:
        raise NoEngine(f"--python {interp.path}: {interp.problem or 'cannot run the lessons'}")
    return interp


def prepare(interp: Interpreter, progress: Progress | None = None) -> EngineCommand:
    """The engine command for a usable interpreter (its venv made the first time)."""
    try:
        return engine_python(interp, progress)
    except EngineUnavailable as exc:
        raise NoEngine(str(exc)) from exc


def engine_for(path: str | os.PathLike[str], progress: Progress | None = None
               ) -> EngineCommand:
    return prepare(usable_interpreter(path), progress)


def interpreter_json(interp: Interpreter, facts: dict[str, Any] | None = None
                     ) -> dict[str, Any]:
    """The `"interpreter"` of a run's JSON. `gil_enabled` is what the engine reported once
    the lesson had run, where it did (else what the probe saw at start-up)."""
    gil = (facts or {}).get("gil_enabled")
    return {"path": interp.path, "version": interp.version,
            "free_threaded": interp.free_threaded,
            "gil_enabled": interp.gil_enabled if gil is None else bool(gil)}


def gil_came_back(interp: Interpreter, facts: dict[str, Any] | None) -> bool:
    """A free-threaded engine asked to run without the GIL that had it on at the end."""
    return interp.free_threaded and bool((facts or {}).get("gil_enabled"))


GIL_CAME_BACK = ("the GIL was on again at the end of the run, although the engine started "
                 "without it (PYTHON_GIL=0): an extension module switched it back on, so "
                 "these numbers are those of a GIL build")
