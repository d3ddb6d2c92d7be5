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
    # Emitted by a panel's own button ("Set event"): the page forwards it to the running
    # lesson, which sees it through Probe.pokes() / wait_for_poke().
    poke = Signal()

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
