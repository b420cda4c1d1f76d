"""Upgrades (docs/hub-admin.md, "Upgrading"): every Alembic migration, from every earlier
schema, with data in it, on SQLite and on PostgreSQL; and a database newer than this hub is
refused by every command.

The data is made once, at head, through the real code paths (a laptop enrols and pushes a young
person, a case, a session, a lone-working visit plan and an attachment, and uploads its file;
the administrator adds people, a contact, an area, a legal hold, a subject request, and moves a
case). For each revision r an empty database is migrated to r, the rows of every table that
exists at r are put in (only the columns that exist at r), and the database is upgraded to
head. Then every row must still be there with the values it had, and the current hub must
serve it: the same laptop signs in with the refresh token it had, pulls exactly what it pulled
before, pushes onto its chain, the escalation watch holds the visit, and the file is served
whole, where their tables existed. A later migration that drops or renames a column, or makes
a new one required without a default, fails here by name until this test is told what the old
rows held.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, Integer, MetaData, delete, func, insert, select, text
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Attachment
from spokeapp.hub import lone_working as hub_lw
from spokeapp.hub import schema
from spokeapp.hub.app import create_app
from spokeapp.hub.cli import main as spoke_hub
from spokeapp.hub.db import create_key_file, embedded_path, is_embedded, make_engine
from spokeapp.hub.models import Base, User
from spokeapp.sync.protocol import ATTACHMENT_CHUNK_BYTES
from tests.helpers.hub import (
    HubAdmin,
    Laptop,
    ManualClock,
    prepare_database,
    run_cli,
    running_hub,
    sqlite_url,
)
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import case, session, young_person

REVISIONS = schema.revisions()
#: Tables whose rows a migration adds by itself (the counter row of 0001).
_SEEDED = {"hub_counter"}


@dataclass
class Golden:
    """What a hub at head held, and the laptop that pushed into it."""

    rows: dict[str, list[dict[str, Any]]]
    laptop: dict[str, Any]
    pulled: dict[str, tuple[str, Any]]  # record id -> (op, payload), as the laptop pulled
    visit_id: str
    case_id: str
    lone_working_records: set[str] = field(default_factory=set)
    #: An attachment record and the bytes of its file, uploaded (migration 0013).
    attachment_records: set[str] = field(default_factory=set)
    attachment: bytes = b""


def _rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {table.name: [dict(row._mapping) for row in connection.execute(select(table))]
                for table in Base.metadata.sorted_tables}


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Golden]:
    url = sqlite_url(tmp_path_factory.mktemp("golden"))
    clock = ManualClock()
    with running_hub(url, clock) as hub:
        worker = hub.admin.add_user("Test Worker A", "worker", "north")
        other = hub.admin.add_user("Test Worker B", "worker", "north")
        hub.admin.add_user("Test Supervisor", "supervisor", "north")
        laptop = hub.laptop(worker)
        yp, moved_yp = young_person(1), young_person(2)
        kept, moved = case(yp, key_worker=worker), case(moved_yp, key_worker=worker)
        laptop.push_records(yp, kept, session(kept.id), moved_yp, moved, session(moved.id))
        plan = visit_plan(worker, clock.now)
        laptop.push_records(plan)
        document = b"Fictional consent form bytes. " * 3000  # two chunks
        attached = Attachment(
            id=new_id(), case_id=kept.id, attached_kind=None, attached_to=None,
            title="Fictional consent form", document_date=date(2026, 3, 2),
            file_name="consent-test.pdf", media_type="application/pdf", size=len(document),
            sha256=hashlib.sha256(document).hexdigest())
        laptop.push_records(attached)
        for index in range(2):
            sent = laptop.http.put(
                f"/v1/attachments/{attached.sha256}/chunks/{index}",
                content=document[index * ATTACHMENT_CHUNK_BYTES:
                                 (index + 1) * ATTACHMENT_CHUNK_BYTES],
                headers={**laptop.auth, "Content-Type": "application/octet-stream"})
            assert sent.status_code == 200, sent.text
        hub.admin.assign_case(moved.id, other)  # a tombstone for the worker's laptop
        for argv in (
            ["safety", "contact", "add", "--role", "on_call_manager", "--name",
             "Test On-call", "--phone", "+447700900789"],
            ["areas", "add", "Example Shire", "--districts", "EX1,EX2"],
            ["retention", "hold", kept.id, "--reason", "Fictional legal hold for the test."],
            ["requests", "add", "--kind", "access", "--case", kept.id, "--received",
             "2026-03-01"],
        ):
            assert spoke_hub([*argv, "--database", url]) == 0, argv
        state = {"device_id": laptop.device_id, "user_id": laptop.user_id,
                 "refresh_token": laptop.refresh_token, "hub_epoch": laptop.hub_epoch,
                 "chain_head": laptop.chain_head, "key": laptop.key}
        pulled = _pulled(laptop)
        laptop.close()
        rows = _rows(hub.engine)
    assert all(rows[t] for t in ("users", "devices", "hub_cases", "hub_records", "hub_changes",
                                 "hub_tombstones", "lw_watch", "lw_visit_records",
                                 "lw_contacts", "hub_areas", "hub_retention_holds",
                                 "hub_subject_requests", "audit", "hub_attachments",
                                 "hub_attachment_chunks"))
    assert (pulled[kept.id][0], pulled[plan.id][0], pulled[moved.id]) == (
        "put", "finalise", ("purge", None))
    yield Golden(rows, state, pulled, plan.id, kept.id, {plan.id}, {attached.id}, document)


def _pulled(laptop: Laptop) -> dict[str, tuple[str, Any]]:
    """Everything a pull from zero gives the laptop: record id -> (op, payload)."""
    laptop.cursor = 0
    return {c["record_id"]: (c["op"], c["payload"]) for c in laptop.pull_all()}


def _put_rows(engine: Engine, golden: Golden, revision: str) -> tuple[MetaData, set[str]]:
    """Insert the golden rows that fit the schema at ``revision``; returns the schema as it
    was and the record ids left out (lone-working records before lone working existed)."""
    old = MetaData()
    old.reflect(bind=engine)
    left_out = set() if "lw_watch" in old.tables else set(golden.lone_working_records)
    if "hub_attachments" not in old.tables:  # no hub took attachments before 0013
        left_out |= golden.attachment_records
    with engine.begin() as connection:
        for model in Base.metadata.sorted_tables:
            table = old.tables.get(model.name)
            rows = golden.rows[model.name]
            if table is None or not rows:
                continue
            if model.name in _SEEDED:
                connection.execute(delete(table))
            values = []
            for row in rows:
                if row.get("record_id") in left_out:
                    continue
                missing = [c.name for c in table.columns if c.name not in row]
                assert not missing, (
                    f"{model.name}.{missing} existed at revision {revision} but not at head: "
                    "say in this test what the old rows held there")
                values.append({c.name: row[c.name] for c in table.columns})
            if values:
                connection.execute(insert(table), values)
            if engine.dialect.name == "postgresql":
                _follow_serial(connection, table.name, table)
    return old, left_out


def _follow_serial(connection: Any, name: str, table: Any) -> None:
    """Rows put in with their ids: move PostgreSQL's id sequence past them, as the hub's own
    inserts would have."""
    for column in table.primary_key.columns:
        if isinstance(column.type, Integer):
            connection.execute(text(
                "SELECT setval(pg_get_serial_sequence(:t, :c), (SELECT max(" + column.name
                + ") FROM " + name + ")) WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"),
                {"t": name, "c": column.name})


@contextmanager
def _serving(engine: Engine, clock: ManualClock) -> Iterator[str]:
    """The current hub's app on the upgraded database, on a free loopback port."""
    server = uvicorn.Server(uvicorn.Config(create_app(engine=engine, clock=clock),
                                           host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize("revision", REVISIONS)
def test_data_at_every_schema_survives_the_upgrade_and_is_served(
    revision: str, golden: Golden, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")  # nothing moves while we look
    if is_embedded(database_url):
        create_key_file(embedded_path(database_url))
    engine = make_engine(database_url)
    try:
        assert schema.migrate(engine, revision) == (None, revision)
        old, left_out = _put_rows(engine, golden, revision)
        assert schema.migrate(engine) == (revision, schema.head_revision())

        # Every row is still there, with every value it had at its revision.
        now = _rows(engine)
        for name, table in old.tables.items():
            if name not in golden.rows:
                continue  # alembic_version
            key = [c.name for c in Base.metadata.tables[name].primary_key.columns]
            columns = [c.name for c in table.columns]
            expected = {tuple(r[k] for k in key): {c: r[c] for c in columns}
                        for r in golden.rows[name] if r.get("record_id") not in left_out}
            found = {tuple(r[k] for k in key): {c: r[c] for c in columns} for r in now[name]}
            assert found == expected, f"{name} changed in the upgrade from {revision}"

        # The current hub serves it: sign-in, the same pull, a push onto the chain.
        with _serving(engine, ManualClock()) as base_url:
            ready = httpx.get(f"{base_url}/readyz", timeout=10)
            assert ready.status_code == 200, ready.text
            laptop = Laptop(base_url)
            for name, value in golden.laptop.items():
                setattr(laptop, name, value)
            laptop.refresh()  # the refresh token it had before the upgrade
            pulled = _pulled(laptop)
            assert pulled == {k: v for k, v in golden.pulled.items() if k not in left_out}
            accepted = laptop.push_records(session(golden.case_id)).json()["results"]
            assert [r["status"] for r in accepted] == ["accepted"]
            if "hub_attachments" in old.tables:  # the file is still served, whole
                sha = hashlib.sha256(golden.attachment).hexdigest()
                chunks = [laptop.http.get(f"/v1/attachments/{sha}/chunks/{i}",
                                          headers=laptop.auth) for i in range(2)]
                assert b"".join(c.content for c in chunks) == golden.attachment
            laptop.close()
        with Session(engine) as s:
            visits = hub_lw.load_visits(s, [golden.visit_id])
        if golden.visit_id in left_out:
            assert visits[golden.visit_id] is None  # no lone working before 0002
        else:
            visit = visits[golden.visit_id]
            assert visit is not None and visit.armed_at is not None
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- 0018: holders
@contextmanager
def _worker_and_supervisor(engine: Engine, golden: Golden,
                           supervisor: str) -> Iterator[tuple[Laptop, Laptop]]:
    """The upgraded hub served, with the golden worker's laptop (its token refreshed) and a
    laptop newly enrolled for ``supervisor``."""
    clock = ManualClock()
    with _serving(engine, clock) as base_url:
        laptop = Laptop(base_url)
        for name, value in golden.laptop.items():
            setattr(laptop, name, value)
        laptop.refresh()
        reader = Laptop(base_url, "Test supervisor laptop")
        reader.enrol(HubAdmin(engine, clock).enrolment_code(supervisor))
        try:
            yield laptop, reader
        finally:
            laptop.close()
            reader.close()


def test_a_file_whole_under_the_first_namer_rule_stays_with_the_readers_of_its_first_record(
    golden: Golden, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Until 0018 the author of the oldest record naming a file held it without a row in
    ``hub_attachment_holders`` (as at 0017 for a file whose last chunk someone else sent, and
    for every file stored before 0017). After the upgrade that author holds each such file
    that was whole, so the readers of her record (she, and her supervisor on a laptop enrolled
    afterwards) still fetch it; a later record's author gains nothing; a showing under way by
    a first author of a whole file becomes holding; a file not yet whole gets no holder (its
    uploader goes on sending it; 0019 clears what was noted of her showing, its chunks having
    gone)."""
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")
    if is_embedded(database_url):
        create_key_file(embedded_path(database_url))
    worker = golden.laptop["user_id"]
    [other] = [u["id"] for u in golden.rows["users"]
               if u["role"] == "worker" and u["id"] != worker]
    [supervisor] = [u["id"] for u in golden.rows["users"] if u["role"] == "supervisor"]
    [record] = [r for r in golden.rows["hub_records"] if r["attachment_sha256"]]
    document = record["attachment_sha256"]
    shown, partial = "a1" * 32, "b2" * 32  # two more fictional files, by their hashes only
    engine = make_engine(database_url)
    try:
        schema.migrate(engine, "0017")
        old, _ = _put_rows(engine, golden, "0017")
        seq = max(r["seq"] for r in golden.rows["hub_records"])

        def named(sha: str, author: str) -> dict[str, Any]:
            nonlocal seq
            seq += 1
            return {**record, "record_id": new_id(), "author_user": author, "seq": seq,
                    "attachment_sha256": sha, "body": {**record["body"], "sha256": sha}}

        holders, files = old.tables["hub_attachment_holders"], old.tables["hub_attachments"]
        with engine.begin() as connection:
            connection.execute(delete(holders))  # the worker's upload left no row then
            connection.execute(insert(old.tables["hub_records"]), [
                named(document, other),  # a later record naming the same file
                named(shown, worker), named(shown, other),
                named(partial, worker)])
            connection.execute(insert(files), [
                {"sha256": shown, "size": 5, "complete": True, "created_at": "2026-03-02"},
                {"sha256": partial, "size": 5, "complete": False, "created_at": "2026-03-02"}])
            connection.execute(insert(holders), [
                {"sha256": shown, "user_id": worker, "proven": "0", "holds": False},
                {"sha256": partial, "user_id": worker, "proven": "0", "holds": False}])

        assert schema.migrate(engine) == ("0017", schema.head_revision())

        with engine.connect() as connection:
            rows = {(r.sha256, r.user_id): (r.proven, r.holds)
                    for r in connection.execute(select(holders))}
        # 0019 then clears the showing of the file not whole (the chunks it listed went).
        assert rows == {(document, worker): ("", True), (shown, worker): ("", True),
                        (partial, worker): ("", False)}
        with _worker_and_supervisor(engine, golden, supervisor) as (laptop, reader):
            for fetching in (laptop, reader):
                chunks = [fetching.http.get(f"/v1/attachments/{document}/chunks/{i}",
                                            headers=fetching.auth) for i in range(2)]
                assert [c.status_code for c in chunks] == [200, 200]
                assert b"".join(c.content for c in chunks) == golden.attachment
    finally:
        engine.dispose()


def test_a_file_half_sent_at_the_upgrade_is_finished_by_its_uploader_sending_it(
    golden: Golden, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker's laptop had sent the first chunk of her file when the hub was upgraded
    from 0017: nobody holds it, so her supervisor is told only that there is nothing to fetch
    yet (not the chunk the hub has); her laptop is asked
    for the whole file (the hub kept no note of who sent that chunk), sends it, and then
    holds it, and her supervisor fetches it."""
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")
    if is_embedded(database_url):
        create_key_file(embedded_path(database_url))
    [supervisor] = [u["id"] for u in golden.rows["users"] if u["role"] == "supervisor"]
    sha = hashlib.sha256(golden.attachment).hexdigest()
    parts = [golden.attachment[:ATTACHMENT_CHUNK_BYTES],
             golden.attachment[ATTACHMENT_CHUNK_BYTES:]]
    engine = make_engine(database_url)
    try:
        schema.migrate(engine, "0017")
        old, _ = _put_rows(engine, golden, "0017")
        chunks = old.tables["hub_attachment_chunks"]
        with engine.begin() as connection:
            connection.execute(delete(old.tables["hub_attachment_holders"]))
            connection.execute(delete(chunks).where(chunks.c.idx == 1))
            connection.execute(old.tables["hub_attachments"].update().values(complete=False))
        schema.migrate(engine)

        with _worker_and_supervisor(engine, golden, supervisor) as (laptop, reader):
            told = reader.http.get(f"/v1/attachments/{sha}", headers=reader.auth).json()
            assert (told["received"], told["complete"]) == ([], False)
            assert reader.http.get(f"/v1/attachments/{sha}/chunks/0",
                                   headers=reader.auth).status_code == 404
            asked = laptop.http.get(f"/v1/attachments/{sha}", headers=laptop.auth).json()
            assert (asked["received"], asked["complete"]) == ([], False)
            answers = [laptop.http.put(
                f"/v1/attachments/{sha}/chunks/{index}", content=part,
                headers={**laptop.auth, "Content-Type": "application/octet-stream"}).json()
                for index, part in enumerate(parts)]
            assert [(a["received"], a["complete"]) for a in answers] == [
                ([0], False), ([0, 1], True)]
            fetched = [reader.http.get(f"/v1/attachments/{sha}/chunks/{i}",
                                       headers=reader.auth) for i in range(2)]
            assert b"".join(c.content for c in fetched) == golden.attachment
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- 0019: senders
def test_a_whole_file_is_kept_and_a_half_sent_one_is_sent_again_after_0019(
    golden: Golden, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 0018 the hub held the golden file whole and one chunk of a second document of the
    same case: a made-up one, sent ahead of the worker's by someone else (the one shared set
    kept no note of whose). After the upgrade the whole file is served to the worker and her
    supervisor as before; the half-sent one's chunk is gone and not counted for anyone, so
    the worker's laptop is told nothing received, sends the document, and its first try
    makes it whole (before 0019 it would have met the made-up chunk and hashed wrong)."""
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")
    if is_embedded(database_url):
        create_key_file(embedded_path(database_url))
    worker = golden.laptop["user_id"]
    [supervisor] = [u["id"] for u in golden.rows["users"] if u["role"] == "supervisor"]
    [record] = [r for r in golden.rows["hub_records"] if r["attachment_sha256"]]
    letter = b"Fictional half-sent letter. " * 3000  # two chunks
    sha = hashlib.sha256(letter).hexdigest()
    parts = [letter[:ATTACHMENT_CHUNK_BYTES], letter[ATTACHMENT_CHUNK_BYTES:]]
    engine = make_engine(database_url)
    try:
        schema.migrate(engine, "0018")
        old, _ = _put_rows(engine, golden, "0018")
        seq = max(r["seq"] for r in golden.rows["hub_records"]) + 1
        with engine.begin() as connection:
            connection.execute(insert(old.tables["hub_records"]), [{
                **record, "record_id": new_id(), "seq": seq, "attachment_sha256": sha,
                "body": {**record["body"], "sha256": sha, "size": len(letter)}}])
            connection.execute(insert(old.tables["hub_attachments"]), [
                {"sha256": sha, "size": len(letter), "complete": False,
                 "created_at": "2026-03-02"}])
            connection.execute(insert(old.tables["hub_attachment_chunks"]), [
                {"sha256": sha, "idx": 0, "data": bytes(ATTACHMENT_CHUNK_BYTES)}])
            connection.execute(insert(old.tables["hub_attachment_holders"]), [
                {"sha256": sha, "user_id": worker, "proven": "!0", "holds": False}])

        assert schema.migrate(engine) == ("0018", schema.head_revision())

        whole = hashlib.sha256(golden.attachment).hexdigest()
        with engine.connect() as connection:
            kept = {(r.sha256, r.idx) for r in connection.execute(
                text("SELECT sha256, idx FROM hub_attachment_chunks"))}
        assert kept == {(whole, 0), (whole, 1)}  # the half-sent file's chunk went
        with _worker_and_supervisor(engine, golden, supervisor) as (laptop, reader):
            for fetching in (laptop, reader):
                kept = [fetching.http.get(f"/v1/attachments/{whole}/chunks/{i}",
                                          headers=fetching.auth) for i in range(2)]
                assert b"".join(c.content for c in kept) == golden.attachment
            asked = laptop.http.get(f"/v1/attachments/{sha}", headers=laptop.auth).json()
            assert (asked["received"], asked["complete"]) == ([], False)
            answers = [laptop.http.put(
                f"/v1/attachments/{sha}/chunks/{index}", content=part,
                headers={**laptop.auth, "Content-Type": "application/octet-stream"})
                for index, part in enumerate(parts)]
            assert [a.status_code for a in answers] == [200, 200], answers[-1].text
            assert answers[-1].json()["complete"] is True
            fetched = [reader.http.get(f"/v1/attachments/{sha}/chunks/{i}",
                                       headers=reader.auth) for i in range(2)]
            assert b"".join(c.content for c in fetched) == letter
        with engine.connect() as connection:
            chunks = {(r.sha256, r.sender, r.idx) for r in connection.execute(
                text("SELECT sha256, sender, idx FROM hub_attachment_chunks"))}
        assert chunks == {(whole, "", 0), (whole, "", 1), (sha, "", 0), (sha, "", 1)}
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- a newer schema
def test_a_database_newer_than_this_hub_is_refused_by_every_command(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A newer Spoke Hub upgraded the database (here: revision 0099); this older one must not
    read or write it. Every command says so, naming both revisions, and changes nothing."""
    engine, _init = prepare_database(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    monkeypatch.setenv("SPOKE_HUB_MARK_FILE", str(tmp_path / "mark"))
    head = schema.head_revision()

    def said(message: str) -> None:
        assert "schema revision 0099" in message and f"the newest it knows is {head}" in message
        assert "Install that newer version of Spoke Hub" in message

    served = run_cli("serve", "--port", "0", "--database", database_url)  # as a service would
    assert served.returncode == 1 and "Hub listening" not in served.stdout
    said(served.stderr)
    key = [] if is_embedded(database_url) else ["--key-file", str(tmp_path / "backup.key")]
    for argv in (["migrate"], ["user", "add", "Test Person", "--role", "worker", "--team",
                 "north"], ["user", "list"], ["device", "list"], ["safety", "status"],
                 ["backup", str(tmp_path / "copy.bak"), *key], ["restore-epoch"]):
        assert spoke_hub([*argv, "--database", database_url]) == 1, argv
        said(capsys.readouterr().err)
    assert not (tmp_path / "copy.bak").exists()
    unchecked = make_engine(database_url, schema_check=False)
    try:
        with Session(unchecked) as s:
            assert s.scalar(select(func.count()).select_from(User)) == 1  # the admin only
            assert s.scalar(text("SELECT version_num FROM alembic_version")) == "0099"
    finally:
        unchecked.dispose()
