"""QApplication set-up: style, fonts large enough for a projector, icon, shutdown hook."""

from __future__ import annotations

import gc
import signal
import socket
import sys
from collections.abc import Sequence

from PySide6.QtCore import QObject, QSocketNotifier, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

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
    settle_the_heap()
    return window


def settle_the_heap() -> None:
    """Keep the objects that live as long as the window (modules, Qt wrappers, pyqtgraph)
    out of the garbage collector's full passes: one such pass over them took ~80 ms, a
    visible stutter in the middle of a run. What runs create is collected as before."""
    gc.collect()
    gc.freeze()


class CloseOnSignals(QObject):
    """SIGINT (Ctrl+C in the terminal) and SIGTERM close the window as Quit does, and
    the process exits with 128 + the signal's number (130, 143).

    Python runs its signal handlers only when the interpreter next gets control, which
    it does not while Qt's event loop waits in C++: so the signal also writes its number
    to a socket (signal.set_wakeup_fd) that a QSocketNotifier watches, and the window is
    closed from that notifier's slot, on the UI thread, between two events."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {signum: signal.signal(signum, self._note)
                          for signum in (signal.SIGINT, signal.SIGTERM)}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read,
                                         self)
        self._notifier.activated.connect(self._on_signal)
        self.received: list[int] = []

    def _note(self, signum: int, frame: object) -> None:
        """The Python-level handler: nothing to do here, the notifier does the work."""

    @Slot()
    def _on_signal(self) -> None:
        try:
            data = self._reader.recv(64)
        except BlockingIOError:
            return
        signums = [n for n in data if n in (signal.SIGINT, signal.SIGTERM)]
        if not signums or self.received:
            return
        self.received.append(signums[0])
        self._window.close()  # closeEvent: stop the run, save the settings
        self._app.exit(128 + signums[0])

    def uninstall(self) -> None:
        """Give the signals back (tests install this more than once in one process)."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._reader.close()
        self._writer.close()


def run_window(argv: Sequence[str] = ()) -> int:
    app = application(argv)
    window = build_window()
    signals = CloseOnSignals(app, window)
    window.show()
    try:
        return app.exec()
    finally:
        signals.uninstall()
