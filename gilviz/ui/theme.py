"""Colours and sizes chosen to read from the back of a lecture hall, in two themes.

Every text colour here is checked against the backgrounds it is drawn on (WCAG contrast
of at least 4.5:1; tests/ui/test_theme.py computes it). Thread states use the
Okabe-Ito hues, which stay apart for the common kinds of colour blindness, and never
only their colour: the timeline hatches "waiting", the thread rows name the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor

from gilviz.core.kinds import Kind
from gilviz.core.telemetry import State
from gilviz.core.timeline import KIND_OF_STATE

BASE_POINT_SIZE = 12
TITLE_POINT_SIZE = 20
TITLE_FACTOR = TITLE_POINT_SIZE / BASE_POINT_SIZE

# Fills that carry white text (Gantt bars, replay boxes) in either theme: each is at
# least 4.5:1 against white. Okabe-Ito hues, darkened.
FILL_COLOURS = ("#0068a3", "#a34400", "#00734f", "#a8487f", "#6b5500", "#6a3d9a",
                "#8a4f00", "#1c6a80")


@dataclass(frozen=True)
class Theme:
    name: str
    dark: bool
    window: str
    base: str
    alternate_base: str
    text: str
    button: str
    muted: str  # secondary text: captions, time stamps, units
    disabled_text: str
    highlight: str
    highlighted_text: str
    mid: str  # tracks and separators
    link: str
    good: str
    warn: str
    bad: str
    accent: str  # a number to look at: the shared counter
    threads: tuple[str, ...]  # one text colour per thread, readable on `base`
    kind_fill: dict[Kind, str] = field(default_factory=dict)
    kind_ink: dict[Kind, str] = field(default_factory=dict)  # text drawn on kind_fill
    # Stripes over the two waits (for the GIL, for a core): their ink reads on them too.
    stripes: dict[Kind, str] = field(default_factory=dict)

    def backgrounds(self) -> tuple[str, ...]:
        """Everything text of this theme is drawn on."""
        return (self.window, self.base, self.alternate_base, self.button)

    def thread_ink(self, index: int) -> str:
        return self.threads[index % len(self.threads)]

    def fill(self, kind: Kind) -> str:
        return self.kind_fill.get(kind, self.mid)

    def ink(self, kind: Kind) -> str:
        return self.kind_ink.get(kind, self.text)


LIGHT = Theme(
    name="light", dark=False,
    window="#efefef", base="#ffffff", alternate_base="#f5f5f5", text="#000000",
    button="#efefef", muted="#5f6368", disabled_text="#767676", highlight="#1f6fb2",
    highlighted_text="#ffffff", mid="#b8b8b8", link="#0b5cad",
    good="#1b6e20", warn="#8a5a00", bad="#b3261e", accent="#0b5cad",
    threads=FILL_COLOURS,
    kind_fill={Kind.RUNNING: "#00795a", Kind.WAITING: "#b34f00", Kind.BLOCKED: "#e69f00",
               Kind.IDLE: "#d5dadd", Kind.DONE: "#c6dbef", Kind.CPU_WAIT: "#0072b2"},
    kind_ink={Kind.RUNNING: "#ffffff", Kind.WAITING: "#ffffff", Kind.BLOCKED: "#000000",
              Kind.IDLE: "#000000", Kind.DONE: "#000000", Kind.CPU_WAIT: "#ffffff"},
    stripes={Kind.WAITING: "#6e3000", Kind.CPU_WAIT: "#003f63"},
)

DARK = Theme(
    name="dark", dark=True,
    window="#202124", base="#17181a", alternate_base="#2a2b2e", text="#e8eaed",
    button="#303134", muted="#a8adb3", disabled_text="#80868b", highlight="#1a73e8",
    highlighted_text="#ffffff", mid="#5f6368", link="#8ab4f8",
    good="#4cc38a", warn="#ffb74d", bad="#ff7b7b", accent="#8ab4f8",
    threads=("#56b4e9", "#ff8c42", "#35c79a", "#e39cc4", "#f0e442", "#b99cf0",
             "#f5a623", "#7fd4e8"),
    kind_fill={Kind.RUNNING: "#35c79a", Kind.WAITING: "#e0692a", Kind.BLOCKED: "#f0e442",
               Kind.IDLE: "#4a4e52", Kind.DONE: "#2c4a66", Kind.CPU_WAIT: "#56b4e9"},
    kind_ink={Kind.RUNNING: "#000000", Kind.WAITING: "#000000", Kind.BLOCKED: "#000000",
              Kind.IDLE: "#ffffff", Kind.DONE: "#ffffff", Kind.CPU_WAIT: "#000000"},
    stripes={Kind.WAITING: "#ffc8a0", Kind.CPU_WAIT: "#c4e6fa"},
)

THEMES = (LIGHT, DARK)
_current = LIGHT

# Which timeline kind a thread row's state is shown as (same word, same colour).
KIND_OF_LANE_STATE: dict[State, Kind] = dict(KIND_OF_STATE)
LETTERS = {Kind.RUNNING: "R", Kind.WAITING: "G", Kind.BLOCKED: "B", Kind.IDLE: "I",
           Kind.DONE: "D", Kind.CPU_WAIT: "C"}  # G: waiting for the GIL, C: for a core


def current() -> Theme:
    return _current


def set_current(dark: bool) -> Theme:
    global _current
    _current = DARK if dark else LIGHT
    return _current


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    qcolour = QColor(colour)

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(qcolour.red()) + 0.7152 * channel(qcolour.green())
            + 0.0722 * channel(qcolour.blue()))


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1.0 to 21.0."""
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_pairs(theme: Theme) -> list[tuple[str, str, str]]:
    """(what, text colour, background) for every text colour the theme draws."""
    inks = {"text": theme.text, "muted": theme.muted, "good": theme.good,
            "warn": theme.warn, "bad": theme.bad, "accent": theme.accent, "link": theme.link}
    inks.update({f"thread {i + 1}": colour for i, colour in enumerate(theme.threads)})
    pairs = [(f"{name} on {bg}", ink, bg) for name, ink in inks.items()
             for bg in theme.backgrounds()]
    pairs += [(f"{kind.name.lower()} label", theme.ink(kind), theme.fill(kind))
              for kind in theme.kind_fill]
    pairs += [(f"{kind.name.lower()} label on its stripes", theme.ink(kind), colour)
              for kind, colour in theme.stripes.items()]
    pairs += [(f"white on bar {colour}", "#ffffff", colour) for colour in FILL_COLOURS]
    pairs.append(("selected item", theme.highlighted_text, theme.highlight))
    return pairs


def thread_colour(index: int) -> str:
    """A thread's fill colour (white text on it stays readable), the same in both themes."""
    return FILL_COLOURS[index % len(FILL_COLOURS)]
