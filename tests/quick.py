"""Small settings per lesson so the suite can run every lesson in a fraction of a second."""

QUICK = {
    "thread-start": {"count": 2, "interval_s": 0.01},
    "thread-join": {"count": 2, "interval_s": 0.01},
    "thread-args": {"count": 2, "interval_s": 0.01},
    "many-threads": {"threads": 3, "count": 2, "interval_s": 0.01},
    "daemon": {"messages": 3, "interval_s": 0.05, "main_s": 0.05},
    "race": {"iterations": 50},
    "lock": {"iterations": 50},
    "thread-pool": {"tasks": 4, "unit_s": 0.01},
    "process-vs-thread": {"workers": 2, "tasks": 2, "iterations": 20_000},
    "event": {"workers": 2, "delay_s": 0.05, "count": 2, "interval_s": 0.01},
    "gil-cpu": {"threads": 2, "iterations": 100_000},
    "gil-io": {"threads": 4, "tasks": 8, "wait_s": 0.01},
    "gil-release": {"threads": 2, "tasks": 8, "buffer_mib": 1},
    "switch-interval": {"threads": 2, "iterations": 20_000},
    "fetch": {"latency_s": 0.05, "page_kib": 4},  # the local site: never the internet
    "your-code": {"latency_s": 0.05},  # the exercise's starting point, on the local site
}


def quick(lesson_id: str) -> dict:
    assert lesson_id in QUICK, f"add quick test settings for {lesson_id} to tests/quick.py"
    return QUICK[lesson_id]
