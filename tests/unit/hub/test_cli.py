"""``spoke-hub``'s words to an administrator: enrolling a laptop over https, and the mistakes
that are refused with a sentence (not a traceback) and change nothing: a wrong TLS file, a
port in use, a database that cannot be reached."""

from __future__ import annotations

import argparse
import socket
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.hub import cli
from spokeapp.hub.cli import main
from spokeapp.hub.db import create_key_file, embedded_path, make_engine
from spokeapp.hub.models import EnrolmentCode
from tests.helpers.hub import HUB_BIN, ROOT, sqlite_url
from tests.helpers.postgres import free_port
from tests.helpers.tls import self_signed


def _hub_with_worker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    url = sqlite_url(tmp_path)
    assert main(["init", "--database", url, "--organisation", "T", "--admin", "Test Admin"]) == 0
    assert main(["user", "add", "Test Worker", "--role", "worker", "--team", "north",
                 "--database", url]) == 0
    return url, capsys.readouterr().out.strip().splitlines()[-1]


def test_enrol_over_https_without_a_certificate_says_how_to_get_the_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, worker = _hub_with_worker(tmp_path, capsys)
    assert main(["enrol", worker, "--database", url,
                 "--hub-url", "https://hub.test.invalid:8470"]) == 0
    out = capsys.readouterr().out
    assert "Enrolment code:" in out
    assert "TLS certificate SHA-256: not shown" in out
    assert "--tls-cert FILE" in out
    assert "loopback" not in out  # an https hub is not a loopback-only hub


def test_serve_refuses_the_databases_own_key_as_its_tls_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _worker = _hub_with_worker(tmp_path, capsys)
    own_key = Path(url.split(":///", 1)[1]).with_suffix(".key")
    assert own_key.exists()
    cert = tmp_path / "hub-tls.crt"
    cert.write_text("not read: refused before")
    assert main(["serve", "--host", "127.0.0.1", "--port", "0", "--database", url,
                 "--tls-cert", str(cert), "--tls-key", str(own_key)]) == 1
    assert "the hub database's own key file" in capsys.readouterr().err


def _tls_pair(folder: Path) -> tuple[Path, Path]:
    cert, key, _der = self_signed(folder, cert_file="hub-tls.crt", key_file="hub-tls.key")
    return cert, key


def _codes(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return int(session.scalar(select(func.count()).select_from(EnrolmentCode)) or 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize("wrong", ["the key", "a missing file"])
def test_enrol_with_a_wrong_certificate_file_is_refused_before_a_code_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wrong: str
) -> None:
    url, worker = _hub_with_worker(tmp_path, capsys)
    _cert, key = _tls_pair(tmp_path)
    given = key if wrong == "the key" else tmp_path / "no-such.crt"
    assert main(["enrol", worker, "--database", url, "--hub-url",
                 "https://hub.test.invalid:8470", "--tls-cert", str(given)]) == 1
    captured = capsys.readouterr()
    assert "Enrolment code" not in captured.out  # no code the worker could not use
    assert str(given) in captured.err and "No enrolment code was made" in captured.err
    assert _codes(url) == 0


def test_serve_refuses_tls_files_that_do_not_go_together_before_it_says_it_listens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _worker = _hub_with_worker(tmp_path, capsys)
    cert, key = _tls_pair(tmp_path)
    for given_cert, given_key, said in [(key, cert, "cannot be used together"),
                                        (cert, tmp_path / "nope.key", "no such file")]:
        assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--database", url,
                     "--tls-cert", str(given_cert), "--tls-key", str(given_key)]) == 1
        captured = capsys.readouterr()
        assert said in captured.err and "Hub listening" not in captured.out
    assert not (tmp_path / "hub.mark").exists()  # the hub never started


def test_serve_on_a_port_in_use_says_so_and_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _worker = _hub_with_worker(tmp_path, capsys)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--database", url]) == 1
    captured = capsys.readouterr()
    assert f"Cannot listen on 127.0.0.1 port {port}: something is already listening" in (
        captured.err)
    assert "Hub listening" not in captured.out
    assert not (tmp_path / "hub.mark").exists()  # nothing written before the refusal


def test_database_given_with_its_password_apart_and_unreachable_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/hub-admin.md: the password given apart goes into a URL given with --database too.
    The server is not there: one line naming it (password hidden), no traceback."""
    monkeypatch.setenv("SPOKE_HUB_DATABASE_PASSWORD", "fictional-db-password")
    for name in ("SPOKE_HUB_DATABASE_URL", "SPOKE_HUB_CONFIG", "SPOKE_HUB_DATABASE_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://spoke@127.0.0.1:{port}/spoke"
    result = subprocess.run([str(HUB_BIN), "user", "list", "--database", url],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 1  # ":***@": the password went into the URL, and is hidden
    assert result.stderr.startswith(
        f"spoke-hub: The hub database postgresql+psycopg://spoke:***@127.0.0.1:{port}/spoke "
        "cannot be used (OperationalError: connection failed")
    assert "spoke-hub doctor" in result.stderr
    assert "Traceback" not in result.stderr and "fictional-db-password" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_command_on_a_database_with_no_hub_in_it_is_one_line_pointing_to_doctor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database that is there but holds no hub (never initialised, or the wrong one):
    the driver's one line and where to look, not a traceback."""
    url = sqlite_url(tmp_path)
    create_key_file(embedded_path(url))
    assert main(["user", "list", "--database", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"spoke-hub: The hub database {url} cannot be used "
                          "(OperationalError: no such table")
    assert "spoke-hub doctor" in err and len(err.strip().splitlines()) == 1


def test_enrol_without_an_address_for_a_hub_on_every_address_asks_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """hub.toml's ``host = "0.0.0.0"`` is where serve listens, not an address a laptop can
    use ("https://0.0.0.0:8470" reaches the laptop itself): enrol asks for --hub-url."""
    url, worker = _hub_with_worker(tmp_path, capsys)
    monkeypatch.setenv("SPOKE_HUB_HOST", "0.0.0.0")
    assert main(["enrol", worker, "--database", url]) == 1
    captured = capsys.readouterr()
    assert "--hub-url https://hub.example.org:8470" in captured.err
    assert "No enrolment code was made" in captured.err and "Enrolment code" not in captured.out
    assert _codes(url) == 0
    assert main(["enrol", worker, "--database", url, "--hub-url",
                 "https://hub.test.invalid:8470"]) == 0
    assert "Hub URL: https://hub.test.invalid:8470" in capsys.readouterr().out


def _parser_running(run: object) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.set_defaults(run=run, config=None)
    return parser


def test_a_fault_in_spoke_hub_is_reported_without_any_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug in a command (not a refusal) used to print Python's traceback with every
    message in the chain, and a driver's message may quote a row of the hub's records: the
    administrator gets the type and the code locations, for a bug report, and status 2."""
    def faulty(_args: argparse.Namespace) -> int:
        raise ValueError("Test Person Alpha, 1 Demo Road") from KeyError("Test Person Beta")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_running(faulty))
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "spoke-hub stopped unexpectedly" in err
    assert "builtins.ValueError" in err and "in faulty" in err
    assert "Test Person" not in err and "Demo Road" not in err


def test_a_reader_that_has_gone_ends_the_command_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``spoke-hub doctor | head``: the pipe closes before everything is written."""
    def piped(_args: argparse.Namespace) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_running(piped))
    assert cli.main([]) == 1
    assert capsys.readouterr().err == ""


def test_a_serving_process_collects_rarely_and_hands_the_gil_over_quickly() -> None:
    import gc
    import sys

    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    try:
        gc.set_threshold(700, 10, 10)
        sys.setswitchinterval(0.005)
        tuning = cli.ServingTuning()
        tuning.apply()
        assert gc.get_threshold() == tuning.threshold
        assert gc.get_freeze_count() > 0  # start-up objects are left out of collections
        assert sys.getswitchinterval() == pytest.approx(tuning.switch_interval, rel=0.05)
        assert tuning.switch_interval < 0.005
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(interval)
