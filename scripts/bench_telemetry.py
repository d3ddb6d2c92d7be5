"""What the telemetry costs CPU-bound threads that truly run in parallel.

    <python> scripts/bench_telemetry.py [--threads 2] [--iterations 6000000] [--rounds 7]

Run it with a free-threaded Python (the engine's venv, e.g. ~/.cache/gilviz/engines/
cpython-3.13.5t-*/bin/python) with this checkout on PYTHONPATH: there the workers of
gil-cpu run at once, and lanes whose counters sit in neighbouring shared-memory cells
(the engine's Board) could slow each other through their caches. Each round runs the
lesson's own workload (gil_cpu.crunch) on N threads twice, once writing to lanes on a
shared Board as the engine does and once with silent lanes that record nothing, in
alternating order. It reports the median throughput of each, by the wall clock and by
the threads' own CPU time (which other programs' load does not stretch), and the cost.

`--neighbours EVERY` asks the narrower question directly: two workers tick their lanes
every EVERY iterations, with the lanes in neighbouring cells (sharing a cache line) or
with a spare lane between them; it reports the CPU-time ratio (>1: neighbours cost).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import sysconfig
import threading
import time

from gilviz.core.board import Board
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.demos.gil_common import shares
from gilviz.demos.gil_cpu import crunch


def one_round(threads: int, iterations: int, silent: bool) -> tuple[float, float]:
    """(wall seconds, summed CPU seconds of the workers) for the work on N threads."""
    board = None if silent else Board.shared()
    probe = Probe(StopToken(), board, silent=silent)
    cpu: list[float] = []
    ready = threading.Barrier(threads + 1)

    def work(units: int) -> None:
        lane = probe.lane()
        lane.run()
        ready.wait()
        begin = time.thread_time()
        crunch(lane, probe.stop, units)
        cpu.append(time.thread_time() - begin)
        lane.finish()

    pool = [threading.Thread(target=work, args=(units,))
            for units in shares(iterations, threads)]
    for thread in pool:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - started
    if board is not None:
        board.close()
    return wall, sum(cpu)


def neighbours_round(every: int, iterations: int, separate: bool) -> float:
    """Summed CPU seconds of two workers ticking every `every` iterations."""
    board = Board.shared()
    probe = Probe(StopToken(), board)
    cpu: list[float] = []
    together = threading.Barrier(2)
    allocating = threading.Lock()

    def work() -> None:
        with allocating:  # one lane after the other, a spare one between them if asked
            if separate and probe.snapshot().lanes:
                board.allocate("spare")
            lane = probe.lane()
        together.wait()
        begin = time.thread_time()
        total = 0
        for start in range(0, iterations, every):
            for i in range(start, start + every):
                total += i * i % 7
            lane.tick(every)
        cpu.append(time.thread_time() - begin)

    pool = [threading.Thread(target=work) for _ in range(2)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    board.close()
    return sum(cpu)


def neighbours(every: int, iterations: int, rounds: int) -> dict:
    ratios = [neighbours_round(every, iterations, False)
              / neighbours_round(every, iterations, True) for _ in range(rounds)]
    return {"tick_every": every, "rounds": rounds,
            "adjacent_over_separate_cpu": round(statistics.median(ratios), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=6_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--neighbours", type=int, metavar="EVERY",
                        help="compare neighbouring and separated lanes ticking this often")
    args = parser.parse_args()
    if args.neighbours:
        print(json.dumps(neighbours(args.neighbours, args.iterations // 2, args.rounds)))
        return 0
    timings: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for index in range(args.rounds):
        for silent in ((False, True) if index % 2 else (True, False)):
            timings[silent].append(one_round(args.threads, args.iterations, silent))
    report = {"python": sys.version.split()[0],
              "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
              "gil_enabled": bool(getattr(sys, "_is_gil_enabled", lambda: True)()),
              "threads": args.threads, "iterations": args.iterations, "rounds": args.rounds}
    for silent, name in ((False, "telemetry"), (True, "silent")):
        walls = [wall for wall, _ in timings[silent]]
        cpus = [cpu for _, cpu in timings[silent]]
        report[name] = {"wall_s": round(statistics.median(walls), 4),
                        "cpu_s": round(statistics.median(cpus), 4),
                        "iterations_per_wall_s": round(args.iterations
                                                       / statistics.median(walls)),
                        "iterations_per_cpu_s": round(args.iterations
                                                      / statistics.median(cpus))}
    # Each round ran both, back to back: the median of their ratios cancels most of the
    # drift of a busy machine's load from one round to the next.
    for position, clock in enumerate(("wall", "cpu")):
        ratios = [t[position] / s[position] for t, s in zip(timings[False], timings[True],
                                                              strict=True)]
        report[f"cost_{clock}_pct"] = round(100 * (statistics.median(ratios) - 1), 2)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
