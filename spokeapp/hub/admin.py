"""What a hub administrator does (through ``spoke-hub``): set up the hub, add people, enrol
laptops, move cases between workers, revoke lost devices, recover from a backup.

Each function works inside the caller's session/transaction and writes an audit entry; the
CLI and the test helper both call these, so tests exercise exactly what administrators run.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import (
    META_EPOCH,
    META_HUB_ID,
    META_ORGANISATION,
    META_SECRET,
    audit,
    lock_writes,
    next_seq,
    set_meta,
)
from spokeapp.hub.models import (
    Device,
    EnrolmentCode,
    HubCase,
    HubMeta,
    HubRecord,
    HubTombstone,
    User,
)
from spokeapp.hub.scope import ADMIN, ROLES, case_audience
from spokeapp.hub.security import (
    Clock,
    digest,
    iso,
    new_enrolment_code,
    new_hub_secret,
    normalise_code,
    utc_now,
)
from spokeapp.sync.protocol import ENROLMENT_CODE_HOURS

CLI_ACTOR = "cli"


def new_user_id() -> str:
    """A user id like ``u-7f3a9c21d04e``."""
    return f"u-{secrets.token_hex(6)}"


def new_epoch() -> str:
    """A fresh hub epoch (random; devices compare it for equality only)."""
    return secrets.token_hex(16)


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``spoke-hub init`` created."""

    hub_id: str
    hub_epoch: str
    admin_id: str


def hub_identity(engine: Engine) -> str | None:
    """The hub id ``init`` gave this database; None when it has none yet: empty, or left by
    an ``init`` that stopped before writing it (which ``init`` may then finish)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(HubMeta.__tablename__):
            return None
        value = connection.scalar(select(HubMeta.value).where(HubMeta.key == META_HUB_ID))
    return None if value is None else str(value)


def init_hub(engine: Engine, organisation: str, admin_name: str) -> InitResult:
    """Give a migrated, empty database its identity, token secret and first administrator."""
    with Session(engine) as session, session.begin():
        lock_writes(session)
        if session.get(HubMeta, META_HUB_ID) is not None:
            raise HubError(409, "already_initialised", "This hub has already been initialised.")
        result = InitResult(hub_id=secrets.token_hex(16), hub_epoch=new_epoch(), admin_id="")
        set_meta(session, META_HUB_ID, result.hub_id)
        set_meta(session, META_EPOCH, result.hub_epoch)
        set_meta(session, META_SECRET, new_hub_secret())
        set_meta(session, META_ORGANISATION, organisation)
        admin_id = add_user(session, admin_name, ADMIN, None)
        audit(session, CLI_ACTOR, "init", result.hub_id)
    return InitResult(hub_id=result.hub_id, hub_epoch=result.hub_epoch, admin_id=admin_id)


def add_user(session: Session, name: str, role: str, team: str | None) -> str:
    """Add a person; returns their new user id."""
    if role not in ROLES:
        raise HubError(422, "invalid_role", f"Role must be one of {', '.join(ROLES)}.")
    if not name.strip():
        raise HubError(422, "invalid_name", "A user needs a name.")
    if role != ADMIN and not (team and team.strip()):
        raise HubError(422, "team_required", "Workers and supervisors belong to a team (--team).")
    user_id = new_user_id()
    session.add(
        User(id=user_id, name=name.strip(), role=role, team=team, created_at=iso(utc_now()))
    )
    audit(session, CLI_ACTOR, "user_add", user_id, f"role={role}")
    return user_id


def create_enrolment_code(session: Session, user_id: str, clock: Clock = utc_now) -> str:
    """A one-time enrolment code for ``user_id``'s laptop, valid 24 hours. Only its hash is
    stored; the code itself is shown once."""
    user = session.get(User, user_id)
    if user is None:
        raise HubError(404, "unknown_user", f"No user with id {user_id}.")
    if user.left_at is not None:
        raise HubError(409, "user_left", f"{user_id} left on {user.left_at[:10]} (spoke-hub "
                                         "user leave): no laptop is enrolled for them.")
    code = new_enrolment_code()
    now = clock()
    session.add(
        EnrolmentCode(
            code_hash=digest(normalise_code(code)),
            user_id=user_id,
            created_at=iso(now),
            expires_at=iso(now + timedelta(hours=ENROLMENT_CODE_HOURS)),
        )
    )
    audit(session, CLI_ACTOR, "enrol_code", user_id)
    return code


@dataclass(frozen=True, slots=True)
class Reassignment:
    """What moving a case did: how many records now reach the new holder, who must purge."""

    case_id: str
    records: int
    purged_for: tuple[str, ...]


def reassign_case(
    session: Session, case_id: str, worker_id: str, actor: str, clock: Clock = utc_now
) -> Reassignment:
    """Make ``worker_id`` the key worker of a case (call after :func:`lock_writes`).

    Every record of the case gets a new seq, so the new key worker (and their supervisors)
    pull it; everyone who could see the case before and cannot now gets a purge tombstone.
    The case header's ``key_worker`` field is updated to match.
    """
    case = session.get(HubCase, case_id)
    if case is None:
        raise HubError(404, "unknown_case", f"The hub has no case {case_id}.")
    worker = session.get(User, worker_id)
    if worker is None or worker.role == ADMIN:
        raise HubError(404, "unknown_worker", f"No worker or supervisor with id {worker_id}.")
    if worker.left_at is not None:
        raise HubError(409, "user_left", f"{worker_id} left on {worker.left_at[:10]}: give "
                                         "the case to someone still here.")
    before = case_audience(session, case.key_worker, case.team)
    case.key_worker = worker.id
    case.team = worker.team
    after = case_audience(session, worker.id, worker.team)
    now = iso(clock())
    records = session.scalars(
        select(HubRecord).where(HubRecord.case_id == case_id).order_by(HubRecord.seq)
    ).all()
    for record in records:
        record.seq = next_seq(session)
        record.hub_time = now
        if record.kind == "case" and record.body.get("key_worker") != worker.id:
            record.body = {**record.body, "key_worker": worker.id}
            # Written by the hub itself (no device): a laptop's edit of the key worker from a
            # version before this one is a clash, even if the value comes back to that
            # version's (docs/sync.md, "Headers and conflicts").
            record.field_writes = {**(record.field_writes or {}),
                                   "key_worker": {"seq": record.seq, "device": None}}
    purged = tuple(sorted(before - after))
    for user_id in purged:
        session.add(
            HubTombstone(seq=next_seq(session), user_id=user_id, case_id=case_id, hub_time=now)
        )
    audit(
        session, actor, "case_assign", case_id, f"worker={worker.id} records={len(records)} "
        f"purged_for={len(purged)}"
    )
    return Reassignment(case_id=case_id, records=len(records), purged_for=purged)


def assign_case(
    engine: Engine, case_id: str, worker_id: str, clock: Clock = utc_now
) -> Reassignment:
    """``spoke-hub case assign``: reassign in its own transaction."""
    with Session(engine) as session, session.begin():
        lock_writes(session)
        return reassign_case(session, case_id, worker_id, CLI_ACTOR, clock)


def list_devices(session: Session) -> list[tuple[Device, User]]:
    """Every enrolled device with its user, oldest first."""
    rows = session.execute(
        select(Device, User).join(User, Device.user_id == User.id).order_by(Device.enrolled_at)
    ).all()
    return [(device, user) for device, user in rows]


def revoke_device(session: Session, device_id: str, wipe: bool) -> str:
    """Take a device out of service at its next contact; returns its new status.

    With ``wipe``: ``revoked`` - every call refused, and the laptop erases its casebook.
    Without: ``retired`` - the laptop still pushes what it holds (nothing is lost), receives
    nothing more, and stops syncing once everything is sent. A revoked device is never
    softened back to retired.
    """
    device = session.get(Device, device_id)
    if device is None:
        raise HubError(404, "unknown_device", f"No device with id {device_id}.")
    if wipe or device.status == "revoked":
        device.status = "revoked"
        device.wipe = device.wipe or wipe
        audit(session, CLI_ACTOR, "device_revoke", device_id, f"wipe={device.wipe}")
    else:
        device.status = "retired"
        audit(session, CLI_ACTOR, "device_retire", device_id)
    return device.status


def restore_epoch(session: Session) -> str:
    """Give the hub a new epoch after restoring a backup: every device then re-pulls from zero
    and re-pushes what the hub no longer has (duplicates are recognised)."""
    epoch = new_epoch()
    set_meta(session, META_EPOCH, epoch)
    audit(session, CLI_ACTOR, "restore_epoch", epoch)
    return epoch
