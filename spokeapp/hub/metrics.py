"""``GET /metrics``: the hub in Prometheus' text format (docs/hub-admin.md, "Metrics").

One :class:`HubMetrics` per app (``create_app`` makes it and keeps it on ``app.state``), with
its own ``CollectorRegistry``: nothing is registered in prometheus-client's global registry,
so two apps in one process (the tests) never share a count.

* Counted in this process as requests are answered: pushes and pulls by HTTP status, and
  their latency (histograms); from the moment a lone-working alert fell due to its first
  notice being sent (a histogram, told by the escalation watch: :class:`FirstNotices`).
* Read from the database at scrape time (:class:`DatabaseGauges`, a handful of counting
  queries, so hub-wide whichever process answers): records stored, devices by status and
  seen in the last day, armed and overdue visits, notices by channel and state and failed
  attempts by channel, the age of the newest backup.

Only ids, counts and codes: no label or value carries a name, a phone number or an address.
Only a configured scraper may read it (:class:`MetricsAccess`): with a token, the bearer of
that token; without one, callers on this machine (loopback) only.
"""

from __future__ import annotations

import hmac
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import Engine, case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spokeapp.hub.backup import META_LAST_BACKUP
from spokeapp.hub.config import is_loopback
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import HubNotInitialised
from spokeapp.hub.models import Device, HubMeta, HubRecord, LoneWorkingDelivery, LoneWorkingWatch
from spokeapp.hub.security import Clock, iso, parse_iso

if TYPE_CHECKING:
    from spokeapp.hub.health import ReadinessChecks

#: What ``/metrics`` answers with: the Prometheus text format 0.0.4, which every Prometheus
#: reads (what ``generate_latest`` writes, and what prometheus-client's own handlers send).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Seconds: push and pull latency (a laptop's push is mostly well under a second; a group
#: commit under load, or a large first pull, can take several).
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Seconds: deadline to first notice (the target is 2 s; BS 8484 asks for 10 s).
NOTICE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)
DEVICE_STATUSES = ("active", "retired", "revoked")
NOTICE_STATES = ("pending", "retrying", "sent", "failed")


def status_of(exc: Exception) -> int:
    """The HTTP status a push or pull refused with ``exc`` is answered with."""
    if isinstance(exc, HubError):
        return exc.status
    if isinstance(exc, RequestValidationError):
        return 422
    if isinstance(exc, HubNotInitialised):
        return 503
    return 500


class FirstNotices:
    """Deadline to first notice: the escalation watch tells :meth:`due` when an alert's
    notices fell due (as it writes them to the outbox) and :meth:`sent` when one was sent;
    the first send of each alert is observed. Kept in memory (at most ``limit`` alerts
    waiting, the oldest dropped): an alert whose notices this process wrote but another sent
    is not counted, nor one written before a restart."""

    def __init__(self, observe: Callable[[float], None], limit: int = 10_000) -> None:
        self._observe = observe
        self._limit = limit
        self._due: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def due(self, alert_id: str, at: datetime) -> None:
        """The notices of ``alert_id`` fell due at ``at`` (the deadline, tier time or alarm)."""
        with self._lock:
            if len(self._due) >= self._limit:
                del self._due[next(iter(self._due))]
            self._due[alert_id] = at

    def sent(self, alert_id: str, at: datetime) -> None:
        """A notice of ``alert_id`` was sent at ``at``; the first one is observed."""
        with self._lock:
            due = self._due.pop(alert_id, None)
        if due is not None:
            self._observe(max(0.0, (at - due).total_seconds()))


class MetricsAccess:
    """Who may read ``/metrics``: with ``token`` set, a request bearing it (from anywhere);
    without, a request from this machine only. A reverse proxy on the same machine makes
    every caller look local: behind one, set a token."""

    def __init__(self, token: str | None) -> None:
        self._token = token.encode("utf-8") if token else None

    def refusal(self, client_host: str | None,
                authorization: str | None) -> tuple[int, str, str] | None:
        """``(status, code, message)`` refusing the request, or None to answer it."""
        if self._token is not None:
            scheme, _, given = (authorization or "").partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(
                    given.strip().encode("utf-8"), self._token):
                return None
            return (401, "metrics_token_required",
                    "The hub's metrics need its metrics token (Authorization: Bearer ...).")
        if client_host is not None and is_loopback(client_host):
            return None
        return (403, "metrics_loopback_only",
                "The hub's metrics are served to this machine only (no metrics token is set).")


class DatabaseGauges(Collector):
    """What the database says at scrape time (hub-wide, whichever process is asked): a few
    counting queries on indexed or small tables. ``spoke_hub_database_up`` is 0, and the
    rest left out, when the database does not answer."""

    def __init__(self, engine: Engine, clock: Clock,
                 readiness: ReadinessChecks | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.readiness = readiness

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("spoke_hub_database_up",
                               "1 if the hub's database answered this scrape, else 0")
        watch = self._watch_age()
        if watch is not None:
            yield watch
        try:
            families = list(self._from_database())
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _watch_age(self) -> Metric | None:
        if self.readiness is None:
            return None
        woke = self.readiness.watch_woke_at()
        if woke is None:
            return None
        age = GaugeMetricFamily(
            "spoke_hub_watch_last_round_age_seconds",
            "Seconds since this process's escalation watch last began a round")
        age.add_metric([], max(0.0, (self.clock() - woke).total_seconds()))
        return age

    def _from_database(self) -> Iterator[Metric]:
        now = self.clock()
        with Session(self.engine) as session:
            records = session.scalar(select(func.count()).select_from(HubRecord)) or 0
            devices = dict(session.execute(
                select(Device.status, func.count()).group_by(Device.status)).all())
            seen = session.scalar(select(func.count()).select_from(Device).where(
                Device.status == "active",
                Device.last_seen_at >= iso(now - timedelta(days=1)))) or 0
            armed_at = LoneWorkingWatch.escalation_starts_at
            armed = session.scalar(select(func.count()).select_from(LoneWorkingWatch)
                                   .where(armed_at.is_not(None))) or 0
            overdue = session.scalar(select(func.count()).select_from(LoneWorkingWatch)
                                     .where(armed_at.is_not(None), armed_at <= iso(now))) or 0
            retrying = case((LoneWorkingDelivery.attempts > 0, 1), else_=0)
            sent = case((LoneWorkingDelivery.status == "sent", 1), else_=0)
            notices = session.execute(
                select(LoneWorkingDelivery.channel, LoneWorkingDelivery.status, retrying,
                       func.count(), func.coalesce(func.sum(LoneWorkingDelivery.attempts), 0),
                       func.coalesce(func.sum(sent), 0))
                .group_by(LoneWorkingDelivery.channel, LoneWorkingDelivery.status, retrying)
            ).all()
            last_backup = session.scalar(
                select(HubMeta.value).where(HubMeta.key == META_LAST_BACKUP))

        family = GaugeMetricFamily("spoke_hub_records_stored",
                                   "Records the hub holds (every kind, latest versions)")
        family.add_metric([], records)
        yield family
        family = GaugeMetricFamily("spoke_hub_devices", "Enrolled laptops by status",
                                   labels=["status"])
        for status in sorted({*DEVICE_STATUSES, *devices}):
            family.add_metric([status], devices.get(status, 0))
        yield family
        family = GaugeMetricFamily("spoke_hub_devices_seen_last_day",
                                   "Active laptops that reached the hub in the last 24 hours")
        family.add_metric([], seen)
        yield family
        family = GaugeMetricFamily("spoke_hub_visits_armed",
                                   "Lone-working visits the hub is watching (armed, not ended)")
        family.add_metric([], armed)
        yield family
        family = GaugeMetricFamily(
            "spoke_hub_visits_overdue",
            "Armed visits whose escalation has started (deadline and grace passed)")
        family.add_metric([], overdue)
        yield family
        yield from _notice_families(notices)
        family = GaugeMetricFamily(
            "spoke_hub_backup_age_seconds",
            "Seconds since the newest `spoke-hub backup` (+Inf: none taken)")
        age = (now - parse_iso(last_backup)).total_seconds() if last_backup else math.inf
        family.add_metric([], max(0.0, age))
        yield family


def _notice_families(rows: Sequence[tuple[Any, ...]]) -> Iterator[Metric]:
    """Notices (the outbox) by channel and state, and failed attempts by channel."""
    states: dict[tuple[str, str], int] = {}
    failed_attempts: dict[str, int] = {}
    for channel, status, tried, count, attempts, sent in rows:
        state = "retrying" if status == "pending" and tried else status
        states[(channel, state)] = states.get((channel, state), 0) + count
        failed_attempts[channel] = failed_attempts.get(channel, 0) + attempts - sent
    family = GaugeMetricFamily(
        "spoke_hub_notices",
        "Lone-working notices by channel (email, sms, webhook) and state: pending (not tried "
        "yet), retrying (failed, trying again), sent, failed (gave up)",
        labels=["channel", "state"])
    for channel in sorted({channel for channel, _state in states}):
        for state in NOTICE_STATES:
            family.add_metric([channel, state], states.get((channel, state), 0))
    yield family
    family = GaugeMetricFamily(
        "spoke_hub_notice_attempts_failed",
        "Attempts to send a lone-working notice that failed, by channel",
        labels=["channel"])
    for channel, count in sorted(failed_attempts.items()):
        family.add_metric([channel], count)
    yield family


class HubMetrics:
    """The metrics of one app: its registry, the request counters and histograms, the
    first-notice histogram and the database gauges read at scrape time."""

    def __init__(self, engine: Engine, clock: Clock, *, token: str | None = None,
                 readiness: ReadinessChecks | None = None) -> None:
        self.registry = CollectorRegistry()
        self.access = MetricsAccess(token)
        registry = self.registry
        self._pushes = Counter("spoke_hub_pushes", "Pushes answered, by HTTP status",
                               ["status"], registry=registry)
        self._push_seconds = Histogram(
            "spoke_hub_push_seconds", "Seconds from a push's arrival to its answer (durable)",
            buckets=REQUEST_BUCKETS, registry=registry)
        self._pulls = Counter("spoke_hub_pulls", "Pulls answered, by HTTP status", ["status"],
                              registry=registry)
        self._pull_seconds = Histogram(
            "spoke_hub_pull_seconds", "Seconds to answer a pull (one page)",
            buckets=REQUEST_BUCKETS, registry=registry)
        first_notice = Histogram(
            "spoke_hub_deadline_to_first_notice_seconds",
            "Seconds from the moment a lone-working alert fell due (a check-in deadline, a "
            "tier's time, an alarm) to the first of its notices being sent, in this process",
            buckets=NOTICE_BUCKETS, registry=registry)
        self.first_notices = FirstNotices(first_notice.observe)
        registry.register(DatabaseGauges(engine, clock, readiness))
        ProcessCollector(registry=registry)  # CPU, memory, open files, start time

    def pushed(self, status: int, seconds: float) -> None:
        """A push was answered with ``status`` after ``seconds``."""
        self._pushes.labels(str(status)).inc()
        self._push_seconds.observe(seconds)

    def pulled(self, status: int, seconds: float) -> None:
        """A pull was answered with ``status`` after ``seconds``."""
        self._pulls.labels(str(status)).inc()
        self._pull_seconds.observe(seconds)

    def exposition(self) -> bytes:
        """Every metric, in the Prometheus text format (reads the database)."""
        return generate_latest(self.registry)
