"""Retention and legal hold, on SQLite and PostgreSQL hubs with cases pushed by a real laptop
(docs/data-protection.md, "Retention and legal hold"): ``spoke-hub retention review`` lists
exactly the cases due on a day, with the young person's age and the reason; a legal hold moves
a case to HELD and blocks disposal; the rule is set and audited; bad input exits 2 and changes
nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, CaseStatus, CheckIn, CheckInKind, ReferralDecision
from spokeapp.hub.cli import main
from spokeapp.hub.db import make_engine
from spokeapp.hub.models import AuditEntry, HubMeta, HubRecord, RetentionHold
from spokeapp.hub.retention import disposal_blockers
from tests.helpers.hub import RunningHub
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import case, referral, young_person


@dataclass
class Cases:
    """Four fictional cases pushed by a worker's laptop."""

    leap: Case  # born 29 Feb 2000, closed 2015: due when turning 25, on 28 Feb 2025
    late: Case  # born 2002, closed 20 Jan 2026 at 23: due 6 years after closure, 2032-01-20
    young: Case  # born 2010, closed 2026: due when turning 25, in 2035
    open: Case  # born 1990, still open: never due


def _closed(yp: Any, worker: str, closed_on: date) -> Case:
    return case(yp, key_worker=worker, opened_on=date(closed_on.year - 1, 1, 5),
                status=CaseStatus.CLOSED, closed_on=closed_on)


@pytest.fixture
def cases(hub: RunningHub) -> Cases:
    worker = hub.admin.add_user("Test Worker Able", "worker", "north")
    laptop = hub.laptop(worker)
    people = [young_person(1, reference="YP-LEAP", date_of_birth=date(2000, 2, 29)),
              young_person(2, reference="YP-LATE", date_of_birth=date(2002, 3, 4)),
              young_person(3, reference="YP-YOUNG", date_of_birth=date(2010, 6, 15)),
              young_person(4, reference="YP-OPEN", date_of_birth=date(1990, 1, 1))]
    found = Cases(_closed(people[0], worker, date(2015, 1, 1)),
                  _closed(people[1], worker, date(2026, 1, 20)),
                  _closed(people[2], worker, date(2026, 1, 20)),
                  case(people[3], key_worker=worker))
    response = laptop.push_records(*people, found.leap, found.late, found.young, found.open)
    assert response.status_code == 200, response.text
    return found


def _run(hub: RunningHub, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["retention", *args, "--database", hub.database_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def _review(hub: RunningHub, capsys: pytest.CaptureFixture[str], day: str) -> dict[str, Any]:
    code, out, err = _run(hub, capsys, "review", "--as-of", day, "--json")
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def _state(hub: RunningHub) -> tuple[int, int, str | None]:
    """(holds, audit entries, stored rule): what a refused command must leave unchanged."""
    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            return (session.scalar(select(func.count()).select_from(RetentionHold)) or 0,
                    session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
                    session.scalar(select(HubMeta.value).where(HubMeta.key == "retention_rule")))
    finally:
        engine.dispose()


def _blockers(hub: RunningHub, case_id: str, day: date) -> list[str]:
    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            return disposal_blockers(session, case_id, day)
    finally:
        engine.dispose()


def test_the_review_lists_exactly_the_cases_due_with_age_and_reason(
        hub: RunningHub, cases: Cases, capsys: pytest.CaptureFixture[str]) -> None:
    assert _review(hub, capsys, "2025-02-27")["due"] == []
    assert [(d["reference"], d["age"], d["due_since"], d["reason"])
            for d in _review(hub, capsys, "2025-02-28")["due"]] == [
        ("YP-LEAP", 25, "2025-02-28", "turned 25 on 2025-02-28")]
    result = _review(hub, capsys, "2032-06-01")
    assert result["rule"] == {"until_age": 25, "years_after_closure": 6}
    assert [(d["case_id"], d["reference"], d["age"], d["closed_on"], d["due_since"],
             d["reason"], d["held"]) for d in result["due"]] == [
        (cases.leap.id, "YP-LEAP", 32, "2015-01-01", "2025-02-28", "turned 25 on 2025-02-28",
         None),
        (cases.late.id, "YP-LATE", 30, "2026-01-20", "2032-01-20",
         "6 years after closure on 2032-01-20", None),
    ]
    assert result["held"] == []
    # The listing gives the age, never the date of birth or the name.
    code, out, _ = _run(hub, capsys, "review", "--as-of", "2032-06-01")
    assert code == 0
    assert "DUE\tYP-LEAP" in out and "age 32" in out and "turned 25 on 2025-02-28" in out
    assert "2000-02-29" not in out and "2002-03-04" not in out
    assert "YP-YOUNG" not in out and "YP-OPEN" not in out
    assert _blockers(hub, cases.open.id, date(2060, 1, 1)) == ["the case is still open"]
    assert _blockers(hub, cases.young.id, date(2032, 6, 1)) == [
        "not due until 2035-06-15 (turned 25 on 2035-06-15)"]
    assert _blockers(hub, cases.late.id, date(2032, 6, 1)) == []
    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            details = session.scalars(select(AuditEntry.detail).where(
                AuditEntry.action == "retention_review")).all()
    finally:
        engine.dispose()
    # Each review is audited with the day and the counts only.
    assert "as_of=2032-06-01;due=2;held=0;referrals_due=0;referrals_held=0" in details


def test_a_legal_hold_moves_a_case_to_held_and_blocks_disposal_until_released(
        hub: RunningHub, cases: Cases, capsys: pytest.CaptureFixture[str]) -> None:
    reason = "Demo civil claim expected; keep until settled"
    code, out, err = _run(hub, capsys, "hold", cases.leap.id, "--reason", reason)
    assert code == 0, err
    assert "under legal hold" in out
    result = _review(hub, capsys, "2032-06-01")
    assert [d["reference"] for d in result["due"]] == ["YP-LATE"]
    assert [(d["reference"], d["held"]) for d in result["held"]] == [("YP-LEAP", reason)]
    code, out, _ = _run(hub, capsys, "review", "--as-of", "2032-06-01")
    assert "HELD\tYP-LEAP" in out and f"hold: {reason}" in out
    blockers = _blockers(hub, cases.leap.id, date(2032, 6, 1))
    assert len(blockers) == 1 and "legal hold" in blockers[0] and reason in blockers[0]

    # A second hold is refused and changes nothing.
    before = _state(hub)
    code, _, err = _run(hub, capsys, "hold", cases.leap.id, "--reason", "Another reason here")
    assert code == 2 and "already under legal hold" in err
    assert _state(hub) == before

    code, out, err = _run(hub, capsys, "release", cases.leap.id, "--reason",
                          "Demo claim settled in full")
    assert code == 0, err
    assert [d["reference"] for d in _review(hub, capsys, "2032-06-01")["due"]] == [
        "YP-LEAP", "YP-LATE"]
    assert _blockers(hub, cases.leap.id, date(2032, 6, 1)) == []

    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            entries = session.execute(select(AuditEntry.actor, AuditEntry.action,
                                             AuditEntry.subject, AuditEntry.detail).where(
                AuditEntry.action.like("retention_hold%"))).all()
    finally:
        engine.dispose()
    # The audit says a hold was placed and released, and on which case: not the reasons.
    assert sorted(entries) == [("cli", "retention_hold_placed", cases.leap.id, ""),
                               ("cli", "retention_hold_released", cases.leap.id, "")]


def test_the_rule_is_shown_set_and_audited(
        hub: RunningHub, cases: Cases, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(hub, capsys, "rule")
    assert code == 0
    assert "turns 25 or 6 years after closure, whichever is later" in out
    code, out, err = _run(hub, capsys, "rule", "--until-age", "21", "--years-after-closure", "3")
    assert code == 0, err
    assert "now: keep a closed case until the young person turns 21 or 3 years" in out
    # Under the new rule the young case is due when turning 21, on 2031-06-15.
    assert [(d["reference"], d["reason"]) for d in _review(hub, capsys, "2031-06-15")["due"]
            if d["reference"] == "YP-YOUNG"] == [("YP-YOUNG", "turned 21 on 2031-06-15")]
    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            entry = session.execute(select(AuditEntry.actor, AuditEntry.subject,
                                           AuditEntry.detail).where(
                AuditEntry.action == "retention_rule")).one()
    finally:
        engine.dispose()
    assert tuple(entry) == ("cli", "hub", "until_age=25->21;years_after_closure=6->3")


@pytest.mark.parametrize("args", [
    ("hold", "case-not-on-this-hub", "--reason", "Demo claim expected soon"),
    ("release", "case-not-on-this-hub", "--reason", "Demo claim settled now"),
    ("rule", "--until-age", "250"),
    ("rule", "--years-after-closure", "0"),
])
def test_bad_input_exits_2_and_changes_nothing(
        hub: RunningHub, cases: Cases, capsys: pytest.CaptureFixture[str],
        args: tuple[str, ...]) -> None:
    before = _state(hub)
    code, _, err = _run(hub, capsys, *args)
    assert code == 2
    assert err.startswith("spoke-hub: ") and ("No case with id" in err or "between" in err)
    assert _state(hub) == before


def test_a_hold_needs_a_reason_and_a_release_needs_a_hold(
        hub: RunningHub, cases: Cases, capsys: pytest.CaptureFixture[str]) -> None:
    before = _state(hub)
    code, _, err = _run(hub, capsys, "hold", cases.late.id, "--reason", "claim")
    assert code == 2 and "at least 10 characters" in err
    code, _, err = _run(hub, capsys, "release", cases.late.id, "--reason", "Demo claim settled")
    assert code == 2 and "not under legal hold" in err
    assert _state(hub) == before
    with pytest.raises(SystemExit) as exited:  # argparse: --reason is required
        main(["retention", "hold", cases.late.id, "--database", hub.database_url])
    assert exited.value.code == 2
    assert _state(hub) == before


def test_a_case_whose_young_person_is_not_on_the_hub_is_never_listed_and_is_blocked(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    worker = hub.admin.add_user("Test Worker Baker", "worker", "north")
    laptop = hub.laptop(worker)
    orphan = _closed(young_person(5, reference="YP-ORPHAN"), worker, date(2010, 1, 1))
    response = laptop.push_records(orphan)  # the young person's record itself never pushed
    assert response.status_code == 200, response.text
    assert _review(hub, capsys, "2090-01-01")["due"] == []
    assert _blockers(hub, orphan.id, date(2090, 1, 1)) == [
        "the young person's date of birth is not on the hub"]


def test_a_case_of_another_team_naming_a_referral_leaves_it_to_its_teams_retention(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    """South declined a referral in 2016. A case of north's that names it (or names south's
    young person) does not make it a case: the referral is still reviewed, held and disposed
    of as one that never became a case, and north's case is not reviewed by south's young
    person's age."""
    south = hub.laptop(hub.admin.add_user("Test Worker South", "worker", "south"))
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    north = hub.laptop(north_worker)
    person = young_person(1, reference="YP-SOUTH", date_of_birth=date(1990, 6, 1))
    declined = referral(person, decision=ReferralDecision.DECLINED, decline_reason="Fictional",
                        received_on=date(2016, 5, 1), decided_on=date(2016, 5, 2))
    south.push_records(person, declined)
    made_up = young_person(9, reference="YP-NORTH", date_of_birth=date(2015, 1, 1))
    naming = case(made_up, declined, key_worker=north_worker, opened_on=date(2026, 2, 1))
    theirs = _closed(person, north_worker, date(2001, 1, 2))  # south's young person
    assert north.push(north.change(made_up), north.change(naming),
                      north.change(theirs)).status_code == 200

    result = _review(hub, capsys, "2026-03-02")

    assert [d["referral_id"] for d in result["referrals_due"]] == [declined.id]
    assert result["due"] == []
    assert _blockers(hub, theirs.id, date(2026, 3, 2)) == [
        "the young person's date of birth is not on the hub"]
    assert _run(hub, capsys, "hold", declined.id, "--reason", "Fictional inquiry hold")[0] == 0
    assert _run(hub, capsys, "release", declined.id, "--reason", "Fictional inquiry over")[0] == 0
    code, out, err = _run(hub, capsys, "dispose", declined.id)
    assert code == 0, err
    assert f"Referral {declined.id} disposed of" in out


def test_another_teams_visit_linked_to_a_case_is_held_and_kept_on_its_own(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    """North's worker linked a visit of hers to south's case (a link her laptop wrote; she is
    not in the case's audience). Disposal treats that link as absent (the visit neither goes
    with the case nor blocks it), and so do holds and retention: the visit is linked to no
    case for them, held and released by its own id (it used to be refused, "hold the case",
    which is south's), kept its own years after it started (it used to wait for south's
    case), and a hold on south's case does not hold it."""
    south_worker = hub.admin.add_user("Test Worker South", "worker", "south")
    south = hub.laptop(south_worker)
    person = young_person(1, reference="YP-SOUTH-V", date_of_birth=date(1990, 6, 1))
    theirs = case(person, key_worker=south_worker, opened_on=date(2013, 1, 1))
    south.push_records(person, theirs)
    north = hub.laptop(hub.admin.add_user("Test Worker North", "worker", "north"))
    start = datetime(2014, 3, 11, 15, 0, tzinfo=UTC)
    plan = visit_plan(north.user_id, start, linked_case_id=theirs.id)
    north.push_records(
        plan,
        CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE,
                at=start + timedelta(minutes=30)),
        CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.END_VISIT,
                at=start + timedelta(minutes=90)))
    code, _, err = _run(hub, capsys, "hold", theirs.id, "--reason", "Fictional claim on south")
    assert code == 0, err

    def activity(result: dict[str, Any], key: str) -> list[tuple[str, str, str | None]]:
        return [(a["record_id"], a["kind"], a["held"]) for a in result[key]]

    # South's hold is south's case's: the visit is due on its own, six years after 2014.
    assert activity(_review(hub, capsys, "2020-03-10"), "activity_due") == []
    assert activity(_review(hub, capsys, "2026-03-02"), "activity_due") == [
        (plan.id, "visit_plan", None)]
    reason = "Fictional inquiry about the 2014 visit"
    code, out, err = _run(hub, capsys, "hold", plan.id, "--reason", reason)
    assert code == 0, err
    assert f"Case {plan.id} is under legal hold" in out
    result = _review(hub, capsys, "2026-03-02")
    assert activity(result, "activity_due") == []
    assert activity(result, "activity_held") == [(plan.id, "visit_plan", reason)]
    before = _state(hub)
    code, _, err = _run(hub, capsys, "dispose-activity", "--as-of", "2026-03-02")
    assert code == 2 and "No group work, training or lone-working visit is due" in err
    assert _state(hub) == before
    code, _, err = _run(hub, capsys, "release", plan.id, "--reason", "Fictional inquiry over")
    assert code == 0, err

    code, out, err = _run(hub, capsys, "dispose-activity", "--as-of", "2026-03-02")

    assert code == 0, err
    assert "(1 visit)" in out
    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            assert session.get(HubRecord, plan.id) is None
            assert session.get(HubRecord, theirs.id) is not None  # south's case, still held
            holds = session.scalars(select(RetentionHold.case_id).where(
                RetentionHold.released_at.is_(None))).all()
    finally:
        engine.dispose()
    assert holds == [theirs.id]
