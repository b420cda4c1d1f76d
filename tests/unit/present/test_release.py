"""Settings' notice of a newer approved Spoke (spokeapp.present.release)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import spokeapp
from spokeapp.present.release import running_version, update_notice, version_line

ROOT = Path(__file__).resolve().parents[3]


def _answer(version: object, url: object = None) -> str:
    return json.dumps({"version": version, "url": url})


def test_the_running_version_is_the_projects() -> None:
    """What the notice compares against is the version the installers are built as."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert running_version() == spokeapp.__version__ == project["version"]
    assert version_line(running_version()) == f"This laptop has Spoke {project['version']}."
    assert "not known" in version_line(None)
    assert update_notice(_answer("99.0"), None) is None  # no version, no comparison


@pytest.mark.parametrize(("approved", "running", "notice"), [
    ("0.2.0", "0.1.0", True),
    ("0.10", "0.9.5", True),  # numbers, not text: 10 > 9
    ("1.0.0.1", "1.0", True),
    ("0.1.0", "0.1.0", False),  # the running version itself
    ("0.1", "0.1.0", False),
    ("0.0.9", "0.1.0", False),  # older
])
def test_a_notice_only_for_a_newer_release(approved: str, running: str, notice: bool) -> None:
    assert (update_notice(_answer(approved), running) is not None) is notice


@pytest.mark.parametrize("stored", [
    None, "", "not json", "[]", _answer(None), _answer(2), _answer("0.2.0-beta"),
    _answer("9.9.9; rm"), _answer("1"),
])
def test_nothing_approved_or_not_understood_gives_no_notice(stored: str | None) -> None:
    assert update_notice(stored, "0.1.0") is None


def test_the_address_is_shown_only_when_it_is_https() -> None:
    with_url = update_notice(_answer("0.2.0", "https://it.example.invalid/spoke"), "0.1.0")
    assert with_url is not None and with_url.endswith("https://it.example.invalid/spoke")
    for url in ("http://it.example.invalid/spoke", "javascript:alert(1)",
                "https://it.example.invalid/a b", 7):
        text = update_notice(_answer("0.2.0", url), "0.1.0")
        assert text is not None and "Ask your IT contact" in text and "://" not in text
