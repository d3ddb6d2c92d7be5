"""A damaged settings file never keeps the window from opening: each bad value falls back
to its default, the file as it was is kept aside, and the status bar says so once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gilviz.app import build_window
from gilviz.demos import REGISTRY
from gilviz.ui.presenter import MAX_ZOOM, MIN_ZOOM

DEEP = 100_000

CASES = {
    "zoom is text": "[General]\nzoom=abc\n",
    "zoom is a fraction": "[General]\nzoom=2.5\n",
    "zoom is empty": "[General]\nzoom=\n",
    "zoom is a list": "[General]\nzoom=1, 2\n",
    "zoom is huge": "[General]\nzoom=99999999999999999999\n",
    "zoom in other digits": "[General]\nzoom=\u0664\n",
    "theme is unknown": "[General]\ntheme=purple\n",
    "page is a list": "[General]\npage=lesson:race, x\n",
    "geometry is junk": "[General]\ngeometry=not a geometry\n",
    "params are a JSON list": "[params]\nrace=\"[1, 2]\"\n",
    "params are a JSON string": "[params]\nrace=\"\\\"abc\\\"\"\n",
    "params are a number": "[params]\nrace=5\n",
    "params are null": "[params]\nrace=null\n",
    "params are not JSON": "[params]\nrace={threads: four\n",
    "params nested 100,000 deep": "[params]\nrace=" + "[" * DEEP + "]" * DEEP + "\n",
    "params hold wrong types": "[params]\nrace=\"{\\\"threads\\\": \\\"four\\\", "
                               "\\\"iterations\\\": [1]}\"\n",
    "binary junk": "\x00\xff\xfe garbage \x01" * 50,
    "empty file": "",
}


def settings_file() -> Path:
    return Path(os.environ["GILVIZ_SETTINGS"])  # a fresh file per test (conftest)


def open_window(qtbot):
    window = build_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.mark.parametrize("case", CASES)
def test_the_window_opens_whatever_the_settings_file_holds(qtbot, case):
    path = settings_file()
    path.write_text(CASES[case], encoding="utf-8", errors="surrogateescape")
    window = open_window(qtbot)
    try:
        assert MIN_ZOOM <= window.zoom <= MAX_ZOOM
        window.navigator.select("race")  # the lesson whose knobs were damaged
        assert window.page.lesson.id == "race" and window.page.panels
        race = REGISTRY.get("race")
        assert window.page.form.values()["threads"] == race.params[0].default
        message = window.statusBar().currentMessage()
        asides = list(path.parent.glob(f"{path.name}.broken-*"))
        if case == "empty file":
            assert not message and not asides
        elif message:  # Qt reads some junk as no settings at all: nothing to report
            assert "could not be read" in message and len(asides) == 1
            assert asides[0].name in message
    finally:
        window.close()
    # What the window saved on closing is readable: the next start reports nothing.
    again = open_window(qtbot)
    try:
        assert not again.statusBar().currentMessage()
    finally:
        again.close()


def test_a_damaged_value_is_reported_with_the_others_kept(qtbot):
    path = settings_file()
    path.write_text("[General]\nzoom=abc\ntheme=dark\n", encoding="utf-8")
    window = open_window(qtbot)
    try:
        assert window.zoom == 0 and window.dark  # the good value survived
        message = window.statusBar().currentMessage()
        assert "zoom" in message and "theme" not in message
        aside = next(path.parent.glob(f"{path.name}.broken-*"))
        assert "zoom=abc" in aside.read_text()
    finally:
        window.close()


def test_a_settings_path_that_is_a_folder_still_opens_the_window(qtbot, tmp_path,
                                                                   monkeypatch):
    folder = tmp_path / "settings-folder"
    folder.mkdir()
    monkeypatch.setenv("GILVIZ_SETTINGS", str(folder))
    window = open_window(qtbot)
    window.close()
