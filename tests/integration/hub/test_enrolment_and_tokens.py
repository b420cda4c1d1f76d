"""Enrolment codes and tokens: what a worker sees when setting up or losing a laptop."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.hub.asgi import BODY_LIMITS
from spokeapp.hub.models import AuditEntry, Device
from spokeapp.hub.throttles import Throttles
from spokeapp.sync.protocol import GENESIS_HEAD, reenrol_message, token_proof_message
from tests.helpers.hub import Laptop, ManualClock, RunningHub, running_hub
from tests.helpers.records import case, session, young_person


def test_enrolment_code_works_once(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    code = hub.admin.enrolment_code(worker)
    first = Laptop(hub.base_url)
    first.enrol(code.lower())  # typed in lower case: still the same code
    assert first.user_id == worker
    assert first.hub_epoch == hub.init.hub_epoch

    reused = Laptop(hub.base_url).enrol_response(code)

    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_code"
    assert hub.admin.state()["devices"] == 1


def test_enrolment_code_expires_after_24_hours(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    code = hub.admin.enrolment_code(worker)
    hub.clock.advance(hours=24, seconds=1)

    response = Laptop(hub.base_url).enrol_response(code)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_code"
    assert hub.admin.state()["devices"] == 0


def test_unknown_code_and_bad_key_are_refused(hub: RunningHub) -> None:
    assert Laptop(hub.base_url).enrol_response("AAAA-BBBB-CCCC-DDDD").status_code == 400
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = Laptop(hub.base_url)
    response = laptop.http.post(
        "/v1/enrol",
        json={"code": hub.admin.enrolment_code(worker), "device_name": "x",
              "public_key": "A" * 44},
    )
    assert response.status_code == 422
    assert hub.admin.state()["devices"] == 0


def test_missing_garbage_and_expired_tokens_are_refused(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    assert laptop.http.get("/v1/device", headers=laptop.auth).status_code == 200
    for headers in ({}, {"Authorization": "Bearer not-a-token"},
                    {"Authorization": f"Bearer {laptop.access_token}x"},
                    {"Authorization": laptop.access_token}):
        for method, path in (("GET", "/v1/device"), ("GET", "/v1/sync/pull"),
                             ("POST", "/v1/sync/push")):
            response = laptop.http.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (method, path, headers)
            assert response.json()["error"] == "unauthorised"

    hub.clock.advance(minutes=15, seconds=1)
    expired = laptop.http.get("/v1/sync/pull", headers=laptop.auth)
    assert expired.status_code == 401
    laptop.refresh()  # the refresh token still works: a new access token
    assert laptop.http.get("/v1/sync/pull", headers=laptop.auth).status_code == 200


def test_wrong_refresh_token_is_refused(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    laptop.refresh_token = "x" * 43
    assert laptop.token_response().status_code == 401


def test_revoked_device_is_told_to_wipe(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    hub.admin.revoke(laptop.device_id, wipe=True)

    for response in (laptop.pull(), laptop.token_response(),
                     laptop.http.post("/v1/sync/push", headers=laptop.auth, json={})):
        assert response.status_code == 401
        assert response.json() == {
            "error": "device_revoked",
            "message": "This device has been revoked by the hub administrator.",
            "wipe": True,
        }
    status = laptop.http.get("/v1/device", headers=laptop.auth)
    assert status.status_code == 200
    assert status.json() == {"device_id": laptop.device_id, "status": "revoked", "wipe": True}


def test_revoked_without_wipe_is_retired_and_receives_nothing(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    hub.admin.revoke(laptop.device_id)
    response = laptop.pull()
    assert response.status_code == 401
    assert response.json()["error"] == "device_retired"
    assert "wipe" not in response.json()


# ------------------------------------------------------------------ issue 13: enrolment race
def test_one_code_sent_by_32_laptops_at_once_enrols_exactly_one(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    code = hub.admin.enrolment_code(worker)
    laptops = [Laptop(hub.base_url, name=f"Test laptop {n}") for n in range(32)]
    start = threading.Barrier(len(laptops))
    answers: dict[int, httpx.Response] = {}

    def enrol(n: int) -> None:
        start.wait()
        answers[n] = laptops[n].enrol_response(code)

    threads = [threading.Thread(target=enrol, args=(n,)) for n in range(len(laptops))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200] + [400] * 31
    assert {a.json()["error"] for a in answers.values() if a.status_code == 400} == {
        "invalid_code"}
    assert hub.admin.state()["devices"] == 1
    for laptop in laptops:
        laptop.close()


# ------------------------------------------------------------------ issue 13: token rotation
def _audit_actions(hub: RunningHub) -> list[str]:
    with Session(hub.engine) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_every_refresh_gives_a_new_refresh_token_and_the_old_one_locks_the_laptop(
    hub: RunningHub,
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    old = laptop.refresh_token
    laptop.refresh()
    assert laptop.refresh_token != old
    assert laptop.pull().status_code == 200
    hub.clock.advance(minutes=2)  # well past the grace for a lost answer

    stolen = laptop.http.post("/v1/token", json={"device_id": laptop.device_id,
                                                 "refresh_token": old})

    assert stolen.status_code == 401
    assert stolen.json()["error"] == "refresh_reused"
    assert "enrol this laptop again" in stolen.json()["message"]
    # Every token of that laptop is dead now, the current refresh token and access token too.
    current = laptop.token_response()
    assert (current.status_code, current.json()["error"]) == (401, "refresh_reused")
    for response in (laptop.pull(), laptop.http.get("/v1/device", headers=laptop.auth),
                     laptop.http.post("/v1/sync/push", headers=laptop.auth, json={})):
        assert (response.status_code, response.json()["error"]) == (401, "refresh_reused")
    assert _audit_actions(hub).count("refresh_reused") == 1
    # A new enrolment is a new device and works.
    again = hub.laptop(worker)
    assert again.pull().status_code == 200


def test_a_lost_token_answer_is_given_again_to_a_quick_retry(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    old = laptop.refresh_token
    lost = laptop.token_response()  # the hub rotated, but the answer never arrived
    assert lost.status_code == 200
    hub.clock.advance(seconds=30)

    retried = laptop.token_response()  # the laptop still holds the old token
    retried_again = laptop.token_response()

    assert retried.status_code == retried_again.status_code == 200
    assert retried.json()["refresh_token"] == lost.json()["refresh_token"]
    assert retried_again.json()["refresh_token"] == lost.json()["refresh_token"]
    laptop.refresh_token = retried.json()["refresh_token"]
    laptop.refresh()  # the new one works (and is replaced in turn)
    assert laptop.pull().status_code == 200
    assert "refresh_reused" not in _audit_actions(hub)
    # Once its replacement has been used, the old token is refused.
    reused = laptop.http.post("/v1/token", json={"device_id": laptop.device_id,
                                                 "refresh_token": old})
    assert reused.status_code == 401


def test_a_lost_answer_retried_after_the_grace_window_locks_the_laptop(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    assert laptop.token_response().status_code == 200  # lost
    hub.clock.advance(seconds=61)
    late = laptop.token_response()
    assert (late.status_code, late.json()["error"]) == (401, "refresh_reused")


def test_a_refresh_token_unused_for_180_days_expires(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    sleeping, busy = hub.laptop(worker, "Sleeping laptop"), hub.laptop(worker, "Busy laptop")
    for _month in range(6):
        hub.clock.advance(days=30)
        busy.refresh()  # each use starts the 180 days again
    hub.clock.advance(days=0, seconds=1)

    expired = sleeping.token_response()

    assert (expired.status_code, expired.json()["error"]) == (401, "refresh_expired")
    assert "180 days" in expired.json()["message"]
    busy.refresh()
    assert busy.pull().status_code == 200


def test_a_revoked_laptop_still_learns_to_wipe_after_its_token_was_reused(
    hub: RunningHub,
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    old = laptop.refresh_token
    laptop.refresh()
    hub.clock.advance(minutes=5)
    laptop.http.post("/v1/token", json={"device_id": laptop.device_id, "refresh_token": old})
    hub.admin.revoke(laptop.device_id, wipe=True)
    answer = laptop.token_response()
    assert (answer.status_code, answer.json()["error"], answer.json()["wipe"]) == (
        401, "device_revoked", True)


def test_a_restored_hub_takes_the_device_key_for_a_token_it_forgot(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    columns = ("refresh_hash", "previous_refresh_hash", "refresh_issued_at", "refresh_epoch")
    with Session(hub.engine) as session:
        device = session.get(Device, laptop.device_id)
        assert device is not None
        backed_up = {name: getattr(device, name) for name in columns}
    laptop.refresh()
    laptop.refresh()
    with Session(hub.engine) as session, session.begin():  # what a restore does to the row
        device = session.get(Device, laptop.device_id)
        assert device is not None
        for name, value in backed_up.items():
            setattr(device, name, value)
    # Not yet noticed as a restore (same epoch): the token is simply unknown.
    assert laptop.token_response().json()["error"] == "unauthorised"
    epoch = hub.admin.restore_epoch()

    asked = laptop.token_response()
    assert (asked.status_code, asked.json()["error"]) == (401, "refresh_proof_required")
    forged = Ed25519PrivateKey.generate().sign(
        token_proof_message(laptop.device_id, epoch, laptop.refresh_token))
    wrong = laptop.http.post("/v1/token", json={
        "device_id": laptop.device_id, "refresh_token": laptop.refresh_token,
        "proof": base64.b64encode(forged).decode("ascii")})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "unauthorised")
    proof = laptop.key.sign(token_proof_message(laptop.device_id, epoch, laptop.refresh_token))
    proven = laptop.http.post("/v1/token", json={
        "device_id": laptop.device_id, "refresh_token": laptop.refresh_token,
        "proof": base64.b64encode(proof).decode("ascii")})

    assert proven.status_code == 200, proven.text
    assert proven.json()["hub_epoch"] == epoch
    laptop.refresh_token = proven.json()["refresh_token"]
    laptop.refresh()  # an ordinary refresh from then on
    # The proof works once per epoch: the same request again is refused.
    replayed = laptop.http.post("/v1/token", json={
        "device_id": laptop.device_id, "refresh_token": "x" * 43,
        "proof": base64.b64encode(proof).decode("ascii")})
    assert replayed.status_code == 401


# ------------------------------------------------------------------ issue 13: throttling
def _enrol_again(new: Laptop, code: str, old_id: str, old_key: Ed25519PrivateKey) -> httpx.Response:
    signature = old_key.sign(reenrol_message(old_id, new.public_key))
    return new.http.post("/v1/enrol", json={
        "code": code, "device_name": new.name, "public_key": new.public_key,
        "replaces": {"device_id": old_id,
                     "signature": base64.b64encode(signature).decode("ascii")},
    })


def test_enrolling_again_is_signed_by_the_old_device_and_leaves_it_as_it_is(
    hub: RunningHub,
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    old = hub.laptop(worker)
    with Session(hub.engine) as db:
        old_row = db.get(Device, old.device_id)
        assert old_row is not None
        old_before = (old_row.status, old_row.refresh_hash, old_row.chain_head)
    code = hub.admin.enrolment_code(worker)
    new = Laptop(hub.base_url, name="Same laptop, enrolled again")
    before = hub.admin.state()

    forged = _enrol_again(new, code, old.device_id, Ed25519PrivateKey.generate())
    unknown = _enrol_again(new, code, "no-such-device", old.key)

    assert (forged.status_code, forged.json()["error"]) == (401, "bad_signature")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "unknown_device")
    assert hub.admin.state() == before  # the code is still unused
    answer = _enrol_again(new, code, old.device_id, old.key)
    assert answer.status_code == 200
    assert answer.json()["user_id"] == worker and answer.json()["device_id"] != old.device_id
    with Session(hub.engine) as db:
        old_row = db.get(Device, old.device_id)
        assert old_row is not None
        assert (old_row.status, old_row.refresh_hash, old_row.chain_head) == old_before
        entry = db.scalars(select(AuditEntry).where(
            AuditEntry.action == "enrol", AuditEntry.subject == answer.json()["device_id"])).one()
        assert entry.detail == f"replaces={old.device_id}"
    assert hub.admin.state()["devices"] == 2


def test_what_the_old_device_sent_is_a_duplicate_from_the_new_one_and_only_from_it(
    hub: RunningHub,
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    old = hub.laptop(worker)
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    first = [old.change(yp), old.change(cs)]
    second = [old.change(session(cs.id))]
    assert old.push(*first).status_code == 200
    assert old.push(*second).status_code == 200
    new = Laptop(hub.base_url, name="Same laptop, enrolled again")
    answer = _enrol_again(new, hub.admin.enrolment_code(worker), old.device_id, old.key)
    new.device_id, new.user_id = answer.json()["device_id"], answer.json()["user_id"]
    new.refresh_token, new.hub_epoch = answer.json()["refresh_token"], answer.json()["hub_epoch"]
    new.refresh()
    stranger = hub.laptop(hub.admin.add_user("Test Worker B", "worker", "north"))
    before = hub.admin.state()

    # Someone else sending the very same history is refused; nothing is stored.
    copied = stranger.send(stranger.batch(first, prev_head=GENESIS_HEAD))
    assert (copied.status_code, copied.json()["error"]) == (400, "chain_mismatch")
    # The same person's new device: its replay from genesis is all duplicates, and its head
    # follows the old chain, so what it writes next continues from there.
    replay = new.send(new.batch(first, prev_head=GENESIS_HEAD))
    assert replay.status_code == 200
    assert [r["status"] for r in replay.json()["results"]] == ["duplicate", "duplicate"]
    assert new.push(*second).json()["results"][0]["status"] == "duplicate"
    assert hub.admin.state()["hub_records"] == before["hub_records"]
    assert new.push(new.change(session(cs.id))).json()["results"][0]["status"] == "accepted"
    # Out of place (a different chain position), it is still refused.
    new_head = new.chain_head
    moved = new.send(new.batch(second, prev_head=new_head))
    assert (moved.status_code, moved.json()["error"]) == (400, "chain_mismatch")


def _from(address: str, base_url: str) -> Laptop:
    laptop = Laptop(base_url)
    laptop.http.close()
    laptop.http = httpx.Client(base_url=base_url, timeout=30,
                               transport=httpx.HTTPTransport(local_address=address))
    return laptop


@pytest.fixture
def strict_hub(database_url: str) -> Iterator[RunningHub]:
    """A hub whose throttles count loopback addresses one by one (as they count real ones)."""
    clock = ManualClock()
    with running_hub(database_url, clock,
                     throttles=Throttles.default(clock, exempt_loopback=False)) as running:
        yield running


def test_guessing_enrolment_codes_is_throttled_per_address(strict_hub: RunningHub) -> None:
    hub = strict_hub
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    guesser, colleague = _from("127.0.0.1", hub.base_url), _from("127.0.0.2", hub.base_url)
    for _ in range(6):
        assert guesser.enrol_response("AAAA-BBBB-CCCC-DDDD").status_code == 400

    throttled = guesser.enrol_response(hub.admin.enrolment_code(worker))

    assert throttled.status_code == 429
    assert throttled.json()["error"] == "too_many_attempts"
    retry_after = int(throttled.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    assert hub.admin.state()["devices"] == 0
    colleague.enrol(hub.admin.enrolment_code(worker))  # another address is served
    hub.clock.advance(seconds=retry_after)
    guesser.enrol(hub.admin.enrolment_code(worker))  # and this one again, once it waited
    assert hub.admin.state()["devices"] == 2


def test_good_enrolments_cost_less_than_bad_ones(strict_hub: RunningHub) -> None:
    hub = strict_hub
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    office = _from("127.0.0.3", hub.base_url)
    for _ in range(20):  # an administrator setting up twenty laptops in one go
        laptop = _from("127.0.0.3", hub.base_url)
        laptop.enrol(hub.admin.enrolment_code(worker))
    assert office.enrol_response("AAAA-BBBB-CCCC-DDDD").status_code == 400


def test_wrong_refresh_tokens_are_throttled_per_address(strict_hub: RunningHub) -> None:
    hub = strict_hub
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = _from("127.0.0.4", hub.base_url)
    laptop.enrol(hub.admin.enrolment_code(worker))
    real = laptop.refresh_token
    laptop.refresh_token = "x" * 43
    answers = [laptop.token_response().status_code for _ in range(60)]
    # 600 units a quarter of an hour: its good refresh at enrolment cost 1, each wrong one 10.
    assert answers == [401] * 59 + [429]
    laptop.refresh_token = real
    assert laptop.token_response().status_code == 429
    hub.clock.advance(minutes=15)
    laptop.refresh()


# ------------------------------------------------------------------ issue 13: body limits
@pytest.mark.parametrize("path", ["/v1/enrol", "/v1/token"])
@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_enrolment_and_token_bodies_are_413(hub: RunningHub, path: str,
                                                     chunked: bool) -> None:
    body = b'{"code": "' + b"A" * (BODY_LIMITS[path] + 1) + b'"}'
    content = iter([body[:100], body[100:]]) if chunked else body
    with httpx.Client(base_url=hub.base_url) as http:
        response = http.post(path, content=content,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
