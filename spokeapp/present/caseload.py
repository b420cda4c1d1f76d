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
from spokeapp.i18n import translator
from spokeapp.present.labels import format_day, humanise
from spokeapp.store.casebook import CaseloadRow

tr = translator(__name__)

__all__ = [
    "HEADERS", "NOT_ASSESSED", "NO_CONTACT", "RISK_ORDER", "Column", "contact_text", "header",
    "headers", "nothing_shown", "review_due", "review_text", "risk_text", "status_text",
]

NOT_ASSESSED: Final = tr.noop("Not assessed")
NO_CONTACT: Final = tr.noop("No contact yet")

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
    Column.REFERENCE: tr.noop("Reference"),
    Column.NAME: tr.noop("Name"),
    Column.RISK: tr.noop("Risk"),
    Column.LAST_CONTACT: tr.noop("Last contact"),
    Column.NEXT_REVIEW: tr.noop("Next review due"),
    Column.STATUS: tr.noop("Status"),
}
_STATUSES: Final = {"open": tr.noop("Open"), "closed": tr.noop("Closed")}


def header(column: Column) -> str:
    """A column's heading as shown."""
    return tr(HEADERS[column])


def headers() -> list[str]:
    """Every column's heading as shown, in column order."""
    return [header(column) for column in Column]


def status_text(status: str) -> str:
    """The Status cell: "Open", "Closed" (another status made readable)."""
    words = _STATUSES.get(status)
    return tr(words) if words else humanise(status)


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
        return tr("Closed")
    if due is None:
        return tr("Initial assessment needed")
    when = format_day(due)
    status = review_status(due, today)
    if status is ReviewStatus.OVERDUE:
        return tr("Overdue: {day}").format(day=when)
    if status is ReviewStatus.DUE_SOON:
        return tr("Due soon: {day}").format(day=when)
    return when


def risk_text(level: str | None) -> str:
    """The risk band in words ("Very high"), or that the case is not assessed."""
    return humanise(level) if level else tr(NOT_ASSESSED)


def contact_text(when: datetime | None) -> str:
    """The day of the last contact (local time), or that there has been none."""
    if when is None:
        return tr(NO_CONTACT)
    local = when.astimezone() if when.tzinfo else when
    return format_day(local.date())


def nothing_shown(typed: str, showing: str, *, left_out: int) -> str:
    """What the caseload says when it has cases but the table shows none: what was typed in
    Filter matched nothing, or the choice in Show (``showing``: its words, "Open cases")
    leaves every case out. ``left_out``: how many cases the filter matches (every case, with
    nothing typed) that Show leaves out, so the worker knows where they are."""
    typed = " ".join(typed.split())
    if typed and not left_out:
        return tr("No cases match \u201c{typed}\u201d, open or closed. Check the spelling, or "
                  "clear the filter.").format(typed=typed)
    first = (tr("No cases match \u201c{typed}\u201d in Show: {showing}.") if typed
             else tr("No cases in Show: {showing}.")).format(typed=typed, showing=showing)
    if not left_out:
        return first
    more = tr.plural(
        left_out,
        "{n} case that is not shown matches: choose All cases in Show to see it.",
        "{n} cases that are not shown match: choose All cases in Show to see them.",
    ) if typed else tr.plural(
        left_out,
        "{n} case is not shown: choose All cases in Show to see it.",
        "{n} cases are not shown: choose All cases in Show to see them.",
    )
    return f"{first} {more}"
