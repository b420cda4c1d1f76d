"""Opening the SQLCipher database: raw key, durable WAL, no plaintext temp files, migrations."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.store.migrations import LATEST_VERSION, MIGRATIONS

tr = translator(__name__)

Connection = Any  # sqlcipher3.Connection has no type stubs

#: ``PRAGMA auto_vacuum`` value: free pages kept until ``PRAGMA incremental_vacuum``.
AUTO_VACUUM_INCREMENTAL = 2
#: The schema version from which casebooks have ``auto_vacuum`` on.
_AUTO_VACUUM_SINCE = 9

#: Page cache per connection in KiB (64 MiB holds a large caseload's working set).
CACHE_KIB = 65536


class CasebookError(SpokeError):
    """A known problem with the casebook file; the message is safe to show."""


class SchemaTooNew(CasebookError):
    """The casebook was written by a newer version of Spoke."""


def connect(path: Path, data_key: bytes) -> Connection:
    """Open (or create) an encrypted database with the raw 256-bit data key.

    ``temp_store = MEMORY`` keeps sorts and temporary tables off the disk, so no plaintext
    spills outside the encrypted file; ``synchronous = FULL`` with WAL means a commit that
    returned survives a crash or power loss.
    """
    new = not path.exists()
    if new:
        # Create the file with owner-only permissions before any data reaches it; SQLite gives
        # the WAL and shared-memory files the same permissions as the database.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute("PRAGMA cipher_memory_security = OFF")
        if new:
            # Pages freed (a sent batch, trimmed copies) can be given back to the file system
            # (``PRAGMA incremental_vacuum``, after each sync: docs/sync.md, "Size"). Only
            # possible before the first table exists; older casebooks are rebuilt with it on
            # when they are upgraded to version 9 (:func:`migrate`).
            conn.execute(f"PRAGMA auto_vacuum = {AUTO_VACUUM_INCREMENTAL}")
        conn.execute("PRAGMA temp_store = MEMORY")
        # A larger page cache keeps the working set decrypted in memory, so repeated reads
        # (caseload, case pages) do not pay SQLCipher's per-page decrypt + HMAC again.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        # Deleted rows are overwritten with zeros, not left readable in freed space (issue
        # 16: a disposed or reassigned case leaves no readable byte; costs nothing a worker
        # notices: benchmarks/casebook_speed.py, docs/data-protection.md).
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise CasebookError(
            tr(
                "The casebook cannot be opened with this key: it is damaged or belongs to another "
                "key file. Nothing has been changed."
            )
        ) from exc
    return conn


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlcipher3.complete_statement(buffer):
            statement = buffer.strip()
            buffer = ""
            if statement and statement != ";":
                yield statement
    if buffer.strip():
        yield buffer.strip()


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_copy(conn: Connection, db_path: Path, data_key: bytes, label: str) -> Path:
    """Write an encrypted copy of the database (same key) into ``backups/`` beside it."""
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{db_path.stem}-{label}-{stamp}.db"
    # Owner-only before any byte reaches it, as the casebook itself (``connect``): SQLite
    # would make it (and its journal, which takes the file's mode) readable by everyone.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn.execute(
        f"ATTACH DATABASE ? AS spoke_backup KEY \"x'{data_key.hex()}'\"", (str(target),)
    )
    try:
        conn.execute("SELECT sqlcipher_export('spoke_backup')")
        version = schema_version(conn)
        conn.execute(f"PRAGMA spoke_backup.user_version = {version}")
    finally:
        conn.execute("DETACH DATABASE spoke_backup")
    target.chmod(0o600)
    return target


def migrate(conn: Connection, db_path: Path, data_key: bytes) -> Path | None:
    """Bring the schema to ``LATEST_VERSION``; back up first if upgrading existing data.

    Returns the backup's path when one was made. Refuses a schema newer than this app.
    """
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise SchemaTooNew(
            tr(
                "This casebook was written by a newer version of Spoke (schema {schema}; this "
                "version understands up to {latest}). Update Spoke to open it; nothing "
                "has been changed."
            ).format(schema=current, latest=LATEST_VERSION)
        )
    if current == LATEST_VERSION:
        return None
    backup = backup_copy(conn, db_path, data_key, f"v{current}") if current > 0 else None
    for version, steps in MIGRATIONS:
        if version <= current:
            continue
        with transaction(conn):
            for step in steps:
                if isinstance(step, str):
                    for statement in _statements(step):
                        conn.execute(statement)
                else:
                    step(conn)
            conn.execute(f"PRAGMA user_version = {version}")
    if current < _AUTO_VACUUM_SINCE and int(
        conn.execute("PRAGMA auto_vacuum").fetchone()[0]
    ) != AUTO_VACUUM_INCREMENTAL:
        # Turning auto_vacuum on takes a rebuild of the file (once, outside a transaction).
        conn.execute(f"PRAGMA auto_vacuum = {AUTO_VACUUM_INCREMENTAL}")
        conn.execute("VACUUM")
    return backup


def remove_profile_database(db_path: Path) -> None:
    """Delete a database and its WAL/SHM files (used only when setup is abandoned)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(db_path.parent / "backups", ignore_errors=True)
