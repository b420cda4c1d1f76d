"""One push applied in an open transaction (docs/sync.md, "Push"): the batch is validated,
scoped, deduplicated and chained, or refused whole and nothing is stored. The response is
built only after commit by the caller, so it is the device's durable acknowledgement.

:class:`PushTransaction` applies each new change by kind (events in bulk through the one
write routine, :class:`spokeapp.hub.push.rows.RowWriter`; headers merged field by field,
conflicts opened and resolved); :func:`push` makes the checks of
:mod:`spokeapp.hub.push.checks` and runs it. The group commit (:mod:`spokeapp.hub.push.group`)
sends every push that is not its common case here, in a savepoint of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.conflicts import keep_units, obeys_rules, tied_group, unit_of, within_rules
from spokeapp.domain.ids import new_id
from spokeapp.hub import approvals, lone_working
from spokeapp.hub.admin import reassign_case
from spokeapp.hub.devices import Caller
from spokeapp.hub.errors import HubError, out_of_scope
from spokeapp.hub.ledger import META_EPOCH, among, audit, lock_writes, meta, next_seq
from spokeapp.hub.models import Device, HubCase, HubChange, HubRecord, User
from spokeapp.hub.push.checks import (
    CheckedChange,
    PreparedPush,
    check_case,
    check_device,
    check_epoch,
    check_follows_chain,
    check_not_disposed,
    is_plain_event,
    normalise,
    prepare_push,
)
from spokeapp.hub.push.merge import changed_since_base, merge_fields
from spokeapp.hub.push.rows import (
    FINAL,
    HEADER,
    Outcome,
    RowWriter,
    attachment_sha256_of,
    change_row,
    event_row,
)
from spokeapp.hub.scope import Actor, can_hold_case, can_see_case, can_see_uncased
from spokeapp.hub.security import Clock, iso
from spokeapp.hub.supervision import check_targets
from spokeapp.sync.protocol import (
    ATTACHMENT_KIND,
    CONFLICT_KIND,
    HEADER_KINDS,
    ChangeResult,
    ConflictPayload,
    PushRequest,
    PushResponse,
)

log = logging.getLogger(__name__)

#: Fields of a conflict record a person may change: marking it resolved.
CONFLICT_RESOLUTION_FIELDS = frozenset({"resolved", "resolved_by", "resolved_at", "resolution"})


def _kept_on_referral(body: object, referral_id: str) -> bool:
    """Whether an attachment record's body is a document kept on this referral."""
    return isinstance(body, dict) and body.get("attached_kind") == "referral" \
        and body.get("attached_to") == referral_id


class PushTransaction:
    """Applies one checked batch inside an open transaction holding the write lock."""

    def __init__(self, session: Session, caller: Caller, clock: Clock) -> None:
        self.session = session
        self.actor: Actor = caller.actor
        self.device_id = caller.device.id
        self.now = iso(clock())
        self.clock = clock
        #: New events (and the batch's change rows) waiting for one bulk INSERT each.
        self.rows = RowWriter(session)
        self._existing: set[str] = set()
        self._seen: set[str] = set()
        #: Cases loaded for this batch (the session's identity map holds objects weakly).
        self._cases: dict[str, HubCase] = {}
        #: Case ids :meth:`prefetch` looked up (those not in ``_cases`` are not on the hub).
        self._looked_up: set[str] = set()
        #: New young people and referrals of this batch waiting in ``rows``, by record id,
        #: and this batch's new uncased documents waiting there (row, body): a case opened
        #: later in the batch links them before they are written (:meth:`_queue_new_case`).
        self._queued_people: dict[str, dict[str, Any]] = {}
        self._queued_documents: list[tuple[dict[str, Any], dict[str, Any]]] = []
        #: Uncased referral documents stored before this batch (found once, when needed).
        self._stored_documents: list[HubRecord] | None = None

    # -- the bulk path (docs/sync.md, "Speed"): new finalised events, the common case
    def prefetch(self, checked: Sequence[CheckedChange]) -> None:
        """Load, in two queries, every hub record and case the batch touches (the identity
        map then answers the per-change lookups without SQL)."""
        record_ids = list({item.change.record_id for item in checked})
        case_ids = list({item.case_id for item in checked if item.case_id is not None})
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start:start + 500]
            self._existing.update(
                r.record_id
                for r in self.session.scalars(select(HubRecord).where(
                    among(self.session, HubRecord.record_id, chunk)))
            )
        for start in range(0, len(case_ids), 500):
            for case in self.session.scalars(
                select(HubCase).where(
                    among(self.session, HubCase.case_id, case_ids[start:start + 500]))
            ):
                self._cases[case.case_id] = case
        self._looked_up.update(case_ids)

    def _bulk_candidate(self, checked: CheckedChange) -> bool:
        change = checked.change
        return (
            is_plain_event(change)
            and change.record_id not in self._existing
            and change.record_id not in self._seen
        )

    def apply_or_queue(self, checked: CheckedChange) -> Outcome:
        """Apply one new change; a new event, and a new header in the common shape (see
        :meth:`_queue_new_header`), is queued for :meth:`flush_queued` (its seq is filled in
        then). Anything else flushes the queue first, so seq order is batch order."""
        change = checked.change
        record_id = change.record_id
        if self._bulk_candidate(checked):
            if checked.case_id is not None:
                self._case(checked.case_id)
            self._seen.add(record_id)
            outcome = Outcome("accepted", 0)
            row = event_row(record_id, change.kind, checked.case_id, checked.body,
                            self.actor.user_id, self.device_id, self.now)
            self.rows.add_record(row, outcome)
            if change.kind == ATTACHMENT_KIND and checked.case_id is None:
                self._queued_documents.append((row, checked.body))
            return outcome
        if change.kind in HEADER_KINDS and record_id not in self._existing \
                and record_id not in self._seen:
            queued = self._queue_new_header(checked)
            if queued is not None:
                self._seen.add(record_id)
                return queued
        self.flush_queued()
        self._seen.add(record_id)
        return self.apply(checked)

    def _queue_new_header(self, checked: CheckedChange) -> Outcome | None:
        """The first version of a header, queued with the batch's events instead of stored on
        its own (a statement and a counter UPDATE each cost ~1 ms a header; a worker opening a
        case pushes three). The same rules and the same stored rows as :meth:`apply`, but for
        where a case's young person and referral get their new case: here they are still
        waiting in the queue, so they are written with it and keep their own place in seq
        order (apply gives them a new seq after the case's). None: take :meth:`apply`'s path
        (a case whose young person, referral or referral document was stored before this
        batch: linking those gives them new seqs, which must follow the queue's)."""
        change = checked.change
        record_id, kind = change.record_id, change.kind
        if kind != "case":  # a young person or referral: stored uncased, as apply() does
            outcome = Outcome("accepted", 0)
            row = event_row(record_id, kind, None, checked.body, self.actor.user_id,
                            self.device_id, self.now, HEADER)
            self.rows.add_record(row, outcome)
            self._queued_people[record_id] = row
            return outcome
        return self._queue_new_case(checked)

    def _queue_new_case(self, checked: CheckedChange) -> Outcome | None:
        case_id, body = checked.change.record_id, checked.body
        linked = [body.get(key) for key in ("young_person_id", "referral_id")]
        rows = [self._queued_people.get(value) for value in linked if isinstance(value, str)]
        queued = [row for row in rows if row is not None]
        if len(queued) != len(rows):
            return None  # a person or referral already stored: apply() links it
        referrals = [row["record_id"] for row in queued
                     if row["kind"] == "referral" and row["case_id"] is None]
        if referrals and any(self._stored_document_of(ref) for ref in referrals):
            return None
        hub_case = self._cases.get(case_id)
        if hub_case is None and case_id not in self._looked_up:
            hub_case = self.session.get(HubCase, case_id)
        key_worker = self._key_worker_of_new_case(body)
        if hub_case is None:
            hub_case = HubCase(case_id=case_id, key_worker=key_worker.id, team=key_worker.team,
                               restricted=False)
            self.session.add(hub_case)
            self.session.flush()
        self._cases[case_id] = hub_case
        outcome = Outcome("accepted", 0)
        self.rows.add_record(
            event_row(case_id, "case", case_id, body, self.actor.user_id, self.device_id,
                      self.now, HEADER),
            outcome,
        )
        for row in queued:  # as _link_people, for records not written yet
            if row["case_id"] is not None:  # filed under an earlier case of this batch
                continue
            if not can_see_uncased(self.actor, self.session.get(User, row["author_user"])):
                continue
            row["case_id"] = case_id
            if row["kind"] == "referral":
                for document, document_body in self._queued_documents:
                    if document["case_id"] is None \
                            and _kept_on_referral(document_body, row["record_id"]):
                        document["case_id"] = case_id
        return outcome

    def _stored_document_of(self, referral_id: str) -> bool:
        """Whether a document stored before this batch, uncased, by this person, is attached
        to this referral (what :meth:`_link_referral_documents` would link)."""
        if self._stored_documents is None:
            self._stored_documents = list(self.session.scalars(
                select(HubRecord).where(
                    HubRecord.case_id.is_(None), HubRecord.author_user == self.actor.user_id,
                    HubRecord.kind == ATTACHMENT_KIND,
                )
            ))
        return any(_kept_on_referral(document.body, referral_id)
                   for document in self._stored_documents)

    def flush_queued(self) -> None:
        """Give the queued events consecutive seqs (one counter UPDATE) and insert them, with
        the change rows queued so far, in one bulk insert per table."""
        self.rows.write()
        # Written now: a case later in the batch links them the per-change way (apply()).
        self._queued_people.clear()
        self._queued_documents.clear()
        self._stored_documents = None

    # -- scope helpers
    def _case(self, case_id: str) -> HubCase:
        case = self._cases.get(case_id) or self.session.get(HubCase, case_id)
        return check_case(self.actor, case, case_id)

    def _check_record_scope(self, record: HubRecord) -> None:
        """A record the hub holds under the id of a change: 403 ``out_of_scope`` unless the
        caller may see it (its case in their caseload; an uncased one by its author), with one
        message for every such record, naming only the id the caller sent. What it is (its
        kind, its case, whether that case is restricted) is told only to those who may see
        it (docs/sync.md, "Scope (need-to-know)"). A restricted case the caller may see: 409
        ``case_restricted``."""
        if record.case_id is not None:
            case = self._cases.get(record.case_id) or self.session.get(HubCase, record.case_id)
            if case is not None and can_see_case(self.actor, case):
                check_case(self.actor, case, record.case_id)
                return
        elif can_see_uncased(self.actor, self.session.get(User, record.author_user)):
            return
        raise out_of_scope(f"Record {record.record_id} is not in your scope on the hub.")

    def _store(self, checked: CheckedChange, body: dict[str, Any], case_id: str | None,
               existing: HubRecord | None, state: str) -> int:
        seq = next_seq(self.session)
        if existing is None:
            self.session.add(
                HubRecord(
                    record_id=checked.change.record_id, kind=checked.change.kind,
                    case_id=case_id, state=state, body=body, author_user=self.actor.user_id,
                    device_id=self.device_id, seq=seq, hub_time=self.now,
                    attachment_sha256=attachment_sha256_of(checked.change.kind, body),
                )
            )
            self.session.flush()
        else:
            if existing.kind != CONFLICT_KIND:
                authors = dict(existing.field_authors or {})
                writes = dict(existing.field_writes or {})
                for name in set(existing.body) | set(body):
                    if existing.body.get(name) != body.get(name):
                        authors[name] = self.actor.user_id
                        writes[name] = {"seq": seq, "device": self.device_id}
                existing.field_authors = authors
                existing.field_writes = writes
            existing.body = body
            existing.seq = seq
            existing.hub_time = self.now
            existing.device_id = self.device_id
            existing.edited_by = self.actor.user_id
        return seq

    # -- per kind
    def apply(self, checked: CheckedChange) -> Outcome:
        """Apply one new change; raises HubError to refuse the whole batch."""
        change = checked.change
        if is_plain_event(change) and checked.case_id is not None:
            # The case the event names first: an event naming a case outside the caller's
            # caseload is answered the same whether or not its id is taken.
            self._case(checked.case_id)
        existing = self.session.get(HubRecord, change.record_id)
        if existing is not None:
            # Scope before anything else is said about it: a record the caller may not see
            # gets the one out-of-scope answer, whatever its kind (never "it is a session").
            self._check_record_scope(existing)
            if existing.kind != change.kind:
                raise HubError(
                    422, "kind_mismatch",
                    f"Record {change.record_id} is a {existing.kind} on the hub, "
                    f"not {change.kind}.",
                )
        if change.kind == CONFLICT_KIND:
            return self._resolve_conflict(checked, existing)
        if change.kind == "case":
            return self._apply_case(checked, existing)
        if change.kind in HEADER_KINDS:
            if existing is None:
                return Outcome("accepted", self._store(checked, checked.body, None, None, HEADER))
            return self._merge_header(checked, existing, existing.case_id)
        # events
        if existing is not None:
            if existing.body == checked.body:
                return Outcome("duplicate", existing.seq)
            raise HubError(
                409, "record_final",
                f"Record {change.record_id} was finalised already and cannot change; "
                "write an amendment instead.",
            )
        seq = self._store(checked, checked.body, checked.case_id, None, FINAL)
        return Outcome("accepted", seq)

    def _apply_case(self, checked: CheckedChange, existing: HubRecord | None) -> Outcome:
        case_id = checked.change.record_id
        hub_case = self.session.get(HubCase, case_id)
        if existing is None or hub_case is None:
            key_worker = self._key_worker_of_new_case(checked.body)
            if hub_case is None:
                self.session.add(
                    HubCase(case_id=case_id, key_worker=key_worker.id, team=key_worker.team)
                )
                self.session.flush()
            seq = self._store(checked, checked.body, case_id, None, HEADER)
            outcome = Outcome("accepted", seq)
        else:
            self._case(case_id)
            outcome = self._merge_header(checked, existing, case_id)
            merged_worker = str(existing.body["key_worker"])
            if merged_worker != hub_case.key_worker:
                new_worker = self.session.get(User, merged_worker)
                if self.actor.role != "supervisor" or new_worker is None or not can_hold_case(
                    self.actor, new_worker
                ):
                    raise out_of_scope(
                        "Only a supervisor can hand a case to another worker in their team."
                    )
                reassign_case(self.session, case_id, new_worker.id, self.actor.user_id,
                              self.clock)
                outcome.seq = existing.seq
        self._link_people(checked.body, case_id)
        return outcome

    def _key_worker_of_new_case(self, body: dict[str, Any]) -> User:
        """The key worker a new case names, if the caller may give it to them."""
        key_worker = self.session.get(User, str(body["key_worker"]))
        if key_worker is None or not can_hold_case(self.actor, key_worker):
            raise out_of_scope(
                "You may only open a case held by yourself (or, as a supervisor, by "
                "someone in your team)."
            )
        return key_worker

    def _link_people(self, case_body: dict[str, Any], case_id: str) -> None:
        """Attach the case's young person and referral to it, so they follow the case."""
        for key in ("young_person_id", "referral_id"):
            record_id = case_body.get(key)
            if not isinstance(record_id, str):
                continue
            record = self.session.get(HubRecord, record_id)
            if record is None or record.case_id is not None:
                continue
            if record.kind not in ("young_person", "referral"):
                continue
            if not can_see_uncased(self.actor, self.session.get(User, record.author_user)):
                continue
            record.case_id = case_id
            record.seq = next_seq(self.session)
            record.hub_time = self.now
            if record.kind == "referral":
                self._link_referral_documents(record, case_id)

    def _link_referral_documents(self, referral: HubRecord, case_id: str) -> None:
        """Documents added to the referral before its case existed (no case of their own,
        docs/attachments.md) follow the case from now on, as the referral does: whoever holds
        the case gets its referral letter. Found among the uncased records of the referral's
        author and of the worker opening the case (the index of uncased records by author)."""
        authors = {referral.author_user, self.actor.user_id}
        documents = self.session.scalars(
            select(HubRecord).where(
                HubRecord.case_id.is_(None), HubRecord.author_user.in_(authors),
                HubRecord.kind == ATTACHMENT_KIND,
            )
        ).all()
        for document in documents:
            if not _kept_on_referral(document.body, referral.record_id):
                continue
            if not can_see_uncased(self.actor, self.session.get(User, document.author_user)):
                continue
            document.case_id = case_id
            document.seq = next_seq(self.session)
            document.hub_time = self.now

    def _merge_header(self, checked: CheckedChange, existing: HubRecord,
                      case_id: str | None) -> Outcome:
        """Merge a header edit into the hub's version (docs/sync.md, "Headers and
        conflicts"); every field the device changed that the stored result does not hold is
        named by a conflict, whatever the reason (a clash, or a record rule)."""
        change, kind = checked.change, checked.change.kind
        hub_body = dict(existing.body)
        base = (normalise(kind, change.base) if change.base is not None else None) or {}
        hub_changed = changed_since_base(base, hub_body, existing.field_writes,
                                         change.base_seq, self.device_id)
        if (
            change.base_seq is not None
            and change.base_seq == existing.seq
            and change.base is not None
            and base == hub_body
        ):
            # Only when the device provably edited exactly what the hub holds is its version
            # taken whole; a matching seq alone is not proof (the device may have noted its own
            # pushed body as the base, while the hub had merged others' edits into it).
            merged = dict(checked.body)
        else:
            merged, _clashes = merge_fields(base, hub_body, checked.body, hub_changed)
            # Fields that mean one thing together are never mixed from the two versions.
            merged = keep_units(kind, base, hub_body, checked.body, merged, hub_changed)
            # A group of fields tied by a rule that the merge broke keeps the hub's values.
            merged = within_rules(kind, hub_body, merged)
        if merged != hub_body and not obeys_rules(kind, merged):
            merged = dict(hub_body)  # never store a version that breaks the rules
        # What the device changed (from its base; a field of a merge unit the device changed
        # counts whole) and the stored result does not hold.
        changed = {name for name in set(hub_body) | set(checked.body) | set(base)
                   if checked.body.get(name) != base.get(name)}
        unapplied = [
            name for name in sorted(set(hub_body) | set(checked.body))
            if merged.get(name) != checked.body.get(name)
            and (name in changed or not changed.isdisjoint(unit_of(kind, name)))
        ]
        authors = {name: (existing.field_authors or {}).get(name, existing.author_user)
                   for name in unapplied}
        scope_author, hub_seq = existing.author_user, existing.seq
        seq = existing.seq
        if merged != hub_body:
            seq = self._store(checked, merged, case_id, existing, HEADER)
        conflict_ids = [
            self._open_conflict(checked, name, hub_body, authors[name], hub_seq, case_id,
                                scope_author)
            for name in unapplied
        ]
        return Outcome("conflict" if conflict_ids else "accepted", seq, conflict_ids)

    def _open_conflict(self, checked: CheckedChange, name: str, hub_body: dict[str, Any],
                       hub_author: str, hub_seq: int, case_id: str | None,
                       scope_author: str) -> str:
        """One conflict record: ``hub_author`` wrote the kept value; ``scope_author`` is the
        header's first author (an uncased conflict is scoped like the header)."""
        change = checked.change
        conflict_id = new_id()
        body = ConflictPayload(
            id=conflict_id, record_id=change.record_id, record_kind=change.kind,
            case_id=case_id, field=name, hub_value=hub_body.get(name),
            device_value=checked.body.get(name), hub_author=hub_author,
            device_author=self.actor.user_id, hub_seq=hub_seq, change_id=change.id,
            device_local_time=change.local_time, opened_at=self.now,
            device_tied={field: checked.body.get(field)
                         for field in sorted(tied_group(change.kind, name))},
        ).model_dump(mode="json")
        self.session.add(
            HubRecord(
                record_id=conflict_id, kind=CONFLICT_KIND, case_id=case_id, state=HEADER,
                body=body, author_user=scope_author if case_id is None else self.actor.user_id,
                device_id=None, seq=next_seq(self.session), hub_time=self.now,
            )
        )
        self.session.flush()
        return conflict_id

    def _resolve_conflict(self, checked: CheckedChange, existing: HubRecord | None) -> Outcome:
        if existing is None:
            raise HubError(404, "unknown_conflict",
                           f"The hub has no conflict {checked.change.record_id}.")
        try:  # as the payload model reads it (a conflict stored before a field was added)
            stored = ConflictPayload.model_validate(existing.body).model_dump(mode="json")
        except PydanticValidationError:
            stored = existing.body
        changed = {k for k in set(stored) | set(checked.body)
                   if stored.get(k) != checked.body.get(k)}
        if not changed <= CONFLICT_RESOLUTION_FIELDS:
            raise HubError(422, "invalid_record",
                           "Only resolved, resolved_by, resolved_at and resolution of a "
                           "conflict may change.")
        if not changed:
            return Outcome("duplicate", existing.seq)
        return Outcome("accepted",
                        self._store(checked, checked.body, existing.case_id, existing, HEADER))


def push(session: Session, caller: Caller, request: PushRequest, clock: Clock,
         prepared: PreparedPush | None = None, *, epoch: str | None = None,
         locked: bool = False) -> PushResponse:
    """Accept a batch atomically, or refuse it whole with a HubError (nothing stored).

    ``prepared``: :func:`prepare_push` of this request, if already made (outside the
    transaction); made here otherwise. ``epoch`` and ``locked``: the hub's epoch as read
    in this transaction and whether it already holds the write lock (a group commit).
    """
    check_epoch(request, epoch if epoch is not None else meta(session, META_EPOCH))
    if prepared is None:
        prepared = prepare_push(caller, request)
    if prepared.error is not None:
        raise prepared.error
    heads, checked = prepared.heads, prepared.checked
    ids = [change.id for change in request.changes]

    if not locked:
        lock_writes(session)
    device = check_device(session.get(Device, caller.device.id, populate_existing=True))
    known = {
        row.change_id: row
        for row in session.scalars(
            select(HubChange).where(among(session, HubChange.change_id, ids))).all()
    }
    owners = _owners(session, {row.device_id for row in known.values()} - {device.id})
    for index, change in enumerate(request.changes):
        row = known.get(change.id)
        if row is None:
            continue
        # From this device, or from an earlier device of the same person (a laptop enrolled
        # again re-sends what it sent before: docs/sync.md, "Enrolling again"); either way at
        # the same place in the same history (the chain hash covers everything before it).
        mine = row.device_id == device.id or owners.get(row.device_id) == device.user_id
        if not mine or row.chain_hash != heads[index]:
            raise HubError(
                400, "chain_mismatch",
                f"Change {change.id} reached the hub before with different content or from "
                "another device.",
            )
    leading = 0
    while leading < len(ids) and ids[leading] in known:
        leading += 1
    if any(change_id in known for change_id in ids[leading:]):
        raise HubError(400, "chain_mismatch", "Changes the hub already has are out of order.")
    if leading and device.chain_head != heads[leading - 1] and device.chain_head in (
            request.chain.prev_head, *heads[:leading - 1]):
        # The known changes continue this device's own chain from where it stands: a laptop
        # enrolled again replaying, from genesis, what its earlier device sent. Its head moves
        # along them (for a device's own changes the head is never behind them).
        device.chain_head = heads[leading - 1]
    results: list[ChangeResult] = []
    if leading < len(ids):
        check_follows_chain(device, request.chain.prev_head if leading == 0
                            else heads[leading - 1])
    applier = PushTransaction(session, caller, clock)
    counts: dict[str, int] = {"accepted": 0, "duplicate": 0, "conflict": 0}
    fresh = [item for item in checked if item.change.id not in known]
    check_not_disposed(session, fresh, caller.actor)  # contract C3: 409 case_disposed
    applier.prefetch(fresh)
    outcomes: list[Outcome] = []
    accepted: list[CheckedChange] = []
    for index, item in enumerate(checked):
        row = known.get(item.change.id)
        if row is not None:
            outcome = Outcome("duplicate", row.seq)
        else:
            outcome = applier.apply_or_queue(item)
            applier.rows.add_change(
                change_row(item.change.id, device.id, item.change.record_id, heads[index],
                           outcome.status, applier.now),
                outcome,
            )
            if outcome.status == "accepted":
                accepted.append(item)
        outcomes.append(outcome)
    applier.flush_queued()
    # Lone working (issue 5): permissions, visit index, watch rows; one cheap call.
    watches = lone_working.on_safety_changes(session, caller.actor, checked, clock)
    # Supervision (issue 6): targets of comments, marks and sign-offs; hub-configured approvals.
    check_targets(session, caller.actor, checked)
    approvals.on_pushed(session, caller.actor, accepted, clock)
    for item, outcome in zip(checked, outcomes, strict=True):
        counts[outcome.status] += 1
        results.append(
            ChangeResult(id=item.change.id, status=outcome.status, seq=outcome.seq,
                         conflict_ids=outcome.conflict_ids, watch=watches.get(item.change.id))
        )
    if leading < len(ids):
        device.chain_head = request.chain.head
    device.last_seen_at = applier.now
    detail = " ".join(f"{k}={v}" for k, v in counts.items())
    audit(session, caller.actor.user_id, "push", device.id, detail)
    log.info("push from device %s: %s", device.id, detail)
    return PushResponse(results=results, chain_head=device.chain_head,
                        hub_epoch=request.hub_epoch)


def _owners(session: Session, device_ids: set[str]) -> dict[str, str]:
    """The person each of these devices belongs to."""
    if not device_ids:
        return {}
    rows = session.execute(
        select(Device.id, Device.user_id).where(among(session, Device.id, sorted(device_ids))))
    return {str(device_id): str(user_id) for device_id, user_id in rows}
