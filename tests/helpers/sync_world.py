"""A small reusable "world" for sync tests: one real hub, several enrolled laptops, a ledger.

* :func:`shared_postgres` - one throwaway PostgreSQL server per test session, shared by every
  conftest that asks (a fresh database per test comes from ``new_database()``).
* :class:`Route` - the client factory a laptop's :class:`SyncEngine` uses. It can send a run
  through a :class:`FaultProxy` (seeded faults), lose the first push acknowledgement, or cut
  the connection (or crash) between push and pull or between pull pages. It remembers every
  change the laptop ever sent and every record id it ever pulled.
* :class:`Device` - an encrypted casebook (cheap test KDF) enrolled for a hub user, with its
  engine and route.
* :class:`World` - the hub, its users and devices; reads what the hub holds in a user's scope
  and what a laptop holds, in one comparable form.

Everything here is fictional test data.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from spokeapp.domain.records import Case, CaseStatus, Record, YoungPerson, record_from_dict
from spokeapp.hub.models import HubCase, HubChange, HubRecord, User
from spokeapp.store.casebook import Casebook
from spokeapp.sync.client import HubApi, HubClient, HubEndpoint, HubUnreachable
from spokeapp.sync.engine import SyncEngine, SyncReport
from spokeapp.sync.protocol import CONFLICT_KIND, HEADER_KINDS, ChangeIn
from tests.conftest import IN_CI, require
from tests.helpers.fault_proxy import FaultPlan, FaultProxy
from tests.helpers.hub import RunningHub
from tests.helpers.postgres import PostgresServer, find_bin_dir
from tests.helpers.records import PASSPHRASE, case, new_casebook, referral, session, young_person

# ----------------------------------------------------------------------------- PostgreSQL
_POSTGRES: dict[str, PostgresServer] = {}
_POSTGRES_LOCK = threading.Lock()


def shared_postgres(config: pytest.Config) -> PostgresServer:
    """The session's one PostgreSQL server, started on first use and stopped at session end.

    Several conftests may each define a session fixture calling this: they all get the same
    server. Skipped locally and failed under CI=true if PostgreSQL is not installed.
    """
    bin_dir = find_bin_dir()
    require(bin_dir is not None, "PostgreSQL server binaries not found")
    assert bin_dir is not None
    with _POSTGRES_LOCK:
        server = _POSTGRES.get("server")
        if server is None:
            server = PostgresServer(bin_dir)
            try:
                server.start()
            except BaseException:
                server.stop()
                raise
            _POSTGRES["server"] = server

            def stop() -> None:
                _POSTGRES.pop("server", None)
                server.stop()

            config.add_cleanup(stop)
        return server


DATABASES = ["sqlite", "postgresql"]


# ----------------------------------------------------------------------------- fault proxy
HIGH_FAULTS = FaultPlan(
    weights={"drop": 0.2, "lose_reply": 0.2, "truncate": 0.2, "delay": 0.15, "clean": 0.25},
    max_delay_s=0.02,
)


# ----------------------------------------------------------------------------- the route
class Interrupted(HubUnreachable):
    """The connection went away at a moment the test chose."""


class Crash(RuntimeError):
    """The laptop process died at a moment the test chose (not a known sync problem)."""


@dataclass
class Route:
    """A laptop's client factory, steerable per sync run (see the module docstring)."""

    base_url: str
    proxy: FaultProxy | None = None
    lose_first_push: bool = False
    fail_pull_call: int | None = None  # raise on this pull call of the run (1 = first)
    crash: bool = False  # raise Crash instead of a lost connection
    sent: dict[str, ChangeIn] = field(default_factory=dict)
    pulled: list[str] = field(default_factory=list)
    pushes: int = 0

    def normal(self) -> None:
        self.proxy, self.lose_first_push, self.fail_pull_call, self.crash = None, False, None, False

    def __call__(
        self, endpoint: HubEndpoint, device_id: str | None, token: str | None
    ) -> HubApi:
        if self.proxy is not None:
            client = HubClient(
                HubEndpoint(self.proxy.url), device_id=device_id, refresh_token=token,
                timeout=httpx.Timeout(15.0, connect=5.0),
                transport=httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
            )
        else:
            client = HubClient(HubEndpoint(self.base_url), device_id=device_id,
                               refresh_token=token)
        real_push, real_pull = client.push, client.pull
        lose = [self.lose_first_push]
        pull_calls = [0]

        def push(request: Any) -> Any:
            for change in request.changes:
                self.sent.setdefault(change.id, change)
            response = real_push(request)
            self.pushes += 1
            if lose[0]:
                lose[0] = False
                raise Interrupted("The connection dropped before the hub's answer arrived.")
            return response

        def pull(after: int, limit: int = 1000, **options: Any) -> Any:
            pull_calls[0] += 1
            if self.fail_pull_call is not None and pull_calls[0] == self.fail_pull_call:
                if self.crash:
                    raise Crash("the laptop died mid-sync")
                raise Interrupted("The connection dropped.")
            page = real_pull(after, limit, **options)
            self.pulled.extend(c.record_id for c in page.changes)
            return page

        client.push = push  # type: ignore[method-assign]
        client.pull = pull  # type: ignore[method-assign]
        return client


# ----------------------------------------------------------------------------- devices
def canonical(kind: str, body: dict[str, Any]) -> str:
    """A record body in one comparable form (the records' own normalisation)."""
    if kind == CONFLICT_KIND:
        return json.dumps(body, sort_keys=True)
    return json.dumps(record_from_dict(kind, body).to_dict(), sort_keys=True)


def normalised(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    return record_from_dict(kind, body).to_dict()


@dataclass
class Device:
    """One enrolled laptop."""

    name: str
    user_id: str
    role: str
    team: str
    profile: Path
    book: Casebook
    engine: SyncEngine
    route: Route
    device_id: str
    pull_limit: int

    def sync(self) -> SyncReport:
        return self.engine.sync_once()

    def restart(self) -> None:
        """What a crash and a relaunch do: the engine is gone, the casebook reopened."""
        self.book.close()
        self.book = Casebook.open(self.profile, PASSPHRASE, author=self.user_id)
        self.engine = SyncEngine(self.book, self.route, pull_limit=self.pull_limit)

    def latest_change_id(self, record_id: str) -> str:
        with self.book.sync_reader() as db:
            row = db.execute(
                "SELECT id FROM changes WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
                (record_id,),
            ).fetchone()
        return str(row[0])

    def case_ids(self) -> list[str]:
        return sorted(stored.record.id for stored in self.book.records(kind="case"))

    def replica(self) -> dict[str, tuple[str, str, str]]:
        """Shared records on this laptop: id -> (kind, state, canonical body); no drafts."""
        return {
            s.record.id: (s.record.KIND, s.state, canonical(s.record.KIND, s.record.to_dict()))
            for s in self.book.records()
            if s.state != "draft"
        }

    def conflicts(self, *, open_only: bool = True) -> dict[str, dict[str, Any]]:
        return {c.record_id: c.body for c in self.engine.store.conflicts(open_only=open_only)}


class World:
    """A hub with its users and laptops; closes every casebook and proxy at the end."""

    def __init__(self, hub: RunningHub, folder: Path, *, pull_limit: int = 1000) -> None:
        self.hub = hub
        self.folder = folder
        self.pull_limit = pull_limit
        self.devices: list[Device] = []
        self.proxies: list[FaultProxy] = []
        self.teams: dict[str, str | None] = {}
        self.roles: dict[str, str] = {}

    # -- people and laptops
    def add_user(self, name: str, role: str, team: str) -> str:
        user_id = self.hub.admin.add_user(name, role, team)
        self.teams[user_id], self.roles[user_id] = team, role
        return user_id

    def device(self, user_id: str, name: str) -> Device:
        profile = self.folder / name
        book, _ = new_casebook(profile, author=user_id)
        route = Route(self.hub.base_url)
        engine = SyncEngine(book, route, pull_limit=self.pull_limit)
        account = engine.enrol(self.hub.base_url, self.hub.admin.enrolment_code(user_id), name)
        device = Device(
            name=name, user_id=user_id, role=self.roles[user_id], team=self.teams[user_id] or "",
            profile=profile, book=book, engine=engine, route=route,
            device_id=account.device_id, pull_limit=self.pull_limit,
        )
        self.devices.append(device)
        return device

    def proxy(self, seed: int, plan: FaultPlan = HIGH_FAULTS) -> FaultProxy:
        port = int(self.hub.base_url.rsplit(":", 1)[1])
        proxy = FaultProxy(port, seed=seed, plan=plan)
        proxy.__enter__()
        self.proxies.append(proxy)
        return proxy

    def close(self) -> None:
        for device in self.devices:
            device.book.close()
        for proxy in self.proxies:
            proxy.__exit__(None, None, None)

    # -- what the hub holds
    def hub_session(self) -> DbSession:
        return DbSession(self.hub.engine)

    def scope_cases(self, user_id: str) -> set[str]:
        """Cases the hub says this user may see (worker: theirs; supervisor: their team's)."""
        with self.hub_session() as db:
            cases = db.scalars(select(HubCase)).all()
            role = self.roles.get(user_id) or db.get(User, user_id).role  # type: ignore[union-attr]
            team = self.teams.get(user_id)
            if role == "supervisor":
                return {c.case_id for c in cases if c.team == team}
            return {c.case_id for c in cases if c.key_worker == user_id}

    def hub_rows(self, case_ids: set[str] | None = None) -> list[HubRecord]:
        with self.hub_session() as db:
            rows = list(db.scalars(select(HubRecord)).all())
            db.expunge_all()
        if case_ids is None:
            return rows
        return [r for r in rows if r.case_id in case_ids]

    def hub_replica(self, user_id: str) -> dict[str, tuple[str, str, str]]:
        """Records (not conflicts) in the user's scope, in :meth:`Device.replica` form."""
        return {
            r.record_id: (r.kind, r.state, canonical(r.kind, r.body))
            for r in self.hub_rows(self.scope_cases(user_id))
            if r.kind != CONFLICT_KIND
        }

    def hub_conflicts(self, user_id: str | None = None) -> dict[str, dict[str, Any]]:
        scope = None if user_id is None else self.scope_cases(user_id)
        return {r.record_id: r.body for r in self.hub_rows(scope) if r.kind == CONFLICT_KIND}

    def hub_headers(self) -> dict[str, tuple[int, str, dict[str, Any]]]:
        """Every header on the hub: id -> (seq, kind, normalised body)."""
        return {
            r.record_id: (r.seq, r.kind, normalised(r.kind, r.body))
            for r in self.hub_rows()
            if r.kind in HEADER_KINDS
        }

    def hub_change_ids(self, device_id: str) -> set[str]:
        with self.hub_session() as db:
            return set(
                db.scalars(select(HubChange.change_id).where(HubChange.device_id == device_id))
            )

    # -- syncing
    def settle(self, devices: list[Device] | None = None, rounds: int = 5) -> int:
        """Clean syncs of every device until a whole round changes nothing; returns rounds."""
        devices = self.devices if devices is None else devices
        for done in range(1, rounds + 1):
            moved = False
            for device in devices:
                device.route.normal()
                report = device.sync()
                assert report.ok, (device.name, report.error)
                moved |= bool(report.accepted or report.duplicates or report.conflicts
                              or report.pulled or report.purged or report.repushed)
            if not moved:
                return done
        raise AssertionError(f"still changing after {rounds} quiet rounds")


# ----------------------------------------------------------------------------- edits
CLOSED_ON = date(2026, 3, 1)


def open_case(book: Casebook, worker: str, n: int) -> Case:
    """A young person, referral and case held by ``worker`` (all headers)."""
    yp = young_person(n)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    for record in (yp, ref, cs):
        book.save(record)
    return cs


def finalised_session(book: Casebook, case_id: str, text: str) -> Record:
    visit = session(case_id, discussed=text)
    book.save(visit, finalise=True)
    return visit


def edit_header(book: Casebook, record_id: str, change: Callable[[Any], Any]) -> tuple[
    dict[str, Any], dict[str, Any]
]:
    """Edit a header as a worker would (from what the laptop shows); returns (before, after)."""
    before = book.get(record_id).record
    after = change(before)
    book.save(after)
    return before.to_dict(), after.to_dict()


def set_risk(level: str) -> Callable[[Case], Case]:
    return lambda c: replace(c, current_risk_level=level)


def toggle_status(c: Case) -> Case:
    if c.status is CaseStatus.CLOSED:
        return replace(c, status=CaseStatus.OPEN, closed_on=None)
    return replace(c, status=CaseStatus.CLOSED, closed_on=CLOSED_ON)


def set_needs(text: str) -> Callable[[YoungPerson], YoungPerson]:
    return lambda p: replace(p, needs=text)


@contextlib.contextmanager
def closing_world(hub: RunningHub, folder: Path, **kwargs: Any) -> Any:
    world = World(hub, folder, **kwargs)
    try:
        yield world
    finally:
        world.close()


def sync_property_settings(examples: int) -> settings:
    """How the sync properties run: ``examples`` derandomised examples (SPOKE_SYNC_RANDOM=1
    explores new ones), no deadline and no example database. In CI a failure is reported as
    found (shrinking it can take minutes); locally it shrinks."""
    return settings(
        max_examples=examples, deadline=None,
        derandomize=os.environ.get("SPOKE_SYNC_RANDOM", "") != "1", database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        print_blob=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate] + ([] if IN_CI else [Phase.shrink]),
    )
