"""Where gilviz remembers things between launches (QSettings), read defensively.

GILVIZ_SETTINGS names an .ini file to use instead of the user's own settings: the tests
set it so that no run of theirs touches a lecturer's settings.

A settings file can be damaged (a crash mid-write, a hand edit, another version): that
must never stop the app from opening before a lecture. Every stored value is checked and
falls back to its default; when something was wrong, the file as it was is kept beside
the new one (name.broken-YYYYmmdd-HHMMSS) and the window says so once in its status bar.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from gilviz.core.lesson import Lesson
from gilviz.core.params import ParamError

THEMES = ("light", "dark")
MAX_PARAMS_TEXT = 100_000  # a lesson's saved knobs are a few hundred characters


def open_settings() -> QSettings:
    path = os.environ.get("GILVIZ_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "gilviz", "gilviz")


def read_int(value: Any) -> int | None:
    """A whole number as QSettings hands it back (text in an .ini file), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit() and len(digits) <= 6:
            return int(text)
    return None


def read_zoom(settings: QSettings, clamp: Callable[[int], int]) -> int:
    zoom = read_int(settings.value("zoom", 0))
    return clamp(zoom) if zoom is not None else 0


def read_theme(settings: QSettings) -> str:
    theme = settings.value("theme", "light")
    return theme if theme in THEMES else "light"


def read_page(settings: QSettings) -> str:
    page = settings.value("page", "")
    return page if isinstance(page, str) else ""


def read_geometry(settings: QSettings) -> QByteArray | None:
    geometry = settings.value("geometry")
    return QByteArray(geometry) if isinstance(geometry, QByteArray | bytes) else None


def save_params(settings: QSettings, lesson: Lesson, values: dict[str, Any]) -> None:
    settings.setValue(f"params/{lesson.id}", json.dumps(values))


def _saved_params(value: Any) -> dict[str, Any] | None:
    """The JSON object stored for a lesson, or None if the entry is not one."""
    if not isinstance(value, str) or len(value) > MAX_PARAMS_TEXT:
        return None
    try:
        saved = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return saved if isinstance(saved, dict) else None


def load_params(settings: QSettings, lesson: Lesson) -> dict[str, Any]:
    """The lesson's remembered values that are still valid; anything else is dropped."""
    saved = _saved_params(settings.value(f"params/{lesson.id}", "{}")) or {}
    valid = {}
    for spec in lesson.params:
        if spec.name in saved:
            try:
                valid[spec.name] = spec.check(saved[spec.name])
            except (ParamError, TypeError, ValueError):
                continue
    return valid


def _problems(settings: QSettings, lessons: Iterable[Lesson]) -> list[str]:
    """The keys whose stored value cannot be used."""
    checks: dict[str, Callable[[Any], bool]] = {
        "zoom": lambda v: read_int(v) is not None,
        "theme": lambda v: v in THEMES,
        "page": lambda v: isinstance(v, str),
        "geometry": lambda v: isinstance(v, QByteArray | bytes),
    }
    for lesson in lessons:
        checks[f"params/{lesson.id}"] = lambda v: _saved_params(v) is not None
    return [key for key, ok in checks.items() if settings.contains(key)
            and not ok(settings.value(key))]


def set_aside(path: Path, move: bool) -> Path:
    """Keep the file as it was beside it, under a name with the time (moved or copied)."""
    aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    if move:
        os.replace(path, aside)
    else:
        shutil.copy2(path, aside)
    return aside


def repair(settings: QSettings, lessons: Iterable[Lesson]) -> str | None:
    """Check every stored value; drop what cannot be used (its default applies), keep
    the damaged file aside. Returns the one line to tell the user, or None."""
    path = Path(settings.fileName())
    if settings.status() != QSettings.Status.NoError:
        if not path.is_file():
            return f"Settings cannot be saved to {path}: they last only until you quit."
        aside = set_aside(path, move=True)
        settings.clear()
        settings.sync()
        return f"The settings file could not be read; starting afresh (kept as {aside.name})."
    bad = _problems(settings, lessons)
    if not bad:
        return None
    aside = set_aside(path, move=False) if path.is_file() else None
    for key in bad:
        settings.remove(key)
    settings.sync()
    kept = f"; the old file is kept as {aside.name}" if aside else ""
    return (f"Some saved settings could not be read ({', '.join(bad)}) and were reset to "
            f"their defaults{kept}.")
