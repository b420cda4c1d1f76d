"""Hostile or broken network input to every hub route (issue 13): numbers too big for the
database, dates at the ends of the calendar, control characters, non-ASCII headers and
oversized bodies each get a clear 4xx with an error code - never a 500 - and change nothing.
The API's own description is not handed to strangers."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from spokeapp.hub.asgi import BODY_LIMITS, DEFAULT_BODY_LIMIT
from spokeapp.sync.protocol import MAX_BATCH_BYTES, MAX_SEQ
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, session, young_person

SMS_SECRET = "fictional-sms-secret-for-tests"


@dataclass
class Scene:
    hub: RunningHub
    worker: Laptop
    supervisor: Laptop


@pytest.fixture
def scene(hub: RunningHub, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scene]:
    """A worker who pushed a case and a session, and her supervisor (SMS gateway set up)."""
    monkeypatch.setenv("SPOKE_HUB_SMS_SECRET", SMS_SECRET)
    worker_id = hub.admin.add_user("Test Worker A", "worker", "north")
    worker = hub.laptop(worker_id)
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor", "supervisor", "north"))
    yp = young_person(1)
    cs = case(yp, key_worker=worker_id)
    worker.push_records(yp, cs, session(cs.id))
    yield Scene(hub, worker, supervisor)
    worker.close()
    supervisor.close()


def _refused(scene: Scene, send: Any) -> tuple[int, dict[str, Any]]:
    """Send a request; it must be a 4xx with an error code that stored nothing."""
    before = scene.hub.admin.state()
    response: httpx.Response = send()
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"]
    assert scene.hub.admin.state() == before
    return response.status_code, body


# ------------------------------------------------------------------ numbers and dates
BIG = str(2**63)  # 9223372036854775808: one past what the database can hold


@pytest.mark.parametrize(("path", "status", "code"), [
    (f"/v1/sync/pull?after={BIG}", 422, "invalid_request"),
    (f"/v1/sync/pull?after={10**40}", 422, "invalid_request"),
    (f"/v1/sync/pull?limit={BIG}", 422, "invalid_request"),
    (f"/v1/sync/pull?after=-{BIG}", 422, "invalid_request"),
    ("/v1/reports?from=0001-01-01&to=2026-01-31", 422, "invalid_request"),
    ("/v1/reports?from=2026-01-01&to=9999-12-31", 422, "invalid_request"),
    ("/v1/reports?from=1999-12-31&to=2026-01-31", 422, "invalid_request"),
    ("/v1/reports?from=2026-01-01&to=2200-01-01", 422, "invalid_request"),
    ("/v1/reports?from=10000-01-01&to=10000-01-02", 422, "invalid_request"),
    ("/v1/reports?from=2026-02-30&to=2026-03-01", 422, "invalid_request"),
    ("/v1/team?team=%00", 400, "invalid_query"),
    ("/v1/team?team=north%0A", 400, "invalid_query"),
    ("/v1/reports?from=2026-01-01&to=2026-01-31&scope=worker:%00", 400, "invalid_query"),
    ("/v1/reports?from=2026-01-01&to=2026-01-31&scope=%FF%FE", 400, "invalid_query"),
    ("/v1/sync/pull?after=%00", 400, "invalid_query"),
])
def test_out_of_range_numbers_dates_and_control_characters_in_queries(
    scene: Scene, path: str, status: int, code: str,
) -> None:
    laptop = scene.supervisor if "team" in path else scene.worker
    got, body = _refused(scene, lambda: laptop.http.get(path, headers=laptop.auth))
    assert (got, body["error"]) == (status, code)


@pytest.mark.parametrize("path", [
    "/v1/cases/%00/file", "/v1/cases/c-1%0Aforged/file", "/v1/devices/%00/report",
    "/v1/devices/dev%7F/report", "/v1/attachments/%00", "/v1/nowhere%00",
])
def test_control_characters_in_a_path_are_refused_before_any_route(scene: Scene,
                                                                   path: str) -> None:
    """A path's parameters are ids, and no id holds a control character: such a path names
    nothing. NUL in a case or device id reached PostgreSQL, which refused it: a 500."""
    admin = scene.hub.laptop(scene.hub.init.admin_id)
    for laptop in (scene.worker, scene.supervisor, admin):
        status, body = _refused(scene, lambda laptop=laptop: laptop.http.get(
            path, headers=laptop.auth))
        assert (status, body["error"]) == (404, "not_found"), laptop.user_id
    admin.close()


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/audit/case-views", b'{"views": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
    ("/v1/audit/case-views", b'{"views": [{"seq": 1' + b"0" * 5000
     + b', "case_id": "c-1", "at": "2026-03-02T10:00:00+00:00"}]}'),
    ("/v1/enrol", b'{"code": ' + b"[" * 1900 + b"]" * 1900 + b"}"),
    ("/v1/token", b'{"device_id": "d", "refresh_token": ' + b"[" * 1900 + b"]" * 1900 + b"}"),
], ids=["nested-5000-deep", "number-of-5000-digits", "enrol-nested", "token-nested"])
def test_bodies_too_deep_or_too_long_to_read_are_malformed_json(
    scene: Scene, path: str, body: bytes,
) -> None:
    """What Python's JSON reader gives up on (nesting past its recursion limit, a number of
    more than 4,300 digits) is malformed JSON like any other, with the documented code."""
    laptop = scene.supervisor
    status, answer = _refused(scene, lambda: laptop.http.post(
        path, content=body, headers={**laptop.auth, "Content-Type": "application/json"}))
    assert (status, answer["error"]) == (400, "malformed_json")


def test_the_largest_cursor_and_the_ends_of_the_report_range_are_answered(scene: Scene) -> None:
    top = scene.worker.pull(after=MAX_SEQ)
    assert top.status_code == 200 and top.json()["changes"] == []
    report = scene.worker.http.get("/v1/reports?from=2000-01-01&to=2199-12-31",
                                   headers=scene.worker.auth)
    assert report.status_code == 200
    named = scene.supervisor.http.get("/v1/team?team=Nord%C3%A9st", headers=scene.supervisor.auth)
    assert named.status_code in (200, 403)  # a team name with an accent is a name, not an attack


@pytest.mark.parametrize("body", [
    {"views": [{"seq": 2**63, "case_id": "c-1", "at": "2026-03-02T10:00:00+00:00"}]},
    {"views": [{"seq": 1, "case_id": "c-1", "at": "99999-01-01T00:00:00+00:00"}]},
    {"views": [{"seq": 1, "case_id": "c-\u0000", "at": "2026-03-02T10:00:00+00:00"}]},
])
def test_case_view_numbers_and_times_out_of_range(scene: Scene, body: dict[str, Any]) -> None:
    laptop = scene.supervisor
    status, answer = _refused(scene, lambda: laptop.http.post(
        "/v1/audit/case-views", json=body, headers=laptop.auth))
    assert (status, answer["error"]) == (422, "invalid_request")


def test_a_laptop_clock_at_the_start_of_the_calendar_is_kept_as_given(scene: Scene) -> None:
    # The laptop's time is metadata only (a laptop whose clock reset must not be stuck).
    answer = scene.supervisor.http.post("/v1/audit/case-views", headers=scene.supervisor.auth,
                                        json={"views": [{"seq": 1, "case_id": "c-1",
                                                         "at": "0001-01-01T00:00:00+05:00"}]})
    assert answer.status_code == 200


def test_a_base_seq_too_big_for_the_database_is_refused(scene: Scene) -> None:
    laptop = scene.worker
    batch = laptop.batch([laptop.change(young_person(2))])
    batch["changes"][0]["base_seq"] = 2**63
    status, body = _refused(scene, lambda: laptop.send(batch))
    assert (status, body["error"]) == (422, "invalid_request")


@pytest.mark.parametrize("body", [
    {"device_id": "\u0000", "refresh_token": "x" * 43},
    {"device_id": "d\u00e9vice", "refresh_token": "x" * 43},
    {"device_id": "x" * 65, "refresh_token": "x" * 43},
    {"device_id": "dev", "refresh_token": "x" * 43, "proof": "\u0000"},
])
def test_token_requests_with_strange_device_ids(scene: Scene, body: dict[str, Any]) -> None:
    status, _answer = _refused(scene, lambda: scene.worker.http.post("/v1/token", json=body))
    assert status in (401, 422)


def test_enrolment_with_control_characters_in_the_name(scene: Scene) -> None:
    laptop = Laptop(scene.hub.base_url)
    code = scene.hub.admin.enrolment_code(scene.worker.user_id)
    status, body = _refused(scene, lambda: laptop.http.post("/v1/enrol", json={
        "code": code, "device_name": "Test\u0000laptop", "public_key": laptop.public_key}))
    assert (status, body["error"]) == (422, "invalid_request")
    laptop.name = "Test laptop \u00e9"  # not a control character: fine
    assert laptop.enrol_response(code).status_code == 200


# ------------------------------------------------------------------ headers
NOT_ASCII = [b"Bearer \xb2", b"Bearer \xc3\xa9t\xc3\xa9", b"\xff\xfe", b"Bearer \x80.\x80"]
ROUTES = [("GET", "/v1/sync/pull"), ("POST", "/v1/sync/push"), ("GET", "/v1/device"),
          ("GET", "/v1/team"), ("GET", "/v1/reports?from=2026-01-01&to=2026-01-31"),
          ("POST", "/v1/audit/case-views")]


@pytest.mark.parametrize("authorization", NOT_ASCII)
def test_authorization_headers_that_are_not_ascii_are_401(scene: Scene,
                                                          authorization: bytes) -> None:
    for method, path in ROUTES:
        status, body = _refused(scene, lambda method=method, path=path: scene.worker.http.request(
            method, path, headers={"Authorization": authorization}, json={}))
        assert (status, body["error"]) == (401, "unauthorised"), (method, path)


@pytest.mark.parametrize(("timestamp", "signature"), [
    (b"\xb2", b"sha256=00"),  # "superscript two": a digit to str.isdigit(), not to int()
    (b"\xd9\xa3", b"sha256=00"),  # an Arabic-Indic three, as UTF-8
    (b"1772442000", b"sha256=\xe9"),  # a signature that is not ASCII
    (b"9" * 40, b"sha256=00"),
    (b"-1", b"sha256=00"),
])
def test_sms_webhook_headers_that_are_not_plain_ascii_are_401(
    scene: Scene, timestamp: bytes, signature: bytes,
) -> None:
    status, body = _refused(scene, lambda: scene.worker.http.post(
        "/v1/lone-working/sms", content=b'{"from": "+447700900001", "text": "SAFE"}',
        headers={"Content-Type": "application/json", "X-Spoke-Timestamp": timestamp,
                 "X-Spoke-Signature": signature}))
    assert (status, body["error"]) == (401, "bad_signature")


def test_a_forged_access_token_naming_a_far_future_expiry_is_refused(scene: Scene) -> None:
    body = base64.urlsafe_b64encode(f"{scene.worker.device_id}|{10**30}".encode()).decode()
    status, answer = _refused(scene, lambda: scene.worker.http.get(
        "/v1/sync/pull", headers={"Authorization": f"Bearer {body}.AAAA"}))
    assert (status, answer["error"]) == (401, "unauthorised")


# ------------------------------------------------------------------ body limits
LIMITED = [*BODY_LIMITS.items(), ("/v1/lone-working/sms", DEFAULT_BODY_LIMIT)]


@pytest.mark.parametrize(("path", "limit"), LIMITED)
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_every_body_over_its_route_limit_is_413(scene: Scene, path: str, limit: int,
                                                chunked: bool) -> None:
    laptop = scene.supervisor
    body = b'{"padding": "' + b"x" * limit + b'"}'
    content = iter([body[: limit // 2], body[limit // 2:]]) if chunked else body
    status, answer = _refused(scene, lambda: laptop.http.post(
        path, content=content, headers={**laptop.auth, "Content-Type": "application/json"}))
    expected = "batch_too_large" if path == "/v1/sync/push" else "body_too_large"
    assert (status, answer["error"]) == (413, expected)
    assert str(limit) in answer["message"]


def test_a_body_just_under_the_limit_is_read_and_judged_on_its_content(scene: Scene) -> None:
    laptop = scene.worker
    for path in ("/v1/enrol", "/v1/token"):
        body = b'{"x": "' + b"y" * (BODY_LIMITS[path] - 20) + b'"}'
        answer = laptop.http.post(path, content=iter([body]),
                                  headers={"Content-Type": "application/json"})
        assert answer.status_code == 422  # read whole, then refused for what it says
    assert BODY_LIMITS["/v1/sync/push"] == MAX_BATCH_BYTES


# ------------------------------------------------------------------ API documentation
@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_api_description_is_not_served_by_default(hub: RunningHub, path: str) -> None:
    response = httpx.get(f"{hub.base_url}{path}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
