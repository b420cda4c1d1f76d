"""Tokens and codes: what the hub accepts as proof of who is asking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spokeapp.hub.security import (
    digest,
    issue_access_token,
    new_enrolment_code,
    normalise_code,
    read_access_token,
)

SECRET = "ab" * 32
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_access_token_round_trip_and_expiry() -> None:
    token = issue_access_token(SECRET, "device-1", int(NOW.timestamp()) + 900)
    claims = read_access_token(SECRET, token, NOW)
    assert claims is not None and claims.device_id == "device-1"
    assert read_access_token(SECRET, token, NOW + timedelta(seconds=900)) is None


def test_forged_or_foreign_tokens_are_rejected() -> None:
    token = issue_access_token(SECRET, "device-1", int(NOW.timestamp()) + 900)
    body, tag = token.split(".")
    forged = issue_access_token("cd" * 32, "device-2", int(NOW.timestamp()) + 900)
    assert read_access_token(SECRET, forged, NOW) is None
    assert read_access_token(SECRET, f"{forged.split('.')[0]}.{tag}", NOW) is None
    for garbage in ("", "x", "a.b.c", f"{body}.", "!!!.???"):
        assert read_access_token(SECRET, garbage, NOW) is None


def test_enrolment_codes_are_random_and_forgiving_to_type() -> None:
    code = new_enrolment_code()
    assert len(code) == 19 and code.count("-") == 3
    assert new_enrolment_code() != code
    assert digest(normalise_code(code.lower().replace("-", " "))) == digest(normalise_code(code))
