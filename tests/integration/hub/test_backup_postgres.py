"""``spoke-hub backup`` / ``restore`` on PostgreSQL (docs/hub-admin.md, "Backups on PostgreSQL"):
an encrypted, owner-only ``pg_dump`` of one snapshot, whose high-water mark is exactly what the
dump holds; a restore that checks the whole file first, refuses the wrong key, another hub's
backup, a damaged file and a hub still serving, and changes nothing when it fails half way.
(That laptops heal after a restore is tests/integration/hub/test_backup.py, on both back ends.)
Everything runs on a real PostgreSQL server with its own pg_dump, pg_restore and psql."""

from __future__ import annotations

import dataclasses
import io
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from spokeapp.hub import admin, schema
from spokeapp.hub.backup import (
    CHUNK_BYTES,
    META_LAST_BACKUP,
    BackupError,
    PgBackupHeader,
    PgTools,
    Sealer,
    backup,
    find_pg_tool,
    open_chunks,
    read_pg_header,
    restore,
    tool_error,
)
from spokeapp.hub.db import make_engine
from spokeapp.hub.ledger import META_EPOCH, META_HUB_ID, set_meta
from spokeapp.hub.models import HubMeta, HubRecord, User
from spokeapp.hub.pull import META_BACKUP_COVERS
from tests.helpers.hub import (
    HubAdmin,
    ManualClock,
    prepare_database,
    run_cli,
    running_hub,
    spawn_hub,
    sqlite_url,
)
from tests.helpers.postgres import PostgresServer
from tests.helpers.records import young_person


@pytest.fixture
def pg(postgres: PostgresServer) -> PostgresServer:
    return postgres


@pytest.fixture
def hub_url(pg: PostgresServer) -> Iterator[str]:
    """An initialised PostgreSQL hub with one worker (not serving)."""
    url = pg.new_database()
    engine, _init = prepare_database(url)
    HubAdmin(engine, ManualClock()).add_user("Test Worker A", "worker", "north")
    engine.dispose()
    yield url


def _facts(url: str) -> dict[str, object]:
    """What an administrator would notice changing: the hub's id and epoch, its people, its
    records and its counter."""
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return {
                "hub_id": s.get(HubMeta, META_HUB_ID).value,  # type: ignore[union-attr]
                "epoch": s.get(HubMeta, META_EPOCH).value,  # type: ignore[union-attr]
                "users": sorted(s.scalars(select(User.name))),
                "records": s.scalar(select(func.count()).select_from(HubRecord)),
                "seq": s.scalar(text("SELECT value FROM hub_counter")),
                "bulk": getattr(s.get(HubMeta, "test_bulk"), "value", None),
            }
    finally:
        engine.dispose()


def _add_user(url: str, name: str) -> None:
    engine = make_engine(url)
    try:
        HubAdmin(engine, ManualClock()).add_user(name, "worker", "north")
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- the backup
def test_a_backup_taken_while_laptops_push_is_encrypted_owner_only_and_its_mark_exact(
    pg: PostgresServer, tmp_path: Path,
) -> None:
    url = pg.new_database()
    key = tmp_path / "keys" / "backup.key"
    target = tmp_path / "backups" / "monday.spoke-backup"
    with running_hub(url) as hub:
        laptop = hub.laptop(hub.admin.add_user("Test Worker A", "worker", "north"))
        laptop.push_records(young_person(1))
        stop = threading.Event()

        def keep_pushing() -> None:  # pushes land before, during and after the dump
            n = 2
            while not stop.is_set() and n < 40:
                laptop.push_records(young_person(n))
                n += 1

        pusher = threading.Thread(target=keep_pushing)
        pusher.start()
        try:
            mark = backup(url, target, key_file=key)
        finally:
            stop.set()
            pusher.join()
        laptop.close()
        with Session(hub.engine) as s:
            live = {row.key: row.value for row in s.scalars(select(HubMeta))}
    # The live hub says exactly what the copy holds (contract C2) and when it was taken.
    assert live[META_BACKUP_COVERS] == str(mark.max_seq)
    assert META_LAST_BACKUP in live
    assert target.stat().st_mode & 0o777 == 0o600
    assert key.stat().st_mode & 0o777 == 0o600
    raw = target.read_bytes()
    assert b"PGDMP" not in raw and b"Test Person" not in raw and b"hub_records" not in raw
    with open(target, "rb") as handle:
        header, aad = read_pg_header(handle, target)
        plain = b"".join(open_chunks(handle, bytes.fromhex(key.read_text()), header, aad))
    assert plain.startswith(b"PGDMP")  # a pg_dump custom-format archive inside
    assert (header.hub_id, header.max_seq, header.schema) == (
        mark.hub_id, mark.max_seq, schema.head_revision())

    # Restored elsewhere, the copy holds every change up to its mark and none after it.
    elsewhere = pg.new_database()
    restored, _epoch = restore(elsewhere, target, key_file=key,
                               mark_file=tmp_path / "elsewhere.mark")
    assert restored == mark
    facts = _facts(elsewhere)
    engine = make_engine(elsewhere)
    try:
        with Session(engine) as s:
            top = s.scalar(select(func.max(HubRecord.seq)))
    finally:
        engine.dispose()
    assert facts["seq"] == mark.max_seq == top
    assert facts["hub_id"] == mark.hub_id


def test_the_cli_makes_the_backup_key_once_and_refuses_one_others_can_read(
    hub_url: str, tmp_path: Path,
) -> None:
    key = tmp_path / "keys" / "backup.key"
    first = run_cli("backup", str(tmp_path / "one.bak"), "--database", hub_url,
                    "--key-file", str(key))
    assert first.returncode == 0, first.stderr
    assert f"Created the backup key file {key} (mode 0600)" in first.stdout
    assert "pg_dump, encrypted with the backup key file" in first.stdout
    second = run_cli("backup", str(tmp_path / "two.bak"), "--database", hub_url,
                     "--key-file", str(key))
    assert second.returncode == 0, second.stderr
    assert "Created" not in second.stdout
    again = run_cli("backup", str(tmp_path / "two.bak"), "--database", hub_url,
                    "--key-file", str(key))
    assert again.returncode == 1 and "already exists" in again.stderr

    key.chmod(0o644)
    open_key = run_cli("backup", str(tmp_path / "three.bak"), "--database", hub_url,
                       "--key-file", str(key))
    assert open_key.returncode == 1 and "open to other users" in open_key.stderr
    assert not (tmp_path / "three.bak").exists()


# --------------------------------------------------------------------------- restore refusals
def test_restore_refuses_what_it_must_and_changes_nothing(
    pg: PostgresServer, hub_url: str, tmp_path: Path,
) -> None:
    key = tmp_path / "backup.key"
    good = tmp_path / "good.bak"
    backup(hub_url, good, key_file=key)
    _add_user(hub_url, "Test Worker B")  # after the backup: a restore would lose it
    before = _facts(hub_url)

    def refused(source: Path, key_file: Path = key) -> str:
        with pytest.raises(BackupError) as caught:
            restore(hub_url, source, key_file=key_file, mark_file=tmp_path / "hub.mark")
        assert _facts(hub_url) == before
        return str(caught.value)

    # Another key file, or none at all.
    other_key = tmp_path / "other.key"
    backup(hub_url, tmp_path / "other-key.bak", key_file=other_key)
    assert "made with another backup key file" in refused(good, other_key)
    assert "No backup key file" in refused(good, tmp_path / "missing.key")

    # A file changed anywhere, or cut short, fails its check before anything is touched.
    raw = good.read_bytes()
    for name, damaged in (("flipped", raw[:-200] + bytes([raw[-200] ^ 1]) + raw[-199:]),
                          ("short", raw[: len(raw) - 40]),
                          ("longer", raw + b"\x00")):
        (tmp_path / name).write_bytes(damaged)
        assert "fails its integrity check" in refused(tmp_path / name), name
    header = bytearray(raw)
    header[raw.index(b'"max_seq": ') + 11] ^= 1  # the clear header is authenticated too
    (tmp_path / "header").write_bytes(bytes(header))
    assert "fails its integrity check" in refused(tmp_path / "header")

    # Not a PostgreSQL hub backup: an embedded hub's backup.
    embedded = sqlite_url(tmp_path / "embedded")
    prepare_database(embedded)[0].dispose()
    backup(embedded, tmp_path / "embedded.bak")
    assert "not a backup made by `spoke-hub backup` on PostgreSQL" in refused(
        tmp_path / "embedded.bak")

    # Another hub's backup.
    stranger = pg.new_database()
    prepare_database(stranger)[0].dispose()
    backup(stranger, tmp_path / "stranger.bak", key_file=key)
    assert "is a backup of another hub" in refused(tmp_path / "stranger.bak")

    # A hub still serving (its connections are open).
    with spawn_hub(hub_url, "--mark-file", str(tmp_path / "serving.mark")):
        message = refused(good)
    assert "other connection(s) to the hub's database are open: stop the hub" in message


def test_a_restore_that_fails_half_way_changes_nothing(hub_url: str, tmp_path: Path) -> None:
    """A backup that decrypts but whose archive is cut short: pg_restore has already sent
    psql the statements that drop and create tables when it fails; none of them is kept."""
    key = tmp_path / "backup.key"
    good = tmp_path / "good.bak"
    backup(hub_url, good, key_file=key)
    _add_user(hub_url, "Test Worker B")
    before = _facts(hub_url)
    raw_key = bytes.fromhex(key.read_text())
    with open(good, "rb") as handle:
        header, aad = read_pg_header(handle, good)
        plain = b"".join(open_chunks(handle, raw_key, header, aad))
    cut = dataclasses.replace(header, nonce_prefix="00112233445566")
    out = io.BytesIO()
    out.write(cut.encode())
    sealer = Sealer(raw_key, cut.encode(), bytes.fromhex(cut.nonce_prefix), out)
    sealer.write(plain[: len(plain) * 2 // 3])  # validly sealed, but a truncated archive
    sealer.close()
    (tmp_path / "cut.bak").write_bytes(out.getvalue())

    with pytest.raises(BackupError) as caught:
        restore(hub_url, tmp_path / "cut.bak", key_file=key, mark_file=tmp_path / "hub.mark")
    assert "pg_restore" in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert _facts(hub_url) == before
    assert not (tmp_path / "hub.mark").exists()

    # A whole archive, but the server refuses a statement after the hub's tables were dropped
    # (here a DBA's event trigger refusing CREATE TABLE): psql stops, nothing is committed.
    engine = make_engine(hub_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE SCHEMA test_dba")
            connection.exec_driver_sql(
                "CREATE FUNCTION test_dba.refuse() RETURNS event_trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'fictional policy: no new tables'; END $$ LANGUAGE plpgsql")
            connection.exec_driver_sql(
                "CREATE EVENT TRIGGER test_refuse ON ddl_command_start "
                "WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION test_dba.refuse()")
    finally:
        engine.dispose()
    with pytest.raises(BackupError) as caught:
        restore(hub_url, good, key_file=key, mark_file=tmp_path / "hub.mark")
    assert str(caught.value) == ("The restore failed (psql: ERROR:  fictional policy: no new "
                                 "tables). Nothing was changed.")
    assert _facts(hub_url) == before


# --------------------------------------------------------------------------- restore works
def test_a_backup_restores_into_an_empty_database_on_another_server(
    pg: PostgresServer, hub_url: str, tmp_path: Path,
) -> None:
    key = tmp_path / "backup.key"
    engine = make_engine(hub_url)
    try:  # a bulky (fictional) fact: the dump is several encrypted chunks long
        with Session(engine) as s, s.begin():
            set_meta(s, "test_bulk", secrets.token_hex(2 * CHUNK_BYTES))
    finally:
        engine.dispose()
    backup(hub_url, tmp_path / "monday.bak", key_file=key)
    assert (tmp_path / "monday.bak").stat().st_size > 2 * CHUNK_BYTES
    original = _facts(hub_url)
    empty = pg.new_database()  # the old server is gone: a new, empty database
    restored = run_cli("restore", str(tmp_path / "monday.bak"), "--database", empty,
                       "--key-file", str(key), env={"SPOKE_HUB_MARK_FILE": str(tmp_path / "m")})
    assert restored.returncode == 0, restored.stderr
    assert "Hub epoch changed" in restored.stdout
    facts = _facts(empty)
    assert facts["epoch"] != original["epoch"]
    assert facts["bulk"] == original["bulk"]
    assert {k: v for k, v in facts.items() if k != "epoch"} == {
        k: v for k, v in original.items() if k != "epoch"}
    with spawn_hub(empty, "--mark-file", str(tmp_path / "m")) as served:
        health = httpx.get(f"{served.base_url}/healthz", timeout=10).json()
        assert health["hub_epoch"] == facts["epoch"]
        assert not any("restored" in line for line in served.output)  # epoch already new


def test_a_backup_from_before_an_upgrade_restores_and_migrates_again(
    pg: PostgresServer, tmp_path: Path,
) -> None:
    """Undoing an upgrade: the backup taken before it brings back the old schema exactly
    (tables a later migration added are gone), `serve` asks for `migrate`, which works."""
    url = pg.new_database()
    engine = make_engine(url)
    # The revision before the newest whose tables `init_hub` writes are as today's models
    # (users gained `left_at` in 0015): this version's code makes the hub at that schema.
    schema.migrate(engine, "0015")
    admin.init_hub(engine, "Test Charity", "Test Admin")
    engine.dispose()
    key = tmp_path / "backup.key"
    backup(url, tmp_path / "before-upgrade.bak", key_file=key)
    assert run_cli("migrate", "--database", url).returncode == 0
    restore(url, tmp_path / "before-upgrade.bak", key_file=key, mark_file=tmp_path / "m")

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0015"
            assert connection.scalar(
                text("SELECT to_regclass('hub_restricted_records')")) is None
    finally:
        engine.dispose()
    refused = run_cli("serve", "--port", "0", "--database", url, "--mark-file",
                      str(tmp_path / "m"))
    assert refused.returncode == 1
    assert f"at schema 0015 but this version needs {schema.head_revision()}" in refused.stderr
    migrated = run_cli("migrate", "--database", url)
    assert migrated.returncode == 0, migrated.stderr
    with spawn_hub(url, "--mark-file", str(tmp_path / "m")) as served:
        assert httpx.get(f"{served.base_url}/healthz", timeout=10).status_code == 200


# --------------------------------------------------------------------------- the tools
def test_the_tools_are_those_of_the_servers_version(pg: PostgresServer, tmp_path: Path) -> None:
    major = int(pg.bin_dir.parent.name)
    old = tmp_path / "old-bin"
    old.mkdir()
    fake = old / "pg_dump"  # an older client first on PATH: pg_dump would refuse the server
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    found = find_pg_tool("pg_dump", major, path=str(old))
    assert found == pg.bin_dir / "pg_dump"
    # Nothing but the old one: the message says what to install.
    with pytest.raises(BackupError) as caught:
        find_pg_tool("pg_dump", major, folders=(), path=str(old))
    assert f"postgresql-client-{major}" in str(caught.value)
    # The server's own version's folder comes first.
    tools = PgTools.find(major)
    assert {tools.pg_dump.parent, tools.pg_restore.parent, tools.psql.parent} == {pg.bin_dir}


def test_a_tool_error_is_passed_on_without_what_it_quotes() -> None:
    stderr = io.BytesIO(
        b'psql:<stdin>:41: ERROR:  duplicate key value violates unique constraint "users_pkey"'
        b"\nDETAIL:  Key (id)=(u-test-0001) already exists.\n"
        b"CONTEXT:  COPY users, line 1: \"u-test-0001\tTest Person Alpha\"\n")
    message = tool_error("psql", stderr)
    assert message.startswith("psql: ERROR:  duplicate key value violates unique constraint")
    assert "users_pkey" not in message and "Test Person" not in message
    assert "u-test-0001" not in message



def test_the_encrypted_format_holds_many_chunks_in_their_order(tmp_path: Path) -> None:
    """The format of every PostgreSQL backup: any length round-trips; chunks swapped, or the
    last one dropped, fail the check."""
    key = secrets.token_bytes(32)
    header = PgBackupHeader(hub_id="h", epoch="e", max_seq=1, taken_at="t", schema="0012",
                            server_major=15, key_id="k", nonce_prefix="01" * 7)
    plain = secrets.token_bytes(2 * CHUNK_BYTES + 12345)
    out = io.BytesIO()
    out.write(header.encode())
    sealer = Sealer(key, header.encode(), bytes.fromhex(header.nonce_prefix), out)
    for start in range(0, len(plain), 100_000):
        sealer.write(plain[start:start + 100_000])
    sealer.close()
    sealed = out.getvalue()

    def read(data: bytes) -> bytes:
        handle = io.BytesIO(data)
        found, aad = read_pg_header(handle, tmp_path / "x")
        return b"".join(open_chunks(handle, key, found, aad))

    assert read(sealed) == plain
    body = len(header.encode())
    record = 5 + CHUNK_BYTES + 16
    first, second = sealed[body:body + record], sealed[body + record:body + 2 * record]
    swapped = sealed[:body] + second + first + sealed[body + 2 * record:]
    with pytest.raises(BackupError, match="integrity check"):
        read(swapped)
    with pytest.raises(BackupError, match="integrity check"):
        read(sealed[:body + 2 * record])  # the last chunk is gone
