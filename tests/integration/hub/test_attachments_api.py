"""Attachments on a real hub (docs/attachments.md), on SQLite and PostgreSQL, driven over HTTP by
enrolled laptops and by the laptop's own client: the limit, an upload in chunks and its
download, resuming, refusals that store nothing, a file whose chunks hash wrong, need-to-know,
sixteen identical chunks at once, and a file kept while any record names it. Every file is
fictional random bytes."""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Attachment, CaseStatus
from spokeapp.hub.cli import main
from spokeapp.hub.config import HubSettings
from spokeapp.hub.models import HubAttachment, HubAttachmentChunk, HubRecord
from spokeapp.sync.client import HubClient, HubEndpoint, HubRejected
from spokeapp.sync.protocol import ATTACHMENT_CHUNK_BYTES, AttachmentLimits
from tests.helpers.hub import Laptop, RunningHub, running_hub
from tests.helpers.records import case, referral, session, young_person

CHUNK = ATTACHMENT_CHUNK_BYTES
OCTETS = {"Content-Type": "application/octet-stream"}


def _file(size: int, seed: int = 1) -> bytes:
    """Fictional file contents: random bytes, the same for the same seed."""
    return random.Random(seed).randbytes(size)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _chunks(data: bytes) -> list[bytes]:
    return [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]


def attachment(case_id: str | None, data: bytes, **overrides: Any) -> Attachment:
    """An attachment record naming ``data`` (a fictional consent form on the case)."""
    fields: dict[str, Any] = {
        "id": new_id(), "case_id": case_id, "attached_kind": None, "attached_to": None,
        "title": "Fictional consent form", "document_date": date(2026, 3, 2), "note": "",
        "file_name": "consent-test.pdf", "media_type": "application/pdf",
        "size": len(data), "sha256": _sha(data),
    }
    fields.update(overrides)
    return Attachment(**fields)


def _put(laptop: Laptop, sha: str, index: int | str, data: bytes) -> httpx.Response:
    return laptop.http.put(f"/v1/attachments/{sha}/chunks/{index}", content=data,
                           headers={**laptop.auth, **OCTETS})


def _status(laptop: Laptop, sha: str) -> httpx.Response:
    return laptop.http.get(f"/v1/attachments/{sha}", headers=laptop.auth)


def _get(laptop: Laptop, sha: str, index: int) -> httpx.Response:
    return laptop.http.get(f"/v1/attachments/{sha}/chunks/{index}", headers=laptop.auth)


def _upload(laptop: Laptop, data: bytes) -> None:
    for index, part in enumerate(_chunks(data)):
        response = _put(laptop, _sha(data), index, part)
        assert response.status_code == 200, response.text


def _download(laptop: Laptop, sha: str, count: int) -> bytes:
    parts = []
    for index in range(count):
        response = _get(laptop, sha, index)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/octet-stream"
        parts.append(response.content)
    return b"".join(parts)


def _stored(hub: RunningHub, sha: str) -> tuple[int, int]:
    """How many file rows and chunk rows the hub holds for ``sha``."""
    with Session(hub.engine) as s:
        files = s.scalar(select(func.count()).select_from(HubAttachment)
                         .where(HubAttachment.sha256 == sha)) or 0
        chunks = s.scalar(select(func.count()).select_from(HubAttachmentChunk)
                          .where(HubAttachmentChunk.sha256 == sha)) or 0
    return files, chunks


@dataclass
class World:
    """Team north: worker W (one open case) and supervisor S; team south: worker V."""

    hub: RunningHub
    worker: Laptop
    supervisor: Laptop
    stranger: Laptop
    case_id: str


@pytest.fixture
def world(hub: RunningHub) -> Iterator[World]:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor North", "supervisor", "north")
    other = hub.admin.add_user("Test Worker South", "worker", "south")
    w, s, v = hub.laptop(worker), hub.laptop(supervisor), hub.laptop(other)
    yp = young_person(1)
    opened = case(yp, key_worker=worker)
    w.push_records(yp, opened)
    yield World(hub, w, s, v, opened.id)
    for laptop in (w, s, v):
        laptop.close()


# --------------------------------------------------------------------------- the limit
def test_the_limit_is_the_hubs_setting_and_a_larger_record_is_refused_whole(
        database_url: str) -> None:
    limit = 150_000
    with running_hub(database_url, settings=HubSettings(database_url=database_url,
                                                        attachment_max_bytes=limit)) as hub:
        worker = hub.admin.add_user("Test Worker North", "worker", "north")
        laptop = hub.laptop(worker)
        yp = young_person(1)
        opened = case(yp, key_worker=worker)
        laptop.push_records(yp, opened)

        answer = laptop.http.get("/v1/attachments/limits", headers=laptop.auth)
        assert answer.status_code == 200
        assert AttachmentLimits.model_validate(answer.json()) == AttachmentLimits(
            max_bytes=limit, chunk_bytes=65536)
        assert laptop.http.get("/v1/attachments/limits").status_code == 401

        before = hub.admin.state()
        too_big = attachment(opened.id, b"", size=limit + 1, sha256="ab" * 32)
        refused = laptop.push(laptop.change(session(opened.id)), laptop.change(too_big))
        assert refused.status_code == 413, refused.text
        assert refused.json()["error"] == "attachment_too_large"
        assert hub.admin.state() == before  # the session in the same batch went nowhere

        at_limit = attachment(opened.id, b"", size=limit, sha256="cd" * 32)
        laptop.push_records(at_limit)
        with Session(hub.engine) as s:
            row = s.get(HubRecord, at_limit.id)
            assert row is not None and row.attachment_sha256 == "cd" * 32
        laptop.close()


# --------------------------------------------------------------------------- up and down
def test_a_file_sent_in_chunks_resumes_from_what_arrived_and_comes_back_whole(
        world: World) -> None:
    data = _file(2 * CHUNK + 1000)
    sha = _sha(data)
    parts = _chunks(data)
    world.worker.push_records(attachment(world.case_id, data))

    fresh = _status(world.worker, sha)
    assert fresh.status_code == 200
    assert fresh.json() == {"sha256": sha, "size": len(data), "chunk_bytes": CHUNK,
                            "received": [], "complete": False}
    assert _put(world.worker, sha, 2, parts[2]).json()["received"] == [2]
    assert _put(world.worker, sha, 0, parts[0]).json()["received"] == [0, 2]
    # The connection dropped here: the laptop asks what arrived and sends only the rest.
    resumed = _status(world.worker, sha).json()
    assert (resumed["received"], resumed["complete"]) == ([0, 2], False)
    assert _get(world.worker, sha, 0).status_code == 404  # not served until complete

    done = _put(world.worker, sha, 1, parts[1])
    assert done.status_code == 200
    assert (done.json()["received"], done.json()["complete"]) == ([0, 1, 2], True)
    assert _download(world.worker, sha, 3) == data
    # The supervisor of the case's team sees the record, so may fetch the file too.
    assert _download(world.supervisor, sha, 3) == data
    assert _get(world.worker, sha, 3).status_code == 404  # beyond the file
    # A chunk of a complete file stores nothing and says it is complete.
    again = _put(world.worker, sha, 1, parts[1])
    assert again.status_code == 200 and again.json()["complete"] is True
    assert _stored(world.hub, sha) == (1, 3)


@pytest.mark.parametrize(("index", "cut", "status", "code"), [
    (0, -1, 422, "chunk_wrong_length"),       # a full chunk one byte short
    (2, +1, 422, "chunk_wrong_length"),       # the last chunk one byte long
    (3, 0, 422, "chunk_out_of_range"),        # beyond the file
    (-1, 0, 422, "chunk_out_of_range"),
    ("x", 0, 422, "invalid_request"),
    (0, +1, 413, "body_too_large"),           # more than one chunk's bytes
])
def test_a_bad_chunk_is_refused_and_changes_nothing(
        world: World, index: int | str, cut: int, status: int, code: str) -> None:
    data = _file(2 * CHUNK + 1000, seed=2)
    sha = _sha(data)
    world.worker.push_records(attachment(world.case_id, data))
    _put(world.worker, sha, 1, _chunks(data)[1])
    before = world.hub.admin.state()
    length = CHUNK if index in (0, 3, -1, "x") else 1000
    body = _file(length + cut, seed=3)

    refused = _put(world.worker, sha, index, body)

    assert refused.status_code == status, refused.text
    assert refused.json()["error"] == code
    assert world.hub.admin.state() == before
    assert _status(world.worker, sha).json()["received"] == [1]


@pytest.mark.parametrize("name", ["AB" * 32, "ab" * 31, "g" * 64, "ab" * 32 + "a"])
def test_a_file_name_that_is_not_a_sha256_is_refused(world: World, name: str) -> None:
    before = world.hub.admin.state()
    for response in (_put(world.worker, name, 0, b"x"), _status(world.worker, name),
                     _get(world.worker, name, 0)):
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "invalid_sha256"
    assert world.hub.admin.state() == before


def test_chunks_that_hash_to_another_file_are_all_dropped(world: World) -> None:
    data = _file(CHUNK + 500, seed=4)
    sha = _sha(data)
    world.worker.push_records(attachment(world.case_id, data))
    forged = _chunks(_file(len(data), seed=5))  # the right sizes, the wrong bytes

    assert _put(world.worker, sha, 0, forged[0]).json()["received"] == [0]
    mismatch = _put(world.worker, sha, 1, forged[1])

    assert mismatch.status_code == 422
    assert mismatch.json()["error"] == "attachment_hash_mismatch"
    assert _stored(world.hub, sha) == (0, 0)
    assert _status(world.worker, sha).json()["received"] == []
    assert _get(world.worker, sha, 0).status_code == 404
    _upload(world.worker, data)  # the real file still goes up afterwards
    assert _download(world.worker, sha, 2) == data


# --------------------------------------------------------------------------- need-to-know
def test_only_people_who_may_see_a_record_naming_the_file_reach_it(world: World) -> None:
    data = _file(1000, seed=6)
    sha = _sha(data)
    world.worker.push_records(attachment(world.case_id, data))
    admin = world.hub.laptop(world.hub.init.admin_id)
    unknown = _sha(b"no record names this")
    before = world.hub.admin.state()

    stranger_put = _put(world.stranger, sha, 0, data)
    assert stranger_put.status_code == 404
    assert world.hub.admin.state() == before  # nothing stored
    _upload(world.worker, data)
    for outsider in (world.stranger, admin):
        for response in (_status(outsider, sha), _put(outsider, sha, 0, data),
                         _get(outsider, sha, 0)):
            assert response.status_code == 404, response.text
            # The same answer as for a file nobody named: existence is not leaked.
            assert response.json() == _status(world.worker, unknown).json()
            assert response.json()["error"] == "attachment_not_found"
    assert world.worker.http.get(f"/v1/attachments/{sha}").status_code == 401
    assert world.worker.http.get(f"/v1/attachments/{sha}/chunks/0").status_code == 401
    assert _get(world.worker, sha, 0).content == data
    admin.close()


def test_naming_another_teams_file_tells_no_more_than_naming_one_nobody_holds(
        world: World) -> None:
    """The auditor's probe: a worker of another team names, in a record of her own, the hash
    of a file north holds (declaring a made-up size), and of a file nobody holds. Everything
    she is told is the same for both: the size her own record declares (never the real one),
    the same refusals, no chunk; and nothing of either is kept."""
    held = _file(123, seed=20)
    world.worker.push_records(attachment(world.case_id, held))
    _upload(world.worker, held)
    unheld = _file(123, seed=21)
    yp = young_person(2)
    own = case(yp, key_worker=world.stranger.user_id)
    world.stranger.push_records(yp, own, attachment(own.id, held, size=1),
                                attachment(own.id, unheld, size=1))

    def told(sha: str) -> list[tuple[int, Any]]:
        answers = [_status(world.stranger, sha), _put(world.stranger, sha, 0, b"xy"),
                   _put(world.stranger, sha, 1, b"x"), _put(world.stranger, sha, 0, b"x"),
                   _status(world.stranger, sha), _get(world.stranger, sha, 0)]
        bodies = [response.json() for response in answers]
        for body in bodies:
            body.pop("sha256", None)
        return [(r.status_code, body) for r, body in zip(answers, bodies, strict=True)]

    about_held, about_unheld = told(_sha(held)), told(_sha(unheld))

    assert about_held == about_unheld
    assert about_held[0] == (200, {"size": 1, "chunk_bytes": CHUNK, "received": [],
                                   "complete": False})
    assert [code for code, _ in about_held] == [200, 422, 422, 422, 200, 404]
    assert about_held[3][1]["error"] == "attachment_hash_mismatch"
    assert _stored(world.hub, _sha(held)) == (1, 1)
    assert _stored(world.hub, _sha(unheld)) == (0, 0)
    assert _download(world.worker, _sha(held), 1) == held


def test_a_case_moved_to_another_worker_takes_its_file_with_it(world: World) -> None:
    data = _file(1000, seed=7)
    sha = _sha(data)
    world.worker.push_records(attachment(world.case_id, data))
    _upload(world.worker, data)
    newcomer = world.hub.admin.add_user("Test Worker North Two", "worker", "north")
    laptop = world.hub.laptop(newcomer)
    assert _status(laptop, sha).status_code == 404

    world.hub.admin.assign_case(world.case_id, newcomer)

    assert _get(laptop, sha, 0).content == data
    assert _status(world.worker, sha).status_code == 404
    laptop.close()


# --------------------------------------------------------------------------- at once
def _at_once(laptop: Laptop, sha: str, index: int, data: bytes, times: int
             ) -> list[httpx.Response]:
    """``times`` identical PUTs released together, each on a connection of its own."""
    barrier = threading.Barrier(times)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def send() -> None:
        with httpx.Client(base_url=str(laptop.http.base_url), timeout=60) as http:
            barrier.wait()
            answer = http.put(f"/v1/attachments/{sha}/chunks/{index}", content=data,
                              headers={**laptop.auth, **OCTETS})
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_sixteen_identical_chunks_at_once_are_stored_once_and_hashed_once(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="spokeapp.hub.attachments")
    data = _file(CHUNK + 300, seed=8)
    sha = _sha(data)
    first, last = _chunks(data)
    world.worker.push_records(attachment(world.case_id, data))

    answers = _at_once(world.worker, sha, 0, first, 16)
    assert [a.status_code for a in answers] == [200] * 16
    assert all(a.json()["received"] == [0] for a in answers)
    assert _stored(world.hub, sha) == (1, 1)

    answers = _at_once(world.worker, sha, 1, last, 16)
    assert [a.status_code for a in answers] == [200] * 16
    assert all(a.json()["complete"] for a in answers)
    assert _stored(world.hub, sha) == (1, 2)
    completed = [r for r in caplog.records if "complete" in r.getMessage()]
    assert len(completed) == 1  # the last chunk was hashed once, not sixteen times
    assert _download(world.worker, sha, 2) == data


# --------------------------------------------------------------------------- removal
def _closed_case(hub: RunningHub, laptop: Laptop, worker: str, n: int
                 ) -> tuple[str, str]:
    """A case closed in 2015 (due for disposal), with its referral: (case id, referral id)."""
    yp = young_person(n, date_of_birth=date(1987, 7, 23))
    ref = referral(yp, received_on=date(2014, 2, 3), decided_on=date(2014, 2, 4))
    closed = case(yp, ref, key_worker=worker, opened_on=date(2014, 2, 5),
                  status=CaseStatus.CLOSED, closed_on=date(2015, 1, 1))
    laptop.push_records(yp, ref, closed)
    return closed.id, ref.id


def _dispose(hub: RunningHub, case_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["retention", "dispose", case_id, "--database", hub.database_url])
    assert code == 0, capsys.readouterr().err


def test_a_file_named_twice_is_stored_once_and_goes_with_the_last_record_naming_it(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    laptop = hub.laptop(worker)
    first, _ = _closed_case(hub, laptop, worker, 1)
    second, second_referral = _closed_case(hub, laptop, worker, 2)
    shared = _file(CHUNK + 10, seed=9)
    letter = _file(700, seed=10)  # a referral letter, attached to the second referral
    laptop.push_records(
        attachment(first, shared), attachment(second, shared),
        attachment(None, letter, attached_kind="referral", attached_to=second_referral,
                   title="Fictional referral letter"))
    _upload(laptop, shared)
    _upload(laptop, letter)
    assert _stored(hub, _sha(shared)) == (1, 2)

    _dispose(hub, first, capsys)

    assert _stored(hub, _sha(shared)) == (1, 2)  # the second case still names it
    assert _download(laptop, _sha(shared), 2) == shared

    _dispose(hub, second, capsys)

    assert _stored(hub, _sha(shared)) == (0, 0)
    assert _stored(hub, _sha(letter)) == (0, 0)  # went with its referral
    with Session(hub.engine) as s:
        assert s.scalar(select(func.count()).select_from(HubRecord).where(
            HubRecord.attachment_sha256.is_not(None))) == 0
    assert _status(laptop, _sha(shared)).status_code == 404
    laptop.close()


# --------------------------------------------------------------------------- the client
def test_the_laptops_client_sends_resumes_fetches_and_is_told_no(world: World) -> None:
    data = _file(2 * CHUNK + 7, seed=11)
    sha = _sha(data)
    parts = _chunks(data)
    world.worker.push_records(attachment(world.case_id, data))
    # The client takes over the laptop's sign-in (the refresh token rotates: the test
    # laptop only uses the access token it has from now on).
    with HubClient(HubEndpoint(world.hub.base_url), device_id=world.worker.device_id,
                   refresh_token=world.worker.refresh_token) as client, \
            HubClient(HubEndpoint(world.hub.base_url), device_id=world.stranger.device_id,
                      refresh_token=world.stranger.refresh_token) as stranger:
        assert client.attachment_limits() == AttachmentLimits(max_bytes=25_000_000,
                                                              chunk_bytes=CHUNK)
        assert client.attachment_status(_sha(b"nothing names this")) is None
        assert client.put_attachment_chunk(sha, 0, parts[0]).received == [0]
        resumed = client.attachment_status(sha)
        assert resumed is not None and (resumed.received, resumed.complete) == ([0], False)
        assert client.get_attachment_chunk(sha, 0) is None  # not complete yet
        answers = [client.put_attachment_chunk(sha, index, parts[index])
                   for index in range(len(parts)) if index not in resumed.received]
        assert len(answers) == 2  # only what had not arrived
        assert answers[-1].complete and answers[-1].received == [0, 1, 2]
        assert b"".join(client.get_attachment_chunk(sha, i) or b"" for i in range(3)) == data
        assert client.get_attachment_chunk(sha, 3) is None

        assert stranger.attachment_status(sha) is None
        assert stranger.get_attachment_chunk(sha, 0) is None
        with pytest.raises(HubRejected) as refused:
            stranger.put_attachment_chunk(sha, 0, parts[0])
        assert (refused.value.status, refused.value.error) == (404, "attachment_not_found")

        other = _file(900, seed=12)
        world.worker.push_records(attachment(world.case_id, other))
        with pytest.raises(HubRejected) as mismatch:
            client.put_attachment_chunk(_sha(other), 0, _file(900, seed=13))
        assert (mismatch.value.status, mismatch.value.error) == (422,
                                                                 "attachment_hash_mismatch")
        assert client.attachment_status(_sha(other)) is not None
        assert _stored(world.hub, _sha(other)) == (0, 0)


# --------------------------------------------------------------------------- naming first
def test_naming_a_file_first_gives_nothing_when_another_team_uploads_it(
        world: World) -> None:
    """North's worker knows the SHA-256 of a document south will upload (it leaked, or she
    saw it on a case she was moved off) and pushes a record naming it before south does,
    sending no byte. South then uploads the real file. North gets no chunk of it and her
    status says nothing of the hub's copy (the size her own record declares, no chunk); south,
    who sent it, and south's readers fetch it whole."""
    document = _file(2 * CHUNK + 321, seed=30)
    sha = _sha(document)
    world.worker.push_records(attachment(world.case_id, document, size=1))
    before = _status(world.worker, sha).json()

    yp = young_person(3)
    theirs = case(yp, key_worker=world.stranger.user_id)
    world.stranger.push_records(yp, theirs, attachment(theirs.id, document))
    south_reader = world.hub.laptop(
        world.hub.admin.add_user("Test Supervisor South", "supervisor", "south"))
    _upload(world.stranger, document)

    assert _status(world.stranger, sha).json()["complete"] is True
    assert _download(world.stranger, sha, 3) == document
    assert _download(south_reader, sha, 3) == document
    for index in range(3):
        refused = _get(world.worker, sha, index)
        assert (refused.status_code, refused.headers["content-type"]) == (
            404, "application/json")  # never a byte of the file, even in a message
        assert refused.json()["error"] == "attachment_not_found"
        assert _get(world.supervisor, sha, index).status_code == 404  # north's reader
    after = _status(world.worker, sha).json()
    assert after == before == {"sha256": sha, "size": 1, "chunk_bytes": CHUNK,
                               "received": [], "complete": False}
    south_reader.close()


def test_naming_a_file_first_with_its_real_size_tells_nothing_of_the_upload(
        world: World) -> None:
    """The same, north declaring the document's real size: while south's upload is under
    way and after it, north is told only the chunks she sent (none), never south's."""
    document = _file(2 * CHUNK + 321, seed=31)
    sha = _sha(document)
    parts = _chunks(document)
    world.worker.push_records(attachment(world.case_id, document))
    yp = young_person(3)
    theirs = case(yp, key_worker=world.stranger.user_id)
    world.stranger.push_records(yp, theirs, attachment(theirs.id, document))
    nothing = {"sha256": sha, "size": len(document), "chunk_bytes": CHUNK, "received": [],
               "complete": False}

    assert _put(world.stranger, sha, 0, parts[0]).json()["received"] == [0]
    assert _status(world.worker, sha).json() == nothing  # south's chunk 0 is not hers
    _upload(world.stranger, document)

    assert _status(world.worker, sha).json() == nothing
    assert _get(world.worker, sha, 0).status_code == 404
    assert _get(world.supervisor, sha, 0).status_code == 404
    assert _download(world.stranger, sha, 3) == document


def test_the_first_uploader_holds_her_file_once_she_has_sent_it_all(world: World) -> None:
    """The worker who attached a file is the first to name it: she holds it by sending it,
    not by naming it. Her upload goes as ever (her status lists what she sent, a dropped
    connection resumes from it, her last chunk answers complete); until it is whole her
    readers are told only that there is nothing to fetch yet; then they fetch it."""
    data = _file(2 * CHUNK + 500, seed=32)
    sha = _sha(data)
    parts = _chunks(data)
    world.worker.push_records(attachment(world.case_id, data))

    assert _put(world.worker, sha, 0, parts[0]).json()["received"] == [0]
    waiting = _status(world.supervisor, sha)
    assert (waiting.status_code, waiting.json()) == (200, {
        "sha256": sha, "size": len(data), "chunk_bytes": CHUNK, "received": [],
        "complete": False})  # not the chunk the hub has: nobody holds the file yet
    assert _get(world.supervisor, sha, 0).status_code == 404
    resumed = _status(world.worker, sha).json()  # the connection dropped: what arrived?
    assert (resumed["size"], resumed["received"], resumed["complete"]) == (len(data), [0],
                                                                           False)
    assert _put(world.worker, sha, 2, parts[2]).json()["received"] == [0, 2]
    done = _put(world.worker, sha, 1, parts[1]).json()

    assert (done["received"], done["complete"]) == ([0, 1, 2], True)
    assert _status(world.supervisor, sha).json()["complete"] is True
    assert _download(world.supervisor, sha, 3) == data
    assert _download(world.worker, sha, 3) == data
    assert _stored(world.hub, sha) == (1, 3)


def test_two_workers_of_a_team_attaching_the_same_leaflet_each_send_it_once(
        world: World) -> None:
    """A second north worker attaches the same fictional leaflet to a case of her own (she
    cannot see the first worker's case): her laptop is asked for it as for any upload, sends
    it once, and from then on she and her readers fetch it; the hub keeps one copy."""
    leaflet = _file(CHUNK + 77, seed=33)
    sha = _sha(leaflet)
    world.worker.push_records(attachment(world.case_id, leaflet))
    _upload(world.worker, leaflet)
    colleague = world.hub.laptop(world.hub.admin.add_user("Test Worker North Two", "worker",
                                                          "north"))
    yp = young_person(4)
    hers = case(yp, key_worker=colleague.user_id)
    colleague.push_records(yp, hers, attachment(hers.id, leaflet))

    asked = _status(colleague, sha).json()
    assert (asked["received"], asked["complete"]) == ([], False)
    _upload(colleague, leaflet)

    assert _status(colleague, sha).json()["complete"] is True
    assert _download(colleague, sha, 2) == leaflet
    assert _download(world.supervisor, sha, 2) == leaflet
    assert _stored(world.hub, sha) == (1, 2)
    colleague.close()


# --------------------------------------------------------------------------- spoiling
def _senders(hub: RunningHub, sha: str) -> dict[str, list[int]]:
    """The chunk indices the hub holds of ``sha``, by sender ('': the complete file's own)."""
    with Session(hub.engine) as s:
        rows = s.execute(select(HubAttachmentChunk.sender, HubAttachmentChunk.idx)
                         .where(HubAttachmentChunk.sha256 == sha)
                         .order_by(HubAttachmentChunk.sender, HubAttachmentChunk.idx)).all()
    found: dict[str, list[int]] = {}
    for sender, index in rows:
        found.setdefault(sender, []).append(index)
    return found


def _south_file(world: World, document: bytes, n: int = 5) -> Laptop:
    """South's worker (the world's stranger) attaches ``document`` to a case of her own;
    returns a laptop of south's supervisor, who reads that case."""
    yp = young_person(n)
    theirs = case(yp, key_worker=world.stranger.user_id)
    world.stranger.push_records(yp, theirs, attachment(theirs.id, document))
    return world.hub.laptop(world.hub.admin.add_user("Test Supervisor South", "supervisor",
                                                     "south"))


def test_wrong_chunks_sent_ahead_of_the_owners_do_not_spoil_her_upload(world: World) -> None:
    """North's worker knows the SHA-256 of a document south is about to upload, names it in
    a record of her own and sends chunks of the right length but the wrong bytes, ahead of
    south's, for every index but the last. South's upload still completes on its first try
    (until hub migration 0019 her last chunk met north's in one set: the file hashed wrong
    and was dropped, as often as north liked), south's supervisor downloads the right bytes;
    north's own set hashes wrong when she sends its last chunk, and she gets no byte."""
    document = _file(3 * CHUNK + 99, seed=40)
    sha = _sha(document)
    parts = _chunks(document)
    forged = _chunks(_file(len(document), seed=41))  # the right lengths, the wrong bytes
    world.worker.push_records(attachment(world.case_id, document))
    south_reader = _south_file(world, document)

    for index in range(3):
        assert _put(world.worker, sha, index, forged[index]).status_code == 200
    answers = [_put(world.stranger, sha, index, part) for index, part in enumerate(parts)]

    assert [a.status_code for a in answers] == [200] * 4, answers[-1].text
    assert [(a.json()["received"], a.json()["complete"]) for a in answers] == [
        ([0], False), ([0, 1], False), ([0, 1, 2], False), ([0, 1, 2, 3], True)]
    assert _download(south_reader, sha, 4) == document
    assert _download(world.stranger, sha, 4) == document
    assert _senders(world.hub, sha) == {"": [0, 1, 2, 3]}  # north's staged chunks went
    # North is told what she sent, as before south's upload; her last chunk fails her set.
    assert _status(world.worker, sha).json()["received"] == [0, 1, 2]
    spoilt = _put(world.worker, sha, 3, forged[3])
    assert (spoilt.status_code, spoilt.json()["error"]) == (422, "attachment_hash_mismatch")
    for reader in (world.worker, world.supervisor):
        assert [_get(reader, sha, index).status_code for index in range(4)] == [404] * 4
    assert _download(south_reader, sha, 4) == document
    south_reader.close()


def test_a_record_declaring_another_size_cannot_drop_the_owners_chunks(world: World) -> None:
    """South has sent half of her document when north's worker names it declaring another
    size and sends the one chunk that size has room for: north's set hashes wrong and only
    it goes (until hub migration 0019 a chunk for another size restarted the upload, every
    sender's chunks dropped). South's status still lists her chunks; she sends the rest and
    the file is whole."""
    document = _file(2 * CHUNK + 500, seed=42)
    sha = _sha(document)
    parts = _chunks(document)
    south_reader = _south_file(world, document)
    assert _put(world.stranger, sha, 0, parts[0]).json()["received"] == [0]
    assert _put(world.stranger, sha, 1, parts[1]).json()["received"] == [0, 1]
    world.worker.push_records(attachment(world.case_id, document, size=900))

    spoilt = _put(world.worker, sha, 0, _file(900, seed=43))
    assert (spoilt.status_code, spoilt.json()["error"]) == (422, "attachment_hash_mismatch")

    resumed = _status(world.stranger, sha).json()
    assert (resumed["size"], resumed["received"], resumed["complete"]) == (
        len(document), [0, 1], False)
    done = _put(world.stranger, sha, 2, parts[2]).json()
    assert (done["received"], done["complete"]) == ([0, 1, 2], True)
    assert _download(south_reader, sha, 3) == document
    assert _get(world.worker, sha, 0).status_code == 404
    south_reader.close()


def test_an_uploaders_status_lists_only_the_chunks_she_sent(world: World) -> None:
    """Someone else's chunks of a file arrive before the owner's (chunks 1 and 2, made up):
    the owner is told nothing of them, before her first chunk or after any of hers, and they
    never count for her; each is told only their own, and the owner's own set completes."""
    document = _file(3 * CHUNK + 1, seed=44)
    sha = _sha(document)
    parts = _chunks(document)
    world.worker.push_records(attachment(world.case_id, document))
    south_reader = _south_file(world, document)
    assert _put(world.worker, sha, 1, bytes(CHUNK)).json()["received"] == [1]
    assert _put(world.worker, sha, 2, bytes(CHUNK)).json()["received"] == [1, 2]

    told = [_status(world.stranger, sha).json()["received"]]
    for index in (3, 1, 0):
        sent = _put(world.stranger, sha, index, parts[index])
        assert sent.status_code == 200, sent.text  # the made-up chunks are not in her set
        told += [sent.json()["received"], _status(world.stranger, sha).json()["received"]]
    assert told == [[], [3], [3], [1, 3], [1, 3], [0, 1, 3], [0, 1, 3]]
    assert _status(world.worker, sha).json()["received"] == [1, 2]

    done = _put(world.stranger, sha, 2, parts[2])
    assert done.status_code == 200, done.text  # the made-up chunks were never in her set
    assert (done.json()["received"], done.json()["complete"]) == ([0, 1, 2, 3], True)
    assert _download(south_reader, sha, 4) == document
    assert _status(world.worker, sha).json()["received"] == [1, 2]  # still only her own
    assert _senders(world.hub, sha) == {"": [0, 1, 2, 3]}
    south_reader.close()


def test_disposal_takes_the_chunks_its_uploader_staged_of_a_file_not_whole(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    """A worker had sent half of a document of a case when the case was disposed; a worker
    of another team, whose own record names the same hash, has staged a chunk too. The
    disposal takes the first worker's staged chunks (no record of hers names the file any
    more), keeps the other's (hers still does) until her record goes too."""
    north = hub.admin.add_user("Test Worker North", "worker", "north")
    south = hub.admin.add_user("Test Worker South", "worker", "south")
    laptop, other = hub.laptop(north), hub.laptop(south)
    closed, _ = _closed_case(hub, laptop, north, 1)
    document = _file(3 * CHUNK + 5, seed=45)
    sha = _sha(document)
    parts = _chunks(document)
    laptop.push_records(attachment(closed, document))
    _put(laptop, sha, 0, parts[0])
    _put(laptop, sha, 1, parts[1])
    theirs, _ = _closed_case(hub, other, south, 2)
    other.push_records(attachment(theirs, document))
    _put(other, sha, 3, parts[3])
    assert _stored(hub, sha) == (1, 3)

    _dispose(hub, closed, capsys)

    assert _stored(hub, sha) == (1, 1)
    assert _senders(hub, sha) == {south: [3]}
    assert _status(other, sha).json()["received"] == [3]

    _dispose(hub, theirs, capsys)

    assert _stored(hub, sha) == (0, 0)
    laptop.close()
    other.close()
