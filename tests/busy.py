"""Busy loops that stand for other programs, for tests of how gilviz judges a busy
machine: started outside this process's tree (so they count as "others"), always ended."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

LIFETIME_S = 150  # a loop ends itself by then, even if the test that started it dies
LOOP = f"import time; end = time.monotonic() + {LIFETIME_S}\nwhile time.monotonic() < end: pass"


@contextlib.contextmanager
def busy_loops(count: int = 2) -> Iterator[list[int]]:
    """`count` CPU-bound Python processes, orphaned at birth (a shell starts them in the
    background and exits), so that no process under test counts them as its own. Their
    output goes nowhere, so the shell returns at once; each also ends itself after
    LIFETIME_S, so none can outlive a test that died."""
    script = " ".join(f"{sys.executable} -c {shlex.quote(LOOP)} </dev/null >/dev/null 2>&1 "
                       "& echo $!;" for _ in range(count))
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=10,
                         check=True).stdout
    pids = [int(pid) for pid in out.split()]
    try:
        time.sleep(0.3)  # let them get going
        yield pids
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in pids:  # reaped by init; wait until the pid is gone
            deadline = time.monotonic() + 3.0
            while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
                time.sleep(0.02)
