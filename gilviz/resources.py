"""Where gilviz's own files (icon, launcher template) live, however it was started.

The same code runs from a source checkout (or an editable install), from a wheel
installed into a virtual environment, and from a PyInstaller bundle, and each keeps
`resources/` somewhere else. No Qt here: the launcher installer uses it headless.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_ID = "gilviz"  # desktop file id, icon name and QGuiApplication.desktopFileName
ICON_SIZES = (16, 32, 48, 64, 128, 256)
SVG_NAME = "icon.svg"
DESKTOP_NAME = f"{APP_ID}.desktop"


def candidate_dirs() -> list[Path]:
    """Places `resources/` may be, most specific first."""
    found: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's bootloader
    if bundle:
        found.append(Path(bundle) / "resources")
    found.append(Path(__file__).resolve().parents[1] / "resources")  # checkout, editable
    found.append(Path(sys.prefix) / "share" / APP_ID / "resources")  # wheel data files
    return found


def resources_dir() -> Path | None:
    """The first candidate that really holds gilviz's resources, or None."""
    for folder in candidate_dirs():
        # Both files, so a stray `resources/` of another package is never taken for ours.
        if (folder / SVG_NAME).is_file() and (folder / DESKTOP_NAME).is_file():
            return folder
    return None


def svg_icon() -> Path | None:
    folder = resources_dir()
    return folder / SVG_NAME if folder else None


def png_icon_path(folder: Path, size: int) -> Path:
    """Where the PNG rendering of the icon at `size` pixels is kept under `folder`."""
    return folder / "icons" / f"{APP_ID}-{size}.png"


def png_icons() -> dict[int, Path]:
    """The pre-rendered PNG sizes that exist, by edge length in pixels."""
    folder = resources_dir()
    if folder is None:
        return {}
    paths = {size: png_icon_path(folder, size) for size in ICON_SIZES}
    return {size: path for size, path in paths.items() if path.is_file()}


def desktop_template() -> Path | None:
    folder = resources_dir()
    return folder / DESKTOP_NAME if folder else None
