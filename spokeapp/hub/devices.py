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
"""

from __future__ import annotations

import logging
import time
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from spokeapp.hub.db import reading_session
from spokeapp.hub.errors import HubError, unauthorised
from spokeapp.hub.ledger import META_EPOCH, META_HUB_ID, META_SECRET, audit, meta
from spokeapp.hub.models import Device, EnrolmentCode, User
from spokeapp.hub.scope import Actor
from spokeapp.hub.security import (
    Clock,
    digest,
    iso,
    issue_access_token,
    load_public_key,
    new_refresh_token,
    normalise_code,
    parse_iso,
    read_access_token,
)
from spokeapp.sync.protocol import (
    GENESIS_HEAD,
    EnrolRequest,
    EnrolResponse,
    Role,
    TokenRequest,
    TokenResponse,
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
    """Register a laptop's public key against a one-time code; returns its credentials."""
    now = clock()
    code = session.get(EnrolmentCode, digest(normalise_code(request.code)), with_for_update=True)
    if code is None or code.used_at is not None or parse_iso(code.expires_at) <= now:
        log.info("enrolment refused (bad, used or expired code)")
        raise _refused_code()
    if load_public_key(request.public_key) is None:
        raise HubError(422, "invalid_public_key", "public_key must be a base64 Ed25519 key.")
    user = session.get(User, code.user_id)
    if user is None:  # pragma: no cover - foreign key
        raise _refused_code()
    refresh = new_refresh_token()
    device_id = str(uuid.uuid4())
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
            enrolled_at=iso(now),
        )
    )
    code.used_at = iso(now)
    code.device_id = device_id
    audit(session, user.id, "enrol", device_id)
    log.info("device %s enrolled for user %s", device_id, user.id)
    role: Role = user.role  # type: ignore[assignment]
    return EnrolResponse(
        device_id=device_id,
        user_id=user.id,
        user_name=user.name,
        role=role,
        team=user.team,
        refresh_token=refresh,
        hub_id=meta(session, META_HUB_ID),
        hub_epoch=meta(session, META_EPOCH),
    )


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


def issue_token(
    session: Session, request: TokenRequest, clock: Clock, lifetime_seconds: int
) -> TokenResponse:
    """A short-lived access token for a device that presents its refresh token."""
    device = session.get(Device, request.device_id)
    if device is None or device.refresh_hash != digest(request.refresh_token):
        raise unauthorised("The device id or refresh token is not valid. Enrol again.")
    if device.status not in MAY_PUSH:
        raise _revoked(device)
    now = clock()
    expires = int(now.timestamp()) + lifetime_seconds
    device.last_seen_at = iso(now)
    return TokenResponse(
        access_token=issue_access_token(meta(session, META_SECRET), device.id, expires),
        expires_in=lifetime_seconds,
        hub_epoch=meta(session, META_EPOCH),
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


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated request: the device and the person it belongs to."""

    device: CallerDevice
    actor: Actor


#: How long a hub process trusts the token secret it read (``spoke-hub init`` sets it once;
#: a restore from backup may bring another, and tokens signed with the old one then stop
#: working within this time). Saves a database round trip on every request.
SECRET_CACHE_SECONDS = 60.0
_secrets: weakref.WeakKeyDictionary[Engine, tuple[float, str]] = weakref.WeakKeyDictionary()

_DEVICES = Device.__table__
_USERS = User.__table__
#: The callers' devices and users in one indexed lookup, as plain columns (docs/sync.md,
#: "Speed").
_CALLERS_QUERY = (
    select(_DEVICES.c.id, _DEVICES.c.user_id, _DEVICES.c.status, _DEVICES.c.wipe,
           _DEVICES.c.public_key, _USERS.c.role, _USERS.c.team)
    .join(_USERS, _USERS.c.id == _DEVICES.c.user_id)
    .where(_DEVICES.c.id.in_(bindparam("device_ids", expanding=True)))
)
#: The same for one device (``device_id``), for a pull's token check, which is sent with
#: the page's reads (sync_service.pull_json_for).
CALLER_QUERY = (
    select(_DEVICES.c.id, _DEVICES.c.user_id, _DEVICES.c.status, _DEVICES.c.wipe,
           _DEVICES.c.public_key, _USERS.c.role, _USERS.c.team)
    .join(_USERS, _USERS.c.id == _DEVICES.c.user_id)
    .where(_DEVICES.c.id == bindparam("device_id"))
)


def token_secret(session: Session) -> str:
    """The hub's token secret, read at most every :data:`SECRET_CACHE_SECONDS` per engine."""
    engine = session.get_bind()
    now = time.monotonic()
    cached = _secrets.get(engine) if isinstance(engine, Engine) else None
    if cached is not None and now - cached[0] < SECRET_CACHE_SECONDS:
        return cached[1]
    secret = meta(session, META_SECRET)
    if isinstance(engine, Engine):
        _secrets[engine] = (now, secret)
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
    if not authorization or not authorization.startswith("Bearer "):
        return None
    claims = read_access_token(secret, authorization[7:].strip(), now)
    return None if claims is None else claims.device_id


def answer_for(row: Sequence[Any] | None, *, allow_revoked: bool = False,
               allow_retired: bool = False) -> Authenticated:
    """The caller a row of :data:`CALLER_QUERY` (or None: no such device) stands for, or the
    refusal :func:`authenticate` raises."""
    if row is None:
        return Authenticated(None, unauthorised())
    device_id, user_id, status, wipe, public_key, role, team = row
    device = CallerDevice(id=device_id, user_id=user_id, status=status, wipe=bool(wipe),
                          public_key=public_key)
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
