"""Lone-working safety on the hub (issue 5; docs/architecture.md, "Lone-working safety on
the hub"): the escalation watch over every armed visit, the notifiers' outbox, SMS check-ins.

* **Push hook** (:func:`on_safety_changes`): called once by ``hub.push.transaction.push`` inside the
  push transaction. It enforces who may write what (escalation alerts and welfare debriefs
  are written by the hub only; a visit plan only in its author's own name, ``worker``; an
  alert acknowledgement or alarm resolution only by a supervisor of the worker's team, never
  the worker; a debrief's completion only by a
  supervisor of the worker's team or the one it was given to, in their own name), indexes
  the visit's records, updates the watch row, marks completed debriefs done, and returns each
  safety change's :class:`VisitWatchAck` (the escalation start time after the whole batch;
  None once the visit is over).
* **The watch** (:class:`Watcher`): each tick claims the visits whose ``next_check_at`` has
  come (``UPDATE ... WHERE visit_id IN (SELECT ... FOR UPDATE SKIP LOCKED)`` on PostgreSQL:
  several hub processes share the work), then, holding the hub-wide write lock, re-reads each
  claimed visit (a ``lone_working.Visit``) and runs its ``due_actions``. Each action is stored as an
  ``EscalationAlert`` hub record (sequence number, changes feed, audit) and its notifications
  as outbox rows, in one transaction per claimed batch of plain rows and Core bulk
  statements (their sequence numbers reserved as one block): because ``due_actions``
  returns only what is not stored yet and the write lock serialises the hubs, every action
  happens exactly once, even with several processes, and a restarted hub resumes where it
  was (the state is the database). The sender starts on each
  batch's notices as soon as it is stored, and the watch sleeps until the earliest next
  deadline (at most one round, 1 s), so a deadline on the hour is looked at on the hour.
  One visit whose evaluation raises never holds up the others: it is set aside
  (:data:`SET_ASIDE`: logged and audited by id, ``spoke-hub doctor`` warns) and the rest of
  its batch is stored; a batch failing as a whole is evaluated again visit by visit.
  ``spoke-hub safety visit end`` (:func:`end_visit`) ends such a visit for good.
* **Deliveries** (:meth:`Watcher.deliver`): outbox rows are claimed the same way and sent by
  email, signed webhook or SMS gateway; a failure is retried with backoff and never holds up
  the ladder (deliveries run in their own thread). Different visits' notices are sent at once
  (``SEND_CONCURRENCY``, over kept-alive connections: ``notifiers.HttpPool``), in deadline
  order, each visit's in order, every visit's first before any second, also across claims (a
  run of the sender, :class:`_SendRun`, keeps claiming while it sends, so a burst's later
  visits do not wait for its earlier visits' second notices); each send is recorded
  before its thread sends again (sends finishing together share one transaction, which also
  renews the claim's lease). Every send is recorded and audited, and
  each alert's ``alert_delivery`` record (:meth:`Watcher.publish`) tells the board what became
  of its notices: delivered, retrying or failed (with a reason code), or never sent because
  nobody could be reached. An alert that reached nobody moves up to the next tier at once.
  Delivery is at-least-once: a send whose record was lost (a killed process: at most the
  sends in flight) is repeated with the same delivery id (``X-Spoke-Delivery``), so
  receivers can drop the repeat.
* **Reach** (:func:`reach_for`, :func:`safety_report`): who the escalation of a visit would
  reach (counts per channel, roles nobody covers), in every answer to a visit plan and in
  ``spoke-hub safety status``; ``serve`` warns at start when nobody could be alerted.
* **SMS check-ins** (:data:`router`): ``POST /v1/lone-working/sms``, signed like the outbound
  webhooks.

Records of a duress cause are authored on the hub by a supervisor of the worker's team (not
by the worker), so the ordinary pull scope never brings them to the worker's own devices.
Logs and audit entries name ids, kinds and counts only.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import itertools
import json
import logging
import os
import socket
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    nullcontext,
)
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Protocol, cast

from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import (
    Boolean,
    Engine,
    String,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from spokeapp.domain import lone_working as lw
from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    DELIVERY_RETRYING,
    DELIVERY_SENT,
    AlarmResolution,
    AlertAcknowledgement,
    AlertDelivery,
    CheckIn,
    CheckInChannel,
    CheckInKind,
    EscalationAlert,
    Record,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
    normalise_phone_number,
    record_from_dict,
)
from spokeapp.hub.config import LoneWorkingSecrets, WatchSettings
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import among, audit, lock_writes, next_seq, reserve_seqs, set_meta
from spokeapp.hub.models import (
    AuditEntry,
    HubMeta,
    HubRecord,
    LoneWorkingContact,
    LoneWorkingDelivery,
    LoneWorkingRecord,
    LoneWorkingSmsReceipt,
    LoneWorkingWatch,
    User,
)
from spokeapp.hub.notifiers import (
    EMAIL,
    SEND_TIMEOUT_SECONDS,
    SIGNATURE_HEADER,
    SIGNATURE_TOLERANCE_SECONDS,
    SMS,
    TIMESTAMP_HEADER,
    WEBHOOK,
    DeliveryError,
    HttpPool,
    Message,
    NotifierSettings,
    Senders,
    compose,
    verify_signature,
)
from spokeapp.hub.scope import ADMIN, SUPERVISOR, Actor
from spokeapp.hub.security import Clock, iso, parse_iso, utc_now
from spokeapp.sync.protocol import (
    API_PREFIX,
    SAFETY_KINDS,
    AlertReach,
    ErrorBody,
    VisitWatchAck,
)

if TYPE_CHECKING:
    from spokeapp.hub.metrics import FirstNotices

log = logging.getLogger(__name__)

# The tables the watch writes with Core bulk statements (executemany; no ORM object per row).
_HUB_RECORD = cast(Table, HubRecord.__table__)
_VISIT_RECORD = cast(Table, LoneWorkingRecord.__table__)
_WATCH = cast(Table, LoneWorkingWatch.__table__)
_DELIVERY = cast(Table, LoneWorkingDelivery.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)

POLICY_KEY = "lone_working_policy"
NOTIFIERS_KEY = "lone_working_notifiers"
PLAN_KIND = VisitPlan.KIND
ALERT_KIND = EscalationAlert.KIND
DEBRIEF_KIND = WelfareDebrief.KIND
DEBRIEF_DONE_KIND = WelfareDebriefDone.KIND
DELIVERY_KIND = AlertDelivery.KIND
#: Written by the hub only: a device pushing one is refused (403, nothing stored).
HUB_AUTHORED_KINDS = frozenset({ALERT_KIND, DEBRIEF_KIND, DELIVERY_KIND})
#: Pushed by a supervisor of the worker's team only (a coerced worker cannot stand down).
SUPERVISOR_KINDS = frozenset({AlertAcknowledgement.KIND, AlarmResolution.KIND})
#: Every kind the push hook looks at. The group commit (``hub.push.group``) leaves these to
#: ``push()``, which calls the hook, so a debrief's completion is always checked here.
VISIT_KINDS = SAFETY_KINDS | HUB_AUTHORED_KINDS | {DEBRIEF_DONE_KIND}
#: A watched visit is looked at again at least this often (a safety net; cheap).
RECHECK = timedelta(minutes=15)
#: A visit whose evaluation raised is set aside for this long (its claim released with
#: ``next_check_at`` this far on): it no longer comes first in every claim, so it cannot hold
#: up the other visits' alerts round after round. It is looked at again then, or at once when
#: a record of it arrives (the push hook sets ``next_check_at`` to now). Each failure is
#: logged and audited (``lw_watch_error``; ids, the error's type and code line only), and the
#: last one is kept as a hub fact (:data:`WATCH_ERROR_KEY`) for ``spoke-hub doctor`` (its
#: ``watch`` check warns for a day after it).
SET_ASIDE = RECHECK
#: The audit action of a visit the watch could not evaluate (subject: the visit id).
WATCH_ERROR_ACTION = "lw_watch_error"
#: Hub fact: the last visit the watch could not evaluate, as JSON ``{"at": ..., "visit_id":
#: ..., "error": type name}`` (one row, read by ``spoke-hub doctor``).
WATCH_ERROR_KEY = "lw_watch_last_error"
#: Visits claimed and evaluated per transaction.
CLAIM_BATCH = 100
#: Notifications claimed and sent per round of the sender: every visit's first before any
#: visit's second within it, so a large one puts every first notice of a burst first (the
#: lease is renewed while it is sent).
DELIVERY_BATCH = 1000
#: Notifications of different visits sent at once by one hub process (each visit's own
#: are sent one after another, in order).
SEND_CONCURRENCY = 16
#: How long the first send to finish waits for the others in flight before their outcomes
#: are written (one transaction for all of them).
RECORD_LINGER_SECONDS = 0.005
#: During a burst the sender publishes what it sent at least this often (see ``deliver``).
PUBLISH_DEFER_SECONDS = 2.0
#: A run of the sender publishes failures at most this often while it goes on (and at its end).
PUBLISH_FAILURES_SECONDS = 1.0
MAX_ATTEMPTS = 20  # about 75 minutes of retries (backoff 5 s doubling, at most 5 min)
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 300.0
PENDING, SENT, FAILED = "pending", "sent", "failed"
#: The ``role`` of a webhook notification (a receiver, not a person).
WEBHOOK_ROLE = "webhook"
#: Namespace of the ``alert_delivery`` record ids: uuid5(namespace, alert id), one per alert.
_DELIVERY_NAMESPACE = uuid.UUID("4f2c1e36-5b7d-4c1a-9a53-2f1e0d6c8b11")


def delivery_record_id(alert_id: str) -> str:
    """The id of the ``alert_delivery`` record of an alert (derived: no lookup table)."""
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, alert_id))


def load_secrets() -> LoneWorkingSecrets:
    """The notifiers' secrets of this process; none if the secrets file cannot be read (then
    nothing signed can be sent either, and the reach says so)."""
    try:
        return LoneWorkingSecrets.from_env()
    except Exception:  # a bad secrets file must not fail a push
        log.warning("lone working: the secrets file cannot be read")
        return LoneWorkingSecrets()


def usable_notifiers(settings: NotifierSettings,
                     secrets: LoneWorkingSecrets) -> NotifierSettings:
    """The notifiers that can actually send: a webhook or SMS gateway needs its signing
    secret, an SMTP login its password."""
    email = settings.email
    if email is not None and email.username and not secrets.smtp_password:
        email = None
    return NotifierSettings(
        email=email,
        webhooks=settings.webhooks if secrets.webhook_secret else (),
        sms_url=settings.sms_url if secrets.sms_secret else None,
    )


# --------------------------------------------------------------------------- settings
def load_policy(session: Session) -> lw.EscalationPolicy:
    """This hub's escalation policy (the domain's defaults until an admin sets one)."""
    row = session.get(HubMeta, POLICY_KEY)
    if row is None:
        return lw.EscalationPolicy()
    return lw.parse_policy(json.loads(row.value))


def save_policy(session: Session, policy: lw.EscalationPolicy) -> None:
    """Store the hub's policy (already validated)."""
    set_meta(session, POLICY_KEY, json.dumps(policy.to_dict(), sort_keys=True))


def load_notifier_settings(session: Session) -> NotifierSettings:
    """Which notifiers this hub uses (none until an admin configures them)."""
    row = session.get(HubMeta, NOTIFIERS_KEY)
    if row is None:
        return NotifierSettings()
    return NotifierSettings.from_dict(json.loads(row.value))


def save_notifier_settings(session: Session, settings: NotifierSettings) -> None:
    """Store the notifier settings (no secrets in them)."""
    set_meta(session, NOTIFIERS_KEY, json.dumps(settings.to_dict(), sort_keys=True))


# --------------------------------------------------------------------------- a visit's records
def load_visits(session: Session, visit_ids: Iterable[str]) -> dict[str, lw.Visit | None]:
    """Each visit as the hub holds it, read through the ``lw_visit_records`` index: armed when
    its plan reached the hub, check-ins clamped to when they arrived (``as_received``). None for
    a visit whose plan the hub does not hold (yet). Without its ``alert_delivery`` records:
    the hub reads what became of notices from its outbox (:func:`reached_nobody`), and they
    were a third of what a round of escalation parsed."""
    ids = list(dict.fromkeys(visit_ids))
    plans: dict[str, tuple[VisitPlan, datetime]] = {}
    held: dict[str, list[Record]] = {visit_id: [] for visit_id in ids}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(LoneWorkingRecord.visit_id, HubRecord.kind, HubRecord.body, HubRecord.hub_time)
            .join(HubRecord, HubRecord.record_id == LoneWorkingRecord.record_id)
            .where(LoneWorkingRecord.visit_id.in_(ids[start:start + 500]),
                   LoneWorkingRecord.kind != DELIVERY_KIND)
        ).all()
        for visit_id, kind, body, hub_time in rows:
            try:
                record = record_from_dict(kind, body)
            except ValidationError:
                log.warning("lone working: unreadable %s record on visit %s", kind, visit_id)
                continue
            if isinstance(record, VisitPlan):
                plans[visit_id] = (record, parse_iso(hub_time))
            elif isinstance(record, CheckIn):
                held[visit_id].append(lw.as_received(record, parse_iso(hub_time)))
            else:
                held[visit_id].append(record)
    visits: dict[str, lw.Visit | None] = {}
    for visit_id in ids:
        found = plans.get(visit_id)
        visits[visit_id] = None if found is None else lw.Visit.collect(
            found[0], held[visit_id], armed_at=found[1]
        )
    return visits


def _store(session: Session, record: Record, visit_id: str, author: str,
           now: datetime) -> int:
    """Put a hub-authored record into the changes feed (call holding the write lock)."""
    return _store_all(session, [(record, visit_id, author)], now)


def _store_all(session: Session, records: Sequence[tuple[Record, str, str]],
               now: datetime) -> int:
    """Put hub-authored records (record, visit id, author) into the changes feed, in this
    order, under one block of sequence numbers (one counter update, not one per record: a
    round of 1,000 due visits stores 2,000 records), with bulk inserts (executemany, no ORM
    object per row). Call holding the write lock; returns the last sequence number (0 if
    there was nothing to store)."""
    if not records:
        return 0
    last = reserve_seqs(session, len(records))
    first = last - len(records) + 1
    stamp = iso(now)
    session.execute(insert(_HUB_RECORD), [
        {"record_id": record.id, "kind": record.KIND, "case_id": None,
         "state": "final" if record.EVENT else "header", "body": record.to_dict(),
         "author_user": author, "device_id": None, "seq": first + offset, "hub_time": stamp}
        for offset, (record, _visit_id, author) in enumerate(records)
    ])
    session.execute(insert(_VISIT_RECORD), [
        {"record_id": record.id, "visit_id": visit_id, "kind": record.KIND}
        for record, visit_id, _author in records
    ])
    return last


def _audit_entry(actor: str, action: str, subject: str, detail: str) -> dict[str, str]:
    """One audit row for :func:`_audit_all` (as ``ledger.audit`` writes it: ids and counts)."""
    return {"at": iso(utc_now()), "actor": actor, "action": action, "subject": subject,
            "detail": detail}


def _audit_all(session: Session, entries: Sequence[dict[str, str]]) -> None:
    """Append audit rows in one bulk insert, in this order."""
    if entries:
        session.execute(insert(_AUDIT), list(entries))


class Watched(Protocol):
    """What the escalation reads of a watched visit: a ``LoneWorkingWatch`` row, or the
    :class:`WatchedVisit` the watch reads with a plain select."""

    @property
    def visit_id(self) -> str: ...

    @property
    def worker_user(self) -> str: ...

    @property
    def team(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class WatchedVisit:
    """A claimed ``lw_watch`` row as the watch reads it (a plain row, not an ORM object)."""

    visit_id: str
    worker_user: str
    team: str | None


def _quiet_author(session: Session, watch: Watched) -> str:
    """Who authors records the worker's own devices must never receive (duress): a
    supervisor of her team, or else an administrator (whom no pull reaches)."""
    if watch.team is not None:
        supervisor = session.scalar(
            select(User.id).where(User.role == SUPERVISOR, User.team == watch.team)
            .order_by(User.id).limit(1)
        )
        if supervisor is not None:
            return supervisor
    admin = session.scalar(select(User.id).where(User.role == ADMIN).order_by(User.id).limit(1))
    return admin or "hub"


# --------------------------------------------------------------------------- the push hook
class CheckedChange(Protocol):
    """What the hook reads of a checked change in ``hub.push``."""

    @property
    def change(self) -> Any: ...

    @property
    def body(self) -> dict[str, Any]: ...


def _forbidden(message: str) -> HubError:
    return HubError(403, "forbidden", message)


def _may_check_in(actor: Actor, watch: LoneWorkingWatch) -> bool:
    if actor.user_id == watch.worker_user:
        return True
    return actor.role == SUPERVISOR and actor.team is not None and actor.team == watch.team


def _may_acknowledge(actor: Actor, watch: LoneWorkingWatch) -> bool:
    return (
        actor.role == SUPERVISOR
        and actor.user_id != watch.worker_user
        and actor.team is not None
        and actor.team == watch.team
    )


def on_safety_changes(session: Session, actor: Actor, checked: Sequence[CheckedChange],
                      clock: Clock) -> dict[str, VisitWatchAck]:
    """The push's lone-working step, in its transaction (holding the write lock), after the
    batch was applied: checks, visit index, watch rows, a welfare debrief per resolution.

    Returns the watch acknowledgement of each safety change, by change id. Raises HubError 403
    (the whole batch is refused, nothing stored) for a hub-authored kind, a visit plan whose
    ``worker`` is another of the hub's people (its alerts name that worker, while the watch
    follows the plan's author), or an acknowledgement, resolution, check-in or alarm the actor
    may not write.
    """
    items = [item for item in checked if item.change.kind in VISIT_KINDS]
    if not items:
        return {}
    for item in items:
        if item.change.kind in HUB_AUTHORED_KINDS:
            raise _forbidden(
                f"{item.change.kind} records are written by the hub only; nothing was stored."
            )
    now = clock()
    completions = [item for item in items if item.change.kind == DEBRIEF_DONE_KIND]
    if completions:
        _complete_debriefs(session, actor, completions, now)
        items = [item for item in items if item.change.kind != DEBRIEF_DONE_KIND]
        if not items:
            return {}
    record_ids = [item.change.record_id for item in items]
    indexed = set(session.scalars(
        select(LoneWorkingRecord.record_id).where(LoneWorkingRecord.record_id.in_(record_ids))
    ))
    by_change: dict[str, str] = {}
    watches: dict[str, LoneWorkingWatch | None] = {}
    fresh_resolutions: list[AlarmResolution] = []

    def watch_of(visit_id: str) -> LoneWorkingWatch | None:
        if visit_id not in watches:
            watches[visit_id] = session.get(LoneWorkingWatch, visit_id)
        return watches[visit_id]

    for item in items:  # plans first: a check-in may follow its plan in the same batch
        if item.change.kind != PLAN_KIND:
            continue
        named = item.body.get("worker")
        if (isinstance(named, str) and named != actor.user_id
                and session.get(User, named) is not None):
            # The alerts name the plan's worker; the watch, its team and who may stand it
            # down follow its author: a plan may not name a colleague. A name the hub does not
            # know is let through, as before: a plan made on a laptop before it was enrolled
            # carries the laptop's own name for its worker (refusing it would hold her plan
            # on the laptop for good, and nobody else is named by it).
            raise _forbidden("Plan lone visits in your own name (worker must be you); "
                             "nothing was stored.")
        visit_id = item.change.record_id
        by_change[item.change.id] = visit_id
        if visit_id not in indexed:
            session.add(LoneWorkingRecord(record_id=visit_id, visit_id=visit_id, kind=PLAN_KIND))
            indexed.add(visit_id)
        if watch_of(visit_id) is None:
            author = session.scalar(select(HubRecord.author_user)
                                    .where(HubRecord.record_id == visit_id)) or actor.user_id
            user = session.get(User, author)
            mobile = normalise_phone_number(str(item.body.get("mobile_number", "")))
            new_watch = LoneWorkingWatch(
                visit_id=visit_id, worker_user=author, team=user.team if user else None,
                mobile=mobile, armed_at=iso(now), escalation_starts_at=None,
                next_check_at=iso(now), claimed_by=None, claimed_until=None,
                updated_at=iso(now),
            )
            session.add(new_watch)
            watches[visit_id] = new_watch
    for item in items:
        kind = item.change.kind
        if kind == PLAN_KIND:
            continue
        visit_id = str(item.body.get("visit_id", ""))
        watch = watch_of(visit_id)
        if kind in SUPERVISOR_KINDS:
            if watch is None or not _may_acknowledge(actor, watch):
                raise _forbidden(
                    "Only a supervisor of the worker's team may acknowledge or resolve a "
                    "lone-working alert; nothing was stored."
                )
            if item.body.get("by") != actor.user_id:
                raise _forbidden("Acknowledge or resolve in your own name; nothing was stored.")
        elif watch is not None and not _may_check_in(actor, watch):
            raise _forbidden("This visit is not yours; nothing was stored.")
        record_id = item.change.record_id
        if record_id not in indexed:
            session.add(LoneWorkingRecord(record_id=record_id, visit_id=visit_id, kind=kind))
            indexed.add(record_id)
            if kind in SUPERVISOR_KINDS:
                audit(session, actor.user_id, f"lw_{kind}", record_id, f"visit={visit_id}")
            if kind == AlarmResolution.KIND:
                resolution = record_from_dict(kind, item.body)
                assert isinstance(resolution, AlarmResolution)
                fresh_resolutions.append(resolution)
        if watch is not None:
            by_change[item.change.id] = visit_id
    session.flush()
    for resolution in fresh_resolutions:
        debrief = lw.welfare_debrief_for(resolution, id=new_id(), supervisor=actor.user_id)
        _store(session, debrief, resolution.visit_id, actor.user_id, now)
        audit(session, actor.user_id, "lw_debrief_prompted", debrief.id,
              f"visit={resolution.visit_id}")
    policy = load_policy(session)
    live = {visit_id: w for visit_id, w in watches.items() if w is not None}
    acks: dict[str, VisitWatchAck] = {}
    usable: NotifierSettings | None = None
    contacts: list[LoneWorkingContact] = []
    for visit_id, visit in load_visits(session, live).items():
        watch = live[visit_id]
        starts = visit.escalation_starts_at(policy) if visit is not None else None
        watch.escalation_starts_at = iso(starts) if starts is not None else None
        watch.next_check_at = iso(now)  # the watcher looks at once (all-clear, alarm...)
        watch.updated_at = iso(now)
        reach = None
        if starts is not None and visit is not None:
            if usable is None:
                usable = usable_notifiers(load_notifier_settings(session), load_secrets())
                contacts = list(session.scalars(select(LoneWorkingContact)))
            reach = reach_for(policy, visit.plan, watch.team, contacts, usable)
        acks[visit_id] = VisitWatchAck(visit_id=visit_id, escalation_starts_at=starts,
                                       reach=reach)
    return {change_id: acks[visit_id] for change_id, visit_id in by_change.items()
            if visit_id in acks}


def _may_complete(actor: Actor, debrief: WelfareDebrief,
                  watch: LoneWorkingWatch | None) -> bool:
    """A supervisor of the worker's team, or the one the debrief was given to; never the
    worker whose visit it was (a supervisor can be the lone worker too)."""
    if actor.role != SUPERVISOR:
        return False
    if watch is not None and actor.user_id == watch.worker_user:
        return False
    if actor.user_id == debrief.supervisor:
        return True
    return watch is not None and actor.team is not None and actor.team == watch.team


def _complete_debriefs(session: Session, actor: Actor, items: Sequence[CheckedChange],
                       now: datetime) -> None:
    """Check each ``welfare_debrief_done`` (403 for the whole batch otherwise), then mark its
    debrief done (a new version, so every supervisor of the team pulls it) and audit it.

    A completion the hub already indexed (a re-sent batch) is checked again and changes
    nothing. A second completion of a done debrief is kept (it is a statement someone made)
    and audited; the first one's day stays on the debrief.
    """
    refused = _forbidden(
        "Only a supervisor of the worker's team may mark this welfare debrief done, in their "
        "own name; nothing was stored."
    )
    completions: list[tuple[str, WelfareDebriefDone]] = []
    for item in items:
        done = record_from_dict(DEBRIEF_DONE_KIND, item.body)
        assert isinstance(done, WelfareDebriefDone)
        if done.by != actor.user_id:
            raise refused
        row = session.get(HubRecord, done.debrief_id)
        if row is None or row.kind != DEBRIEF_KIND:
            raise refused  # the same answer: ids of others' debriefs are not confirmed
        debrief = record_from_dict(DEBRIEF_KIND, row.body)
        assert isinstance(debrief, WelfareDebrief)
        if debrief.visit_id != done.visit_id:
            raise refused
        if not _may_complete(actor, debrief, session.get(LoneWorkingWatch, debrief.visit_id)):
            raise refused
        completions.append((item.change.record_id, done))
    indexed = set(session.scalars(
        select(LoneWorkingRecord.record_id)
        .where(LoneWorkingRecord.record_id.in_([record_id for record_id, _ in completions]))
    ))
    for record_id, done in completions:
        if record_id in indexed:
            continue
        indexed.add(record_id)
        session.add(LoneWorkingRecord(record_id=record_id, visit_id=done.visit_id,
                                      kind=DEBRIEF_DONE_KIND))
        row = session.get(HubRecord, done.debrief_id)
        assert row is not None
        debrief = record_from_dict(DEBRIEF_KIND, row.body)
        assert isinstance(debrief, WelfareDebrief)
        marked = lw.debrief_done(debrief, done)
        first = marked != debrief
        if first:
            row.body = marked.to_dict()
            row.seq = next_seq(session)
            row.hub_time = iso(now)
        audit(session, actor.user_id, "lw_debrief_done", done.debrief_id,
              f"visit={done.visit_id} completion={record_id} first={'yes' if first else 'no'}")


# --------------------------------------------------------------------------- the watch
@dataclass(frozen=True, slots=True)
class Target:
    """Where one notification goes, and who it is for (a role, or ``webhook``)."""

    channel: str
    address: str
    role: str = field(default="", compare=False)


def contacts_for(role: str, team: str | None,
                 contacts: Sequence[LoneWorkingContact]) -> list[LoneWorkingContact]:
    """The contacts registered for ``role``: hub-wide ones and those of ``team``."""
    return [c for c in contacts if c.role == role and (c.team is None or c.team == team)]


def targets_for(action: lw.Action, plan: VisitPlan, watch: Watched,
                contacts: Sequence[LoneWorkingContact],
                settings: NotifierSettings) -> list[Target]:
    """Every notification an action makes: by email and SMS to each recipient's contacts
    (the plan's numbers for the worker and the buddy), and one per webhook (no reminders).
    Give the *usable* notifiers (:func:`usable_notifiers`): a role with nothing here is never
    sent anything (see :func:`unreached_roles`)."""
    phones: list[tuple[str, str]] = []
    emails: list[tuple[str, str]] = []
    for role in action.recipients:
        if role == lw.WORKER_ROLE:
            phones.append((role, plan.mobile_number))
            emails += [(role, c.email) for c in contacts
                       if c.user_id == watch.worker_user and c.email]
        elif role == "buddy":
            phones.append((role, plan.buddy_phone))
        else:
            for contact in contacts_for(role, watch.team, contacts):
                if contact.phone:
                    phones.append((role, contact.phone))
                if contact.email:
                    emails.append((role, contact.email))
    found: dict[Target, None] = {}
    if settings.sms_url:
        for role, phone in phones:
            number = normalise_phone_number(phone)
            if number is not None:
                found.setdefault(Target(SMS, number, role), None)
    if settings.email is not None:
        for role, email in emails:
            found.setdefault(Target(EMAIL, email, role), None)
    if action.tier != lw.REMINDER_TIER:
        for hook in settings.webhooks:
            found.setdefault(Target(WEBHOOK, hook.name, WEBHOOK_ROLE), None)
    return list(found)


def unreached_roles(action: lw.Action, targets: Sequence[Target]) -> list[str]:
    """The action's roles that no notification goes to (nothing will ever be sent to them)."""
    reached = {t.role for t in targets}
    return [role for role in action.recipients if role not in reached]


def reach_for(policy: lw.EscalationPolicy, plan: VisitPlan, team: str | None,
              contacts: Sequence[LoneWorkingContact], usable: NotifierSettings) -> AlertReach:
    """Who the escalation tiers of ``plan`` can reach (beyond the worker), and how: counts
    per channel and the roles nobody can be reached for. No names, numbers or addresses."""
    people: dict[str, set[str]] = {}
    missing: list[str] = []
    for tier in policy.tiers:
        for role in tier.recipients:
            if role == lw.WORKER_ROLE:
                continue
            found = False
            if role == "buddy":
                if usable.sms_url and normalise_phone_number(plan.buddy_phone) is not None:
                    people.setdefault("buddy", set()).add(SMS)
                    found = True
            else:
                for contact in contacts_for(role, team, contacts):
                    channels = set()
                    if contact.phone and usable.sms_url:
                        channels.add(SMS)
                    if contact.email and usable.email is not None:
                        channels.add(EMAIL)
                    if channels:
                        key = contact.user_id or contact.email or contact.phone or contact.id
                        people.setdefault(f"contact:{key}", set()).update(channels)
                        found = True
            if not found and role not in missing:
                missing.append(role)
    by_channel = {
        channel: sum(channel in channels for channels in people.values())
        for channel in (SMS, EMAIL)
    }
    by_channel[WEBHOOK] = len(usable.webhooks)
    return AlertReach(people=len(people),
                      by_channel={k: v for k, v in by_channel.items() if v},
                      missing=missing)


@dataclass(frozen=True, slots=True)
class RoleCover:
    """How one role of one tier is covered for one team."""

    tier: str
    role: str
    people: int
    channels: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class SafetyReport:
    """``spoke-hub safety status``: notifiers, and each team's tiers and who covers them."""

    notifiers: dict[str, str]
    teams: dict[str, list[RoleCover]]
    missing: list[str]

    @property
    def anyone(self) -> bool:
        """True if some team can alert someone."""
        return any(c.people for covers in self.teams.values() for c in covers) or any(
            state == "ready" for name, state in self.notifiers.items()
            if name.startswith("webhook")
        )


NO_TEAM = "(no team)"


def safety_report(session: Session, secrets: LoneWorkingSecrets) -> SafetyReport:
    """What this hub can alert, per team and tier, and what is missing (plain words)."""
    settings = load_notifier_settings(session)
    usable = usable_notifiers(settings, secrets)
    policy = load_policy(session)
    contacts = list(session.scalars(select(LoneWorkingContact)))
    notifiers: dict[str, str] = {}
    missing: list[str] = []
    if settings.email is None:
        notifiers["email"] = "not set up"
    else:
        notifiers["email"] = "ready" if usable.email else "no SPOKE_HUB_SMTP_PASSWORD"
    if settings.sms_url is None:
        notifiers["sms"] = "not set up"
    else:
        notifiers["sms"] = "ready" if usable.sms_url else "no SPOKE_HUB_SMS_SECRET"
    for hook in settings.webhooks:
        notifiers[f"webhook {hook.name}"] = (
            "ready" if usable.webhooks else "no SPOKE_HUB_WEBHOOK_SECRET")
    if not settings.webhooks:
        notifiers["webhooks"] = "none"
    if usable.email is None and usable.sms_url is None and not usable.webhooks:
        missing.append("No notifier can send: set up email, SMS or a webhook "
                       "(spoke-hub safety notifier ...) and its secret.")
    names = set(session.scalars(select(User.team).where(User.team.is_not(None))))
    names.update(c.team for c in contacts if c.team is not None)
    teams: dict[str, list[RoleCover]] = {}
    for team in [*sorted(t for t in names if t), None]:
        covers: list[RoleCover] = []
        for tier in policy.tiers:
            for role in tier.recipients:
                if role == lw.WORKER_ROLE:
                    covers.append(RoleCover(
                        tier.name, role, 1 if usable.sms_url else 0,
                        (SMS,) if usable.sms_url else (), "the worker's mobile from the plan"))
                    continue
                if role == "buddy":
                    covers.append(RoleCover(
                        tier.name, role, 1 if usable.sms_url else 0,
                        (SMS,) if usable.sms_url else (),
                        "the buddy's phone from each plan, by SMS only"))
                    if not usable.sms_url:
                        missing.append(f"{team or NO_TEAM}: tier {tier.name}: the buddy can "
                                       "only be texted and no SMS gateway can send.")
                    continue
                found = contacts_for(role, team, contacts)
                channels: set[str] = set()
                reachable = 0
                for contact in found:
                    mine = set()
                    if contact.phone and usable.sms_url:
                        mine.add(SMS)
                    if contact.email and usable.email is not None:
                        mine.add(EMAIL)
                    channels |= mine
                    reachable += bool(mine)
                note = "" if found else "no contact"
                if found and not reachable:
                    note = "contacts have no email/SMS notifier that can send"
                covers.append(RoleCover(tier.name, role, reachable, tuple(sorted(channels)),
                                        note))
                if not reachable:
                    missing.append(
                        f"{team or NO_TEAM}: tier {tier.name}: nobody can be alerted as {role} "
                        f"({note}; spoke-hub safety contact add --role {role}"
                        f"{f' --team {team}' if team else ''} ...)."
                    )
        teams[team or NO_TEAM] = covers
    return SafetyReport(notifiers=notifiers, teams=teams, missing=missing)


def safety_warnings(engine: Engine) -> list[str]:
    """Plain-words warnings for ``serve``'s start: empty if every tier can alert someone."""
    with Session(engine) as session:
        report = safety_report(session, load_secrets())
    if not report.anyone:
        return ["Lone-working safety: this hub has NOBODY to alert. Visits will be armed but "
                "a missed check-in or a panic alarm reaches no one. Set up contacts and "
                "notifiers: spoke-hub safety status shows what is missing."]
    if report.missing:
        return [f"Lone-working safety: {len(report.missing)} gap(s) in who can be alerted "
                f"(first: {report.missing[0]}) - see spoke-hub safety status."]
    return []


def next_check(visit: lw.Visit, now: datetime,
               policy: lw.EscalationPolicy) -> datetime | None:
    """When something may next be due for the visit (None: never again, unless a record
    arrives, which makes the push look at once)."""
    deadline = visit.next_deadline()
    candidates: list[datetime] = []
    if deadline is not None:
        candidates += visit.reminder_times(policy)
        candidates += [deadline + timedelta(minutes=t.starts_after_minutes)
                       for t in policy.tiers]
    acked = {ack.alert_id for ack in visit.acks}
    timeout = timedelta(minutes=policy.ack_timeout_minutes)
    candidates += [
        a.raised_at + timeout for a in visit.alerts
        if a.id not in acked
        and a.tier not in (lw.REMINDER_TIER, lw.ALL_CLEAR_TIER, lw.EVERYONE_TIER)
    ]
    future = [c for c in candidates if c > now]
    if not future:  # (the state only then: it is a good part of a round's CPU per visit)
        return None if visit.state(now, policy) is lw.VisitState.ENDED else now + RECHECK
    return min(min(future), now + RECHECK)


@dataclass(frozen=True, slots=True)
class NoticeState:
    """What the board is told of one outbox row (``lw_deliveries``), read as a plain row."""

    channel: str
    role: str | None
    status: str
    attempts: int
    last_error: str | None


def _notice_status(row: NoticeState) -> str:
    if row.status == SENT:
        return DELIVERY_SENT
    if row.status == FAILED:
        return DELIVERY_FAILED
    return DELIVERY_RETRYING if row.attempts else DELIVERY_PENDING


def delivery_summary(alert_id: str, visit_id: str, rows: Sequence[NoticeState],
                     unreached: Sequence[str]) -> AlertDelivery:
    """The ``alert_delivery`` record of an alert: one entry per notification (channel, role,
    status, reason code, attempts) and the roles nothing was sent to."""
    return AlertDelivery(
        id=delivery_record_id(alert_id), alert_id=alert_id, visit_id=visit_id,
        channels=tuple(r.channel for r in rows),
        roles=tuple(r.role or "" for r in rows),
        statuses=tuple(_notice_status(r) for r in rows),
        reasons=tuple(r.last_error or "" if r.status != SENT else "" for r in rows),
        attempts=tuple(int(r.attempts) for r in rows),
        unreached=tuple(unreached),
    )


def reached_nobody(session: Session, visit_ids: Sequence[str]) -> set[str]:
    """Ids of the alerts of these visits that reached nobody so far: none of their
    notifications was delivered and each failed at least once, or there were none at all.
    (Reminders and all-clears are in it too; the ladder only looks at tier alerts.)"""
    if not visit_ids:
        return set()
    alert_ids = set(session.scalars(
        select(LoneWorkingRecord.record_id).where(LoneWorkingRecord.visit_id.in_(visit_ids),
                                                  LoneWorkingRecord.kind == ALERT_KIND)))
    if not alert_ids:
        return set()
    hopeful: set[str] = set()
    for alert_id, status, attempts in session.execute(
        select(LoneWorkingDelivery.alert_id, LoneWorkingDelivery.status,
               LoneWorkingDelivery.attempts)
        .where(LoneWorkingDelivery.visit_id.in_(visit_ids))
    ):
        if status == SENT or (status == PENDING and attempts == 0):
            hopeful.add(alert_id)
    return alert_ids - hopeful


def _holder() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class _Lease:
    """When a claim's lease is next renewed (a third of it gone), and its length."""

    renew_at: datetime
    length: timedelta


@dataclass(slots=True)
class _Stored:
    """What one claimed batch of visits stores, gathered for bulk inserts."""

    records: list[tuple[Record, str, str]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, str]] = field(default_factory=list)
    alerts: int = 0
    #: (alert id, when its notices fell due) of each alert with notices (``FirstNotices``)
    first_due: list[tuple[str, datetime]] = field(default_factory=list)

    def take(self, other: _Stored) -> None:
        """Add what one visit's evaluation gathered (kept apart until it succeeded)."""
        self.records += other.records
        self.deliveries += other.deliveries
        self.audits += other.audits
        self.alerts += other.alerts
        self.first_due += other.first_due


def _where(exc: BaseException) -> str:
    """The code line an exception was raised at (``file.py:123 function``): nothing of its
    message, which may quote a value."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown"
    last = frames[-1]
    return f"{os.path.basename(last.filename)}:{last.lineno} {last.name}"


def _remember_set_aside(session: Session, visit_id: str, exc: BaseException,
                        now: datetime) -> None:
    """Keep the last visit set aside as the hub fact ``spoke-hub doctor`` reads."""
    set_meta(session, WATCH_ERROR_KEY, json.dumps(
        {"at": iso(now), "visit_id": visit_id, "error": type(exc).__name__}, sort_keys=True))


def _set_aside_entry(visit_id: str, exc: BaseException) -> dict[str, str]:
    """Log that a visit could not be evaluated and is set aside (:data:`SET_ASIDE`), and
    return its audit entry: the visit id, the error's type and code line, never a message."""
    where = _where(exc)
    minutes = int(SET_ASIDE.total_seconds() // 60)
    log.error("lone working: visit %s could not be evaluated (%s at %s); set aside: looked "
              "at again in %d minutes, or when a record of it arrives", visit_id,
              type(exc).__name__, where, minutes)
    return _audit_entry("hub", WATCH_ERROR_ACTION, visit_id,
                        f"error={type(exc).__name__} at={where.replace(' ', ':')} "
                        f"retry_minutes={minutes}")


#: Release a claimed visit and set when to look at it next (executemany, one per visit).
_RELEASE_WATCH = (
    update(_WATCH)
    .where(_WATCH.c.visit_id == bindparam("b_visit"),
           _WATCH.c.claimed_by == bindparam("b_token"))
    .values(next_check_at=bindparam("b_next"), updated_at=bindparam("b_now"),
            claimed_by=None, claimed_until=None)
)

#: The outbox rows of one claim, in the order they fell due (a new notice is due from when
#: its action was: its deadline), each alert's in the order made, with the state their
#: outcome needs.
_CLAIMED_DELIVERIES = (
    select(_DELIVERY.c.id, _DELIVERY.c.alert_id, _DELIVERY.c.visit_id, _DELIVERY.c.channel,
           _DELIVERY.c.target, _DELIVERY.c.status, _DELIVERY.c.attempts,
           _DELIVERY.c.last_error, _DELIVERY.c.sent_at, _DELIVERY.c.next_attempt_at)
    .where(_DELIVERY.c.claimed_by == bindparam("b_token"))
    .order_by(_DELIVERY.c.next_attempt_at, _DELIVERY.c.created_at, _DELIVERY.c.id)
)
#: Record a send's outcome on its outbox row, if this claim still holds it (executemany).
_RECORD_SEND = (
    update(_DELIVERY)
    .where(_DELIVERY.c.id == bindparam("b_id"), _DELIVERY.c.claimed_by == bindparam("b_token"))
    .values(attempts=bindparam("b_attempts"), status=bindparam("b_status"),
            sent_at=bindparam("b_sent_at"), last_error=bindparam("b_last_error"),
            published=case((bindparam("b_unpublish", type_=Boolean), False),
                           else_=_DELIVERY.c.published),
            next_attempt_at=bindparam("b_next"), claimed_by=None, claimed_until=None)
)
#: Renew the lease of a claim's rows not sent yet.
_RENEW_CLAIM = (
    update(_DELIVERY).where(_DELIVERY.c.claimed_by == bindparam("b_token"))
    .values(claimed_until=bindparam("b_until"))
)
#: Audit a send (or giving up), if this claim still holds its row (executemany, before
#: ``_RECORD_SEND`` releases the rows): ids and codes only.
_AUDIT_SEND = insert(_AUDIT).from_select(
    ["at", "actor", "action", "subject", "detail"],
    select(bindparam("b_at", type_=String), literal("hub", String),
           bindparam("b_action", type_=String), _DELIVERY.c.id,
           bindparam("b_detail", type_=String))
    .where(_DELIVERY.c.id == bindparam("b_id"), _DELIVERY.c.claimed_by == bindparam("b_token")),
)
#: Mark a row published, unless it was tried again since it was read.
_MARK_PUBLISHED = (
    update(_DELIVERY)
    .where(_DELIVERY.c.id == bindparam("b_id"), _DELIVERY.c.attempts == bindparam("b_attempts"),
           _DELIVERY.c.published.is_(False))
    .values(published=True)
)
#: Make the watch look at a visit now (an alert of it reached nobody: the next tier).
_LOOK_NOW = (
    update(_WATCH)
    .where(_WATCH.c.visit_id == bindparam("b_visit"), _WATCH.c.next_check_at.is_not(None),
           _WATCH.c.next_check_at > bindparam("b_now"))
    .values(next_check_at=bindparam("b_now"))
)


class Watcher:
    """The escalation watch of one hub process; :meth:`tick` runs one round (tests call it
    with a ManualClock), :class:`WatchService` runs it every second inside ``serve``."""

    def __init__(self, engine: Engine, clock: Clock = utc_now, *,
                 lease_seconds: float = 30.0,
                 secrets: Callable[[], LoneWorkingSecrets] = LoneWorkingSecrets.from_env,
                 holder: str | None = None,
                 send_timeout: float = SEND_TIMEOUT_SECONDS,
                 send_concurrency: int = SEND_CONCURRENCY) -> None:
        self.engine = engine
        self.clock = clock
        self.send_timeout = send_timeout
        self.send_concurrency = send_concurrency
        self.lease = timedelta(seconds=lease_seconds)
        self.secrets = secrets
        self.holder = holder or _holder()
        self._claims = itertools.count(1)
        self.postgres = engine.dialect.name == "postgresql"
        # The embedded database has one writer at a time, and SQLite makes a waiting writer
        # poll with growing sleeps (up to 100 ms): the sender recording its sends rarely got
        # in between the watch's back-to-back transactions, and a burst's notices waited for
        # the whole escalation. This process's watch and sender take turns on this lock
        # instead (woken as soon as it is free). PostgreSQL has row locks: not needed there.
        self._write_turn = threading.Lock()
        self._published_at = datetime.min.replace(tzinfo=UTC)
        #: HTTP connections kept alive between sends and rounds (receivers see one
        #: connection per concurrent send, not one per notice)
        self.http = HttpPool(send_timeout)
        self.first_notices: FirstNotices | None = None  # told of notices due/sent (/metrics)

    def close(self) -> None:
        """Close the kept-alive HTTP connections."""
        self.http.close()

    def _turn(self) -> AbstractContextManager[object]:
        """Hold this for a write transaction of the watch or the sender (see ``__init__``)."""
        return nullcontext() if self.postgres else self._write_turn

    def tick(self) -> tuple[int, int]:
        """One round: escalate what is due, then send what waits; (alerts, sent). A round
        run by hand (tests, tools) leaves no connection open."""
        try:
            return self.escalate(), self.deliver()
        finally:
            self.close()

    # -- escalation
    def _token(self) -> str:
        return f"{self.holder}#{next(self._claims)}"

    def _claim(self, model: type[LoneWorkingWatch] | type[LoneWorkingDelivery],
               now: datetime, batch: int) -> str | None:
        """Lease up to ``batch`` due rows with one UPDATE over a SKIP LOCKED sub-select;
        returns the claim token, or None if nothing was due."""
        stamp = iso(now)
        if model is LoneWorkingWatch:
            key, due = LoneWorkingWatch.visit_id, LoneWorkingWatch.next_check_at
            extra = []
        else:
            key, due = LoneWorkingDelivery.id, LoneWorkingDelivery.next_attempt_at
            extra = [LoneWorkingDelivery.status == PENDING]
        free = or_(model.claimed_until.is_(None), model.claimed_until < stamp)
        with Session(self.engine) as session:
            # A plain read first: an idle hub takes no lock at all.
            if session.scalar(select(key).where(due <= stamp, free, *extra).limit(1)) is None:
                return None
        token = self._token()
        wanted = (
            select(key).where(due <= stamp, free, *extra).order_by(due).limit(batch)
            .with_for_update(skip_locked=True)
        )
        with self._turn(), Session(self.engine) as session, session.begin():
            session.execute(
                update(model).where(key.in_(wanted))
                .values(claimed_by=token, claimed_until=iso(now + self.lease))
                .execution_options(synchronize_session=False)
            )
        return token

    def escalate(self, stored_some: Callable[[], None] | None = None) -> int:
        """Claim due visits and carry out their due actions; returns the alerts stored.
        ``stored_some`` is called after each batch that stored alerts (the sending can
        start on the first batch's notices while the next batch is evaluated).

        A visit whose evaluation raises is set aside (:data:`SET_ASIDE`) and the batch's
        other visits are stored as usual; a batch that fails outside any one visit's
        evaluation is evaluated again one visit to a transaction (:meth:`_one_by_one`), and
        the next batches are claimed either way."""
        stored = 0
        while True:
            token = self._claim(LoneWorkingWatch, self.clock(), CLAIM_BATCH)
            if token is None:
                return stored
            try:
                made, claimed = self._escalate_claimed(token)
            except OperationalError:
                raise  # the database itself: the watch loop tries again (claims run out)
            except Exception as exc:
                log.error("lone working: a batch of the watch failed (%s at %s); its visits "
                          "are looked at one by one", type(exc).__name__, _where(exc))
                made, claimed = self._one_by_one(token)
            stored += made
            if made and stored_some is not None:
                stored_some()
            if claimed < CLAIM_BATCH:
                return stored

    def next_due(self) -> datetime | None:
        """When the watch next has something to look at: the earliest ``next_check_at`` of a
        visit no hub holds a claim on (None if there is none)."""
        stamp = iso(self.clock())
        free = or_(LoneWorkingWatch.claimed_until.is_(None),
                   LoneWorkingWatch.claimed_until < stamp)
        with Session(self.engine) as session:
            earliest = session.scalar(select(func.min(LoneWorkingWatch.next_check_at))
                                      .where(free))
        return parse_iso(earliest) if earliest else None

    def _one_by_one(self, token: str) -> tuple[int, int]:
        """The visits claimed under ``token``, each evaluated and stored in a transaction of
        its own (after their batch failed as a whole); one that fails alone is set aside.
        Returns (alerts stored, visits claimed). The database failing (``OperationalError``:
        unreachable, locked, full) stops it: the claims left run out after their lease."""
        with Session(self.engine) as session:
            visit_ids = list(session.scalars(
                select(LoneWorkingWatch.visit_id).where(LoneWorkingWatch.claimed_by == token)
                .order_by(LoneWorkingWatch.next_check_at, LoneWorkingWatch.visit_id)))
        made = 0
        for visit_id in visit_ids:
            try:
                made += self._escalate_claimed(token, only=visit_id)[0]
            except OperationalError:
                raise
            except Exception as exc:
                self._set_aside(token, visit_id, exc)
        return made, len(visit_ids)

    def _set_aside(self, token: str, visit_id: str, exc: BaseException) -> None:
        """Release a claimed visit that could not be evaluated, to be looked at again after
        :data:`SET_ASIDE`, with its audit entry, in a transaction of its own."""
        entry = _set_aside_entry(visit_id, exc)
        with self._turn(), Session(self.engine) as session, session.begin():
            now = self.clock()
            session.execute(_RELEASE_WATCH, [{"b_visit": visit_id, "b_token": token,
                                              "b_next": iso(now + SET_ASIDE),
                                              "b_now": iso(now)}])
            _audit_all(session, [entry])
            _remember_set_aside(session, visit_id, exc, now)

    def _escalate_claimed(self, token: str, only: str | None = None) -> tuple[int, int]:
        """Evaluate the visits claimed under ``token`` (``only``: that one of them) and store
        what is due, in one transaction holding the write lock. Rows are read and written as
        plain rows with bulk statements (executemany), not one ORM object per row: at 1,000
        visits due in the same second the per-row ORM work was most of the hub's CPU.

        Each visit is evaluated on its own: one whose evaluation raises stores nothing, is
        set aside (:data:`SET_ASIDE`, logged and audited) and the others' alerts are stored."""
        with self._turn(), Session(self.engine) as session, session.begin():
            lock_writes(session)
            now = self.clock()
            claimed = LoneWorkingWatch.claimed_by == token
            watches = [WatchedVisit(*row) for row in session.execute(
                select(LoneWorkingWatch.visit_id, LoneWorkingWatch.worker_user,
                       LoneWorkingWatch.team)
                .where(claimed if only is None else claimed & (LoneWorkingWatch.visit_id == only))
            )]
            if not watches:
                return 0, 0
            policy = load_policy(session)
            settings = usable_notifiers(load_notifier_settings(session), self.secrets())
            contacts = list(session.scalars(select(LoneWorkingContact)))
            visits = load_visits(session, [w.visit_id for w in watches])
            unreachable = reached_nobody(session, [w.visit_id for w in watches])
            batch = _Stored()
            stamp = iso(now)
            released: list[dict[str, str | None]] = []
            failed: tuple[str, Exception] | None = None  # the last visit set aside
            for watch in watches:
                own = _Stored()
                try:
                    after = self._escalate_visit(session, watch, visits[watch.visit_id], now,
                                                 policy, settings, contacts, unreachable, own)
                except Exception as exc:  # one visit's fault must not stop the others' alerts
                    batch.audits.append(_set_aside_entry(watch.visit_id, exc))
                    failed = (watch.visit_id, exc)
                    after = iso(now + SET_ASIDE)
                else:
                    batch.take(own)
                    if self.first_notices is not None:
                        for alert_id, due_at in own.first_due:
                            self.first_notices.due(alert_id, due_at)
                released.append({"b_visit": watch.visit_id, "b_token": token,
                                 "b_next": after, "b_now": stamp})
            if batch.deliveries:
                session.execute(insert(_DELIVERY), batch.deliveries)
            _store_all(session, batch.records, now)
            _audit_all(session, batch.audits)
            session.execute(_RELEASE_WATCH, released)
            if failed is not None:
                _remember_set_aside(session, *failed, now)
        if batch.alerts:
            log.info("lone working: %d alerts stored", batch.alerts)
        return batch.alerts, len(watches)

    def _escalate_visit(self, session: Session, watch: Watched,
                        visit: lw.Visit | None, now: datetime, policy: lw.EscalationPolicy,
                        settings: NotifierSettings,
                        contacts: Sequence[LoneWorkingContact],
                        unreachable: Collection[str], batch: _Stored) -> str | None:
        """Carry out one claimed visit's due actions: each alert and its ``alert_delivery``
        record, its notifications (outbox rows) and audit entries go into ``batch``, stored
        together by the caller; returns the visit's next ``next_check_at`` (None: never)."""
        if visit is None or visit.armed_at is None:
            return None
        plan = visit.plan
        quiet = visit.duress_causes()
        quiet_author: str | None = None
        nobody = set(unreachable)
        stamp = iso(now)
        # An alert with nobody to send to falls through to the next tier in the same round
        # (evaluated again with it counted unreachable); bounded by the number of tiers.
        for _round in range(len(policy.tiers) + 2):
            actions = visit.due_actions(now, policy, unreachable=nobody)
            fell_through = False
            for action in actions:
                alert = lw.alert_for(action, id=new_id(), raised_at=now)
                if alert.cause_id is not None and alert.cause_id in quiet:
                    quiet_author = quiet_author or _quiet_author(session, watch)
                    author = quiet_author
                else:
                    author = watch.worker_user
                batch.records.append((alert, plan.id, author))
                visit = visit.with_alert(alert)
                targets = targets_for(action, plan, watch, contacts, settings)
                # due since the action was (so the sender takes notices in deadline order)
                due = iso(min(action.at, now))
                batch.deliveries += [
                    {"id": new_id(), "alert_id": alert.id, "visit_id": plan.id,
                     "channel": target.channel, "target": target.address, "status": PENDING,
                     "attempts": 0, "next_attempt_at": due, "claimed_by": None,
                     "claimed_until": None, "created_at": stamp, "sent_at": None,
                     "last_error": None, "role": target.role, "published": True}
                    for target in targets
                ]
                if targets:
                    batch.first_due.append((alert.id, action.at))
                unreached = unreached_roles(action, targets)
                summary = delivery_summary(
                    alert.id, plan.id,
                    [NoticeState(t.channel, t.role, PENDING, 0, None) for t in targets],
                    unreached)
                batch.records.append((summary, plan.id, author))
                batch.audits.append(_audit_entry(
                    "hub", "lw_alert", alert.id,
                    f"visit={plan.id} tier={alert.tier} reason={alert.reason.value} "
                    f"notifications={len(targets)} unreached={len(unreached)}"))
                if unreached:
                    log.warning("lone working: alert %s (tier %s) reaches nobody for %d "
                                "role(s)", alert.id, alert.tier, len(unreached))
                if not targets:
                    nobody.add(alert.id)
                    fell_through = True
            batch.alerts += len(actions)
            if not fell_through:
                break
        after = next_check(visit, now, policy)
        return iso(after) if after is not None else None

    # -- deliveries
    def deliver(self, more_due: Callable[[], bool] | None = None) -> int:
        """Claim due notifications and send them, then publish what became of them (the
        board's ``alert_delivery`` records); returns how many were sent.

        One run of the sender (:class:`_SendRun`) keeps claiming while it sends: notices
        stored while earlier ones are sent join the same queue, and every visit's first
        goes before any visit's second, across claims. The run ends when nothing is
        claimed, queued or in flight.

        ``more_due``: true when the watch stored more alerts while these were sent (a
        burst). Then what was sent is published after the burst (at most
        ``PUBLISH_DEFER_SECONDS`` later), not between its batches: publishing takes the
        hub-wide write lock and would hold up the escalation of the burst's other visits.
        Failures are published at the end of the run all the same."""
        token = self._claim(LoneWorkingDelivery, self.clock(), DELIVERY_BATCH)
        sent = failed = 0
        if token is not None:
            senders = self._senders()
            try:
                sent, claimed = _SendRun(self, senders).run(token)
            finally:
                senders.close()
            failed = claimed - sent
        now = self.clock()
        if (failed or more_due is None or not more_due()
                or now - self._published_at >= timedelta(seconds=PUBLISH_DEFER_SECONDS)):
            self._published_at = now
            self.publish()  # also what a killed process recorded but did not publish
        return sent

    def publish(self) -> int:
        """Re-version the ``alert_delivery`` record of every alert whose notifications changed
        state since it was last written; an alert that now reached nobody makes the watch
        look at its visit at once (the next tier). Returns how many records were written.

        Plain rows and bulk statements. A row is marked published only if it has not been
        tried again since it was read (``attempts`` unchanged): an outcome recorded meanwhile
        by the sender (which does not take the write lock) stays unpublished, for the next
        round. Updates go in id order, as the sender's, so two hubs never deadlock."""
        flag = LoneWorkingDelivery.published.is_(False)
        with Session(self.engine) as session:  # an idle hub takes no lock
            if session.scalar(select(LoneWorkingDelivery.id).where(flag).limit(1)) is None:
                return 0
        written = 0
        with self._turn(), Session(self.engine) as session, session.begin():
            lock_writes(session)
            now = self.clock()
            stamp = iso(now)
            alert_ids = list(session.scalars(
                select(LoneWorkingDelivery.alert_id).where(flag).distinct().limit(500)))
            if not alert_ids:
                return 0
            by_alert: dict[str, list[Any]] = {}
            for row in session.execute(
                select(LoneWorkingDelivery.alert_id, LoneWorkingDelivery.visit_id,
                       LoneWorkingDelivery.id, LoneWorkingDelivery.channel,
                       LoneWorkingDelivery.role, LoneWorkingDelivery.status,
                       LoneWorkingDelivery.attempts, LoneWorkingDelivery.last_error,
                       LoneWorkingDelivery.published)
                .where(among(session, LoneWorkingDelivery.alert_id, alert_ids))
                .order_by(LoneWorkingDelivery.created_at, LoneWorkingDelivery.id)
            ):
                by_alert.setdefault(row.alert_id, []).append(row)
            records: dict[str, tuple[dict[str, Any], str]] = {
                record_id: (body, author) for record_id, body, author in session.execute(
                    select(HubRecord.record_id, HubRecord.body, HubRecord.author_user)
                    .where(among(session, HubRecord.record_id,
                                 [delivery_record_id(a) for a in alert_ids] + alert_ids)))
            }
            fresh: list[tuple[Record, str, str]] = []
            changed: list[dict[str, Any]] = []
            marked: list[dict[str, Any]] = []
            look_now: dict[str, None] = {}
            for alert_id, alert_rows in by_alert.items():
                found = records.get(alert_id)
                if found is None:
                    continue
                alert_body, alert_author = found
                visit_id = alert_rows[0].visit_id
                summary_id = delivery_record_id(alert_id)
                existing = records.get(summary_id)
                unreached: tuple[str, ...] = ()
                if existing is not None:
                    unreached = tuple(existing[0].get("unreached") or ())
                summary = delivery_summary(alert_id, visit_id, [
                    NoticeState(r.channel, r.role, r.status, int(r.attempts), r.last_error)
                    for r in alert_rows], unreached)
                if existing is None:
                    fresh.append((summary, visit_id, alert_author or "hub"))
                elif existing[0] != (body := summary.to_dict()):
                    changed.append({"record_id": summary_id, "body": body})
                marked += [{"b_id": r.id, "b_attempts": r.attempts}
                           for r in alert_rows if not r.published]
                written += 1
                if summary.reached_nobody and alert_body.get("tier") not in (
                        lw.REMINDER_TIER, lw.ALL_CLEAR_TIER):
                    look_now[visit_id] = None
            if changed:  # new versions: one block of sequence numbers for them all
                changed.sort(key=lambda c: str(c["record_id"]))
                first = reserve_seqs(session, len(changed)) - len(changed) + 1
                for offset, values in enumerate(changed):
                    values.update(seq=first + offset, hub_time=stamp)
                session.execute(update(HubRecord), changed)
            _store_all(session, fresh, now)
            if marked:
                marked.sort(key=lambda m: str(m["b_id"]))
                session.execute(_MARK_PUBLISHED, marked)
            if look_now:
                session.execute(_LOOK_NOW, [{"b_visit": v, "b_now": stamp} for v in look_now])
        return written

    def _senders(self) -> Senders:
        with Session(self.engine) as session:
            settings = load_notifier_settings(session)
        secrets = self.secrets()
        return Senders(settings, smtp_password=secrets.smtp_password,
                       webhook_secret=secrets.webhook_secret, sms_secret=secrets.sms_secret,
                       pool=self.http, timeout=self.send_timeout)

    def _messages(self, deliveries: Sequence[Any]) -> dict[str, Message | None]:
        """The message of each claimed notification, by delivery id (composed once per
        alert, not per notice; None if its alert or plan cannot be read)."""
        with Session(self.engine) as session:
            wanted = {d.alert_id for d in deliveries} | {d.visit_id for d in deliveries}
            bodies: dict[str, Any] = dict(session.execute(
                select(HubRecord.record_id, HubRecord.body)
                .where(among(session, HubRecord.record_id, list(wanted)))).all())
            policy = load_policy(session)
            workers = {str(body.get("worker", "")) for body in bodies.values()}
            names: dict[str, str] = {
                user_id: name for user_id, name in session.execute(
                    select(User.id, User.name).where(among(session, User.id, list(workers))))}
        by_alert: dict[str, Message | None] = {}
        for delivery in deliveries:
            if delivery.alert_id in by_alert:
                continue
            try:
                alert = record_from_dict(ALERT_KIND, bodies[delivery.alert_id])
                plan = record_from_dict(PLAN_KIND, bodies[delivery.visit_id])
                assert isinstance(alert, EscalationAlert) and isinstance(plan, VisitPlan)
                by_alert[delivery.alert_id] = compose(
                    alert, plan, names.get(plan.worker) or "A lone worker",
                    welfare_call_decision=alert.tier in (policy.top.name, lw.EVERYONE_TIER))
            except (KeyError, ValidationError):
                by_alert[delivery.alert_id] = None
        return {delivery.id: by_alert[delivery.alert_id] for delivery in deliveries}

    def _record_deliveries(self, outcomes: Sequence[tuple[str, str | None]],
                           claimed: Mapping[str, tuple[str, Any]],
                           leases: Mapping[str, _Lease] | None = None) -> None:
        """Record what became of sends (delivery id, error code or None) in one transaction
        of two bulk statements: the audit entries, then the rows. Both apply only to rows
        their claim (the token in ``claimed``: delivery id -> (token, row as claimed)) still
        holds: a row whose lease ran out and that another hub took over is left to it. The
        same transaction renews each claim in ``leases`` (token -> lease) that has rows
        still to send, once a third of its lease has gone: a claim that takes long to send
        (slow receivers, or a burst's later claims sent first) is not taken over, and sent
        again, by another hub."""
        now = self.clock()
        changes: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        for delivery_id, error in sorted(outcomes):  # id order, as publish: no deadlock
            token, row = claimed[delivery_id]
            values, entry = self._outcome(row, error, now)
            changes.append({**values, "b_token": token})
            if entry is not None:
                entries.append({**entry, "b_id": delivery_id, "b_token": token})
        renew = sorted(token for token, lease in (leases or {}).items() if now >= lease.renew_at)
        with self._turn(), self.engine.begin() as connection:  # Core only: no ORM session
            if entries:  # first: it looks for the rows still claimed by this token
                connection.execute(_AUDIT_SEND, entries)
            connection.execute(_RECORD_SEND, changes)
            for token in renew:
                lease = (leases or {})[token]
                connection.execute(_RENEW_CLAIM, {"b_token": token,
                                                  "b_until": iso(now + lease.length)})
                lease.renew_at = now + lease.length / 3

    @staticmethod
    def _outcome(row: Any, error: str | None,
                 now: datetime) -> tuple[dict[str, Any], dict[str, str] | None]:
        """A send's outcome: the row's new values (bind names of ``_RECORD_SEND``) and its
        audit entry (bind names of ``_AUDIT_SEND``), if any."""
        attempts = int(row.attempts) + 1
        values: dict[str, Any] = {
            "b_id": row.id, "b_attempts": attempts, "b_status": row.status,
            "b_sent_at": row.sent_at, "b_last_error": row.last_error,
            "b_unpublish": False, "b_next": row.next_attempt_at,
        }
        detail = f"alert={row.alert_id} channel={row.channel} attempt={attempts}"
        if error is None:
            values.update(b_status=SENT, b_sent_at=iso(now), b_last_error=None,
                          b_unpublish=True)
            return values, {"b_at": iso(utc_now()), "b_action": "lw_notified",
                            "b_detail": detail}
        if attempts == 1 or row.last_error != error or attempts >= MAX_ATTEMPTS:
            values["b_unpublish"] = True  # the board learns of a new failure or reason
        values["b_last_error"] = error
        if attempts >= MAX_ATTEMPTS:
            values["b_status"] = FAILED
            log.warning("lone working: delivery %s gave up (%s)", row.id, error)
            return values, {"b_at": iso(utc_now()), "b_action": "lw_notify_failed",
                            "b_detail": f"{detail} error={error}"}
        wait = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
        values["b_next"] = iso(now + timedelta(seconds=wait))
        log.warning("lone working: delivery %s failed (%s); retry in %.0f s",
                    row.id, error, wait)
        return values, None


#: While it sends, a run of the sender looks for newly due notices at most this often
#: (only when no first notice is waiting: a new one would go after those anyway).
RECLAIM_SECONDS = 0.02


@dataclass(slots=True)
class _Lane:
    """One visit's claimed notices in a run of the sender: sent one after another."""

    rank: int  # the order the run first saw the visit in (claims come in deadline order)
    waiting: deque[Any] = field(default_factory=deque)
    sent: int = 0  # how many of its notices this run has sent so far (tried)
    busy: bool = False  # one in flight (or its outcome not recorded yet)


class _SendRun:
    """One run of the sender (:meth:`Watcher.deliver`): sends the claimed notifications,
    each visit's in order, one after another, and different visits' at once (at most
    ``send_concurrency``), and claims more while it sends. The next notice to go is the
    queued one with the fewest notices of its visit sent before it in this run, then the
    earliest due (then the visit first seen): every visit's first notice goes before any
    visit's second, also across claims, so a burst's later visits do not wait for the
    second notices of its earlier ones. Each send is recorded as soon as it is done
    (:class:`_Recorder`: the sends finished meanwhile share one transaction) and before its
    slot sends again or the same visit's next one is sent: a killed process repeats at most
    ``send_concurrency`` notices, those in flight."""

    def __init__(self, watcher: Watcher, senders: Senders) -> None:
        self.watcher = watcher
        self.senders = senders
        self.lanes: dict[str, _Lane] = {}
        self.ready: list[tuple[int, str, int, str]] = []  # (sent before, due, rank, visit)
        self.claimed: dict[str, tuple[str, Any]] = {}  # delivery id -> (token, row)
        self.messages: dict[str, Message | None] = {}
        self.leases: dict[str, _Lease] = {}
        self.left: dict[str, int] = {}  # token -> its rows not recorded yet
        self.lock = threading.Lock()  # leases: changed here, read by the recording thread
        self.failed = False  # a send failed since the last publish
        self.recorder = _Recorder(self._write)

    def _write(self, outcomes: Sequence[tuple[str, str | None]]) -> None:
        with self.lock:
            leases = dict(self.leases)
        self.watcher._record_deliveries(outcomes, self.claimed, leases)

    def add(self, token: str) -> int:
        """Queue the rows claimed under ``token`` (in the order they fell due); their
        count."""
        watcher = self.watcher
        with Session(watcher.engine) as session:
            rows = session.execute(_CLAIMED_DELIVERIES, {"b_token": token}).all()
        if not rows:
            return 0
        self.messages.update(watcher._messages(rows))
        with self.lock:
            self.leases[token] = _Lease(watcher.clock() + watcher.lease / 3, watcher.lease)
        self.left[token] = len(rows)
        fresh = 0
        for row in rows:
            held = self.claimed.get(row.id)
            self.claimed[row.id] = (token, row)
            if held is not None:  # its lease ran out while queued here (a clock jump): the
                self._release(held[0])  # new claim holds it now; it is sent once, as queued
                continue
            fresh += 1
            lane = self.lanes.get(row.visit_id)
            if lane is None:
                lane = self.lanes[row.visit_id] = _Lane(rank=len(self.lanes))
            if not lane.waiting and not lane.busy:
                heapq.heappush(self.ready, (lane.sent, row.next_attempt_at, lane.rank,
                                            row.visit_id))
            lane.waiting.append(row)
        return fresh

    def send(self, delivery: Any) -> bool:
        """Send one notification and record its outcome (in a sending thread)."""
        watcher = self.watcher
        error: str | None = None
        message = self.messages[delivery.id]
        self.recorder.sending()
        if message is None:
            error = "unreadable_alert"
        else:
            try:
                self.senders.send(delivery.channel, delivery.target, delivery.id, message)
            except DeliveryError as exc:
                error = exc.code
            except BaseException:
                self.recorder.abandon()
                raise
        self.recorder.record(delivery.id, error)
        if error is None and watcher.first_notices is not None:
            watcher.first_notices.sent(delivery.alert_id, watcher.clock())
        return error is None

    def _release(self, token: str) -> None:
        """One row of ``token`` is recorded (or claimed again): forget the claim once none
        is left (nothing to renew)."""
        self.left[token] -= 1
        if not self.left[token]:
            with self.lock:
                del self.leases[token]

    def _done(self, visit_id: str, delivery: Any) -> None:
        """A visit's send is recorded: queue its next notice, if any."""
        lane = self.lanes[visit_id]
        lane.busy = False
        lane.sent += 1
        self._release(self.claimed[delivery.id][0])
        if lane.waiting:
            heapq.heappush(self.ready, (lane.sent, lane.waiting[0].next_attempt_at,
                                        lane.rank, visit_id))

    def _publish_if_due(self) -> None:
        """While the run goes on (a long burst): publish failures within a second and what
        was sent at least every ``PUBLISH_DEFER_SECONDS`` (called when no first notice is
        waiting, so it never holds one up)."""
        watcher = self.watcher
        now = watcher.clock()
        since = (now - watcher._published_at).total_seconds()
        if (self.failed and since >= PUBLISH_FAILURES_SECONDS) or since >= PUBLISH_DEFER_SECONDS:
            watcher._published_at = now
            self.failed = False
            watcher.publish()

    def _work(self, work: SimpleQueue[Any], done: SimpleQueue[tuple[Any, Any]]) -> None:
        """A sending thread: sends what it is given until it is given None."""
        while (delivery := work.get()) is not None:
            try:
                done.put((delivery, self.send(delivery)))
            except BaseException as exc:  # handed to the run, which ends
                done.put((delivery, exc))

    def run(self, token: str) -> tuple[int, int]:
        """Send what ``token`` claimed and whatever falls due meanwhile; (sent, claimed).
        At most ``send_concurrency`` threads, fed through a queue (at most one notice each
        at a time), report each outcome once it is recorded."""
        watcher = self.watcher
        claimed = self.add(token)
        sent = flying = 0
        reclaimed_at = time.monotonic()
        work: SimpleQueue[Any] = SimpleQueue()
        done: SimpleQueue[tuple[Any, Any]] = SimpleQueue()
        threads: list[threading.Thread] = []
        try:
            while True:
                no_first = not self.ready or self.ready[0][0] > 0
                if no_first and time.monotonic() - reclaimed_at >= RECLAIM_SECONDS:
                    self._publish_if_due()
                    reclaimed_at = time.monotonic()
                    more = watcher._claim(LoneWorkingDelivery, watcher.clock(), DELIVERY_BATCH)
                    if more is not None:
                        claimed += self.add(more)
                        continue
                    if not self.ready and not flying:
                        break
                while self.ready and flying < max(1, watcher.send_concurrency):
                    _n, _due, _rank, visit_id = heapq.heappop(self.ready)
                    lane = self.lanes[visit_id]
                    lane.busy = True
                    if flying == len(threads):  # a thread per notice in flight, at most
                        thread = threading.Thread(target=self._work, args=(work, done),
                                                  name=f"lw-notify_{len(threads)}", daemon=True)
                        thread.start()
                        threads.append(thread)
                    work.put(lane.waiting.popleft())
                    flying += 1
                if not flying:  # nothing to send: look for more, at most so often
                    time.sleep(max(0.0, reclaimed_at + RECLAIM_SECONDS - time.monotonic()))
                    continue
                try:
                    outcomes = [done.get(timeout=RECLAIM_SECONDS)]
                except Empty:
                    continue
                while not done.empty():
                    outcomes.append(done.get())
                for delivery, outcome in outcomes:
                    flying -= 1
                    if isinstance(outcome, BaseException):
                        raise outcome  # a send that raised ends the run
                    sent += outcome
                    self.failed = self.failed or not outcome
                    self._done(delivery.visit_id, delivery)
        finally:
            for _thread in threads:
                work.put(None)
            for thread in threads:
                thread.join()  # the sends in flight finish (and are recorded) first
        return sent, claimed


class _Recorder:
    """Group commit of send outcomes: :meth:`record` returns once the outcome is stored.
    Whoever finds no write in progress becomes the writer: it lingers a moment
    (``linger`` seconds at most) until the other sends in flight have finished too, then
    writes every outcome waiting in one transaction. Each send's thread still waits for its
    own outcome to be stored before it sends again, so at most one notice per thread is ever
    sent and not recorded; lingering only makes the transactions fewer (one for the 8 sends
    finishing together instead of one for every 2: the write was most of a send's CPU). A
    failed write fails every outcome in it (their claims run out and they are sent again,
    with the same ids)."""

    def __init__(self, write: Callable[[Sequence[tuple[str, str | None]]], None],
                 linger: float = RECORD_LINGER_SECONDS) -> None:
        self._write = write
        self._linger = linger
        lock = threading.Lock()
        self._written = threading.Condition(lock)  # a write finished
        self._arrived = threading.Condition(lock)  # an outcome came (for a lingering writer)
        self._waiting: list[tuple[str, str | None]] = []
        self._sending = 0
        self._writing = False
        self._done: dict[str, BaseException | None] = {}

    def sending(self) -> None:
        """A send starts (its outcome will come through :meth:`record` or :meth:`abandon`)."""
        with self._written:
            self._sending += 1

    def abandon(self) -> None:
        """A send ended without an outcome to record (it raised)."""
        with self._written:
            self._sending -= 1
            self._arrived.notify()

    def record(self, delivery_id: str, error: str | None) -> None:
        with self._written:
            self._sending -= 1
            self._waiting.append((delivery_id, error))
            self._arrived.notify()
            while delivery_id not in self._done:
                if self._writing:
                    self._written.wait()
                    continue
                self._writing = True
                until = time.monotonic() + self._linger
                while self._sending and (left := until - time.monotonic()) > 0:
                    self._arrived.wait(left)
                batch, self._waiting = self._waiting, []
                self._written.release()
                failure: BaseException | None = None
                try:
                    self._write(batch)
                except BaseException as exc:  # handed to every sender in the batch
                    failure = exc
                finally:
                    self._written.acquire()
                    self._writing = False
                    for done_id, _error in batch:
                        self._done[done_id] = failure
                    self._written.notify_all()
            failure = self._done.pop(delivery_id)
        if failure is not None:
            raise failure


#: Wake this long after a deadline (timers may fire a little early; the stored times are
#: to the microsecond).
DUE_MARGIN_SECONDS = 0.002
#: The shortest sleep between rounds (a visit due now but not taken by this round: made due
#: by a push meanwhile, or claimed by another hub).
MIN_WAIT_SECONDS = 0.05


class WatchService:
    """The watch and the deliveries, each in its own thread: the watch every ``interval``
    seconds or at the next deadline if sooner, the sender every ``interval`` seconds or as
    soon as the watch stored alerts."""

    def __init__(self, engine: Engine, clock: Clock = utc_now,
                 settings: WatchSettings | None = None) -> None:
        self.settings = settings or WatchSettings.from_env()
        self.watcher = Watcher(engine, clock, lease_seconds=self.settings.lease_seconds)
        self._stop = threading.Event()
        self._send_now = threading.Event()
        self._threads: list[threading.Thread] = []
        self.woke_at: datetime | None = None  # when the watch last began a round (/readyz)

    def start(self) -> None:
        """Start both loops (daemon threads)."""
        # httpx logs every request with its URL at INFO: a webhook URL may carry a token,
        # and a busy ladder would flood the log. Failures are logged here, by code.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        for name, target in (("lw-watch", self._watch_loop), ("lw-send", self._send_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop both loops and wait for them (a round in progress finishes)."""
        self._stop.set()
        self._send_now.set()
        for thread in self._threads:
            thread.join(timeout=15)
        self.watcher.close()

    def _watch_loop(self) -> None:
        while not self._stop.is_set():
            self.woke_at = self.watcher.clock()
            wait = self.settings.interval_seconds
            try:
                self.watcher.escalate(self._send_now.set)
                wait = self.until_next_round(wait)
            except Exception as exc:  # the loop must outlive a database hiccup
                log.error("lone working watch failed: %s", type(exc).__name__)
            self._stop.wait(wait)

    def until_next_round(self, interval: float) -> float:
        """Seconds to sleep: until the earliest visit's next deadline if that comes before
        the next round (a deadline on the hour is looked at on the hour, not up to a round
        late), else one round (visits armed or changed meanwhile, by this hub or another,
        are due at once and found then)."""
        due = self.watcher.next_due()
        if due is None:
            return interval
        until = (due - self.watcher.clock()).total_seconds() + DUE_MARGIN_SECONDS
        return min(interval, max(MIN_WAIT_SECONDS, until))

    def _send_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.watcher.deliver(self._send_now.is_set)
            except Exception as exc:
                log.error("lone working deliveries failed: %s", type(exc).__name__)
            self._send_now.wait(self.settings.interval_seconds)
            self._send_now.clear()


def lifespan(engine: Engine, clock: Clock,
             on_start: Callable[[WatchService], None] | None = None,
             ) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: runs the watch while the hub serves (``SPOKE_HUB_WATCH_SECONDS=0``
    turns it off in this process)."""

    @asynccontextmanager
    async def run(_app: FastAPI) -> AsyncIterator[None]:
        settings = WatchSettings.from_env()
        service = None
        if settings.interval_seconds > 0:
            service = WatchService(engine, clock, settings)
            if on_start is not None:  # create_app: readiness and metrics
                on_start(service)
            service.start()
        try:
            yield
        finally:
            if service is not None:
                await asyncio.to_thread(service.stop)

    return run


# --------------------------------------------------------------------------- ending a visit
#: The audit action of a visit ended from the command line (``spoke-hub safety visit end``;
#: subject: the visit id; actor: who it was ended for; detail: ids and the reason's code).
VISIT_ENDED_ACTION = "lw_visit_ended"
#: Why a visit the watch set aside may be ended (``--reason``), and what each code means.
#: Codes, not the administrator's words: the audit reaches supervisors (``GET /v1/audit``)
#: and holds ids and codes only, never free text that may name someone.
END_REASONS: Final = {
    "over": "the visit is over and the worker is safe (she or her supervisor said so)",
    "not-a-visit": "the plan was never a real visit (made in error, or a test)",
}


class VisitEndError(SpokeError):
    """An ending refused: nothing was changed (the command exits 2)."""


@dataclass(frozen=True, slots=True)
class EndedVisit:
    """What ``spoke-hub safety visit end`` did (ids only)."""

    visit_id: str
    worker: str
    #: The end-of-visit check-in the hub wrote; None when the visit was over already.
    check_in_id: str | None
    #: When it ended (UTC, ISO 8601): now, or when it was ended before.
    ended_at: str | None
    #: False when even ended the watch cannot work the visit out: it is no longer looked at.
    watched: bool = True


def _evaluates(visit: lw.Visit, now: datetime, policy: lw.EscalationPolicy) -> bool:
    """Whether the watch can work the visit out at ``now`` (what ``_escalate_visit`` asks
    of it: its due actions and when to look again) without raising."""
    try:
        visit.due_actions(now, policy)
        next_check(visit, now, policy)
    except Exception:  # what the watch sets a visit aside for: any fault of its own
        return False
    return True


def _forget_set_aside(session: Session, visit_id: str, now: datetime,
                      policy: lw.EscalationPolicy) -> None:
    """After ``visit_id`` was ended, the hub fact ``spoke-hub doctor`` reads
    (:data:`WATCH_ERROR_KEY`) names the visit last set aside that the watch still cannot
    work out, or is removed when none is left (doctor stops warning); it is left as it is
    when it names another visit. Looks at the visits set aside most recently (the audit's
    ``lw_watch_error``) that the watch still looks at, at most :data:`CLAIM_BATCH`."""
    row = session.get(HubMeta, WATCH_ERROR_KEY)
    if row is None:
        return
    try:
        named = json.loads(row.value).get("visit_id")
    except (ValueError, AttributeError):
        named = visit_id  # unreadable: replaced by what the audit says
    if named != visit_id:
        return
    latest = (select(AuditEntry.subject, func.max(AuditEntry.id).label("last"))
              .where(AuditEntry.action == WATCH_ERROR_ACTION, AuditEntry.subject != visit_id)
              .group_by(AuditEntry.subject).subquery())
    candidates = session.execute(
        select(AuditEntry.at, AuditEntry.subject, AuditEntry.detail)
        .join(latest, AuditEntry.id == latest.c.last)
        .join(LoneWorkingWatch, LoneWorkingWatch.visit_id == AuditEntry.subject)
        .where(LoneWorkingWatch.next_check_at.is_not(None))
        .order_by(AuditEntry.id.desc()).limit(CLAIM_BATCH)).all()
    visits = load_visits(session, [subject for _, subject, _ in candidates])
    for entry_at, subject, detail in candidates:
        visit = visits[subject]
        if visit is None or _evaluates(visit, now, policy):
            continue  # not set aside any more (ended, or it was a passing fault)
        error = detail.split(" ", 1)[0].removeprefix("error=") if detail else ""
        set_meta(session, WATCH_ERROR_KEY, json.dumps(
            {"at": entry_at, "visit_id": subject, "error": error}, sort_keys=True))
        return
    session.delete(row)


def end_visit(session: Session, visit_id: str, *, by: str, reason: str,
              now: datetime) -> EndedVisit:
    """End a visit the escalation watch cannot work out (one it sets aside: a plan stored
    before record dates were bounded), for good: the hub writes what ends any visit, an
    ``end_visit`` check-in authored by the visit's worker (as an SMS check-in is, so her
    laptop and her team's supervisors pull it; ``channel`` phone: taken by hub staff), and
    the watch looks at it once more (a stand-down to anyone it alerted) and then never
    again, or no more at all if even ended it cannot be worked out. Audited
    (:data:`VISIT_ENDED_ACTION`, actor ``by``, the reason's code); the hub fact
    ``spoke-hub doctor`` warns of names another visit still set aside, or goes.

    ``by``: who it is ended for, an administrator or a supervisor of the worker's team (not
    the worker: a coerced worker cannot stand herself down). Call under
    ``ledger.lock_writes``. A visit already over is answered as such and nothing is written
    (the command may be run twice). VisitEndError (nothing changed): an unknown visit, a
    reason not in :data:`END_REASONS`, ``by`` not allowed, or a visit the watch works out
    as usual (it is ended by the worker's check-in, or from the supervisor's board)."""
    if reason not in END_REASONS:
        raise VisitEndError(f"--reason must be one of {', '.join(END_REASONS)}; nothing "
                            "changed.")
    watch = session.get(LoneWorkingWatch, visit_id)
    visit = load_visits(session, [visit_id])[visit_id] if watch is not None else None
    if watch is None or visit is None:
        raise VisitEndError(f"No lone-working visit with id {visit_id!r} is watched on this "
                            "hub; nothing changed.")
    user = session.get(User, by)
    allowed = user is not None and user.left_at is None and user.id != watch.worker_user and (
        user.role == ADMIN
        or (user.role == SUPERVISOR and user.team is not None and user.team == watch.team))
    if not allowed:
        raise VisitEndError(f"--by {by} is not an administrator, nor a supervisor of the "
                            "visit's worker's team, still here; nothing changed.")
    policy = load_policy(session)
    if _evaluates(visit, now, policy):
        state = visit.state(now, policy)
        if state is lw.VisitState.ENDED:
            ended = visit.ended_at
            return EndedVisit(visit_id, watch.worker_user, None,
                              None if ended is None else iso(ended))
        raise VisitEndError(
            f"Visit {visit_id} is watched as usual ({state.value.replace('_', ' ')}): it is "
            "ended by its worker's check-in, or by a supervisor of her team from the board. "
            "This command ends only a visit the escalation watch sets aside. Nothing changed.")
    check_in_id: str | None = None
    if visit.ended_at is None:
        record = CheckIn(id=new_id(), visit_id=visit_id, kind=CheckInKind.END_VISIT, at=now,
                         channel=CheckInChannel.PHONE)
        record.validate()
        _store(session, record, visit_id, watch.worker_user, now)
        check_in_id = record.id
        ended_visit = load_visits(session, [visit_id])[visit_id]
        watched = ended_visit is not None and _evaluates(ended_visit, now, policy)
    elif watch.next_check_at is None:  # ended before, and no longer looked at
        return EndedVisit(visit_id, watch.worker_user, None, iso(visit.ended_at))
    else:
        watched = False
    watch.escalation_starts_at = None
    watch.next_check_at = iso(now) if watched else None  # the watch looks at once, or never
    watch.updated_at = iso(now)
    audit(session, by, VISIT_ENDED_ACTION, visit_id,
          f"reason={reason};worker={watch.worker_user}"
          + (f";check_in={check_in_id}" if check_in_id else "")
          + ("" if watched else ";watch=stopped"))
    _forget_set_aside(session, visit_id, now, policy)
    log.info("lone working: visit %s ended from the command line", visit_id)
    return EndedVisit(visit_id, watch.worker_user, check_in_id, iso(now), watched)


# --------------------------------------------------------------------------- SMS check-ins
#: How long an applied SMS is remembered when the gateway sends no message id. A signed
#: request is accepted while its timestamp is within 5 minutes either side of the hub's
#: clock, so the same request can come back for up to twice that.
SMS_REPLAY_WINDOW = timedelta(seconds=2 * SIGNATURE_TOLERANCE_SECONDS)
#: How long a gateway's message id is remembered: a gateway may re-sign a retry (a fresh
#: timestamp, so a fresh signature) long after its first attempt timed out.
SMS_MESSAGE_ID_MEMORY = timedelta(hours=24)

NO_VISIT = "No open lone-working visit for this number."
NO_ALARM = ("No alarm raised: this number has no open lone-working visit. If you are in "
            "danger, call 999.")
AMBIGUOUS = ("Not recorded: this number does not identify one open visit. Check in from the "
             "Spoke app instead. If you need help, text HELP: it alerts every open visit "
             "linked to this number.")


class SmsInbound(BaseModel):
    """A text message from the SMS gateway (provider-neutral)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    sender: str = Field(alias="from", min_length=3, max_length=32,
                        description="The sender's number, E.164 or UK national")
    text: str = Field(max_length=1600)
    message_id: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="The gateway's id of this message: a message with an id already applied "
                    "(in the last 24 hours) is never applied again, even re-signed",
    )


class SmsReply(BaseModel):
    """What the hub did, and the reply the gateway should text back."""

    status: Literal["checked_in", "extended", "alarm_raised", "already_received"]
    visit_id: str | None = Field(
        description="The visit the message was applied to; None if several, or a repeat")
    visit_ids: list[str] = Field(
        default_factory=list,
        description="Every visit it was applied to: several only for HELP from a number "
                    "linked to several open visits; empty for a repeat")
    reply: str


def sms_sender_number(sender: str) -> str | None:
    """The sender's number in E.164 form, as plans and contacts store numbers (None if it is
    not a number). Besides what :func:`normalise_phone_number` reads ("+447700900123",
    "07700 900123", "0044 ..."), gateways send international numbers without the plus
    ("447700900123") and people write the national 0 after +44 ("+44 07700 900123")."""
    number = normalise_phone_number(sender)
    if number is not None:
        return number
    compact = "".join(c for c in sender if c not in " \t-.()")
    if compact.startswith("+440"):
        return normalise_phone_number("+44" + compact[4:])
    if compact.isascii() and compact.isdigit() and not compact.startswith("0"):
        return normalise_phone_number("+" + compact)
    return None


@dataclass(frozen=True, slots=True)
class SmsTargets:
    """The open visits a text from one number may be about.

    ``alarm``: every open visit linked to the number, by a plan listing it or by the number
    being registered to the visit's worker (a contact with a ``user_id``): HELP alarms them
    all, over-alerting being safe and missing an alarm not. ``check_in``: the visits the
    number identifies as its owner's: the registered worker's open visits if the number is
    registered to anyone, else the open visits whose plan lists it. SAFE and EXTEND
    apply only if that is exactly one visit.
    """

    alarm: list[LoneWorkingWatch]
    check_in: list[LoneWorkingWatch]
    policy: lw.EscalationPolicy


def sms_targets(session: Session, number: str) -> SmsTargets:
    """Who a text from ``number`` (E.164) may be about (see :class:`SmsTargets`)."""
    owners = sorted(user for user in session.scalars(
        select(LoneWorkingContact.user_id).where(LoneWorkingContact.phone == number,
                                                 LoneWorkingContact.user_id.is_not(None))
    ) if user)
    watches = session.scalars(
        select(LoneWorkingWatch)
        .where(LoneWorkingWatch.escalation_starts_at.is_not(None),
               or_(LoneWorkingWatch.mobile == number,
                   LoneWorkingWatch.worker_user.in_(owners)))
        .order_by(LoneWorkingWatch.armed_at.desc(), LoneWorkingWatch.visit_id)
    ).all()
    policy = load_policy(session)
    visits = load_visits(session, [watch.visit_id for watch in watches])
    alarm = [watch for watch in watches  # open by its records too (plan readable, not over)
             if (visit := visits[watch.visit_id]) is not None
             and visit.escalation_starts_at(policy) is not None]
    check_in = [watch for watch in alarm if watch.worker_user in owners] if owners else alarm
    return SmsTargets(alarm, check_in, policy)


def find_open_visit(session: Session, number: str) -> LoneWorkingWatch | None:
    """The one open visit a SAFE or EXTEND from ``number`` applies to; None if there is none
    or the number does not identify one (:class:`SmsTargets`)."""
    targets = sms_targets(session, number).check_in
    return targets[0] if len(targets) == 1 else None


class _Repeat(Exception):
    """The message was applied before (its receipt exists): roll back, answer as before."""


def _remember(session: Session, digest: str, now: datetime, keep: timedelta) -> None:
    """Prune expired receipts, then store this one; :class:`_Repeat` if it is there already
    (the primary key decides, atomically, even between hub processes)."""
    session.execute(delete(LoneWorkingSmsReceipt)
                    .where(LoneWorkingSmsReceipt.expires_at < iso(now)))
    session.add(LoneWorkingSmsReceipt(digest=digest, received_at=iso(now),
                                      expires_at=iso(now + keep), reply=""))
    try:
        session.flush()
    except IntegrityError:
        raise _Repeat from None


def _apply_one(session: Session, watch: LoneWorkingWatch, command: lw.SmsCommand,
               policy: lw.EscalationPolicy, now: datetime, visits: int) -> datetime | None:
    """Store the message's record on one visit and look at the visit at once; returns the
    visit's next deadline."""
    record = lw.check_in_from_sms(command, id=new_id(), visit_id=watch.visit_id, at=now)
    _store(session, record, watch.visit_id, watch.worker_user, now)
    detail = f"visit={watch.visit_id} command={command.kind.value}"
    audit(session, watch.worker_user, "lw_sms", record.id,
          detail if visits == 1 else f"{detail} visits={visits}")
    visit = load_visits(session, [watch.visit_id])[watch.visit_id]
    starts = visit.escalation_starts_at(policy) if visit is not None else None
    watch.escalation_starts_at = iso(starts) if starts is not None else None
    watch.next_check_at = iso(now)
    watch.updated_at = iso(now)
    if visit is None:
        return None
    return visit.next_deadline()


NOBODY_TO_ALERT = ("Alarm recorded, but the hub has nobody it can alert (no contact or "
                   "notifier is set up). Call 999 if you are in danger, then call your manager.")


def _nobody_to_alert(session: Session, policy: lw.EscalationPolicy,
                     chosen: Sequence[LoneWorkingWatch]) -> bool:
    """True when not one of the alarmed visits has anybody the hub could alert (the same
    reckoning as the answer to a visit plan: :func:`reach_for`)."""
    usable = usable_notifiers(load_notifier_settings(session), load_secrets())
    contacts = list(session.scalars(select(LoneWorkingContact)))
    visits = load_visits(session, [watch.visit_id for watch in chosen])
    for watch in chosen:
        visit = visits[watch.visit_id]
        if visit is None:
            continue
        reach = reach_for(policy, visit.plan, watch.team, contacts, usable)
        if reach.people or reach.by_channel.get(WEBHOOK):
            return False
    return True


def _alarm_reply(visits: int, identified: bool) -> str:
    """What HELP tells the sender: only what is true of the alarms just raised."""
    if visits == 1 and identified:
        return "Alarm raised. Your team is being alerted now."
    if visits == 1:
        return ("Alarm raised on the 1 open visit linked to this number (the number does not "
                "identify whose visit it is): that visit's team is being alerted now. If you "
                "are in danger, call 999.")
    return (f"Alarm raised on all {visits} open visits linked to this number (the number "
            "does not identify one visit): each visit's team is being alerted now. If you "
            "are in danger, call 999.")


def apply_sms(engine: Engine, clock: Clock, sender: str, text: str, *,
              receipt: str | None = None, keep: timedelta = SMS_REPLAY_WINDOW) -> SmsReply:
    """Record a worker's text as a check-in or alarm (docs/architecture.md, "SMS check-ins").

    404: no open visit linked to the number; 422: not a command (the usage as the message);
    409: SAFE or EXTEND from a number that does not identify one open visit. HELP alarms
    every open visit linked to the number. ``receipt`` (a digest naming this message) is
    remembered for ``keep``: the same message again gets ``already_received`` and the first
    reply, and changes nothing. A refusal changes nothing and is not remembered.
    """
    number = sms_sender_number(sender)
    command = lw.sms_command(text)
    help_ = command is not None and command.kind is lw.SmsCommandKind.HELP
    if number is None:
        raise HubError(404, "unknown_number", NO_ALARM if help_ else NO_VISIT)
    try:
        with Session(engine) as session, session.begin():
            lock_writes(session)
            now = clock()
            if receipt is not None:
                _remember(session, receipt, now, keep)
            targets = sms_targets(session, number)
            if not targets.alarm:
                raise HubError(404, "unknown_number", NO_ALARM if help_ else NO_VISIT)
            if command is None:
                raise HubError(422, "not_a_command", lw.SMS_USAGE)
            if command.kind is lw.SmsCommandKind.HELP:
                chosen = targets.alarm
            elif len(targets.check_in) == 1:
                chosen = targets.check_in
            else:
                log.warning("lone working: SMS %s refused: number linked to %d open visits",
                            command.kind.value, len(targets.alarm))
                raise HubError(409, "ambiguous_number", AMBIGUOUS)
            if len(chosen) > 1:
                log.warning("lone working: SMS HELP alarms all %d open visits linked to "
                            "its number", len(chosen))
            deadline: datetime | None = None
            for watch in chosen:
                deadline = _apply_one(session, watch, command, targets.policy, now,
                                      len(chosen))
            visit_ids = [watch.visit_id for watch in chosen]
            due = f" Next check-in due by {deadline:%H:%M} UTC." if deadline is not None else ""
            if command.kind is lw.SmsCommandKind.HELP:
                # "your team" only if the number is this one visit's worker's
                identified = [w.visit_id for w in targets.check_in] == visit_ids
                words = (NOBODY_TO_ALERT if _nobody_to_alert(session, targets.policy, chosen)
                         else _alarm_reply(len(visit_ids), identified))
                reply = SmsReply(status="alarm_raised", visit_ids=visit_ids,
                                 visit_id=visit_ids[0] if len(visit_ids) == 1 else None,
                                 reply=words)
            elif command.kind is lw.SmsCommandKind.EXTEND:
                reply = SmsReply(status="extended", visit_id=visit_ids[0], visit_ids=visit_ids,
                                 reply=f"Visit extended by {command.minutes} minutes.{due}")
            else:
                reply = SmsReply(status="checked_in", visit_id=visit_ids[0],
                                 visit_ids=visit_ids, reply=f"Checked in, thank you.{due}")
            if receipt is not None:
                stored = session.get(LoneWorkingSmsReceipt, receipt)
                assert stored is not None
                stored.reply = reply.reply
    except _Repeat:
        return _already_received(engine, receipt or "")
    return reply


def _already_received(engine: Engine, digest: str) -> SmsReply:
    """The answer to a message applied before: 200, nothing changed, the first reply."""
    log.info("lone working: repeated SMS not applied again")
    with Session(engine) as session:
        first = session.scalar(select(LoneWorkingSmsReceipt.reply)
                               .where(LoneWorkingSmsReceipt.digest == digest))
    return SmsReply(status="already_received", visit_id=None, visit_ids=[],
                    reply=f"Already received, not recorded again. {first or ''}".rstrip())


def sms_receipt(message: SmsInbound, timestamp: int, body: bytes) -> tuple[str, timedelta]:
    """The digest that names a message for replay refusal, and how long to remember it: the
    gateway's message id if it sends one, else the signed content (timestamp and body, so a
    replay is caught however its headers are written)."""
    if message.message_id is not None:
        named = b"sms-message-id\0" + message.message_id.encode("utf-8")
        return hashlib.sha256(named).hexdigest(), SMS_MESSAGE_ID_MEMORY
    signed = b"sms-signed\0" + f"{timestamp}.".encode("ascii") + body
    return hashlib.sha256(signed).hexdigest(), SMS_REPLAY_WINDOW


router = APIRouter(prefix=f"{API_PREFIX}/lone-working", tags=["lone working"])

_SMS_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing, stale or wrong signature."},
    404: {"model": ErrorBody, "description": "No open visit for this number."},
    409: {"model": ErrorBody,
          "description": "SAFE or EXTEND from a number that does not identify one open visit."},
    422: {"model": ErrorBody, "description": "Not SAFE, EXTEND <minutes> or HELP."},
}


@router.post(
    "/sms", response_model=SmsReply, responses=_SMS_ERRORS,
    summary="A worker's text message: SAFE, EXTEND 30 or HELP",
    description=(
        "For the SMS gateway. The body is JSON `{\"from\": number, \"text\": message, "
        "\"message_id\": optional gateway id}`, signed like the hub's outbound webhooks: "
        "`X-Spoke-Timestamp` (Unix seconds, within 5 minutes) and `X-Spoke-Signature: "
        "sha256=<hex HMAC-SHA256 of \"<timestamp>.\" + body>` under the SMS secret. SAFE "
        "checks in, EXTEND N extends the visit by N minutes, HELP raises a panic alarm, on "
        "the sender's open visit; HELP from a number linked to several open visits alarms "
        "them all. Text back `reply` (or a refusal's `message`). A message applied before "
        "(same `message_id` within 24 hours, or the same signed request) gets 200 "
        "`already_received` with the first reply and changes nothing: a gateway retrying "
        "after a timeout can stop. Refusals (401 bad signature, 404 unknown number, 409 "
        "SAFE/EXTEND from a number that does not identify one open visit, 422 not a "
        "command) change nothing."
    ),
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/SmsInbound"}}}}},
)
async def sms_inbound(
    request: Request,
    x_spoke_timestamp: Annotated[str | None, Header(alias=TIMESTAMP_HEADER)] = None,
    x_spoke_signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER)] = None,
) -> SmsReply:
    """Apply a signed inbound text message (see the description)."""
    body = await request.body()
    clock: Clock = request.app.state.clock
    secret = LoneWorkingSecrets.from_env().sms_secret
    headers = {TIMESTAMP_HEADER: x_spoke_timestamp or "",
               SIGNATURE_HEADER: x_spoke_signature or ""}
    refused = HubError(401, "bad_signature", "The request is not signed by the SMS gateway.")
    if not verify_signature(secret, headers, body, clock().timestamp()):
        log.warning("lone working: SMS webhook refused (bad or missing signature)")
        raise refused
    try:
        timestamp = int(x_spoke_timestamp or "")
    except ValueError:
        raise refused from None
    try:
        message = SmsInbound.model_validate_json(body)
    except PydanticValidationError:
        raise HubError(422, "invalid_request",
                       "The body must be JSON with from and text.") from None
    receipt, keep = sms_receipt(message, timestamp, body)
    engine: Engine = request.app.state.engine
    return await run_in_threadpool(apply_sms, engine, clock, message.sender, message.text,
                                   receipt=receipt, keep=keep)
