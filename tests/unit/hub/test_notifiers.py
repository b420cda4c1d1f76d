"""The hub's notifiers against real receivers: SMTP (aiosmtpd) and a signature-checking
webhook on loopback; signing; messages; where the secrets come from. Fictional data."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from spokeapp.domain.records import AlertReason, EscalationAlert
from spokeapp.hub.config import LoneWorkingSecrets, SecretsFileError
from spokeapp.hub.notifiers import (
    DeliveryError,
    EmailSettings,
    HttpPool,
    NotifierSettings,
    Senders,
    WebhookSettings,
    compose,
    sign,
    signed_headers,
    verify_signature,
)
from tests.helpers.lone_working import (
    SMS_SECRET,
    WEBHOOK_SECRET,
    SmtpSink,
    WebhookReceiver,
    visit_plan,
)
from tests.helpers.postgres import free_port

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _alert(**changes: object) -> EscalationAlert:
    fields: dict[str, object] = {
        "id": "01a20000-0000-7000-8000-000000000001", "visit_id": "v1", "tier": "buddy",
        "raised_at": NOW, "recipients": ("buddy",), "reason": AlertReason.OVERDUE,
        "deadline": NOW - timedelta(minutes=15),
    }
    fields.update(changes)
    return EscalationAlert(**fields)  # type: ignore[arg-type]


def test_signature_is_checked_for_body_secret_and_age() -> None:
    body = b'{"to": "+447700900123"}'
    headers = signed_headers(WEBHOOK_SECRET, body, now=NOW.timestamp())
    assert verify_signature(WEBHOOK_SECRET, headers, body, NOW.timestamp() + 10)
    assert not verify_signature(WEBHOOK_SECRET, headers, body + b" ", NOW.timestamp())
    assert not verify_signature("another secret", headers, body, NOW.timestamp())
    assert not verify_signature(None, headers, body, NOW.timestamp())
    assert not verify_signature(WEBHOOK_SECRET, headers, body, NOW.timestamp() + 301)
    assert not verify_signature(WEBHOOK_SECRET, {}, body, NOW.timestamp())
    assert headers["X-Spoke-Signature"] == sign(WEBHOOK_SECRET, int(NOW.timestamp()), body)


def test_alert_text_names_the_place_and_case_reference_never_the_amber_note() -> None:
    plan = visit_plan("w1", NOW - timedelta(hours=2), amber_note="Demo dog on site",
                      vehicle="Demo blue hatchback")
    message = compose(_alert(), plan, "Demo Worker", welfare_call_decision=False)
    assert "Demo Worker" in message.text and "YP-0007" in message.text
    assert "Demo Street" in message.text and "Demo blue hatchback" in message.text
    assert "Demo dog" not in message.text and "Demo dog" not in str(message.data)
    assert "999" not in message.text
    decision = compose(_alert(tier="manager_decision"), plan, "Demo Worker",
                       welfare_call_decision=True)
    assert "999" in decision.text
    reminder = compose(_alert(tier="worker_reminder", recipients=("worker",),
                              reason=AlertReason.DUE), plan, "Demo Worker",
                       welfare_call_decision=False)
    assert "SAFE" in reminder.text and "Demo Street" not in reminder.text
    duress = compose(_alert(tier="manager_decision", reason=AlertReason.DURESS,
                            cause_id="c1", deadline=None), plan, "Demo Worker",
                     welfare_call_decision=True)
    assert duress.text.startswith("DURESS")


def test_email_goes_through_a_real_smtp_server() -> None:
    plan = visit_plan("w1", NOW - timedelta(hours=2))
    message = compose(_alert(), plan, "Demo Worker", welfare_call_decision=False)
    with SmtpSink() as sink:
        settings = NotifierSettings(email=EmailSettings(
            host="127.0.0.1", port=sink.port, sender="spoke@example.org", starttls=False))
        senders = Senders(settings, smtp_password=None, webhook_secret=None, sms_secret=None)
        senders.send("email", "oncall@example.org", "d1", message)
        senders.close()
        assert len(sink.messages) == 1
        received = sink.messages[0]
    assert received["To"] == "oncall@example.org"
    assert received["Subject"] == "Spoke overdue: Demo Worker"
    assert "YP-0007" in received.get_payload()


def test_email_to_a_dead_server_is_a_short_error_code() -> None:
    from tests.helpers.postgres import free_port

    settings = NotifierSettings(email=EmailSettings(host="127.0.0.1", port=free_port(),
                                                    sender="spoke@example.org",
                                                    starttls=False))
    senders = Senders(settings, smtp_password=None, webhook_secret=None, sms_secret=None)
    plan = visit_plan("w1", NOW)
    with pytest.raises(DeliveryError) as caught:
        senders.send("email", "oncall@example.org", "d1",
                     compose(_alert(), plan, "Demo Worker", welfare_call_decision=False))
    assert caught.value.code == "smtp_down"  # connection refused: nothing listening


def test_webhook_and_sms_gateway_are_signed_and_verified_by_the_receiver() -> None:
    plan = visit_plan("w1", NOW)
    message = compose(_alert(), plan, "Demo Worker", welfare_call_decision=False)
    with WebhookReceiver({"/arc": WEBHOOK_SECRET, "/sms": SMS_SECRET}) as receiver:
        settings = NotifierSettings(
            webhooks=(WebhookSettings(name="arc", url=receiver.url("/arc")),),
            sms_url=receiver.url("/sms"),
        )
        good = Senders(settings, smtp_password=None, webhook_secret=WEBHOOK_SECRET,
                       sms_secret=SMS_SECRET)
        good.send("webhook", "arc", "d1", message)
        good.send("sms", "+447700900456", "d2", message)
        good.close()
        wrong = Senders(settings, smtp_password=None, webhook_secret="not the secret",
                        sms_secret=None)
        with pytest.raises(DeliveryError) as caught:
            wrong.send("webhook", "arc", "d3", message)
        assert caught.value.code == "http_401"
        with pytest.raises(DeliveryError) as caught:
            wrong.send("sms", "+447700900456", "d4", message)
        assert caught.value.code == "no_signing_secret"
        wrong.close()
        assert receiver.refused == 1
        [arc] = receiver.bodies("/arc")
        [sms] = receiver.bodies("/sms")
    assert arc["delivery_id"] == "d1" and arc["alert"]["tier"] == "buddy"
    assert arc["visit"]["case_reference"] == "YP-0007"
    assert sms == {"to": "+447700900456", "text": message.text, "delivery_id": "d2"}
    assert [r.delivery_id for r in receiver.received] == ["d1", "d2"]
    assert time.time() - receiver.received[0].at < 60


def test_secrets_come_from_the_environment_or_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text("# lone working\nSPOKE_HUB_WEBHOOK_SECRET=from-file\n"
                    "SPOKE_HUB_SMS_SECRET=sms-from-file\n")
    os.chmod(path, 0o600)
    env = {"SPOKE_HUB_SECRETS_FILE": str(path), "SPOKE_HUB_SMS_SECRET": "sms-from-env"}
    secrets = LoneWorkingSecrets.from_env(env)
    assert secrets.webhook_secret == "from-file"
    assert secrets.sms_secret == "sms-from-env"  # the environment wins
    assert secrets.smtp_password is None
    assert "from-file" not in repr(secrets) and "sms-from-env" not in repr(secrets)
    os.chmod(path, 0o644)
    with pytest.raises(SecretsFileError, match="chmod 600"):
        LoneWorkingSecrets.from_env(env)


# --------------------------------------------------------------------------- HTTP connections
class KeepAliveReceiver:
    """An HTTP/1.1 receiver on loopback that keeps connections open between requests, as a
    real web server does. Told to, it drops the next request that comes on a kept-alive
    connection without answering (a server closing an idle connection just as the hub
    reuses it); it keeps the delivery ids it answered."""

    def __init__(self) -> None:
        self.answered: list[str] = []
        self.connections = 0
        self.drop_next_reuse = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.served = 0
                receiver.connections += 1

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.served += 1
                if self.served > 1 and receiver.drop_next_reuse:
                    receiver.drop_next_reuse = False
                    self.close_connection = True  # closed, nothing answered
                    return
                assert body
                receiver.answered.append(self.headers.get("X-Spoke-Delivery", ""))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> KeepAliveReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No proxy variable from the machine running the tests."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    yield


def _message() -> Any:
    return compose(_alert(), visit_plan("w1", NOW), "Demo Worker", welfare_call_decision=False)


@pytest.mark.usefixtures("no_proxy_settings")
def test_notices_reuse_one_kept_alive_connection_and_survive_it_being_closed() -> None:
    """An alarm centre's server sees one connection for a run of notices, not one each; a
    connection it closed while idle costs no notice and sends none twice."""
    with KeepAliveReceiver() as receiver:
        settings = NotifierSettings(webhooks=(WebhookSettings(name="arc",
                                                              url=receiver.url("/arc")),))
        pool = HttpPool()
        senders = Senders(settings, smtp_password=None, webhook_secret=WEBHOOK_SECRET,
                          sms_secret=None, pool=pool)
        for delivery_id in ("d1", "d2", "d3"):
            senders.send("webhook", "arc", delivery_id, _message())
        assert receiver.answered == ["d1", "d2", "d3"]
        assert receiver.connections == 1 and pool.opened == 1
        receiver.drop_next_reuse = True
        senders.send("webhook", "arc", "d4", _message())  # no DeliveryError: sent again, once
        assert receiver.answered == ["d1", "d2", "d3", "d4"]
        assert receiver.connections == 2 and pool.opened == 2
        senders.close()  # a pool given to the senders is not theirs to close
        senders.send("webhook", "arc", "d5", _message())
        assert pool.opened == 2
        pool.close()


@pytest.mark.usefixtures("no_proxy_settings")
def test_a_stalled_or_absent_receiver_is_a_short_error_code() -> None:
    with WebhookReceiver({"/arc": WEBHOOK_SECRET}) as receiver:
        receiver.slow_paths["/arc"] = 2.0
        stalled = Senders(NotifierSettings(webhooks=(WebhookSettings(
            name="arc", url=receiver.url("/arc")),)), smtp_password=None,
            webhook_secret=WEBHOOK_SECRET, sms_secret=None, timeout=0.3)
        with pytest.raises(DeliveryError) as caught:
            stalled.send("webhook", "arc", "d1", _message())
        assert caught.value.code == "timeout"
        stalled.close()
    absent = Senders(NotifierSettings(sms_url=f"http://127.0.0.1:{free_port()}/sms"),
                     smtp_password=None, webhook_secret=None, sms_secret=SMS_SECRET)
    with pytest.raises(DeliveryError) as caught:
        absent.send("sms", "+447700900456", "d2", _message())
    assert caught.value.code == "connection_failed"
    absent.close()


@pytest.mark.usefixtures("no_proxy_settings")
def test_a_proxy_set_in_the_environment_is_used_unless_the_host_is_exempt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hub that may reach the internet only through a proxy sends through it: here the
    proxy is down, so the notice fails rather than going out directly; NO_PROXY exempts."""
    with WebhookReceiver({"/arc": WEBHOOK_SECRET}) as receiver:
        settings = NotifierSettings(webhooks=(WebhookSettings(name="arc",
                                                              url=receiver.url("/arc")),))
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
        proxied = Senders(settings, smtp_password=None, webhook_secret=WEBHOOK_SECRET,
                          sms_secret=None, timeout=2.0)
        with pytest.raises(DeliveryError) as caught:
            proxied.send("webhook", "arc", "d1", _message())
        assert caught.value.code == "connection_failed"
        proxied.close()
        assert receiver.received == []
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        exempt = Senders(settings, smtp_password=None, webhook_secret=WEBHOOK_SECRET,
                         sms_secret=None)
        exempt.send("webhook", "arc", "d2", _message())
        exempt.close()
        assert [r.delivery_id for r in receiver.received] == ["d2"]
