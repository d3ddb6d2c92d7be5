"""Lesson: the same tasks on a ThreadPoolExecutor and on a ProcessPoolExecutor.

CPU-bound tasks gain from processes (each has its own interpreter, so its own GIL) up to
the core count, once the processes have started; tasks that wait gain as much from
threads, which cost next to nothing to start. Both pools run the very same module-level
task functions; a process pool's workers import this module to find them.

Each worker, thread or process, takes a seat on a small board in shared memory when the
pool starts it: it writes its pid, when it was ready and which task it is running, so the
window can draw the process workers live too. The board also carries a stop flag that
crosses processes; tasks look at it every few milliseconds.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from gilviz.core.cpu_load import OthersCpu
from gilviz.core.host_facts import cores_available, interpreter_facts
from gilviz.core.lesson import Lesson
from gilviz.core.orphans import DieWithParent, run_guarded
from gilviz.core.params import ChoiceParam, FloatParam, IntParam, ParamError
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.verdict import (
    INCONCLUSIVE,
    NO_GAIN,
    PARALLEL,
    STOPPED,
    busy_reason,
    faster_or_slower,
    is_busy,
    speed_class,
    too_short,
    too_short_reason,
)
from gilviz.demos.chapters import EXECUTORS
from gilviz.demos.common import MAIN, rounded
from gilviz.demos.gil_common import thread_counts

CPU = "cpu"
IO = "io"
THREADS = "thread"
PROCESSES = "process"
INTERPRETERS = "interpreter"  # InterpreterPoolExecutor (3.14+): see interpreter_pool.py
THREAD_PREFIX = "pool-thread"
CHUNK = 20_000  # iterations between two looks at the stop flag (about 2 ms)
IO_SLICE_S = 0.02  # an I/O task sleeps in slices this long, looking at the stop flag
POLL_S = 0.02  # how often main looks at Stop while it waits for the pool
READY_TIMEOUT_S = 60.0  # a pool whose workers are not all up by then is given up on
STOP_GRACE_S = 0.1  # on Stop, how long workers get to wind down before they are ended
_SPAWN = multiprocessing.get_context("spawn")  # fork of a threaded process can hang

# A seat's cells on the board.
PID, READY_NS, TASK, TASK_STARTED_NS = range(4)
SEAT = 4

WORKERS = IntParam(
    "workers", "Workers", "max_workers of both pools: threads in one, processes in the other",
    default_value=4, minimum=1, maximum=16,
)
TASKS = IntParam(
    "tasks", "Tasks", "How many equal tasks each pool gets",
    default_value=8, minimum=1, maximum=64,
)
WORK = ChoiceParam(
    "work", "Kind of work",
    "cpu: pure-Python arithmetic that needs the GIL throughout; io: waiting, as for a "
    "download, during which a thread lets go of the GIL",
    choices=(CPU, IO), choice_labels=("CPU-bound: arithmetic", "I/O-bound: waiting"),
)
ITERATIONS = IntParam(
    "iterations", "Iterations per CPU task", "Loop iterations of each CPU-bound task",
    default_value=3_000_000, minimum=10_000, maximum=100_000_000,
)
WAIT = FloatParam(
    "wait_s", "Wait per I/O task", "How long each I/O-bound task waits",
    default_value=0.2, minimum=0.01, maximum=2.0, unit="s",
)
TWO_POOLS = "threads-processes"
WITH_INTERPRETERS = "interpreters"
POOLS = ChoiceParam(
    "pools", "Pools",
    "The thread pool and the process pool; or also an InterpreterPoolExecutor (Python "
    "3.14+): threads that each run their own sub-interpreter, with its own GIL",
    choices=(TWO_POOLS, WITH_INTERPRETERS),
    choice_labels=("threads and processes", "also sub-interpreters (3.14+)"),
)
SWEEP = ChoiceParam(
    "sweep", "Sweep",
    "Also time both pools with 1, 2, 4, ... workers up to the chosen count and chart "
    "their speedup",
    choices=("off", "on"), choice_labels=("one worker count", "1, 2, 4, ... workers"),
)


@dataclass
class PoolBoard:
    """Shared memory for one pool: seats for its workers and a stop flag.

    Spawn-context objects, so a process pool's workers receive them when they start."""

    stop: Any  # RawValue("b"): 1 once the run is stopped
    seated: Any  # Value("i") with its lock: how many workers took a seat
    cells: Any  # RawArray("q"), SEAT cells per worker

    @classmethod
    def new(cls, workers: int) -> PoolBoard:
        return cls(_SPAWN.RawValue("b", 0), _SPAWN.Value("i", 0),
                   _SPAWN.RawArray("q", SEAT * workers))

    @property
    def capacity(self) -> int:
        return len(self.cells) // SEAT

    def seat_cells(self, seat: int) -> list[int]:
        return list(self.cells[seat * SEAT:(seat + 1) * SEAT])


# Who this worker is, set by the pool's initializer in the thread (or process) it starts.
_here = threading.local()


def take_seat(board: PoolBoard, name: str, lane: Lane | None) -> None:
    with board.seated.get_lock():
        seat = board.seated.value
        board.seated.value = seat + 1
    _here.board, _here.seat, _here.name, _here.lane = board, seat, name, lane
    if seat < board.capacity:
        board.cells[seat * SEAT + PID] = os.getpid()
        board.cells[seat * SEAT + READY_NS] = time.perf_counter_ns()


def start_thread_worker(probe: Probe, board: PoolBoard, names: dict[int, str]) -> None:
    """ThreadPoolExecutor initializer: runs in each new pool thread before its first task."""
    lane = probe.lane(reuse=True)  # a row in the window's thread view
    take_seat(board, threading.current_thread().name, lane)
    names[_here.seat] = lane.name


def start_process_worker(board: PoolBoard) -> None:
    """ProcessPoolExecutor initializer: runs in each new worker process."""
    take_seat(board, f"pid {os.getpid()}", None)


def _stopped() -> bool:
    return _here.board.stop.value != 0


def _begin(n: int) -> int:
    started = time.perf_counter_ns()
    board, seat = _here.board, _here.seat
    if seat < board.capacity:
        board.cells[seat * SEAT + TASK_STARTED_NS] = started
        board.cells[seat * SEAT + TASK] = n
    if _here.lane is not None:
        _here.lane.run()
    return started


def _end(n: int, started: int) -> tuple[int, str, int, int]:
    board, seat = _here.board, _here.seat
    if seat < board.capacity:
        board.cells[seat * SEAT + TASK] = 0
    if _here.lane is not None:
        _here.lane.idle()
    return n, _here.name, started, time.perf_counter_ns()


def cpu_task(n: int, iterations: int) -> tuple[int, str, int, int]:
    """Pure-Python arithmetic: whoever runs it needs its interpreter's GIL throughout."""
    started = _begin(n)
    total = 0
    for start in range(0, iterations, CHUNK):
        if _stopped():
            break
        for i in range(start, min(start + CHUNK, iterations)):
            total += i * i % 7
        if _here.lane is not None:
            _here.lane.tick(CHUNK)
    return _end(n, started)


def io_task(n: int, wait_s: float) -> tuple[int, str, int, int]:
    """Stands in for a download: a sleep, during which the GIL is free for others."""
    started = _begin(n)
    deadline = started + int(wait_s * 1e9)
    while not _stopped() and (left := deadline - time.perf_counter_ns()) > 0:
        time.sleep(min(IO_SLICE_S, left / 1e9))
    return _end(n, started)


def ready_check(workers: int) -> None:
    """The pool's first tasks: each waits until every worker has started, so the pool
    has to start all of them (a pool starts workers as tasks arrive)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while (_here.board.seated.value < workers and not _stopped()
           and time.monotonic() < deadline):
        time.sleep(0.002)


@dataclass
class Phase:
    """One pool's run: what the window draws live and the result reports."""

    kind: str
    workers: int
    board: PoolBoard
    created_ns: int
    origin_ns: int  # the run's time zero on the perf_counter clock
    names: dict[int, str]
    startup_s: float | None = None
    elapsed_s: float | None = None
    cpu_s: float | None = None  # this process's CPU time while the tasks ran
    records: list[tuple[int, str, int, int]] = field(default_factory=list)  # as they end

    def rows(self) -> list[str]:
        seated = min(self.board.seated.value, self.board.capacity)
        if self.kind in (THREADS, INTERPRETERS):
            return [self.names.get(seat, f"thread {seat + 1}") for seat in range(seated)]
        return [f"pid {self.board.cells[seat * SEAT + PID]}" for seat in range(seated)]

    def since_created(self, ns: int) -> float:
        return round((ns - self.created_ns) / 1e9, 4)

    def tasks(self) -> list[dict[str, Any]]:
        return [{"task": n, "worker": worker, "start": self.since_created(start),
                 "end": self.since_created(end)}
                for n, worker, start, end in sorted(list(self.records))]

    def view(self) -> dict[str, Any]:
        """Plain data for the window, read while the pool works."""
        rows = self.rows()
        cells = [self.board.seat_cells(seat) for seat in range(len(rows))]
        return {
            "kind": self.kind, "workers": self.workers, "rows": rows,
            "created_s": round((self.created_ns - self.origin_ns) / 1e9, 4),
            "ready": [self.since_created(c[READY_NS]) for c in cells],
            "running": [{"task": c[TASK], "worker": rows[seat],
                         "start": self.since_created(c[TASK_STARTED_NS])}
                        for seat, c in enumerate(cells) if c[TASK]],
            "tasks": self.tasks(), "startup_s": self.startup_s, "elapsed_s": self.elapsed_s,
            "now": self.since_created(time.perf_counter_ns()),
        }


def make_pool(kind: str, workers: int, probe: Probe, board: PoolBoard,
              names: dict[int, str]) -> Executor:
    if kind == THREADS:
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=THREAD_PREFIX,
                                  initializer=start_thread_worker,
                                  initargs=(probe, board, names))
    # Nothing in a process pool ends its workers if the process that made the pool dies
    # without shutting it down (killed, say): DieWithParent makes each worker die with
    # this process, even while it is still starting up.
    return ProcessPoolExecutor(max_workers=workers, mp_context=_SPAWN,
                               initializer=run_guarded,
                               initargs=(DieWithParent(os.getpid()), start_process_worker,
                                         board))


def wait_for_all(futures: list[Future[Any]], probe: Probe, board: PoolBoard,
                 results: list[Any] | None = None) -> bool:
    """Wait for every future, looking at Stop meanwhile; False if stopped first. Results
    go into `results` as they come, so the window draws finished tasks right away."""
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=POLL_S)
        if results is not None:
            results.extend(future.result() for future in done)
        if probe.stop.is_set():
            board.stop.value = 1  # the pool's tasks see this, even in other processes
            return False
    return True


def shut_down_now(pool: Executor, processes: list[multiprocessing.process.BaseProcess]
                  ) -> None:
    """Stop: cancel the queued tasks and let the workers end their current one (they see
    the stop flag within milliseconds); then end any worker process still starting up,
    since an interpreter busy importing cannot look at the flag yet."""
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_GRACE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(1.0)
    pool.shutdown(wait=True)  # the pool's own threads are done once its workers are


def time_pool(kind: str, workers: int, task: Callable[..., Any], size: Any, tasks: int,
              probe: Probe, phases: list[Phase]) -> Phase:
    """Start a pool, let all its workers come up (the start-up cost), then time the
    tasks alone; shut the pool down whatever happens."""
    main = probe.lane(MAIN)
    board = PoolBoard.new(workers)
    origin_ns = time.perf_counter_ns() - probe.now_ns()
    phase = Phase(kind, workers, board, time.perf_counter_ns(), origin_ns, {})
    phases.append(phase)
    others = set(multiprocessing.active_children())
    pool = make_pool(kind, workers, probe, board, phase.names)
    try:
        with main.blocked("result"):
            warm_up = [pool.submit(ready_check, workers) for _ in range(workers)]
            processes = [p for p in multiprocessing.active_children() if p not in others]
            if wait_for_all(warm_up, probe, board):
                phase.startup_s = (time.perf_counter_ns() - phase.created_ns) / 1e9
                main.say(f"{kind} pool: {workers} workers up after "
                         f"{phase.startup_s:.3f} s")
                started, cpu = time.perf_counter_ns(), time.process_time()
                futures = [pool.submit(task, n, size) for n in range(1, tasks + 1)]
                if wait_for_all(futures, probe, board, phase.records):
                    phase.elapsed_s = (time.perf_counter_ns() - started) / 1e9
                    phase.cpu_s = time.process_time() - cpu
                    main.say(f"{kind} pool: {tasks} tasks done in "
                             f"{phase.elapsed_s:.3f} s")
    finally:
        if probe.stop.is_set():
            board.stop.value = 1
            shut_down_now(pool, processes)
        else:
            pool.shutdown(wait=True, cancel_futures=True)
    if kind == THREADS:
        for name in phase.names.values():
            probe.lane_named(name).finish()  # its thread ended with the pool
    return phase


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    if params.get("pools") == WITH_INTERPRETERS and not hasattr(
            concurrent.futures, "InterpreterPoolExecutor"):
        raise ParamError("this Python has no InterpreterPoolExecutor: it came with 3.14")
    main = probe.lane(MAIN)
    task, size = (cpu_task, params["iterations"]) if params["work"] == CPU else (
        io_task, params["wait_s"])
    phases: list[Phase] = []
    sweep: list[dict[str, Any]] = []
    probe.watch("pools", lambda: [phase.view() for phase in list(phases)])
    probe.watch("sweep", lambda: list(sweep))
    counts = thread_counts(params["workers"]) if params["sweep"] == "on" else [
        params["workers"]]
    main.say(f"{params['tasks']} {params['work']}-bound tasks, first on threads, then on "
             f"processes; this machine has {cores_available()} cores")
    kinds = (THREADS, PROCESSES, INTERPRETERS) if params.get("pools") == WITH_INTERPRETERS \
        else (THREADS, PROCESSES)
    others = OthersCpu()
    for workers in counts:
        timings: dict[str, Phase] = {}
        for kind in kinds:
            if stop.is_set():
                break
            if kind == INTERPRETERS:
                from gilviz.demos.interpreter_pool import time_interpreter_pool

                timings[kind] = time_interpreter_pool(params["work"], workers, size,
                                                      params["tasks"], probe, phases)
                continue
            timings[kind] = time_pool(kind, workers, task, size, params["tasks"], probe,
                                      phases)
        if stop.is_set():
            break
        sweep.append(sweep_point(workers, timings[THREADS], timings[PROCESSES],
                                 timings.get(INTERPRETERS)))
    main.finish()
    result = {**summarise(params, phases, sweep), **interpreter_facts(),
              "others_cpu_pct": others.percent(), "stopped": stop.is_set()}
    return {**result, "verdict": verdict(result)}


def sweep_point(workers: int, threads: Phase, processes: Phase,
                interpreters: Phase | None = None) -> dict[str, Any]:
    point = {"workers": workers, "thread_s": rounded(threads.elapsed_s),
             "process_s": rounded(processes.elapsed_s),
             "process_startup_s": rounded(processes.startup_s)}
    if interpreters is not None:
        point["interpreter_s"] = rounded(interpreters.elapsed_s)
    return point


def summarise(params: dict[str, Any], phases: list[Phase], sweep: list[dict[str, Any]]
              ) -> dict[str, Any]:
    last = {phase.kind: phase for phase in phases if phase.workers == params["workers"]}
    threads, processes = last.get(THREADS), last.get(PROCESSES)
    thread_s = threads.elapsed_s if threads else None
    process_s = processes.elapsed_s if processes else None
    result: dict[str, Any] = {
        "work": params["work"],
        "workers": params["workers"],
        "tasks": params["tasks"],
        "cores": cores_available(),
        "thread_s": rounded(thread_s),
        "process_s": rounded(process_s),
        "process_speedup": round(thread_s / process_s, 3) if thread_s and process_s else None,
        # cores the thread pool kept busy: about 1 with a GIL, more without one
        "thread_cpu_cores": round(threads.cpu_s / thread_s, 2)
        if threads and threads.cpu_s is not None and thread_s else None,
        "thread_startup_s": rounded(threads.startup_s) if threads else None,
        "process_startup_s": rounded(processes.startup_s) if processes else None,
        "process_with_startup_s": rounded(process_s + processes.startup_s)
        if processes and process_s is not None and processes.startup_s is not None else None,
        "thread_tasks": threads.tasks() if threads else [],
        "process_tasks": processes.tasks() if processes else [],
        "process_pids": sorted({t["worker"] for t in processes.tasks()}) if processes else [],
    }
    pool = last.get(INTERPRETERS)
    if pool is not None:
        result["interpreter_s"] = rounded(pool.elapsed_s)
        result["interpreter_startup_s"] = rounded(pool.startup_s)
        result["interpreter_tasks"] = pool.tasks()
    if params["work"] == CPU:
        result["iterations"] = params["iterations"]
    else:
        result["wait_s"] = params["wait_s"]
    if params["sweep"] == "on":
        base = sweep[0]["thread_s"] if sweep else None
        result["sweep"] = [
            {**point, "thread_speedup": round(base / point["thread_s"], 3),
             "process_speedup": round(base / point["process_s"], 3)}
            for point in sweep if base and point["thread_s"] and point["process_s"]
        ]
    return result


def verdict(result: dict[str, Any]) -> str:
    """How the process pool did against the thread pool (ratio thread_s / process_s):
    parallel (processes clearly faster: they ran the work in parallel and threads did
    not), no-gain, slower (processes clearly slower), inconclusive (busy machine, a gain
    nothing could cause: one worker or one core, or processes faster at waiting) or
    stopped. Start-up is left out of the ratio; the sentence quotes it."""
    ratio = result.get("process_speedup")
    if result.get("stopped") or ratio is None:
        return STOPPED
    if too_short(max(result["thread_s"], result["process_s"])):
        return INCONCLUSIVE
    measured = speed_class(ratio)
    if measured == PARALLEL and (result["work"] == IO or _at_most_one(result)):
        return INCONCLUSIVE
    return INCONCLUSIVE if is_busy(result.get("others_cpu_pct")) else measured


def _at_most_one(result: dict[str, Any]) -> bool:
    return min(result["workers"], result["cores"]) < 2


def takeaway(result: dict[str, Any]) -> str:
    verdict_ = verdict(result)
    w, cores = result["workers"], result["cores"]
    thread_s, process_s = result["thread_s"], result["process_s"]
    if verdict_ == STOPPED:
        done = [f"the {kind} pool took {seconds:.2f} s" for kind, seconds in
                (("thread", thread_s), ("process", process_s)) if seconds is not None]
        so_far = f" ({'; '.join(done)})" if done else ""
        return (f"Stopped before both pools had done their tasks{so_far}: there is no "
                "comparison to draw.")
    ratio, startup = result["process_speedup"], result["process_startup_s"]
    times = f"{process_s:.2f} s against {thread_s:.2f} s for the thread pool"
    used = result.get("thread_cpu_cores")
    threads_used = f"the thread pool used {used:.1f} cores" if used is not None else ""
    one = "one worker" if w < 2 else "one core"
    if verdict_ == INCONCLUSIVE:
        head = f"The process pool ran at {ratio:.2f}x the thread pool's speed ({times}), but "
        if too_short(max(thread_s, process_s)):
            return head + too_short_reason(max(thread_s, process_s),
                                           "give each task more iterations") + "."
        if is_busy(result.get("others_cpu_pct")):
            return head + busy_reason(result["others_cpu_pct"]) + "."
        if result["work"] == IO:
            return head + ("processes cannot wait faster than threads: the difference is "
                           "noise. Run it again.")
        return head + f"with {one} nothing can run in parallel: the difference is noise."
    if result["work"] == IO:
        return (f"For waiting tasks the thread pool kept up: the process pool took {times} "
                f"({ratio:.2f}x, {'no gain' if verdict_ == NO_GAIN else faster_or_slower(ratio)})"
                f" and {startup:.2f} s more to start. A waiting thread lets go of the GIL, so "
                "threads are the cheap choice for I/O.")
    if verdict_ == PARALLEL:
        limit = f", no more than the {cores} cores allow" if w > cores else ""
        why = "each process has its own interpreter and its own GIL"
        if not result["gil_enabled"]:
            why += (f"; this build has no GIL, yet {threads_used or 'the thread pool'} and "
                    "fell behind, so the gap is not the GIL's here")
        elif threads_used:
            why += f", while {threads_used}"
        return (f"With {w} workers the process pool did the arithmetic "
                f"{faster_or_slower(ratio)} than the thread pool ({times}{limit}): {why}. "
                f"Starting the processes cost {startup:.2f} s on top.")
    how = "no gain" if verdict_ == NO_GAIN else faster_or_slower(ratio)
    head = f"The process pool took {times} ({ratio:.2f}x, {how})"
    if _at_most_one(result):
        return f"{head}: with {one} nothing can run in parallel. Try more workers."
    if not result["gil_enabled"]:
        return (f"{head}: this interpreter runs without a GIL, so the thread pool ran in "
                f"parallel too{' (' + threads_used + ')' if threads_used else ''} and "
                "processes had nothing left to win; they only pay for sending tasks and "
                "results across.")
    return (f"{head}, although {min(w, cores)} processes could have worked in parallel: "
            "each task may be too short for a process to pay off. Try more iterations.")


def with_interpreter_pool(result: dict[str, Any]) -> str:
    """The takeaway, and the third pool's time where it ran."""
    sentence = takeaway(result)
    if result.get("interpreter_s") is None:
        return sentence
    return (f"{sentence} The interpreter pool (a sub-interpreter, with its own GIL, per "
            f"thread) took {result['interpreter_s']:.2f} s, after "
            f"{result['interpreter_startup_s'] or 0:.2f} s of start-up.")


LESSON = Lesson(
    id="process-vs-thread",
    title="ProcessPoolExecutor vs ThreadPoolExecutor",
    chapter=EXECUTORS,
    blurb="The same tasks on a pool of threads and on a pool of processes: with a GIL, "
          "CPU-bound work runs in parallel only on processes; waiting works on either.",
    params=(WORKERS, TASKS, WORK, ITERATIONS, WAIT, POOLS, SWEEP),
    run=run,
    takeaway=with_interpreter_pool,
    verdict=verdict,
    workload=(cpu_task, io_task, make_pool, time_pool, run),
    prefers_isolated=True,
    needs_python=lambda params: ((3, 14), "InterpreterPoolExecutor")
    if params.get("pools") == WITH_INTERPRETERS else None,
)
