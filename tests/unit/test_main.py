"""The ``spoke`` command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from spokeapp.__main__ import main
from spokeapp.store.casebook import Casebook


def test_demo_seed_only_writes_the_demo_and_prints_its_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "demo"
    assert main(["demo", "--profile", str(profile), "--seed-only"]) == 0
    out = capsys.readouterr().out
    assert "Demo passphrase: demo passphrase - fictional data only" in out
    assert "records synced to it" in out
    assert "running" not in out  # the hub stops as the command ends
    assert "It has stopped again" in out
    assert Casebook.exists(profile)
    assert (profile / "casebook.key").stat().st_mode & 0o777 == 0o600
    assert (profile / "casebook.db").stat().st_mode & 0o777 == 0o600


def test_demo_into_a_real_profile_folder_is_refused_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "notes.txt").write_text("not a demo")
    assert main(["demo", "--profile", str(real), "--seed-only"]) == 2
    assert "left untouched" in capsys.readouterr().err
    assert (real / "notes.txt").read_text() == "not a demo"
