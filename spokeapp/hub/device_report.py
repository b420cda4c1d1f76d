"""A lost or stolen laptop (``spoke-hub device report DEVICE``; docs/data-protection.md,
"A laptop is lost or stolen"): what the data protection officer must tell the ICO within
72 hours, from what the hub knows.

* **Which young people's records it held at its last sync.** The hub keeps no pull cursor
  (a pull writes nothing: docs/sync.md, "Speed"), so the cursor is bounded by time: records
  reach a laptop only by a pull, a pull needs an access token, and every access token is
  issued by a token request that records ``refresh_issued_at`` (its last sync). Whatever the
  hub wrote after that token's expiry cannot have reached the laptop. A record counts as
  held if it is in the scope of the device's person (need-to-know, as a pull computes it)
  and was written on the hub before that bound, or was pushed by the device itself: an
  upper bound (a laptop that got a token but did not finish its pull held less). A case
  that left the person's scope is listed too: still on the laptop if its purge was sent
  after the last sync, and gone if before (once that sync's pull completed).
* **Encryption.** The hub has no direct knowledge from the device: it reports what Spoke
  guarantees for every casebook (:data:`CASEBOOK_ENCRYPTION`).
* **Last contact**: ``devices.last_seen_at`` (token requests and pushes, and a refused token
  request of a device revoked with wipe; never written by a pull).
* **Revocation and wipe**: the device's status; when the wipe was requested (the audit
  entry of ``device revoke --wipe``) and whether the laptop was told since (the audit entry
  ``device_wipe_sent``, written when the hub refuses its token request with the wipe
  instruction).

Names of young people are in the report for the officer only: the audit entry this writes
names ids and counts, and nothing here logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import audit
from spokeapp.hub.models import (
    AuditEntry,
    Device,
    HubCase,
    HubChange,
    HubRecord,
    HubTombstone,
    User,
)
from spokeapp.hub.scope import Actor, scope_params, visible_authors, visible_cases
from spokeapp.hub.security import iso, parse_iso
from spokeapp.sync.protocol import ACCESS_TOKEN_SECONDS

#: What the hub says of a laptop's casebook: it cannot see it, so it states Spoke's guarantee.
CASEBOOK_ENCRYPTION = (
    "SQLCipher 4 (AES-256 page encryption with HMAC-SHA512), keyed with a random 256-bit data "
    "key that is stored only wrapped with AES-256-GCM by a key derived with Argon2id from the "
    "worker's passphrase (and by a one-time recovery key). The hub has no direct knowledge "
    "from the device: this is what Spoke guarantees for every casebook. The app has no "
    "unencrypted mode: it opens a casebook only through SQLCipher with that key and refuses "
    "to run without it."
)

#: A case in the device person's scope with records written before the last contact.
HELD = "held"
#: A case that left the person's scope after the last sync: its purge was not delivered.
PURGE_PENDING = "purge_pending"
#: A case that left the scope before the last sync: purged if that sync's pull completed.
PURGE_SENT = "purge_sent"

#: Actions of the audit entries this module reads and writes.
REVOKE_ACTION = "device_revoke"
WIPE_SENT_ACTION = "device_wipe_sent"
REPORT_ACTION = "device_report"


@dataclass(frozen=True, slots=True)
class HeldCase:
    """One case the laptop held (or may still hold) at its last sync."""

    case_id: str
    reference: str | None
    #: The young person's name, for the officer only (never logged or audited).
    name: str | None
    #: Records of the case it held (0 for a case whose records have left the hub).
    records: int
    #: :data:`HELD`, :data:`PURGE_PENDING` or :data:`PURGE_SENT`.
    state: str
    #: When the hub sent the purge (for the two purge states).
    purge_sent_at: str | None = None


@dataclass(frozen=True, slots=True)
class WipeState:
    """Whether revocation and wipe have taken effect."""

    status: str  # active | retired | revoked
    revoked: bool
    wipe_requested: bool
    wipe_requested_at: str | None
    #: The first time the hub told the laptop to wipe after the request (None: not yet).
    wipe_delivered_at: str | None
    #: True if the laptop still held an access token issued before the wipe was requested
    #: (it may have learned of the wipe on a pull that the hub does not record).
    may_have_learned_unrecorded: bool


@dataclass(frozen=True, slots=True)
class DeviceReport:
    """What the officer must tell the ICO about one laptop (:func:`device_report`)."""

    device_id: str
    device_name: str
    user_id: str
    user_role: str
    team: str | None
    enrolled_at: str
    #: The last time the laptop contacted the hub (None: never after enrolling).
    last_contact_at: str | None
    #: The last time it was given an access token, and so could pull (None: never).
    last_sync_at: str | None
    #: Nothing the hub wrote after this could have reached the laptop (its last access
    #: token's expiry, or the last contact).
    held_until: str | None
    cases: tuple[HeldCase, ...]
    #: Records with no case (e.g. lone-working visits) it held.
    uncased_records: int
    encryption: str
    wipe: WipeState


def device_report(session: Session, device_id: str, *, actor: str = "cli",
                  token_seconds: int = ACCESS_TOKEN_SECONDS) -> DeviceReport:
    """The report for ``device_id`` (raises ``HubError(404, "unknown_device")``); writes one
    audit entry (ids and counts, no names) in the caller's transaction."""
    device = session.get(Device, device_id)
    if device is None:
        raise HubError(404, "unknown_device", f"No device with id {device_id}.")
    user = session.get(User, device.user_id)
    if user is None:  # pragma: no cover - a foreign key
        raise HubError(404, "unknown_user", f"No user with id {device.user_id}.")
    held_until = _held_until(device, token_seconds)
    own = set(session.scalars(
        select(HubChange.record_id).where(HubChange.device_id == device.id)).all())
    cases = _cases_in_scope(session, user, held_until, own)
    in_scope = {c.case_id for c in cases}
    cases += _cases_purged(session, device, user, in_scope)
    report = DeviceReport(
        device_id=device.id, device_name=device.name, user_id=user.id, user_role=user.role,
        team=user.team, enrolled_at=device.enrolled_at, last_contact_at=device.last_seen_at,
        last_sync_at=_last_sync(device),
        held_until=held_until, cases=tuple(cases),
        uncased_records=_uncased(session, user, held_until, own),
        encryption=CASEBOOK_ENCRYPTION, wipe=_wipe_state(session, device, token_seconds),
    )
    held = sum(1 for c in report.cases if c.state != PURGE_SENT)
    audit(session, actor, REPORT_ACTION, device.id,
          f"cases={held} purge_sent={len(report.cases) - held} "
          f"uncased={report.uncased_records} "
          f"wipe_delivered={report.wipe.wipe_delivered_at is not None}")
    return report


def _last_sync(device: Device) -> str | None:
    """When the laptop last got an access token: records reach it only by a pull, and a pull
    needs one (a push or a refused request delivers nothing)."""
    if device.last_seen_at is None:
        return None  # never asked for a token since enrolling
    return device.refresh_issued_at or device.last_seen_at


def _held_until(device: Device, token_seconds: int) -> str | None:
    """The last moment anything written on the hub could have reached the laptop: the
    expiry of its last access token."""
    last = _last_sync(device)
    if last is None:
        return None
    return iso(parse_iso(last) + timedelta(seconds=token_seconds))


def _written_before(record: HubRecord, held_until: str | None, own: set[str]) -> bool:
    return record.record_id in own or (held_until is not None and record.hub_time <= held_until)


def _person(records: list[HubRecord], case_body: dict[str, object] | None
            ) -> tuple[str | None, str | None]:
    """The young person's reference and name from the case's records."""
    wanted = None if case_body is None else case_body.get("young_person_id")
    people = [r for r in records if r.kind == "young_person"]
    chosen = next((r for r in people if r.record_id == wanted), people[0] if people else None)
    if chosen is None:
        return None, None
    reference, name = chosen.body.get("reference"), chosen.body.get("name")
    return (reference if isinstance(reference, str) else None,
            name if isinstance(name, str) else None)


def _case_records(session: Session, case_ids: list[str]) -> dict[str, list[HubRecord]]:
    grouped: dict[str, list[HubRecord]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        for record in session.scalars(
                select(HubRecord).where(HubRecord.case_id.in_(case_ids))
                .order_by(HubRecord.seq)):
            grouped[str(record.case_id)].append(record)
    return grouped


def _cases_in_scope(session: Session, user: User, held_until: str | None, own: set[str]
                    ) -> list[HeldCase]:
    condition = visible_cases(user.role, user.team is not None)
    if condition is None:
        return []
    params = scope_params(Actor.of(user))
    case_ids = sorted(session.scalars(
        select(HubCase.case_id).where(condition), params).all())
    out = []
    for case_id, records in _case_records(session, case_ids).items():
        held = [r for r in records if _written_before(r, held_until, own)]
        if not held:
            continue
        header = next((r.body for r in records if r.kind == "case"), None)
        reference, name = _person(records, header)
        out.append(HeldCase(case_id=case_id, reference=reference, name=name,
                            records=len(held), state=HELD))
    return out


def _cases_purged(session: Session, device: Device, user: User, in_scope: set[str]
                  ) -> list[HeldCase]:
    """Cases the hub told this person's devices to purge since the device enrolled."""
    tombstones = session.scalars(
        select(HubTombstone).where(HubTombstone.user_id == user.id,
                                   HubTombstone.hub_time >= device.enrolled_at)
        .order_by(HubTombstone.seq)).all()
    latest: dict[str, HubTombstone] = {}
    for tombstone in tombstones:
        if tombstone.case_id not in in_scope:
            latest[tombstone.case_id] = tombstone
    grouped = _case_records(session, sorted(latest))
    out = []
    for case_id, tombstone in sorted(latest.items()):
        records = grouped[case_id]
        header = next((r.body for r in records if r.kind == "case"), None)
        reference, name = _person(records, header)
        last = _last_sync(device)
        delivered = last is not None and tombstone.hub_time <= last
        out.append(HeldCase(case_id=case_id, reference=reference, name=name,
                            records=len(records), state=PURGE_SENT if delivered else PURGE_PENDING,
                            purge_sent_at=tombstone.hub_time))
    return out


def _uncased(session: Session, user: User, held_until: str | None, own: set[str]) -> int:
    condition = visible_authors(user.role, user.team is not None)
    if condition is None:
        return 0
    authors = select(User.id).where(condition)
    records = session.scalars(
        select(HubRecord).where(HubRecord.case_id.is_(None),
                                HubRecord.author_user.in_(authors)),
        scope_params(Actor.of(user))).all()
    return sum(1 for r in records if _written_before(r, held_until, own))


def _wipe_state(session: Session, device: Device, token_seconds: int) -> WipeState:
    requests = session.scalars(
        select(AuditEntry).where(AuditEntry.subject == device.id,
                                 AuditEntry.action == REVOKE_ACTION,
                                 AuditEntry.detail == "wipe=True")
        .order_by(AuditEntry.id).limit(1)).all()
    request = requests[0] if requests else None
    delivered_at = None
    may_have_learned = False
    if request is not None:
        delivered_at = session.scalars(
            select(AuditEntry.at).where(AuditEntry.subject == device.id,
                                        AuditEntry.action == WIPE_SENT_ACTION,
                                        AuditEntry.id > request.id)
            .order_by(AuditEntry.id).limit(1)).first()
        if delivered_at is None and device.refresh_issued_at is not None:
            expiry = parse_iso(device.refresh_issued_at) + timedelta(seconds=token_seconds)
            may_have_learned = expiry > parse_iso(request.at)
    return WipeState(
        status=device.status, revoked=device.status == "revoked",
        wipe_requested=bool(device.wipe),
        wipe_requested_at=None if request is None else request.at,
        wipe_delivered_at=delivered_at, may_have_learned_unrecorded=may_have_learned,
    )


_STATES = {
    HELD: "held at its last sync",
    PURGE_PENDING: "left its scope after its last sync: still on the laptop",
    PURGE_SENT: "purge sent before its last sync: gone if its last pull completed",
}


def render(report: DeviceReport) -> str:
    """The report as text for the officer's terminal (names included: never log this)."""
    held = [c for c in report.cases if c.state != PURGE_SENT]
    lines = [
        f"Device {report.device_id} ({report.device_name})",
        f"Enrolled {report.enrolled_at} for user {report.user_id} "
        f"({report.user_role}{', team ' + report.team if report.team else ''})",
        "",
        f"Last contact with the hub: {report.last_contact_at or 'never since enrolling'}",
        f"Last sync (access token issued): {report.last_sync_at or 'never'}",
        f"Could have received what the hub wrote up to: {report.held_until or 'nothing'}",
        "",
        f"Young people's records it held at its last sync: {len(held)} case(s), "
        f"{report.uncased_records} record(s) with no case",
    ]
    for c in report.cases:
        who = f"{c.reference or '(no reference on the hub)'}  {c.name or '(no name on the hub)'}"
        extra = f", purge sent {c.purge_sent_at}" if c.purge_sent_at else ""
        lines.append(f"  {c.case_id}  {who}  {c.records} record(s)  "
                     f"[{_STATES[c.state]}{extra}]")
    wipe = report.wipe
    if not wipe.wipe_requested:
        effect = "not requested (use `spoke-hub device revoke DEVICE --wipe`)"
    elif wipe.wipe_delivered_at is not None:
        effect = f"delivered: the laptop was told to erase its casebook at {wipe.wipe_delivered_at}"
    elif wipe.may_have_learned_unrecorded:
        effect = ("not confirmed: the laptop has not asked for a new sign-in since, but its "
                  "last access token was still valid when the wipe was requested, so it may "
                  "have been told on a pull the hub does not record")
    else:
        effect = "not yet delivered: the laptop has not contacted the hub since"
    lines += [
        "",
        f"Encryption: {report.encryption}",
        "",
        f"Status: {wipe.status}; revoked: {'yes' if wipe.revoked else 'no'}",
        f"Wipe requested: {wipe.wipe_requested_at or ('yes' if wipe.wipe_requested else 'no')}",
        f"Wipe: {effect}",
    ]
    return "\n".join(lines)
