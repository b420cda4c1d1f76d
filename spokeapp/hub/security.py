"""Credentials on the hub: enrolment codes, refresh and access tokens, chain signatures.

* Enrolment codes and refresh tokens are random and stored only as SHA-256 digests, so a
  stolen database copy cannot enrol a laptop or mint tokens.
* Access tokens are opaque to the device: base64url of ``device_id|expiry`` plus an
  HMAC-SHA256 tag made with the hub secret (kept in ``hub_meta``). They expire after
  15 minutes and the device row is checked on every request, so a revocation bites at once.
* Refresh tokens rotate on every use: the next one is derived from the one presented with the
  hub secret (:func:`next_refresh_token`), so a retry after a lost answer gets the very same
  token again instead of forking the device's chain (docs/sync.md, "Refresh tokens").
* Chain signatures are Ed25519 (decision 6): one verification per pushed batch.
* :class:`Throttle`: enrolment and token requests are limited per source address and overall
  (token buckets on an injected clock, per process).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

Clock = Callable[[], datetime]

#: Crockford base32 without I, L, O, U: easy to read aloud and type on a laptop.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_GROUPS = 4
_CODE_GROUP_LEN = 4


def utc_now() -> datetime:
    """The hub's clock (the only clock sync trusts)."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """A UTC timestamp as stored in the hub tables."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    """Inverse of :func:`iso`."""
    return datetime.fromisoformat(text)


def digest(secret: str) -> str:
    """SHA-256 hex of a secret, as stored in the database."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_enrolment_code() -> str:
    """A one-time code like ``7Q2M-XK4D-9HTW-B3ZR`` (80 random bits)."""
    chars = [secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_GROUPS * _CODE_GROUP_LEN)]
    groups = [
        "".join(chars[i : i + _CODE_GROUP_LEN]) for i in range(0, len(chars), _CODE_GROUP_LEN)
    ]
    return "-".join(groups)


def normalise_code(code: str) -> str:
    """The code as hashed: upper case, no dashes or spaces (so typing slips do not matter)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_refresh_token() -> str:
    """A long random refresh token for one device."""
    return secrets.token_urlsafe(32)


def next_refresh_token(secret_hex: str, device_id: str, presented: str) -> str:
    """The refresh token that replaces ``presented`` for ``device_id``: HMAC-SHA256 under the hub
    secret, as base64url (43 characters, like :func:`new_refresh_token`). Unpredictable
    without both the secret and the presented token (the database holds neither token, only
    digests), and the same every time for the same token: a retry gets what was lost."""
    mac = hmac.new(bytes.fromhex(secret_hex),
                   f"spoke-refresh-v1|{device_id}|{presented}".encode(), hashlib.sha256)
    return _b64(mac.digest())


def new_hub_secret() -> str:
    """The HMAC key for access tokens, as hex."""
    return secrets.token_hex(32)


#: No genuine access token expires after this (Unix seconds, year 9999).
_LATEST_EXPIRY = 253_402_300_799


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What an access token proves: which device, until when (Unix seconds)."""

    device_id: str
    expires: int


def issue_access_token(secret_hex: str, device_id: str, expires: int) -> str:
    """An opaque access token for ``device_id`` valid until ``expires`` (Unix seconds)."""
    body = f"{device_id}|{expires}".encode()
    tag = hmac.new(bytes.fromhex(secret_hex), body, hashlib.sha256).digest()
    return f"{_b64(body)}.{_b64(tag)}"


def read_access_token(secret_hex: str, token: str, now: datetime) -> AccessClaims | None:
    """The claims of a genuine, unexpired token; None for anything else."""
    if not token.isascii():
        return None
    try:
        body_text, tag_text = token.split(".")
        body = _unb64(body_text)
        tag = _unb64(tag_text)
    except (ValueError, binascii.Error):
        return None
    expected = hmac.new(bytes.fromhex(secret_hex), body, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected):
        return None
    try:
        device_id, expires_text = body.decode("utf-8").split("|")
        expires = int(expires_text)
    except (UnicodeDecodeError, ValueError):
        return None
    if expires <= int(now.timestamp()) or expires > _LATEST_EXPIRY:
        return None
    return AccessClaims(device_id=device_id, expires=expires)


def load_public_key(text: str) -> Ed25519PublicKey | None:
    """An Ed25519 public key from base64 (raw 32 bytes); None if it is not one."""
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error):
        return None


def signature_valid(public_key_b64: str, signature_b64: str, message: bytes) -> bool:
    """True if ``signature_b64`` is the device's Ed25519 signature over ``message``."""
    key = load_public_key(public_key_b64)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


# --------------------------------------------------------------------------- throttling
@dataclass(frozen=True, slots=True)
class ThrottleRule:
    """A token bucket: ``capacity`` units, refilled evenly over ``window_seconds``. An attempt
    that fails costs ``failure_cost`` units, one that succeeds ``success_cost``."""

    capacity: float
    window_seconds: float
    failure_cost: float
    success_cost: float = 1.0

    @property
    def rate(self) -> float:
        """Units refilled per second."""
        return self.capacity / self.window_seconds


class Refused(Exception):
    """Raised by :meth:`Throttle.admit`: too many attempts; try again in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(slots=True)
class _Bucket:
    units: float
    at: float  # clock seconds when ``units`` was last brought up to date


class Throttle:
    """Attempts limited per source address and for the whole hub (docs/sync.md, "Limits").

    :meth:`admit` reserves a failure's cost in both buckets before the attempt (so a burst of
    parallel guesses cannot all slip in before any is charged) and :meth:`settle` refunds
    the difference when it succeeded. State lives in this process only: with ``serve
    --workers N`` each worker keeps its own, so the limits are per process. Addresses for
    which ``exempt`` is true (by default loopback: the hub's own machine, or a reverse
    proxy in front of it, where every client would share one address) are counted in the
    overall bucket only. At most ``max_addresses`` addresses are remembered (the least
    recently seen are forgotten first), so memory stays bounded.
    """

    def __init__(self, per_address: ThrottleRule, overall: ThrottleRule, clock: Clock, *,
                 exempt: Callable[[str], bool] | None = None,
                 max_addresses: int = 10_000) -> None:
        self.per_address = per_address
        self.overall = overall
        self._clock = clock
        self._exempt = exempt
        self._max_addresses = max_addresses
        self._lock = threading.Lock()
        self._addresses: OrderedDict[str, _Bucket] = OrderedDict()
        self._all: _Bucket | None = None

    def _now(self) -> float:
        return self._clock().timestamp()

    @staticmethod
    def _refilled(bucket: _Bucket, rule: ThrottleRule, now: float) -> _Bucket:
        elapsed = max(0.0, now - bucket.at)
        bucket.units = min(rule.capacity, bucket.units + elapsed * rule.rate)
        bucket.at = now
        return bucket

    def _address_bucket(self, address: str, now: float) -> _Bucket | None:
        if self._exempt is not None and self._exempt(address):
            return None
        bucket = self._addresses.get(address)
        if bucket is None:
            bucket = _Bucket(self.per_address.capacity, now)
            self._addresses[address] = bucket
            while len(self._addresses) > self._max_addresses:
                self._addresses.popitem(last=False)
        else:
            self._addresses.move_to_end(address)
        return self._refilled(bucket, self.per_address, now)

    def admit(self, address: str) -> None:
        """Reserve one attempt from ``address``; raises :class:`Refused` if either its own
        bucket or the hub's cannot cover a failure."""
        with self._lock:
            now = self._now()
            if self._all is None:
                self._all = _Bucket(self.overall.capacity, now)
            overall = self._refilled(self._all, self.overall, now)
            own = self._address_bucket(address, now)
            waits = []
            if own is not None and own.units < self.per_address.failure_cost:
                waits.append((self.per_address.failure_cost - own.units) / self.per_address.rate)
            if overall.units < self.overall.failure_cost:
                waits.append((self.overall.failure_cost - overall.units) / self.overall.rate)
            if waits:
                raise Refused(max(1, math.ceil(max(waits))))
            overall.units -= self.overall.failure_cost
            if own is not None:
                own.units -= self.per_address.failure_cost

    def settle(self, address: str, *, succeeded: bool) -> None:
        """After an admitted attempt: a success gives back what it did not cost."""
        if not succeeded:
            return
        with self._lock:
            if self._all is not None:
                self._all.units = min(self.overall.capacity, self._all.units
                                      + self.overall.failure_cost - self.overall.success_cost)
            own = self._addresses.get(address)
            if own is not None:
                own.units = min(self.per_address.capacity, own.units
                                + self.per_address.failure_cost - self.per_address.success_cost)
