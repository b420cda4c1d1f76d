"""Factories for obviously fictional records and small casebook helpers shared by the tests.

Every person is a "Test Person <Greek letter>" with a ``YP-TEST-nn`` reference: nothing here
describes a real young person.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS, KeyFile
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Amendment,
    Case,
    ContactType,
    MeetAgain,
    RaisedTo,
    Referral,
    ReferralDecision,
    SafeguardingConcern,
    Session,
    SourceType,
    VenueType,
    YoungPerson,
)
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook
from spokeapp.store.database import Connection, connect

PASSPHRASE = "test passphrase for unit tests"
OTHER_PASSPHRASE = "another test passphrase entirely"

#: The stored version-1 casebook (see scripts/make_v1_casebook.py) and its test passphrase.
V1_FIXTURE = Path(__file__).resolve().parent.parent / "data" / "casebook-v1"
V1_PASSPHRASE = "test passphrase for v1 fixture"

_GREEK = [
    "Alpha",
    "Bravo",
    "Charlie",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliett",
    "Kilo",
    "Lima",
    "Mike",
    "November",
    "Oscar",
    "Papa",
]

SESSION_TIME = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)


def person_name(n: int) -> str:
    return f"Test Person {_GREEK[(n - 1) % len(_GREEK)]}"


def young_person(n: int = 1, **overrides: Any) -> YoungPerson:
    fields: dict[str, Any] = {
        "id": new_id(),
        "reference": f"YP-TEST-{n:02d}",
        "name": person_name(n),
        "date_of_birth": date(2011, 1 + n % 12, 10),
        "needs": "Fictional test record.",
    }
    fields.update(overrides)
    return YoungPerson(**fields)


def referral(yp: YoungPerson, **overrides: Any) -> Referral:
    fields: dict[str, Any] = {
        "id": new_id(),
        "young_person_id": yp.id,
        "received_on": date(2026, 1, 5),
        "source_agency": "Test County Council",
        "source_type": SourceType.CHILDRENS_SOCIAL_CARE,
        "reason": "Fictional test referral.",
        "decision": ReferralDecision.ACCEPTED,
        "decided_on": date(2026, 1, 9),
    }
    fields.update(overrides)
    return Referral(**fields)


def case(yp: YoungPerson, ref: Referral | None = None, **overrides: Any) -> Case:
    fields: dict[str, Any] = {
        "id": new_id(),
        "young_person_id": yp.id,
        "referral_id": None if ref is None else ref.id,
        "key_worker": "test-worker",
        "opened_on": date(2026, 1, 10),
    }
    fields.update(overrides)
    return Case(**fields)


def session(case_id: str, **overrides: Any) -> Session:
    fields: dict[str, Any] = {
        "id": new_id(),
        "case_id": case_id,
        "contact_type": ContactType.ONE_TO_ONE,
        "occurred_at": SESSION_TIME,
        "duration_minutes": 45,
        "venue_type": VenueType.CAFE,
        "discussed": "Talked about school and the bus home.",
        "young_persons_words": '"I like the library cafe."',
        "wants_to_meet_again": MeetAgain.YES,
    }
    fields.update(overrides)
    return Session(**fields)


def concern(case_id: str, **overrides: Any) -> SafeguardingConcern:
    fields: dict[str, Any] = {
        "id": new_id(),
        "case_id": case_id,
        "raised_on": date(2026, 2, 1),
        "raised_to": RaisedTo.CHILDRENS_SOCIAL_CARE,
        "summary": "Fictional concern shared with the test MASH team.",
        "their_reference": "TEST-MASH-0001",
    }
    fields.update(overrides)
    return SafeguardingConcern(**fields)


def amendment(original: Session, **overrides: Any) -> Amendment:
    fields: dict[str, Any] = {
        "id": new_id(),
        "case_id": original.case_id,
        "amends_id": original.id,
        "amends_kind": original.KIND,
        "reason": "Wrote the wrong venue.",
        "text": "The session was at the library, not the cafe.",
    }
    fields.update(overrides)
    return Amendment(**fields)


def later(minutes: int) -> datetime:
    return SESSION_TIME + timedelta(minutes=minutes)


class StepClock:
    """A clock that moves on one second per call, so every write has a distinct, known time."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start
        self.calls: list[datetime] = []

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        self.calls.append(self.now)
        return self.now


def new_casebook(profile: Path, **kwargs: Any) -> tuple[Casebook, str]:
    """A fresh casebook with the cheap test KDF; returns it and the recovery key text."""
    kwargs.setdefault("kdf", FAST_KDF_FOR_TESTS)
    kwargs.setdefault("author", "test-worker")
    return Casebook.create(profile, PASSPHRASE, **kwargs)


def seeded_case(book: Casebook, n: int = 1) -> tuple[YoungPerson, Referral, Case]:
    yp = young_person(n)
    ref = referral(yp)
    cs = case(yp, ref)
    for record in (yp, ref, cs):
        book.save(record)
    return yp, ref, cs


def raw_connection(profile: Path, passphrase: str = PASSPHRASE) -> Connection:
    """A second, direct SQLCipher connection, as an attacker with the key (or a bug) would use."""
    data_key = KeyFile.read(profile / KEY_NAME).unlock(passphrase)
    return connect(profile / DB_NAME, data_key)


def copy_v1_fixture(target: Path) -> Path:
    """Copy the stored version-1 casebook (never open it in place: opening migrates it)."""
    shutil.copytree(V1_FIXTURE, target)
    for path in target.iterdir():
        path.chmod(0o600)
    target.chmod(0o700)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes), to prove nothing was changed."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def all_files(folder: Path) -> Iterator[Path]:
    yield from (path for path in sorted(folder.rglob("*")) if path.is_file())
