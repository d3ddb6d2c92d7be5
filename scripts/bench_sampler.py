"""What the kernel sampler costs: its own CPU, the window's lateness, the lesson's speed.

    .venv/bin/python scripts/bench_sampler.py [--runs 3] [--threads 64] [--quick]

Per scenario, runs alternate sampler on / off. The window is stood in for by a Qt event
loop in this process with the window's two timers: a 10 ms heartbeat whose lateness is
measured (as the status-bar meter does) and a 33 ms poll that copies a snapshot and feeds
the timeline recorder (and, with the sampler, folds in its records), as the window does.
The sampler's cost is its process's own utime + stime from /proc/PID/stat (start-up
included) and the CPU time its loop reports, over the run's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer

from gilviz.core.engine import EngineRun
from gilviz.core.kernel_states import KernelStates
from gilviz.core.latency import percentile
from gilviz.core.placement import InProcessRun
from gilviz.core.timeline import TimelineRecorder
from gilviz.demos import REGISTRY

HEARTBEAT_MS = 10
POLL_MS = 33
TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def one_run(lesson_id: str, params: dict[str, Any], isolated: bool, sampler: bool
            ) -> dict[str, Any]:
    app = QCoreApplication.instance() or QCoreApplication([])
    run = (EngineRun(lesson_id, params) if isolated
           else InProcessRun(REGISTRY.get(lesson_id), params))
    lateness: list[float] = []
    poll_ms: list[float] = []
    state: dict[str, Any] = {"kernel": None, "recorder": None, "sampler_cpu_s": None}
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - HEARTBEAT_MS))
        last[0] = now

    def poll() -> None:
        recorder = state["recorder"]
        if recorder is None:
            if sampler:
                pid = run.process.pid if isolated else os.getpid()
                origin = run.board.origin_ns if isolated else run.probe.origin_ns
                state["kernel"] = KernelStates.start(pid, origin)
            recorder = state["recorder"] = TimelineRecorder(run.read_marks, state["kernel"])
        began = time.perf_counter()
        recorder.update(run.snapshot())
        poll_ms.append((time.perf_counter() - began) * 1000)
        if run.done():
            kernel = state["kernel"]
            if kernel is not None and kernel.process.poll() is None:
                state["sampler_cpu_s"] = proc_cpu_s(kernel.process.pid)
            app.quit()

    heartbeat = QTimer()
    heartbeat.timeout.connect(beat)
    heartbeat.start(HEARTBEAT_MS)
    poller = QTimer()
    poller.timeout.connect(poll)
    poller.start(POLL_MS)
    started = time.perf_counter()
    run.start()
    app.exec()
    wall_s = time.perf_counter() - started
    heartbeat.stop()
    poller.stop()
    run.close()
    recorder = state["recorder"]
    stats = recorder.finish(run.snapshot())
    result = run.result()
    assert result is not None and result.error is None, result
    row: dict[str, Any] = {
        "sampler": sampler, "wall_s": round(wall_s, 3),
        "throughput": result.result["work_units"] / result.result["threaded_s"],
        "ui_p50_ms": round(percentile(lateness, 50), 2),
        "ui_p99_ms": round(percentile(lateness, 99), 2),
        "ui_max_ms": round(max(lateness), 2),
        "poll_p99_ms": round(percentile(poll_ms, 99), 2),
        "poll_max_ms": round(max(poll_ms), 2),
    }
    if sampler:
        row.update({
            "sampler_rate_hz": round(stats["rate_hz"], 1),
            "sampler_loop_cpu_pct": round(100 * stats["cpu_s"] / stats["wall_s"], 2),
            "sampler_process_cpu_pct": round(100 * state["sampler_cpu_s"] / wall_s, 2)
            if state["sampler_cpu_s"] is not None else None,
            "lost_records": stats["lost_records"],
            "measured_lanes": sum(entry["measured"] for entry in recorder.thread_states()),
        })
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="bench-sampler.json")
    args = parser.parse_args(argv)
    iterations = 4_000_000 if args.quick else 30_000_000
    scenarios = [
        (f"gil-cpu {args.threads} threads, engine", "gil-cpu",
         {"threads": args.threads, "iterations": iterations}, True),
        (f"gil-cpu {args.threads} threads, in the window's process", "gil-cpu",
         {"threads": args.threads, "iterations": iterations}, False),
        (f"gil-release {args.threads} threads, engine", "gil-release",
         {"threads": args.threads, "tasks": 64 if args.quick else 256}, True),
    ]
    report = {"load_average": os.getloadavg(), "cores": os.cpu_count(),
              "python": sys.version.split()[0], "scenarios": {}}
    for name, lesson_id, params, isolated in scenarios:
        rows = []
        for _ in range(args.runs):
            for sampler in (True, False):  # alternate, so drift hits both alike
                rows.append(one_run(lesson_id, params, isolated, sampler))
                print(name, json.dumps(rows[-1]), flush=True)
        on = [row for row in rows if row["sampler"]]
        off = [row for row in rows if not row["sampler"]]

        def med(rows: list[dict[str, Any]], key: str) -> float:
            return statistics.median(row[key] for row in rows if row.get(key) is not None)

        summary = {
            "sampler_process_cpu_pct": med(on, "sampler_process_cpu_pct"),
            "sampler_loop_cpu_pct": med(on, "sampler_loop_cpu_pct"),
            "sampler_rate_hz": med(on, "sampler_rate_hz"),
            "ui_p99_ms_on": med(on, "ui_p99_ms"), "ui_p99_ms_off": med(off, "ui_p99_ms"),
            "poll_p99_ms_on": med(on, "poll_p99_ms"), "poll_p99_ms_off": med(off, "poll_p99_ms"),
            "throughput_on_vs_off": round(med(on, "throughput") / med(off, "throughput"), 3),
        }
        report["scenarios"][name] = {"summary": summary, "runs": rows}
        print(f"== {name}: {json.dumps(summary)}", flush=True)
    report["load_average_after"] = os.getloadavg()
    with open(args.out, "w") as file:
        json.dump(report, file, indent=2)
    print(f"JSON written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
