"""Laptops on the hub: enrolment with a one-time code, access tokens, and who is asking.

Two ways to take a laptop out of service (``spoke-hub device revoke``):

* **revoked with wipe** (``--wipe``, a lost or stolen laptop): every call is refused
  ``401 device_revoked`` with ``wipe = true``; the laptop erases its casebook at its next
  contact (decision 7).
* **retired** (no ``--wipe``, a laptop handed back): the hub still issues it tokens and accepts
  its pushes, so nothing written on it is lost, but refuses pulls with ``401 device_retired``;
  the laptop sends everything waiting and then stops syncing.

A device stored as ``revoked`` without ``wipe`` (made by hubs before retirement existed) is
refused everything, as before.

Refresh tokens rotate on every ``POST /v1/token`` (docs/sync.md, "Refresh tokens"): the answer
carries the next one and the one presented stops working. The replacement is derived from the
presented token (``security.next_refresh_token``), so when an answer is lost on the way the
laptop's retry with the old token within ``grace_seconds`` gets the very same replacement
(nothing new is issued: the device still has one chain of tokens). The old token presented
later, or after its replacement was used, is a copied token: the device is locked
(``refresh_reused_at``, audited), every token it holds is refused ``401 refresh_reused`` and it
must enrol again. A token unused for ``idle_days`` is refused ``401 refresh_expired``. After a
hub restore (a new epoch since the device's token was issued) a token the hub no longer knows
is accepted once with the device's Ed25519 signature (``proof``) instead.

A laptop whose sign-in ended enrols again with a new code as a **new** device, naming the
device it was (``EnrolRequest.replaces``, signed with that device's key): the code must be for
the same person, the old device must be of this hub, and a device revoked with ``wipe`` is
answered ``device_revoked`` (wipe) instead. The old device is left as it is.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from hmac import compare_digest
from typing import Any

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.orm import Session

from spokeapp.domain.roles import Role
from spokeapp.hub.config import DEFAULT_REFRESH_GRACE_SECONDS, DEFAULT_REFRESH_IDLE_DAYS
from spokeapp.hub.db import reading_session
from spokeapp.hub.errors import HubError, unauthorised
from spokeapp.hub.ledger import META_EPOCH, META_HUB_ID, META_SECRET, audit, lock_writes, meta
from spokeapp.hub.models import Device, EnrolmentCode, User
from spokeapp.hub.scope import Actor
from spokeapp.hub.security import (
    Clock,
    digest,
    iso,
    issue_access_token,
    load_public_key,
    new_refresh_token,
    next_refresh_token,
    normalise_code,
    parse_iso,
    read_access_token,
    signature_valid,
)
from spokeapp.sync.protocol import (
    GENESIS_HEAD,
    EnrolRequest,
    EnrolResponse,
    TokenRequest,
    TokenResponse,
    reenrol_message,
    token_proof_message,
)

log = logging.getLogger(__name__)

ACTIVE = "active"
REVOKED = "revoked"
RETIRED = "retired"
#: Statuses whose devices may still sign in and push.
MAY_PUSH = frozenset({ACTIVE, RETIRED})


def _refused_code() -> HubError:
    return HubError(
        400,
        "invalid_code",
        "This enrolment code is not valid: it may be mistyped, already used or more than "
        "24 hours old. Ask your hub administrator for a new one.",
    )


def enrol(session: Session, request: EnrolRequest, clock: Clock) -> EnrolResponse:
    """Register a laptop's public key against a one-time code; returns its credentials.

    The code is claimed by one conditional ``UPDATE ... WHERE used_at IS NULL AND expires_at >
    now`` whose row count decides: on SQLite and PostgreSQL alike only one of any number of
    simultaneous requests with the same code can claim it (the others find it used).
    """
    now = clock()
    if load_public_key(request.public_key) is None:
        raise HubError(422, "invalid_public_key", "public_key must be a base64 Ed25519 key.")
    previous = None if request.replaces is None else _replaced_device(session, request)
    code_hash = digest(normalise_code(request.code))
    stamp = iso(now)
    claimed = session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.code_hash == code_hash, EnrolmentCode.used_at.is_(None),
               EnrolmentCode.expires_at > stamp)
        .values(used_at=stamp)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        log.info("enrolment refused (bad, used or expired code)")
        raise _refused_code()
    code = session.get(EnrolmentCode, code_hash, populate_existing=True)
    user = None if code is None else session.get(User, code.user_id)
    if code is None or user is None:  # pragma: no cover - the row was just claimed
        raise _refused_code()
    if previous is not None and previous.user_id != user.id:
        # The casebook holds that person's caseload: it may not become someone else's.
        # Raised inside the transaction, so the code is not used up (nothing is stored).
        log.info("re-enrolment refused: the code is for another person")
        raise HubError(
            403, "other_person",
            "This enrolment code is for someone else, but this laptop holds the caseload of "
            "the person it was enrolled for. Ask your hub administrator for a code in your "
            "own name.",
        )
    refresh = new_refresh_token()
    device_id = str(uuid.uuid4())
    epoch = meta(session, META_EPOCH)
    session.add(
        Device(
            id=device_id,
            user_id=user.id,
            name=request.device_name,
            public_key=request.public_key,
            status=ACTIVE,
            wipe=False,
            refresh_hash=digest(refresh),
            chain_head=GENESIS_HEAD,
            enrolled_at=stamp,
            refresh_issued_at=stamp,
            refresh_epoch=epoch,
        )
    )
    code.device_id = device_id
    audit(session, user.id, "enrol", device_id,
          "" if previous is None else f"replaces={previous.id}")
    if previous is None:
        log.info("device %s enrolled for user %s", device_id, user.id)
    else:  # the old device stays as it is (locked, expired, revoked...)
        log.info("device %s enrolled for user %s, replacing device %s", device_id, user.id,
                 previous.id)
    return EnrolResponse(
        device_id=device_id,
        user_id=user.id,
        user_name=user.name,
        role=Role(user.role),
        team=user.team,
        refresh_token=refresh,
        hub_id=meta(session, META_HUB_ID),
        hub_epoch=epoch,
    )


def _replaced_device(session: Session, request: EnrolRequest) -> Device:
    """The device a laptop enrolling again says it was (docs/sync.md, "Enrolling again"),
    checked before the code is looked at: it must be a device of this hub, the request must be
    signed with that device's key, and a device revoked with ``wipe`` is told to wipe (it may
    not get round the wipe by enrolling again)."""
    replaces = request.replaces
    assert replaces is not None
    device = session.get(Device, replaces.device_id)
    if device is None:
        log.info("re-enrolment refused: unknown device")
        raise HubError(
            400, "unknown_device",
            "This hub does not know the laptop: it was enrolled with another hub. A laptop "
            "can only be enrolled again with the hub it was enrolled with.",
        )
    message = reenrol_message(device.id, request.public_key)
    if not signature_valid(device.public_key, replaces.signature, message):
        log.warning("re-enrolment refused: bad signature for device %s", device.id)
        raise HubError(401, "bad_signature", "The request is not signed by that device.")
    if device.status == REVOKED and device.wipe:
        log.warning("device %s, revoked with wipe, asked to enrol again", device.id)
        raise _revoked(device)
    return device


def _revoked(device: Device | CallerDevice) -> HubError:
    return HubError(
        401,
        "device_revoked",
        "This device has been revoked by the hub administrator.",
        wipe=device.wipe,
    )


def retired_error() -> HubError:
    """What a retired device hears when it asks for records."""
    return HubError(
        401,
        "device_retired",
        "This device has been retired by the hub administrator: it may still send what it "
        "holds, but receives nothing more.",
    )


def reused_error() -> HubError:
    """What a device locked for a re-presented refresh token hears, whatever it asks."""
    return HubError(
        401,
        "refresh_reused",
        "This laptop's sign-in was used twice (an old sign-in came back, so it may have been "
        "copied) and the hub has stopped accepting it. Ask your hub administrator to enrol "
        "this laptop again.",
    )


def expired_error(idle_days: int) -> HubError:
    """A refresh token that was not used for ``idle_days``."""
    return HubError(
        401,
        "refresh_expired",
        f"This laptop has not signed in to the hub for more than {idle_days} days, so its "
        "sign-in has expired. Ask your hub administrator to enrol it again.",
    )


def _proof_required() -> HubError:
    return HubError(
        401,
        "refresh_proof_required",
        "The hub was restored from a backup and no longer knows this sign-in: send it again "
        "with the device's signature (proof).",
    )


def _last_use(device: Device) -> datetime:
    return parse_iso(device.refresh_issued_at or device.last_seen_at or device.enrolled_at)


def issue_token(
    session: Session, request: TokenRequest, clock: Clock, lifetime_seconds: int, *,
    idle_days: int = DEFAULT_REFRESH_IDLE_DAYS,
    grace_seconds: int = DEFAULT_REFRESH_GRACE_SECONDS,
) -> TokenResponse | HubError:
    """A short-lived access token and the next refresh token for a device that presents its
    refresh token (rotation, reuse detection and expiry: see the module docstring).

    Refusals that change nothing are raised. A re-presented token locks the device, and a
    device revoked with wipe is recorded as told (audit ``device_wipe_sent``): those
    refusals are *returned*, so the caller commits what they wrote and then raises them.
    """
    lock_writes(session)  # one writer: two refreshes of one device never interleave
    device = session.get(Device, request.device_id)
    if device is None:
        raise unauthorised("The device id or refresh token is not valid. Enrol again.")
    now = clock()
    presented = digest(request.refresh_token)
    is_current = compare_digest(presented, device.refresh_hash)
    is_previous = device.previous_refresh_hash is not None and compare_digest(
        presented, device.previous_refresh_hash)
    epoch = meta(session, META_EPOCH)
    proven = False
    if not is_current and not is_previous:
        # A hub restored from a backup has forgotten the rotations made since: the device
        # proves with its own key that it is itself, once per epoch (docs/sync.md).
        if device.refresh_epoch == epoch or device.status not in MAY_PUSH \
                or device.refresh_reused_at is not None:
            raise unauthorised("The device id or refresh token is not valid. Enrol again.")
        if request.proof is None:
            raise _proof_required()
        message = token_proof_message(device.id, epoch, request.refresh_token)
        if not signature_valid(device.public_key, request.proof, message):
            raise unauthorised("The device id or refresh token is not valid. Enrol again.")
        proven = True
        log.info("device %s proved itself after a hub restore", device.id)
    if device.status not in MAY_PUSH:
        if device.wipe:
            # A lost laptop told to erase its casebook: recorded (and committed by the
            # caller) so the officer's report can say the wipe was delivered
            # (hub.device_report). Rare: such a laptop wipes itself and stops.
            device.last_seen_at = iso(now)
            audit(session, device.user_id, "device_wipe_sent", device.id)
            log.warning("device %s, revoked with wipe, was told to wipe", device.id)
            return _revoked(device)
        raise _revoked(device)
    if device.refresh_reused_at is not None:
        raise reused_error()
    secret = meta(session, META_SECRET)
    replacement = next_refresh_token(secret, device.id, request.refresh_token)
    if is_previous and not is_current:
        issued = _last_use(device)
        lost_answer = (compare_digest(digest(replacement), device.refresh_hash)
                       and timedelta(0) <= now - issued <= timedelta(seconds=grace_seconds))
        if not lost_answer:
            device.refresh_reused_at = iso(now)
            audit(session, device.user_id, "refresh_reused", device.id)
            log.warning("device %s presented a replaced refresh token: locked", device.id)
            return reused_error()
        log.info("device %s retried a refresh whose answer was lost", device.id)
    else:
        if not proven and now - _last_use(device) > timedelta(days=idle_days):
            raise expired_error(idle_days)
        device.previous_refresh_hash = presented
        device.refresh_hash = digest(replacement)
        device.refresh_issued_at = iso(now)
        device.refresh_epoch = epoch
    expires = int(now.timestamp()) + lifetime_seconds
    device.last_seen_at = iso(now)
    return TokenResponse(
        access_token=issue_access_token(secret, device.id, expires),
        expires_in=lifetime_seconds,
        hub_epoch=epoch,
        refresh_token=replacement,
    )


@dataclass(frozen=True, slots=True)
class CallerDevice:
    """What a request needs of the calling laptop's ``devices`` row, read with its user in one
    query (not an ORM object: nothing written to it could be flushed by mistake)."""

    id: str
    user_id: str
    status: str
    wipe: bool
    public_key: str
    reused: bool = False


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated request: the device and the person it belongs to."""

    device: CallerDevice
    actor: Actor


#: How long a hub process trusts the token secret it read (``spoke-hub init`` sets it once;
#: a restore from backup may bring another, and tokens signed with the old one then stop
#: working within this time). Saves a database round trip on every request.
SECRET_CACHE_SECONDS = 60.0
#: Where the cached secret lives: the pooled database connection's own ``info`` dict, so
#: the cache belongs to the engine's pool (no module-level state) and goes with it.
_SECRET_INFO_KEY = "spoke.token_secret"  # noqa: S105 - a dict key, not a secret

_DEVICES = Device.__table__
_USERS = User.__table__
#: The callers' devices and users in one indexed lookup, as plain columns (docs/sync.md,
#: "Speed").
_CALLERS_QUERY = (
    select(_DEVICES.c.id, _DEVICES.c.user_id, _DEVICES.c.status, _DEVICES.c.wipe,
           _DEVICES.c.public_key, _USERS.c.role, _USERS.c.team, _DEVICES.c.refresh_reused_at)
    .join(_USERS, _USERS.c.id == _DEVICES.c.user_id)
    .where(_DEVICES.c.id.in_(bindparam("device_ids", expanding=True)))
)
#: The same for one device (``device_id``), for a pull's token check, which is sent with
#: the page's reads (hub.pull.pull_json_for).
CALLER_QUERY = (
    select(_DEVICES.c.id, _DEVICES.c.user_id, _DEVICES.c.status, _DEVICES.c.wipe,
           _DEVICES.c.public_key, _USERS.c.role, _USERS.c.team, _DEVICES.c.refresh_reused_at)
    .join(_USERS, _USERS.c.id == _DEVICES.c.user_id)
    .where(_DEVICES.c.id == bindparam("device_id"))
)


def token_secret(session: Session) -> str:
    """The hub's token secret, read at most every :data:`SECRET_CACHE_SECONDS` per pooled
    connection (cached in the connection's ``info``, owned by the engine's pool)."""
    info = session.connection().info
    now = time.monotonic()
    cached = info.get(_SECRET_INFO_KEY)
    if cached is not None and now - cached[0] < SECRET_CACHE_SECONDS:
        return str(cached[1])
    secret = meta(session, META_SECRET)
    info[_SECRET_INFO_KEY] = (now, secret)
    return secret


def authenticate(
    session: Session, authorization: str | None, clock: Clock, *, allow_revoked: bool = False,
    allow_retired: bool = False,
) -> Caller:
    """The caller behind ``Authorization: Bearer ...``; 401 for anything else.

    A revoked device is refused with ``device_revoked`` (and its wipe flag) unless
    ``allow_revoked`` (the status endpoint, which exists to tell it so). A retired device is
    refused with ``device_retired`` unless ``allow_retired`` (push and status). The device's
    status is read on every request, so a revocation takes effect at its next contact.
    """
    return authenticate_many(session, [authorization], clock, allow_revoked=allow_revoked,
                             allow_retired=allow_retired)[0].result()


@dataclass(frozen=True, slots=True)
class Authenticated:
    """One request's outcome of :func:`authenticate_many`: its caller, or why it is refused."""

    caller: Caller | None
    refusal: HubError | None = None

    def result(self) -> Caller:
        """The caller; raises the refusal."""
        if self.caller is None:
            raise self.refusal or unauthorised()
        return self.caller


def claimed_device(secret: str, authorization: str | None, now: datetime) -> str | None:
    """The device a genuine, unexpired ``Bearer`` token names; None for anything else."""
    if not authorization or not authorization.isascii() \
            or not authorization.startswith("Bearer "):
        return None
    claims = read_access_token(secret, authorization[7:].strip(), now)
    return None if claims is None else claims.device_id


def answer_for(row: Sequence[Any] | None, *, allow_revoked: bool = False,
               allow_retired: bool = False) -> Authenticated:
    """The caller a row of :data:`CALLER_QUERY` (or None: no such device) stands for, or the
    refusal :func:`authenticate` raises."""
    if row is None:
        return Authenticated(None, unauthorised())
    device_id, user_id, status, wipe, public_key, role, team, reused_at = row
    device = CallerDevice(id=device_id, user_id=user_id, status=status, wipe=bool(wipe),
                          public_key=public_key, reused=reused_at is not None)
    if device.reused and not (status == REVOKED and wipe):
        # Its tokens may be in someone else's hands: nothing more (a lost laptop marked to
        # be wiped still learns so below).
        return Authenticated(None, reused_error())
    if status == RETIRED and not (allow_retired or allow_revoked):
        return Authenticated(None, retired_error())
    if status not in (ACTIVE, RETIRED) and not allow_revoked:
        return Authenticated(None, _revoked(device))
    actor = Actor(user_id=user_id, role=role, team=team, device_id=device.id)
    return Authenticated(Caller(device=device, actor=actor))


def authenticate_many(
    session: Session, authorizations: list[str | None], clock: Clock, *,
    allow_revoked: bool = False, allow_retired: bool = False,
) -> list[Authenticated]:
    """:func:`authenticate` for several requests at once (a group of pushes): one query for
    all their devices. Each answer is the caller or the refusal :func:`authenticate` raises."""
    secret = token_secret(session)
    now = clock()
    claimed = [claimed_device(secret, authorization, now) for authorization in authorizations]
    wanted = sorted({device_id for device_id in claimed if device_id is not None})
    rows: dict[str, Any] = {}
    if wanted:
        rows = {row[0]: row for row in session.connection().execute(
            _CALLERS_QUERY, {"device_ids": wanted})}
    return [
        answer_for(None if device_id is None else rows.get(device_id),
                   allow_revoked=allow_revoked, allow_retired=allow_retired)
        for device_id in claimed
    ]


def request_caller(engine: Engine, authorization: str | None, clock: Clock, *,
                   allow_retired: bool = False) -> Caller:
    """:func:`authenticate` in a reading session of its own (the API's token check)."""
    with reading_session(engine) as session:
        return authenticate(session, authorization, clock, allow_retired=allow_retired)
