"""The validation helpers every record shares: one wording for each rule."""

from __future__ import annotations

import pytest

from spokeapp.domain.errors import Problem
from spokeapp.domain.records import (
    MIN_DEBRIEF_NOTE_CHARS,
    MIN_OVERRIDE_REASON_CHARS,
    MIN_RESOLUTION_NOTE_CHARS,
    MIN_RETURN_COMMENT_CHARS,
)
from spokeapp.domain.records.checks import _min_length, _require_all
from tests.unit.domain.records.factories import closure, session


def test_require_all_reports_each_blank_field_in_the_order_given() -> None:
    problems: list[Problem] = []
    _require_all(problems, closure(id=" ", case_id=""), "id", "case_id")
    assert [str(p) for p in problems] == ["id: is required", "case_id: is required"]
    problems.clear()
    _require_all(problems, session(), "id", "case_id")
    assert problems == []


@pytest.mark.parametrize(
    "minimum",
    [
        MIN_OVERRIDE_REASON_CHARS,
        MIN_RESOLUTION_NOTE_CHARS,
        MIN_DEBRIEF_NOTE_CHARS,
        MIN_RETURN_COMMENT_CHARS,
    ],
)
def test_min_length_asks_for_more_and_ignores_surrounding_whitespace(minimum: int) -> None:
    problems: list[Problem] = []
    _min_length(problems, "note", "  " + "x" * (minimum - 1) + "  ", minimum, "say more")
    assert [str(p) for p in problems] == [f"note: say more (at least {minimum} characters)"]
    problems.clear()
    _min_length(problems, "note", "x" * minimum, minimum, "say more")
    assert problems == []
