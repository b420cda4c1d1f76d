"""Auto-lock: close the casebook when the laptop is left alone or goes to sleep.

Two triggers, both emitted as ``lock_requested(reason)``:

* **Idle**: no key press, click, scroll or touch anywhere in the app for ``idle_minutes``
  (an application-wide event filter restarts a single-shot timer).
* **Sleep**: Qt has no portable "suspend" signal, so a heartbeat timer compares the time that
  really passed (a clock that keeps running while the machine sleeps) with the heartbeat
  interval; a gap of more than ``SLEEP_GAP_SECONDS`` means the machine was asleep. The
  application becoming "suspended" (mobile-style platforms) also locks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from spokeapp.ui.signals import emit

IDLE = "idle"
SLEEP = "sleep"
DEFAULT_IDLE_MINUTES: Final = 10
SLEEP_GAP_SECONDS: Final = 30.0
HEARTBEAT_MS: Final = 5_000

_ACTIVITY: Final = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


def time_including_sleep() -> float:
    """Seconds on a clock that keeps counting while the machine is asleep.

    ``time.monotonic`` stops during suspend on Linux and macOS, so it cannot reveal a sleep.
    Linux has CLOCK_BOOTTIME for exactly this; elsewhere the wall clock is used (a manual
    clock change forwards may then lock Spoke once, which is harmless).
    """
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    return time.time()


class AutoLock(QObject):
    """Watches for idleness and sleep while the casebook is open; emits ``lock_requested``."""

    lock_requested = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        idle_minutes: float = DEFAULT_IDLE_MINUTES,
        clock: Callable[[], float] = time_including_sleep,
        heartbeat_ms: int = HEARTBEAT_MS,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._watching = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: self._request(IDLE))
        self.set_idle_minutes(idle_minutes)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(heartbeat_ms)
        self._heartbeat.timeout.connect(self.check_for_sleep)
        self._last_beat = 0.0
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state_changed)

    @property
    def watching(self) -> bool:
        return self._watching

    @property
    def idle_ms(self) -> int:
        return self._idle.interval()

    def set_idle_minutes(self, minutes: float) -> None:
        """Change the idle time; takes effect from now."""
        self._idle.setInterval(max(1, round(minutes * 60_000)))
        if self._watching:
            self._idle.start()

    def start(self) -> None:
        """Start watching (the casebook has just been unlocked)."""
        app = QGuiApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
        self._watching = True
        self._last_beat = self._clock()
        self._idle.start()
        self._heartbeat.start()

    def stop(self) -> None:
        """Stop watching (the casebook is locked or closed)."""
        app = QGuiApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
        self._watching = False
        self._idle.stop()
        self._heartbeat.stop()

    def check_for_sleep(self) -> None:
        """Heartbeat: lock if much more time passed since the last beat than the interval."""
        now = self._clock()
        gap = now - self._last_beat - self._heartbeat.interval() / 1000
        self._last_beat = now
        if self._watching and gap > SLEEP_GAP_SECONDS:
            self._request(SLEEP)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._watching:
            self._idle.start()
        return False

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended:
            self._request(SLEEP)

    def _request(self, reason: str) -> None:
        if self._watching:
            self.stop()
            emit(self.lock_requested, reason)
