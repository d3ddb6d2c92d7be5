"""The window's offer to build a free-threaded CPython where none was found.

The same build as scripts/get-free-threaded.sh (gilviz.tools.free_threaded), run off the
UI thread with its progress lines shown as they come, the minutes it has taken, and a
Cancel button that stops the build's processes (nothing half-built is ever used).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from gilviz.tools import free_threaded
from gilviz.ui.background import Background

POLL_MS = 200
OFFER = ("No free-threaded Python was found on this machine. gilviz can build one "
         "(CPython 3.13 without the GIL, from Debian's source package) into its cache: "
         "about 4 minutes on 2 cores, about 60 MB, your own Pythons untouched. "
         "It may install build tools with apt-get (root or sudo without a password). "
         "Build it now?")

Build = Callable[..., Path]  # free_threaded.get_free_threaded's signature


class BuildDialog(QDialog):
    """Runs the build; `python` holds the interpreter's path once it succeeded."""

    def __init__(self, parent: QWidget | None = None, build: Build | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("freeThreadedBuild")
        self.setWindowTitle("Building a free-threaded Python")
        self.resize(720, 420)
        self.python: Path | None = None
        self.failure: str | None = None
        self._cancel = threading.Event()
        self._started = time.monotonic()
        self._shown = 0
        self.status = QLabel("Starting the build…")
        self.status.setObjectName("buildStatus")
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # the steps' lengths are unknown: a busy bar and the minutes
        self.log = QPlainTextEdit()
        self.log.setObjectName("buildLog")
        self.log.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.buttons)
        run = build or free_threaded.get_free_threaded
        self.job = Background(lambda progress: run(progress=progress, cancel=self._cancel),
                              "gilviz-free-threaded-build")
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    @Slot()
    def _poll(self) -> None:
        lines = self.job.lines[self._shown:]
        self._shown += len(lines)
        for line in lines:
            self.log.appendPlainText(line)
        minutes = (time.monotonic() - self._started) / 60
        if not self.job.done():
            what = "Cancelling…" if self._cancel.is_set() else "Building"
            last = self.job.lines[-1] if self.job.lines else "starting"
            self.status.setText(f"{what} ({minutes:.1f} min so far): {last}")
            return
        self._timer.stop()
        self.bar.setRange(0, 1)
        error = self.job.error
        if error is None:
            self.python = Path(self.job.value)
            self.status.setText(f"Ready after {minutes:.1f} min: {self.python}")
            self.accept()
        elif isinstance(error, free_threaded.Cancelled) or self._cancel.is_set():
            self.failure = "cancelled; nothing half-built is kept"
            super().reject()
        else:
            kind = "cannot build here" if isinstance(error, free_threaded.Refused) else \
                "the build failed"
            self.failure = f"{kind}: {error}"
            self.status.setText(f"{self.failure[:1].upper()}{self.failure[1:]}")
            self.log.appendPlainText(free_threaded.ALTERNATIVES)
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    @Slot()
    def reject(self) -> None:
        """Cancel (or Esc, or closing the dialog) stops the build first; the dialog closes
        once its processes are gone."""
        if self.job.done():
            self._timer.stop()
            super().reject()
            return
        self._cancel.set()
        self.buttons.setEnabled(False)
        self.status.setText("Cancelling: stopping the build's processes…")

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """The window is closing: stop the build and wait a little for it."""
        self._cancel.set()
        self._timer.stop()
        self.job.join(timeout_s)
