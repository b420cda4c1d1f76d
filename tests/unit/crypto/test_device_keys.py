"""The device signing key: what the hub relies on to trust a laptop's batches."""

from __future__ import annotations

import pytest

from spokeapp.crypto.device_keys import DeviceKey, DeviceKeyError, verify_signature
from spokeapp.sync.protocol import EnrolRequest, chain_message


def test_signature_verifies_with_the_public_key_the_hub_registered() -> None:
    key = DeviceKey.generate()
    message = chain_message("device-1", "0" * 64, "a" * 64)
    assert verify_signature(key.public_key_b64(), message, key.sign(message))


def test_a_changed_message_or_another_key_does_not_verify() -> None:
    key, other = DeviceKey.generate(), DeviceKey.generate()
    message = chain_message("device-1", "0" * 64, "a" * 64)
    signature = key.sign(message)
    assert not verify_signature(key.public_key_b64(), message.replace(b"a", b"b"), signature)
    assert not verify_signature(other.public_key_b64(), message, signature)
    assert not verify_signature("not base64!", message, signature)
    assert not verify_signature(key.public_key_b64(), message, "AAAA")


def test_key_survives_storage_as_raw_bytes() -> None:
    key = DeviceKey.generate()
    again = DeviceKey.from_private_bytes(key.private_bytes())
    assert again.public_key_b64() == key.public_key_b64()
    assert len(key.private_bytes()) == 32


def test_damaged_stored_key_is_a_known_error() -> None:
    with pytest.raises(DeviceKeyError, match="enrol"):
        DeviceKey.from_private_bytes(b"short")


def test_key_and_signature_fit_the_wire_format_and_repr_hides_the_secret() -> None:
    key = DeviceKey.generate()
    EnrolRequest(code="ABC-123", device_name="Test laptop", public_key=key.public_key_b64())
    assert 80 <= len(key.sign(b"x")) <= 100
    assert key.private_bytes().hex() not in repr(key)
