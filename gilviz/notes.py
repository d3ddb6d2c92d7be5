"""The lecture notes shipped in resources/notes (Markdown), for lessons and chapters."""

from __future__ import annotations

import re
from pathlib import Path

from gilviz.resources import resources_dir


def notes_dir() -> Path | None:
    folder = resources_dir()
    return folder / "notes" if folder is not None else None


def chapter_slug(chapter: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", chapter.lower()).strip("-")


def _read(relative: str) -> str | None:
    folder = notes_dir()
    if folder is None:
        return None
    path = folder / relative
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def lesson_notes(lesson_id: str) -> str | None:
    return _read(f"{lesson_id}.md")


def chapter_notes(chapter: str) -> str | None:
    return _read(f"chapters/{chapter_slug(chapter)}.md")


def page_notes(key: str) -> str | None:
    """A page of notes of its own in lecture order (see demos.chapters.CLOSING_PAGES)."""
    return _read(f"pages/{key}.md")


def opening_notes() -> str | None:
    return _read("intro.md")
