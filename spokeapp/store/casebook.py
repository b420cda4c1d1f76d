"""The worker's casebook: every record, its change log, audit and search, in one encrypted file.

A casebook is a profile folder holding ``casebook.db`` (SQLCipher, opened with a raw random
data key) and ``casebook.key`` (the data key wrapped by passphrase and recovery key). Every
write is one transaction that stores the record, appends a change entry for the sync engine
and an audit row. Finalised records are immutable in the database itself (a trigger refuses
the update); corrections are amendments.

A ``Casebook`` may be used from one worker thread at a time; a lock serialises callers so the
UI can hand calls to a background thread without sharing a cursor.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import sqlcipher3

from spokeapp.crypto.keyfile import KdfParameters, KeyFile, WrongPassphrase
from spokeapp.domain.attachments import chunk_count, media_type_for, plain_file_name
from spokeapp.domain.errors import SpokeError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Attachment, Record, record_from_dict
from spokeapp.i18n import number, translator
from spokeapp.store.attachments import (
    LIMIT_KEY,
    AttachmentRow,
    case_rows,
    check_size,
    drop_unnamed_files,
    file_size,
    fingerprint,
    limit_text,
    measure,
    read_chunk,
    read_limit,
    referral_rows,
    store_file,
)
from spokeapp.store.database import (
    CasebookError,
    Connection,
    connect,
    migrate,
    transaction,
)
from spokeapp.store.migrations import occurred_of

tr = translator(__name__)

DB_NAME: Final = "casebook.db"
#: ``changes.payload`` of a finalise: the same as the record's body (``records.body``, which a
#: finalised record never changes), so it is stored once. Migration 9's trigger copies the
#: body back into the change row before the record row is removed or rewritten.
SAME_AS_RECORD: Final = ""
#: A change row's payload, resolved (SQL over ``changes c LEFT JOIN records r``).
CHANGE_PAYLOAD: Final = "CASE WHEN c.payload = '' THEN coalesce(r.body, '{}') ELSE c.payload END"
KEY_NAME: Final = "casebook.key"
#: The new key file while the casebook's data key is being renewed
#: (:meth:`Casebook.renew_key`): written before the database is re-encrypted, renamed over
#: ``KEY_NAME`` after. While it exists, the next unlock finishes the renewal.
KEY_RENEWING: Final = "casebook.key.new"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class RecordIsFinal(SpokeError):
    """A finalised record cannot be changed; record an amendment instead."""


class RecordNotFound(SpokeError):
    """No record with that id is in this casebook."""


class WeakPassphrase(SpokeError):
    """The chosen passphrase is too short to protect the casebook."""


MIN_PASSPHRASE_LENGTH: Final = 10


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(
            tr(
                "Choose a passphrase of at least {minimum} characters: a few "
                "unrelated words are easy to remember and hard to guess."
            ).format(minimum=number(MIN_PASSPHRASE_LENGTH))
        )


@dataclass(frozen=True)
class StoredRecord:
    """A record as stored, with its bookkeeping."""

    record: Record
    state: str  # 'header', 'draft' or 'final'
    created_at: str
    updated_at: str
    finalised_at: str | None
    author: str
    revision: int


@dataclass(frozen=True)
class SearchHit:
    record_id: str
    kind: str
    case_id: str | None
    snippet: str


@dataclass(frozen=True)
class ChangeEntry:
    seq: int
    id: str
    record_id: str
    kind: str
    op: str
    payload: dict[str, Any]
    author: str
    device: str
    local_time: str
    local_only: bool


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject_id: str | None


def fts_query(text: str) -> str | None:
    """Turn what a worker types into a safe FTS5 query: every word must appear; the last
    word may be a prefix. Punctuation is never interpreted as FTS syntax."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


_R = TypeVar("_R", bound=Record)


def without_nul(record: _R) -> _R:
    """``record`` without the NUL character in any of its text.

    Nobody types NUL, but text pasted from another program can carry it, and the hub refuses
    any change holding it (PostgreSQL keeps NUL in no text: docs/sync.md, "Limits"), so a
    record saved with one could never be synced. It means nothing in a note, so it is dropped
    here, before the rules are asked, in the one place records are written."""
    body = record.to_dict()
    if "\\u0000" not in json.dumps(body):
        return record
    return cast(_R, record_from_dict(record.KIND, _drop_nul(body)))


def _drop_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_drop_nul(key): _drop_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_drop_nul(item) for item in value]
    return value


class Casebook:
    """An open, unlocked casebook. Create one with ``create``, ``open`` or ``recover``."""

    def __init__(
        self,
        conn: Connection,
        profile: Path,
        *,
        author: str,
        clock: Clock = utc_now,
        migrated_backup: Path | None = None,
    ) -> None:
        self._conn = conn
        self.profile = profile
        self.author = author
        self._clock = clock
        self._lock = threading.RLock()
        self.migrated_backup = migrated_backup
        self.device_id = self._meta("device_id") or ""

    # ----------------------------------------------------------------- opening and keys
    @staticmethod
    def exists(profile: Path) -> bool:
        return (profile / KEY_NAME).exists() or (profile / DB_NAME).exists()

    @classmethod
    def create(
        cls,
        profile: Path,
        passphrase: str,
        *,
        author: str = "worker",
        clock: Clock = utc_now,
        kdf: KdfParameters | None = None,
    ) -> tuple[Casebook, str]:
        """Set up a new casebook; return it with the recovery key to show the worker once."""
        check_passphrase(passphrase)
        if cls.exists(profile):
            raise CasebookError(
                tr("A casebook already exists in this profile; nothing was changed.")
            )
        profile.mkdir(parents=True, exist_ok=True, mode=0o700)
        keyfile, data_key, recovery = KeyFile.create(passphrase, kdf)
        conn = connect(profile / DB_NAME, data_key)
        migrate(conn, profile / DB_NAME, data_key)
        with transaction(conn):
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('device_id', ?), ('created_at', ?)",
                (new_id(), clock().isoformat()),
            )
        keyfile.write(profile / KEY_NAME)
        book = cls(conn, profile, author=author, clock=clock)
        book.audit("casebook.create")
        return book, recovery

    @classmethod
    def _open_with_key(
        cls, profile: Path, data_key: bytes, author: str, clock: Clock
    ) -> Casebook:
        db_path = profile / DB_NAME
        if not db_path.exists():
            raise CasebookError(tr("The casebook database is missing from this profile."))
        conn = connect(db_path, data_key)
        try:
            backup = migrate(conn, db_path, data_key)
        except BaseException:
            conn.close()
            raise
        book = cls(conn, profile, author=author, clock=clock, migrated_backup=backup)
        enrolled_as = book._enrolled_user()
        if enrolled_as:
            # Once enrolled, everything is written as the hub's user id for this worker, so a
            # case's key worker and every change's author match what the hub knows.
            book.author = enrolled_as
        book.audit("casebook.open")
        return book

    def _enrolled_user(self) -> str | None:
        row = self._db().execute("SELECT user_id FROM sync_state WHERE id = 1").fetchone()
        return None if row is None else str(row[0])

    @classmethod
    def open(
        cls, profile: Path, passphrase: str, *, author: str = "worker", clock: Clock = utc_now
    ) -> Casebook:
        """Unlock with the passphrase. Raises WrongPassphrase, KeyFileError, CasebookError.
        A renewal of the data key that was cut off (:meth:`renew_key`) is finished first."""
        data_key = KeyFile.read(profile / KEY_NAME).unlock(passphrase)
        pending = profile / KEY_RENEWING
        if pending.exists():
            data_key = _finish_renewal(profile, data_key, KeyFile.read(pending).unlock(passphrase))
            book = cls._open_with_key(profile, data_key, author, clock)
            book.audit("casebook.key_renewed")
            return book
        return cls._open_with_key(profile, data_key, author, clock)

    @classmethod
    def recover(
        cls,
        profile: Path,
        recovery_key: str,
        new_passphrase: str,
        *,
        author: str = "worker",
        clock: Clock = utc_now,
    ) -> Casebook:
        """Unlock with the recovery key and set a new passphrase (the data key is kept)."""
        check_passphrase(new_passphrase)
        keyfile = KeyFile.read(profile / KEY_NAME)
        if (profile / KEY_RENEWING).exists():
            keyfile = _recovering_during_renewal(profile, keyfile, recovery_key)
        data_key = keyfile.unlock_with_recovery_key(recovery_key)
        book = cls._open_with_key(profile, data_key, author, clock)
        keyfile.rewrap_passphrase(data_key, new_passphrase).write(profile / KEY_NAME)
        book.audit("casebook.recovered")
        return book

    def change_passphrase(self, old: str, new: str) -> None:
        """Rewrap the data key under a new passphrase; the database is not re-encrypted."""
        check_passphrase(new)
        path = self.profile / KEY_NAME
        keyfile = KeyFile.read(path)
        try:
            data_key = keyfile.unlock(old)
        except WrongPassphrase as exc:
            raise WrongPassphrase(tr("Your current passphrase is not right.")) from exc
        keyfile.rewrap_passphrase(data_key, new).write(path)
        self.audit("casebook.passphrase_changed")

    def prepare_key_renewal(self, passphrase: str) -> KeyRenewal:
        """A new data key and recovery key for this casebook, made but not used yet: show
        ``recovery_key`` to the worker, then :meth:`renew_key`. WrongPassphrase if the
        passphrase is not this casebook's (nothing changed)."""
        keyfile = KeyFile.read(self.profile / KEY_NAME)
        try:
            keyfile.unlock(passphrase)
        except WrongPassphrase as exc:
            raise WrongPassphrase(tr("Your passphrase is not right.")) from exc
        new_file, data_key, recovery = KeyFile.create(passphrase, keyfile.kdf)
        return KeyRenewal(recovery, new_file, data_key)

    def renew_key(self, renewal: KeyRenewal) -> None:
        """Re-encrypt the casebook under the new data key of ``renewal``; the passphrase stays,
        the recovery key becomes the one it made. Afterwards no copy of the old key file, with
        the old passphrase or the old recovery key, opens the casebook.

        Safe at any crash: the new key file is written first (``KEY_RENEWING``, 0600,
        synced), the database is re-encrypted in place in one transaction (``PRAGMA rekey``),
        its WAL moved into the file and emptied, then the new key file replaces the old.
        Cut off after the first step, the next unlock with the passphrase finishes it
        (:func:`_finish_renewal`). The copies taken before upgrades (``backups/``), under the
        old key, are overwritten and removed. Takes seconds on a large casebook: call it off
        the GUI thread."""
        pending = self.profile / KEY_RENEWING
        with self._lock:
            db = self._db()
            renewal.keyfile.write(pending)
            _rekey(db, renewal.data_key)
            os.replace(pending, self.profile / KEY_NAME)
            _fsync_folder(self.profile)
        wipe_backups(self.profile)
        self.audit("casebook.key_renewed")

    def close(self) -> None:
        """Close the database (auto-lock calls this); checkpoints the WAL into the file."""
        with self._lock:
            if self._conn is None:
                return
            # A checkpoint is an optimisation; the WAL is replayed on next open anyway.
            with contextlib.suppress(sqlcipher3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            self._conn = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def _db(self) -> Connection:
        if self._conn is None:
            raise CasebookError(tr("The casebook is locked."))
        return self._conn

    def _meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Settings that may be personal (e.g. the worker's name) live inside the database."""
        with self._lock, transaction(self._db()) as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (f"setting.{key}", value),
            )

    def setting(self, key: str) -> str | None:
        with self._lock:
            return self._meta(f"setting.{key}")

    # ----------------------------------------------------------------- writing
    def save(self, record: Record, *, finalise: bool = False) -> StoredRecord:
        """Store a record (validated), with its change entry and audit row, in one transaction.

        Headers (young person, referral, case) are always mutable. Event records are drafts
        until ``finalise=True``; after that any change is refused with ``RecordIsFinal``.
        """
        record = without_nul(record)
        if finalise or not record.EVENT:
            # A draft may be half-written (that is what drafts are for); the rules apply
            # when it is finalised. Headers are always complete records.
            record.validate()
        now = self._clock().isoformat()
        with self._lock:
            db = self._db()
            with transaction(db):
                return self._write(db, record, finalise=finalise, now=now)

    def save_together(self, saves: Sequence[tuple[Record, bool]]) -> list[StoredRecord]:
        """Store several records as one: each ``(record, finalise)`` as :meth:`save` would, all
        in one transaction, so either every one is stored or none is. Every record is checked
        before anything is written (a problem with the last leaves the first unwritten too);
        a write refused on the way (a record already final) rolls back those before it.

        For changes that only make sense together: a case's closure and the case marked
        closed (a closure stored on a case left open could not be undone, and the worker's
        next try was refused as "finalised")."""
        checked: list[tuple[Record, bool]] = []
        for record, finalise in saves:
            record = without_nul(record)
            if finalise or not record.EVENT:
                record.validate()
            checked.append((record, finalise))
        now = self._clock().isoformat()
        with self._lock:
            db = self._db()
            with transaction(db):
                return [self._write(db, record, finalise=finalise, now=now)
                        for record, finalise in checked]

    def _write(self, db: Connection, record: Record, *, finalise: bool, now: str) -> StoredRecord:
        """``save``'s writing, inside the caller's transaction (``attach`` writes the file's
        chunks in the same one): the record, its search entry, change and audit row."""
        body = json.dumps(record.to_dict(), separators=(",", ":"), ensure_ascii=False)
        state = ("final" if finalise else "draft") if record.EVENT else "header"
        occurred = occurred_of(record)
        op = "finalise" if state == "final" else ("draft" if state == "draft" else "put")
        row = db.execute(
            "SELECT rowid, state, revision, kind FROM records WHERE id = ?", (record.id,)
        ).fetchone()
        if row is None:
            cur = db.execute(
                "INSERT INTO records (id, kind, case_id, state, body, created_at, "
                "updated_at, finalised_at, author, occurred) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id, record.KIND, record.case_id, state, body, now, now,
                    now if state == "final" else None, self.author, occurred,
                ),
            )
            rowid = cur.lastrowid
            revision = 1
            created = now
        else:
            rowid, old_state, old_revision, old_kind = row
            if old_state == "final":
                raise RecordIsFinal(
                    tr(
                        "This record has been finalised and cannot be changed. "
                        "Record an amendment instead."
                    )
                )
            if old_kind != record.KIND:
                raise CasebookError(tr("A record with this id is of another kind."))
            revision = int(old_revision) + 1
            db.execute(
                "UPDATE records SET case_id = ?, state = ?, body = ?, updated_at = ?, "
                "finalised_at = ?, revision = ?, occurred = ? WHERE rowid = ?",
                (
                    record.case_id, state, body, now,
                    now if state == "final" else None, revision, occurred, rowid,
                ),
            )
            db.execute("DELETE FROM notes_fts WHERE rowid = ?", (rowid,))
            created = str(
                db.execute(
                    "SELECT created_at FROM records WHERE rowid = ?", (rowid,)
                ).fetchone()[0]
            )
            if old_kind == "attachment":  # a draft's file replaced: the old one may go
                drop_unnamed_files(db)
        text = record.searchable_text()
        if text:
            db.execute("INSERT INTO notes_fts (rowid, text) VALUES (?, ?)", (rowid, text))
        base_seq, base = (None, None) if record.EVENT else self._hub_base(db, record.id)
        # A finalised record never changes again: its change row points at the body
        # (SAME_AS_RECORD) rather than holding a second copy (docs/sync.md, "Size").
        self._append_change(
            db, record.id, record.KIND, op, SAME_AS_RECORD if op == "finalise" else body,
            now, state == "draft", base_seq, base,
        )
        self._append_audit(db, now, f"record.{op}", record.id)
        return StoredRecord(
            record, state, created, now, now if state == "final" else None, self.author, revision
        )

    def finalise(self, record_id: str) -> StoredRecord:
        """Finalise a draft as it stands."""
        stored = self.get(record_id)
        return self.save(stored.record, finalise=True)

    def discard_draft(self, record_id: str) -> None:
        """Throw away a draft that was never finalised."""
        now = self._clock().isoformat()
        with self._lock:
            db = self._db()
            with transaction(db):
                row = db.execute(
                    "SELECT rowid, state, kind FROM records WHERE id = ?", (record_id,)
                ).fetchone()
                if row is None:
                    raise RecordNotFound(tr("That record is not in this casebook."))
                if row[1] != "draft":
                    raise RecordIsFinal(tr("Only drafts can be discarded."))
                db.execute("DELETE FROM notes_fts WHERE rowid = ?", (row[0],))
                db.execute("DELETE FROM records WHERE rowid = ?", (row[0],))
                if row[2] == "attachment":  # its file goes too, unless another names it
                    drop_unnamed_files(db)
                self._append_change(db, record_id, row[2], "discard", "{}", now, True)
                self._append_audit(db, now, "record.discard", record_id)

    # ----------------------------------------------------------------- attachments
    def attachment_limit(self) -> int:
        """The most bytes one attached file may have: the hub's answer at the last sync
        (``GET /v1/attachments/limits``), 25 MB before the first."""
        with self._lock:
            return read_limit(self._meta(LIMIT_KEY))

    def set_attachment_limit(self, limit: int) -> None:
        """Keep the hub's limit on one file (bytes, at least 1; capped at the most any hub
        may allow, ``MAX_ATTACHMENT_LIMIT``)."""
        text = limit_text(limit)
        with self._lock, transaction(self._db()) as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (LIMIT_KEY, text),
            )

    def attach(
        self,
        source: Path | bytes,
        *,
        case_id: str | None,
        title: str,
        document_date: date,
        note: str = "",
        attached_kind: str | None = None,
        attached_to: str | None = None,
        file_name: str | None = None,
        media_type: str | None = None,
        replaces: str | None = None,
        finalise: bool = True,
    ) -> Attachment:
        """Attach a document (a file, or bytes already in memory) to a case or to one of its
        records (docs/attachments.md): its bytes, the :class:`Attachment` record naming them,
        the change for sync, the audit row and the search entry, in one transaction.

        Checked before anything is written: the size against :meth:`attachment_limit`
        (``AttachmentTooLarge``; an empty file is ``EmptyAttachment``), then the record's rules
        (``ValidationError``). A file is read a chunk at a time, never whole, twice: once to
        hash it, once to store it (it must not change in between: ``AttachmentChanged``).
        The same bytes attached again are stored once. ``file_name`` defaults to the file's
        own name (a name only, never a folder), ``media_type`` to the type its name suggests.
        """
        limit = self.attachment_limit()
        measured = measure(source)
        check_size(measured, limit)
        name = plain_file_name(
            file_name if file_name is not None
            else source.name if isinstance(source, Path) else ""
        )
        record = Attachment(
            id=new_id(), case_id=case_id, attached_kind=attached_kind, attached_to=attached_to,
            title=title, document_date=document_date, note=note, file_name=name,
            media_type=media_type or media_type_for(name), size=measured, sha256="0" * 64,
            replaces=replaces,
        )
        record = without_nul(record)
        record.validate()  # before reading a large file only to refuse the form
        sha256, size = fingerprint(source, limit)
        record = replace(record, size=size, sha256=sha256)
        record.validate()
        now = self._clock().isoformat()
        with self._lock:
            db = self._db()
            with transaction(db):
                store_file(db, source, sha256, size, now)
                self._write(db, record, finalise=finalise, now=now)
        return record

    def attachments(self, case_id: str) -> list[AttachmentRow]:
        """A case's documents, newest first: those on the case and its records, and on the
        referral it came from; each the newest version, with the ones it replaced, whether
        its bytes are here, who added it and when. Drafts included (``state``)."""
        with self._lock:
            return case_rows(self._db(), case_id)

    def referral_attachments(self, referral_id: str) -> list[AttachmentRow]:
        """A referral's documents (those attached to it, with a case or before there was
        one), in the same rows and order as :meth:`attachments`."""
        with self._lock:
            return referral_rows(self._db(), referral_id)

    def attachment_bytes(self, sha256: str) -> bytes:
        """A whole file in memory (for a preview). ``AttachmentMissing`` if it is not all
        here yet. At most the hub's limit: a file is never larger."""
        return b"".join(self.attachment_chunks(sha256))

    def attachment_chunks(self, sha256: str) -> Iterator[bytes]:
        """A whole file, a chunk at a time (for writing a copy out without holding it all).
        ``AttachmentMissing`` (at the first chunk) if it is not all here."""
        with self._lock:
            count = chunk_count(file_size(self._db(), sha256))
        for index in range(count):
            with self._lock:
                piece = read_chunk(self._db(), sha256, index)
            yield piece

    def _append_change(
        self, db: Connection, record_id: str, kind: str, op: str, payload: str, now: str,
        local_only: bool, base_seq: int | None = None, base: str | None = None,
    ) -> None:
        db.execute(
            "INSERT INTO changes (id, record_id, kind, op, payload, author, device, local_time, "
            "local_only, base_seq, base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (new_id(), record_id, kind, op, payload, self.author, self.device_id, now,
             1 if local_only else 0, base_seq, base),
        )

    @staticmethod
    def _hub_base(db: Connection, record_id: str) -> tuple[int | None, str | None]:
        """The hub version a header edit starts from (none for a record the hub never saw)."""
        row = db.execute(
            "SELECT hub_seq, hub_body FROM sync_records WHERE record_id = ?", (record_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return None, None
        return int(row[0]), row[1]

    def _append_audit(self, db: Connection, now: str, action: str, subject: str | None) -> None:
        db.execute(
            "INSERT INTO audit (at, actor, action, subject_id) VALUES (?, ?, ?, ?)",
            (now, self.author, action, subject),
        )

    @contextlib.contextmanager
    def sync_transaction(self) -> Iterator[Connection]:
        """One write transaction on the casebook, holding its lock (for ``store.sync_state``).

        Everything done inside commits together or not at all.
        """
        with self._lock:
            db = self._db()
            with transaction(db):
                yield db

    @contextlib.contextmanager
    def sync_reader(self) -> Iterator[Connection]:
        """The connection for reads, holding the casebook's lock (for ``store.sync_state``)."""
        with self._lock:
            yield self._db()

    def now(self) -> str:
        """The casebook clock's time as stored (ISO 8601)."""
        return self._clock().isoformat()

    def destroy(self) -> None:
        """Close and delete this casebook for good: database, WAL, key file and backups.

        Used when the hub tells a revoked laptop to wipe itself. Each file is overwritten with
        random bytes and flushed before it is removed; the key file goes first, so even a
        copy of the database made before this call can no longer be opened with it.
        """
        self.close()
        wipe_profile_files(self.profile)

    def audit(self, action: str, subject_id: str | None = None) -> None:
        """Append to the audit trail (e.g. ``export``). Never holds personal text."""
        with self._lock:
            db = self._db()
            with transaction(db):
                self._append_audit(db, self._clock().isoformat(), action, subject_id)

    # ----------------------------------------------------------------- reading
    @staticmethod
    def _stored(row: tuple[Any, ...]) -> StoredRecord:
        kind, body, state, created, updated, finalised, author, revision = row
        return StoredRecord(
            record_from_dict(kind, json.loads(body)), state, created, updated, finalised,
            author, int(revision),
        )

    _COLUMNS: Final = "kind, body, state, created_at, updated_at, finalised_at, author, revision"

    def get(self, record_id: str) -> StoredRecord:
        with self._lock:
            row = self._db().execute(
                f"SELECT {self._COLUMNS} FROM records WHERE id = ?",  # noqa: S608
                (record_id,),
            ).fetchone()
        if row is None:
            raise RecordNotFound(tr("That record is not in this casebook."))
        return self._stored(row)

    def records(
        self, kind: str | None = None, *, case_id: str | None = None, state: str | None = None
    ) -> list[StoredRecord]:
        """Records filtered by kind, case and state, oldest first."""
        clauses, params = [], []
        for column, value in (("kind", kind), ("case_id", case_id), ("state", state)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db().execute(
                # Only fixed column names are interpolated; values are bound parameters.
                f"SELECT {self._COLUMNS} FROM records {where} "  # noqa: S608
                "ORDER BY created_at, rowid",
                params,
            ).fetchall()
        return [self._stored(r) for r in rows]

    def view_case(self, case_id: str) -> list[StoredRecord]:
        """Everything recorded for a case (audited as a view of the case)."""
        records = self.records(case_id=case_id)
        self.audit("case.view", case_id)
        return records

    def young_person_versions(self, person_id: str) -> list[tuple[Record, str]]:
        """The earlier versions of a young person's record this laptop replaced (its own
        corrections and those pulled from the hub), oldest first, each with when it was
        replaced here (migration 8's ``young_person_versions``). A version this version of
        Spoke cannot read is left out."""
        with self._lock:
            rows = self._db().execute(
                "SELECT body, replaced_at FROM young_person_versions WHERE person_id = ? "
                "ORDER BY seq",
                (person_id,),
            ).fetchall()
        found: list[tuple[Record, str]] = []
        for body, replaced_at in rows:
            try:
                found.append((record_from_dict("young_person", json.loads(body)), replaced_at))
            except SpokeError:
                continue
        return found

    def search_notes(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Full-text search over notes inside the encrypted database, newest records first.

        Newest first, not by relevance: a worker searching notes is usually after "when did
        they last mention this", and walking the index in rowid order keeps a search over
        20,000 notes near a millisecond where ranking every match costs ~30 ms
        (benchmarks/casebook_speed.py).
        """
        query = fts_query(text)
        if query is None:
            return []
        with self._lock:
            rows = self._db().execute(
                "SELECT r.id, r.kind, r.case_id, f.snip FROM ("
                "  SELECT rowid AS rid, snippet(notes_fts, 0, '[', ']', ' … ', 12) AS snip"
                "  FROM notes_fts WHERE notes_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
                ") AS f JOIN records r ON r.rowid = f.rid ORDER BY f.rid DESC",
                (query, limit),
            ).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3]) for r in rows]

    def changes(
        self, *, include_local_only: bool = False, unsent_only: bool = True
    ) -> list[ChangeEntry]:
        """The change log in the order it was written (what the sync engine will push)."""
        clauses = []
        if not include_local_only:
            clauses.append("c.local_only = 0")
        if unsent_only:
            clauses.append("c.sent_at IS NULL")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db().execute(
                f"SELECT c.seq, c.id, c.record_id, c.kind, c.op, {CHANGE_PAYLOAD}, "  # noqa: S608
                "c.author, c.device, c.local_time, c.local_only FROM changes c "
                f"LEFT JOIN records r ON r.id = c.record_id {where} ORDER BY c.seq"
            ).fetchall()
        return [
            ChangeEntry(
                r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8], bool(r[9])
            )
            for r in rows
        ]

    def audit_trail(self) -> list[AuditEntry]:
        with self._lock:
            rows = self._db().execute(
                "SELECT seq, at, actor, action, subject_id FROM audit ORDER BY seq"
            ).fetchall()
        return [AuditEntry(*r) for r in rows]

    def audit_after(self, seq: int, action: str, limit: int) -> list[AuditEntry]:
        """Audit entries of one action after ``seq``, oldest first (e.g. case views to send)."""
        with self._lock:
            rows = self._db().execute(
                "SELECT seq, at, actor, action, subject_id FROM audit "
                "WHERE seq > ? AND action = ? ORDER BY seq LIMIT ?",
                (seq, action, limit),
            ).fetchall()
        return [AuditEntry(*r) for r in rows]

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            if kind is None:
                return int(self._db().execute("SELECT count(*) FROM records").fetchone()[0])
            row = self._db().execute("SELECT count(*) FROM records WHERE kind = ?", (kind,))
            return int(row.fetchone()[0])

    def integrity_ok(self) -> bool:
        with self._lock:
            return bool(self._db().execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def caseload(self) -> list[CaseloadRow]:
        """One row per case for the caseload list: reference, name, risk, last contact, status."""
        sql = """
            SELECT c.id,
                   json_extract(yp.body, '$.reference'),
                   json_extract(yp.body, '$.name'),
                   json_extract(yp.body, '$.preferred_name'),
                   json_extract(c.body, '$.status'),
                   json_extract(c.body, '$.current_risk_level'),
                   (SELECT max(s.occurred) FROM records s
                     WHERE s.case_id = c.id AND s.kind = 'session' AND s.state = 'final'),
                   (SELECT max(a.occurred) FROM records a
                     WHERE a.case_id = c.id AND a.kind = 'risk_assessment' AND a.state = 'final'),
                   json_extract(c.body, '$.key_worker'),
                   json_extract(c.body, '$.opened_on')
            FROM records c
            LEFT JOIN records yp ON yp.id = json_extract(c.body, '$.young_person_id')
            WHERE c.kind = 'case'
            ORDER BY json_extract(yp.body, '$.reference')
        """
        with self._lock:
            rows = self._db().execute(sql).fetchall()
        return [
            CaseloadRow(
                case_id=r[0], reference=r[1] or "", name=r[2] or "", preferred_name=r[3],
                status=r[4] or "", risk_level=r[5],
                last_contact=datetime.fromisoformat(r[6]) if r[6] else None,
                last_assessed=date.fromisoformat(r[7]) if r[7] else None,
                key_worker=r[8] or "",
                opened_on=date.fromisoformat(r[9]) if r[9] else None,
            )
            for r in rows
        ]

    def __enter__(self) -> Casebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[StoredRecord]:
        return iter(self.records())

    # ----------------------------------------------------------------- read-only, for the UI
    def unsent_record_count(self) -> int:
        """How many records have changes the hub has not acknowledged (drafts stay local)."""
        with self._lock:
            row = self._db().execute(
                "SELECT count(DISTINCT record_id) FROM changes "
                "WHERE sent_at IS NULL AND local_only = 0"
            ).fetchone()
        return int(row[0])

    def unsent_records(self, kinds: Collection[str] | None = None) -> dict[str, str]:
        """Records (id -> kind) with changes the hub has not acknowledged (drafts excluded),
        of ``kinds`` only if given: what :meth:`changes` would list, without reading and
        parsing every payload (2.4 s for 54,000 unsent records; issue 18)."""
        clauses = ["sent_at IS NULL", "local_only = 0"]
        wanted = sorted(kinds) if kinds is not None else []
        if kinds is not None:
            clauses.append(f"kind IN ({', '.join('?' * len(wanted))})")
        with self._lock:
            rows = self._db().execute(
                # Only fixed clauses are interpolated; values are bound parameters.
                f"SELECT record_id, kind FROM changes WHERE {' AND '.join(clauses)} "  # noqa: S608
                "ORDER BY seq",
                wanted,
            ).fetchall()
        return {str(record_id): str(kind) for record_id, kind in rows}

    def unsent_among(self, record_ids: Iterable[str]) -> set[str]:
        """Those of ``record_ids`` with changes the hub has not acknowledged (drafts excluded),
        found by record (the lone-working pages ask about their own few records)."""
        wanted = sorted(set(record_ids))
        found: set[str] = set()
        with self._lock:
            db = self._db()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = db.execute(
                    # Only placeholders are interpolated; values are bound parameters.
                    "SELECT DISTINCT record_id FROM changes WHERE record_id IN "  # noqa: S608
                    f"({', '.join('?' * len(chunk))}) AND sent_at IS NULL AND local_only = 0",
                    chunk,
                ).fetchall()
                found.update(str(row[0]) for row in rows)
        return found

    def unsent_record_ids(self, case_id: str) -> set[str]:
        """Records of a case with changes the hub has not acknowledged yet (drafts excluded):
        what the case page marks as "not yet on the hub"."""
        with self._lock:
            rows = self._db().execute(
                "SELECT DISTINCT c.record_id FROM changes c JOIN records r ON r.id = c.record_id "
                "WHERE c.sent_at IS NULL AND c.local_only = 0 AND r.case_id = ?",
                (case_id,),
            ).fetchall()
        return {str(r[0]) for r in rows}

    def settings_with_prefix(self, prefix: str) -> dict[str, str]:
        """Every setting whose key starts with ``prefix``, keyed by the rest of the key."""
        start = f"setting.{prefix}"
        with self._lock:
            rows = self._db().execute(
                "SELECT key, value FROM meta WHERE key >= ? AND key < ?",
                (start, start + "\uffff"),
            ).fetchall()
        return {str(key)[len(start):]: str(value) for key, value in rows}


def _overwrite_and_remove(path: Path) -> None:
    try:
        size = path.stat().st_size
        with path.open("r+b", buffering=0) as handle:
            remaining = size
            while remaining > 0:
                chunk = min(remaining, 1 << 20)
                handle.write(secrets.token_bytes(chunk))
                remaining -= chunk
            os.fsync(handle.fileno())
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


@dataclass(frozen=True)
class KeyRenewal:
    """A new data key with its key file and recovery key (:meth:`Casebook.prepare_key_renewal`),
    not applied yet. The key never appears in its repr."""

    recovery_key: str = field(repr=False)
    keyfile: KeyFile = field(repr=False)
    data_key: bytes = field(repr=False)


def _rekey(db: Connection, data_key: bytes) -> None:
    """Re-encrypt every page under ``data_key`` (one transaction), then move the WAL into the
    file and empty it, so no page under the old key is left in either."""
    db.execute(f"PRAGMA rekey = \"x'{data_key.hex()}'\"")
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def _fsync_folder(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _opens_with(db_path: Path, data_key: bytes) -> bool:
    try:
        conn = connect(db_path, data_key)
    except CasebookError:
        return False
    conn.close()
    return True


def _finish_renewal(profile: Path, old_key: bytes, new_key: bytes) -> bytes:
    """Finish a renewal of the data key that was cut off: re-encrypt the database if it is
    still under the old key, then put the new key file in place of the old. Returns the key
    that opens the casebook now (the new one)."""
    db_path = profile / DB_NAME
    if not _opens_with(db_path, new_key):
        conn = connect(db_path, old_key)  # CasebookError if neither key opens it
        try:
            _rekey(conn, new_key)
        finally:
            conn.close()
    os.replace(profile / KEY_RENEWING, profile / KEY_NAME)
    _fsync_folder(profile)
    wipe_backups(profile)
    return new_key


def _recovering_during_renewal(profile: Path, keyfile: KeyFile, recovery_key: str) -> KeyFile:
    """Recovery while a renewal of the data key was cut off: the key file the recovery key
    and the database agree on. With the new recovery key the database must already be under
    the new data key (else the passphrase is needed to finish: CasebookError); with the old
    one it must still be under the old key, and the unfinished renewal is dropped."""
    pending = profile / KEY_RENEWING
    renewed = KeyFile.read(pending)
    db_path = profile / DB_NAME
    try:
        new_key = renewed.unlock_with_recovery_key(recovery_key)
    except WrongPassphrase:
        old_key = keyfile.unlock_with_recovery_key(recovery_key)  # WrongPassphrase: neither
        if not _opens_with(db_path, old_key):
            raise CasebookError(tr(
                "This casebook's key was renewed: use the recovery key Spoke showed you then."
            )) from None
        _overwrite_and_remove(pending)
        return keyfile
    if not _opens_with(db_path, new_key):
        raise CasebookError(tr(
            "A renewal of this casebook's key was cut off before it began. Unlock with your "
            "passphrase to finish it, or use your previous recovery key."
        ))
    os.replace(pending, profile / KEY_NAME)
    _fsync_folder(profile)
    return renewed


def wipe_backups(profile: Path) -> None:
    """Overwrite and delete the encrypted copies in ``profile/backups`` (taken before an
    upgrade): after a disposal they are the only place a disposed case could still be read."""
    backups = profile / "backups"
    if backups.is_dir():
        for path in sorted(backups.rglob("*")):
            if path.is_file():
                _overwrite_and_remove(path)


def wipe_profile_files(profile: Path) -> None:
    """Overwrite and delete the casebook's files in ``profile`` (key file first)."""
    _overwrite_and_remove(profile / KEY_NAME)
    _overwrite_and_remove(profile / KEY_RENEWING)
    for path in (*profile.glob(f".{KEY_NAME}.*.tmp"), *profile.glob(f".{KEY_RENEWING}.*.tmp")):
        _overwrite_and_remove(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        _overwrite_and_remove(profile / f"{DB_NAME}{suffix}")
    backups = profile / "backups"
    if backups.is_dir():
        for path in sorted(backups.rglob("*")):
            if path.is_file():
                _overwrite_and_remove(path)
        shutil.rmtree(backups, ignore_errors=True)


@dataclass(frozen=True)
class CaseloadRow:
    case_id: str
    reference: str
    name: str
    preferred_name: str | None
    status: str
    risk_level: str | None
    last_contact: datetime | None
    last_assessed: date | None
    key_worker: str
    #: The day the case was opened (a session cannot be before it); None if not known.
    opened_on: date | None = None
