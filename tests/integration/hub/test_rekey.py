"""``spoke-hub rekey`` on a real embedded hub (docs/hub-admin.md, "Changing the database
key"): the database opens only with the new key afterwards and holds everything it held, the
hub serves on it, a hub in use keeps its key, a change interrupted at either moment is settled
by running the command again (and nothing opens the hub until then), and a backup made before
says why it no longer restores. Everything is fictional."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
import sqlcipher3.dbapi2 as sqlcipher_dbapi
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from spokeapp.hub import rekey as rekey_module
from spokeapp.hub.cli import main
from spokeapp.hub.db import make_engine, pending_key_path, read_key_file
from spokeapp.hub.models import AuditEntry, User
from spokeapp.hub.rekey import staged_path
from tests.helpers.hub import spawn_hub, sqlite_url

WORKER = "Test Worker Rekey"


@pytest.fixture
def hub_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = sqlite_url(tmp_path / "hub")
    assert main(["init", "--database", url, "--organisation", "Test Charity",
                 "--admin", "Test Admin"]) == 0
    assert main(["user", "add", WORKER, "--role", "worker", "--team", "north",
                 "--database", url]) == 0
    capsys.readouterr()
    return url


def _paths(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "hub" / "hub.db", tmp_path / "hub" / "hub.key"


def _opens_with(db: Path, key: bytes) -> bool:
    connection = sqlcipher_dbapi.connect(str(db))
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher_dbapi.DatabaseError:
        return False
    finally:
        connection.close()


def _workers(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(User.name).where(User.role == "worker")))
    finally:
        engine.dispose()


def _rekey(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["rekey", "--database", url])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rekey_gives_the_database_a_new_key_and_keeps_everything(
        hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, key_file = _paths(tmp_path)
    old_key = read_key_file(key_file)
    before = tmp_path / "before.spoke-backup"
    assert main(["backup", str(before), "--database", hub_url]) == 0
    capsys.readouterr()

    code, out, err = _rekey(hub_url, capsys)

    assert code == 0, err
    assert f"Changed the key of {db}" in out and "take a new backup now" in out
    new_key = read_key_file(key_file)
    assert new_key != old_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert not _opens_with(db, old_key) and _opens_with(db, new_key)
    assert not pending_key_path(db).exists() and not staged_path(db).exists()
    assert WORKER.encode() not in db.read_bytes()  # still encrypted, under the new key
    assert _workers(hub_url) == [WORKER]
    engine = make_engine(hub_url)
    try:
        with Session(engine) as session:
            entry = session.scalars(select(AuditEntry).where(
                AuditEntry.action == "database_rekeyed")).one()
        assert entry.detail.startswith("tables=") and str(db) not in entry.detail
    finally:
        engine.dispose()
    with spawn_hub(hub_url) as hub:  # the hub serves on its new key
        assert httpx.get(f"{hub.base_url}/healthz", timeout=10).status_code == 200
    # A backup made before needs the old key: the restore says so and changes nothing.
    code = main(["restore", str(before), "--database", hub_url])
    err = capsys.readouterr().err
    assert code != 0 and "spoke-hub rekey" in err and "Nothing was changed" in err
    assert read_key_file(key_file) == new_key and _workers(hub_url) == [WORKER]


def test_a_hub_in_use_keeps_its_key(
        hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, key_file = _paths(tmp_path)
    old_key = read_key_file(key_file)
    engine = make_engine(hub_url)
    try:
        with engine.connect() as serving:  # as a hub still serving holds it
            serving.execute(text("SELECT count(*) FROM users")).scalar()
            code, _, err = _rekey(hub_url, capsys)
    finally:
        engine.dispose()
    assert code == 2 and "is in use: stop the hub" in err and "Nothing was changed" in err
    assert read_key_file(key_file) == old_key and _opens_with(db, old_key)
    assert not pending_key_path(db).exists() and not staged_path(db).exists()
    assert _workers(hub_url) == [WORKER]


def test_a_change_cut_off_before_the_copy_replaced_the_database_starts_again(
        hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A power cut while the copy was being made: the new key file and half a copy are
    left; the database still has the old key."""
    db, key_file = _paths(tmp_path)
    old_key = read_key_file(key_file)
    pending_key_path(db).write_text("ab" * 32 + "\n", encoding="ascii")
    staged_path(db).write_bytes(b"half a copy")
    # Nothing opens the hub meanwhile.
    assert main(["device", "list", "--database", hub_url]) == 1
    assert "run `spoke-hub rekey` again" in capsys.readouterr().err

    code, out, err = _rekey(hub_url, capsys)

    assert code == 0, err
    assert "Changed the key of" in out
    new_key = read_key_file(key_file)
    assert new_key not in (old_key, bytes.fromhex("ab" * 32))
    assert _opens_with(db, new_key) and not staged_path(db).exists()
    assert _workers(hub_url) == [WORKER]


def test_a_change_cut_off_after_the_copy_replaced_the_database_is_finished(
        hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A power cut between the two renames: the database has the new key, the key file is
    still the old one. Serving on the old key would fail; running rekey again finishes."""
    db, key_file = _paths(tmp_path)
    old_key = read_key_file(key_file)

    def power_cut(*_args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(rekey_module, "_install", power_cut)
        assert _rekey(hub_url, capsys)[0] == 130
    pending = read_key_file(pending_key_path(db))
    assert read_key_file(key_file) == old_key and _opens_with(db, pending)
    assert main(["device", "list", "--database", hub_url]) == 1
    assert "interrupted" in capsys.readouterr().err

    code, out, err = _rekey(hub_url, capsys)

    assert code == 0, err
    assert "Finished the key change that was interrupted" in out
    assert read_key_file(key_file) == pending and not pending_key_path(db).exists()
    assert _workers(hub_url) == [WORKER]


def test_a_database_a_newer_spoke_hub_migrated_keeps_its_key(
        hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/hub-admin.md, "Upgrading": every command refuses such a database before it reads
    or writes anything. A new key under it would leave every backup the newer hub made (with
    the key the administrator keeps) unrestorable, so the refusal must be true: the same key
    file, the same database file, nothing left beside them."""
    db, key_file = _paths(tmp_path)
    engine = make_engine(hub_url)
    try:
        with engine.begin() as connection:  # as a newer Spoke Hub's migration leaves it
            connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    finally:
        engine.dispose()
    key_before, db_before = key_file.read_bytes(), db.read_bytes()
    folder_before = sorted(path.name for path in db.parent.iterdir())

    code, out, err = _rekey(hub_url, capsys)

    assert code != 0 and "Changed the key" not in out
    assert "is at schema revision 0099, which this version of Spoke Hub does not know" in err
    assert "Nothing has been changed" in err and len(err.splitlines()) == 1
    assert key_file.read_bytes() == key_before and db.read_bytes() == db_before
    assert not pending_key_path(db).exists() and not staged_path(db).exists()
    assert sorted(path.name for path in db.parent.iterdir() if path.name != "hub.lock") == [
        name for name in folder_before if name != "hub.lock"]


def test_a_key_file_that_does_not_open_the_database_is_said_and_changes_nothing(
        hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another key file in hub.key's place (an older one put back, the hub stopped): one line
    saying so, never a crash report; the key file and the database stay as they were."""
    db, key_file = _paths(tmp_path)
    key_file.write_text("cd" * 32 + "\n", encoding="ascii")
    db_before = db.read_bytes()

    code, _, err = _rekey(hub_url, capsys)

    assert code == 2 and f"does not open with its key file {key_file}" in err
    assert "Nothing was changed" in err and len(err.splitlines()) == 1
    assert read_key_file(key_file) == bytes.fromhex("cd" * 32) and db.read_bytes() == db_before
    assert not pending_key_path(db).exists() and not staged_path(db).exists()


def test_a_hub_on_postgresql_is_told_it_has_no_key_to_change(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _rekey("postgresql+psycopg://spoke@127.0.0.1:9/no-such-hub", capsys)
    assert code == 2 and "PostgreSQL" in err and "Nothing was changed" in err
