"""Hub settings: where the database is, where to listen, TLS, token lifetimes, API docs, logs,
metrics, shutdown - and where each comes from.

Three sources, each overriding the one before (docs/hub-admin.md, "Configuration"):

1. a TOML file (``spoke-hub ... --config PATH``, else the file ``SPOKE_HUB_CONFIG`` names, else
   ``hub.toml`` in the user config folder if it exists: :func:`default_config_path`), whose
   keys are :data:`CONFIG_KEYS`;
2. ``SPOKE_HUB_<KEY>`` environment variables (``port`` -> ``SPOKE_HUB_PORT``);
3. command-line options.

The file is read by :func:`config_environment`, which lays its settings under the process's
environment (a variable already set wins), so everything that reads ``SPOKE_HUB_*`` - the
settings here, the escalation watch, ``serve --workers N``'s worker processes - sees one
configuration. Secrets (database password, SMTP password, webhook and SMS secrets, metrics
token) are never values in the file: only ``SPOKE_HUB_<NAME>`` in the environment, or a file
named by ``<name>_file`` (``SPOKE_HUB_<NAME>_FILE``) holding the value. A secret in the file
is refused with a message saying where to put it; so is a key the hub does not know.

With no file and no variables the hub runs with one command (decision 8): the database is an
SQLCipher-encrypted SQLite file in the per-user data folder.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir
from sqlalchemy.engine import make_url

from spokeapp.domain.attachments import DEFAULT_ATTACHMENT_LIMIT, MAX_ATTACHMENT_LIMIT
from spokeapp.domain.errors import SpokeError
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
#: After SIGTERM, how long ``serve`` waits for the requests in hand (pushes being written)
#: before it stops anyway. A container's or unit's stop timeout must be longer.
DEFAULT_SHUTDOWN_SECONDS = 15.0
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")
CONFIG_FILE_NAME = "hub.toml"
#: The environment variable naming the config file (``--config`` wins over it).
CONFIG_ENV = "SPOKE_HUB_CONFIG"
ENV_PREFIX = "SPOKE_HUB_"


class ConfigError(SpokeError):
    """The configuration (file, environment or a secret's file) is unusable; the message names
    the setting and says what to do."""


# --------------------------------------------------------------------------- the config file
@dataclass(frozen=True, slots=True)
class ConfigKey:
    """One setting of the config file: its TOML key, the type of its value, what it is."""

    name: str
    kind: type
    help: str

    @property
    def env(self) -> str:
        """Its environment variable: ``SPOKE_HUB_`` and the key in capitals."""
        return ENV_PREFIX + self.name.upper()


#: Every key the config file may hold (docs/hub-admin.md lists them with their defaults).
CONFIG_KEYS = (
    ConfigKey("database_url", str, "sqlcipher:///PATH or postgresql+psycopg://USER@HOST/DB "
              "(no password: use database_password_file)"),
    ConfigKey("host", str, "address to listen on"),
    ConfigKey("port", int, "port to listen on (0: any free port)"),
    ConfigKey("tls_cert", Path, "TLS certificate (PEM)"),
    ConfigKey("tls_key", Path, "TLS private key (PEM)"),
    ConfigKey("workers", int, "worker processes"),
    ConfigKey("mark_file", Path, "the hub's high-water mark file"),
    ConfigKey("token_seconds", int, "access token lifetime in seconds"),
    ConfigKey("refresh_idle_days", int, "days a laptop may stay away before it must enrol again"),
    ConfigKey("api_docs", bool, "serve /openapi.json and /docs (loopback only)"),
    ConfigKey("attachment_max_bytes", int, "the largest file a record may attach, in bytes"),
    ConfigKey("log_format", str, "text or json"),
    ConfigKey("log_level", str, "debug, info, warning or error"),
    ConfigKey("shutdown_seconds", float, "after SIGTERM, how long to finish requests in hand"),
    ConfigKey("watch_seconds", float, "seconds between looks of the escalation watch (0: off)"),
    ConfigKey("watch_lease_seconds", float, "how long a claimed visit is held by this process"),
    ConfigKey("secrets_file", Path, "a 0600 file of SPOKE_HUB_NAME=value lines"),
    ConfigKey("database_password_file", Path, "file holding the PostgreSQL password"),
    ConfigKey("smtp_password_file", Path, "file holding the SMTP password"),
    ConfigKey("webhook_secret_file", Path, "file holding the webhook signing secret"),
    ConfigKey("sms_secret_file", Path, "file holding the SMS gateway secret"),
    ConfigKey("metrics_token_file", Path, "file holding the bearer token /metrics asks for"),
)
#: The secrets: never a value in the config file, only ``SPOKE_HUB_<NAME>`` or ``<name>_file``.
SECRET_NAMES = ("database_password", "smtp_password", "webhook_secret", "sms_secret",
                "metrics_token")


def default_config_path() -> Path:
    """Where the config file is looked for when neither ``--config`` nor ``SPOKE_HUB_CONFIG``
    names one (read only if it exists): ``hub.toml`` in the user config folder
    (``~/.config/Spoke Hub/hub.toml`` on Linux)."""
    return Path(user_config_dir(HUB_DATA_NAME, appauthor=False)) / CONFIG_FILE_NAME


def _as_env_value(key: ConfigKey, value: object, path: Path) -> str:
    """A TOML value as the string its environment variable would hold; ConfigError naming the
    key when it is of the wrong type."""
    if key.kind is bool:
        if isinstance(value, bool):
            return "1" if value else "0"
        raise ConfigError(f"{path}: {key.name} must be true or false.")
    if key.kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise ConfigError(f"{path}: {key.name} must be a whole number.")
    if key.kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise ConfigError(f"{path}: {key.name} must be a number of seconds.")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {key.name} must be a non-empty string in quotes.")
    return value


def _secret_refusal(name: str, path: Path) -> ConfigError:
    return ConfigError(
        f"{path}: {name} is a secret, and secrets are never read from the config file (it is "
        "copied into backups, version control and support requests). Put it in a file only the "
        f"hub can read and name that file with {name}_file = \"/path/to/file\", or set "
        f"{ENV_PREFIX}{name.upper()} in the hub's environment."
    )


def read_config_file(path: Path) -> dict[str, str]:
    """The ``SPOKE_HUB_*`` variables the config file at ``path`` gives (TOML, top-level keys of
    :data:`CONFIG_KEYS`). Raises ConfigError for a file that cannot be read or parsed, a key
    it does not know (naming the nearest known one), a value of the wrong type, a secret
    (:data:`SECRET_NAMES`) or a ``database_url`` carrying a password."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"The config file {path} cannot be read ({exc.strerror}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}") from None
    known = {key.name: key for key in CONFIG_KEYS}
    found: dict[str, str] = {}
    for name, value in data.items():
        if name in SECRET_NAMES:
            raise _secret_refusal(name, path)
        key = known.get(name)
        if key is None:
            near = difflib.get_close_matches(name, [*known, *SECRET_NAMES], n=1)
            hint = f" Did you mean {near[0]}?" if near else ""
            raise ConfigError(
                f"{path}: unknown setting {name!r}.{hint} The settings are listed in "
                "docs/hub-admin.md (\"Configuration\")."
            )
        text = _as_env_value(key, value, path)
        if name == "database_url" and _url_password(text):
            raise ConfigError(
                f"{path}: database_url carries a password. Take it out of the URL and put it in "
                "a file named by database_password_file (or set SPOKE_HUB_DATABASE_PASSWORD)."
            )
        found[key.env] = text
    return found


def config_path_for(given: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The config file to read: ``given`` (``--config``; must exist), else the file
    ``SPOKE_HUB_CONFIG`` names (must exist), else :func:`default_config_path` if it exists."""
    named = given if given is not None else (
        Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else None)
    if named is not None:
        named = named.expanduser()
        if not named.is_file():
            raise ConfigError(f"No config file at {named}.")
        return named
    default = default_config_path()
    return default if default.is_file() else None


@contextmanager
def config_environment(given: Path | None = None) -> Iterator[Path | None]:
    """While inside: the config file's settings laid under ``os.environ`` (a variable already
    set wins: the environment overrides the file), so every reader of ``SPOKE_HUB_*`` in this
    process and the worker processes it starts sees them; afterwards the environment is as it
    was. Yields the file read (None: no file)."""
    path = config_path_for(given, os.environ)
    added = {name: value for name, value in (read_config_file(path) if path else {}).items()
             if name not in os.environ}
    os.environ.update(added)
    try:
        yield path
    finally:
        for name, value in added.items():
            if os.environ.get(name) == value:
                del os.environ[name]


# --------------------------------------------------------------------------- secrets
def _check_private(path: Path, what: str) -> None:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"The file {path} named by {what} cannot be read "
                          f"({exc.strerror}).") from None
    if mode & 0o007:
        raise ConfigError(f"The file {path} named by {what} is open to every user on this "
                          "machine; run chmod o-rwx on it (chmod 600, or 640 for a group).")


def secret_from(environ: Mapping[str, str], name: str) -> str | None:
    """The secret ``name`` (one of :data:`SECRET_NAMES`): ``SPOKE_HUB_<NAME>`` if set, else the
    contents (trailing newline dropped) of the file ``SPOKE_HUB_<NAME>_FILE`` names, which
    must not be open to other users; None if neither is set."""
    variable = ENV_PREFIX + name.upper()
    if environ.get(variable):
        return environ[variable]
    named = environ.get(f"{variable}_FILE")
    if not named:
        return None
    path = Path(named).expanduser()
    what = f"{name}_file ({variable}_FILE)"
    _check_private(path, what)
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"The file {path} named by {what} cannot be read.") from None
    if not value:
        raise ConfigError(f"The file {path} named by {what} is empty.")
    return value


def _url_password(url: str) -> bool:
    try:
        return bool(make_url(url).password)
    except Exception:  # not a URL SQLAlchemy reads: make_engine says so later
        return False


def with_database_password(url: str, password: str | None) -> str:
    """``url`` with ``password`` put in (PostgreSQL only); ConfigError if the URL already has
    another or is the embedded database (which has a key file, not a password)."""
    if password is None:
        return url
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise ConfigError("A database password is for PostgreSQL; the embedded database is "
                          "opened with its key file. Unset database_password_file / "
                          "SPOKE_HUB_DATABASE_PASSWORD.")
    if parsed.password == password:  # passed on already (serve --workers N)
        return url
    if parsed.password:
        raise ConfigError("The database password is given twice: in the database URL and in "
                          "database_password_file / SPOKE_HUB_DATABASE_PASSWORD. Keep one.")
    return parsed.set(password=password).render_as_string(hide_password=False)


def _number(env: Mapping[str, str], variable: str, kind: type[int] | type[float],
            default: float) -> float:
    text = env.get(variable)
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        word = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{variable} must be {word}.") from None


def _choice(env: Mapping[str, str], variable: str, choices: tuple[str, ...],
            default: str) -> str:
    value = (env.get(variable) or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{variable} must be one of {', '.join(choices)}.")
    return value


def check_attachment_limit(value: int, name: str = "attachment_max_bytes") -> int:
    """``value`` if it is a usable limit for one attached file (1 byte to
    ``MAX_ATTACHMENT_LIMIT``: the hub hashes a whole file when its last chunk arrives);
    ConfigError naming ``name`` otherwise."""
    if not 1 <= value <= MAX_ATTACHMENT_LIMIT:
        raise ConfigError(f"{name} must be between 1 and {MAX_ATTACHMENT_LIMIT} bytes "
                          f"(the default is {DEFAULT_ATTACHMENT_LIMIT}).")
    return value


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

    #: With the database password put in, when one is given apart (hence not in the repr).
    database_url: str = field(repr=False)
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
    workers: int = 1
    mark_file: Path | None = None
    log_format: str = "text"
    log_level: str = "info"
    shutdown_seconds: float = DEFAULT_SHUTDOWN_SECONDS
    #: The PostgreSQL password given apart from the URL (kept to put into an overriding URL).
    database_password: str | None = field(default=None, repr=False)
    #: The bearer token /metrics asks for; None: loopback callers only (hub.metrics).
    metrics_token: str | None = field(default=None, repr=False)
    #: The largest file an attachment record may name (docs/attachments.md, "Size limit"):
    #: refused at push (413), told to laptops by ``GET /v1/attachments/limits``.
    attachment_max_bytes: int = DEFAULT_ATTACHMENT_LIMIT

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
        ``_TLS_KEY``, ``_TOKEN_SECONDS``, ``_REFRESH_IDLE_DAYS``, ``_API_DOCS``, ``_WORKERS``,
        ``_MARK_FILE``, ``_LOG_FORMAT``, ``_LOG_LEVEL``, ``_SHUTDOWN_SECONDS``,
        ``_ATTACHMENT_MAX_BYTES`` and the secrets
        ``_DATABASE_PASSWORD`` and ``_METRICS_TOKEN`` (or their ``_FILE``); anything unset takes
        its default. ConfigError names a variable that cannot be read."""
        env = os.environ if environ is None else environ
        cert = env.get("SPOKE_HUB_TLS_CERT")
        key = env.get("SPOKE_HUB_TLS_KEY")
        mark = env.get("SPOKE_HUB_MARK_FILE")
        password = secret_from(env, "database_password")
        url = env.get("SPOKE_HUB_DATABASE_URL") or default_database_url()
        return cls(
            database_url=with_database_password(url, password),
            host=env.get("SPOKE_HUB_HOST") or DEFAULT_HOST,
            port=int(_number(env, "SPOKE_HUB_PORT", int, DEFAULT_PORT)),
            tls_cert=Path(cert) if cert else None,
            tls_key=Path(key) if key else None,
            access_token_seconds=int(
                _number(env, "SPOKE_HUB_TOKEN_SECONDS", int, ACCESS_TOKEN_SECONDS)),
            refresh_idle_days=int(
                _number(env, "SPOKE_HUB_REFRESH_IDLE_DAYS", int, DEFAULT_REFRESH_IDLE_DAYS)),
            api_docs=_flag(env.get("SPOKE_HUB_API_DOCS")),
            workers=int(_number(env, "SPOKE_HUB_WORKERS", int, 1)),
            mark_file=Path(mark) if mark else None,
            log_format=_choice(env, "SPOKE_HUB_LOG_FORMAT", LOG_FORMATS, "text"),
            log_level=_choice(env, "SPOKE_HUB_LOG_LEVEL", LOG_LEVELS, "info"),
            shutdown_seconds=_number(env, "SPOKE_HUB_SHUTDOWN_SECONDS", float,
                                     DEFAULT_SHUTDOWN_SECONDS),
            database_password=password,
            metrics_token=secret_from(env, "metrics_token"),
            attachment_max_bytes=check_attachment_limit(
                int(_number(env, "SPOKE_HUB_ATTACHMENT_MAX_BYTES", int,
                            DEFAULT_ATTACHMENT_LIMIT)),
                "SPOKE_HUB_ATTACHMENT_MAX_BYTES"),
        )

    def with_overrides(self, **changes: object) -> HubSettings:
        """A copy with the given fields replaced (``None`` values are ignored). A database URL
        given here gets the password given apart, as the environment's did."""
        given = {k: v for k, v in changes.items() if v is not None}
        if isinstance(given.get("database_url"), str):
            given["database_url"] = with_database_password(
                str(given["database_url"]), self.database_password)
        return replace(self, **given)  # type: ignore[arg-type]


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
    ``SPOKE_HUB_SMS_SECRET``), else from a file holding just the one secret (named by
    ``SPOKE_HUB_SMTP_PASSWORD_FILE`` etc., or the config file's ``smtp_password_file``...:
    :func:`secret_from`), else from the file named by ``SPOKE_HUB_SECRETS_FILE``
    (``NAME=value`` lines, readable by its owner only). Never stored in the database.
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
            name: secret_from(env, name) or from_file.get(variable) or None
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
