"""The laptop's HTTP client for its hub: enrolment, tokens, push, pull, device status.

Transport rules (docs/sync.md):

* **HTTPS with a pinned certificate.** The hub's certificate is identified by the SHA-256
  fingerprint of its DER bytes, given to the worker with the enrolment code. The fingerprint is
  checked inside the TLS handshake, before a single byte of a request (token, records) is
  written, so a hub impostor learns nothing. Public CAs are not consulted: a charity's hub
  usually has a self-signed certificate, and the pin is stronger than a CA anyway.
* **Plain HTTP only on loopback** (``127.0.0.0/8``, ``::1``, ``localhost``), for tests and a
  hub on the same machine. Anything else over HTTP is refused before connecting.
* Every request has a timeout; connection failures and timeouts become :class:`HubUnreachable`.
* Error bodies (``ErrorBody``) map to typed exceptions; every one is a ``SpokeError`` whose
  message is safe to show. Payloads are never logged, only method, path and status.
* Access tokens last 15 minutes; the client refreshes them with the device's refresh token
  before they expire and once more if the hub says a token is no longer valid.
* Refresh tokens rotate (docs/sync.md, "Refresh tokens"): every token answer carries the next
  refresh token, which is handed to ``on_refresh`` (the engine writes it into the casebook)
  **before** the access token is used, so a crash cannot lose it. A token request whose
  answer was lost is sent again at once (the hub gives the same new token to a quick retry).
  After a hub restore the client proves itself with the device key (``sign``). A refresh
  token the hub refuses as reused or expired raises :class:`MustEnrolAgain`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, NoReturn, Protocol, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.sync.protocol import (
    API_PREFIX,
    ATTACHMENT_CHUNK_BYTES,
    DEFAULT_PULL_LIMIT,
    MAX_PAYLOAD_BYTES,
    MAX_SEQ,
    ApprovedRelease,
    AreasResponse,
    AttachmentLimits,
    AttachmentStatus,
    CaseViewsRequest,
    CaseViewsResponse,
    DeviceStatus,
    EnrolReplaces,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    OwnWindow,
    PeopleResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    ReportResponse,
    TeamResponse,
    TokenRequest,
    TokenResponse,
    token_proof_message,
)

__all__ = [
    "AuthRejected",
    "BatchTooLarge",
    "CertificatePinMismatch",
    "ChainRejected",
    "DeviceRetired",
    "DeviceRevoked",
    "EnrolmentRefused",
    "EpochChanged",
    "HubApi",
    "HubClient",
    "HubEndpoint",
    "HubHealth",
    "HubRejected",
    "HubUnreachable",
    "InsecureHubAddress",
    "MustEnrolAgain",
    "OutOfScope",
    "SyncError",
    "TooManyAttempts",
    "fingerprint_of",
    "normalise_fingerprint",
]

log = logging.getLogger(__name__)
tr = translator(__name__)

#: Connect quickly (a laptop in a car park should give up fast); allow slower large pages.
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
#: Refresh an access token this long before the hub would refuse it.
TOKEN_MARGIN_SECONDS: Final = 60.0
#: The most an ordinary answer may hold (JSON: a push's acknowledgement, the device status,
#: people, areas...): a hostile or broken hub cannot fill the laptop's memory.
ANSWER_LIMIT_BYTES: Final = 32 * 1024 * 1024
#: Officers' documents (a subject access file, the audit's CSV) may be larger.
DOCUMENT_LIMIT_BYTES: Final = 512 * 1024 * 1024
#: A pull page: at most ``limit`` records, each at most ``MAX_PAYLOAD_BYTES`` plus its fields.
PULL_RECORD_BYTES: Final = MAX_PAYLOAD_BYTES + 8 * 1024
#: An attachment chunk's answer: the chunk, or a small error body.
CHUNK_ANSWER_BYTES: Final = ATTACHMENT_CHUNK_BYTES + 16 * 1024
#: ``timeout`` bounds each wait for bytes; an answer that trickles in (a byte every few
#: seconds) would never trip it. So every answer's body must also arrive at least this fast
#: on average, after this grace, counted from its headers (so a slow upload of a batch is
#: never counted against its answer). 1 KiB/s is 8 kbit/s: a rural GPRS link in a car park
#: (20-40 kbit/s) still passes; a hub dripping a byte a second does not.
ANSWER_GRACE_SECONDS: Final = 120.0
MIN_ANSWER_BYTES_PER_SECOND: Final = 1024
#: What a hub's error code may look like; anything else (a name, a line break) is never
#: shown, stored or logged: the code becomes ``http_<status>``.
_ERROR_CODE: Final = re.compile(r"[a-z][a-z0-9_]{0,47}")


# ------------------------------------------------------------------------------ errors
class SyncError(SpokeError):
    """A known sync problem; the message is plain words, safe to show and to log."""

    code = "sync_error"


class HubUnreachable(SyncError):
    """No connection to the hub (offline, timed out, or the hub is down): try again later."""

    code = "unreachable"


class InsecureHubAddress(SyncError):
    """The hub address would send casework over an unencrypted or unknown connection."""

    code = "insecure_address"


class CertificatePinMismatch(SyncError):
    """The server is not the hub this laptop was enrolled with (certificate fingerprint)."""

    code = "certificate_mismatch"


class EnrolmentRefused(SyncError):
    """The hub did not accept the enrolment code."""

    code = "enrolment_refused"


class AuthRejected(SyncError):
    """The hub no longer accepts this laptop's credentials."""

    code = "unauthorised"


class MustEnrolAgain(AuthRejected):
    """The hub stopped accepting this laptop's refresh token for good (it came back after
    being replaced, or it was not used for too long): enrol again. Nothing waiting to be sent
    is touched."""

    code = "enrol_again"


class TooManyAttempts(SyncError):
    """The hub is refusing sign-in or enrolment attempts for a while (429)."""

    code = "throttled"


class DeviceRevoked(SyncError):
    """The hub administrator revoked this laptop; ``wipe`` says it must erase its casebook."""

    code = "device_revoked"

    def __init__(self, message: str, *, wipe: bool) -> None:
        super().__init__(message)
        self.wipe = wipe


class DeviceRetired(SyncError):
    """The hub administrator retired this laptop: it may still push, but pulls nothing more."""

    code = "device_retired"


class EpochChanged(SyncError):
    """The hub was restored from a backup: pull from zero and push everything again."""

    code = "epoch_changed"


class OutOfScope(SyncError):
    """The hub refused the batch: something in it is not in this worker's caseload."""

    code = "out_of_scope"


class ChainRejected(SyncError):
    """The hub refused the batch's hash chain (a gap or altered history)."""

    code = "chain_rejected"


class BatchTooLarge(SyncError):
    """The hub refused the batch as too large."""

    code = "too_large"


class HubRejected(SyncError):
    """The hub refused a request for another reason (malformed, unknown, server error)."""

    code = "rejected"

    def __init__(self, message: str, *, status: int, error: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


# ------------------------------------------------------------------------------ addresses
_LOOPBACK_NAMES: Final = frozenset({"localhost", "localhost.", "ip6-localhost"})


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (the only hosts plain HTTP may reach)."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_fingerprint(text: str) -> str:
    """Accept ``AB:CD:…`` or plain hex (any case); return 64 lower-case hex digits."""
    cleaned = "".join(ch for ch in text.lower() if ch not in ": \t\n-")
    if len(cleaned) != 64 or any(ch not in "0123456789abcdef" for ch in cleaned):
        raise InsecureHubAddress(
            tr(
                "The hub's certificate fingerprint should be 64 hexadecimal characters (SHA-256); "
                "check what your hub administrator gave you."
            )
        )
    return cleaned


def fingerprint_of(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate, as 64 lower-case hex digits."""
    return hashlib.sha256(der).hexdigest()


@dataclass(frozen=True)
class HubEndpoint:
    """Where the hub is and how to recognise it."""

    url: str
    cert_fingerprint: str | None = None

    def checked(self) -> HubEndpoint:
        """Refuse addresses that would expose casework; normalise the URL and fingerprint."""
        parts = urlsplit(self.url.strip())
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host:
            raise InsecureHubAddress(
                tr(
                    "The hub address should look like https://hub.example.org (or http://127.0.0.1 "
                    "for a hub on this computer)."
                )
            )
        if parts.username or parts.password or parts.query or parts.fragment:
            raise InsecureHubAddress(tr("The hub address should not include a name, query or #."))
        if parts.scheme == "http":
            if not is_loopback_host(host):
                raise InsecureHubAddress(
                    tr(
                        "Spoke only talks to a hub over https (encrypted), unless the hub runs on "
                        "this same computer. Check the address starts with https://."
                    )
                )
            fingerprint = None
        else:
            if self.cert_fingerprint is None:
                raise InsecureHubAddress(
                    tr(
                        "Spoke needs the hub's certificate fingerprint to be sure it is talking to "
                        "your hub. Ask your hub administrator for it."
                    )
                )
            fingerprint = normalise_fingerprint(self.cert_fingerprint)
        url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        return HubEndpoint(url, fingerprint)


# ------------------------------------------------------------------------------ TLS pinning
class _PinMismatchError(ssl.SSLError):
    """Raised inside the handshake; found again in the exception chain httpx raises."""


def pinned_ssl_context(fingerprint: str) -> ssl.SSLContext:
    """A TLS client context that accepts exactly the certificate with this SHA-256.

    CA validation and hostname checks are off because the pin replaces them; the check runs
    at the end of the handshake, before httpx writes the request.
    """
    expected = normalise_fingerprint(fingerprint)

    class PinnedSocket(ssl.SSLSocket):
        def do_handshake(self, block: bool = False) -> None:
            super().do_handshake(block)
            der = self.getpeercert(binary_form=True)
            if der is None or fingerprint_of(der) != expected:
                raise _PinMismatchError("hub certificate does not match the pinned fingerprint")

    class PinnedObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            super().do_handshake()
            der = self.getpeercert(binary_form=True)
            if der is None or fingerprint_of(der) != expected:
                raise _PinMismatchError("hub certificate does not match the pinned fingerprint")

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.sslsocket_class = PinnedSocket
    context.sslobject_class = PinnedObject
    return context


def _caused_by_pin_mismatch(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, _PinMismatchError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


#: Tokens the hub hands out: printable ASCII (an access token travels in a header), of the
#: lengths ``TokenRequest`` accepts back (a refresh token) or a header sensibly holds.
_ACCESS_TOKEN_CHARS: Final = (1, 8192)
_REFRESH_TOKEN_CHARS: Final = (16, 256)
_DEVICE_ID: Final = re.compile(r"[0-9A-Za-z-]{1,64}")


def _usable_token(token: str, length: tuple[int, int]) -> bool:
    shortest, longest = length
    return shortest <= len(token) <= longest and all("!" <= ch <= "~" for ch in token)


#: Headers that described the bytes as they travelled; the answer handed on is already read.
_READ_HEADERS: Final = frozenset({"content-encoding", "content-length", "transfer-encoding"})

#: Why the hub refused to enrol this laptop again, in plain words (by ``ErrorBody.error``).
_ENROLMENT_REFUSALS: Final = {
    "other_person": tr.noop(
        "That enrolment code is for someone else. This laptop holds the caseload of the person "
        "it was enrolled for, so it can only be enrolled again in their name. Nothing was "
        "changed: ask your hub administrator for a code in your own name."
    ),
    "unknown_device": tr.noop(
        "That hub does not know this laptop: it was enrolled with a different hub, and its "
        "records belong there. Nothing was changed: check the hub address (it is filled in "
        "with the one this laptop used) or ask your hub administrator."
    ),
}


# ------------------------------------------------------------------------------ the client
@dataclass(frozen=True)
class HubHealth:
    status: str
    hub_epoch: str


class HubApi(Protocol):
    """What the sync engine needs from a hub connection (HubClient, or a fake in tests)."""

    @property
    def hub_epoch(self) -> str | None: ...

    def enrol(self, code: str, device_name: str, public_key: str, *,
              replaces: EnrolReplaces | None = None) -> EnrolResponse: ...

    def set_credentials(self, device_id: str, refresh_token: str) -> None: ...

    def ensure_token(self) -> str: ...

    def health(self) -> HubHealth: ...

    def push(self, request: PushRequest) -> PushResponse: ...

    def pull(self, after: int, limit: int = DEFAULT_PULL_LIMIT, *,
             own: OwnWindow | None = None) -> PullResponse: ...

    def device_status(self) -> DeviceStatus: ...

    def report_case_views(self, request: CaseViewsRequest) -> CaseViewsResponse: ...

    def areas(self) -> AreasResponse: ...

    def people(self) -> PeopleResponse: ...

    def attachment_limits(self) -> AttachmentLimits: ...

    def attachment_status(self, sha256: str) -> AttachmentStatus | None: ...

    def put_attachment_chunk(self, sha256: str, index: int, data: bytes
                             ) -> AttachmentStatus: ...

    def get_attachment_chunk(self, sha256: str, index: int) -> bytes | None: ...

    def close(self) -> None: ...


M = TypeVar("M", bound=BaseModel)


@dataclass
class _Token:
    value: str
    expires_at: float  # monotonic seconds


@dataclass
class _Credentials:
    device_id: str
    refresh_token: str = field(repr=False)


class HubClient:
    """One laptop's connection to its hub. Thread-safe; reuse it for a whole sync."""

    def __init__(
        self,
        endpoint: HubEndpoint,
        *,
        device_id: str | None = None,
        refresh_token: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
        on_refresh: Callable[[str], None] | None = None,
        sign: Callable[[bytes], str] | None = None,
    ) -> None:
        self.endpoint = endpoint.checked()
        verify: ssl.SSLContext | bool = (
            pinned_ssl_context(self.endpoint.cert_fingerprint)
            if self.endpoint.cert_fingerprint is not None
            else False
        )
        self._http = httpx.Client(
            base_url=self.endpoint.url,
            timeout=timeout,
            verify=verify,
            transport=transport,
            follow_redirects=False,  # a redirect could lead away from the pinned hub
            trust_env=False,  # no proxies from the environment between laptop and hub
            headers={"User-Agent": "Spoke"},
        )
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._token: _Token | None = None
        self._credentials = (
            _Credentials(device_id, refresh_token)
            if device_id is not None and refresh_token is not None
            else None
        )
        self.hub_epoch: str | None = None
        self._on_refresh = on_refresh
        self._sign = sign

    def attach_device(self, *, on_refresh: Callable[[str], None] | None,
                      sign: Callable[[bytes], str] | None) -> None:
        """Where each rotated refresh token goes before it is used (the engine stores it in
        the casebook; if that raises, the access token is not used), and how to sign a proof
        with the device key after a hub restore."""
        with self._lock:
            self._on_refresh = on_refresh
            self._sign = sign

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- plumbing
    def _send(
        self, method: str, path: str, *, json_body: dict[str, Any] | None = None,
        params: dict[str, int] | httpx.QueryParams | None = None, token: str | None = None,
        content: bytes | None = None, content_type: str = "application/json",
        limit: int = ANSWER_LIMIT_BYTES,
    ) -> httpx.Response:
        """One request; its answer read whole, but never more than ``limit`` bytes and never
        slower than ``MIN_ANSWER_BYTES_PER_SECOND`` after ``ANSWER_GRACE_SECONDS``: an answer
        that is too large, trickles, or arrives damaged is :class:`HubUnreachable` (for a
        push, a lost acknowledgement: the batch is sent again)."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        if content is not None:
            headers["Content-Type"] = content_type
        try:
            request = self._http.build_request(
                method, path, json=json_body, params=params, headers=headers, content=content
            )
            streamed = self._http.send(request, stream=True)
            try:
                # From the answer's headers: the request (a 2 MB batch on a slow uplink) is
                # bounded by ``timeout`` per write, as before, never by the answer's rate.
                body = self._read_answer(streamed, method, path, limit, self._monotonic())
            finally:
                streamed.close()
                # httpx's response and its bound stream refer to each other; without this
                # the request with its batch (2 MB) would wait for the cyclic garbage
                # collector, which a sync runs rarely (``RunTuning``): a 100,000-record push
                # held 90 MB of sent batches that way. Freed when dropped instead.
                streamed.stream = httpx.ByteStream(b"")
        except httpx.TimeoutException as exc:
            log.info("hub request timed out: %s %s", method, path)
            raise HubUnreachable(
                tr(
                    "The hub did not answer in time. Your work is safe on this laptop and will be "
                    "sent at the next sync."
                )
            ) from exc
        except httpx.TransportError as exc:
            if _caused_by_pin_mismatch(exc):
                log.warning("hub certificate did not match the pinned fingerprint")
                raise CertificatePinMismatch(
                    tr(
                        "This server's certificate is not the one your hub administrator gave you, "
                        "so Spoke sent nothing. Someone may be pretending to be your hub; tell "
                        "your administrator."
                    )
                ) from exc
            log.info("hub not reachable: %s %s (%s)", method, path, type(exc).__name__)
            raise HubUnreachable(
                tr(
                    "Spoke cannot reach the hub (no connection, or the hub is down). Your work is "
                    "safe on this laptop and will be sent at the next sync."
                )
            ) from exc
        except httpx.DecodingError as exc:  # a compressed answer that does not decompress
            log.info("hub answer could not be decoded: %s %s", method, path)
            raise HubUnreachable(
                tr(
                    "The hub's answer arrived damaged. Your work is safe on this laptop and will "
                    "be sent at the next sync."
                )
            ) from exc
        log.info("hub %s %s -> %s", method, path, streamed.status_code)
        kept = [(name, value) for name, value in streamed.headers.multi_items()
                if name.lower() not in _READ_HEADERS]
        return httpx.Response(streamed.status_code, headers=kept, content=body, request=request)

    def _read_answer(self, response: httpx.Response, method: str, path: str, limit: int,
                     started: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and (len(declared) > 18 or int(declared) > limit) \
                and "content-encoding" not in response.headers:
            self._answer_refused(method, path, "too large")
        parts: list[bytes] = []
        size = 0
        for part in response.iter_bytes():
            size += len(part)
            if size > limit:
                self._answer_refused(method, path, "too large")
            parts.append(part)
            allowed = ANSWER_GRACE_SECONDS + size / MIN_ANSWER_BYTES_PER_SECOND
            if self._monotonic() - started > allowed:
                self._answer_refused(method, path, "too slow")
        return b"".join(parts)

    @staticmethod
    def _answer_refused(method: str, path: str, why: str) -> NoReturn:
        log.warning("hub answer %s; stopped reading it: %s %s", why, method, path)
        raise HubUnreachable(
            tr(
                "The hub's answer was too large or too slow, so Spoke stopped reading it. Your "
                "work is safe on this laptop and will be sent at the next sync."
            )
        )

    @staticmethod
    def _error_body(response: httpx.Response) -> ErrorBody:
        """The hub's error body. Its code is shown in messages and logged: one that is not a
        plain code (a name, a line break, pages of text) becomes ``http_<status>``; its
        ``message`` is never used."""
        try:
            body = ErrorBody.model_validate_json(response.content)
        except ValidationError:
            return ErrorBody(error=f"http_{response.status_code}", message="")
        if _ERROR_CODE.fullmatch(body.error) is None:
            return ErrorBody(error=f"http_{response.status_code}", message="", wipe=body.wipe)
        return body

    def _raise_for(self, response: httpx.Response) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        if status < 400:
            # A redirect is never followed (it could lead away from the pinned hub, with the
            # token): nothing was answered. For a push that is a lost acknowledgement, not a
            # refusal, so the batch is sent again rather than held.
            log.warning("hub answered %s instead of an answer; not followed", status)
            raise HubUnreachable(
                tr(
                    "The hub's address sent Spoke somewhere else, which Spoke does not follow. "
                    "Your work is safe on this laptop; check the hub address with your hub "
                    "administrator."
                )
            )
        body = self._error_body(response)
        code = body.error
        if code == "device_revoked":
            wipe = bool(body.wipe)
            raise DeviceRevoked(
                tr(
                    "Your hub administrator has revoked this laptop and asked for its casebook "
                    "to be erased."
                ) if wipe
                else tr("Your hub administrator has revoked this laptop."),
                wipe=wipe,
            )
        if code == "device_retired":
            raise DeviceRetired(
                tr(
                    "Your hub administrator has retired this laptop: it sends what it holds and "
                    "receives nothing more."
                )
            )
        if code == "epoch_changed":
            raise EpochChanged(
                tr("The hub was restored from a backup. Spoke will send everything again.")
            )
        if status == 403 or code == "out_of_scope":
            raise OutOfScope(
                tr("The hub refused some changes because the case is not in your caseload there.")
            )
        if code in ("chain_gap", "chain_mismatch", "bad_chain", "chain_rejected"):
            raise ChainRejected(
                tr(
                    "The hub refused this laptop's record history (it does not follow on from what "
                    "the hub has). Nothing was lost; tell your hub administrator."
                )
            )
        if status == 413:
            raise BatchTooLarge(tr("The hub refused a batch as too large."))
        if code == "refresh_reused":
            raise MustEnrolAgain(
                tr(
                    "This laptop needs to be enrolled with the hub again: its sign-in was used "
                    "from somewhere else, so the hub stopped accepting it. Ask your hub "
                    "administrator for a new enrolment code. Everything not yet sent stays safe on "
                    "this laptop."
                )
            )
        if code == "refresh_expired":
            raise MustEnrolAgain(
                tr(
                    "This laptop needs to be enrolled with the hub again: it has not synced for so "
                    "long that its sign-in expired. Ask your hub administrator for a new enrolment "
                    "code. Everything not yet sent stays safe on this laptop."
                )
            )
        if status == 429:
            raise TooManyAttempts(
                tr(
                    "The hub is turning away sign-in attempts for a few minutes; Spoke will try "
                    "again later. Your work is safe on this laptop."
                )
            )
        if status == 401:
            raise AuthRejected(
                tr(
                    "The hub no longer accepts this laptop's sign-in. Ask your hub administrator "
                    "to enrol it again; your work stays safe on this laptop."
                )
            )
        if status >= 500:
            raise HubUnreachable(
                tr("The hub has a problem of its own right now; Spoke will try again later.")
            )
        raise HubRejected(
            tr("The hub refused the request ({code}).").format(code=code), status=status,
            error=code,
        )

    @staticmethod
    def _parse(model: type[M], response: httpx.Response) -> M:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise HubRejected(
                tr("The hub answered in a way this version of Spoke does not understand."),
                status=response.status_code, error="bad_response",
            ) from exc

    # -------------------------------------------------------------- public calls
    def health(self) -> HubHealth:
        """``GET /healthz``: is the hub reachable, and which epoch is it in."""
        response = self._send("GET", "/healthz")
        self._raise_for(response)
        try:
            data = response.json()
            health = HubHealth(str(data["status"]), str(data["hub_epoch"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise HubRejected(
                tr("The server at this address does not look like a Spoke hub."),
                status=response.status_code, error="bad_response",
            ) from exc
        return health

    def enrol(self, code: str, device_name: str, public_key: str, *,
              replaces: EnrolReplaces | None = None) -> EnrolResponse:
        """Register this laptop's public key with a one-time code; returns its credentials.

        ``replaces``: enrolling again, the device this laptop was (signed with its key); the
        hub then refuses a code for someone else or a laptop of another hub, and answers a
        device it was asked to wipe with :class:`DeviceRevoked` (``wipe``)."""
        try:
            request = EnrolRequest(
                code=code.strip(), device_name=device_name, public_key=public_key,
                replaces=replaces,
            )
        except ValidationError as exc:
            raise EnrolmentRefused(
                tr("That enrolment code does not look right; check it and try again.")
            ) from exc
        response = self._send("POST", f"{API_PREFIX}/enrol",
                              json_body=request.model_dump(exclude_none=True))
        if response.status_code == 429:
            log.info("enrolment throttled by the hub")
            raise EnrolmentRefused(
                tr(
                    "The hub has seen too many enrolment attempts and is refusing them for a few "
                    "minutes. Wait, check the code, then try again."
                )
            )
        if response.status_code >= 400 and response.status_code < 500:
            body = self._error_body(response)
            log.info("enrolment refused: %s", body.error)
            if body.error == "device_revoked":
                self._raise_for(response)
            refusal = _ENROLMENT_REFUSALS.get(body.error)
            raise EnrolmentRefused(tr(refusal) if refusal is not None else tr(
                "The hub did not accept that enrolment code. Codes work once and expire after "
                "a day; ask your hub administrator for a new one."
            ))
        self._raise_for(response)
        enrolled = self._parse(EnrolResponse, response)
        if not _usable_token(enrolled.refresh_token, _REFRESH_TOKEN_CHARS) \
                or _DEVICE_ID.fullmatch(enrolled.device_id) is None:
            log.warning("hub answered an enrolment with credentials that cannot be used")
            raise HubRejected(
                tr("The hub answered in a way this version of Spoke does not understand."),
                status=response.status_code, error="bad_response",
            )
        self.hub_epoch = enrolled.hub_epoch
        with self._lock:
            self._credentials = _Credentials(enrolled.device_id, enrolled.refresh_token)
            self._token = None
        return enrolled

    def set_credentials(self, device_id: str, refresh_token: str) -> None:
        with self._lock:
            self._credentials = _Credentials(device_id, refresh_token)
            self._token = None

    def ensure_token(self) -> str:
        """A valid access token, refreshed if missing or about to expire."""
        with self._lock:
            token = self._token
            if token is not None and token.expires_at - TOKEN_MARGIN_SECONDS > self._monotonic():
                return token.value
            return self._refresh_locked()

    def _refresh_locked(self) -> str:
        if self._credentials is None:
            raise AuthRejected(tr("This laptop is not enrolled with a hub yet."))
        credentials = self._credentials
        request = TokenRequest(
            device_id=credentials.device_id, refresh_token=credentials.refresh_token
        )
        started = self._monotonic()
        response = self._token_request(request)
        if response.status_code == 401 and self._sign is not None \
                and self._error_body(response).error == "refresh_proof_required":
            # The hub was restored from a backup and forgot this token: prove who we are.
            epoch = self.health().hub_epoch
            proof = self._sign(token_proof_message(
                credentials.device_id, epoch, credentials.refresh_token))
            log.info("hub restored: refreshing with the device's proof")
            response = self._token_request(request.model_copy(update={"proof": proof}))
        self._raise_for(response)
        issued = self._parse(TokenResponse, response)
        if not _usable_token(issued.access_token, _ACCESS_TOKEN_CHARS) or (
            issued.refresh_token is not None
            and not _usable_token(issued.refresh_token, _REFRESH_TOKEN_CHARS)
        ):
            # Sent as a header (only ASCII can be) or presented again as a refresh token
            # (``TokenRequest``'s rules): one that cannot be is never stored, so it cannot
            # break every later sync.
            log.warning("hub answered a token request with a token that cannot be used")
            raise HubRejected(
                tr("The hub answered in a way this version of Spoke does not understand."),
                status=response.status_code, error="bad_response",
            )
        self.hub_epoch = issued.hub_epoch
        if issued.refresh_token is not None \
                and issued.refresh_token != credentials.refresh_token:
            # The old token no longer works: keep the new one in memory at once, and durably
            # (on_refresh) before the access token is used.
            self._credentials = _Credentials(credentials.device_id, issued.refresh_token)
            if self._on_refresh is not None:
                self._on_refresh(issued.refresh_token)
        self._token = _Token(issued.access_token, started + issued.expires_in)
        return issued.access_token

    def _token_request(self, request: TokenRequest) -> httpx.Response:
        """``POST /v1/token``, sent a second time at once if the answer was lost (the hub
        answers a quick retry with the same new refresh token)."""
        body = request.model_dump(exclude_none=True)
        try:
            return self._send("POST", f"{API_PREFIX}/token", json_body=body)
        except HubUnreachable:
            log.info("token answer lost; asking once more")
            return self._send("POST", f"{API_PREFIX}/token", json_body=body)

    def _authorised(
        self, method: str, path: str, *, json_body: dict[str, Any] | None = None,
        params: dict[str, int] | httpx.QueryParams | None = None, content: bytes | None = None,
        content_type: str = "application/json", limit: int = ANSWER_LIMIT_BYTES,
    ) -> httpx.Response:
        token = self.ensure_token()
        response = self._send(
            method, path, json_body=json_body, params=params, token=token, content=content,
            content_type=content_type, limit=limit,
        )
        if response.status_code == 401 and self._error_body(response).error not in (
            "device_revoked", "device_retired", "refresh_reused"
        ):
            with self._lock:  # the token expired or the hub restarted: refresh once
                if self._token is not None and self._token.value == token:
                    self._token = None
                token = self._refresh_locked() if self._token is None else self._token.value
            response = self._send(
                method, path, json_body=json_body, params=params, token=token, content=content,
                content_type=content_type, limit=limit,
            )
        self._raise_for(response)
        return response

    def push(self, request: PushRequest) -> PushResponse:
        """Send one batch; the answer arrives only after the hub committed it."""
        # Serialised once (``PushRequest.body``: made by the engine as it wrote it down).
        response = self._authorised("POST", f"{API_PREFIX}/sync/push", content=request.body())
        try:
            answer = PushResponse.model_validate_json(response.content)
            if not all(0 <= result.seq <= MAX_SEQ for result in answer.results):
                # No seq the casebook (or any hub's database) can hold.
                raise ValueError("an acknowledged seq out of range")
        except (ValidationError, ValueError) as exc:
            # The hub may have stored the batch (it answers after committing): an answer
            # that is no acknowledgement is a lost one. The batch stays outgoing and is sent
            # again, byte for byte (the hub answers ``duplicate``); nothing is held.
            log.warning("hub answered a push with something that is not an acknowledgement")
            raise HubUnreachable(
                tr(
                    "The hub's answer to what Spoke sent could not be read. Your work is safe on "
                    "this laptop and will be sent again at the next sync."
                )
            ) from exc
        self.hub_epoch = answer.hub_epoch
        return answer

    def pull(self, after: int, limit: int = DEFAULT_PULL_LIMIT, *,
             own: OwnWindow | None = None) -> PullResponse:
        """One page of record versions in this worker's scope with seq > ``after``.

        ``own``: the first and last seq the hub gave this laptop's events in the pushes just
        before, and whether every seq between is one of them; the hub leaves those records
        out (docs/sync.md, "Own records are not pulled back"; an older hub ignores it and
        sends them)."""
        params: dict[str, int] = {"after": after, "limit": limit}
        if own is not None:
            params.update(own_from=own.first, own_to=own.last)
            if own.whole:
                params.update(own_whole=1)
        response = self._authorised("GET", f"{API_PREFIX}/sync/pull", params=params,
                                    limit=max(1, limit) * PULL_RECORD_BYTES + ANSWER_LIMIT_BYTES)
        page = self._parse(PullResponse, response)
        self.hub_epoch = page.hub_epoch
        return page

    def device_status(self) -> DeviceStatus:
        """This laptop's own status on the hub (active, retired, revoked with or without wipe)."""
        response = self._authorised("GET", f"{API_PREFIX}/device")
        return self._parse(DeviceStatus, response)

    def report_case_views(self, request: CaseViewsRequest) -> CaseViewsResponse:
        """Send the cases this supervisor or admin opened, for the hub's audit trail."""
        response = self._authorised(
            "POST", f"{API_PREFIX}/audit/case-views",
            content=request.model_dump_json().encode("utf-8"),
        )
        return self._parse(CaseViewsResponse, response)

    def areas(self) -> AreasResponse:
        """The hub's local authority areas (``spoke-hub areas``), for new cases."""
        return self._parse(AreasResponse, self._authorised("GET", f"{API_PREFIX}/areas"))

    def people(self) -> PeopleResponse:
        """The names of the people this laptop's records can mention (issue 17)."""
        return self._parse(PeopleResponse, self._authorised("GET", f"{API_PREFIX}/people"))

    # -------------------------------------------------------------- attachments
    def attachment_limits(self) -> AttachmentLimits:
        """The hub's limit for one attached file and the chunk size (docs/attachments.md)."""
        return self._parse(AttachmentLimits,
                           self._authorised("GET", f"{API_PREFIX}/attachments/limits"))

    @staticmethod
    def _attachment_path(sha256: str, index: int | None = None) -> str:
        path = f"{API_PREFIX}/attachments/{quote(sha256, safe='')}"
        return path if index is None else f"{path}/chunks/{int(index)}"

    def attachment_status(self, sha256: str) -> AttachmentStatus | None:
        """What the hub holds of the file ``sha256`` (which chunks, complete or not); None
        when the hub has none this worker may see (404: never named by a record they see)."""
        try:
            response = self._authorised("GET", self._attachment_path(sha256))
        except HubRejected as exc:
            if exc.status == 404:
                return None
            raise
        return self._parse(AttachmentStatus, response)

    def put_attachment_chunk(self, sha256: str, index: int, data: bytes) -> AttachmentStatus:
        """Send chunk ``index`` of the file ``sha256`` (64 KiB, the last shorter); the hub
        stores it once however often it is sent. Raises :class:`HubRejected` for a refusal
        (``attachment_hash_mismatch`` when the last chunk made the file hash wrong: the hub
        dropped its chunks; ``attachment_not_found`` when no record this worker may see names
        the file)."""
        response = self._authorised("PUT", self._attachment_path(sha256, index), content=data,
                                    content_type="application/octet-stream",
                                    limit=CHUNK_ANSWER_BYTES)
        return self._parse(AttachmentStatus, response)

    def get_attachment_chunk(self, sha256: str, index: int) -> bytes | None:
        """Chunk ``index`` of the complete file ``sha256``; None when the hub has no such
        complete file this worker may see (404)."""
        try:
            response = self._authorised("GET", self._attachment_path(sha256, index),
                                        limit=CHUNK_ANSWER_BYTES)
        except HubRejected as exc:
            if exc.status == 404:
                return None
            raise
        return response.content

    def approved_release(self) -> ApprovedRelease:
        """The Spoke version this hub's administrator approves (issue 19): asked of this
        laptop's own hub only, never of another server."""
        return self._parse(ApprovedRelease, self._authorised("GET", f"{API_PREFIX}/version"))

    def report(self, start: date, end: date, scope: str | None = None) -> ReportResponse:
        """Figures counted on the hub for ``scope`` (default: the caller's own), all counts
        shown (the laptop applies the funder form itself)."""
        query = f"from={start.isoformat()}&to={end.isoformat()}"
        if scope is not None:
            query += f"&scope={quote(scope)}"
        return self._parse(ReportResponse, self._authorised("GET", f"{API_PREFIX}/reports?{query}"))

    def team(self, team: str | None = None) -> TeamResponse:
        """A supervisor's team view (an administrator names the team)."""
        path = f"{API_PREFIX}/team" + ("" if team is None else f"?team={quote(team)}")
        return self._parse(TeamResponse, self._authorised("GET", path))

    def case_file(self, case_id: str) -> dict[str, Any]:
        """One young person's file as the hub holds it (``GET /v1/cases/{id}/file``, schema
        ``spoke.subject_file/1``): supervisors for their team's cases, administrators any."""
        response = self._authorised("GET", f"{API_PREFIX}/cases/{quote(case_id, safe='')}/file",
                                    limit=DOCUMENT_LIMIT_BYTES)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("schema") != "spoke.subject_file/1":
            raise HubRejected(
                tr("The hub answered in a way this version of Spoke does not understand."),
                status=response.status_code, error="bad_response",
            )
        return body

    def _officer_json(self, path: str, what: str,
                      params: httpx.QueryParams | None = None) -> dict[str, Any]:
        """GET ``path`` (the audit, the laptops, a device report) as a JSON object, with the
        refusals said in words fit for the data protection officer's screens."""
        try:
            response = self._authorised("GET", path, params=params)
        except OutOfScope:
            raise OutOfScope(
                tr("The hub does not let this account see {what}.").format(what=what)
            ) from None
        except HubRejected as exc:
            if exc.status == 404:
                raise HubRejected(
                    tr("The hub found nothing by that id for {what}.").format(what=what),
                    status=404, error=exc.error,
                ) from None
            if exc.status == 422:
                raise HubRejected(
                    tr("The hub could not use these filters for {what}.").format(what=what),
                    status=422, error=exc.error,
                ) from None
            raise
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise HubRejected(
                tr("The hub answered in a way this version of Spoke does not understand."),
                status=response.status_code, error="bad_response",
            )
        return body

    def audit(self, filters: list[tuple[str, str]]) -> dict[str, Any]:
        """One page of the hub's audit (``GET /v1/audit``; supervisors for their team,
        administrators all): ``filters`` are query pairs (person, case, since, until, action
        (repeatable), device, flagged_only, cursor, limit)."""
        # As params, not in the path: the path is logged, and a filter may be a person's name.
        return self._officer_json(f"{API_PREFIX}/audit", tr("the audit"),
                                  params=httpx.QueryParams(tuple(filters)))

    def audit_csv(self, filters: list[tuple[str, str]]) -> bytes:
        """The whole audit listing for ``filters`` as CSV, made safe for spreadsheets on the
        hub (``GET /v1/audit/export``; the hub records the export)."""
        try:
            response = self._authorised("GET", f"{API_PREFIX}/audit/export",
                                        params=httpx.QueryParams(tuple(filters)),
                                        limit=DOCUMENT_LIMIT_BYTES)
        except OutOfScope:
            raise OutOfScope(tr("The hub does not let this account export the audit.")) from None
        except HubRejected as exc:
            if exc.status != 422:
                raise
            message = (tr("More entries match than one export may hold: narrow the filters.")
                       if exc.error == "too_many_entries"
                       else tr("The hub could not use these filters for the audit."))
            raise HubRejected(message, status=422, error=exc.error) from None
        return response.content

    def devices(self) -> dict[str, Any]:
        """The enrolled laptops (``GET /v1/devices``; administrators)."""
        return self._officer_json(f"{API_PREFIX}/devices", tr("the list of laptops"))

    def device_report(self, device_id: str) -> dict[str, Any]:
        """A lost or stolen laptop's report (``GET /v1/devices/{id}/report``; administrators):
        the JSON of ``spoke-hub device report --json``. It names young people: never log it."""
        return self._officer_json(
            f"{API_PREFIX}/devices/{quote(device_id, safe='')}/report", tr("the device report"))


def fetch_certificate_fingerprint(host: str, port: int = 443, timeout: float = 10.0) -> str:
    """The SHA-256 fingerprint of the certificate a server presents (for administrators to
    read out and compare; the laptop itself never trusts what it fetched this way)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        context.wrap_socket(sock, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    if der is None:
        raise HubUnreachable(tr("The server did not present a certificate."))
    return fingerprint_of(der)
