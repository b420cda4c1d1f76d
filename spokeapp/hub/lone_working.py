"""Lone-working safety on the hub (issue 5; docs/architecture.md, "Lone-working safety on
the hub"): the escalation watch over every armed visit, the notifiers' outbox, SMS check-ins.

* **Push hook** (:func:`on_safety_changes`): called once by ``sync_service.push`` inside the
  push transaction. It enforces who may write what (escalation alerts and welfare debriefs
  are written by the hub only; an alert acknowledgement or alarm resolution only by a
  supervisor of the worker's team, never the worker; a debrief's completion only by a
  supervisor of the worker's team or the one it was given to, in their own name), indexes
  the visit's records, updates the watch row, marks completed debriefs done, and returns each
  safety change's :class:`VisitWatchAck` (the escalation start time after the whole batch;
  None once the visit is over).
* **The watch** (:class:`Watcher`): each tick claims the visits whose ``next_check_at`` has
  come (``UPDATE ... WHERE visit_id IN (SELECT ... FOR UPDATE SKIP LOCKED)`` on PostgreSQL:
  several hub processes share the work), then, holding the hub-wide write lock, re-reads each
  claimed visit's records and runs ``lone_working.due_actions``. Each action is stored as an
  ``EscalationAlert`` hub record (sequence number, changes feed, audit) and its notifications
  as outbox rows, in one transaction: because ``due_actions`` returns only what is not stored
  yet and the write lock serialises the hubs, every action happens exactly once, even with
  several processes, and a restarted hub resumes where it was (the state is the database).
* **Deliveries** (:meth:`Watcher.deliver`): outbox rows are claimed the same way and sent by
  email, signed webhook or SMS gateway; a failure is retried with backoff and never holds up
  the ladder (deliveries run in their own thread). Every send is recorded and audited.
* **SMS check-ins** (:data:`router`): ``POST /v1/lone-working/sms``, signed like the outbound
  webhooks.

Records of a duress cause are authored on the hub by a supervisor of the worker's team (not
by the worker), so the ordinary pull scope never brings them to the worker's own devices.
Logs and audit entries name ids, kinds and counts only.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, Protocol

from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from spokeapp.domain import lone_working as lw
from spokeapp.domain.errors import ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertAcknowledgement,
    CheckIn,
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
from spokeapp.hub.ledger import audit, lock_writes, next_seq, set_meta
from spokeapp.hub.models import (
    HubMeta,
    HubRecord,
    LoneWorkingContact,
    LoneWorkingDelivery,
    LoneWorkingRecord,
    LoneWorkingWatch,
    User,
)
from spokeapp.hub.notifiers import (
    EMAIL,
    SIGNATURE_HEADER,
    SMS,
    TIMESTAMP_HEADER,
    WEBHOOK,
    DeliveryError,
    NotifierSettings,
    Senders,
    compose,
    verify_signature,
)
from spokeapp.hub.scope import ADMIN, SUPERVISOR, Actor
from spokeapp.hub.security import Clock, iso, parse_iso, utc_now
from spokeapp.sync.protocol import API_PREFIX, SAFETY_KINDS, ErrorBody, VisitWatchAck

log = logging.getLogger(__name__)

POLICY_KEY = "lone_working_policy"
NOTIFIERS_KEY = "lone_working_notifiers"
PLAN_KIND = VisitPlan.KIND
ALERT_KIND = EscalationAlert.KIND
DEBRIEF_KIND = WelfareDebrief.KIND
DEBRIEF_DONE_KIND = WelfareDebriefDone.KIND
#: Written by the hub only: a device pushing one is refused (403, nothing stored).
HUB_AUTHORED_KINDS = frozenset({ALERT_KIND, DEBRIEF_KIND})
#: Pushed by a supervisor of the worker's team only (a coerced worker cannot stand down).
SUPERVISOR_KINDS = frozenset({AlertAcknowledgement.KIND, AlarmResolution.KIND})
#: Every kind the push hook looks at. ``sync_service``'s bulk path leaves these to ``push()``,
#: which calls the hook, so a debrief's completion is always checked here.
VISIT_KINDS = SAFETY_KINDS | HUB_AUTHORED_KINDS | {DEBRIEF_DONE_KIND}
#: A watched visit is looked at again at least this often (a safety net; cheap).
RECHECK = timedelta(minutes=15)
#: Visits claimed and evaluated per transaction.
CLAIM_BATCH = 100
DELIVERY_BATCH = 100
MAX_ATTEMPTS = 20  # about 75 minutes of retries (backoff 5 s doubling, at most 5 min)
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 300.0
PENDING, SENT, FAILED = "pending", "sent", "failed"


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
@dataclass
class VisitRecords:
    """Everything the hub holds about one visit, check-ins already clamped (``as_received``)."""

    plan: VisitPlan | None = None
    armed_at: datetime | None = None
    check_ins: list[CheckIn] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    alerts: list[EscalationAlert] = field(default_factory=list)
    acks: list[AlertAcknowledgement] = field(default_factory=list)
    resolutions: list[AlarmResolution] = field(default_factory=list)

    def add(self, record: Record, hub_time: datetime) -> None:
        """File one of the visit's records."""
        if isinstance(record, VisitPlan):
            self.plan, self.armed_at = record, hub_time
        elif isinstance(record, CheckIn):
            self.check_ins.append(lw.as_received(record, hub_time))
        elif isinstance(record, Alarm):
            self.alarms.append(record)
        elif isinstance(record, EscalationAlert):
            self.alerts.append(record)
        elif isinstance(record, AlertAcknowledgement):
            self.acks.append(record)
        elif isinstance(record, AlarmResolution):
            self.resolutions.append(record)

    def duress_causes(self) -> set[str]:
        """Ids of the duress alarms and duress check-ins (their alerts stay off her laptop)."""
        causes = {a.id for a in self.alarms if a.kind is AlarmKind.DURESS}
        causes.update(c.id for c in self.check_ins if c.kind is CheckInKind.DURESS)
        return causes

    def escalation_starts_at(self, policy: lw.EscalationPolicy) -> datetime | None:
        """When the first tier would be alerted if nothing more arrives (None: visit over)."""
        if self.plan is None:
            return None
        return lw.escalation_starts_at(self.plan, self.check_ins, policy,
                                       resolutions=self.resolutions)


def load_visits(session: Session, visit_ids: Iterable[str]) -> dict[str, VisitRecords]:
    """The records of each visit, read through the ``lw_visit_records`` index."""
    ids = list(dict.fromkeys(visit_ids))
    visits = {visit_id: VisitRecords() for visit_id in ids}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(LoneWorkingRecord.visit_id, HubRecord.kind, HubRecord.body, HubRecord.hub_time)
            .join(HubRecord, HubRecord.record_id == LoneWorkingRecord.record_id)
            .where(LoneWorkingRecord.visit_id.in_(ids[start:start + 500]))
        ).all()
        for visit_id, kind, body, hub_time in rows:
            try:
                record = record_from_dict(kind, body)
            except ValidationError:
                log.warning("lone working: unreadable %s record on visit %s", kind, visit_id)
                continue
            visits[visit_id].add(record, parse_iso(hub_time))
    return visits


def _store(session: Session, record: Record, visit_id: str, author: str,
           now: datetime) -> int:
    """Put a hub-authored record into the changes feed (call holding the write lock)."""
    seq = next_seq(session)
    session.add(HubRecord(
        record_id=record.id, kind=record.KIND, case_id=None,
        state="final" if record.EVENT else "header", body=record.to_dict(),
        author_user=author, device_id=None, seq=seq, hub_time=iso(now),
    ))
    session.add(LoneWorkingRecord(record_id=record.id, visit_id=visit_id, kind=record.KIND))
    return seq


def _quiet_author(session: Session, watch: LoneWorkingWatch) -> str:
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
    """What the hook reads of a checked change in ``sync_service``."""

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
    (the whole batch is refused, nothing stored) for a hub-authored kind, or an
    acknowledgement, resolution, check-in or alarm the actor may not write.
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
    for visit_id, records in load_visits(session, live).items():
        watch = live[visit_id]
        starts = records.escalation_starts_at(policy)
        watch.escalation_starts_at = iso(starts) if starts is not None else None
        watch.next_check_at = iso(now)  # the watcher looks at once (all-clear, alarm...)
        watch.updated_at = iso(now)
        acks[visit_id] = VisitWatchAck(visit_id=visit_id, escalation_starts_at=starts)
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
    """Where one notification goes."""

    channel: str
    address: str


def contacts_for(role: str, team: str | None,
                 contacts: Sequence[LoneWorkingContact]) -> list[LoneWorkingContact]:
    """The contacts registered for ``role``: hub-wide ones and those of ``team``."""
    return [c for c in contacts if c.role == role and (c.team is None or c.team == team)]


def targets_for(action: lw.Action, plan: VisitPlan, watch: LoneWorkingWatch,
                contacts: Sequence[LoneWorkingContact],
                settings: NotifierSettings) -> list[Target]:
    """Every notification an action makes: by email and SMS to each recipient's contacts
    (the plan's numbers for the worker and the buddy), and one per webhook (no reminders)."""
    phones: list[str] = []
    emails: list[str] = []
    for role in action.recipients:
        if role == "worker":
            phones.append(plan.mobile_number)
            emails += [c.email for c in contacts if c.user_id == watch.worker_user and c.email]
        elif role == "buddy":
            phones.append(plan.buddy_phone)
        else:
            for contact in contacts_for(role, watch.team, contacts):
                if contact.phone:
                    phones.append(contact.phone)
                if contact.email:
                    emails.append(contact.email)
    found: dict[Target, None] = {}
    if settings.sms_url:
        for phone in phones:
            number = normalise_phone_number(phone)
            if number is not None:
                found[Target(SMS, number)] = None
    if settings.email is not None:
        for email in emails:
            found[Target(EMAIL, email)] = None
    if action.tier != lw.REMINDER_TIER:
        for hook in settings.webhooks:
            found[Target(WEBHOOK, hook.name)] = None
    return list(found)


def next_check(records: VisitRecords, now: datetime,
               policy: lw.EscalationPolicy) -> datetime | None:
    """When something may next be due for the visit (None: never again, unless a record
    arrives, which makes the push look at once)."""
    plan = records.plan
    if plan is None:
        return None
    deadline = lw.next_deadline(plan, records.check_ins, resolutions=records.resolutions)
    candidates: list[datetime] = []
    if deadline is not None:
        candidates += lw.reminder_times(plan, records.check_ins, policy,
                                        resolutions=records.resolutions)
        candidates += [deadline + timedelta(minutes=t.starts_after_minutes)
                       for t in policy.tiers]
    acked = {ack.alert_id for ack in records.acks}
    timeout = timedelta(minutes=policy.ack_timeout_minutes)
    candidates += [
        a.raised_at + timeout for a in records.alerts
        if a.id not in acked
        and a.tier not in (lw.REMINDER_TIER, lw.ALL_CLEAR_TIER, lw.EVERYONE_TIER)
    ]
    future = [c for c in candidates if c > now]
    state = lw.visit_state(plan, records.armed_at, records.check_ins, records.alarms,
                           records.alerts, records.acks, now, policy,
                           resolutions=records.resolutions)
    if not future:
        return None if state is lw.VisitState.ENDED else now + RECHECK
    return min(min(future), now + RECHECK)


def _holder() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Watcher:
    """The escalation watch of one hub process; :meth:`tick` runs one round (tests call it
    with a ManualClock), :class:`WatchService` runs it every second inside ``serve``."""

    def __init__(self, engine: Engine, clock: Clock = utc_now, *,
                 lease_seconds: float = 30.0,
                 secrets: Callable[[], LoneWorkingSecrets] = LoneWorkingSecrets.from_env,
                 holder: str | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.secrets = secrets
        self.holder = holder or _holder()
        self._claims = itertools.count(1)
        self.postgres = engine.dialect.name == "postgresql"

    def tick(self) -> tuple[int, int]:
        """One round: escalate what is due, then send what waits; (alerts, sent)."""
        return self.escalate(), self.deliver()

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
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(model).where(key.in_(wanted))
                .values(claimed_by=token, claimed_until=iso(now + self.lease))
                .execution_options(synchronize_session=False)
            )
        return token

    def escalate(self) -> int:
        """Claim due visits and carry out their due actions; returns the alerts stored."""
        stored = 0
        while True:
            token = self._claim(LoneWorkingWatch, self.clock(), CLAIM_BATCH)
            if token is None:
                return stored
            made, claimed = self._escalate_claimed(token)
            stored += made
            if claimed < CLAIM_BATCH:
                return stored

    def _escalate_claimed(self, token: str) -> tuple[int, int]:
        with Session(self.engine) as session, session.begin():
            lock_writes(session)
            now = self.clock()
            watches = list(session.scalars(
                select(LoneWorkingWatch).where(LoneWorkingWatch.claimed_by == token)
            ))
            if not watches:
                return 0, 0
            policy = load_policy(session)
            settings = load_notifier_settings(session)
            contacts = list(session.scalars(select(LoneWorkingContact)))
            visits = load_visits(session, [w.visit_id for w in watches])
            stored = 0
            for watch in watches:
                stored += self._escalate_visit(session, watch, visits[watch.visit_id], now,
                                               policy, settings, contacts)
                watch.claimed_by = None
                watch.claimed_until = None
        if stored:
            log.info("lone working: %d alerts stored", stored)
        return stored, len(watches)

    def _escalate_visit(self, session: Session, watch: LoneWorkingWatch,
                        records: VisitRecords, now: datetime, policy: lw.EscalationPolicy,
                        settings: NotifierSettings,
                        contacts: Sequence[LoneWorkingContact]) -> int:
        plan = records.plan
        if plan is None or records.armed_at is None:
            watch.next_check_at = None
            return 0
        actions = lw.due_actions(plan, records.armed_at, records.check_ins, records.alarms,
                                 records.alerts, records.acks, now, policy,
                                 resolutions=records.resolutions)
        quiet = records.duress_causes()
        quiet_author: str | None = None
        for action in actions:
            alert = lw.alert_for(action, id=new_id(), raised_at=now)
            if alert.cause_id is not None and alert.cause_id in quiet:
                quiet_author = quiet_author or _quiet_author(session, watch)
                author = quiet_author
            else:
                author = watch.worker_user
            _store(session, alert, plan.id, author, now)
            records.alerts.append(alert)
            targets = targets_for(action, plan, watch, contacts, settings)
            for target in targets:
                session.add(LoneWorkingDelivery(
                    id=new_id(), alert_id=alert.id, visit_id=plan.id, channel=target.channel,
                    target=target.address, status=PENDING, attempts=0,
                    next_attempt_at=iso(now), claimed_by=None, claimed_until=None,
                    created_at=iso(now), sent_at=None, last_error=None,
                ))
            audit(session, "hub", "lw_alert", alert.id,
                  f"visit={plan.id} tier={alert.tier} reason={alert.reason.value} "
                  f"notifications={len(targets)}")
        after = next_check(records, now, policy)
        watch.next_check_at = iso(after) if after is not None else None
        watch.updated_at = iso(now)
        return len(actions)

    # -- deliveries
    def deliver(self) -> int:
        """Claim due notifications and send them; returns how many were sent."""
        sent = 0
        senders: Senders | None = None
        try:
            while True:
                token = self._claim(LoneWorkingDelivery, self.clock(), DELIVERY_BATCH)
                if token is None:
                    return sent
                if senders is None:
                    senders = self._senders()
                made, claimed = self._deliver_claimed(token, senders)
                sent += made
                if claimed < DELIVERY_BATCH:
                    return sent
        finally:
            if senders is not None:
                senders.close()

    def _senders(self) -> Senders:
        with Session(self.engine) as session:
            settings = load_notifier_settings(session)
        secrets = self.secrets()
        return Senders(settings, smtp_password=secrets.smtp_password,
                       webhook_secret=secrets.webhook_secret, sms_secret=secrets.sms_secret)

    def _deliver_claimed(self, token: str, senders: Senders) -> tuple[int, int]:
        with Session(self.engine) as session:
            deliveries = session.execute(
                select(LoneWorkingDelivery.id, LoneWorkingDelivery.alert_id,
                       LoneWorkingDelivery.visit_id, LoneWorkingDelivery.channel,
                       LoneWorkingDelivery.target)
                .where(LoneWorkingDelivery.claimed_by == token)
                .order_by(LoneWorkingDelivery.created_at)
            ).all()
            alerts = {
                r.record_id: r.body for r in session.scalars(select(HubRecord).where(
                    HubRecord.record_id.in_({d.alert_id for d in deliveries})))
            }
            plans = {
                r.record_id: r.body for r in session.scalars(select(HubRecord).where(
                    HubRecord.record_id.in_({d.visit_id for d in deliveries})))
            }
            policy = load_policy(session)
        sent = 0
        names: dict[str, str] = {}
        for delivery in deliveries:
            error: str | None = None
            try:
                alert = record_from_dict(ALERT_KIND, alerts[delivery.alert_id])
                plan = record_from_dict(PLAN_KIND, plans[delivery.visit_id])
                assert isinstance(alert, EscalationAlert) and isinstance(plan, VisitPlan)
                if plan.worker not in names:
                    names[plan.worker] = self._worker_name(plan.worker)
                message = compose(alert, plan, names[plan.worker],
                                  welfare_call_decision=alert.tier in (
                                      policy.top.name, lw.EVERYONE_TIER))
                senders.send(delivery.channel, delivery.target, delivery.id, message)
            except DeliveryError as exc:
                error = exc.code
            except (KeyError, ValidationError):
                error = "unreadable_alert"
            self._record_delivery(delivery.id, token, error)
            sent += error is None
        return sent, len(deliveries)

    def _worker_name(self, worker: str) -> str:
        with Session(self.engine) as session:
            user = session.get(User, worker)
            return user.name if user is not None else "A lone worker"

    def _record_delivery(self, delivery_id: str, token: str, error: str | None) -> None:
        now = self.clock()
        with Session(self.engine) as session, session.begin():
            row = session.get(LoneWorkingDelivery, delivery_id)
            if row is None or row.claimed_by != token:
                return  # the lease ran out and another hub took it over
            row.attempts += 1
            row.claimed_by = None
            row.claimed_until = None
            detail = f"alert={row.alert_id} channel={row.channel} attempt={row.attempts}"
            if error is None:
                row.status = SENT
                row.sent_at = iso(now)
                row.last_error = None
                audit(session, "hub", "lw_notified", row.id, detail)
                return
            row.last_error = error
            if row.attempts >= MAX_ATTEMPTS:
                row.status = FAILED
                audit(session, "hub", "lw_notify_failed", row.id, f"{detail} error={error}")
                log.warning("lone working: delivery %s gave up (%s)", row.id, error)
                return
            wait = min(FIRST_RETRY_SECONDS * 2 ** (row.attempts - 1), MAX_RETRY_SECONDS)
            row.next_attempt_at = iso(now + timedelta(seconds=wait))
            log.warning("lone working: delivery %s failed (%s); retry in %.0f s",
                        row.id, error, wait)


class WatchService:
    """The watch and the deliveries, each in its own thread, every ``interval`` seconds."""

    def __init__(self, engine: Engine, clock: Clock = utc_now,
                 settings: WatchSettings | None = None) -> None:
        self.settings = settings or WatchSettings.from_env()
        self.watcher = Watcher(engine, clock, lease_seconds=self.settings.lease_seconds)
        self._stop = threading.Event()
        self._send_now = threading.Event()
        self._threads: list[threading.Thread] = []

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

    def _watch_loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.watcher.escalate():
                    self._send_now.set()
            except Exception as exc:  # the loop must outlive a database hiccup
                log.error("lone working watch failed: %s", type(exc).__name__)
            self._stop.wait(self.settings.interval_seconds)

    def _send_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.watcher.deliver()
            except Exception as exc:
                log.error("lone working deliveries failed: %s", type(exc).__name__)
            self._send_now.wait(self.settings.interval_seconds)
            self._send_now.clear()


def lifespan(engine: Engine, clock: Clock) -> Callable[[FastAPI],
                                                         AbstractAsyncContextManager[None]]:
    """The app's lifespan: runs the watch while the hub serves (``SPOKE_HUB_WATCH_SECONDS=0``
    turns it off in this process)."""

    @asynccontextmanager
    async def run(_app: FastAPI) -> AsyncIterator[None]:
        settings = WatchSettings.from_env()
        service = None
        if settings.interval_seconds > 0:
            service = WatchService(engine, clock, settings)
            service.start()
        try:
            yield
        finally:
            if service is not None:
                await asyncio.to_thread(service.stop)

    return run


# --------------------------------------------------------------------------- SMS check-ins
class SmsInbound(BaseModel):
    """A text message from the SMS gateway (provider-neutral)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    sender: str = Field(alias="from", min_length=3, max_length=32,
                        description="The sender's number, E.164 or UK national")
    text: str = Field(max_length=1600)


class SmsReply(BaseModel):
    """What the hub did, and the reply the gateway should text back."""

    status: Literal["checked_in", "extended", "alarm_raised"]
    visit_id: str
    reply: str


def find_open_visit(session: Session, number: str) -> LoneWorkingWatch | None:
    """The worker's current open visit for a registered number: the plan's mobile, or a
    contact number registered for the worker; the most recently armed wins."""
    users = select(LoneWorkingContact.user_id).where(
        LoneWorkingContact.phone == number, LoneWorkingContact.user_id.is_not(None)
    )
    return session.scalar(
        select(LoneWorkingWatch)
        .where(LoneWorkingWatch.escalation_starts_at.is_not(None),
               or_(LoneWorkingWatch.mobile == number,
                   LoneWorkingWatch.worker_user.in_(users)))
        .order_by(LoneWorkingWatch.armed_at.desc())
        .limit(1)
    )


def apply_sms(engine: Engine, clock: Clock, sender: str, text: str) -> SmsReply:
    """Record a worker's text as a check-in or alarm on her open visit (404: unknown number
    or no open visit; 422: not a command, with the usage as the message)."""
    number = normalise_phone_number(sender)
    with Session(engine) as session, session.begin():
        lock_writes(session)
        watch = find_open_visit(session, number) if number is not None else None
        if watch is None:
            raise HubError(404, "unknown_number",
                           "No open lone-working visit for this number.")
        command = lw.sms_command(text)
        if command is None:
            raise HubError(422, "not_a_command", lw.SMS_USAGE)
        now = clock()
        record = lw.check_in_from_sms(command, id=new_id(), visit_id=watch.visit_id, at=now)
        _store(session, record, watch.visit_id, watch.worker_user, now)
        audit(session, watch.worker_user, "lw_sms", record.id,
              f"visit={watch.visit_id} command={command.kind.value}")
        records = load_visits(session, [watch.visit_id])[watch.visit_id]
        starts = records.escalation_starts_at(load_policy(session))
        watch.escalation_starts_at = iso(starts) if starts is not None else None
        watch.next_check_at = iso(now)
        watch.updated_at = iso(now)
        deadline = (lw.next_deadline(records.plan, records.check_ins,
                                     resolutions=records.resolutions)
                    if records.plan is not None else None)
        visit_id = watch.visit_id
    due = f" Next check-in due by {deadline:%H:%M} UTC." if deadline is not None else ""
    if command.kind is lw.SmsCommandKind.HELP:
        return SmsReply(status="alarm_raised", visit_id=visit_id,
                        reply="Alarm raised. Your team is being alerted now.")
    if command.kind is lw.SmsCommandKind.EXTEND:
        return SmsReply(status="extended", visit_id=visit_id,
                        reply=f"Visit extended by {command.minutes} minutes.{due}")
    return SmsReply(status="checked_in", visit_id=visit_id,
                    reply=f"Checked in, thank you.{due}")


router = APIRouter(prefix=f"{API_PREFIX}/lone-working", tags=["lone working"])

_SMS_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing, stale or wrong signature."},
    404: {"model": ErrorBody, "description": "No open visit for this number."},
    422: {"model": ErrorBody, "description": "Not SAFE, EXTEND <minutes> or HELP."},
}


@router.post(
    "/sms", response_model=SmsReply, responses=_SMS_ERRORS,
    summary="A worker's text message: SAFE, EXTEND 30 or HELP",
    description=(
        "For the SMS gateway. The body is JSON `{\"from\": number, \"text\": message}`, signed "
        "like the hub's outbound webhooks: `X-Spoke-Timestamp` (Unix seconds, within 5 "
        "minutes) and `X-Spoke-Signature: sha256=<hex HMAC-SHA256 of \"<timestamp>.\" + "
        "body>` under the SMS secret. SAFE checks in, EXTEND N extends the visit by N "
        "minutes, HELP raises a panic alarm, on the sender's current open visit. Refusals "
        "(401 bad signature, 404 unknown number, 422 not a command) change nothing."
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
    if not verify_signature(secret, headers, body, clock().timestamp()):
        log.warning("lone working: SMS webhook refused (bad or missing signature)")
        raise HubError(401, "bad_signature", "The request is not signed by the SMS gateway.")
    try:
        message = SmsInbound.model_validate_json(body)
    except PydanticValidationError:
        raise HubError(422, "invalid_request",
                       "The body must be JSON with from and text.") from None
    engine: Engine = request.app.state.engine
    return await run_in_threadpool(apply_sms, engine, clock, message.sender, message.text)
