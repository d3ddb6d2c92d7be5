"""The waits a student's script makes through threading, declared on its lanes.

The kernel sees a thread asleep in a futex and cannot tell a GIL wait from a join or an
Event: both are futexes. Lessons declare their waits (lane.blocked("join")); a script
cannot, so for the length of its run the Python-level waits of threading do it for them:
Thread.join ("join") and Condition.wait ("event"), which Event.wait, Timer, Queue.get,
Semaphore, Barrier and Future.result all wait in. The standard library's pure-Python
SimpleQueue stands in for the C one, so an idle ThreadPoolExecutor worker waits there
too. Only blocking calls pay (a few marks each); plain Lock.acquire (C) is not wrapped,
so the script's own lock contention keeps its full speed and is not declared.
"""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable
from typing import Any

from gilviz.core.telemetry import Lane, State

LaneOf = Callable[[], Lane | None]  # the calling thread's lane, if the script's


class ScriptWaits:
    def __init__(self, lane_of: LaneOf) -> None:
        self._lane_of = lane_of
        self._saved: list[tuple[Any, str, Any]] = []

    def install(self) -> None:
        self._wrap(threading.Thread, "join", "join")
        self._wrap(threading.Condition, "wait", "event")
        py_queue = getattr(queue, "_PySimpleQueue", None)
        if py_queue is not None:
            self._saved.append((queue, "SimpleQueue", queue.SimpleQueue))
            queue.SimpleQueue = py_queue  # type: ignore[misc]

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()

    def _wrap(self, owner: type, name: str, why: str) -> None:
        original = getattr(owner, name)
        lane_of = self._lane_of

        @functools.wraps(original)
        def declared(*args: Any, **kwargs: Any) -> Any:
            lane = lane_of()
            if lane is None or lane.state is not State.RUNNING:
                return original(*args, **kwargs)
            with lane.blocked(why):
                return original(*args, **kwargs)

        self._saved.append((owner, name, original))
        setattr(owner, name, declared)
