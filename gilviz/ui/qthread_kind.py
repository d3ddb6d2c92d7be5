"""QThread with the threading.Thread interface, so a lesson can start either kind alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread

from gilviz.core.thread_kinds import QTHREAD, register_kind


class TargetQThread(QThread):
    """Runs a Python callable in a QThread; start/join/is_alive mirror threading.Thread."""

    def __init__(self, target: Callable[..., Any], args: tuple[Any, ...], name: str) -> None:
        super().__init__()
        self._target = target
        self._args = args
        self.name = name
        self.setObjectName(name)

    def run(self) -> None:
        self._target(*self._args)

    def join(self, timeout: float | None = None) -> None:
        if timeout is None:
            self.wait()
        else:
            self.wait(max(0, int(timeout * 1000)))

    def is_alive(self) -> bool:
        return self.isRunning()


def make_thread(target: Callable[..., Any], args: tuple[Any, ...], name: str) -> TargetQThread:
    return TargetQThread(target, args, name)


def register() -> None:
    """Let the lessons run in this process start QThreads (see core.thread_kinds)."""
    register_kind(QTHREAD, make_thread)
