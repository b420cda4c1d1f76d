"""Closure outcome: risk at the end compared with the start, only when the data allow it."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from spokeapp.domain.closure import closure_outcome
from spokeapp.domain.records import AssessmentType, Outcome, RiskAssessment
from spokeapp.domain.risk_tool import Band, Domain, Indicator, RiskTool

TOOL = RiskTool(
    tool_id="test-tool",
    version=2,
    title="Test tool",
    domains=(Domain("d", "Domain", (Indicator("a", "Indicator A", 10),)),),
    bands=(
        Band("low", "Low", 0, "#00aa00"),
        Band("medium", "Medium", 5, "#aaaa00"),
        Band("high", "High", 10, "#aa0000"),
    ),
)
REASONS = "Professional judgement recorded in supervision notes."


def assessment(level: str, **changes: Any) -> RiskAssessment:
    base = RiskAssessment(
        id="ra",
        case_id="case-1",
        assessment_type=AssessmentType.INITIAL,
        assessed_on=date(2024, 1, 10),
        tool_id="test-tool",
        tool_version=2,
        answers=(),
        score=0,
        level=level,
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("high", "low", Outcome.LOWER),
        ("medium", "low", Outcome.LOWER),
        ("medium", "medium", Outcome.SAME),
        ("low", "high", Outcome.HIGHER),
    ],
)
def test_outcome_compares_levels_by_band_order(start: str, end: str, expected: Outcome) -> None:
    assert closure_outcome(assessment(start), assessment(end), TOOL) is expected


def test_overridden_levels_are_the_ones_compared() -> None:
    initial = assessment(
        "medium", override_level="high", override_reasons=REASONS, needs_sign_off=True
    )
    closing = assessment("medium")
    assert closure_outcome(initial, closing, TOOL) is Outcome.LOWER


@pytest.mark.parametrize("which", ["initial", "closing", "both"])
def test_missing_assessment_gives_incomplete(which: str) -> None:
    initial = None if which in ("initial", "both") else assessment("high")
    closing = None if which in ("closing", "both") else assessment("low")
    assert closure_outcome(initial, closing, TOOL) is Outcome.INCOMPLETE


def test_assessments_from_different_versions_are_not_compared() -> None:
    old = assessment("high", tool_version=1)
    assert closure_outcome(old, assessment("low"), TOOL) is Outcome.INCOMPLETE
    assert closure_outcome(old, assessment("low", tool_version=1), TOOL) is Outcome.INCOMPLETE


def test_assessments_from_another_tool_are_not_compared() -> None:
    other = assessment("low", tool_id="partnership-tool")
    assert closure_outcome(assessment("high"), other, TOOL) is Outcome.INCOMPLETE


def test_level_unknown_to_the_tool_gives_incomplete_rather_than_a_guess() -> None:
    assert closure_outcome(assessment("high"), assessment("gone"), TOOL) is Outcome.INCOMPLETE
