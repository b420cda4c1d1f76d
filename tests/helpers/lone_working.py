"""Real receivers for the hub's lone-working notifiers, and fictional visit plans (also
one armed as a hub stored it before record dates were bounded).

* :class:`WebhookReceiver` - an HTTP server on loopback that checks every request's
  ``X-Spoke-Signature`` with the shared secret (401 if wrong, as a real receiver would) and
  keeps the bodies it accepted; it can be told to fail (HTTP 500) or to stall (answer after
  a delay, for timeouts) to test retries.
* :class:`SmtpSink` - a real SMTP server (aiosmtpd) on loopback that keeps the messages.
"""

from __future__ import annotations

import email
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import VisitPlan
from spokeapp.hub.ledger import lock_writes, next_seq
from spokeapp.hub.models import HubRecord, LoneWorkingRecord, LoneWorkingWatch
from spokeapp.hub.notifiers import DELIVERY_HEADER, verify_signature
from spokeapp.hub.security import iso
from tests.helpers.postgres import free_port

WEBHOOK_SECRET = "test-webhook-secret-not-real"
SMS_SECRET = "test-sms-secret-not-real"
WORKER_MOBILE = "+447700900123"
BUDDY_PHONE = "+447700900456"


class _Server(ThreadingHTTPServer):
    """The receiver's server, with room for a burst of connections. socketserver listens
    with a backlog of 5: the hub sends up to 16 notices at once, and on a loaded machine a
    connection beyond the backlog waited for a SYN retry (~1 s), so a visit's first notice
    arrived after another visit's second and "first notices first" failed at random."""

    request_queue_size = 64


@dataclass(frozen=True)
class Received:
    """One signed request the receiver accepted."""

    path: str
    delivery_id: str
    body: dict[str, Any]
    at: float  # time.time() on arrival


class WebhookReceiver:
    """A signature-checking HTTP receiver on 127.0.0.1 (paths are free: /arc, /sms...)."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets  # path -> secret
        self.received: list[Received] = []
        self.refused = 0
        self.fail_paths: set[str] = set()
        self.slow_paths: dict[str, float] = {}  # path -> seconds to wait before answering
        self.delay = 0.0  # seconds before answering any request
        self.lock = threading.Lock()
        #: Requests being answered now, and the most there ever were at once (a sender that
        #: sends one after another never has more than one).
        self.in_flight = 0
        self.most_at_once = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                # When the request arrived, before reading and checking it: under load a
                # handler thread can wake late, and the order notices were sent is what
                # the tests hold the hub to.
                arrived = time.time()
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                secret = receiver.secrets.get(self.path)
                headers = {k: v for k, v in self.headers.items()}
                if not verify_signature(secret, headers, body, time.time()):
                    with receiver.lock:
                        receiver.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                stall = receiver.slow_paths.get(self.path, receiver.delay)
                with receiver.lock:
                    receiver.in_flight += 1
                    receiver.most_at_once = max(receiver.most_at_once, receiver.in_flight)
                try:
                    if stall:
                        time.sleep(stall)
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1
                if self.path in receiver.fail_paths:
                    self.send_response(500)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.received.append(Received(
                        self.path, self.headers.get(DELIVERY_HEADER, ""), json.loads(body),
                        arrived,
                    ))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self, path: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r.body for r in self.received if r.path == path]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60.0) -> bool:
        """Poll ``condition`` until true (real processes send in their own time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.05)
        return condition()


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free loopback port."""

    def __init__(self, port: int | None = None) -> None:
        self.keeper = _Keeper()
        self.port = port or free_port()
        self.controller = Controller(self.keeper, hostname="127.0.0.1", port=self.port)

    @classmethod
    def on_port(cls, port: int) -> SmtpSink:
        """A server on a given port (the same server coming back after being stopped)."""
        return cls(port)

    @property
    def messages(self) -> list[Message]:
        return self.keeper.messages

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()


def visit_plan(worker: str, starts_at: datetime, *, hours: float = 3, interval: int = 60,
               **changes: Any) -> VisitPlan:
    """A fictional visit plan (pseudonymous case reference, demo place and numbers)."""
    fields: dict[str, Any] = {
        "id": new_id(), "worker": worker, "location": "Demo Street, Exampletown",
        "starts_at": starts_at, "expected_end": starts_at + timedelta(hours=hours),
        "mobile_number": WORKER_MOBILE, "buddy_name": "Demo Buddy",
        "buddy_phone": BUDDY_PHONE, "check_in_interval_minutes": interval,
        "case_reference": "YP-0007",
    }
    fields.update(changes)
    return VisitPlan(**fields)


def arm_unchecked_visit(engine: Engine, worker: str, team: str | None, now: datetime
                        ) -> VisitPlan:
    """A visit armed as a hub stored it before record dates were bounded: its plan starts at
    23:00 on the last day of year 9999 (0.9 hours, check-ins every 15 minutes), so working out
    its deadlines overflows. Written straight into the hub's database (a push of it is refused
    now), due a minute before ``now``, so the watch claims it before anything else."""
    plan = visit_plan(worker, datetime(9999, 12, 31, 23, 0, tzinfo=UTC), hours=0.9,
                      interval=15)
    with Session(engine) as session, session.begin():
        lock_writes(session)
        session.add(HubRecord(record_id=plan.id, kind=plan.KIND, case_id=None, state="final",
                              body=plan.to_dict(), author_user=worker, device_id=None,
                              seq=next_seq(session), hub_time=iso(now)))
        session.add(LoneWorkingRecord(record_id=plan.id, visit_id=plan.id, kind=plan.KIND))
        session.add(LoneWorkingWatch(
            visit_id=plan.id, worker_user=worker, team=team, mobile=None, armed_at=iso(now),
            escalation_starts_at=None, next_check_at=iso(now - timedelta(minutes=1)),
            claimed_by=None, claimed_until=None, updated_at=iso(now)))
    return plan
