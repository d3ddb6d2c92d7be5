import math

import pytest

from gilviz.core.params import (
    ChoiceParam,
    FloatParam,
    IntParam,
    LinesParam,
    ParamError,
    TextParam,
    parse_assignments,
    resolve,
)

THREADS = IntParam("threads", "Threads", "how many", default_value=3, minimum=1, maximum=64)
PAUSE = FloatParam("pause", "Pause", "seconds", default_value=0.5, minimum=0.01, maximum=2.0)
KIND = ChoiceParam("kind", "Kind", "which", choices=("a", "b"))
TEXT = TextParam("message", "Message", "what", default_value="hi", max_length=5)
SPECS = (THREADS, PAUSE, KIND, TEXT)


def test_defaults_fill_in_what_is_not_given():
    assert resolve(SPECS, {"threads": 8}) == {
        "threads": 8, "pause": 0.5, "kind": "a", "message": "hi"}


@pytest.mark.parametrize("value", [0, 65, -1])
def test_int_out_of_bounds_names_the_bounds(value):
    with pytest.raises(ParamError, match=r"threads must be between 1 and 64"):
        resolve(SPECS, {"threads": value})


@pytest.mark.parametrize("value", [True, 2.5, "3"])
def test_int_rejects_non_integers(value):
    with pytest.raises(ParamError, match="whole number"):
        THREADS.check(value)


def test_float_rejects_nan_and_out_of_range():
    for bad in (math.nan, 5.0, 0.0):
        with pytest.raises(ParamError, match="pause must be between"):
            PAUSE.check(bad)
    assert PAUSE.check(1) == 1.0


def test_choice_and_text_are_checked():
    with pytest.raises(ParamError, match="one of a, b"):
        KIND.check("c")
    for bad in ("", "   ", "toolong", "a\nb"):
        with pytest.raises(ParamError):
            TEXT.check(bad)


def test_unknown_parameter_lists_the_known_ones():
    with pytest.raises(ParamError, match=r"unknown parameter 'bogus'.*threads, pause"):
        resolve(SPECS, {"bogus": 1})


def test_cli_assignments_are_parsed_by_type():
    values = parse_assignments(SPECS, ["threads=1_6", "pause=0.25", "kind=b", "message=a=b"])
    assert values == {"threads": 16, "pause": 0.25, "kind": "b", "message": "a=b"}


@pytest.mark.parametrize(
    ("item", "message"),
    [("threads", "NAME=VALUE"), ("=3", "NAME=VALUE"), ("threads=x", "whole number"),
     ("pause=fast", "must be a number"), ("nope=1", "unknown parameter")],
)
def test_cli_assignment_errors(item, message):
    with pytest.raises(ParamError, match=message):
        parse_assignments(SPECS, [item])


def _no_x(line: str) -> str | None:
    return "has an x" if "x" in line else None


LINES = LinesParam("items", "Items", "one per line", default_value=("a", "b"), max_lines=3,
                   max_line_length=10, line_problem=_no_x)


def test_lines_come_from_text_or_a_sequence_stripped_and_without_blanks():
    assert LINES.check("  a \n\n b\n") == ("a", "b")
    assert LINES.check(["a", " ", "c"]) == ("a", "c")
    assert LINES.check(LINES.default) == LINES.default
    assert resolve((LINES,), {}) == {"items": ("a", "b")}


@pytest.mark.parametrize(("value", "message"), [
    ("", "at least one"), ("\n \n", "at least one"), ("a\nb\nc\nd", "at most 3 items"),
    ("a" * 11, "at most 10 characters"), (5, "lines of text"), (["a", 1], "lines of text"),
    (["a\0b"], "single line"),
])
def test_bad_lists_are_refused(value, message):
    with pytest.raises(ParamError, match=message):
        LINES.check(value)


def test_the_window_keeps_a_bad_line_but_the_command_line_refuses_it():
    assert LINES.check("a\nxa") == ("a", "xa")  # the lesson reports and skips it
    assert LINES.problem("xa") == "has an x" and LINES.problem("a") is None
    assert LINES.parse(" a , b ") == ("a", "b")
    with pytest.raises(ParamError, match=r"items: 'xa': has an x"):
        LINES.parse("a,xa")
    assert parse_assignments((LINES,), ["items=c,d"]) == {"items": ("c", "d")}


def test_shown_when_is_optional_and_does_not_change_checking():
    assert THREADS.shown_when is None
    local_only = IntParam("pages", "Pages", "how many", shown_when=("source", "local"))
    assert local_only.shown_when == ("source", "local") and local_only.check(3) == 3
