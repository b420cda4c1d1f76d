"""The bytes of attached documents, inside the encrypted casebook (docs/attachments.md).

A file is kept in 64 KiB chunks (``ATTACHMENT_CHUNK_BYTES``) in ``attachment_chunks``, keyed by
its SHA-256, with one ``attachment_blobs`` row saying how large it is, whether every chunk is
here and checked (``complete``) and whether the hub holds it (``uploaded``); migration 11. The
same file attached twice is stored once. Inside the casebook rather than beside it, so one key,
SQLCipher's per-page authentication, backups, integrity checks, the at-rest scan and a wipe
cover documents exactly as they cover notes (measured: ``benchmarks/attachment_store.py``).

Who uses what:

* ``Casebook.attach`` (the casebook's one write path, so the record's change, audit row and
  search entry are written with the chunks, in one transaction) uses :func:`measure`,
  :func:`fingerprint` and :func:`store_file`;
* a file goes with the last attachment record naming it: :func:`drop_unnamed_files` runs in
  the transaction that removes records (a purge, a disposal, a discarded draft); with
  ``secure_delete`` on, the freed pages are zeroed, and the engine's scrub after a purge
  empties the WAL (``SyncStore.scrub_if_pending``);
* ``Casebook.attachments`` and ``Casebook.referral_attachments`` list a case's or a
  referral's documents (:func:`case_rows`, :func:`referral_rows`: one query, newest first,
  each with the versions it replaced);
* the sync engine moves files with :class:`AttachmentStore` (uploads after the record was
  acknowledged, downloads chunk by chunk, each chunk committed as it arrives).

Nothing here logs or raises a file's name or contents: messages name sizes only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

from spokeapp.domain.attachments import (
    ATTACHMENT_CHUNK_BYTES,
    DEFAULT_ATTACHMENT_LIMIT,
    MAX_ATTACHMENT_LIMIT,
    chunk_count,
    chunk_length,
    is_sha256,
    megabytes,
)
from spokeapp.domain.errors import SpokeError
from spokeapp.domain.records import Attachment
from spokeapp.i18n import number, translator
from spokeapp.store.database import CasebookError, Connection

if TYPE_CHECKING:
    from spokeapp.store.casebook import Casebook

tr = translator(__name__)

__all__ = [
    "LIMIT_KEY",
    "AttachmentChanged",
    "AttachmentMissing",
    "AttachmentRefused",
    "AttachmentRow",
    "AttachmentStore",
    "AttachmentTooLarge",
    "BadChunk",
    "EmptyAttachment",
    "check_size",
    "drop_unnamed_files",
    "fingerprint",
    "measure",
    "store_file",
]

#: ``meta`` key of the hub's limit on one file as last told (bytes; no personal data).
LIMIT_KEY: Final = "attachment.limit"

#: The SHA-256 an attachment record names (over ``records``).
_NAMED_HASH: Final = "json_extract(body, '$.sha256')"


class AttachmentRefused(SpokeError):
    """A file was not attached; nothing was written. The message says why (never the name)."""


class AttachmentTooLarge(AttachmentRefused):
    """The file is larger than the hub accepts."""

    def __init__(self, size: int, limit: int, *, at_least: bool = False) -> None:
        self.size = size
        self.limit = limit
        shown, most = megabytes(size), megabytes(limit)
        if shown == most:  # "25 MB; ... up to 25 MB" would say nothing
            shown = tr.plural(size, "{n} byte", "{n} bytes")
            most = tr.plural(limit, "{n} byte", "{n} bytes")
        message = (
            tr("This file is more than {size}; your hub accepts files up to {limit}.")
            if at_least else tr("This file is {size}; your hub accepts files up to {limit}.")
        )
        super().__init__(message.format(size=shown, limit=most))


class EmptyAttachment(AttachmentRefused):
    """The file has no bytes at all."""

    def __init__(self) -> None:
        super().__init__(tr("This file is empty (0 bytes): there is nothing to attach."))


class AttachmentChanged(AttachmentRefused):
    """The file changed while it was read (e.g. still being saved by another program)."""

    def __init__(self) -> None:
        super().__init__(tr(
            "The file changed while it was being attached, so nothing was saved. Wait until "
            "it is finished (for example, saved or downloaded), then attach it again."
        ))


class AttachmentMissing(SpokeError):
    """The file's bytes are not (all) in this casebook yet: they come at the next sync."""

    def __init__(self) -> None:
        super().__init__(tr(
            "This file is not on this laptop yet: it is fetched from the hub at the next sync."
        ))


class BadChunk(SpokeError):
    """A part of a file from the hub has the wrong number or length: it was not stored."""


@dataclass(frozen=True)
class AttachmentRow:
    """One document of a case as its list shows it: the newest version of it, whether its
    bytes are on this laptop, who added it and when (its record's author and the time it
    was written or arrived here, as other lists show records), its state (``final`` or
    ``draft``) and the versions it replaced, newest first."""

    attachment: Attachment
    state: str
    has_bytes: bool
    added_by: str
    added_at: str
    earlier: tuple[AttachmentRow, ...] = ()


# ------------------------------------------------------------------------------ attaching
def measure(source: Path | bytes) -> int:
    """The size of ``source`` without reading it (``stat`` for a file)."""
    if isinstance(source, Path):
        try:
            return source.stat().st_size
        except OSError as exc:
            raise AttachmentRefused(
                tr("The file could not be read, so nothing was attached.")
            ) from exc
    return len(source)


def check_size(size: int, limit: int, *, at_least: bool = False) -> None:
    """Refuse an empty file, or one larger than ``limit`` bytes."""
    if size <= 0:
        raise EmptyAttachment()
    if size > limit:
        raise AttachmentTooLarge(size, limit, at_least=at_least)


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise AttachmentRefused(
            tr("The file could not be read, so nothing was attached.")
        ) from exc


def _pieces(source: Path | bytes, handle: BinaryIO | None) -> Iterator[bytes]:
    """``source`` in chunks of ``ATTACHMENT_CHUNK_BYTES`` (the last may be shorter)."""
    if handle is None:
        assert isinstance(source, bytes)
        view = memoryview(source)
        for start in range(0, len(view), ATTACHMENT_CHUNK_BYTES):
            yield bytes(view[start:start + ATTACHMENT_CHUNK_BYTES])
        return
    while True:
        try:
            piece = handle.read(ATTACHMENT_CHUNK_BYTES)
        except OSError as exc:
            raise AttachmentRefused(
                tr("The file could not be read, so nothing was attached.")
            ) from exc
        if not piece:
            return
        yield piece


def fingerprint(source: Path | bytes, limit: int) -> tuple[str, int]:
    """The SHA-256 (hex) and size of ``source``, read a chunk at a time (a file is never held
    whole). Refuses a file that turns out empty or grows past ``limit`` while it is read."""
    if isinstance(source, bytes):
        check_size(len(source), limit)
        return hashlib.sha256(source).hexdigest(), len(source)
    digest = hashlib.sha256()
    size = 0
    with _open(source) as handle:
        for piece in _pieces(source, handle):
            size += len(piece)
            if size > limit:
                raise AttachmentTooLarge(size, limit, at_least=True)
            digest.update(piece)
    check_size(size, limit)
    return digest.hexdigest(), size


def store_file(db: Connection, source: Path | bytes, sha256: str, size: int, now: str) -> bool:
    """Write ``source``'s chunks under ``sha256`` inside the caller's transaction, unless this
    casebook already holds that file whole (then nothing is written; returns False).

    The bytes are read again as they are written and must hash to ``sha256`` with exactly
    ``size`` bytes (what the record says); otherwise :class:`AttachmentChanged` is raised and
    the caller's transaction leaves nothing behind. Chunks of an unfinished download of the
    same file are replaced by these."""
    row = db.execute(
        "SELECT complete FROM attachment_blobs WHERE sha256 = ?", (sha256,)
    ).fetchone()
    if row is not None and row[0]:
        return False
    if row is not None:  # part of a download: these bytes are known good once they hash
        db.execute("DELETE FROM attachment_blobs WHERE sha256 = ?", (sha256,))
    db.execute(
        "INSERT INTO attachment_blobs (sha256, size, complete, uploaded, added_at) "
        "VALUES (?, ?, 0, 0, ?)",
        (sha256, size, now),
    )
    digest = hashlib.sha256()
    written = 0
    handle = _open(source) if isinstance(source, Path) else None
    try:
        for index, piece in enumerate(_pieces(source, handle)):
            if len(piece) != chunk_length(size, index):
                raise AttachmentChanged()
            digest.update(piece)
            written += len(piece)
            db.execute(
                "INSERT INTO attachment_chunks (sha256, idx, data) VALUES (?, ?, ?)",
                (sha256, index, piece),
            )
    finally:
        if handle is not None:
            handle.close()
    if written != size or digest.hexdigest() != sha256:
        raise AttachmentChanged()
    db.execute("UPDATE attachment_blobs SET complete = 1 WHERE sha256 = ?", (sha256,))
    return True


def drop_unnamed_files(db: Connection) -> int:
    """Inside the caller's transaction: remove every file (and its chunks) that no attachment
    record in the casebook names any more. Returns how many files went."""
    cur = db.execute(
        "DELETE FROM attachment_blobs WHERE sha256 NOT IN ("  # noqa: S608 - a fixed expression
        f"SELECT {_NAMED_HASH} FROM records WHERE kind = 'attachment' "
        f"AND {_NAMED_HASH} IS NOT NULL)"
    )
    return int(cur.rowcount)


# ------------------------------------------------------------------------------ reading
def is_complete(db: Connection, sha256: str) -> bool:
    row = db.execute(
        "SELECT complete FROM attachment_blobs WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return row is not None and bool(row[0])


def read_chunk(db: Connection, sha256: str, index: int) -> bytes:
    """Chunk ``index`` of a complete file (AttachmentMissing if it is not whole here)."""
    if not is_complete(db, sha256):
        raise AttachmentMissing()
    row = db.execute(
        "SELECT data FROM attachment_chunks WHERE sha256 = ? AND idx = ?", (sha256, index)
    ).fetchone()
    if row is None:
        raise CasebookError(tr("That part of the file does not exist."))
    return bytes(row[0])


def file_size(db: Connection, sha256: str) -> int:
    """The size of a complete file here (AttachmentMissing if it is not whole here)."""
    row = db.execute(
        "SELECT size, complete FROM attachment_blobs WHERE sha256 = ?", (sha256,)
    ).fetchone()
    if row is None or not row[1]:
        raise AttachmentMissing()
    return int(row[0])


#: An attachment record on a referral, and the referral it names (over ``records r``).
_ON_REFERRAL: Final = "json_extract(r.body, '$.attached_kind') = 'referral'"
_REFERRAL_NAMED: Final = "json_extract(r.body, '$.attached_to')"
#: A case's documents: on the case and its records, and on the referral it came from.
_OF_CASE: Final = (
    f"r.case_id = ?1 OR ({_ON_REFERRAL} AND {_REFERRAL_NAMED} = (SELECT "  # noqa: S608
    "json_extract(c.body, '$.referral_id') FROM records c WHERE c.id = ?1 AND c.kind = 'case'))"
)
#: A referral's documents, whether or not a case was opened from it.
_OF_REFERRAL: Final = f"{_ON_REFERRAL} AND {_REFERRAL_NAMED} = ?1"


def _listed(db: Connection, which: str, key: str) -> list[AttachmentRow]:
    """The attachment records matching ``which`` (one of the fixed conditions above, with
    ``key`` as ``?1``), newest first, grouped into versions."""
    rows = db.execute(
        "SELECT r.body, r.state, r.author, r.created_at, EXISTS (SELECT 1 FROM "  # noqa: S608
        "attachment_blobs b WHERE b.sha256 = json_extract(r.body, '$.sha256') "
        f"AND b.complete = 1) FROM records r WHERE r.kind = 'attachment' AND ({which}) "
        "ORDER BY r.created_at DESC, r.rowid DESC",
        (key,),
    ).fetchall()
    found: list[AttachmentRow] = []
    for body, state, author, created_at, here in rows:
        try:
            attachment = Attachment.from_dict(json.loads(body))
        except (SpokeError, ValueError):  # a shape this version cannot read: not listed
            continue
        found.append(AttachmentRow(attachment, str(state), bool(here), str(author),
                                   str(created_at)))
    return _versions(found)


def case_rows(db: Connection, case_id: str) -> list[AttachmentRow]:
    """The attachments of a case (see ``Casebook.attachments``)."""
    return _listed(db, _OF_CASE, case_id)


def referral_rows(db: Connection, referral_id: str) -> list[AttachmentRow]:
    """The attachments of a referral (see ``Casebook.referral_attachments``)."""
    return _listed(db, _OF_REFERRAL, referral_id)


def _versions(rows: list[AttachmentRow]) -> list[AttachmentRow]:
    """Newest versions first, each with the versions it replaced (newest first)."""
    by_id = {row.attachment.id: row for row in rows}
    replaced = {row.attachment.replaces for row in rows if row.attachment.replaces}
    heads: list[AttachmentRow] = []
    for row in rows:  # already newest first
        if row.attachment.id in replaced:
            continue
        earlier: list[AttachmentRow] = []
        seen = {row.attachment.id}
        step = row.attachment.replaces
        while step is not None and step in by_id and step not in seen:
            seen.add(step)
            earlier.append(by_id[step])
            step = by_id[step].attachment.replaces
        heads.append(AttachmentRow(row.attachment, row.state, row.has_bytes, row.added_by,
                                   row.added_at, tuple(earlier)))
    return heads


# ------------------------------------------------------------------------------ sync
class AttachmentStore:
    """What the sync engine asks of the casebook about files (docs/attachments.md, "Sync").

    Each method is its own transaction; a download's chunks are committed one by one as they
    arrive, so a download cut off half-way resumes from :meth:`received_chunks`."""

    def __init__(self, casebook: Casebook) -> None:
        self.casebook = casebook

    # ---------------------------------------------------------------- uploads
    def uploads_waiting(self) -> list[tuple[str, int]]:
        """(sha256, size) of files here, whole, not yet known to be on the hub, that a
        finalised attachment record names which the hub has acknowledged (or sent): a file
        goes up only after the record that names it, oldest first."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                "SELECT b.sha256, b.size FROM attachment_blobs b "  # noqa: S608
                "WHERE b.complete = 1 AND b.uploaded = 0 AND EXISTS ("
                "SELECT 1 FROM records r JOIN sync_records sr ON sr.record_id = r.id "
                "WHERE r.kind = 'attachment' AND r.state = 'final' "
                f"AND sr.hub_seq IS NOT NULL AND {_NAMED_HASH} = b.sha256) "
                "ORDER BY b.added_at, b.sha256"
            ).fetchall()
        return [(str(sha256), int(size)) for sha256, size in rows]

    def mark_uploaded(self, sha256: str) -> None:
        """The hub holds the whole file (it said ``complete``): never offer it again."""
        with self.casebook.sync_transaction() as db:
            db.execute("UPDATE attachment_blobs SET uploaded = 1 WHERE sha256 = ?", (sha256,))

    def read_chunk(self, sha256: str, index: int) -> bytes:
        """Chunk ``index`` of a whole file here (AttachmentMissing if it is not whole)."""
        with self.casebook.sync_reader() as db:
            return read_chunk(db, sha256, index)

    # ---------------------------------------------------------------- downloads
    def downloads_waiting(self) -> list[tuple[str, int]]:
        """(sha256, size) of files that finalised attachment records here name (pulled from
        the hub) but that are not whole here yet, in the order the records arrived."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                f"SELECT {_NAMED_HASH}, json_extract(body, '$.size') FROM records r "  # noqa: S608
                "WHERE kind = 'attachment' AND state = 'final' AND NOT EXISTS ("
                "SELECT 1 FROM attachment_blobs b WHERE b.complete = 1 "
                f"AND b.sha256 = {_NAMED_HASH}) ORDER BY rowid"
            ).fetchall()
        waiting: dict[str, int] = {}
        for sha256, size in rows:
            if (isinstance(sha256, str) and is_sha256(sha256) and isinstance(size, int)
                    and 0 < size <= MAX_ATTACHMENT_LIMIT):
                waiting.setdefault(sha256, size)
        return list(waiting.items())

    def received_chunks(self, sha256: str) -> set[int]:
        """The chunk numbers of ``sha256`` already stored here (all of them once whole)."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                "SELECT idx FROM attachment_chunks WHERE sha256 = ?", (sha256,)
            ).fetchall()
        return {int(row[0]) for row in rows}

    def store_chunk(self, sha256: str, size: int, index: int, data: bytes) -> None:
        """Store chunk ``index`` of a ``size``-byte file from the hub, committed at once.

        The number must be within the file and the length exact (every chunk full but the
        last): otherwise :class:`BadChunk` and nothing is stored. A chunk already here, or any
        chunk of a file already whole, changes nothing. CasebookError if no attachment record
        here names that file with that size."""
        expected = chunk_length(size, index) if 0 < size <= MAX_ATTACHMENT_LIMIT else 0
        if not is_sha256(sha256) or expected == 0 or len(data) != expected:
            raise BadChunk(tr(
                "A part of an attached file from the hub has the wrong number or length; it "
                "was not stored and is fetched again at the next sync."
            ))
        with self.casebook.sync_transaction() as db:
            row = db.execute(
                "SELECT size, complete FROM attachment_blobs WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if row is None:
                named = db.execute(
                    f"SELECT 1 FROM records WHERE kind = 'attachment' "  # noqa: S608
                    f"AND {_NAMED_HASH} = ? AND json_extract(body, '$.size') = ? LIMIT 1",
                    (sha256, size),
                ).fetchone()
                if named is None:
                    raise CasebookError(tr("No attachment on this laptop names that file."))
                # It came from the hub, so the hub holds it: never offered for upload.
                db.execute(
                    "INSERT INTO attachment_blobs (sha256, size, complete, uploaded, added_at) "
                    "VALUES (?, ?, 0, 1, ?)",
                    (sha256, size, self.casebook.now()),
                )
            elif int(row[0]) != size:
                raise BadChunk(tr(
                    "A part of an attached file from the hub does not match the file's size; "
                    "it was not stored."
                ))
            elif row[1]:
                return
            db.execute(
                "INSERT OR IGNORE INTO attachment_chunks (sha256, idx, data) VALUES (?, ?, ?)",
                (sha256, index, data),
            )

    def finish_download(self, sha256: str) -> bool:
        """Every chunk has arrived: hash them in order. True (the file is whole and usable)
        if they match ``sha256``; False if they do not, and then every chunk of it is dropped
        so the next sync fetches it again. CasebookError if chunks are still missing."""
        with self.casebook.sync_transaction() as db:
            row = db.execute(
                "SELECT size, complete FROM attachment_blobs WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if row is None:
                raise CasebookError(tr("No part of that file is on this laptop."))
            size, complete = int(row[0]), bool(row[1])
            if complete:
                return True
            total = chunk_count(size)
            count = int(db.execute(
                "SELECT count(*) FROM attachment_chunks WHERE sha256 = ?", (sha256,)
            ).fetchone()[0])
            if count != total:  # store_chunk keeps numbers within the file: none are extra
                raise CasebookError(tr(
                    "Parts of that file have not arrived yet: {count} of {total}."
                ).format(count=number(count), total=number(total)))
            digest = hashlib.sha256()
            for (data,) in db.execute(
                "SELECT data FROM attachment_chunks WHERE sha256 = ? ORDER BY idx", (sha256,)
            ):
                digest.update(data)
            if digest.hexdigest() != sha256:
                db.execute("DELETE FROM attachment_blobs WHERE sha256 = ?", (sha256,))
                return False
            db.execute("UPDATE attachment_blobs SET complete = 1 WHERE sha256 = ?", (sha256,))
        return True


def read_limit(value: str | None) -> int:
    """The stored limit (``LIMIT_KEY``), or the default before the hub first said one."""
    try:
        limit = int(value) if value is not None else DEFAULT_ATTACHMENT_LIMIT
    except ValueError:
        return DEFAULT_ATTACHMENT_LIMIT
    return limit if 0 < limit <= MAX_ATTACHMENT_LIMIT else DEFAULT_ATTACHMENT_LIMIT


def limit_text(limit: int) -> str:
    """The limit as stored."""
    if limit <= 0:
        raise ValueError("an attachment limit is at least 1 byte")
    return str(min(limit, MAX_ATTACHMENT_LIMIT))
