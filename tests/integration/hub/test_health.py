"""``GET /readyz``: what a load balancer or an operator asks before sending laptops to a hub
process - database, schema, escalation watch - answered with words, never anyone's data."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from alembic.script import ScriptDirectory
from fastapi import FastAPI
from sqlalchemy import Engine, text

from spokeapp.hub import schema
from spokeapp.hub.app import create_app
from spokeapp.hub.db import make_engine
from tests.helpers.hub import ManualClock, prepare_database, running_hub
from tests.helpers.postgres import free_port

READY = {"database": "ok", "migrations": "ok", "escalation_watch": "ok"}


def test_a_serving_hub_is_ready_and_says_which_check_fails_when_one_does(
    database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0.05")
    clock = ManualClock()
    engine, _init = prepare_database(database_url)
    app = create_app(engine=engine, clock=clock)
    with serving(app) as base_url:
        ready = httpx.get(f"{base_url}/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": READY, "failed": []}
        assert httpx.get(f"{base_url}/healthz").status_code == 200

        # A database left one migration behind this version of the hub.
        head = schema.head_revision()
        previous = ScriptDirectory(str(schema.MIGRATIONS_DIR)).get_revision(head).down_revision
        _set_revision(engine, str(previous))
        behind = httpx.get(f"{base_url}/readyz")
        assert behind.status_code == 503
        assert behind.json() == {"status": "not_ready", "failed": ["migrations"],
                                 "checks": {**READY, "migrations": "behind"}}
        _set_revision(engine, "9999_from_a_newer_hub")
        assert httpx.get(f"{base_url}/readyz").json()["checks"]["migrations"] == "ahead"
        _set_revision(engine, head)
        assert httpx.get(f"{base_url}/readyz").status_code == 200

        # The watch stops beginning rounds (as if stuck): once two leases have passed on the
        # hub's clock without one, the process is not ready.
        watch = app.state.readiness.watch
        assert watch is not None
        watch.stop()
        clock.advance(seconds=59)
        assert httpx.get(f"{base_url}/readyz").status_code == 200
        clock.advance(seconds=2)
        stale = httpx.get(f"{base_url}/readyz")
        assert stale.status_code == 503
        assert stale.json()["failed"] == ["escalation_watch"]
        assert stale.json()["checks"]["escalation_watch"] == "stale"
    engine.dispose()


def test_a_process_running_without_a_watch_on_purpose_is_ready(
    database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")
    with running_hub(database_url) as hub:
        answer = httpx.get(f"{hub.base_url}/readyz")
    assert answer.status_code == 200
    assert answer.json()["checks"]["escalation_watch"] == "off"


def test_a_database_that_does_not_answer_is_named() -> None:
    """A PostgreSQL hub whose server is down (nothing listens on the port)."""
    engine = make_engine(f"postgresql+psycopg://spoke@127.0.0.1:{free_port()}/spoke"
                         "?connect_timeout=5")
    app = create_app(engine=engine)

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            return await client.get("/readyz")

    answer = asyncio.run(ask())  # no lifespan here: no watch started either
    engine.dispose()
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "unreachable", "migrations": "unknown",
                                       "escalation_watch": "not_started"}
    assert answer.json()["failed"] == ["database", "migrations", "escalation_watch"]
    assert "5432" not in answer.text and "spoke@" not in answer.text


def _set_revision(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"),
                           {"r": revision})


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port (lifespan and all); its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0,
                                           log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, name="test-hub", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
