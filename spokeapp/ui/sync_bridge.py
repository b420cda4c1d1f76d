"""The sync engine's plain callbacks, re-emitted as Qt signals on the GUI thread.

``spokeapp.sync`` knows nothing of Qt. ``SyncBridge`` runs ``SyncEngine.sync_once`` on its own
worker thread (the window never waits for the network or a long page of records), re-emits the
engine's events as signals (Qt queues them onto the GUI thread), and decides when to sync with
``SyncSchedule``: on demand, when the network comes back, and on an interval, backing off after
failures.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from spokeapp.sync.connectivity import SyncSchedule
from spokeapp.sync.engine import SyncEngine, SyncEvent, SyncReport, SyncStatus
from spokeapp.ui.signals import emit

TICK_MS = 15_000

#: Pull page size for a laptop with a window open. Parsing a page holds Python's GIL in one
#: go (pydantic validates the whole JSON body at once), so a 1,000-record page froze the window
#: for ~120 ms; 200-record pages keep every pause under ~30 ms (benchmarks/gui_stall.py).
INTERACTIVE_PULL_LIMIT = 200


class _Call(QRunnable):
    def __init__(self, fn: Callable[[], Any], done: Callable[[Any, BaseException | None], None]):
        super().__init__()
        self._fn = fn
        self._done = done

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            self._done(None, exc)
        else:
            self._done(result, None)


class SyncBridge(QObject):
    """Owns when and where the sync runs; the window only listens and asks."""

    status_changed = Signal(object)  # SyncStatus
    progress = Signal(str, int, int)  # phase, done, total
    running_changed = Signal(bool)
    finished = Signal(object)  # SyncReport
    confirm_needed = Signal(str, object)  # message, PurgeConfirmation
    wiped = Signal()
    enrolled = Signal(object)  # HubAccount
    enrol_failed = Signal(str)
    _call_done = Signal(object, object, object)  # callback, result, error

    def __init__(
        self,
        engine: SyncEngine,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        schedule: SyncSchedule | None = None,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self._clock = clock
        self.schedule = schedule or SyncSchedule()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one sync at a time, in order
        self.running = False
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._call_done.connect(self._deliver)
        self._network: Any = None
        self._last_status: SyncStatus | None = None
        self.status_changed.connect(self._remember)
        engine.set_listener(self._on_engine_event)

    # ------------------------------------------------------------------ engine -> signals
    def _on_engine_event(self, event: SyncEvent) -> None:
        """Runs on the sync thread: only emit (Qt queues the signal to the GUI thread)."""
        if event.kind == "progress" and event.phase is not None:
            emit(self.progress, event.phase, event.done or 0, event.total or 0)
        elif event.kind == "status" and event.status is not None:
            emit(self.status_changed, event.status)
        elif event.kind == "confirm":
            emit(self.confirm_needed, event.message or "", event.confirmation)
        elif event.kind == "wiped":
            emit(self.wiped)

    # ------------------------------------------------------------------ running
    def start(self) -> None:
        """Begin watching the clock and the network; sync soon if enrolled."""
        self._watch_network()
        self._timer.start()
        QTimer.singleShot(0, self.tick)

    def stop(self, wait_ms: int = 30_000) -> None:
        """Stop scheduling and wait for a running sync to finish (before locking)."""
        self._timer.stop()
        self._pool.waitForDone(wait_ms)

    def status(self) -> SyncStatus:
        """The sync status. While a sync runs, the last one reported: reading it afresh would
        wait for the sync's transaction and freeze the window."""
        if self.running and self._last_status is not None:
            return self._last_status
        self._last_status = self.engine.status()
        return self._last_status

    def _remember(self, status: SyncStatus) -> None:
        self._last_status = status

    def sync_now(self) -> None:
        """The worker asked (or a safety record was just written): sync as soon as possible."""
        self.schedule.request_now()
        self.tick()

    @Slot()
    def tick(self) -> None:
        if self.running or not self.status().enrolled:
            return
        if not self.schedule.is_due(self._clock()):
            return
        self._run(self.engine.sync_once)

    def confirm(self, confirmation: object) -> None:
        """The worker agreed to a large removal the hub asked for."""
        self._run(lambda: self.engine.confirm_purge(confirmation))  # type: ignore[arg-type]

    def _run(self, fn: Callable[[], SyncReport]) -> None:
        if self._last_status is None:
            self._last_status = self.engine.status()
        self.running = True
        self.schedule.sync_started()
        emit(self.running_changed, True)
        self._submit(fn, self._sync_done)

    def _sync_done(self, report: SyncReport | None, error: BaseException | None) -> None:
        self.running = False
        ok = error is None and report is not None and report.ok
        self.schedule.sync_finished(self._clock(), ok=ok)
        emit(self.running_changed, False)
        if error is not None:
            raise error  # a bug in the engine: be loud
        if self.engine.casebook.is_open:
            emit(self.status_changed, self.status())
        emit(self.finished, report)

    # ------------------------------------------------------------------ enrolment
    def enrol(self, hub_url: str, code: str, fingerprint: str | None) -> None:
        device_name = socket.gethostname() or "Spoke laptop"

        def done(account: object, error: BaseException | None) -> None:
            if error is not None:
                emit(self.enrol_failed, str(error) if _is_known(error) else
                     "Enrolment failed unexpectedly; please try again.")
                if not _is_known(error):
                    raise error
                return
            emit(self.enrolled, account)
            emit(self.status_changed, self.engine.status())
            self.sync_now()

        self._submit(lambda: self.engine.enrol(hub_url, code, device_name, fingerprint), done)

    # ------------------------------------------------------------------ plumbing
    def _submit(
        self, fn: Callable[[], Any], callback: Callable[[Any, BaseException | None], None]
    ) -> None:
        self._pool.start(_Call(fn, lambda result, error: emit(
            self._call_done, callback, result, error)))

    @Slot(object, object, object)
    def _deliver(self, callback: Any, result: Any, error: Any) -> None:
        callback(result, error)

    def _watch_network(self) -> None:
        """Sync the moment the operating system says the network is back (where Qt can tell)."""
        try:
            from PySide6.QtNetwork import QNetworkInformation
        except ImportError:  # pragma: no cover - QtNetwork ships with PySide6-Essentials
            return
        if not QNetworkInformation.loadDefaultBackend():
            return  # no backend here: the interval and the hub probe still run
        info = QNetworkInformation.instance()
        if info is None:
            return
        self._network = info

        def changed(reachability: object) -> None:
            online = reachability in (
                QNetworkInformation.Reachability.Online,
                QNetworkInformation.Reachability.Site,
            )
            self.schedule.connectivity_changed(online)
            if online:
                self.tick()

        info.reachabilityChanged.connect(changed)


def _is_known(error: BaseException) -> bool:
    from spokeapp.domain.errors import SpokeError

    return isinstance(error, SpokeError)
