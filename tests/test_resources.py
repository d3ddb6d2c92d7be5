"""gilviz finds its icon and launcher template from a checkout or a bundle."""

import shutil
import sys
from pathlib import Path

from gilviz import resources

ROOT = Path(__file__).resolve().parents[1]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no imaging library needed)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_a_checkout_uses_its_resources_folder():
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.svg_icon() == ROOT / "resources" / "icon.svg"
    assert resources.desktop_template() == ROOT / "resources" / "gilviz.desktop"


def test_every_png_size_is_committed_at_its_size():
    icons = resources.png_icons()
    assert sorted(icons) == [16, 32, 48, 64, 128, 256]
    for size, path in icons.items():
        assert png_size(path) == (size, size)


def test_a_bundle_looks_in_its_own_folder_first(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "resources", tmp_path / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.png_icons()[256] == tmp_path / "resources" / "icons" / "gilviz-256.png"


def test_a_folder_without_both_files_is_not_taken(tmp_path, monkeypatch):
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "icon.svg").write_text("<svg/>")  # someone else's
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == ROOT / "resources"


def test_nothing_found_means_none(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "candidate_dirs", lambda: [tmp_path])
    assert resources.resources_dir() is None
    assert resources.png_icons() == {}
    assert resources.svg_icon() is None
