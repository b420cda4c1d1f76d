"""Hub settings: where the database is, where to listen, TLS, token lifetimes, API docs.

A plain dataclass filled from ``SPOKE_HUB_*`` environment variables and then from command-line
flags, so a charity can run the hub with one command and no configuration file. The default
database is an SQLCipher-encrypted SQLite file in the per-user data folder (decision 8).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from platformdirs import user_data_dir

from spokeapp.sync.protocol import ACCESS_TOKEN_SECONDS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8470
HUB_DATA_NAME = "Spoke Hub"
DB_FILE_NAME = "hub.db"
#: A refresh token not used for this many days stops working: the laptop enrols again.
DEFAULT_REFRESH_IDLE_DAYS = 180
#: A refresh token just replaced is still answered (with the same replacement) this long, for
#: a laptop whose answer was lost on the way (docs/sync.md, "Refresh tokens").
DEFAULT_REFRESH_GRACE_SECONDS = 60


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def default_database_url() -> str:
    """The embedded database: ``sqlcipher:///<user data dir>/Spoke Hub/hub.db``."""
    return f"sqlcipher:///{Path(user_data_dir(HUB_DATA_NAME, appauthor=False)) / DB_FILE_NAME}"


@dataclass(frozen=True, slots=True)
class HubSettings:
    """Everything the hub needs to start; immutable once built."""

    database_url: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    tls_cert: Path | None = None
    tls_key: Path | None = None
    access_token_seconds: int = ACCESS_TOKEN_SECONDS
    refresh_idle_days: int = DEFAULT_REFRESH_IDLE_DAYS
    refresh_grace_seconds: int = DEFAULT_REFRESH_GRACE_SECONDS
    #: Serve /openapi.json, /docs and /redoc. Honoured only when bound to loopback
    #: (``serves_api_docs``); ``spoke-hub openapi`` prints the schema without serving it.
    api_docs: bool = False

    @property
    def serves_api_docs(self) -> bool:
        """True when the API documentation is served: asked for, and on loopback only."""
        return self.api_docs and is_loopback(self.host)

    @property
    def tls(self) -> bool:
        """True when the hub serves HTTPS (both certificate and key given)."""
        return self.tls_cert is not None and self.tls_key is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HubSettings:
        """Settings from ``SPOKE_HUB_DATABASE_URL``, ``_HOST``, ``_PORT``, ``_TLS_CERT``,
        ``_TLS_KEY``, ``_TOKEN_SECONDS``, ``_REFRESH_IDLE_DAYS`` and ``_API_DOCS``; anything unset
        takes its default."""
        env = os.environ if environ is None else environ
        cert = env.get("SPOKE_HUB_TLS_CERT")
        key = env.get("SPOKE_HUB_TLS_KEY")
        return cls(
            database_url=env.get("SPOKE_HUB_DATABASE_URL") or default_database_url(),
            host=env.get("SPOKE_HUB_HOST") or DEFAULT_HOST,
            port=int(env.get("SPOKE_HUB_PORT") or DEFAULT_PORT),
            tls_cert=Path(cert) if cert else None,
            tls_key=Path(key) if key else None,
            access_token_seconds=int(env.get("SPOKE_HUB_TOKEN_SECONDS") or ACCESS_TOKEN_SECONDS),
            refresh_idle_days=int(
                env.get("SPOKE_HUB_REFRESH_IDLE_DAYS") or DEFAULT_REFRESH_IDLE_DAYS
            ),
            api_docs=_flag(env.get("SPOKE_HUB_API_DOCS")),
        )

    def with_overrides(self, **changes: object) -> HubSettings:
        """A copy with the given fields replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- lone working
#: Seconds between two looks of the escalation watch at the clock (0: no watch in this process).
DEFAULT_WATCH_SECONDS = 1.0
#: How long a hub process holds a claimed visit or delivery before another may take it over.
DEFAULT_WATCH_LEASE_SECONDS = 30.0
#: The environment variables holding the lone-working secrets (never in the repository).
SECRET_ENV = {
    "smtp_password": "SPOKE_HUB_SMTP_PASSWORD",
    "webhook_secret": "SPOKE_HUB_WEBHOOK_SECRET",
    "sms_secret": "SPOKE_HUB_SMS_SECRET",
}
#: A file of ``NAME=value`` lines (mode 0600) with the same names, instead of the environment.
SECRETS_FILE_ENV = "SPOKE_HUB_SECRETS_FILE"


class SecretsFileError(ValueError):
    """The secrets file is unreadable, open to other users, or malformed."""


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """How this process runs the lone-working escalation watch."""

    interval_seconds: float = DEFAULT_WATCH_SECONDS
    lease_seconds: float = DEFAULT_WATCH_LEASE_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WatchSettings:
        """From ``SPOKE_HUB_WATCH_SECONDS`` (0 switches the watch off in this process) and
        ``SPOKE_HUB_WATCH_LEASE_SECONDS``."""
        env = os.environ if environ is None else environ
        return cls(
            interval_seconds=float(env.get("SPOKE_HUB_WATCH_SECONDS") or DEFAULT_WATCH_SECONDS),
            lease_seconds=float(
                env.get("SPOKE_HUB_WATCH_LEASE_SECONDS") or DEFAULT_WATCH_LEASE_SECONDS
            ),
        )


@dataclass(frozen=True, slots=True, repr=False)
class LoneWorkingSecrets:
    """The notifiers' secrets: SMTP password, webhook signing secret, SMS gateway secret.

    Read from the environment (``SPOKE_HUB_SMTP_PASSWORD``, ``SPOKE_HUB_WEBHOOK_SECRET``,
    ``SPOKE_HUB_SMS_SECRET``) or from the file named by ``SPOKE_HUB_SECRETS_FILE`` (``NAME=value``
    lines, readable by its owner only); the environment wins. Never stored in the database.
    """

    smtp_password: str | None = None
    webhook_secret: str | None = None
    sms_secret: str | None = None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'set' if getattr(self, name) else 'unset'}" for name in SECRET_ENV
        )
        return f"LoneWorkingSecrets({shown})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LoneWorkingSecrets:
        """The secrets from the environment, then the secrets file (if any)."""
        env = os.environ if environ is None else environ
        from_file: dict[str, str] = {}
        path = env.get(SECRETS_FILE_ENV)
        if path:
            from_file = read_secrets_file(Path(path))
        values = {
            name: env.get(variable) or from_file.get(variable) or None
            for name, variable in SECRET_ENV.items()
        }
        return cls(**values)


def read_secrets_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines (blank lines and ``#`` comments allowed) of a 0600 file."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SecretsFileError(f"The secrets file {path} cannot be read.") from exc
    if mode & 0o077:
        raise SecretsFileError(
            f"The secrets file {path} is readable by other users; run chmod 600 on it."
        )
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition("=")
        if not sep or not name.strip():
            raise SecretsFileError(f"Line {number} of {path} is not NAME=value.")
        values[name.strip()] = value.strip()
    return values
