"""One app-wide text size and one theme, applied to every widget, painted or not.

Qt stops passing the application font on to a widget once a style sheet touches it,
and fonts set by hand never follow. So gilviz sets every widget's font itself: a widget
asks for a size relative to the base (`set_font_factor`, 1.0 by default, inherited by
its children), and `restyle(root)` re-applies base x factor to the whole tree when the
zoom changes. Text colours work the same way (`set_ink`), so a theme switch reaches
labels coloured once at start-up. Widgets with something of their own to redo (charts,
painted views, rich text) define `restyle()`; the walk calls it after their font is set.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QColor, QFont, QFontInfo, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from gilviz.ui import theme
from gilviz.ui.theme import BASE_POINT_SIZE

FACTOR = "gilvizFontFactor"
INK = "gilvizInk"
_points = float(BASE_POINT_SIZE)


def points() -> float:
    """The base text size in points: every other size is this times a factor >= 1."""
    return _points


def set_points(value: float) -> None:
    global _points
    _points = float(value)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        font = app.font()
        font.setPointSizeF(_points)
        app.setFont(font)  # dialogs, tooltips and menus made later


def factor_of(widget: QWidget) -> float:
    """The widget's own factor, or its nearest ancestor's, or 1."""
    node: QWidget | None = widget
    while node is not None:
        value = node.property(FACTOR)
        if value is not None:
            return float(value)
        node = node.parentWidget()
    return 1.0


def set_font_factor(widget: QWidget, factor: float, *, bold: bool | None = None) -> None:
    """Make the widget's text `factor` times the base size, now and after every zoom."""
    widget.setProperty(FACTOR, float(factor))
    apply_font(widget, factor, bold)


def apply_font(widget: QWidget, factor: float | None = None, bold: bool | None = None) -> None:
    font = QFont(widget.font())
    size = _points * (factor_of(widget) if factor is None else factor)
    if font.pointSizeF() != size or (bold is not None and font.bold() != bold):
        font.setPointSizeF(size)
        if bold is not None:
            font.setBold(bold)
        widget.setFont(font)


def set_ink(widget: QWidget, role: str) -> None:
    """Colour the widget's text with a theme role (`good`, `bad`, `muted`, ...) that
    follows theme switches; '' goes back to the palette's ordinary text colour."""
    widget.setProperty(INK, role)
    _apply_ink(widget)


def ink(role: str) -> str:
    """The current theme's colour for a role, for rich text built on the fly."""
    return str(getattr(theme.current(), role))


def _apply_ink(widget: QWidget) -> None:
    role = widget.property(INK)
    palette = widget.palette()
    app = QApplication.instance()
    default = app.palette() if isinstance(app, QApplication) else palette
    colour = QColor(ink(role)) if role else default.color(QPalette.ColorRole.WindowText)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.WindowText, colour)
        palette.setColor(group, QPalette.ColorRole.Text, colour)
    widget.setPalette(palette)


def _walk(widget: QWidget, inherited: float) -> Iterator[tuple[QWidget, float]]:
    own = widget.property(FACTOR)
    factor = float(own) if own is not None else inherited
    yield widget, factor
    for child in widget.children():
        if isinstance(child, QWidget):
            yield from _walk(child, factor)


def restyle(root: QWidget) -> None:
    """Apply the current size and theme to root and everything inside it."""
    for widget, factor in _walk(root, factor_of(root.parentWidget()) if root.parentWidget()
                                else 1.0):
        apply_font(widget, factor)
        if widget.property(INK) is not None:
            _apply_ink(widget)
    for widget, _ in _walk(root, 1.0):
        hook = getattr(widget, "restyle", None)
        if callable(hook):
            hook()


def pixel_size(widget: QWidget) -> int:
    """The size the widget's text is drawn at, in (logical) pixels."""
    return QFontInfo(widget.font()).pixelSize()


def points_for_pixels(pixels: float, widget: QWidget | None = None) -> float:
    """The point size that draws text `pixels` high on the widget's screen."""
    dpi = widget.logicalDpiY() if widget is not None else 96
    return pixels * 72 / max(1, dpi)
