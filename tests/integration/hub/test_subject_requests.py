"""Requests from young people and their families, on SQLite and PostgreSQL hubs with cases
pushed by a real laptop (docs/data-protection.md, "Requests from young people and their
families"): ``spoke-hub requests`` records a request with its due day (one calendar month),
lists it with the days left or how long it is overdue, extends it once, and records its
fulfilment or refusal; a final request cannot change; bad input exits 2 and changes nothing;
the audit holds the action, request id, kind and case, never the admin's note or reason."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.domain.records import Case, ReferralDecision
from spokeapp.hub.cli import main
from spokeapp.hub.db import make_engine
from spokeapp.hub.models import AuditEntry, SubjectRequest
from tests.helpers.hub import RunningHub
from tests.helpers.records import case, referral, young_person

NOTE = "Demo Parent Carer phoned on 07700 900123 asking for everything held"
EXTEND = "Demo: records across three teams and many supervisor comments"
REFUSE = "Demo: manifestly unfounded, same request answered last month"
FULFIL = "Demo bundle handed over in person to Demo Young Person"


@pytest.fixture
def pushed(hub: RunningHub) -> Case:
    worker = hub.admin.add_user("Test Worker Able", "worker", "north")
    laptop = hub.laptop(worker)
    person = young_person(1, reference="YP-SAR")
    found = case(person, key_worker=worker)
    response = laptop.push_records(person, found)
    assert response.status_code == 200, response.text
    return found


def _run(hub: RunningHub, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["requests", *args, "--database", hub.database_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def _add(hub: RunningHub, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code, out, err = _run(hub, capsys, "add", *args)
    assert code == 0, err
    found = re.search(r"request (\d+) for case \S+: due (\S+)\.", out)
    assert found, out
    return int(found.group(1)), found.group(2)


def _list(hub: RunningHub, capsys: pytest.CaptureFixture[str], *args: str) -> list[Any]:
    code, out, err = _run(hub, capsys, "list", "--json", *args)
    assert code == 0, err
    listed: list[Any] = json.loads(out)["requests"]
    return listed


def _state(hub: RunningHub) -> tuple[list[tuple[Any, ...]], int]:
    """(every request row, audit entries): what a refused command must leave unchanged."""
    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(select(
                SubjectRequest.id, SubjectRequest.status, SubjectRequest.due_on,
                SubjectRequest.closing_note, SubjectRequest.extension_reason)).all()
            return ([tuple(r) for r in rows],
                    session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    finally:
        engine.dispose()


def test_requests_are_recorded_listed_extended_fulfilled_and_refused(
        hub: RunningHub, pushed: Case, capsys: pytest.CaptureFixture[str]) -> None:
    access, due = _add(hub, capsys, "--kind", "access", "--case", pushed.id,
                       "--received", "2026-01-31", "--from", "parent_or_carer", "--note", NOTE)
    assert due == "2026-02-28"  # no 31 February: the last day of the month
    erasure, due = _add(hub, capsys, "--kind", "erasure", "--case", pushed.id,
                        "--received", "2026-03-15", "--from", "young_person")
    assert due == "2026-04-15"
    restriction, _ = _add(hub, capsys, "--kind", "restriction", "--case", pushed.id,
                          "--received", "2026-03-16")

    rows = _list(hub, capsys, "--as-of", "2026-03-20")
    assert [(r["id"], r["kind"], r["due_on"], r["status"], r["standing"]) for r in rows] == [
        (access, "access", "2026-02-28", "open", "OVERDUE by 20 days"),
        (erasure, "erasure", "2026-04-15", "open", "26 days left"),
        (restriction, "restriction", "2026-04-16", "open", "27 days left"),
    ]
    assert [r["id"] for r in _list(hub, capsys, "--overdue", "--as-of", "2026-03-20")] == [
        access]
    code, out, _ = _run(hub, capsys, "list", "--as-of", "2026-03-20")
    assert code == 0
    assert f"{access}\taccess\tcase {pushed.id}\treceived 2026-01-31\tdue 2026-02-28\topen\t" \
           "OVERDUE by 20 days" in out
    assert NOTE not in out  # the note stays in the register, not in listings

    code, out, err = _run(hub, capsys, "extend", str(access), "--reason", EXTEND)
    assert code == 0, err
    assert "now due 2026-04-30" in out  # received 31 January + 3 months: the last of April
    code, _, err = _run(hub, capsys, "extend", str(access), "--reason", EXTEND)
    assert code == 2 and "already extended" in err
    assert _list(hub, capsys, "--overdue", "--as-of", "2026-03-20") == []

    code, out, err = _run(hub, capsys, "fulfil", str(access), "--note", FULFIL)
    assert code == 0 and "fulfilled" in out, err
    code, out, err = _run(hub, capsys, "refuse", str(erasure), "--reason", REFUSE)
    assert code == 0 and "refused" in out, err
    assert [(r["id"], r["status"]) for r in _list(hub, capsys, "--open",
                                                   "--as-of", "2026-03-20")] == [
        (restriction, "open")]
    statuses = {r["id"]: (r["status"], r["days_left"])
                for r in _list(hub, capsys, "--as-of", "2026-03-20")}
    assert statuses[access] == ("fulfilled", None)
    assert statuses[erasure] == ("refused", None)

    # A fulfilled or refused request cannot change again.
    before = _state(hub)
    for args in (("refuse", str(access), "--reason", REFUSE), ("fulfil", str(erasure)),
                 ("extend", str(erasure), "--reason", EXTEND)):
        code, _, err = _run(hub, capsys, *args)
        assert code == 2 and "cannot change again" in err, err
    assert _state(hub) == before

    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            entries = session.execute(select(
                AuditEntry.actor, AuditEntry.action, AuditEntry.subject, AuditEntry.detail
            ).where(AuditEntry.action.like("subject_request%"))).all()
            stored = session.get(SubjectRequest, access)
            assert stored is not None
            assert (stored.note, stored.extension_reason, stored.closing_note) == (
                NOTE, EXTEND, FULFIL)
    finally:
        engine.dispose()
    # The audit says what was done to which request of which case: never the admin's words.
    assert sorted(entries) == sorted([
        ("cli", "subject_request_added", pushed.id, f"request={access};kind=access"),
        ("cli", "subject_request_added", pushed.id, f"request={erasure};kind=erasure"),
        ("cli", "subject_request_added", pushed.id, f"request={restriction};kind=restriction"),
        ("cli", "subject_request_extended", pushed.id, f"request={access};kind=access"),
        ("cli", "subject_request_fulfilled", pushed.id, f"request={access};kind=access"),
        ("cli", "subject_request_refused", pushed.id, f"request={erasure};kind=erasure"),
    ])


@pytest.mark.parametrize(("args", "message"), [
    (("add", "--kind", "access", "--case", "case-not-on-this-hub", "--received", "2026-01-05"),
     "No case with id"),
    (("add", "--kind", "access", "--case", "{case}", "--received", "2999-01-01"),
     "in the future"),
    (("add", "--kind", "access", "--case", "{case}", "--received", "1999-12-31"),
     "on or after 2000-01-01"),
    (("fulfil", "9999"), "No request with id 9999"),
    (("refuse", "{request}", "--reason", "short"), "at least 10 characters"),
    (("extend", "9999", "--reason", EXTEND), "No request with id 9999"),
])
def test_bad_input_exits_2_and_changes_nothing(
        hub: RunningHub, pushed: Case, capsys: pytest.CaptureFixture[str],
        args: tuple[str, ...], message: str) -> None:
    request, _ = _add(hub, capsys, "--kind", "rectification", "--case", pushed.id,
                      "--received", "2026-01-05")
    before = _state(hub)
    code, _, err = _run(hub, capsys, *(a.format(case=pushed.id, request=request)
                                       for a in args))
    assert code == 2
    assert err.startswith("spoke-hub: ") and message in err
    assert _state(hub) == before


@pytest.mark.parametrize("args", [
    ("add", "--kind", "deletion", "--case", "x", "--received", "2026-01-05"),
    ("add", "--kind", "access", "--case", "x", "--received", "31/01/2026"),
    ("refuse", "1"),
])
def test_malformed_commands_exit_2_and_change_nothing(
        hub: RunningHub, pushed: Case, args: tuple[str, ...]) -> None:
    before = _state(hub)
    with pytest.raises(SystemExit) as exited:  # argparse: a bad choice, date or no --reason
        main(["requests", *args, "--database", hub.database_url])
    assert exited.value.code == 2
    assert _state(hub) == before


def test_requests_about_a_referral_another_teams_case_names_are_recorded_and_carried_out(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    """A case of north's naming south's declined referral does not make it a case: erasure
    and restriction requests about the referral are recorded with ``--referral`` and carried
    out, as for any referral that never became a case."""
    south = hub.laptop(hub.admin.add_user("Test Worker South", "worker", "south"))
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    north = hub.laptop(north_worker)
    person = young_person(1, reference="YP-SOUTH", date_of_birth=date(2011, 2, 3))
    declined = referral(person, decision=ReferralDecision.DECLINED, decline_reason="Fictional",
                        received_on=date(2026, 2, 1), decided_on=date(2026, 2, 2))
    south.push_records(person, declined)
    made_up = young_person(9, reference="YP-NORTH")
    north.push_records(made_up, case(made_up, declined, key_worker=north_worker))
    ids = []
    for kind in ("restriction", "erasure"):
        code, out, err = _run(hub, capsys, "add", "--kind", kind, "--referral", declined.id,
                              "--received", "2026-03-01")
        assert code == 0, err
        assert f"for referral {declined.id}" in out
        ids.append(re.search(r"request (\d+)", out).group(1))  # type: ignore[union-attr]

    code, out, err = _run(hub, capsys, "carry-out", ids[0])
    assert code == 0, err
    assert f"Referral {declined.id} is restricted" in out
    code, out, err = _run(hub, capsys, "carry-out", ids[1])
    assert code == 0, err
    assert f"Referral {declined.id} disposed of" in out
