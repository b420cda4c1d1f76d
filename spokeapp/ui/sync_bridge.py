"""The sync engine's plain callbacks, re-emitted as Qt signals on the GUI thread.

``spokeapp.sync`` knows nothing of Qt. ``SyncBridge`` runs ``SyncEngine.sync_once`` on its own
worker thread (the window never waits for the network or a long page of records), re-emits the
engine's events as signals (Qt queues them onto the GUI thread), and decides when to sync with
``SyncSchedule``: on demand, when the network comes back, and on an interval, backing off after
failures.

It also owns the one sync status every page shows (issue 17: the Sync page went stale):
``current`` is the last ``SyncStatus`` published (None until the first read has finished: the
pages say "Checking…" until then, never a guess), and ``status_changed`` fires when it
changes. The status is only ever read off the GUI thread (issue 18: never at window
construction, never from a timer): first when the bridge is made (the main window's: once
the Today page's first reading is in, see ``read_now``), then when the casebook was
written (``refresh_status``, called by the window after a save and by ``sync_now``), when a
sync finishes (read on the sync's own thread) and when the network comes or goes. The timer's
``tick`` only looks at the published status; before the first read it asks for one and ticks
again when it arrives.
"""

from __future__ import annotations

import dataclasses
import itertools
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from spokeapp.i18n import translator
from spokeapp.store.database import CasebookError
from spokeapp.sync.client import HubUnreachable
from spokeapp.sync.connectivity import SyncSchedule
from spokeapp.sync.engine import SyncEngine, SyncEvent, SyncReport, SyncStatus
from spokeapp.ui.signals import emit

tr = translator(__name__)

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
        read_now: bool = True,
        parent: QObject | None = None,
    ) -> None:
        """``read_now``: start the first reading of the status at once (off the GUI thread).
        The main window passes False and asks (``refresh_status``) once the Today page's own
        reading is done: both take the casebook's lock, and Today comes first."""
        super().__init__(parent)
        self.engine = engine
        self._clock = clock
        self.schedule = schedule or SyncSchedule()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one sync at a time, in order
        # Status reads have their own thread, so a write's new count never waits for a sync.
        self._status_pool = QThreadPool(self)
        self._status_pool.setMaxThreadCount(1)
        self._reads = itertools.count(1)
        self._reading = False
        self._read_again = False
        self._published_read = 0
        self._online: bool | None = None
        self.running = False
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._call_done.connect(self._deliver)
        self._network: Any = None
        self._last_status: SyncStatus | None = None
        self._tick_after_read = False
        self._hold_first_read = not read_now
        engine.set_listener(self._on_engine_event)
        if read_now:
            self.refresh_status()  # the first reading, off the GUI thread ("Checking…" until)

    # ------------------------------------------------------------------ engine -> signals
    def _on_engine_event(self, event: SyncEvent) -> None:
        """Runs on the sync thread: only emit (Qt queues the signal to the GUI thread)."""
        if event.kind == "progress" and event.phase is not None:
            emit(self.progress, event.phase, event.done or 0, event.total or 0)
        elif event.kind == "status" and event.status is not None:
            read = next(self._reads)  # the run's own reading, in order with the others
            emit(self._call_done, self._engine_status, (read, event.status), None)
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
        self._status_pool.waitForDone(wait_ms)

    # ------------------------------------------------------------------ the one status
    @property
    def current(self) -> SyncStatus | None:
        """The status every page shows (the last published); None until the first read off
        the GUI thread has finished (the pages say "Checking…"). Never reads the casebook."""
        return self._last_status

    def status(self) -> SyncStatus:
        """Read the status now and publish it if it changed. While a sync runs, the last one
        published: reading afresh would wait for the sync's transaction and freeze the window.
        Pages use ``current``; this is for an explicit look (a test, a first screen)."""
        if self.running and self._last_status is not None:
            return self._last_status
        status = self.engine.status()
        self._publish(next(self._reads), status)
        return self._last_status or self._with_network(status)

    def refresh_status(self) -> None:
        """Something may have changed what waits (a casebook write): read the status off the
        GUI thread and publish it if it changed. Calls while a read runs make one more read."""
        self._hold_first_read = False
        if self._reading:
            self._read_again = True
            return
        if not self.engine.casebook.is_open:
            return
        self._reading = True
        read, engine = next(self._reads), self.engine
        self._status_pool.start(_Call(lambda: (read, engine.status()), lambda result, error: emit(
            self._call_done, self._read_done, result, error)))

    def _read_done(self, result: tuple[int, SyncStatus] | None, error: BaseException | None
                   ) -> None:
        if error is None and result is not None:
            self._publish(*result)
        elif error is not None and not _is_known(error):
            raise error
        self._reading = False
        if self._read_again:
            self._read_again = False
            self.refresh_status()
        if self._tick_after_read and self._last_status is not None:
            self._tick_after_read = False
            self.tick()  # the timer (or a request) came before the first reading

    def _engine_status(self, result: tuple[int, SyncStatus], _error: None) -> None:
        self._publish(*result)

    def _publish(self, read: int, status: SyncStatus) -> None:
        """Show ``status`` everywhere, unless a later reading was published already."""
        if read < self._published_read or not self.engine.casebook.is_open:
            return
        self._published_read = read
        status = self._with_network(status)
        if status != self._last_status:
            self._last_status = status
            emit(self.status_changed, status)

    def _with_network(self, status: SyncStatus) -> SyncStatus:
        if self._online is False and status.enrolled:
            return dataclasses.replace(status, hub_reachable=False)
        return status

    def sync_now(self) -> None:
        """The worker asked (or a record was just written): sync as soon as possible. When no
        sync starts (not enrolled, or backing off) the status is read again anyway; a running
        sync publishes it when it ends."""
        self.schedule.request_now()
        self.tick()
        if not self.running:
            self.refresh_status()

    @Slot()
    def tick(self) -> None:
        """The timer, the network or a request: never reads the casebook on the GUI thread
        (it looks at the published status; before the first reading it asks for one)."""
        if self.running:
            return
        if self._last_status is None:
            self._tick_after_read = True
            if not self._hold_first_read:
                self.refresh_status()
            return
        if not self._last_status.enrolled:
            return
        if not self.schedule.is_due(self._clock()):
            return
        self._run(self.engine.sync_once)

    def confirm(self, confirmation: object) -> None:
        """The worker agreed to a large removal the hub asked for."""
        self._run(lambda: self.engine.confirm_purge(confirmation))  # type: ignore[arg-type]

    def _run(self, fn: Callable[[], SyncReport]) -> None:
        engine, reads = self.engine, self._reads

        def run_then_read() -> tuple[SyncReport, tuple[int, SyncStatus] | None]:
            report = fn()
            # Read on this thread, after the run: the window never waits for it.
            try:
                status = engine.status() if engine.casebook.is_open else None
            except CasebookError:
                if engine.casebook.is_open:
                    raise
                status = None  # Spoke locked as the sync ended: nothing left to show
            return report, (next(reads), status) if status is not None else None

        self.running = True
        self.schedule.sync_started()
        emit(self.running_changed, True)
        self._submit(run_then_read, self._sync_done)

    def _sync_done(
        self,
        result: tuple[SyncReport, tuple[int, SyncStatus] | None] | None,
        error: BaseException | None,
    ) -> None:
        self.running = False
        report = result[0] if result is not None else None
        ok = error is None and report is not None and report.ok
        self.schedule.sync_finished(self._clock(), ok=ok)
        if error is not None:
            emit(self.running_changed, False)
            raise error  # a bug in the engine: be loud
        if result is not None and result[1] is not None:
            self._publish(*result[1])
        emit(self.running_changed, False)
        emit(self.finished, report)

    # ------------------------------------------------------------------ enrolment
    def enrol(self, hub_url: str, code: str, fingerprint: str | None) -> None:
        device_name = socket.gethostname() or "Spoke laptop"

        def done(account: object, error: BaseException | None) -> None:
            if isinstance(error, HubUnreachable):
                # Not the sync's words ("... will be sent at the next sync"): this laptop is
                # not enrolled, so nothing is sent until the enrolment goes through.
                emit(self.enrol_failed, tr(
                    "Spoke cannot reach a hub at that address (no connection, or the hub is "
                    "down). Check the hub address and your connection, then press Enrol this "
                    "laptop again. Until it is enrolled, your records stay only on this "
                    "laptop."))
                return
            if error is not None:
                emit(self.enrol_failed, str(error) if _is_known(error) else
                     tr("Enrolment failed unexpectedly; please try again."))
                if not _is_known(error):
                    raise error
                return
            emit(self.enrolled, account)
            self.sync_now()  # publishes the enrolled status (read off the GUI thread)

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
            self.network_changed(online)

        info.reachabilityChanged.connect(changed)

    def network_changed(self, online: bool) -> None:
        """The operating system says the network went (the hub cannot be reached: say so at
        once) or came back (sync now, which finds out whether the hub answers)."""
        self._online = online
        self.schedule.connectivity_changed(online)
        if self._last_status is not None:
            status = self._last_status if online else self._with_network(self._last_status)
            if status != self._last_status:
                self._last_status = status
                emit(self.status_changed, status)
        if online:
            self.sync_now()


def _is_known(error: BaseException) -> bool:
    from spokeapp.domain.errors import SpokeError

    return isinstance(error, SpokeError)
