"""The caseload table's columns and words, without Qt: what each column of a case's row says
and how the review, risk and contact cells are worded (the Qt table is
``spokeapp.ui.models.caseload``; the Today page uses :func:`review_due` too).

Risk is a word here (its colour swatch is the model's); a case never assessed says so in words,
and the next review follows the interval chosen for the case (the default otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import IntEnum
from typing import Final

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.reviews import (
    DEFAULT_REVIEW_INTERVAL_WEEKS,
    ReviewStatus,
    next_review_due,
    review_status,
)
from spokeapp.present.labels import humanise
from spokeapp.store.casebook import CaseloadRow

__all__ = [
    "HEADERS", "NOT_ASSESSED", "NO_CONTACT", "RISK_ORDER", "Column", "contact_text",
    "review_due", "review_text", "risk_text",
]

NOT_ASSESSED: Final = "Not assessed"
NO_CONTACT: Final = "No contact yet"

#: The usual band names in order of risk (sorting the Risk column); other bands sort last.
RISK_ORDER: Final = {"low": 1, "medium": 2, "high": 3, "very_high": 4}


class Column(IntEnum):
    REFERENCE = 0
    NAME = 1
    RISK = 2
    LAST_CONTACT = 3
    NEXT_REVIEW = 4
    STATUS = 5


HEADERS: Final = {
    Column.REFERENCE: "Reference",
    Column.NAME: "Name",
    Column.RISK: "Risk",
    Column.LAST_CONTACT: "Last contact",
    Column.NEXT_REVIEW: "Next review due",
    Column.STATUS: "Status",
}


def review_due(row: CaseloadRow, weeks: Mapping[str, str] | None = None) -> date | None:
    """When the case's next risk review is due (None: closed, or never assessed)."""
    if row.status != "open" or row.last_assessed is None:
        return None
    stored = (weeks or {}).get(row.case_id, "")
    interval = int(stored) if stored.isdigit() else DEFAULT_REVIEW_INTERVAL_WEEKS
    try:
        return next_review_due(row.last_assessed, interval)
    except ValidationError:
        return next_review_due(row.last_assessed)


def review_text(row: CaseloadRow, due: date | None, today: date) -> str:
    """The "Next review due" cell: closed, never assessed, overdue, due soon or the day."""
    if row.status != "open":
        return "Closed"
    if due is None:
        return "Initial assessment needed"
    when = f"{due.day} {due:%b %Y}"
    status = review_status(due, today)
    if status is ReviewStatus.OVERDUE:
        return f"Overdue: {when}"
    if status is ReviewStatus.DUE_SOON:
        return f"Due soon: {when}"
    return when


def risk_text(level: str | None) -> str:
    """The risk band in words ("Very high"), or that the case is not assessed."""
    return humanise(level) if level else NOT_ASSESSED


def contact_text(when: datetime | None) -> str:
    """The day of the last contact (local time), or that there has been none."""
    if when is None:
        return NO_CONTACT
    local = when.astimezone() if when.tzinfo else when
    return f"{local.day} {local:%b %Y}"
