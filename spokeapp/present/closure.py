"""Closing a case, without Qt: the case's finalised risk assessments the closing form offers,
the initial one the outcome is measured against, and the case as it is stored once closed
(the form is :mod:`spokeapp.ui.views.closure_wizard`; the outcome rule is
:mod:`spokeapp.domain.closure`).

A closure names no opening day, so whether it is dated before the case was opened is the
closed case's rule (``Case.validate``): the form checks the closed case with the closure before
either is stored, and stores them in one transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from spokeapp.domain.records import AssessmentType, Case, CaseStatus, Closure, RiskAssessment
from spokeapp.store.casebook import StoredRecord

__all__ = ["assessments_of", "closed_case", "initial_assessment"]


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


def closed_case(case: Case, closure: Closure, closing_level: str | None) -> Case:
    """``case`` closed by ``closure``: its day closed, and the closing assessment's level as
    its current risk (``None``: no closing assessment, the level stays as it was)."""
    return dataclasses.replace(
        case,
        status=CaseStatus.CLOSED,
        closed_on=closure.closed_on,
        current_risk_level=closing_level if closing_level is not None
        else case.current_risk_level,
    )
