"""Nothing a worker writes reaches the disk in the clear: not the database, WAL, shared memory,
migration backups, key file or any stray temporary file, whether the casebook is open or shut."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from spokeapp.crypto.keyfile import KeyFile
from spokeapp.store.casebook import Casebook
from spokeapp.store.database import connect
from tests.helpers.records import (
    PASSPHRASE,
    V1_PASSPHRASE,
    amendment,
    case,
    concern,
    copy_v1_fixture,
    later,
    new_casebook,
    referral,
    session,
    young_person,
)

MARKER = "ZEBRAQUOKKA"
SQLITE_HEADER = b"SQLite format 3\x00"


def _needles(texts: list[str]) -> list[bytes]:
    """Every text lower-cased (files are compared lower-cased too, so any capitalisation is
    caught, including the folded tokens of the full-text index) as UTF-8 and UTF-16."""
    return sorted(
        {
            text.lower().encode(encoding)
            for text in texts
            for encoding in ("utf-8", "utf-16-le", "utf-16-be")
        }
    )


def _assert_no_plaintext(root: Path, needles: list[bytes], expect: set[str]) -> list[str]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    names = [str(p.relative_to(root)) for p in files]
    assert expect <= set(names), f"expected files missing: {expect - set(names)}"
    for path in files:
        data = path.read_bytes()
        assert not data.startswith(SQLITE_HEADER), f"{path.name} is an unencrypted database"
        folded = data.lower()
        found = [needle for needle in needles if needle in folded]
        assert found == [], f"plaintext {found[:3]!r} found in {path.relative_to(root)}"
    stray = [n for n in names if n.endswith((".tmp", "-journal")) or "etilqs" in n]
    assert stray == [], f"stray temporary files: {stray}"
    return names


def _write_marked_records(book: Casebook, count: int) -> list[str]:
    """Write headers, final sessions, drafts (some edited, some discarded), concerns and
    amendments, each with the marker and a unique per-record string; return the strings."""
    uniques: list[str] = []
    for n in range(1, count + 1):
        tag = f"{MARKER}{n:03d}"
        u = [
            f"Name{tag}",
            f"Needs{tag}",
            f"Discussed{tag}",
            f"Words{tag}",
            f"Draft{tag}",
            f"Concern{tag}",
            f"Amend{tag}",
            f"Reason{tag}",
        ]
        uniques += u
        yp = young_person(n, name=f"Test Person {u[0]}", needs=f"{MARKER} needs {u[1]}")
        ref = referral(yp, reason=f"{MARKER} referral for {u[0]}")
        cs = case(yp, ref)
        for record in (yp, ref, cs):
            book.save(record)
        final = session(
            cs.id,
            occurred_at=later(n),
            discussed=f"{MARKER} talked {u[2]}",
            young_persons_words=f'"{MARKER} said {u[3]}"',
            concerns=MARKER,
        )
        book.save(final, finalise=True)
        draft = session(
            cs.id,
            occurred_at=later(n) + timedelta(days=1),
            discussed=f"{MARKER} first draft {u[4]}",
        )
        book.save(draft)
        book.save(
            session(
                cs.id,
                id=draft.id,
                occurred_at=draft.occurred_at,
                discussed=f"{MARKER} second draft {u[4]}",
            )
        )
        if n % 3 == 0:
            book.discard_draft(draft.id)
        elif n % 3 == 1:
            book.finalise(draft.id)
        book.save(concern(cs.id, summary=f"{MARKER} concern {u[5]}"), finalise=True)
        book.save(
            amendment(final, text=f"{MARKER} corrected {u[6]}", reason=f"{MARKER} because {u[7]}"),
            finalise=True,
        )
    book.set_setting("worker_name", f"{MARKER} worker name")
    return uniques


def _add_marked_v1_record(profile: Path) -> str:
    """Put a marked record into the copied version-1 casebook, in the v1 shape, so the
    migration backup has personal text to (not) leak."""
    data_key = KeyFile.read(profile / "casebook.key").unlock(V1_PASSPHRASE)
    conn = connect(profile / "casebook.db", data_key)
    try:
        yp = young_person(9, name=f"Test Person V1{MARKER}", needs=f"{MARKER} in version 1")
        conn.execute(
            "INSERT INTO records (id, kind, case_id, state, body, created_at, updated_at, "
            "author) VALUES (?, 'young_person', NULL, 'header', ?, '2025-10-01', "
            "'2025-10-01', 'v1')",
            (yp.id, json.dumps(yp.to_dict())),
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return f"V1{MARKER}"


def test_no_personal_text_on_disk_while_open_or_after_closing(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    uniques = _write_marked_records(book, 40)
    assert len(book.search_notes(MARKER.lower())) > 40  # the index really holds the marker

    v1_profile = copy_v1_fixture(tmp_path / "v1-profile")
    uniques.append(_add_marked_v1_record(v1_profile))
    upgraded = Casebook.open(v1_profile, V1_PASSPHRASE)
    assert upgraded.migrated_backup is not None
    upgraded.save(young_person(10, name=f"Test Person After{MARKER}"))
    uniques.append(f"After{MARKER}")

    needles = _needles([MARKER, *uniques, "Test Person"])
    wal = profile / "casebook.db-wal"
    assert wal.stat().st_size > 0, "the WAL must hold unflushed writes for this test to mean much"
    open_files = _assert_no_plaintext(
        tmp_path,
        needles,
        expect={
            "profile/casebook.db",
            "profile/casebook.db-wal",
            "profile/casebook.db-shm",
            "profile/casebook.key",
            "v1-profile/casebook.db-wal",
        },
    )
    assert any(name.startswith("v1-profile/backups/") for name in open_files)

    book.close()
    upgraded.close()
    closed_files = _assert_no_plaintext(
        tmp_path, needles, expect={"profile/casebook.db", "profile/casebook.key"}
    )
    assert not wal.exists()

    # And everything is still there, readable with the key.
    with Casebook.open(profile, PASSPHRASE) as reopened:
        assert len(reopened.search_notes(MARKER)) > 40
        assert reopened.setting("worker_name") == f"{MARKER} worker name"
    assert any(name.startswith("v1-profile/backups/") for name in closed_files)
