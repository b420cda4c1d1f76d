"""Closing a case, without Qt: the case's finalised risk assessments the closing form offers and
the initial one the outcome is measured against (the form is
:mod:`spokeapp.ui.views.closure_wizard`; the outcome rule is :mod:`spokeapp.domain.closure`).
"""

from __future__ import annotations

from collections.abc import Sequence

from spokeapp.domain.records import AssessmentType, RiskAssessment
from spokeapp.store.casebook import StoredRecord

__all__ = ["assessments_of", "initial_assessment"]


def assessments_of(records: Sequence[StoredRecord]) -> list[RiskAssessment]:
    """Finalised risk assessments, oldest first."""
    found = [
        s.record for s in records if isinstance(s.record, RiskAssessment) and s.state == "final"
    ]
    return sorted(found, key=lambda a: (a.assessed_on, a.id))


def initial_assessment(records: Sequence[StoredRecord]) -> RiskAssessment | None:
    """The case's initial assessment; the earliest if none is marked initial (None: none)."""
    every = assessments_of(records)
    initial = [a for a in every if a.assessment_type is AssessmentType.INITIAL]
    first = initial or every
    return first[0] if first else None
