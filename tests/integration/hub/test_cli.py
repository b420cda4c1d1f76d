"""``spoke-hub`` as an administrator runs it: init, migrate, serve, enrol, survive SIGKILL."""

from __future__ import annotations

import json
import logging
import re
import stat
import threading
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import func, select

from spokeapp.domain.records import Record
from spokeapp.hub.app import create_app
from spokeapp.hub.cli import main
from spokeapp.hub.config import HubSettings
from spokeapp.hub.db import create_key_file, embedded_path, is_embedded, make_engine
from spokeapp.hub.models import HubChange, HubRecord
from spokeapp.hub.schema import head_revision
from tests.helpers.hub import Laptop, RunningHub, run_cli, spawn_hub, sqlite_url
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
