"""Where gilviz remembers things between launches (QSettings).

GILVIZ_SETTINGS names an .ini file to use instead of the user's own settings: the tests
set it so that no run of theirs touches a lecturer's settings.
"""

from __future__ import annotations

import json
import os
from typing import Any

from PySide6.QtCore import QSettings

from gilviz.core.lesson import Lesson
from gilviz.core.params import ParamError


def open_settings() -> QSettings:
    path = os.environ.get("GILVIZ_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "gilviz", "gilviz")


def save_params(settings: QSettings, lesson: Lesson, values: dict[str, Any]) -> None:
    settings.setValue(f"params/{lesson.id}", json.dumps(values))


def load_params(settings: QSettings, lesson: Lesson) -> dict[str, Any]:
    """The lesson's remembered values that are still valid; anything else is dropped."""
    try:
        saved = json.loads(str(settings.value(f"params/{lesson.id}", "{}")))
    except (TypeError, ValueError):
        return {}
    valid = {}
    for spec in lesson.params:
        if spec.name in saved:
            try:
                valid[spec.name] = spec.check(saved[spec.name])
            except ParamError:
                continue
    return valid
