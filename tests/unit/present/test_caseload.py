"""The caseload table's words without Qt (``spokeapp.present.caseload``): when the next review
is due (with the case's own interval), and the review, risk and contact cells. All data is
fictional."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from spokeapp.domain.reviews import DEFAULT_REVIEW_INTERVAL_WEEKS
from spokeapp.present.caseload import (
    HEADERS,
    NO_CONTACT,
    NOT_ASSESSED,
    RISK_ORDER,
    Column,
    contact_text,
    nothing_shown,
    review_due,
    review_text,
    risk_text,
)
from spokeapp.store.casebook import CaseloadRow

ASSESSED = date(2026, 3, 2)
ROW = CaseloadRow(
    case_id="case-1", reference="YP-TEST-01", name="Test Person Alpha", preferred_name=None,
    status="open", risk_level="very_high", last_contact=None, last_assessed=ASSESSED,
    key_worker="worker",
)


def test_the_next_review_follows_the_cases_own_interval_or_the_default() -> None:
    default = ASSESSED + timedelta(weeks=DEFAULT_REVIEW_INTERVAL_WEEKS)
    assert review_due(ROW) == default
    assert review_due(ROW, {"case-1": "6"}) == ASSESSED + timedelta(weeks=6)
    assert review_due(ROW, {"other-case": "6"}) == default
    assert review_due(ROW, {"case-1": "not a number"}) == default


def test_an_interval_out_of_range_falls_back_to_the_default() -> None:
    default = ASSESSED + timedelta(weeks=DEFAULT_REVIEW_INTERVAL_WEEKS)
    assert review_due(ROW, {"case-1": "4"}) == default  # outside 6-12 weeks


def test_no_review_is_due_for_a_closed_or_never_assessed_case() -> None:
    assert review_due(dataclasses.replace(ROW, status="closed")) is None
    assert review_due(dataclasses.replace(ROW, last_assessed=None)) is None


def test_the_review_cell_says_closed_needed_overdue_due_soon_or_the_day() -> None:
    due = date(2026, 4, 27)
    assert review_text(dataclasses.replace(ROW, status="closed"), due, due) == "Closed"
    assert review_text(ROW, None, due) == "Initial assessment needed"
    assert review_text(ROW, due, due + timedelta(days=1)) == "Overdue: 27 Apr 2026"
    assert review_text(ROW, due, due) == "Due soon: 27 Apr 2026"  # today is not overdue
    assert review_text(ROW, due, due - timedelta(days=30)) == "27 Apr 2026"


def test_risk_and_contact_in_words() -> None:
    assert risk_text("very_high") == "Very high"
    assert risk_text(None) == risk_text("") == NOT_ASSESSED == "Not assessed"
    assert contact_text(None) == NO_CONTACT == "No contact yet"
    assert contact_text(datetime(2026, 3, 2, 12, 0)) == "2 Mar 2026"  # no zone: as it is
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    local = noon.astimezone()
    assert contact_text(noon) == f"{local.day} {local:%b %Y}"


def test_the_columns_and_the_risk_order() -> None:
    assert [HEADERS[c] for c in Column] == [
        "Reference", "Name", "Risk", "Last contact", "Next review due", "Status"]
    assert sorted(RISK_ORDER, key=RISK_ORDER.__getitem__) == ["low", "medium", "high", "very_high"]


def test_an_empty_table_says_why_and_where_the_other_cases_are() -> None:
    """Filtered to nothing, the caseload was a blank table: nothing said that no case
    matched, nor that Show: Open cases was leaving the closed ones out."""
    assert nothing_shown("zzzz", "Open cases", left_out=0) == (
        "No cases match \u201czzzz\u201d, open or closed. Check the spelling, or clear the "
        "filter.")
    assert nothing_shown(" YP-TEST-02 ", "Open cases", left_out=1) == (
        "No cases match \u201cYP-TEST-02\u201d in Show: Open cases. 1 case that is not shown "
        "matches: choose All cases in Show to see it.")
    assert nothing_shown("", "Reviews due or overdue", left_out=3) == (
        "No cases in Show: Reviews due or overdue. 3 cases are not shown: choose All cases in "
        "Show to see them.")
