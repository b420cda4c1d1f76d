"""Attached documents in the casebook (issue 20, docs/attachments.md): attaching a file or
bytes (size checked before anything is written, one transaction, the same file stored once),
reading it back, the case's list, and what the sync engine asks (uploads only once the record
is on the hub, downloads chunk by chunk that survive a closed casebook, a corrupt download
dropped), and files removed with the last record naming them. Real SQLCipher casebooks."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path, PosixPath
from typing import Any

import pytest

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.domain.attachments import (
    ATTACHMENT_CHUNK_BYTES,
    DEFAULT_ATTACHMENT_LIMIT,
    MAX_ATTACHMENT_LIMIT,
    chunk_count,
)
from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Attachment
from spokeapp.store.attachments import (
    AttachmentChanged,
    AttachmentMissing,
    AttachmentStore,
    AttachmentTooLarge,
    BadChunk,
    EmptyAttachment,
)
from spokeapp.store.casebook import Casebook
from spokeapp.store.database import CasebookError
from spokeapp.store.sync_state import Acknowledged, HubAccount, PulledRecord, SyncStore
from spokeapp.sync.protocol import GENESIS_HEAD
from tests.helpers.attachments import consent_form_text, fictional_png
from tests.helpers.records import (
    PASSPHRASE,
    StepClock,
    concern,
    new_casebook,
    seeded_case,
    session,
)

USER = "u-attach"
DAY = date(2026, 3, 6)
FORM = consent_form_text()


def _account() -> HubAccount:
    return HubAccount(
        hub_url="http://127.0.0.1:8470", cert_fingerprint=None, hub_id="hub", hub_epoch="e1",
        device_id="dev-1", device_name="Test laptop", user_id=USER, user_name="Test Worker",
        role="worker", team=None, refresh_token="r" * 32,
        device_key=DeviceKey.generate().private_bytes(), chain_head=GENESIS_HEAD,
        enrolled_at="2026-03-02T09:00:00+00:00",
    )


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return tmp_path / "laptop"


@pytest.fixture
def book(profile: Path) -> Iterator[Casebook]:
    opened, _ = new_casebook(profile, author=USER, clock=StepClock())
    SyncStore(opened).save_enrolment(_account())
    yield opened
    opened.close()


def _rows(book: Casebook) -> dict[str, int]:
    """How many rows each table touched by attaching holds."""
    with book.sync_reader() as db:
        return {
            table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("attachment_blobs", "attachment_chunks", "records", "changes",
                          "notes_fts")
        }


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _send_all(store: SyncStore) -> None:
    """Acknowledge every waiting change as the hub would."""
    acks = [
        Acknowledged(
            change_id=change.id, wire="{}", head=f"head-{change.seq}", hub_seq=1000 + change.seq,
            record_id=change.record_id,
            header=change.kind in ("young_person", "referral", "case"),
            payload=change.payload, covers=(change.seq,),
        )
        for change in store.pending_changes()
    ]
    store.apply_acknowledgement(acks, acks[-1].head if acks else GENESIS_HEAD)


# ------------------------------------------------------------------------------ attaching
def test_a_file_is_attached_with_its_record_change_audit_and_search_entry(
    book: Casebook, tmp_path: Path
) -> None:
    _yp, _ref, cs = seeded_case(book)
    path = _write(tmp_path / "outside", "Consent form.txt", FORM)

    record = book.attach(path, case_id=cs.id, title="Signed consent form", document_date=DAY,
                         note="Fictional: signed at the first meeting.")

    assert (record.file_name, record.media_type, record.size) == (
        "Consent form.txt", "text/plain", len(FORM))
    assert record.sha256 == hashlib.sha256(FORM).hexdigest()
    stored = book.get(record.id)
    assert stored.state == "final" and stored.record == record and stored.author == USER
    assert book.changes()[-1].op == "finalise" and book.changes()[-1].record_id == record.id
    assert book.audit_trail()[-1].action == "record.finalise"
    assert [hit.record_id for hit in book.search_notes("first meeting")] == [record.id]
    assert book.attachment_bytes(record.sha256) == FORM
    assert _rows(book)["attachment_chunks"] == chunk_count(len(FORM)) == 4


def test_bytes_in_memory_are_attached_and_read_back_a_chunk_at_a_time(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    picture = fictional_png()
    visit = session(cs.id)
    book.save(visit, finalise=True)

    record = book.attach(picture, case_id=cs.id, title="Drawing of the bus stop",
                         document_date=DAY, attached_kind="session", attached_to=visit.id,
                         file_name="C:\\Users\\worker\\Desktop\\drawing.png")

    assert (record.file_name, record.media_type) == ("drawing.png", "image/png")
    pieces = list(book.attachment_chunks(record.sha256))
    assert [len(p) for p in pieces[:-1]] == [ATTACHMENT_CHUNK_BYTES] * (len(pieces) - 1)
    assert b"".join(pieces) == picture == book.attachment_bytes(record.sha256)


def test_bytes_without_a_name_get_a_plain_one(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    record = book.attach(b"Fictional note.", case_id=cs.id, title="Note", document_date=DAY)
    assert (record.file_name, record.media_type) == ("attachment", "application/octet-stream")


def test_a_file_over_the_hubs_limit_is_refused_before_anything_is_written(
    book: Casebook, tmp_path: Path
) -> None:
    _yp, _ref, cs = seeded_case(book)
    assert book.attachment_limit() == DEFAULT_ATTACHMENT_LIMIT == 25_000_000
    path = tmp_path / "outside" / "Test Person Alpha - statement.pdf"
    path.parent.mkdir()
    with path.open("wb") as handle:  # 31 MB without writing 31 MB
        handle.truncate(31_000_000)
    before = _rows(book)
    audit = len(book.audit_trail())

    with pytest.raises(AttachmentTooLarge) as refused:
        book.attach(path, case_id=cs.id, title="Statement", document_date=DAY)

    assert str(refused.value) == "This file is 31 MB; your hub accepts files up to 25 MB."
    assert "Alpha" not in str(refused.value) and "statement" not in str(refused.value)
    assert isinstance(refused.value, SpokeError)
    assert _rows(book) == before and len(book.audit_trail()) == audit


def test_the_hubs_last_limit_is_kept_and_used(book: Casebook, profile: Path) -> None:
    _yp, _ref, cs = seeded_case(book)
    book.set_attachment_limit(1_000)
    with pytest.raises(AttachmentTooLarge, match="up to 1,000 bytes"):
        book.attach(b"x" * 1_001, case_id=cs.id, title="Too big", document_date=DAY)
    book.attach(b"x" * 1_000, case_id=cs.id, title="Just fits", document_date=DAY)
    book.close()
    with Casebook.open(profile, PASSPHRASE) as reopened:
        assert reopened.attachment_limit() == 1_000
        reopened.set_attachment_limit(10 * MAX_ATTACHMENT_LIMIT)  # a hub cannot ask for more
        assert reopened.attachment_limit() == MAX_ATTACHMENT_LIMIT
        with pytest.raises(ValueError):
            reopened.set_attachment_limit(0)


def test_an_empty_file_is_refused_clearly(book: Casebook, tmp_path: Path) -> None:
    _yp, _ref, cs = seeded_case(book)
    before = _rows(book)
    empty = _write(tmp_path / "outside", "empty.pdf", b"")
    for source in (empty, b""):
        with pytest.raises(EmptyAttachment, match="empty"):
            book.attach(source, case_id=cs.id, title="Nothing", document_date=DAY)
    assert _rows(book) == before


class _GrowingFile(PosixPath):
    """A file that was still being written when its size was looked at: ``stat`` says 10
    bytes, reading finds many more."""

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        real = super().stat(follow_symlinks=follow_symlinks)
        return os.stat_result((real.st_mode, real.st_ino, real.st_dev, real.st_nlink,
                               real.st_uid, real.st_gid, 10, int(real.st_atime),
                               int(real.st_mtime), int(real.st_ctime)))


def test_a_file_that_grows_past_the_limit_while_read_is_refused(
    book: Casebook, tmp_path: Path
) -> None:
    _yp, _ref, cs = seeded_case(book)
    book.set_attachment_limit(ATTACHMENT_CHUNK_BYTES)
    path = _write(tmp_path / "outside", "growing.txt", FORM)
    before = _rows(book)
    with pytest.raises(AttachmentTooLarge, match="more than"):
        book.attach(_GrowingFile(path), case_id=cs.id, title="Growing", document_date=DAY)
    assert _rows(book) == before


class _ChangingFile(PosixPath):
    """A file saved again by another program between Spoke's two readings of it: each
    opening reads the next of ``reads``."""

    reads: list[bytes]

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return io.BytesIO(self.reads.pop(0))


def test_a_file_changed_between_hashing_and_storing_leaves_nothing(
    book: Casebook, tmp_path: Path
) -> None:
    _yp, _ref, cs = seeded_case(book)
    path = _write(tmp_path / "outside", "form.txt", FORM)
    changed = _ChangingFile(path)
    changed.reads = [FORM, FORM[:-1] + b"!"]
    before = _rows(book)
    with pytest.raises(AttachmentChanged):
        book.attach(changed, case_id=cs.id, title="Changing", document_date=DAY)
    assert _rows(book) == before


def test_a_record_breaking_a_rule_writes_no_chunk_at_all(
    book: Casebook, tmp_path: Path
) -> None:
    seeded_case(book)
    before = _rows(book)
    with pytest.raises(ValidationError) as broken:
        book.attach(FORM, case_id=None, title=" ", document_date=DAY)
    assert broken.value.fields() == {"title", "case_id"}
    unread = _ChangingFile(_write(tmp_path / "outside", "form.txt", FORM))
    unread.reads = []  # opening it at all would fail: the form is refused before reading
    with pytest.raises(ValidationError):
        book.attach(unread, case_id=None, title="Form", document_date=DAY)
    assert _rows(book) == before


def test_a_failure_after_the_chunks_were_written_leaves_none_of_them(
    book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _yp, _ref, cs = seeded_case(book)
    before = _rows(book)

    def disk_full(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(book, "_append_audit", disk_full)  # the last write of the transaction
    with pytest.raises(OSError, match="disk full"):
        book.attach(FORM, case_id=cs.id, title="Consent form", document_date=DAY)
    monkeypatch.undo()
    assert _rows(book) == before
    book.attach(FORM, case_id=cs.id, title="Consent form", document_date=DAY)  # then it works
    assert _rows(book)["attachment_chunks"] == chunk_count(len(FORM))


def test_the_same_file_attached_twice_is_stored_once(book: Casebook, tmp_path: Path) -> None:
    _yp, _ref, cs = seeded_case(book)
    first = book.attach(FORM, case_id=cs.id, title="Consent form", document_date=DAY)
    again = book.attach(_write(tmp_path / "outside", "copy.txt", FORM), case_id=cs.id,
                        title="The same form again", document_date=DAY)
    assert first.sha256 == again.sha256 and first.id != again.id
    rows = _rows(book)
    assert (rows["attachment_blobs"], rows["attachment_chunks"]) == (1, chunk_count(len(FORM)))


def test_a_file_not_here_is_a_clear_error(book: Casebook) -> None:
    with pytest.raises(AttachmentMissing, match="next sync"):
        book.attachment_bytes("ab" * 32)


def test_a_discarded_draft_takes_its_file_with_it_unless_another_names_it(
    book: Casebook,
) -> None:
    _yp, _ref, cs = seeded_case(book)
    draft = book.attach(FORM, case_id=cs.id, title="Draft", document_date=DAY, finalise=False)
    kept = book.attach(fictional_png(), case_id=cs.id, title="Kept", document_date=DAY)
    assert book.get(draft.id).state == "draft"
    book.discard_draft(draft.id)
    with pytest.raises(AttachmentMissing):
        book.attachment_bytes(draft.sha256)
    assert book.attachment_bytes(kept.sha256) == fictional_png()
    assert _rows(book)["attachment_chunks"] == chunk_count(len(fictional_png()))


# ------------------------------------------------------------------------------ the case's list
def test_a_cases_list_holds_its_documents_newest_first_with_earlier_versions(
    book: Casebook,
) -> None:
    _yp, ref, cs = seeded_case(book)
    other_yp, _other_ref, other = seeded_case(book, 2)
    worry = concern(cs.id)
    book.save(worry, finalise=True)
    on_referral = book.attach(b"Fictional referral letter.", case_id=None, title="Letter",
                              document_date=DAY, attached_kind="referral",
                              attached_to=ref.id)
    on_concern = book.attach(b"Fictional screenshot.", case_id=cs.id, title="Screenshot",
                             document_date=DAY, attached_kind="safeguarding_concern",
                             attached_to=worry.id)
    first = book.attach(b"Consent v1", case_id=cs.id, title="Consent", document_date=DAY)
    second = book.attach(b"Consent v2", case_id=cs.id, title="Consent", document_date=DAY,
                         replaces=first.id)
    third = book.attach(b"Consent v3", case_id=cs.id, title="Consent", document_date=DAY,
                        replaces=second.id)
    book.attach(b"Another case's file", case_id=other.id, title="Not this case",
                document_date=DAY)
    del other_yp

    rows = book.attachments(cs.id)

    assert [row.attachment.id for row in rows] == [third.id, on_concern.id, on_referral.id]
    assert [row.attachment.id for row in rows[0].earlier] == [second.id, first.id]
    assert all(row.has_bytes and row.state == "final" and row.added_by == USER
               for row in rows)
    assert rows[0].added_at > rows[1].added_at > rows[2].added_at


def test_a_referrals_list_holds_its_documents_with_or_without_a_case(book: Casebook) -> None:
    """A letter kept on a referral before any case exists, a second version added once the
    case is open, and nothing of the case's own or of another referral."""
    yp, ref, cs = seeded_case(book)
    _other_yp, other_ref, _other = seeded_case(book, 2)
    letter = book.attach(b"Fictional referral letter.", case_id=None, title="Letter",
                         document_date=DAY, attached_kind="referral", attached_to=ref.id)
    form = book.attach(b"Fictional referral form.", case_id=None, title="Form",
                       document_date=DAY, attached_kind="referral", attached_to=ref.id)
    signed = book.attach(b"Fictional letter, signed.", case_id=cs.id, title="Letter",
                         document_date=DAY, attached_kind="referral", attached_to=ref.id,
                         replaces=letter.id)
    book.attach(b"Fictional consent.", case_id=cs.id, title="On the case", document_date=DAY)
    book.attach(b"Another referral's letter.", case_id=None, title="Not this referral",
                document_date=DAY, attached_kind="referral", attached_to=other_ref.id)
    draft = book.attach(b"Fictional half-done scan.", case_id=None, title="Scan",
                        document_date=DAY, attached_kind="referral", attached_to=ref.id,
                        finalise=False)
    del yp

    rows = book.referral_attachments(ref.id)

    assert [row.attachment.id for row in rows] == [draft.id, signed.id, form.id]
    assert [row.state for row in rows] == ["draft", "final", "final"]
    assert [old.attachment.id for old in rows[1].earlier] == [letter.id]
    assert all(row.has_bytes and row.added_by == USER for row in rows)
    # The case lists the same documents of its referral, beside its own.
    on_case = {row.attachment.id for row in book.attachments(cs.id)}
    assert {draft.id, signed.id, form.id} < on_case
    assert book.referral_attachments("r-no-such-referral") == []


def test_a_pulled_document_is_listed_without_its_bytes_until_downloaded(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    pulled = _pull_attachment(book, cs.id, FORM)
    (row,) = book.attachments(cs.id)
    assert row.attachment == pulled and row.has_bytes is False
    assert row.added_by == "u-colleague"


# ------------------------------------------------------------------------------ sync
def _pull_attachment(book: Casebook, case_id: str, data: bytes, seq: int = 1) -> Attachment:
    """An attachment record as a colleague's laptop made it, pulled from the hub."""
    store = SyncStore(book)
    record = Attachment(
        id=new_id(), case_id=case_id, attached_kind=None, attached_to=None,
        title="Colleague's scan", document_date=DAY, file_name="scan.txt",
        media_type="text/plain", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
    )
    cursor = store.account().cursor  # type: ignore[union-attr]
    store.apply_page(cursor, cursor + seq, [PulledRecord(
        cursor + seq, record.id, "attachment", "finalise", case_id, record.to_dict(),
        "u-colleague")])
    return record


def test_a_file_goes_up_only_after_the_hub_acknowledged_its_record(book: Casebook) -> None:
    store, files = SyncStore(book), AttachmentStore(book)
    _yp, _ref, cs = seeded_case(book)
    record = book.attach(FORM, case_id=cs.id, title="Consent form", document_date=DAY)
    book.attach(b"A draft's file", case_id=cs.id, title="Draft", document_date=DAY,
                finalise=False)
    assert files.uploads_waiting() == []  # the record is not on the hub yet

    _send_all(store)

    assert files.uploads_waiting() == [(record.sha256, len(FORM))]  # never the draft's
    assert files.read_chunk(record.sha256, 3) == FORM[3 * ATTACHMENT_CHUNK_BYTES:]
    files.mark_uploaded(record.sha256)
    assert files.uploads_waiting() == []
    store.reset_for_restored_hub("e2", GENESIS_HEAD)  # a restored hub may lack it
    assert files.uploads_waiting() == [(record.sha256, len(FORM))]


def test_a_download_cut_off_half_way_resumes_after_the_casebook_is_reopened(
    book: Casebook, profile: Path
) -> None:
    _yp, _ref, cs = seeded_case(book)
    record = _pull_attachment(book, cs.id, FORM)
    files = AttachmentStore(book)
    assert files.downloads_waiting() == [(record.sha256, len(FORM))]
    pieces = [FORM[i:i + ATTACHMENT_CHUNK_BYTES]
              for i in range(0, len(FORM), ATTACHMENT_CHUNK_BYTES)]
    for index in (0, 2):
        files.store_chunk(record.sha256, len(FORM), index, pieces[index])
    files.store_chunk(record.sha256, len(FORM), 2, pieces[2])  # the same chunk again
    book.close()  # the laptop shut mid-download

    with Casebook.open(profile, PASSPHRASE) as reopened:
        files = AttachmentStore(reopened)
        assert files.received_chunks(record.sha256) == {0, 2}
        assert files.downloads_waiting() == [(record.sha256, len(FORM))]
        with pytest.raises(AttachmentMissing):
            reopened.attachment_bytes(record.sha256)
        with pytest.raises(CasebookError, match="2 of 4"):
            files.finish_download(record.sha256)
        for index in sorted(set(range(4)) - files.received_chunks(record.sha256)):
            files.store_chunk(record.sha256, len(FORM), index, pieces[index])
        assert files.finish_download(record.sha256) is True
        assert reopened.attachment_bytes(record.sha256) == FORM
        assert files.downloads_waiting() == []
        assert files.uploads_waiting() == []  # it came from the hub
        assert reopened.attachments(cs.id)[0].has_bytes


def test_a_corrupt_download_is_dropped_and_fetched_again(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    record = _pull_attachment(book, cs.id, FORM)
    files = AttachmentStore(book)
    tampered = FORM[:100] + b"#" + FORM[101:]
    for index in range(chunk_count(len(FORM))):
        start = index * ATTACHMENT_CHUNK_BYTES
        files.store_chunk(record.sha256, len(FORM), index,
                          tampered[start:start + ATTACHMENT_CHUNK_BYTES])

    assert files.finish_download(record.sha256) is False

    assert files.received_chunks(record.sha256) == set()
    assert _rows(book)["attachment_chunks"] == 0
    assert files.downloads_waiting() == [(record.sha256, len(FORM))]


def test_a_chunk_of_the_wrong_number_or_length_is_refused(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    record = _pull_attachment(book, cs.id, FORM)
    files = AttachmentStore(book)
    size = len(FORM)
    for index, data in ((4, b"x"), (-1, b"x"), (0, FORM[:100]),
                        (3, FORM[3 * ATTACHMENT_CHUNK_BYTES:] + b"!")):
        with pytest.raises(BadChunk):
            files.store_chunk(record.sha256, size, index, data)
    files.store_chunk(record.sha256, size, 0, FORM[:ATTACHMENT_CHUNK_BYTES])
    with pytest.raises(BadChunk):  # a size other than the one being downloaded
        files.store_chunk(record.sha256, size + 1, 0, FORM[:ATTACHMENT_CHUNK_BYTES])
    with pytest.raises(CasebookError, match="names that file"):
        files.store_chunk("cd" * 32, 10, 0, b"0123456789")
    assert files.received_chunks(record.sha256) == {0}


# ------------------------------------------------------------------------------ removal
def test_a_purged_case_takes_its_files_but_not_one_another_case_still_names(
    book: Casebook,
) -> None:
    store = SyncStore(book)
    _yp, ref, cs = seeded_case(book)
    _yp2, _ref2, other = seeded_case(book, 2)
    book.attach(FORM, case_id=cs.id, title="Consent form", document_date=DAY)
    book.attach(b"Fictional referral letter.", case_id=None, title="Letter",
                document_date=DAY, attached_kind="referral", attached_to=ref.id)
    shared = book.attach(fictional_png(), case_id=cs.id, title="Drawing", document_date=DAY)
    book.attach(fictional_png(), case_id=other.id, title="Same drawing", document_date=DAY)
    _send_all(store)

    cursor = store.account().cursor  # type: ignore[union-attr]
    result = store.apply_page(cursor, cursor + 1, [
        PulledRecord(cursor + 1, cs.id, "case", "purge", cs.id, None, None)],
        confirmed_after=cursor)  # more than half of this small casebook

    assert result.purged == 6  # the person, referral, case and its three documents

    assert book.attachments(cs.id) == []
    assert _rows(book)["attachment_blobs"] == 1  # only the drawing the other case has
    assert _rows(book)["attachment_chunks"] == chunk_count(len(fictional_png()))
    assert book.attachment_bytes(shared.sha256) == fictional_png()
    assert store.scrub_pending()  # the rebuild then leaves no copy in freed pages or the WAL

    store.apply_page(cursor + 1, cursor + 2, [
        PulledRecord(cursor + 2, other.id, "case", "purge", other.id, {"disposed": True},
                     None)])
    assert _rows(book)["attachment_blobs"] == _rows(book)["attachment_chunks"] == 0
