"""Cooperative stopping: Python threads cannot be killed, so every worker checks a token."""

from __future__ import annotations

import threading


class StopToken:
    """Set once by whoever wants the run to end; read by every thread of the run."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking at once on stop. True if stop was requested."""
        return self._event.wait(seconds)
