"""Moving attachment bytes (``spokeapp.sync.attachments``) against a hub that lies about them:
a real casebook, a hostile hub's answers."""

from __future__ import annotations

import hashlib
from datetime import date

from spokeapp.domain.attachments import ATTACHMENT_CHUNK_BYTES, chunk_count
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Attachment
from spokeapp.store.attachments import AttachmentStore
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import PulledRecord
from spokeapp.sync.attachments import AttachmentTransfer
from spokeapp.sync.engine import SyncEngine
from spokeapp.sync.protocol import AttachmentStatus
from tests.helpers.records import seeded_case

DAY = date(2026, 3, 6)


def _pulled(engine: SyncEngine, case_id: str, data: bytes) -> Attachment:
    """An attachment record a colleague's laptop made, as pulled from the hub."""
    record = Attachment(
        id=new_id(), case_id=case_id, attached_kind=None, attached_to=None,
        title="Colleague's scan", document_date=DAY, file_name="scan.txt",
        media_type="text/plain", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
    )
    cursor = engine.store.account().cursor  # type: ignore[union-attr]
    engine.store.apply_page(cursor, cursor + 1, [PulledRecord(
        cursor + 1, record.id, "attachment", "finalise", case_id, record.to_dict(),
        "u-colleague")])
    return record


class _LyingHub:
    """Serves files chunk by chunk; ``lies`` maps a file's hash to the bytes it sends instead."""

    def __init__(self, files: dict[str, bytes], lies: dict[str, bytes]) -> None:
        self.files, self.lies = files, lies

    def attachment_status(self, sha256: str) -> AttachmentStatus | None:
        data = self.files[sha256]
        return AttachmentStatus(sha256=sha256, size=len(data),
                                received=list(range(chunk_count(len(data)))), complete=True)

    def get_attachment_chunk(self, sha256: str, index: int) -> bytes:
        data = self.lies.get(sha256, self.files[sha256])
        start = index * ATTACHMENT_CHUNK_BYTES
        return data[start:start + ATTACHMENT_CHUNK_BYTES]


def test_a_file_whose_chunks_are_the_wrong_length_does_not_stop_the_others(
    engine: SyncEngine, book: Casebook,
) -> None:
    """A hub sending a chunk of the wrong length for one file: that file is refused (nothing
    of it stored) and fetched again later; the files after it still arrive. Before, the
    refusal ended the whole sync as a casebook problem, at the same file every time."""
    _yp, _ref, cs = seeded_case(book)
    bad_bytes, good_bytes = b"Fictional scan one. " * 10, b"Fictional scan two. " * 10
    bad, good = _pulled(engine, cs.id, bad_bytes), _pulled(engine, cs.id, good_bytes)
    hub = _LyingHub({bad.sha256: bad_bytes, good.sha256: good_bytes},
                    lies={bad.sha256: bad_bytes + b"and more"})
    files = AttachmentStore(book)

    report = AttachmentTransfer(files, hub).run()  # type: ignore[arg-type]

    assert report.files_received == 1 and report.rejected == [bad.sha256]
    assert book.attachment_bytes(good.sha256) == good_bytes
    assert files.received_chunks(bad.sha256) == set()
    assert files.downloads_waiting() == [(bad.sha256, len(bad_bytes))]


def test_a_file_whose_bytes_do_not_match_its_hash_is_dropped_and_the_others_arrive(
    engine: SyncEngine, book: Casebook,
) -> None:
    _yp, _ref, cs = seeded_case(book)
    bad_bytes, good_bytes = b"Fictional scan one. " * 10, b"Fictional scan two. " * 10
    bad, good = _pulled(engine, cs.id, bad_bytes), _pulled(engine, cs.id, good_bytes)
    hub = _LyingHub({bad.sha256: bad_bytes, good.sha256: good_bytes},
                    lies={bad.sha256: bad_bytes.replace(b"one", b"ONE")})
    files = AttachmentStore(book)

    report = AttachmentTransfer(files, hub).run()  # type: ignore[arg-type]

    assert report.files_received == 1 and report.rejected == [bad.sha256]
    assert book.attachment_bytes(good.sha256) == good_bytes
    assert files.received_chunks(bad.sha256) == set()
    assert files.downloads_waiting() == [(bad.sha256, len(bad_bytes))]
