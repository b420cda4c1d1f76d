"""When a young person's risk assessment is next due for review.

Reviews happen every 6-12 weeks and never more than three months apart; a worker picks the
interval within that range (8 weeks unless they choose otherwise). "Today" is always passed in,
never read from the clock, so the rules are testable and a laptop's wrong clock is visible.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.i18n import number, translator

tr = translator(__name__)

__all__ = [
    "DEFAULT_REVIEW_INTERVAL_WEEKS",
    "DUE_SOON_DAYS",
    "MAX_REVIEW_INTERVAL_WEEKS",
    "MIN_REVIEW_INTERVAL_WEEKS",
    "REVIEW_INTERVAL_MAX",
    "ReviewStatus",
    "next_review_due",
    "review_status",
]

REVIEW_INTERVAL_MAX = timedelta(days=91)
"""No review may be more than three months after the last assessment."""
MIN_REVIEW_INTERVAL_WEEKS = 6
MAX_REVIEW_INTERVAL_WEEKS = 12
DEFAULT_REVIEW_INTERVAL_WEEKS = 8
DUE_SOON_DAYS = 7
"""A review within this many days (including today) is shown as due soon."""


class ReviewStatus(StrEnum):
    """How urgent the next review is, for caseload lists and reminders."""

    NOT_DUE = "not_due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def next_review_due(
    last_assessed_on: date, interval_weeks: int = DEFAULT_REVIEW_INTERVAL_WEEKS
) -> date:
    """The date the next review is due, ``interval_weeks`` after the last assessment.

    Raises ValidationError if the interval is outside 6-12 weeks, the range the service's
    practice standard allows.
    """
    if (
        isinstance(interval_weeks, bool)
        or not MIN_REVIEW_INTERVAL_WEEKS <= interval_weeks <= MAX_REVIEW_INTERVAL_WEEKS
    ):
        raise ValidationError(
            [
                Problem(
                    "interval_weeks",
                    tr("reviews must be every {least} to {most} weeks").format(
                        least=number(MIN_REVIEW_INTERVAL_WEEKS),
                        most=number(MAX_REVIEW_INTERVAL_WEEKS),
                    ),
                )
            ]
        )
    interval = timedelta(weeks=interval_weeks)
    return last_assessed_on + min(interval, REVIEW_INTERVAL_MAX)


def review_status(due: date, today: date) -> ReviewStatus:
    """Whether a review due on ``due`` is overdue, due soon (within 7 days) or not yet due.

    A review due today is due soon, not overdue: the worker still has the day to do it.
    """
    if today > due:
        return ReviewStatus.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return ReviewStatus.DUE_SOON
    return ReviewStatus.NOT_DUE
