"""Opening the encrypted database: key, durability settings, transactions, schema checks."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from spokeapp.store.database import (
    CasebookError,
    SchemaTooNew,
    backup_copy,
    connect,
    migrate,
    remove_profile_database,
    schema_version,
    transaction,
)
from spokeapp.store.migrations import LATEST_VERSION
from tests.helpers.records import snapshot

SQLITE_HEADER = b"SQLite format 3\x00"


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


def test_new_database_is_encrypted_owner_only_and_durable(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    conn = connect(db, key)
    try:
        assert migrate(conn, db, key) is None  # a brand-new casebook needs no backup
        assert schema_version(conn) == LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY: no temp files
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA cipher_version").fetchone()[0]
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        wal = Path(f"{db}-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        conn.close()
    assert not (tmp_path / "backups").exists()
    assert not db.read_bytes().startswith(SQLITE_HEADER)


def test_wrong_key_is_refused_and_the_file_is_untouched(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    conn = connect(db, key)
    migrate(conn, db, key)
    conn.close()
    before = snapshot(tmp_path)
    with pytest.raises(CasebookError, match="cannot be opened with this key"):
        connect(db, os.urandom(32))
    assert snapshot(tmp_path) == before


def test_a_plain_sqlite_file_is_refused(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    plain = sqlite3.connect(db)  # an ordinary, unencrypted SQLite database
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    assert db.read_bytes().startswith(SQLITE_HEADER)
    with pytest.raises(CasebookError, match="damaged or belongs to another key file"):
        connect(db, key)


def test_transaction_rolls_back_everything_on_error(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    conn = connect(db, key)
    try:
        migrate(conn, db, key)
        with pytest.raises(RuntimeError), transaction(conn):
            conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
        assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0
        assert not conn.in_transaction
        with transaction(conn):
            conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
        assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 1
    finally:
        conn.close()


def test_committed_write_is_visible_to_a_second_connection(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    writer = connect(db, key)
    migrate(writer, db, key)
    with transaction(writer):
        writer.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    reader = connect(db, key)
    try:
        assert reader.execute("SELECT value FROM meta WHERE key = 'k'").fetchone() == ("v",)
    finally:
        reader.close()
        writer.close()


def test_migrate_refuses_a_newer_schema_and_changes_nothing(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    conn = connect(db, key)
    migrate(conn, db, key)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    before = snapshot(tmp_path)
    conn = connect(db, key)
    try:
        with pytest.raises(SchemaTooNew, match=f"schema {LATEST_VERSION + 5}"):
            migrate(conn, db, key)
        assert schema_version(conn) == LATEST_VERSION + 5
    finally:
        conn.close()
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "backups").exists()


def test_migrating_twice_is_a_no_op(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    conn = connect(db, key)
    try:
        migrate(conn, db, key)
        tables = conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
        assert migrate(conn, db, key) is None
        assert conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == tables
    finally:
        conn.close()


def test_abandoned_setup_removes_database_wal_and_backups(tmp_path: Path, key: bytes) -> None:
    db = tmp_path / "casebook.db"
    conn = connect(db, key)
    migrate(conn, db, key)
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "casebook-v1-x.db").write_bytes(b"x")
    conn.close()
    (tmp_path / "casebook.key").write_text("{}")
    remove_profile_database(db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["casebook.key"]


def test_a_backup_before_an_upgrade_is_owner_only_before_any_byte_is_written(
    tmp_path: Path, key: bytes
) -> None:
    """The encrypted copy taken before a migration was made by SQLite readable by everyone
    (0644 under the usual umask), and its journal with it, and only narrowed once written."""
    db = tmp_path / "casebook.db"
    conn = connect(db, key)
    modes: list[int] = []

    def seen(statement: str) -> None:
        if "sqlcipher_export" in statement:  # the copy is attached: its file exists
            modes.extend(stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "backups").iterdir())

    old_umask = os.umask(0o022)
    try:
        migrate(conn, db, key)
        with transaction(conn):
            conn.execute("INSERT INTO meta (key, value) VALUES ('setting.t', 'Test Person Alpha')")
        conn.set_trace_callback(seen)
        backup = backup_copy(conn, db, key, "v1")
    finally:
        os.umask(old_umask)
        conn.set_trace_callback(None)
        conn.close()
    assert modes == [0o600]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not backup.read_bytes().startswith(SQLITE_HEADER)
