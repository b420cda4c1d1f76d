"""The hub's attachment store (``spokeapp.hub.attachments``) on the hub's tables, for what no
honest laptop does: records that name the same file with different sizes, and a referral's
document, scoped by its author. The HTTP routes, on SQLite and PostgreSQL, are in
tests/integration/hub/test_attachments_api.py."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from spokeapp.hub.attachments import (
    ChunkOutcome,
    attachment_status,
    chunk_bytes,
    drop_unreferenced_attachments,
    store_chunk,
)
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import COUNTER_ID
from spokeapp.hub.models import (
    Base,
    HubAttachment,
    HubAttachmentChunk,
    HubAttachmentHolder,
    HubCase,
    HubCounter,
    HubRecord,
    User,
)
from spokeapp.hub.push.rows import attachment_sha256_of
from spokeapp.hub.scope import Actor
from spokeapp.sync.protocol import ATTACHMENT_CHUNK_BYTES, AttachmentStatus

CHUNK = ATTACHMENT_CHUNK_BYTES
NOW = "2026-03-02T09:00:00+00:00"
NORTH = Actor("u-north", "worker", "north")
SOUTH = Actor("u-south", "worker", "south")
SUPERVISOR = Actor("u-super", "supervisor", "north")


def _data(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def db() -> Iterator[Engine]:
    """The hub's tables in memory: the three people above and a case in each team."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        session.add(HubCounter(id=COUNTER_ID, value=0))
        for actor in (NORTH, SOUTH, SUPERVISOR):
            session.add(User(id=actor.user_id, name="Test Person", role=actor.role,
                             team=actor.team, created_at=NOW))
        session.add_all([HubCase(case_id="case-north", key_worker=NORTH.user_id, team="north"),
                         HubCase(case_id="case-south", key_worker=SOUTH.user_id, team="south")])
    yield engine
    engine.dispose()


def _name(engine: Engine, record_id: str, case_id: str | None, author: str,
          data: bytes, size: int | None = None) -> None:
    """An attachment record on the hub naming ``data`` (declaring ``size``, if given)."""
    body: dict[str, Any] = {"id": record_id, "case_id": case_id, "sha256": _sha(data),
                            "size": len(data) if size is None else size}
    with Session(engine) as session, session.begin():
        seq = (session.scalar(select(func.count()).select_from(HubRecord)) or 0) + 1
        session.add(HubRecord(record_id=record_id, kind="attachment", case_id=case_id,
                              state="final", body=body, author_user=author, device_id=None,
                              seq=seq, hub_time=NOW,
                              attachment_sha256=attachment_sha256_of("attachment", body)))


def _store(engine: Engine, actor: Actor, sha: str, index: int, part: bytes) -> ChunkOutcome:
    """One chunk sent, in a transaction of its own (as the route does)."""
    with Session(engine) as session, session.begin():
        return store_chunk(session, actor, sha, index, part, NOW)


def _send(engine: Engine, actor: Actor, data: bytes, size: int | None = None) -> bool:
    """Every chunk of ``data`` (cut for ``size``); whether the last made the hub drop a
    mismatch."""
    size = len(data) if size is None else size
    mismatch = False
    for index in range(-(-size // CHUNK)):
        part = data[index * CHUNK:min(size, (index + 1) * CHUNK)]
        mismatch = _store(engine, actor, _sha(data), index, part).mismatch
    return mismatch


def _status(engine: Engine, actor: Actor, sha: str) -> AttachmentStatus | None:
    with Session(engine) as session:
        return attachment_status(session, actor, sha)


def _chunk(engine: Engine, actor: Actor, sha: str, index: int) -> bytes | None:
    with Session(engine) as session:
        return chunk_bytes(session, actor, sha, index)


def _column(engine: Engine, column: Any) -> list[Any]:
    with Session(engine) as session:
        return list(session.scalars(select(column)))


def test_only_attachment_records_name_a_file() -> None:
    assert attachment_sha256_of("attachment", {"sha256": "ab" * 32}) == "ab" * 32
    assert attachment_sha256_of("session", {"sha256": "ab" * 32}) is None
    assert attachment_sha256_of("attachment", {"sha256": None}) is None


def test_a_referrals_document_is_seen_by_its_author_and_their_supervisor_only(
        db: Engine) -> None:
    letter = _data(500, 1)
    _name(db, "att-ref", None, NORTH.user_id, letter)
    assert not _send(db, NORTH, letter)

    assert _chunk(db, NORTH, _sha(letter), 0) == letter
    assert _chunk(db, SUPERVISOR, _sha(letter), 0) == letter
    assert _chunk(db, SOUTH, _sha(letter), 0) is None
    assert _status(db, SOUTH, _sha(letter)) is None
    with pytest.raises(HubError) as refused:
        _store(db, SOUTH, _sha(letter), 0, letter)
    assert refused.value.code == "attachment_not_found"


def test_a_restricted_case_hides_its_files(db: Engine) -> None:
    form = _data(300, 2)
    _name(db, "att-1", "case-north", NORTH.user_id, form)
    _send(db, NORTH, form)
    with Session(db) as session, session.begin():
        case = session.get(HubCase, "case-north")
        assert case is not None
        case.restricted = True
    assert _status(db, NORTH, _sha(form)) is None
    assert _chunk(db, NORTH, _sha(form), 0) is None


def test_a_record_declaring_another_size_cannot_spoil_the_file(db: Engine) -> None:
    """Two records name one file; the south one declares the wrong size. Its upload can never
    complete: it hashes wrong and drops south's own chunk only, never north's (until hub
    migration 0019 it restarted north's unfinished upload); north's upload goes on from
    where it was, and from then on the wrong record changes nothing."""
    data = _data(CHUNK + 100, 3)
    sha = _sha(data)
    _name(db, "att-north", "case-north", NORTH.user_id, data)
    _name(db, "att-south", "case-south", SOUTH.user_id, data, size=900)
    assert _store(db, NORTH, sha, 0, data[:CHUNK]).status.received == [0]

    assert _send(db, SOUTH, data, size=900)  # one chunk of 900 bytes: hashes wrong
    assert _column(db, HubAttachmentChunk.sender) == [NORTH.user_id]  # north's chunk 0
    assert _status(db, NORTH, sha).received == [0]  # type: ignore[union-attr]

    last = _store(db, NORTH, sha, 1, data[CHUNK:])  # north's laptop sends only the rest
    assert (last.status.complete, last.mismatch) == (True, False)
    # South's own record names north's file: south has not shown it holds it, so it is asked
    # for the file as its own record declares it (never told the size north's holds), and
    # what it sends hashes wrong, as it would with no other record naming the file.
    south = _status(db, SOUTH, sha)
    assert south is not None and (south.size, south.complete, south.received) == (
        900, False, [])
    assert _store(db, SOUTH, sha, 0, data[:900]).mismatch
    assert _chunk(db, SOUTH, sha, 1) is None
    assert _chunk(db, NORTH, sha, 1) == data[CHUNK:]  # the file itself is unspoilt


def test_a_file_goes_only_when_no_record_names_it(db: Engine) -> None:
    kept, gone = _data(200, 4), _data(200, 5)
    _name(db, "att-kept", "case-north", NORTH.user_id, kept)
    _name(db, "att-gone", "case-north", NORTH.user_id, gone)
    _send(db, NORTH, kept)
    _send(db, NORTH, gone)
    with Session(db) as session, session.begin():
        session.delete(session.get(HubRecord, "att-gone"))
        assert drop_unreferenced_attachments(session) == 1
    assert _column(db, HubAttachment.sha256) == [_sha(kept)]
    assert _column(db, HubAttachmentChunk.sha256) == [_sha(kept)]


def test_naming_another_teams_file_by_its_hash_gets_none_of_it(db: Engine) -> None:
    """North's document is on the hub. South, knowing only its SHA-256, writes a record of its
    own naming it: south (and south's readers) get no byte of it, and sending made-up chunks
    counts for nothing."""
    letter = _data(CHUNK * 2 + 10, 8)
    sha = _sha(letter)
    _name(db, "att-north", "case-north", NORTH.user_id, letter)
    assert not _send(db, NORTH, letter)
    _name(db, "att-south", "case-south", SOUTH.user_id, letter)

    status = _status(db, SOUTH, sha)
    assert status is not None and not status.complete and status.received == []
    assert all(_chunk(db, SOUTH, sha, index) is None for index in range(3))
    # Made-up chunks (the first is not the file's) are taken as an upload's would be, and
    # the last one fails it as a file that hashes wrong: nothing counted, nothing given.
    guesses = [_store(db, SOUTH, sha, 0, bytes(CHUNK)),
               _store(db, SOUTH, sha, 1, letter[CHUNK:2 * CHUNK]),
               _store(db, SOUTH, sha, 2, letter[2 * CHUNK:])]
    assert [(g.status.received, g.mismatch) for g in guesses] == [
        ([0], False), ([0, 1], False), ([], True)]
    assert _status(db, SOUTH, sha).received == []  # type: ignore[union-attr]
    assert _chunk(db, SOUTH, sha, 0) is None
    assert _chunk(db, NORTH, sha, 2) == letter[2 * CHUNK:]  # north's copy untouched


def test_sending_the_same_file_shows_you_hold_it_and_then_your_readers_get_it(
        db: Engine) -> None:
    """Two workers attach the same leaflet: the second's laptop is asked for the chunks, each
    matching one counts, and once all have come the second worker's record gives the file to
    whoever reads it (here the second worker's other laptop). A chunk that differs starts the
    showing again."""
    leaflet = _data(CHUNK + 300, 9)
    sha = _sha(leaflet)
    _name(db, "att-north", "case-north", NORTH.user_id, leaflet)
    assert not _send(db, NORTH, leaflet)
    _name(db, "att-south", "case-south", SOUTH.user_id, leaflet)

    first = _store(db, SOUTH, sha, 0, leaflet[:CHUNK])
    assert (first.status.complete, first.status.received, first.mismatch) == (False, [0], False)
    assert _status(db, SOUTH, sha).received == [0]  # type: ignore[union-attr]  # resumes
    wrong = _store(db, SOUTH, sha, 1, bytes(300))
    assert wrong.mismatch and _status(db, SOUTH, sha).received == []  # type: ignore[union-attr]
    assert not _send(db, SOUTH, leaflet)

    status = _status(db, SOUTH, sha)
    assert status is not None and status.complete
    assert _chunk(db, SOUTH, sha, 1) == leaflet[CHUNK:]


def test_whoever_completes_a_file_holds_it_and_a_file_gone_forgets_its_holders(
        db: Engine) -> None:
    """The record first naming a file may be someone else's (two attached it at once): the
    person whose chunks made it whole sent its bytes, so their record gives it; the first
    record's author holds it only once she has sent it too. When no record names the file
    any more, who held it goes with it."""
    photo = _data(CHUNK + 700, 10)
    sha = _sha(photo)
    _name(db, "att-north", "case-north", NORTH.user_id, photo)
    _name(db, "att-south", "case-south", SOUTH.user_id, photo)
    assert not _send(db, SOUTH, photo)
    assert _chunk(db, SOUTH, sha, 1) == photo[CHUNK:]
    assert _chunk(db, NORTH, sha, 1) is None  # naming it first is not holding it
    north = _status(db, NORTH, sha)
    assert north is not None and (north.complete, north.received) == (False, [])

    assert not _send(db, NORTH, photo)  # north's laptop sends its own copy: the same bytes
    assert _chunk(db, NORTH, sha, 1) == photo[CHUNK:]
    assert sorted(_column(db, HubAttachmentHolder.user_id)) == sorted(
        [NORTH.user_id, SOUTH.user_id])

    with Session(db) as session, session.begin():
        session.delete(session.get(HubRecord, "att-north"))
        session.delete(session.get(HubRecord, "att-south"))
        assert drop_unreferenced_attachments(session) == 1
    assert _column(db, HubAttachmentHolder.sha256) == []


def test_naming_a_file_first_gives_none_of_what_another_team_uploads_later(
        db: Engine) -> None:
    """North knows the SHA-256 of a document south has not uploaded yet and names it, in a
    record of her own, before south does; she sends nothing, or made-up chunks. South then
    uploads the document: it holds it, its readers get it, and north gets no byte, and is
    told, before and after, only what her own record declares and what she sent."""
    document = _data(2 * CHUNK + 40, 14)
    sha = _sha(document)
    _name(db, "att-north", "case-north", NORTH.user_id, document)
    assert _store(db, NORTH, sha, 1, bytes(CHUNK)).status.received == [1]  # made up
    told_before = _status(db, NORTH, sha)
    _name(db, "att-south", "case-south", SOUTH.user_id, document)

    # South's upload: north's made-up chunk 1 is north's own, staged apart from south's, so
    # south's first attempt is whole (until hub migration 0019 the two met in one set, the
    # file hashed wrong and south had to send it again).
    assert not _send(db, SOUTH, document)

    assert _chunk(db, SOUTH, sha, 2) == document[2 * CHUNK:]
    assert all(_chunk(db, NORTH, sha, index) is None for index in range(3))
    assert all(_chunk(db, SUPERVISOR, sha, index) is None for index in range(3))
    told_after = _status(db, NORTH, sha)
    assert told_before is not None and told_after is not None
    assert (told_before.size, told_before.received, told_before.complete) == (
        len(document), [1], False)
    # North's made-up chunk is still what she sent (her status does not change when
    # someone else's upload makes the file whole), and it counts for nothing: her last
    # chunk will answer a mismatch.
    assert (told_after.size, told_after.received, told_after.complete) == (
        len(document), [1], False)
    assert _store(db, NORTH, sha, 0, document[:CHUNK]).status.received == [0, 1]
    assert _store(db, NORTH, sha, 2, document[2 * CHUNK:]).mismatch
    assert all(_chunk(db, NORTH, sha, index) is None for index in range(3))
    with Session(db) as session:
        assert list(session.scalars(select(HubAttachmentHolder.user_id).where(
            HubAttachmentHolder.holds.is_(True)))) == [SOUTH.user_id]


def _probe(engine: Engine, actor: Actor, sha: str, size: int) -> list[object]:
    """Everything ``actor`` is told while probing the file ``sha`` their own record names
    declaring ``size``: its status, a chunk too long, a chunk past the end, made-up chunks for
    the whole file, and its status after. The file's name is left out of each answer."""
    def told(step: Any) -> object:
        try:
            outcome = step()
        except HubError as refused:
            return (refused.status, refused.code, refused.message)
        if isinstance(outcome, ChunkOutcome):
            return (outcome.status.model_dump(exclude={"sha256"}), outcome.mismatch)
        return None if outcome is None else outcome.model_dump(exclude={"sha256"})

    count = -(-size // CHUNK)
    steps = [lambda: _status(engine, actor, sha),
             lambda: _store(engine, actor, sha, 0, bytes(min(size, CHUNK) + 1)),
             lambda: _store(engine, actor, sha, count, bytes(1))]
    steps += [lambda index=index: _store(engine, actor, sha, index,
                                         bytes(min(CHUNK, size - index * CHUNK)))
              for index in range(count)]
    steps.append(lambda: _status(engine, actor, sha))
    return [told(step) for step in steps]


@pytest.mark.parametrize("declared", ["the file's own size", "a made-up size"])
def test_a_file_another_team_holds_is_answered_as_one_nobody_holds(
        db: Engine, declared: str) -> None:
    """South names, in a record of its own, the hash of north's document (it has a copy it
    suspects is the same, or the hash from an earlier case) and of a document nobody holds.
    Whatever size it declares, everything it is told about the two is the same: the size its
    own record declares, the chunks it sent, the same refusals; never the size of north's
    file, nor that the hub holds it. And nothing of what it sent was kept."""
    held = _data(CHUNK * 2 + 10, 11)
    unheld = _data(CHUNK * 2 + 10, 12)  # the same size: only what the hub holds differs
    _name(db, "att-north", "case-north", NORTH.user_id, held)
    assert not _send(db, NORTH, held)
    size = len(held) if declared == "the file's own size" else 1
    _name(db, "att-south-1", "case-south", SOUTH.user_id, held, size=size)
    _name(db, "att-south-2", "case-south", SOUTH.user_id, unheld, size=size)

    about_held = _probe(db, SOUTH, _sha(held), size)
    about_unheld = _probe(db, SOUTH, _sha(unheld), size)

    assert about_held == about_unheld
    assert about_held[0] == {"size": size, "chunk_bytes": CHUNK, "received": [],
                             "complete": False}
    assert about_held[-1] == about_held[0]  # the made-up chunks counted for nothing
    assert _column(db, HubAttachmentChunk.sha256) == [_sha(held)] * 3
    with Session(db) as session:
        assert list(session.scalars(select(HubAttachmentHolder.user_id).where(
            HubAttachmentHolder.holds.is_(True)))) == [NORTH.user_id]
    assert _chunk(db, SOUTH, _sha(held), 0) is None
    assert b"".join(_chunk(db, NORTH, _sha(held), i) or b"" for i in range(3)) == held


def test_a_file_not_yet_whole_tells_someone_who_does_not_hold_it_only_their_own_chunks(
        db: Engine) -> None:
    """North's laptop has sent part of north's document when south names it: south is told
    only the chunks it sent itself (not that the hub holds north's first one), sends them all,
    and holds the file only when every chunk it sent was the file's."""
    data = _data(CHUNK * 2 + 10, 13)
    sha = _sha(data)
    _name(db, "att-north", "case-north", NORTH.user_id, data)
    assert _store(db, NORTH, sha, 0, data[:CHUNK]).status.received == [0]
    _name(db, "att-south", "case-south", SOUTH.user_id, data)

    south = _status(db, SOUTH, sha)
    assert south is not None and (south.size, south.received) == (len(data), [])
    assert not _send(db, SOUTH, data)

    status = _status(db, SOUTH, sha)
    assert status is not None and status.complete
    assert _chunk(db, SOUTH, sha, 2) == data[2 * CHUNK:]


def _chunk_rows(engine: Engine, sha: str) -> list[tuple[str, int]]:
    with Session(engine) as session:
        return [(sender, index) for sender, index in session.execute(
            select(HubAttachmentChunk.sender, HubAttachmentChunk.idx)
            .where(HubAttachmentChunk.sha256 == sha)
            .order_by(HubAttachmentChunk.sender, HubAttachmentChunk.idx))]


def test_staged_chunks_go_with_their_senders_last_record_and_with_the_file(
        db: Engine) -> None:
    """North and south each stage part of a file neither has finished. When north's record
    goes, her staged chunks go (only a record of her own let her send them); south's stay
    while her record names the file, and go with it."""
    data = _data(3 * CHUNK + 1, 15)
    sha = _sha(data)
    _name(db, "att-north", "case-north", NORTH.user_id, data)
    _name(db, "att-south", "case-south", SOUTH.user_id, data)
    _store(db, NORTH, sha, 0, data[:CHUNK])
    _store(db, NORTH, sha, 1, data[CHUNK:2 * CHUNK])
    _store(db, SOUTH, sha, 3, data[3 * CHUNK:])
    assert sorted(_column(db, HubAttachmentChunk.idx)) == [0, 1, 3]

    with Session(db) as session, session.begin():
        session.delete(session.get(HubRecord, "att-north"))
        assert drop_unreferenced_attachments(session) == 0  # south's record names it still
    assert _column(db, HubAttachmentChunk.idx) == [3]
    assert _chunk_rows(db, sha) == [(SOUTH.user_id, 3)]
    assert _status(db, SOUTH, sha).received == [3]  # type: ignore[union-attr]

    with Session(db) as session, session.begin():
        session.delete(session.get(HubRecord, "att-south"))
        assert drop_unreferenced_attachments(session) == 1
    assert _chunk_rows(db, sha) == []
    assert _column(db, HubAttachment.sha256) == []


def test_whoever_was_still_sending_when_a_file_became_whole_is_told_the_same_and_finishes(
        db: Engine) -> None:
    """North and south send the same leaflet at the same time; south's set is whole first.
    North's staged chunks go, but she is told the chunks she sent, as before (nothing says
    someone else finished), sends the rest, and holds the file: hers were the file's. A
    record declaring another size that had staged a chunk of the right bytes gets a
    mismatch after its last chunk, as its own set would have."""
    leaflet = _data(3 * CHUNK + 20, 16)
    sha = _sha(leaflet)
    _name(db, "att-north", "case-north", NORTH.user_id, leaflet)
    _name(db, "att-south", "case-south", SOUTH.user_id, leaflet)
    _name(db, "att-super", None, SUPERVISOR.user_id, leaflet, size=4 * CHUNK)
    _store(db, NORTH, sha, 0, leaflet[:CHUNK])
    _store(db, NORTH, sha, 2, leaflet[2 * CHUNK:3 * CHUNK])
    _store(db, SUPERVISOR, sha, 1, leaflet[CHUNK:2 * CHUNK])
    assert not _send(db, SOUTH, leaflet)

    assert _chunk_rows(db, sha) == [("", 0), ("", 1), ("", 2), ("", 3)]
    # North's supervisor reads north's record, whose author does not hold the file yet: he
    # is told his own chunk, and his last answers the mismatch his own set would have.
    assert _status(db, SUPERVISOR, sha).received == [1]  # type: ignore[union-attr]
    for index in (0, 2):
        _store(db, SUPERVISOR, sha, index, leaflet[index * CHUNK:(index + 1) * CHUNK])
    assert _store(db, SUPERVISOR, sha, 3, bytes(CHUNK)).mismatch

    north = _status(db, NORTH, sha)
    assert north is not None and (north.received, north.complete) == ([0, 2], False)
    assert _store(db, NORTH, sha, 1, leaflet[CHUNK:2 * CHUNK]).status.received == [0, 1, 2]
    last = _store(db, NORTH, sha, 3, leaflet[3 * CHUNK:])
    assert (last.status.complete, last.mismatch) == (True, False)
    assert _chunk(db, NORTH, sha, 3) == leaflet[3 * CHUNK:]
    assert _chunk(db, SUPERVISOR, sha, 3) == leaflet[3 * CHUNK:]  # through north's record
    assert _chunk_rows(db, sha) == [("", 0), ("", 1), ("", 2), ("", 3)]


def test_chunks_staged_for_a_size_the_senders_record_no_longer_declares_are_dropped(
        db: Engine) -> None:
    """North's oldest record declared a wrong size and she staged chunks for it; that record
    goes, her next one declares the right size: what no longer fits is not listed, and goes
    with her next chunk."""
    data = _data(2 * CHUNK + 10, 17)
    sha = _sha(data)
    _name(db, "att-wrong", "case-north", NORTH.user_id, data, size=3 * CHUNK)
    _name(db, "att-right", "case-north", NORTH.user_id, data)
    _store(db, NORTH, sha, 0, data[:CHUNK])
    _store(db, NORTH, sha, 2, bytes(CHUNK))  # a full last chunk, for the wrong size
    with Session(db) as session, session.begin():
        session.delete(session.get(HubRecord, "att-wrong"))

    assert _status(db, NORTH, sha).received == [0]  # type: ignore[union-attr]
    assert _store(db, NORTH, sha, 1, data[CHUNK:2 * CHUNK]).status.received == [0, 1]
    assert _chunk_rows(db, sha) == [(NORTH.user_id, 0), (NORTH.user_id, 1)]
    assert _store(db, NORTH, sha, 2, data[2 * CHUNK:]).status.complete
