"""Credentials on the hub: enrolment codes, refresh and access tokens, chain signatures.

* Enrolment codes and refresh tokens are random and stored only as SHA-256 digests, so a
  stolen database copy cannot enrol a laptop or mint tokens.
* Access tokens are opaque to the device: base64url of ``device_id|expiry`` plus an
  HMAC-SHA256 tag made with the hub secret (kept in ``hub_meta``). They expire after
  15 minutes and the device row is checked on every request, so a revocation bites at once.
* Chain signatures are Ed25519 (decision 6): one verification per pushed batch.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
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


def new_hub_secret() -> str:
    """The HMAC key for access tokens, as hex."""
    return secrets.token_hex(32)


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
    if expires <= int(now.timestamp()):
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
