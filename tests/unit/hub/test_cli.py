"""``spoke-hub``'s TLS words: what an administrator enrolling a laptop over https is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from spokeapp.hub.cli import main
from tests.helpers.hub import sqlite_url


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
