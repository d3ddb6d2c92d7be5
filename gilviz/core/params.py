"""Parameter specs: one description of each knob serves the window, the CLI and validation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class ParamError(ValueError):
    """A parameter name or value a lesson cannot accept; the message is shown to the user."""


@dataclass(frozen=True)
class Param:
    """Base of every parameter spec: a name, a label for the window and help for tooltips."""

    name: str
    label: str
    help: str
    # (another parameter, one of its values): the knob only matters then, so the window
    # shows it only then and runs with its default otherwise. The CLI takes it always.
    shown_when: tuple[str, str] | None = None
    # False: the window supplies this value its own way (a code editor, say), so the
    # form built from the specs leaves it out. The CLI takes it always.
    in_form: bool = True

    @property
    def default(self) -> Any:
        raise NotImplementedError

    def check(self, value: Any) -> Any:
        """Return the value in its proper type, or raise ParamError saying what is wrong."""
        raise NotImplementedError

    def parse(self, text: str) -> Any:
        """Turn command-line text into a checked value."""
        return self.check(text)

    def describe_bounds(self) -> str:
        return ""


def _ascii_only(name: str, text: str) -> None:
    """Numbers are typed with the digits 0-9. Python's int() and float() also read other
    scripts' digits (int("٤") == 4): a value nobody meant, so it is refused."""
    if not text.isascii():
        raise ParamError(f"{name} must be written with the digits 0-9 (got {text!r})")


@dataclass(frozen=True)
class IntParam(Param):
    default_value: int = 1
    minimum: int = 1
    maximum: int = 100

    @property
    def default(self) -> int:
        return self.default_value

    def parse(self, text: str) -> int:
        _ascii_only(self.name, text)
        try:
            number = int(text.replace("_", ""), 10)
        except ValueError:
            raise ParamError(f"{self.name} must be a whole number (got {text!r})") from None
        return self.check(number)

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(f"{self.name} must be a whole number (got {value!r})")
        if not self.minimum <= value <= self.maximum:
            raise ParamError(
                f"{self.name} must be between {self.minimum} and {self.maximum} (got {value})"
            )
        return value

    def describe_bounds(self) -> str:
        return f"{self.minimum} to {self.maximum}, default {self.default_value}"


@dataclass(frozen=True)
class FloatParam(Param):
    default_value: float = 1.0
    minimum: float = 0.0
    maximum: float = 1.0
    unit: str = ""

    @property
    def default(self) -> float:
        return self.default_value

    def parse(self, text: str) -> float:
        _ascii_only(self.name, text)
        try:
            number = float(text)
        except ValueError:
            raise ParamError(f"{self.name} must be a number (got {text!r})") from None
        return self.check(number)

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamError(f"{self.name} must be a number (got {value!r})")
        value = float(value)
        if not self.minimum <= value <= self.maximum:  # also rejects NaN
            raise ParamError(
                f"{self.name} must be between {self.minimum:g} and {self.maximum:g}"
                f" (got {value:g})"
            )
        return value

    def describe_bounds(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.minimum:g} to {self.maximum:g}{unit}, default {self.default_value:g}"


@dataclass(frozen=True)
class ChoiceParam(Param):
    choices: tuple[str, ...] = ()
    default_value: str = ""
    choice_labels: tuple[str, ...] = ()

    @property
    def default(self) -> str:
        return self.default_value or self.choices[0]

    def check(self, value: Any) -> str:
        if value not in self.choices:
            allowed = ", ".join(self.choices)
            raise ParamError(f"{self.name} must be one of {allowed} (got {value!r})")
        return value

    def label_of(self, choice: str) -> str:
        if self.choice_labels:
            return self.choice_labels[self.choices.index(choice)]
        return choice

    def describe_bounds(self) -> str:
        return f"one of {', '.join(self.choices)}, default {self.default}"


@dataclass(frozen=True)
class TextParam(Param):
    default_value: str = ""
    max_length: int = 80

    @property
    def default(self) -> str:
        return self.default_value

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ParamError(f"{self.name} must be text (got {value!r})")
        if not value.strip():
            raise ParamError(f"{self.name} must not be empty")
        if len(value) > self.max_length:
            raise ParamError(f"{self.name} must be at most {self.max_length} characters")
        if any(ch in value for ch in "\r\n\0"):
            raise ParamError(f"{self.name} must be a single line")
        return value

    def describe_bounds(self) -> str:
        return f"up to {self.max_length} characters"


@dataclass(frozen=True)
class LinesParam(Param):
    """A short list of one-line items (URLs, say): a multi-line box in the window, a
    comma-separated list on the command line. The value is a tuple of stripped,
    non-blank lines.

    `line_problem` says what is wrong with one item, or None. The command line refuses
    such an item at once, since nothing else would show it there; check() lets it through,
    so the window can mark a bad line and the lesson report and skip it, instead of one
    typo blocking the whole list.
    """

    default_value: tuple[str, ...] = ()
    max_lines: int = 50
    max_line_length: int = 500
    line_problem: Callable[[str], str | None] | None = None

    @property
    def default(self) -> tuple[str, ...]:
        return self.default_value

    def check(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
            raise ParamError(f"{self.name} must be lines of text (got {value!r})")
        lines = tuple(line.strip() for line in value if line.strip())
        if not lines:
            raise ParamError(f"{self.name} must list at least one item")
        if len(lines) > self.max_lines:
            raise ParamError(f"{self.name} must list at most {self.max_lines} items "
                             f"(got {len(lines)})")
        for line in lines:
            if len(line) > self.max_line_length:
                raise ParamError(f"{self.name}: each item must be at most "
                                 f"{self.max_line_length} characters")
            if any(ch in line for ch in "\r\n\0"):
                raise ParamError(f"{self.name}: an item must be a single line")
        return lines

    def parse(self, text: str) -> tuple[str, ...]:
        lines = self.check(text.split(","))
        for line in lines:
            problem = self.problem(line)
            if problem:
                raise ParamError(f"{self.name}: {line!r}: {problem}")
        return lines

    def problem(self, line: str) -> str | None:
        """What is wrong with one item (None: nothing)."""
        return self.line_problem(line) if self.line_problem is not None else None

    def describe_bounds(self) -> str:
        return (f"one item per line, up to {self.max_lines} "
                "(comma-separated on the command line)")


def resolve(specs: tuple[Param, ...], given: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with the given values, every one checked; unknown names are errors."""
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        known = ", ".join(by_name) or "none"
        raise ParamError(f"unknown parameter {unknown[0]!r} (this lesson has: {known})")
    return {
        spec.name: spec.check(given[spec.name]) if spec.name in given else spec.default
        for spec in specs
    }


def parse_assignments(specs: tuple[Param, ...], assignments: list[str]) -> dict[str, Any]:
    """Parse CLI `NAME=VALUE` strings against the specs, then resolve them."""
    by_name = {spec.name: spec for spec in specs}
    given: dict[str, Any] = {}
    for item in assignments:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParamError(f"expected NAME=VALUE, got {item!r}")
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise ParamError(f"unknown parameter {name!r} (this lesson has: {known})")
        given[name] = by_name[name].parse(text)
    return resolve(specs, given)
