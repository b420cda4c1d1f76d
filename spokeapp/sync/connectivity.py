"""When to try the hub: a reachability probe with backoff, and the sync schedule policy.

Neither object starts threads or timers: the UI owns the timer and asks ``SyncSchedule`` what
to do; the probe's clock and sleeper are injected, so tests never really wait.

Policy (decision 4: safety records leave the moment any connection exists):

* sync on demand ("Sync now"), at once;
* sync when connectivity comes back, at once;
* otherwise every ``interval`` (default 10 minutes) after the last success;
* after a failure, back off exponentially (30 s, 1 min, 2 min ... capped at the interval),
  so a laptop in a car park with no signal does not drain its battery.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from spokeapp.sync.client import HubHealth, SyncError

__all__ = ["Backoff", "HubProbe", "SyncSchedule"]


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: ``base * factor**(failures-1)``, capped, with optional jitter."""

    base: float = 30.0
    factor: float = 2.0
    maximum: float = 600.0
    jitter: float = 0.0  # fraction, e.g. 0.1 for +/-10 %

    def delay(self, failures: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait after ``failures`` consecutive failures (0 failures: no wait)."""
        if failures <= 0:
            return 0.0
        raw = min(self.maximum, self.base * self.factor ** (failures - 1))
        if self.jitter:
            raw *= 1 + self.jitter * (2 * rand() - 1)
        return max(0.0, min(self.maximum, raw))


class HubProbe:
    """Asks the hub's ``/healthz`` whether it can be reached, backing off between tries."""

    def __init__(
        self,
        check: Callable[[], HubHealth],
        *,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Backoff | None = None,
    ) -> None:
        self._check = check
        self._sleep = sleep
        self._backoff = backoff or Backoff(base=2.0, maximum=60.0)
        self.last_health: HubHealth | None = None

    def probe_once(self) -> bool:
        """True if the hub answered (any known sync problem counts as not reachable)."""
        try:
            self.last_health = self._check()
        except SyncError:
            return False
        return self.last_health.status == "ok"

    def wait_for_hub(
        self, attempts: int, should_stop: Callable[[], bool] = lambda: False
    ) -> bool:
        """Probe up to ``attempts`` times with backoff between; stop early when asked."""
        for attempt in range(1, attempts + 1):
            if should_stop():
                return False
            if self.probe_once():
                return True
            if attempt < attempts:
                self._sleep(self._backoff.delay(attempt))
        return False


class SyncSchedule:
    """Decides when the next sync is due; the UI calls it from its timer and events."""

    def __init__(
        self,
        interval: timedelta = timedelta(minutes=10),
        backoff: Backoff | None = None,
    ) -> None:
        self.interval = interval
        self._backoff = backoff or Backoff(base=30.0, maximum=interval.total_seconds())
        self._failures = 0
        self._last_finished: datetime | None = None
        self._running = False
        self._requested = False
        self._online = True

    @property
    def failures(self) -> int:
        return self._failures

    def request_now(self) -> None:
        """The worker pressed "Sync now" (or a safety record was just written)."""
        self._requested = True

    def connectivity_changed(self, online: bool) -> None:
        """The operating system says the network came back (or went away)."""
        if online and not self._online:
            self._requested = True
            self._failures = 0
        self._online = online

    def sync_started(self) -> None:
        self._running = True
        self._requested = False

    def sync_finished(self, now: datetime, *, ok: bool) -> None:
        self._running = False
        self._last_finished = now
        self._failures = 0 if ok else self._failures + 1

    def next_attempt(self) -> datetime | None:
        """When the next sync is due (None: as soon as possible)."""
        if self._requested or self._last_finished is None:
            return None
        if self._failures:
            return self._last_finished + timedelta(seconds=self._backoff.delay(self._failures))
        return self._last_finished + self.interval

    def is_due(self, now: datetime) -> bool:
        """True if the UI should start a sync now."""
        if self._running:
            return False
        if self._requested:
            return True
        if not self._online:
            return False
        due = self.next_attempt()
        return due is None or now >= due
