"""A new key for the embedded hub's database (``spoke-hub rekey``; docs/hub-admin.md,
"Changing the database key").

When: the key file may have been copied where it should not be (a leaver's laptop, a shared
folder, a support ticket), or on the schedule the charity's IT keeps. The hub is stopped.

How, so that a crash or a power cut at any moment leaves a hub that opens:

0. The serving lock (``spokeapp.hub.serving_lock``) is taken, without waiting, and held to
   the end: a hub serving the file refuses the change, whatever key file is in place. Then,
   before anything is written, the database must open with ``hub.key`` and carry no schema
   revision this hub does not know (a newer Spoke Hub's: ``schema.refuse_unknown``), so a
   refusal leaves ``hub.key`` and ``hub.db`` exactly as they were.
1. A new key is written to ``hub.key.new`` (0600 from its first byte, synced). From here
   until step 4, ``serve`` and every command refuse to open the hub ("a change of the hub
   database's key was interrupted: run `spoke-hub rekey` again"), so nothing can write to a
   file about to be replaced.
2. ``sqlcipher_export`` copies the whole database, in one transaction, into
   ``.hub.db.rekeying`` under the new key, while the old file is held in exclusive locking
   mode (a hub still serving, or any other command using it, makes this refuse: nothing
   changed). The copy is synced, then opened with the new key and checked: ``PRAGMA
   quick_check`` and the same row count in every table.
3. The old file's write-ahead log is checkpointed into it and truncated; the copy replaces
   ``hub.db`` (``os.replace``, atomic) and the folder is synced.
4. ``hub.key.new`` replaces ``hub.key`` the same way. Audited as ``database_rekeyed`` (no
   key, no path).

Interrupted, ``spoke-hub rekey`` again finds ``hub.key.new``: if the database opens with it,
step 3 happened and only step 4 is left to do; if it opens with the old key, the copy and the
new key are thrown away and the change starts again.

**Limits** (said by the command and the docs): backups made before keep the old key (to
restore one, put its key file back as ``hub.key`` first: the restored hub then runs on that
key, and can be given a new one again); the old file's blocks stay on the disk, encrypted with
the old key, until the file system reuses them. On PostgreSQL the hub holds no database key of
its own: the server's storage encryption is the administrator's, and a new backup key is a new
``--key-file`` at the next backup.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher_dbapi
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.hub import schema, serving_lock
from spokeapp.hub.admin import CLI_ACTOR
from spokeapp.hub.db import (
    KEY_BYTES,
    OPEN_GRACE_S,
    HubDatabaseError,
    embedded_path,
    engine_for,
    fsync_dir,
    is_disk_full,
    is_embedded,
    key_path,
    no_space_message,
    parse_hex_key,
    pending_key_path,
    read_key_file,
    stored_revisions,
    taken_alone,
    write_new_hex_key,
)
from spokeapp.hub.ledger import audit

__all__ = ["RekeyError", "RekeyResult", "rekey", "staged_path"]

log = logging.getLogger(__name__)


class RekeyError(SpokeError):
    """The key was not changed (in use, PostgreSQL, no database); the hub is as it was."""


@dataclass(frozen=True, slots=True)
class RekeyResult:
    """What ``rekey`` did: the database, its key file, whether it only finished a change that
    was interrupted, how many tables and rows it copied (0 when finishing), and how long."""

    database: Path
    key_file: Path
    finished_interrupted: bool
    tables: int
    rows: int
    seconds: float


def staged_path(db_path: Path) -> Path:
    """Where the copy under the new key is made (``.hub.db.rekeying``, beside the hub)."""
    return db_path.with_name(f".{db_path.name}.rekeying")


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _revisions(db_path: Path, key: bytes) -> list[str] | None:
    """The schema revisions stored in the database at ``db_path`` (``alembic_version``; []
    before any migration) if ``key`` opens it, else None. Reads only. A database that cannot
    be read for another reason (locked, an I/O error) is a RekeyError, never "not this key"."""
    connection = sqlcipher_dbapi.connect(str(db_path), timeout=OPEN_GRACE_S,
                                         isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(_key_pragma(key))
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return stored_revisions(connection)
    except sqlcipher_dbapi.OperationalError as exc:
        raise RekeyError(f"The hub database {db_path} cannot be read ({type(exc).__name__}: "
                         f"{str(exc)[:100]}). Nothing was changed.") from None
    except sqlcipher_dbapi.DatabaseError:
        return None
    finally:
        connection.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_staged(staged: Path) -> None:
    for path in (staged, Path(f"{staged}-journal"), Path(f"{staged}-wal"),
                 Path(f"{staged}-shm")):
        path.unlink(missing_ok=True)


def _row_counts(cursor: sqlcipher_dbapi.Cursor, schema: str) -> dict[str, int]:
    tables = [str(row[0]) for row in cursor.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "  # noqa: S608
        "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()]
    return {table: int(cursor.execute(
        f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0])  # noqa: S608
        for table in tables}


def _export(db_path: Path, old_key: bytes, staged: Path, new_key: bytes) -> dict[str, int]:
    """Steps 2 and 3: the whole database copied under ``new_key`` into ``staged`` (synced),
    and the old file's write-ahead log folded in and truncated. Returns each table's row
    count. RekeyError when anything else has the database open."""
    connection = sqlcipher_dbapi.connect(str(db_path), timeout=OPEN_GRACE_S,
                                         isolation_level=None)
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute(_key_pragma(old_key))
        # Held until this connection closes: nothing else opens the file meanwhile, and a
        # process that has it open already (a hub still serving) makes this fail.
        if not taken_alone(cursor):
            raise RekeyError(
                f"The hub database {db_path} is in use: stop the hub (`spoke-hub serve`, "
                "every process of it) and any other spoke-hub command using it, then run "
                "this again. Nothing was changed."
            )
        source = _row_counts(cursor, "main")
        cursor.execute("ATTACH DATABASE ? AS rekeyed KEY \"x'" + new_key.hex() + "'\"",
                       (str(staged),))
        cursor.execute("BEGIN")
        cursor.execute("SELECT sqlcipher_export('rekeyed')")
        cursor.execute("COMMIT")
        copied = _row_counts(cursor, "rekeyed")
        cursor.execute("DETACH DATABASE rekeyed")
        if copied != source:
            raise RekeyError("The copy under the new key does not hold what the hub holds "
                             "(its tables' row counts differ). Nothing was changed.")
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise RekeyError(f"The hub database {db_path} is in use (its write-ahead log "
                             "could not be folded in). Nothing was changed.")
        cursor.close()
    finally:
        connection.close()
    _fsync(staged)
    return source


def _check_copy(staged: Path, new_key: bytes) -> None:
    connection = sqlcipher_dbapi.connect(str(staged), isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(_key_pragma(new_key))
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlcipher_dbapi.DatabaseError:
        verdict = "it does not open with the new key"
    finally:
        connection.close()
    if verdict != "ok":
        raise RekeyError(f"The copy under the new key failed its check ({verdict}). Nothing "
                         "was changed.")


def _install(db_path: Path, new_file: Path) -> None:
    """Step 4: the new key file in the old one's place, durably."""
    os.replace(new_file, key_path(db_path))
    fsync_dir(db_path.parent)


def _audit(database_url: str, db_path: Path, detail: str) -> None:
    """The audit entry of a change already made; if it cannot be written, the error says the
    key was changed all the same (never "nothing was changed")."""
    try:
        with engine_for(database_url) as engine, Session(engine) as session, session.begin():
            audit(session, CLI_ACTOR, "database_rekeyed", "hub", detail)
    except Exception as exc:
        raise SpokeError(
            f"The key of {db_path} was changed (it opens only with the new key in "
            f"{key_path(db_path)} now), but the audit entry could not be written "
            f"({type(exc).__name__}). Take a new backup now (spoke-hub backup FILE)."
        ) from None


def rekey(database_url: str) -> RekeyResult:
    """Give the embedded hub's database a new key, or finish a change that was interrupted
    (module docstring). The hub must not be serving. RekeyError (nothing changed) for a hub
    on PostgreSQL, a missing database, a database in use or one its key file does not open;
    SchemaTooNew (nothing changed) for a database a newer Spoke Hub has migrated."""
    started = time.monotonic()
    if not is_embedded(database_url):
        raise RekeyError(
            "This hub's database is on PostgreSQL: the hub keeps no key of its own for it "
            "(the server's storage encryption is yours to manage; a new backup key is a new "
            "--key-file at the next `spoke-hub backup`). Nothing was changed."
        )
    db_path = embedded_path(database_url)
    if not db_path.exists():
        raise RekeyError(f"No hub database at {db_path}. Nothing was changed.")
    # No hub may serve the file while it is replaced: its serving lock, taken before anything
    # is read or written, whatever key file is in place, and held until the change is done.
    try:
        with serving_lock.held(db_path, "rekey"):
            return _rekey(database_url, db_path, started)
    except serving_lock.DatabaseBusy as exc:
        raise RekeyError(str(exc)) from None


def _rekey(database_url: str, db_path: Path, started: float) -> RekeyResult:
    key_file, new_file, staged = key_path(db_path), pending_key_path(db_path), \
        staged_path(db_path)
    old_key = read_key_file(key_file, database=db_path)
    # Every check before the first write: a database this hub must not touch (a newer Spoke
    # Hub's schema, docs/hub-admin.md "Upgrading") is refused with nothing changed.
    if new_file.exists():
        pending = parse_hex_key(new_file.read_text(encoding="ascii", errors="replace"),
                                KEY_BYTES)
        revisions = None if pending is None else _revisions(db_path, pending)
        if revisions is not None:
            schema.refuse_unknown(revisions)
            _install(db_path, new_file)
            _remove_staged(staged)
            _audit(database_url, db_path, "finished=interrupted")
            log.info("hub database key change finished (it had been interrupted)")
            return RekeyResult(db_path, key_file, True, 0, 0, time.monotonic() - started)
        revisions = _revisions(db_path, old_key)
        if revisions is None:
            raise HubDatabaseError(
                f"The hub database {db_path} opens with neither {key_file} nor {new_file}: "
                "restore the newest backup (`spoke-hub restore FILE`). Nothing was changed."
            )
        schema.refuse_unknown(revisions)
        # The copy never replaced the database: start again from the old key.
        new_file.unlink()
    else:
        revisions = _revisions(db_path, old_key)
        if revisions is None:
            raise RekeyError(
                f"The hub database {db_path} does not open with its key file {key_file} "
                "(another key file put in its place, or a damaged database): put back the key "
                "file it opens with, then run this again. Nothing was changed."
            )
        schema.refuse_unknown(revisions)
    _remove_staged(staged)
    try:
        write_new_hex_key(new_file, KEY_BYTES)
        fsync_dir(db_path.parent)
        # 0600 from the start, as the hub's own file (SQLite would make it by the umask; its
        # journal takes the file's mode).
        os.close(os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        new_key = read_key_file(new_file)
        counts = _export(db_path, old_key, staged, new_key)
        _check_copy(staged, new_key)
    except BaseException as exc:
        _remove_staged(staged)
        new_file.unlink(missing_ok=True)
        if is_disk_full(exc):  # the copy and the new key are gone again: nothing changed
            raise RekeyError(no_space_message(db_path.parent, "the copy under the new key",
                                              db_path, exc)
                             + " Make room there, then run this again. Nothing was "
                             "changed.") from None
        raise
    for suffix in ("-wal", "-shm"):  # folded in and truncated above; none may outlive it
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(staged, db_path)
    fsync_dir(db_path.parent)
    _install(db_path, new_file)
    rows = sum(counts.values())
    _audit(database_url, db_path, f"tables={len(counts)};rows={rows}")
    log.info("hub database key changed: %d tables, %d rows copied", len(counts), rows)
    return RekeyResult(db_path, key_file, False, len(counts), rows, time.monotonic() - started)
