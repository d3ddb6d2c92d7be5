"""The interface every lesson panel implements; the defaults do nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from gilviz.core.runner import RunResult
from gilviz.core.telemetry import Snapshot


class LessonPanel(QWidget):
    title = "Panel"  # the tab's label
    focus_on_result = False  # bring this tab to the front when a run finishes
    focus_on_run = False  # bring this tab to the front when a run starts
    focus_on_show = False  # the tab in front when the lesson is shown (an editor, say)
    # Emitted by a panel's own button ("Set event"): the page forwards it to the running
    # lesson, which sees it through Probe.pokes() / wait_for_poke().
    poke = Signal()
    # Emitted to run the lesson as the Run button would (Ctrl+Enter in an editor).
    run_requested = Signal()

    def run_values(self) -> dict[str, Any]:
        """Parameter values this panel supplies itself (the editor's code): merged into
        the form's before they are checked. Called when Run is pressed."""
        return {}

    def wants_focus(self, result: RunResult) -> bool:
        """Whether to bring this tab to the front for a finished run."""
        return self.focus_on_result and not result.error

    def applies_to(self, params: dict[str, Any]) -> bool:
        """Whether a run with these parameters has anything to show here; the tab is
        hidden when not (a histogram of one trial, say)."""
        return True

    def run_started(self, params: dict[str, Any]) -> None:
        """A run of this lesson begins with these (validated) parameters."""

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Called at ~30 Hz while the run goes on; keep it cheap."""

    def show_result(self, result: RunResult) -> None:
        """The run ended (finished, stopped or failed)."""
