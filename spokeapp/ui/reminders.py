"""Check-in reminders on the laptop: 10 minutes before a check-in is due, at the deadline, and
every few minutes of the grace period after it (``lone_working.reminder_times``).

The hub sends its own reminders to the worker's phone; these are the laptop's. They are
computed from the check-ins stored in the casebook (the Visits page hands the schedule over
after every change), so they survive a restart: the page rebuilds the schedule when it opens.

:class:`CheckInReminders` lives on the application, not on the main window, because the main
window is destroyed whenever Spoke locks (after 10 idle minutes, or on sleep) and a worker out
on a visit must still be reminded. It keeps only times, never anything personal, and its
notices say only when a check-in is due ("Unlock Spoke to check in" when locked).

Each notice goes to the system tray (``QSystemTrayIcon.showMessage``, which desktops show with
their notification sound) with ``QApplication.beep()``, and to ``reminded(text)`` for the
in-window banner. Offscreen, or with no tray, the beep and the banner remain.

**Sleep and resume.** Timers do not run while the laptop sleeps. A heartbeat compares a clock
that keeps counting through sleep (:func:`spokeapp.ui.autolock.time_including_sleep`, the one
auto-lock uses to notice sleep) with the heartbeat interval; on a gap it emits ``resumed`` and
checks at once, so a reminder that fell due during sleep is shown the moment the laptop wakes
and the Visits page recomputes its state. The check-in times come from the injectable
``clock`` (an aware datetime), so tests move time by hand and never sleep. Which reminders a
visit has and their words are worked out without Qt in :mod:`spokeapp.present.reminders`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from spokeapp.i18n import translator
from spokeapp.present.reminders import Reminder, reminder_text, reminders_for
from spokeapp.present.visits import clock_text
from spokeapp.ui.autolock import SLEEP_GAP_SECONDS, time_including_sleep
from spokeapp.ui.signals import emit

tr = translator(__name__)

HEARTBEAT_MS: Final = 15_000
_SHARED_NAME: Final = "spoke-check-in-reminders"
_MAX_TIMER_MS: Final = 60 * 60 * 1000
_TRAY_SHOW_MS: Final = 60_000

#: Worked out without Qt in :mod:`spokeapp.present.reminders`; re-exported for the pages.
__all__ = [
    "HEARTBEAT_MS", "CheckInReminders", "Notifier", "Reminder", "clock_text", "reminder_text",
    "reminders_for", "shared_reminders",
]


Notifier = Callable[[str], None]


class CheckInReminders(QObject):
    """Shows each reminder once, when it falls due; ``reminded(text)`` for the window's banner.

    ``set_reminders`` replaces the whole schedule (one visit's current deadline, or nothing).
    When several reminders are already due (Spoke was closed, locked or asleep), only the
    latest is shown: one notice that says how things stand, not a burst of stale ones.
    """

    reminded = Signal(str)
    resumed = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep_clock: Callable[[], float] = time_including_sleep,
        heartbeat_ms: int = HEARTBEAT_MS,
        notifier: Notifier | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._sleep_clock = sleep_clock
        self._notifier = notifier
        self._reminders: list[Reminder] = []
        self._shown: set[tuple[datetime, datetime]] = set()
        self.shown: list[str] = []
        """Every notice shown, oldest first (what the worker saw; for tests and diagnostics)."""
        self._tray: QSystemTrayIcon | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(heartbeat_ms)
        self._heartbeat.timeout.connect(self.heartbeat)
        self._last_beat = sleep_clock()
        self._heartbeat.start()

    # ------------------------------------------------------------------ schedule
    def set_clock(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.check()

    @property
    def reminders(self) -> list[Reminder]:
        return list(self._reminders)

    def set_reminders(self, reminders: Sequence[Reminder]) -> None:
        """Replace the schedule and show whatever is due now."""
        self._reminders = sorted(reminders, key=lambda r: r.at)
        self.check()

    def next_at(self) -> datetime | None:
        """When the next notice not yet shown falls due (None: nothing scheduled)."""
        for reminder in self._reminders:
            if (reminder.deadline, reminder.at) not in self._shown:
                return reminder.at
        return None

    def check(self) -> Reminder | None:
        """Show the latest reminder that is due and not yet shown; returns it."""
        now = self._clock()
        due = [
            r for r in self._reminders if r.at <= now and (r.deadline, r.at) not in self._shown
        ]
        latest: Reminder | None = None
        if due:
            for reminder in due:
                self._shown.add((reminder.deadline, reminder.at))
            latest = due[-1]
            self._show(latest.words(now))
        self._arm_timer(now)
        return latest

    def _arm_timer(self, now: datetime) -> None:
        upcoming = self.next_at()
        if upcoming is None:
            self._timer.stop()
            return
        wait = max(0, (upcoming - now) // timedelta(milliseconds=1))
        self._timer.start(min(wait + 50, _MAX_TIMER_MS))

    # ------------------------------------------------------------------ sleep
    def heartbeat(self) -> None:
        """Check for due notices; after a sleep, tell the window to recompute at once."""
        now = self._sleep_clock()
        gap = now - self._last_beat - self._heartbeat.interval() / 1000
        self._last_beat = now
        if gap > SLEEP_GAP_SECONDS:
            emit(self.resumed)
        self.check()

    # ------------------------------------------------------------------ showing
    def _show(self, text: str) -> None:
        self.shown.append(text)
        if self._notifier is not None:
            self._notifier(text)
        else:
            self._notify_desktop(text)
        emit(self.reminded, text)

    def _notify_desktop(self, text: str) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray = self._tray
            if tray is None:
                tray = self._tray = QSystemTrayIcon(self)
                app = QApplication.instance()
                icon = app.windowIcon() if isinstance(app, QApplication) else None
                if icon is None or icon.isNull():
                    style = QApplication.style()
                    icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                tray.setIcon(icon)
                tray.setToolTip(tr("Spoke check-in reminders"))
            tray.show()
            tray.showMessage(
                tr("Spoke: time to check in"),
                text,
                QSystemTrayIcon.MessageIcon.Warning,
                _TRAY_SHOW_MS,
            )
        QApplication.beep()


def shared_reminders(clock: Callable[[], datetime]) -> CheckInReminders:
    """The application's one reminder service (it outlives the main window across locks)."""
    app = QCoreApplication.instance()
    if app is None:
        return CheckInReminders(clock=clock)
    found = app.findChild(CheckInReminders, _SHARED_NAME)
    if isinstance(found, CheckInReminders):
        found.set_clock(clock)
        return found
    service = CheckInReminders(app, clock=clock)
    service.setObjectName(_SHARED_NAME)
    return service
