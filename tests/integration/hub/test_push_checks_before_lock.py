"""The checks a push makes before its transaction (``prepare_push``) refuse exactly as before:
same precedence (a changed epoch is reported first), same limits, nothing stored."""

from __future__ import annotations

import base64
import json

from spokeapp.domain.records import Case
from spokeapp.sync.protocol import MAX_PAYLOAD_BYTES
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, session, young_person


def _laptop_with_case(hub: RunningHub) -> tuple[Laptop, Case]:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    assert laptop.push_records(yp, cs).status_code == 200
    return laptop, cs


def test_a_changed_epoch_is_reported_before_a_bad_signature(hub: RunningHub) -> None:
    laptop, cs = _laptop_with_case(hub)
    hub.admin.restore_epoch()
    batch = laptop.batch([laptop.change(session(cs.id))])
    batch["chain"]["signature"] = base64.b64encode(b"\x01" * 64).decode()
    before = hub.admin.state()
    response = laptop.send(batch)
    assert (response.status_code, response.json()["error"]) == (409, "epoch_changed")
    assert hub.admin.state() == before


def _size(payload: dict[str, object]) -> int:
    """The payload size the hub's limit is defined on (compact, ASCII-escaped JSON)."""
    return len(json.dumps(payload, separators=(",", ":")).encode("utf-8"))


def test_payload_size_limit_is_exact_around_the_limit(hub: RunningHub) -> None:
    laptop, cs = _laptop_with_case(hub)
    visit = session(cs.id)
    payload = visit.to_dict()
    room = MAX_PAYLOAD_BYTES - _size({**payload, "discussed": ""})

    payload["discussed"] = "x" * (room + 1)
    assert _size(payload) == MAX_PAYLOAD_BYTES + 1
    before = hub.admin.state()
    over = laptop.send(laptop.batch([laptop.change(visit, payload=payload)]))
    assert (over.status_code, over.json()["error"]) == (413, "payload_too_large")
    assert hub.admin.state() == before

    # Non-ASCII text counts as json.dumps writes it (escaped, 6 bytes a letter), as before,
    # even though its UTF-8 canonical form is well under the limit.
    payload["discussed"] = "é" * (room // 6 + 1)
    assert _size(payload) > MAX_PAYLOAD_BYTES
    assert len(json.dumps(payload, ensure_ascii=False).encode()) < MAX_PAYLOAD_BYTES
    over = laptop.send(laptop.batch([laptop.change(visit, payload=payload)]))
    assert (over.status_code, over.json()["error"]) == (413, "payload_too_large")
    assert hub.admin.state() == before

    payload["discussed"] = "x" * room
    assert _size(payload) == MAX_PAYLOAD_BYTES
    fits = laptop.send(laptop.batch([laptop.change(visit, payload=payload)]))
    assert fits.status_code == 200, fits.text
