"""The tasks an InterpreterPoolExecutor runs (process-vs-thread, Python 3.14+).

Each worker of that pool is a thread running its own sub-interpreter, with its own GIL;
a task sent to it is imported there by module name. So this module sits outside
gilviz.demos (whose package imports every lesson, requests and C extensions that need
not load in a sub-interpreter) and imports only the standard library. Sub-interpreters
share the process's file descriptors and clocks: a task reads the stop flag as the size
of a file (empty: go on) and reports its times on the same perf_counter clock as main.
"""

from __future__ import annotations

import os
import threading
import time

CHUNK = 20_000  # iterations between two looks at the stop flag (about 2 ms)
READY_TIMEOUT_S = 60.0


def worker_name() -> str:
    try:
        from concurrent import interpreters  # 3.14+

        return f"interpreter {interpreters.get_current().id}"
    except ImportError:
        return f"thread {threading.get_ident()}"


def _stopped(stop_fd: int) -> bool:
    return os.fstat(stop_fd).st_size > 0


def ready_check(workers: int, ready_fd: int, stop_fd: int) -> tuple[str, int]:
    """The pool's first tasks, one per worker: each says it is up (a byte appended to a
    shared file) and waits for the others, so the pool has to start all of them."""
    ready_ns = time.perf_counter_ns()
    os.write(ready_fd, b"1")
    deadline = time.monotonic() + READY_TIMEOUT_S
    while (os.fstat(ready_fd).st_size < workers and not _stopped(stop_fd)
           and time.monotonic() < deadline):
        time.sleep(0.002)
    return worker_name(), ready_ns


def cpu_task(n: int, iterations: int, stop_fd: int) -> tuple[int, str, int, int]:
    """The same pure-Python arithmetic as the thread and process pools' task."""
    started = time.perf_counter_ns()
    total = 0
    for start in range(0, iterations, CHUNK):
        if _stopped(stop_fd):
            break
        for i in range(start, min(start + CHUNK, iterations)):
            total += i * i % 7
    return n, worker_name(), started, time.perf_counter_ns()


def io_task(n: int, wait_s: float, stop_fd: int) -> tuple[int, str, int, int]:
    """Stands in for a download: a sleep, in slices, looking at the stop flag."""
    started = time.perf_counter_ns()
    deadline = started + int(wait_s * 1e9)
    while not _stopped(stop_fd) and (left := deadline - time.perf_counter_ns()) > 0:
        time.sleep(min(0.02, left / 1e9))
    return n, worker_name(), started, time.perf_counter_ns()
