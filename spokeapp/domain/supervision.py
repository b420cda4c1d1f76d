"""Supervision rules: the review queue, sign-off, and comments the worker has not read.

Supervisors give regular supervision to lone workers they rarely see. Their laptop holds their
team's cases as the hub syncs them; these pure functions decide what needs their attention:

* the **review queue**: finalised session notes and risk assessments written by someone else
  that no supervisor has marked reviewed yet, oldest first;
* **sign-off**: a closure always needs a supervisor's sign-off (a closure is not final until
  approved), and so does a risk assessment whose level was overridden by professional
  judgement. The request is the record itself; the latest :class:`SignOff` decision on it
  counts. A returned closure reopens the case (:func:`reopen_after_return`). A record of a
  kind the hub says needs approval (``spoke-hub approvals``) needs sign-off once a
  hub-written :class:`SignOffRequest` names it;
* **actions due**: the actions of each case's latest supervision minute that are due soon or
  overdue (:func:`due_actions`); a later minute takes over the open actions of the one before;
* **unread comments**: supervision comments by someone else that the worker has not marked
  read on their laptop (the read marks are local state, never synced).

Everything is decided from records and ids passed in; nothing reads a clock or a database.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final

from spokeapp.domain.records import (
    Case,
    CaseStatus,
    CaseSupervision,
    Closure,
    Record,
    ReviewMark,
    RiskAssessment,
    Session,
    SignOff,
    SignOffOutcome,
    SignOffRequest,
    SupervisionAction,
    SupervisionComment,
)

__all__ = [
    "ACTIONS_DUE_WITHIN",
    "DueAction",
    "SignOffState",
    "comments_by_record",
    "due_actions",
    "latest_decision",
    "needs_sign_off",
    "pending_sign_offs",
    "reopen_after_return",
    "request_id_for",
    "requested_ids",
    "review_queue",
    "reviewed_ids",
    "sign_off_state",
    "unread_comments",
    "unread_feedback",
    "when_of",
]


class SignOffState(StrEnum):
    """Where a record stands with its supervisor's sign-off."""

    NOT_NEEDED = "not_needed"
    AWAITING = "awaiting"
    APPROVED = "approved"
    RETURNED = "returned"


def when_of(record: Record) -> datetime:
    """When the thing a record describes happened (a date counts as its midday, UTC).

    Used to put notes in order; records without a date sort first.
    """
    for name in ("occurred_at", "assessed_on", "closed_on", "raised_on", "written_at",
                 "decided_at", "reviewed_at", "held_on", "requested_at"):
        value = getattr(record, name, None)
        if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime.combine(value, time(12, 0), UTC)
    return datetime.min.replace(tzinfo=UTC)


def reviewed_ids(records: Iterable[Record]) -> set[str]:
    """Ids of every record some supervisor has marked reviewed."""
    return {r.record_id for r in records if isinstance(r, ReviewMark)}


def review_queue(
    records: Iterable[Record], *, me: str, authors: Mapping[str, str]
) -> list[Session | RiskAssessment]:
    """Finalised notes and assessments awaiting review, oldest first.

    ``records``: the finalised records the supervisor's laptop holds (drafts never reach it);
    ``authors``: who wrote each record (record id -> user id), so the supervisor's own
    records are left out; ``me``: the supervisor's user id.
    """
    everything = list(records)
    done = reviewed_ids(everything)
    queue = [
        r for r in everything
        if isinstance(r, Session | RiskAssessment)
        and r.id not in done
        and authors.get(r.id, "") != me
    ]
    queue.sort(key=lambda r: (when_of(r), r.id))
    return queue


#: Namespace of sign-off request ids (``request_id_for``); fixed forever.
_REQUEST_NAMESPACE: Final = uuid.UUID("5b0f9e3c-6a41-4f4e-9d7a-2c8e1f3a7b60")


def request_id_for(record_id: str) -> str:
    """The id of the hub's sign-off request for a record: the same every time it is made, so a
    record pushed again (after a hub restore) is asked about once."""
    return str(uuid.uuid5(_REQUEST_NAMESPACE, record_id))


def requested_ids(records: Iterable[Record]) -> set[str]:
    """Ids of the records a hub-written :class:`SignOffRequest` asks approval for."""
    return {r.record_id for r in records if isinstance(r, SignOffRequest)}


def needs_sign_off(record: Record, requested: Collection[str] = ()) -> bool:
    """True for a closure, a risk assessment whose level was overridden, and a record the hub
    asked approval for (its id in ``requested``, see :func:`requested_ids`)."""
    if isinstance(record, Closure):
        return True
    if isinstance(record, RiskAssessment) and record.needs_sign_off:
        return True
    return record.id in requested


def latest_decision(request_id: str, decisions: Iterable[Record]) -> SignOff | None:
    """The decision that counts for a request: the latest by time (then id), if any."""
    mine = [d for d in decisions if isinstance(d, SignOff) and d.request_id == request_id]
    return max(mine, key=lambda d: (d.decided_at, d.id), default=None)


def sign_off_state(record: Record, decisions: Iterable[Record]) -> SignOffState:
    """Whether ``record`` needs sign-off and, if so, whether it is awaited, approved or returned.

    ``decisions``: the records around it (its case's, say): sign-off decisions, and the hub's
    sign-off requests. A risk assessment signed off on the record itself (``signed_off_by``,
    written when the worker is also the supervisor) counts as approved.
    """
    around = list(decisions)
    if not needs_sign_off(record, requested_ids(around)):
        return SignOffState.NOT_NEEDED
    decision = latest_decision(record.id, around)
    if decision is None:
        if isinstance(record, RiskAssessment) and record.signed_off_by:
            return SignOffState.APPROVED
        return SignOffState.AWAITING
    if decision.outcome is SignOffOutcome.APPROVED:
        return SignOffState.APPROVED
    return SignOffState.RETURNED


def pending_sign_offs(records: Iterable[Record]) -> list[Record]:
    """Every closure, overridden assessment and record the hub asked approval for that still
    awaits sign-off, oldest first."""
    everything = list(records)
    around = [r for r in everything if isinstance(r, SignOff | SignOffRequest)]
    requested = requested_ids(around)
    pending = [
        r for r in everything
        if needs_sign_off(r, requested)
        and sign_off_state(r, around) is SignOffState.AWAITING
    ]
    pending.sort(key=lambda r: (when_of(r), r.id))
    return pending


def reopen_after_return(case: Case) -> Case:
    """The case header after its closure was returned: open again, with no closing date.

    The worker sees it open after their next sync, with the supervisor's comment beside the
    closure on the case page.
    """
    if case.status is CaseStatus.OPEN:
        return case
    return dataclasses.replace(case, status=CaseStatus.OPEN, closed_on=None)


def unread_comments(
    records: Iterable[Record], *, me: str, read: Collection[str]
) -> list[SupervisionComment]:
    """Supervision comments by someone else that ``me`` has not marked read, oldest first."""
    comments = [
        r for r in records
        if isinstance(r, SupervisionComment) and r.author != me and r.id not in read
    ]
    comments.sort(key=lambda c: (c.written_at, c.id))
    return comments


def unread_feedback(
    records: Iterable[Record], *, me: str, read: Collection[str]
) -> list[SupervisionComment | SignOff]:
    """What a supervisor told ``me`` that ``me`` has not marked read, oldest first: their
    comments, and their sign-off decisions (approved, or returned with a comment)."""
    everything = list(records)
    found: list[SupervisionComment | SignOff] = list(
        unread_comments(everything, me=me, read=read)
    )
    found += [
        r for r in everything
        if isinstance(r, SignOff) and r.decided_by != me and r.id not in read
    ]
    found.sort(key=lambda r: (when_of(r), r.id))
    return found


def comments_by_record(records: Sequence[Record]) -> dict[str, list[SupervisionComment]]:
    """Supervision comments grouped by the record they are about, oldest first."""
    grouped: dict[str, list[SupervisionComment]] = {}
    for record in records:
        if isinstance(record, SupervisionComment) and record.about_id is not None:
            grouped.setdefault(record.about_id, []).append(record)
    for comments in grouped.values():
        comments.sort(key=lambda c: (c.written_at, c.id))
    return grouped


ACTIONS_DUE_WITHIN: Final = timedelta(days=7)
"""An action shows as due this long before its date (and stays, overdue, after it)."""


@dataclasses.dataclass(frozen=True, slots=True)
class DueAction:
    """An action agreed in case supervision that is due soon or overdue."""

    case_id: str
    supervision_id: str
    number: int
    """Its place among the minute's actions (0-based): with the minute's id, a stable key."""
    action: SupervisionAction
    overdue: bool


def due_actions(
    records: Iterable[Record], *, today: date, owner: str | None = None,
    within: timedelta = ACTIONS_DUE_WITHIN,
) -> list[DueAction]:
    """Actions of each case's latest supervision minute due by ``today + within``, soonest first.

    The minute stands as written, so an action has no "done" mark: the next case supervision
    reviews the open ones and restates those still to do, and from then on only its actions
    count. ``owner``: only actions owned by this person (matched on the owner as written,
    ignoring case and surrounding spaces).
    """
    latest: dict[str, CaseSupervision] = {}
    for record in records:
        if isinstance(record, CaseSupervision):
            current = latest.get(record.case_id)
            if current is None or (record.held_on, record.id) > (current.held_on, current.id):
                latest[record.case_id] = record
    horizon = today + within
    wanted = owner.strip().casefold() if owner is not None else None
    found = [
        DueAction(minute.case_id, minute.id, number, action, action.due_on < today)
        for minute in latest.values()
        for number, action in enumerate(minute.actions)
        if action.due_on <= horizon
        and (wanted is None or action.owner.strip().casefold() == wanted)
    ]
    found.sort(key=lambda d: (d.action.due_on, d.case_id, d.supervision_id, d.number))
    return found
