"""Group commit (docs/sync.md, "Speed"): the pushes waiting for the write lock written in
one transaction, a savepoint each; the common push (new finalised events on the device's
chain, in cases the caller holds) written together with the group's other such pushes.
A push that fails in its savepoint, refused or not, is rolled back and answered alone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session, SessionTransaction

from spokeapp.hub import approvals
from spokeapp.hub.devices import Caller
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import META_EPOCH, among, lock_writes, meta, stored_among
from spokeapp.hub.models import Device, DisposedRecord, HubCase, HubChange, HubRecord
from spokeapp.hub.push.checks import (
    CheckedChange,
    PreparedPush,
    epoch_matches,
    follows_chain,
    in_scope,
    may_push,
    takes_common_path,
)
from spokeapp.hub.push.rows import Outcome, RowWriter, change_row, event_row
from spokeapp.hub.push.transaction import push
from spokeapp.hub.scope import Actor
from spokeapp.hub.security import Clock, iso
from spokeapp.sync.protocol import ATTACHMENT_KIND, ChangeResult, PushRequest, PushResponse

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QueuedPush:
    """One push waiting for the write lock: who sent it, the batch, its lock-free checks."""

    caller: Caller
    request: PushRequest
    prepared: PreparedPush | None = None

    @property
    def size(self) -> int:
        return len(self.request.changes)


#: For a group commit's transaction on PostgreSQL: plan each statement for its actual
#: parameters. A prepared statement's generic plan, made while a table was small, looked up
#: a group's 1,000 change ids (``= ANY(array)``) by scanning the whole table, comparing each
#: row with every id: 37 -> 194 ms a lookup as the table grew, until autovacuum's ANALYZE.
_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")

#: What a push gets when it failed in its savepoint with anything but a HubError (a bug):
#: that push alone; the rest of its group is written and answered as usual.
INTERNAL_ERROR_MESSAGE = ("The hub hit an unexpected error; nothing of this push was stored. "
                          "It is sent again at the next sync.")


def _still_open(session: Session, group: SessionTransaction) -> bool:
    """True if the group's transaction is still the open one, and the database connection
    is still inside it, after a savepoint was rolled back. Where the database itself ended
    the transaction (SQLite does for some errors: a full disk, out of memory), going on would
    write the rest of the group outside it and lose what was answered before: the group must
    fail whole instead."""
    if session.get_transaction() is not group or not group.is_active:
        return False
    driver = session.connection().connection.driver_connection
    status = getattr(getattr(driver, "info", None), "transaction_status", None)
    if status is not None:  # psycopg: the server's own word (INERROR: aborted; IDLE: ended)
        return getattr(status, "name", None) == "INTRANS"
    return bool(getattr(driver, "in_transaction", False))  # sqlite3 (SQLCipher)


def push_group(session: Session, pushes: Sequence[QueuedPush], clock: Clock
               ) -> list[PushResponse | HubError]:
    """:func:`push_group_answers`, each accepted push's answer as a ``PushResponse``."""
    return [answer.response() if isinstance(answer, _FastPush) else answer
            for answer in _write_group(session, pushes, clock)]


def push_group_answers(session: Session, pushes: Sequence[QueuedPush], clock: Clock
                       ) -> list[bytes | HubError]:
    """The group written (:func:`_write_group`), each push answered by its response body
    (JSON) or the HubError that refused it. What the push queue sends: the common push's
    body is written straight from its results (:meth:`_FastPush.response_json`: the same
    bytes as ``model_dump_json``, without a model object per change)."""
    return [
        answer.response_json() if isinstance(answer, _FastPush)
        else answer if isinstance(answer, HubError)
        else answer.model_dump_json().encode("utf-8")
        for answer in _write_group(session, pushes, clock)
    ]


def _write_group(session: Session, pushes: Sequence[QueuedPush], clock: Clock
                 ) -> list[_FastPush | PushResponse | HubError]:
    """Group commit (docs/sync.md, "Speed"): several queued pushes in **one** transaction,
    each in its own SAVEPOINT, so a refused push stores nothing and does not touch the others.
    A push failing in its savepoint with anything else (a bug) is rolled back alike and
    answered ``500 internal_error`` alone (logged by type and device, nothing of its
    content); the others are written and answered as usual.

    ``session`` has no transaction open; this commits once at the end. The answers (a
    response, or the HubError that refused that push) may be sent only after this returns:
    they are then durable. An exception raised from here means nothing of the group was
    stored (also when the database ended the transaction under a failed savepoint).
    The write lock is taken once, before the first savepoint, so rolling one back never
    releases it (PostgreSQL releases locks taken inside a savepoint that is rolled back):
    sequence order stays commit order.
    """
    alone = len(pushes) == 1  # no savepoint needed: its refusal rolls back the whole group
    answers: list[_FastPush | PushResponse | HubError] = []
    try:
        with session.begin() as transaction:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(_CUSTOM_PLANS)
            lock_writes(session)
            epoch = meta(session, META_EPOCH)  # read once, under the lock
            group = _GroupWriter(session, pushes, clock)
            for item in pushes:
                fast = group.try_fast(item, epoch)
                if fast is not None:
                    answers.append(fast)
                    continue
                group.write()  # what the group holds so far, so this push sees it
                if alone:
                    answers.append(push(session, item.caller, item.request, clock,
                                        item.prepared, epoch=epoch, locked=True))
                    continue
                try:
                    with session.begin_nested():
                        answers.append(push(session, item.caller, item.request, clock,
                                            item.prepared, epoch=epoch, locked=True))
                except HubError as exc:  # only this push's savepoint was rolled back
                    if not _still_open(session, transaction):
                        raise
                    answers.append(exc)
                except Exception as exc:  # a bug: this push's savepoint was rolled back too
                    if not _still_open(session, transaction):
                        raise
                    # Never the message or a traceback: either may quote SQL parameters.
                    log.error("push from device %s failed unexpectedly (%s); answered 500 "
                              "alone, the rest of its group is written",
                              item.caller.device.id, type(exc).__name__)
                    answers.append(HubError(500, "internal_error", INTERNAL_ERROR_MESSAGE))
            group.write()
    except HubError as exc:
        if not alone:
            raise
        return [exc]  # the transaction was rolled back whole
    return answers


@dataclass
class _FastPush:
    """A push of new finalised events only, accepted by :class:`_GroupWriter` (its seqs are
    filled in when the group's rows are written)."""

    request: PushRequest
    outcomes: list[Outcome]

    def response(self) -> PushResponse:
        return PushResponse(
            results=[ChangeResult(id=change.id, status="accepted", seq=outcome.seq)
                     for change, outcome in zip(self.request.changes, self.outcomes,
                                                strict=True)],
            chain_head=self.request.chain.head, hub_epoch=self.request.hub_epoch,
        )

    def response_json(self) -> bytes:
        """:meth:`response`'s ``model_dump_json``, byte for byte, made with orjson from the
        results (the fields in their declared order; tests/integration/hub/
        test_group_commit.py compares the two): ~0.7 ms for 2,000 changes instead of ~3.5."""
        return orjson.dumps({
            "results": [
                {"id": change.id, "status": "accepted", "seq": outcome.seq,
                 "conflict_ids": [], "watch": None}
                for change, outcome in zip(self.request.changes, self.outcomes, strict=True)
            ],
            "chain_head": self.request.chain.head, "hub_epoch": self.request.hub_epoch,
        })


class _GroupWriter:
    """The common push of a group commit - new finalised events, on the device's chain, in
    cases the caller holds - checked against state loaded once for the whole group (a few
    ``IN (...)`` queries) and written with the group's other such pushes in one counter
    UPDATE and a handful of bulk inserts (:class:`RowWriter`, the write routine
    :func:`push` uses too).

    The rules are :func:`push`'s own (:mod:`spokeapp.hub.push.checks`), asked in the same
    transaction under the same lock. Anything else (a header, a conflict, a safety record, a
    change the hub has seen, anything :func:`push` would refuse) returns None from
    :meth:`try_fast` and goes through :func:`push` in its own savepoint, after :meth:`write`;
    from then on the group's state may be stale, so the rest of the group goes that way too.
    """

    def __init__(self, session: Session, pushes: Sequence[QueuedPush], clock: Clock) -> None:
        self.session = session
        self.now = iso(clock())
        self.stale = False
        self.rows = RowWriter(session)
        device_ids = list({item.caller.device.id for item in pushes})
        self.devices = {
            device.id: device for device in session.scalars(
                select(Device).where(among(session, Device.id, device_ids))
                .execution_options(populate_existing=True))
        }
        # Only the ids of pushes that passed their lock-free checks are looked up: a refused
        # push's ids may be anything (NUL, which PostgreSQL refuses), and its refusal must
        # not fail the group (push() answers it before any lookup).
        passed = [item for item in pushes
                  if item.prepared is not None and item.prepared.error is None]
        change_ids = [change.id for item in passed for change in item.request.changes]
        record_ids = list({change.record_id for item in passed
                           for change in item.request.changes})
        case_ids = list({checked.case_id for item in pushes if item.prepared is not None
                         for checked in item.prepared.checked if checked.case_id is not None})
        self.known: set[str] = set()
        self.existing: set[str] = set()
        self.cases: dict[str, HubCase] = {}
        self.slow_kinds = approvals.slow_kinds(session)  # supervision, kinds needing approval
        self.known.update(stored_among(session, HubChange.change_id, change_ids))
        self.existing.update(stored_among(session, HubRecord.record_id, record_ids))
        # Uncased records erased by a disposal (group work and training past the retention
        # rule) are not in ``existing``; the full path refuses one (check_not_disposed). A
        # group of cased changes (nearly all) asks nothing more.
        uncased = list({checked.change.record_id for item in passed
                        for checked in item.prepared.checked  # type: ignore[union-attr]
                        if checked.case_id is None})
        self.disposed = stored_among(session, DisposedRecord.record_id, uncased)
        for start in range(0, len(case_ids), 500):
            for case in session.scalars(select(HubCase).where(
                    among(session, HubCase.case_id, case_ids[start:start + 500]))):
                self.cases[case.case_id] = case

    def try_fast(self, item: QueuedPush, epoch: str) -> _FastPush | None:
        prepared, request = item.prepared, item.request
        if self.stale or prepared is None or prepared.error is not None \
                or not epoch_matches(request, epoch):
            self.stale = True
            return None
        device = self.devices.get(item.caller.device.id)
        actor = item.caller.actor
        # A record named twice in one push (a laptop squashes its changes, so only a faulty
        # or hostile one sends that) takes the full path, which answers the second
        # "duplicate": the bulk insert would break the record's key and fail the whole group,
        # every other laptop's push in it with a 500.
        records = {checked.change.record_id for checked in prepared.checked}
        if device is None or len(records) != len(prepared.checked) or not (
            may_push(device)
            and follows_chain(device, request.chain.prev_head)
            and all(self._fast_change(checked, actor) for checked in prepared.checked)
        ):
            self.stale = True
            return None
        outcomes = []
        for index, checked in enumerate(prepared.checked):
            change = checked.change
            outcome = Outcome("accepted", 0)
            outcomes.append(outcome)
            self.existing.add(change.record_id)
            self.known.add(change.id)
            self.rows.add_record(
                event_row(change.record_id, change.kind, checked.case_id, checked.body,
                          actor.user_id, device.id, self.now),
                outcome,
            )
            self.rows.add_change(
                change_row(change.id, device.id, change.record_id, prepared.heads[index],
                           "accepted", self.now),
                outcome,
            )
        device.chain_head = request.chain.head
        device.last_seen_at = self.now
        detail = f"accepted={len(outcomes)} duplicate=0 conflict=0"
        self.rows.add_audit({"at": self.now, "actor": actor.user_id, "action": "push",
                             "subject": device.id, "detail": detail})
        log.info("push from device %s: %s", device.id, detail)
        return _FastPush(request, outcomes)

    def _fast_change(self, checked: CheckedChange, actor: Actor) -> bool:
        change = checked.change
        if (
            not takes_common_path(change, self.slow_kinds)
            or change.id in self.known or change.record_id in self.existing
        ):
            return False
        if checked.case_id is None:
            # A document kept on a referral (no case) names it: the full path checks that the
            # referral was not disposed of (check_not_disposed) and files it with the
            # referral's case if it has one.
            return change.kind != ATTACHMENT_KIND and change.record_id not in self.disposed
        return in_scope(actor, self.cases.get(checked.case_id))

    def write(self) -> None:
        """Give the waiting rows their seqs (one counter UPDATE, in arrival order) and insert
        them; the devices' new chain heads go with the session's next flush."""
        if self.rows.has_records:
            self.rows.write()
        self.session.flush()
