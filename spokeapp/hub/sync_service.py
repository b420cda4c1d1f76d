"""Push and pull (docs/sync.md): the hub side of "sync never loses a write" (decision 3).

A push is one transaction: every change is validated, scoped, deduplicated and chained, or
the whole batch is refused and nothing is stored. The response is built only after commit,
so it is the device's durable acknowledgement. A pull returns the latest version of every
record in the caller's scope (plus their purge tombstones) after a cursor, in seq order.

Logging names ids and counts only; record contents never reach a log or an error message.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import (
    BindParameter,
    Select,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.interfaces import Compiled
from sqlalchemy.orm import Session

from spokeapp.domain.conflicts import (
    keep_units,
    obeys_rules,
    tied_group,
    unit_of,
    within_rules,
)
from spokeapp.domain.errors import ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.json_text import json_text
from spokeapp.domain.records import RECORD_TYPES, record_from_dict
from spokeapp.hub import approvals, devices, lone_working
from spokeapp.hub.admin import reassign_case
from spokeapp.hub.devices import MAY_PUSH, Caller, CallerDevice
from spokeapp.hub.errors import HubError, out_of_scope, unauthorised
from spokeapp.hub.ledger import (
    COUNTER_ID,
    META_EPOCH,
    among,
    audit,
    lock_writes,
    meta,
    next_seq,
)
from spokeapp.hub.models import (
    Base,
    Device,
    HubCase,
    HubChange,
    HubCounter,
    HubMeta,
    HubRecord,
    HubTombstone,
    User,
)
from spokeapp.hub.scope import (
    ADMIN,
    Actor,
    can_hold_case,
    can_see_case,
    can_see_uncased,
    scope_params,
    visible_authors,
    visible_cases,
)
from spokeapp.hub.security import Clock, iso, signature_valid
from spokeapp.hub.supervision import check_supervision_kinds, check_targets
from spokeapp.sync.protocol import (
    CONFLICT_KIND,
    DEFAULT_PULL_LIMIT,
    HEADER_KINDS,
    MAX_PAYLOAD_BYTES,
    MAX_PULL_LIMIT,
    ChangeIn,
    ChangeResult,
    ChangeStatus,
    ConflictPayload,
    PushRequest,
    PushResponse,
    canonical_change,
    chain_heads,
    chain_message,
)

log = logging.getLogger(__name__)

HEADER = "header"
FINAL = "final"
#: The tables written with one executemany per batch (Core, no ORM objects).
_RECORDS_TABLE = Base.metadata.tables["hub_records"]
_CHANGES_TABLE = Base.metadata.tables["hub_changes"]
_AUDIT_TABLE = Base.metadata.tables["audit"]
_AUDIT_COLUMNS = ("at", "actor", "action", "subject", "detail")
#: Fields of a conflict record a person may change: marking it resolved.
CONFLICT_RESOLUTION_FIELDS = frozenset({"resolved", "resolved_by", "resolved_at", "resolution"})
_RECORD_COLUMNS = ("record_id", "kind", "case_id", "state", "body", "author_user", "device_id",
                   "hub_time", "seq")
_CHANGE_COLUMNS = ("change_id", "device_id", "record_id", "chain_hash", "seq", "status",
                   "accepted_at")
#: INSERT statements compiled once per dialect: (SQL text, positional parameter order or None).
_INSERTS: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {}


def _bulk_insert(session: Session, table: Table, columns: tuple[str, ...],
                 rows: list[dict[str, Any]]) -> None:
    """``rows`` straight to the driver, no per-row type processing (JSON columns must be given
    as JSON text already, made with ``json.dumps`` exactly as SQLAlchemy's JSON type would).

    On PostgreSQL one ``COPY ... FROM STDIN`` in the session's transaction: psycopg's
    executemany sent each row as a statement of its own (~15 µs of Python a row, 66 ms for a
    group commit of 200 ten-change pushes); COPY writes rows in C. Elsewhere one
    executemany, the statement compiled once."""
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"  # names from our schema
        ) as copy:
            for row in rows:
                copy.write_row(tuple(row[name] for name in columns))
        return
    key = (dialect.name, table.name)
    compiled_sql = _INSERTS.get(key)
    if compiled_sql is None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup \
            else None
        compiled_sql = (str(compiled), order)
        _INSERTS[key] = compiled_sql
    sql, order = compiled_sql
    if order is not None:
        connection.exec_driver_sql(sql, [tuple(row[name] for name in order) for row in rows])
    else:
        connection.exec_driver_sql(sql, rows)


# --------------------------------------------------------------------------- validation
@dataclass(frozen=True, slots=True)
class _Checked:
    """A change whose payload passed the record rules, with its normalised body."""

    change: ChangeIn
    body: dict[str, Any]
    case_id: str | None  # from the payload (events, cases); None for the rest


def _invalid(index: int, change: ChangeIn, problems: str) -> HubError:
    return HubError(
        422, "invalid_record", f"Change {index} ({change.kind} {change.record_id}): {problems}"
    )


def _normalise(kind: str, data: object) -> dict[str, Any] | None:
    """A record dict in the hub's stored form, or None if it does not parse."""
    try:
        return record_from_dict(kind, data).to_dict()
    except ValidationError:
        return None


def _payload_size(change: ChangeIn, canonical: bytes | None) -> int:
    """The payload's size as compact JSON (ASCII-escaped, as ``json.dumps`` writes it).

    When the change's canonical bytes are ASCII, the payload's compact JSON is part of them,
    so their length bounds the payload's: a change whose canonical bytes already fit skips
    the second serialisation (the exact answer matters only near the limit)."""
    if canonical is not None and len(canonical) <= MAX_PAYLOAD_BYTES and canonical.isascii():
        return len(canonical)
    return len(json.dumps(change.payload, separators=(",", ":")).encode("utf-8"))


def check_change(index: int, change: ChangeIn, canonical: bytes | None = None) -> _Checked:
    """Validate one change without touching the database (whole batch fails on any error).

    ``canonical``: the change's canonical bytes if already made (the chain check makes them).
    """
    size = _payload_size(change, canonical)
    if size > MAX_PAYLOAD_BYTES:
        raise HubError(
            413, "payload_too_large",
            f"Change {index} ({change.kind} {change.record_id}) is larger than "
            f"{MAX_PAYLOAD_BYTES} bytes.",
        )
    if change.kind == CONFLICT_KIND:
        try:
            conflict = ConflictPayload.model_validate(change.payload)
        except PydanticValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            raise _invalid(index, change, "bad conflict fields: " + ", ".join(fields)) from None
        if conflict.id != change.record_id:
            raise _invalid(index, change, "id: must equal the change's record_id")
        return _Checked(change=change, body=conflict.model_dump(mode="json"), case_id=None)
    try:
        record = record_from_dict(change.kind, change.payload)
        if change.op == "finalise" or not record.EVENT:
            record.validate()
    except ValidationError as exc:
        raise _invalid(index, change, "; ".join(str(p) for p in exc.problems)) from None
    if record.id != change.record_id:
        raise _invalid(index, change, "id: must equal the change's record_id")
    if record.EVENT and change.op != "finalise":
        raise _invalid(index, change, "op: events reach the hub only once finalised")
    return _Checked(change=change, body=record.to_dict(), case_id=record.case_id)


def check_chain(device: Device | CallerDevice, request: PushRequest,
                wires: list[bytes] | None = None) -> list[str]:
    """Verify the batch signature and recompute the chain; returns the head after each change.

    401 for a signature that is not the device's; 400 when the changes do not hash to the
    signed head (tampered, missing or re-ordered). ``wires``: the changes' canonical bytes,
    if already made (the same hash as ``chain_heads``).
    """
    proof = request.chain
    message = chain_message(device.id, proof.prev_head, proof.head)
    if not signature_valid(device.public_key, proof.signature, message):
        log.warning("push refused: bad chain signature from device %s", device.id)
        raise HubError(401, "bad_signature", "The batch signature is not this device's.")
    if wires is None:
        heads = chain_heads(proof.prev_head, list(request.changes))
    else:
        heads = []
        head = bytes.fromhex(proof.prev_head)
        sha256 = hashlib.sha256
        for wire in wires:
            head = sha256(head + wire).digest()
            heads.append(head.hex())
    if heads[-1] != proof.head:
        log.warning("push refused: chain mismatch from device %s", device.id)
        raise HubError(
            400, "chain_mismatch",
            "The changes do not match the signed chain head: the batch was altered in transit "
            "or on the device.",
        )
    return heads


# --------------------------------------------------------------------------- push
@dataclass
class _Outcome:
    status: ChangeStatus
    seq: int
    conflict_ids: list[str] = field(default_factory=list)


class PushTransaction:
    """Applies one checked batch inside an open transaction holding the write lock."""

    def __init__(self, session: Session, caller: Caller, clock: Clock) -> None:
        self.session = session
        self.actor: Actor = caller.actor
        self.device_id = caller.device.id
        self.now = iso(clock())
        self.clock = clock
        #: New events waiting for one bulk INSERT: (row without seq, its outcome).
        self._queued: list[tuple[dict[str, Any], _Outcome]] = []
        self._existing: set[str] = set()
        self._seen: set[str] = set()
        #: Cases loaded for this batch (the session's identity map holds objects weakly).
        self._cases: dict[str, HubCase] = {}

    # -- the bulk path (docs/sync.md, "Speed"): new finalised events, the common case
    def prefetch(self, checked: Sequence[_Checked]) -> None:
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

    def _bulk_candidate(self, checked: _Checked) -> bool:
        change = checked.change
        return (
            change.kind not in HEADER_KINDS
            and change.kind != CONFLICT_KIND
            and change.record_id not in self._existing
            and change.record_id not in self._seen
        )

    def apply_or_queue(self, checked: _Checked) -> _Outcome:
        """Apply one new change; a new event is queued for :meth:`flush_queued` (its seq is
        filled in then). Anything else flushes the queue first, so seq order is batch order."""
        record_id = checked.change.record_id
        if self._bulk_candidate(checked):
            if checked.case_id is not None:
                self._case(checked.case_id)
            self._seen.add(record_id)
            outcome = _Outcome("accepted", 0)
            self._queued.append((
                {
                    "record_id": record_id, "kind": checked.change.kind,
                    "case_id": checked.case_id, "state": FINAL, "body": checked.body,
                    "author_user": self.actor.user_id, "device_id": self.device_id,
                    "hub_time": self.now,
                },
                outcome,
            ))
            return outcome
        self.flush_queued()
        self._seen.add(record_id)
        return self.apply(checked)

    def flush_queued(self) -> None:
        """Give the queued events consecutive seqs (one counter UPDATE) and insert them with
        one executemany."""
        if not self._queued:
            return
        count = len(self._queued)
        last = int(
            self.session.execute(
                update(HubCounter)
                .where(HubCounter.id == COUNTER_ID)
                .values(value=HubCounter.value + count)
                .returning(HubCounter.value)
                .execution_options(synchronize_session=False)
            ).scalar_one()
        )
        rows = []
        dumps = json_text  # JSON text for the JSON column (parsed again, never hashed)
        for offset, (row, outcome) in enumerate(self._queued):
            outcome.seq = last - count + 1 + offset
            rows.append({**row, "body": dumps(row["body"]), "seq": outcome.seq})
        _bulk_insert(self.session, _RECORDS_TABLE, _RECORD_COLUMNS, rows)
        self._queued.clear()

    # -- scope helpers
    def _case(self, case_id: str) -> HubCase:
        case = self._cases.get(case_id) or self.session.get(HubCase, case_id)
        if case is None or not can_see_case(self.actor, case):
            raise out_of_scope(f"Case {case_id} is not in your caseload on the hub.")
        return case

    def _check_record_scope(self, record: HubRecord) -> None:
        if record.case_id is not None:
            self._case(record.case_id)
        elif not can_see_uncased(self.actor, self.session.get(User, record.author_user)):
            raise out_of_scope(f"Record {record.record_id} is not in your scope on the hub.")

    def _store(self, checked: _Checked, body: dict[str, Any], case_id: str | None,
               existing: HubRecord | None, state: str) -> int:
        seq = next_seq(self.session)
        if existing is None:
            self.session.add(
                HubRecord(
                    record_id=checked.change.record_id, kind=checked.change.kind,
                    case_id=case_id, state=state, body=body, author_user=self.actor.user_id,
                    device_id=self.device_id, seq=seq, hub_time=self.now,
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
    def apply(self, checked: _Checked) -> _Outcome:
        """Apply one new change; raises HubError to refuse the whole batch."""
        change = checked.change
        existing = self.session.get(HubRecord, change.record_id)
        if existing is not None and existing.kind != change.kind:
            raise HubError(
                422, "kind_mismatch",
                f"Record {change.record_id} is a {existing.kind} on the hub, not {change.kind}.",
            )
        if change.kind == CONFLICT_KIND:
            return self._resolve_conflict(checked, existing)
        if change.kind == "case":
            return self._apply_case(checked, existing)
        if change.kind in HEADER_KINDS:
            if existing is None:
                return _Outcome("accepted", self._store(checked, checked.body, None, None, HEADER))
            self._check_record_scope(existing)
            return self._merge_header(checked, existing, existing.case_id)
        # events
        if checked.case_id is not None:
            self._case(checked.case_id)
        if existing is not None:
            self._check_record_scope(existing)
            if existing.body == checked.body:
                return _Outcome("duplicate", existing.seq)
            raise HubError(
                409, "record_final",
                f"Record {change.record_id} was finalised already and cannot change; "
                "write an amendment instead.",
            )
        seq = self._store(checked, checked.body, checked.case_id, None, FINAL)
        return _Outcome("accepted", seq)

    def _apply_case(self, checked: _Checked, existing: HubRecord | None) -> _Outcome:
        case_id = checked.change.record_id
        hub_case = self.session.get(HubCase, case_id)
        if existing is None or hub_case is None:
            key_worker = self.session.get(User, str(checked.body["key_worker"]))
            if key_worker is None or not can_hold_case(self.actor, key_worker):
                raise out_of_scope(
                    "You may only open a case held by yourself (or, as a supervisor, by "
                    "someone in your team)."
                )
            if hub_case is None:
                self.session.add(
                    HubCase(case_id=case_id, key_worker=key_worker.id, team=key_worker.team)
                )
                self.session.flush()
            seq = self._store(checked, checked.body, case_id, None, HEADER)
            outcome = _Outcome("accepted", seq)
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

    def _merge_header(self, checked: _Checked, existing: HubRecord,
                      case_id: str | None) -> _Outcome:
        """Merge a header edit into the hub's version (docs/sync.md, "Headers and
        conflicts"); every field the device changed that the stored result does not hold is
        named by a conflict, whatever the reason (a clash, or a record rule)."""
        change, kind = checked.change, checked.change.kind
        hub_body = dict(existing.body)
        base = (_normalise(kind, change.base) if change.base is not None else None) or {}
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
        return _Outcome("conflict" if conflict_ids else "accepted", seq, conflict_ids)

    def _open_conflict(self, checked: _Checked, name: str, hub_body: dict[str, Any],
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

    def _resolve_conflict(self, checked: _Checked, existing: HubRecord | None) -> _Outcome:
        if existing is None:
            raise HubError(404, "unknown_conflict",
                           f"The hub has no conflict {checked.change.record_id}.")
        self._check_record_scope(existing)
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
            return _Outcome("duplicate", existing.seq)
        return _Outcome("accepted",
                        self._store(checked, checked.body, existing.case_id, existing, HEADER))


def changed_since_base(base: dict[str, Any], hub: dict[str, Any],
                       writes: dict[str, Any] | None, base_seq: int | None,
                       device_id: str) -> set[str]:
    """The fields the hub changed since the version a device edited (docs/sync.md, "Headers
    and conflicts"): the hub's value differs from ``base``'s, **or** the field was last
    written after ``base_seq`` by another device (a laptop's write, or the hub's own).

    The second catches a field put back to the base's value by someone the device never
    heard from (closed, then reopened): comparing values alone would let the device's edit
    overwrite it silently. A write by this device itself never counts: the engine keeps the
    ``base_seq`` of the version it last pulled across its own consecutive pushes, so its own
    earlier write is always "after" its base. ``writes`` is ``HubRecord.field_writes`` (None,
    or a field not named: no write recorded - the first version, or a write before migration
    0006 - and only the values are compared)."""
    changed = {name for name in set(base) | set(hub) if hub.get(name) != base.get(name)}
    since = -1 if base_seq is None else base_seq
    for name, write in (writes or {}).items():
        if not isinstance(write, dict):
            continue
        seq = write.get("seq")
        if isinstance(seq, int) and seq > since and write.get("device") != device_id:
            changed.add(name)
    return changed


def merge_fields(
    base: dict[str, Any], hub: dict[str, Any], device: dict[str, Any],
    hub_changed: Collection[str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of a header, field by field (docs/sync.md, "Headers and conflicts").

    A field only the device changed is taken; a field only the hub changed is kept; a field
    both changed to different values keeps the hub's value and is reported as a clash.
    ``hub_changed``: the fields the hub changed since ``base`` (:func:`changed_since_base`);
    by default those whose value differs from the base's.
    """
    merged = dict(hub)
    clashes: list[str] = []
    for name in sorted(set(base) | set(hub) | set(device)):
        was, ours, theirs = base.get(name), hub.get(name), device.get(name)
        if theirs in (was, ours):
            continue
        if (ours == was) if hub_changed is None else (name not in hub_changed):
            merged[name] = theirs
        else:
            clashes.append(name)
    return merged, clashes


@dataclass(frozen=True, slots=True)
class PreparedPush:
    """The checks of a push that need no database, made before its transaction (and before
    the write lock): chain heads and checked changes, or the refusal they led to."""

    heads: list[str]
    checked: list[_Checked]
    error: HubError | None = None


def prepare_push(caller: Caller, request: PushRequest) -> PreparedPush:
    """Everything about a push that needs no database (docs/sync.md, "Speed"): canonical
    bytes (made once, for the chain and the size check), signature, chain, record rules.

    A refusal is kept, not raised, so :func:`push` still reports a changed epoch first.
    """
    try:
        if caller.actor.role == ADMIN:
            raise out_of_scope("Administrators hold no case records.")
        ids = [change.id for change in request.changes]
        if len(set(ids)) != len(ids):
            raise HubError(422, "invalid_request", "A change id appears twice in the batch.")
        wires = [canonical_change(change) for change in request.changes]
        heads = check_chain(caller.device, request, wires)
        checked = [
            check_change(i, change, wire)
            for i, (change, wire) in enumerate(zip(request.changes, wires, strict=True))
        ]
        check_supervision_kinds(caller.actor, ((c.change.kind, c.change.record_id, c.body)
                                               for c in checked))
    except HubError as exc:
        return PreparedPush([], [], exc)
    return PreparedPush(heads, checked)


def push(session: Session, caller: Caller, request: PushRequest, clock: Clock,
         prepared: PreparedPush | None = None, *, epoch: str | None = None,
         locked: bool = False) -> PushResponse:
    """Accept a batch atomically, or refuse it whole with a HubError (nothing stored).

    ``prepared``: :func:`prepare_push` of this request, if already made (outside the
    transaction); made here otherwise. ``epoch`` and ``locked``: the hub's epoch as read
    in this transaction and whether it already holds the write lock (a group commit).
    """
    if request.hub_epoch != (epoch if epoch is not None else meta(session, META_EPOCH)):
        raise HubError(
            409, "epoch_changed",
            "The hub was restored from a backup: pull everything again from zero, then push "
            "every change again.",
        )
    if prepared is None:
        prepared = prepare_push(caller, request)
    if prepared.error is not None:
        raise prepared.error
    heads, checked = prepared.heads, prepared.checked
    ids = [change.id for change in request.changes]

    if not locked:
        lock_writes(session)
    device = session.get(Device, caller.device.id, populate_existing=True)
    if device is None or device.status not in MAY_PUSH:
        raise HubError(401, "device_revoked", "This device has been revoked.",
                       wipe=bool(device and device.wipe))
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
        start = request.chain.prev_head if leading == 0 else heads[leading - 1]
        if start != device.chain_head:
            log.warning("push refused: chain gap from device %s", device.id)
            raise HubError(
                409, "chain_gap",
                "The batch does not follow the last change the hub has from this device; "
                "push the earlier changes first.",
            )
    applier = PushTransaction(session, caller, clock)
    counts: dict[str, int] = {"accepted": 0, "duplicate": 0, "conflict": 0}
    fresh = [item for item in checked if item.change.id not in known]
    applier.prefetch(fresh)
    outcomes: list[_Outcome] = []
    change_rows: list[tuple[int, _Checked, _Outcome]] = []
    for index, item in enumerate(checked):
        row = known.get(item.change.id)
        if row is not None:
            outcome = _Outcome("duplicate", row.seq)
        else:
            outcome = applier.apply_or_queue(item)
            change_rows.append((index, item, outcome))
        outcomes.append(outcome)
    applier.flush_queued()
    if change_rows:
        _bulk_insert(
            session, _CHANGES_TABLE, _CHANGE_COLUMNS,
            [
                {
                    "change_id": item.change.id, "device_id": device.id,
                    "record_id": item.change.record_id, "chain_hash": heads[index],
                    "seq": outcome.seq, "status": outcome.status, "accepted_at": applier.now,
                }
                for index, item, outcome in change_rows
            ],
        )
    # Lone working (issue 5): permissions, visit index, watch rows; one cheap call.
    watches = lone_working.on_safety_changes(session, caller.actor, checked, clock)
    # Supervision (issue 6): targets of comments, marks and sign-offs; hub-configured approvals.
    check_targets(session, checked)
    approvals.on_pushed(session, caller.actor,
                        [item for _i, item, o in change_rows if o.status == "accepted"], clock)
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


def push_group(session: Session, pushes: Sequence[QueuedPush], clock: Clock
               ) -> list[PushResponse | HubError]:
    """Group commit (docs/sync.md, "Speed"): several queued pushes in **one** transaction,
    each in its own SAVEPOINT, so a refused push stores nothing and does not touch the others.

    ``session`` has no transaction open; this commits once at the end. The answers (a
    response, or the HubError that refused that push) may be sent only after this returns:
    they are then durable. Any other exception means nothing of the group was stored.
    The write lock is taken once, before the first savepoint, so rolling one back never
    releases it (PostgreSQL releases locks taken inside a savepoint that is rolled back):
    sequence order stays commit order.
    """
    alone = len(pushes) == 1  # no savepoint needed: its refusal rolls back the whole group
    answers: list[_FastPush | PushResponse | HubError] = []
    try:
        with session.begin():
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
                    answers.append(exc)
            group.write()
    except HubError as exc:
        if not alone:
            raise
        return [exc]  # the transaction was rolled back whole
    return [answer.response() if isinstance(answer, _FastPush) else answer
            for answer in answers]


@dataclass
class _FastPush:
    """A push of new finalised events only, accepted by :class:`_GroupWriter` (its seqs are
    filled in when the group's rows are written)."""

    request: PushRequest
    outcomes: list[_Outcome]

    def response(self) -> PushResponse:
        return PushResponse(
            results=[ChangeResult(id=change.id, status="accepted", seq=outcome.seq)
                     for change, outcome in zip(self.request.changes, self.outcomes,
                                                strict=True)],
            chain_head=self.request.chain.head, hub_epoch=self.request.hub_epoch,
        )


class _GroupWriter:
    """The common push of a group commit - new finalised events, on the device's chain, in
    cases the caller holds - checked against state loaded once for the whole group (a few
    ``IN (...)`` queries) and written with the group's other such pushes in one counter
    UPDATE and a handful of executemany statements.

    Exactly the checks :func:`push` makes for such a batch, in the same transaction under the
    same lock. Anything else (a header, a conflict, a safety record, a change the hub has
    seen, anything :func:`push` would refuse) returns None from :meth:`try_fast` and goes
    through :func:`push` in its own savepoint, after :meth:`write`; from then on the group's
    state may be stale, so the rest of the group goes that way too.
    """

    def __init__(self, session: Session, pushes: Sequence[QueuedPush], clock: Clock) -> None:
        self.session = session
        self.now = iso(clock())
        self.stale = False
        self._records: list[tuple[dict[str, Any], _Outcome]] = []
        self._changes: list[tuple[dict[str, Any], _Outcome]] = []
        self._audit: list[dict[str, Any]] = []
        device_ids = list({item.caller.device.id for item in pushes})
        self.devices = {
            device.id: device for device in session.scalars(
                select(Device).where(among(session, Device.id, device_ids))
                .execution_options(populate_existing=True))
        }
        change_ids = [change.id for item in pushes for change in item.request.changes]
        record_ids = list({change.record_id for item in pushes
                           for change in item.request.changes})
        case_ids = list({checked.case_id for item in pushes if item.prepared is not None
                         for checked in item.prepared.checked if checked.case_id is not None})
        self.known: set[str] = set()
        self.existing: set[str] = set()
        self.cases: dict[str, HubCase] = {}
        self.slow_kinds = approvals.slow_kinds(session)  # supervision, kinds needing approval
        for start in range(0, len(change_ids), 500):
            self.known.update(session.scalars(select(HubChange.change_id).where(
                among(session, HubChange.change_id, change_ids[start:start + 500]))))
        for start in range(0, len(record_ids), 500):
            self.existing.update(session.scalars(select(HubRecord.record_id).where(
                among(session, HubRecord.record_id, record_ids[start:start + 500]))))
        for start in range(0, len(case_ids), 500):
            for case in session.scalars(select(HubCase).where(
                    among(session, HubCase.case_id, case_ids[start:start + 500]))):
                self.cases[case.case_id] = case

    def try_fast(self, item: QueuedPush, epoch: str) -> _FastPush | None:
        prepared, request = item.prepared, item.request
        if self.stale or prepared is None or prepared.error is not None \
                or request.hub_epoch != epoch:
            self.stale = True
            return None
        device = self.devices.get(item.caller.device.id)
        actor = item.caller.actor
        ok = (
            device is not None and device.status in MAY_PUSH
            and request.chain.prev_head == device.chain_head
            and all(self._fast_change(checked, actor) for checked in prepared.checked)
        )
        if not ok or device is None:
            self.stale = True
            return None
        outcomes = []
        for index, checked in enumerate(prepared.checked):
            change = checked.change
            outcome = _Outcome("accepted", 0)
            outcomes.append(outcome)
            self.existing.add(change.record_id)
            self.known.add(change.id)
            self._records.append(({
                "record_id": change.record_id, "kind": change.kind,
                "case_id": checked.case_id, "state": FINAL,
                "body": json_text(checked.body),  # JSON text for the JSON column
                "author_user": actor.user_id, "device_id": device.id, "hub_time": self.now,
            }, outcome))
            self._changes.append(({
                "change_id": change.id, "device_id": device.id, "record_id": change.record_id,
                "chain_hash": prepared.heads[index], "status": "accepted",
                "accepted_at": self.now,
            }, outcome))
        device.chain_head = request.chain.head
        device.last_seen_at = self.now
        detail = f"accepted={len(outcomes)} duplicate=0 conflict=0"
        self._audit.append({"at": self.now, "actor": actor.user_id, "action": "push",
                            "subject": device.id, "detail": detail})
        log.info("push from device %s: %s", device.id, detail)
        return _FastPush(request, outcomes)

    def _fast_change(self, checked: _Checked, actor: Actor) -> bool:
        change = checked.change
        if (
            change.op != "finalise" or change.kind in HEADER_KINDS
            or change.kind == CONFLICT_KIND or change.kind in lone_working.VISIT_KINDS
            or change.kind in self.slow_kinds
            or change.id in self.known or change.record_id in self.existing
        ):
            return False
        if checked.case_id is None:
            return True
        case = self.cases.get(checked.case_id)
        return case is not None and can_see_case(actor, case)

    def write(self) -> None:
        """Give the waiting rows their seqs (one counter UPDATE, in arrival order) and insert
        them; the devices' new chain heads go with the session's next flush."""
        if not self._records:
            self.session.flush()
            return
        count = len(self._records)
        last = int(
            self.session.execute(
                update(HubCounter)
                .where(HubCounter.id == COUNTER_ID)
                .values(value=HubCounter.value + count)
                .returning(HubCounter.value)
                .execution_options(synchronize_session=False)
            ).scalar_one()
        )
        for offset, (row, outcome) in enumerate(self._records):
            outcome.seq = row["seq"] = last - count + 1 + offset
        for row, outcome in self._changes:
            row["seq"] = outcome.seq
        _bulk_insert(self.session, _RECORDS_TABLE, _RECORD_COLUMNS,
                     [row for row, _ in self._records])
        _bulk_insert(self.session, _CHANGES_TABLE, _CHANGE_COLUMNS,
                     [row for row, _ in self._changes])
        _bulk_insert(self.session, _AUDIT_TABLE, _AUDIT_COLUMNS, self._audit)
        self.session.flush()
        self._records.clear()
        self._changes.clear()
        self._audit.clear()


# --------------------------------------------------------------------------- pull
@dataclass(frozen=True, slots=True)
class _PullRow:
    """One row of a pull page as stored: ``body`` is the stored JSON text (None for a purge)."""

    seq: int
    record_id: str
    kind: str
    op: str
    case_id: str | None
    body: str | None
    author: str | None
    hub_time: str


@dataclass(frozen=True, slots=True)
class _Page:
    hub_epoch: str
    max_seq: int
    rows: list[_PullRow]
    next_after: int
    more: bool


#: The pull's first read: the last seq given out, and the epoch (one round trip).
_HEAD_QUERY = select(
    HubCounter.value,
    select(HubMeta.value).where(HubMeta.key == META_EPOCH).scalar_subquery(),
).where(HubCounter.id == COUNTER_ID)
_TOMBSTONE_QUERY = (
    select(HubTombstone.seq, HubTombstone.case_id, HubTombstone.hub_time)
    .where(HubTombstone.user_id == bindparam("scope_user"),
           HubTombstone.seq > bindparam("after"))
    .order_by(HubTombstone.seq)
    .limit(bindparam("rows"))
)


@functools.cache
def _records_query(role: str, has_team: bool) -> _AnySelect | None:
    """The page's records for one kind of caller, built once (the person, the cursor and the
    page size are bound parameters): building a statement costs more than running it. None
    for a role that sees no records.

    Two branches, each led by an index: the records of the caller's cases (``hub_cases`` by
    key worker or team, then ``hub_records (case_id, seq)``) and the uncased records of the
    people whose uncased records they see (``users``, then ``hub_records (author_user,
    seq)``). A single ``seq > after`` scan filtered by scope read every record anyone had
    written since the cursor (most of the table for a laptop back from a week away, and all
    200 laptops' changes for each of them in a burst); this reads only the caller's own.
    """
    columns = (
        HubRecord.seq, HubRecord.record_id, HubRecord.kind, HubRecord.state,
        HubRecord.case_id, cast(HubRecord.body, Text).label("body"),
        # Who wrote this version (docs/sync.md, "Records on the hub").
        func.coalesce(HubRecord.edited_by, HubRecord.author_user).label("author"),
        HubRecord.hub_time,
    )
    after: BindParameter[int] = bindparam("after")
    rows: BindParameter[int] = bindparam("rows")
    cases = visible_cases(role, has_team)
    cased = None if cases is None else (
        select(*columns).join(HubCase, HubCase.case_id == HubRecord.case_id)
        .where(cases, HubRecord.seq > after).order_by(HubRecord.seq).limit(rows)
    )
    authors = visible_authors(role, has_team)
    uncased = None if authors is None else (
        select(*columns).join(User, User.id == HubRecord.author_user)
        .where(authors, HubRecord.case_id.is_(None), HubRecord.seq > after)
        .order_by(HubRecord.seq).limit(rows)
    )
    branches = [branch for branch in (cased, uncased) if branch is not None]
    if not branches:
        return None
    # Each branch wrapped (SQLite allows no LIMIT inside a compound select); the two never
    # overlap (a record has a case or has none).
    both = union_all(*(select(branch.subquery()) for branch in branches)).subquery()
    return select(both).order_by(both.c.seq).limit(rows)


#: Any SELECT, whatever its columns.
_AnySelect = Select[*tuple[Any, ...]]


@functools.cache
def _driver_sql(statement: _AnySelect, dialect: Dialect) -> Compiled:
    """``statement`` compiled once for ``dialect``, to be run straight on the driver."""
    return statement.compile(dialect=dialect)


def _read_together(conn: Connection, queries: list[tuple[_AnySelect, dict[str, Any]]]
                   ) -> list[Sequence[Any]]:
    """The rows of each query, run one after the other (on PostgreSQL in autocommit, each in
    its own snapshot, in order). On PostgreSQL they go in one psycopg pipeline: one round trip
    for all and no SQLAlchemy execution machinery (a pull's three reads cost ~0.4 ms of the
    hub's CPU through it, and each round trip waits for the GIL again under load)."""
    if conn.dialect.name != "postgresql":
        return [conn.execute(query, params).all() for query, params in queries]
    driver = conn.connection.driver_connection
    assert driver is not None
    cursors = []
    with driver.pipeline():
        for query, params in queries:
            compiled = _driver_sql(query, conn.dialect)
            cursor = driver.cursor()
            cursor.execute(str(compiled), compiled.construct_params(params))
            cursors.append(cursor)
    try:
        return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def _scope_reads(actor: Actor, after: int, limit: int
                 ) -> list[tuple[_AnySelect, dict[str, Any]]]:
    """A page's reads for ``actor``: their tombstones, then the records in their scope."""
    params: dict[str, Any] = {**scope_params(actor), "after": after, "rows": limit + 1}
    reads: list[tuple[_AnySelect, dict[str, Any]]] = [(_TOMBSTONE_QUERY, params)]
    records = _records_query(actor.role, actor.team is not None)
    if records is not None:
        reads.append((records, params))
    return reads


#: Each device's person as its last pull found them (user, role, team): a pull sends its
#: token check and its page's reads together, for the scope guessed from this, and reads
#: again only if the token check finds the person's role or team changed. Bounded.
_GUESSED_SCOPES: dict[str, Actor] = {}
_MAX_GUESSED_SCOPES = 50_000


def pull_json_for(session: Session, authorization: str | None, clock: Clock, after: int,
                  limit: int = DEFAULT_PULL_LIMIT) -> bytes:
    """The ``PullResponse`` JSON body for the device behind ``authorization``, its token check
    included, in one round trip to the database in the common case (docs/sync.md, "Speed").
    Each stored body is spliced in as the JSON text it is stored as (the hub wrote it; it is
    never re-parsed).

    The device's row (status, person, role, team) is read with the counter and the reads of
    the page for the scope that device had last time. Nothing read is used unless the token
    check passes and finds that same scope; otherwise the page is read again for the scope
    it found. The refusals are :func:`devices.authenticate`'s."""
    limit = max(1, min(limit, MAX_PULL_LIMIT))
    device_id = devices.claimed_device(devices.token_secret(session), authorization, clock())
    if device_id is None:
        raise unauthorised()  # a stranger: nothing is read
    guess = _GUESSED_SCOPES.get(device_id)
    reads = [(devices.CALLER_QUERY, {"device_id": device_id}), (_HEAD_QUERY, {})]
    if guess is not None:
        reads += _scope_reads(guess, after, limit)
    conn = session.connection()
    found, heads, *scoped = _read_together(conn, reads)
    caller = devices.answer_for(found[0] if found else None).result()
    actor = caller.actor
    if guess is None or (guess.user_id, guess.role, guess.team) != (
            actor.user_id, actor.role, actor.team):
        if len(_GUESSED_SCOPES) >= _MAX_GUESSED_SCOPES:
            _GUESSED_SCOPES.clear()
        _GUESSED_SCOPES[device_id] = actor
        scoped = _read_together(conn, _scope_reads(actor, after, limit))
    return _page_json(_assemble(session, caller, heads, scoped, after, limit))


def _assemble(session: Session, caller: Caller, heads: Sequence[Any],
              scoped: list[Sequence[Any]], after: int, limit: int) -> _Page:
    """The page from what was read: the counter and epoch, the tombstones, the records."""
    tombstones = scoped[0]
    record_rows = scoped[1] if len(scoped) > 1 else []
    head = heads[0] if heads else None
    if head is None or head[1] is None:  # not initialised: meta() raises HubNotInitialised
        top, epoch = 0, meta(session, META_EPOCH)
    else:
        top, epoch = int(head[0] or 0), str(head[1])
    rows = [
        _PullRow(int(seq), record_id, kind, "finalise" if state == FINAL else "put", case_id,
                 body, author, hub_time)
        for seq, record_id, kind, state, case_id, body, author, hub_time in record_rows
    ]
    if tombstones:
        rows += [
            _PullRow(int(seq), case_id, "case", "purge", case_id, None, None, hub_time)
            for seq, case_id, hub_time in tombstones
        ]
        rows.sort(key=lambda r: r.seq)
    page = rows[:limit]
    more = len(rows) > limit
    if more:
        next_after = page[-1].seq
    else:
        next_after = max([after, top] + [r.seq for r in page]) if after <= top else after
    # Debug, not info: laptops pull far more often than they write, and the hub's log is for
    # what changed (each push is logged at info).
    log.debug("pull by device %s: %d changes after %d", caller.device.id, len(page), after)
    return _Page(
        hub_epoch=epoch,
        max_seq=max([top] + [r.seq for r in page[-1:]]),
        rows=page, next_after=next_after, more=more,
    )


def _page_json(page: _Page) -> bytes:
    return orjson.dumps({
        "hub_epoch": page.hub_epoch, "max_seq": page.max_seq,
        "changes": [
            {"seq": r.seq, "record_id": r.record_id, "kind": r.kind, "op": r.op,
             "case_id": r.case_id,
             "payload": None if r.body is None else orjson.Fragment(r.body),
             "author": r.author, "hub_time": r.hub_time}
            for r in page.rows
        ],
        "next_after": page.next_after, "more": page.more,
    })


def known_kinds() -> list[str]:
    """Every kind a device may push (records plus conflict resolutions)."""
    return [*RECORD_TYPES, CONFLICT_KIND]
