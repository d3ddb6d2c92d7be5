"""Where gilviz keeps what it builds or prepares for itself, in the user's cache.

One place for the paths, so the set-up command that builds a free-threaded CPython, the
interpreter finder and the per-interpreter engine venvs agree without importing each other.
Stdlib only: the set-up command runs under any system `python3`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FREE_THREADED_DIR = "python-freethreaded"
ENGINES_DIR = "engines"
# Written last, when a build or a venv is complete: a folder without it is never used.
FINISHED_MARKER = ".gilviz-finished"


def cache_root() -> Path:
    """`$XDG_CACHE_HOME/gilviz`, else `~/.cache/gilviz` (the XDG default, on every OS)."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base.strip() and os.path.isabs(base) else Path.home() / ".cache"
    return root / "gilviz"


def free_threaded_root() -> Path:
    return cache_root() / FREE_THREADED_DIR


def engines_root() -> Path:
    return cache_root() / ENGINES_DIR


def read_marker(folder: Path) -> dict | None:
    """The finished marker's JSON, or None when the folder is unfinished or the marker bad."""
    try:
        data = json.loads((folder / FINISHED_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_marker(folder: Path, data: dict) -> None:
    """Atomically write the finished marker (rename), so a crash never leaves half of one."""
    tmp = folder / (FINISHED_MARKER + ".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, folder / FINISHED_MARKER)


def finished_free_threaded_pythons() -> list[Path]:
    """Interpreters of finished free-threaded builds in the cache, newest version first."""
    root = free_threaded_root()
    found: list[tuple[tuple[int, ...], Path]] = []
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        return []
    for folder in folders:
        data = read_marker(folder)
        if not data or not isinstance(data.get("python"), str):
            continue
        python = folder / data["python"]
        if python.is_file():
            found.append((_version_key(str(data.get("version", ""))), python))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [python for _, python in found]


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)
