"""Headless `python -m gilviz list|run|compare|...`: the same lessons as the window, no Qt."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from gilviz.cli_compare import (
    add_compare_command,
    add_python_option,
    check_this_python,
    compare_main,
    engine_for_run,
    prepare_comparison,
    run_json_extra,
)
from gilviz.core.engine_choice import NoEngine
from gilviz.core.lesson import Lesson, UnknownLesson
from gilviz.core.params import ParamError, parse_assignments
from gilviz.core.placement import IN_PROCESS, ISOLATED, default_placement
from gilviz.core.runner import RunResult
from gilviz.core.session import RunSession
from gilviz.core.telemetry import LogEvent
from gilviz.demos import REGISTRY

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
POLL_S = 0.05
WINDOW_USAGE = """without a command, gilviz opens the window. Also:
  gilviz --self-test [--timeout S]   check this machine: the window, a lesson in its
                                     process and one in the isolated engine; exit 0 or 1
  gilviz --install-desktop           add gilviz to this user's application menu
  gilviz --uninstall-desktop         remove what --install-desktop added
  gilviz bench [--quick]             measure the window's responsiveness under load"""


class UsageError(Exception):
    """Bad command-line input: reported as one line on stderr with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gilviz", description="Live demos of Python threads and the GIL.",
                     epilog=WINDOW_USAGE, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    listing = commands.add_parser("list", help="list the lessons in lecture order")
    listing.add_argument("--json", action="store_true", help="print a JSON array")

    run = commands.add_parser("run", help="run one lesson headless")
    run.add_argument("lesson", help="lesson id, see `list`")
    run.add_argument("--set", dest="assignments", action="append", default=[],
                     metavar="NAME=VALUE", help="set a parameter (repeatable)")
    run.add_argument("--json", action="store_true", help="print one JSON object at the end")
    run.add_argument("--trace", metavar="FILE",
                     help="write the run's timeline as Chrome trace JSON (Perfetto)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--isolated", dest="placement", action="store_const", const=ISOLATED,
                       help="run in a child Python process (default for CPU-heavy lessons)")
    where.add_argument("--in-process", dest="placement", action="store_const",
                       const=IN_PROCESS, help="run in this process")
    add_python_option(run)
    add_compare_command(commands)

    interpreters = commands.add_parser(
        "interpreters", help="list the Pythons found here and whether each can run the lessons")
    interpreters.add_argument("--json", action="store_true", help="print a JSON array")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        if args.command == "list":
            try:
                return _list(args.json, out)
            except BrokenPipeError:
                _silence_stdout()
                return EXIT_OK
        if args.command == "interpreters":
            return _interpreters(args.json, out)
        if args.command == "compare":
            comparison = prepare_comparison(args, err)
            return compare_main(comparison, args.json, out, err)
        lesson = REGISTRY.get(args.lesson)
        params = parse_assignments(lesson.params, args.assignments)
        if args.trace is not None:
            check_trace_path(args.trace)
        placement = args.placement or default_placement(lesson)
        engine = None
        if args.python is not None:
            if args.placement == IN_PROCESS:
                raise UsageError("--python runs the lesson in the engine on that Python: "
                                 "it cannot be combined with --in-process")
            engine, placement = engine_for_run(lesson, params, args.python, err), ISOLATED
        else:
            check_this_python(lesson, params)
        session = RunSession(lesson, params, placement, engine=engine)
    except (UsageError, UnknownLesson, ParamError, NoEngine) as exc:
        print(f"gilviz: error: {exc}", file=err)
        return EXIT_USAGE
    try:
        with StopSignals() as signals:
            return _run(session, args, out, err, signals)
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        _silence_stdout()
        return EXIT_OK


def _list(as_json: bool, out: TextIO) -> int:
    if as_json:
        json.dump([lesson.to_listing() for lesson in REGISTRY], out)
        out.write("\n")
        return EXIT_OK
    for chapter, lessons in REGISTRY.chapters():
        print(chapter, file=out)
        for lesson in lessons:
            print(f"  {lesson.id:<18} {lesson.title}", file=out)
    return EXIT_OK


def _interpreters(as_json: bool, out: TextIO) -> int:
    """The Pythons on this machine (the running one first), usable or with their problem."""
    from gilviz.core.interpreters import find_interpreters

    found = find_interpreters()
    if as_json:
        json.dump([interp.to_json() for interp in found], out)
        out.write("\n")
        return EXIT_OK
    print(f"{'VERSION':<9} {'BUILD':<14} {'USABLE':<6} PATH (where found)", file=out)
    for interp in found:
        build = "" if not interp.version else "with GIL" if not interp.free_threaded else \
            "free-threaded" if not interp.gil_enabled else "ft, GIL on"
        usable = "yes" if interp.usable else "no"
        why = "" if interp.usable else f": {interp.problem}"
        print(f"{interp.version or '?':<9} {build:<14} {usable:<6} {interp.path} "
              f"({interp.found}){why}", file=out)
    return EXIT_OK


def _run(session: RunSession, args: argparse.Namespace, out: TextIO, err: TextIO,
         signals: StopSignals) -> int:
    """Poll the run from this thread, printing the log live; Ctrl+C or SIGTERM stops it
    cleanly (a second one stops waiting for it)."""
    lesson, placement = session.lesson, session.placement
    log_out = None if args.json else out
    session.start()
    try:
        while not session.finished and signals.count < 2:
            if signals.count and not signals.told:
                signals.told = True
                session.stop()
                print("gilviz: stopping...", file=err)
            time.sleep(POLL_S)
            _print_events(session.poll().events, log_out)
    finally:
        session.close()
    interrupted = signals.count > 0
    result = session.result
    if result is None:
        print("gilviz: error: the run ended without a result", file=err)
        return EXIT_FAILED
    if result.error and interrupted:  # e.g. the engine got the signal too and ended
        print(f"gilviz: {lesson.id} interrupted", file=err)
        return signals.exit_status()
    if args.trace is not None:
        try:
            Path(args.trace).write_text(json.dumps(session.chrome_trace()))
        except OSError as exc:
            print(f"gilviz: error: cannot write the timeline to {args.trace}: "
                  f"{exc.strerror or exc}", file=err)
            return EXIT_FAILED
    if args.json:
        json.dump({**result.to_json(), "placement": placement,
                   "takeaway": lesson.conclusion(result.result, result.stopped),
                   **run_json_extra(session)}, out)
        out.write("\n")
    else:
        engine = session.engine.interpreter if session.engine is not None else None
        where = placement if engine is None else f"{placement}, {engine.label}"
        _print_summary(lesson, result, where, out)
        if args.trace is not None:
            print(f"Timeline written to {args.trace} (open it in ui.perfetto.dev)", file=out)
    if result.error:
        print(f"gilviz: error: {lesson.id} failed: {result.error}", file=err)
        return EXIT_FAILED
    return signals.exit_status() if interrupted else EXIT_OK


def check_trace_path(text: str) -> Path:
    """Refuse a --trace path that cannot be written, before the run rather than after.
    Tried for real (open for appending; a file made for the test is removed again), so
    permissions, read-only file systems and folders all answer as they will later."""
    if not text.strip():
        raise UsageError("--trace needs a file name")
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"--trace {text}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise UsageError(f"--trace {text}: folder {str(path.parent)!r} does not exist")
    existed = path.exists()
    try:
        with path.open("a"):
            pass
    except OSError as exc:
        raise UsageError(f"--trace {text}: cannot write there ({exc.strerror or exc})"
                         ) from None
    if not existed:
        path.unlink(missing_ok=True)
    return path


class StopSignals:
    """While active, SIGINT (Ctrl+C) and SIGTERM are counted instead of ending Python
    mid-statement; the polling loop stops the run and the exit status says which came
    (128 + its number: 130 or 143). Only in the main thread, where Python allows it."""

    def __init__(self) -> None:
        self.count = 0
        self.last = signal.SIGINT
        self.told = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: object) -> None:
        self.count += 1
        self.last = signal.Signals(signum)

    def exit_status(self) -> int:
        return 128 + int(self.last)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


def _silence_stdout() -> None:
    """The reader of stdout left (`| head`): point stdout at /dev/null so that Python's
    final flush does not print a BrokenPipeError of its own."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _print_events(events: tuple[LogEvent, ...], out: TextIO | None) -> None:
    if out is None:
        return
    for event in events:
        print(format_event(event), file=out)
    out.flush()


def format_event(event: LogEvent) -> str:
    return f"{event.t:8.3f} s  {event.thread:<10} {event.text}"


def _print_summary(lesson: Lesson, result: RunResult, placement: str, out: TextIO) -> None:
    verb = "stopped after" if result.stopped else "finished in"
    print(f"\n{lesson.id} ({placement}) {verb} {result.elapsed_s:.2f} s", file=out)
    for key, value in result.result.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = f"{len(value)} records (see --json)"
        print(f"  {key}: {value}", file=out)
    sentence = None if result.error else lesson.conclusion(result.result, result.stopped)
    if sentence:
        print(f"\n{sentence}", file=out)
