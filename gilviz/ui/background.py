"""A slow function (probing Pythons, making a venv, a build) run off the UI thread.

The function runs in a plain Python thread and touches no Qt object: it returns a value
and may append progress lines. The window polls `done()` from a QTimer of its own and
reads the outcome there, on the UI thread, so no signal ever crosses threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Job = Callable[[Callable[[str], None]], Any]  # takes a progress callback


class Background:
    def __init__(self, job: Job, name: str, daemon: bool = False) -> None:
        self.lines: list[str] = []  # progress, appended by the job's thread (list.append)
        self.value: Any = None
        self.error: BaseException | None = None
        self._job = job
        self._thread = threading.Thread(target=self._run, name=name, daemon=daemon)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.value = self._job(self.lines.append)
        except Exception as exc:  # reported on the UI thread by whoever polls
            self.error = exc

    def done(self) -> bool:
        return not self._thread.is_alive()

    def join(self, timeout_s: float) -> bool:
        self._thread.join(timeout_s)
        return self.done()
