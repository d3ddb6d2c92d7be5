"""Presenter controls: clicker and keyboard shortcuts, zoom for the back row, themes.

Keys are caught by an application-wide filter, so Page Down (what clickers send) moves
on even while a spin box or the lesson list has the focus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from gilviz.ui.theme import BASE_POINT_SIZE

MIN_ZOOM, MAX_ZOOM = -4, 16
TYPING = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)
ARROW_OWNERS = (*TYPING, QAbstractItemView)


class PresenterKeys(QObject):
    """Maps keys to actions while `window` is the active window."""

    def __init__(self, window: QWidget, actions: dict[str, Callable[[], None]]) -> None:
        super().__init__(window)
        self.window = window
        self.actions = actions

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self.window.isActiveWindow():
            return False
        action = self.action_for(event, QApplication.focusWidget())
        if action is None:
            return False
        self.actions[action]()
        return True

    @staticmethod
    def action_for(event: QKeyEvent, focus: QWidget | None) -> str | None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key in (Qt.Key.Key_Equal, Qt.Key.Key_Plus):
            return "zoom_in"
        if ctrl and key == Qt.Key.Key_Minus:
            return "zoom_out"
        if ctrl and key == Qt.Key.Key_0:
            return "zoom_reset"
        if ctrl or mods & Qt.KeyboardModifier.AltModifier:
            return None
        if key == Qt.Key.Key_PageDown:
            return "next"
        if key == Qt.Key.Key_PageUp:
            return "previous"
        if key == Qt.Key.Key_F5:
            return "run"
        if key == Qt.Key.Key_F11:
            return "full_screen"
        if key == Qt.Key.Key_Escape:
            return "stop"
        if key == Qt.Key.Key_Space and not isinstance(focus, TYPING):
            return "run"
        if not isinstance(focus, ARROW_OWNERS):
            if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
                return "next"
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
                return "previous"
        return None


def clamp_zoom(steps: int) -> int:
    return max(MIN_ZOOM, min(MAX_ZOOM, steps))


def point_size(zoom: int) -> int:
    return BASE_POINT_SIZE + clamp_zoom(zoom)


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#2a2b2e",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#303134",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#1a73e8",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#303134",
        QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Mid: "#5f6368", QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
    return palette


def apply_theme(app: QApplication, dark: bool) -> None:
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
