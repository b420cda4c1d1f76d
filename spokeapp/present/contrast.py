"""Colour contrast (WCAG 2.x) and the status colours that must meet it on light and dark.

Risk is always shown as a word beside a swatch, so a swatch is "non-text": it needs 3:1
against what it sits on; text needs 4.5:1 (WCAG AA). One swatch colour serves both the light
and the dark palette, so each sits in the narrow band of mid-tones that passes on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "DARK",
    "LIGHT",
    "NEUTRAL_SWATCH",
    "NON_TEXT_MIN",
    "PALETTES",
    "RISK_SWATCHES",
    "TEXT_MIN",
    "Palette",
    "contrast_ratio",
    "relative_luminance",
]

TEXT_MIN: Final = 4.5
"""WCAG AA for normal text."""
NON_TEXT_MIN: Final = 3.0
"""WCAG AA for graphical objects and parts of controls (a swatch, a badge's outline)."""


@dataclass(frozen=True, slots=True)
class Palette:
    """The backgrounds status colours are drawn on: the window and the lists/fields (base)."""

    name: str
    window: str
    base: str

    @property
    def backgrounds(self) -> tuple[str, str]:
        return (self.window, self.base)


LIGHT: Final = Palette("light", window="#efefef", base="#ffffff")
"""Qt's usual light palette (Fusion and most desktops)."""
DARK: Final = Palette("dark", window="#2b2b2b", base="#1f1f1f")
"""A typical dark desktop palette (the one scripts/screenshots.py --dark uses)."""
PALETTES: Final = (LIGHT, DARK)

RISK_SWATCHES: Final[dict[str, str]] = {
    "low": "#36913a",
    "medium": "#a87600",
    "high": "#e04f00",
    "very_high": "#e34545",
}
"""Swatch colours for the usual risk band names (3:1 on every background of both palettes);
resources/risk_tools/default.json uses the same."""
NEUTRAL_SWATCH: Final = "#7d7d7d"
"""The swatch of any other band, or no assessment yet."""


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb`` (0 black to 1 white)."""
    text = colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
