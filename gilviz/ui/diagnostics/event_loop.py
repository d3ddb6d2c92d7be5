"""Let the window's event loop run as `QApplication.exec` does, for a while.

The diagnostics drive the real window from a script. A `while: processEvents()` loop
spins: it keeps a core and the GIL busy, and so it measures the harness instead of the
window (the bench's UI-lag p99 read 10-20 ms for runs in the engine because of it). A
nested QEventLoop sleeps until the next event, exactly like the app."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QTimer, SignalInstance

CHECK_MS = 20  # how often `done` is asked; a signal ends the wait at once


def run_events(seconds: float, done: Callable[[], bool] = lambda: False,
               quit_on: SignalInstance | None = None) -> bool:
    """Run the event loop until done() is true, `quit_on` fires, or `seconds` pass.
    Returns done(). Deferred deletes run too, as they do under exec()."""
    if done():
        return True
    loop = QEventLoop()
    deadline = time.monotonic() + seconds

    def check() -> None:
        if done() or time.monotonic() >= deadline:
            loop.quit()

    timer = QTimer()
    timer.setInterval(min(CHECK_MS, max(1, int(seconds * 1000))))
    timer.timeout.connect(check)
    timer.start()
    if quit_on is not None:
        quit_on.connect(loop.quit)
    try:
        loop.exec()
    finally:
        timer.stop()
        if quit_on is not None:
            quit_on.disconnect(loop.quit)
    return done()


def flush_deletes() -> None:
    """Objects given to deleteLater() while a script drives the window."""
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
