"""What the running interpreter and machine are: facts a lesson's verdict must weigh.

The same measurement means different things on different builds: two pure-Python
threads at 1.9x are noise on a build with a GIL and the expected result on a
free-threaded one, and no build beats the number of cores it may use.
"""

from __future__ import annotations

import os
import platform
import sys
import sysconfig
from typing import Any


def free_threaded_build() -> bool:
    """Built with --disable-gil (python3.13t and later): the GIL may be off."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled() -> bool:
    """Whether the GIL is on right now. A free-threaded build turns it back on when an
    extension that is not ready for it is imported, so ask at the end of a measurement."""
    check = getattr(sys, "_is_gil_enabled", None)  # 3.13+
    return True if check is None else bool(check())


def cores_available() -> int:
    """Cores this process may run on (its affinity), not merely the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def interpreter_facts() -> dict[str, Any]:
    """Plain, JSON-ready facts for a lesson's result."""
    return {
        "python": platform.python_version(),
        "free_threaded": free_threaded_build(),
        "gil_enabled": gil_enabled(),
        "cores": cores_available(),
    }
