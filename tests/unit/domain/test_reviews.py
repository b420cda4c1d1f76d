"""Risk reviews: every 6-12 weeks, never more than 3 months, with due-soon and overdue flags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.reviews import (
    REVIEW_INTERVAL_MAX,
    ReviewStatus,
    next_review_due,
    review_status,
)

LAST = date(2024, 1, 31)


def test_default_review_is_eight_weeks_after_last_assessment() -> None:
    assert next_review_due(LAST) == date(2024, 3, 27)


@pytest.mark.parametrize("weeks", [6, 12])
def test_interval_limits_are_allowed_and_within_three_months(weeks: int) -> None:
    due = next_review_due(LAST, weeks)
    assert due == LAST + timedelta(weeks=weeks)
    assert due - LAST <= REVIEW_INTERVAL_MAX


@pytest.mark.parametrize("weeks", [0, 5, 13, 26, -8])
def test_intervals_outside_six_to_twelve_weeks_are_refused(weeks: int) -> None:
    with pytest.raises(ValidationError) as info:
        next_review_due(LAST, weeks)
    assert str(info.value) == "interval_weeks: reviews must be every 6 to 12 weeks"


def test_three_month_limit_is_91_days() -> None:
    assert timedelta(days=91) == REVIEW_INTERVAL_MAX


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 3, 1), ReviewStatus.NOT_DUE),
        (date(2024, 3, 19), ReviewStatus.NOT_DUE),  # 8 days before
        (date(2024, 3, 20), ReviewStatus.DUE_SOON),  # 7 days before
        (date(2024, 3, 27), ReviewStatus.DUE_SOON),  # due today
        (date(2024, 3, 28), ReviewStatus.OVERDUE),
        (date(2024, 6, 1), ReviewStatus.OVERDUE),
    ],
)
def test_review_status_for_a_given_today(today: date, expected: ReviewStatus) -> None:
    assert review_status(date(2024, 3, 27), today) is expected
