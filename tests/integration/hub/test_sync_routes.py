"""Push and pull are answered by ``SyncRoutes`` (asgi.py), outside FastAPI's routing, for speed
(docs/sync.md, "Speed"). A laptop must not be able to tell: for every request, good or bad,
the answer is the one the declared FastAPI route gives - same status, same body."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from spokeapp.hub.app import create_app
from spokeapp.hub.asgi import SyncRoutes
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, session, young_person


@pytest.fixture
def laptop(hub: RunningHub) -> Iterator[Laptop]:
    """A worker's laptop that has pushed a case and two sessions."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    device = hub.laptop(worker)
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    device.push_records(yp, cs, session(cs.id), session(cs.id))
    yield device
    device.close()


class _Client:
    """Requests straight into an ASGI app (no lifespan: the escalation watch is not needed)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
                return await client.request(method, path, **kwargs)  # type: ignore[arg-type]

        return asyncio.run(send())

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", path, **kwargs)


def _apps(hub: RunningHub) -> tuple[_Client, _Client]:
    """The hub's app as served, and the same app with its FastAPI routes only."""
    served = create_app(engine=hub.engine, clock=hub.clock)
    plain = create_app(engine=hub.engine, clock=hub.clock)
    plain.user_middleware = [m for m in plain.user_middleware if m.cls is not SyncRoutes]
    assert len(plain.user_middleware) == len(served.user_middleware) - 1
    return _Client(served), _Client(plain)


PULL_QUERIES = [
    "", "after=0", "after=3&limit=1", "after=-5", "after=abc", "after=", "after=%203",
    "after=1.0", "after=1.5", "limit=0", "limit=2000", "limit=2001", "after=2&after=-1",
    "after=-1&limit=0", "limit=1e3", "unknown=1",
    # issue 13: numbers past what the database holds, and control characters
    "after=9223372036854775807", "after=9223372036854775808", f"after={10**40}",
    "limit=9223372036854775808", "after=%00", "after=1&x=%0A", "after=%FF",
    # issue 18: the optional own-records window (both or neither, from <= to, within bounds)
    "own_from=1&own_to=4", "after=1&own_from=2&own_to=2", "own_from=1", "own_to=4",
    "own_from=5&own_to=2", "own_from=0&own_to=3", "own_from=abc&own_to=3", "own_from=&own_to=3",
    "after=-1&own_from=0&own_to=1", f"own_from=1&own_to={10**40}", "limit=0&own_from=1",
    # a window with no gap, left out by seq alone (own_whole: 0 or 1, only with a window)
    "own_from=1&own_to=4&own_whole=1", "own_from=1&own_to=4&own_whole=0", "own_whole=1",
    "own_to=4&own_whole=0", "own_from=1&own_to=4&own_whole=2", "own_whole=x&own_from=1",
    "own_from=1&own_to=4&own_whole=",
]


@pytest.mark.parametrize("query", PULL_QUERIES)
def test_pull_answers_exactly_as_the_declared_route(hub: RunningHub, laptop: Laptop,
                                                     query: str) -> None:
    served, plain = _apps(hub)
    for headers in (laptop.auth, {}, {"Authorization": "Bearer not-a-token"},
                    {"Authorization": laptop.access_token}):
        fast = served.get(f"/v1/sync/pull?{query}", headers=headers)
        declared = plain.get(f"/v1/sync/pull?{query}", headers=headers)
        assert (fast.status_code, fast.json()) == (declared.status_code, declared.json())
        assert fast.headers["content-type"] == declared.headers["content-type"]


@pytest.mark.parametrize("body", [
    b"", b"{", b"[]", b'{"hub_epoch": 5}', b'{"hub_epoch": "x", "changes": "none"}',
    b'{"hub_epoch": "x", "changes": [], "chain": {}}',
])
def test_refused_push_answers_exactly_as_the_declared_route(hub: RunningHub, laptop: Laptop,
                                                           body: bytes) -> None:
    served, plain = _apps(hub)
    before = hub.admin.state()
    for headers in (laptop.auth, {}, {"Authorization": "Bearer not-a-token"}):
        fast = served.post("/v1/sync/push", content=body, headers=headers)
        declared = plain.post("/v1/sync/push", content=body, headers=headers)
        assert fast.status_code >= 400
        assert (fast.status_code, fast.json()) == (declared.status_code, declared.json())
    assert hub.admin.state() == before


def test_other_methods_and_paths_are_left_to_fastapi(hub: RunningHub, laptop: Laptop) -> None:
    served, plain = _apps(hub)
    for method, path in (("GET", "/v1/sync/push"), ("PUT", "/v1/sync/pull"),
                         ("POST", "/v1/sync/pull"), ("GET", "/v1/sync/pull/")):
        fast = served.request(method, path, headers=laptop.auth)
        declared = plain.request(method, path, headers=laptop.auth)
        assert fast.status_code in (404, 405, 307)
        assert fast.status_code == declared.status_code
