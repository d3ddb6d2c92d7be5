"""gilviz: live demos of Python threads and the GIL."""

from __future__ import annotations

from collections.abc import Callable

__version__ = "0.1.0"

# Set by gilviz while it runs a student's script (gilviz/demos/script_host.py).
_stop_flag: Callable[[], bool] | None = None


def stop_requested() -> bool:
    """True once Stop was pressed (or the time limit passed) for the script gilviz runs.

    A long loop in your own code can check it and end cleanly; code that never does is
    ended by force a moment later. Outside gilviz it is always False.
    """
    flag = _stop_flag
    return flag is not None and bool(flag())
