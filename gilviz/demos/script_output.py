"""What a student's script prints, line by line, in the log of the thread that printed it.

While the script runs, sys.stdout and sys.stderr are ThreadOutput streams: each write goes
to the OutputRouter, which keeps a partial line per thread and records every complete
line as a log event named after the thread. The total is capped, so a print loop cannot
flood the window or the memory: past the cap one event says so and the rest is counted
and dropped. Threads that are not the script's (gilviz's own) write to the real stream.
"""

from __future__ import annotations

import io
import threading
from typing import TextIO

from gilviz.core.telemetry import Probe

MAX_LINES = 10_000  # kept in the log and the result, over all threads
MAX_LINE_CHARS = 2_000  # a longer line is cut; a partial line this long is sent as is
HOST = "gilviz"  # the name gilviz's own messages go under in the log


TRUNCATED = "output truncated after"


def truncation_notice(max_lines: int) -> str:
    return f"{TRUNCATED} {max_lines:,} lines (the script went on running)"


class OutputRouter:
    def __init__(self, probe: Probe, max_lines: int = MAX_LINES) -> None:
        self.probe = probe
        self.max_lines = max_lines
        self.kept = 0
        self.dropped = 0  # complete lines not kept (the count may miss a few when
        # several threads print past the cap at once: it is a plain shared counter)
        self.truncated = False
        self.local = threading.local()
        self._lock = threading.Lock()
        self._pending: dict[str, list[str]] = {}  # each thread's line so far, by name

    def bind(self, name: str) -> None:
        """From now on, what the calling thread writes is its lane `name`'s output."""
        self.local.name = name
        self.local.pending = self._pending[name] = []

    def partial_lines(self) -> dict[str, str]:
        """Lines begun but not ended, by thread: what a thread printed with end="" just
        before the run was ended by force would otherwise be lost. Read from any thread."""
        return {name: "".join(pending) for name, pending in list(self._pending.items())
                if pending}

    def name(self) -> str | None:
        return getattr(self.local, "name", None)

    def write(self, text: str, fallback: TextIO) -> int:
        local = self.local
        name = getattr(local, "name", None)
        if name is None:  # not the script's thread
            return fallback.write(text)
        if self.truncated:
            self.dropped += text.count("\n")
            return len(text)
        pending: list[str] = local.pending
        if "\n" not in text:
            pending.append(text)
            if sum(map(len, pending)) >= MAX_LINE_CHARS:
                self._emit(name, "".join(pending))
                pending.clear()
            return len(text)
        lines = text.split("\n")
        if pending:
            lines[0] = "".join(pending) + lines[0]
            pending.clear()
        if lines[-1]:
            pending.append(lines[-1])
        for line in lines[:-1]:
            self._emit(name, line)
        return len(text)

    def flush_thread(self) -> None:
        """The calling thread ends: its last line, even without a newline, is kept."""
        pending = getattr(self.local, "pending", None)
        name = self.name()
        if pending and name is not None:
            self._emit(name, "".join(pending))
            pending.clear()

    def _emit(self, name: str, line: str) -> None:
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS] + " …"
        with self._lock:
            if self.kept >= self.max_lines:
                if not self.truncated:
                    self.truncated = True
                    self.probe.record(HOST, truncation_notice(self.max_lines))
                self.dropped += 1
                return
            self.kept += 1
        self.probe.record(name, line)


class _BytesOutput(io.RawIOBase):
    """sys.stdout.buffer for scripts that write bytes: decoded and routed the same way."""

    def __init__(self, text: ThreadOutput) -> None:
        super().__init__()
        self._text = text

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)


class ThreadOutput(io.TextIOBase):
    """A sys.stdout / sys.stderr stand-in that routes each write by the current thread."""

    def __init__(self, router: OutputRouter, fallback: TextIO, name: str) -> None:
        super().__init__()
        self._router = router
        self._fallback = fallback
        self._name = name
        self.buffer = _BytesOutput(self)

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:  # type: ignore[override]
        router = self._router
        # Past the cap, a print loop only pays this: one check and a count.
        if router.truncated and type(text) is str and hasattr(router.local, "name"):
            router.dropped += text.count("\n")
            return len(text)
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        return router.write(text, self._fallback)

    def flush(self) -> None:
        # A script's lines are recorded as they complete: nothing is held back for it.
        if self._router.name() is None:
            self._fallback.flush()
