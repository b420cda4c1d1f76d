"""Backups, restores, and noticing a restore the administrator did not announce (docs/sync.md,
"Hub epoch and restores").

A hub restored from a backup has forgotten changes it acknowledged. Devices recover when the
hub's epoch changes (they re-pull from zero and re-push every change they ever pushed), so the
hub changes its epoch whenever it can tell it went back in time:

* ``spoke-hub backup FILE`` (embedded hub) writes an encrypted copy and marks the copy as a
  backup (a ``hub_meta`` row); ``spoke-hub restore FILE`` puts it back and sets a new epoch.
* A database that still carries the backup mark when ``serve`` starts was copied back by
  hand: new epoch.
* A **high-water mark** kept outside the database (``hub.mark`` beside the embedded file; for
  PostgreSQL a file named after the hub id in the hub's data folder) holds the epoch and the
  highest sequence number the hub has given out, written at start, every few seconds while
  serving and at shutdown. A database whose counter is below the mark of its own epoch lost
  committed changes (restored from a file copy, a snapshot, ``pg_restore``): new epoch.

Only ids, epochs and counts are ever printed or logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.hub.admin import CLI_ACTOR, new_epoch
from spokeapp.hub.config import HUB_DATA_NAME
from spokeapp.hub.db import (
    HubDatabaseError,
    embedded_path,
    is_embedded,
    key_path,
    make_engine,
    read_key,
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
from spokeapp.hub.security import iso, utc_now

log = logging.getLogger(__name__)

#: ``hub_meta`` key present only in a copy made by ``spoke-hub backup``.
META_BACKUP = "backup_taken"
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


def write_mark(path: Path, mark: HubMark) -> None:
    """Replace the mark atomically (a crash leaves the old mark or the new one)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hub-mark-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"hub_id": mark.hub_id, "epoch": mark.epoch, "max_seq": mark.max_seq},
                      handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
        with contextlib.suppress(Exception):
            self.refresh()


# --------------------------------------------------------------------------- backup
def backup(database_url: str, target: Path) -> HubMark:
    """Write an encrypted copy of the embedded hub to ``target`` (same key file as the hub),
    marked as a backup. Safe while the hub serves (one consistent read)."""
    if not is_embedded(database_url):
        raise BackupError(
            "spoke-hub backup copies the embedded database. For PostgreSQL use pg_dump; after "
            "pg_restore, `spoke-hub serve` notices the restore by itself (or run "
            "`spoke-hub restore-epoch`)."
        )
    target = target.expanduser().resolve()
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file for the backup.")
    source = embedded_path(database_url)
    key_hex = read_key(source).hex()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
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
                    "INSERT OR REPLACE INTO hub_meta (key, value) VALUES (?, ?)",
                    (META_BACKUP_COVERS, str(int(seq))),
                )
                cursor.execute("COMMIT")
            finally:
                cursor.close()
    except Exception:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    finally:
        engine.dispose()
    return HubMark(str(hub_id), str(epoch), int(seq))


def restore(database_url: str, source: Path) -> tuple[HubMark, str]:
    """Put a backup made by :func:`backup` back in place of the embedded hub (which must not
    be serving) and give it a new epoch. Returns (the backup's mark, the new epoch)."""
    if not is_embedded(database_url):
        raise BackupError(
            "spoke-hub restore puts back an embedded database. For PostgreSQL use pg_restore; "
            "`spoke-hub serve` then notices the restore by itself."
        )
    source = source.expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    db_path = embedded_path(database_url)
    if not key_path(db_path).exists():
        raise BackupError(
            f"No key file at {key_path(db_path)}: put back the key file the hub was made with "
            "(backups use the hub's own key)."
        )
    # Check the backup opens with this hub's key and is a backup of this hub (if one exists).
    staged = db_path.with_name(f".{db_path.name}.restoring")
    staged.unlink(missing_ok=True)
    _copy(source, staged)
    try:
        backup_mark = _inspect(staged, db_path)
        current_id = _current_hub_id(database_url) if db_path.exists() else None
        if current_id is not None and current_id != backup_mark.hub_id:
            raise BackupError(
                f"{source} is a backup of another hub ({backup_mark.hub_id}); this one is "
                f"{current_id}. Nothing was changed."
            )
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(staged, db_path)
        _fsync_dir(db_path.parent)
    finally:
        staged.unlink(missing_ok=True)
    engine = make_engine(database_url)
    try:
        epoch = _new_epoch(engine, f"restore from backup (seq {backup_mark.max_seq})")
        with Session(engine) as session, session.begin():  # contract C2: what it holds
            lock_writes(session)
            set_meta(session, META_BACKUP_COVERS, str(backup_mark.max_seq))
        mark = current_mark(engine)
    finally:
        engine.dispose()
    write_mark(mark_path(database_url, mark.hub_id), mark)
    return backup_mark, epoch


def _copy(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        while chunk := src.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _inspect(staged: Path, db_path: Path) -> HubMark:
    """The hub id, epoch and counter of a staged backup, opened with ``db_path``'s key."""
    key_file = key_path(staged)
    # make_engine looks for the key beside the database: lend it the hub's key file.
    key_file.write_text(read_key(db_path).hex() + "\n", encoding="ascii")
    os.chmod(key_file, 0o600)
    engine = make_engine(f"sqlcipher:///{staged}")
    try:
        with Session(engine) as session:
            if session.get(HubMeta, META_BACKUP) is None:
                raise BackupError(
                    "That file is not a backup made by `spoke-hub backup`; nothing was changed."
                )
            return HubMark(meta(session, META_HUB_ID), meta(session, META_EPOCH),
                           max_seq(session))
    except HubDatabaseError as exc:
        raise BackupError(
            "The backup cannot be opened with this hub's key file: it is damaged or belongs to "
            "another hub. Nothing was changed."
        ) from exc
    finally:
        engine.dispose()
        key_file.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)


def _current_hub_id(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            value = session.scalar(select(HubMeta.value).where(HubMeta.key == META_HUB_ID))
            return None if value is None else str(value)
    except Exception:  # a damaged current database: the backup replaces it
        return None
    finally:
        engine.dispose()
