"""One lesson, the same settings, on several interpreters in turn: with and without the GIL.

The CLI's `compare` and the window's Compare button both hold a Comparison: the engines to
run on, in order, and what each run measured. The runs happen one after the other, never at
once (they would share the cores and slow each other). Whoever drives it makes each run's
RunSession with `session()`, polls it to its end its own way and hands it to `record()`.
This module also says what to show side by side: the rows of numbers, the one-line verdict
of each run and the points of the speedup chart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gilviz.core.engine import EngineCommand
from gilviz.core.engine_choice import GIL_CAME_BACK, gil_came_back, interpreter_json
from gilviz.core.interpreter_probe import Interpreter, running_interpreter
from gilviz.core.lesson import Lesson
from gilviz.core.lesson_needs import unmet_need
from gilviz.core.params import ParamError, resolve
from gilviz.core.placement import ISOLATED, RunFactory
from gilviz.core.runner import RunResult
from gilviz.core.session import RunSession

MAIN = "main"  # the lesson's own main thread: it orchestrates, the workers do the work


@dataclass
class ComparedRun:
    """One interpreter's turn: the engine it runs on and, once it ran, what it measured."""

    engine: EngineCommand
    result: RunResult | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # the engine's word at the end

    @property
    def interpreter(self) -> Interpreter:
        return self.engine.interpreter or running_interpreter()

    @property
    def label(self) -> str:
        interp = self.interpreter
        return f"{interp.label}{' (this one)' if interp.running else ''}"

    @property
    def gil_came_back(self) -> bool:
        return gil_came_back(self.interpreter, self.facts)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"interpreter": interpreter_json(self.interpreter, self.facts)}
        result = self.result
        if result is None:
            return {**data, "elapsed_s": None, "result": None}
        data.update(elapsed_s=result.elapsed_s, result=result.result)
        if result.stopped:
            data["stopped"] = True
        if result.error:
            data["error"] = result.error
        if self.gil_came_back:
            data["warning"] = GIL_CAME_BACK
        return data


class Comparison:
    """The plan (lesson, settings, engines in order) and the runs done so far."""

    def __init__(self, lesson: Lesson, params: dict[str, Any],
                 engines: list[EngineCommand]) -> None:
        """Raises ParamError for settings, or an interpreter, that cannot run the lesson."""
        self.lesson = lesson
        self.params = resolve(lesson.params, params)
        self.runs = [ComparedRun(engine) for engine in engines]
        for run in self.runs:
            why = unmet_need(lesson, self.params, run.interpreter)
            if why:
                raise ParamError(f"{run.label} cannot run {lesson.id} so: {why}")

    @property
    def pending(self) -> ComparedRun | None:
        """The next run to do, or None once every one ran (or one was stopped)."""
        if any(run.result is not None and run.result.stopped for run in self.runs):
            return None
        return next((run for run in self.runs if run.result is None), None)

    @property
    def finished(self) -> bool:
        return self.pending is None

    def session(self, run: ComparedRun, factory: RunFactory | None = None) -> RunSession:
        return RunSession(self.lesson, self.params, ISOLATED, factory, run.engine)

    def record(self, run: ComparedRun, session: RunSession) -> None:
        run.result = session.result
        run.facts = dict(getattr(session.run, "interpreter_facts", {}) or {})

    def to_json(self) -> dict[str, Any]:
        return {"lesson": self.lesson.id, "params": self.params,
                "runs": [run.to_json() for run in self.runs]}


def run_in_turn(comparison: Comparison, started: Callable[[ComparedRun], None] | None = None,
                poll_s: float = 0.05, interrupted: Callable[[], None] | None = None) -> bool:
    """Do every pending run headless, one after the other, from this thread. Ctrl+C stops
    the current run (which is still recorded, as stopped) and skips the rest; then
    `interrupted` is called once and the answer is True."""
    stopped = False
    while not stopped and (run := comparison.pending) is not None:
        session = comparison.session(run)
        if started is not None:
            started(run)
        session.start()
        try:
            while not session.finished:
                try:
                    time.sleep(poll_s)
                except KeyboardInterrupt:
                    if not stopped and interrupted is not None:
                        interrupted()
                    stopped = True
                    session.stop()
                session.poll()
        finally:
            session.close()
        comparison.record(run, session)
        if run.result is None or run.result.error:
            break  # the next would likely fail the same way: the caller reports it
    return stopped


# --- what to show side by side ---------------------------------------------------------

def parallel_cores(result: dict[str, Any]) -> float | None:
    """How many of the lesson's worker threads ran at once, by the kernel's clock, with the
    time they queued for a busy core left out: each worker's CPU time over the time it was
    not queued for a core, summed. Other programs' load cannot fake it either way: with a
    GIL it stays near 1 (a thread waits for the GIL whenever another runs), without one it
    nears the number of threads (up to the cores). A sweep runs its thread counts one after
    another and names their threads `<count>T·<i>`: the largest count answers. None where
    the kernel did not measure."""
    groups: dict[str, float] = {}
    for state in result.get("thread_states") or []:
        if not state.get("measured") or state.get("name") == MAIN:
            continue
        name = str(state.get("name"))
        group = name.split("·")[0] if "·" in name else ""
        cpu = float(state.get("cpu_s") or 0.0)
        not_queued = cpu + sum(float(state.get(key) or 0.0) for key in (
            "waiting_for_gil_s", "waiting_other_s", "blocked_s"))
        groups[group] = groups.get(group, 0.0) + (cpu / not_queued if not_queued > 0 else 0.0)
    if not groups:
        return None
    largest = max(groups, key=lambda g: int(g.rstrip("T")) if g.rstrip("T").isdigit() else 0)
    return round(groups[largest], 2)


def cpu_seconds(result: dict[str, Any]) -> float | None:
    states = [s for s in result.get("thread_states") or [] if s.get("measured")]
    return round(sum(float(s.get("cpu_s") or 0.0) for s in states), 3) if states else None


def headline(run: ComparedRun) -> str:
    """The one-line verdict: the measured number that answers the lesson's question."""
    result = run.result
    if result is None:
        return "not run"
    if result.error:
        return f"failed: {result.error}"
    data = result.result
    verdict = data.get("verdict")
    if _numbers(data, "speedup", "threads"):
        text = f"{data['threads']} threads: {data['speedup']:.2f}x the speed of one"
    elif _numbers(data, "lost", "expected"):
        share = data["lost"] / data["expected"] if data["expected"] else 0.0
        text = ("no update lost" if not data["lost"] else
                f"{data['lost']:,} of {data['expected']:,} updates lost ({share:.0%})")
        if _numbers(data, "trials_run", "trials_with_loss") and data["trials_run"] > 1:
            text += f"; lost some in {data['trials_with_loss']} of {data['trials_run']} trials"
    elif _numbers(data, "process_speedup"):
        text = f"process pool {data['process_speedup']:.2f}x as fast as the thread pool"
    else:
        text = f"{'ran' if result.stopped else 'finished in'} {result.elapsed_s:.2f} s"
    if result.stopped:
        text = f"stopped early; {text}"
    cores = parallel_cores(data)
    if cores is not None:
        text += f"; {cores:.1f} threads free to run at once"
    if run.gil_came_back:
        text += " (the GIL came back on!)"
    return f"{verdict}: {text}" if verdict else text


def _numbers(data: dict[str, Any], *keys: str) -> bool:
    """Every key holds a number (a stopped phase leaves None where it measured nothing)."""
    return all(isinstance(data.get(key), int | float) and not isinstance(data.get(key), bool)
               for key in keys)


def takeaway(lesson: Lesson, result: RunResult | None) -> str:
    """The lesson's own sentence for this run, as the window and `run` show it."""
    if result is None or result.error or not result.result:
        return ""
    conclusion = getattr(lesson, "conclusion", None)  # newer lessons weigh a stop
    try:
        if conclusion is not None:
            return conclusion(result.result, result.stopped) or ""
        return lesson.takeaway(result.result)
    except Exception as exc:  # a sentence for numbers it did not expect: say so, go on
        return f"(no takeaway: {type(exc).__name__}: {exc})"


def chart_points(result: dict[str, Any]) -> tuple[str, str, list[tuple[float, float]]]:
    """(x label, y label, points) for the chart that puts the runs on one axis: speedup
    against threads where the lesson times one, else the share of updates lost."""
    sweep = [p for p in result.get("sweep") or [] if isinstance(p, dict)]
    if sweep and all(_numbers(p, "threads", "speedup") for p in sweep):
        return "threads", "speedup (x)", [(p["threads"], p["speedup"]) for p in sweep]
    if _numbers(result, "speedup", "threads"):
        return "threads", "speedup (x)", [(result["threads"], result["speedup"])]
    if sweep and all(_numbers(p, "workers", "thread_speedup") for p in sweep):
        return "workers", "thread pool speedup (x)", [
            (p["workers"], p["thread_speedup"]) for p in sweep]
    if _numbers(result, "thread_s", "process_s", "workers") and result["process_s"]:
        return "workers", "process pool over thread pool (x)", [
            (result["workers"], result["thread_s"] / result["process_s"])]
    if _numbers(result, "lost", "expected") and result["expected"]:
        return "threads", "updates lost (%)", [
            (result.get("threads", 0), 100.0 * result["lost"] / result["expected"])]
    return "", "", []


def humanise(key: str) -> str:
    """'sequential_s' -> 'sequential (s)', 'lost_pct' -> 'lost (%)', 'work_units' -> ..."""
    for suffix, unit in (("_s", "s"), ("_pct", "%"), ("_ms", "ms")):
        if key.endswith(suffix):
            return f"{key[:-len(suffix)].replace('_', ' ')} ({unit})"
    return key.replace("_", " ")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def rows(comparison: Comparison) -> list[tuple[str, list[str]]]:
    """The numbers side by side: (what, one cell per run). Scalars of the results in the
    order they first appear, each sweep point as a row, then what the kernel measured."""
    results = [run.result.result if run.result is not None else {} for run in comparison.runs]
    table: list[tuple[str, list[str]]] = [
        ("elapsed (s)", [_cell(round(run.result.elapsed_s, 3)) if run.result else "-"
                         for run in comparison.runs]),
        ("GIL during the run", [
            "-" if run.result is None else
            "on" if interpreter_json(run.interpreter, run.facts)["gil_enabled"] else "off"
            for run in comparison.runs]),
    ]
    keys: list[str] = []
    for result in results:
        keys += [key for key, value in result.items()
                 if key not in keys and not isinstance(value, list | dict)]
    table += [(humanise(key), [_cell(result.get(key)) for result in results]) for key in keys]
    sweeps = [result.get("sweep") if isinstance(result.get("sweep"), list) else []
              for result in results]
    for index in range(max(map(len, sweeps), default=0)):
        points = [sweep[index] if index < len(sweep) else {} for sweep in sweeps]
        first = next(p for p in points if p)
        x_key = "threads" if "threads" in first else "workers"
        y_key = "speedup" if "speedup" in first else "thread_speedup"
        table.append((f"speedup at {first.get(x_key)} {x_key}",
                      [f"{p[y_key]:.2f}x" if _numbers(p, y_key) else "-" for p in points]))
    table.append(("CPU of the lesson's threads (s, kernel)",
                  [_cell(cpu_seconds(result)) for result in results]))
    table.append(("threads free to run at once (kernel)",
                  [_cell(parallel_cores(result)) for result in results]))
    return table


def side_by_side(comparison: Comparison, width: int = 40) -> str:
    """Text mode of `gilviz compare`: a table with one column per interpreter, then each
    run's verdict and takeaway."""
    table = rows(comparison)
    heads = [run.label for run in comparison.runs]
    left = max(len(label) for label, _ in table) + 2
    widths = [min(width, max([len(h)] + [len(cells[i]) for _, cells in table])) + 2
              for i, h in enumerate(heads)]

    def line(first: str, cells: list[str]) -> str:
        return (first.ljust(left) + "".join(c[:w - 2].ljust(w) for c, w in zip(cells, widths,
                                                                               strict=True)))

    settings = ", ".join(f"{k}={v}" for k, v in comparison.params.items())
    out = [f"{comparison.lesson.id} ({settings}), on each interpreter in turn", "",
           line("", heads).rstrip(), line("", ["-" * (w - 2) for w in widths]).rstrip()]
    out += [line(label, cells).rstrip() for label, cells in table]
    out.append("")
    for run in comparison.runs:
        out.append(f"{run.label}: {headline(run)}")
        sentence = takeaway(comparison.lesson, run.result)
        if sentence:
            out.append(f"  {sentence}")
        if run.gil_came_back:
            out.append(f"  Warning: {GIL_CAME_BACK}.")
    return "\n".join(out)
