"""Run a real Spoke hub for any test, and drive it like a laptop would.

* :func:`running_hub` - the hub in this process: uvicorn on 127.0.0.1, port 0, in a background
  thread, on a real database (encrypted SQLite file or PostgreSQL URL), with an injectable
  clock and :class:`HubAdmin` for what an administrator does with ``spoke-hub``.
* :func:`spawn_hub` - ``spoke-hub serve --port 0`` as a child process (for SIGKILL tests);
  it prints the port it bound.
* :class:`Laptop` - enrols with a code, keeps an Ed25519 key and a hash chain, signs batches,
  pushes and pulls over HTTP with httpx, exactly as the protocol describes.

Everything is fictional test data.
"""

from __future__ import annotations

import base64
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from spokeapp.domain.records import Record
from spokeapp.hub import admin, schema
from spokeapp.hub.admin import InitResult, Reassignment
from spokeapp.hub.app import create_app
from spokeapp.hub.db import create_key_file, embedded_path, is_embedded, make_engine
from spokeapp.hub.ledger import lock_writes, max_seq
from spokeapp.hub.models import Base, Device
from spokeapp.sync.protocol import (
    GENESIS_HEAD,
    ChainProof,
    ChangeIn,
    EnrolRequest,
    PushRequest,
    chain_heads,
    chain_message,
)

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 20.0
HUB_BIN = Path(sys.executable).parent / "spoke-hub"


def sqlite_url(folder: Path) -> str:
    """An embedded, encrypted hub database in ``folder``."""
    return f"sqlcipher:///{folder / 'hub.db'}"


class ManualClock:
    """The hub's clock under the test's control (starts at a fixed, fictional moment)."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock on, e.g. ``advance(hours=25)``."""
        self.now += timedelta(**delta)


class HubAdmin:
    """What an administrator does with ``spoke-hub``, on the same database and clock."""

    def __init__(self, engine: Engine, clock: ManualClock) -> None:
        self.engine = engine
        self.clock = clock

    def add_user(self, name: str, role: str, team: str | None = None) -> str:
        with Session(self.engine) as session, session.begin():
            lock_writes(session)
            return admin.add_user(session, name, role, team)

    def enrolment_code(self, user_id: str) -> str:
        with Session(self.engine) as session, session.begin():
            lock_writes(session)
            return admin.create_enrolment_code(session, user_id, self.clock)

    def assign_case(self, case_id: str, worker_id: str) -> Reassignment:
        return admin.assign_case(self.engine, case_id, worker_id, self.clock)

    def revoke(self, device_id: str, wipe: bool = False) -> None:
        with Session(self.engine) as session, session.begin():
            admin.revoke_device(session, device_id, wipe)

    def restore_epoch(self) -> str:
        with Session(self.engine) as session, session.begin():
            lock_writes(session)
            return admin.restore_epoch(session)

    def state(self) -> dict[str, Any]:
        """Row counts of every table, the counter and every device's chain head: two equal
        states mean the hub stored nothing in between."""
        with Session(self.engine) as session:
            counts: dict[str, Any] = {
                table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
            }
            counts["max_seq"] = max_seq(session)
            counts["heads"] = sorted(session.scalars(select(Device.chain_head)).all())
        return counts


@dataclass
class RunningHub:
    """A hub serving on loopback, with its administrator and clock."""

    base_url: str
    database_url: str
    engine: Engine
    clock: ManualClock
    admin: HubAdmin
    init: InitResult

    def laptop(self, user_id: str, name: str = "Test laptop") -> Laptop:
        """A new laptop enrolled for ``user_id`` with a fresh one-time code."""
        device = Laptop(self.base_url, name=name)
        device.enrol(self.admin.enrolment_code(user_id))
        return device


def prepare_database(database_url: str) -> tuple[Engine, InitResult]:
    """What ``spoke-hub init`` does: key file (embedded), schema, identity, first admin."""
    if is_embedded(database_url):
        create_key_file(embedded_path(database_url))
    engine = make_engine(database_url)
    schema.migrate(engine)
    return engine, admin.init_hub(engine, "Test Charity", "Test Admin")


@contextmanager
def running_hub(database_url: str, clock: ManualClock | None = None,
                **app_options: Any) -> Iterator[RunningHub]:
    """A freshly initialised hub on ``database_url``, served in a background thread
    (``app_options`` go to ``create_app``: settings, throttles)."""
    clock = clock or ManualClock()
    engine, init = prepare_database(database_url)
    app = create_app(engine=engine, clock=clock, **app_options)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="test-hub", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test hub did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningHub(
            base_url=f"http://127.0.0.1:{port}",
            database_url=database_url,
            engine=engine,
            clock=clock,
            admin=HubAdmin(engine, clock),
            init=init,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@dataclass
class HubProcess:
    """``spoke-hub serve`` running as a child process."""

    process: subprocess.Popen[str]
    base_url: str
    output: list[str] = field(default_factory=list)

    def kill(self) -> None:
        """SIGKILL: the power-cut case."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM and wait (graceful shutdown)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``spoke-hub ARGS`` to completion."""
    return subprocess.run(
        [str(HUB_BIN), *args], capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@contextmanager
def spawn_hub(database_url: str, *extra: str) -> Iterator[HubProcess]:
    """``spoke-hub serve --port 0`` on an initialised database; yields once it is listening."""
    process = subprocess.Popen(
        [str(HUB_BIN), "serve", "--port", "0", "--database", database_url, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )
    assert process.stdout is not None
    output: list[str] = []
    base_url = ""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not base_url and time.monotonic() < deadline:
            if not selector.select(timeout=0.2):
                if process.poll() is not None:
                    break
                continue
            line = process.stdout.readline()
            if not line:
                break
            output.append(line.rstrip("\n"))
            if line.startswith("Hub listening on "):
                base_url = line.split("Hub listening on ", 1)[1].strip()
    if not base_url:
        process.kill()
        rest = process.communicate(timeout=10)[0]
        raise RuntimeError("spoke-hub serve did not start:\n" + "\n".join(output) + rest)
    hub = HubProcess(process=process, base_url=base_url, output=output)
    try:
        yield hub
    finally:
        hub.stop()
        if process.stdout is not None:
            process.stdout.close()


# --------------------------------------------------------------------------- the laptop
class Laptop:
    """A device as the hub sees it: key pair, credentials, chain head, cursor."""

    def __init__(self, base_url: str, name: str = "Test laptop") -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.name = name
        self.key = Ed25519PrivateKey.generate()
        self.device_id = ""
        self.user_id = ""
        self.refresh_token = ""
        self.hub_epoch = ""
        self.access_token = ""
        self.chain_head = GENESIS_HEAD
        self.cursor = 0

    @property
    def public_key(self) -> str:
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def enrol_response(self, code: str) -> httpx.Response:
        body = EnrolRequest(code=code, device_name=self.name, public_key=self.public_key)
        return self.http.post("/v1/enrol", json=body.model_dump())

    def enrol(self, code: str) -> None:
        """Enrol and fetch a first access token (raises on failure)."""
        response = self.enrol_response(code)
        response.raise_for_status()
        data = response.json()
        self.device_id = data["device_id"]
        self.user_id = data["user_id"]
        self.refresh_token = data["refresh_token"]
        self.hub_epoch = data["hub_epoch"]
        self.refresh()

    def token_response(self) -> httpx.Response:
        return self.http.post(
            "/v1/token", json={"device_id": self.device_id, "refresh_token": self.refresh_token}
        )

    def refresh(self) -> None:
        """A new access token; keeps the rotated refresh token the hub sends with it."""
        response = self.token_response()
        response.raise_for_status()
        self.access_token = response.json()["access_token"]
        self.refresh_token = response.json().get("refresh_token") or self.refresh_token

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    # -- changes
    def change(
        self,
        record: Record | None = None,
        *,
        kind: str | None = None,
        payload: dict[str, Any] | None = None,
        record_id: str | None = None,
        op: str | None = None,
        base_seq: int | None = None,
        base: dict[str, Any] | None = None,
    ) -> ChangeIn:
        """A change for ``record`` (finalise for events, put for headers) or raw fields."""
        if record is not None:
            kind = kind or record.KIND
            payload = payload if payload is not None else record.to_dict()
            record_id = record_id or record.id
            op = op or ("finalise" if record.EVENT else "put")
        return ChangeIn.model_validate(
            {
                "id": str(uuid.uuid4()),
                "record_id": record_id,
                "kind": kind,
                "op": op or "put",
                "payload": payload,
                "author": self.user_id,
                "local_time": "2026-03-02T10:00:00+00:00",
                "base_seq": base_seq,
                "base": base,
            }
        )

    def batch(self, changes: list[ChangeIn], prev_head: str | None = None) -> dict[str, Any]:
        """A signed push body (as JSON-ready dict) continuing this laptop's chain."""
        prev = self.chain_head if prev_head is None else prev_head
        head = chain_heads(prev, changes)[-1]
        signature = self.key.sign(chain_message(self.device_id, prev, head))
        request = PushRequest(
            hub_epoch=self.hub_epoch,
            changes=changes,
            chain=ChainProof(
                prev_head=prev, head=head, signature=base64.b64encode(signature).decode("ascii")
            ),
        )
        return request.model_dump(mode="json")

    def send(self, body: dict[str, Any] | bytes) -> httpx.Response:
        """POST a push body as is; on success, remember the hub's chain head."""
        if isinstance(body, bytes):
            response = self.http.post(
                "/v1/sync/push", content=body,
                headers={**self.auth, "Content-Type": "application/json"},
            )
        else:
            response = self.http.post("/v1/sync/push", json=body, headers=self.auth)
        if response.status_code == 200:
            self.chain_head = response.json()["chain_head"]
        return response

    def push(self, *changes: ChangeIn) -> httpx.Response:
        """Sign and push ``changes`` as one batch."""
        return self.send(self.batch(list(changes)))

    def push_records(self, *records: Record) -> httpx.Response:
        """Push records as new changes; raises unless the hub accepted them."""
        response = self.push(*(self.change(r) for r in records))
        assert response.status_code == 200, response.text
        return response

    def pull(self, after: int | None = None, limit: int | None = None) -> httpx.Response:
        params: dict[str, int] = {"after": self.cursor if after is None else after}
        if limit is not None:
            params["limit"] = limit
        return self.http.get("/v1/sync/pull", params=params, headers=self.auth)

    def pull_all(self) -> list[dict[str, Any]]:
        """Pull every page from the cursor, advancing it; returns the changes."""
        changes: list[dict[str, Any]] = []
        while True:
            response = self.pull()
            assert response.status_code == 200, response.text
            page = response.json()
            changes.extend(page["changes"])
            self.cursor = page["next_after"]
            if not page["more"]:
                return changes

    def close(self) -> None:
        self.http.close()
