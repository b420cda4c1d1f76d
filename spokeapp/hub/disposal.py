"""Disposal of a case, or of a referral that never became a case, on the hub (issue 16;
docs/data-protection.md, "Retention, legal hold and disposal").

``spoke-hub retention dispose CASE_ID [--as-of DAY]`` (the retention rule says it is due) and
``spoke-hub requests carry-out ID`` (an erasure request) erase a case's personal data on the
hub, in one transaction under the hub's write lock (``ledger.lock_writes``):

* **Erased**: every ``hub_records`` row of the case (the case, its events, supervision
  comments, sign-offs, conflict copies), and its young person and referral unless another case
  on the hub still uses them (then they are moved to that case, with a new sequence number so
  its holders pull them), with the documents attached to an erased referral; then every
  attached file no remaining record names, chunks and all (``hub_attachments``,
  ``hub_attachment_chunks``), and the chunks someone staged of a file not yet whole when no
  remaining record of theirs names it. ``hub_cases`` loses the case; released legal holds of
  the case go too (their reasons are the administrator's words and may name people).
* **Links between teams** (docs/data-protection.md): every link a laptop wrote (the case's
  young person and referral, another case or referral naming them, a document's referral, a
  visit's case) counts only when :func:`spokeapp.hub.scope.in_audience` says it reaches;
  otherwise the record at its other end is left as it is, and the result names it
  (``DisposalResult.ignored``, ids only). The young person and referral are erased only when
  they are the case's own or have no case, kept only for a case or referral of the team; one
  kept with no case stays with that team (:func:`_keep_in_team`).
* **Kept, with nothing personal**: ``hub_changes`` rows (change id, device, record id, chain
  hash, seq): they never held a payload (the hub keeps only the latest version of each record,
  in ``hub_records``), and the hub needs them to answer a re-sent change as a duplicate and to
  check each device's chain; ``hub_disposals`` (the case id, when, by whom, on which basis, the
  request id, counts); ``hub_disposed_records`` (the erased record ids, so a push of any of them
  is refused with 409 ``case_disposed`` and a laptop that has not pulled yet cannot put the
  young person back); an audit entry ``case_disposed`` (ids and counts); and the
  **report residue** (below).
* **Visits linked to the case** (a visit plan's ``linked_case_id``, by a worker in the case's
  audience: :func:`standing_visits`) go with it: the plan and
  every record of the visit (check-ins, alarms, alerts and their delivery records,
  acknowledgements, resolutions, welfare debriefs), the watch row, the index and the outbox
  rows (``lw_watch``, ``lw_visit_records``, ``lw_deliveries``). *Decision:* a plan names the
  case by its id and its pseudonym and says where the young person was met and when; laptops
  already erase linked visits on the disposal purge, and the hub kept them, so a laptop
  enrolled later pulled them back. The worker's safety comes first: a linked visit that is not
  over (armed, overdue, escalating, an alarm not resolved), whose stand-down is still to be
  stored or sent, or whose welfare debrief is not done blocks the disposal, which can be run
  again once it is. The visit's figures stay in the
  report residue like the case's. A plan linked to the case that reaches the hub after the
  disposal (planned offline) is stored and watched like any other; ``retention review`` lists
  it and ``retention dispose`` of the disposed case erases it once it is over and not under
  legal hold (:func:`_dispose_late_visits`; another team's visit naming the case may be held
  by its own id: ``retention.visit_case``), then purges the case again on every laptop.
* **A referral that never became a case** (:func:`_dispose_referral`): the referral, its
  documents, and its young person unless a case or another referral on the hub is about
  them; its residue is counted for its author. The disposal's id is the referral's
  (``hub_disposals.subject`` "referral"); laptops get the same purge with that id. A case's
  disposal likewise leaves its young person to another referral still about them.
* **Group work and training past the rule** (:func:`dispose_activity`, ``retention
  dispose-activity``): each record, its residue counted for its author, its id noted (a push
  of it is refused), a disposal purge of its id for every user (a laptop erases the record
  of that id) and a ``hub_disposals`` row (subject ``activity``).
* **Tombstones**: one disposal purge (``disposed`` true, contract C1) for *every* user of the
  hub: any laptop may have held the case at some time, and a purge of a case a laptop does not
  hold changes nothing there.
* **No readable byte** (:func:`scrub`, after the commit): on the embedded hub ``VACUUM`` (the
  file is rebuilt, so no freed page and no free space inside a page keeps an old copy, including
  copies left by updates made before the disposal) then a WAL checkpoint that truncates the WAL
  to nothing; the disposal itself runs with ``PRAGMA secure_delete = ON``. On PostgreSQL
  ``VACUUM FULL`` of the touched tables (the tables are rewritten into new files; the old files
  are removed) and a ``CHECKPOINT``. PostgreSQL's WAL segments and any backup keep the data
  until they are recycled or expire: keep backups no longer than the retention rule allows.

**Report residue.** Published figures for past periods must not change when a case goes. A
report counts from record dates and categories (a case open across a period counts once in the
period's young people, a referral's decision as it stood at the period's end...), so counts per
month cannot give back the figures of an arbitrary period; keeping the case's report-relevant
records reduced to those dates, categories and numbers can, exactly. So each referral, case,
session, closure and sign-off of the case is kept as a residue row: every text field emptied
(notes, reasons, names), every id replaced by a random one that links to nothing outside the
residue (a young person kept for another case keeps their id, so they are still counted once),
counted for the case's key worker. No case id, no young person record, no date of birth.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import functools
import logging
import sys
import time
import types
import typing
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.lone_working import VisitState
from spokeapp.domain.records import Record, record_from_dict
from spokeapp.hub.attachments import drop_unreferenced_attachments, referral_documents
from spokeapp.hub.commands import Settings, day, open_session, refused
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.ledger import audit, lock_writes, reserve_seqs
from spokeapp.hub.lone_working import (
    DEBRIEF_KIND,
    PENDING,
    PLAN_KIND,
    load_policy,
    load_visits,
)
from spokeapp.hub.models import (
    Disposal,
    DisposedRecord,
    HubCase,
    HubRecord,
    HubTombstone,
    LoneWorkingDelivery,
    LoneWorkingRecord,
    LoneWorkingWatch,
    ReportResidue,
    RestrictedRecord,
    RetentionHold,
    SubjectRequest,
    User,
)
from spokeapp.hub.retention import (
    RetentionError,
    disposal_blockers,
    due_activity,
    uncased_referral,
)
from spokeapp.hub.scope import in_audience
from spokeapp.hub.security import iso, utc_now

__all__ = [
    "DISPOSED_PAYLOAD",
    "DisposalError",
    "DisposalResult",
    "LateVisit",
    "Restriction",
    "carry_out_request",
    "dispose",
    "dispose_activity",
    "late_visits",
    "lift_restriction",
    "register_requests",
    "register_retention",
    "restrict",
    "scrub",
]

log = logging.getLogger(__name__)

CLI_ACTOR = "cli"
#: The payload of a disposal purge in a pull (contract C1).
DISPOSED_PAYLOAD = {"disposed": True}
#: Why a case was disposed of (``hub_disposals.basis``).
RETENTION, ERASURE_REQUEST = "retention", "erasure_request"
#: ``DisposalResult.subject`` of the erasure of late visits of a disposed case.
LATE_VISITS = "late_visits"
#: ``hub_disposals.subject`` (and ``DisposalResult.subject``) of group work and training.
ACTIVITY = "activity"
#: The record kinds whose reduced copies keep the report figures (``hub.reports._OWN_KINDS``
#: that belong to a case).
RESIDUE_KINDS = frozenset({"referral", "case", "session", "closure", "sign_off"})
#: The lone-working kinds a report counts (``hub.reports``: the plan for its worker, the rest
#: by their visit): a linked visit's are kept reduced the same way, for the visit's worker.
VISIT_RESIDUE_KINDS = frozenset({"visit_plan", "check_in", "alarm", "alarm_resolution",
                                 "escalation_alert"})
#: Text fields a report reads that name no young person: the key worker, who decided a
#: sign-off, what it was for, the local authority area, the risk level's band.
_KEPT_TEXT = frozenset({"key_worker", "decided_by", "request_kind", "local_authority",
                        "current_risk_level"})
#: Tables a disposal writes, rewritten by ``VACUUM FULL`` on PostgreSQL.
_TOUCHED_TABLES = ("hub_records", "hub_cases", "hub_retention_holds", "hub_tombstones",
                   "hub_report_residue", "hub_disposed_records", "hub_disposals",
                   "hub_attachments", "hub_attachment_chunks", "hub_attachment_holders",
                   "lw_watch", "lw_visit_records", "lw_deliveries")


class DisposalError(SpokeError):
    """A disposal refused (blocked, already done, unknown case): nothing was changed."""


@dataclass(frozen=True, slots=True)
class DisposalResult:
    """What one disposal did (ids and counts only)."""

    case_id: str
    records: int
    kept_for_other_cases: int
    tombstones: int
    residue: int
    basis: str
    request_id: int | None
    visits: int = 0
    #: "case", or "referral" for a referral that never became a case.
    subject: str = "case"
    #: Due lone-working visits left for now because they are not over (activity disposal).
    waiting: int = 0
    #: Records of another team linked to or from it, left as they are (:func:`in_audience`):
    #: "kind id" each, ids only.
    ignored: tuple[str, ...] = ()


# ------------------------------------------------------------------------------ residue
def _is_text(hint: object) -> bool:
    if hint is str:
        return True
    return isinstance(hint, types.UnionType) and set(typing.get_args(hint)) == {str,
                                                                                 type(None)}


@functools.cache
def _text_fields(cls: type[Any]) -> dict[str, bool]:
    """Each text field of a record class, and whether it may be None."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] is not str for f in dataclasses.fields(cls)
            if _is_text(hints[f.name])}


def residue_body(record: Record, ids: dict[str, str]) -> dict[str, Any]:
    """``record`` reduced to what a report reads: each text field's id mapped through ``ids``
    (ids not in it are emptied too), the fields in ``_KEPT_TEXT`` kept, every other text
    emptied (None where the field may be None); dates, categories and numbers kept."""
    body = record.to_dict()
    for name, optional in _text_fields(type(record)).items():
        value = body.get(name)
        if not isinstance(value, str):
            continue
        if value in ids:
            body[name] = ids[value]
        elif name not in _KEPT_TEXT:
            body[name] = None if optional else ""
    return body


# ------------------------------------------------------------------------------ disposal
def _parse(row: HubRecord) -> Record | None:
    try:
        return record_from_dict(row.kind, row.body)
    except ValidationError:
        return None


def _still_used(session: Session, case_id: str, key: str, row: HubRecord,
                ignored: list[str]) -> str | None:
    """Another case on the hub whose record names ``row`` under ``key`` and whose link to it
    holds (:func:`in_audience`), if any. Cases of another team naming it are noted in
    ``ignored``."""
    for other in session.scalars(select(HubRecord).where(
            HubRecord.kind == "case", HubRecord.record_id != case_id)
            .order_by(HubRecord.record_id)):
        if not isinstance(other.body, dict) or other.body.get(key) != row.record_id:
            continue
        if in_audience(session, row, of=other):
            return other.record_id
        ignored.append(f"case {other.record_id}")
    return None


def _referred_again(session: Session, person: HubRecord, erased: set[str],
                    ignored: list[str]) -> bool:
    """True if a referral on the hub other than ``erased`` is about the young person (a
    referral declined before, or after, the case: the young person stays for it) and its
    link to them holds (:func:`in_audience`). Referrals of another team naming them are
    noted in ``ignored``."""
    found = False
    for referral in session.scalars(select(HubRecord).where(
            HubRecord.kind == "referral", HubRecord.record_id.not_in(erased))
            .order_by(HubRecord.record_id)):
        if not isinstance(referral.body, dict) or \
                referral.body.get("young_person_id") != person.record_id:
            continue
        if in_audience(session, person, of=referral):
            found = True
        else:
            ignored.append(f"referral {referral.record_id}")
    return found


def _documents(session: Session, rows: list[HubRecord], ignored: list[str] | None = None
               ) -> list[HubRecord]:
    """The documents attached to the referrals among ``rows`` (``referral_documents``) whose
    link to their referral holds (:func:`in_audience`); the others are noted in
    ``ignored``."""
    referrals = {row.record_id: row for row in rows if row.kind == "referral"}
    found: list[HubRecord] = []
    for document in referral_documents(session, rows):
        referral = referrals.get(str(document.body.get("attached_to")))
        if referral is not None and in_audience(session, referral, of=document):
            found.append(document)
        elif ignored is not None:
            ignored.append(f"document {document.record_id}")
    return found


def linked_visits(session: Session, case_id: str) -> list[str]:
    """The ids of the visit plans on the hub linked to the case (``linked_case_id``)."""
    return sorted(str(record_id) for record_id, body in session.execute(
        select(HubRecord.record_id, HubRecord.body).where(HubRecord.kind == PLAN_KIND))
        if isinstance(body, dict) and body.get("linked_case_id") == case_id)


def standing_visits(session: Session, case_row: HubRecord,
                    ignored: list[str] | None = None) -> list[str]:
    """The ids of the visit plans linked to the case whose link holds
    (:func:`in_audience`: the visit's worker is in the case's audience). A plan of another
    team naming the case neither blocks its disposal nor goes with it, nor is in its file
    (the visit is still watched and escalated for its worker); it is noted in ``ignored``.
    Once the case is disposed of, such a plan is linked to a disposed case (:func:`late_visits`).
    """
    plans = linked_visits(session, case_row.record_id)
    if not plans:
        return []
    standing: list[str] = []
    for plan in session.scalars(select(HubRecord).where(HubRecord.record_id.in_(plans))
                                .order_by(HubRecord.record_id)):
        if in_audience(session, case_row, of=plan):
            standing.append(plan.record_id)
        elif ignored is not None:
            ignored.append(f"visit {plan.record_id}")
    return standing


def visit_blockers(session: Session, visits: list[str], now: datetime) -> list[str]:
    """Why the linked ``visits`` may not be erased at ``now``: one that is not over (the
    worker may still be out, or an alarm is not resolved); one whose stand-down the hub has
    still to store or send (the people alerted must hear she is safe: an erased visit's
    all-clear would never go); one whose welfare debrief is not done; or one under legal hold
    (a visit linked to no case for the hub, such as another team's visit naming the case, is
    held by its own id: ``retention.visit_case``). Empty: they may."""
    if not visits:
        return []
    blockers: list[str] = [
        f"visit {hold.case_id} is under legal hold since {hold.placed_at[:10]}"
        for hold in session.scalars(select(RetentionHold).where(
            RetentionHold.case_id.in_(visits), RetentionHold.released_at.is_(None)))]
    policy = load_policy(session)
    for visit_id, visit in load_visits(session, visits).items():
        if visit is None:
            continue
        state = visit.state(now, policy)
        if state is not VisitState.ENDED:
            blockers.append(f"visit {visit_id} linked to the case is not over "
                            f"({state.value.replace('_', ' ')})")
        elif visit.due_actions(now, policy):
            blockers.append(f"the hub has still to tell the people alerted about visit "
                            f"{visit_id} that it is over (the hub sends it when it runs)")
    sending = session.scalars(
        select(LoneWorkingDelivery.visit_id).where(
            LoneWorkingDelivery.visit_id.in_(visits),
            LoneWorkingDelivery.status == PENDING).distinct())
    blockers += [f"notices about visit {visit_id} are still being sent" for visit_id in sending]
    for visit_id, body in session.execute(
            select(LoneWorkingRecord.visit_id, HubRecord.body)
            .join(HubRecord, HubRecord.record_id == LoneWorkingRecord.record_id)
            .where(LoneWorkingRecord.visit_id.in_(visits),
                   LoneWorkingRecord.kind == DEBRIEF_KIND)):
        if isinstance(body, dict) and not body.get("done"):
            blockers.append(f"the welfare debrief of visit {visit_id} is not done yet")
    return sorted(set(blockers))


def _visit_rows(session: Session, visits: list[str]) -> list[HubRecord]:
    """Every hub record of the ``visits`` (through the ``lw_visit_records`` index, which
    holds each plan, check-in, alarm and hub-authored record of a visit)."""
    if not visits:
        return []
    return list(session.scalars(
        select(HubRecord).join(LoneWorkingRecord,
                               LoneWorkingRecord.record_id == HubRecord.record_id)
        .where(LoneWorkingRecord.visit_id.in_(visits))))


def _subject(session: Session, subject_id: str) -> str:
    """"Case" or "Referral" (one that never became a case), as the messages name it."""
    row = session.get(HubRecord, subject_id)
    return "Referral" if row is not None and row.kind == "referral" else "Case"


def _check(session: Session, case_id: str, today: date, *, erasure: bool,
           now: datetime) -> None:
    done = session.get(Disposal, case_id)
    if done is not None:
        raise DisposalError(f"{done.subject.capitalize()} {case_id} was already disposed of on "
                            f"{done.disposed_at[:10]}; nothing changed.")
    try:
        blockers = disposal_blockers(session, case_id, today)
    except RetentionError as exc:
        raise DisposalError(str(exc)) from None
    what = _subject(session, case_id)
    row = session.get(HubRecord, case_id)
    visits = visit_blockers(session, [] if row is None or row.kind != "case"
                            else standing_visits(session, row), now)
    if visits:
        # Whatever the basis: a worker's safety record is not erased while it is in use.
        raise DisposalError(f"Case {case_id} cannot be disposed of yet: " + "; ".join(visits)
                            + ". Nothing changed; run it again once the visit is over and "
                            "its debrief done.")
    if erasure:
        # An erasure request does not wait for the retention day; a legal hold still blocks,
        # and an open case must be closed first (its worker is still working with them), a
        # referral decided first (declined: nobody is still deciding on it).
        if any(b.startswith("legal hold") for b in blockers):
            raise DisposalError(f"{what} {case_id} cannot be erased: "
                                + "; ".join(b for b in blockers if b.startswith("legal hold"))
                                + ". Nothing changed.")
        if "the case is still open" in blockers:
            raise DisposalError(f"Case {case_id} is still open: close the case first, then "
                                "carry out the erasure request. Nothing changed.")
        waiting = [b for b in blockers if b.startswith("the referral")]
        if waiting:
            raise DisposalError(f"Referral {case_id} cannot be erased yet: {waiting[0]}. Record "
                                "the decision (decline it) first, then carry out the erasure "
                                "request. Nothing changed.")
        return
    if blockers:
        raise DisposalError(f"{what} {case_id} may not be disposed of: " + "; ".join(blockers)
                            + ". Nothing changed.")


def dispose(session: Session, case_id: str, today: date, *, actor: str = CLI_ACTOR,
            request_id: int | None = None, now: datetime | None = None) -> DisposalResult:
    """Erase the case's personal data on the hub (see the module docstring). Call inside a
    transaction holding ``ledger.lock_writes``; then :func:`scrub` after the commit.

    ``request_id``: an erasure request being carried out (the retention day then does not
    apply; a legal hold and an open case still refuse). DisposalError (nothing changed) when
    blocked, already disposed of, or not on the hub. ``now`` (default: the hub's clock) is
    when a linked visit must be over by."""
    moment = utc_now() if now is None else now
    done = session.get(Disposal, case_id)
    late = [] if done is None or done.subject != "case" else linked_visits(session, case_id)
    if not late:
        _check(session, case_id, today, erasure=request_id is not None, now=moment)
    if session.get_bind().dialect.name == "sqlite":
        # Deleted cells are overwritten with zeros, in the database and in the WAL.
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    if done is not None:
        # Visits planned offline and linked to the case reached the hub after its disposal.
        return _dispose_late_visits(session, done, late, now=moment, actor=actor)
    case_row = session.get(HubRecord, case_id)
    assert case_row is not None  # disposal_blockers found it
    if case_row.kind == "referral":
        return _dispose_referral(session, case_row, actor=actor, request_id=request_id)
    hub_case = session.get(HubCase, case_id)
    key_worker = (hub_case.key_worker if hub_case is not None
                  else str(case_row.body.get("key_worker", "")))
    rows = list(session.scalars(select(HubRecord).where(HubRecord.case_id == case_id)))
    if all(r.record_id != case_id for r in rows):
        rows.append(case_row)
    # The young person and referral go with the case unless another case (or referral) whose
    # link to them holds still uses them; a link that does not hold is left as it is
    # (docs/data-protection.md, "Links between teams").
    moved: list[HubRecord] = []
    kept_ids: dict[str, str] = {}
    ignored: list[str] = []
    own_referral = case_row.body.get("referral_id")
    for key, kind in (("young_person_id", "young_person"), ("referral_id", "referral")):
        linked = case_row.body.get(key)
        row = session.get(HubRecord, linked) if isinstance(linked, str) else None
        if row is None or row.kind != kind:
            continue
        kept_ids[row.record_id] = row.record_id  # unless erased below
        if not in_audience(session, row, of=case_row):
            ignored.append(f"{kind.replace('_', ' ')} {row.record_id}")
            continue
        if row.case_id not in (None, case_id):
            continue  # another case of the team holds it: it stays there
        other = _still_used(session, case_id, key, row, ignored)
        if other is None and kind == "young_person" and _referred_again(
                session, row, {own_referral} if isinstance(own_referral, str) else set(),
                ignored):
            other = ""  # kept, with no case, for a referral that never became one
        if other is None:
            del kept_ids[row.record_id]
            if row not in rows:
                rows.append(row)
        elif row in rows:
            rows.remove(row)
            moved.append(row)
            _keep_in_team(session, row, other or None, case_row, key_worker)
    rows += _documents(session, rows, ignored)
    visits = standing_visits(session, case_row, ignored)
    visit_rows = [row for row in _visit_rows(session, visits) if row not in rows]
    rows += visit_rows
    ids = {r.record_id: str(uuid.uuid4()) for r in rows} | kept_ids
    residue = _visit_residue(session, visit_rows, ids)
    of_visits = {row.record_id for row in visit_rows}
    for row in rows:
        if row.record_id in of_visits or row.kind not in RESIDUE_KINDS:
            continue
        record = _parse(row)
        if record is None or not key_worker:
            continue
        session.add(ReportResidue(worker=key_worker, kind=row.kind,
                                  body=residue_body(record, ids)))
        residue += 1
    _drop_watch(session, visits)
    return _erase(session, case_id, "case", rows, moved, residue, actor=actor,
                  request_id=request_id, visits=len(visits), hub_case=hub_case,
                  ignored=ignored)


def _keep_in_team(session: Session, row: HubRecord, case_id: str | None, case_row: HubRecord,
                  key_worker: str) -> None:
    """File ``row`` (the disposed case's young person or referral, kept) under ``case_id``:
    another case of the team whose link to it holds, or None (no case, for a referral of the
    team about them). *Decision:* a record kept with no case stays with the team that held
    it: uncased, it is scoped by its first author, so when that author is not in the disposed
    case's audience (the case came from another team, or the author moved) it is filed under
    the case's key worker instead, and the version keeps its writer (``edited_by``). Nobody
    who could not see it in the case gains it."""
    row.case_id = case_id
    if case_id is None and key_worker and not in_audience(session, row, of=case_row):
        row.edited_by = row.edited_by or row.author_user
        row.author_user = key_worker


def _visit_residue(session: Session, visit_rows: list[HubRecord], ids: dict[str, str]) -> int:
    """Keep the report residue of erased visits' records (``VISIT_RESIDUE_KINDS``), each
    counted for the visit's worker, who may not be the case's key worker. Returns how many
    residue rows were added."""
    visit_worker = {row.record_id: row.author_user for row in visit_rows
                    if row.kind == PLAN_KIND}
    residue = 0
    for row in visit_rows:
        if row.kind not in VISIT_RESIDUE_KINDS:
            continue
        plan_id = row.record_id if row.kind == PLAN_KIND else row.body.get("visit_id")
        worker = visit_worker.get(str(plan_id), "")
        record = _parse(row)
        if record is None or not worker:
            continue
        session.add(ReportResidue(worker=worker, kind=row.kind,
                                  body=residue_body(record, ids)))
        residue += 1
    return residue


def _drop_watch(session: Session, visits: list[str]) -> None:
    """The erased visits' watch, index and outbox rows."""
    if visits:
        session.execute(delete(LoneWorkingRecord).where(LoneWorkingRecord.visit_id.in_(visits)))
        session.execute(delete(LoneWorkingWatch).where(LoneWorkingWatch.visit_id.in_(visits)))
        session.execute(delete(LoneWorkingDelivery)
                        .where(LoneWorkingDelivery.visit_id.in_(visits)))


def _dispose_referral(session: Session, referral: HubRecord, *, actor: str,
                      request_id: int | None) -> DisposalResult:
    """Erase a referral that never became a case: the referral, the documents attached to it,
    and its young person unless a case or another referral on the hub is about them (then
    they stay as they are). Its report residue is counted for the referral's author, as the
    report counts an uncased referral."""
    rows = [referral]
    kept_ids: dict[str, str] = {}
    ignored: list[str] = []
    person_id = referral.body.get("young_person_id")
    person = session.get(HubRecord, person_id) if isinstance(person_id, str) else None
    if person is not None and person.kind == "young_person":
        if not in_audience(session, person, of=referral):
            ignored.append(f"young person {person.record_id}")
            kept_ids[person.record_id] = person.record_id
        elif (person.case_id is not None
              or _still_used(session, "", "young_person_id", person, ignored) is not None
              or _referred_again(session, person, {referral.record_id}, ignored)):
            kept_ids[person.record_id] = person.record_id
        else:
            rows.append(person)
    rows += _documents(session, rows, ignored)
    ids = {r.record_id: str(uuid.uuid4()) for r in rows} | kept_ids
    residue = 0
    record = _parse(referral)
    if record is not None and referral.author_user:
        session.add(ReportResidue(worker=referral.author_user, kind=referral.kind,
                                  body=residue_body(record, ids)))
        residue = 1
    # A restriction ends with what it restricted (a young person kept stays, unrestricted).
    session.execute(delete(RestrictedRecord).where(
        RestrictedRecord.referral_id == referral.record_id))
    return _erase(session, referral.record_id, "referral", rows, [], residue, actor=actor,
                  request_id=request_id, visits=0, ignored=ignored)


def _erase(session: Session, subject_id: str, subject: str, rows: list[HubRecord],
           moved: list[HubRecord], residue: int, *, actor: str, request_id: int | None,
           visits: int, hub_case: HubCase | None = None,
           ignored: list[str] | None = None) -> DisposalResult:
    """The end of every disposal: delete ``rows`` and the files no record names any more,
    note the erased ids, give ``moved`` rows new sequence numbers, tell every laptop
    (a disposal purge each), record the disposal and audit it."""
    case_id = subject_id
    left = tuple(dict.fromkeys(ignored or ()))
    erased = _delete_rows(session, case_id, rows)
    if hub_case is not None:
        session.delete(hub_case)
    session.execute(delete(RetentionHold).where(RetentionHold.case_id == case_id))
    stamp = iso(utc_now())
    if moved:
        last = reserve_seqs(session, len(moved))
        for offset, row in enumerate(moved):
            row.seq = last - len(moved) + 1 + offset
            row.hub_time = stamp
    users = _purge_everyone(session, [case_id], stamp)
    basis = RETENTION if request_id is None else ERASURE_REQUEST
    session.add(Disposal(case_id=case_id, subject=subject, disposed_at=stamp,
                         disposed_by=actor, basis=basis, request_id=request_id,
                         records=len(erased), tombstones=len(users)))
    audit(session, actor, "case_disposed" if subject == "case" else "referral_disposed",
          case_id,
          f"basis={basis};records={len(erased)};kept_for_other_cases={len(moved)};"
          f"tombstones={len(users)};residue={residue}"
          + (f";visits={visits}" if visits else "")
          + ("" if request_id is None else f";request={request_id}")
          + (f";ignored_links={len(left)}" if left else ""))
    session.flush()
    log.info("%s %s disposed of: %d records erased, %d tombstones", subject, case_id,
             len(erased), len(users))
    return DisposalResult(case_id, len(erased), len(moved), len(users), residue, basis,
                          request_id, visits, subject, ignored=left)


def _delete_rows(session: Session, case_id: str, rows: list[HubRecord]) -> list[str]:
    """Delete ``rows`` and the files no remaining record names, and note the erased ids (a
    push of any of them is then refused); returns the ids."""
    erased = [r.record_id for r in rows]
    for row in rows:
        session.delete(row)
    session.flush()
    # The files no remaining record names go with the records (docs/attachments.md).
    drop_unreferenced_attachments(session)
    session.add_all(DisposedRecord(record_id=rid, case_id=case_id) for rid in erased)
    return erased


def _purge_everyone(session: Session, ids: list[str], stamp: str, *,
                    disposed: bool = True) -> list[str]:
    """A purge of each of ``ids`` (a disposal purge, or with ``disposed`` False the purge of
    a restriction) for every user of the hub: any laptop may have held it. Consecutive seqs,
    id by id; returns the users."""
    users = list(session.scalars(select(User.id).order_by(User.id)))
    purges = [(subject, user_id) for subject in ids for user_id in users]
    if purges:
        last = reserve_seqs(session, len(purges))
        session.add_all(
            HubTombstone(seq=last - len(purges) + 1 + i, user_id=user_id, case_id=subject,
                         hub_time=stamp, disposed=disposed)
            for i, (subject, user_id) in enumerate(purges))
    return users


# ------------------------------------------------------------------------------ activity
def dispose_activity(session: Session, today: date, *, actor: str = CLI_ACTOR,
                     now: datetime | None = None) -> DisposalResult:
    """Erase the group work, training or consultancy and lone-working visits linked to no
    case due on ``today`` and not under legal hold
    (:func:`spokeapp.hub.retention.due_activity`): each record (a visit with every record of
    it, its watch, index and outbox rows), the files no remaining record names, the ids noted
    (a push of one is refused), a disposal purge of each record and each visit's plan for every
    user (laptops erase it, a visit with its records), a ``hub_disposals`` row each (subject
    ``activity``), their report residue counted for their author (a visit's for its worker).
    A due visit that is not over at ``now`` (:func:`visit_blockers`) is left for a later run.
    Call inside a transaction holding ``ledger.lock_writes``, then :func:`scrub`.
    DisposalError (nothing changed) when none is due."""
    due = [d for d in due_activity(session, today) if d.held is None]
    visits = [d.record_id for d in due if d.kind == PLAN_KIND]
    moment = utc_now() if now is None else now
    # A visit nobody ended stays until it is over, as for a case's visits (visit_blockers).
    waiting = {v for v in visits if visit_blockers(session, [v], moment)}
    visits = [v for v in visits if v not in waiting]
    due = [d for d in due if d.record_id not in waiting]
    if not due:
        raise DisposalError("No group work, training or lone-working visit is due for "
                            f"disposal on {today.isoformat()}"
                            + (f" ({len(waiting)} visits due are not over yet)" if waiting
                               else "") + "; nothing changed.")
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    rows = list(session.scalars(select(HubRecord).where(
        HubRecord.record_id.in_([d.record_id for d in due]))))
    # A visit's records through its index, and its plan whether or not the index has it.
    visit_rows = _visit_rows(session, visits)
    visit_rows += [row for row in rows if row.kind == PLAN_KIND and row not in visit_rows]
    rows = [row for row in rows if row.kind != PLAN_KIND]
    ids = {r.record_id: str(uuid.uuid4()) for r in rows + visit_rows}
    residue = _visit_residue(session, visit_rows, ids)
    for row in rows:
        record = _parse(row)
        if record is not None and row.author_user:
            session.add(ReportResidue(worker=row.author_user, kind=row.kind,
                                      body=residue_body(record, ids)))
            residue += 1
    _drop_watch(session, visits)
    # The purge names each record, and each visit by its plan (a laptop erases the visit's
    # records with it); every erased id is noted so that a push of it is refused.
    erased = {row.record_id: row.kind for row in rows + visit_rows}
    named = sorted([row.record_id for row in rows] + visits)
    for row in rows + visit_rows:
        session.delete(row)
    session.flush()
    drop_unreferenced_attachments(session)
    owner = {row.record_id: str(row.body.get("visit_id") or row.record_id)
             if isinstance(row.body, dict) else row.record_id for row in visit_rows}
    session.add_all(DisposedRecord(record_id=rid, case_id=owner.get(rid, rid))
                    for rid in erased)
    stamp = iso(utc_now())
    users = _purge_everyone(session, named, stamp)
    in_visit = collections.Counter(owner.values())
    records_of = {rid: in_visit.get(rid, 1) for rid in named}
    session.add_all(Disposal(case_id=rid, subject=ACTIVITY, disposed_at=stamp,
                             disposed_by=actor, basis=RETENTION, request_id=None,
                             records=records_of[rid], tombstones=len(users)) for rid in named)
    kinds = list(erased.values())
    audit(session, actor, "activity_disposed", "hub",
          f"group_sessions={kinds.count('group_session')};"
          f"professional_activity={kinds.count('professional_activity')};"
          f"visits={len(visits)};records={len(erased)};"
          f"tombstones={len(named) * len(users)};residue={residue};as_of={today.isoformat()}"
          + (f";visits_not_over={len(waiting)}" if waiting else ""))
    session.flush()
    log.info("activity disposed of: %d records erased, %d tombstones", len(erased),
             len(named) * len(users))
    return DisposalResult("hub", len(erased), 0, len(users), residue, RETENTION, None,
                          len(visits), ACTIVITY, len(waiting))


# ------------------------------------------------------------------------------ late visits
@dataclass(frozen=True, slots=True)
class LateVisit:
    """A visit plan linked to a case that had been disposed of when the plan reached the hub
    (planned offline, sent afterwards): ``waiting_for`` is empty once it may be erased."""

    visit_id: str
    case_id: str
    disposed_on: str
    waiting_for: tuple[str, ...]


def late_visits(session: Session, now: datetime) -> list[LateVisit]:
    """Every visit plan on the hub linked to a disposed case, by case then visit, with what
    its erasure waits for at ``now`` (:func:`visit_blockers`)."""
    disposed = {case_id: at for case_id, at in session.execute(
        select(Disposal.case_id, Disposal.disposed_at).where(Disposal.subject == "case"))}
    if not disposed:
        return []
    found = sorted((str(body["linked_case_id"]), str(record_id)) for record_id, body in
                   session.execute(select(HubRecord.record_id, HubRecord.body)
                                   .where(HubRecord.kind == PLAN_KIND))
                   if isinstance(body, dict) and body.get("linked_case_id") in disposed)
    return [LateVisit(visit_id, case_id, disposed[case_id][:10],
                      tuple(visit_blockers(session, [visit_id], now)))
            for case_id, visit_id in found]


def _dispose_late_visits(session: Session, done: Disposal, visits: list[str], *,
                         now: datetime, actor: str) -> DisposalResult:
    """Erase the visits linked to an already disposed case that reached the hub afterwards,
    as the disposal erased the visits it found (their records, watch, index and outbox
    rows; their figures kept as residue), and purge the case again on every laptop, which
    then erases its copy of them (a laptop keeps one it is still on until it is over and
    sent). DisposalError (nothing changed) while one of them is not over."""
    blockers = visit_blockers(session, visits, now)
    if blockers:
        raise DisposalError(
            f"Case {done.case_id} was disposed of on {done.disposed_at[:10]}, and visits "
            "linked to it reached the hub afterwards; they cannot be erased yet: "
            + "; ".join(blockers) + ". Nothing changed; run it again once the visit is over "
            "and its debrief done.")
    rows = _visit_rows(session, visits)
    ids = {r.record_id: str(uuid.uuid4()) for r in rows}
    residue = _visit_residue(session, rows, ids)
    _drop_watch(session, visits)
    erased = _delete_rows(session, done.case_id, rows)
    users = _purge_everyone(session, [done.case_id], iso(utc_now()))
    done.records += len(erased)
    audit(session, actor, "late_visits_disposed", done.case_id,
          f"visits={len(visits)};records={len(erased)};tombstones={len(users)};"
          f"residue={residue}")
    session.flush()
    log.info("case %s: %d late linked visits erased", done.case_id, len(visits))
    return DisposalResult(done.case_id, len(erased), 0, len(users), residue, done.basis,
                          None, len(visits), LATE_VISITS)


def scrub(engine: Engine) -> float:
    """Leave no old copy of erased rows in the database files (run after the disposal's
    commit, with no transaction open); returns the seconds it took.

    Embedded: ``VACUUM`` rebuilds the file (no free page, no free space in a page keeps a
    copy, including copies left by updates before the disposal), then the WAL is checkpointed
    and truncated to nothing. PostgreSQL: ``VACUUM FULL`` of the tables a disposal touches,
    then ``CHECKPOINT``."""
    started = time.monotonic()
    with engine.connect() as connection:
        auto = connection.execution_options(isolation_level="AUTOCOMMIT")
        if engine.dialect.name == "sqlite":
            auto.exec_driver_sql("PRAGMA secure_delete = ON")
            auto.exec_driver_sql("VACUUM")
            auto.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            for table in _TOUCHED_TABLES:
                auto.execute(text(f"VACUUM FULL {table}"))
            auto.execute(text("CHECKPOINT"))
    return time.monotonic() - started


# ------------------------------------------------------------------------------ restriction
@dataclass(frozen=True, slots=True)
class Restriction:
    """A restriction placed or lifted (ids and counts only)."""

    case_id: str
    restricted: bool
    tombstones: int
    records: int
    #: "case", or "referral" for a referral that never became a case.
    subject: str = "case"


def _hub_case(session: Session, case_id: str) -> HubCase:
    if session.get(Disposal, case_id) is not None:
        raise DisposalError(f"Case {case_id} was disposed of; nothing changed.")
    hub_case = session.get(HubCase, case_id)
    if hub_case is None:
        raise DisposalError(f"No case with id {case_id!r} is on this hub; nothing changed.")
    return hub_case


def _pulled_again(session: Session, which: Any) -> list[HubRecord]:
    """New sequence numbers, in their order, for the records ``which`` selects: the laptops
    whose scope holds them pull them again at their next sync. Returns them."""
    rows = list(session.scalars(select(HubRecord).where(which).order_by(HubRecord.seq)))
    if rows:
        last = reserve_seqs(session, len(rows))
        for offset, row in enumerate(rows):
            row.seq = last - len(rows) + 1 + offset
    return rows


def _restricted_rows(session: Session, referral: HubRecord) -> list[HubRecord]:
    """What a restriction of a referral with no case keeps off the laptops: the referral, the
    documents attached to it, and its young person unless a case uses them (a case's young
    person is the case's; a restriction of them is the case's restriction). Only what the
    referral's links reach (:func:`in_audience`): another team's young person or document
    naming it is left as it is."""
    rows = [referral]
    person_id = referral.body.get("young_person_id")
    person = session.get(HubRecord, person_id) if isinstance(person_id, str) else None
    if (person is not None and person.kind == "young_person" and person.case_id is None
            and in_audience(session, person, of=referral)):
        rows.append(person)
    return rows + _documents(session, rows)


def _restrict_referral(session: Session, referral: HubRecord, *, actor: str,
                       request_id: int | None) -> Restriction:
    """Restrict a referral that never became a case: its records (:func:`_restricted_rows`)
    are kept on the hub but no laptop pulls or pushes them (``hub_restricted_records``); an
    ordinary purge of the referral's id for every user takes them off every laptop."""
    referral_id = referral.record_id
    if session.scalar(select(RestrictedRecord.record_id).where(
            RestrictedRecord.referral_id == referral_id).limit(1)) is not None:
        raise DisposalError(f"Referral {referral_id} is already restricted; nothing changed.")
    stamp = iso(utc_now())
    rows = _restricted_rows(session, referral)
    held = set(session.scalars(select(RestrictedRecord.record_id).where(
        RestrictedRecord.record_id.in_([r.record_id for r in rows]))))
    session.add_all(RestrictedRecord(record_id=r.record_id, referral_id=referral_id,
                                     restricted_at=stamp)
                    for r in rows if r.record_id not in held)
    users = _purge_everyone(session, [referral_id], stamp, disposed=False)
    audit(session, actor, "referral_restricted", referral_id,
          f"records={len(rows)};tombstones={len(users)}"
          + ("" if request_id is None else f";request={request_id}"))
    return Restriction(referral_id, True, len(users), len(rows), "referral")


def _lift_referral(session: Session, referral: HubRecord, *, actor: str) -> Restriction:
    """Lift the restriction of a referral with no case: its records get new sequence numbers,
    so the laptops whose scope holds them pull them again."""
    referral_id = referral.record_id
    restricted = list(session.scalars(select(RestrictedRecord.record_id).where(
        RestrictedRecord.referral_id == referral_id)))
    if not restricted:
        raise DisposalError(f"Referral {referral_id} is not restricted; nothing changed.")
    session.execute(delete(RestrictedRecord).where(
        RestrictedRecord.referral_id == referral_id))
    rows = _pulled_again(session, HubRecord.record_id.in_(restricted))
    audit(session, actor, "referral_restriction_lifted", referral_id, f"records={len(rows)}")
    return Restriction(referral_id, False, 0, len(rows), "referral")


def restrict(session: Session, case_id: str, *, actor: str = CLI_ACTOR,
             request_id: int | None = None) -> Restriction:
    """Restrict the case (a restriction request, UK GDPR article 18): the hub keeps every
    record, but no laptop pulls or pushes it (409 ``case_restricted``) until
    :func:`lift_restriction`; every user gets an ordinary purge, so it leaves every laptop
    at the next sync. Call under ``ledger.lock_writes``. DisposalError if already
    restricted, disposed of or unknown (nothing changed)."""
    referral = uncased_referral(session, case_id)
    if referral is not None:
        return _restrict_referral(session, referral, actor=actor, request_id=request_id)
    hub_case = _hub_case(session, case_id)
    if hub_case.restricted:
        raise DisposalError(f"Case {case_id} is already restricted; nothing changed.")
    hub_case.restricted = True
    users = _purge_everyone(session, [case_id], iso(utc_now()), disposed=False)
    audit(session, actor, "case_restricted", case_id, f"tombstones={len(users)}"
          + ("" if request_id is None else f";request={request_id}"))
    return Restriction(case_id, True, len(users), 0)


def lift_restriction(session: Session, case_id: str, *,
                     actor: str = CLI_ACTOR) -> Restriction:
    """Lift a restriction: the case's records get new sequence numbers, so the laptops whose
    scope holds it pull it again at their next sync. Call under ``ledger.lock_writes``.
    DisposalError if not restricted, disposed of or unknown (nothing changed)."""
    referral = uncased_referral(session, case_id)
    if referral is not None:
        return _lift_referral(session, referral, actor=actor)
    hub_case = _hub_case(session, case_id)
    if not hub_case.restricted:
        raise DisposalError(f"Case {case_id} is not restricted; nothing changed.")
    hub_case.restricted = False
    rows = _pulled_again(session, HubRecord.case_id == case_id)
    audit(session, actor, "case_restriction_lifted", case_id, f"records={len(rows)}")
    return Restriction(case_id, False, 0, len(rows))


# ------------------------------------------------------------------------------ requests
def carry_out_request(session: Session, request_id: int, today: date, *,
                      actor: str = CLI_ACTOR) -> DisposalResult | Restriction:
    """Carry out an open erasure or restriction request and mark it fulfilled: an erasure
    disposes of its case now (recording the request id), a restriction restricts it.
    DisposalError (nothing changed) for an unknown or final request, a request of another
    kind, a legal hold or an open case (erasure)."""
    from spokeapp.hub.subject_requests import SubjectRequestError, fulfil_request

    row = session.get(SubjectRequest, request_id)
    if row is None:
        raise DisposalError(f"No request with id {request_id} on this hub; nothing changed.")
    if row.kind not in ("erasure", "restriction"):
        raise DisposalError(f"Request {request_id} is a {row.kind} request; only erasure and "
                            "restriction requests are carried out this way. Nothing changed.")
    erasure = row.kind == "erasure"
    try:
        fulfil_request(session, request_id, today,
                       f"carried out: {row.subject} disposed of" if erasure
                       else "carried out: case restricted", actor=actor)
    except SubjectRequestError as exc:
        raise DisposalError(str(exc)) from None
    if erasure:
        return dispose(session, row.case_id, today, actor=actor, request_id=request_id)
    return restrict(session, row.case_id, actor=actor, request_id=request_id)


# ------------------------------------------------------------------------------ the commands
def _run(args: argparse.Namespace, settings: Settings, change: Any) -> int:
    with open_session(args, settings) as session:
        with session.begin():
            lock_writes(session)
            try:
                result: DisposalResult | Restriction = change(session)
            except DisposalError as exc:
                session.rollback()
                return refused(exc)
        engine = session.get_bind()
    assert isinstance(engine, Engine)
    if isinstance(result, Restriction):
        engine.dispose()
        print(f"{result.subject.capitalize()} {result.case_id} is restricted: the hub keeps "
              "it, and it leaves every laptop at its next sync; nothing of it is pulled or "
              "pushed until `spoke-hub requests lift-restriction`." if result.restricted else
              f"Lifted the restriction on {result.subject} {result.case_id}: its holders' "
              f"laptops pull its {result.records} records again at their next sync.")
        return 0
    if result.subject == ACTIVITY:
        print(f"Disposed of {result.records} group work, training and lone-working record"
              f"{'s' if result.records != 1 else ''} past the retention rule"
              + (f" ({result.visits} visit{'s' if result.visits != 1 else ''})"
                 if result.visits else "")
              + f"; every laptop ({result.tombstones} people) is told to erase them at its "
              f"next sync. Report figures kept ({result.residue} anonymous entries)."
              + (f" {result.waiting} visit{'s' if result.waiting != 1 else ''} due "
                 f"{'are' if result.waiting != 1 else 'is'} not over yet: run it again "
                 "once over." if result.waiting else ""))
        return _scrub_files(engine)
    if result.subject == LATE_VISITS:
        print(f"Case {result.case_id} was already disposed of; {result.visits} lone-working "
              f"visit{'s' if result.visits != 1 else ''} linked to it that reached the hub "
              f"afterwards erased ({result.records} records); every laptop "
              f"({result.tombstones} people) is told to erase "
              f"{'them' if result.visits != 1 else 'it'} at its next sync. Report figures "
              f"kept ({result.residue} anonymous entries).")
        return _scrub_files(engine)
    print(f"{result.subject.capitalize()} {result.case_id} disposed of: {result.records} "
          "records erased on the hub"
          + (f" ({result.kept_for_other_cases} kept for another case)"
             if result.kept_for_other_cases else "")
          + (f", {result.visits} linked lone-working visit{'s' if result.visits != 1 else ''}"
             " with them" if result.visits else "")
          + f"; every laptop ({result.tombstones} people) is told to erase it at its next "
          f"sync. Report figures kept ({result.residue} anonymous entries).")
    if result.ignored:
        print(f"Links between it and {len(result.ignored)} record"
              f"{'s' if len(result.ignored) != 1 else ''} of another team were ignored; "
              "those records are left to the team that holds them: "
              + ", ".join(result.ignored) + ".")
    return _scrub_files(engine)


def _scrub_files(engine: Engine) -> int:
    try:
        seconds = scrub(engine)
    except DBAPIError:
        print("spoke-hub: the database files could not be cleaned now (the database is busy); "
              "old copies of erased rows may remain in free space until `spoke-hub retention "
              "scrub` succeeds. Run it again.", file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    print(f"Database files cleaned of erased rows in {seconds:.1f} s.")
    return 0


def cmd_scrub(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        engine = session.get_bind()
    assert isinstance(engine, Engine)
    return _scrub_files(engine)


def _today(args: argparse.Namespace) -> date:
    as_of: date | None = getattr(args, "as_of", None)
    return as_of or utc_now().date()


def cmd_dispose(args: argparse.Namespace, settings: Settings) -> int:
    return _run(args, settings,
                lambda session: dispose(session, args.case_id, _today(args)))


def cmd_dispose_activity(args: argparse.Namespace, settings: Settings) -> int:
    return _run(args, settings,
                lambda session: dispose_activity(session, _today(args)))


def cmd_carry_out(args: argparse.Namespace, settings: Settings) -> int:
    return _run(args, settings,
                lambda session: carry_out_request(session, args.request_id, _today(args)))


def cmd_lift(args: argparse.Namespace, settings: Settings) -> int:
    return _run(args, settings, lambda session: lift_restriction(session, args.case_id))


def register_retention(retention: Any, common: argparse.ArgumentParser,
                       settings: Settings) -> None:
    """Add ``spoke-hub retention dispose`` to the ``retention`` subcommands."""
    p = retention.add_parser("dispose", parents=[common],
                             help="erase a case (or a declined referral that never became "
                                  "a case) that is due, on the hub and every laptop")
    p.add_argument("case_id", metavar="CASE_ID",
                   help="a case's id, or the id of a referral that never became a case")
    p.add_argument("--as-of", type=day, metavar="YYYY-MM-DD",
                   help="the day to check the retention rule on (default: today, UTC)")
    bind_command(p, cmd_dispose, settings=settings)
    p = retention.add_parser("dispose-activity", parents=[common],
                             help="erase the group work, training and consultancy, and "
                                  "lone-working visits linked to no case, past the retention "
                                  "rule, on the hub and every laptop")
    p.add_argument("--as-of", type=day, metavar="YYYY-MM-DD",
                   help="the day to check the retention rule on (default: today, UTC)")
    bind_command(p, cmd_dispose_activity, settings=settings)
    p = retention.add_parser("scrub", parents=[common],
                             help="clean the database files of erased rows again (after a "
                                  "disposal that could not, e.g. the database was busy)")
    bind_command(p, cmd_scrub, settings=settings)


def register_requests(requests: Any, common: argparse.ArgumentParser,
                      settings: Settings) -> None:
    """Add ``spoke-hub requests carry-out`` to the ``requests`` subcommands."""
    p = requests.add_parser("carry-out", parents=[common],
                            help="carry out an erasure request (dispose of its case now) "
                                 "or a restriction request (no laptop holds it until lifted)")
    p.add_argument("request_id", type=int, metavar="ID")
    p.add_argument("--as-of", type=day, metavar="YYYY-MM-DD",
                   help="the day it is carried out (default: today, UTC)")
    bind_command(p, cmd_carry_out, settings=settings)
    p = requests.add_parser("lift-restriction", parents=[common],
                            help="lift a case's restriction: laptops get it back")
    p.add_argument("case_id", metavar="CASE_ID")
    bind_command(p, cmd_lift, settings=settings)
