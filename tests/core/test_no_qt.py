"""The core and the lessons must run where Qt is absent (a child engine, a free-threaded
Python): importing them, and running a lesson, loads no Qt module."""

import subprocess
import sys

CHECK = """
import sys
import gilviz.core.lesson, gilviz.core.runner, gilviz.core.telemetry, gilviz.demos, gilviz.cli
from gilviz.core.runner import execute
from gilviz.demos import REGISTRY
execute(REGISTRY.get("many-threads"), {"threads": 2, "count": 1, "interval_s": 0.01})
execute(REGISTRY.get("race"), {"threads": 2, "iterations": 10})
execute(REGISTRY.get("lock"), {"threads": 2, "iterations": 10})
execute(REGISTRY.get("thread-pool"), {"tasks": 2, "unit_s": 0.01})
execute(REGISTRY.get("event"), {"delay_s": 0.01, "count": 1, "interval_s": 0.01})
execute(REGISTRY.get("daemon"), {"messages": 1, "interval_s": 0.01, "main_s": 0.0})
execute(REGISTRY.get("process-vs-thread"), {"workers": 1, "tasks": 1, "iterations": 10_000})
execute(REGISTRY.get("fetch"), {"latency_s": 0.01, "page_kib": 1})
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(loaded)
sys.exit(1 if loaded else 0)
"""


def test_core_and_demos_import_no_qt():
    proc = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
