"""Where the app's files live (icon, notes), from a source checkout or an installed copy."""

from __future__ import annotations

import re
import sys
from pathlib import Path


def resources_dir() -> Path:
    """resources/ beside the package, or inside a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


RESOURCES = resources_dir()
NOTES = RESOURCES / "notes"


def chapter_slug(chapter: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", chapter.lower()).strip("-")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def lesson_notes(lesson_id: str) -> str | None:
    return _read(NOTES / f"{lesson_id}.md")


def chapter_notes(chapter: str) -> str | None:
    return _read(NOTES / "chapters" / f"{chapter_slug(chapter)}.md")


def opening_notes() -> str | None:
    return _read(NOTES / "intro.md")
