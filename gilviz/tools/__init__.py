"""Set-up tools that run outside the window (e.g. building a free-threaded CPython)."""
