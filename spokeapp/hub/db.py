"""The hub's database engine: SQLCipher-encrypted SQLite by default, PostgreSQL at scale.

One SQLAlchemy engine factory serves both (decision 8), so every query in the hub runs on
both back ends and the test suite proves it. URLs:

* ``sqlcipher:///PATH`` - embedded SQLite file encrypted with SQLCipher. The raw 256-bit key
  lives in ``PATH`` with suffix ``.key`` (``hub.db`` -> ``hub.key``), created 0600 by
  ``spoke-hub init``. WAL with ``synchronous = FULL``: an acknowledged push survives power loss.
* ``postgresql://...`` - PostgreSQL through psycopg 3.

Every engine refuses a database migrated by a newer Spoke Hub (:class:`SchemaGuard`): its
first connection reads the stored Alembic revision and raises
:class:`spokeapp.hub.schema.SchemaTooNew` if this hub does not know it, so ``serve`` and every
command that opens the database stop before reading or writing anything.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher_dbapi
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.hub import schema

SQLCIPHER_SCHEME = "sqlcipher"
KEY_BYTES = 32
#: How long a writer waits for SQLite's write lock before giving up (pushes are serialised).
BUSY_TIMEOUT_MS = 30_000
#: Connections each hub process keeps open to PostgreSQL, and how many more it may open in a
#: burst (docs/sync.md, "Speed").
PG_POOL_SIZE = 10
PG_POOL_OVERFLOW = 10
#: Page cache per connection of the embedded database (KiB; bounded: the pool is bounded too).
CACHE_KIB = 16 * 1024
#: WAL pages written before SQLite checkpoints (default 1000; 4 KiB pages: ~40 MiB).
WAL_AUTOCHECKPOINT_PAGES = 10_000
#: The WAL file is truncated back to this many bytes after a checkpoint.
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024


class HubDatabaseError(SpokeError):
    """A known problem opening the hub database; the message says what to do."""


def is_embedded(database_url: str) -> bool:
    """True for the embedded SQLCipher file, False for a database server."""
    return database_url.startswith(f"{SQLCIPHER_SCHEME}:")


def embedded_path(database_url: str) -> Path:
    """The file path inside a ``sqlcipher:///PATH`` URL."""
    if not is_embedded(database_url):
        raise HubDatabaseError("Not an embedded (sqlcipher:///) database URL.")
    path = database_url.split(":///", 1)[1] if ":///" in database_url else ""
    if not path:
        raise HubDatabaseError("The database URL needs a file path: sqlcipher:///PATH/hub.db")
    return Path(path).expanduser()


def key_path(db_path: Path) -> Path:
    """Where the raw key of an embedded database lives: beside it, ``hub.db`` -> ``hub.key``."""
    return db_path.with_suffix(".key")


def create_key_file(db_path: Path) -> Path:
    """Create the key file (32 random bytes as hex, mode 0600) and the empty 0600 database file.

    Permissions are set before any data is written. Refuses to overwrite an existing key: that
    would make the database unreadable forever.
    """
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = key_path(db_path)
    if db_path.exists() and not target.exists():
        # A new random key beside an encrypted database opens nothing, and hides the key
        # that does behind a file that looks right.
        raise HubDatabaseError(missing_key_message(db_path))
    try:
        write_new_hex_key(target, KEY_BYTES)
    except FileExistsError as exc:
        raise HubDatabaseError(
            f"A key file already exists at {target}; refusing to replace it."
        ) from exc
    if not db_path.exists():
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return target


def pending_key_path(db_path: Path) -> Path:
    """Where ``spoke-hub rekey`` writes the new key while it changes the database's key
    (``hub.key.new``; ``spokeapp.hub.rekey``). While it is there, nothing opens the hub."""
    target = key_path(db_path)
    return target.with_name(target.name + ".new")


def read_key(db_path: Path) -> bytes:
    """The raw key of an embedded database, checked for shape. HubDatabaseError while a key
    change is unfinished (``hub.key.new`` beside it): which key opens the file is then for
    ``spoke-hub rekey`` to settle, and a hub serving on the old one could write into a file
    about to be replaced."""
    pending = pending_key_path(db_path)
    if pending.exists():
        raise HubDatabaseError(
            f"A change of the hub database's key was interrupted ({pending} is there): run "
            "`spoke-hub rekey` again to finish it. Nothing has been changed."
        )
    return read_key_file(key_path(db_path), database=db_path)


def read_key_file(target: Path, *, database: Path | None = None) -> bytes:
    """The raw key in the key file ``target`` (of the hub database ``database``, if given),
    checked for shape. HubDatabaseError saying what to do when it is missing or cannot be
    read (another user's file: ``spoke-hub init``, ``rekey`` or ``restore`` run as root)."""
    try:
        text = target.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        if database is not None and database.exists():
            raise HubDatabaseError(missing_key_message(database)) from exc
        raise HubDatabaseError(
            f"No key file at {target}. Run `spoke-hub init` to create a new hub."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        why = ("it holds something other than a key" if isinstance(exc, UnicodeDecodeError)
               else None)
        raise HubDatabaseError(unreadable_message(f"The key file {target}", target, exc, why)
                               ) from None
    key = parse_hex_key(text, KEY_BYTES)
    if key is None:
        raise HubDatabaseError(f"The key file {target} is damaged (expected 64 hex digits).")
    return key


def missing_key_message(db_path: Path) -> str:
    """What to do when the hub database ``db_path`` is there and its key file is not: put the
    key back (a new key, from ``init``, would never open it)."""
    target = key_path(db_path)
    return (f"No key file at {target}: {db_path} is here but its key file {target.name} is "
            "not. Put back the key file this hub was made with (from where you keep it with "
            "your backups); `spoke-hub init` cannot make one that opens it. Nothing has been "
            "changed.")


def owner_of(path: Path) -> str:
    """The user owning ``path`` (a name if this machine knows it, else the uid), for
    messages; "" when it cannot be looked at (a folder on the way is closed)."""
    try:
        uid = path.stat().st_uid
    except OSError:
        return ""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):  # no pwd on Windows; a uid with no name (a container)
        return f"uid {uid}"


def unreadable_message(what: str, path: Path, exc: BaseException, why: str | None = None,
                       *, verb: str = "read") -> str:
    """``what`` (which names ``path``) cannot be ``verb`` (read; read and written): by this
    user, saying who owns it and what to run, or for the system's reason (``why``, else
    ``exc``'s). One line, for an administrator; nothing has been changed."""
    if isinstance(exc, PermissionError):
        owner = owner_of(path)
        owned = f" (owner {owner})" if owner else ""
        return (f"{what} cannot be {verb} by this user{owned}: give it to the hub's user "
                f"(chown), then run this again. Nothing has been changed.")
    reason = why or (exc.strerror if isinstance(exc, OSError) and exc.strerror
                     else type(exc).__name__)
    return f"{what} cannot be {verb} ({reason}). Nothing has been changed."


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` says the file system is full: the system's ENOSPC (or a quota
    reached) or SQLite's "database or disk is full" (SQLITE_FULL)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlcipher_dbapi.OperationalError) and "disk is full" in str(exc)


#: Free space below which SQLite's "disk I/O error" on opening is taken for a full disk.
FULL_BELOW_BYTES = 1024 * 1024


def disk_full_at(folder: Path, exc: BaseException) -> bool:
    """True when ``exc`` is the file system at ``folder`` being full: said so, or SQLite's
    "disk I/O error" (what it says when it cannot make its write-ahead log) with less than
    :data:`FULL_BELOW_BYTES` free there."""
    if is_disk_full(exc):
        return True
    if "disk I/O error" not in str(exc):
        return False
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def database_size(db_path: Path) -> int:
    """Bytes a copy of the embedded database needs, about: its file and write-ahead log."""
    return sum(path.stat().st_size for path in (db_path, Path(f"{db_path}-wal"))
               if path.exists())


def size_text(count: int) -> str:
    """``count`` bytes for a person: KiB, MiB or GiB, one decimal."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{max(1, round(count / 1024))} KiB"


def no_space_message(folder: Path, what: str, db_path: Path, exc: BaseException) -> str:
    """No room at ``folder`` for ``what`` (a copy of the hub database ``db_path``), and how
    much a copy needs; the caller says what to do and what was left."""
    quota = isinstance(exc, OSError) and exc.errno == errno.EDQUOT
    where = f"{'Disk quota reached' if quota else 'No space left'} at {folder}"
    return (f"{where} for {what} (about {size_text(database_size(db_path))} needed: the size "
            f"of {db_path.name}).")


#: How long a command that needs the embedded database alone (restore, rekey) waits for
#: other connections that are closing.
OPEN_GRACE_S = 1.0


def taken_alone(cursor: Any) -> bool:
    """Put a raw connection to the embedded database in exclusive locking mode and take its
    lock, held until that connection closes; False when another connection, of any process,
    has the database open (a hub still serving, another command). SQLite's own locks tell: a
    connection in exclusive locking mode gets its exclusive lock only while no other
    connection has the database open in WAL mode. Other errors are raised."""
    cursor.execute("PRAGMA locking_mode = EXCLUSIVE")
    try:
        cursor.execute("BEGIN EXCLUSIVE")
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
        cursor.execute("ROLLBACK")
    except sqlcipher_dbapi.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return False
        raise
    return True


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (Windows cannot open a folder; its rename is)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_new_hex_key(path: Path, size: int) -> None:
    """Write ``size`` random bytes as hex into a new file at ``path``, mode 0600 from the
    start, synced to disk. FileExistsError if there is one: a key is never replaced. A key
    that could not be written whole (a full disk) is removed again."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(size) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def parse_hex_key(text: str, size: int) -> bytes | None:
    """The key written as hex in ``text`` (a key file's content), None unless it is exactly
    ``size`` bytes of hex digits."""
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        return None
    return key if len(key) == size else None


def _embedded_engine(database_url: str) -> Engine:
    db_path = embedded_path(database_url)
    key_hex = read_key(db_path).hex()
    if not db_path.exists():
        # Never made here (``init`` makes it with its key): an empty file in its place would
        # hide the mistake (a moved or deleted database, a wrong path) behind "no schema".
        raise HubDatabaseError(
            f"No hub database at {db_path}, though its key file {key_path(db_path)} is there. "
            "Check the path (--database, database_url); to put a backup back, run "
            "`spoke-hub restore FILE`. Nothing has been changed."
        )
    try:  # SQLite's own refusal says "unable to open database file", or "damaged" below
        os.close(os.open(db_path, os.O_RDWR))
    except OSError as exc:
        raise HubDatabaseError(unreadable_message(f"The hub database {db_path}", db_path, exc,
                                                  verb="read and written")) from None
    engine = create_engine(
        f"sqlite+pysqlite:///{db_path}",
        module=sqlcipher_dbapi,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _unlock(dbapi_connection: Any, _record: Any) -> None:
        # The key must be the first statement on every new connection.
        cursor = dbapi_connection.cursor()
        try:
            # SQLCipher's own log writes raw lines to stderr ("ERROR CORE ... hmac check
            # failed"), past the hub's log and its JSON form: the error raised says it all.
            cursor.execute("PRAGMA cipher_log_level = NONE")
            cursor.execute(f"PRAGMA key = \"x'{key_hex}'\"")
            cursor.execute("PRAGMA cipher_memory_security = OFF")
            cursor.execute("PRAGMA temp_store = MEMORY")
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            # Speed without giving up durability (docs/sync.md, "Speed"): a bounded page cache
            # per connection, and fewer, larger WAL checkpoints (each costs fsyncs in the
            # committing request); the WAL file is truncated back after a checkpoint.
            cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
            cursor.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except sqlcipher_dbapi.DatabaseError as exc:
            if disk_full_at(db_path.parent, exc):  # no room for its write-ahead log
                raise HubDatabaseError(
                    f"The hub database {db_path} cannot be opened: no space left at "
                    f"{db_path.parent} (its write-ahead log is made there). Make room there. "
                    "Nothing has been changed."
                ) from exc
            raise HubDatabaseError(
                f"The hub database {db_path} cannot be opened with its key file: it is damaged "
                "or the key belongs to another database. Nothing has been changed."
            ) from exc
        finally:
            cursor.close()

    return engine


class SchemaGuard:
    """A ``connect`` listener refusing a database whose schema revision this hub does not know
    (migrated by a newer Spoke Hub): raises SchemaTooNew at the engine's first connection, and
    at every later one until a check has passed. An empty database passes."""

    def __init__(self) -> None:
        self.passed = False

    def __call__(self, dbapi_connection: Any, _record: Any) -> None:
        if self.passed:
            return
        stored = stored_revisions(dbapi_connection)
        if stored:
            schema.refuse_unknown(stored)
        self.passed = True


def stored_revisions(dbapi_connection: Any) -> list[str]:
    """The ``alembic_version`` rows of a raw (driver) connection; [] before any migration.
    Leaves no transaction open."""
    postgres = not isinstance(dbapi_connection, sqlcipher_dbapi.Connection)
    exists = ("SELECT to_regclass('alembic_version') IS NOT NULL" if postgres else
              "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
              "AND name = 'alembic_version'")
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(exists)
        if not cursor.fetchone()[0]:
            return []
        cursor.execute("SELECT version_num FROM alembic_version")
        return [str(row[0]) for row in cursor.fetchall()]
    finally:
        cursor.close()
        if postgres:
            dbapi_connection.rollback()


def make_engine(database_url: str, *, schema_check: bool = True) -> Engine:
    """An engine for ``sqlcipher:///PATH`` or ``postgresql://...`` (same code for both).

    With ``schema_check`` (always, but for ``spoke-hub doctor`` and ``restore``, which must
    open any database to report on it or replace it) the engine refuses a database migrated
    by a newer Spoke Hub (:class:`SchemaGuard`)."""
    engine = _engine(database_url)
    if schema_check:
        event.listen(engine, "connect", SchemaGuard())
    return engine


@contextmanager
def engine_for(database_url: str) -> Iterator[Engine]:
    """:func:`make_engine` for one command: its connections are closed when the block ends,
    so when a command says it is done, the embedded database is whole in its file (the last
    connection to close folds the write-ahead log in). Left to the garbage collector, they
    closed at some later moment and changed the file then."""
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _engine(database_url: str) -> Engine:
    if is_embedded(database_url):
        return _embedded_engine(database_url)
    try:
        url = make_url(database_url)
    except ArgumentError:
        url = None
    if url is None or url.get_backend_name() != "postgresql":
        raise HubDatabaseError(
            "Unsupported database URL: use sqlcipher:///PATH or postgresql://USER@HOST/DB."
        )
    if url.drivername in ("postgresql", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    # No ping before each checkout (a round trip on every request): a connection the server
    # dropped (a PostgreSQL restart) fails its request with a 500 that stores nothing, and
    # SQLAlchemy then replaces every pooled connection, so the laptop's retry succeeds.
    # Pool: PG_POOL_SIZE + PG_POOL_OVERFLOW connections per hub process (a few
    # ``--workers`` stay under PostgreSQL's default limit of 100).
    return create_engine(url, hide_parameters=True, pool_size=PG_POOL_SIZE,
                         max_overflow=PG_POOL_OVERFLOW)


def reading_session(engine: Engine) -> Session:
    """A session for requests that only read (the token check, a pull). On PostgreSQL each
    statement commits by itself: no BEGIN and ROLLBACK round trips around the reads."""
    session = Session(engine)
    if engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


def describe(database_url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    if is_embedded(database_url):
        return database_url
    return make_url(database_url).render_as_string(hide_password=True)
