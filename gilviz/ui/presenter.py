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

from gilviz.ui.theme import BASE_POINT_SIZE, Theme, set_current

MIN_ZOOM, MAX_ZOOM = -4, 16
# Keys a lesson's own tabs answer to (only while nothing takes typing).
LESSON_KEYS = {Qt.Key.Key_E: "set_event", Qt.Key.Key_Period: "replay_next",
               Qt.Key.Key_Greater: "replay_next", Qt.Key.Key_Comma: "replay_previous",
               Qt.Key.Key_Less: "replay_previous"}
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
        if key == Qt.Key.Key_F6:
            return "presentation"
        if key == Qt.Key.Key_Escape:
            return "stop"
        if key == Qt.Key.Key_Space and not isinstance(focus, TYPING):
            return "run"
        if isinstance(focus, TYPING):
            return None
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            return f"tab_{key - Qt.Key.Key_0}"
        if key in LESSON_KEYS:
            return LESSON_KEYS[key]
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


def theme_palette(look: Theme, base: QPalette | None = None) -> QPalette:
    """The theme's colours over `base` (the style's own palette): every role that
    carries text has a colour checked for contrast."""
    palette = QPalette(base) if base is not None else QPalette()
    roles = {
        QPalette.ColorRole.Window: look.window, QPalette.ColorRole.WindowText: look.text,
        QPalette.ColorRole.Base: look.base, QPalette.ColorRole.AlternateBase: look.alternate_base,
        QPalette.ColorRole.Text: look.text, QPalette.ColorRole.Button: look.button,
        QPalette.ColorRole.ButtonText: look.text, QPalette.ColorRole.Highlight: look.highlight,
        QPalette.ColorRole.HighlightedText: look.highlighted_text,
        QPalette.ColorRole.ToolTipBase: look.base, QPalette.ColorRole.ToolTipText: look.text,
        QPalette.ColorRole.PlaceholderText: look.muted, QPalette.ColorRole.Mid: look.mid,
        QPalette.ColorRole.Link: look.link, QPalette.ColorRole.BrightText: look.base,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    if look.dark:  # Fusion draws bevels from these: darker shades on a dark window
        for role, colour in ((QPalette.ColorRole.Light, "#4a4b4e"),
                             (QPalette.ColorRole.Midlight, "#3a3b3e"),
                             (QPalette.ColorRole.Dark, "#111213"),
                             (QPalette.ColorRole.Shadow, "#000000")):
            palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(look.disabled_text))
    return palette


def apply_theme(app: QApplication, dark: bool) -> Theme:
    look = set_current(dark)
    app.setPalette(theme_palette(look, app.style().standardPalette()))
    return look
