"""Hub settings: where the database is, where to listen, TLS, token lifetime.

A plain dataclass filled from ``SPOKE_HUB_*`` environment variables and then from command-line
flags, so a charity can run the hub with one command and no configuration file. The default
database is an SQLCipher-encrypted SQLite file in the per-user data folder (decision 8).
"""

from __future__ import annotations

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

    @property
    def tls(self) -> bool:
        """True when the hub serves HTTPS (both certificate and key given)."""
        return self.tls_cert is not None and self.tls_key is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HubSettings:
        """Settings from ``SPOKE_HUB_DATABASE_URL``, ``_HOST``, ``_PORT``, ``_TLS_CERT``,
        ``_TLS_KEY`` and ``_TOKEN_SECONDS``; anything unset takes its default."""
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
        )

    def with_overrides(self, **changes: object) -> HubSettings:
        """A copy with the given fields replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]
