"""``spoke-hub doctor``: is this hub well? One line per check, for a person at the console or a
monitoring system (docs/hub-admin.md, "Doctor").

Each check is ``OK``, ``WARN`` or ``FAIL`` with a plain reason (hosts, dates and counts only,
never a person). The exit status is 0 when every check is OK, 1 when any warns, 2 when any
fails; ``--json`` prints the same as one JSON object.

* ``database``: a trivial query answers (the embedded file opens with its key file).
* ``migrations``: the schema is this hub's Alembic head; behind (``spoke-hub migrate``) or
  newer than this hub knows (install the newer hub) fails: ``serve`` refuses both.
* ``tls``: the certificate ``serve`` uses (``--tls-cert``/``--tls-key``, ``tls_cert``,
  ``SPOKE_HUB_TLS_CERT``) reads, matches its key and is in date; it warns
  :attr:`Limits.cert_warn_days` before it expires. No TLS is OK on loopback only.
* ``email``, ``sms``, ``webhook NAME``: the SMTP relay and SMS gateway (and webhooks) the hub's
  notifier settings name answer a connection within ``--timeout`` (SMTP: its greeting, and
  STARTTLS offered when the hub uses it; https: the TLS handshake, its certificate checked as
  the hub checks it). Nothing is sent and no password is used.
* ``clock``: the PostgreSQL server's clock against this machine's (the embedded database has
  no clock of its own: n/a).
* ``disk``: free space where the embedded database lives, in the hub's data folder (the
  high-water mark, the backup key) and in ``--backup-dir``.
* ``backup``: the age of the newest ``spoke-hub backup`` (``last_backup_at``).
* ``notifiers``: which channels can send, their secrets included (as ``safety status``);
  none fails, gaps in who can be alerted warn.
* ``watch``: the escalation watch set a visit aside in the last
  :attr:`Limits.watch_error_window` (it could not work out that visit's deadlines: the visit
  is looked at again every 15 minutes and may not be escalated) warns, naming the last such
  visit; its log line and ``spoke-hub audit --action lw_watch_error`` say more. Once
  ``spoke-hub safety visit end`` has ended every visit still set aside, it is OK again.

Checks that need the database say "not checked" (WARN) when it does not answer. Nothing is
written anywhere: an embedded database that does not exist is reported, not created.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import smtplib
import socket
import ssl
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
)
from platformdirs import user_data_dir
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.hub import schema
from spokeapp.hub.backup import META_LAST_BACKUP, backup_key_path
from spokeapp.hub.commands import Settings, bind
from spokeapp.hub.config import HUB_DATA_NAME, HubSettings, LoneWorkingSecrets, is_loopback
from spokeapp.hub.db import describe, embedded_path, is_embedded, make_engine
from spokeapp.hub.db import key_path as database_key_path
from spokeapp.hub.lone_working import (
    WATCH_ERROR_ACTION,
    WATCH_ERROR_KEY,
    load_notifier_settings,
    safety_report,
)
from spokeapp.hub.models import HubMeta
from spokeapp.hub.notifiers import EmailSettings
from spokeapp.hub.pull import META_BACKUP_COVERS
from spokeapp.hub.security import Clock, parse_iso, utc_now

OK, WARN, FAIL = "OK", "WARN", "FAIL"
#: Exit status of ``spoke-hub doctor`` by the worst status found.
EXIT_STATUS = {OK: 0, WARN: 1, FAIL: 2}
DEFAULT_TIMEOUT_S = 5.0
_GIB = 1024**3
_MIB = 1024**2


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report."""

    name: str
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class Limits:
    """Where a check turns from OK to WARN, and from WARN to FAIL."""

    #: Seconds to wait for a connection (database, SMTP, SMS gateway, webhooks).
    timeout_s: float = DEFAULT_TIMEOUT_S
    #: A certificate this close to its end warns (days); an expired one fails.
    cert_warn_days: int = 30
    #: The PostgreSQL server's clock this far from this machine's warns, then fails (seconds):
    #: lone-working deadlines are the hub's clock, and several hub processes must agree.
    skew_warn_s: float = 2.0
    skew_fail_s: float = 60.0
    #: Free space below this warns (or below twice the embedded database's size).
    disk_warn_bytes: int = 1 * _GIB
    #: Free space below this fails (or below the embedded database's size: no backup fits).
    disk_fail_bytes: int = 256 * _MIB
    #: The newest backup older than this warns, then fails; none at all warns.
    backup_warn: timedelta = timedelta(days=2)
    backup_fail: timedelta = timedelta(days=7)
    #: A visit the escalation watch could not evaluate this recently warns.
    watch_error_window: timedelta = timedelta(days=1)


@dataclass
class Doctor:
    """Runs every check on the hub ``settings`` describe (nothing is written)."""

    settings: HubSettings
    limits: Limits = field(default_factory=Limits)
    clock: Clock = utc_now
    backup_dir: Path | None = None
    secrets: Callable[[], LoneWorkingSecrets] = LoneWorkingSecrets.from_env

    def run(self) -> list[Check]:
        """Every check, always in the same order."""
        checks: list[Check] = []
        engine = self._engine(checks)  # the "database" check
        if engine is None:
            return [*checks, _not_checked("migrations"), self.tls(),
                    _not_checked("notifier hosts"), _not_checked("clock"), self.disk(),
                    _not_checked("backup"), _not_checked("notifiers"), _not_checked("watch")]
        try:
            return [*checks, self.migrations(engine), self.tls(), *self.reachability(engine),
                    self.clock_skew(engine), self.disk(), self.backup_age(engine),
                    self.notifiers(engine), self.watch(engine)]
        finally:
            engine.dispose()

    # ------------------------------------------------------------------ database, schema
    def _engine(self, checks: list[Check]) -> Engine | None:
        url = self.settings.database_url
        if is_embedded(url) and not embedded_path(url).exists():
            checks.append(Check("database", FAIL, f"no database file at {embedded_path(url)} "
                                "(`spoke-hub init` makes a new hub)"))
            return None
        try:
            engine = make_engine(_with_connect_timeout(url, self.limits.timeout_s),
                                 schema_check=False)  # the doctor reports a newer schema
        except SpokeError as exc:
            checks.append(Check("database", FAIL, str(exc)))
            return None
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                version = ".".join(str(n) for n in engine.dialect.server_version_info or ())
        except SpokeError as exc:  # the key file is missing or wrong
            engine.dispose()
            checks.append(Check("database", FAIL, str(exc)))
            return None
        except SQLAlchemyError as exc:
            engine.dispose()
            checks.append(Check("database", FAIL,
                                f"cannot connect to {describe(url)} ({_why_database(exc)})"))
            return None
        what = (f"embedded SQLCipher file {embedded_path(url)}" if is_embedded(url)
                else f"PostgreSQL {version} at {describe(url)}")
        own_key = database_key_path(embedded_path(url)) if is_embedded(url) else None
        if own_key is not None and _open_to_everyone(own_key):  # e.g. copied back with cp
            checks.append(Check("database", WARN, f"answers: {what}; but its key file "
                                f"{own_key} is open to every user on this machine, who could "
                                f"read the database with it: chmod 600 {own_key}; if "
                                "anyone else may have read it, give the database a new key "
                                "(`spoke-hub rekey`, hub stopped)"))
        else:
            checks.append(Check("database", OK, f"answers: {what}"))
        return engine

    def migrations(self, engine: Engine) -> Check:
        head = schema.head_revision()
        try:
            current = schema.current_revision(engine)
        except SQLAlchemyError as exc:
            return Check("migrations", FAIL, f"cannot be read ({_why_database(exc)})")
        if current == head:
            return Check("migrations", OK, f"schema at {head}, this hub's newest")
        if current is None:
            return Check("migrations", FAIL, "the database has no schema: `spoke-hub init` "
                         "(a new hub) or `spoke-hub migrate`")
        if current not in schema.known_revisions():
            return Check("migrations", FAIL, schema.too_new_message(current, head))
        return Check("migrations", FAIL, f"schema at {current}, this hub needs {head}: back "
                     "up, then run `spoke-hub migrate` (serve refuses to start until then)")

    # ------------------------------------------------------------------ TLS
    def tls(self) -> Check:
        cert_path, key_path = self.settings.tls_cert, self.settings.tls_key
        host = self.settings.host
        if cert_path is None and key_path is None:
            if is_loopback(host):
                return Check("tls", OK, f"not served over TLS: plain HTTP on {host} (this "
                             "machine only)")
            return Check("tls", FAIL, f"no certificate, and serve refuses plain HTTP on {host}:"
                         " give tls_cert and tls_key")
        if cert_path is None or key_path is None:
            return Check("tls", FAIL, "give both the certificate and its key (tls_cert and "
                         "tls_key), or neither")
        try:
            cert = x509.load_pem_x509_certificate(cert_path.expanduser().read_bytes())
        except (OSError, ValueError):
            return Check("tls", FAIL, f"{cert_path} cannot be read as a PEM certificate")
        try:
            key = load_pem_private_key(key_path.expanduser().read_bytes(), password=None)
        except (OSError, ValueError, TypeError):
            return Check("tls", FAIL, f"{key_path} cannot be read as an unencrypted PEM "
                         "private key")
        if _public(cert.public_key()) != _public(key.public_key()):
            return Check("tls", FAIL, f"{cert_path} does not belong to the key {key_path}")
        exposed = (f"; and its key {key_path} is open to every user on this machine: chmod 600 "
                   "it (or 640 with a group the hub runs in)"
                   if _open_to_everyone(key_path.expanduser()) else "")
        now = self.clock()
        ends, begins = cert.not_valid_after_utc, cert.not_valid_before_utc
        if now < begins:
            return Check("tls", FAIL, f"{cert_path} is not valid until {begins:%Y-%m-%d %H:%M} "
                         "UTC (check this machine's clock)")
        left = ends - now
        if left <= timedelta(0):
            return Check("tls", FAIL, f"{cert_path} expired on {ends:%Y-%m-%d} "
                         f"({(now - ends).days} days ago): renew it")
        if left < timedelta(days=self.limits.cert_warn_days):
            return Check("tls", WARN, f"{cert_path} expires on {ends:%Y-%m-%d}, in "
                         f"{left.days} days: renew it{exposed}")
        return Check("tls", WARN if exposed else OK,
                     f"{cert_path} valid until {ends:%Y-%m-%d} ({left.days} days){exposed}")

    # ------------------------------------------------------------------ notifier hosts
    def reachability(self, engine: Engine) -> list[Check]:
        """The SMTP relay, the SMS gateway and the webhooks, each a connection only."""
        try:
            with Session(engine) as session:
                settings = load_notifier_settings(session)
        except (SQLAlchemyError, SpokeError) as exc:
            return [Check("notifier hosts", WARN, f"not checked: the notifier settings "
                          f"cannot be read ({type(exc).__name__})")]
        checks = [self._smtp(settings.email) if settings.email is not None
                  else Check("email", OK, "not configured")]
        checks.append(self._url("sms", settings.sms_url) if settings.sms_url
                      else Check("sms", OK, "not configured"))
        checks += [self._url(f"webhook {hook.name}", hook.url) for hook in settings.webhooks]
        return checks

    def _smtp(self, email: EmailSettings) -> Check:
        where = f"{email.host}:{email.port}"
        try:
            with smtplib.SMTP(email.host, email.port, timeout=self.limits.timeout_s) as smtp:
                smtp.ehlo()
                if email.starttls and not smtp.has_extn("starttls"):
                    return Check("email", FAIL, f"the SMTP relay {where} answers but offers no "
                                 "STARTTLS, which the hub is set to use")
        except (OSError, smtplib.SMTPException) as exc:
            return Check("email", FAIL, f"the SMTP relay {where} cannot be reached "
                         f"({_why_network(exc, self.limits.timeout_s)})")
        starttls = ", STARTTLS offered" if email.starttls else ""
        return Check("email", OK, f"the SMTP relay {where} answers{starttls}")

    def _url(self, name: str, url: str) -> Check:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return Check(name, FAIL, "its address has no valid port")
        where = f"{parts.scheme}://{host}:{port}"
        proxies = urllib.request.getproxies_environment()  # as the hub's sender decides
        if (proxies.get(parts.scheme) or proxies.get("all")) and not (
                urllib.request.proxy_bypass(host)):
            return Check(name, OK, f"{where} is reached through a proxy (not checked)")
        try:
            with socket.create_connection((host, port), timeout=self.limits.timeout_s) as sock:
                if parts.scheme == "https":
                    context = httpx.create_ssl_context()  # as the hub's sender checks it
                    with context.wrap_socket(sock, server_hostname=host):
                        pass
        except ssl.SSLCertVerificationError as exc:
            return Check(name, FAIL, f"{where}: its certificate is not trusted "
                         f"({exc.verify_message})")
        except (OSError, ssl.SSLError) as exc:
            return Check(name, FAIL, f"{where} cannot be reached "
                         f"({_why_network(exc, self.limits.timeout_s)})")
        return Check(name, OK, f"{where} accepts connections"
                     + (" (TLS handshake checked)" if parts.scheme == "https" else ""))

    # ------------------------------------------------------------------ clock
    def clock_skew(self, engine: Engine) -> Check:
        if engine.dialect.name != "postgresql":
            return Check("clock", OK, "n/a: the embedded database keeps no clock of its own "
                         "(the hub uses this machine's)")
        try:
            with engine.connect() as connection:
                before = self.clock()
                server = connection.scalar(text("SELECT clock_timestamp()"))
                after = self.clock()
        except SQLAlchemyError as exc:
            return Check("clock", WARN, f"not checked ({_why_database(exc)})")
        skew = (server - (before + (after - before) / 2)).total_seconds()
        said = (f"PostgreSQL's clock is {abs(skew):.1f} s "
                f"{'ahead of' if skew > 0 else 'behind'} this machine's")
        if abs(skew) > self.limits.skew_fail_s:
            return Check("clock", FAIL, f"{said}: set both from the same time source (NTP)")
        if abs(skew) > self.limits.skew_warn_s:
            return Check("clock", WARN, f"{said}: check their time sources (NTP)")
        return Check("clock", OK, said)

    # ------------------------------------------------------------------ disk
    def disk(self) -> Check:
        url = self.settings.database_url
        folders: dict[str, Path] = {}
        needed = 0
        if is_embedded(url):
            database = embedded_path(url)
            folders["database"] = database.parent
            needed = sum(p.stat().st_size for p in (database, Path(f"{database}-wal"))
                         if p.exists())
        data = (self.settings.mark_file.expanduser().parent if self.settings.mark_file
                else Path(user_data_dir(HUB_DATA_NAME, appauthor=False)))
        folders.setdefault("data folder", data)
        if not is_embedded(url):
            folders.setdefault("backup key", backup_key_path().parent)
        if self.backup_dir is not None:
            folders["backups"] = self.backup_dir
        worst, said = OK, []
        seen: set[int] = set()
        fail_below = max(self.limits.disk_fail_bytes, needed)
        warn_below = max(self.limits.disk_warn_bytes, 2 * needed)
        for what, folder in folders.items():
            existing = _existing(folder)
            if existing is None:
                continue
            device = existing.stat().st_dev
            if device in seen:
                continue
            seen.add(device)
            free = shutil.disk_usage(existing).free
            status = FAIL if free < fail_below else WARN if free < warn_below else OK
            worst = max(worst, status, key=EXIT_STATUS.__getitem__)
            said.append(f"{_size(free)} free at {existing} ({what})")
        if not said:
            return Check("disk", WARN, "not checked: none of the hub's folders exists yet")
        if worst != OK:
            said.append(f"keep at least {_size(warn_below)}")
        return Check("disk", worst, "; ".join(said))

    # ------------------------------------------------------------------ backup, notifiers
    def backup_age(self, engine: Engine) -> Check:
        try:
            with Session(engine) as session:
                taken = session.get(HubMeta, META_LAST_BACKUP)
                covers = session.get(HubMeta, META_BACKUP_COVERS)
        except SQLAlchemyError:
            return Check("backup", WARN, "not checked: the hub's facts cannot be read")
        if taken is None:
            return Check("backup", WARN, "no backup taken with `spoke-hub backup` yet")
        age = self.clock() - parse_iso(taken.value)
        said = (f"newest backup taken {_age(age)} ago ({parse_iso(taken.value):%Y-%m-%d %H:%M} "
                f"UTC{f', up to sequence {covers.value}' if covers is not None else ''})")
        if age > self.limits.backup_fail:
            return Check("backup", FAIL, f"{said}: take one now, and check the schedule")
        if age > self.limits.backup_warn:
            return Check("backup", WARN, f"{said}: check the backup schedule")
        return Check("backup", OK, said)

    def notifiers(self, engine: Engine) -> Check:
        try:
            secrets = self.secrets()
        except (ValueError, SpokeError) as exc:
            return Check("notifiers", FAIL, f"the secrets cannot be read: {exc}")
        try:
            with Session(engine) as session:
                report = safety_report(session, secrets)
        except (SQLAlchemyError, SpokeError) as exc:
            return Check("notifiers", WARN, f"not checked ({type(exc).__name__})")
        ready = [name for name, state in report.notifiers.items() if state == "ready"]
        others = [f"{name} {state}" for name, state in report.notifiers.items()
                  if state != "ready"]
        said = ", ".join([*(f"{name} ready" for name in ready), *others])
        if not ready:
            return Check("notifiers", FAIL, f"no notifier can send ({said}): a missed check-in "
                         "or a panic alarm reaches no one (spoke-hub safety status)")
        if report.missing:
            return Check("notifiers", WARN, f"{said}; {len(report.missing)} gap(s) in who can "
                         f"be alerted (first: {report.missing[0]})")
        return Check("notifiers", OK, said)


    def watch(self, engine: Engine) -> Check:
        window = self.limits.watch_error_window
        try:
            with Session(engine) as session:
                row = session.get(HubMeta, WATCH_ERROR_KEY)
        except SQLAlchemyError:
            return Check("watch", WARN, "not checked: the hub's facts cannot be read")
        try:
            last = json.loads(row.value) if row is not None else None
            at = parse_iso(str(last["at"])) if last is not None else None
        except (ValueError, KeyError, TypeError):
            return Check("watch", WARN, "not checked: the last watch error cannot be read")
        if last is None or at is None or self.clock() - at > window:
            return Check("watch", OK, "the escalation watch evaluated every visit due in the "
                         f"last {_age(window)}")
        return Check("watch", WARN, (
            f"the escalation watch could not evaluate visit {last.get('visit_id')} "
            f"({last.get('error')}) {_age(self.clock() - at)} ago: it is looked at again every "
            "15 minutes and may not be escalated; the hub's log says where it failed, "
            f"`spoke-hub audit --action {WATCH_ERROR_ACTION}` lists every visit set aside, "
            "`spoke-hub safety visit end VISIT_ID` ends one once its worker is known to be "
            "safe"))


# --------------------------------------------------------------------------- helpers
def _not_checked(name: str) -> Check:
    return Check(name, WARN, "not checked: the database did not answer")


def _with_connect_timeout(url: str, timeout: float) -> str:
    """A PostgreSQL URL that gives up connecting after ``timeout`` (unless it says otherwise)."""
    if is_embedded(url):
        return url
    parsed = make_url(url)
    if "connect_timeout" in parsed.query:
        return url
    seconds = str(max(1, math.ceil(timeout)))
    return parsed.update_query_dict({"connect_timeout": seconds}).render_as_string(
        hide_password=False)


def _public(key: Any) -> bytes:
    return bytes(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def _why_database(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    first = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {first}"[:200]


def _why_network(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host name"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "it closed the connection"
    return type(exc).__name__ + (f": {exc.strerror}" if isinstance(exc, OSError)
                                 and exc.strerror else "")


def _open_to_everyone(path: Path) -> bool:
    """True if every user of this machine may read ``path`` (or write or run it)."""
    try:
        return os.name == "posix" and bool(path.stat().st_mode & 0o007)
    except OSError:
        return False


def _existing(folder: Path) -> Path | None:
    """``folder``, or the nearest folder above it that exists (where it would be made)."""
    for candidate in (folder.expanduser(), *folder.expanduser().parents):
        if candidate.exists():
            return candidate
    return None


def _size(count: float) -> str:
    return f"{count / _GIB:.1f} GiB" if count >= _GIB else f"{count / _MIB:.0f} MiB"


def _age(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"


# --------------------------------------------------------------------------- the command
def worst(checks: Sequence[Check]) -> str:
    """The worst status among ``checks``."""
    return max((c.status for c in checks), key=EXIT_STATUS.__getitem__, default=OK)


def render(checks: Sequence[Check]) -> str:
    """One line a check: status, name, reason."""
    width = max(len(c.name) for c in checks)
    return "\n".join(f"{c.status:<5} {c.name:<{width}}  {c.reason}" for c in checks)


def as_json(checks: Sequence[Check]) -> str:
    """``{"status": ..., "exit_status": ..., "checks": [{"name", "status", "reason"}]}``."""
    status = worst(checks)
    return json.dumps({"status": status, "exit_status": EXIT_STATUS[status],
                       "checks": [asdict(c) for c in checks]}, indent=2)


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    try:
        hub: HubSettings = settings(args)
    except SpokeError as exc:  # a setting cannot be read: nothing else can be checked
        checks = [Check("config", FAIL, str(exc))]
    else:
        doctor = Doctor(hub, limits=Limits(timeout_s=args.timeout), backup_dir=args.backup_dir)
        checks = doctor.run()
    print(as_json(checks) if args.json else render(checks))
    return EXIT_STATUS[worst(checks)]


def register(commands: Any, parents: list[argparse.ArgumentParser],
             settings: Settings) -> None:
    """Add ``spoke-hub doctor`` (``parents``: the database/config and TLS options)."""
    p = commands.add_parser(
        "doctor", parents=parents,
        help="check the hub: database, migrations, TLS, notifier hosts, clock, disk, backup "
        "age; exit 0 OK, 1 warning, 2 failure",
    )
    p.add_argument("--host", default=None, help="the address serve listens on (TLS is "
                   "required off loopback)")
    p.add_argument("--backup-dir", type=Path, default=None, metavar="DIR",
                   help="also check the free space where backups are written")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                   help=f"seconds to wait for each connection (default {DEFAULT_TIMEOUT_S:g})")
    p.add_argument("--json", action="store_true", help="one JSON object, for monitoring")
    bind(p, cmd_doctor, settings=settings)
