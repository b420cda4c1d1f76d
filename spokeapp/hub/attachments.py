"""Attachments on the hub (issue 20; docs/attachments.md, "Sync" and "On the hub"): the bytes of
the files attachment records name, kept in the hub's database in 64 KiB chunks keyed by their
SHA-256 (``hub_attachments``, ``hub_attachment_chunks``), so backup, restore, scopes and
disposal apply unchanged.

* ``GET /v1/attachments/limits``: the hub's limit for one file and the chunk size.
* ``GET /v1/attachments/{sha256}``: what the hub holds of a file (a dropped upload resumes
  from ``received``).
* ``PUT /v1/attachments/{sha256}/chunks/{index}``: one chunk's raw bytes. Stored once however
  often it arrives (insert-or-ignore on the key, under the hub's write lock); when the last
  missing chunk arrives the chunks are hashed in order: a match marks the file complete, a
  mismatch drops them all (422 ``attachment_hash_mismatch``).
* ``GET /v1/attachments/{sha256}/chunks/{index}``: one chunk of a complete file.

Need-to-know on every request: the caller must be able to see a record that names the file
(:func:`seen_records`: a cased record by its case, as a pull sees it - restricted cases not
at all - an uncased one by its author, through :mod:`spokeapp.hub.scope`); otherwise 404
``attachment_not_found``, the same answer as for a file nobody named, so existence is not
leaked. The file's size is the one the caller's record declares. A caller whose own record
names a file they do not hold (they have not sent all of it yet - the first to name it too:
naming is not holding - or someone else sent it) is told only what their record declares and
which chunks they sent, as if nobody else had named it (:func:`_show_holding`): whether the
hub holds it, and its size, are not leaked either. A retired laptop may still send what
it holds (status and chunks), not fetch.

Not audited, like a pull: the records that name a file were pushed and pulled already. Logs
name devices, hashes and counts, never a file's name or contents. When records go (disposal:
:mod:`spokeapp.hub.disposal`), :func:`drop_unreferenced_attachments` removes in the same
transaction every file no remaining record names.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Engine, delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
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
    """What a caller showing they hold a file has sent so far (``proven``: the chunk indices,
    comma-separated, led by ``_DIFFERED`` once one of them was not the hub's): the indices,
    and whether one differed."""
    if row is None or not row.proven:
        return [], False
    text = row.proven
    differed = text.startswith(_DIFFERED)
    parts = text.removeprefix(_DIFFERED).split(",")
    return sorted(int(part) for part in parts if part), differed


def _showing_text(sent: list[int], differed: bool) -> str:
    return (_DIFFERED if differed else "") + ",".join(map(str, sent))


def _forget_showings(session: Session, sha256: str) -> None:
    """The hub's chunks of ``sha256`` went (a mismatch, or a restart for another size): what
    anyone had shown against them counts no more."""
    session.execute(update(HubAttachmentHolder).where(
        HubAttachmentHolder.sha256 == sha256, HubAttachmentHolder.holds.is_(False),
    ).values(proven="").execution_options(synchronize_session=False))


def _size_for(stored: HubAttachment | None, sizes: list[int]) -> int:
    """The size the caller's upload is checked against: the stored file's if one of the
    caller's records declares it, else what the caller's oldest record declares."""
    if stored is not None and stored.size in sizes:
        return stored.size
    return sizes[0]


def _status(session: Session, sha256: str, stored: HubAttachment | None,
            size: int) -> AttachmentStatus:
    if stored is not None and stored.complete:
        return AttachmentStatus(sha256=sha256, size=stored.size,
                                chunk_bytes=ATTACHMENT_CHUNK_BYTES,
                                received=list(range(chunk_count(stored.size))), complete=True)
    received: list[int] = []
    if stored is not None and stored.size == size:
        received = list(session.scalars(
            select(HubAttachmentChunk.idx).where(HubAttachmentChunk.sha256 == sha256)
            .order_by(HubAttachmentChunk.idx)))
    return AttachmentStatus(sha256=sha256, size=size, chunk_bytes=ATTACHMENT_CHUNK_BYTES,
                            received=received, complete=False)


def _showing_status(session: Session, actor: Actor, sha256: str,
                    size: int) -> AttachmentStatus:
    """The status told to a caller who does not hold the file (``Seen.granting`` empty):
    their own record's size and the chunks they have sent, whatever the hub holds, so the
    answer is the one they would get if nobody else had named the file."""
    sent, _differed = _showing(session.get(HubAttachmentHolder, (sha256, actor.user_id)))
    count = chunk_count(size)
    return AttachmentStatus(sha256=sha256, size=size, chunk_bytes=ATTACHMENT_CHUNK_BYTES,
                            received=[index for index in sent if index < count],
                            complete=False)


def attachment_status(session: Session, actor: Actor, sha256: str) -> AttachmentStatus | None:
    """What the hub holds of the file ``sha256`` (None: the caller may see no record naming
    it). To a caller who does not hold the file (no record they may see whose author holds
    it): only what their own oldest record declares and what they have sent, never the
    stored file's size or chunks (:func:`_showing_status`); to one who only reads records
    whose authors have not sent it yet, nothing received of what the oldest declares."""
    seen = seen_records(session, actor, sha256)
    if not seen.any:
        if not seen.waiting:
            return None
        return AttachmentStatus(sha256=sha256, size=seen.waiting[0],
                                chunk_bytes=ATTACHMENT_CHUNK_BYTES, received=[],
                                complete=False)
    if not seen.granting:
        return _showing_status(session, actor, sha256, seen.own[0])
    stored = session.get(HubAttachment, sha256)
    return _status(session, sha256, stored, _size_for(stored, seen.any))


# --------------------------------------------------------------------------- storing
@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    """What one chunk sent did: the file's status afterwards, and whether the last chunk made
    the file hash to something else (then every chunk was dropped)."""

    status: AttachmentStatus
    mismatch: bool = False


def _insert_ignoring(session: Session, model: Any, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a row already there (a chunk sent again) stays."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


def _digest(session: Session, sha256: str) -> str:
    """SHA-256 of the file's chunks in order, read a few at a time (never the whole file)."""
    digest = hashlib.sha256()
    for data in session.scalars(
        select(HubAttachmentChunk.data).where(HubAttachmentChunk.sha256 == sha256)
        .order_by(HubAttachmentChunk.idx).execution_options(yield_per=16)
    ):
        digest.update(data)
    return digest.hexdigest()


def _drop_chunks(session: Session, sha256: str) -> None:
    session.execute(delete(HubAttachmentChunk).where(HubAttachmentChunk.sha256 == sha256)
                    .execution_options(synchronize_session=False))
    _forget_showings(session, sha256)


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
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.idx == index))
    return held is not None and bytes(held) == data


def store_chunk(session: Session, actor: Actor, sha256: str, index: int, data: bytes,
                now: str) -> ChunkOutcome:
    """Store chunk ``index`` of the file ``sha256`` for ``actor``, in the open transaction
    (taking the hub's write lock first, so a check and its write are never split). HubError:
    404 ``attachment_not_found`` (need-to-know), 422 ``chunk_out_of_range`` or
    ``chunk_wrong_length``; nothing is stored then. A chunk of a complete file stores nothing.
    A caller who does not hold the file is answered by :func:`_show_holding`.
    """
    lock_writes(session)
    seen = seen_records(session, actor, sha256)
    if not seen.any:
        raise _not_found()
    stored = session.get(HubAttachment, sha256)
    if seen.granting and stored is not None and stored.complete:
        return ChunkOutcome(_status(session, sha256, stored, stored.size))
    # Nobody holds a file until it is whole (a holder is made only by the chunk completing
    # it, and a whole file stays so while named): every upload is a showing.
    if not seen.own:
        raise _not_found()
    return _show_holding(session, actor, sha256, stored, seen.own[0], index, data, now)


def _upload(session: Session, sha256: str, stored: HubAttachment | None, size: int,
            index: int, data: bytes, now: str) -> ChunkOutcome:
    """One chunk of a file the hub does not hold whole yet, into its chunks; when the last
    arrives, the file hashed (whether its sender holds it is :func:`_show_holding`'s)."""
    _check_chunk(size, index, data)
    count = chunk_count(size)
    if stored is None:
        _insert_ignoring(session, HubAttachment,
                         {"sha256": sha256, "size": size, "complete": False, "created_at": now})
    elif stored.size != size:
        # An earlier upload went by another record's size: it can never hash right for this
        # one (one of the two records is wrong); start again from the caller's.
        _drop_chunks(session, sha256)
        session.execute(update(HubAttachment).where(HubAttachment.sha256 == sha256)
                        .values(size=size).execution_options(synchronize_session=False))
        log.info("attachment %s: upload restarted for another declared size", sha256)
    _insert_ignoring(session, HubAttachmentChunk, {"sha256": sha256, "idx": index, "data": data})
    held = session.scalar(select(func.count()).select_from(HubAttachmentChunk)
                          .where(HubAttachmentChunk.sha256 == sha256)) or 0
    if held < count:
        session.expire_all()
        return ChunkOutcome(_status(session, sha256, session.get(HubAttachment, sha256), size))
    if _digest(session, sha256) != sha256:
        _drop_chunks(session, sha256)
        session.execute(delete(HubAttachment).where(HubAttachment.sha256 == sha256)
                        .execution_options(synchronize_session=False))
        log.warning("attachment %s: its %d chunks hash to another file; dropped", sha256, count)
        return ChunkOutcome(AttachmentStatus(sha256=sha256, size=size, received=[]),
                            mismatch=True)
    session.execute(update(HubAttachment).where(HubAttachment.sha256 == sha256)
                    .values(complete=True).execution_options(synchronize_session=False))
    log.info("attachment %s complete: %d chunks, %d bytes", sha256, count, size)
    return ChunkOutcome(AttachmentStatus(sha256=sha256, size=size,
                                         received=list(range(count)), complete=True))


def _show_holding(session: Session, actor: Actor, sha256: str, stored: HubAttachment | None,
                  size: int, index: int, data: bytes, now: str) -> ChunkOutcome:
    """A chunk from someone whose own record names the file and who does not hold it yet
    (every uploader until they have sent it all, the first to name it as much as anyone):
    answered as if
    nobody else had named the file, so the answer never tells what the hub holds. Checked
    against their own record's ``size``; the chunks they have sent are listed as
    ``received``; when they have sent the last one, either every chunk was the hub's byte
    for byte (a file not yet whole on the hub: their chunks went into it and it hashed
    right) and they hold the file, or 422 ``attachment_hash_mismatch`` and their showing
    starts again, as for an upload that hashes wrong. Nothing of the hub's file is ever
    answered, not its size: only which of the caller's own chunks came."""
    _check_chunk(size, index, data)
    count = chunk_count(size)
    if stored is not None and stored.complete:
        matched = stored.size == size and _is_hubs_chunk(session, sha256, index, data)
    else:
        # Not whole on the hub yet: the chunk goes into it as anyone's would (whoever
        # completes it, the hash decides), and counts for the caller if it is the one there.
        uploaded = _upload(session, sha256, stored, size, index, data, now)
        if uploaded.mismatch:  # every chunk dropped, every showing forgotten
            return uploaded
        matched = _is_hubs_chunk(session, sha256, index, data)
    row = _holder_row(session, sha256, actor.user_id)
    sent, differed = _showing(row)
    sent = sorted({*(i for i in sent if i < count), index})
    differed = differed or not matched
    if len(sent) < count:
        row.proven = _showing_text(sent, differed)
        return ChunkOutcome(AttachmentStatus(sha256=sha256, size=size,
                                             chunk_bytes=ATTACHMENT_CHUNK_BYTES,
                                             received=sent, complete=False))
    complete = session.scalar(select(HubAttachment.complete).where(
        HubAttachment.sha256 == sha256))
    row.proven = ""
    if differed or not complete:
        log.warning("attachment %s: chunks sent to show it is held did not match", sha256)
        return ChunkOutcome(AttachmentStatus(sha256=sha256, size=size, received=[]),
                            mismatch=True)
    row.holds = True
    log.info("attachment %s: shown to be held by a sender of every chunk", sha256)
    return ChunkOutcome(AttachmentStatus(sha256=sha256, size=size,
                                         chunk_bytes=ATTACHMENT_CHUNK_BYTES,
                                         received=list(range(count)), complete=True))


def chunk_bytes(session: Session, actor: Actor, sha256: str, index: int) -> bytes | None:
    """Chunk ``index`` of the complete file ``sha256``, if ``actor`` may see a record naming
    it whose author holds it (None otherwise, and for a file not complete or an index beyond
    it)."""
    if not seen_records(session, actor, sha256).granting:
        return None
    stored = session.get(HubAttachment, sha256)
    if stored is None or not stored.complete or not 0 <= index < chunk_count(stored.size):
        return None
    data = session.scalar(select(HubAttachmentChunk.data).where(
        HubAttachmentChunk.sha256 == sha256, HubAttachmentChunk.idx == index))
    return None if data is None else bytes(data)


# --------------------------------------------------------------------------- removal
def drop_unreferenced_attachments(session: Session) -> int:
    """Delete, in the open transaction, every file (and its chunks) that no ``hub_records``
    row names any more; returns how many files went. Called wherever records are deleted
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
    if gone:
        log.info("%d attachment files no record names any more were deleted", len(gone))
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
