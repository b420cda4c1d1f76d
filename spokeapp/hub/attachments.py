"""Attachments on the hub (issue 20; docs/attachments.md, "Sync" and "On the hub"): the bytes of
the files attachment records name, kept in the hub's database in 64 KiB chunks keyed by their
SHA-256 (``hub_attachments``, ``hub_attachment_chunks``), so backup, restore, scopes and
disposal apply unchanged.

* ``GET /v1/attachments/limits``: the hub's limit for one file and the chunk size.
* ``GET /v1/attachments/{sha256}``: what the caller has sent of a file (a dropped upload
  resumes from ``received``), or all of it once they may fetch it.
* ``PUT /v1/attachments/{sha256}/chunks/{index}``: one chunk's raw bytes. Until the file is
  whole each sender's chunks are staged apart from everyone else's
  (``hub_attachment_chunks.sender``: their user id; ``FILE_CHUNK``, the empty string, for a
  complete file's own), so nobody's chunks or declared size can spoil another's upload.
  Stored once however often it arrives (insert-or-ignore on the key, under the hub's write
  lock); when a sender's set is full it is hashed in order: a match makes it the file's and
  the file complete (everyone else's staged chunks of it go), a mismatch drops that
  sender's set only (422 ``attachment_hash_mismatch``).
* ``GET /v1/attachments/{sha256}/chunks/{index}``: one chunk of a complete file.

Need-to-know on every request: the caller must be able to see a record that names the file
(:func:`seen_records`: a cased record by its case, as a pull sees it - restricted cases not
at all - an uncased one by its author, through :mod:`spokeapp.hub.scope`); otherwise 404
``attachment_not_found``, the same answer as for a file nobody named, so existence is not
leaked. The file's size is the one the caller's record declares. A caller whose own record
names a file they do not hold (they have not sent all of it yet - the first to name it too:
naming is not holding - or someone else sent it) is told only what their record declares and
which chunks they sent, as if nobody else had named it (:func:`_show_holding`): whether the
hub holds it, its size, and anyone else's chunks are not leaked either. A retired laptop may
still send what it holds (status and chunks), not fetch.

Not audited, like a pull: the records that name a file were pushed and pulled already. Logs
name devices, hashes and counts, never a file's name or contents. When records go (disposal:
:mod:`spokeapp.hub.disposal`), :func:`drop_unreferenced_attachments` removes in the same
transaction every file no remaining record names, and the staged chunks of anyone no
remaining record of their own lets send them.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import ColumnElement, Engine, and_, delete, exists, func, select, update
from sqlalchemy import case as when
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from starlette.concurrency import run_in_threadpool

from spokeapp.domain.attachments import (
    ATTACHMENT_CHUNK_BYTES,
    chunk_count,
    chunk_length,
    is_sha256,
)
from spokeapp.hub import devices
from spokeapp.hub.db import reading_session
from spokeapp.hub.deps import Authorization, Caller
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import among, lock_writes
from spokeapp.hub.models import (
    FILE_CHUNK,
    HubAttachment,
    HubAttachmentChunk,
    HubAttachmentHolder,
    HubCase,
    HubRecord,
    RestrictedRecord,
    User,
)
from spokeapp.hub.responses import ERROR_RESPONSES
from spokeapp.hub.scope import Actor, can_see_case, can_see_uncased
from spokeapp.hub.security import Clock, iso
from spokeapp.sync.protocol import (
    API_PREFIX,
    ATTACHMENT_KIND,
    AttachmentLimits,
    AttachmentStatus,
)

__all__ = [
    "ChunkOutcome",
    "attachment_status",
    "chunk_bytes",
    "drop_unreferenced_attachments",
    "referral_documents",
    "router",
    "seen_records",
    "store_chunk",
]

log = logging.getLogger(__name__)

OCTET_STREAM = "application/octet-stream"


def _not_found() -> HubError:
    return HubError(404, "attachment_not_found",
                    "The hub has no such file that you may see.")


def _check_sha256(sha256: str) -> None:
    if not is_sha256(sha256):
        raise HubError(422, "invalid_sha256",
                       "A file is named by its SHA-256: 64 lowercase hexadecimal digits.")


# --------------------------------------------------------------------------- need-to-know
@dataclass(frozen=True, slots=True)
class Seen:
    """The records naming a file that a caller may see, as their declared sizes, oldest
    first: ``granting``, those whose author holds the file (through them the caller may fetch
    it), ``own``, the caller's own records whose author - the caller - has not shown yet
    that they hold it (the caller may send it, and so show it), and ``waiting``, other
    people's records whose author has not sent it yet (nothing to fetch through them)."""

    granting: list[int]
    own: list[int]
    waiting: list[int]

    @property
    def any(self) -> list[int]:
        return self.granting + self.own


def _holders(session: Session, sha256: str) -> set[str]:
    """Who holds the file: each person who has shown it (``hub_attachment_holders.holds``:
    they sent every chunk of it, each the file's, the hash deciding). Nobody holds a file by
    naming it, not even first: a SHA-256 can be known without the bytes, and the first
    record naming it may be written before its owner's upload, to catch it (files stored
    before this rule were given to their oldest record's author by hub migration 0018)."""
    return set(session.scalars(select(HubAttachmentHolder.user_id).where(
        HubAttachmentHolder.sha256 == sha256, HubAttachmentHolder.holds.is_(True))))


def seen_records(session: Session, actor: Actor, sha256: str) -> Seen:
    """The sizes declared by the records naming ``sha256`` that ``actor`` may see (empty:
    none). A cased record is seen as a pull sees it (its case in the caller's scope and not
    restricted); an uncased one by its author, unless a restriction keeps it off the laptops.

    A file is known by its SHA-256 alone, and anyone may write a record naming one: so a
    record lets its readers fetch the file only if its author holds the file (sent it, or
    showed they have it by sending chunks matching the hub's copy). Naming another team's
    document's hash in a record of one's own gets nothing until its bytes are sent, even
    when that record is the first to name it."""
    rows = session.execute(
        select(HubRecord.record_id, HubRecord.case_id, HubRecord.author_user, HubRecord.body)
        .where(HubRecord.attachment_sha256 == sha256).order_by(HubRecord.seq)
    ).all()
    granting: list[int] = []
    own: list[int] = []
    waiting: list[int] = []
    holders: set[str] | None = None
    for record_id, case_id, author, body in rows:
        if case_id is not None:
            case = session.get(HubCase, case_id)
            seen = case is not None and not case.restricted and can_see_case(actor, case)
        else:
            # Not a document of a referral under a restriction request, as a pull leaves out.
            seen = (can_see_uncased(actor, session.get(User, author))
                    and session.get(RestrictedRecord, record_id) is None)
        size = body.get("size") if isinstance(body, dict) else None
        if not (seen and isinstance(size, int) and not isinstance(size, bool) and size > 0):
            continue
        if holders is None:
            holders = _holders(session, sha256)
        if author in holders:
            granting.append(size)
        elif author == actor.user_id:
            own.append(size)
        else:
            waiting.append(size)
    return Seen(granting, own, waiting)


def _holder_row(session: Session, sha256: str, user_id: str) -> HubAttachmentHolder:
    row = session.get(HubAttachmentHolder, (sha256, user_id))
    if row is None:
        row = HubAttachmentHolder(sha256=sha256, user_id=user_id, proven="", holds=False)
        session.add(row)
    return row


#: Leads ``hub_attachment_holders.proven`` once a chunk sent while showing did not match.
_DIFFERED: Final = "!"


def _showing(row: HubAttachmentHolder | None) -> tuple[list[int], bool]:
    """What a caller showing they hold a complete file has sent so far (``proven``: the chunk
    indices, comma-separated, led by ``_DIFFERED`` once one of them was not the hub's): the
    indices, and whether one differed."""
    if row is None or not row.proven:
        return [], False
    text = row.proven
    differed = text.startswith(_DIFFERED)
    parts = text.removeprefix(_DIFFERED).split(",")
    return sorted(int(part) for part in parts if part), differed


def _showing_text(sent: list[int], differed: bool) -> str:
    return (_DIFFERED if differed else "") + ",".join(map(str, sent))


def _status(sha256: str, size: int, received: list[int],
            complete: bool = False) -> AttachmentStatus:
    return AttachmentStatus(sha256=sha256, size=size, chunk_bytes=ATTACHMENT_CHUNK_BYTES,
                            received=received, complete=complete)


def _whole(sha256: str, size: int) -> AttachmentStatus:
    return _status(sha256, size, list(range(chunk_count(size))), complete=True)


def _fitting(size: int) -> ColumnElement[bool]:
    """Chunks a file of ``size`` bytes has room for: index within it, length exact."""
    count = chunk_count(size)
    return and_(HubAttachmentChunk.idx < count,
                func.length(HubAttachmentChunk.data) == when(
                    (HubAttachmentChunk.idx == count - 1, chunk_length(size, count - 1)),
                    else_=ATTACHMENT_CHUNK_BYTES))


def _staged(session: Session, sha256: str, sender: str, size: int) -> list[int]:
    """The indices of ``sender``'s own staged chunks of the unfinished file ``sha256`` that a
    file of ``size`` bytes (their record's) has room for."""
    return list(session.scalars(
        select(HubAttachmentChunk.idx).where(
            HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender == sender,
            _fitting(size))
        .order_by(HubAttachmentChunk.idx)))


def _showing_status(session: Session, actor: Actor, sha256: str, stored: HubAttachment | None,
                    size: int) -> AttachmentStatus:
    """The status told to a caller who does not hold the file (no record they may see whose
    author holds it): their own record's size and the chunks they have sent - their own
    staged chunks while the file is not whole, what they have shown of it once it is -
    whatever the hub or anyone else holds, so the answer is the one they would get if nobody
    else had named the file."""
    if stored is None or not stored.complete:
        return _status(sha256, size, _staged(session, sha256, actor.user_id, size))
    sent, _differed = _showing(session.get(HubAttachmentHolder, (sha256, actor.user_id)))
    count = chunk_count(size)
    return _status(sha256, size, [index for index in sent if index < count])


def attachment_status(session: Session, actor: Actor, sha256: str) -> AttachmentStatus | None:
    """What the hub holds of the file ``sha256`` (None: the caller may see no record naming
    it). To a caller who reads a record whose author holds the file: the whole file. To a
    caller who does not hold it: only what their own oldest record declares and what they
    have sent, never the stored file's size or anyone else's chunks
    (:func:`_showing_status`); to one who only reads records whose authors have not sent it
    yet, nothing received of what the oldest declares."""
    seen = seen_records(session, actor, sha256)
    if not seen.any and not seen.waiting:
        return None
    stored = session.get(HubAttachment, sha256)
    if seen.granting and stored is not None and stored.complete:
        return _whole(sha256, stored.size)
    if seen.own:
        return _showing_status(session, actor, sha256, stored, seen.own[0])
    # Someone else's record, its author not holding the file (a holder's file is whole, and
    # stays so while named: the granting case without it cannot arise): nothing to fetch.
    return _status(sha256, (seen.granting or seen.waiting)[0], [])


# --------------------------------------------------------------------------- storing
@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    """What one chunk sent did: the file's status afterwards, and whether the last chunk made
    the sender's chunks hash to something else (then the sender's own chunks were dropped)."""

    status: AttachmentStatus
    mismatch: bool = False


def _insert_ignoring(session: Session, model: Any, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a row already there (a chunk sent again) stays."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


def _digest(session: Session, sha256: str, sender: str, count: int) -> str:
    """SHA-256 of ``sender``'s chunks 0 to ``count - 1`` of the file, in order, read a few at
    a time (never the whole file)."""
    digest = hashlib.sha256()
    for data in session.scalars(
        select(HubAttachmentChunk.data).where(
            HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender == sender,
            HubAttachmentChunk.idx < count)
        .order_by(HubAttachmentChunk.idx).execution_options(yield_per=16)
    ):
        digest.update(data)
    return digest.hexdigest()


def _check_chunk(size: int, index: int, data: bytes) -> None:
    """422 ``chunk_out_of_range`` or ``chunk_wrong_length`` for a chunk that a file of ``size``
    bytes (the caller's own record's) has no room for."""
    count = chunk_count(size)
    if not 0 <= index < count:
        raise HubError(422, "chunk_out_of_range",
                       f"Chunk {index} is beyond this file: it has chunks 0 to {count - 1}.")
    expected = chunk_length(size, index)
    if len(data) != expected:
        raise HubError(422, "chunk_wrong_length",
                       f"Chunk {index} of this file must be {expected} bytes, not {len(data)}.")


def _is_hubs_chunk(session: Session, sha256: str, index: int, data: bytes) -> bool:
    held = session.scalar(select(HubAttachmentChunk.data).where(
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender == FILE_CHUNK,
        HubAttachmentChunk.idx == index))
    return held is not None and bytes(held) == data


def store_chunk(session: Session, actor: Actor, sha256: str, index: int, data: bytes,
                now: str) -> ChunkOutcome:
    """Store chunk ``index`` of the file ``sha256`` for ``actor``, in the open transaction
    (taking the hub's write lock first, so a check and its write are never split). HubError:
    404 ``attachment_not_found`` (need-to-know), 422 ``chunk_out_of_range`` or
    ``chunk_wrong_length``; nothing is stored then. A chunk of a complete file from someone
    who may fetch it stores nothing. A caller who does not hold the file is answered by
    :func:`_show_holding`.
    """
    lock_writes(session)
    seen = seen_records(session, actor, sha256)
    if not seen.any:
        raise _not_found()
    stored = session.get(HubAttachment, sha256)
    if seen.granting and stored is not None and stored.complete:
        return ChunkOutcome(_whole(sha256, stored.size))
    # Nobody holds a file until it is whole (a holder is made only by a set that hashed
    # right, or chunks matching the whole file, and a whole file stays so while named):
    # every upload is a showing.
    if not seen.own:
        raise _not_found()
    return _show_holding(session, actor, sha256, stored, seen.own[0], index, data, now)


def _show_holding(session: Session, actor: Actor, sha256: str, stored: HubAttachment | None,
                  size: int, index: int, data: bytes, now: str) -> ChunkOutcome:
    """A chunk from someone whose own record names the file and who does not hold it yet
    (every uploader until they have sent it all, the first to name it as much as anyone):
    answered as if nobody else had named the file, so the answer never tells what the hub
    or anyone else holds. Checked against their own record's ``size``; the chunks they have
    sent are listed as ``received``. A file not whole on the hub yet: the chunk is staged
    with their own (:func:`_stage`). A whole file: it counts if it is the hub's byte for
    byte, and when they have sent the last one either every chunk was the hub's and they
    hold the file, or 422 ``attachment_hash_mismatch`` and their showing starts again, as
    for an upload that hashes wrong. Nothing of the hub's file is ever answered, not its
    size: only which of the caller's own chunks came."""
    _check_chunk(size, index, data)
    if stored is None or not stored.complete:
        return _stage(session, actor.user_id, sha256, stored, size, index, data, now)
    count = chunk_count(size)
    matched = stored.size == size and _is_hubs_chunk(session, sha256, index, data)
    row = _holder_row(session, sha256, actor.user_id)
    sent, differed = _showing(row)
    sent = sorted({*(i for i in sent if i < count), index})
    differed = differed or not matched
    if len(sent) < count:
        row.proven = _showing_text(sent, differed)
        return ChunkOutcome(_status(sha256, size, sent))
    row.proven = ""
    if differed:
        log.warning("attachment %s: chunks sent to show it is held did not match", sha256)
        return ChunkOutcome(_status(sha256, size, []), mismatch=True)
    row.holds = True
    log.info("attachment %s: shown to be held by a sender of every chunk", sha256)
    return ChunkOutcome(_whole(sha256, size))


def _stage(session: Session, sender: str, sha256: str, stored: HubAttachment | None,
           size: int, index: int, data: bytes, now: str) -> ChunkOutcome:
    """One chunk of a file not whole on the hub yet, into ``sender``'s own staged set (apart
    from everyone else's: nobody's chunks, or declared size, can spoil another's upload).
    When their set has every chunk their record's ``size`` has room for, it is hashed: a
    match makes the file whole (:func:`_complete`); a mismatch drops their own set only
    (422 ``attachment_hash_mismatch``)."""
    count = chunk_count(size)
    if stored is None:
        _insert_ignoring(session, HubAttachment,
                         {"sha256": sha256, "size": size, "complete": False, "created_at": now})
    # Chunks staged under another size their record once declared (an older record of theirs
    # went) can never hash right for this one.
    session.execute(delete(HubAttachmentChunk).where(
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender == sender,
        ~_fitting(size)).execution_options(synchronize_session=False))
    _insert_ignoring(session, HubAttachmentChunk,
                     {"sha256": sha256, "sender": sender, "idx": index, "data": data})
    received = _staged(session, sha256, sender, size)
    if len(received) < count:
        return ChunkOutcome(_status(sha256, size, received))
    if _digest(session, sha256, sender, count) != sha256:
        _drop_staged(session, sha256, sender)
        log.warning("attachment %s: a sender's %d chunks hash to another file; theirs dropped",
                    sha256, count)
        return ChunkOutcome(_status(sha256, size, []), mismatch=True)
    _complete(session, sender, sha256, size)
    log.info("attachment %s complete: %d chunks, %d bytes", sha256, count, size)
    return ChunkOutcome(_whole(sha256, size))


def _drop_staged(session: Session, sha256: str, sender: str) -> None:
    """Drop ``sender``'s staged chunks of the unfinished file; the file's row too (and its
    notes of who sent what, all of them showings of nothing) when nobody has any left."""
    session.execute(delete(HubAttachmentChunk).where(
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender == sender)
        .execution_options(synchronize_session=False))
    if session.scalar(select(exists().where(HubAttachmentChunk.sha256 == sha256))):
        return
    session.execute(delete(HubAttachmentHolder).where(HubAttachmentHolder.sha256 == sha256)
                    .execution_options(synchronize_session=False))
    session.execute(delete(HubAttachment).where(HubAttachment.sha256 == sha256)
                    .execution_options(synchronize_session=False))


def _complete(session: Session, sender: str, sha256: str, size: int) -> None:
    """``sender``'s staged set hashed right: it becomes the file's (``FILE_CHUNK``), the file
    complete at their size, and they hold it. Whatever anyone else had staged is compared
    with it, chunk by chunk, and noted as their showing (``proven``: so each is told the
    same chunks as before, and holds the file once they have sent the rest, each the
    file's); their staged rows go."""
    session.execute(update(HubAttachmentChunk).where(
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender == sender)
        .values(sender=FILE_CHUNK).execution_options(synchronize_session=False))
    staged, whole = aliased(HubAttachmentChunk), aliased(HubAttachmentChunk)
    same = session.execute(
        select(staged.sender, staged.idx, whole.data == staged.data)
        .outerjoin(whole, and_(whole.sha256 == staged.sha256, whole.sender == FILE_CHUNK,
                               whole.idx == staged.idx))
        .where(staged.sha256 == sha256, staged.sender != FILE_CHUNK)
        .order_by(staged.sender, staged.idx)).all()
    shown: dict[str, tuple[list[int], bool]] = {}
    for other, index, matched in same:
        sent, differed = shown.get(other, ([], False))
        shown[other] = ([*sent, index], differed or not matched)
    for other, (sent, differed) in shown.items():
        row = _holder_row(session, sha256, other)
        if not row.holds:
            row.proven = _showing_text(sent, differed)
    session.execute(delete(HubAttachmentChunk).where(
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender != FILE_CHUNK)
        .execution_options(synchronize_session=False))
    session.execute(update(HubAttachment).where(HubAttachment.sha256 == sha256)
                    .values(size=size, complete=True)
                    .execution_options(synchronize_session=False))
    row = _holder_row(session, sha256, sender)
    row.holds, row.proven = True, ""


def chunk_bytes(session: Session, actor: Actor, sha256: str, index: int) -> bytes | None:
    """Chunk ``index`` of the complete file ``sha256``, if ``actor`` may see a record naming
    it whose author holds it (None otherwise, and for a file not complete or an index beyond
    it). Only the file's own chunks, never anyone's staged ones."""
    if not seen_records(session, actor, sha256).granting:
        return None
    stored = session.get(HubAttachment, sha256)
    if stored is None or not stored.complete or not 0 <= index < chunk_count(stored.size):
        return None
    data = session.scalar(select(HubAttachmentChunk.data).where(
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.sender == FILE_CHUNK,
        HubAttachmentChunk.idx == index))
    return None if data is None else bytes(data)


# --------------------------------------------------------------------------- removal
def drop_unreferenced_attachments(session: Session) -> int:
    """Delete, in the open transaction, every file (its chunks, staged or whole, and who held
    it) that no ``hub_records`` row names any more, and every chunk someone staged of a file
    not whole yet when no record they wrote names it any more (only a record of their own let
    them send it); returns how many files went. Called wherever records are deleted
    (disposal), after the deletes, so the bytes go with the last record that named them."""
    session.flush()
    named = exists().where(HubRecord.attachment_sha256 == HubAttachment.sha256)
    gone = list(session.scalars(select(HubAttachment.sha256).where(~named)))
    for start in range(0, len(gone), 500):
        batch = gone[start:start + 500]
        session.execute(delete(HubAttachmentChunk)
                        .where(among(session, HubAttachmentChunk.sha256, batch))
                        .execution_options(synchronize_session=False))
        session.execute(delete(HubAttachmentHolder)
                        .where(among(session, HubAttachmentHolder.sha256, batch))
                        .execution_options(synchronize_session=False))
        session.execute(delete(HubAttachment).where(among(session, HubAttachment.sha256, batch))
                        .execution_options(synchronize_session=False))
    theirs = exists().where(HubRecord.attachment_sha256 == HubAttachmentChunk.sha256,
                            HubRecord.author_user == HubAttachmentChunk.sender)
    stale = int(session.execute(delete(HubAttachmentChunk).where(
        HubAttachmentChunk.sender != FILE_CHUNK, ~theirs)
        .execution_options(synchronize_session=False)).rowcount)  # type: ignore[attr-defined]
    if gone:
        log.info("%d attachment files no record names any more were deleted", len(gone))
    if stale:
        log.info("%d staged attachment chunks whose senders no longer name their file were "
                 "deleted", stale)
    return len(gone)


# --------------------------------------------------------------------------- the routes
def referral_documents(session: Session, rows: list[HubRecord]) -> list[HubRecord]:
    """The documents attached to the referrals among ``rows``, not already in ``rows``: a
    document attached to a referral has no case (the referral came first), so it is found by
    its ``attached_to``, never by a case id (a disposal erases them, a subject file lists
    them)."""
    referrals = {r.record_id for r in rows if r.kind == "referral"}
    if not referrals:
        return []
    return [row for row in session.scalars(select(HubRecord).where(
                HubRecord.kind == ATTACHMENT_KIND, HubRecord.case_id.is_(None)))
            if isinstance(row.body, dict) and row.body.get("attached_to") in referrals
            and row not in rows]


def _sending_caller(request: Request, authorization: Authorization = None) -> devices.Caller:
    """An authenticated device that may send what it holds: active, or retired."""
    return devices.request_caller(request.app.state.engine, authorization,
                                  request.app.state.clock, allow_retired=True)


#: A device that may send: active or retired (a retired laptop still hands over what it holds).
SendingCaller = Annotated[devices.Caller, Depends(_sending_caller)]


def _store(engine: Engine, clock: Clock, actor: Actor, sha256: str, index: int,
           data: bytes) -> ChunkOutcome:
    with Session(engine) as session, session.begin():
        return store_chunk(session, actor, sha256, index, data, iso(clock()))


def router(max_bytes: int) -> APIRouter:
    """The attachment routes, for ``create_app`` to include; ``max_bytes`` is the hub's
    ``attachment_max_bytes``."""
    api = APIRouter()
    limits = AttachmentLimits(max_bytes=max_bytes, chunk_bytes=ATTACHMENT_CHUNK_BYTES)

    @api.get(f"{API_PREFIX}/attachments/limits", response_model=AttachmentLimits,
             responses=ERROR_RESPONSES, summary="The largest file the hub takes")
    def get_limits(caller: Caller) -> AttachmentLimits:
        return limits

    @api.get(f"{API_PREFIX}/attachments/{{sha256}}", response_model=AttachmentStatus,
             responses=ERROR_RESPONSES, summary="What the hub holds of a file")
    def get_status(request: Request, sha256: str, caller: SendingCaller) -> AttachmentStatus:
        _check_sha256(sha256)
        with reading_session(request.app.state.engine) as session:
            status = attachment_status(session, caller.actor, sha256)
        if status is None:
            raise _not_found()
        return status

    @api.put(
        f"{API_PREFIX}/attachments/{{sha256}}/chunks/{{index}}",
        response_model=AttachmentStatus, responses=ERROR_RESPONSES,
        summary="Send one chunk of a file",
        openapi_extra={"requestBody": {"required": True, "content": {OCTET_STREAM: {
            "schema": {"type": "string", "format": "binary",
                       "maxLength": ATTACHMENT_CHUNK_BYTES}}}}},
    )
    async def put_chunk(request: Request, sha256: str, index: int,
                        caller: SendingCaller) -> AttachmentStatus:
        _check_sha256(sha256)
        data = await request.body()  # at most one chunk: BodyLimit
        outcome = await run_in_threadpool(
            _store, request.app.state.engine, request.app.state.clock, caller.actor, sha256,
            index, data)
        if outcome.mismatch:
            raise HubError(422, "attachment_hash_mismatch",
                           "The file's chunks do not hash to its SHA-256: the hub dropped "
                           "them. Send the file again.")
        return outcome.status

    @api.get(
        f"{API_PREFIX}/attachments/{{sha256}}/chunks/{{index}}",
        response_class=Response, responses={
            200: {"content": {OCTET_STREAM: {"schema": {"type": "string",
                                                        "format": "binary"}}}},
            **ERROR_RESPONSES},
        summary="One chunk of a complete file",
    )
    def get_chunk(request: Request, sha256: str, index: int, caller: Caller) -> Response:
        _check_sha256(sha256)
        with reading_session(request.app.state.engine) as session:
            data = chunk_bytes(session, caller.actor, sha256, index)
        if data is None:
            raise _not_found()
        return Response(content=data, media_type=OCTET_STREAM)

    return api
