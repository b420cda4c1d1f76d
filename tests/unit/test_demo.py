"""The demo casebook: obviously fictional, complete enough to look at, never over real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.demo import DEMO_PASSPHRASE, DemoProfileError, prepare_demo_profile
from spokeapp.domain.records import Closure, Consent, Outcome, YoungPerson
from spokeapp.present.consent import consent_words
from spokeapp.store.casebook import Casebook


def test_demo_profile_holds_a_fictional_caseload_that_opens_with_the_shown_passphrase(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "demo"
    result = prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS)
    assert "8 fictional young people" in result.summary
    assert result.hub is None
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
        [drawing] = [s.record for s in book.records("attachment")]
        [row] = book.attachments(drawing.case_id)
        assert row.has_bytes and row.attachment.title == "Drawing of the park (demo)"
        picture = book.attachment_bytes(drawing.sha256)
        assert picture[:8] == b"\x89PNG\r\n\x1a\n" and picture[16:24] == bytes.fromhex(
            "000001e000000140")  # 480 x 320: a picture the preview can show


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


def test_demo_with_its_own_hub_enrols_the_laptop_and_syncs_everything(tmp_path: Path) -> None:
    profile = tmp_path / "demo"
    result = prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS, with_hub=True)
    assert result.hub is not None
    try:
        assert result.hub.url.startswith("http://127.0.0.1:")
        with Casebook.open(profile, DEMO_PASSPHRASE) as book:
            from spokeapp.sync.engine import SyncEngine

            status = SyncEngine(book).status()
            assert status.enrolled and status.user_name == "Demo Worker"
            assert status.waiting == 0 and status.held == 0
            assert status.last_upload is not None and status.last_download is not None
            assert result.synced == book.count()
            # Everything was written as the hub's user, so the hub accepted every case.
            assert all(row.key_worker == book.author for row in book.caseload())
        assert (profile / "hub" / "hub.db").read_bytes()[:16] != b"SQLite format 3\x00"
        assert (profile / "hub" / "hub.key").stat().st_mode & 0o777 == 0o600
    finally:
        result.hub.stop()


def test_demo_shows_a_fictional_consent_to_share_on_a_case(tmp_path: Path) -> None:
    profile = tmp_path / "demo"
    prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS)
    with Casebook.open(profile, DEMO_PASSPHRASE) as book:
        (stored,) = book.records("consent")
        consent = stored.record
        assert isinstance(consent, Consent) and stored.state == "final"
        assert consent.given_by_name == "Demo Birch Example"
        words = consent_words([stored], consent.given_on)
        assert words.text.startswith("police, children's social care; not school, health.")
        assert not words.review_overdue
