"""``spoke-hub doctor`` (docs/hub-admin.md, "Doctor"): one line per check, exit status 0 / 1 / 2
for monitoring, on real parts - a real SMTP server (aiosmtpd), a real HTTP SMS gateway on
loopback, ports nobody listens on, self-signed certificates made with ``cryptography``, a real
PostgreSQL server whose clock is compared with ours, a database behind head."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.hub import admin, schema
from spokeapp.hub.backup import META_LAST_BACKUP, backup
from spokeapp.hub.cli import main as spoke_hub
from spokeapp.hub.config import HubSettings
from spokeapp.hub.db import embedded_path, make_engine
from spokeapp.hub.doctor import FAIL, OK, WARN, Doctor, Limits
from spokeapp.hub.ledger import set_meta
from spokeapp.hub.lone_working import WATCH_ERROR_KEY, Watcher
from spokeapp.hub.models import HubMeta, User
from spokeapp.hub.security import iso
from tests.helpers.hub import prepare_database, sqlite_url
from tests.helpers.lone_working import (
    SMS_SECRET,
    SmtpSink,
    WebhookReceiver,
    arm_unchecked_visit,
)
from tests.helpers.postgres import PostgresServer, free_port
from tests.integration.hub.test_cli import make_unreadable, run_as_the_hub


def _certificate(folder: Path, *, days_left: float, name: str = "hub-tls") -> tuple[Path, Path]:
    """A self-signed certificate for hub.example.org ending ``days_left`` days from now, and
    its key (PEM files in ``folder``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub.example.org")])
    now = datetime.now(UTC)
    ends = now + timedelta(days=days_left)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(min(now, ends) - timedelta(days=30)).not_valid_after(ends)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(Encoding.PEM))
    key_path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclass
class Report:
    status: int
    lines: dict[str, str]  # check name -> its text line
    checks: dict[str, dict[str, Any]]  # from --json


def doctor(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> Report:
    """``spoke-hub doctor`` twice, as text and as JSON (same exit status both ways)."""
    capsys.readouterr()  # what came before
    status = spoke_hub(["doctor", "--database", url, "--timeout", "2", *extra])
    text = capsys.readouterr().out
    assert spoke_hub(["doctor", "--database", url, "--timeout", "2", "--json", *extra]) == status
    data = json.loads(capsys.readouterr().out)
    assert data["exit_status"] == status
    checks = {c["name"]: c for c in data["checks"]}
    # "STATUS NAME  reason": the name is padded and followed by two spaces.
    lines = {line[6:].split("  ", 1)[0].strip(): line for line in text.splitlines()}
    assert set(lines) == set(checks)
    for name, check in checks.items():  # the same verdicts (a measured clock may differ)
        assert lines[name].startswith(check["status"] + " ")
    return Report(status, lines, checks)


def _notifiers(url: str, smtp_port: int, sms_url: str) -> None:
    """Email through ``smtp_port`` and SMS through ``sms_url``, and someone for every tier."""
    for argv in (
        ["safety", "notifier", "email", "--host", "127.0.0.1", "--port", str(smtp_port),
         "--sender", "spoke@example.org", "--no-starttls"],
        ["safety", "notifier", "sms", "--url", sms_url],
        ["safety", "contact", "add", "--role", "on_call_manager", "--name", "Test On-call",
         "--phone", "+447700900789"],
        ["safety", "contact", "add", "--role", "manager", "--name", "Test Manager",
         "--email", "manager@example.org"],
    ):
        assert spoke_hub([*argv, "--database", url]) == 0, argv


@pytest.fixture
def well_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[str, SmtpSink]]:
    """An embedded hub with notifiers that can send to real servers, contacts for every tier
    and a backup just taken."""
    monkeypatch.setenv("SPOKE_HUB_SMS_SECRET", SMS_SECRET)
    url = sqlite_url(tmp_path / "hub")
    prepare_database(url)[0].dispose()
    with SmtpSink() as smtp, WebhookReceiver({"/sms": SMS_SECRET}) as gateway:
        _notifiers(url, smtp.port, gateway.url("/sms"))
        backup(url, tmp_path / "backups" / "today.db")
        capsys.readouterr()
        yield url, smtp


def test_a_well_hub_is_all_ok_and_exits_0(
    well_hub: tuple[str, SmtpSink], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url, smtp = well_hub
    cert, key = _certificate(tmp_path / "tls", days_left=365)
    report = doctor(capsys, url, "--host", "0.0.0.0", "--tls-cert", str(cert), "--tls-key",
                    str(key), "--backup-dir", str(tmp_path / "backups"))
    assert report.status == 0, report.lines
    assert list(report.checks) == ["database", "migrations", "tls", "email", "sms", "clock",
                                   "disk", "backup", "notifiers", "watch"]
    assert all(c["status"] == OK for c in report.checks.values())
    assert f"schema at {schema.head_revision()}" in report.lines["migrations"]
    assert "valid until" in report.lines["tls"] and "(364 days)" in report.lines["tls"]
    assert f"127.0.0.1:{smtp.port} answers" in report.lines["email"]
    assert "accepts connections" in report.lines["sms"]
    assert "n/a" in report.lines["clock"]
    assert "free at" in report.lines["disk"]
    assert "newest backup taken 0 hours ago" in report.lines["backup"]
    assert "email ready" in report.lines["notifiers"] and "sms ready" in report.lines["notifiers"]
    assert smtp.messages == []  # a connection only: nothing is sent


def test_unreachable_smtp_and_sms_gateway_fail_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SPOKE_HUB_SMS_SECRET", SMS_SECRET)
    url = sqlite_url(tmp_path / "hub")
    prepare_database(url)[0].dispose()
    smtp_port, sms_port = free_port(), free_port()  # nobody listens on either
    _notifiers(url, smtp_port, f"http://127.0.0.1:{sms_port}/sms")
    report = doctor(capsys, url)
    assert report.status == 2
    assert report.checks["email"]["status"] == FAIL
    assert (f"the SMTP relay 127.0.0.1:{smtp_port} cannot be reached (connection refused)"
            in report.lines["email"])
    assert report.checks["sms"]["status"] == FAIL
    assert f"http://127.0.0.1:{sms_port} cannot be reached" in report.lines["sms"]
    assert report.checks["backup"]["status"] == WARN  # and no backup yet
    assert "no backup taken" in report.lines["backup"]


def test_an_smtp_relay_without_starttls_fails_when_the_hub_uses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = sqlite_url(tmp_path / "hub")
    prepare_database(url)[0].dispose()
    with SmtpSink() as smtp:
        assert spoke_hub(["safety", "notifier", "email", "--host", "127.0.0.1", "--port",
                          str(smtp.port), "--sender", "spoke@example.org",
                          "--database", url]) == 0
        report = doctor(capsys, url)
    assert report.checks["email"]["status"] == FAIL
    assert "offers no STARTTLS" in report.lines["email"]


def test_certificates_expired_soon_due_fresh_and_not_matching(
    well_hub: tuple[str, SmtpSink], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url, _smtp = well_hub
    expired = _certificate(tmp_path / "tls", days_left=-3, name="expired")
    soon = _certificate(tmp_path / "tls", days_left=10.5, name="soon")
    fresh = _certificate(tmp_path / "tls", days_left=90, name="fresh")

    def tls(cert: Path, key: Path) -> tuple[int, str, str]:
        report = doctor(capsys, url, "--host", "0.0.0.0", "--tls-cert", str(cert),
                        "--tls-key", str(key))
        return report.status, report.checks["tls"]["status"], report.lines["tls"]

    status, word, line = tls(*expired)
    assert (status, word) == (2, FAIL) and "expired on" in line and "(3 days ago)" in line
    status, word, line = tls(*soon)
    assert (status, word) == (1, WARN) and "in 10 days: renew it" in line
    status, word, line = tls(*fresh)
    assert (status, word) == (0, OK) and "(89 days)" in line
    status, word, line = tls(fresh[0], soon[1])
    assert (status, word) == (2, FAIL) and "does not belong to the key" in line
    plain = doctor(capsys, url, "--host", "0.0.0.0")
    assert plain.status == 2 and "serve refuses plain HTTP on 0.0.0.0" in plain.lines["tls"]


def test_a_stale_backup_warns_then_fails(
    well_hub: tuple[str, SmtpSink], capsys: pytest.CaptureFixture[str],
) -> None:
    url, _smtp = well_hub

    def backup_taken(ago: timedelta) -> tuple[int, str, str]:
        engine = make_engine(url)
        try:
            with Session(engine) as s, s.begin():
                set_meta(s, META_LAST_BACKUP, iso(datetime.now(UTC) - ago))
        finally:
            engine.dispose()
        report = doctor(capsys, url)
        return report.status, report.checks["backup"]["status"], report.lines["backup"]

    status, word, line = backup_taken(timedelta(days=3, hours=1))
    assert (status, word) == (1, WARN) and "taken 3 days ago" in line
    status, word, line = backup_taken(timedelta(days=8, hours=1))
    assert (status, word) == (2, FAIL) and "taken 8 days ago" in line and "take one now" in line


def test_a_visit_the_watch_could_not_evaluate_warns_for_a_day(
    well_hub: tuple[str, SmtpSink], capsys: pytest.CaptureFixture[str],
) -> None:
    """The escalation watch sets aside a visit whose deadlines it cannot work out (one stored
    before record dates were bounded) and alerts the others: the administrator hears of it
    here, by the visit's id, until a day has passed without another."""
    url, _smtp = well_hub
    engine = make_engine(url)
    now = datetime.now(UTC)
    try:
        broken = arm_unchecked_visit(engine, "u-worker", "north", now)
        Watcher(engine, lambda: now).escalate()
    finally:
        engine.dispose()

    report = doctor(capsys, url)
    assert (report.status, report.checks["watch"]["status"]) == (1, WARN)
    assert f"could not evaluate visit {broken.id} (OverflowError) 0 hours ago" in (
        report.lines["watch"])
    assert "spoke-hub audit --action lw_watch_error" in report.lines["watch"]

    engine = make_engine(url)
    try:
        with Session(engine) as s, s.begin():
            row = json.loads(s.get(HubMeta, WATCH_ERROR_KEY).value)  # type: ignore[union-attr]
            set_meta(s, WATCH_ERROR_KEY, json.dumps(
                {**row, "at": iso(now - timedelta(days=1, minutes=1))}))
    finally:
        engine.dispose()
    assert doctor(capsys, url).checks["watch"]["status"] == OK


def test_the_watch_line_is_ok_again_once_no_visit_set_aside_is_left(
    well_hub: tuple[str, SmtpSink], capsys: pytest.CaptureFixture[str],
) -> None:
    """Two visits are set aside; ending one with ``spoke-hub safety visit end`` leaves the
    warning, naming the other; ending that one too makes the line OK at once (it used to
    warn for a day after the last one, ended or not)."""
    url, _smtp = well_hub
    engine = make_engine(url)
    now = datetime.now(UTC)
    try:
        first = arm_unchecked_visit(engine, "u-worker", "north", now - timedelta(minutes=1))
        second = arm_unchecked_visit(engine, "u-other", "north", now)
        Watcher(engine, lambda: now).escalate()
        with Session(engine) as s:
            administrator = s.scalars(select(User.id).where(User.role == "admin")).one()
    finally:
        engine.dispose()
    named = doctor(capsys, url).lines["watch"]
    last, other = (first, second) if first.id in named else (second, first)
    assert f"could not evaluate visit {last.id}" in named
    assert "spoke-hub safety visit end VISIT_ID" in named

    assert spoke_hub(["safety", "visit", "end", last.id, "--by", administrator, "--reason",
                      "not-a-visit", "--database", url]) == 0
    report = doctor(capsys, url)
    assert report.checks["watch"]["status"] == WARN
    assert f"could not evaluate visit {other.id} (OverflowError)" in report.lines["watch"]

    assert spoke_hub(["safety", "visit", "end", other.id, "--by", administrator, "--reason",
                      "over", "--database", url]) == 0
    assert doctor(capsys, url).checks["watch"]["status"] == OK


def test_a_missing_key_file_fails_the_database_and_the_rest_is_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = sqlite_url(tmp_path / "hub")
    prepare_database(url)[0].dispose()
    (tmp_path / "hub" / "hub.key").unlink()
    report = doctor(capsys, url)
    assert report.status == 2
    assert report.checks["database"]["status"] == FAIL and "No key file" in report.lines["database"]
    assert report.checks["backup"]["reason"] == "not checked: the database did not answer"
    # Not "run spoke-hub init": that would make a new hub, and no new key opens this one.
    line = report.lines["database"]
    assert "hub.db is here but its key file hub.key is not" in line
    assert "Put back the key file this hub was made with" in line
    assert "Run `spoke-hub init`" not in line
    assert not (tmp_path / "hub" / "hub.key").exists()
    missing = doctor(capsys, sqlite_url(tmp_path / "nowhere"))
    assert missing.status == 2 and "no database file at" in missing.lines["database"]
    assert not (tmp_path / "nowhere").exists()  # the doctor makes nothing


def test_key_files_open_to_every_user_warn_with_the_chmod_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """hub.key put back with a plain ``cp`` after a restore (mode 0644 under a usual umask),
    or a TLS key left readable: anyone on the machine could read the database or pose as
    the hub. The doctor says which file and what to run."""
    url = sqlite_url(tmp_path / "hub")
    prepare_database(url)[0].dispose()
    own_key = tmp_path / "hub" / "hub.key"
    cert, tls_key = _certificate(tmp_path / "tls", days_left=365)
    own_key.chmod(0o644)
    tls_key.chmod(0o644)
    report = doctor(capsys, url, "--tls-cert", str(cert), "--tls-key", str(tls_key))
    assert report.status >= 1
    assert report.checks["database"]["status"] == WARN
    assert f"{own_key} is open to every user" in report.lines["database"]
    assert "spoke-hub rekey" in report.lines["database"]
    assert f"chmod 600 {own_key}" in report.lines["database"]
    assert report.checks["tls"]["status"] == WARN
    assert f"its key {tls_key} is open to every user" in report.lines["tls"]
    own_key.chmod(0o600)
    tls_key.chmod(0o640)  # a group the hub runs in: the docs allow it
    again = doctor(capsys, url, "--tls-cert", str(cert), "--tls-key", str(tls_key))
    assert again.checks["database"]["status"] == OK and again.checks["tls"]["status"] == OK


# --------------------------------------------------------------------------- PostgreSQL
def test_on_postgres_a_database_behind_head_fails_and_the_clocks_agree(
    postgres: PostgresServer, capsys: pytest.CaptureFixture[str],
) -> None:
    url = postgres.new_database()
    engine = make_engine(url)
    previous = schema.revisions()[-2]
    schema.migrate(engine, previous)
    admin.init_hub(engine, "Test Charity", "Test Admin")
    engine.dispose()
    report = doctor(capsys, url)
    assert report.status == 2
    assert report.checks["database"]["status"] == OK and "PostgreSQL" in report.lines["database"]
    assert report.checks["migrations"]["status"] == FAIL
    assert (f"schema at {previous}, this hub needs {schema.head_revision()}"
            in report.lines["migrations"]) and "spoke-hub migrate" in report.lines["migrations"]
    assert report.checks["clock"]["status"] == OK and "PostgreSQL's clock is" in (
        report.lines["clock"])
    assert spoke_hub(["migrate", "--database", url]) == 0
    capsys.readouterr()
    assert doctor(capsys, url).checks["migrations"]["status"] == OK


def test_clock_skew_against_postgres_warns_then_fails(postgres: PostgresServer) -> None:
    url = postgres.new_database()
    prepare_database(url)[0].dispose()
    settings = HubSettings(database_url=url)

    def clock_check(ahead: timedelta) -> tuple[str, str]:
        check = {c.name: c for c in Doctor(settings, clock=lambda: datetime.now(UTC) + ahead)
                 .run()}["clock"]
        return check.status, check.reason

    status, reason = clock_check(timedelta(seconds=20))  # this machine runs 20 s fast
    found = re.search(r"PostgreSQL's clock is ([0-9.]+) s behind this machine's", reason)
    assert status == WARN and found is not None and 19 < float(found.group(1)) < 21
    status, reason = clock_check(timedelta(minutes=-5))
    assert status == FAIL and "ahead of this machine's" in reason and "NTP" in reason


def test_an_unreachable_postgres_fails_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql+psycopg://spoke@127.0.0.1:{free_port()}/spoke"
    report = doctor(capsys, url)
    assert report.status == 2
    assert "cannot connect to" in report.lines["database"]
    assert "Connection refused" in report.lines["database"]


def test_a_newer_schema_is_named_by_the_doctor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = sqlite_url(tmp_path / "hub")
    engine, _init = prepare_database(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    report = doctor(capsys, url)
    assert report.checks["database"]["status"] == OK
    assert report.checks["migrations"]["status"] == FAIL
    assert "schema revision 0099" in report.lines["migrations"]
    assert "Install that newer version of Spoke Hub" in report.lines["migrations"]


def test_low_disk_space_warns_and_names_the_folder(
    well_hub: tuple[str, SmtpSink], tmp_path: Path,
) -> None:
    url, _smtp = well_hub
    backups = tmp_path / "backups"
    generous = Limits(disk_warn_bytes=2**62)  # more than any disk: every folder is "low"
    check = {c.name: c for c in Doctor(HubSettings(database_url=url), limits=generous,
                                       backup_dir=backups).run()}["disk"]
    assert check.status == WARN and f"free at {embedded_path(url).parent}" in check.reason
    assert "keep at least" in check.reason
    strict = Limits(disk_fail_bytes=2**62, disk_warn_bytes=2**62)
    check = {c.name: c for c in Doctor(HubSettings(database_url=url), limits=strict).run()}[
        "disk"]
    assert check.status == FAIL



def test_a_key_file_the_hub_cannot_read_is_the_doctors_failure_not_its_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """hub.key left root's (init, rekey or restore run as root): the doctor itself stopped
    with "spoke-hub stopped unexpectedly ... PermissionError"; now its database line fails,
    naming the key file and what to run, and the rest is reported as usual."""
    url = sqlite_url(tmp_path / "hub")
    prepare_database(url)[0].dispose()
    key = tmp_path / "hub" / "hub.key"
    make_unreadable(key)
    result = run_as_the_hub("doctor", "--database", url, "--timeout", "2")
    assert result.returncode == 2 and "stopped unexpectedly" not in result.stderr
    lines = {line[6:].split("  ", 1)[0].strip(): line for line in result.stdout.splitlines()}
    assert lines["database"].startswith("FAIL ")
    assert f"The key file {key} cannot be read by this user" in lines["database"]
    assert "give it to the hub's user (chown)" in lines["database"]
    assert lines["backup"].startswith("WARN ") and "not checked" in lines["backup"]
    # Another reason a file cannot be read (here: a folder in the key file's place) is said
    # as the system says it, in the same line.
    key.unlink()
    key.mkdir()
    report = doctor(capsys, url)
    assert report.status == 2 and report.checks["database"]["status"] == FAIL
    assert f"The key file {key} cannot be read (Is a directory)" in report.lines["database"]
