"""Retention and legal hold on the hub (issue 16; docs/data-protection.md, "Retention, legal
hold and disposal").

* **The rule** (one, hub-wide, in ``hub_meta``): keep a closed case until the young person
  turns ``until_age`` (default 25) or ``years_after_closure`` years after it closed (default
  6), whichever is later. An open case is never due. ``spoke-hub retention rule`` shows or
  sets it (audited with old and new values; no personal data).
* **The review** (``spoke-hub retention review [--as-of DAY] [--json]``): the closed cases
  due for disposal on a day, by case reference with the young person's *age* (never the date
  of birth), the day closed, the day due and why; cases under legal hold that would otherwise
  be due are listed apart, marked HELD with the hold's reason.
* **Legal hold** (``retention hold CASE --reason TEXT`` / ``retention release CASE --reason
  TEXT``): kept in ``hub_retention_holds`` (the reasons, who and when, a released hold kept
  with its release); the audit records only "hold placed" / "hold released" and the case id,
  since a reason in the admin's own words may name people.
* **Disposal** (``retention dispose``) is :mod:`spokeapp.hub.disposal`: it calls
  :func:`disposal_blockers` and disposes of a case only when that returns nothing.
* **Referrals that never became a case** (a declined referral, or one the hub never filed
  under a case and no case of its team names: :func:`_referrals_of_cases`): the same rule,
  counted from the decision instead of the closure (keep a declined referral until the young
  person turns ``until_age`` or ``years_after_closure`` years after the decision, whichever
  is later). A referral not decided yet, on the waiting list, or
  accepted (its case is still to reach the hub) is never due, like an open case. The review
  lists due referrals apart; holds and disposal take a referral's id where they take a case's.
  *Decision:* one rule for both, not a second, shorter one for declined referrals: the charity
  sets one period in its retention schedule, and a referral declined today may be the first
  sign of harm an inquiry asks about later; the officer can shorten the whole rule.

* **Group work and training or consultancy** (``group_session``, ``professional_activity``:
  the service's own work, with no case) are kept ``years_after_closure`` years after the day
  they were held (:func:`due_activity`). *Decision:* they are not personal data about one young
  person, but their topic and notes may name young people (the subject access file takes in
  those that do) and professionals, and were kept without limit; the rule's years part is the
  charity's one period, as for cases. The review counts the due ones (ids and days only, in
  JSON); ``retention hold`` takes one's id; ``retention dispose-activity`` erases them
  (:func:`spokeapp.hub.disposal.dispose_activity`). Lone-working visits linked to no case are
  kept the same way; one goes with its case only when its link reaches the case
  (:func:`visit_case`: another team's visit naming a case is held, reviewed and disposed of
  on its own, and a hold on the case does not hold it).

Dates: a birthday or anniversary on 29 February falls on 28 February in a year that is not a
leap year (so a young person born on 29 February 2000 turns 25 on 28 February 2025). Nothing
here prints or logs; "today" is always passed in.
"""

from __future__ import annotations

import argparse
import functools
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.records import record_from_dict
from spokeapp.domain.records.casework import (
    Case,
    CaseStatus,
    Closure,
    Referral,
    ReferralDecision,
    YoungPerson,
)
from spokeapp.hub.commands import Settings, day, locked_write, open_session
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.ledger import audit, set_meta
from spokeapp.hub.models import HubMeta, HubRecord, RetentionHold
from spokeapp.hub.scope import in_audience
from spokeapp.hub.security import iso, utc_now

__all__ = [
    "DEFAULT_RULE",
    "DueCase",
    "DueReferral",
    "RetentionError",
    "RetentionRule",
    "Review",
    "age_on",
    "anniversary",
    "disposal_blockers",
    "due_on",
    "get_rule",
    "place_hold",
    "referral_due_on",
    "referral_not_ended",
    "register",
    "release_hold",
    "review",
    "set_rule",
    "uncased_referral",
    "visit_case",
]

CLI_ACTOR = "cli"
META_RULE = "retention_rule"
#: The shortest hold or release reason accepted.
MIN_REASON = 10
#: Bounds on the rule (a typo such as 250 or 0 is refused rather than stored).
AGE_RANGE = (18, 100)
YEARS_RANGE = (1, 100)


#: The service's own work with no case, kept ``years_after_closure`` years after it was held.
ACTIVITY_KINDS: Final = ("group_session", "professional_activity")
#: A lone-working visit linked to no case: kept the same years after it started (one linked
#: to a case goes with the case, when the link reaches it: :func:`visit_case`).
VISIT_PLAN: Final = "visit_plan"


class RetentionError(SpokeError):
    """Bad input to a retention command: nothing was changed (the command exits 2)."""


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """Keep a closed case until the young person turns ``until_age`` or ``years_after_closure``
    years after closure, whichever is later."""

    until_age: int = 25
    years_after_closure: int = 6

    def text(self) -> str:
        return (f"keep a closed case until the young person turns {self.until_age} or "
                f"{self.years_after_closure} years after closure, whichever is later; a "
                "declined referral that never became a case the same, counted from the "
                f"decision; group work, training or consultancy and lone-working visits "
                f"linked to no case {self.years_after_closure} years after they were held")


DEFAULT_RULE = RetentionRule()


# ------------------------------------------------------------------------------ the dates
def anniversary(day: date, years: int) -> date:
    """``day`` moved on ``years`` years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that is not a leap year
        return day.replace(year=day.year + years, day=28)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on ``day``; someone born on 29 February has their birthday on
    28 February in a common year."""
    years = day.year - date_of_birth.year
    return years - 1 if anniversary(date_of_birth, years) > day else years


def due_on(date_of_birth: date, closed_on: date | None,
           rule: RetentionRule, *, after: str = "closure") -> tuple[date, str] | None:
    """The first day a case may be disposed of under ``rule``, and why; None for an open case
    (``closed_on`` None: never due). ``after`` names the day counted from in the reason."""
    if closed_on is None:
        return None
    by_age = anniversary(date_of_birth, rule.until_age)
    by_closure = anniversary(closed_on, rule.years_after_closure)
    if by_age >= by_closure:
        return by_age, f"turned {rule.until_age} on {by_age.isoformat()}"
    return by_closure, (f"{rule.years_after_closure} years after {after} on "
                        f"{by_closure.isoformat()}")


def referral_not_ended(decision: ReferralDecision) -> str | None:
    """Why a referral with no case is never due with this decision; None if declined (it may
    be due)."""
    if decision is ReferralDecision.PENDING:
        return "the referral is not decided yet"
    if decision is ReferralDecision.WAITING_LIST:
        return "the referral is on the waiting list"
    if decision is ReferralDecision.ACCEPTED:
        return ("the referral was accepted and its case has not reached the hub yet (dispose "
                "of the case once it has)")
    return None


def referral_due_on(date_of_birth: date, decision: ReferralDecision, decided_on: date | None,
                    rule: RetentionRule) -> tuple[date, str] | None:
    """The first day a referral that never became a case may be disposed of, and why: the
    case's rule counted from the decision; None unless it was declined (a referral still
    waiting, or accepted, is never due)."""
    if decision is not ReferralDecision.DECLINED:
        return None
    return due_on(date_of_birth, decided_on, rule, after="the decision")


# ------------------------------------------------------------------------------ the rule
def get_rule(session: Session) -> RetentionRule:
    """The hub's rule (the default until one is set)."""
    row = session.get(HubMeta, META_RULE)
    if row is None:
        return DEFAULT_RULE
    stored = json.loads(row.value)
    return RetentionRule(int(stored["until_age"]), int(stored["years_after_closure"]))


def set_rule(session: Session, *, until_age: int | None = None,
             years_after_closure: int | None = None) -> tuple[RetentionRule, RetentionRule]:
    """Change the rule (either part; the other is kept); (old, new). Audited with both values.
    RetentionError for a value out of range (nothing changed)."""
    old = get_rule(session)
    new = RetentionRule(old.until_age if until_age is None else until_age,
                        old.years_after_closure if years_after_closure is None
                        else years_after_closure)
    if not AGE_RANGE[0] <= new.until_age <= AGE_RANGE[1]:
        raise RetentionError(f"--until-age must be between {AGE_RANGE[0]} and {AGE_RANGE[1]}.")
    if not YEARS_RANGE[0] <= new.years_after_closure <= YEARS_RANGE[1]:
        raise RetentionError(f"--years-after-closure must be between {YEARS_RANGE[0]} and "
                             f"{YEARS_RANGE[1]}.")
    set_meta(session, META_RULE, json.dumps(asdict(new), sort_keys=True))
    audit(session, CLI_ACTOR, "retention_rule", "hub",
          f"until_age={old.until_age}->{new.until_age};"
          f"years_after_closure={old.years_after_closure}->{new.years_after_closure}")
    return old, new


# ------------------------------------------------------------------------------ the cases
@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What retention needs to know of one case on the hub."""

    case_id: str
    reference: str | None
    date_of_birth: date | None
    #: None while the case is open.
    closed_on: date | None


def _parse(record: HubRecord) -> Any:
    try:
        return record_from_dict(record.kind, record.body)
    except ValidationError:
        return None  # an old or unknown shape: treated as not known


def _young_people(session: Session, named: list[tuple[HubRecord, str]]
                  ) -> dict[str, YoungPerson]:
    """The young person each record names (``(record, young person id)``), by the record's id:
    those on the hub that can be read and that the link reaches (:func:`in_audience`; a case
    naming another team's young person does not get their date of birth)."""
    people: dict[str, YoungPerson] = {}
    ids = sorted({person_id for _, person_id in named})
    if not ids:
        return people
    rows = {row.record_id: row for row in session.scalars(select(HubRecord).where(
        HubRecord.record_id.in_(ids), HubRecord.kind == "young_person"))}
    for source, person_id in named:
        row = rows.get(person_id)
        if row is None or not in_audience(session, row, of=source):
            continue
        person = _parse(row)
        if isinstance(person, YoungPerson):
            people[source.record_id] = person
    return people


def _facts(session: Session, cases: list[HubRecord]) -> list[CaseFacts]:
    parsed = [(r, _parse(r)) for r in cases]
    people = _young_people(session, [(r, c.young_person_id) for r, c in parsed
                                     if isinstance(c, Case)])
    closed_ids = [c.id for _, c in parsed
                  if isinstance(c, Case) and c.status is CaseStatus.CLOSED and c.closed_on is None]
    closures: dict[str, date] = {}
    if closed_ids:  # a closed case without its day: the latest closure record says it
        for row in session.scalars(select(HubRecord).where(
                HubRecord.case_id.in_(closed_ids), HubRecord.kind == "closure")):
            closure = _parse(row)
            if isinstance(closure, Closure):
                closures[closure.case_id] = max(closure.closed_on,
                                                closures.get(closure.case_id, closure.closed_on))
    out: list[CaseFacts] = []
    for row, found in parsed:
        if not isinstance(found, Case):
            out.append(CaseFacts(row.record_id, None, None, None))
            continue
        person = people.get(row.record_id)
        closed = (found.closed_on or closures.get(found.id)
                  if found.status is CaseStatus.CLOSED else None)
        out.append(CaseFacts(found.id, None if person is None else person.reference,
                             None if person is None else person.date_of_birth, closed))
    return out


def _cases_naming(session: Session, referral_ids: set[str] | None = None
                  ) -> list[tuple[HubRecord, str]]:
    """Each case on the hub whose record names a referral (one of ``referral_ids``, when
    given), with that referral's id."""
    named = [(str(case_id), str(body["referral_id"])) for case_id, body in session.execute(
                 select(HubRecord.record_id, HubRecord.body).where(HubRecord.kind == "case"))
             if isinstance(body, dict) and isinstance(body.get("referral_id"), str)
             and (referral_ids is None or body["referral_id"] in referral_ids)]
    if not named:
        return []
    cases = {row.record_id: row for row in session.scalars(select(HubRecord).where(
        HubRecord.record_id.in_(sorted({case_id for case_id, _ in named}))))}
    return [(cases[case_id], referral_id) for case_id, referral_id in named
            if case_id in cases]


def _referrals_of_cases(session: Session) -> set[str]:
    """The referrals on the hub that became a case: the hub filed them under one (their
    ``case_id``, set only within need-to-know), or a case whose link to them holds
    (:func:`in_audience`) names them. A case naming another team's referral does not make it
    a case: the referral stays in that team's review, requests and files."""
    cased = set(session.scalars(select(HubRecord.record_id).where(
        HubRecord.kind == "referral", HubRecord.case_id.is_not(None))))
    uncased = {row.record_id: row for row in session.scalars(select(HubRecord).where(
        HubRecord.kind == "referral", HubRecord.case_id.is_(None)))}
    for case_row, referral_id in _cases_naming(session, set(uncased)):
        if in_audience(session, uncased[referral_id], of=case_row):
            cased.add(referral_id)
    return cased


def uncased_referral(session: Session, referral_id: str) -> HubRecord | None:
    """The hub's referral ``referral_id`` if it never became a case (or not yet: see
    :func:`_referrals_of_cases`); None otherwise."""
    row = session.scalars(select(HubRecord).where(
        HubRecord.record_id == referral_id, HubRecord.kind == "referral")).first()
    if row is None or row.case_id is not None:
        return None
    if any(in_audience(session, row, of=case_row)
           for case_row, _ in _cases_naming(session, {referral_id})):
        return None
    return row


def _case_row(session: Session, case_id: str) -> HubRecord:
    """The case, or a referral that never became a case (the subject of a hold or disposal)."""
    row = session.scalars(select(HubRecord).where(
        HubRecord.record_id == case_id, HubRecord.kind == "case")).first()
    if row is None:
        row = uncased_referral(session, case_id)
    if row is None:
        raise RetentionError(f"No case with id {case_id!r} is on this hub, nor a referral "
                             "that never became a case.")
    return row


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    """What retention needs to know of one referral no case on the hub names."""

    referral_id: str
    reference: str | None
    date_of_birth: date | None
    #: None when the stored referral cannot be read.
    decision: ReferralDecision | None
    decided_on: date | None


def _referral_facts(session: Session, rows: list[HubRecord]) -> list[ReferralFacts]:
    parsed = [(r, _parse(r)) for r in rows]
    people = _young_people(session, [(row, r.young_person_id) for row, r in parsed
                                     if isinstance(r, Referral)])
    out: list[ReferralFacts] = []
    for row, found in parsed:
        if not isinstance(found, Referral):
            out.append(ReferralFacts(row.record_id, None, None, None, None))
            continue
        person = people.get(row.record_id)
        out.append(ReferralFacts(found.id, None if person is None else person.reference,
                                 None if person is None else person.date_of_birth,
                                 found.decision, found.decided_on))
    return out


def _activity_row(session: Session, record_id: str) -> HubRecord | None:
    """Group work, training and consultancy, or a visit plan, on the hub with that id."""
    return session.scalars(select(HubRecord).where(
        HubRecord.record_id == record_id,
        HubRecord.kind.in_((*ACTIVITY_KINDS, VISIT_PLAN)))).first()


def visit_case(session: Session, plan: HubRecord) -> str | None:
    """The case a visit plan goes with (its ``linked_case_id``), or None: linked to no case,
    so it is held, reviewed and disposed of on its own. A link to a case on the hub counts
    only when it reaches it (:func:`in_audience`, as for the case's disposal:
    ``disposal.standing_visits``): a visit of another team's worker naming the case is hers,
    linked to no case for the hub's processes. A case not on the hub (not pushed yet, or
    disposed of: ``disposal.late_visits``) is taken at its word."""
    linked = plan.body.get("linked_case_id") if isinstance(plan.body, dict) else None
    if not isinstance(linked, str):
        return None
    case_row = session.scalars(select(HubRecord).where(
        HubRecord.record_id == linked, HubRecord.kind == "case")).first()
    if case_row is not None and not in_audience(session, case_row, of=plan):
        return None
    return linked


def _holdable(session: Session, record_id: str) -> HubRecord:
    """What a legal hold may be placed on: a case, a referral that never became a case, or
    group work or training and consultancy, or a visit linked to no case
    (:func:`visit_case`)."""
    row = _activity_row(session, record_id)
    if row is not None:
        linked = visit_case(session, row) if row.kind == VISIT_PLAN else None
        if linked is not None:
            raise RetentionError(f"Visit {record_id} is linked to case {linked}: it goes with "
                                 "the case, so hold the case; nothing changed.")
        return row
    try:
        return _case_row(session, record_id)
    except RetentionError:
        raise RetentionError(f"No case with id {record_id!r} is on this hub, nor a referral "
                             "that never became a case, nor group work, training or a "
                             "lone-working visit.") from None


def _active_holds(session: Session) -> dict[str, RetentionHold]:
    rows = session.scalars(select(RetentionHold).where(RetentionHold.released_at.is_(None)))
    return {h.case_id: h for h in rows}


@dataclass(frozen=True, slots=True)
class DueCase:
    """A closed case past its retention day (the age, never the date of birth)."""

    case_id: str
    reference: str | None
    age: int
    closed_on: date
    due_since: date
    reason: str
    #: The legal hold's reason if one holds the case (listed as HELD), else None.
    held: str | None = None


@dataclass(frozen=True, slots=True)
class DueReferral:
    """A declined referral that never became a case, past its retention day (the age, never
    the date of birth)."""

    referral_id: str
    reference: str | None
    age: int
    decided_on: date
    due_since: date
    reason: str
    #: The legal hold's reason if one holds the referral (listed as HELD), else None.
    held: str | None = None


@dataclass(frozen=True, slots=True)
class DueActivity:
    """Group work, or training and consultancy, past its retention day: it is the service's
    own work with no case, and its topic and notes may name young people and professionals
    (the subject file takes in those that name a young person)."""

    record_id: str
    kind: str
    held_on: date
    due_since: date
    #: The legal hold's reason if one holds the record (listed as HELD), else None.
    held: str | None = None


def due_activity(session: Session, today: date,
                 holds: dict[str, RetentionHold] | None = None) -> list[DueActivity]:
    """Every group session, training or consultancy record and visit linked to no case
    (:func:`visit_case`) due on ``today`` (held, or started, ``years_after_closure`` years
    ago or more), by that day then id; held ones marked."""
    years = get_rule(session).years_after_closure
    holds = _active_holds(session) if holds is None else holds
    due: list[DueActivity] = []
    for record_id, kind, body in session.execute(
            select(HubRecord.record_id, HubRecord.kind, HubRecord.body).where(
                HubRecord.kind.in_((*ACTIVITY_KINDS, VISIT_PLAN)),
                HubRecord.case_id.is_(None))):
        body = body if isinstance(body, dict) else {}
        if kind == VISIT_PLAN and body.get("linked_case_id") is not None:
            plan = session.get(HubRecord, record_id)
            if plan is None or visit_case(session, plan) is not None:
                continue  # it goes with its case
        try:
            held_on = (date.fromisoformat(str(body.get("held_on"))) if kind != VISIT_PLAN
                       else datetime.fromisoformat(str(body.get("starts_at"))).date())
        except ValueError:
            continue  # a record the hub cannot read: never disposed of by guesswork
        since = anniversary(held_on, years)
        if since > today:
            continue
        hold = holds.get(record_id)
        due.append(DueActivity(record_id, kind, held_on, since,
                               None if hold is None else hold.reason))
    return sorted(due, key=lambda d: (d.held_on, d.record_id))


@dataclass(frozen=True, slots=True)
class Review:
    """The review on ``as_of`` under ``rule``: ``due`` may be disposed of; ``held`` would be
    due but for a legal hold; the same for referrals that never became a case."""

    as_of: date
    rule: RetentionRule
    due: tuple[DueCase, ...]
    held: tuple[DueCase, ...]
    referrals_due: tuple[DueReferral, ...] = ()
    referrals_held: tuple[DueReferral, ...] = ()
    activity_due: tuple[DueActivity, ...] = ()
    activity_held: tuple[DueActivity, ...] = ()


def review(session: Session, today: date) -> Review:
    """Every closed case due on ``today`` (on or after its day), by due day then reference."""
    rule = get_rule(session)
    holds = _active_holds(session)
    due: list[DueCase] = []
    for facts in _facts(session, list(session.scalars(
            select(HubRecord).where(HubRecord.kind == "case")))):
        if facts.date_of_birth is None or facts.closed_on is None:
            continue
        when = due_on(facts.date_of_birth, facts.closed_on, rule)
        if when is None or when[0] > today:
            continue
        hold = holds.get(facts.case_id)
        due.append(DueCase(facts.case_id, facts.reference, age_on(facts.date_of_birth, today),
                           facts.closed_on, when[0], when[1],
                           None if hold is None else hold.reason))
    due.sort(key=lambda d: (d.due_since, d.reference or "", d.case_id))
    referrals = _due_referrals(session, today, rule, holds)
    activity = due_activity(session, today, holds)
    return Review(today, rule, tuple(d for d in due if d.held is None),
                  tuple(d for d in due if d.held is not None),
                  tuple(d for d in referrals if d.held is None),
                  tuple(d for d in referrals if d.held is not None),
                  tuple(d for d in activity if d.held is None),
                  tuple(d for d in activity if d.held is not None))


def _due_referrals(session: Session, today: date, rule: RetentionRule,
                   holds: dict[str, RetentionHold]) -> list[DueReferral]:
    """Every declined referral that never became a case, due on ``today``, by due day then
    reference."""
    cased = _referrals_of_cases(session)
    rows = [row for row in session.scalars(select(HubRecord).where(
        HubRecord.kind == "referral")) if row.record_id not in cased]
    due: list[DueReferral] = []
    for facts in _referral_facts(session, rows):
        if facts.date_of_birth is None or facts.decision is None:
            continue
        when = referral_due_on(facts.date_of_birth, facts.decision, facts.decided_on, rule)
        if when is None or when[0] > today or facts.decided_on is None:
            continue
        hold = holds.get(facts.referral_id)
        due.append(DueReferral(facts.referral_id, facts.reference,
                               age_on(facts.date_of_birth, today), facts.decided_on, when[0],
                               when[1], None if hold is None else hold.reason))
    due.sort(key=lambda d: (d.due_since, d.reference or "", d.referral_id))
    return due


def disposal_blockers(session: Session, case_id: str, today: date) -> list[str]:
    """Why the case (or referral that never became a case) may not be disposed of on
    ``today`` (empty: it may). Disposal calls this. RetentionError for neither on the hub."""
    row = _case_row(session, case_id)
    blockers: list[str] = []
    hold = _active_holds(session).get(case_id)
    if hold is not None:
        blockers.append(f"legal hold since {hold.placed_at[:10]}: {hold.reason}")
    if row.kind == "referral":
        return blockers + _referral_blockers(session, row, today)
    facts = _facts(session, [row])[0]
    if facts.closed_on is None:
        blockers.append("the case is still open")
    elif facts.date_of_birth is None:
        blockers.append("the young person's date of birth is not on the hub")
    else:
        when = due_on(facts.date_of_birth, facts.closed_on, get_rule(session))
        if when is not None and when[0] > today:
            blockers.append(f"not due until {when[0].isoformat()} ({when[1]})")
    return blockers


def _referral_blockers(session: Session, row: HubRecord, today: date) -> list[str]:
    facts = _referral_facts(session, [row])[0]
    if facts.decision is None:
        return ["the referral on the hub cannot be read"]
    waiting = referral_not_ended(facts.decision)
    if waiting is not None:
        return [waiting]
    if facts.date_of_birth is None:
        return ["the young person's date of birth is not on the hub"]
    when = referral_due_on(facts.date_of_birth, facts.decision, facts.decided_on,
                           get_rule(session))
    if when is not None and when[0] > today:
        return [f"not due until {when[0].isoformat()} ({when[1]})"]
    return []


# ------------------------------------------------------------------------------ legal hold
def _reason(reason: str) -> str:
    clean = " ".join(reason.split())
    if len(clean) < MIN_REASON:
        raise RetentionError(f"--reason must say why, in at least {MIN_REASON} characters.")
    if len(clean) > 1000:
        raise RetentionError("--reason must be at most 1000 characters.")
    return clean


def place_hold(session: Session, case_id: str, reason: str, *,
               actor: str = CLI_ACTOR) -> RetentionHold:
    """Hold the case (disposal is blocked until released). RetentionError for an unknown
    case, a short reason or a case already held (nothing changed)."""
    clean = _reason(reason)
    _holdable(session, case_id)
    current = _active_holds(session).get(case_id)
    if current is not None:
        raise RetentionError(f"Case {case_id} is already under legal hold since "
                             f"{current.placed_at[:10]}; nothing changed.")
    hold = RetentionHold(case_id=case_id, reason=clean, placed_by=actor,
                         placed_at=iso(utc_now()))
    session.add(hold)
    audit(session, actor, "retention_hold_placed", case_id)
    return hold


def release_hold(session: Session, case_id: str, reason: str, *,
                 actor: str = CLI_ACTOR) -> RetentionHold:
    """Release the case's hold (kept, with the release). RetentionError for an unknown case, a
    short reason or a case not held (nothing changed). A hold in place is always released,
    also one on a record that could not be held now (a visit whose link to a case reaches
    it since: :func:`visit_case`)."""
    clean = _reason(reason)
    hold = _active_holds(session).get(case_id)
    if hold is None:
        _holdable(session, case_id)
        raise RetentionError(f"Case {case_id} is not under legal hold; nothing changed.")
    hold.released_at = iso(utc_now())
    hold.released_by = actor
    hold.release_reason = clean
    audit(session, actor, "retention_hold_released", case_id)
    return hold


# ------------------------------------------------------------------------------ the commands
def cmd_rule(args: argparse.Namespace, settings: Settings) -> int:
    if args.until_age is None and args.years_after_closure is None:
        with open_session(args, settings) as session, session.begin():
            print(f"Retention rule: {get_rule(session).text()}.")
        return 0
    return locked_write(
        args, settings,
        lambda session: set_rule(session, until_age=args.until_age,
                                 years_after_closure=args.years_after_closure),
        refusal=RetentionError,
        done=lambda rules: f"Retention rule was: {rules[0].text()}.\n"
                           f"Retention rule now: {rules[1].text()}.",
    )


def _row(d: DueCase) -> dict[str, Any]:
    return {"case_id": d.case_id, "reference": d.reference, "age": d.age,
            "closed_on": d.closed_on.isoformat(), "due_since": d.due_since.isoformat(),
            "reason": d.reason, "held": d.held}


def _referral_row(d: DueReferral) -> dict[str, Any]:
    return {"referral_id": d.referral_id, "reference": d.reference, "age": d.age,
            "decided_on": d.decided_on.isoformat(), "due_since": d.due_since.isoformat(),
            "reason": d.reason, "held": d.held}


_ACTIVITY_WORDS: Final = {"group_session": "group work",
                          "professional_activity": "training or consultancy",
                          VISIT_PLAN: "lone-working visit"}


def _activity_row_json(d: DueActivity) -> dict[str, Any]:
    return {"record_id": d.record_id, "kind": d.kind, "held_on": d.held_on.isoformat(),
            "due_since": d.due_since.isoformat(), "held": d.held}


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    # Late visits are listed by the disposal's own rule; disposal imports this module.
    from spokeapp.hub.disposal import LateVisit, late_visits

    today = args.as_of or utc_now().date()
    with open_session(args, settings) as session, session.begin():
        result = review(session, today)
        # Whether a visit is over is a matter of now, whatever day the rule is checked on.
        late: list[LateVisit] = late_visits(session, utc_now())
        audit(session, CLI_ACTOR, "retention_review", "hub",
              f"as_of={today.isoformat()};due={len(result.due)};held={len(result.held)};"
              f"referrals_due={len(result.referrals_due)};"
              f"referrals_held={len(result.referrals_held)}"
              + (f";activity_due={len(result.activity_due)};"
                 f"activity_held={len(result.activity_held)}"
                 if result.activity_due or result.activity_held else "")
              + (f";late_visits={len(late)}" if late else ""))
    if args.json:
        print(json.dumps({"as_of": today.isoformat(), "rule": asdict(result.rule),
                          "due": [_row(d) for d in result.due],
                          "held": [_row(d) for d in result.held],
                          "referrals_due": [_referral_row(d) for d in result.referrals_due],
                          "referrals_held": [_referral_row(d) for d in result.referrals_held],
                          "activity_due": [_activity_row_json(d) for d in result.activity_due],
                          "activity_held": [_activity_row_json(d)
                                            for d in result.activity_held],
                          "late_visits": [{"visit_id": v.visit_id, "case_id": v.case_id,
                                           "disposed_on": v.disposed_on,
                                           "waiting_for": list(v.waiting_for)}
                                          for v in late]},
                         indent=2))
        return 0
    print(f"Retention review as of {today.isoformat()} ({result.rule.text()}).")
    if not (result.due or result.held or result.referrals_due or result.referrals_held):
        print("No case is due for disposal.")
    if result.activity_due:
        first, last = result.activity_due[0], result.activity_due[-1]
        n = len(result.activity_due)
        print(f"DUE\tgroup work, training and visits\t{n} record{'s' if n != 1 else ''} "
              "held from "
              f"{first.held_on.isoformat()} to {last.held_on.isoformat()}\t"
              f"{result.rule.years_after_closure} years after they were held\t"
              "dispose of them with `spoke-hub retention dispose-activity`")
    for a in result.activity_held:
        print(f"HELD\t{_ACTIVITY_WORDS.get(a.kind, a.kind)}\trecord {a.record_id} held on "
              f"{a.held_on.isoformat()}\tdue since {a.due_since.isoformat()}\thold: {a.held}")
    for v in late:
        # A visit planned offline and linked to a case disposed of before it reached the hub.
        print(f"LATE	visit {v.visit_id}	linked to case {v.case_id}, disposed of on "
              f"{v.disposed_on}	"
              + (f"not yet: {'; '.join(v.waiting_for)}" if v.waiting_for else
                 f"over: erase it with `spoke-hub retention dispose {v.case_id}`"))
    for d in result.due:
        print(f"DUE\t{d.reference or d.case_id}\tcase {d.case_id}\tage {d.age}\t"
              f"closed {d.closed_on.isoformat()}\tdue since {d.due_since.isoformat()}\t"
              f"{d.reason}")
    for d in result.held:
        print(f"HELD\t{d.reference or d.case_id}\tcase {d.case_id}\tage {d.age}\t"
              f"closed {d.closed_on.isoformat()}\tdue since {d.due_since.isoformat()}\t"
              f"{d.reason}\thold: {d.held}")
    for r in (*result.referrals_due, *result.referrals_held):
        print(f"{'HELD' if r.held else 'DUE'}\t{r.reference or r.referral_id}\t"
              f"referral {r.referral_id} (declined, no case)\tage {r.age}\t"
              f"declined {r.decided_on.isoformat()}\tdue since {r.due_since.isoformat()}\t"
              f"{r.reason}" + (f"\thold: {r.held}" if r.held else ""))
    return 0


def cmd_hold(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings, lambda session: place_hold(session, args.case_id, args.reason),
        refusal=RetentionError,
        done=lambda _: f"Case {args.case_id} is under legal hold: it will not be disposed of "
                       "until the hold is released.",
    )


def cmd_release(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings, lambda session: release_hold(session, args.case_id, args.reason),
        refusal=RetentionError, done=lambda _: f"Released the legal hold on case {args.case_id}.",
    )


def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub retention ...`` to the ``spoke-hub`` parser."""
    bind = functools.partial(bind_command, settings=settings)
    retention = commands.add_parser(
        "retention", help="the retention rule, the review of cases due, legal hold"
    ).add_subparsers(dest="action", required=True)
    p = retention.add_parser("rule", parents=[common], help="show or set the retention rule")
    p.add_argument("--until-age", type=int, metavar="N",
                   help="keep a closed case until the young person turns N")
    p.add_argument("--years-after-closure", type=int, metavar="M",
                   help="keep a closed case M years after closure (the later day counts)")
    bind(p, cmd_rule)
    p = retention.add_parser("review", parents=[common],
                             help="list the closed cases (and declined referrals that never "
                                  "became a case) due for disposal")
    p.add_argument("--as-of", type=day, metavar="YYYY-MM-DD",
                   help="the day to review as of (default: today, UTC)")
    p.add_argument("--json", action="store_true", help="print JSON")
    bind(p, cmd_review)
    for name, command, text in (("hold", cmd_hold, "place a legal hold on a case"),
                                ("release", cmd_release, "release a case's legal hold")):
        p = retention.add_parser(name, parents=[common], help=text)
        p.add_argument("case_id", metavar="CASE_ID",
                       help="a case's id, the id of a referral that never became a case, or "
                            "of group work or training")
        p.add_argument("--reason", required=True, help="why (at least 10 characters)")
        bind(p, command)
    from spokeapp.hub.disposal import register_retention  # disposal imports this module

    register_retention(retention, common, settings)
