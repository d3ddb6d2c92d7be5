"""Every text colour of both themes reads against what it is drawn on (WCAG 2 contrast)."""

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from gilviz.ui import theme
from gilviz.ui.theme import DARK, LIGHT, THEMES, contrast, text_pairs

TEXT = 4.5  # WCAG AA for text; large numbers only need 3:1, and every pair here has 4.5


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#e69f00", "#ffffff") == pytest.approx(2.25, abs=0.01)  # the issue's 2.2:1


@pytest.mark.parametrize("look", THEMES, ids=lambda look: look.name)
def test_every_text_colour_reads_on_every_background_of_its_theme(look):
    failing = [f"{what}: {ink} on {bg} is {contrast(ink, bg):.2f}:1"
               for what, ink, bg in text_pairs(look) if contrast(ink, bg) < TEXT]
    assert not failing, "\n".join(failing)


def test_the_pairs_cover_what_the_issue_found_failing():
    """Dark theme: shared counter (accent), lost updates (bad), result labels (muted);
    light: thread colours on white; the event button's 'set' state."""
    pairs = {what for what, *_ in text_pairs(DARK)}
    for needed in ("accent on #17181a", "bad on #202124", "muted on #17181a"):
        assert needed in pairs
    assert contrast(DARK.accent, DARK.window) >= TEXT
    assert all(contrast(colour, LIGHT.base) >= TEXT for colour in LIGHT.threads)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_applied_palette_is_the_checked_one(window, dark):
    window.set_dark(dark)
    try:
        palette = QApplication.instance().palette()
        look = theme.current()
        assert look is (DARK if dark else LIGHT)
        for role, colour in ((QPalette.ColorRole.WindowText, look.text),
                             (QPalette.ColorRole.Window, look.window),
                             (QPalette.ColorRole.Base, look.base),
                             (QPalette.ColorRole.PlaceholderText, look.muted)):
            assert palette.color(role).name() == colour
        # Charts follow the theme too.
        window.navigator.select("gil-cpu")
        plot = window.page.panels[0].plot
        assert plot.backgroundBrush().color().name() == look.base
    finally:
        window.set_dark(False)


@pytest.mark.parametrize("look", THEMES, ids=lambda look: look.name)
def test_the_code_view_colours_read_on_its_background_and_key_lines(look):
    from pygments.styles import get_style_by_name

    from gilviz.ui.code_view import CODE_STYLES

    style, key_line = CODE_STYLES[look.dark]
    colours = {f"#{s['color']}" for _, s in get_style_by_name(style) if s["color"]}
    for background in (look.base, key_line):
        failing = [c for c in colours if len(c) == 7 and contrast(c, background) < TEXT]
        assert not failing, (style, background, failing)
