"""The result panel: how the run ended, the take-away, and every measured number.

The settings the run was given are on screen already (the form, or its summary in
presentation mode), so a result field that only repeats one of them is left out here:
what remains fits beside the lesson without scrolling.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from gilviz.core.lesson import Lesson
from gilviz.core.placement import IN_PROCESS, ISOLATED
from gilviz.core.runner import RunResult
from gilviz.ui.look import ink

PLACES = {IN_PROCESS: "in the window's process", ISOLATED: "in the isolated engine"}


def _humanise(key: str) -> str:
    if key == "s":
        return "Time (s)"
    words = f"{key[:-2]} (s)" if key.endswith("_s") else key
    return words.replace("_", " ").capitalize()


def _format_value(value: Any) -> str:
    if value is None:
        return "—"  # not measured (a stopped run, a phase that did not run)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict) and all(isinstance(v, int | float) for v in value.values()):
        return ", ".join(f"{k} {_format_value(v)}" for k, v in value.items())
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{len(value)} records"  # drawn by the lesson's own tab
    if isinstance(value, str) and "\n" in value.strip():
        return f"… {value.strip().splitlines()[-1]}"  # a traceback: its last line here
    if isinstance(value, list) and len(value) > 16:
        shown = ", ".join(str(v) for v in value[:16])
        return f"[{shown}, … {len(value) - 16} more]"
    return str(value)


def shown_fields(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The result's fields minus those that repeat a setting of the run."""
    return {key: value for key, value in result.items()
            if not (key in params and params[key] == value)}


def paired(fields: dict[str, Any]) -> tuple[tuple[str, ...], list[str]] | None:
    """Prefixes that share at least three field names ("race_s", "whole_loop_s", ...),
    and those names: shown as one column per prefix, a row per name."""
    rests: dict[str, set[str]] = {}
    for key in fields:
        for i, char in enumerate(key):
            if char == "_":
                rests.setdefault(key[:i], set()).add(key[i + 1:])
    best: tuple[list[str], set[str]] | None = None
    prefixes = sorted(rests)
    for a_index, a in enumerate(prefixes):
        for b in prefixes[a_index + 1:]:
            shared = rests[a] & rests[b]
            if len(shared) >= 3 and (best is None or len(shared) > len(best[1])):
                best = ([a, b], shared)
    if best is None:
        return None
    group, shared = best
    for other in prefixes:  # a third or fourth placement with the same fields
        if other not in group and shared <= rests[other] and len(group) < 4:
            group.append(other)
    order = sorted(group, key=lambda p: _first_index(fields, p))
    names = [k[len(order[0]) + 1:] for k in fields
             if k.startswith(f"{order[0]}_") and k[len(order[0]) + 1:] in shared]
    return tuple(order), names


def _first_index(fields: dict[str, Any], prefix: str) -> int:
    return next(i for i, key in enumerate(fields) if key.startswith(f"{prefix}_"))


def fields_html(fields: dict[str, Any]) -> str:
    """The fields as a table; a pair of prefixed groups side by side (daemon | non
    daemon), the rest one per row."""
    muted = ink("muted")

    def label(text: str) -> str:
        return (f"<td style='color:{muted};padding-right:12px'>"
                f"{html.escape(_humanise(text))}</td>")

    rows = []
    group = paired(fields)
    used: set[str] = set()
    columns = 1
    if group is not None:
        prefixes, names = group
        columns = len(prefixes)
        rows.append("<tr><td></td>" + "".join(
            f"<td style='color:{muted};padding-right:12px'>{html.escape(_humanise(p))}</td>"
            for p in prefixes) + "</tr>")
        for name in names:
            keys = [f"{prefix}_{name}" for prefix in prefixes]
            used.update(keys)
            rows.append(f"<tr>{label(name)}" + "".join(
                f"<td style='padding-right:12px'>{html.escape(_format_value(fields[key]))}</td>"
                for key in keys) + "</tr>")
    for key, value in fields.items():
        if key not in used:
            rows.append(f"<tr>{label(key)}<td colspan='{columns}'>"
                        f"{html.escape(_format_value(value))}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


class ResultView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultView")
        self.setOpenLinks(False)
        self._shown: tuple[Any, ...] = ("idle",)
        self.show_idle()

    def restyle(self) -> None:
        """The theme changed: show the same thing in its colours."""
        kind, *args = self._shown
        if kind == "idle":
            self.show_idle()
        elif kind == "problem":
            self.show_problem(*args)
        elif kind == "result":
            self.show_result(*args)

    def show_idle(self) -> None:
        self._shown = ("idle",)
        self.setHtml(f"<p style='color:{ink('muted')}'>No run yet. Set the knobs, then "
                     "press Run.</p>")

    def show_running(self, seconds: float) -> None:
        """Whole seconds: a new document ten times a second cost the UI thread ~1 ms
        each for a digit nobody reads."""
        shown = ("running", int(seconds))
        if shown != self._shown:
            self._shown = shown
            self.setHtml(f"<p><b>Running…</b> {int(seconds)} s</p>")

    def show_problem(self, message: str) -> None:
        self._shown = ("problem", message)
        self.setHtml(f"<p style='color:{ink('bad')}'><b>Cannot run:</b> "
                     f"{html.escape(message)}</p>")

    def show_result(self, lesson: Lesson, run: RunResult, placement: str) -> None:
        self._shown = ("result", lesson, run, placement)
        if run.error:
            head = f"<p style='color:{ink('bad')}'><b>Failed</b> after {run.elapsed_s:.2f} s: "
            head += f"{html.escape(run.error)}</p>"
        elif run.stopped:
            head = (f"<p style='color:{ink('warn')}'><b>Stopped</b> after "
                    f"{run.elapsed_s:.2f} s: the numbers below cover only part of the run.</p>")
        elif run.result.get("status") == "error":  # the code it ran raised (your-code)
            head = (f"<p style='color:{ink('bad')}'><b>Ended with an error</b> after "
                    f"{run.elapsed_s:.2f} s</p>")
        else:
            where = PLACES.get(placement, placement)
            head = (f"<p style='color:{ink('good')}'><b>Finished</b> in {run.elapsed_s:.2f} s"
                    f" <span style='color:{ink('muted')}'>· {where}</span></p>")
        sentence = None if run.error else lesson.conclusion(run.result, run.stopped)
        takeaway = f"<p><b>{html.escape(sentence)}</b></p>" if sentence else ""
        fields = shown_fields(run.result, run.params or {})
        self.setHtml(f"{head}{takeaway}{fields_html(fields)}")
