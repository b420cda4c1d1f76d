"""``GET /readyz``: may this hub process take traffic? (docs/hub-admin.md, "Readiness").

Beside ``/healthz`` (the process answers), three checks, each a word, nothing personal:

* ``database``: a trivial query answers (``ok``, else ``unreachable``);
* ``migrations``: the database is at this hub's Alembic head (``ok``, ``behind`` - run
  ``spoke-hub migrate`` -, ``ahead`` or unknown to this version - upgrade the hub -, or
  ``unknown`` when the database did not answer);
* ``escalation_watch``: this process's watch began a round recently (``ok``; ``stale`` when
  its last round began more than two leases ago, ``not_started``; ``off`` when
  ``SPOKE_HUB_WATCH_SECONDS=0`` turned it off here on purpose, which counts as ready).

200 ``{"status": "ready", "checks": {...}}`` when all pass, else 503 with ``"status":
"not_ready"`` and ``"failed"`` naming the checks that did not.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from alembic.script import ScriptDirectory
from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from spokeapp.hub import schema
from spokeapp.hub.config import WatchSettings
from spokeapp.hub.security import Clock

if TYPE_CHECKING:
    from spokeapp.hub.lone_working import WatchService

#: The least time without a round before the watch counts as stale (seconds); otherwise two
#: leases (a round longer than a lease has already let another process take its visits).
MIN_STALE_SECONDS = 10.0


class Readiness(BaseModel):
    """``GET /readyz``'s answer."""

    status: Literal["ready", "not_ready"]
    checks: dict[str, str]
    failed: list[str] = []


class ReadinessChecks:
    """The checks of one app: its engine and clock, the schema head this hub knows, and the
    escalation watch its lifespan started (:meth:`watch_started`)."""

    def __init__(self, engine: Engine, clock: Clock,
                 watch_settings: WatchSettings | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.head = schema.head_revision()
        self.known = {script.revision for script in
                      ScriptDirectory(str(schema.MIGRATIONS_DIR)).walk_revisions()}
        self.watch_settings = watch_settings or WatchSettings.from_env()
        self.watch: WatchService | None = None

    def watch_started(self, service: WatchService) -> None:
        """The app's lifespan started ``service`` (the escalation watch of this process)."""
        self.watch = service

    def watch_woke_at(self) -> datetime | None:
        """When this process's watch last began a round (None: no watch here)."""
        return self.watch.woke_at if self.watch is not None else None

    def check(self) -> Readiness:
        """Run the three checks."""
        checks = {"database": "ok", "migrations": "ok", "escalation_watch": self._watch()}
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            current = schema.current_revision(self.engine)
        except SQLAlchemyError:
            checks["database"] = "unreachable"
            checks["migrations"] = "unknown"
        else:
            if current != self.head:
                older = current is None or current in self.known
                checks["migrations"] = "behind" if older else "ahead"
        failed = [name for name, word in checks.items() if word not in ("ok", "off")]
        return Readiness(status="not_ready" if failed else "ready", checks=checks,
                         failed=failed)

    def _watch(self) -> str:
        if self.watch is None:
            return "off" if self.watch_settings.interval_seconds <= 0 else "not_started"
        woke = self.watch.woke_at
        if woke is None:
            return "not_started"
        limit = max(MIN_STALE_SECONDS, 2 * self.watch.settings.lease_seconds,
                    2 * self.watch.settings.interval_seconds)
        if (self.clock() - woke).total_seconds() > limit:
            return "stale"
        return "ok"
