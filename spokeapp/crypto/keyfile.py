"""The casebook's key file: a random data key wrapped by the passphrase and by a recovery key.

Why: the SQLCipher database is opened with a raw random 256-bit *data key*. That key never
changes (changing the passphrase rewraps, it never rekeys the database) and is stored only
wrapped, twice, with AES-256-GCM:

* by a key derived with Argon2id from the worker's passphrase, and
* by a key derived (HKDF-SHA256) from a one-time recovery key shown once at setup, so a
  forgotten passphrase does not lose a young person's record forever.

The file holds no personal data. It is written atomically (temporary file created 0600 first,
data, fsync, rename, fsync of the folder) so a crash leaves either the old or the new file.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator

tr = translator(__name__)

FORMAT = "spoke-keyfile"
FORMAT_VERSION = 1
DATA_KEY_BYTES = 32
RECOVERY_KEY_BYTES = 20  # 160 bits: 32 base32 characters, typed as 8 groups of 4
_SALT_BYTES = 16
_NONCE_BYTES = 12
_TAG_BYTES = 16
_B32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class KeyFileError(SpokeError):
    """The key file is missing, damaged or from an unknown format; nothing was changed."""


class WrongPassphrase(SpokeError):
    """The passphrase (or recovery key) does not unwrap the data key."""


@dataclass(frozen=True)
class KdfParameters:
    """Argon2id cost. Defaults keep unlock well under half a second on a 2-core laptop."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 2

    def to_dict(self) -> dict[str, int]:
        return {
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
        }


#: Cheap parameters for tests and benchmarks of things other than the KDF itself.
FAST_KDF_FOR_TESTS = KdfParameters(time_cost=1, memory_kib=8192, parallelism=1)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, where: str) -> bytes:
    if not isinstance(text, str):
        raise KeyFileError(tr("The key file is damaged: '{where}' is missing.").format(where=where))
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise KeyFileError(
            tr("The key file is damaged: '{where}' is not valid base64.").format(where=where)
        ) from exc


def _passphrase_key(passphrase: str, salt: bytes, kdf: KdfParameters) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _recovery_wrapping_key(recovery: bytes, salt: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"spoke recovery wrap v1"
    ).derive(recovery)


def format_recovery_key(raw: bytes) -> str:
    """Show a recovery key as groups of four base32 characters: ``ABCD-EFGH-...``."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """Read a recovery key as typed: case, spaces and dashes do not matter; 0/1 read as O/I."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    if len(cleaned) != 32 or any(ch not in _B32_ALPHABET for ch in cleaned):
        raise WrongPassphrase(
            tr("That is not a recovery key: it should be 32 letters and digits in groups of four.")
        )
    return base64.b32decode(cleaned)


@dataclass(frozen=True)
class _Wrap:
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def to_dict(self) -> dict[str, str]:
        return {
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
        }

    @classmethod
    def from_dict(cls, data: object, where: str) -> _Wrap:
        if not isinstance(data, dict):
            raise KeyFileError(
                tr("The key file is damaged: '{where}' is missing.").format(where=where)
            )
        wrap = cls(
            salt=_unb64(data.get("salt"), f"{where}.salt"),
            nonce=_unb64(data.get("nonce"), f"{where}.nonce"),
            ciphertext=_unb64(data.get("ciphertext"), f"{where}.ciphertext"),
        )
        # A short salt or nonce would otherwise escape from Argon2 or AES-GCM as a
        # HashingError/ValueError (shown as a crash) instead of a KeyFileError.
        for name, value, size in (
            ("salt", wrap.salt, _SALT_BYTES),
            ("nonce", wrap.nonce, _NONCE_BYTES),
            ("ciphertext", wrap.ciphertext, DATA_KEY_BYTES + _TAG_BYTES),
        ):
            if len(value) != size:
                raise KeyFileError(
                    tr("The key file is damaged: '{where}' has the wrong length.").format(
                        where=f"{where}.{name}"
                    )
                )
        return wrap


def _seal(key: bytes, data_key: bytes, purpose: bytes, salt: bytes) -> _Wrap:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return _Wrap(salt, nonce, AESGCM(key).encrypt(nonce, data_key, purpose))


def _open(key: bytes, wrap: _Wrap, purpose: bytes) -> bytes:
    try:
        data_key = AESGCM(key).decrypt(wrap.nonce, wrap.ciphertext, purpose)
    except InvalidTag as exc:
        raise WrongPassphrase(tr("That passphrase does not open this casebook.")) from exc
    if len(data_key) != DATA_KEY_BYTES:
        raise KeyFileError(tr("The key file is damaged: the wrapped key has the wrong length."))
    return data_key


@dataclass(frozen=True)
class KeyFile:
    """The parsed key file: KDF parameters and the two wraps of the data key."""

    kdf: KdfParameters
    passphrase_wrap: _Wrap
    recovery_wrap: _Wrap

    # -- creation ---------------------------------------------------------------------------
    @classmethod
    def create(
        cls, passphrase: str, kdf: KdfParameters | None = None
    ) -> tuple[KeyFile, bytes, str]:
        """Make a new data key; return the key file, the raw data key and the recovery key text."""
        kdf = kdf or KdfParameters()
        data_key = secrets.token_bytes(DATA_KEY_BYTES)
        recovery = secrets.token_bytes(RECOVERY_KEY_BYTES)
        keyfile = cls._wrap_both(data_key, passphrase, recovery, kdf)
        return keyfile, data_key, format_recovery_key(recovery)

    @classmethod
    def _wrap_both(
        cls, data_key: bytes, passphrase: str, recovery: bytes, kdf: KdfParameters
    ) -> KeyFile:
        salt = secrets.token_bytes(_SALT_BYTES)
        pwrap = _seal(_passphrase_key(passphrase, salt, kdf), data_key, b"passphrase", salt)
        rsalt = secrets.token_bytes(_SALT_BYTES)
        rwrap = _seal(_recovery_wrapping_key(recovery, rsalt), data_key, b"recovery", rsalt)
        return cls(kdf, pwrap, rwrap)

    # -- unwrapping ---------------------------------------------------------------------------
    def unlock(self, passphrase: str) -> bytes:
        """Return the data key, or raise WrongPassphrase."""
        key = _passphrase_key(passphrase, self.passphrase_wrap.salt, self.kdf)
        return _open(key, self.passphrase_wrap, b"passphrase")

    def unlock_with_recovery_key(self, recovery_text: str) -> bytes:
        """Return the data key from the recovery key, or raise WrongPassphrase."""
        recovery = parse_recovery_key(recovery_text)
        key = _recovery_wrapping_key(recovery, self.recovery_wrap.salt)
        try:
            return _open(key, self.recovery_wrap, b"recovery")
        except WrongPassphrase as exc:
            raise WrongPassphrase(tr("That recovery key does not open this casebook.")) from exc

    def rewrap_passphrase(self, data_key: bytes, new_passphrase: str) -> KeyFile:
        """A new key file with the same data key under a new passphrase (never a rekey)."""
        salt = secrets.token_bytes(_SALT_BYTES)
        wrap = _seal(_passphrase_key(new_passphrase, salt, self.kdf), data_key, b"passphrase", salt)
        return KeyFile(self.kdf, wrap, self.recovery_wrap)

    # -- file I/O ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "kdf": {"name": "argon2id", **self.kdf.to_dict()},
            "passphrase_wrap": self.passphrase_wrap.to_dict(),
            "recovery_wrap": self.recovery_wrap.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> KeyFile:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise KeyFileError(tr("The key file is damaged or is not a Spoke key file."))
        version = data.get("version")
        if type(version) is not int or version != FORMAT_VERSION:  # True == 1 in Python
            raise KeyFileError(
                tr("The key file was written by a newer version of Spoke; update Spoke to open it.")
            )
        kdf_raw = data.get("kdf")
        if not isinstance(kdf_raw, dict) or kdf_raw.get("name") != "argon2id":
            raise KeyFileError(tr("The key file is damaged: 'kdf' is missing or unknown."))
        try:
            kdf = KdfParameters(
                time_cost=int(kdf_raw["time_cost"]),
                memory_kib=int(kdf_raw["memory_kib"]),
                parallelism=int(kdf_raw["parallelism"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyFileError(
                tr("The key file is damaged: 'kdf' parameters are unreadable.")
            ) from exc
        if not (
            1 <= kdf.time_cost <= 20
            and 1 <= kdf.parallelism <= 16
            # Argon2 needs at least 8 KiB per lane, or it fails with a HashingError.
            and 8 * kdf.parallelism <= kdf.memory_kib <= 4_194_304
        ):
            raise KeyFileError(tr("The key file is damaged: 'kdf' parameters are out of range."))
        return cls(
            kdf,
            _Wrap.from_dict(data.get("passphrase_wrap"), "passphrase_wrap"),
            _Wrap.from_dict(data.get("recovery_wrap"), "recovery_wrap"),
        )

    @classmethod
    def read(cls, path: Path) -> KeyFile:
        """Read and check a key file; raise KeyFileError (never changing anything) if damaged."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise KeyFileError(tr("The casebook's key file is missing.")) from exc
        except OSError as exc:
            raise KeyFileError(tr("The casebook's key file cannot be read.")) from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KeyFileError(
                tr(
                    "The casebook's key file is damaged and cannot be read. Nothing has been "
                    "changed: restore the key file from a backup, or ask your hub administrator."
                )
            ) from exc
        return cls.from_dict(data)

    def write(self, path: Path) -> None:
        """Write atomically: 0600 temp file, data, fsync, rename, fsync of the folder."""
        write_atomically(path, json.dumps(self.to_dict(), indent=2).encode("utf-8"))


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` so a crash leaves the old file or the new one, never half.

    ``os.write`` may write only part of the data (a full disk, a file size limit): it is
    called until every byte is written. If writing fails, the temporary file (which may hold
    part of a young person's file) is removed and ``path`` is left as it was."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
