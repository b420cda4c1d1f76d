"""The subject access bundle: complete for a case that touches every record kind, versions
marked superseded, third-party information flagged (never removed), and the information-share
record's rules."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import (
    RECORD_TYPES,
    ActivityType,
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertAcknowledgement,
    AlertDelivery,
    AlertReason,
    Amendment,
    AssessmentType,
    Attachment,
    Case,
    CaseSupervision,
    CheckIn,
    CheckInKind,
    Closure,
    ClosureReason,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ContactType,
    EscalationAlert,
    GroupSession,
    GroupSetting,
    Outcome,
    Profession,
    ProfessionalActivity,
    RaisedTo,
    Record,
    Referral,
    ReferralDecision,
    ReviewMark,
    RiskAssessment,
    SafeguardingConcern,
    Session,
    ShareWith,
    SignOff,
    SignOffOutcome,
    SignOffRequest,
    SourceType,
    SupervisionComment,
    VenueType,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
    YoungPerson,
)
from spokeapp.domain.records.casework import InformationShare, ShareBasis
from spokeapp.domain.subject_file import (
    SCHEMA,
    SECTION_OF_KIND,
    AuditLine,
    FileRecord,
    KnownNames,
    Version,
    build_bundle,
    kinds_in,
    resolve,
)

T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
OTHER_CHILD = "Quentin Fictionalson"
WORKER = "u-fict-worker"
SUPERVISOR = "u-fict-sup"


def every_kind_case(case_id: str = "case-every", *, worker: str = WORKER,
                    supervisor: str = SUPERVISOR) -> tuple[YoungPerson, list[Record]]:
    """One fictional case with a record of every kind in the registry (all valid)."""
    yp = YoungPerson(id=f"{case_id}-yp", reference="YP-EVERY", name="Avery Fictional",
                     date_of_birth=date(2011, 4, 5), needs="Prefers mornings.")
    ref = Referral(id=f"{case_id}-ref", young_person_id=yp.id, received_on=date(2026, 1, 5),
                   source_agency="Northshire Council, Pat Referrerly 07700 900111",
                   source_type=SourceType.CHILDRENS_SOCIAL_CARE,
                   reason="Fictional referral for the every-kind case.",
                   decision=ReferralDecision.ACCEPTED, decided_on=date(2026, 1, 9))
    case = Case(id=case_id, young_person_id=yp.id, referral_id=ref.id, key_worker=worker,
                opened_on=date(2026, 1, 10))
    session = Session(id=f"{case_id}-s1", case_id=case_id, contact_type=ContactType.ONE_TO_ONE,
                      occurred_at=T0, duration_minutes=45, venue_type=VenueType.CAFE,
                      discussed=f"Talked about school; mentioned {OTHER_CHILD} from the bus.",
                      young_persons_words="Call me on 07700 900222 or avery@example.org.")
    concern = SafeguardingConcern(id=f"{case_id}-c1", case_id=case_id, raised_on=date(2026, 2, 1),
                                  raised_to=RaisedTo.POLICE, summary="Fictional concern.",
                                  their_reference="NP-TEST-0001")
    risk = RiskAssessment(id=f"{case_id}-r1", case_id=case_id,
                          assessment_type=AssessmentType.INITIAL, assessed_on=date(2026, 1, 12),
                          tool_id="spoke-default", tool_version=1, answers=(("q1", 1),),
                          score=1, level="low")
    closure = Closure(id=f"{case_id}-close", case_id=case_id, closed_on=date(2026, 6, 1),
                      reason=ClosureReason.OUTCOMES_MET, outcome=Outcome.INCOMPLETE,
                      no_assessment_reason="Moved before the closing assessment.")
    amendment = Amendment(id=f"{case_id}-a1", case_id=case_id, amends_id=session.id,
                          amends_kind="session", reason="Wrong venue.",
                          text="It was the library cafe.")
    consent = Consent(id=f"{case_id}-consent", case_id=case_id, given_on=date(2026, 1, 12),
                      given_by=ConsentGivenBy.PARENT_OR_CARER, given_by_name="Morgan Fictional",
                      carer_relationship="Mum", method=ConsentMethod.VERBAL,
                      explained="What sharing means.", share_with=(ShareWith.HEALTH,),
                      review_on=date(2026, 7, 12))
    share = InformationShare(id=f"{case_id}-share", case_id=case_id, shared_on=date(2026, 2, 2),
                             shared_by=worker, recipient="police",
                             recipient_detail="DC Fictional, Northshire Police",
                             what="verbal update",
                             basis=ShareBasis.SAFEGUARDING_CHILD_AT_RISK,
                             reason="Immediate risk of harm from an adult named in the concern.")
    group = GroupSession(id=f"{case_id}-g1", held_on=date(2026, 2, 10),
                         setting=GroupSetting.SCHOOL, topic="Healthy relationships",
                         young_people_reached=12, notes="Avery Fictional joined in.")
    activity = ProfessionalActivity(
        id=f"{case_id}-p1", held_on=date(2026, 2, 11),
        activity_type=ActivityType.CONSULTANCY, topic="Consultancy about Avery Fictional",
        attendees_by_profession=((Profession.EDUCATION, 1),),
        notes="With Ms Teacherly, 01632 960123.")
    comment = SupervisionComment(id=f"{case_id}-sc", case_id=case_id, author=supervisor,
                                 written_at=T0 + timedelta(days=1), text="Good session.",
                                 about_id=session.id, about_kind="session")
    mark = ReviewMark(id=f"{case_id}-rm", case_id=case_id, record_id=session.id,
                      record_kind="session", reviewed_by=supervisor,
                      reviewed_at=T0 + timedelta(days=1))
    request = SignOffRequest(id=f"{case_id}-sor", case_id=case_id, record_id=amendment.id,
                             record_kind="amendment", worker=worker,
                             requested_at=T0 + timedelta(days=2))
    sign_off = SignOff(id=f"{case_id}-so", case_id=case_id, request_id=closure.id,
                       request_kind="closure", outcome=SignOffOutcome.APPROVED,
                       decided_by=supervisor, decided_at=T0 + timedelta(days=3))
    minute = CaseSupervision(id=f"{case_id}-cs", case_id=case_id, supervisor=supervisor,
                             held_on=date(2026, 3, 3), discussion="Plan reviewed.")
    visit = f"{case_id}-visit"
    plan = VisitPlan(id=visit, worker=worker, location="Fictional Cafe, High Street",
                     starts_at=T0, expected_end=T0 + timedelta(hours=2),
                     mobile_number="07700 900123", buddy_name="Fictional Buddy",
                     buddy_phone="07700 900456", case_reference="YP-0042",
                     linked_case_id=case_id)
    check_in = CheckIn(id=f"{case_id}-ci", visit_id=visit, kind=CheckInKind.SAFE,
                       at=T0 + timedelta(minutes=30))
    alarm = Alarm(id=f"{case_id}-al", visit_id=visit, raised_at=T0 + timedelta(minutes=40),
                  kind=AlarmKind.PANIC)
    alert = EscalationAlert(id=f"{case_id}-ea", visit_id=visit, tier="buddy",
                            raised_at=T0 + timedelta(minutes=41), recipients=("buddy",),
                            reason=AlertReason.PANIC, deadline=T0 + timedelta(minutes=40),
                            cause_id=f"{case_id}-al")
    delivery = AlertDelivery(id=f"{case_id}-ad", alert_id=alert.id, visit_id=visit,
                             channels=("sms",), roles=("buddy",), statuses=("sent",),
                             reasons=("",), attempts=(1,))
    ack = AlertAcknowledgement(id=f"{case_id}-ack", alert_id=alert.id, visit_id=visit,
                               by=supervisor, at=T0 + timedelta(minutes=42))
    resolution = AlarmResolution(id=f"{case_id}-res", visit_id=visit, by=supervisor,
                                 at=T0 + timedelta(minutes=50),
                                 note="Fictional: worker safe, leaving now.")
    debrief = WelfareDebrief(id=f"{case_id}-wd", visit_id=visit, supervisor=supervisor,
                             due_on=date(2026, 3, 4))
    debrief_done = WelfareDebriefDone(id=f"{case_id}-wdd", debrief_id=debrief.id,
                                      visit_id=visit, by=supervisor,
                                      at=T0 + timedelta(days=1),
                                      note="Met at the office: fine, no follow-up.")
    document = Attachment(id=f"{case_id}-doc", case_id=case_id, attached_kind="session",
                          attached_to=session.id, title="Drawing of the bus stop",
                          document_date=date(2026, 3, 2), file_name="drawing.png",
                          media_type="image/png", size=48_213, sha256="ab" * 32)
    records: list[Record] = [
        yp, ref, case, session, concern, risk, closure, amendment, consent, share, group,
        activity, comment, mark, request, sign_off, minute, plan, check_in, alarm, alert,
        delivery, ack, resolution, debrief, debrief_done, document,
    ]
    return yp, records


def _file_records(records: list[Record]) -> list[FileRecord]:
    out = []
    for record in records:
        state = "final" if record.EVENT else "header"
        out.append(FileRecord(kind=record.KIND, record_id=record.id, content=record.to_dict(),
                              state=state, author=WORKER,
                              versions=[Version(at="2026-03-02T10:00:00+00:00", by=WORKER,
                                                device="dev-1", seq=1,
                                                content=record.to_dict())]))
    return out


def _bundle(records: list[FileRecord], **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("known", KnownNames(others=[OTHER_CHILD, "YP-OTHER"],
                                          staff=["Sam Supervisorly"]))
    return build_bundle("case-every", records, [
        AuditLine(at="2026-03-03T09:00:00+00:00", who=SUPERVISOR, action="case_view",
                  device="dev-2"),
    ], source="hub", made_at="2026-03-04T09:00:00+00:00", made_by="u-fict-admin", **kwargs)


def test_every_record_kind_in_the_registry_has_a_place_in_the_file() -> None:
    assert set(SECTION_OF_KIND) == set(RECORD_TYPES)


def test_the_bundle_holds_every_kind_of_record_of_the_case_with_its_content() -> None:
    _yp, records = every_kind_case()
    assert {r.KIND for r in records} == set(RECORD_TYPES)  # the case touches every kind
    for record in records:
        record.validate()
    bundle = _bundle(_file_records(records))

    assert bundle["schema"] == SCHEMA == "spoke.subject_file/1"
    assert kinds_in(bundle) == set(RECORD_TYPES)
    assert bundle["young_person"]["content"]["name"] == "Avery Fictional"
    assert bundle["referral"]["content"]["reason"].startswith("Fictional referral")
    assert bundle["case"]["id"] == "case-every"
    session = next(e for e in bundle["casework"] if e["kind"] == "session")
    assert session["amended_by"] == ["case-every-a1"]  # the amendment is linked to it
    shares = [e for e in bundle["consent_and_sharing"] if e["kind"] == "information_share"]
    assert shares[0]["content"]["basis"] == "safeguarding_child_at_risk"
    assert bundle["audit"] == [{"at": "2026-03-03T09:00:00+00:00", "who": SUPERVISOR,
                                "action": "case_view", "device": "dev-2", "detail": ""}]
    json.dumps(bundle)  # machine-readable as it stands


def test_attached_documents_are_listed_with_their_details_but_never_their_contents() -> None:
    _yp, records = every_kind_case()
    bundle = _bundle(_file_records(records))
    (document,) = bundle["attachments"]
    content = document["content"]
    assert (content["title"], content["document_date"], content["file_name"],
            content["size"]) == ("Drawing of the bus stop", "2026-03-02", "drawing.png", 48_213)
    assert set(content) == {f.name for f in dataclasses.fields(Attachment)}  # no bytes in it
    assert any("contents are not in this file" in note for note in bundle["notes"])
    # Its fingerprint is not read as a phone number or a name.
    assert not [f for f in bundle["third_party_flags"] if f["path"].startswith("/attachments")]
    without = _bundle(_file_records([r for r in records if r.KIND != "attachment"]))
    assert not any("contents are not in this file" in note for note in without["notes"])


def test_a_kind_without_a_place_in_the_file_is_refused_not_dropped() -> None:
    with pytest.raises(ValueError, match="diary"):
        build_bundle("c", [FileRecord(kind="diary", record_id="d", content={})], [],
                     source="hub", made_at="", made_by="")


def test_earlier_versions_of_the_young_persons_details_are_kept_and_marked_superseded() -> None:
    first = {"id": "yp", "reference": "YP-1", "name": "Avery Oldname"}
    now = {"id": "yp", "reference": "YP-1", "name": "Avery Fictional"}
    bundle = _bundle([FileRecord(kind="young_person", record_id="yp", content=now,
                                 state="header", versions=[
                                     Version(at="2026-01-01", by=WORKER, content=first),
                                     Version(at="2026-02-01", by=WORKER, content=now)])])
    versions = bundle["young_person"]["versions"]
    assert [v["superseded"] for v in versions] == [True, False]
    assert versions[0]["content"]["name"] == "Avery Oldname"
    assert bundle["young_person"]["content"]["name"] == "Avery Fictional"
    # The young person's own names, old or new, are never third-party information.
    assert not [f for f in bundle["third_party_flags"] if f["kind"] == "names_others"]


def test_third_party_information_is_flagged_with_where_and_why_and_nothing_is_removed() -> None:
    _yp, records = every_kind_case()
    bundle = _bundle(_file_records(records))
    flags = bundle["third_party_flags"]
    by_why = {(f["kind"], f["why"].split(" (")[0]): f["path"] for f in flags}

    session_path = next(f["path"] for f in flags
                        if f["kind"] == "other_young_person" and "casework" in f["path"])
    assert OTHER_CHILD in resolve(bundle, session_path)  # the text is still there, flagged
    assert ("contact_details", "contains a phone number") in by_why
    assert ("contact_details", "contains an email address") in by_why
    assert resolve(bundle, by_why[("professional_details", "the referrer's details")]) \
        .startswith("Northshire Council")
    assert ("professional_details", "the recipient's details") in by_why
    assert ("family_details", "a parent or carer's name") in by_why
    assert any(f["kind"] == "other_young_person" and "mentions" in f["path"]
               and "group work" in f["why"] for f in flags)
    assert any(f["kind"] == "professional_details" and "mentions" in f["path"] for f in flags)
    for flag in flags:
        resolve(bundle, flag["path"])  # every path leads to a field of the bundle


def test_a_capitalised_name_not_known_as_the_young_persons_is_flagged_but_staff_are_not() -> None:
    note = {"id": "s", "case_id": "c", "discussed": "Walked with Jamie Otherly. "
            "Sam Supervisorly joined us. Avery Fictional was tired."}
    yp = {"id": "yp", "reference": "YP-1", "name": "Avery Fictional"}
    bundle = _bundle([FileRecord(kind="young_person", record_id="yp", content=yp),
                      FileRecord(kind="session", record_id="s", content=note)],
                     known=KnownNames(staff=["Sam Supervisorly"]))
    named = [f for f in bundle["third_party_flags"] if f["kind"] == "names_others"]
    assert [f["path"] for f in named] == ["/casework/0/content/discussed"]

    only_staff = dict(note, discussed="Sam Supervisorly joined us. Avery Fictional was tired.")
    bundle = _bundle([FileRecord(kind="young_person", record_id="yp", content=yp),
                      FileRecord(kind="session", record_id="s", content=only_staff)],
                     known=KnownNames(staff=["Sam Supervisorly"]))
    assert not [f for f in bundle["third_party_flags"] if f["kind"] == "names_others"]


def _share(**changes: Any) -> InformationShare:
    fields: dict[str, Any] = {
        "id": "share-1", "case_id": "case-1", "shared_on": date(2026, 12, 4),
        "shared_by": WORKER, "recipient": "police", "what": "case file (PDF and JSON)",
        "basis": ShareBasis.SAFEGUARDING_CHILD_AT_RISK,
        "reason": "Immediate risk of harm; police asked for the chronology.",
    }
    fields.update(changes)
    return InformationShare(**fields)


def test_an_information_share_without_consent_needs_a_reason_of_twenty_characters() -> None:
    _share().validate()
    with pytest.raises(ValidationError, match="reason: say why sharing without consent"):
        _share(reason="risk").validate()
    _share(basis=ShareBasis.CONSENT, reason="").validate()  # consent covers it: no reason
    _share(basis=ShareBasis.SUBJECT_ACCESS, recipient="other",
           recipient_detail="The young person", reason="").validate()


def test_an_information_share_says_who_received_it() -> None:
    with pytest.raises(ValidationError, match="recipient_detail: is required"):
        _share(recipient="other").validate()
    with pytest.raises(ValidationError, match="recipient: must be one of"):
        _share(recipient="the press").validate()
    share = _share()
    assert InformationShare.from_dict(json.loads(json.dumps(share.to_dict()))) == share
    assert RECORD_TYPES["information_share"] is InformationShare
