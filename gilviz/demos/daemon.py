"""Lesson: a daemon thread dies with the interpreter; a non-daemon thread keeps it alive.

Shown for real: daemon_script.py runs in a fresh Python interpreter (a child process),
where main reaches the end of the script while its worker thread is still printing. The
child's output streams into this run's log line by line. Its exit is the point of the
lesson, and this process cannot exit for the demo, so the demo has to be a child.
"""

from __future__ import annotations

import os
import queue
import site
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import gilviz
from gilviz.core.lesson import Lesson
from gilviz.core.orphans import child_env_with_parent
from gilviz.core.params import ChoiceParam, FloatParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.demos import daemon_script
from gilviz.demos.chapters import THREADING_BASICS
from gilviz.demos.common import MAIN, rounded

BOTH = "both"
DAEMON = "daemon"
NON_DAEMON = "non-daemon"
POLL_S = 0.05  # how often a child's watcher looks at Stop while no line arrives
CUT = "✂"
SCRIPT = daemon_script.__name__

VARIANT = ChoiceParam(
    "variant", "Children",
    "Run the script with a daemon worker, a non-daemon worker, or both side by side",
    choices=(BOTH, DAEMON, NON_DAEMON),
    choice_labels=("both, side by side", "daemon=True only", "daemon=False only"),
)
MESSAGES = IntParam(
    "messages", "Worker messages", "How many messages the child's worker thread means to print",
    default_value=10, minimum=1, maximum=50,
)
INTERVAL = FloatParam(
    "interval_s", "Pause between messages", "Seconds the worker sleeps after each message",
    default_value=0.3, minimum=0.01, maximum=1.0, unit="s",
)
MAIN_S = FloatParam(
    "main_s", "Main's own work",
    "Seconds the child's main keeps busy before it reaches the end of the script",
    default_value=1.0, minimum=0.0, maximum=10.0, unit="s",
)


def lane_name(daemon: bool) -> str:
    return f"daemon={daemon}"


def command(daemon: bool, params: dict[str, Any]) -> list[str]:
    """The child's command line: only validated numbers, no shell.

    The registry imports the script (to show its code), so running it with -m makes runpy
    warn that the module was imported before it ran; the -W filter silences only that."""
    return [sys.executable, "-W", "ignore::RuntimeWarning:runpy", "-m", SCRIPT,
            "--daemon" if daemon else "--no-daemon",
            "--messages", str(params["messages"]), "--interval", str(params["interval_s"]),
            "--main-s", str(params["main_s"])]


def child_env() -> dict[str, str]:
    """This environment, with gilviz importable by the child even when this process found
    it through its script's folder (python main.py) rather than an install."""
    env = dict(os.environ)
    root = str(Path(gilviz.__file__).resolve().parent.parent)
    installed = {str(Path(p).resolve()) for p in site.getsitepackages()}
    if root not in installed:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return child_env_with_parent(env)  # the child ends with this process if it is killed


def pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Hands each line the child prints to its watcher; None once the child's end closes."""
    with stream:
        for line in stream:
            lines.put(line.rstrip("\n"))
    lines.put(None)


def watch_child(probe: Probe, daemon: bool, params: dict[str, Any],
                reports: dict[bool, dict[str, Any]]) -> None:
    """Start one child interpreter and say every line it prints, as it prints it."""
    me = probe.lane(lane_name(daemon))
    me.say(f"$ python -m {SCRIPT} {'--daemon' if daemon else '--no-daemon'}")
    started = probe.now()
    child = subprocess.Popen(command(daemon, params), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                             env=child_env())
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=pump, args=(child.stdout, lines),
                              name=f"{lane_name(daemon)} reader")
    reader.start()
    report: dict[str, Any] = {"worker_lines": 0, "main_end_s": None, "finished": False,
                              "killed": False}
    reports[daemon] = report
    with me.blocked("I/O"):  # waiting for the child's next line
        while True:
            try:
                line = lines.get(timeout=POLL_S)
            except queue.Empty:
                if probe.stop.is_set():
                    child.kill()  # Stop: end the child now, wherever it is
                    report["killed"] = True
                    break
                continue
            if line is None:
                break  # the child closed its output: its interpreter is exiting
            me.say(line.strip())
            if "worker: message" in line:
                report["worker_lines"] += 1
            elif "worker: all" in line:
                report["finished"] = True
            elif "main: end of the script" in line:
                report["main_end_s"] = probe.now() - started
        child.wait()
        reader.join()
    report["exit_s"] = probe.now() - started
    report["exit_code"] = child.returncode
    if report["killed"]:
        me.say("stopped: the child was killed")
    elif daemon:
        me.say(f"{CUT} the interpreter exited here and took the daemon worker with it: "
               f"{report['worker_lines']} of {params['messages']} messages printed")
    else:
        waited = report["exit_s"] - (report["main_end_s"] or report["exit_s"])
        me.say(f"the interpreter waited {waited:.2f} s after main's end for the non-daemon "
               f"worker: {report['worker_lines']} of {params['messages']} messages printed")
    me.finish()


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    flags = {BOTH: (True, False), DAEMON: (True,), NON_DAEMON: (False,)}[params["variant"]]
    reports: dict[bool, dict[str, Any]] = {}
    watchers = [threading.Thread(target=watch_child, name=f"watch {lane_name(flag)}",
                                 args=(probe, flag, params, reports)) for flag in flags]
    main.say("each child is a new Python interpreter running the same short script")
    for watcher in watchers:
        watcher.start()
    with main.blocked("join"):
        for watcher in watchers:
            watcher.join()
    main.finish()
    return summarise(params, reports)


def summarise(params: dict[str, Any], reports: dict[bool, dict[str, Any]]
              ) -> dict[str, Any]:
    result: dict[str, Any] = {"variant": params["variant"], "messages": params["messages"],
                              "interval_s": params["interval_s"], "main_s": params["main_s"]}
    for daemon, key in ((True, "daemon"), (False, "non_daemon")):
        report = reports.get(daemon)
        if report is None:
            continue
        main_end, exit_s = report["main_end_s"], report.get("exit_s")
        result.update({
            f"{key}_lines": report["worker_lines"],
            f"{key}_cut_short": report["worker_lines"] < params["messages"]
            or not report["finished"],
            f"{key}_main_end_s": rounded(main_end),
            f"{key}_exit_s": rounded(exit_s),
            f"{key}_exit_after_main_s": rounded(exit_s - main_end)
            if main_end is not None and exit_s is not None else None,
            f"{key}_exit_code": report.get("exit_code"),
        })
    return result


def takeaway(result: dict[str, Any]) -> str:
    n = result["messages"]
    parts = []
    if "daemon_lines" in result:
        after = result["daemon_exit_after_main_s"]
        if result["daemon_cut_short"] and result["daemon_lines"] < n:
            parts.append(f"The daemon worker printed {result['daemon_lines']} of {n} messages: "
                         f"its interpreter exited {after:.2f} s after main's end and stopped "
                         "it mid-way.")
        elif result["daemon_cut_short"]:
            parts.append(f"The daemon worker printed its {n} messages but never its last "
                         f"line: its interpreter exited {after:.2f} s after main's end, "
                         "during the worker's final pause.")
        else:
            parts.append(f"The daemon worker printed all {n} messages: it was done before "
                         "main reached its end (give main less time to see it cut off).")
    if "non_daemon_lines" in result:
        parts.append(f"The non-daemon worker printed {result['non_daemon_lines']} of {n}: "
                     f"its interpreter waited {result['non_daemon_exit_after_main_s']:.2f} s "
                     "after main's end for it.")
    return " ".join(parts)


LESSON = Lesson(
    id="daemon",
    title="Daemon threads",
    chapter=THREADING_BASICS,
    blurb="A real child interpreter reaches the end of its script while a worker thread "
          "still prints: a daemon worker is cut off, a non-daemon one is waited for.",
    params=(VARIANT, MESSAGES, INTERVAL, MAIN_S),
    run=run,
    takeaway=takeaway,
    workload=(daemon_script.worker, daemon_script.main, watch_child, run),
)
