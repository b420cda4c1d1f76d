"""A bad batch is refused whole, with a clear reason, and the hub stores nothing of it."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, YoungPerson
from spokeapp.domain.records.lone_working import CheckIn, CheckInKind
from spokeapp.sync.protocol import GENESIS_HEAD, MAX_BATCH_BYTES, MAX_BATCH_CHANGES
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import case, session, young_person

SECRET_WORDS = "Fictional words that must never be echoed"


@dataclass
class Scene:
    hub: RunningHub
    laptop: Laptop
    yp: YoungPerson
    cs: Case
    first_batch: dict[str, Any]


@pytest.fixture
def scene(hub: RunningHub) -> Iterator[Scene]:
    """A worker whose laptop already synced one case."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    first_batch = laptop.batch([laptop.change(yp), laptop.change(cs)])
    assert laptop.send(first_batch).status_code == 200
    yield Scene(hub, laptop, yp, cs, first_batch)
    laptop.close()


def _refused(scene: Scene, send: object) -> tuple[int, dict[str, object]]:
    """Run ``send`` and prove the hub is exactly as before; returns status and body."""
    before = scene.hub.admin.state()
    assert callable(send)
    response = send()
    assert scene.hub.admin.state() == before
    assert SECRET_WORDS not in response.text
    return response.status_code, response.json()


def test_malformed_json_is_400(scene: Scene) -> None:
    status, body = _refused(scene, lambda: scene.laptop.send(b'{"hub_epoch": "x", "chan'))
    assert (status, body["error"]) == (400, "malformed_json")


def test_wrong_types_are_422_without_echoing_values(scene: Scene) -> None:
    batch = scene.laptop.batch([scene.laptop.change(session(scene.cs.id))])
    batch["changes"][0]["base_seq"] = SECRET_WORDS
    batch["changes"][0]["op"] = SECRET_WORDS
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (422, "invalid_request")
    assert "changes.0.op" in str(body["message"])


def test_unknown_kind_is_422(scene: Scene) -> None:
    change = scene.laptop.change(kind="diary_entry", record_id="r-1", op="finalise",
                                 payload={"id": "r-1", "text": SECRET_WORDS})
    status, body = _refused(scene, lambda: scene.laptop.push(change))
    assert (status, body["error"]) == (422, "invalid_record")
    assert "kind" in str(body["message"])


def test_one_invalid_record_refuses_the_whole_batch(scene: Scene) -> None:
    good = session(scene.cs.id)
    bad = session(scene.cs.id, duration_minutes=0, discussed=SECRET_WORDS)  # breaks a rule
    changes = [scene.laptop.change(good), scene.laptop.change(bad)]
    status, body = _refused(scene, lambda: scene.laptop.push(*changes))
    assert (status, body["error"]) == (422, "invalid_record")
    assert "duration_minutes" in str(body["message"])


@pytest.mark.parametrize(("field", "make"), [
    # F1: armed, it made every round of the escalation watch overflow
    ("starts_at", lambda worker: visit_plan(
        worker, datetime(9999, 12, 31, 23, 0, tzinfo=UTC), hours=0.9, interval=15)),
    # F2: past year 1 once in UTC, it failed the push (and its group) with a 500
    ("starts_at", lambda worker: visit_plan(
        worker, datetime(1, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=5))))),
    ("at", lambda worker: CheckIn(
        id=new_id(), visit_id=new_id(), kind=CheckInKind.SAFE,
        at=datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=23, minutes=59))))),
])
def test_a_lone_working_record_dated_outside_the_years_is_422_and_arms_nothing(
    scene: Scene, field: str, make: Any,
) -> None:
    """Dates and times lie between the years 1900 and 2200 (also in UTC): beyond them the
    hub's sums (deadlines, a time zone's offset) overflow. Refused for that push alone, with
    the field named; nothing stored, no visit watched."""
    record = make(scene.laptop.user_id)
    status, body = _refused(scene, lambda: scene.laptop.push(scene.laptop.change(record)))
    assert (status, body["error"]) == (422, "invalid_record")
    assert f"{field}: must be between the years 1900 and 2200" in str(body["message"])
    # the laptop's next push goes on from where its chain stood
    assert scene.laptop.push(scene.laptop.change(session(scene.cs.id))).status_code == 200


def test_event_must_be_finalised(scene: Scene) -> None:
    change = scene.laptop.change(session(scene.cs.id), op="put")
    status, body = _refused(scene, lambda: scene.laptop.push(change))
    assert (status, body["error"]) == (422, "invalid_record")
    assert "finalised" in str(body["message"])


def test_oversized_request_is_413(scene: Scene) -> None:
    big = b'{"padding": "' + b"x" * (MAX_BATCH_BYTES + 10) + b'"}'
    status, body = _refused(scene, lambda: scene.laptop.send(big))
    assert (status, body["error"]) == (413, "batch_too_large")


def test_too_many_changes_is_413(scene: Scene) -> None:
    one = scene.laptop.change(session(scene.cs.id))
    batch = scene.laptop.batch([one])
    batch["changes"] = batch["changes"] * (MAX_BATCH_CHANGES + 1)
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (413, "batch_too_large")


def test_bad_signature_is_401(scene: Scene) -> None:
    batch = scene.laptop.batch([scene.laptop.change(session(scene.cs.id))])
    batch["chain"]["signature"] = base64.b64encode(b"\x01" * 64).decode()
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (401, "bad_signature")


def test_signature_of_another_device_is_401(scene: Scene) -> None:
    other = scene.hub.laptop(scene.laptop.user_id, "Other test laptop")
    batch = other.batch([other.change(session(scene.cs.id))], prev_head=scene.laptop.chain_head)
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (401, "bad_signature")


def test_tampered_payload_breaks_the_chain(scene: Scene) -> None:
    batch = scene.laptop.batch([scene.laptop.change(session(scene.cs.id))])
    batch["changes"][0]["payload"]["discussed"] = "Altered in transit (fictional)."
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (400, "chain_mismatch")


def test_reordered_batch_breaks_the_chain(scene: Scene) -> None:
    batch = scene.laptop.batch(
        [scene.laptop.change(session(scene.cs.id)), scene.laptop.change(session(scene.cs.id))]
    )
    batch["changes"].reverse()
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (400, "chain_mismatch")


def test_batch_not_following_the_stored_head_is_a_gap(scene: Scene) -> None:
    # Properly signed, but it claims to start from the beginning while the hub has more.
    batch = scene.laptop.batch([scene.laptop.change(session(scene.cs.id))],
                               prev_head=GENESIS_HEAD)
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (409, "chain_gap")


def test_resent_change_with_different_content_is_refused(scene: Scene) -> None:
    first = scene.laptop.change(session(scene.cs.id))
    head_before = scene.laptop.chain_head
    assert scene.laptop.push(first).status_code == 200
    forged = first.model_copy(update={"payload": {**first.payload, "discussed": "Other."}})
    batch = scene.laptop.batch([forged], prev_head=head_before)
    status, body = _refused(scene, lambda: scene.laptop.send(batch))
    assert (status, body["error"]) == (400, "chain_mismatch")


def test_finalised_record_cannot_change(scene: Scene) -> None:
    visit = session(scene.cs.id)
    scene.laptop.push_records(visit)
    changed = scene.laptop.change(visit, payload={**visit.to_dict(), "discussed": "Changed."})
    status, body = _refused(scene, lambda: scene.laptop.push(changed))
    assert (status, body["error"]) == (409, "record_final")


def test_epoch_change_refuses_pushes_until_the_laptop_catches_up(scene: Scene) -> None:
    new_epoch = scene.hub.admin.restore_epoch()
    change = scene.laptop.change(session(scene.cs.id))
    status, body = _refused(scene, lambda: scene.laptop.push(change))
    assert (status, body["error"]) == (409, "epoch_changed")

    # The laptop learns the new epoch from a pull, re-pulls, and re-pushes everything.
    assert scene.laptop.pull(after=0).json()["hub_epoch"] == new_epoch
    scene.laptop.hub_epoch = new_epoch
    again = scene.laptop.send({**scene.first_batch, "hub_epoch": new_epoch})
    assert again.status_code == 200, again.text
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert scene.laptop.push(change).status_code == 200


def test_request_validation_errors_use_error_body(scene: Scene) -> None:
    response = scene.laptop.http.get("/v1/sync/pull", params={"after": "-5"},
                                     headers=scene.laptop.auth)
    assert response.status_code == 422
    assert set(response.json()) == {"error", "message"}
    missing = scene.laptop.http.get("/v1/nowhere")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert json.loads(missing.text)["message"]


# ------------------------------------------------------------------ ids the database cannot hold
def _with_change_id(laptop: Laptop, record: Any, change_id: str) -> Any:
    return laptop.change(record).model_copy(update={"id": change_id})


def _check_in(visit_id: str) -> CheckIn:
    return CheckIn(id=new_id(), visit_id=visit_id, kind=CheckInKind.SAFE,
                   at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


@pytest.mark.parametrize("make", [
    # PostgreSQL refuses NUL in any text, and the hub looks records up by these: a 500 there
    # (on SQLite the first two were even stored).
    lambda s: _with_change_id(s.laptop, session(s.cs.id), str(uuid.uuid4())[:35] + "\u0000"),
    lambda s: s.laptop.change(session(s.cs.id, id="s-1\u0000")),
    lambda s: s.laptop.change(session(s.cs.id + "\u0000")),
    lambda s: s.laptop.change(case(s.yp, key_worker="u-\u0000")),
    lambda s: s.laptop.change(session(s.cs.id, discussed="Fictional\u0000note")),
    # An id longer than the hub's id columns (64 characters): a 500 on PostgreSQL.
    lambda s: s.laptop.change(_check_in("v" * 65)),
    # A line break in an id would forge a line of the hub's log, where refusals name ids.
    lambda s: s.laptop.change(session(s.cs.id, id="s-1\n2026-03-02 INFO forged line")),
], ids=["nul-in-change-id", "nul-in-record-id", "nul-in-case-id", "nul-in-key-worker",
        "nul-in-a-note", "visit-id-too-long", "line-break-in-record-id"])
def test_ids_and_text_the_database_cannot_hold_are_422(scene: Scene, make: Any) -> None:
    change = make(scene)
    status, body = _refused(scene, lambda: scene.laptop.push(change))
    assert (status, body["error"]) == (422, "invalid_record")
    assert "\u0000" not in str(body["message"]) and "forged" not in str(body["message"])
    # Refused whole and nothing moved: the laptop's next batch follows on.
    assert scene.laptop.push(scene.laptop.change(session(scene.cs.id))).status_code == 200


def test_a_refusal_logs_only_field_names_the_record_has(
    scene: Scene, caplog: pytest.LogCaptureFixture,
) -> None:
    """A field the record does not have is named in the answer to its sender (so a laptop
    newer than the hub can say which field is unknown) but never in the hub's log: the
    device made it up, so it may hold anything - a name, a line break forging a log line."""
    caplog.set_level(logging.INFO)
    made_up_key = "Test Person Alpha, 1 Demo Road\n2026-03-02 INFO forged line"
    visit = session(scene.cs.id)
    change = scene.laptop.change(visit, payload={**visit.to_dict(), made_up_key: 1})
    before = scene.hub.admin.state()
    response = scene.laptop.push(change)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_record")
    assert scene.hub.admin.state() == before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "push refused" in logged and "1 unknown field" in logged
    assert "Test Person Alpha" not in logged and "forged" not in logged
