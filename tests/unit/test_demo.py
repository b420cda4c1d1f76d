"""The demo casebook: obviously fictional, complete enough to look at, never over real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.demo import DEMO_PASSPHRASE, DemoProfileError, prepare_demo_profile
from spokeapp.domain.records import Closure, Outcome, YoungPerson
from spokeapp.store.casebook import Casebook


def test_demo_profile_holds_a_fictional_caseload_that_opens_with_the_shown_passphrase(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "demo"
    summary = prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS)
    assert "8 fictional young people" in summary
    with Casebook.open(profile, DEMO_PASSPHRASE) as book:
        rows = book.caseload()
        assert len(rows) == 8
        assert all(row.reference.startswith("DEMO-") for row in rows)
        people = [s.record for s in book.records("young_person")]
        assert all(isinstance(p, YoungPerson) and p.name.startswith("Demo ") for p in people)
        assert sum(1 for row in rows if row.status == "closed") == 1
        closures = [s.record for s in book.records("closure")]
        assert len(closures) == 1
        assert isinstance(closures[0], Closure)
        assert closures[0].outcome != Outcome.INCOMPLETE
        assert all(row.last_contact is not None for row in rows)
        assert book.search_notes("library")


def test_demo_refuses_a_folder_that_is_not_a_demo_and_leaves_it_untouched(tmp_path: Path) -> None:
    real = tmp_path / "real-profile"
    real.mkdir()
    (real / "casebook.key").write_bytes(b"someone's real key file")
    with pytest.raises(DemoProfileError, match="not a Spoke demo profile"):
        prepare_demo_profile(real, kdf=FAST_KDF_FOR_TESTS)
    assert (real / "casebook.key").read_bytes() == b"someone's real key file"
    assert sorted(p.name for p in real.iterdir()) == ["casebook.key"]


def test_running_the_demo_again_rebuilds_it_fresh(tmp_path: Path) -> None:
    profile = tmp_path / "demo"
    prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS)
    with Casebook.open(profile, DEMO_PASSPHRASE) as book:
        first_ids = {s.record.id for s in book.records("case")}
    prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS)
    with Casebook.open(profile, DEMO_PASSPHRASE) as book:
        second_ids = {s.record.id for s in book.records("case")}
    assert len(second_ids) == 8
    assert first_ids.isdisjoint(second_ids)
