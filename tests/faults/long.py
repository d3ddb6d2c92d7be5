"""Settings per lesson under which a run lasts well over ten seconds, so that a fault
injected a second or two in lands mid-run. Nothing here reaches past this machine
(fetch uses its local site)."""

LONG = {
    "thread-start": {"count": 100, "interval_s": 0.5},
    "thread-join": {"count": 100, "interval_s": 0.5},
    "thread-args": {"count": 100, "interval_s": 0.5},
    "many-threads": {"threads": 8, "count": 100, "interval_s": 0.5},
    "daemon": {"messages": 50, "interval_s": 0.5, "main_s": 10.0},
    "race": {"threads": 4, "iterations": 1_000_000, "trials": 100},
    "lock": {"threads": 4, "iterations": 1_000_000},
    "thread-pool": {"tasks": 32, "workers": 3, "unit_s": 2.0},
    # io: the thread pool's turn ends after 2 s, then the process pool starts up.
    "process-vs-thread": {"workers": 4, "tasks": 8, "work": "io", "wait_s": 2.0},
    "event": {"workers": 4, "trigger": "delay", "delay_s": 60.0},
    "gil-cpu": {"threads": 4, "iterations": 200_000_000},
    "gil-io": {"threads": 4, "tasks": 256, "wait_s": 1.0},
    "gil-release": {"threads": 4, "tasks": 4096, "buffer_mib": 8},
    "switch-interval": {"threads": 4, "iterations": 50_000_000},
    "fetch": {"latency_s": 2.0, "timeout_s": 30.0},
    "your-code": {"latency_s": 2.0},  # the exercise, one page after another: 14 s
}


def long(lesson_id: str) -> dict:
    assert lesson_id in LONG, f"add long-running settings for {lesson_id} to {__file__}"
    return LONG[lesson_id]
