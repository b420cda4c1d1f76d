"""Spoke's sync wire format, used by both the device (``spokeapp.sync``) and the hub.

The design (docs/sync.md has the whole story):

* The hub gives every accepted record version a **sequence number** from one counter that
  advances in commit order; devices pull "records in my scope with seq > cursor". Device
  clocks are never trusted for ordering (``local_time`` is metadata only).
* Every change has a device-generated UUIDv7 ``id``: a re-sent batch is recognised and
  answered ``duplicate``; nothing is stored twice.
* Pull returns the **latest version of each record** (not every edit), so a case that is
  reassigned reaches its new worker by bumping its records' seq, and leaves the old worker's
  laptop through a **tombstone** (``op = "purge"``).
* Mutable headers (young person, referral, case) carry ``base_seq`` and ``base`` (the hub
  version the edit started from). A field both sides changed keeps the hub's value and opens
  a ``conflict`` record that syncs to everyone who can see the case.
* Each device keeps a **hash chain** over the changes it pushes; each batch carries the chain
  head before and after it and an Ed25519 signature over both, so the hub checks one
  signature per batch and still detects a tampered, missing or re-ordered record.
* ``hub_epoch`` changes when a hub is restored from a backup; a device that sees a new epoch
  (or a cursor beyond the hub's ``max_seq``) re-pulls from zero and re-pushes everything.

Limits are part of the protocol: the hub refuses larger batches with 413.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final, Literal, NamedTuple

import orjson
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from spokeapp.domain.attachments import ATTACHMENT_CHUNK_BYTES as ATTACHMENT_CHUNK_BYTES
from spokeapp.domain.records.checks import MAX_RECORD_BYTES
from spokeapp.domain.roles import Role

PROTOCOL_VERSION: Final = 1
API_PREFIX: Final = "/v1"

MAX_BATCH_CHANGES: Final = 2000
MAX_BATCH_BYTES: Final = 4 * 1024 * 1024
#: One record's limit: a rule of the domain (records refuse to be finalised larger), one number.
MAX_PAYLOAD_BYTES: Final = MAX_RECORD_BYTES
MAX_PULL_LIMIT: Final = 2000
DEFAULT_PULL_LIMIT: Final = 1000
ACCESS_TOKEN_SECONDS: Final = 15 * 60
#: The largest sequence number (and cursor) there can be: the hub's counter is a signed 64-bit
#: integer (SQLite INTEGER, PostgreSQL BIGINT). Larger numbers are refused with 422.
MAX_SEQ: Final = 2**63 - 1
ENROLMENT_CODE_HOURS: Final = 24

#: Record kinds that travel first and alone (lone-working safety; see issue 5): the worker's
#: plans, check-ins and alarms, and a supervisor's acknowledgements and resolutions.
SAFETY_KINDS: Final = frozenset(
    {"visit_plan", "check_in", "alarm", "alert_ack", "alarm_resolution"}
)
#: Mutable header kinds: edits carry base_seq/base and may conflict. Everything else is an
#: event, immutable once finalised, and never conflicts.
HEADER_KINDS: Final = frozenset({"young_person", "referral", "case"})

GENESIS_HEAD: Final = "0" * 64

#: The record kind that names a file by its SHA-256 (docs/attachments.md); its bytes move apart
#: from the records, in chunks of ``ATTACHMENT_CHUNK_BYTES`` (64 KiB, from
#: ``spokeapp.domain.attachments``, re-exported here as part of the protocol).
ATTACHMENT_KIND: Final = "attachment"

Op = Literal["put", "finalise"]
PullOp = Literal["put", "finalise", "purge"]


class _Model(BaseModel):
    """What a laptop sends: the hub refuses any field it does not know."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Answer(BaseModel):
    """What the hub answers: a laptop ignores fields it does not know, so a hub can be
    upgraded before its laptops (a new field such as ``VisitWatchAck.reach`` must never stop
    an older laptop from syncing). The hub builds these itself, so nothing unknown reaches
    them from outside."""

    model_config = ConfigDict(extra="ignore", frozen=True)


# ------------------------------------------------------------------------------ errors
class ErrorBody(_Answer):
    """Every 4xx/5xx body: a stable machine code and a message safe to show a person."""

    error: str
    message: str
    wipe: bool | None = None  # only with error == "device_revoked"


# ------------------------------------------------------------------------------ enrolment
#: No control characters (NUL, line breaks, ...) in names a person gives: they would end up in
#: the hub's database and its command-line listings (PostgreSQL refuses NUL outright).
_NO_CONTROLS: Final = r"^[^\x00-\x1f\x7f]+$"
#: Device ids are UUIDs made by the hub; anything else is refused before a database lookup.
_DEVICE_ID: Final = r"^[0-9A-Za-z-]+$"


class EnrolReplaces(_Model):
    """A laptop enrolling again names the device it was (docs/sync.md, "Enrolling again"),
    signed with that device's key: the hub then refuses a code for another person or from
    another hub, and tells a device it was asked to wipe to wipe, before enrolling anything."""

    device_id: str = Field(min_length=1, max_length=64, pattern=_DEVICE_ID)
    signature: str = Field(
        min_length=40, max_length=128,
        description="the old device's Ed25519 signature, base64, over "
        "reenrol_message(device_id, public_key of the new device)",
    )


class EnrolRequest(_Model):
    code: str = Field(min_length=6, max_length=64)
    device_name: str = Field(min_length=1, max_length=100, pattern=_NO_CONTROLS)
    public_key: str = Field(min_length=40, max_length=64, description="Ed25519 key, base64")
    replaces: EnrolReplaces | None = Field(
        default=None, description="Only when a laptop enrols again: the device it was."
    )


class EnrolResponse(_Answer):
    device_id: str
    user_id: str
    user_name: str
    role: Role
    team: str | None
    refresh_token: str
    hub_id: str
    hub_epoch: str


class TokenRequest(_Model):
    device_id: str = Field(min_length=1, max_length=64, pattern=_DEVICE_ID)
    refresh_token: str = Field(min_length=16, max_length=256)
    proof: str | None = Field(
        default=None, max_length=128,
        description="Only after a hub restore (401 refresh_proof_required): the device's "
        "Ed25519 signature, base64, over token_proof_message(device_id, hub_epoch, "
        "refresh_token)",
    )


class TokenResponse(_Answer):
    access_token: str
    expires_in: int
    hub_epoch: str
    refresh_token: str | None = Field(
        default=None,
        description="The device's next refresh token (rotated on every use): store it before "
        "using the access token. None from hubs that do not rotate.",
    )


def token_proof_message(device_id: str, hub_epoch: str, refresh_token: str) -> bytes:
    """What a device signs to prove it holds its key when a restored hub no longer knows its
    refresh token (docs/sync.md, "Refresh tokens"): bound to the hub's current epoch."""
    token_digest = hashlib.sha256(refresh_token.encode("utf-8")).hexdigest()
    return f"spoke-token-v1|{device_id}|{hub_epoch}|{token_digest}".encode()


def reenrol_message(old_device_id: str, public_key: str) -> bytes:
    """What a laptop enrolling again signs with its old device key: the old device and the
    new device's public key (so the signature cannot vouch for any other new key)."""
    return f"spoke-reenrol-v1|{old_device_id}|{public_key}".encode()


# ------------------------------------------------------------------------------ push
class ChangeIn(_Model):
    """One record version written on a device."""

    id: str = Field(min_length=36, max_length=36, description="UUIDv7 made on the device")
    record_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=40)
    op: Op
    payload: dict[str, Any]
    author: str = Field(max_length=64)
    local_time: str = Field(max_length=40, description="device clock; metadata only")
    base_seq: int | None = Field(default=None, ge=0, le=MAX_SEQ)
    base: dict[str, Any] | None = None


class ChainProof(_Model):
    prev_head: str = Field(pattern=r"^[0-9a-f]{64}$")
    head: str = Field(pattern=r"^[0-9a-f]{64}$")
    signature: str = Field(min_length=80, max_length=100, description="Ed25519, base64")


class PushRequest(_Model):
    hub_epoch: str = Field(max_length=64)
    changes: list[ChangeIn] = Field(min_length=1, max_length=MAX_BATCH_CHANGES)
    chain: ChainProof
    # The JSON bytes sent, when made before (not a field: never on the wire as such).
    _body: bytes | None = PrivateAttr(default=None)

    @classmethod
    def from_wires(cls, hub_epoch: str, changes: list[ChangeIn], wires: Sequence[bytes],
                   chain: ChainProof) -> PushRequest:
        """A request the laptop built itself (its values already valid), whose body is made
        from each change's canonical bytes (:func:`canonical_change`, made once for the chain)
        instead of serialising every change a second time: the same JSON value as
        ``model_dump_json`` (keys sorted within each change), about 40 % cheaper."""
        request = cls.model_construct(hub_epoch=hub_epoch, changes=changes, chain=chain)
        request._body = b"".join((
            b'{"hub_epoch":', orjson.dumps(hub_epoch), b',"changes":[', b",".join(wires),
            b'],"chain":', chain.model_dump_json().encode(), b"}",
        ))
        return request

    @classmethod
    def from_body(cls, body: str | bytes) -> PushRequest:
        """A request parsed (and validated) from the body sent before, keeping those bytes so
        a re-send is byte for byte the first send. ValidationError if it is not one."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        request = cls.model_validate_json(raw)
        request._body = raw
        return request

    def body(self) -> bytes:
        """The JSON bytes to send: made once, then the same every time."""
        if self._body is None:
            self._body = self.model_dump_json().encode()
        return self._body


ChangeStatus = Literal["accepted", "duplicate", "conflict"]


class AlertReach(_Answer):
    """Who the hub would alert about a visit, and how: counts only, no names or numbers.

    Worked out when the hub answers, from its escalation policy, its contacts for the
    worker's team and the notifiers that are set up (with their secrets): ``people`` is how
    many people beyond the worker the tiers can reach by SMS or email (the buddy from the
    plan, each contact); ``by_channel`` counts the people reachable by ``sms`` and ``email``
    and the ``webhook`` receivers (alarm receiving centres); ``missing`` names the tiers' roles
    nobody can be reached for. ``people == 0`` and no webhook: the hub has nobody to alert.
    """

    people: int = Field(ge=0)
    by_channel: dict[str, int] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=list, max_length=40)

    @property
    def anyone(self) -> bool:
        """True if at least one person or receiver can be alerted."""
        return self.people > 0 or self.by_channel.get("webhook", 0) > 0


class VisitWatchAck(_Answer):
    """The hub's word on a lone-working visit after a batch: is it watching, until when, and
    who it would alert.

    ``escalation_starts_at`` is when the hub will start escalating if nothing more reaches it
    (the next check-in deadline plus the hub's grace period), computed after the whole batch
    was applied; None once the visit is over (ended, home safe) and no longer watched. The
    worker's laptop shows a visit as ARMED only with such an acknowledgement in hand.
    ``reach`` (issue 13) says who the escalation would reach; None from a hub older than it.
    """

    visit_id: str = Field(min_length=1, max_length=64)
    escalation_starts_at: datetime | None
    reach: AlertReach | None = None


class ChangeResult(_Answer):
    id: str
    status: ChangeStatus
    seq: int
    conflict_ids: list[str] = Field(default_factory=list)
    watch: VisitWatchAck | None = Field(
        default=None,
        description="Set on every safety change (SAFETY_KINDS) the hub accepted or already had.",
    )


class PushResponse(_Answer):
    """Sent only after the hub's transaction committed: the durable acknowledgement."""

    results: list[ChangeResult]
    chain_head: str
    hub_epoch: str


# ------------------------------------------------------------------------------ pull
class ChangeOut(_Answer):
    seq: int
    record_id: str
    kind: str
    op: PullOp
    case_id: str | None
    payload: dict[str, Any] | None  # None for purge
    author: str | None
    hub_time: str


class PullResponse(_Answer):
    hub_epoch: str
    max_seq: int
    changes: list[ChangeOut]
    next_after: int
    more: bool
    #: The highest seq the hub's newest backup holds (None: no backup known), contract C2.
    backup_seq: int | None = None


class OwnWindow(NamedTuple):
    """What a pull asks the hub to leave out (docs/sync.md, "Own records are not pulled
    back"): the first and last seq the hub gave this laptop's events in the pushes just
    before the pull (query ``own_from``, ``own_to``).

    ``whole`` (query ``own_whole=1``): the laptop says *every* seq from ``first`` to ``last``
    is one of those events - its acknowledgements hold each of them, no gap - so the hub
    leaves the whole range out by seq alone, without reading each row to check whose
    version it is. Sound because a seq names one version: anything the hub or another
    device wrote since has a seq of its own, outside a range with no gap. Only the asking
    laptop is affected by what it claims (it is sent less, never more)."""

    first: int
    last: int
    whole: bool = False


class DeviceStatus(_Answer):
    device_id: str
    status: Literal["active", "revoked", "retired"]
    wipe: bool


# ------------------------------------------------------------------------------ chain
_CANONICAL_JSON = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


#: What :func:`_json_shape` finds: not plain JSON (``model_dump`` first), plain JSON that needs
#: the standard library (a float, whose text orjson may write differently, or an integer
#: beyond 64 bits), or plain JSON that orjson writes byte for byte as ``json.dumps`` does.
NOT_PLAIN, PLAIN, FAST = 0, 1, 2
_INT64 = (-(2**63), 2**63 - 1)


def _json_shape(value: object) -> int:
    """NOT_PLAIN, PLAIN or FAST (above) for ``value``: exact JSON types only (str keys,
    finite floats) are plain, for which ``model_dump(mode="json")`` changes nothing."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    shape = FAST
    low, high = _INT64
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not low <= item <= high:  # type: ignore[operator]
                shape = PLAIN
            continue
        if kind is dict:
            for key in item:  # type: ignore[attr-defined]
                if type(key) is not str:
                    return NOT_PLAIN
            push(item.values())  # type: ignore[attr-defined]
        elif kind is list:
            push(item)  # type: ignore[arg-type]
        elif kind is float and math.isfinite(item):  # type: ignore[arg-type]
            shape = PLAIN
        else:
            return NOT_PLAIN
    return shape


def _plain_json(value: object) -> bool:
    """True if ``value`` is made only of exact JSON types (str keys, finite floats)."""
    return _json_shape(value) != NOT_PLAIN


def canonical_change(change: ChangeIn) -> bytes:
    """The bytes hashed into the chain: the change as sorted, compact JSON (UTF-8).

    Defined as ``json.dumps(change.model_dump(mode="json"), sort_keys=True,
    separators=(",", ":"), ensure_ascii=False)``. The common case (a payload of plain JSON
    values, as parsed from the wire or the casebook) skips the ``model_dump``: the same dict is
    built from the fields directly, so the bytes are identical (tests/unit/sync/
    test_protocol_speedups.py checks both ways agree over random changes).
    """
    return canonical_bytes(change)[0]


def canonical_bytes(change: ChangeIn) -> tuple[bytes, bool]:
    """:func:`canonical_change`'s bytes, and True when orjson's sorted output made them (the
    common case; ``spokeapp.store`` writes a change-log row's wire the same way, so for one
    unsquashed change the two are equal without comparing them)."""
    fields = {
        "author": change.author, "base": change.base, "base_seq": change.base_seq,
        "id": change.id, "kind": change.kind, "local_time": change.local_time, "op": change.op,
        "payload": change.payload, "record_id": change.record_id,
    }
    shape = _json_shape(fields)
    if shape == FAST:
        # orjson's sorted, compact UTF-8 output is the definition's, byte for byte, for
        # strings, 64-bit integers, booleans, null, lists and string-keyed objects (sorted by
        # code point either way); test_protocol_speedups checks it over random changes.
        try:
            return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS), True
        except orjson.JSONEncodeError:  # e.g. a lone surrogate: the definition decides
            shape = PLAIN
    if shape == PLAIN:
        return _CANONICAL_JSON(fields).encode("utf-8"), False
    return json.dumps(
        change.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8"), False


def chain_step(prev_head: str, change: ChangeIn) -> str:
    """Next chain head: SHA-256 over the previous head's bytes and the canonical change."""
    return hashlib.sha256(bytes.fromhex(prev_head) + canonical_change(change)).hexdigest()


def chain_heads(prev_head: str, changes: list[ChangeIn]) -> list[str]:
    """The head after each change, in order."""
    heads = []
    head = prev_head
    for change in changes:
        head = chain_step(head, change)
        heads.append(head)
    return heads


def chain_message(device_id: str, prev_head: str, head: str) -> bytes:
    """What the device signs for a batch: it vouches for every change between the heads."""
    return f"spoke-chain-v1|{device_id}|{prev_head}|{head}".encode("ascii")


# ------------------------------------------------------------------------------ conflicts
CONFLICT_KIND: Final = "conflict"


class ConflictPayload(_Model):
    """The body of a ``conflict`` record, opened by the hub when two edits of one header field
    collide (docs/sync.md, "Headers and conflicts"). The hub's value was kept; a person
    resolves it by editing the header and pushing this record back with ``resolved`` set.
    """

    id: str
    record_id: str
    record_kind: str
    case_id: str | None
    field: str
    hub_value: Any
    device_value: Any
    hub_author: str  # who wrote the kept value (not the record's first author)
    device_author: str
    hub_seq: int
    change_id: str
    device_local_time: str
    opened_at: str
    resolved: bool = False
    resolved_by: str | None = None
    resolved_at: str | None = None
    #: The laptop's values of every field a record rule ties to ``field`` (``field``
    #: included), so a person can take the laptop's side of the rule whole; empty if none.
    device_tied: dict[str, Any] = Field(default_factory=dict)
    #: How it was settled: the hub's value kept, or the laptop's taken (None: not said).
    resolution: Literal["hub", "laptop"] | None = None


# ------------------------------------------------------------------------------ team view
class DeviceContactOut(_Answer):
    """One of a worker's laptops and when it last reached the hub (hub clock)."""

    device_id: str
    name: str
    last_seen_at: datetime | None


class WorkerFiguresOut(_Answer):
    """A row of the supervisor's team view (``spokeapp.domain.team.WorkerFigures``)."""

    user_id: str
    name: str
    active_cases: int
    load: Literal["under", "within", "over"]
    risk_levels: dict[str, int]
    reviews_overdue: int
    no_assessment_yet: int
    unreviewed_notes: int
    last_contact: datetime | None
    silent_devices: list[str]
    devices: list[DeviceContactOut]
    warnings: list[str]


class TeamResponse(_Answer):
    """``GET /v1/team``: the team's figures, counted on the hub (no case content)."""

    team: str
    computed_at: datetime
    caseload_guide: tuple[int, int]
    workers: list[WorkerFiguresOut]


# ------------------------------------------------------------------------------ reports
class FigureOut(_Answer):
    """One figure as shown: ``count`` is null when withheld in the funder form; ``of`` names
    the figure this one is a share of (so a laptop can rebuild the report exactly)."""

    key: str
    section: str
    label: str
    count: int | None
    value: str
    share: str
    of: str | None = None
    expected: float | None = Field(
        default=None, description="a benchmark count this figure is a share of instead of `of`")
    benchmark: bool = Field(
        default=False, description="a published expectation, not a count of anyone: never withheld")


class FigureGroupOut(_Answer):
    """Figures that add up to another (``parts`` sum to ``total``): what suppression needs."""

    total: str
    parts: list[str]


class ReportResponse(_Answer):
    """``GET /v1/reports``: the figures in reading order, counted on the hub."""

    scope: str
    period_from: date
    period_to: date
    funder: bool
    computed_at: datetime
    note: str
    figures: list[FigureOut]
    groups: list[FigureGroupOut] = Field(default_factory=list)
    scope_name: str = Field(default="", description="the scope in words, a worker by name")
    organisation: str = Field(default="", description="the hub's organisation, for the PDF")


# ------------------------------------------------------------------------------ areas
class AreaOut(_Answer):
    """A local authority area a case can be recorded in, and the postcode districts
    ("EX1") that suggest it."""

    name: str
    districts: list[str] = Field(default_factory=list)


class AreasResponse(_Answer):
    """``GET /v1/areas``: the hub's local authority areas, by name (``spoke-hub areas``)."""

    areas: list[AreaOut]


class ApprovedRelease(_Answer):
    """``GET /v1/version``: the Spoke version the hub's administrator has approved for laptops
    (``spoke-hub release approve VERSION [--url URL]``), or none: then no laptop shows an
    update notice. Laptops ask their own hub only, never another server."""

    version: str | None = None
    url: str | None = None


# ------------------------------------------------------------------------------ people
class PersonOut(_Answer):
    """A colleague's name, so the laptop shows names rather than user ids (issue 17)."""

    user_id: str
    name: str


class PeopleResponse(_Answer):
    """``GET /v1/people``: the names the caller needs to know (a worker: themselves and their
    team's supervisors; a supervisor: their team; an administrator: themselves)."""

    people: list[PersonOut]


# ------------------------------------------------------------------------------ audit of views
MAX_CASE_VIEWS: Final = 1000


class CaseViewIn(_Model):
    """A supervisor or admin opened a case on their laptop (the laptop's audit row)."""

    seq: int = Field(ge=1, le=MAX_SEQ,
                     description="the laptop's audit sequence number, ascending")
    case_id: str = Field(min_length=1, max_length=64, pattern=_NO_CONTROLS)
    at: datetime = Field(description="laptop clock; metadata only")


class CaseViewsRequest(_Model):
    views: list[CaseViewIn] = Field(min_length=1, max_length=MAX_CASE_VIEWS)


class CaseViewsResponse(_Answer):
    """How many views were newly recorded, and the highest laptop seq the hub now holds."""

    recorded: int
    up_to: int


# ------------------------------------------------------------------------------ attachments
class AttachmentLimits(_Answer):
    """``GET /v1/attachments/limits``: the largest file the hub takes (bytes; the hub's
    ``attachment_max_bytes``) and the chunk size files move in."""

    max_bytes: int
    chunk_bytes: int = ATTACHMENT_CHUNK_BYTES


class AttachmentStatus(_Answer):
    """``GET /v1/attachments/{sha256}`` (and the answer to each chunk sent): the file's size,
    the chunk size, the indices of the chunks the hub holds (a dropped upload resumes from
    them) and whether the file is complete (every chunk here, hashing to ``sha256``)."""

    sha256: str
    size: int
    chunk_bytes: int = ATTACHMENT_CHUNK_BYTES
    received: list[int] = Field(default_factory=list)
    complete: bool = False
