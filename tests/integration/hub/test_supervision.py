"""Supervision records on a real hub: supervisors write them on their team's cases, in their own
name; workers cannot, and a supervisor of another team cannot see or touch the case."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session as DbSession

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    AssessmentType,
    Case,
    CaseSupervision,
    Record,
    ReviewMark,
    RiskAssessment,
    Session,
    SignOff,
    SignOffOutcome,
    SupervisionComment,
    record_from_dict,
)
from spokeapp.domain.supervision import pending_sign_offs
from spokeapp.hub.models import HubRecord
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, referral, session, young_person

AT = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@dataclass
class Team:
    hub: RunningHub
    worker: Laptop
    sup_x: Laptop
    sup_y: Laptop
    case_a: Case
    note: Session


@pytest.fixture
def team(hub: RunningHub) -> Iterator[Team]:
    add = hub.admin.add_user
    worker = hub.laptop(add("Test Worker A", "worker", "team-x"))
    sup_x = hub.laptop(add("Test Supervisor X", "supervisor", "team-x"))
    sup_y = hub.laptop(add("Test Supervisor Y", "supervisor", "team-y"))
    yp = young_person(1)
    case_a = case(yp, key_worker=worker.user_id)
    note = session(case_a.id)
    worker.push_records(yp, case_a, note)
    yield Team(hub, worker, sup_x, sup_y, case_a, note)
    for laptop in (worker, sup_x, sup_y):
        laptop.close()


def supervision_records(team: Team, by: str) -> list[Record]:
    case_id, note = team.case_a.id, team.note
    return [
        SupervisionComment(id=new_id(), case_id=case_id, author=by, written_at=AT,
                           text="Fictional supervision comment.", about_id=note.id,
                           about_kind="session"),
        ReviewMark(id=new_id(), case_id=case_id, record_id=note.id, record_kind="session",
                   reviewed_by=by, reviewed_at=AT),
        SignOff(id=new_id(), case_id=case_id, request_id=new_id(), request_kind="closure",
                outcome=SignOffOutcome.RETURNED, decided_by=by, decided_at=AT,
                comment="Please do the closing assessment first."),
        CaseSupervision(id=new_id(), case_id=case_id, supervisor=by, held_on=date(2026, 3, 3),
                        discussion="Fictional discussion."),
    ]


def test_the_team_supervisor_writes_them_and_the_worker_receives_them(team: Team) -> None:
    records = supervision_records(team, team.sup_x.user_id)
    team.sup_x.push_records(*records)
    team.worker.cursor = 0
    pulled = {c["record_id"]: c for c in team.worker.pull_all()}
    for record in records:
        assert pulled[record.id]["kind"] == record.KIND
        assert pulled[record.id]["case_id"] == team.case_a.id
        assert pulled[record.id]["author"] == team.sup_x.user_id


@pytest.mark.parametrize("kind", ["supervision_comment", "review_mark", "sign_off",
                                  "case_supervision"])
def test_a_worker_cannot_push_supervision_records(team: Team, kind: str) -> None:
    record = next(r for r in supervision_records(team, team.worker.user_id) if kind == r.KIND)
    before = team.hub.admin.state()
    response = team.worker.push(team.worker.change(record))
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "out_of_scope"
    assert "only a supervisor" in response.json()["message"]
    assert team.hub.admin.state() == before


def test_a_supervisor_writes_only_in_their_own_name(team: Team) -> None:
    forged = supervision_records(team, team.worker.user_id)[0]
    before = team.hub.admin.state()
    response = team.sup_x.push(team.sup_x.change(forged))
    assert response.status_code == 403, response.text
    assert "must be you" in response.json()["message"]
    assert team.hub.admin.state() == before


def test_a_supervisor_of_another_team_cannot_see_or_review_the_case(team: Team) -> None:
    team.sup_y.cursor = 0
    assert team.sup_y.pull_all() == []
    before = team.hub.admin.state()
    for record in supervision_records(team, team.sup_y.user_id):
        response = team.sup_y.push(team.sup_y.change(record))
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "out_of_scope"
    assert team.hub.admin.state() == before


def other_case_note(team: Team) -> tuple[Case, Session]:
    """A second case of the same worker (so the same supervisor sees both), with a note."""
    yp = young_person(2)
    case_b = case(yp, key_worker=team.worker.user_id)
    note_b = session(case_b.id)
    team.worker.push_records(yp, case_b, note_b)
    return case_b, note_b


def pointing_at(team: Team, target_id: str, target_kind: str) -> list[Record]:
    """A comment, review mark and sign-off on case A that name ``target_id``."""
    case_id, by = team.case_a.id, team.sup_x.user_id
    return [
        SupervisionComment(id=new_id(), case_id=case_id, author=by, written_at=AT,
                           text="Fictional comment.", about_id=target_id,
                           about_kind=target_kind),
        ReviewMark(id=new_id(), case_id=case_id, record_id=target_id, record_kind=target_kind,
                   reviewed_by=by, reviewed_at=AT),
        SignOff(id=new_id(), case_id=case_id, request_id=target_id, request_kind=target_kind,
                outcome=SignOffOutcome.APPROVED, decided_by=by, decided_at=AT),
    ]


@pytest.mark.parametrize("kind", ["supervision_comment", "review_mark", "sign_off"])
def test_a_supervision_record_naming_a_record_of_another_case_is_refused(
    team: Team, kind: str
) -> None:
    _case_b, note_b = other_case_note(team)
    kind_for = {"sign_off": "risk_assessment"}  # a sign-off names a kind that is signed off
    target_kind = kind_for.get(kind, "session")
    record = next(r for r in pointing_at(team, note_b.id, target_kind) if kind == r.KIND)
    fine = SupervisionComment(id=new_id(), case_id=team.case_a.id, author=team.sup_x.user_id,
                              written_at=AT, text="Fictional comment on the right note.",
                              about_id=team.note.id, about_kind="session")
    before = team.hub.admin.state()
    response = team.sup_x.push(team.sup_x.change(fine), team.sup_x.change(record))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_record"
    assert "Change 1" in body["message"] and "of the same case" in body["message"]
    assert team.hub.admin.state() == before, "the whole batch is refused, nothing stored"


def test_a_supervision_record_naming_the_wrong_kind_is_refused(team: Team) -> None:
    mark = ReviewMark(id=new_id(), case_id=team.case_a.id, record_id=team.note.id,
                      record_kind="risk_assessment", reviewed_by=team.sup_x.user_id,
                      reviewed_at=AT)
    before = team.hub.admin.state()
    response = team.sup_x.push(team.sup_x.change(mark))
    assert response.status_code == 422, response.text
    assert "record_id must name a risk_assessment of the same case" in response.json()["message"]
    assert team.hub.admin.state() == before


def test_records_naming_their_own_case_s_records_are_accepted(team: Team) -> None:
    """Including a target the hub does not hold (after a restore, laptops re-push in any
    order: the comment may come back before its note)."""
    records = pointing_at(team, team.note.id, "session")[:2]
    records.append(SupervisionComment(
        id=new_id(), case_id=team.case_a.id, author=team.sup_x.user_id, written_at=AT,
        text="Fictional comment on a note not back yet.", about_id=new_id(),
        about_kind="session"))
    response = team.sup_x.push_records(*records)
    assert [r["status"] for r in response.json()["results"]] == ["accepted"] * 3


@pytest.mark.parametrize("kind", ["supervision_comment", "review_mark", "sign_off"])
def test_a_target_the_supervisor_may_not_see_is_answered_like_one_the_hub_does_not_hold(
    team: Team, kind: str
) -> None:
    """Supervisor X names, from their own team's case, a record of team Y's case and a
    referral team Y took (no case): the answer is the one for an id the hub has never seen
    (accepted, linking nothing), so it never tells that team Y has such a record, nor of what
    kind. Team Y's records are untouched and X pulls none of them."""
    other = team.hub.laptop(team.hub.admin.add_user("Test Worker Y", "worker", "team-y"))
    yp = young_person(3)
    case_y = case(yp, key_worker=other.user_id)
    note_y = session(case_y.id)
    other_yp = young_person(4)
    referral_y = referral(other_yp)
    other.push_records(yp, case_y, note_y, other_yp, referral_y)
    theirs = {record_id: _row(team, record_id) for record_id in (note_y.id, referral_y.id)}
    target_kind = {"sign_off": "closure"}.get(kind, "risk_assessment")

    def told(target_id: str) -> tuple[int, list[str]]:
        record = next(r for r in pointing_at(team, target_id, target_kind) if kind == r.KIND)
        response = team.sup_x.push(team.sup_x.change(record))
        return response.status_code, [r["status"] for r in response.json()["results"]]

    answers = [told(target) for target in (note_y.id, referral_y.id, new_id())]

    assert answers == [(200, ["accepted"])] * 3
    assert {record_id: _row(team, record_id) for record_id in theirs} == theirs
    team.sup_x.cursor = 0
    assert not set(theirs) & {c["record_id"] for c in team.sup_x.pull_all()}
    other.close()


def _row(team: Team, record_id: str) -> tuple[str, str | None, int]:
    """A hub record's kind, case and seq."""
    with DbSession(team.hub.engine) as s:
        row = s.get(HubRecord, record_id)
        assert row is not None
        return row.kind, row.case_id, row.seq


# --------------------------------------------------------------------------- signed_off_by
def overridden_assessment(case_id: str, signed_off_by: str | None) -> RiskAssessment:
    """A risk assessment whose level the worker overrode (so it needs sign-off)."""
    return RiskAssessment(
        id=new_id(), case_id=case_id, assessment_type=AssessmentType.INITIAL,
        assessed_on=date(2026, 3, 3), tool_id="default", tool_version=1, answers=(),
        score=20, level="high", override_level="low",
        override_reasons="Fictional reasons: the scored concerns were resolved last week.",
        needs_sign_off=True, signed_off_by=signed_off_by,
    )


@pytest.mark.parametrize("signer", ["worker", "sup_x"])
def test_a_worker_cannot_sign_off_her_own_overridden_risk_level(team: Team,
                                                                signer: str) -> None:
    """``signed_off_by`` on the assessment itself counts as the supervisor's approval
    (``domain.supervision.sign_off_state``): written by a worker (in her own name or her
    supervisor's), it would take the overridden level off the supervisor's Review page as
    approved. Refused whole, nothing stored; without it the assessment awaits sign-off."""
    signer_id = getattr(team, signer).user_id
    assessment = overridden_assessment(team.case_a.id, signed_off_by=signer_id)
    before = team.hub.admin.state()
    response = team.worker.push(team.worker.change(assessment))
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "out_of_scope"
    assert "signed_off_by" in response.json()["message"]
    assert team.hub.admin.state() == before
    asked = overridden_assessment(team.case_a.id, signed_off_by=None)
    team.worker.push_records(asked)
    team.sup_x.cursor = 0
    pending = pending_sign_offs(
        record_from_dict(c["kind"], c["payload"]) for c in team.sup_x.pull_all())
    assert [r.id for r in pending] == [asked.id]


def test_a_supervisor_holding_a_case_signs_off_her_own_assessment_in_her_name_only(
    hub: RunningHub,
) -> None:
    """A supervisor who is also the case's worker signs her overridden level off on the
    record itself, as herself; another supervisor's name there is refused."""
    add = hub.admin.add_user
    sup = hub.laptop(add("Test Supervisor Holder", "supervisor", "team-x"))
    other = add("Test Supervisor Other", "supervisor", "team-x")
    yp = young_person(5)
    held = case(yp, key_worker=sup.user_id)
    sup.push_records(yp, held)
    forged = sup.push(sup.change(overridden_assessment(held.id, signed_off_by=other)))
    assert forged.status_code == 403, forged.text
    sup.push_records(overridden_assessment(held.id, signed_off_by=sup.user_id))
    sup.close()
