"""Which kind of OS thread a lesson starts: Python's threading.Thread or Qt's QThread.

Both are real OS threads sharing one GIL. Core knows only threading.Thread; the layer
that has Qt registers the QThread kind at start-up (gilviz.ui.qthread_kind.register),
so importing gilviz.core never loads Qt and core never reaches up for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

THREADING = "threading"
QTHREAD = "qthread"
KINDS = (THREADING, QTHREAD)
KIND_LABELS = ("threading.Thread", "QThread")


class StartableThread(Protocol):
    name: str

    def start(self) -> None: ...
    def join(self, timeout: float | None = None) -> None: ...
    def is_alive(self) -> bool: ...


ThreadMaker = Callable[[Callable[..., Any], tuple[Any, ...], str], StartableThread]

_MAKERS: dict[str, ThreadMaker] = {
    THREADING: lambda target, args, name: threading.Thread(target=target, args=args,
                                                           name=name),
}


def register_kind(kind: str, maker: ThreadMaker) -> None:
    """Make another kind of thread available to the lessons in this process."""
    _MAKERS[kind] = maker


def make_thread(
    kind: str, target: Callable[..., Any], args: tuple[Any, ...], name: str
) -> StartableThread:
    """A not-yet-started thread of the given kind with the threading.Thread interface."""
    if kind not in KINDS:
        raise ValueError(f"unknown thread kind {kind!r}")
    if kind not in _MAKERS:
        raise RuntimeError(f"{kind} threads are not available in this process "
                           "(they need Qt, which only the window loads)")
    return _MAKERS[kind](target, args, name)
