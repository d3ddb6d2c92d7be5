"""`gilviz run ... --python PATH` and `gilviz compare`: the CLI's side of other interpreters.

Kept apart from cli.py so that file stays about lessons; the logic lives in core
(engine_choice, compare), which the window uses too.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any, TextIO

from gilviz.core.compare import ComparedRun, Comparison, run_in_turn, side_by_side
from gilviz.core.engine import EngineCommand
from gilviz.core.engine_choice import (
    GIL_CAME_BACK,
    engine_for,
    gil_came_back,
    interpreter_json,
)
from gilviz.core.interpreter_probe import running_interpreter
from gilviz.core.lesson import Lesson
from gilviz.core.lesson_needs import unmet_need
from gilviz.core.params import ParamError, parse_assignments
from gilviz.core.session import RunSession
from gilviz.demos import REGISTRY

PYTHON_HELP = ("run the lesson in the engine on this Python (a path, or a name on PATH such "
               "as python3.13t); implies --isolated")


def add_python_option(run: argparse.ArgumentParser) -> None:
    run.add_argument("--python", metavar="PATH", help=PYTHON_HELP)


def add_compare_command(commands: Any) -> None:
    compare = commands.add_parser(
        "compare", help="run one lesson on several Pythons in turn and show them side by side")
    compare.add_argument("lesson", help="lesson id, see `list`")
    compare.add_argument("--python", dest="pythons", action="append", default=[],
                         metavar="PATH", required=True,
                         help="an interpreter to run on (repeat: A, then B, ...); with only "
                              "one, the running Python goes first")
    compare.add_argument("--set", dest="assignments", action="append", default=[],
                         metavar="NAME=VALUE", help="set a parameter (repeatable)")
    compare.add_argument("--json", action="store_true", help="print one JSON object")


def progress_to(err: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(f"gilviz: {line}", file=err, flush=True)
    return say


def engine_for_run(lesson: Lesson, params: dict[str, Any], path: str,
                   err: TextIO) -> EngineCommand:
    """`run --python PATH`: the prepared engine, or NoEngine/ParamError (exit 2)."""
    params = {**{spec.name: spec.default for spec in lesson.params}, **params}
    engine = engine_for(path, progress_to(err))
    assert engine.interpreter is not None
    why = unmet_need(lesson, params, engine.interpreter)
    if why:
        raise ParamError(f"{engine.interpreter.label} cannot run {lesson.id} so: {why}")
    return engine


def check_this_python(lesson: Lesson, params: dict[str, Any]) -> None:
    """`run` without --python: settings that need a newer Python than this one (the
    interpreter pool) are refused before the run, as they are on any other."""
    if lesson.needs_python is None:
        return
    values = {**{spec.name: spec.default for spec in lesson.params}, **params}
    why = unmet_need(lesson, values, running_interpreter(), in_engine=False)
    if why:
        raise ParamError(why)


def run_json_extra(session: RunSession) -> dict[str, Any]:
    """What `run --python` adds to the JSON: the interpreter (and a warning if the GIL came
    back on in a free-threaded engine)."""
    engine = session.engine
    if engine is None or engine.interpreter is None:
        return {}
    facts = getattr(session.run, "interpreter_facts", {})
    extra: dict[str, Any] = {"interpreter": interpreter_json(engine.interpreter, facts)}
    if gil_came_back(engine.interpreter, facts):
        extra["warning"] = GIL_CAME_BACK
    return extra


def prepare_comparison(args: argparse.Namespace, err: TextIO) -> Comparison:
    """Every interpreter probed and prepared before any run: a bad one fails at once.
    Raises UnknownLesson, ParamError or NoEngine."""
    lesson = REGISTRY.get(args.lesson)
    params = parse_assignments(lesson.params, args.assignments)
    paths = list(args.pythons)
    engines = [] if len(paths) > 1 else [engine_for_running(err)]
    engines += [engine_for(path, progress_to(err)) for path in paths]
    return Comparison(lesson, params, engines)


def engine_for_running(err: TextIO) -> EngineCommand:
    from gilviz.core.engine_choice import prepare

    return prepare(running_interpreter(), progress_to(err))


def compare_main(comparison: Comparison, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Run in turn (Ctrl+C stops the current run and skips the rest), then report."""
    def started(run: ComparedRun) -> None:
        print(f"gilviz: running {comparison.lesson.id} on {run.label}…", file=err, flush=True)

    interrupted = run_in_turn(comparison, started,
                              interrupted=lambda: print("gilviz: stopping...", file=err))
    if as_json:
        json.dump(comparison.to_json(), out)
        out.write("\n")
    else:
        print(side_by_side(comparison), file=out)
    failed = False
    for run in comparison.runs:
        if run.result is not None and run.result.error:
            failed = True
            print(f"gilviz: error: {comparison.lesson.id} failed on {run.label}: "
                  f"{run.result.error}", file=err)
    if interrupted:
        return 130
    return 1 if failed or not comparison.finished else 0
