"""Lesson: your own code, live. A student's script (the lecture's exercise answered, or any
threading script) runs in the isolated engine with every thread it starts on screen.

The script comes from `file` (the command line) or `source` (the window's editor); with
neither, it is the exercise's starting point. It runs as a plain script in the engine
process, as the user who runs gilviz, never through a shell; it finds a ready `urls`
list of gilviz's local test site (127.0.0.1 only) and may check gilviz.stop_requested().
The code is not trusted to look at that flag: the lesson is not cooperative, so Stop and
the time limit end the engine by force after a short grace (RunSession does that), and
the result is then written from the log the window already received.

The result: `status` (finished, error, stopped, timeout), `error` (the traceback text or
None), `error_line` and `error_thread` (where it failed), `elapsed_s` (the script's own
time), `threads` (each with `name`, its native `tid`, and the lines it `printed`),
`most_at_once` (threads running together at the peak), `output_truncated`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gilviz.core.lesson import TIMEOUT, Lesson
from gilviz.core.params import FloatParam, ParamError
from gilviz.core.script_params import ScriptFileParam, ScriptSourceParam, read_script
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import LaneSnapshot, LogEvent, Probe, Snapshot
from gilviz.core.verdict import STOPPED
from gilviz.demos.chapters import EXERCISE
from gilviz.demos.common import most_at_once
from gilviz.demos.local_site import HOST, LECTURE_SITES, LocalSite
from gilviz.demos.script_host import ERROR, ScriptHost
from gilviz.demos.script_output import HOST as GILVIZ
from gilviz.demos.script_output import TRUNCATED
from gilviz.demos.starting_points import EXERCISE as STARTING_POINT

FILE = ScriptFileParam(
    "file", "Script", "A Python script to run as `python FILE` would (UTF-8 text); "
    "without it, the exercise's starting point runs",
)
SOURCE = ScriptSourceParam(
    "source", "Code", "The script's text, instead of a file (the window's code editor)",
)
TIME_LIMIT = FloatParam(
    "timeout_s", "Time limit", "How long the script may run before gilviz stops it as "
    "Stop would", default_value=60.0, minimum=0.5, maximum=3600.0, unit="s",
)
LATENCY = FloatParam(
    "latency_s", "Site latency", "How long each page of the local test site (`urls`) "
    "waits before it answers, as a far-away server would",
    default_value=0.5, minimum=0.0, maximum=5.0, unit="s",
)
PAGE_KIB = 64
EDITOR_NAME = "<your code>"
EXERCISE_NAME = "<exercise>"
WATCHED = "script"  # the watched value that carries the errors so far to the window


def check(params: dict[str, Any]) -> None:
    if params["file"] and params["source"]:
        raise ParamError("give the script as file or as source, not both")


def script_name(params: dict[str, Any]) -> str:
    """The name tracebacks show for the script: its path, or a made-up one."""
    if params["source"]:
        return EDITOR_NAME
    if params["file"]:
        return str(Path(params["file"]).expanduser().resolve())
    return EXERCISE_NAME


def script_of(params: dict[str, Any]) -> tuple[str, str, str | None]:
    """(source, the name tracebacks show, the script's folder or None)."""
    name = script_name(params)
    if params["source"]:
        return params["source"], name, None
    if params["file"]:
        return read_script(params["file"]), name, str(Path(name).parent)
    return STARTING_POINT.source, name, None


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    source, filename, folder = script_of(params)
    host = ScriptHost(probe, stop)
    probe.watch(WATCHED, lambda: {"errors": [error.to_json() for error in host.errors],
                                  "not_kept": host.output.dropped,
                                  "partial": host.output.partial_lines()})
    with LocalSite(params["latency_s"], PAGE_KIB) as site:
        urls = [site.url(name) for name in LECTURE_SITES]
        probe.record(GILVIZ, f"`urls`: {len(urls)} pages on http://{HOST}:{site.port}/ "
                             f"({params['latency_s']:g} s latency each)")
        # In the engine (a shared board), the process ends after the script: finish as
        # the interpreter does at exit. Elsewhere (tests) leave this process as it was.
        outcome = host.run(source, filename, {"urls": urls}, folder,
                           at_exit=probe.board is not None)
    status = outcome.status
    if status == STOPPED and probe.now() >= params["timeout_s"]:
        status = TIMEOUT  # the session stops the run at the limit, on this same clock
    errors = [error.to_json() for error in outcome.errors]
    return summarise(probe.snapshot(), status, errors, outcome.elapsed_s,
                     host.output.dropped, filename)


def forced_result(params: dict[str, Any], received: Snapshot, reason: str) -> dict[str, Any]:
    """The result when the engine was ended by force: from the log the session received."""
    watched = received.values.get(WATCHED) or {}
    result = summarise(received, reason, list(watched.get("errors", [])), received.t,
                       int(watched.get("not_kept", 0)), script_name(params))
    partial = watched.get("partial", {})
    for thread in result["threads"]:
        if thread["name"] in partial:  # printed without a newline before the end
            thread["printed"].append(partial[thread["name"]])
    return result


def summarise(snapshot: Snapshot, status: str, errors: list[dict[str, Any]],
              elapsed_s: float, not_kept: int, script: str) -> dict[str, Any]:
    lanes = [lane for lane in snapshot.lanes if lane.name != GILVIZ]
    printed: dict[str, list[str]] = {lane.name: [] for lane in lanes}
    for event in snapshot.events:
        if event.thread != GILVIZ:  # threads past the board's room print without a lane
            printed.setdefault(event.thread, []).append(event.text)
    rows = [_thread_row(lane, printed.pop(lane.name)) for lane in lanes]
    rows += [{"name": name, "tid": None, "printed": lines, "started_s": None,
              "ended_s": None} for name, lines in printed.items()]
    first = errors[0] if errors else None
    return {
        "status": status,
        "error": "\n".join(error["traceback"] for error in errors) or None,
        "error_line": first["line"] if first else None,
        "error_thread": first["thread"] if first else None,
        "errors": errors,
        "elapsed_s": round(elapsed_s, 4),
        "threads": rows,
        "most_at_once": _most_at_once(lanes, snapshot.t),
        "output_truncated": _truncated(snapshot.events),
        "lines_not_kept": not_kept,
        "script": script,
    }


def _thread_row(lane: LaneSnapshot, printed: list[str]) -> dict[str, Any]:
    return {"name": lane.name, "tid": lane.tid, "printed": printed,
            "started_s": round(lane.started_s, 4),
            "ended_s": None if lane.ended_s is None else round(lane.ended_s, 4)}


def _most_at_once(lanes: list[LaneSnapshot], now: float) -> int:
    spans = [(lane.started_s, now if lane.ended_s is None else lane.ended_s)
             for lane in lanes]
    return most_at_once(spans) if spans else 0


def _truncated(events: tuple[LogEvent, ...]) -> bool:
    return any(event.thread == GILVIZ and event.text.startswith(TRUNCATED)
               for event in events)


def takeaway(result: dict[str, Any]) -> str:
    threads, seconds = result["threads"], result["elapsed_s"]
    if result["status"] == ERROR:
        where = f" at line {result['error_line']}" if result["error_line"] else ""
        kind = (result["errors"][0]["kind"] if result["errors"] else "an exception")
        return (f"Your code raised {kind} in {result['error_thread']}{where}: the traceback "
                "is in that thread's output, and the line is marked in the editor.")
    if result["status"] in (STOPPED, TIMEOUT):
        why = "at its time limit" if result["status"] == TIMEOUT else "by Stop"
        return f"Your code was stopped {why} after {seconds:.2f} s."
    if len(threads) <= 1:
        return (f"One thread ran all of your code, one step after another: "
                f"{seconds:.2f} s.")
    return (f"{len(threads)} threads ran your code (the main thread and "
            f"{len(threads) - 1} it started), at most {result['most_at_once']} at once: "
            f"{seconds:.2f} s in all.")


def time_limit(params: dict[str, Any]) -> float:
    return params["timeout_s"]


LESSON = Lesson(
    id="your-code",
    title="Your own code, live",
    chapter=EXERCISE,
    blurb="Write or paste a threading script (the exercise, say) and run it: every thread "
          "it starts gets a row, and what each one prints appears under its name.",
    params=(TIME_LIMIT, LATENCY, FILE, SOURCE),
    run=run,
    takeaway=takeaway,
    workload=(run, ScriptHost.run),
    key_code=("exec(", "host.run(", "LocalSite("),
    prefers_isolated=True,
    cooperative=False,
    forced_result=forced_result,
    time_limit=time_limit,
    check=check,
)
