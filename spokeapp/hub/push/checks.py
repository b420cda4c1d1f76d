"""A push's checks (docs/sync.md, "Push"), one definition of each rule, used both by
:func:`spokeapp.hub.push.transaction.push` and by the group commit's common path
(:mod:`spokeapp.hub.push.group`), so a rule cannot change in one and not the other.

Two kinds: those that need no database, made before the transaction and the write lock
(:func:`prepare_push`: canonical bytes, signature, chain, record rules), and the rules about
what the hub holds, asked under the lock (epoch, device, chain continuity, kinds that take
the common path, case scope).

Logging names ids and counts only; record contents never reach a log or an error message.
What the database could not hold is refused here, before it: NUL anywhere in a change (no
PostgreSQL text holds it) and ids longer than the hub's id columns or with control
characters (422 ``invalid_record``), so one laptop's batch can never fail with a 500, nor
take the other pushes of its group down with it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.attachments import DEFAULT_ATTACHMENT_LIMIT, is_sha256
from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records import RECORD_TYPES, record_from_dict
from spokeapp.hub import lone_working
from spokeapp.hub.devices import MAY_PUSH, Caller, CallerDevice
from spokeapp.hub.errors import HubError, out_of_scope
from spokeapp.hub.models import (
    ID,
    Device,
    Disposal,
    DisposedRecord,
    HubCase,
    HubRecord,
    RestrictedRecord,
    User,
)
from spokeapp.hub.scope import ADMIN, Actor, can_see_case, can_see_uncased
from spokeapp.hub.security import signature_valid
from spokeapp.hub.supervision import check_supervision_kinds
from spokeapp.sync.protocol import (
    ATTACHMENT_KIND,
    CONFLICT_KIND,
    HEADER_KINDS,
    MAX_PAYLOAD_BYTES,
    ChangeIn,
    ConflictPayload,
    PushRequest,
    canonical_change,
    chain_heads,
    chain_message,
)

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- no database
@dataclass(frozen=True, slots=True)
class CheckedChange:
    """A change whose payload passed the record rules, with its normalised body."""

    change: ChangeIn
    body: dict[str, Any]
    case_id: str | None  # from the payload (events, cases); None for the rest


def _invalid(index: int, change: ChangeIn, problems: str) -> HubError:
    return HubError(
        422, "invalid_record", f"Change {index} ({change.kind} {change.record_id}): {problems}"
    )


#: The longest id the hub keeps: its id columns (``models.ID``) hold this many characters,
#: and PostgreSQL refuses a longer value where SQLite would take it.
MAX_ID_CHARS: Final = ID.length or 64
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
#: NUL as the canonical bytes write it (JSON escapes every control character).
_NUL_ESCAPED = b"\\u0000"


def _has_controls(text: str) -> bool:
    """True if ``text`` holds a control character (asked of every id of every change: a
    printable string, nearly all of them, is answered without the expression)."""
    return not text.isprintable() and _CONTROLS.search(text) is not None


def _holds_nul(value: object) -> bool:
    """True if NUL is in any string of ``value`` (keys too), however deeply nested."""
    waiting = [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            waiting.extend(item)
            waiting.extend(item.values())
        elif isinstance(item, list):
            waiting.extend(item)
    return False


def _nul_field(change: ChangeIn, canonical: bytes | None) -> str | None:
    """The field of ``change`` (a payload's by its key) holding NUL anywhere, or None.

    PostgreSQL can keep NUL in no text, and the hub looks records up by ids from anywhere in
    a payload (a case, a key worker, a visit...): such a change would be answered 500, and
    would fail every push of its group with it. Refused on SQLite alike, so both hubs take
    the same changes. The canonical bytes answer at once for the changes without one."""
    if canonical is not None and _NUL_ESCAPED not in canonical:
        return None
    for name in ("id", "record_id", "kind", "author", "local_time"):
        if "\x00" in getattr(change, name):
            return name
    for key, value in change.payload.items():
        if _holds_nul(key):
            return "payload"  # the key itself: not repeated
        if _holds_nul(value):
            return f"payload.{key}"
    return "base" if _holds_nul(change.base) else None


def _check_change_ids(index: int, change: ChangeIn) -> None:
    """422 for a change whose own ids (or kind) hold a control character, asked before
    anything logs them: they are named in the log's refusal lines, where a line break would
    forge a line."""
    for name in ("id", "record_id", "kind"):
        if _has_controls(getattr(change, name)):
            raise HubError(422, "invalid_record",
                           f"Change {index}: {name}: must not hold control characters.")


def _check_body_ids(index: int, change: ChangeIn, body: dict[str, Any]) -> None:
    """422 for a record whose ids (``id``, ``..._id``) the hub could not keep: longer than
    its id columns or holding a control character (a visit id is stored as it comes).
    A record kind's id fields are known (:func:`_id_fields`), so only they are looked at:
    this runs for every change of every push."""
    for key in _id_fields(change.kind) or body:
        value = body.get(key)
        if (key == "id" or key.endswith("_id")) and isinstance(value, str) and (
                len(value) > MAX_ID_CHARS or _has_controls(value)):
            raise _invalid(index, change, f"{key}: must be an id of at most {MAX_ID_CHARS} "
                                          "characters, without control characters")


@functools.cache
def _id_fields(kind: str) -> tuple[str, ...]:
    """The id fields of a record of ``kind`` (empty for a kind the hub does not know: then
    every key of the body is looked at)."""
    return tuple(name for name in sorted(_field_names(kind))
                 if name == "id" or name.endswith("_id"))


@functools.cache
def _field_names(kind: str) -> frozenset[str]:
    """The fields a record of ``kind`` has (none for a kind the hub does not know)."""
    record_type: type[Any] | None = RECORD_TYPES.get(kind)
    if record_type is None:
        return frozenset()
    return frozenset(f.name for f in dataclasses.fields(record_type))


def _logged_fields(kind: str, problems: Iterable[Problem]) -> str:
    """The fields a refusal's log line names: those the record kind has. A field it does not
    have was made up by the device and may hold anything (a name, a line break): counted."""
    known = _field_names(kind) if kind in RECORD_TYPES else frozenset()
    named: set[str] = set()
    unknown = 0
    for problem in problems:
        base = re.split(r"[.\[]", problem.field, maxsplit=1)[0]
        if base in known or problem.field == "kind":
            named.add(problem.field)
        else:
            unknown += 1
    shown = sorted(named)
    if unknown:
        shown.append(f"{unknown} unknown field{'s' if unknown != 1 else ''}")
    return ", ".join(shown)


def normalise(kind: str, data: object) -> dict[str, Any] | None:
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


def check_attachment_size(index: int, change: ChangeIn, max_bytes: int) -> None:
    """413 ``attachment_too_large`` for an attachment record declaring a file larger than the
    hub's limit (``attachment_max_bytes``; docs/attachments.md, "Size limit"). Asked of the
    raw payload, before the record rules, so the answer is the limit whatever else is wrong."""
    if change.kind != ATTACHMENT_KIND or not isinstance(change.payload, dict):
        return
    size = change.payload.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size > max_bytes:
        log.warning(
            "push refused: change %s (attachment %s) declares a file of %d bytes, over the "
            "hub's limit of %d", change.id, change.record_id, size, max_bytes,
        )
        raise HubError(
            413, "attachment_too_large",
            f"Change {index} (attachment {change.record_id}) names a file of {size} bytes; "
            f"this hub takes files of at most {max_bytes} bytes.",
        )


def _check_attachment_body(index: int, change: ChangeIn, body: dict[str, Any]) -> None:
    """An attachment record names its file by 64 lowercase hex digits and a size > 0: the
    hub keys the file's chunks by them (422 ``invalid_record`` otherwise)."""
    sha256, size = body.get("sha256"), body.get("size")
    if not isinstance(sha256, str) or not is_sha256(sha256):
        raise _invalid(index, change, "sha256: must be 64 lowercase hexadecimal digits")
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise _invalid(index, change, "size: must be a whole number of bytes above 0")


def check_change(index: int, change: ChangeIn, canonical: bytes | None = None, *,
                 attachment_max_bytes: int = DEFAULT_ATTACHMENT_LIMIT) -> CheckedChange:
    """Validate one change without touching the database (whole batch fails on any error).

    ``canonical``: the change's canonical bytes if already made (the chain check makes them).
    ``attachment_max_bytes``: the hub's limit for one attached file. Its ids and NUL are
    asked first: nothing is logged of a change before they pass.
    """
    _check_change_ids(index, change)
    nul = _nul_field(change, canonical)
    if nul is not None:
        raise HubError(422, "invalid_record",
                       f"Change {index}: {nul}: must not hold the NUL character (\\u0000).")
    size = _payload_size(change, canonical)
    if size > MAX_PAYLOAD_BYTES:
        log.warning(
            "push refused: change %s (%s %s, op %s) is %d bytes, over the record limit of %d",
            change.id, change.kind, change.record_id, change.op, size, MAX_PAYLOAD_BYTES,
        )
        raise HubError(
            413, "payload_too_large",
            f"Change {index} ({change.kind} {change.record_id}) is larger than "
            f"{MAX_PAYLOAD_BYTES} bytes.",
        )
    check_attachment_size(index, change, attachment_max_bytes)
    if change.kind == CONFLICT_KIND:
        try:
            conflict = ConflictPayload.model_validate(change.payload)
        except PydanticValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            raise _invalid(index, change, "bad conflict fields: " + ", ".join(fields)) from None
        if conflict.id != change.record_id:
            raise _invalid(index, change, "id: must equal the change's record_id")
        body = conflict.model_dump(mode="json")
        _check_body_ids(index, change, body)
        return CheckedChange(change=change, body=body, case_id=None)
    try:
        record = record_from_dict(change.kind, change.payload)
        if change.op == "finalise" or not record.EVENT:
            record.validate()
    except ValidationError as exc:
        log.warning(
            "push refused: change %s (%s %s, op %s, %d bytes) breaks the rules of fields: %s",
            change.id, change.kind, change.record_id, change.op, size,
            _logged_fields(change.kind, exc.problems),
        )
        raise _invalid(index, change, "; ".join(str(p) for p in exc.problems)) from None
    if record.id != change.record_id:
        raise _invalid(index, change, "id: must equal the change's record_id")
    if record.EVENT and change.op != "finalise":
        raise _invalid(index, change, "op: events reach the hub only once finalised")
    body = record.to_dict()
    _check_body_ids(index, change, body)
    if change.kind == ATTACHMENT_KIND:
        _check_attachment_body(index, change, body)
    return CheckedChange(change=change, body=body, case_id=record.case_id)


def chain_signed(device: Device | CallerDevice, request: PushRequest) -> bool:
    """True if the batch's chain proof carries the device's Ed25519 signature. Needs nothing
    else of the push, and the verification releases the GIL, so a batch of pushes can have
    theirs verified side by side (:func:`spokeapp.hub.push_queue.prepare_pushes`)."""
    proof = request.chain
    return signature_valid(device.public_key, proof.signature,
                           chain_message(device.id, proof.prev_head, proof.head))


def check_chain(device: Device | CallerDevice, request: PushRequest,
                wires: list[bytes] | None = None, *, signed: bool | None = None) -> list[str]:
    """Verify the batch signature and recompute the chain; returns the head after each change.

    401 for a signature that is not the device's; 400 when the changes do not hash to the
    signed head (tampered, missing or re-ordered). ``wires``: the changes' canonical bytes,
    if already made (the same hash as ``chain_heads``); ``signed``: :func:`chain_signed`'s
    answer for this device and request, if already known.
    """
    proof = request.chain
    if signed is None:
        signed = chain_signed(device, request)
    if not signed:
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


@dataclass(frozen=True, slots=True)
class PreparedPush:
    """The checks of a push that need no database, made before its transaction (and before
    the write lock): chain heads and checked changes, or the refusal they led to."""

    heads: list[str]
    checked: list[CheckedChange]
    error: HubError | None = None


def prepare_push(caller: Caller, request: PushRequest, *,
                 attachment_max_bytes: int = DEFAULT_ATTACHMENT_LIMIT,
                 signed: Callable[[], bool] | None = None) -> PreparedPush:
    """Everything about a push that needs no database (docs/sync.md, "Speed"): canonical
    bytes (made once, for the chain and the size check), signature, chain, record rules
    (``attachment_max_bytes``: the hub's limit for one attached file). ``signed``: gives
    :func:`chain_signed`'s answer when it is asked for (a verification already running in
    another thread); None verifies here. The refusals keep their order either way.

    A refusal is kept, not raised, so ``push`` still reports a changed epoch first.
    """
    try:
        if caller.actor.role == ADMIN:
            raise out_of_scope("Administrators hold no case records.")
        ids = [change.id for change in request.changes]
        if len(set(ids)) != len(ids):
            raise HubError(422, "invalid_request", "A change id appears twice in the batch.")
        wires = [canonical_change(change) for change in request.changes]
        heads = check_chain(caller.device, request, wires,
                            signed=None if signed is None else signed())
        checked = [
            check_change(i, change, wire, attachment_max_bytes=attachment_max_bytes)
            for i, (change, wire) in enumerate(zip(request.changes, wires, strict=True))
        ]
        check_supervision_kinds(caller.actor, ((c.change.kind, c.change.record_id, c.body)
                                               for c in checked))
    except HubError as exc:
        return PreparedPush([], [], exc)
    return PreparedPush(heads, checked)


# --------------------------------------------------------------------------- under the lock
def epoch_matches(request: PushRequest, epoch: str) -> bool:
    """The batch was made against the hub's current epoch (not a hub since restored)."""
    return request.hub_epoch == epoch


def check_epoch(request: PushRequest, epoch: str) -> None:
    """409 ``epoch_changed`` unless :func:`epoch_matches`."""
    if not epoch_matches(request, epoch):
        raise HubError(
            409, "epoch_changed",
            "The hub was restored from a backup: pull everything again from zero, then push "
            "every change again.",
        )


def may_push(device: Device | None) -> bool:
    """The device (as read under the lock) may still push: active, or retired."""
    return device is not None and device.status in MAY_PUSH


def check_device(device: Device | None) -> Device:
    """The device, or 401 ``device_revoked`` unless it :func:`may_push`."""
    if device is None or not may_push(device):
        raise HubError(401, "device_revoked", "This device has been revoked.",
                       wipe=bool(device and device.wipe))
    return device


def follows_chain(device: Device, start: str) -> bool:
    """New changes starting after ``start`` continue the device's chain on the hub."""
    return start == device.chain_head


def check_follows_chain(device: Device, start: str) -> None:
    """409 ``chain_gap`` unless :func:`follows_chain`."""
    if not follows_chain(device, start):
        log.warning("push refused: chain gap from device %s", device.id)
        raise HubError(
            409, "chain_gap",
            "The batch does not follow the last change the hub has from this device; "
            "push the earlier changes first.",
        )


def is_plain_event(change: ChangeIn) -> bool:
    """An event (not a header, not a conflict resolution): new ones are written in bulk."""
    return change.kind not in HEADER_KINDS and change.kind != CONFLICT_KIND


def takes_common_path(change: ChangeIn, slow_kinds: frozenset[str] | set[str]) -> bool:
    """A change the group commit may write on its common path when new: a finalised plain
    event that no hook looks at (lone working's visit kinds, ``slow_kinds``: supervision and
    kinds this hub wants approved)."""
    return (
        change.op == "finalise" and is_plain_event(change)
        and change.kind not in lone_working.VISIT_KINDS and change.kind not in slow_kinds
    )


def in_scope(actor: Actor, case: HubCase | None) -> bool:
    """The case exists on the hub, is not restricted and is in the caller's caseload."""
    return case is not None and not case.restricted and can_see_case(actor, case)


def check_case(actor: Actor, case: HubCase | None, case_id: str) -> HubCase:
    """The case, or 403 ``out_of_scope`` for a case the hub does not hold or that is not in
    the caller's caseload (one answer for both), or 409 ``case_restricted`` for a restricted
    case in the caller's caseload (a restriction request: nothing of it is pushed until
    lifted). Scope is asked first: that a case is restricted tells that its young person made
    a restriction request, which only those who may see the case are told (docs/sync.md,
    "Scope (need-to-know)")."""
    if case is None or not can_see_case(actor, case):
        raise out_of_scope(f"Case {case_id} is not in your caseload on the hub.")
    if case.restricted:
        raise HubError(409, "case_restricted",
                       f"Case {case_id} is restricted on the hub (a restriction request): "
                       "nothing of it can be pushed until an administrator lifts it.")
    return case


def check_not_disposed(session: Session, fresh: list[CheckedChange], actor: Actor) -> None:
    """409 ``case_disposed`` (contract C3) when a new change writes a record of a case disposed
    of on the hub, or names one (its case, young person or referral): a laptop that has not
    pulled the disposal yet must not put the young person's details back. 409
    ``case_restricted`` likewise for a record a restriction request about a referral with no
    case keeps off the laptops (``hub_restricted_records``), but only to ``actor`` if the
    referral is in their scope (:func:`spokeapp.hub.scope.can_see_uncased` of its author): to
    anyone else the record is one they may not see, answered by the checks after this one
    as any other such record, so a restriction request is never told to someone outside the
    referral's need-to-know. The whole batch is
    refused, like every push refusal; the message names the first such change and the case.
    The laptop pulls (the disposal purge erases the case there, unsent changes included) and
    pushes the rest again.

    *Decision:* lone-working records are not refused for naming a disposed case's visit
    (``visit_id``) or the case (a plan's ``linked_case_id``). A laptop drops every change of
    a refused scope, and all of a laptop's lone-working records share one (they name no
    case), so a late check-in of an erased visit would take a new visit plan of the same
    batch with it, and that visit would never arm. Such a late record holds nothing about
    the young person (a check-in is an id, a kind and a time).

    *Decision* (docs/data-protection.md, "Links between teams"): a link the record on the
    hub already holds, unchanged in the change, does not count. A disposal erases a record
    that a record it leaves names only when that link did not reach it
    (:func:`spokeapp.hub.scope.in_audience`: a link that reaches keeps it for the record
    naming it), so such a link is another team's, which the disposal treated as absent:
    north's case naming a young person south erased is still hers, and her edits of its
    header are accepted as for any case she holds (they were refused, while her sessions
    were accepted). A change writing an erased record or its case, and a link a change adds
    (a new record, or an edit that names an erased record anew), are refused as before."""
    named: dict[str, int] = {}
    #: the first change writing each id (its record, its case): refused whenever erased
    written: dict[str, int] = {}
    #: each id a link names: (change index, field) of every link naming it
    links: dict[str, list[tuple[int, str]]] = {}
    for index, item in enumerate(fresh):
        body = item.body
        for value in (item.change.record_id, item.case_id):
            if isinstance(value, str):
                named.setdefault(value, index)
                written.setdefault(value, index)
        for key in _NAMING_FIELDS:
            value = body.get(key)
            if isinstance(value, str):
                named.setdefault(value, index)
                links.setdefault(value, []).append((index, key))
    if not named:
        return
    ids = list(named)
    for start in range(0, len(ids), 500):
        hits = session.execute(select(DisposedRecord.record_id, DisposedRecord.case_id).where(
            DisposedRecord.record_id.in_(ids[start:start + 500]))).all()
        counted: list[tuple[int, str]] = []  # (the first change it counts for, disposal)
        for record_id, disposal in hits:
            first = [written[record_id]] if record_id in written else []
            first += _adding_links(session, fresh, links.get(record_id, []), record_id)
            if first:
                counted.append((min(first), disposal))
        if counted:
            index, disposed_of = min(counted)
            item = fresh[index]
            subject = session.scalar(select(Disposal.subject).where(
                Disposal.case_id == disposed_of)) or "case"
            log.info("push refused: %s %s was disposed of", subject, disposed_of)
            raise HubError(
                409, "case_disposed",
                f"Change {item.change.id} ({item.change.kind} {item.change.record_id}): "
                f"{subject} {disposed_of} was disposed of on the hub. Pull to erase it from "
                "this laptop; its changes cannot be pushed.",
            )
        held = session.execute(
            select(RestrictedRecord.record_id, RestrictedRecord.referral_id).where(
                RestrictedRecord.record_id.in_(ids[start:start + 500]))).all()
        for record_id, referral_id in sorted(held, key=lambda hit: named[hit[0]]):
            # A referral with no case under a restriction request: like a restricted case,
            # told only to those who may see the referral.
            if not _may_see_uncased_record(session, actor, referral_id):
                continue
            item = fresh[named[record_id]]
            log.info("push refused: referral %s is restricted", referral_id)
            raise HubError(
                409, "case_restricted",
                f"Change {item.change.id} ({item.change.kind} {item.change.record_id}): "
                f"referral {referral_id} is restricted on the hub (a restriction request): "
                "nothing of it is pushed or pulled until the restriction is lifted.",
            )


#: The fields of a change's body that name another record (a link a laptop wrote).
_NAMING_FIELDS: Final = ("young_person_id", "referral_id", "case_id", "record_id",
                         "attached_to")


def _adding_links(session: Session, fresh: list[CheckedChange],
                  naming: list[tuple[int, str]], erased: str) -> list[int]:
    """The changes among the links ``naming`` (change index, field) that name the erased
    record ``erased`` anew: a new record, or one whose record on the hub (of the same kind)
    does not already name it in that field. Asked only when a change names an erased record
    (rare), so the common path reads nothing more."""
    if not naming:
        return []
    stored = {
        str(record_id): (kind, body) for record_id, kind, body in session.execute(
            select(HubRecord.record_id, HubRecord.kind, HubRecord.body).where(
                HubRecord.record_id.in_(sorted({fresh[i].change.record_id
                                                for i, _ in naming}))))
    }
    adding: list[int] = []
    for index, key in naming:
        change = fresh[index].change
        kind, body = stored.get(change.record_id, (None, None))
        if kind != change.kind or not isinstance(body, dict) or body.get(key) != erased:
            adding.append(index)
    return adding


def _may_see_uncased_record(session: Session, actor: Actor, record_id: str) -> bool:
    """Whether the uncased record ``record_id`` on the hub is in ``actor``'s scope (by its
    author, as a pull sees it)."""
    author = session.scalar(select(HubRecord.author_user).where(
        HubRecord.record_id == record_id))
    return author is not None and can_see_uncased(actor, session.get(User, author))


def known_kinds() -> list[str]:
    """Every kind a device may push (records plus conflict resolutions)."""
    return [*RECORD_TYPES, CONFLICT_KIND]
