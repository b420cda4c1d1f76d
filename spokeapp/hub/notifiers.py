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

Messages never carry a young person's name (visit plans hold only the pseudonymous case
reference). Nothing here logs a message, an address or a number.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import time
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


# --------------------------------------------------------------------------- senders
class Senders:
    """Sends one delivery by its channel; raises DeliveryError with a short code on failure."""

    def __init__(self, settings: NotifierSettings, *, smtp_password: str | None,
                 webhook_secret: str | None, sms_secret: str | None,
                 http: httpx.Client | None = None,
                 timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.smtp_password = smtp_password
        self.webhook_secret = webhook_secret
        self.sms_secret = sms_secret
        self.timeout = timeout
        self.http = http or httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

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
        try:
            response = self.http.post(url, content=body,
                                      headers=signed_headers(secret, body, delivery_id))
        except httpx.TimeoutException:
            raise DeliveryError("timeout") from None
        except httpx.HTTPError:
            raise DeliveryError("connection_failed") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"http_{response.status_code}")

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
