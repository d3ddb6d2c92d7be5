"""QApplication set-up: style, fonts large enough for a projector, icon, shutdown hook."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gilviz.demos import REGISTRY
from gilviz.resources import APP_ID, png_icons, svg_icon
from gilviz.ui import qthread_kind
from gilviz.ui.main_window import MainWindow
from gilviz.ui.theme import BASE_POINT_SIZE


def app_icon() -> QIcon:
    """The icon from its pre-rendered PNG sizes, or the SVG when no PNG is there.

    PNGs first: they need no SVG icon-engine plugin, which a trimmed bundle may lack.
    An empty QIcon when neither is found (the window then shows the desktop's default).
    """
    icon = QIcon()
    for path in png_icons().values():
        icon.addFile(str(path))
    svg = svg_icon()
    if icon.isNull() and svg is not None:
        icon = QIcon(str(svg))
    return icon


def application(argv: Sequence[str] = ()) -> QApplication:
    """The running QApplication, created and styled on first call."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0], *argv])
    app.setApplicationName("gilviz")
    app.setApplicationDisplayName("gilviz")
    app.setOrganizationName("gilviz")
    app.setDesktopFileName(APP_ID)  # ties windows to the launcher gilviz.desktop
    app.setStyle("Fusion")
    font = app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def build_window() -> MainWindow:
    app = application()
    qthread_kind.register()  # lessons run in this process may start QThreads
    window = MainWindow(REGISTRY)
    # Also on the window itself: an application made elsewhere (pytest-qt) has no icon.
    window.setWindowIcon(app_icon())
    app.aboutToQuit.connect(window.shutdown)
    return window


def run_window(argv: Sequence[str] = ()) -> int:
    app = application(argv)
    window = build_window()
    window.show()
    return app.exec()
