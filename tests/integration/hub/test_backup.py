"""A hub restored from a backup notices it by itself (docs/sync.md, "Hub epoch and restores"):
``spoke-hub backup`` / ``spoke-hub restore``, a backup copied back by hand, and a database
set back by other means (caught by the high-water mark at ``serve`` start). Laptops then
re-pull and re-push what the hub no longer has, and nothing is stored twice."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from spokeapp.hub import backup
from spokeapp.hub.db import (
    embedded_path,
    is_embedded,
    key_path,
    make_engine,
    pending_key_path,
)
from spokeapp.hub.models import HubAttachmentChunk, HubRecord
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import (
    HubAdmin,
    Laptop,
    ManualClock,
    prepare_database,
    run_cli,
    spawn_hub,
    sqlite_url,
)
from tests.helpers.postgres import PostgresServer, free_port
from tests.helpers.records import case, new_casebook, session, young_person


def _epoch(base_url: str) -> str:
    return str(httpx.get(f"{base_url}/healthz", timeout=10).json()["hub_epoch"])


def _hub_records(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session_:
            return int(session_.scalar(select(func.count()).select_from(HubRecord)) or 0)
    finally:
        engine.dispose()


def _hub_chunks(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session_:
            return int(session_.scalar(select(func.count()).select_from(HubAttachmentChunk))
                       or 0)
    finally:
        engine.dispose()


def _worker_and_codes(database_url: str, count: int = 1) -> tuple[str, list[str]]:
    engine, _init = prepare_database(database_url)
    try:
        admin = HubAdmin(engine, ManualClock(datetime.now(UTC)))  # the served hub's clock
        worker = admin.add_user("Test Worker A", "worker", "north")
        return worker, [admin.enrolment_code(worker) for _ in range(count)]
    finally:
        engine.dispose()


def test_backup_and_restore_give_a_new_epoch_and_laptops_resend_what_was_lost(
    database_url: str, tmp_path: Path,
) -> None:
    """On both back ends: SQLCipher copy, or pg_dump/pg_restore (docs/hub-admin.md)."""
    url = database_url
    # PostgreSQL backups are encrypted with a backup key file (the embedded hub's with hub.key).
    key = [] if is_embedded(url) else ["--key-file", str(tmp_path / "keys" / "backup.key")]
    worker, (code,) = _worker_and_codes(url)
    port = str(free_port())
    book, _ = new_casebook(tmp_path / "laptop", author=worker)
    engine = SyncEngine(book)
    try:
        yp = young_person(1)
        cs = case(yp, key_worker=worker)
        book.save(yp)
        book.save(cs)
        with spawn_hub(url, "--port", port) as hub:
            engine.enrol(hub.base_url, code, "Test laptop")
            assert engine.sync_once().accepted == 2
            backed_up = run_cli("backup", str(tmp_path / "backups" / "monday.db"),
                                "--database", url, *key)
            assert backed_up.returncode == 0, backed_up.stderr
            assert "Backup written" in backed_up.stdout
            old_epoch = _epoch(hub.base_url)
            for n in range(3):
                book.save(session(cs.id, discussed=f"Fictional session {n}."), finalise=True)
            # A document too: after the restore its bytes must go up again with its record.
            letter = book.attach(b"Fictional letter, " * 9000, case_id=cs.id,
                                 title="Fictional letter", document_date=date(2026, 12, 1),
                                 file_name="letter.txt")
            first = engine.sync_once()
            assert first.accepted == 4 and first.files_sent == 1
        assert _hub_records(url) == 6 and _hub_chunks(url) == 3

        refused = run_cli("restore", str(tmp_path / "nothing.db"), "--database", url, *key)
        assert refused.returncode == 1 and "No backup file" in refused.stderr
        restored = run_cli("restore", str(tmp_path / "backups" / "monday.db"), "--database", url,
                           *key)
        assert restored.returncode == 0, restored.stderr
        assert "Hub epoch changed" in restored.stdout
        assert _hub_records(url) == 2  # the hub forgot the three sessions and the document
        assert _hub_chunks(url) == 0

        with spawn_hub(url, "--port", port) as hub:
            assert _epoch(hub.base_url) != old_epoch
            report = engine.sync_once()
        assert report.ok and report.hub_restored
        # The two changes the backup holds were trimmed from the laptop's pushed copies when
        # the hub reported its backup (issue 16, C2): only the three it lost are sent again.
        assert report.repushed == 4 and report.accepted == 4 and report.duplicates == 0
        assert report.files_sent == 1
        assert _hub_records(url) == 6 and _hub_chunks(url) == 3
        assert letter.size == 18 * 9000
    finally:
        book.close()


def test_a_backup_copied_back_by_hand_is_noticed_when_the_hub_starts(tmp_path: Path) -> None:
    url = f"sqlcipher:///{tmp_path / 'hub' / 'hub.db'}"
    _worker, (code,) = _worker_and_codes(url)
    backup_file = tmp_path / "backup.db"
    assert run_cli("backup", str(backup_file), "--database", url).returncode == 0
    with spawn_hub(url) as hub:
        epoch = _epoch(hub.base_url)
        laptop = Laptop(hub.base_url)
        laptop.enrol(code)
        laptop.push_records(young_person(1))
        laptop.close()
    db_path = embedded_path(url)
    shutil.copyfile(backup_file, db_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)

    with spawn_hub(url) as hub:
        assert any("This database was restored (the database is a backup copy)" in line
                   for line in hub.output)
        assert _epoch(hub.base_url) != epoch
    with spawn_hub(url) as hub:  # once is enough: the next start changes nothing
        assert not any("restored" in line for line in hub.output)


def test_a_database_set_back_by_other_means_is_noticed_by_the_high_water_mark(
    database_url: str, tmp_path: Path
) -> None:
    _worker, (code,) = _worker_and_codes(database_url)
    mark = tmp_path / "hub-mark.json"
    # The "backup": a plain copy of the database taken while the hub is stopped.
    if is_embedded(database_url):
        db_path = embedded_path(database_url)
        saved = tmp_path / "copy.db"
        shutil.copyfile(db_path, saved)
    else:
        copy_url = _copy_postgres_database(database_url)
    with spawn_hub(database_url, "--mark-file", str(mark)) as hub:
        epoch = _epoch(hub.base_url)
        laptop = Laptop(hub.base_url)
        laptop.enrol(code)
        laptop.push_records(young_person(1), young_person(2))
        laptop.close()
    assert '"max_seq": 2' in mark.read_text()
    with spawn_hub(database_url, "--mark-file", str(mark)) as hub:  # an ordinary restart
        assert not any("restored" in line for line in hub.output)
        assert _epoch(hub.base_url) == epoch

    if is_embedded(database_url):
        shutil.copyfile(saved, db_path)
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        target = database_url
    else:
        target = copy_url  # the same hub as pg_restore would bring it back
    with spawn_hub(target, "--mark-file", str(mark)) as hub:
        assert any("sequence counter (0) is behind the last one this hub gave out (2)" in line
                   for line in hub.output)
        assert _epoch(hub.base_url) != epoch


def _copy_postgres_database(database_url: str) -> str:
    """``CREATE DATABASE ... TEMPLATE``: a copy of the database as it is now."""
    url = make_url(database_url)
    name = f"{url.database}_copy"
    with psycopg.connect(host=str(url.query["host"]), port=int(str(url.query["port"])),
                         user=url.username, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    return url.set(database=name).render_as_string(hide_password=False)


def test_restore_refuses_an_embedded_hub_that_is_still_serving(tmp_path: Path) -> None:
    """docs/hub-admin.md: a restore needs the hub stopped. Replacing the file under a serving
    hub would leave it acknowledging pushes into a file that is gone: refused, nothing
    changed, and the hub serves on as before."""
    url = f"sqlcipher:///{tmp_path / 'hub' / 'hub.db'}"
    _worker, (code,) = _worker_and_codes(url)
    backup_file = tmp_path / "backup.db"
    made = run_cli("backup", str(backup_file), "--database", url)
    assert made.returncode == 0
    # Which key file to keep a copy of, by its path (the backup is useless without it).
    assert f"encrypted with the hub's key file {tmp_path / 'hub' / 'hub.key'}" in made.stdout
    with spawn_hub(url) as hub:
        epoch = _epoch(hub.base_url)
        laptop = Laptop(hub.base_url)
        laptop.enrol(code)
        laptop.push_records(young_person(1))
        refused = run_cli("restore", str(backup_file), "--database", url)
        assert refused.returncode == 1
        assert (f"A hub is serving this database {embedded_path(url)} (pid "
                f"{hub.process.pid}): stop it first") in refused.stderr
        assert "Nothing was changed" in refused.stderr and "Traceback" not in refused.stderr
        assert "Restored" not in refused.stdout
        laptop.push_records(young_person(2))  # still serving its own database
        assert _epoch(hub.base_url) == epoch
        laptop.close()
    assert _hub_records(url) == 2
    restored = run_cli("restore", str(backup_file), "--database", url)  # stopped: it goes
    assert restored.returncode == 0, restored.stderr
    assert _hub_records(url) == 0


def test_an_older_key_file_put_back_does_not_let_restore_or_rekey_under_a_serving_hub(
    tmp_path: Path,
) -> None:
    """docs/hub-admin.md, "Changing the database key": to restore a backup from before a key
    change, its key file goes back as hub.key first. If the hub is still serving, that key
    does not open the live database, which says nothing of who is using it: restore and rekey
    are refused all the same, nothing changes, and every push the hub acknowledges is kept.
    Once the hub has stopped, the restore goes."""
    url = sqlite_url(tmp_path / "hub")
    db_path, key_file = embedded_path(url), key_path(embedded_path(url))
    _worker, (code,) = _worker_and_codes(url)
    before_rekey = tmp_path / "before-rekey.db"
    assert run_cli("backup", str(before_rekey), "--database", url).returncode == 0
    old_key = tmp_path / "before-rekey.key"
    shutil.copyfile(key_file, old_key)
    rekeyed = run_cli("rekey", "--database", url)
    assert rekeyed.returncode == 0, rekeyed.stderr
    new_key = key_file.read_bytes()
    assert new_key != old_key.read_bytes()

    with spawn_hub(url) as hub:
        epoch = _epoch(hub.base_url)
        shutil.copyfile(old_key, key_file)  # as the docs say, but the hub was not stopped
        serving = (f"A hub is serving this database {db_path} (pid {hub.process.pid}): stop "
                   "it first")

        refused = run_cli("restore", str(before_rekey), "--database", url)
        assert refused.returncode == 1, refused.stdout
        assert serving in refused.stderr and "Nothing was changed" in refused.stderr
        assert len(refused.stderr.splitlines()) == 1 and "Restored" not in refused.stdout
        rekey_refused = run_cli("rekey", "--database", url)
        assert rekey_refused.returncode == 2, rekey_refused.stdout
        assert serving in rekey_refused.stderr and len(rekey_refused.stderr.splitlines()) == 1
        assert key_file.read_bytes() == old_key.read_bytes()  # the key file it was given
        assert not pending_key_path(db_path).exists()

        # The hub serves on, and what it acknowledges now goes into hub.db (a hub left
        # writing into a file the restore had replaced would lose all of it).
        laptop = Laptop(hub.base_url)
        laptop.enrol(code)
        laptop.push_records(young_person(1), young_person(2))
        assert _epoch(hub.base_url) == epoch
        laptop.close()
    key_file.write_bytes(new_key)
    assert _hub_records(url) == 2  # everything the hub acknowledged is in hub.db

    shutil.copyfile(old_key, key_file)  # the hub stopped: now the restore goes
    restored = run_cli("restore", str(before_rekey), "--database", url)
    assert restored.returncode == 0, restored.stderr
    assert "Restored hub" in restored.stdout
    assert _hub_records(url) == 0  # the backup's (taken before anything was pushed)
    rekeyed = run_cli("rekey", "--database", url)  # and it can be given a new key again
    assert rekeyed.returncode == 0, rekeyed.stderr


def test_a_postgresql_backup_given_to_the_embedded_hub_is_named_as_such(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    pg_url = postgres.new_database()
    prepare_database(pg_url)[0].dispose()
    pg_backup = tmp_path / "pg.spoke-backup"
    made = run_cli("backup", str(pg_backup), "--database", pg_url,
                   "--key-file", str(tmp_path / "backup.key"))
    assert made.returncode == 0, made.stderr
    url = f"sqlcipher:///{tmp_path / 'hub' / 'hub.db'}"
    prepare_database(url)[0].dispose()
    before = embedded_path(url).read_bytes()
    refused = run_cli("restore", str(pg_backup), "--database", url)
    assert refused.returncode == 1
    assert "is a backup of a hub on PostgreSQL" in refused.stderr
    assert "Nothing was changed" in refused.stderr and "ERROR CORE" not in refused.stderr
    assert embedded_path(url).read_bytes() == before


def test_a_backup_that_cannot_be_written_says_where_and_leaves_nothing(
    database_url: str, tmp_path: Path
) -> None:
    """A backup folder the hub cannot write to (here: a file where the folder should be):
    one line naming it; no backup file, and on PostgreSQL no backup key file made unsaid."""
    prepare_database(database_url)[0].dispose()
    in_the_way = tmp_path / "backups"
    in_the_way.write_text("a file, not a folder")
    key = tmp_path / "keys" / "backup.key"
    extra = [] if is_embedded(database_url) else ["--key-file", str(key)]
    target = in_the_way / "monday.spoke-backup"
    refused = run_cli("backup", str(target), "--database", database_url, *extra)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"spoke-hub: The backup cannot be written to {target}")
    assert "Traceback" not in refused.stderr
    assert in_the_way.read_text() == "a file, not a folder" and not key.exists()


def test_the_hub_key_lent_to_a_restore_is_never_open_to_other_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded restore opens the staged backup with the hub's key, copied beside it for a
    moment. The database's folder may be open to others (``/var/lib/spoke-hub``, the
    documented place), so that copy must be 0600 from its first byte, whatever the umask,
    never made readable and tightened afterwards."""
    url = f"sqlcipher:///{tmp_path / 'hub' / 'hub.db'}"
    _worker_and_codes(url)
    backup_file = tmp_path / "backup.db"
    assert run_cli("backup", str(backup_file), "--database", url).returncode == 0
    seen: list[tuple[str, int]] = []
    real_chmod, real_make_engine = os.chmod, make_engine

    def chmod(path: Any, mode: int, *args: Any, **kwargs: Any) -> None:
        if str(path).endswith(".key"):
            seen.append(("before chmod", stat.S_IMODE(os.stat(path).st_mode)))
        real_chmod(path, mode, *args, **kwargs)

    def make_engine_(database_url: str, *args: Any, **kwargs: Any) -> Any:
        if database_url.endswith(".restoring"):
            lent = key_path(embedded_path(database_url))
            seen.append(("opened", stat.S_IMODE(lent.stat().st_mode)))
        return real_make_engine(database_url, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", chmod)
    monkeypatch.setattr(backup, "make_engine", make_engine_)
    old_umask = os.umask(0o022)
    try:
        backup.restore(url, backup_file)
    finally:
        os.umask(old_umask)
    assert ("opened", 0o600) in seen
    assert all(mode == 0o600 for _when, mode in seen), seen
    assert not list((tmp_path / "hub").glob("*.restoring*")), "the lent key is gone again"
