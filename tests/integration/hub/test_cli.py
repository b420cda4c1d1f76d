"""``spoke-hub`` as an administrator runs it: init, migrate, serve, enrol, survive SIGKILL."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import func, select

from spokeapp.domain.records import Record
from spokeapp.hub import schema
from spokeapp.hub.app import create_app
from spokeapp.hub.cli import main
from spokeapp.hub.config import HubSettings
from spokeapp.hub.db import create_key_file, embedded_path, is_embedded, make_engine
from spokeapp.hub.models import HubChange, HubRecord
from spokeapp.hub.schema import head_revision
from tests.conftest import require
from tests.helpers.hub import (
    HUB_BIN,
    ROOT,
    Laptop,
    RunningHub,
    run_cli,
    spawn_hub,
    sqlite_url,
)
from tests.helpers.postgres import PostgresServer
from tests.helpers.records import case, session, young_person
from tests.helpers.tls import self_signed


def _init(database_url: str) -> str:
    """``spoke-hub init`` in a subprocess; returns the admin's user id."""
    result = run_cli("init", "--database", database_url, "--organisation", "Test Charity",
                     "--admin", "Test Admin")
    assert result.returncode == 0, result.stderr
    match = re.search(r"Administrator user id: (\S+)", result.stdout)
    assert match
    return match.group(1)


def test_init_creates_a_private_key_and_an_encrypted_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path / "hub")
    assert main(["init", "--database", url, "--organisation", "Test Charity",
                 "--admin", "Test Admin"]) == 0
    out = capsys.readouterr().out
    key, db = tmp_path / "hub" / "hub.key", tmp_path / "hub" / "hub.db"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert b"Test Admin" not in db.read_bytes()
    assert "Administrator user id: u-" in out and str(key) in out
    # Done means done: the database is whole in its file, no write-ahead log left to fold
    # in later (which once changed the file under the comparison below, at random).
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # Running init again must not replace the key (that would lose the database).
    before = key.read_bytes(), db.read_bytes()
    assert main(["init", "--database", url, "--organisation", "X", "--admin", "Y"]) == 1
    err = capsys.readouterr().err
    assert f"There is a hub at {db} already" in err and "refusing to replace" in err
    assert "Nothing has been changed" in err
    assert (key.read_bytes(), db.read_bytes()) == before


@pytest.mark.parametrize("command", [
    ["user", "add", "Test Worker", "--role", "worker", "--team", "north"],
    ["areas", "add", "Exampleshire", "--districts", "EX1,EX2"],
    ["approvals", "require", "amendment"],
    ["restore-epoch"],
])
def test_a_command_leaves_the_embedded_database_whole_in_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Done means done for every command, as for init: no write-ahead log left open, to be
    folded into the file at some later moment (a backup copied then, or a test comparing
    bytes, saw the file change under it)."""
    url = sqlite_url(tmp_path / "hub")
    assert main(["init", "--database", url, "--organisation", "Test Charity",
                 "--admin", "Test Admin"]) == 0
    capsys.readouterr()
    assert main([*command, "--database", url]) == 0, capsys.readouterr().err
    wal = tmp_path / "hub" / "hub.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_serve_refuses_an_unmigrated_database_until_migrate(database_url: str) -> None:
    if is_embedded(database_url):
        create_key_file(embedded_path(database_url))
    refused = run_cli("serve", "--port", "0", "--database", database_url)
    assert refused.returncode == 1
    assert "spoke-hub migrate" in refused.stderr
    assert "Hub listening" not in refused.stdout

    migrated = run_cli("migrate", "--database", database_url)
    assert migrated.returncode == 0, migrated.stderr
    assert f"from empty to {head_revision()}" in migrated.stdout
    again = run_cli("migrate", "--database", database_url)
    assert "nothing to do" in again.stdout

    uninitialised = run_cli("serve", "--port", "0", "--database", database_url)
    assert uninitialised.returncode == 1
    assert "spoke-hub init" in uninitialised.stderr


def test_acknowledged_push_survives_sigkill(database_url: str) -> None:
    _init(database_url)
    added = run_cli("user", "add", "Test Worker A", "--role", "worker", "--team", "north",
                    "--database", database_url)
    worker = added.stdout.strip()
    enrolled = run_cli("enrol", worker, "--database", database_url)
    code = re.search(r"Enrolment code: (\S+)", enrolled.stdout)
    assert code and "loopback" in enrolled.stdout
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    visit = session(cs.id)
    with spawn_hub(database_url) as hub:
        laptop = Laptop(hub.base_url)
        laptop.enrol(code.group(1))
        laptop.push_records(yp, cs, visit)
        laptop.close()
        hub.kill()
    listed = run_cli("device", "list", "--database", database_url)
    assert laptop.device_id in listed.stdout and "active" in listed.stdout
    with spawn_hub(database_url) as hub:
        again = Laptop(hub.base_url)
        again.device_id, again.refresh_token = laptop.device_id, laptop.refresh_token
        again.refresh()
        assert {c["record_id"] for c in again.pull_all()} == {yp.id, cs.id, visit.id}
        again.close()

    revoked = run_cli("device", "revoke", laptop.device_id, "--wipe", "--database", database_url)
    assert revoked.returncode == 0
    assert "erase" in revoked.stdout


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key, _der = self_signed(folder, key_file="hub.pem")
    return cert, key


def test_enrol_shows_the_certificate_fingerprint_and_serve_uses_tls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path)
    assert main(["init", "--database", url, "--organisation", "T", "--admin", "Test Admin"]) == 0
    assert main(["user", "add", "Test Worker", "--role", "worker", "--team", "north",
                 "--database", url]) == 0
    worker = capsys.readouterr().out.strip().splitlines()[-1]
    cert, key = _self_signed(tmp_path)
    assert main(["enrol", worker, "--database", url, "--tls-cert", str(cert),
                 "--tls-key", str(key), "--hub-url", "https://hub.test.invalid:8470"]) == 0
    out = capsys.readouterr().out
    fingerprint = x509.load_pem_x509_certificate(cert.read_bytes()).fingerprint(hashes.SHA256())
    assert f"TLS certificate SHA-256: {fingerprint.hex(':').upper()}" in out
    assert "https://hub.test.invalid:8470" in out

    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--database", url]) == 1
    assert "Plain HTTP is for this machine only" in capsys.readouterr().err
    with spawn_hub(url, "--tls-cert", str(cert), "--tls-key", str(key)) as hub:
        assert hub.base_url.startswith("https://")
        health = httpx.get(f"{hub.base_url}/healthz", verify=False)
        assert health.status_code == 200


def test_openapi_lists_every_endpoint_with_models(capsys: pytest.CaptureFixture[str]) -> None:
    # `spoke-hub openapi` prints the document for integrators; no hub, no database needed.
    assert main(["openapi"]) == 0
    spec = json.loads(capsys.readouterr().out)
    expected = {("get", "/healthz"), ("post", "/v1/enrol"), ("post", "/v1/token"),
                ("post", "/v1/sync/push"), ("get", "/v1/sync/pull"), ("get", "/v1/device")}
    found = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert expected <= found
    for method, path in expected:
        responses = spec["paths"][path][method]["responses"]
        assert "$ref" in str(responses["200"]), path
        assert "ErrorBody" in str(responses["401"]), path


def test_api_docs_are_served_only_when_asked_for_and_only_on_loopback(
    database_url: str, capsys: pytest.CaptureFixture[str],
) -> None:
    _init(database_url)
    with spawn_hub(database_url) as hub:
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert httpx.get(f"{hub.base_url}{path}").status_code == 404, path
    with spawn_hub(database_url, "--api-docs") as hub:
        spec = httpx.get(f"{hub.base_url}/openapi.json")
        assert spec.status_code == 200 and "/v1/sync/push" in spec.json()["paths"]
        assert httpx.get(f"{hub.base_url}/docs").status_code == 200
        assert httpx.get(f"{hub.base_url}/redoc").status_code == 200

    assert main(["serve", "--api-docs", "--host", "0.0.0.0", "--port", "0",
                 "--database", database_url]) == 1
    err = capsys.readouterr().err
    assert "--api-docs" in err and "127.0.0.1" in err
    # Asked for through the environment on a public address: still not served.
    settings = HubSettings(database_url=database_url, host="0.0.0.0", api_docs=True)
    engine = make_engine(database_url)
    try:
        app = create_app(settings, engine=engine)
        assert app.openapi_url is None and app.docs_url is None and app.redoc_url is None
    finally:
        engine.dispose()


def test_logs_name_ids_never_contents(hub: RunningHub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1, needs="Unmistakable fictional needs text")
    cs = case(yp, key_worker=worker)
    laptop.push_records(yp, cs)
    bad = session(cs.id, discussed="Unmistakable fictional session text", duration_minutes=0)
    assert laptop.push(laptop.change(bad)).status_code == 422
    laptop.pull_all()
    assert laptop.device_id in caplog.text
    assert "Unmistakable" not in caplog.text
    assert "Test Person" not in caplog.text


def test_serve_with_two_worker_processes_loses_and_repeats_nothing(
    postgres: PostgresServer,
) -> None:
    # `serve --workers 2` (docs/sync.md, "Speed"): two processes on one socket, each with its
    # own push queue, share the write lock. Four laptops push at once, each through whichever
    # process accepts its connection; every record and change is stored once, and each laptop
    # pulls exactly its own back.
    database_url = postgres.new_database()
    _init(database_url)
    workers = []
    for n in range(4):
        added = run_cli("user", "add", f"Test Worker {n}", "--role", "worker", "--team",
                        "north", "--database", database_url)
        code = re.search(r"Enrolment code: (\S+)",
                         run_cli("enrol", added.stdout.strip(), "--database",
                                 database_url).stdout)
        assert code
        workers.append((added.stdout.strip(), code.group(1)))
    with spawn_hub(database_url, "--workers", "2") as hub:
        laptops = []
        for worker, code_text in workers:
            laptop = Laptop(hub.base_url)
            laptop.enrol(code_text)
            laptops.append((laptop, worker))
        sent: dict[str, set[str]] = {}

        def sync(laptop: Laptop, worker: str) -> None:
            yp = young_person(len(sent) + 1)
            cs = case(yp, key_worker=worker)
            records: list[Record] = [yp, cs, *(session(cs.id) for _ in range(5))]
            sent[laptop.device_id] = {r.id for r in records}
            laptop.push_records(*records)

        threads = [threading.Thread(target=sync, args=pair) for pair in laptops]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for laptop, _worker in laptops:
            pulled = laptop.pull_all()
            assert {c["record_id"] for c in pulled} == sent[laptop.device_id]
            laptop.close()
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            records = connection.execute(select(func.count()).select_from(HubRecord)).scalar()
            changes = connection.execute(select(func.count()).select_from(HubChange)).scalar()
    finally:
        engine.dispose()
    assert records == changes == 4 * 7


# --------------------------------------------------------------------------- admin mistakes
# Each ends in one plain line saying what to do (exit status 1, or 2 where the command says
# so), never "spoke-hub stopped unexpectedly" and its crash report.
CRASH = "stopped unexpectedly"
NOBODY = 65534  # a user the files below are given to; the command runs as another
_NO_OVERRIDE = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                "--inh-caps", "-dac_override,-dac_read_search", "--")


def run_as_the_hub(*args: str) -> subprocess.CompletedProcess[str]:
    """``spoke-hub ARGS`` as the hub's user would run it, for whom the files made
    :func:`make_unreadable` are another user's. As root, root's override of file modes is
    dropped (setpriv): otherwise root reads every file, whoever owns it."""
    prefix = _NO_OVERRIDE if os.geteuid() == 0 else ()
    return subprocess.run([*prefix, str(HUB_BIN), *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


def make_unreadable(path: Path) -> None:
    """Make ``path`` a file the hub's user cannot read: as when root ran init, rekey or a
    copy (another owner, mode 0600); for a user that is not root, mode 0000."""
    if os.geteuid() == 0:
        require(shutil.which("setpriv") is not None and subprocess.run(
            [*_NO_OVERRIDE, "true"], capture_output=True).returncode == 0,
            "setpriv able to drop root's file-mode override (CAP_SETPCAP)")
        os.chown(path, NOBODY, NOBODY)
        path.chmod(0o600)
    else:
        path.chmod(0o000)


def test_a_key_file_the_hub_cannot_read_is_said_plainly_by_every_command(
    tmp_path: Path,
) -> None:
    """hub.key left root's after `init` as root: every command, and serve (a restart loop
    under systemd), said "stopped unexpectedly ... PermissionError". Now one line: which
    file, whose, and what to run."""
    url = sqlite_url(tmp_path / "hub")
    _init(url)
    key, db = tmp_path / "hub" / "hub.key", tmp_path / "hub" / "hub.db"
    make_unreadable(key)
    for command in (["user", "list"], ["serve", "--port", "0"], ["backup",
                                                                 str(tmp_path / "b.db")]):
        result = run_as_the_hub(*command, "--database", url)
        assert result.returncode == 1, (command, result.stderr)
        assert CRASH not in result.stderr and "Hub listening" not in result.stdout
        assert f"The key file {key} cannot be read by this user" in result.stderr
        assert "give it to the hub's user (chown)" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "b.db").exists()
    # Given back, the database (root's too after a restore as root) is said the same way.
    os.chown(key, os.geteuid(), os.getegid())
    key.chmod(0o600)
    make_unreadable(db)
    result = run_as_the_hub("user", "list", "--database", url)
    assert result.returncode == 1 and CRASH not in result.stderr
    assert f"The hub database {db} cannot be read and written by this user" in result.stderr


def test_a_backup_file_the_hub_cannot_read_is_refused_by_restore(tmp_path: Path) -> None:
    """A backup copied in as root (or with docker cp) was a crash report at the restore."""
    url = sqlite_url(tmp_path / "hub")
    _init(url)
    copy = tmp_path / "copied-in" / "hub-backup.db"
    made = run_cli("backup", str(copy), "--database", url)
    assert made.returncode == 0, made.stderr
    make_unreadable(copy)
    db = tmp_path / "hub" / "hub.db"
    before = db.read_bytes()
    result = run_as_the_hub("restore", str(copy), "--database", url)
    assert result.returncode == 1 and CRASH not in result.stderr
    assert f"The backup file {copy} cannot be read by this user" in result.stderr
    assert "chown" in result.stderr and "Nothing has been changed" in result.stderr
    assert db.read_bytes() == before
    assert not list((tmp_path / "hub").glob(".*restoring*"))


@contextlib.contextmanager
def _small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A file system of ``size`` (tmpfs) mounted at ``folder``, for as long as the block."""
    folder.mkdir(parents=True)
    require(os.geteuid() == 0 and shutil.which("mount") is not None,
            "root, to mount a small file system (tmpfs)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700",
                              "tmpfs", str(folder)], capture_output=True, text=True)
    require(mounted.returncode == 0, f"mounting a tmpfs ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_backup_to_a_full_disk_says_how_much_room_it_needs(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "hub")
    _init(url)
    needed = (tmp_path / "hub" / "hub.db").stat().st_size
    with _small_disk(tmp_path / "small", "64k") as small:
        assert needed > 64 * 1024  # the copy cannot fit
        result = run_cli("backup", str(small / "hub-backup.db"), "--database", url)
        assert result.returncode == 1 and CRASH not in result.stderr
        assert (f"No space left at {small} for the backup (about {round(needed / 1024)} KiB "
                "needed: the size of hub.db)") in result.stderr
        assert list(small.iterdir()) == []  # the partial copy removed
    again = run_cli("backup", str(tmp_path / "roomy" / "hub-backup.db"), "--database", url)
    assert again.returncode == 0, again.stderr


def test_rekey_without_room_for_its_copy_changes_nothing_and_says_so(tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk", "1m") as disk:
        url = sqlite_url(disk)
        _init(url)
        key, db = disk / "hub.key", disk / "hub.db"
        needed = db.stat().st_size
        # Fill the disk but for half a copy's room.
        (disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(disk).free - needed // 2))
        before = key.read_bytes(), db.read_bytes()
        result = run_cli("rekey", "--database", url)
        assert result.returncode == 2 and CRASH not in result.stderr
        assert (f"No space left at {disk} for the copy under the new key (about "
                f"{round(needed / 1024)} KiB needed: the size of hub.db)") in result.stderr
        assert "Nothing was changed" in result.stderr
        assert (key.read_bytes(), db.read_bytes()) == before
        assert not (disk / "hub.key.new").exists() and not (disk / ".hub.db.rekeying").exists()
        listed = run_cli("user", "list", "--database", url)
        assert listed.returncode == 0 and "Test Admin" in listed.stdout


def _half_initialised(url: str) -> None:
    """What `spoke-hub init` leaves when it stops after the schema, before the hub's identity
    (admin.init_hub): the key file, the encrypted database, the schema."""
    create_key_file(embedded_path(url))
    engine = make_engine(url)
    try:
        schema.migrate(engine)
    finally:
        engine.dispose()


def test_init_finishes_an_init_that_stopped_before_the_hubs_identity(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "hub")
    _half_initialised(url)
    key = tmp_path / "hub" / "hub.key"
    key_before = key.read_bytes()
    admin_id = _init(url)  # was: "There is a hub at ... already ... refusing"
    assert key.read_bytes() == key_before  # finished with the key it was made with
    listed = run_cli("user", "list", "--database", url)
    assert listed.returncode == 0 and admin_id in listed.stdout
    made = run_cli("backup", str(tmp_path / "hub-backup.db"), "--database", url)
    assert made.returncode == 0, made.stderr  # was: TypeError
    # A finished hub is still never initialised twice.
    db_before = (tmp_path / "hub" / "hub.db").read_bytes()
    again = run_cli("init", "--database", url, "--organisation", "X", "--admin", "Y")
    assert again.returncode == 1 and "There is a hub at" in again.stderr
    assert (tmp_path / "hub" / "hub.db").read_bytes() == db_before


def test_a_missing_key_file_beside_the_database_is_never_replaced_by_init(
    tmp_path: Path,
) -> None:
    """hub.key gone (not restored with hub.db): commands said "run spoke-hub init", and init
    wrote a new random key beside the old database, which it can never open."""
    url = sqlite_url(tmp_path / "hub")
    _init(url)
    folder = tmp_path / "hub"
    key, db = folder / "hub.key", folder / "hub.db"
    kept = tmp_path / "kept.key"
    key.rename(kept)
    db_before = db.read_bytes()
    listed = run_cli("user", "list", "--database", url)
    assert listed.returncode == 1 and CRASH not in listed.stderr
    assert f"{db} is here but its key file hub.key is not" in listed.stderr
    assert "put back the key file this hub was made with" in listed.stderr.lower()
    assert "Run `spoke-hub init`" not in listed.stderr
    init = run_cli("init", "--database", url, "--organisation", "X", "--admin", "Y")
    assert init.returncode == 1 and "is here but its key file hub.key is not" in init.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["hub.db"] and db.read_bytes() == db_before
    # The key without its database: init refuses too, and makes no database.
    kept.rename(key)
    db.rename(tmp_path / "kept.db")
    init = run_cli("init", "--database", url, "--organisation", "X", "--admin", "Y")
    assert init.returncode == 1 and f"no hub database {db}" in init.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["hub.key"]
    (tmp_path / "kept.db").rename(db)  # both put back: the hub is whole again
    assert run_cli("user", "list", "--database", url).returncode == 0
