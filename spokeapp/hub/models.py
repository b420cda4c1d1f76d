"""The hub's tables (docs/sync.md, "Records on the hub"), as typed SQLAlchemy 2 models.

Times are stored as ISO 8601 UTC text: the same on SQLite and PostgreSQL, readable in a
database console, and compared in Python (the hub's own clock, never a device's).
The schema itself is created by the Alembic migrations in ``migrations/``; these classes must
match them (a test compares them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(64)
#: ``hub_attachment_chunks.sender`` of a complete file's chunks: nobody's, the file's own.
FILE_CHUNK = ""


class Base(DeclarativeBase):
    """Declarative base of every hub table."""


class HubMeta(Base):
    """Key/value facts about this hub: ``hub_id``, ``hub_epoch``, ``hub_secret``, organisation."""

    __tablename__ = "hub_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    """A person who uses Spoke: a worker, a supervisor of a team, or an administrator."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    team: Mapped[str | None] = mapped_column(String(100), index=True)
    created_at: Mapped[str] = mapped_column(String(40))
    #: When they left the service (``spoke-hub user leave``, migration 0015); None while here.
    left_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Device(Base):
    """A laptop enrolled for one user, with its signing key and its chain head.

    Refresh tokens rotate on every use (migration 0004, docs/sync.md "Refresh tokens"):
    ``refresh_hash`` is the current one, ``previous_refresh_hash`` the one it replaced (a
    retry after a lost answer, or a sign of a copied token), ``refresh_issued_at`` when the
    current one was issued (the idle expiry counts from it), ``refresh_epoch`` the hub epoch
    then (a restored hub accepts a key-signed proof instead), and ``refresh_reused_at`` when
    a replaced token came back: the device must then enrol again.
    """

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    public_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    wipe: Mapped[bool] = mapped_column(Boolean, default=False)
    refresh_hash: Mapped[str] = mapped_column(String(64), unique=True)
    chain_head: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[str] = mapped_column(String(40))
    last_seen_at: Mapped[str | None] = mapped_column(String(40))
    previous_refresh_hash: Mapped[str | None] = mapped_column(String(64))
    refresh_issued_at: Mapped[str | None] = mapped_column(String(40))
    refresh_epoch: Mapped[str | None] = mapped_column(String(64))
    refresh_reused_at: Mapped[str | None] = mapped_column(String(40))


class EnrolmentCode(Base):
    """A one-time enrolment code, stored only as its SHA-256; valid 24 hours, used once."""

    __tablename__ = "enrolment_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))
    used_at: Mapped[str | None] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(ID)


class HubCounter(Base):
    """The single row whose ``value`` is the last sequence number given out."""

    __tablename__ = "hub_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class HubRecord(Base):
    """The latest version of one record; ``seq`` changes whenever devices must pull it again."""

    __tablename__ = "hub_records"
    record_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[str | None] = mapped_column(ID)  # indexed with seq, below
    state: Mapped[str] = mapped_column(String(16))  # header | final
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_user: Mapped[str] = mapped_column(ID)  # indexed with seq, below
    device_id: Mapped[str | None] = mapped_column(ID)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    hub_time: Mapped[str] = mapped_column(String(40))
    #: Who wrote this version (None: ``author_user``, who wrote the first). ``author_user``
    #: stays the first author: it scopes uncased records. One exception: a disposal keeping a
    #: young person with no case for the team that held them files them under the disposed
    #: case's key worker (``disposal._keep_in_team``), the first writer kept here.
    edited_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    #: Headers: who last wrote each field changed since the first version (field -> user id;
    #: a field not named was written by ``author_user``). None: no field changed yet.
    field_authors: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    #: Headers: the last write of each field changed since the first version (field ->
    #: ``{"seq": n, "device": id}``; device None: the hub itself, e.g. a reassignment), so a
    #: merge knows a field changed since a device's base even when its value is back to the
    #: base's. None, or a field not named: no write recorded (the first version, or a write
    #: before migration 0006): the merge compares values only.
    field_writes: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    #: Attachment records: the SHA-256 of the file the body names (migration 0013), set by
    #: the one write routine (``hub.push.rows``); None for every other kind. Links a file in
    #: ``hub_attachments`` to the records that name it (docs/attachments.md, "On the hub").
    attachment_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class HubChange(Base):
    """Every change id the hub accepted (for dedupe), with its chain hash and resulting seq."""

    __tablename__ = "hub_changes"
    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(ID, index=True)
    record_id: Mapped[str] = mapped_column(ID)
    chain_hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    accepted_at: Mapped[str] = mapped_column(String(40))


class HubCase(Base):
    """Who holds each case (key worker) and their team: the basis of every scope check."""

    __tablename__ = "hub_cases"
    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    key_worker: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(100), index=True)
    #: A restriction request was carried out (migration 0010): the hub keeps the case, but no
    #: laptop pulls or pushes it until ``spoke-hub requests lift-restriction``.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)


class HubTombstone(Base):
    """Tells one user's devices to purge a case that left their scope."""

    __tablename__ = "hub_tombstones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[str] = mapped_column(ID)
    case_id: Mapped[str] = mapped_column(ID)
    hub_time: Mapped[str] = mapped_column(String(40))
    #: The case was disposed of (migration 0010): every device erases all of it, unsent work
    #: included; False: an ordinary purge (the case left this user's scope).
    disposed: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Base):
    """Append-only log of what happened: ids and counts only, never record contents."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")


Index("ix_hub_tombstones_user_seq", HubTombstone.user_id, HubTombstone.seq)
# A pull reads a case's (or an author's uncased) records after a cursor, in seq order
# (hub.pull._records_query); these serve lookups by case or author alone too.
Index("ix_hub_records_case_seq", HubRecord.case_id, HubRecord.seq)
Index("ix_hub_records_author_seq", HubRecord.author_user, HubRecord.seq)
# ... and the uncased ones alone (migration 0012): a pull's uncased branch seeks straight to
# them instead of walking all of an author's records for the few with no case.
Index("ix_hub_records_uncased_author_seq", HubRecord.author_user, HubRecord.seq,
      sqlite_where=HubRecord.case_id.is_(None), postgresql_where=HubRecord.case_id.is_(None))
# The records naming a file (migration 0013): need-to-know for its chunks, and whether any
# record still names it when records go. Partial: only attachment records have the column.
Index("ix_hub_records_attachment_sha256", HubRecord.attachment_sha256,
      sqlite_where=HubRecord.attachment_sha256.is_not(None),
      postgresql_where=HubRecord.attachment_sha256.is_not(None))
# A pull skips the records the caller's own push just stored, as acknowledged: it looks up the
# change the hub acknowledged at a record's seq (hub.pull._records_query, migration 0011).
Index("ix_hub_changes_seq", HubChange.seq)


# --------------------------------------------------------------------------- attachments
# Issue 20 (docs/attachments.md, "On the hub"). Migration 0013.


class HubAttachment(Base):
    """A file named by attachment records, by its SHA-256, and whether it is whole on the hub
    (``complete``: someone's chunks of it hashed to ``sha256``; only then is it served).
    ``size`` is the file's once complete (the size its sender's record declared); before
    that it is the size declared by whoever sent the first chunk and nothing reads it (each
    sender's chunks are checked against their own record's size). Goes, with its chunks,
    staged or whole, when no record names it any more
    (``hub.attachments.drop_unreferenced_attachments``)."""

    __tablename__ = "hub_attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(40))


class HubAttachmentHolder(Base):
    """A person who has sent the file ``sha256`` (every chunk of a set of their own that
    hashed right, or every chunk matching the copy the hub already held): a record they wrote
    naming it lets its readers fetch it (``holds``). Someone sending a file already whole on
    the hub has ``proven``: the chunks they have sent so far, comma-separated, starting with
    ``!`` once one did not match the hub's copy (they are answered the mismatch only after
    their last chunk, as for any upload that hashes wrong, so the answer never tells what the
    hub holds). What someone sends of a file not whole yet is their own staged chunks
    (``HubAttachmentChunk.sender``), not noted here; when another's set makes the file whole,
    the chunks they had staged are compared with it and noted here, and their staged rows go.
    Nobody holds a file without a row, not the author of the first record naming it (files
    whole before migration 0018, held by that author under the old rule, were given a row by
    it). Goes with the file."""

    __tablename__ = "hub_attachment_holders"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, primary_key=True)
    proven: Mapped[str] = mapped_column(Text, default="")
    holds: Mapped[bool] = mapped_column(Boolean, default=False)


class HubAttachmentChunk(Base):
    """One 64 KiB chunk of a file (``ATTACHMENT_CHUNK_BYTES``; the last may be shorter): BLOB
    on SQLite, bytea on PostgreSQL. ``sender`` is ``FILE_CHUNK`` (the empty string: the
    file's own) for a chunk of a complete file, the only ones ever served or compared; until
    the file is whole, each person's chunks are staged under their user id, apart from
    everyone else's, and become the file's only when their own set hashes right (migration
    0019; docs/attachments.md, "Spoiling an upload"). The key makes a chunk sent twice, or
    sixteen times at once, by one sender stored once."""

    __tablename__ = "hub_attachment_chunks"
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("hub_attachments.sha256"),
                                        primary_key=True)
    sender: Mapped[str] = mapped_column(ID, primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


# --------------------------------------------------------------------------- lone working
# Issue 5 (docs/architecture.md, "Lone-working safety on the hub"). Migration 0002.


class LoneWorkingWatch(Base):
    """One visit the hub watches: when to look at it next, and who is looking right now.

    ``mobile`` is the worker's mobile from the plan (E.164), for SMS check-ins;
    ``escalation_starts_at`` is what the hub last told devices (None: the visit is over).
    ``next_check_at`` (hub clock) is when the watcher next evaluates the visit (None: nothing
    more will ever be due, e.g. ended and all-clear sent). ``claimed_by``/``claimed_until`` is
    a hub process's lease on the row while it evaluates it (taken with SKIP LOCKED).
    """

    __tablename__ = "lw_watch"
    visit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    worker_user: Mapped[str] = mapped_column(ID, index=True)
    team: Mapped[str | None] = mapped_column(String(100))
    mobile: Mapped[str | None] = mapped_column(String(32), index=True)
    armed_at: Mapped[str] = mapped_column(String(40))
    escalation_starts_at: Mapped[str | None] = mapped_column(String(40))
    next_check_at: Mapped[str | None] = mapped_column(String(40), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))


class LoneWorkingRecord(Base):
    """Which visit each lone-working hub record belongs to (an index over ``hub_records``)."""

    __tablename__ = "lw_visit_records"
    record_id: Mapped[str] = mapped_column(ID, primary_key=True)
    visit_id: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(String(40))


class LoneWorkingContact(Base):
    """Someone the hub alerts for a role (on_call_manager, manager...), in a team or hub-wide."""

    __tablename__ = "lw_contacts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    role: Mapped[str] = mapped_column(String(40), index=True)
    team: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[str | None] = mapped_column(ID)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[str] = mapped_column(String(40))


class LoneWorkingDelivery(Base):
    """One notification to send (the outbox): an alert, by one channel, to one target.

    Written in the same transaction as its alert; sent afterwards, retried with backoff.
    ``status``: pending | sent | failed (gave up); a pending row with attempts is retrying.
    ``last_error`` is a short code, never text from the far side. ``role`` is who it is for
    (``buddy``, ``on_call_manager``..., ``webhook``); ``published`` is False while the alert's
    ``alert_delivery`` record does not show this row's latest state yet (migration 0005).
    """

    __tablename__ = "lw_deliveries"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    alert_id: Mapped[str] = mapped_column(ID, index=True)
    visit_id: Mapped[str] = mapped_column(ID)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[str] = mapped_column(String(40))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(40))
    published: Mapped[bool] = mapped_column(Boolean, default=True)


Index("ix_lw_deliveries_due", LoneWorkingDelivery.status, LoneWorkingDelivery.next_attempt_at)
Index("ix_lw_deliveries_published", LoneWorkingDelivery.published)


class LoneWorkingSmsReceipt(Base):
    """An SMS check-in the hub applied, remembered so a replay is never applied again.

    ``digest`` is the SHA-256 (hex) of the gateway's message id, or of the request's
    signature when the gateway sends none; the primary key makes the insert decide which of
    two identical requests applies, even on two hub processes (migration 0005). ``reply`` is
    the text the first request got (no number, no message text). Rows are pruned once
    ``expires_at`` (hub clock) has passed.
    """

    __tablename__ = "lw_sms_receipts"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40), index=True)
    reply: Mapped[str] = mapped_column(Text)


class LocalAuthorityArea(Base):
    """A local authority area a case can be recorded in (``spoke-hub areas``; migration 0007).

    ``districts``: the postcode districts that suggest it on a laptop, comma-separated in
    standard form ("EX1,EX2"). Laptops get the list with ``GET /v1/areas``; a case keeps the
    area's name, so removing an area from the list changes no case.
    """

    __tablename__ = "hub_areas"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    districts: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String(40))


class RetentionHold(Base):
    """A legal hold on a case (``spoke-hub retention hold``; migration 0008): the case is not
    disposed of while a hold on it has no ``released_at``. A released hold is kept, with why
    it was released; the reasons are the administrator's own words and stay here (the audit
    records only that a hold was placed or released)."""

    __tablename__ = "hub_retention_holds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ID, index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(ID)
    placed_at: Mapped[str] = mapped_column(String(40))
    released_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    released_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    release_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class SubjectRequest(Base):
    """A data subject request about one case (``spoke-hub requests``; migration 0009): access,
    erasure, restriction or rectification, when it was received, when it is due (one calendar
    month, extended once by up to two more) and how it ended (fulfilled or refused). The note
    and the reasons are the administrator's own words and may name people: they stay here (the
    audit records only the action, the request id, its kind and the case id)."""

    __tablename__ = "hub_subject_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: The case's id, or the referral's for a referral that never became a case (``subject``).
    case_id: Mapped[str] = mapped_column(ID, index=True)
    #: "case", or "referral" (migration 0014; rows made before it are cases).
    subject: Mapped[str] = mapped_column(String(16), server_default="case", default="case")
    requester: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_on: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(ID)
    created_at: Mapped[str] = mapped_column(String(40))
    extended_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    extension_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(ID, nullable=True)
    closing_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Disposal(Base):
    """A case disposed of on the hub (``spoke-hub retention dispose``, or an erasure request;
    migration 0010): when, by whom, on which basis (``retention`` or ``erasure_request`` with
    the request's id) and how many records and tombstones. Ids and counts only."""

    __tablename__ = "hub_disposals"
    #: The case's id, or the referral's for a referral that never became a case (``subject``).
    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    #: "case", or "referral" (migration 0014; rows made before it are cases).
    subject: Mapped[str] = mapped_column(String(16), server_default="case", default="case")
    disposed_at: Mapped[str] = mapped_column(String(40))
    disposed_by: Mapped[str] = mapped_column(ID)
    basis: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    records: Mapped[int] = mapped_column(Integer)
    tombstones: Mapped[int] = mapped_column(Integer)


class DisposedRecord(Base):
    """The id of a record erased with its case (migration 0010): a push of it is refused with
    409 ``case_disposed``, so a laptop that has not pulled the disposal yet cannot put the young
    person's details back."""

    __tablename__ = "hub_disposed_records"
    record_id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID, index=True)


class RestrictedRecord(Base):
    """A record a restriction request about a referral that never became a case keeps off
    every laptop (migration 0016): the referral, its young person, its documents. The hub
    keeps them; no laptop pulls or pushes them until the restriction is lifted."""

    __tablename__ = "hub_restricted_records"
    record_id: Mapped[str] = mapped_column(ID, primary_key=True)
    referral_id: Mapped[str] = mapped_column(ID, index=True)
    restricted_at: Mapped[str] = mapped_column(String(40))


class ReportResidue(Base):
    """What a disposed case added to the report figures (migration 0010): one of its
    report-relevant records reduced to dates, categories and numbers, every text emptied and
    every id replaced by a random one, counted for ``worker`` (its key worker; for a record of
    a linked lone-working visit, the visit's worker). No case id, no name, no date of birth
    (``spokeapp.hub.disposal``)."""

    __tablename__ = "hub_report_residue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    worker: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
