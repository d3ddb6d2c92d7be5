"""QApplication set-up: style, fonts large enough for a projector, icon, shutdown hook."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gilviz.demos import REGISTRY
from gilviz.ui.main_window import MainWindow
from gilviz.ui.theme import BASE_POINT_SIZE

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
ICON = RESOURCES / "icon.svg"


def application(argv: Sequence[str] = ()) -> QApplication:
    """The running QApplication, created and styled on first call."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0], *argv])
    app.setApplicationName("gilviz")
    app.setApplicationDisplayName("gilviz")
    app.setOrganizationName("gilviz")
    app.setDesktopFileName("gilviz")
    app.setStyle("Fusion")
    font = app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    return app


def build_window() -> MainWindow:
    app = application()
    window = MainWindow(REGISTRY)
    app.aboutToQuit.connect(window.shutdown)
    return window


def run_window(argv: Sequence[str] = ()) -> int:
    app = application(argv)
    window = build_window()
    window.show()
    return app.exec()
