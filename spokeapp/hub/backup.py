"""Backups, restores, and noticing a restore the administrator did not announce (docs/sync.md,
"Hub epoch and restores"; docs/hub-admin.md, "Backups on PostgreSQL").

A hub restored from a backup has forgotten changes it acknowledged. Devices recover when the
hub's epoch changes (they re-pull from zero and re-push every change they ever pushed), so the
hub changes its epoch whenever it can tell it went back in time:

* ``spoke-hub backup FILE`` writes an encrypted copy and records, in the live hub, the highest
  sequence number the copy holds (``backup_covers_seq``, contract C2) and when it was taken
  (``last_backup_at``); ``spoke-hub restore FILE`` puts it back and sets a new epoch. The
  embedded restore first takes the serving lock (``spokeapp.hub.serving_lock``): refused
  while a hub serves the file, whatever key file is in place.

  - Embedded hub: ``sqlcipher_export`` into a new SQLCipher file with the hub's own key,
    marked as a backup (a ``hub_meta`` row).
  - PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot (so the sequence number
    recorded is exactly the dump's), encrypted as it streams with AES-256-GCM under the
    **backup key file** (``--key-file``; default ``backup.key`` in the hub's data folder,
    created 0600 at the first backup). The restore checks the whole file before it touches
    the database, then replaces everything in the hub's schema in one transaction
    (``pg_restore`` into ``psql``): a failure leaves the database as it was. See
    :class:`PgTools` for which ``pg_dump``/``pg_restore``/``psql`` are used.

* A database that still carries the backup mark when ``serve`` starts was copied back by
  hand: new epoch.
* A **high-water mark** kept outside the database (``hub.mark`` beside the embedded file; for
  PostgreSQL a file named after the hub id in the hub's data folder) holds the epoch and the
  highest sequence number the hub has given out, written at start, every few seconds while
  serving and at shutdown. A database whose counter is below the mark of its own epoch lost
  committed changes (restored from a file copy, a snapshot, ``pg_restore``): new epoch.

Only ids, epochs and counts are ever printed or logged; an error of a PostgreSQL tool is
passed on as its error line only, with anything quoted in it left out (it may quote a row).
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlcipher3.dbapi2 as sqlcipher_dbapi
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, delete, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.hub import serving_lock
from spokeapp.hub.admin import CLI_ACTOR, new_epoch
from spokeapp.hub.config import HUB_DATA_NAME
from spokeapp.hub.db import (
    OPEN_GRACE_S,
    HubDatabaseError,
    embedded_path,
    fsync_dir,
    is_disk_full,
    is_embedded,
    key_path,
    make_engine,
    no_space_message,
    parse_hex_key,
    read_key,
    taken_alone,
    unreadable_message,
    write_new_hex_key,
)
from spokeapp.hub.ledger import (
    META_EPOCH,
    META_HUB_ID,
    audit,
    lock_writes,
    max_seq,
    meta,
    set_meta,
)
from spokeapp.hub.models import HubMeta
from spokeapp.hub.pull import META_BACKUP_COVERS
from spokeapp.hub.schema import head_revision, known_revisions
from spokeapp.hub.security import iso, utc_now

log = logging.getLogger(__name__)

#: ``hub_meta`` key present only in a copy made by ``spoke-hub backup``.
META_BACKUP = "backup_taken"
#: ``hub_meta`` key of the live hub: when its newest backup was taken (``/metrics``' backup age).
META_LAST_BACKUP = "last_backup_at"
#: How often ``serve`` refreshes the high-water mark (seconds).
MARK_INTERVAL_S = 2.0


class BackupError(SpokeError):
    """A backup or restore could not be made; the message says what to do."""


# --------------------------------------------------------------------------- the mark
@dataclass(frozen=True, slots=True)
class HubMark:
    """What the hub last knew of itself: its id, epoch and highest sequence number."""

    hub_id: str
    epoch: str
    max_seq: int


def mark_path(database_url: str, hub_id: str) -> Path:
    """Where the high-water mark of this hub lives (outside its database)."""
    if is_embedded(database_url):
        return embedded_path(database_url).with_suffix(".mark")
    return Path(user_data_dir(HUB_DATA_NAME, appauthor=False)) / f"hub-{hub_id}.mark"


def read_mark(path: Path) -> HubMark | None:
    """The mark in ``path``, or None if there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return HubMark(str(data["hub_id"]), str(data["epoch"]), int(data["max_seq"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def replace_privately(path: Path, text: str, prefix: str) -> None:
    """Replace ``path`` with ``text``, owner-only (0600), atomically: written whole to a
    temporary file beside it (named ``prefix``...), synced, then renamed into place. A crash
    or a failed write (a full disk) leaves the old file or the new one, never part of it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_mark(path: Path, mark: HubMark) -> None:
    """Replace the mark atomically (a crash leaves the old mark or the new one)."""
    replace_privately(path, json.dumps(
        {"hub_id": mark.hub_id, "epoch": mark.epoch, "max_seq": mark.max_seq}), ".hub-mark-")


def current_mark(engine: Engine) -> HubMark:
    """The hub's id, epoch and counter as the database has them now."""
    with Session(engine) as session:
        return HubMark(meta(session, META_HUB_ID), meta(session, META_EPOCH), max_seq(session))


@dataclass(frozen=True, slots=True)
class RestoreCheck:
    """What :func:`check_restored` found; ``new_epoch`` is set when it changed the epoch."""

    reason: str | None
    old_epoch: str
    new_epoch: str | None


def check_restored(engine: Engine, path: Path) -> RestoreCheck:
    """At ``serve`` start: give the hub a new epoch if its database was restored.

    Restored means: it still carries the mark of a copy made by ``spoke-hub backup``, or its
    counter is below the high-water mark of the same hub and epoch. Writes the mark afterwards.
    """
    now = before = current_mark(engine)
    reason: str | None = None
    with Session(engine) as session:
        if session.get(HubMeta, META_BACKUP) is not None:
            reason = "the database is a backup copy"
    mark = read_mark(path)
    if reason is None and mark is not None and mark.hub_id == now.hub_id \
            and mark.epoch == now.epoch and mark.max_seq > now.max_seq:
        reason = (f"its sequence counter ({now.max_seq}) is behind the last one this hub gave "
                  f"out ({mark.max_seq})")
    epoch: str | None = None
    if reason is not None:
        epoch = _new_epoch(engine, f"restore_detected: {reason}")
        log.warning("hub database was restored (%s): new epoch %s; laptops will re-pull and "
                    "re-push", reason, epoch)
        now = current_mark(engine)
    write_mark(path, now)
    return RestoreCheck(reason, before.epoch, epoch)


def _new_epoch(engine: Engine, detail: str) -> str:
    with Session(engine) as session, session.begin():
        lock_writes(session)
        epoch = new_epoch()
        set_meta(session, META_EPOCH, epoch)
        session.execute(delete(HubMeta).where(HubMeta.key == META_BACKUP))
        audit(session, CLI_ACTOR, "restore_epoch", epoch, detail[:200])
    return epoch


class MarkKeeper:
    """Keeps the high-water mark up to date while the hub serves (a daemon thread)."""

    def __init__(self, engine: Engine, path: Path, interval: float = MARK_INTERVAL_S) -> None:
        self.engine = engine
        self.path = path
        self.interval = interval
        self._stop = threading.Event()
        self._last: HubMark | None = None
        self._thread = threading.Thread(target=self._loop, name="spoke-hub-mark", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def refresh(self) -> None:
        """Write the mark if the hub moved on since the last write."""
        mark = current_mark(self.engine)
        if mark != self._last:
            write_mark(self.path, mark)
            self._last = mark

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception as exc:  # never take the hub down for its mark
                log.warning("could not update the hub's high-water mark: %s", type(exc).__name__)

    def stop(self) -> None:
        """Stop the thread and write the mark one last time."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            self.refresh()
        except Exception as exc:  # said, not hidden: the mark then holds its last value
            log.warning("could not write the hub's high-water mark at shutdown: %s",
                        type(exc).__name__)


# --------------------------------------------------------------------------- backup
def backup(database_url: str, target: Path, *, key_file: Path | None = None) -> HubMark:
    """Write an encrypted copy of the hub to ``target``: for the embedded hub a SQLCipher copy
    with the hub's own key, marked as a backup; for PostgreSQL an encrypted ``pg_dump`` under
    the backup key file (``key_file``, else :func:`backup_key_path`; created if missing).
    Safe while the hub serves (one consistent read). The live hub then records the sequence
    number the copy holds and when it was taken. Returns the copy's id, epoch and counter."""
    if not is_embedded(database_url):
        return _pg_backup(database_url, target, backup_key_path(key_file))
    if key_file is not None:
        raise BackupError(_EMBEDDED_KEY)
    target = target.expanduser().resolve()
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file for the backup.")
    source = embedded_path(database_url)
    key_hex = read_key(source).hex()
    os.close(_new_private_file(target))
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            try:
                cursor.execute("ATTACH DATABASE ? AS backup KEY \"x'" + key_hex + "'\"",
                               (str(target),))
                cursor.execute("BEGIN")
                cursor.execute("SELECT sqlcipher_export('backup')")
                hub_id = cursor.execute(
                    "SELECT value FROM hub_meta WHERE key = ?", (META_HUB_ID,)).fetchone()[0]
                epoch = cursor.execute(
                    "SELECT value FROM hub_meta WHERE key = ?", (META_EPOCH,)).fetchone()[0]
                seq = cursor.execute("SELECT value FROM hub_counter").fetchone()[0]
                cursor.execute(
                    "INSERT OR REPLACE INTO backup.hub_meta (key, value) VALUES (?, ?)",
                    (META_BACKUP, iso(utc_now())),
                )
                cursor.execute("COMMIT")
                cursor.execute("DETACH DATABASE backup")
                # Contract C2: the live hub now tells laptops the newest backup holds every
                # change up to ``seq``, so they may forget pushed payloads up to it.
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute(
                    "INSERT OR REPLACE INTO hub_meta (key, value) VALUES (?, ?), (?, ?)",
                    (META_BACKUP_COVERS, str(int(seq)), META_LAST_BACKUP, iso(utc_now())),
                )
                cursor.execute("COMMIT")
            finally:
                cursor.close()
    except Exception as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        if is_disk_full(exc):  # the partial copy is gone again; the hub is unchanged
            raise BackupError(no_space_message(target.parent, "the backup", source, exc)
                              + " Make room there or choose another place; no backup was "
                              "written.") from None
        raise
    finally:
        engine.dispose()
    return HubMark(str(hub_id), str(epoch), int(seq))


def _new_private_file(target: Path) -> int:
    """A new, empty 0600 file at ``target`` (its folder made if missing), open for writing;
    BackupError saying why if it cannot be made."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"The backup cannot be written to {target}: its folder cannot be made "
            f"({exc.strerror or type(exc).__name__}). Nothing was written."
        ) from None
    try:
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{target} already exists; choose a new file for the backup.") from None
    except OSError as exc:
        raise BackupError(
            f"The backup cannot be written to {target} ({exc.strerror or type(exc).__name__}): "
            "choose a folder the hub's user may write to. Nothing was written."
        ) from None


def restore(database_url: str, source: Path, *, key_file: Path | None = None,
            mark_file: Path | None = None) -> tuple[HubMark, str]:
    """Put a backup made by :func:`backup` back in place of the hub (which must not be
    serving) and give it a new epoch; the high-water mark (``mark_file``, else the default
    :func:`mark_path`) is rewritten. Returns (the backup's mark, the new epoch)."""
    if not is_embedded(database_url):
        return _pg_restore(database_url, source, backup_key_path(key_file), mark_file)
    if key_file is not None:
        raise BackupError(_EMBEDDED_KEY)
    source = source.expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    db_path = embedded_path(database_url)
    if not key_path(db_path).exists():
        raise BackupError(
            f"No key file at {key_path(db_path)}: put back the key file the hub was made with "
            "(backups use the hub's own key)."
        )
    with _open_source(source) as handle:
        if handle.read(len(PG_MAGIC)) == PG_MAGIC:
            raise BackupError(
                f"{source} is a backup of a hub on PostgreSQL: restore it into a PostgreSQL "
                "database (--database postgresql+psycopg://USER@HOST/DB, with its backup key "
                "file). Nothing was changed."
            )
    # No hub may serve the file while it is replaced: its serving lock, held until the
    # restore is done (a hub serving on would write acknowledged pushes into a file that is
    # gone). Taken first, and whatever key file is in place: an older backup's key, put back
    # to restore it, does not open the live database, and that says nothing of who uses it.
    with serving_lock.held(db_path, "restore"):
        return _restore_embedded(database_url, source, db_path, mark_file)


def _restore_embedded(database_url: str, source: Path, db_path: Path,
                      mark_file: Path | None) -> tuple[HubMark, str]:
    # Check the backup opens with this hub's key and is a backup of this hub (if one exists).
    staged = db_path.with_name(f".{db_path.name}.restoring")
    staged.unlink(missing_ok=True)
    _copy(source, staged)
    try:
        backup_mark, taken_at = _inspect(staged, db_path)
        current_id = _current_hub_id(database_url) if db_path.exists() else None
        if current_id is not None and current_id != backup_mark.hub_id:
            raise BackupError(
                f"{source} is a backup of another hub ({backup_mark.hub_id}); this one is "
                f"{current_id}. Nothing was changed."
            )
        if db_path.exists():
            _refuse_if_open(db_path)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(staged, db_path)
        fsync_dir(db_path.parent)
    finally:
        staged.unlink(missing_ok=True)
    try:
        epoch = _after_restore(database_url, backup_mark, taken_at, mark_file)
    except Exception as exc:
        # The file is in place: never "nothing was changed" from here. The restored file
        # still carries the backup mark, so `serve` gives it a new epoch when it starts.
        raise BackupError(
            f"The backup was put in place of {db_path}, but its new epoch could not be set "
            f"({type(exc).__name__}): `spoke-hub serve` sets one when it starts (it sees a "
            "backup copy), or run `spoke-hub restore-epoch`."
        ) from None
    return backup_mark, epoch


def _refuse_if_open(db_path: Path) -> None:
    """BackupError if any other process has the embedded database open (a hub of a version
    without the serving lock, any other ``spoke-hub`` command): replacing the file under it
    would leave it writing into a file that is gone.

    Asked of the operating system first (SQLite's own lock on the file, where it can tell:
    ``serving_lock.sqlite_user``), then of SQLite with the hub's key (``db.taken_alone``). A
    database that does not open with the key file in place (an older backup's key put back
    to restore it, a damaged file) is replaced only because the serving lock is held and the
    operating system saw no other user: "will not decrypt" never means "not in use"."""
    user = serving_lock.sqlite_user(db_path)
    if user is not None:
        raise BackupError(_in_use(db_path, f" (pid {user})"))
    connection = sqlcipher_dbapi.connect(str(db_path), timeout=OPEN_GRACE_S,
                                         isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{read_key(db_path).hex()}'\"")
        alone = taken_alone(connection.cursor())
    except sqlcipher_dbapi.OperationalError as exc:  # unreadable: a state, never "alone"
        raise BackupError(
            f"The hub database {db_path} cannot be checked ({type(exc).__name__}: "
            f"{str(exc)[:100]}). Nothing was changed."
        ) from None
    except sqlcipher_dbapi.DatabaseError:
        alone = True  # does not open with this key (see above): the backup replaces it
    finally:
        connection.close()
    if not alone:
        raise BackupError(_in_use(db_path, ""))


def _in_use(db_path: Path, who: str) -> str:
    return (f"The hub database {db_path} is in use{who}: stop the hub (`spoke-hub serve`, every "
            "process of it) and any other spoke-hub command using it, then restore. "
            "Nothing was changed.")


def _after_restore(database_url: str, backup_mark: HubMark, taken_at: str | None,
                   mark_file: Path | None) -> str:
    """What every restore ends with: a new epoch (audited), what the restored hub's newest
    backup holds (contract C2) and when it was taken, and the high-water mark rewritten.
    Returns the new epoch."""
    engine = make_engine(database_url)
    try:
        epoch = _new_epoch(engine, f"restore from backup (seq {backup_mark.max_seq})")
        with Session(engine) as session, session.begin():
            lock_writes(session)
            set_meta(session, META_BACKUP_COVERS, str(backup_mark.max_seq))
            known = session.get(HubMeta, META_LAST_BACKUP)
            if taken_at is not None and (known is None or known.value < taken_at):
                set_meta(session, META_LAST_BACKUP, taken_at)
        mark = current_mark(engine)
    finally:
        engine.dispose()
    write_mark(mark_file or mark_path(database_url, mark.hub_id), mark)
    return epoch


def _open_source(source: Path) -> BinaryIO:
    """The backup file ``source`` open for reading; BackupError saying why when this user
    cannot read it (copied in as root, or with docker cp: it is to be given to the hub's
    user)."""
    try:
        return open(source, "rb")  # the caller's ``with`` closes it
    except OSError as exc:
        raise BackupError(unreadable_message(f"The backup file {source}", source, exc)
                          ) from None


def _copy(source: Path, target: Path) -> None:
    src = _open_source(source)  # refused before the copy is begun
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, src:
        while chunk := src.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def _inspect(staged: Path, db_path: Path) -> tuple[HubMark, str]:
    """The hub id, epoch and counter of a staged backup, opened with ``db_path``'s key, and
    when it was taken."""
    key_file = key_path(staged)
    key_hex = read_key(db_path).hex()  # refused first (a key change unfinished): nothing lent
    # make_engine looks for the key beside the database: lend it the hub's key file, 0600
    # from its first byte (the folder may be open to others; a leftover copy is replaced).
    key_file.unlink(missing_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key_hex + "\n")
    engine: Engine | None = None
    try:
        engine = make_engine(f"sqlcipher:///{staged}")
        with Session(engine) as session:
            taken = session.get(HubMeta, META_BACKUP)
            if taken is None:
                raise BackupError(
                    "That file is not a backup made by `spoke-hub backup`; nothing was changed."
                )
            return HubMark(meta(session, META_HUB_ID), meta(session, META_EPOCH),
                           max_seq(session)), taken.value
    except HubDatabaseError as exc:
        raise BackupError(
            "The backup cannot be opened with this hub's key file: it is damaged, belongs to "
            "another hub, or was made before the key was changed (`spoke-hub rekey`: put the "
            "key file of that time back first). Nothing was changed."
        ) from exc
    finally:
        if engine is not None:
            engine.dispose()
        key_file.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)


def _current_hub_id(database_url: str) -> str | None:
    """The id of the hub the restore replaces; None when it cannot be known: the database
    does not open with the key file in place (damaged, or an older backup's key put back to
    restore it) or holds no hub yet. Anything else (locked, unreadable) is raised: it is a
    state to say, not one to restore over."""
    engine = make_engine(database_url, schema_check=False)  # a newer schema is replaced too
    try:
        with Session(engine) as session:
            if not session.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = "
                                       "'table' AND name = 'hub_meta'")):
                return None  # no hub in it yet
            value = session.scalar(select(HubMeta.value).where(HubMeta.key == META_HUB_ID))
            return None if value is None else str(value)
    except HubDatabaseError:  # does not open with this key: the backup replaces it
        return None
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- PostgreSQL
_EMBEDDED_KEY = ("--key-file is for a hub on PostgreSQL: the embedded hub's backups are "
                 "encrypted with its own key file (hub.key, beside hub.db).")
#: The first bytes of a PostgreSQL hub backup: an encrypted ``pg_dump`` archive.
PG_MAGIC = b"SPOKE-HUB-PGDUMP\x00"
PG_FORMAT = 1
#: Plaintext bytes in each encrypted chunk of the dump.
CHUNK_BYTES = 1 << 20
_TAG_BYTES = 16
_NONCE_PREFIX_BYTES = 7
#: Name of the backup key file in the hub's data folder (PostgreSQL hubs).
BACKUP_KEY_NAME = "backup.key"
BACKUP_KEY_BYTES = 32
#: Folders holding the PostgreSQL client programs, besides PATH; ``{major}`` is a major
#: version (Debian and Ubuntu, the PGDG packages of Red Hat, Windows, Homebrew).
PG_BIN_DIRS = (
    "/usr/lib/postgresql/{major}/bin",
    "/usr/pgsql-{major}/bin",
    "C:/Program Files/PostgreSQL/{major}/bin",
    "/opt/homebrew/opt/postgresql@{major}/bin",
    "/usr/local/opt/postgresql@{major}/bin",
)
#: How long a restore waits for other sessions on the database to end before refusing.
SESSIONS_GRACE_S = 5.0
_TOOL_TIMEOUT_S = 30


def backup_key_path(given: Path | None = None) -> Path:
    """The backup key file of a PostgreSQL hub: ``given`` (``--key-file``), else
    ``backup.key`` in the hub's data folder."""
    if given is not None:
        return given.expanduser()
    return Path(user_data_dir(HUB_DATA_NAME, appauthor=False)) / BACKUP_KEY_NAME


def read_backup_key(path: Path, *, create: bool = False) -> bytes:
    """The 256-bit backup key in ``path`` (64 hex digits), made first (0600, in a 0700 folder)
    when ``create`` and there is none. Refused if other users may read it."""
    if create and not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            write_new_hex_key(path, BACKUP_KEY_BYTES)
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise BackupError(
            f"No backup key file at {path}: give the key file the backup was made with "
            "(--key-file FILE). Nothing was changed."
        ) from None
    except (OSError, UnicodeDecodeError):
        raise BackupError(f"The backup key file {path} cannot be read.") from None
    if os.name == "posix" and mode & 0o077:
        raise BackupError(f"The backup key file {path} is open to other users; run chmod 600 "
                          "on it.")
    key = parse_hex_key(text, BACKUP_KEY_BYTES)
    if key is None:
        raise BackupError(f"The backup key file {path} is damaged (expected 64 hex digits).")
    return key


def key_id(key: bytes) -> str:
    """A short public name of a backup key (in each backup's header): which key file it
    needs, without giving anything of the key away."""
    return hashlib.sha256(b"spoke-hub backup key\x00" + key).hexdigest()[:16]


class Sealer:
    """Encrypts a stream into ``out`` as chunks of AES-256-GCM (the STREAM construction):
    each chunk's nonce is the file's random prefix, the chunk's number and a last-chunk flag,
    and the file's header is the associated data of every chunk. So a chunk changed, dropped,
    moved or cut off, or a header edited, fails authentication."""

    def __init__(self, key: bytes, aad: bytes, prefix: bytes, out: BinaryIO) -> None:
        self.aead = AESGCM(key)
        self.aad = aad
        self.prefix = prefix
        self.out = out
        self.number = 0
        self.buffer = bytearray()

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > CHUNK_BYTES:  # more follows: not the last chunk
            self._seal(bytes(self.buffer[:CHUNK_BYTES]), last=False)
            del self.buffer[:CHUNK_BYTES]

    def close(self) -> None:
        """Seal what is left as the last chunk (possibly empty)."""
        self._seal(bytes(self.buffer), last=True)
        self.buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.number, last), plain, self.aad)
        self.out.write(b"\x01" if last else b"\x00")
        self.out.write(len(sealed).to_bytes(4, "big"))
        self.out.write(sealed)
        self.number += 1


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


@dataclass(frozen=True, slots=True)
class PgBackupHeader:
    """The clear header of a PostgreSQL hub backup: ids, counts and versions only."""

    hub_id: str
    epoch: str
    max_seq: int
    taken_at: str
    schema: str
    server_major: int
    key_id: str
    nonce_prefix: str

    def encode(self) -> bytes:
        """The magic bytes, the header's length and the header (JSON): the associated data
        of every chunk."""
        body = json.dumps({"format": PG_FORMAT, **dataclasses.asdict(self)},
                          sort_keys=True).encode("utf-8")
        return PG_MAGIC + len(body).to_bytes(4, "big") + body

    @property
    def mark(self) -> HubMark:
        return HubMark(self.hub_id, self.epoch, self.max_seq)


def read_pg_header(handle: BinaryIO, source: Path) -> tuple[PgBackupHeader, bytes]:
    """The header of the backup open in ``handle`` and its bytes (the associated data);
    BackupError if the file is not a PostgreSQL hub backup."""
    magic = handle.read(len(PG_MAGIC))
    if magic != PG_MAGIC:
        raise BackupError(
            f"{source} is not a backup made by `spoke-hub backup` on PostgreSQL (an embedded "
            "hub's backup is restored into an embedded hub). Nothing was changed."
        )
    size = int.from_bytes(handle.read(4), "big")
    body = handle.read(size) if 0 < size <= 64 * 1024 else b""
    try:
        data = json.loads(body)
        if data.pop("format") != PG_FORMAT:
            raise ValueError("format")
        header = PgBackupHeader(**data)
    except (ValueError, TypeError, KeyError):
        raise BackupError(f"The backup {source} is damaged (its header cannot be read). "
                          "Nothing was changed.") from None
    return header, PG_MAGIC + size.to_bytes(4, "big") + body


def open_chunks(handle: BinaryIO, key: bytes, header: PgBackupHeader,
                aad: bytes) -> Iterator[bytes]:
    """The plaintext of the backup from ``handle`` (just after its header), chunk by chunk;
    BackupError as soon as anything fails authentication, or the file is cut short or has
    anything after its last chunk."""
    aead = AESGCM(key)
    prefix = bytes.fromhex(header.nonce_prefix)
    damaged = BackupError("The backup file is damaged or was changed after it was written "
                          "(it fails its integrity check). Nothing was changed.")
    number = 0
    while True:
        flag = handle.read(1)
        size = int.from_bytes(handle.read(4), "big")
        if flag not in (b"\x00", b"\x01") or not _TAG_BYTES <= size <= CHUNK_BYTES + _TAG_BYTES:
            raise damaged
        sealed = handle.read(size)
        if len(sealed) != size:
            raise damaged
        last = flag == b"\x01"
        try:
            yield aead.decrypt(_nonce(prefix, number, last), sealed, aad)
        except InvalidTag:
            raise damaged from None
        number += 1
        if last:
            if handle.read(1):
                raise damaged
            return


# --------------------------------------------------------------------------- the PG tools
@dataclass(frozen=True, slots=True)
class PgTools:
    """The PostgreSQL client programs a backup or a restore runs.

    Each is looked for in the server's own major version's folder first
    (``/usr/lib/postgresql/MAJOR/bin`` on Debian and Ubuntu, where ``pg_dump`` on PATH is a
    wrapper; :data:`PG_BIN_DIRS`), then on PATH, then in a newer version's folder; one older
    than the server is passed over (``pg_dump`` refuses a newer server)."""

    pg_dump: Path
    pg_restore: Path
    psql: Path

    @classmethod
    def find(cls, server_major: int, *, folders: Sequence[str] = PG_BIN_DIRS,
             path: str | None = None) -> PgTools:
        return cls(*(find_pg_tool(name, server_major, folders=folders, path=path)
                     for name in ("pg_dump", "pg_restore", "psql")))


def find_pg_tool(name: str, server_major: int, *, folders: Sequence[str] = PG_BIN_DIRS,
                 path: str | None = None) -> Path:
    """The program ``name`` of PostgreSQL ``server_major`` or newer (see :class:`PgTools`);
    ``path`` stands for PATH. BackupError saying what to install if there is none."""
    program = name + (".exe" if os.name == "nt" else "")
    candidates = [Path(folder.format(major=server_major)) / program for folder in folders]
    on_path = shutil.which(name, path=path)
    if on_path:
        candidates.append(Path(on_path))
    newer = [Path(found) / program for folder in folders
             for found in glob.glob(folder.format(major="*"))]
    candidates += sorted(newer, key=lambda p: _version_of_folder(p.parent), reverse=True)
    for candidate in dict.fromkeys(candidates):
        if candidate.is_file() and (pg_tool_major(candidate) or 0) >= server_major:
            return candidate
    raise BackupError(
        f"{name} of PostgreSQL {server_major} (or newer) was not found. Install the PostgreSQL "
        f"client programs of the database server's version (Debian and Ubuntu: "
        f"postgresql-client-{server_major}) or put their folder first on PATH."
    )


def _version_of_folder(folder: Path) -> int:
    found = re.search(r"(\d+)", folder.as_posix().rsplit("postgres", 1)[-1])
    return int(found.group(1)) if found else 0


def pg_tool_major(program: Path) -> int | None:
    """The major version ``program --version`` reports (``pg_dump (PostgreSQL) 15.4``)."""
    try:
        result = subprocess.run([str(program), "--version"], capture_output=True, text=True,
                                timeout=_TOOL_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", result.stdout)
    return int(found.group(1)) if found and result.returncode == 0 else None


def pg_connection(database_url: str) -> tuple[str, dict[str, str]]:
    """How the PostgreSQL tools reach the hub's database: a libpq connection string without
    the password (it is on their command line, which other users may see) and an environment
    carrying the password (``PGPASSWORD``), if the URL has one."""
    # Imported here: the desktop app's frozen bundle has no PostgreSQL driver (docs/installing.md).
    from psycopg.conninfo import make_conninfo

    url = make_url(database_url)
    params = {name: value if isinstance(value, str) else value[-1]
              for name, value in url.query.items()}
    if url.host:
        params["host"] = url.host
    if url.port:
        params["port"] = str(url.port)
    if url.username:
        params["user"] = url.username
    if url.database:
        params["dbname"] = url.database
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return make_conninfo(**params), env


def tool_error(tool: str, errors: BinaryIO) -> str:
    """The first error line a PostgreSQL tool wrote, with anything quoted in it left out (a
    message may quote a row, a name or a path); else just that ``tool`` failed."""
    errors.seek(0)
    for line in errors.read(256 * 1024).decode("utf-8", "replace").splitlines():
        if re.search(r"\b(error|fatal|ERROR|FATAL|PANIC)\b", line):
            line = re.sub(r"^(psql:\S*:\d+:|\S*(pg_dump|pg_restore|psql):)\s*", "", line.strip())
            line = re.sub(r"\"[^\"]*\"|'[^']*'|\([^)]*\)", "…", line)
            return f"{tool}: {line}"[:300]
    return f"{tool} failed"


# --------------------------------------------------------------------------- PG backup
def _pg_backup(database_url: str, target: Path, key_file: Path) -> HubMark:
    target = target.expanduser().resolve()
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file for the backup.")
    # The file first: a folder that cannot be written to is said before a key file is made.
    out = _new_private_file(target)
    try:
        key = read_backup_key(key_file, create=True)
    except BaseException:
        os.close(out)
        target.unlink(missing_ok=True)
        raise
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                # One snapshot for the dump and for what the live hub is told it holds.
                snapshot = str(connection.scalar(text("SELECT pg_export_snapshot()")))
                with Session(bind=connection) as session:
                    header = PgBackupHeader(
                        hub_id=meta(session, META_HUB_ID), epoch=meta(session, META_EPOCH),
                        max_seq=max_seq(session), taken_at=iso(utc_now()),
                        schema=str(connection.scalar(
                            text("SELECT version_num FROM alembic_version"))),
                        server_major=_server_major(connection), key_id=key_id(key),
                        nonce_prefix=secrets.token_hex(_NONCE_PREFIX_BYTES),
                    )
                tools = PgTools.find(header.server_major)
                fd, out = out, -1  # _dump closes it, and removes the file if it fails
                _dump(tools, database_url, snapshot, (target, fd), key, header)
        # Contract C2 and the backup's age, in the live hub.
        with Session(engine) as session, session.begin():
            lock_writes(session)
            set_meta(session, META_BACKUP_COVERS, str(header.max_seq))
            set_meta(session, META_LAST_BACKUP, header.taken_at)
    finally:
        engine.dispose()
        if out != -1:  # failed before the dump began
            os.close(out)
            target.unlink(missing_ok=True)
    return header.mark


def _server_major(connection: Connection) -> int:
    return int(str(connection.scalar(text("SHOW server_version_num")))) // 10000


def _dump(tools: PgTools, database_url: str, snapshot: str, file: tuple[Path, int],
          key: bytes, header: PgBackupHeader) -> None:
    """``pg_dump`` of ``snapshot``, encrypted as it streams into the new 0600 file ``file``
    (its path and an open descriptor, which is closed; the file is removed again if anything
    fails)."""
    target, fd = file
    try:
        with os.fdopen(fd, "wb") as out, tempfile.TemporaryFile() as errors:
            conninfo, env = pg_connection(database_url)
            aad = header.encode()
            out.write(aad)
            sealer = Sealer(key, aad, bytes.fromhex(header.nonce_prefix), out)
            dump = subprocess.Popen(
                [str(tools.pg_dump), "--format=custom", f"--snapshot={snapshot}",
                 "--dbname", conninfo],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env,
            )
            try:
                assert dump.stdout is not None
                with dump.stdout:
                    while block := dump.stdout.read(CHUNK_BYTES):
                        sealer.write(block)
                status = dump.wait()
            finally:
                _end(dump)
            if status != 0:
                raise BackupError(f"The backup failed ({tool_error('pg_dump', errors)}); no "
                                  "backup was written.")
            sealer.close()
            out.flush()
            os.fsync(out.fileno())
        fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


def _end(process: subprocess.Popen[bytes]) -> None:
    """Make sure ``process`` has ended (killed if it is still running)."""
    if process.poll() is None:
        process.kill()
    process.wait()


# --------------------------------------------------------------------------- PG restore
#: Before the dump's own statements, in the restore's one transaction: drop everything of the
#: hub's schema (tables, views, sequences, functions, types; not what an extension owns), so
#: that tables a later migration added go too and the backup's schema is what remains.
_DROP_HUB_OBJECTS = """
SET LOCAL client_min_messages = warning;
DO $spoke$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT format('%I.%I', n.nspname, c.relname) AS name,
               CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                              WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                              ELSE 'TABLE' END AS kind
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY c.relkind IN ('r', 'p') DESC, c.relkind
    LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure::text AS name
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
    END LOOP;
    FOR item IN
        SELECT format('%I.%I', n.nspname, t.typname) AS name
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'r')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                          AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', item.name);
    END LOOP;
END
$spoke$;
"""


def _pg_restore(database_url: str, source: Path, key_file: Path,
                mark_file: Path | None) -> tuple[HubMark, str]:
    source = source.expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    with _open_source(source) as handle:
        header, aad = read_pg_header(handle, source)
        key = read_backup_key(key_file)
        if key_id(key) != header.key_id:
            raise BackupError(
                f"{source} was made with another backup key file than {key_file} (give the "
                "one it was made with: --key-file FILE). Nothing was changed."
            )
        if header.schema not in known_revisions():
            raise BackupError(
                f"{source} was made by a newer Spoke Hub (schema revision {header.schema}; this "
                f"one knows up to {head_revision()}). Install that version of Spoke Hub to "
                "restore it. Nothing was changed."
            )
        start = handle.tell()
        for _ in open_chunks(handle, key, header, aad):  # the whole file checks out first
            pass
        server_major = _check_restore_target(database_url, header, source)
        tools = PgTools.find(server_major)
        handle.seek(start)
        _load(tools, database_url, open_chunks(handle, key, header, aad))
    return header.mark, _after_restore(database_url, header.mark, header.taken_at, mark_file)


def _check_restore_target(database_url: str, header: PgBackupHeader, source: Path) -> int:
    """Refuse a database that belongs to another hub or that others are connected to (a hub
    still serving); returns the server's major version."""
    engine = make_engine(database_url, schema_check=False)  # whatever is there is replaced
    try:
        with engine.connect() as connection:
            current_id = None
            if connection.scalar(text("SELECT to_regclass('hub_meta') IS NOT NULL")):
                current_id = connection.scalar(
                    select(HubMeta.value).where(HubMeta.key == META_HUB_ID))
            if current_id is not None and current_id != header.hub_id:
                raise BackupError(
                    f"{source} is a backup of another hub ({header.hub_id}); this one is "
                    f"{current_id}. Nothing was changed."
                )
            deadline = time.monotonic() + SESSIONS_GRACE_S
            while (others := int(connection.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) or 0)):
                if time.monotonic() > deadline:
                    raise BackupError(
                        f"{others} other connection(s) to the hub's database are open: stop "
                        "the hub (every process of it) and anything else using the database, "
                        "then restore. Nothing was changed."
                    )
                connection.rollback()
                time.sleep(0.1)  # sessions of a hub that has just stopped are ending
            return _server_major(connection)
    finally:
        engine.dispose()


def _load(tools: PgTools, database_url: str, plain: Iterator[bytes]) -> None:
    """``pg_restore`` of the decrypted archive into ``psql``, after the statements that drop
    the hub's objects, in one transaction committed only once everything has gone in."""
    conninfo, env = pg_connection(database_url)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        psql = subprocess.Popen(
            [str(tools.psql), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1",
             "--set", "VERBOSITY=terse", "--dbname", conninfo, "--file", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors, env=env,
        )
        restore = subprocess.Popen(
            [str(tools.pg_restore), "--no-owner", "--no-privileges", "--file", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=restore_errors, env=env,
        )
        feeder = _Feeder(plain, restore)
        done = False
        try:
            assert psql.stdin is not None and restore.stdout is not None
            feeder.start()
            try:
                psql.stdin.write(b"BEGIN;\n" + _DROP_HUB_OBJECTS.encode("ascii"))
                while block := restore.stdout.read(1 << 16):
                    psql.stdin.write(block)
                feeder.join()
                if restore.wait() != 0 or feeder.failure is not None:
                    if isinstance(feeder.failure, BackupError):
                        raise feeder.failure
                    raise BackupError(f"The backup could not be read "
                                      f"({tool_error('pg_restore', restore_errors)}). Nothing "
                                      "was changed.")
                psql.stdin.write(b"COMMIT;\n")
                psql.stdin.close()
            except BrokenPipeError:
                pass  # psql stopped at an error: said below
            if psql.wait() != 0:
                raise BackupError(f"The restore failed ({tool_error('psql', psql_errors)}). "
                                  "Nothing was changed.")
            done = True
        finally:
            if not done:  # no COMMIT was sent: ending psql rolls everything back
                _end(psql)
            _end(restore)
            if feeder.ident is not None:
                feeder.join()
            for stream in (psql.stdin, restore.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()


class _Feeder(threading.Thread):
    """Writes the decrypted archive into ``pg_restore``; keeps what stopped it, if anything."""

    def __init__(self, plain: Iterator[bytes], restore: subprocess.Popen[bytes]) -> None:
        super().__init__(name="spoke-hub-restore", daemon=True)
        self.plain = plain
        self.restore = restore
        self.failure: BaseException | None = None

    def run(self) -> None:
        stdin = self.restore.stdin
        assert stdin is not None
        try:
            for block in self.plain:
                stdin.write(block)
        except BaseException as exc:  # reported by _load, never lost
            self.failure = exc
        finally:
            with contextlib.suppress(OSError):
                stdin.close()
