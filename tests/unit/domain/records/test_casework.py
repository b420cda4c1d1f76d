"""Casework records: the rules a worker meets when saving them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import (
    ATTACHABLE_KINDS,
    CLOSURE_REASON_CHOICES,
    CLOSURE_REASON_LABELS,
    CLOSURE_REASON_SHORT_LABELS,
    MAX_HEAD_COUNT,
    MAX_TOPIC_CHARS,
    OUTCOME_EXPLAINED,
    OUTCOME_LABELS,
    OUTCOME_SHORT_LABELS,
    PROFESSION_LABELS,
    PROFESSION_SHORT_LABELS,
    REFERRAL_DECISION_CHOICES,
    REFERRAL_DECISION_LABELS,
    SHARE_WITH_LABELS,
    Attachment,
    Case,
    CaseStatus,
    ClosureReason,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ContactType,
    LawfulBasis,
    Outcome,
    Profession,
    ProfessionalActivity,
    ReferralDecision,
    Session,
    ShareWith,
    record_from_dict,
)
from tests.unit.domain.records.factories import (
    CONSENT_FORM_SHA256,
    SECRET_NAME,
    activity,
    amendment,
    assessment,
    attachment,
    case,
    closure,
    concern,
    group_session,
    messages_of,
    problems_of,
    referral,
    session,
    young_person,
)

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
        "attendees_by_profession: cannot be a negative number"
    ]
    twice = ((Profession.HEALTH, 5), (Profession.HEALTH, 1))
    assert problems_of(activity(attendees_by_profession=twice)) == {"attendees_by_profession"}


def test_an_activity_s_problems_read_after_the_field_s_name() -> None:
    """Shown as "{field} {problem}.", "count at least one attendee" read "Attendees count at
    least one attendee."."""
    assert messages_of(activity(attendees_by_profession=((Profession.HEALTH, 0),))) == [
        "attendees_by_profession: must be at least 1: type how many came from each profession"
    ]
    twice = ((Profession.HEALTH, 5), (Profession.HEALTH, 1))
    assert messages_of(activity(attendees_by_profession=twice)) == [
        "attendees_by_profession: must give each profession only once"
    ]


def test_group_work_has_a_topic_of_a_few_words_and_a_head_count_that_could_be_real() -> None:
    """A 3,000-character topic and 10,000 young people were finalised."""
    assert problems_of(group_session(topic="T" * (MAX_TOPIC_CHARS + 1))) == {"topic"}
    group_session(topic="T" * MAX_TOPIC_CHARS).validate()
    assert messages_of(group_session(young_people_reached=10_000)) == [
        "young_people_reached: must be at most 1,000: record a bigger event as its separate "
        "sessions"
    ]
    group_session(young_people_reached=MAX_HEAD_COUNT).validate()
    assert problems_of(activity(topic="T" * 3000)) == {"topic"}
    many = ((Profession.HEALTH, 600), (Profession.POLICE, 401))
    assert problems_of(activity(attendees_by_profession=many)) == {"attendees_by_profession"}
    activity(attendees_by_profession=((Profession.HEALTH, 600), (Profession.POLICE, 400))
             ).validate()


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


# --- attachment --------------------------------------------------------------------------------


def test_an_attachment_on_the_case_or_one_of_its_records_is_valid() -> None:
    attachment().validate()
    for kind in ("session", "safeguarding_concern"):
        attachment(attached_kind=kind, attached_to="s-1").validate()
    # A referral comes before its case: a document on it needs no case.
    attachment(case_id=None, attached_kind="referral", attached_to="ref-1").validate()
    attachment(attached_kind="referral", attached_to="ref-1").validate()
    assert ATTACHABLE_KINDS == ("session", "referral", "safeguarding_concern")


def test_an_attachment_lists_every_broken_rule_at_once_without_the_values() -> None:
    broken = attachment(
        title=" ", file_name="", size=0, sha256="NOT-A-HASH " + SECRET_NAME, replaces="at-1",
        case_id=None,
    )
    assert problems_of(broken) == {"title", "file_name", "size", "sha256", "replaces", "case_id"}
    assert all(SECRET_NAME not in message for message in messages_of(broken))


def test_an_attachments_file_name_is_a_name_only_never_a_path() -> None:
    for name in ("../../etc/passwd", "C:\\Users\\worker\\form.pdf", "form\x00.pdf",
                 "notes/form.pdf", "x" * 300 + ".pdf"):
        assert problems_of(attachment(file_name=name)) == {"file_name"}, name
    attachment(file_name="Consent form (signed) 2024.pdf").validate()


def test_an_attachments_hash_is_64_lowercase_hex_digits() -> None:
    for bad in (CONSENT_FORM_SHA256.upper(), CONSENT_FORM_SHA256[:-1], "", "g" * 64):
        assert problems_of(attachment(sha256=bad)) == {"sha256"}


@pytest.mark.parametrize(("kind", "to", "fields"), [
    ("session", None, {"attached_to"}),
    (None, "s-1", {"attached_kind"}),
    ("case", "case-1", {"attached_kind"}),
    ("closure", "cl-1", {"attached_kind"}),
    ("session", " ", {"attached_to"}),
])
def test_an_attachment_names_what_it_is_attached_to_with_both_fields_or_neither(
    kind: str | None, to: str | None, fields: set[str]
) -> None:
    assert problems_of(attachment(attached_kind=kind, attached_to=to)) == fields


def test_only_a_document_on_a_referral_may_have_no_case() -> None:
    assert problems_of(attachment(case_id=None)) == {"case_id"}
    assert problems_of(attachment(case_id=None, attached_kind="session",
                                  attached_to="s-1")) == {"case_id"}
    assert problems_of(attachment(case_id="  ")) == {"case_id"}


def test_a_new_version_points_at_the_attachment_it_replaces_never_at_itself() -> None:
    attachment(id="at-2", replaces="at-1").validate()
    assert problems_of(attachment(replaces="at-1")) == {"replaces"}
    assert problems_of(attachment(id="at-2", replaces="")) == {"replaces"}


def test_an_attachment_is_an_event_found_by_title_note_and_file_name() -> None:
    record = attachment()
    assert Attachment.EVENT is True and Attachment.KIND == "attachment"
    assert record.searchable_text() == (
        "Signed consent form\nFictional note about the form\nconsent-form.pdf")
    data = record.to_dict()
    assert data["document_date"] == "2024-03-06" and data["replaces"] is None
    assert record_from_dict("attachment", data) == record


def test_every_profession_has_a_label_and_a_short_one() -> None:
    assert list(PROFESSION_LABELS) == list(Profession)
    assert list(PROFESSION_SHORT_LABELS) == list(Profession)
    assert PROFESSION_LABELS[Profession.VOLUNTARY_SECTOR] == "Voluntary sector"
    assert PROFESSION_SHORT_LABELS[Profession.VOLUNTARY_SECTOR] == "Voluntary"


def test_every_closure_reason_and_outcome_has_a_label() -> None:
    assert list(CLOSURE_REASON_LABELS) == list(ClosureReason)
    assert list(OUTCOME_LABELS) == list(Outcome)


def test_every_closure_reason_outcome_and_decision_has_each_of_its_wordings() -> None:
    for table in (CLOSURE_REASON_SHORT_LABELS, CLOSURE_REASON_CHOICES):
        assert list(table) == list(ClosureReason)
    for outcomes in (OUTCOME_SHORT_LABELS, OUTCOME_EXPLAINED):
        assert list(outcomes) == list(Outcome)
    for decisions in (REFERRAL_DECISION_LABELS, REFERRAL_DECISION_CHOICES):
        assert list(decisions) == list(ReferralDecision)
    assert CLOSURE_REASON_SHORT_LABELS[ClosureReason.NON_ENGAGEMENT] == "Not engaging"
    assert CLOSURE_REASON_SHORT_LABELS[ClosureReason.MOVED_AWAY] == "Moved away"
    assert CLOSURE_REASON_CHOICES[ClosureReason.OTHER] == "Another reason"
    assert OUTCOME_SHORT_LABELS[Outcome.INCOMPLETE] == "Not comparable"
    assert OUTCOME_EXPLAINED[Outcome.LOWER].startswith("Lower: ")
    assert REFERRAL_DECISION_LABELS[ReferralDecision.ACCEPTED] == "Accepted"
    assert REFERRAL_DECISION_CHOICES[ReferralDecision.ACCEPTED] == "Accept: open a case"


# ---------------------------------------------------------------------------------------------
# Consent to share
# ---------------------------------------------------------------------------------------------


def _consent(**changes: object) -> Consent:
    fields: dict[str, object] = {
        "id": "consent-1",
        "case_id": "case-1",
        "given_on": date(2025, 1, 13),
        "given_by": ConsentGivenBy.YOUNG_PERSON,
        "given_by_name": "Demo Birch",
        "method": ConsentMethod.VERBAL,
        "explained": "Who we would tell and why, and that they can change their mind.",
        "share_with": (ShareWith.CHILDRENS_SOCIAL_CARE, ShareWith.POLICE),
        "review_on": date(2025, 7, 13),
    }
    fields.update(changes)
    return Consent(**fields)  # type: ignore[arg-type]


def test_consent_lists_who_it_covers_in_a_fixed_order_and_survives_storage() -> None:
    consent = _consent()
    consent.validate()
    assert consent.share_with == (ShareWith.POLICE, ShareWith.CHILDRENS_SOCIAL_CARE)
    assert consent.shares_with(ShareWith.POLICE) and not consent.shares_with(ShareWith.SCHOOL)
    assert Consent.from_dict(consent.to_dict()) == consent
    assert [SHARE_WITH_LABELS[s] for s in ShareWith] == [
        "police", "children's social care", "school", "health"
    ]
    assert Consent.EVENT  # immutable once final: a change is a new consent record


def test_consent_must_say_what_was_explained_who_gave_it_and_when_to_review() -> None:
    assert problems_of(_consent(explained=" ", given_by_name="", review_on=None)) == {
        "explained", "given_by_name", "review_on"
    }
    with pytest.raises(ValidationError) as info:
        _consent(review_on=None).validate()
    assert "must be chosen: when consent is due for review" in str(info.value)


def test_consent_review_must_come_after_it_was_given() -> None:
    assert problems_of(_consent(review_on=date(2025, 1, 13))) == {"review_on"}


def test_a_parent_or_carer_must_say_how_they_are_related_and_only_they_may() -> None:
    carer = _consent(given_by=ConsentGivenBy.PARENT_OR_CARER, given_by_name="Demo Parent")
    assert problems_of(carer) == {"carer_relationship"}
    dataclasses.replace(carer, carer_relationship="Mother").validate()
    assert problems_of(_consent(carer_relationship="Aunt")) == {"carer_relationship"}


def test_consent_recorded_another_way_says_how() -> None:
    assert problems_of(_consent(method=ConsentMethod.OTHER)) == {"method_detail"}
    _consent(method=ConsentMethod.OTHER, method_detail="Signed on a text message").validate()


def test_withdrawing_consent_is_a_new_record_sharing_nothing_naming_the_one_withdrawn() -> None:
    withdrawal = _consent(
        id="consent-2", withdrawn=True, share_with=(), review_on=None, explained="",
        supersedes_id="consent-1", given_on=date(2025, 3, 1),
    )
    withdrawal.validate()
    assert not withdrawal.shares_with(ShareWith.POLICE)
    assert problems_of(
        dataclasses.replace(withdrawal, share_with=(ShareWith.POLICE,), supersedes_id=None,
                            review_on=date(2025, 9, 1))
    ) == {"share_with", "supersedes_id", "review_on"}
    assert problems_of(dataclasses.replace(withdrawal, supersedes_id="consent-2")) == {
        "supersedes_id"
    }


def test_consent_is_found_by_what_was_explained() -> None:
    assert "change their mind" in _consent().searchable_text()
