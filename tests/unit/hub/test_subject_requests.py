"""The register of data subject requests (spokeapp/hub/subject_requests.py): a request is due
one calendar month after receipt (the ICO's rule: the corresponding calendar date, or the last
day of a shorter month); a complex request is extended once; a fulfilled or refused request is
final; bad input changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from spokeapp.hub.models import AuditEntry, Base, HubRecord, SubjectRequest
from spokeapp.hub.subject_requests import (
    SubjectRequestError,
    add_months,
    add_request,
    due_for,
    extend_request,
    fulfil_request,
    list_requests,
    refuse_request,
)

CASE = "case-demo-0001"
TODAY = date(2026, 3, 20)


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 3, 15), date(2026, 4, 15)),  # the corresponding calendar date
    (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the last day of February
    (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
    (date(2026, 3, 31), date(2026, 4, 30)),  # no 31 April
    (date(2026, 12, 31), date(2027, 1, 31)),  # into the next year
    (date(2026, 1, 29), date(2026, 2, 28)),
    (date(2026, 2, 28), date(2026, 3, 28)),
])
def test_a_request_is_due_one_calendar_month_after_receipt(received: date, due: date) -> None:
    assert due_for(received) == due


def test_an_extension_adds_up_to_two_further_months_from_receipt() -> None:
    assert due_for(date(2026, 3, 15), 2) == date(2026, 6, 15)
    assert due_for(date(2026, 1, 31), 2) == date(2026, 4, 30)
    assert due_for(date(2026, 11, 30), 2) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 31), 14) == date(2028, 2, 29)


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(HubRecord(record_id=CASE, kind="case", case_id=CASE, state="header", body={},
                        author_user="u-demo", device_id=None, seq=1,
                        hub_time="2026-01-01T00:00:00Z"))
        s.flush()
        yield s
    engine.dispose()


def _count(session: Session) -> tuple[int, int]:
    return (session.scalar(select(func.count()).select_from(SubjectRequest)) or 0,
            session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_a_request_is_recorded_listed_extended_once_and_fulfilled(session: Session) -> None:
    row = add_request(session, kind="access", case_id=CASE, received=date(2026, 1, 31),
                      today=TODAY, requester="parent_or_carer", note="Demo note naming nobody")
    assert (row.status, row.due_on) == ("open", "2026-02-28")
    [listed] = list_requests(session, TODAY)
    assert (listed.days_left, listed.standing()) == (-20, "OVERDUE by 20 days")
    assert [v.id for v in list_requests(session, TODAY, overdue_only=True)] == [row.id]

    extend_request(session, row.id, "Demo: many records across three teams")
    [listed] = list_requests(session, TODAY)
    assert (listed.status, listed.due_on, listed.standing()) == (
        "extended", date(2026, 4, 30), "41 days left")
    assert list_requests(session, TODAY, overdue_only=True) == []
    with pytest.raises(SubjectRequestError, match="already extended"):
        extend_request(session, row.id, "Demo: still more records found")
    assert row.due_on == "2026-04-30"

    fulfil_request(session, row.id, date(2026, 4, 2), "Demo bundle sent by post")
    [listed] = list_requests(session, TODAY)
    assert (listed.status, listed.days_left, listed.standing()) == (
        "fulfilled", None, "fulfilled on 2026-04-02")
    assert list_requests(session, TODAY, open_only=True) == []
    before = _count(session)
    with pytest.raises(SubjectRequestError, match="cannot change again"):
        refuse_request(session, row.id, TODAY, "Demo: manifestly unfounded")
    with pytest.raises(SubjectRequestError, match="cannot change again"):
        fulfil_request(session, row.id, TODAY)
    assert row.status == "fulfilled" and _count(session) == before


def test_a_refusal_needs_a_reason_and_is_final(session: Session) -> None:
    row = add_request(session, kind="erasure", case_id=CASE, received=TODAY, today=TODAY)
    assert row.due_on == "2026-04-20"
    with pytest.raises(SubjectRequestError, match="at least 10 characters"):
        refuse_request(session, row.id, TODAY, "no")
    assert row.status == "open"
    refuse_request(session, row.id, TODAY, "Demo: legal obligation to keep the record")
    assert (row.status, row.closed_on) == ("refused", TODAY.isoformat())
    with pytest.raises(SubjectRequestError, match="cannot change again"):
        extend_request(session, row.id, "Demo: complex after all")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"received": date(2026, 3, 21)}, "in the future"),
    ({"received": date(1999, 12, 31)}, "on or after 2000-01-01"),
    ({"case_id": "case-not-here"}, "No case with id"),
    ({"kind": "deletion"}, "--kind must be one of"),
    ({"requester": "neighbour"}, "--from must be one of"),
])
def test_bad_input_is_refused_and_records_nothing(
        session: Session, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"kind": "access", "case_id": CASE, "received": TODAY}
    args.update(kwargs)
    with pytest.raises(SubjectRequestError, match=message):
        add_request(session, today=TODAY, **args)  # type: ignore[arg-type]
    assert _count(session) == (0, 0)
    with pytest.raises(SubjectRequestError, match="No request with id 99"):
        fulfil_request(session, 99, TODAY)
