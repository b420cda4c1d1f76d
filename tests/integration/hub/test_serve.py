"""``spoke-hub serve`` as a service manager runs it: settings from a config file under the
environment, JSON logs, and SIGTERM - stop accepting, answer the push in hand, hand the
escalation watch over, exit 0."""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.hub import lone_working as hub_lw
from spokeapp.hub.models import HubRecord, LoneWorkingDelivery, LoneWorkingWatch
from spokeapp.hub.notifiers import NotifierSettings, WebhookSettings
from tests.helpers.hub import (
    HUB_BIN,
    ROOT,
    START_TIMEOUT_S,
    HubAdmin,
    Laptop,
    ManualClock,
    prepare_database,
    sqlite_url,
)
from tests.helpers.lone_working import WEBHOOK_SECRET, WebhookReceiver, visit_plan
from tests.helpers.postgres import free_port
from tests.helpers.records import case, session, young_person

#: Fictional details a log must never carry.
WORKER_NAME = "Demo Unmistakable Worker"


@dataclass
class Served:
    """A ``spoke-hub serve`` child process, its address and where its stderr goes."""

    process: subprocess.Popen[str]
    base_url: str
    stderr: Path

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])


@contextmanager
def serve(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """``spoke-hub serve ARGS`` with ``env`` added to the environment; stdout read until it
    says where it listens, stderr (the log) kept in a file."""
    stderr = tmp_path / "serve-stderr.log"
    with stderr.open("w") as err:
        process = subprocess.Popen(
            [str(HUB_BIN), "serve", *args], stdout=subprocess.PIPE, stderr=err, text=True,
            cwd=ROOT, env={**os.environ, **(env or {})},
        )
    assert process.stdout is not None
    base_url = ""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not base_url and time.monotonic() < deadline and process.poll() is None:
            if selector.select(timeout=0.2):
                line = process.stdout.readline()
                if line.startswith("Hub listening on "):
                    base_url = line.split("Hub listening on ", 1)[1].strip()
    if not base_url:
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError("spoke-hub serve did not start:\n" + stderr.read_text())
    served = Served(process, base_url, stderr)
    try:
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()


def _hub(database_url: str) -> tuple[HubAdmin, str]:
    """An initialised hub database with one worker; (its administrator, the worker's id)."""
    engine, _init = prepare_database(database_url)
    hub_admin = HubAdmin(engine, ManualClock(datetime.now(UTC)))
    return hub_admin, hub_admin.add_user(WORKER_NAME, "worker", "north")


def test_config_file_environment_and_json_logs_in_a_real_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The file names the database, a port, JSON logs and the metrics token's file; the
    environment's port wins over the file's; every line of the log is one JSON object."""
    for name in list(os.environ):
        if name.startswith("SPOKE_HUB_"):
            monkeypatch.delenv(name)
    url = sqlite_url(tmp_path)
    hub_admin, worker = _hub(url)
    token = tmp_path / "metrics.token"
    token.write_text("fictional-metrics-token\n")
    token.chmod(0o600)
    file_port, env_port = free_port(), free_port()
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "{url}"\nport = {file_port}\nlog_format = "json"\n'
                      f'metrics_token_file = "{token}"\nwatch_seconds = 0.2\n')
    with serve(tmp_path, "--config", str(config),
               env={"SPOKE_HUB_PORT": str(env_port)}) as hub:
        assert hub.port == env_port
        laptop = Laptop(hub.base_url)
        laptop.enrol(hub_admin.enrolment_code(worker))
        yp = young_person()
        held = case(yp, key_worker=worker)
        laptop.push_records(yp, held, session(held.id))
        bad = laptop.push(laptop.change(session(held.id, duration_minutes=0)))
        assert bad.status_code == 422
        laptop.pull_all()
        metrics = httpx.get(f"{hub.base_url}/metrics",
                            headers={"Authorization": "Bearer fictional-metrics-token"})
        assert metrics.status_code == 200 and "spoke_hub_pushes_total" in metrics.text
        assert httpx.get(f"{hub.base_url}/metrics").status_code == 401
        laptop.close()
        hub.process.send_signal(signal.SIGTERM)
        assert hub.process.wait(timeout=30) == 0
    lines = hub.stderr.read_text().splitlines()
    assert lines, "the hub logged nothing"
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {frozenset(e) - {"error"} for e in entries} == {
        frozenset({"time", "level", "logger", "message", "process"})}
    messages = [e["message"] for e in entries]
    assert any(m.startswith("listening on http://127.0.0.1:") for m in messages)
    # As docs/hub-admin.md ("Logs") shows it; and no schema tool's start-up chatter.
    assert any(e["logger"] == "spokeapp.hub" and e["message"].startswith("listening on ")
               for e in entries)
    assert not any(e["logger"].startswith("alembic") for e in entries)
    assert any("shutting down" in m for m in messages) and messages[-1] == "stopped"
    assert WORKER_NAME not in hub.stderr.read_text()
    assert "fictional-metrics-token" not in hub.stderr.read_text()
    hub_admin.engine.dispose()


def test_sigterm_during_a_push_answers_and_stores_it_then_exits_0(
    database_url: str, tmp_path: Path,
) -> None:
    hub_admin, worker = _hub(database_url)
    with serve(tmp_path, "--port", "0", "--database", database_url) as hub:
        laptop = Laptop(hub.base_url)
        laptop.enrol(hub_admin.enrolment_code(worker))
        yp = young_person()
        held = case(yp, key_worker=worker)
        records = [yp, held, *(session(held.id) for _ in range(20))]
        body = json.dumps(laptop.batch([laptop.change(r) for r in records])).encode()

        # The push's headers arrive; the hub asks for the body (100 Continue): it is in hand.
        conn = socket.create_connection(("127.0.0.1", hub.port), timeout=30)
        conn.sendall(
            b"POST /v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
            + f"Authorization: Bearer {laptop.access_token}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode())
        assert _read_until(conn, b"\r\n\r\n").startswith(b"HTTP/1.1 100 Continue")

        hub.process.send_signal(signal.SIGTERM)
        # It stops accepting: a new connection is refused while the push is still in hand.
        assert _refused_within(hub.port, seconds=20), "the hub still accepts connections"
        conn.sendall(body)
        status, answer = _response(conn)
        conn.close()
        assert status == 200, answer
        results = json.loads(answer)["results"]
        assert [r["status"] for r in results] == ["accepted"] * len(records)
        assert hub.process.wait(timeout=30) == 0
        laptop.close()
    with Session(hub_admin.engine) as db:
        stored = db.scalar(select(func.count()).select_from(HubRecord).where(
            HubRecord.record_id.in_([r.id for r in records])))
    assert stored == len(records)
    hub_admin.engine.dispose()


def test_sigterm_mid_round_finishes_the_notice_and_releases_the_watch(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hub stopped while its watch is sending an overdue visit's notices (the receiver is
    slow) finishes the send, records it and holds no claim afterwards: another hub on the
    same database takes the visit at its next look, not after the 30 s lease."""
    monkeypatch.setenv("SPOKE_HUB_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0.1")
    hub_admin, worker = _hub(database_url)
    with WebhookReceiver({"/arc": WEBHOOK_SECRET}) as receiver:
        receiver.delay = 1.5  # each notice takes the receiver 1.5 s to answer
        with Session(hub_admin.engine) as db, db.begin():
            hub_lw.save_notifier_settings(db, NotifierSettings(
                webhooks=(WebhookSettings(name="arc", url=receiver.url("/arc")),)))
        with serve(tmp_path, "--port", "0", "--database", database_url) as hub:
            laptop = Laptop(hub.base_url)
            laptop.enrol(hub_admin.enrolment_code(worker))
            plan = visit_plan(worker, datetime.now(UTC) - timedelta(minutes=80))
            laptop.push_records(plan)
            laptop.close()
            assert _wait(lambda: _claimed(hub_admin) > 0), "the watch never claimed a notice"
            hub.process.send_signal(signal.SIGTERM)
            assert hub.process.wait(timeout=60) == 0
    with Session(hub_admin.engine) as db:
        held = db.scalar(select(func.count()).select_from(LoneWorkingDelivery).where(
            LoneWorkingDelivery.claimed_by.is_not(None)))
        watches = db.scalar(select(func.count()).select_from(LoneWorkingWatch).where(
            LoneWorkingWatch.claimed_by.is_not(None)))
        sent = db.scalar(select(func.count()).select_from(LoneWorkingDelivery).where(
            LoneWorkingDelivery.status == "sent"))
    assert (held, watches) == (0, 0)
    assert sent >= 1 and len(receiver.received) == sent  # what was in hand was sent, once
    hub_admin.engine.dispose()


def test_one_hub_serves_an_embedded_database_and_its_lock_ends_with_it(tmp_path: Path) -> None:
    """``serve`` holds the embedded database's serving lock (hub.lock beside hub.db) while it
    serves: a second ``serve`` on the same file is refused in one line naming the first's
    process, and the first serves on. A hub killed outright (SIGKILL, a power cut) leaves no
    lock behind: the next one starts."""
    url = sqlite_url(tmp_path / "hub")
    hub_admin, _worker = _hub(url)
    hub_admin.engine.dispose()
    db = tmp_path / "hub" / "hub.db"
    with serve(tmp_path, "--port", "0", "--database", url) as first:
        second = subprocess.run(
            [str(HUB_BIN), "serve", "--port", "0", "--database", url], capture_output=True,
            text=True, timeout=START_TIMEOUT_S, cwd=ROOT)
        assert second.returncode == 1 and "Hub listening" not in second.stdout
        assert second.stderr.startswith(
            f"spoke-hub: A hub is serving this database {db} (pid {first.process.pid}): "
            "stop it first")
        assert len(second.stderr.splitlines()) == 1
        assert httpx.get(f"{first.base_url}/healthz", timeout=10).status_code == 200
        first.process.kill()
        first.process.wait(timeout=10)
    with serve(tmp_path, "--port", "0", "--database", url) as again:
        assert httpx.get(f"{again.base_url}/healthz", timeout=10).status_code == 200


def _claimed(hub_admin: HubAdmin) -> int:
    with Session(hub_admin.engine) as db:
        return db.scalar(select(func.count()).select_from(LoneWorkingDelivery).where(
            LoneWorkingDelivery.claimed_by.is_not(None))) or 0


def _wait(condition: object, seconds: float = 30) -> bool:
    """Poll ``condition`` until true (another process works in its own time)."""
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def _refused_within(port: int, seconds: float) -> bool:
    def refused() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            return True
        return False

    return _wait(refused, seconds)


def _read_until(conn: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = conn.recv(65536)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    return data


def _response(conn: socket.socket) -> tuple[int, str]:
    """Status and body of an HTTP/1.1 response with a Content-Length."""
    head = _read_until(conn, b"\r\n\r\n")
    header, _, body = head.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines
                  if line.lower().startswith("content-length:"))
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, "connection closed mid-body"
        body += chunk
    return int(lines[0].split()[1]), body.decode("utf-8")
