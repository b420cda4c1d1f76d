"""Enrolment codes and tokens: what a worker sees when setting up or losing a laptop."""

from __future__ import annotations

from tests.helpers.hub import Laptop, RunningHub


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
