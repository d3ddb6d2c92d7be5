"""The window shows the gilviz icon, and the committed PNGs are the SVG's rendering."""

import importlib.util
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from gilviz import resources
from gilviz.ui.application import app_icon

ROOT = Path(__file__).resolve().parents[2]


def _make_icons_module():
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "scripts" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_window_has_the_app_icon_in_every_size(window):
    icon = window.windowIcon()
    assert not icon.isNull()
    sizes = set(icon.availableSizes())
    assert {QSize(n, n) for n in resources.ICON_SIZES} <= sizes
    assert icon.pixmap(48, 48).toImage().pixelColor(24, 24).alpha() == 255  # drawn, opaque


def test_the_icon_falls_back_to_the_svg_without_pngs(qapp, monkeypatch):
    monkeypatch.setattr("gilviz.ui.application.png_icons", dict)
    icon = app_icon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).toImage().pixelColor(32, 32).alpha() == 255


def test_the_committed_pngs_match_the_svg(qapp, tmp_path):
    """Fails when icon.svg was edited without re-running scripts/make_icons.py."""
    make_icons = _make_icons_module()
    for size, committed in resources.png_icons().items():
        fresh = tmp_path / f"{size}.png"
        make_icons.render(ROOT / "resources" / "icon.svg", size, fresh)
        a, b = QImage(str(committed)), QImage(str(fresh))
        assert a.size() == b.size() == QSize(size, size)
        diff = 0
        for y in range(size):
            for x in range(size):
                pa, pb = a.pixelColor(x, y), b.pixelColor(x, y)
                diff += abs(pa.red() - pb.red()) + abs(pa.green() - pb.green()) + abs(
                    pa.blue() - pb.blue()) + abs(pa.alpha() - pb.alpha())
        assert diff / (size * size * 4) < 2.0, f"{committed.name} differs from the SVG"
