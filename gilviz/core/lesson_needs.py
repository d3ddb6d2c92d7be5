"""Whether an interpreter can run a lesson with given settings, asked before the run.

Some settings need what not every Python has: QThreads need PySide6, which the isolated
engine never loads and which no free-threaded build has; an InterpreterPoolExecutor needs
Python 3.14. Saying so before the run beats a failure half-way through it.
"""

from __future__ import annotations

from typing import Any

from gilviz.core.interpreter_probe import Interpreter
from gilviz.core.lesson import Lesson


def version_tuple(version: str | None) -> tuple[int, ...]:
    """'3.13.5' -> (3, 13, 5); '3.14.0rc1' -> (3, 14, 0); unknown -> ()."""
    parts: list[int] = []
    for piece in (version or "").split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def unmet_need(lesson: Lesson, params: dict[str, Any], interp: Interpreter,
               in_engine: bool = True) -> str | None:
    """Why `interp` cannot run the lesson with `params` (one sentence), or None if it can.
    `in_engine`: the lesson runs in the engine (no Qt there), not in the window's process."""
    if lesson.needs_qt is not None and lesson.needs_qt(params) and in_engine:
        no_qt = ("no free-threaded build has PySide6" if interp.free_threaded else
                 "the isolated engine does not load it")
        where = ("choose threading.Thread" if not interp.running else
                 "run it inside the window's process, or choose threading.Thread")
        return f"QThreads need PySide6 (Qt), and {no_qt}: {where}"
    if lesson.needs_python is not None:
        need = lesson.needs_python(params)
        if need is not None:
            oldest, what = need
            have = version_tuple(interp.version)
            if not have or have[:2] < tuple(oldest):
                wanted = ".".join(map(str, oldest))
                return (f"{what} needs Python {wanted} or newer, and this is "
                        f"{interp.label}")
    return None
