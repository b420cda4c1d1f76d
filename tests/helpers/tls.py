"""A self-signed TLS certificate and its key, as an administrator's openssl would make them,
for tests of the hub's TLS, the laptop's pinning and the packaged hub. Fictional names only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID


def self_signed(folder: Path, *, name: str = "hub.test.invalid", cert_file: str = "hub.crt",
                key_file: str = "hub.key", days: int = 30) -> tuple[Path, Path, bytes]:
    """Write a certificate for ``name`` (valid from yesterday for ``days``) and its key
    (PKCS8, no passphrase, 0600) into ``folder``; returns both paths and the certificate's
    DER bytes (what a laptop pins, hashed)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / cert_file, folder / key_file
    cert_path.write_bytes(cert.public_bytes(Encoding.PEM))
    key_path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path, cert.public_bytes(Encoding.DER)
