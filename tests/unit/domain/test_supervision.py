"""Supervision records (comments, review marks, sign-off, case supervision) and the rules of
the review queue, sign-off and unread comments. Fictional data only."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import (
    MIN_RETURN_COMMENT_CHARS,
    AssessmentType,
    Case,
    CaseStatus,
    CaseSupervision,
    Closure,
    ClosureReason,
    Outcome,
    RaisedTo,
    Record,
    ReviewMark,
    RiskAssessment,
    SafeguardingConcern,
    SignOff,
    SignOffOutcome,
    SignOffRequest,
    SupervisionAction,
    SupervisionComment,
    record_from_dict,
)
from spokeapp.domain.supervision import (
    SignOffState,
    comments_by_record,
    due_actions,
    latest_decision,
    needs_sign_off,
    pending_sign_offs,
    reopen_after_return,
    request_id_for,
    review_queue,
    sign_off_state,
    unread_comments,
    unread_feedback,
)
from tests.helpers.records import session

AT = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
CASE_ID = "case-test-1"


def comment(**overrides: object) -> SupervisionComment:
    fields: dict[str, object] = {
        "id": "comment-1", "case_id": CASE_ID, "author": "sup-x", "written_at": AT,
        "text": "Good work keeping the bus-home plan going; check in with school.",
        "about_id": "session-1", "about_kind": "session",
    }
    fields.update(overrides)
    return SupervisionComment(**fields)  # type: ignore[arg-type]


def mark(record_id: str = "session-1", **overrides: object) -> ReviewMark:
    fields: dict[str, object] = {
        "id": f"mark-{record_id}", "case_id": CASE_ID, "record_id": record_id,
        "record_kind": "session", "reviewed_by": "sup-x", "reviewed_at": AT,
    }
    fields.update(overrides)
    return ReviewMark(**fields)  # type: ignore[arg-type]


def decision(request_id: str = "closure-1", **overrides: object) -> SignOff:
    fields: dict[str, object] = {
        "id": f"sign-off-{request_id}", "case_id": CASE_ID, "request_id": request_id,
        "request_kind": "closure", "outcome": SignOffOutcome.APPROVED,
        "decided_by": "sup-x", "decided_at": AT,
    }
    fields.update(overrides)
    return SignOff(**fields)  # type: ignore[arg-type]


def minute(**overrides: object) -> CaseSupervision:
    fields: dict[str, object] = {
        "id": "supervision-1", "case_id": CASE_ID, "supervisor": "sup-x",
        "held_on": date(2026, 3, 4), "discussion": "Fictional discussion of the test case.",
        "decisions": ("Keep weekly sessions",),
        "decisions_not_to_act": ("No new referral to the MASH now: no new information",),
        "action_texts": ("Ask school about attendance",),
        "action_owners": ("worker-a",), "action_due": (date(2026, 3, 18),),
    }
    fields.update(overrides)
    return CaseSupervision(**fields)  # type: ignore[arg-type]


def closure(closure_id: str = "closure-1", **overrides: object) -> Closure:
    fields: dict[str, object] = {
        "id": closure_id, "case_id": CASE_ID, "closed_on": date(2026, 3, 3),
        "reason": ClosureReason.MOVED_AWAY, "outcome": Outcome.INCOMPLETE,
        "no_assessment_reason": "Moved out of area before a closing assessment.",
    }
    fields.update(overrides)
    return Closure(**fields)  # type: ignore[arg-type]


def assessment(assessment_id: str, *, override: bool, on: date = date(2026, 3, 1)
               ) -> RiskAssessment:
    return RiskAssessment(
        id=assessment_id, case_id=CASE_ID, assessment_type=AssessmentType.REVIEW,
        assessed_on=on, tool_id="test-tool", tool_version=1, answers=(("q1", 1),), score=1,
        level="low", override_level="high" if override else None,
        override_reasons="Professional judgement: new older contacts seen." if override else "",
        needs_sign_off=override,
    )


def problems(record: Record) -> set[str]:
    with pytest.raises(ValidationError) as info:
        record.validate()
    return info.value.fields()


# --- the records ------------------------------------------------------------------------------


@pytest.mark.parametrize("record", [comment(), mark(), decision(), minute()],
                         ids=lambda r: r.KIND)
def test_supervision_records_are_events_that_survive_json(record: Record) -> None:
    record.validate()
    assert record.EVENT
    assert record.case_id == CASE_ID
    again = record_from_dict(record.KIND, json.loads(json.dumps(record.to_dict())))
    assert again == record


def test_a_comment_needs_text_an_author_and_a_time_zone() -> None:
    assert problems(comment(text=" ", author="", written_at=AT.replace(tzinfo=None))) == {
        "text", "author", "written_at"
    }


def test_a_comment_names_both_the_record_and_its_kind_or_neither() -> None:
    comment(about_id=None, about_kind=None).validate()  # about the case in general
    assert problems(comment(about_kind=None)) == {"about_kind"}
    assert problems(comment(about_kind="not_a_kind")) == {"about_kind"}


def test_only_notes_and_assessments_are_marked_reviewed() -> None:
    mark(record_kind="risk_assessment").validate()
    with pytest.raises(ValidationError) as info:
        mark(record_kind="closure").validate()
    assert "only session notes and risk assessments" in str(info.value)


def test_returning_needs_a_comment_saying_what_to_do() -> None:
    returned = decision(outcome=SignOffOutcome.RETURNED, comment="Too short")
    with pytest.raises(ValidationError) as info:
        returned.validate()
    assert f"at least {MIN_RETURN_COMMENT_CHARS} characters" in str(info.value)
    dataclasses.replace(
        returned, comment="Please do the closing risk assessment first."
    ).validate()
    decision().validate()  # approving needs no comment
    assert problems(decision(request_kind="session")) == {"request_kind"}


def test_case_supervision_actions_each_have_an_owner_and_a_due_date() -> None:
    record = minute()
    assert record.actions == (
        SupervisionAction("Ask school about attendance", "worker-a", date(2026, 3, 18)),
    )
    assert problems(minute(action_owners=())) == {"action_owners"}
    assert problems(minute(action_due=(date(2026, 3, 1),))) == {"action_due"}
    assert problems(minute(decisions=("",), discussion="")) == {"decisions", "discussion"}
    assert "No new referral" in record.searchable_text()


# --- review queue -----------------------------------------------------------------------------


def test_review_queue_is_others_unreviewed_notes_oldest_first() -> None:
    old = session(CASE_ID, id="s-old", occurred_at=AT - timedelta(days=3))
    new = session(CASE_ID, id="s-new", occurred_at=AT)
    reviewed = session(CASE_ID, id="s-done", occurred_at=AT - timedelta(days=5))
    own = session(CASE_ID, id="s-own", occurred_at=AT - timedelta(days=9))
    risk = assessment("a-1", override=False, on=date(2026, 3, 2))
    records: list[Record] = [new, reviewed, own, old, risk, mark("s-done"), comment()]
    authors = {"s-own": "sup-x"}
    queue = review_queue(records, me="sup-x", authors=authors)
    assert [r.id for r in queue] == ["s-old", "a-1", "s-new"]


# --- sign-off ---------------------------------------------------------------------------------


def test_closures_and_overridden_levels_need_sign_off_until_decided() -> None:
    plain, overridden, closed = (
        assessment("a-plain", override=False), assessment("a-over", override=True), closure()
    )
    assert [needs_sign_off(r) for r in (plain, overridden, closed)] == [False, True, True]
    assert sign_off_state(plain, []) is SignOffState.NOT_NEEDED
    assert sign_off_state(closed, []) is SignOffState.AWAITING
    assert [r.id for r in pending_sign_offs([plain, closed, overridden])] == [
        "a-over", "closure-1"
    ]
    approved = decision("a-over", request_kind="risk_assessment")
    assert sign_off_state(overridden, [approved]) is SignOffState.APPROVED
    assert [r.id for r in pending_sign_offs([closed, overridden, approved])] == ["closure-1"]


def test_the_latest_decision_counts() -> None:
    returned = decision(id="d-1", outcome=SignOffOutcome.RETURNED,
                        comment="Please record why the young person moved.")
    approved_later = decision(id="d-2", decided_at=AT + timedelta(days=1))
    assert latest_decision("closure-1", [approved_later, returned]) == approved_later
    assert sign_off_state(closure(), [returned]) is SignOffState.RETURNED
    assert sign_off_state(closure(), [returned, approved_later]) is SignOffState.APPROVED


def test_a_returned_closure_reopens_the_case() -> None:
    closed = Case(id=CASE_ID, young_person_id="yp-1", key_worker="worker-a",
                  opened_on=date(2026, 1, 5), status=CaseStatus.CLOSED,
                  closed_on=date(2026, 3, 3))
    reopened = reopen_after_return(closed)
    reopened.validate()
    assert (reopened.status, reopened.closed_on) == (CaseStatus.OPEN, None)
    assert reopen_after_return(reopened) is reopened


# --- comments ---------------------------------------------------------------------------------


def test_unread_comments_are_others_comments_not_marked_read() -> None:
    first = comment(id="c-1", written_at=AT - timedelta(hours=1))
    second = comment(id="c-2")
    mine = comment(id="c-3", author="worker-a")
    records: list[Record] = [second, mine, first]
    assert [c.id for c in unread_comments(records, me="worker-a", read=set())] == ["c-1", "c-2"]
    assert [c.id for c in unread_comments(records, me="worker-a", read={"c-1"})] == ["c-2"]
    assert list(comments_by_record(records)) == ["session-1"]
    assert [c.id for c in comments_by_record(records)["session-1"]] == ["c-1", "c-2", "c-3"]


def test_unread_feedback_adds_the_supervisors_decisions() -> None:
    returned = decision(id="d-1", outcome=SignOffOutcome.RETURNED, decided_at=AT,
                        comment="Please do the closing assessment first.")
    earlier = comment(id="c-1", written_at=AT - timedelta(hours=1))
    own = decision(id="d-2", decided_by="worker-a")
    records: list[Record] = [returned, earlier, own]
    assert [r.id for r in unread_feedback(records, me="worker-a", read=set())] == [
        "c-1", "d-1"
    ]
    assert unread_feedback(records, me="worker-a", read={"c-1", "d-1"}) == []


# --- sign-off of the kinds a hub asks approval for ------------------------------------------


def raised_concern(concern_id: str = "concern-1") -> SafeguardingConcern:
    return SafeguardingConcern(id=concern_id, case_id=CASE_ID, raised_on=date(2026, 3, 2),
                               raised_to=RaisedTo.POLICE, summary="Fictional concern summary.")


def request_for(record: SafeguardingConcern) -> SignOffRequest:
    return SignOffRequest(id=request_id_for(record.id), case_id=CASE_ID, record_id=record.id,
                          record_kind=record.KIND, worker="worker-a", requested_at=AT)


def test_a_sign_off_request_is_an_event_the_hub_writes_about_a_configured_kind() -> None:
    request = request_for(raised_concern())
    request.validate()
    assert request.EVENT and request.case_id == CASE_ID
    assert record_from_dict(request.KIND, json.loads(json.dumps(request.to_dict()))) == request
    assert request.id == request_id_for("concern-1"), "the same record, the same request id"
    assert request_id_for("concern-2") != request.id
    bad = dataclasses.replace(request, record_kind="session", requested_at=AT.replace(tzinfo=None))
    assert problems(bad) == {"record_kind", "requested_at"}


def test_a_record_named_by_a_request_needs_sign_off_until_decided() -> None:
    raised, other = raised_concern(), raised_concern("concern-2")
    request = request_for(raised)
    assert not needs_sign_off(raised)
    assert sign_off_state(other, [request]) is SignOffState.NOT_NEEDED
    assert sign_off_state(raised, [request]) is SignOffState.AWAITING
    assert pending_sign_offs([raised, other, request]) == [raised]
    returned = decision("concern-1", request_kind="safeguarding_concern",
                        outcome=SignOffOutcome.RETURNED, comment="Please add the reference.")
    assert sign_off_state(raised, [request, returned]) is SignOffState.RETURNED
    assert pending_sign_offs([raised, request, returned]) == []
    returned.validate()


# --- actions due ------------------------------------------------------------------------------


def test_due_actions_come_from_each_case_s_latest_minute_soonest_first() -> None:
    first = minute(id="supervision-1", held_on=date(2026, 3, 1),
                   action_texts=("Old action",), action_owners=("worker-a",),
                   action_due=(date(2026, 3, 2),))
    latest = minute(id="supervision-2", held_on=date(2026, 3, 4),
                    action_texts=("Call school", "Book strategy meeting", "Review in a month"),
                    action_owners=("worker-a", " Sup-X ", "worker-a"),
                    action_due=(date(2026, 3, 5), date(2026, 3, 12), date(2026, 4, 4)))
    elsewhere = minute(id="supervision-3", case_id="case-test-2", held_on=date(2026, 3, 1),
                       action_owners=("worker-b",), action_due=(date(2026, 3, 3),))
    today = date(2026, 3, 6)
    found = due_actions([first, latest, elsewhere], today=today)
    assert [(d.action.description, d.overdue) for d in found] == [
        ("Ask school about attendance", True),  # case 2, due 3 March
        ("Call school", True),
        ("Book strategy meeting", False),  # due within the week
    ]
    assert "Old action" not in {d.action.description for d in found}, "superseded"
    mine = due_actions([first, latest, elsewhere], today=today, owner="worker-a")
    assert [d.action.description for d in mine] == ["Call school"]
    assert [d.number for d in due_actions([latest], today=today, owner="sup-x")] == [1]
