"""Moving attachment bytes between the casebook and the hub (docs/attachments.md, "Sync").

The last phase of a sync, after the records that name the files and after the safety lane:
uploads first (the hub asks nothing of a file until a record names it), then downloads. Both go
chunk by chunk and resume from what the other side already holds, so a dropped connection costs
at most the chunk in flight. Before every chunk ``before_chunk`` runs: the engine pushes any
safety change (a check-in, an alarm) written since the sync began, so a long upload never holds
one back by more than a chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from spokeapp.domain.attachments import chunk_count
from spokeapp.store.attachments import BadChunk
from spokeapp.sync.client import HubApi, HubRejected

log = logging.getLogger(__name__)


class AttachmentSyncStore(Protocol):
    """What the transfer needs of the casebook (``spokeapp.store.attachments``)."""

    def uploads_waiting(self) -> list[tuple[str, int]]: ...

    def mark_uploaded(self, sha256: str) -> None: ...

    def read_chunk(self, sha256: str, index: int) -> bytes: ...

    def downloads_waiting(self) -> list[tuple[str, int]]: ...

    def received_chunks(self, sha256: str) -> set[int]: ...

    def store_chunk(self, sha256: str, size: int, index: int, data: bytes) -> None: ...

    def finish_download(self, sha256: str) -> bool: ...


@dataclass
class TransferReport:
    """What one transfer moved. ``waiting``: files that could not move yet (the hub does not
    hold a complete copy, or no record naming them reached it)."""

    files_sent: int = 0
    files_received: int = 0
    chunks_sent: int = 0
    chunks_received: int = 0
    waiting: int = 0
    rejected: list[str] = field(default_factory=list)


class AttachmentTransfer:
    """One pass over the files waiting in each direction."""

    def __init__(
        self,
        store: AttachmentSyncStore,
        client: HubApi,
        *,
        before_chunk: Callable[[], None] = lambda: None,
        progress: Callable[[int, int], None] = lambda done, total: None,
    ) -> None:
        self._store = store
        self._client = client
        self._before_chunk = before_chunk
        self._progress = progress

    def run(self) -> TransferReport:
        report = TransferReport()
        uploads = self._store.uploads_waiting()
        downloads = self._store.downloads_waiting()
        total = sum(chunk_count(size) for _, size in uploads + downloads)
        done = 0
        if total:
            self._progress(0, total)
        for sha256, size in uploads:
            done = self._upload(sha256, size, report, done, total)
        for sha256, size in downloads:
            done = self._download(sha256, size, report, done, total)
        return report

    def _upload(self, sha256: str, size: int, report: TransferReport, done: int,
                total: int) -> int:
        count = chunk_count(size)
        status = self._client.attachment_status(sha256)
        if status is None:  # no record naming it has reached the hub yet
            report.waiting += 1
            return done + count
        if status.complete:
            self._store.mark_uploaded(sha256)
            return done + count
        have = set(status.received)
        done += len(have)
        for index in range(count):
            if index in have:
                continue
            self._before_chunk()
            try:
                status = self._client.put_attachment_chunk(
                    sha256, index, self._store.read_chunk(sha256, index))
            except HubRejected as exc:
                # The hub hashed what it holds and it was not this file: it dropped the
                # chunks, the next sync sends them all again. Never expected from a casebook
                # whose chunks SQLCipher authenticates; logged by code, not content.
                log.warning("the hub refused an attachment upload (%s)", exc.code)
                report.rejected.append(sha256)
                return done + count - index
            report.chunks_sent += 1
            done += 1
            self._progress(done, total)
        if status.complete:
            self._store.mark_uploaded(sha256)
            report.files_sent += 1
        return done

    def _download(self, sha256: str, size: int, report: TransferReport, done: int,
                  total: int) -> int:
        count = chunk_count(size)
        status = self._client.attachment_status(sha256)
        if status is None or not status.complete:  # its author has not finished sending it
            report.waiting += 1
            return done + count
        have = self._store.received_chunks(sha256)
        done += len(have)
        for index in range(count):
            if index in have:
                continue
            self._before_chunk()
            data = self._client.get_attachment_chunk(sha256, index)
            if data is None:  # gone from the hub since (disposed of): the next pull says so
                report.waiting += 1
                return done + count - index
            try:
                self._store.store_chunk(sha256, size, index, data)
            except BadChunk:
                # The hub sent a chunk of the wrong length: nothing of it was stored. This
                # file is fetched again at the next sync; the files after it still come now
                # (one bad file must not hold back every other one, every sync).
                log.warning("the hub sent part of an attachment with the wrong length; "
                            "fetching that file again later")
                report.rejected.append(sha256)
                return done + count - index
            report.chunks_received += 1
            done += 1
            self._progress(done, total)
        if self._store.finish_download(sha256):
            report.files_received += 1
        else:
            log.warning("a downloaded attachment did not match its hash; fetching it again later")
            report.rejected.append(sha256)
        return done
