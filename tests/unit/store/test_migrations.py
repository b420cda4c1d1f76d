"""Upgrading the stored version-1 casebook (tests/data/casebook-v1) with today's code."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from spokeapp.crypto.keyfile import KeyFile
from spokeapp.domain.records import Session
from spokeapp.store import database
from spokeapp.store.casebook import Casebook
from spokeapp.store.database import connect, schema_version
from spokeapp.store.migrations import LATEST_VERSION, MIGRATIONS
from tests.helpers.records import (
    PASSPHRASE,
    V1_FIXTURE,
    V1_PASSPHRASE,
    copy_v1_fixture,
    later,
    new_casebook,
    seeded_case,
    session,
    snapshot,
)

# Ids written by scripts/make_v1_casebook.py.
V1_CASE = "019c0000-0000-7000-8000-000000000003"
V1_RECORDS = {
    "019c0000-0000-7000-8000-000000000001": ("young_person", "header"),
    "019c0000-0000-7000-8000-000000000002": ("referral", "header"),
    V1_CASE: ("case", "header"),
    "019c0000-0000-7000-8000-000000000004": ("session", "final"),
    "019c0000-0000-7000-8000-000000000005": ("session", "final"),
    "019c0000-0000-7000-8000-000000000006": ("session", "draft"),
    "019c0000-0000-7000-8000-000000000007": ("amendment", "final"),
}
SQLITE_HEADER = b"SQLite format 3\x00"


@pytest.fixture
def v1_profile(tmp_path: Path) -> Path:
    return copy_v1_fixture(tmp_path / "profile")


def _data_key(profile: Path) -> bytes:
    return KeyFile.read(profile / "casebook.key").unlock(V1_PASSPHRASE)


def test_stored_fixture_really_is_schema_version_1(v1_profile: Path) -> None:
    conn = connect(v1_profile / "casebook.db", _data_key(v1_profile))
    try:
        assert schema_version(conn) == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "notes_fts" not in tables
        columns = {r[1] for r in conn.execute("PRAGMA table_info(changes)")}
        assert "local_only" not in columns
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(V1_RECORDS)
    finally:
        conn.close()
    assert LATEST_VERSION > 1, "this test only means something once there is a version 2"


def test_v1_casebook_opens_upgraded_with_every_record(v1_profile: Path) -> None:
    with Casebook.open(v1_profile, V1_PASSPHRASE, author="upgraded-worker") as book:
        assert book.integrity_ok()
        conn = connect(v1_profile / "casebook.db", _data_key(v1_profile))
        try:
            assert schema_version(conn) == LATEST_VERSION
        finally:
            conn.close()
        got = {s.record.id: (s.record.KIND, s.state) for s in book.records()}
        assert got == V1_RECORDS
        assert book.device_id == "019c0000-0000-7000-8000-0000000000d1"
        first = book.get("019c0000-0000-7000-8000-000000000004").record
        assert isinstance(first, Session)
        assert first.young_persons_words == '"I like it when we walk by the canal."'
        (row,) = book.caseload()
        assert (row.reference, row.name, row.risk_level) == (
            "YP-TEST-01",
            "Test Person Alpha",
            "medium",
        )
        # Last contact is the latest *final* session (15 Sep), not the later draft (22 Sep).
        assert row.last_contact == datetime(2025, 9, 15, 16, 0, tzinfo=UTC)

        # The v1 change log is kept and counts as already shareable (not local-only) ...
        old_changes = book.changes(include_local_only=True, unsent_only=False)
        assert len(old_changes) == len(V1_RECORDS)
        # ... and the upgraded casebook takes new writes, drafts marked local-only.
        draft = session(V1_CASE, discussed="First note written after the upgrade.")
        book.save(draft)
        assert book.changes(include_local_only=True)[-1].local_only is True
        assert book.audit_trail()[-1].action == "record.draft"


def test_search_finds_words_from_records_written_before_the_upgrade(v1_profile: Path) -> None:
    with Casebook.open(v1_profile, V1_PASSPHRASE) as book:
        assert {h.record_id for h in book.search_notes("marmalade")} == {
            "019c0000-0000-7000-8000-000000000004"
        }
        assert {h.record_id for h in book.search_notes("canal")} == {
            "019c0000-0000-7000-8000-000000000004"
        }
        assert {h.record_id for h in book.search_notes("sixth form")} == {
            "019c0000-0000-7000-8000-000000000007"
        }
        assert {h.record_id for h in book.search_notes("skatepa")} == {
            "019c0000-0000-7000-8000-000000000006"
        }
        assert {h.record_id for h in book.search_notes("Test Person Alpha")} == {
            "019c0000-0000-7000-8000-000000000001"
        }


def test_upgrade_leaves_an_encrypted_backup_of_the_v1_casebook(v1_profile: Path) -> None:
    with Casebook.open(v1_profile, V1_PASSPHRASE) as book:
        backup = book.migrated_backup
    assert backup is not None
    backups = sorted((v1_profile / "backups").iterdir())
    assert backups == [backup]
    assert backup.name.startswith("casebook-v1-") and backup.suffix == ".db"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    raw = backup.read_bytes()
    assert not raw.startswith(SQLITE_HEADER)
    assert b"marmalade" not in raw and b"Test Person" not in raw

    conn = connect(backup, _data_key(v1_profile))
    try:
        assert schema_version(conn) == 1
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(V1_RECORDS)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "notes_fts" not in tables
    finally:
        conn.close()


def test_reopening_an_upgraded_casebook_makes_no_further_backup(v1_profile: Path) -> None:
    with Casebook.open(v1_profile, V1_PASSPHRASE):
        pass
    with Casebook.open(v1_profile, V1_PASSPHRASE) as book:
        assert book.migrated_backup is None
    assert len(list((v1_profile / "backups").iterdir())) == 1


def test_the_fixture_in_the_repository_is_never_modified(v1_profile: Path) -> None:
    before = snapshot(V1_FIXTURE)
    with Casebook.open(v1_profile, V1_PASSPHRASE):
        pass
    assert snapshot(V1_FIXTURE) == before
    assert sorted(before) == ["casebook.db", "casebook.key"]


def test_migration_versions_are_consecutive_from_one() -> None:
    assert [version for version, _steps in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))


def test_an_upgraded_casebook_can_give_freed_pages_back(v1_profile: Path) -> None:
    """Version 9 (issue 18): the upgrade rebuilds the file with ``auto_vacuum`` on, so pages a
    sync frees are returned to the file system; and the v1 change log keeps its payloads."""
    with Casebook.open(v1_profile, V1_PASSPHRASE, author="upgraded-worker") as book:
        before = book.changes(include_local_only=True, unsent_only=False)
        assert all(isinstance(c.payload, dict) and c.payload for c in before
                   if c.op in ("put", "finalise"))
    conn = connect(v1_profile / "casebook.db", _data_key(v1_profile))
    try:
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
    finally:
        conn.close()


def _reopened(profile: Path) -> Any:
    """A raw connection to the laptop's casebook at ``profile`` (test passphrase)."""
    return connect(profile / "casebook.db", KeyFile.read(profile / "casebook.key").unlock(
        PASSPHRASE))


def _casebook_at(version: int, profile: Path, monkeypatch: pytest.MonkeyPatch) -> Casebook:
    """A new casebook built by the migrations up to ``version`` only (as an older Spoke made
    it), open for writing with today's code."""
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS[:version])
    monkeypatch.setattr(database, "LATEST_VERSION", version)
    book, _ = new_casebook(profile)
    monkeypatch.undo()
    conn = _reopened(profile)
    try:
        assert schema_version(conn) == version
    finally:
        conn.close()
    return book


def test_a_version_9_casebook_upgrades_and_lists_the_same_drafts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 10 (issue 18): Today finds the drafts in an index of drafts alone; an older
    casebook gains it on opening and lists the same drafts, in the same order, as before."""
    profile = tmp_path / "laptop"
    book = _casebook_at(9, profile, monkeypatch)
    with book:
        _yp, _ref, case = seeded_case(book)
        first, second, kept = (session(case.id, occurred_at=later(n)) for n in (0, 60, 120))
        for note in (first, second, kept):
            book.save(note)  # drafts
        book.finalise(kept.id)
        before = [(s.record.id, s.state) for s in book.records(state="draft")]
        caseload = book.caseload()
    assert before == [(first.id, "draft"), (second.id, "draft")]

    with Casebook.open(profile, PASSPHRASE) as upgraded:
        assert [(s.record.id, s.state) for s in upgraded.records(state="draft")] == before
        assert upgraded.caseload() == caseload
        upgraded.finalise(first.id)  # a finalised record leaves the drafts
        assert [s.record.id for s in upgraded.records(state="draft")] == [second.id]
        plan = " ".join(str(row) for row in upgraded._db().execute(
            "EXPLAIN QUERY PLAN SELECT id FROM records WHERE state = ? "
            "ORDER BY created_at, rowid", ("draft",)))
        assert "records_drafts" in plan
    conn = _reopened(profile)
    try:
        assert schema_version(conn) == LATEST_VERSION >= 10
    finally:
        conn.close()


def test_a_version_10_casebook_upgrades_and_takes_attached_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 11 (issue 20): the tables for attached documents' bytes; an older casebook
    gains them on opening, keeps every record, and takes a document at once."""
    profile = tmp_path / "laptop"
    book = _casebook_at(10, profile, monkeypatch)
    with book:
        _yp, _ref, case = seeded_case(book)
        note = session(case.id)
        book.save(note, finalise=True)
        before = [(s.record.id, s.state) for s in book.records()]
        tables = {r[0] for r in book._db().execute("SELECT name FROM sqlite_master")}
    assert "attachment_blobs" not in tables

    with Casebook.open(profile, PASSPHRASE) as upgraded:
        assert upgraded.migrated_backup is not None  # an encrypted copy from before
        assert [(s.record.id, s.state) for s in upgraded.records()] == before
        document = upgraded.attach(b"Fictional consent form.", case_id=case.id,
                                   title="Consent form", document_date=date(2026, 3, 6))
        assert upgraded.attachment_bytes(document.sha256) == b"Fictional consent form."
        assert [row.attachment.id for row in upgraded.attachments(case.id)] == [document.id]
        assert upgraded.integrity_ok()
    conn = _reopened(profile)
    try:
        assert schema_version(conn) == LATEST_VERSION >= 11
        assert conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 1
    finally:
        conn.close()


def test_a_version_11_casebook_upgrades_and_finds_a_cases_records_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 12 (issue 18): the index of records by case and kind, which the index by
    case, kind, state and time covers, is dropped; an older casebook loses it on opening and
    still lists a case's records, and its caseload, the same, through the covering index."""
    profile = tmp_path / "laptop"
    book = _casebook_at(11, profile, monkeypatch)
    with book:
        _yp, _ref, case = seeded_case(book)
        for n in range(3):
            book.save(session(case.id, occurred_at=later(n * 60)), finalise=True)
        before = [(s.record.id, s.state) for s in book.records(case_id=case.id)]
        caseload = book.caseload()
        indexes = {r[0] for r in book._db().execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "records_by_case" in indexes

    with Casebook.open(profile, PASSPHRASE) as upgraded:
        assert [(s.record.id, s.state) for s in upgraded.records(case_id=case.id)] == before
        assert upgraded.caseload() == caseload
        db = upgraded._db()
        indexes = {r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "records_by_case" not in indexes
        for query in ("SELECT id FROM records WHERE case_id = ?",
                      "SELECT id FROM records WHERE case_id = ? AND kind = 'session'"):
            plan = " ".join(str(row) for row in db.execute(f"EXPLAIN QUERY PLAN {query}",
                                                           (case.id,)))
            assert "records_by_case_when" in plan, plan
    conn = _reopened(profile)
    try:
        assert schema_version(conn) == LATEST_VERSION >= 12
    finally:
        conn.close()
