import math

import pytest

from gilviz.core.params import (
    ChoiceParam,
    FloatParam,
    IntParam,
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
