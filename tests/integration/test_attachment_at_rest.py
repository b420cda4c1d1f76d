"""Attached documents never reach the disk in the clear (issue 20, docs/attachments.md): not in
the casebook file, its WAL or anything else under the profile folder, while open or after
closing; and once their case is purged and the casebook rebuilt, not even someone holding the
key finds a byte run of them (tests/helpers/sqlcipher_scan.py reads every page and WAL frame).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.crypto.keyfile import KeyFile
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook
from spokeapp.store.sync_state import Acknowledged, HubAccount, PulledRecord, SyncStore
from spokeapp.sync.protocol import GENESIS_HEAD
from tests.helpers.attachments import consent_form_text, fictional_png, windows
from tests.helpers.records import PASSPHRASE, new_casebook, seeded_case
from tests.helpers.sqlcipher_scan import plaintext

SQLITE_HEADER = b"SQLite format 3\x00"
DAY = date(2026, 3, 6)


def _found_on_disk(root: Path, needles: list[bytes]) -> dict[str, int]:
    """Files under ``root`` holding any of ``needles`` as they are on disk (name -> count);
    and a stray temporary file or unencrypted database counts too."""
    found: dict[str, int] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = sum(needle in data for needle in needles)
        hits += data.startswith(SQLITE_HEADER)
        hits += path.name.endswith((".tmp", "-journal")) or "etilqs" in path.name
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


def _data_key(profile: Path) -> bytes:
    return KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE)


def _enrol(book: Casebook) -> SyncStore:
    store = SyncStore(book)
    store.save_enrolment(HubAccount(
        hub_url="http://127.0.0.1:8470", cert_fingerprint=None, hub_id="hub", hub_epoch="e1",
        device_id="dev-1", device_name="Test laptop", user_id="u-1", user_name="Test Worker",
        role="worker", team=None, refresh_token="r" * 32,
        device_key=DeviceKey.generate().private_bytes(), chain_head=GENESIS_HEAD,
        enrolled_at="2026-03-02T09:00:00+00:00",
    ))
    return store


def test_attached_files_are_never_on_disk_in_the_clear_and_leave_nothing_once_purged(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "profile"
    form, picture = consent_form_text(), fictional_png()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "consent.txt").write_bytes(form)
    needles = windows(form) + windows(picture)
    book, _ = new_casebook(profile, author="u-1")
    _enrol(book)
    _yp, _ref, cs = seeded_case(book)
    book.attach(outside / "consent.txt", case_id=cs.id, title="Consent form",
                document_date=DAY)
    book.attach(picture, case_id=cs.id, title="Drawing", document_date=DAY,
                file_name="drawing.png")

    assert _found_on_disk(profile, needles) == {}  # open: file, WAL, shared memory
    # The scan can see them once decrypted, so its silence above means something. (A run of
    # bytes can straddle two overflow pages, so not every window is whole in one page.)
    inside = plaintext(profile / DB_NAME, _data_key(profile))
    assert sum(needle in inside for needle in needles) > 0.9 * len(needles)

    book.close()
    assert _found_on_disk(profile, needles) == {}  # closed: the WAL went into the file

    with Casebook.open(profile, PASSPHRASE, author="u-1") as reopened:
        store = SyncStore(reopened)
        acks = [Acknowledged(change_id=c.id, wire=json.dumps({"id": c.id}), head=f"h{c.seq}",
                             hub_seq=c.seq, record_id=c.record_id,
                             header=c.kind in ("young_person", "referral", "case"),
                             payload=c.payload, covers=(c.seq,))
                for c in store.pending_changes()]
        store.apply_acknowledgement(acks, acks[-1].head)
        cursor = store.account().cursor  # type: ignore[union-attr]
        store.apply_page(cursor, cursor + 1, [
            PulledRecord(cursor + 1, cs.id, "case", "purge", cs.id, None, None)],
            confirmed_after=cursor)  # the whole (small) casebook goes
        assert store.scrub_if_pending()  # the engine's rebuild after a purge
        assert reopened.attachments(cs.id) == []
        assert _found_on_disk(profile, needles) == {}
        gone = plaintext(profile / DB_NAME, _data_key(profile))
        assert [n for n in needles if n in gone] == []  # not even with the key
    assert _found_on_disk(profile, needles) == {}

