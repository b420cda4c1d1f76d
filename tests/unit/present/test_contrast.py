"""Risk and status colours pass WCAG AA on the light and the dark palette: 3:1 for a swatch
(risk is always a word beside it), 4.5:1 for text drawn on a coloured badge or banner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spokeapp.present.board import VISIT_STATES
from spokeapp.present.contrast import (
    NEUTRAL_SWATCH,
    NON_TEXT_MIN,
    PALETTES,
    RISK_SWATCHES,
    TEXT_MIN,
    contrast_ratio,
    relative_luminance,
)
from spokeapp.resources import load_risk_tool

UI = Path(__file__).resolve().parents[3] / "spokeapp" / "ui"
BACKGROUND_AND_TEXT = re.compile(
    r"background(?:-color)?:\s*(#[0-9a-fA-F]{6});\s*color:\s*(#[0-9a-fA-F]{6}|white|black)"
)
NAMED = {"white": "#ffffff", "black": "#000000"}


def test_the_ratio_is_wcags() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # AA's edge
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="not a #rrggbb"):
        relative_luminance("red")


def failing_swatches(colours: dict[str, str]) -> list[str]:
    return [
        f"{name} {colour} on {palette.name} {background}: {contrast_ratio(colour, background):.2f}"
        for name, colour in colours.items()
        for palette in PALETTES
        for background in palette.backgrounds
        if contrast_ratio(colour, background) < NON_TEXT_MIN
    ]


def test_caseload_risk_swatches_stand_out_on_light_and_dark() -> None:
    assert failing_swatches({**RISK_SWATCHES, "not assessed": NEUTRAL_SWATCH}) == []


def test_the_default_risk_tools_band_colours_stand_out_on_light_and_dark() -> None:
    tool = load_risk_tool()
    bands = {band.name: band.colour for band in tool.bands}
    assert set(bands) == set(RISK_SWATCHES)
    assert failing_swatches(bands) == []
    assert bands == RISK_SWATCHES  # the caseload and the case page show one colour per band


def test_the_old_colours_would_have_failed() -> None:
    # The light green and amber swatches of before vanished against a white list.
    assert failing_swatches({"low": "#27ae60", "medium": "#f39c12"}) != []


def test_board_badges_text_is_readable_on_its_colour() -> None:
    failing = [
        f"{look.words}: {look.colours}"
        for look in VISIT_STATES.values()
        if look.colours is not None and contrast_ratio(*look.colours) < TEXT_MIN
    ]
    assert failing == []


def test_every_coloured_banner_in_the_windows_is_readable() -> None:
    # Every "background: #...; color: #..." style in the Qt code: the text on its banner.
    pairs = [
        (path.name, background, NAMED.get(text, text))
        for path in UI.rglob("*.py")
        for background, text in BACKGROUND_AND_TEXT.findall(path.read_text(encoding="utf-8"))
    ]
    assert len(pairs) >= 5, "the banner styles moved: update this test's pattern"
    failing = [pair for pair in pairs if contrast_ratio(pair[1], pair[2]) < TEXT_MIN]
    assert failing == []
