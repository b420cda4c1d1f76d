"""Casebook records: the rules a worker meets when saving, and storage round trips."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.records import (
    RECORD_TYPES,
    ActivityType,
    Amendment,
    AssessmentType,
    Case,
    CaseStatus,
    ChosenBy,
    Closure,
    ClosureReason,
    ContactType,
    GroupSession,
    GroupSetting,
    LawfulBasis,
    MeetAgain,
    Outcome,
    Profession,
    ProfessionalActivity,
    RaisedTo,
    Record,
    Referral,
    ReferralDecision,
    RiskAssessment,
    SafeguardingConcern,
    Session,
    SourceType,
    VenueType,
    YoungPerson,
    record_from_dict,
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
]


def problems_of(record: Record) -> set[str]:
    with pytest.raises(ValidationError) as info:
        record.validate()
    return {p.field for p in info.value.problems}


def messages_of(record: Record) -> list[str]:
    with pytest.raises(ValidationError) as info:
        record.validate()
    return [str(p) for p in info.value.problems]


# --- the registry ----------------------------------------------------------------------------


def test_every_kind_is_registered_with_its_event_flag() -> None:
    assert {k: cls.EVENT for k, cls in RECORD_TYPES.items()} == {
        "young_person": False,
        "referral": False,
        "case": False,
        "session": True,
        "safeguarding_concern": True,
        "risk_assessment": True,
        "closure": True,
        "group_session": True,
        "professional_activity": True,
        "amendment": True,
        "visit_plan": True,
        "check_in": True,
        "alarm": True,
        "escalation_alert": True,
        "alert_ack": True,
        "alarm_resolution": True,
        "welfare_debrief": False,
        "alert_delivery": False,
        "welfare_debrief_done": True,
        "supervision_comment": True,
        "review_mark": True,
        "sign_off": True,
        "case_supervision": True,
        "sign_off_request": True,
    }


@pytest.mark.parametrize("record", ALL_VALID, ids=lambda r: r.KIND)
def test_valid_records_pass_and_survive_a_json_round_trip(record: Record) -> None:
    record.validate()
    wire = json.loads(json.dumps(record.to_dict()))
    assert record_from_dict(record.KIND, wire) == record
    assert isinstance(record, Record)


@pytest.mark.parametrize("record", ALL_VALID, ids=lambda r: r.KIND)
def test_records_cannot_be_changed_in_place(record: Record) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.id = "other"  # type: ignore[misc]


def test_case_id_links_records_to_their_case_and_none_for_others() -> None:
    by_kind = {r.KIND: r.case_id for r in ALL_VALID}
    assert by_kind == {
        "young_person": None,
        "referral": None,
        "case": "case-1",
        "session": "case-1",
        "safeguarding_concern": "case-1",
        "risk_assessment": "case-1",
        "closure": "case-1",
        "group_session": None,
        "professional_activity": None,
        "amendment": "case-1",
    }


def test_to_dict_uses_plain_json_values() -> None:
    data = session().to_dict()
    assert data["occurred_at"] == "2024-03-31T16:30:00+01:00"
    assert data["contact_type"] == "one_to_one"
    assert data["venue_chosen_by"] == "young_person"
    assert assessment().to_dict()["answers"] == {"coercion.gifts": 1, "missing.recent": 2}
    assert activity().to_dict()["attendees_by_profession"] == {"education": 11, "police": 4}
    assert case().to_dict()["lawful_basis"] == "public_task"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="kind: is not a known record kind"):
        record_from_dict("diary", {})


def test_from_dict_lists_every_missing_or_malformed_field_without_values() -> None:
    data = session().to_dict()
    del data["case_id"]
    data["occurred_at"] = "last tuesday " + SECRET_NOTE
    data["duration_minutes"] = "sixty"
    data["contact_type"] = "carrier pigeon"
    data["surprise"] = SECRET_NOTE
    with pytest.raises(ValidationError) as info:
        Session.from_dict(data)
    assert set(info.value.fields()) == {
        "case_id",
        "occurred_at",
        "duration_minutes",
        "contact_type",
        "surprise",
    }
    text = str(info.value)
    assert "case_id: is required" in text
    assert "contact_type: must be one of one_to_one, phone, text, online, missed" in text
    assert SECRET_NOTE not in text
    assert "pigeon" not in text


def test_from_dict_refuses_wrong_json_types_rather_than_crashing() -> None:
    data = young_person().to_dict()
    data["restricted"] = 1
    data["date_of_birth"] = "2009-02-28T10:00:00"
    with pytest.raises(ValidationError) as info:
        YoungPerson.from_dict(data)
    assert info.value.fields() == {"restricted", "date_of_birth"}
    with pytest.raises(ValidationError, match="must be an object"):
        YoungPerson.from_dict(["not", "a", "record"])


def test_from_dict_fills_optional_fields_left_out() -> None:
    data = {
        "id": "ref-2",
        "young_person_id": "yp-1",
        "received_on": "2024-03-01",
        "source_agency": "Fictional School",
        "source_type": "education",
        "reason": "Fictional",
    }
    loaded = Referral.from_dict(data)
    assert loaded.decision is ReferralDecision.PENDING
    assert loaded.consent_to_share is False


def test_frozen_mappings_are_hashable_and_order_independent() -> None:
    a = assessment(answers=(("b.x", 1), ("a.y", 2)))
    b = assessment(answers=(("a.y", 2), ("b.x", 1)))
    assert a == b and hash(a) == hash(b)
    assert a.answer_map == {"a.y": 2, "b.x": 1}


def test_validation_error_is_a_known_error_with_line_per_problem() -> None:
    error = ValidationError([Problem("name", "is required"), Problem("reference", "too short")])
    assert isinstance(error, SpokeError)
    assert str(error) == "name: is required\nreference: too short"


# --- young person ------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["Y", "YP 0007", "YP_0007", "Y" * 21, ""])
def test_young_person_reference_must_be_a_short_pseudonym(reference: str) -> None:
    assert problems_of(young_person(reference=reference)) == {"reference"}


def test_young_person_problems_are_reported_together_without_personal_data() -> None:
    record = young_person(name="  ", reference="!", preferred_name=" ")
    messages = messages_of(record)
    assert {m.split(":")[0] for m in messages} == {"name", "reference", "preferred_name"}
    assert all(SECRET_NAME not in m for m in messages)


def test_young_person_age_counts_whole_years() -> None:
    person = young_person(date_of_birth=date(2008, 6, 15))
    assert person.age_on(date(2024, 6, 14)) == 15
    assert person.age_on(date(2024, 6, 15)) == 16


def test_young_person_is_searchable_by_reference_and_names() -> None:
    text = young_person().searchable_text()
    assert "YP-0007" in text and SECRET_NAME in text and "Alpha" in text


# --- referral ----------------------------------------------------------------------------------


def test_declined_referral_needs_a_reason() -> None:
    record = referral(decision=ReferralDecision.DECLINED, decided_on=date(2024, 3, 2))
    assert problems_of(record) == {"decline_reason"}
    referral(
        decision=ReferralDecision.DECLINED,
        decided_on=date(2024, 3, 2),
        decline_reason="Below threshold; signposted to youth service",
    ).validate()


def test_decline_reason_only_on_declined_referrals() -> None:
    record = referral(
        decision=ReferralDecision.ACCEPTED, decided_on=date(2024, 3, 2), decline_reason="x"
    )
    assert problems_of(record) == {"decline_reason"}


def test_decision_date_required_once_decided_and_not_before_receipt() -> None:
    assert problems_of(referral(decision=ReferralDecision.WAITING_LIST)) == {"decided_on"}
    early = referral(decision=ReferralDecision.ACCEPTED, decided_on=date(2024, 2, 28))
    assert messages_of(early) == ["decided_on: cannot be before the referral was received"]
    assert problems_of(referral(decided_on=date(2024, 3, 2))) == {"decided_on"}


def test_referral_needs_agency_and_reason() -> None:
    assert problems_of(referral(source_agency="", reason=" ")) == {"source_agency", "reason"}


# --- case --------------------------------------------------------------------------------------


def test_closed_case_needs_a_closing_date_not_before_opening() -> None:
    assert problems_of(case(status=CaseStatus.CLOSED)) == {"closed_on"}
    early = case(status=CaseStatus.CLOSED, closed_on=date(2024, 3, 1))
    assert problems_of(early) == {"closed_on"}
    case(status=CaseStatus.CLOSED, closed_on=date(2024, 9, 1)).validate()


def test_open_case_has_no_closing_date() -> None:
    assert problems_of(case(closed_on=date(2024, 9, 1))) == {"closed_on"}


def test_case_defaults_to_public_task_and_open() -> None:
    record = Case(id="c", young_person_id="y", key_worker="w", opened_on=date(2024, 1, 1))
    assert record.lawful_basis is LawfulBasis.PUBLIC_TASK
    assert record.status is CaseStatus.OPEN
    assert record.searchable_text() == ""


def test_a_cases_local_authority_area_is_optional_but_never_blank() -> None:
    old = {k: v for k, v in case().to_dict().items() if k != "local_authority"}
    assert Case.from_dict(old).local_authority is None  # recorded before areas were
    assert problems_of(case(local_authority="  ")) == {"local_authority"}
    assert problems_of(case(local_authority="x" * 101)) == {"local_authority"}
    shire = case(local_authority="Example Shire")
    shire.validate()
    assert Case.from_dict(shire.to_dict()) == shire


# --- session -----------------------------------------------------------------------------------


def test_session_must_say_what_was_discussed_unless_missed() -> None:
    assert problems_of(session(discussed="")) == {"discussed"}
    session(
        contact_type=ContactType.MISSED,
        duration_minutes=0,
        discussed="",
        venue_type=None,
    ).validate()


@pytest.mark.parametrize("minutes", [-1, 601])
def test_session_duration_must_be_within_ten_hours(minutes: int) -> None:
    assert messages_of(session(duration_minutes=minutes)) == [
        "duration_minutes: must be between 0 and 600"
    ]


def test_zero_minutes_only_for_a_missed_session() -> None:
    assert problems_of(session(duration_minutes=0)) == {"duration_minutes"}
    session(duration_minutes=600).validate()


def test_one_to_one_needs_a_venue_but_a_phone_call_does_not() -> None:
    assert problems_of(session(venue_type=None)) == {"venue_type"}
    session(contact_type=ContactType.PHONE, venue_type=None).validate()


def test_session_search_text_holds_the_notes_and_young_persons_words() -> None:
    text = session().searchable_text()
    for part in ("healthy relationships", "own voice", "Fictional concern", "Fictional action"):
        assert part in text


def test_session_time_zone_survives_storage() -> None:
    aware = session(occurred_at=datetime(2024, 10, 27, 1, 30, tzinfo=UTC))
    loaded = Session.from_dict(aware.to_dict())
    assert loaded.occurred_at.utcoffset() == timedelta(0)


# --- safeguarding concern ----------------------------------------------------------------------


def test_concern_needs_a_summary() -> None:
    assert problems_of(concern(summary="")) == {"summary"}
    assert "CSC-FICT-123" in concern().searchable_text()


# --- risk assessment ---------------------------------------------------------------------------

OVERRIDE_REASONS = "Disclosed a new older contact picking them up after school."


def test_override_needs_reasons_of_at_least_twenty_characters_and_sign_off() -> None:
    record = assessment(override_level="high", override_reasons="gut feeling")
    assert messages_of(record) == [
        "override_reasons: explain why your professional judgement differs from the score "
        "(at least 20 characters)",
        "needs_sign_off: an overridden level must be signed off by a supervisor",
    ]


def test_override_with_reasons_and_sign_off_sets_the_effective_level() -> None:
    record = assessment(
        override_level="high", override_reasons=OVERRIDE_REASONS, needs_sign_off=True
    )
    record.validate()
    assert record.effective_level == "high"
    assert record.awaiting_sign_off
    assert dataclasses.replace(record, signed_off_by="supervisor-1").awaiting_sign_off is False
    assert OVERRIDE_REASONS in record.searchable_text()


def test_without_override_the_scored_level_counts() -> None:
    assert assessment().effective_level == "medium"


def test_whitespace_does_not_count_towards_override_reasons() -> None:
    record = assessment(override_level="high", override_reasons=" " * 30, needs_sign_off=True)
    assert problems_of(record) == {"override_reasons"}


def test_override_to_the_same_level_is_refused() -> None:
    record = assessment(
        override_level="medium", override_reasons=OVERRIDE_REASONS, needs_sign_off=True
    )
    assert problems_of(record) == {"override_level"}


def test_answers_must_be_0_1_or_2_and_unique() -> None:
    assert problems_of(assessment(answers=(("a", 3),))) == {"answers"}
    assert problems_of(assessment(answers=(("a", 1), ("a", 2)))) == {"answers"}


def test_assessment_needs_tool_and_positive_version() -> None:
    assert problems_of(assessment(tool_id="", tool_version=0, score=-1, level="")) == {
        "tool_id",
        "tool_version",
        "score",
        "level",
    }


def test_sign_off_only_when_needed() -> None:
    assert problems_of(assessment(signed_off_by="supervisor-1")) == {"signed_off_by"}


# --- closure -----------------------------------------------------------------------------------


def test_closure_without_assessment_must_say_why_and_be_incomplete() -> None:
    record = closure(closing_assessment_id=None)
    assert problems_of(record) == {"no_assessment_reason", "outcome"}
    closure(
        closing_assessment_id=None,
        no_assessment_reason="Young person moved before we could meet",
        outcome=Outcome.INCOMPLETE,
    ).validate()


def test_closure_for_other_reason_needs_detail() -> None:
    assert problems_of(closure(reason=ClosureReason.OTHER)) == {"reason_detail"}


# --- group work and professionals --------------------------------------------------------------


def test_group_session_reaches_at_least_one_young_person() -> None:
    assert problems_of(group_session(young_people_reached=0, topic="")) == {
        "young_people_reached",
        "topic",
    }


def test_professional_activity_counts_attendees_by_profession() -> None:
    assert activity().total_attendees == 15
    assert problems_of(activity(attendees_by_profession=((Profession.HEALTH, 0),))) == {
        "attendees_by_profession"
    }
    negative = ((Profession.HEALTH, 5), (Profession.POLICE, -1))
    assert messages_of(activity(attendees_by_profession=negative)) == [
        "attendees_by_profession: counts cannot be negative"
    ]
    twice = ((Profession.HEALTH, 5), (Profession.HEALTH, 1))
    assert problems_of(activity(attendees_by_profession=twice)) == {"attendees_by_profession"}


def test_professional_activity_refuses_unknown_profession_on_load() -> None:
    data = activity().to_dict()
    data["attendees_by_profession"] = {"astronaut": 2}
    with pytest.raises(ValidationError, match=r"attendees_by_profession\.key: must be one of"):
        ProfessionalActivity.from_dict(data)


# --- amendment ---------------------------------------------------------------------------------


def test_amendment_only_for_finalised_event_records() -> None:
    assert problems_of(amendment(amends_kind="case")) == {"amends_kind"}
    assert problems_of(amendment(amends_kind="diary")) == {"amends_kind"}
    amendment(amends_kind="risk_assessment").validate()


def test_amendment_needs_reason_and_text_and_cannot_amend_itself() -> None:
    assert problems_of(amendment(reason="", text="", amends_id="am-1")) == {
        "reason",
        "text",
        "amends_id",
    }
