"""Render resources/icon.svg to the PNG sizes desktops and bundles want.

Run after editing the SVG, then commit the PNGs:

    .venv/bin/python scripts/make_icons.py

Rendered with QtSvg offscreen, so it needs no display. The PNGs are committed rather than
made at install time: an installed or bundled gilviz then needs no SVG support to show
its icon, and `gilviz --install-desktop` can copy them without loading Qt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

from gilviz.resources import ICON_SIZES, SVG_NAME, png_icon_path  # noqa: E402


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"make_icons: cannot write {out}")


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    resources = ROOT / "resources"
    for size in ICON_SIZES:
        out = png_icon_path(resources, size)
        render(resources / SVG_NAME, size, out)
        print(out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
