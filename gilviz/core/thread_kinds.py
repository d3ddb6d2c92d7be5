"""Which kind of OS thread a lesson starts: Python's threading.Thread or Qt's QThread.

Both are real OS threads sharing one GIL. The QThread kind needs Qt, so it lives in
gilviz.ui and is imported only when asked for: importing gilviz.core never loads Qt.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any, Protocol

THREADING = "threading"
QTHREAD = "qthread"
KINDS = (THREADING, QTHREAD)
KIND_LABELS = ("threading.Thread", "QThread")

_PROVIDERS = {QTHREAD: "gilviz.ui.qthread_kind"}


class StartableThread(Protocol):
    name: str

    def start(self) -> None: ...
    def join(self, timeout: float | None = None) -> None: ...
    def is_alive(self) -> bool: ...


def make_thread(
    kind: str, target: Callable[..., Any], args: tuple[Any, ...], name: str
) -> StartableThread:
    """A not-yet-started thread of the given kind with the threading.Thread interface."""
    if kind == THREADING:
        return threading.Thread(target=target, args=args, name=name)
    if kind in _PROVIDERS:
        module = importlib.import_module(_PROVIDERS[kind])
        return module.make_thread(target, args, name)
    raise ValueError(f"unknown thread kind {kind!r}")
