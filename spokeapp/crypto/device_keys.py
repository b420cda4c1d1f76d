"""A laptop's Ed25519 signing key: how the hub knows a batch of records came from this device.

Why: each device registers its public key at enrolment; with every batch it pushes it signs
the head of its hash chain (``spokeapp.sync.protocol.chain_message``), so the hub can show in
court that contemporaneous notes were not altered, reordered or dropped after they left the
laptop, at the cost of one signature check per batch.

The private key is kept only inside the encrypted casebook (``spokeapp.store.sync_state``);
this module never writes it to a file. Keys and signatures travel as standard base64.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator

__all__ = ["DeviceKey", "DeviceKeyError", "verify_signature"]

tr = translator(__name__)

PRIVATE_KEY_BYTES = 32


class DeviceKeyError(SpokeError):
    """The stored device key is damaged; the laptop needs to be enrolled again."""


class DeviceKey:
    """An Ed25519 key pair belonging to one enrolled laptop."""

    __slots__ = ("_key",)

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    @classmethod
    def generate(cls) -> DeviceKey:
        """A new random key pair (made once, at enrolment)."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> DeviceKey:
        """Rebuild the key from the 32 raw bytes stored in the casebook."""
        if len(raw) != PRIVATE_KEY_BYTES:
            raise DeviceKeyError(
                tr(
                    "This laptop's signing key is damaged. Ask your hub administrator to enrol "
                    "it again; nothing has been sent."
                )
            )
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        """The raw private key, for storing inside the encrypted casebook only."""
        return self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def public_key_b64(self) -> str:
        """The public key as the hub registers it (base64 of the 32 raw bytes)."""
        raw = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def sign(self, message: bytes) -> str:
        """An Ed25519 signature over ``message``, base64."""
        return base64.b64encode(self._key.sign(message)).decode("ascii")

    def __repr__(self) -> str:  # never show key material, even in a traceback
        return f"DeviceKey(public={self.public_key_b64()})"


def verify_signature(public_key_b64: str, message: bytes, signature_b64: str) -> bool:
    """True if ``signature_b64`` is this public key's signature over ``message``.

    Malformed keys or signatures count as invalid rather than raising, so a caller (the hub)
    can refuse a batch with one clear reason.
    """
    try:
        public = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(public_key_b64.encode("ascii"), validate=True)
        )
        public.verify(base64.b64decode(signature_b64.encode("ascii"), validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error, UnicodeEncodeError):
        return False
    return True
