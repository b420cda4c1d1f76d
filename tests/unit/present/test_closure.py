"""Closing a case without Qt (``spokeapp.present.closure``): the finalised assessments the form
offers, oldest first, and the initial one the outcome is measured against. All data is
fictional."""

from __future__ import annotations

from datetime import date

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import AssessmentType, CaseStatus, Record
from spokeapp.present.closure import assessments_of, closed_case, initial_assessment
from spokeapp.store.casebook import StoredRecord
from tests.unit.domain.records.factories import assessment, case, closure, session


def _stored(record: Record, state: str = "final") -> StoredRecord:
    return StoredRecord(record=record, state=state, created_at="", updated_at="",
                        finalised_at=None, author="worker", revision=1)


def test_finalised_assessments_oldest_first_and_the_initial_one() -> None:
    review = assessment(id="ra-2", assessment_type=AssessmentType.REVIEW,
                        assessed_on=date(2024, 5, 1))
    initial = assessment(id="ra-1", assessed_on=date(2024, 3, 6))
    draft = assessment(id="ra-3", assessed_on=date(2024, 1, 1))
    records = [_stored(review), _stored(session()), _stored(initial), _stored(draft, "draft")]
    assert [a.id for a in assessments_of(records)] == ["ra-1", "ra-2"]
    assert initial_assessment(records) == initial


def test_without_an_initial_assessment_the_earliest_counts_and_none_without_any() -> None:
    first = assessment(id="ra-5", assessment_type=AssessmentType.REVIEW,
                       assessed_on=date(2024, 4, 1))
    later = assessment(id="ra-6", assessment_type=AssessmentType.REVIEW,
                       assessed_on=date(2024, 6, 1))
    assert initial_assessment([_stored(later), _stored(first)]) == first
    assert initial_assessment([_stored(session())]) is None


def test_the_closed_case_takes_the_day_and_the_closing_level() -> None:
    open_case = case(current_risk_level="high")
    ending = closure(case_id=open_case.id, closed_on=date(2024, 9, 1))
    closed = closed_case(open_case, ending, "low")
    assert (closed.status, closed.closed_on, closed.current_risk_level) == (
        CaseStatus.CLOSED, date(2024, 9, 1), "low")
    assert closed_case(open_case, ending, None).current_risk_level == "high"


def test_a_closure_dated_before_the_case_opened_makes_a_case_that_is_refused() -> None:
    """The form checks the closed case with the closure, before storing either."""
    open_case = case()
    early = closure(case_id=open_case.id, closed_on=date(2000, 1, 1))
    early.validate()  # a closure alone cannot know the opening day
    with pytest.raises(ValidationError, match="closed_on: cannot be before the case was opened"):
        closed_case(open_case, early, None).validate()
