"""process-vs-thread's third pool: concurrent.futures.InterpreterPoolExecutor (3.14+).

Its workers are threads, each running its own sub-interpreter with its own GIL: CPU-bound
tasks can run in parallel like processes, without starting processes. Its tasks live in
gilviz.pool_tasks (a sub-interpreter imports them by name: stdlib only). They cannot
write to the lesson's telemetry or the pools' shared seats, so main fills the seats from
what the tasks return, and the stop flag reaches them as a file they watch.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from gilviz import pool_tasks
from gilviz.core.telemetry import Probe
from gilviz.demos.common import MAIN
from gilviz.demos.process_vs_thread import (
    CPU,
    INTERPRETERS,
    PID,
    READY_NS,
    SEAT,
    Phase,
    PoolBoard,
    wait_for_all,
)


def interpreter_pool(workers: int) -> Executor:
    """concurrent.futures.InterpreterPoolExecutor, where this Python has it."""
    import concurrent.futures as futures

    pool_class = getattr(futures, "InterpreterPoolExecutor", None)
    if pool_class is None:
        raise RuntimeError("this Python has no InterpreterPoolExecutor (it came with 3.14)")
    return pool_class(max_workers=workers, thread_name_prefix="pool-interpreter")


def time_interpreter_pool(work: str, workers: int, size: Any, tasks: int, probe: Probe,
                          phases: list[Phase],
                          make_pool: Callable[[int], Executor] = interpreter_pool) -> Phase:
    """Like time_pool: start the pool and all its workers (the start-up cost), then time
    the tasks alone; shut the pool down whatever happens."""
    main = probe.lane(MAIN)
    board = PoolBoard.new(workers)
    origin_ns = time.perf_counter_ns() - probe.now_ns()
    phase = Phase(INTERPRETERS, workers, board, time.perf_counter_ns(), origin_ns, {})
    phases.append(phase)
    task = pool_tasks.cpu_task if work == CPU else pool_tasks.io_task
    # The stop flag: a file that gets a byte on Stop. The ready count: bytes appended.
    ready_handle, ready_path = tempfile.mkstemp(prefix="gilviz-pool-ready-")
    os.close(ready_handle)
    ready_fd = os.open(ready_path, os.O_RDWR | os.O_APPEND)
    with tempfile.TemporaryFile() as stop_file:
        stop_fd = stop_file.fileno()
        pool = make_pool(workers)
        try:
            with main.blocked("result"):
                warm_up = [pool.submit(pool_tasks.ready_check, workers, ready_fd, stop_fd)
                           for _ in range(workers)]
                up = wait_for_all(warm_up, probe, board)
                for seat, future in enumerate(f for f in warm_up if f.done()
                                              and not f.cancelled() and not f.exception()):
                    name, ready_ns = future.result()
                    phase.names[seat] = name
                    board.cells[seat * SEAT + PID] = os.getpid()
                    board.cells[seat * SEAT + READY_NS] = ready_ns
                board.seated.value = len(phase.names)
                if up:
                    phase.startup_s = (time.perf_counter_ns() - phase.created_ns) / 1e9
                    main.say(f"interpreter pool: {workers} workers up after "
                             f"{phase.startup_s:.3f} s")
                    started = time.perf_counter_ns()
                    futures = [pool.submit(task, n, size, stop_fd)
                               for n in range(1, tasks + 1)]
                    if wait_for_all(futures, probe, board, phase.records):
                        phase.elapsed_s = (time.perf_counter_ns() - started) / 1e9
                        main.say(f"interpreter pool: {tasks} tasks done in "
                                 f"{phase.elapsed_s:.3f} s")
        finally:
            if probe.stop.is_set():
                os.write(stop_fd, b"1")
            pool.shutdown(wait=True, cancel_futures=True)
            os.close(ready_fd)
            os.unlink(ready_path)
    return phase
