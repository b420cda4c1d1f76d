"""Valid casework records to start each records test from, and ways to read their problems."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import (
    ActivityType,
    Amendment,
    AssessmentType,
    Attachment,
    Case,
    ChosenBy,
    Closure,
    ClosureReason,
    ContactType,
    GroupSession,
    GroupSetting,
    MeetAgain,
    Outcome,
    Profession,
    ProfessionalActivity,
    RaisedTo,
    Record,
    Referral,
    RiskAssessment,
    SafeguardingConcern,
    Session,
    SourceType,
    VenueType,
    YoungPerson,
)

SECRET_NAME = "Test Person Alpha"
SECRET_NOTE = "Fictional note text that must never appear in an error"


def young_person(**changes: Any) -> YoungPerson:
    base = YoungPerson(
        id="yp-1",
        reference="YP-0007",
        name=SECRET_NAME,
        date_of_birth=date(2009, 2, 28),
        preferred_name="Alpha",
        needs="Fictional needs text",
    )
    return dataclasses.replace(base, **changes)


def referral(**changes: Any) -> Referral:
    base = Referral(
        id="ref-1",
        young_person_id="yp-1",
        received_on=date(2024, 3, 1),
        source_agency="Fictional Borough Police",
        source_type=SourceType.POLICE,
        reason="Fictional referral reason",
    )
    return dataclasses.replace(base, **changes)


def case(**changes: Any) -> Case:
    base = Case(
        id="case-1",
        young_person_id="yp-1",
        referral_id="ref-1",
        key_worker="worker-1",
        opened_on=date(2024, 3, 5),
        current_risk_level="high",
    )
    return dataclasses.replace(base, **changes)


def session(**changes: Any) -> Session:
    base = Session(
        id="s-1",
        case_id="case-1",
        contact_type=ContactType.ONE_TO_ONE,
        occurred_at=datetime(2024, 3, 31, 16, 30, tzinfo=timezone(timedelta(hours=1))),
        duration_minutes=60,
        venue_type=VenueType.CAR,
        venue_chosen_by=ChosenBy.YOUNG_PERSON,
        pace_set_by=ChosenBy.TOGETHER,
        discussed="Fictional discussion of healthy relationships",
        young_persons_words="Fictional words in their own voice",
        wants_to_meet_again=MeetAgain.YES,
        concerns="Fictional concern",
        actions="Fictional action",
    )
    return dataclasses.replace(base, **changes)


def concern(**changes: Any) -> SafeguardingConcern:
    base = SafeguardingConcern(
        id="sc-1",
        case_id="case-1",
        raised_on=date(2024, 4, 2),
        raised_to=RaisedTo.CHILDRENS_SOCIAL_CARE,
        their_reference="CSC-FICT-123",
        summary="Fictional summary",
    )
    return dataclasses.replace(base, **changes)


def assessment(**changes: Any) -> RiskAssessment:
    base = RiskAssessment(
        id="ra-1",
        case_id="case-1",
        assessment_type=AssessmentType.INITIAL,
        assessed_on=date(2024, 3, 6),
        tool_id="spoke-default",
        tool_version=1,
        answers=(("missing.recent", 2), ("coercion.gifts", 1)),
        score=8,
        level="medium",
    )
    return dataclasses.replace(base, **changes)


def closure(**changes: Any) -> Closure:
    base = Closure(
        id="cl-1",
        case_id="case-1",
        closed_on=date(2024, 9, 1),
        reason=ClosureReason.OUTCOMES_MET,
        closing_assessment_id="ra-9",
        outcome=Outcome.LOWER,
    )
    return dataclasses.replace(base, **changes)


def group_session(**changes: Any) -> GroupSession:
    base = GroupSession(
        id="g-1",
        held_on=date(2024, 5, 1),
        setting=GroupSetting.SCHOOL,
        topic="Online safety",
        young_people_reached=28,
        notes="Fictional notes",
    )
    return dataclasses.replace(base, **changes)


def activity(**changes: Any) -> ProfessionalActivity:
    base = ProfessionalActivity(
        id="pa-1",
        held_on=date(2024, 5, 2),
        activity_type=ActivityType.TRAINING,
        topic="Spotting exploitation",
        attendees_by_profession=((Profession.POLICE, 4), (Profession.EDUCATION, 11)),
    )
    return dataclasses.replace(base, **changes)


def amendment(**changes: Any) -> Amendment:
    base = Amendment(
        id="am-1",
        case_id="case-1",
        amends_id="s-1",
        amends_kind="session",
        reason="Wrong venue recorded",
        text="Fictional corrected account",
    )
    return dataclasses.replace(base, **changes)


#: A SHA-256 as a record names it (64 lowercase hex digits; no real file behind it).
CONSENT_FORM_SHA256 = "2d6d0e0e1e3c5a1e0a2a4bd5d1f5a0d1c27f4a3b5f7e8d9c0b1a2f3e4d5c6b7a"


def attachment(**changes: Any) -> Attachment:
    base = Attachment(
        id="at-1",
        case_id="case-1",
        attached_kind=None,
        attached_to=None,
        title="Signed consent form",
        document_date=date(2024, 3, 6),
        note="Fictional note about the form",
        file_name="consent-form.pdf",
        media_type="application/pdf",
        size=48_213,
        sha256=CONSENT_FORM_SHA256,
    )
    return dataclasses.replace(base, **changes)


ALL_VALID: list[Record] = [
    young_person(),
    referral(),
    case(),
    session(),
    concern(),
    assessment(),
    closure(),
    group_session(),
    activity(),
    amendment(),
    attachment(),
]


def problems_of(record: Record) -> set[str]:
    with pytest.raises(ValidationError) as info:
        record.validate()
    return {p.field for p in info.value.problems}


def messages_of(record: Record) -> list[str]:
    with pytest.raises(ValidationError) as info:
        record.validate()
    return [str(p) for p in info.value.problems]
