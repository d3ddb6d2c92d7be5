"""The result panel: how the run ended, the take-away, and every measured number."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from gilviz.core.lesson import Lesson
from gilviz.core.placement import IN_PROCESS, ISOLATED
from gilviz.core.runner import RunResult
from gilviz.ui.theme import BAD, GOOD, WARN

PLACES = {IN_PROCESS: "in the window's process", ISOLATED: "in the isolated engine"}


def _humanise(key: str) -> str:
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
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{len(value)} records"  # drawn by the lesson's own tab
    if isinstance(value, str) and "\n" in value.strip():
        return f"… {value.strip().splitlines()[-1]}"  # a traceback: its last line here
    if isinstance(value, list) and len(value) > 16:
        shown = ", ".join(str(v) for v in value[:16])
        return f"[{shown}, … {len(value) - 16} more]"
    return str(value)


class ResultView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultView")
        self.setOpenLinks(False)
        self.show_idle()

    def show_idle(self) -> None:
        self.setHtml("<p style='color:#777'>No run yet. Set the knobs, then press Run.</p>")

    def show_running(self, seconds: float) -> None:
        self.setHtml(f"<p><b>Running…</b> {seconds:.1f} s</p>")

    def show_problem(self, message: str) -> None:
        self.setHtml(f"<p style='color:{BAD}'><b>Cannot run:</b> {html.escape(message)}</p>")

    def show_result(self, lesson: Lesson, run: RunResult, placement: str) -> None:
        if run.error:
            head = f"<p style='color:{BAD}'><b>Failed</b> after {run.elapsed_s:.2f} s: "
            head += f"{html.escape(run.error)}</p>"
        elif run.stopped:
            head = (f"<p style='color:{WARN}'><b>Stopped</b> after {run.elapsed_s:.2f} s: "
                    "the numbers below cover only part of the run.</p>")
        elif run.result.get("status") == "error":  # the code it ran raised (your-code)
            head = (f"<p style='color:{BAD}'><b>Ended with an error</b> after "
                    f"{run.elapsed_s:.2f} s</p>")
        else:
            where = PLACES.get(placement, placement)
            head = (f"<p style='color:{GOOD}'><b>Finished</b> in {run.elapsed_s:.2f} s"
                    f" <span style='color:#555'>· {where}</span></p>")
        sentence = None if run.error else lesson.conclusion(run.result, run.stopped)
        takeaway = f"<p><b>{html.escape(sentence)}</b></p>" if sentence else ""
        rows = "".join(
            f"<tr><td style='color:#555;padding-right:12px'>{html.escape(_humanise(k))}</td>"
            f"<td>{html.escape(_format_value(v))}</td></tr>"
            for k, v in run.result.items()
        )
        self.setHtml(f"{head}{takeaway}<table>{rows}</table>")
