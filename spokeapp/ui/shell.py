"""The shell: owns the open casebook and switches between first run, unlock and main window.

Every source of time and cost is injectable (the record clock, Argon2id parameters, the idle
timeout, the sleep-detection clock and the clock behind the wrong-passphrase wait), so tests
drive real windows against a real casebook without waiting. The main window module is
imported only after unlocking, which keeps the unlock window quick to appear.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from spokeapp.crypto.keyfile import KdfParameters
from spokeapp.store.casebook import Casebook, utc_now
from spokeapp.ui.autolock import (
    DEFAULT_IDLE_MINUTES,
    HEARTBEAT_MS,
    IDLE,
    SLEEP,
    AutoLock,
    time_including_sleep,
)
from spokeapp.ui.first_run import FirstRunWindow
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.unlock import UnlockWindow

if TYPE_CHECKING:
    from spokeapp.ui.main_window import MainWindow

FIRST_RUN: Final = "first_run"
LOCKED: Final = "locked"
UNLOCKED: Final = "unlocked"
IDLE_SETTING: Final = "idle_lock_minutes"
MANUAL: Final = "manual"


def _minutes_text(minutes: float) -> str:
    if minutes < 1:
        return "less than a minute"
    whole = round(minutes)
    return "1 minute" if whole == 1 else f"{whole} minutes"


class SpokeShell(QObject):
    """Controller for the app's windows. ``state`` is first_run, locked or unlocked."""

    state_changed = Signal(str)

    def __init__(
        self,
        profile: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        kdf: KdfParameters | None = None,
        idle_minutes: float | None = None,
        sleep_clock: Callable[[], float] = time_including_sleep,
        heartbeat_ms: int = HEARTBEAT_MS,
        wait_clock: Callable[[], float] = time.monotonic,
        demo_passphrase: str | None = None,
        author: str = "worker",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self._clock = clock
        self._kdf = kdf
        self._idle_override = idle_minutes
        self._wait_clock = wait_clock
        self._demo_passphrase = demo_passphrase
        self._author = author
        self.tasks = TaskRunner(self)
        self.autolock = AutoLock(
            self,
            idle_minutes=idle_minutes or DEFAULT_IDLE_MINUTES,
            clock=sleep_clock,
            heartbeat_ms=heartbeat_ms,
        )
        self.autolock.lock_requested.connect(self.lock)
        self.book: Casebook | None = None
        self.window: QWidget | None = None
        self.state = ""

    # ------------------------------------------------------------------ backend calls
    # These run on worker threads (Argon2id takes a noticeable moment).
    def _create(self, passphrase: str) -> tuple[Casebook, str]:
        return Casebook.create(
            self.profile, passphrase, author=self._author, clock=self._clock, kdf=self._kdf
        )

    def _open(self, passphrase: str) -> Casebook:
        return Casebook.open(self.profile, passphrase, author=self._author, clock=self._clock)

    def _recover(self, recovery_key: str, new_passphrase: str) -> Casebook:
        return Casebook.recover(
            self.profile, recovery_key, new_passphrase, author=self._author, clock=self._clock
        )

    # ------------------------------------------------------------------ windows
    def start(self) -> None:
        """Show the first-run window for a new profile, else the unlock window."""
        if Casebook.exists(self.profile):
            self._show_unlock("")
        else:
            window = FirstRunWindow(self._create, self.tasks)
            window.finished.connect(self._unlocked)
            self._show(window, FIRST_RUN)

    def _show_unlock(self, notice: str) -> None:
        window = UnlockWindow(
            self._open,
            self._recover,
            self.tasks,
            clock=self._wait_clock,
            notice=notice,
            demo_passphrase=self._demo_passphrase,
        )
        window.unlocked.connect(self._unlocked)
        self._show(window, LOCKED)

    def _show(self, window: QWidget, state: str) -> None:
        window.show()  # before hiding the old one, so the app never has no window
        old, self.window = self.window, window
        if old is not None:
            old.hide()
            old.deleteLater()
        self.state = state
        emit(self.state_changed, state)

    def _idle_minutes(self, book: Casebook) -> float:
        if self._idle_override is not None:
            return self._idle_override
        stored = book.setting(IDLE_SETTING)
        try:
            return max(1, int(stored)) if stored else DEFAULT_IDLE_MINUTES
        except ValueError:
            return DEFAULT_IDLE_MINUTES

    def _unlocked(self, book: Casebook) -> None:
        from spokeapp.ui.main_window import MainWindow  # imported late: keeps launch quick

        self.book = book
        minutes = self._idle_minutes(book)
        self.autolock.set_idle_minutes(minutes)
        window = MainWindow(
            book, self.tasks, clock=self._clock, idle_minutes=max(1, round(minutes))
        )
        window.lock_requested.connect(lambda: self.lock(MANUAL))
        window.idle_minutes_changed.connect(self._idle_changed)
        window.sync.wiped.connect(self._wiped)
        self._show(window, UNLOCKED)
        self.autolock.start()
        window.sync.start()

    def _wiped(self) -> None:
        """The hub revoked this laptop and asked for a wipe: the casebook is already gone."""
        self.autolock.stop()
        self.book = None
        window = FirstRunWindow(self._create, self.tasks)
        window.finished.connect(self._unlocked)
        self._show(window, FIRST_RUN)

    def _idle_changed(self, minutes: int) -> None:
        self._idle_override = None
        self.autolock.set_idle_minutes(minutes)

    @property
    def main_window(self) -> MainWindow | None:
        return self.window if self.state == UNLOCKED else None  # type: ignore[return-value]

    # ------------------------------------------------------------------ locking
    def lock(self, reason: str = MANUAL) -> None:
        """Save drafts, close the casebook, destroy the main window, show the unlock window."""
        if self.state != UNLOCKED:
            return
        minutes = self.autolock.idle_ms / 60_000
        self._close_book()
        notices = {
            IDLE: f"Spoke locked itself because it was not used for {_minutes_text(minutes)}.",
            SLEEP: "Spoke locked itself because the laptop went to sleep.",
        }
        notice = notices.get(reason, "Spoke is locked.") + " Your drafts were saved."
        self._show_unlock(notice)

    def _close_book(self) -> None:
        self.autolock.stop()
        book, self.book = self.book, None
        try:
            main = self.main_window
            if main is not None:
                main.sync.stop()  # let a running sync finish its transaction first
            if main is not None and book is not None and book.is_open:
                main.save_drafts()
        finally:
            # A background read still running would hit a closed casebook: let it finish
            # first (reads take milliseconds; hub calls have their own short timeouts).
            self.tasks.wait(5_000)
            if book is not None:
                book.close()

    def shutdown(self) -> None:
        """On quit: save drafts and close the casebook; wait for background work."""
        if self.state == UNLOCKED:
            self._close_book()
        elif isinstance(self.window, FirstRunWindow):
            created: Any = self.window.take_book()
            if created is not None:
                created.close()
        self.tasks.wait()
        # A task that finished just now may have opened a casebook nobody will use.
        if self.book is not None:
            self.book.close()
            self.book = None
