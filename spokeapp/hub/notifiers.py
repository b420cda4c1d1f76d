"""How the hub tells people about a lone worker: email, signed webhooks, an SMS gateway.

The in-app notifier is the :class:`~spokeapp.domain.records.EscalationAlert` record itself: it
goes into the changes feed and reaches the supervisor board by ordinary sync. The others are
sent from the outbox (``lw_deliveries``) by :mod:`spokeapp.hub.lone_working`:

* **email** over SMTP (STARTTLS optional; the password comes from the hub's secrets);
* a **signed webhook** for an alarm receiving centre or a team chat: a JSON ``POST`` with
  ``X-Spoke-Timestamp`` (Unix seconds) and ``X-Spoke-Signature: sha256=<hex>``, the
  HMAC-SHA256 of ``"<timestamp>." + body`` under the webhook secret, and
  ``X-Spoke-Delivery`` (the delivery id: receivers may drop a repeat);
* an **SMS gateway** behind a provider-neutral webhook, signed the same way with the SMS
  secret (``{"to": ..., "text": ..., "delivery_id": ...}``). Inbound texts come back signed
  with the same secret (:func:`verify_signature`).

Webhook and SMS-gateway requests go through :class:`HttpPool`: the standard library's
``http.client`` over connections kept alive between sends and rounds, with httpx's TLS
settings (its CA bundle, ``SSL_CERT_FILE``); through httpx itself when a proxy variable
applies to the URL. At 1,000 visits due in the same second httpx's own work per request
(about 0.5 ms of CPU more than ``http.client``) was a good part of the hub's.

Messages never carry a young person's name (visit plans hold only the pseudonymous case
reference). Nothing here logs a message, an address or a number.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import select
import smtplib
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any, Final

import httpx

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records import AlertReason, EscalationAlert, VisitPlan

TIMESTAMP_HEADER: Final = "X-Spoke-Timestamp"
SIGNATURE_HEADER: Final = "X-Spoke-Signature"
DELIVERY_HEADER: Final = "X-Spoke-Delivery"
#: A signed request older or newer than this (seconds) is refused (replays).
SIGNATURE_TOLERANCE_SECONDS: Final = 300
SEND_TIMEOUT_SECONDS: Final = 10.0

EMAIL: Final = "email"
SMS: Final = "sms"
WEBHOOK: Final = "webhook"
CHANNELS: Final = (EMAIL, SMS, WEBHOOK)


class DeliveryError(Exception):
    """A notification could not be sent; ``code`` is short and safe to store and log."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --------------------------------------------------------------------------- signing
def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Spoke-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body,
                   hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, delivery_id: str | None = None,
                   now: float | None = None) -> dict[str, str]:
    """Content type, timestamp and signature headers for a signed request."""
    timestamp = int(time.time() if now is None else now)
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    if delivery_id is not None:
        headers[DELIVERY_HEADER] = delivery_id
    return headers


def verify_signature(secret: str | None, headers: Mapping[str, str], body: bytes,
                     now: float) -> bool:
    """True if ``body`` carries a valid, fresh signature under ``secret``."""
    if not secret:
        return False
    stamp = headers.get(TIMESTAMP_HEADER) or headers.get(TIMESTAMP_HEADER.lower()) or ""
    given = headers.get(SIGNATURE_HEADER) or headers.get(SIGNATURE_HEADER.lower()) or ""
    # Strict ASCII: str.isdigit() is true of "²" and other digits int() refuses, and
    # hmac.compare_digest() raises on non-ASCII text; neither may become a 500.
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 12 or not given.isascii():
        return False
    timestamp = int(stamp)
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), given)


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True, slots=True)
class EmailSettings:
    """SMTP relay for alert emails (the password is a secret, kept apart)."""

    host: str
    port: int = 587
    sender: str = ""
    username: str | None = None
    starttls: bool = True


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """One receiver of every alert (an alarm receiving centre, a team chat bridge)."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class NotifierSettings:
    """Which notifiers this hub uses (stored in the hub database, without secrets)."""

    email: EmailSettings | None = None
    webhooks: tuple[WebhookSettings, ...] = ()
    sms_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, as :meth:`from_dict` reads it."""
        email = None
        if self.email is not None:
            email = {
                "host": self.email.host, "port": self.email.port, "sender": self.email.sender,
                "username": self.email.username, "starttls": self.email.starttls,
            }
        return {
            "email": email,
            "webhooks": [{"name": w.name, "url": w.url} for w in self.webhooks],
            "sms_url": self.sms_url,
        }

    @classmethod
    def from_dict(cls, data: object) -> NotifierSettings:
        """Read stored settings (raises ValidationError naming what is wrong)."""
        if not isinstance(data, Mapping):
            raise ValidationError([Problem("notifiers", "must be an object of settings")])
        email_data = data.get("email")
        email = None
        if isinstance(email_data, Mapping):
            email = EmailSettings(
                host=str(email_data["host"]), port=int(email_data.get("port", 587)),
                sender=str(email_data.get("sender") or ""),
                username=email_data.get("username") or None,
                starttls=bool(email_data.get("starttls", True)),
            )
        hooks = tuple(
            WebhookSettings(name=str(h["name"]), url=str(h["url"]))
            for h in data.get("webhooks") or []
            if isinstance(h, Mapping)
        )
        sms_url = data.get("sms_url")
        return cls(email=email, webhooks=hooks, sms_url=str(sms_url) if sms_url else None)


def check_url(field_name: str, url: str) -> None:
    """Raise ValidationError unless ``url`` is https (or http to this machine)."""
    parsed = httpx.URL(url)
    loopback = parsed.host in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
        raise ValidationError(
            [Problem(field_name, "must be an https:// address (http:// only to this machine)")]
        )


# --------------------------------------------------------------------------- messages
@dataclass(frozen=True, slots=True)
class Message:
    """What one alert says: a subject, a short text (fits an SMS or two) and webhook data."""

    subject: str
    text: str
    data: dict[str, Any]


def _hm(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M UTC")


def compose(alert: EscalationAlert, plan: VisitPlan, worker_name: str,
            *, welfare_call_decision: bool) -> Message:
    """The words of ``alert`` about ``plan``: place, case reference, times; never a child's
    name (the plan has none). Worker reminders say only what the worker needs."""
    ref = plan.case_reference or "no case reference"
    where = f"at {plan.location} (case {ref}), expected end {_hm(plan.expected_end)}"
    reason = alert.reason
    if alert.tier == "worker_reminder":
        due = _hm(alert.deadline) if alert.deadline else "now"
        subject = "Spoke: check-in due"
        text = (f"Spoke: your check-in is due by {due}. Reply SAFE, EXTEND 30 or HELP, "
                "or check in on your laptop.")
    elif reason is AlertReason.ALL_CLEAR:
        subject = f"Spoke all clear: {worker_name}"
        text = (f"All clear: the alert about {worker_name}'s lone visit {where} is over "
                "(checked in or resolved). No further action.")
    elif reason is AlertReason.DURESS:
        subject = f"Spoke DURESS ALARM: {worker_name}"
        text = (f"DURESS: {worker_name} signalled duress on a lone visit {where}. Treat as an "
                "emergency. Do not contact them in a way that could alert anyone with them.")
    elif reason is AlertReason.PANIC:
        subject = f"Spoke PANIC ALARM: {worker_name}"
        text = f"ALARM: {worker_name} raised a panic alarm on a lone visit {where}."
    else:
        due = _hm(alert.deadline) if alert.deadline else "?"
        subject = f"Spoke overdue: {worker_name}"
        text = (f"{worker_name} has missed a check-in due {due} on a lone visit {where}. "
                f"Buddy: {plan.buddy_name} {plan.buddy_phone}.")
        if plan.vehicle:
            text += f" Vehicle: {plan.vehicle}."
    if welfare_call_decision and reason is not AlertReason.ALL_CLEAR:
        text += " Decide now whether to call 999 for a welfare check."
    if alert.tier != "worker_reminder" and reason is not AlertReason.ALL_CLEAR:
        text += " Acknowledge in Spoke."
    data = {
        "alert": alert.to_dict(),
        "visit": {
            "id": plan.id, "location": plan.location, "case_reference": plan.case_reference,
            "expected_end": plan.expected_end.isoformat(), "worker": worker_name,
        },
        "welfare_call_decision": welfare_call_decision,
        "text": text,
    }
    return Message(subject=subject, text=text, data=data)


# --------------------------------------------------------------------------- HTTP
#: The most of a receiver's answer the hub reads (it only needs the status); a longer answer
#: is not read to its end and its connection is not kept.
MAX_ANSWER_BYTES: Final = 64 * 1024
#: An idle connection unused this long is closed (servers close theirs after a minute or so,
#: and a receiver no longer configured must not keep one open for ever).
KEEP_IDLE_SECONDS: Final = 30.0
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


class HttpPool:
    """POSTs over kept-alive connections, shared by the sending threads of one hub process
    (each connection is used by one thread at a time) and kept between rounds.

    A connection is reused only if the far side has not closed it while it was idle (checked
    before each reuse, as httpcore does); one that turns out dead before any answer came is
    replaced and the request sent once more on a fresh connection (the receiver got nothing:
    it closed the idle connection). HTTPS uses httpx's TLS context (certificates and host
    names checked against its CA bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``). A URL that
    a proxy variable (``HTTPS_PROXY``, ``ALL_PROXY``...) applies to goes through httpx, which
    honours them. Raises :class:`DeliveryError` (``timeout``, ``connection_failed``)."""

    def __init__(self, timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        #: idle connections by (scheme, host, port), each with when it became idle
        self._idle: dict[tuple[str, str, int],
                         list[tuple[http.client.HTTPConnection, float]]] = {}
        self._tls: ssl.SSLContext | None = None
        self._proxied: httpx.Client | None = None
        self._proxies = urllib.request.getproxies_environment()  # read once, as httpx does
        self.opened = 0  # connections opened (tests: keep-alive works)

    def close(self) -> None:
        """Close every idle connection (connections in use are closed by their senders)."""
        with self._lock:
            idle, self._idle = self._idle, {}
            proxied, self._proxied = self._proxied, None
        for connections in idle.values():
            for connection, _since in connections:
                connection.close()
        if proxied is not None:
            proxied.close()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POST ``body`` to ``url``; returns the answer's status code."""
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in _DEFAULT_PORTS or not host:
            raise DeliveryError("bad_url")
        if (self._proxies.get(parts.scheme) or self._proxies.get("all")) and not (
                urllib.request.proxy_bypass(host)):
            return self._post_proxied(url, body, headers)
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise DeliveryError("bad_url") from None
        key = (parts.scheme, host, port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection, reused = self._take(key)
        while True:
            try:
                connection.request("POST", target, body=body, headers=dict(headers))
                answer = connection.getresponse()
                answer.read(MAX_ANSWER_BYTES)
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError):
                connection.close()
                if not reused:
                    raise DeliveryError("connection_failed") from None
                # closed by the far side while it was idle: nothing was read; once more
                connection, reused = self._connect(key), False
                continue
            except TimeoutError:
                connection.close()
                raise DeliveryError("timeout") from None
            except (OSError, http.client.HTTPException):
                connection.close()
                raise DeliveryError("connection_failed") from None
            if answer.isclosed() and not answer.will_close:
                self._give(key, connection)
            else:
                connection.close()
            return answer.status

    def _take(self, key: tuple[str, str, int]) -> tuple[http.client.HTTPConnection, bool]:
        while True:
            with self._lock:
                idle = self._idle.get(key)
                connection, since = idle.pop() if idle else (None, 0.0)
            if connection is None:
                return self._connect(key), False
            sock = connection.sock
            if (time.monotonic() - since < KEEP_IDLE_SECONDS and sock is not None
                    and not select.select([sock], [], [], 0)[0]):
                return connection, True
            connection.close()  # too old, or readable while idle: closed by the far side

    def _give(self, key: tuple[str, str, int], connection: http.client.HTTPConnection) -> None:
        now = time.monotonic()
        stale: list[http.client.HTTPConnection] = []
        with self._lock:
            self._idle.setdefault(key, []).append((connection, now))
            for idle in self._idle.values():
                while idle and now - idle[0][1] >= KEEP_IDLE_SECONDS:  # oldest first
                    stale.append(idle.pop(0)[0])
        for old in stale:
            old.close()

    def _connect(self, key: tuple[str, str, int]) -> http.client.HTTPConnection:
        scheme, host, port = key
        with self._lock:
            self.opened += 1
            if scheme == "http":
                return http.client.HTTPConnection(host, port, timeout=self.timeout)
            if self._tls is None:
                self._tls = httpx.create_ssl_context()
            tls = self._tls
        return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=tls)

    def _post_proxied(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        with self._lock:
            if self._proxied is None:
                self._proxied = httpx.Client(timeout=self.timeout)
            client = self._proxied
        try:
            return client.post(url, content=body, headers=dict(headers)).status_code
        except httpx.TimeoutException:
            raise DeliveryError("timeout") from None
        except httpx.HTTPError:
            raise DeliveryError("connection_failed") from None


# --------------------------------------------------------------------------- senders
class Senders:
    """Sends one delivery by its channel; raises DeliveryError with a short code on failure.

    ``pool``: the HTTP connections to use (the watch keeps one between rounds); by default
    its own, closed by :meth:`close`."""

    def __init__(self, settings: NotifierSettings, *, smtp_password: str | None,
                 webhook_secret: str | None, sms_secret: str | None,
                 pool: HttpPool | None = None,
                 timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.smtp_password = smtp_password
        self.webhook_secret = webhook_secret
        self.sms_secret = sms_secret
        self.timeout = timeout
        self._own_pool = pool is None
        self.pool = pool or HttpPool(timeout)

    def close(self) -> None:
        """Close the HTTP connections, if they are this sender's own."""
        if self._own_pool:
            self.pool.close()

    def send(self, channel: str, target: str, delivery_id: str, message: Message) -> None:
        """Send ``message`` to ``target`` (an address, a number, or a webhook's name)."""
        if channel == EMAIL:
            self._email(target, message)
        elif channel == SMS:
            body = json.dumps({"to": target, "text": message.text,
                               "delivery_id": delivery_id}).encode("utf-8")
            if self.settings.sms_url is None:
                raise DeliveryError("sms_not_configured")
            self._post(self.settings.sms_url, self.sms_secret, body, delivery_id)
        elif channel == WEBHOOK:
            hook = next((h for h in self.settings.webhooks if h.name == target), None)
            if hook is None:
                raise DeliveryError("webhook_not_configured")
            body = json.dumps({"delivery_id": delivery_id, **message.data}).encode("utf-8")
            self._post(hook.url, self.webhook_secret, body, delivery_id)
        else:
            raise DeliveryError("unknown_channel")

    def _post(self, url: str, secret: str | None, body: bytes, delivery_id: str) -> None:
        if not secret:
            raise DeliveryError("no_signing_secret")
        status = self.pool.post(url, body, signed_headers(secret, body, delivery_id))
        if not 200 <= status < 300:
            raise DeliveryError(f"http_{status}")

    def _email(self, address: str, message: Message) -> None:
        settings = self.settings.email
        if settings is None:
            raise DeliveryError("email_not_configured")
        email = EmailMessage()
        email["From"] = settings.sender
        email["To"] = address
        email["Subject"] = message.subject
        email.set_content(message.text)
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=self.timeout) as smtp:
                if settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.username:
                    smtp.login(settings.username, self.smtp_password or "")
                smtp.send_message(email)
        except smtplib.SMTPAuthenticationError:
            raise DeliveryError("smtp_auth_failed") from None
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError("smtp_refused") from None
        except (smtplib.SMTPResponseException, smtplib.SMTPDataError):
            raise DeliveryError("smtp_refused") from None
        except TimeoutError:
            raise DeliveryError("timeout") from None
        except ConnectionRefusedError:
            raise DeliveryError("smtp_down") from None
        except (smtplib.SMTPException, OSError):
            raise DeliveryError("smtp_failed") from None
