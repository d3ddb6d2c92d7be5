from __future__ import annotations

import pytest

from gilviz.app import build_window


@pytest.fixture
def window(qtbot):
    win = build_window()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
