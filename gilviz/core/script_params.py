"""Parameters that hold a Python script: a path to one (the command line's way) or its text
(the window's editor). Both are checked where the user gave them, before anything runs:
a missing, unreadable, binary or oversized file, or a SyntaxError, is one line of
ParamError that names the line at fault.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gilviz.core.params import Param, ParamError

MAX_SCRIPT_BYTES = 1024 * 1024  # a lecture script is a few KiB; this is plenty


@dataclass(frozen=True)
class SyntaxProblem:
    line: int | None
    column: int | None
    message: str

    def describe(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"SyntaxError at {where}{self.message}" if where else \
            f"SyntaxError: {self.message}"


def syntax_problem(source: str, filename: str = "<your code>") -> SyntaxProblem | None:
    """Compile without running: what Python would refuse before the first line runs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for "\d": not our call
            compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:  # IndentationError and TabError included
        return SyntaxProblem(exc.lineno, exc.offset, exc.msg)
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return SyntaxProblem(None, None, f"{type(exc).__name__}: {exc}")
    return None


def read_script(path: str) -> str:
    """The text of a script file; ParamError (one line) for anything that is not one."""
    file = Path(path).expanduser()
    if not file.exists():
        raise ParamError(f"no such file: {path}")
    if file.is_dir():
        raise ParamError(f"{path} is a directory, not a Python file")
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_SCRIPT_BYTES + 1)
    except OSError as exc:
        raise ParamError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_SCRIPT_BYTES:
        raise ParamError(f"{path} is larger than {MAX_SCRIPT_BYTES // 1024} KiB: "
                         "not a script gilviz will run")
    if b"\0" in data:
        raise ParamError(f"{path} is a binary file, not a Python script")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParamError(f"{path} is not UTF-8 text (is it a Python script?)") from None


def _check_source(name: str, source: str, filename: str) -> None:
    if "\0" in source:
        raise ParamError(f"{name}: the code contains a NUL character")
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SCRIPT_BYTES:
        raise ParamError(f"{name}: the code is larger than {MAX_SCRIPT_BYTES // 1024} KiB")
    problem = syntax_problem(source, filename)
    if problem is not None:
        raise ParamError(f"{name}: {problem.describe()}")


@dataclass(frozen=True)
class ScriptFileParam(Param):
    """A path to a Python script; "" means none. The value stays the path as given."""

    in_form: bool = False  # the window has its own editor (and Open...) for this

    @property
    def default(self) -> str:
        return ""

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ParamError(f"{self.name} must be a path (got {value!r})")
        if not value.strip():
            return ""
        try:
            source = read_script(value)
        except ParamError as exc:
            raise ParamError(f"{self.name}: {exc}") from None
        _check_source(self.name, source, value)
        return value

    def describe_bounds(self) -> str:
        return "a path to a Python script (UTF-8 text)"


@dataclass(frozen=True)
class ScriptSourceParam(Param):
    """The text of a Python script; "" means none."""

    in_form: bool = False  # the window's code editor supplies it

    @property
    def default(self) -> str:
        return ""

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ParamError(f"{self.name} must be text (got {value!r})")
        if not value.strip():
            return ""
        _check_source(self.name, value, "<your code>")
        return value

    def describe_bounds(self) -> str:
        return "Python code"
