"""The ``spoke`` command line."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spokeapp import diagnostics
from spokeapp.__main__ import main
from spokeapp.store.casebook import Casebook


@pytest.fixture(autouse=True)
def core_dumps_forbidden(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What ``main`` asked of the process: recorded, not done to the test runner (whose crash
    hooks and logging are put back after each test too)."""
    calls: list[str] = []
    monkeypatch.setattr(diagnostics, "forbid_core_dumps", lambda: calls.append("forbidden"))
    hooks = sys.excepthook, threading.excepthook, sys.unraisablehook
    try:
        yield calls
    finally:
        sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])


def test_spoke_forbids_core_dumps_before_any_casebook_is_opened(
    tmp_path: Path, core_dumps_forbidden: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash must never write decrypted records to disk (tests/unit/test_diagnostics.py)."""
    seen: list[list[str]] = []
    real_create = Casebook.create

    def create(*args: Any, **kwargs: Any) -> tuple[Casebook, str]:
        seen.append(list(core_dumps_forbidden))
        return real_create(*args, **kwargs)

    monkeypatch.setattr(Casebook, "create", create)
    assert main(["demo", "--profile", str(tmp_path / "demo"), "--seed-only", "--no-hub"]) == 0
    assert seen == [["forbidden"]]
    assert core_dumps_forbidden == ["forbidden"]


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
