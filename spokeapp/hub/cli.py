"""``spoke-hub``: run and administer a Spoke hub with single, non-interactive commands.

Every command takes ``--database URL`` (default: the encrypted embedded file in the user data
folder, or ``SPOKE_HUB_DATABASE_URL``) and ``--config FILE`` (a TOML file of the settings,
under the ``SPOKE_HUB_*`` environment variables, under the options: spokeapp.hub.config).
Nothing prompts, so every step can be scripted and documented. Output names ids and counts
only, except where naming people is the point (``user list``, ``device report``).

``serve`` stops gracefully on SIGTERM (docs/hub-admin.md, "Stopping the hub"): it stops
accepting, answers the requests in hand and writes every push already queued, stops the
escalation watch (whose claims end with its round, so another hub on the same PostgreSQL
carries on at its next look), writes the high-water mark and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import hashlib
import ipaddress
import json
import logging
import math
import os
import signal
import socket
import ssl
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spokeapp.diagnostics import describe_exception
from spokeapp.domain.attachments import DEFAULT_ATTACHMENT_LIMIT, MAX_ATTACHMENT_LIMIT
from spokeapp.domain.errors import SpokeError
from spokeapp.hub import (
    admin,
    approvals,
    areas,
    audit_view,
    backup,
    doctor,
    leavers,
    logs,
    releases,
    retention,
    roster,
    safety_cli,
    schema,
    serving_lock,
    subject_file,
    subject_requests,
)
from spokeapp.hub.config import (
    CONFIG_ENV,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_REFRESH_IDLE_DAYS,
    DEFAULT_SHUTDOWN_SECONDS,
    LOG_FORMATS,
    LOG_LEVELS,
    HubSettings,
    check_attachment_limit,
    config_environment,
    default_config_path,
    is_loopback,
)
from spokeapp.hub.db import (
    create_key_file,
    describe,
    embedded_path,
    engine_for,
    is_embedded,
    key_path,
    make_engine,
    missing_key_message,
)
from spokeapp.hub.ledger import META_EPOCH, META_HUB_ID, lock_writes, meta
from spokeapp.hub.scope import ROLES

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("spokeapp.hub")


def certificate_fingerprint(cert_path: Path) -> str:
    """SHA-256 of the certificate (DER), as colon-separated hex: what laptops pin."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    digest = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


__all__ = ["build_parser", "certificate_fingerprint", "is_loopback", "main", "worker_app"]


def _settings(args: argparse.Namespace) -> HubSettings:
    environ = dict(os.environ)
    if args.database is not None:
        # ``--database`` stands where SPOKE_HUB_DATABASE_URL would: the password given apart
        # (SPOKE_HUB_DATABASE_PASSWORD, database_password_file) goes into it, not into the
        # default embedded URL it replaces (docs/hub-admin.md, "Configuration").
        environ["SPOKE_HUB_DATABASE_URL"] = args.database
    base = HubSettings.from_env(environ)
    return base.with_overrides(
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        tls_cert=getattr(args, "tls_cert", None),
        tls_key=getattr(args, "tls_key", None),
        refresh_idle_days=getattr(args, "refresh_idle_days", None),
        api_docs=getattr(args, "api_docs", None) or None,
        workers=getattr(args, "workers", None),
        mark_file=getattr(args, "mark_file", None),
        log_format=getattr(args, "log_format", None),
        log_level=getattr(args, "log_level", None),
        shutdown_seconds=getattr(args, "shutdown_seconds", None),
        attachment_max_bytes=getattr(args, "attachment_max_bytes", None),
    )


def _engine(settings: HubSettings) -> Engine:
    return make_engine(settings.database_url)


def cmd_init(args: argparse.Namespace) -> int:
    settings = _settings(args)
    url = settings.database_url
    finishing = False
    if is_embedded(url):
        db_path = embedded_path(url)
        key = key_path(db_path)
        if db_path.exists() and key.exists():
            # Both there: a hub (refused), or an init that stopped before giving the
            # database its identity (finished now, with the key it was made with).
            finishing = True
        elif db_path.exists():  # a new key would never open it: never written here
            raise SpokeError(missing_key_message(db_path))
        elif key.exists():
            raise SpokeError(
                f"There is a key file at {key} but no hub database {db_path} beside it: init "
                "makes a new hub and is refusing to use another hub's key. If the database "
                "was moved, check the path (--database); to put a backup back, run "
                "`spoke-hub restore FILE`. Nothing has been changed."
            )
        else:
            key = create_key_file(db_path)
            print(f"Created key file {key} (mode 0600). Back it up apart from the database.")
            print(f"Created encrypted database {db_path}")
    engine = _engine(settings)
    try:
        if finishing:
            if admin.hub_identity(engine) is not None:
                raise SpokeError(
                    f"There is a hub at {db_path} already (its key file is {key}): init makes "
                    "a new hub and is refusing to replace it, which would make it unreadable. "
                    "Nothing has been changed. (`spoke-hub migrate` brings an existing hub up "
                    "to date; --database names another place for a new one.)"
                )
            print(f"Finishing the hub at {db_path}, which an earlier init left without a hub "
                  f"identity, with its key file {key}.")
        schema.migrate(engine)
        result = admin.init_hub(engine, args.organisation, args.admin)
    finally:
        # Every connection closed before init says it is done, so the embedded database is
        # whole in its file (its write-ahead log folded in), not whenever the process or the
        # garbage collector gets round to closing them.
        engine.dispose()
    print(f"Schema at revision {schema.head_revision()} on {describe(url)}")
    print(f"Hub id: {result.hub_id}")
    print(f"Hub epoch: {result.hub_epoch}")
    print(f"Administrator user id: {result.admin_id}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    engine = _engine(settings)
    try:
        before, after = schema.migrate(engine)
    finally:
        engine.dispose()  # as init: the database whole in its file when migrate is done
    if before == after:
        print(f"Schema already at revision {after}; nothing to do.")
    else:
        print(f"Schema migrated from {before or 'empty'} to {after}.")
    return 0


def cmd_openapi(_args: argparse.Namespace) -> int:
    """Print the hub's OpenAPI document (JSON) for integrators; the hub never serves it to
    other machines."""
    from spokeapp.hub.app import openapi_schema

    print(json.dumps(openapi_schema(), indent=2, sort_keys=True))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.api_docs and not is_loopback(settings.host):
        raise SpokeError(
            "--api-docs serves the API documentation on this machine only: listen on "
            "127.0.0.1 (or leave --api-docs off and use `spoke-hub openapi` to get the schema)."
        )
    if settings.refresh_idle_days < 1:
        raise SpokeError("--refresh-idle-days must be at least 1.")
    if (settings.tls_cert is None) != (settings.tls_key is None):
        raise SpokeError("Give both --tls-cert and --tls-key, or neither.")
    if not settings.tls and not is_loopback(settings.host):
        raise SpokeError(
            "Plain HTTP is for this machine only. Listen on 127.0.0.1, or give --tls-cert and "
            "--tls-key to serve other machines."
        )
    if settings.workers < 1:
        raise SpokeError("--workers must be at least 1.")
    if settings.shutdown_seconds < 0:
        raise SpokeError("--shutdown-seconds must be 0 or more.")
    check_attachment_limit(settings.attachment_max_bytes, "--attachment-max-bytes")
    _refuse_database_key_as_tls_key(settings)
    _check_tls_files(settings)
    sock = _listening_socket(settings)  # a port in use is refused before anything is touched
    try:
        return _start(settings, sock)
    finally:
        sock.close()


def _start(settings: HubSettings, sock: socket.socket) -> int:
    """``serve`` once its address is held: on the embedded database, take its serving lock
    for as long as it serves (``restore`` and ``rekey`` refuse while it is held, whatever key
    file is in place: spokeapp.hub.serving_lock), then check the database, notice a restore,
    serve."""
    if not is_embedded(settings.database_url):
        return _start_locked(settings, sock)
    with serving_lock.held(embedded_path(settings.database_url), "serve"):
        return _start_locked(settings, sock)


def _start_locked(settings: HubSettings, sock: socket.socket) -> int:
    logs.configure(settings.log_format, settings.log_level)
    engine = _engine(settings)
    schema.require_current(engine)
    with Session(engine) as session:
        hub_id = meta(session, META_HUB_ID)
    from spokeapp.hub.lone_working import safety_warnings

    for warning in safety_warnings(engine):  # issue 13: a hub with nobody to alert says so
        _warn(settings, warning)
    # A database restored from a backup gets a new epoch before any laptop is answered
    # (docs/sync.md, "Hub epoch and restores"); the high-water mark is kept while serving.
    mark_file = settings.mark_file or backup.mark_path(settings.database_url, hub_id)
    check = backup.check_restored(engine, mark_file)
    if check.new_epoch is not None:
        restored = (f"This database was restored ({check.reason}): hub epoch changed from "
                    f"{check.old_epoch} to {check.new_epoch}; laptops will re-pull and re-push.")
        print(restored, flush=True)
        if settings.log_format == "json":
            log.warning("database restored: hub epoch changed (%s)", check.reason)
    keeper = backup.MarkKeeper(engine, mark_file)
    keeper.start()
    try:
        return _serve(settings, engine, sock, keeper.stop)
    finally:
        keeper.stop()


def _warn(settings: HubSettings, warning: str) -> None:
    """A warning at start: on stderr as a plain line, or as a log entry in the JSON log."""
    if settings.log_format == "json":
        log.warning("%s", warning)
    else:
        print(f"WARNING: {warning}", file=sys.stderr, flush=True)


def _listening_socket(settings: HubSettings) -> socket.socket:
    """The hub's socket, bound to its address; SpokeError saying why if it cannot be."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on accepted sockets whose proto
    # says TCP. Without it, Nagle's algorithm holds a response's body behind its headers
    # until the client's delayed ACK: ~40 ms added to every request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sock.close()
        raise SpokeError(_bind_failure(settings, exc)) from None
    return sock


def _serve(settings: HubSettings, engine: Engine, sock: socket.socket,
           on_shutdown: Callable[[], None]) -> int:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, running ``on_shutdown`` once it has stopped serving."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            log.info("shutting down: no new connections; finishing the requests in hand")
            await super().shutdown(sockets)
            on_shutdown()

    from spokeapp.hub.app import create_app

    app = create_app(settings, engine=engine)
    ServingTuning().apply()  # this process serves until it ends
    sock.listen(128)
    port = sock.getsockname()[1]
    scheme = "https" if settings.tls else "http"
    print(f"Hub listening on {scheme}://{settings.host}:{port}", flush=True)
    log.info("listening on %s://%s:%d", scheme, settings.host, port)
    certfile = str(settings.tls_cert) if settings.tls_cert else None
    keyfile = str(settings.tls_key) if settings.tls_key else None
    workers = settings.workers
    # uvicorn handles SIGTERM and SIGINT while it serves (a graceful shutdown), then sends the
    # signal again to whatever handler was there before: with Python's default for SIGTERM
    # that kills the process (exit status -15) after a clean stop. This handler makes that
    # second delivery a no-op, so a stopped hub exits 0 and a service manager sees success.
    signal.signal(signal.SIGTERM, _stopped)
    # No per-request access log: the hub logs each push itself (device, counts) and a pull
    # at debug; a line for every request was ~5 % of the hub's CPU with 200 laptops syncing
    # (docs/sync.md, "Speed"). A reverse proxy in front keeps access logs if wanted.
    grace = max(1, math.ceil(settings.shutdown_seconds))
    if workers == 1:
        config = uvicorn.Config(app, log_config=None, access_log=False,
                                timeout_graceful_shutdown=grace,
                                ssl_certfile=certfile, ssl_keyfile=keyfile)
        Server(config).run(sockets=[sock])
        log.info("stopped")
        return 0
    # Several worker processes on the one listening socket (docs/sync.md, "Speed"): each
    # builds its app from the environment, so the database URL is passed on there.
    from uvicorn.supervisors import Multiprocess

    engine.dispose()  # the workers make their own; the mark keeper reconnects when it needs
    os.environ["SPOKE_HUB_DATABASE_URL"] = settings.database_url
    os.environ["SPOKE_HUB_HOST"] = settings.host
    os.environ["SPOKE_HUB_REFRESH_IDLE_DAYS"] = str(settings.refresh_idle_days)
    os.environ["SPOKE_HUB_API_DOCS"] = "1" if settings.api_docs else "0"
    os.environ["SPOKE_HUB_ATTACHMENT_MAX_BYTES"] = str(settings.attachment_max_bytes)
    config = uvicorn.Config(
        "spokeapp.hub.cli:worker_app", factory=True, workers=workers, access_log=False,
        log_config=logs.logging_config(settings.log_format, settings.log_level),
        timeout_graceful_shutdown=grace, ssl_certfile=certfile, ssl_keyfile=keyfile,
    )
    Multiprocess(config, sockets=[sock]).run()
    return 0


def _bind_failure(settings: HubSettings, exc: OSError) -> str:
    """Why ``serve`` cannot listen on its address, and what to do."""
    where = f"{settings.host} port {settings.port}"
    if exc.errno == errno.EADDRINUSE:
        return (f"Cannot listen on {where}: something is already listening there (another "
                "spoke-hub serve?). Stop it, or choose another --port (port in hub.toml, "
                "SPOKE_HUB_PORT).")
    if exc.errno == errno.EACCES:
        return (f"Cannot listen on {where}: not allowed (ports below 1024 need privileges). "
                f"Use a port from 1024 up, e.g. --port {DEFAULT_PORT}.")
    if exc.errno == errno.EADDRNOTAVAIL:
        return (f"Cannot listen on {where}: {settings.host} is not an address of this "
                "machine. Check --host (host in hub.toml, SPOKE_HUB_HOST).")
    return f"Cannot listen on {where}: {exc.strerror or type(exc).__name__}."


def _check_tls_files(settings: HubSettings) -> None:
    """Refuse, before anything starts, a TLS certificate or key that cannot be read or that do
    not belong together (otherwise the hub would say it listens, then fail)."""
    if settings.tls_cert is None or settings.tls_key is None:
        return
    cert, key = settings.tls_cert.expanduser(), settings.tls_key.expanduser()
    for path, what in ((cert, "--tls-cert"), (key, "--tls-key")):
        if not path.is_file():
            raise SpokeError(f"{what} {path}: no such file.")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key, password=lambda: b"")  # never a prompt
    except (OSError, ssl.SSLError):
        raise SpokeError(
            f"The TLS certificate {cert} and key {key} cannot be used together: files "
            "swapped, not PEM, a key with a passphrase or the key of another certificate. "
            "`spoke-hub doctor --tls-cert FILE --tls-key FILE` says more."
        ) from None


def _stopped(_signum: int, _frame: object) -> None:
    """SIGTERM after uvicorn's graceful shutdown: nothing left to do (see ``_serve``)."""


@dataclass(frozen=True, slots=True)
class ServingTuning:
    """How a serving process runs its threads and its collector (docs/sync.md, "Speed");
    made and applied by whoever serves (``serve``, or each ``serve --workers N`` process).

    Garbage: a 2000-change push allocates hundreds of thousands of short-lived, acyclic
    objects; with the default thresholds the collector ran so often it cost a third of the
    hub's push time. What was loaded at start-up is frozen out of the collections; garbage
    cycles are still collected, just in larger, rarer rounds (bounded: every
    ``threshold[0]`` allocations).

    The GIL: the event loop, the push queue's checking and writing threads and the pull's
    worker threads take turns; a thread back from the database waits for the GIL until the
    one holding it lets go, up to CPython's 5 ms switch interval, for microseconds of Python.
    While serving, the interval is ``switch_interval`` (docs/sync.md, "Fourteenth round").
    """

    #: Allocations between collections of each generation (CPython's default: 700, 10, 10).
    threshold: tuple[int, int, int] = (50_000, 20, 20)
    #: Seconds a thread may hold the GIL while another waits (CPython's default: 0.005).
    switch_interval: float = 0.0005

    def apply(self) -> None:
        """Tune this process for the rest of its life (it serves until it ends)."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(*self.threshold)
        sys.setswitchinterval(self.switch_interval)


def worker_app() -> FastAPI:
    """The app of one ``serve --workers N`` process (settings from the environment)."""
    from spokeapp.hub.app import create_app

    app = create_app()
    app.state.serving_tuning = ServingTuning()
    app.state.serving_tuning.apply()
    return app


def cmd_user_add(args: argparse.Namespace) -> int:
    with engine_for(_settings(args).database_url) as engine, Session(engine) as session, \
            session.begin():
        lock_writes(session)
        user_id = admin.add_user(session, args.name, args.role, args.team)
    print(user_id)
    return 0


def cmd_case_assign(args: argparse.Namespace) -> int:
    with engine_for(_settings(args).database_url) as engine:
        result = admin.assign_case(engine, args.case_id, args.worker)
    print(
        f"Case {result.case_id} now held by {args.worker}: {result.records} records will reach "
        f"them; purged from {len(result.purged_for)} other users' laptops at their next sync."
    )
    return 0


def _refuse_database_key_as_tls_key(settings: HubSettings) -> None:
    """The embedded database's own key (``hub.db`` -> ``hub.key``) is never a TLS key: a
    TLS key file of that name beside the database would be the database's key."""
    if settings.tls_key is None or not is_embedded(settings.database_url):
        return
    own = key_path(embedded_path(settings.database_url))
    if settings.tls_key.expanduser().resolve() == own.expanduser().resolve():
        raise SpokeError(
            f"--tls-key {settings.tls_key} is the hub database's own key file, not a TLS key. "
            "Keep the TLS key under another name, e.g. hub-tls.key."
        )


def cmd_enrol(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.hub_url is None and _listens_everywhere(settings.host):
        raise SpokeError(
            f"serve listens on every address ({settings.host}), so which one laptops reach "
            "is not known here: give it, e.g. --hub-url https://hub.example.org:"
            f"{settings.port}. No enrolment code was made."
        )
    # The certificate is read first: a wrong file makes no code that nobody can use.
    fingerprint = None if settings.tls_cert is None else _fingerprint_of(settings.tls_cert)
    with engine_for(settings.database_url) as engine, Session(engine) as session, session.begin():
        lock_writes(session)
        code = admin.create_enrolment_code(session, args.user_id)
    hub_url = args.hub_url or (
        f"{'https' if settings.tls else 'http'}://{settings.host}:{settings.port}"
    )
    print(f"Enrolment code: {code}")
    print("Valid for 24 hours, for one laptop only.")
    print(f"Hub URL: {hub_url}")
    if fingerprint is not None:
        print(f"TLS certificate SHA-256: {fingerprint}")
    elif hub_url.lower().startswith("https:"):
        # The laptop pins the certificate and asks for its fingerprint with the code.
        print("TLS certificate SHA-256: not shown - no certificate was given. Spoke asks for it "
              "when enrolling over https: run this again with --tls-cert FILE (the certificate "
              "`spoke-hub serve` uses) or set SPOKE_HUB_TLS_CERT.")
    else:
        print("No TLS certificate configured: plain HTTP works on this machine (loopback) only.")
    return 0


def _listens_everywhere(host: str) -> bool:
    """True for the wildcard addresses (0.0.0.0, ::): no address a laptop could use."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return not host.strip()


def _fingerprint_of(cert_path: Path) -> str:
    """What laptops pin, or SpokeError saying why the certificate cannot be read."""
    try:
        return certificate_fingerprint(cert_path.expanduser())
    except OSError as exc:
        raise SpokeError(f"The TLS certificate {cert_path} cannot be read "
                         f"({exc.strerror or type(exc).__name__}). No enrolment code was "
                         "made.") from None
    except ValueError:
        raise SpokeError(f"{cert_path} is not a PEM certificate (-----BEGIN CERTIFICATE-----;"
                         " not its key). No enrolment code was made.") from None


def cmd_device_list(args: argparse.Namespace) -> int:
    with engine_for(_settings(args).database_url) as engine, Session(engine) as session:
        rows = admin.list_devices(session)
    if not rows:
        print("No devices enrolled.")
    for device, user in rows:
        wipe = " wipe" if device.wipe else ""
        if device.refresh_reused_at is not None:
            wipe += " sign-in-reused (enrol again)"
        print(
            f"{device.id}\t{device.status}{wipe}\t{user.id}\t{user.role}\t"
            f"enrolled {device.enrolled_at}\tlast seen {device.last_seen_at or 'never'}"
        )
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    with engine_for(_settings(args).database_url) as engine, Session(engine) as session, \
            session.begin():
        status = admin.revoke_device(session, args.device_id, args.wipe)
    if status == "retired":
        print(
            f"Device {args.device_id} retired: at its next contact with the hub it sends "
            "everything it holds, then stops syncing. (Use --wipe for a lost laptop: it will "
            "erase its casebook.)"
        )
    elif args.wipe:
        print(f"Device {args.device_id} revoked; it will erase its casebook at its next "
              "contact with the hub.")
    else:
        print(f"Device {args.device_id} was already revoked; nothing changed.")
    return 0


def cmd_device_report(args: argparse.Namespace) -> int:
    """A lost or stolen laptop: what the officer tells the ICO (hub.device_report). Printed
    only (it names young people for the officer); the audit entry names ids and counts."""
    import dataclasses

    from spokeapp.hub import device_report
    from spokeapp.hub.errors import HubError

    settings = _settings(args)
    try:
        with engine_for(settings.database_url) as engine, Session(engine) as session, \
                session.begin():
            report = device_report.device_report(
                session, args.device_id, token_seconds=settings.access_token_seconds)
    except HubError as exc:
        if exc.code != "unknown_device":
            raise
        print(f"spoke-hub: {exc.message} (see `spoke-hub device list`)", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
    else:
        print(device_report.render(report))
    return 0


def cmd_restore_epoch(args: argparse.Namespace) -> int:
    with engine_for(_settings(args).database_url) as engine, Session(engine) as session, \
            session.begin():
        lock_writes(session)
        old = meta(session, META_EPOCH)
        epoch = admin.restore_epoch(session)
    print(f"Hub epoch changed from {old} to {epoch}: laptops will re-pull and re-push.")
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    from spokeapp.hub.rekey import RekeyError, rekey

    try:
        result = rekey(_settings(args).database_url)
    except RekeyError as exc:
        print(f"spoke-hub: {exc}", file=sys.stderr)
        return 2
    if result.finished_interrupted:
        print(f"Finished the key change that was interrupted: {result.database} opens with "
              f"the new key in {result.key_file} now.")
    else:
        print(f"Changed the key of {result.database}: it opens only with the new key in "
              f"{result.key_file} now ({result.tables} tables, {result.rows} rows copied in "
              f"{result.seconds:.1f} s).")
    print("Backups made before this need the old key: take a new backup now (spoke-hub backup "
          "FILE) and keep a copy of the new key file apart from the backups. To restore an "
          f"older backup, put its key file back as {result.key_file} first.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if is_embedded(settings.database_url):
        mark = backup.backup(settings.database_url, args.file, key_file=args.key_file)
        own_key = key_path(embedded_path(settings.database_url))
        print(f"Backup written to {args.file} (hub {mark.hub_id}, sequence {mark.max_seq}), "
              f"encrypted with the hub's key file {own_key}: keep a copy of that key file "
              "apart from the backups; no backup can be restored without it.")
        return 0
    key = backup.backup_key_path(args.key_file)  # PostgreSQL (docs/hub-admin.md)
    new_key = not key.exists()
    try:
        mark = backup.backup(settings.database_url, args.file, key_file=key)
    finally:
        if new_key and key.exists():  # said even if the backup then failed: said once only
            print(f"Created the backup key file {key} (mode 0600). Keep a copy of it apart "
                  "from the backups: no backup can be restored without it.")
    print(f"Backup written to {args.file} (hub {mark.hub_id}, sequence {mark.max_seq}): "
          f"pg_dump, encrypted with the backup key file {key}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = _settings(args)
    mark, epoch = backup.restore(settings.database_url, args.file, key_file=args.key_file,
                                 mark_file=settings.mark_file)
    print(f"Restored hub {mark.hub_id} to sequence {mark.max_seq} from {args.file}. Hub epoch "
          f"changed from {mark.epoch} to {epoch}: laptops will re-pull and re-push what the "
          "hub no longer has.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``spoke-hub`` command line."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        default=None,
        help="sqlcipher:///PATH or postgresql://... (default: encrypted file in the user "
        "data folder, or SPOKE_HUB_DATABASE_URL)",
    )
    common.add_argument(
        "--config", type=Path, default=None, metavar="FILE",
        help=f"settings file (TOML; default: {CONFIG_ENV}, else {default_config_path()} if it "
        "exists); SPOKE_HUB_* variables override it, options override both",
    )
    tls = argparse.ArgumentParser(add_help=False)
    tls.add_argument("--tls-cert", type=Path, default=None, metavar="FILE",
                     help="the hub's TLS certificate (PEM; laptops pin its SHA-256), or "
                     "SPOKE_HUB_TLS_CERT")
    tls.add_argument("--tls-key", type=Path, default=None, metavar="FILE",
                     help="its private key (PEM, not the database's hub.key), or "
                     "SPOKE_HUB_TLS_KEY")

    parser = argparse.ArgumentParser(prog="spoke-hub", description="Run a Spoke sync hub.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("init", parents=[common], help="create a new hub")
    p.add_argument("--organisation", required=True)
    p.add_argument("--admin", required=True, metavar="NAME", help="first administrator's name")
    p.set_defaults(run=cmd_init)

    p = commands.add_parser("migrate", parents=[common], help="bring the schema up to date")
    p.set_defaults(run=cmd_migrate)

    p = commands.add_parser("serve", parents=[common, tls], help="run the hub")
    p.add_argument("--host", default=None, help=f"default {DEFAULT_HOST}")
    p.add_argument("--port", type=int, default=None, help=f"default {DEFAULT_PORT}; 0 = any")
    p.add_argument(
        "--workers", type=int, default=None, metavar="N",
        help="worker processes (default 1; more helps many laptops at once on PostgreSQL)",
    )
    p.add_argument(
        "--mark-file", type=Path, default=None, metavar="FILE",
        help="the hub's high-water mark, used to notice a restored database (default: "
        "hub.mark beside the embedded file; for PostgreSQL in the hub's data folder)",
    )
    p.add_argument(
        "--refresh-idle-days", type=int, default=None, metavar="DAYS",
        help=f"a laptop that has not signed in for this many days must enrol again "
        f"(default {DEFAULT_REFRESH_IDLE_DAYS}, or SPOKE_HUB_REFRESH_IDLE_DAYS)",
    )
    p.add_argument(
        "--attachment-max-bytes", type=int, default=None, metavar="BYTES",
        help=f"the largest file a record may attach (default {DEFAULT_ATTACHMENT_LIMIT}, at "
        f"most {MAX_ATTACHMENT_LIMIT}, or SPOKE_HUB_ATTACHMENT_MAX_BYTES)",
    )
    p.add_argument(
        "--api-docs", action="store_true",
        help="serve /openapi.json, /docs and /redoc (loopback only; see `spoke-hub openapi`)",
    )
    p.add_argument("--log-format", choices=LOG_FORMATS, default=None,
                   help="text (default) or json: one JSON object a line")
    p.add_argument("--log-level", choices=LOG_LEVELS, default=None, help="default info")
    p.add_argument(
        "--shutdown-seconds", type=float, default=None, metavar="S",
        help=f"after SIGTERM, how long to finish the requests in hand (default "
        f"{DEFAULT_SHUTDOWN_SECONDS:g})",
    )
    p.set_defaults(run=cmd_serve)

    p = commands.add_parser(
        "openapi", help="print the hub's OpenAPI document (JSON) for integrators",
    )
    p.set_defaults(run=cmd_openapi)

    user = commands.add_parser("user", help="people").add_subparsers(dest="action", required=True)
    p = user.add_parser("add", parents=[common], help="add a person; prints their user id")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--team", default=None)
    p.set_defaults(run=cmd_user_add)
    roster.register_user_list(user, common, _settings)  # issue 19: find a person by name
    leavers.register(user, common, _settings)  # someone leaves: cases, laptops, enrolment

    case = commands.add_parser("case", help="cases").add_subparsers(dest="action", required=True)
    p = case.add_parser("assign", parents=[common], help="give a case to another worker")
    p.add_argument("case_id", help="the case's id")
    p.add_argument("--worker", required=True, metavar="USER_ID")
    p.set_defaults(run=cmd_case_assign)

    p = commands.add_parser("enrol", parents=[common, tls], help="one-time code for a laptop")
    p.add_argument("user_id", help="the person's id (spoke-hub user list)")
    p.add_argument("--hub-url", default=None, metavar="URL",
                   help="the address laptops reach the hub at, e.g. "
                   "https://hub.example.org:8470 (needed when serve listens on 0.0.0.0)")
    p.add_argument("--host", default=None, help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(run=cmd_enrol)

    device = commands.add_parser("device", help="laptops").add_subparsers(
        dest="action", required=True
    )
    p = device.add_parser("list", parents=[common], help="enrolled devices")
    p.set_defaults(run=cmd_device_list)
    p = device.add_parser(
        "revoke", parents=[common],
        help="retire a laptop (it sends what it holds, then stops); --wipe for a lost one",
    )
    p.add_argument("device_id", help="the laptop's id (spoke-hub device list)")
    p.add_argument("--wipe", action="store_true",
                   help="lost or stolen: refuse everything and tell it to erase its casebook")
    p.set_defaults(run=cmd_device_revoke)
    p = device.add_parser(
        "report", parents=[common],
        help="lost or stolen laptop: the cases it held, encryption, last contact, wipe",
    )
    p.add_argument("device_id", help="the laptop's id (spoke-hub device list)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=cmd_device_report)

    p = commands.add_parser(
        "restore-epoch", parents=[common],
        help="after restoring a backup by other means: new epoch (serve usually notices)",
    )
    p.set_defaults(run=cmd_restore_epoch)

    backup_key = argparse.ArgumentParser(add_help=False)
    backup_key.add_argument(
        "--key-file", type=Path, default=None, metavar="FILE",
        help="PostgreSQL: the backup key file (default: backup.key in the hub's data folder, "
        "made at the first backup)",
    )
    p = commands.add_parser(
        "backup", parents=[common, backup_key],
        help="write an encrypted copy of the hub (SQLCipher copy, or pg_dump on PostgreSQL)",
    )
    p.add_argument("file", type=Path, metavar="FILE",
                   help="a new file for the backup (an existing one is never replaced)")
    p.set_defaults(run=cmd_backup)

    p = commands.add_parser(
        "restore", parents=[common, backup_key],
        help="put a backup back (hub stopped); sets a new epoch so laptops re-sync",
    )
    p.add_argument("file", type=Path, metavar="FILE",
                   help="a file written by spoke-hub backup for this hub")
    p.set_defaults(run=cmd_restore)

    p = commands.add_parser(
        "rekey", parents=[common],
        help="give the embedded hub's database a new key file (hub stopped)",
    )
    p.set_defaults(run=cmd_rekey)

    safety_cli.register(commands, common, _settings)  # lone working (issue 5)
    approvals.register(commands, common, _settings)  # sign-off of configured kinds (issue 6)
    areas.register(commands, common, _settings)  # local authority areas (issue 14)
    releases.register(commands, common, _settings)  # approved Spoke version (issue 19)
    audit_view.register(commands, common, _settings)  # the audit, for the officer (issue 16)
    retention.register(commands, common, _settings)  # retention rule, review, legal hold (issue 16)
    subject_requests.register(commands, common, _settings)  # access/erasure requests (issue 16)
    subject_file.register(commands, common, _settings)  # requests bundle (issue 16)
    roster.register_team_list(commands, common, _settings)  # issue 19
    doctor.register(commands, [common, tls], _settings)  # spoke-hub doctor (issue 19)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``spoke-hub`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        with config_environment(getattr(args, "config", None)):
            try:
                status = int(args.run(args))
                sys.stdout.flush()  # a reader that has gone is found here, not at exit
                return status
            except SQLAlchemyError as exc:  # unreachable, refused, no such database, no schema
                print(f"spoke-hub: {database_failure(args, exc)}", file=sys.stderr)
                return 1
    except SpokeError as exc:
        print(f"spoke-hub: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # ``spoke-hub doctor | head``: the reader has gone, and what it did not read is not
        # an error of ours. Python would print a traceback flushing stdout at exit.
        with contextlib.suppress(OSError, ValueError):  # stdout may have no file (tests)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A fault in spoke-hub itself: Python's traceback would print every message in the
        # chain, and a driver's may quote a row of the hub's records. The type and the code
        # locations are enough for a bug report (spokeapp.diagnostics, as the laptop's).
        print("spoke-hub stopped unexpectedly: a fault in spoke-hub, not in what was asked. "
              "Nothing in this report holds a record's contents; include it in a bug "
              f"report:\n{describe_exception(exc)}", file=sys.stderr)
        return 2


def database_failure(args: argparse.Namespace, exc: SQLAlchemyError) -> str:
    """What an administrator is told when the database refuses or cannot be reached: the
    database (password hidden) and the driver's first line (which names hosts, ports,
    databases and tables, not rows), never a traceback."""
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    why = f"{type(original).__name__}: {lines[0] if lines else ''}"[:300]
    try:
        where = f" {describe(_settings(args).database_url)}"
    except Exception:  # the settings themselves were the problem: said already
        where = ""
    return (f"The hub database{where} cannot be used ({why}). Check the database address "
            "(--database, database_url), that the server is running and the password; "
            "`spoke-hub doctor` checks each.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
