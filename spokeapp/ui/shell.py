"""The shell: owns the open casebook and switches between first run, unlock and main window.

Every source of time and cost is injectable (the record clock, Argon2id parameters, the idle
timeout, the sleep-detection clock and the clock behind the wrong-passphrase wait), so tests
drive real windows against a real casebook without waiting. The main window module is
imported only after unlocking, which keeps the unlock window quick to appear.

Unlocking, for speed (issue 18): while the worker types the passphrase a background thread
imports the main window's module and then the rest of the app it builds in its second step
(``preload_main_window``); Argon2id runs on a worker thread. Once the casebook is open the
shell reads the two settings it needs (before the Today page's own reading starts, so the GUI
thread never waits for the casebook's lock) and makes the main window ``today_first``: Today is
shown and painted with its rows, then the other pages are made (``MainWindow``'s docstring).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStyle, QWidget

from spokeapp.crypto.keyfile import KdfParameters
from spokeapp.i18n import translator
from spokeapp.store.casebook import Casebook, utc_now
from spokeapp.ui.autolock import (
    DEFAULT_IDLE_MINUTES,
    HEARTBEAT_MS,
    IDLE,
    SLEEP,
    AutoLock,
    time_including_sleep,
)
from spokeapp.ui.copied import CopiedText
from spokeapp.ui.first_run import FirstRunWindow
from spokeapp.ui.open_copies import copies_folder, remove_all
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.unlock import UnlockWindow

if TYPE_CHECKING:
    from spokeapp.ui.main_window import MainWindow

tr = translator(__name__)

FIRST_RUN: Final = "first_run"
LOCKED: Final = "locked"
UNLOCKED: Final = "unlocked"
IDLE_SETTING: Final = "idle_lock_minutes"
MANUAL: Final = "manual"
#: The main window's size, position and maximised state, kept in the casebook (so per user,
#: encrypted, and gone with the profile); nothing personal: four numbers and a flag.
WINDOW_SETTING: Final = "window.geometry"
#: A first start opens the window on this share of the screen's available area.
SCREEN_SHARE: Final = 0.8
#: At least this much of a restored window must be on a screen (a title bar to drag it by).
_VISIBLE_ENOUGH: Final = 100
#: A first start on a screen whose available area is narrower or shorter than this opens
#: maximised (a 1366x768 or 1024x600 laptop): 80% of it left the case page's timeline
#: unreadable.
SMALL_SCREEN: Final = (1280, 800)


@dataclass(frozen=True)
class Rect:
    """A rectangle in screen pixels (no Qt: the placing rules are tested as plain functions)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def overlap(self, other: Rect) -> int:
        """The area the two rectangles share (0 if none)."""
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return w * h if w > 0 and h > 0 else 0


@dataclass(frozen=True)
class Placement:
    """Where the main window goes: its (normal) rectangle, and whether it is maximised."""

    rect: Rect
    maximised: bool = False

    def to_setting(self) -> str:
        r = self.rect
        return json.dumps({"x": r.x, "y": r.y, "width": r.width, "height": r.height,
                           "maximised": self.maximised})

    @classmethod
    def from_setting(cls, text: str | None) -> Placement | None:
        """The stored placement, or None if there is none or it is not readable."""
        if not text:
            return None
        try:
            data = json.loads(text)
            rect = Rect(*(int(data[k]) for k in ("x", "y", "width", "height")))
            return cls(rect, bool(data.get("maximised", False)))
        except (ValueError, TypeError, KeyError):
            return None


def _fit_into(size: tuple[int, int], screen: Rect, minimum: tuple[int, int]) -> tuple[int, int]:
    """A size no bigger than the screen, but never below the window's minimum."""
    return (max(minimum[0], min(size[0], screen.width)),
            max(minimum[1], min(size[1], screen.height)))


def _centred(size: tuple[int, int], screen: Rect) -> Rect:
    x = screen.x + max(0, (screen.width - size[0]) // 2)
    y = screen.y + max(0, (screen.height - size[1]) // 2)
    return Rect(x, y, *size)


def _inset(screen: Rect, frame: tuple[int, int, int, int]) -> Rect:
    left, top, right, bottom = frame
    return Rect(screen.x + left, screen.y + top, max(1, screen.width - left - right),
                max(1, screen.height - top - bottom))


def place_window(
    saved: Placement | None,
    screens: Sequence[Rect],
    primary: Rect,
    minimum: tuple[int, int],
    frame: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> Placement:
    """Where to open the main window, given the screens' available areas now.

    A first start (``saved`` None): 80% of the primary screen's available area (at least
    the minimum size), centred; maximised on a small screen (:data:`SMALL_SCREEN`), that
    rectangle kept for when the worker restores it. Otherwise the saved rectangle, made to
    fit: on the screen it overlaps most, shrunk to that screen and moved fully onto it; a
    window no screen shows enough of (a monitor unplugged, a resolution lowered) keeps its
    size where it can and is centred on the primary screen. The maximised flag is kept
    either way. Rectangles are the window's inside; ``frame`` (left, top, right, bottom) is
    the title bar and borders the window manager adds around it, which must stay on the
    screen too.
    """
    small = primary.width < SMALL_SCREEN[0] or primary.height < SMALL_SCREEN[1]
    screens = [_inset(screen, frame) for screen in screens]
    primary = _inset(primary, frame)
    if saved is None:
        wanted = (round(primary.width * SCREEN_SHARE), round(primary.height * SCREEN_SHARE))
        return Placement(_centred(_fit_into(wanted, primary, minimum), primary), small)
    rect = saved.rect
    best = max(screens, key=rect.overlap, default=primary)
    visible = rect.overlap(best)
    if visible < min(_VISIBLE_ENOUGH * _VISIBLE_ENOUGH, rect.width * rect.height):
        size = _fit_into((rect.width, rect.height), primary, minimum)
        return Placement(_centred(size, primary), saved.maximised)
    width, height = _fit_into((rect.width, rect.height), best, minimum)
    x = min(max(rect.x, best.x), max(best.x, best.right - width))
    y = min(max(rect.y, best.y), max(best.y, best.bottom - height))
    return Placement(Rect(x, y, width, height), saved.maximised)


def _rect(qrect: QRect) -> Rect:
    return Rect(qrect.x(), qrect.y(), qrect.width(), qrect.height())


def current_screens() -> tuple[list[Rect], Rect]:
    """The available area (without task bars) of every screen, and of the primary one."""
    screens = [_rect(screen.availableGeometry()) for screen in QGuiApplication.screens()]
    primary = QGuiApplication.primaryScreen()
    main = _rect(primary.availableGeometry()) if primary is not None else Rect(0, 0, 1024, 768)
    return screens or [main], main


def place(window: QWidget, saved: Placement | None,
          screens: Callable[[], tuple[list[Rect], Rect]] = current_screens) -> Placement:
    """Put ``window`` where :func:`place_window` says (not shown yet); returns the placement."""
    found, primary = screens()
    hint = window.minimumSizeHint()
    minimum = (max(hint.width(), window.minimumWidth()),
               max(hint.height(), window.minimumHeight()))
    # The title bar and borders are added outside the rectangle set here: keep them on screen
    # (their real size is known only once shown; the style's title bar height is near it).
    style = window.style()
    border = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
    title = style.pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight)
    placement = place_window(saved, found, primary, minimum,
                             frame=(border, title + border, border, border))
    r = placement.rect
    window.setGeometry(QRect(r.x, r.y, r.width, r.height))
    return placement


def placement_of(window: QWidget) -> Placement:
    """The window's placement to remember: its normal rectangle, and maximised or not."""
    maximised = bool(window.windowState() & Qt.WindowState.WindowMaximized)
    rect = window.normalGeometry() if maximised else window.geometry()
    if maximised and not rect.isValid():
        rect = window.geometry()
    return Placement(_rect(rect), maximised)


PRELOAD_THREAD = "spoke-preload"
#: The longest the background import waits at one module while unlocking (a safety net: the
#: shell lets it go on as soon as Today is painted, or when unlocking fails or is abandoned).
IMPORT_PAUSE_LIMIT_S: Final = 2.0


class ImportPause:
    """Holds the background import between two modules while the worker waits for Today.

    Once Unlock is clicked, Argon2id (two threads) and then the first paint need the laptop's
    cores and Python's lock more than the rest of the app's modules do: on two cores, importing
    beside them cost ~0.2 s of the wait for Today (issue 18). A worker who typed the passphrase
    never meets this (the import was over long before); one who pasted it does. Thread-safe.
    """

    def __init__(self) -> None:
        self._go = threading.Event()
        self._go.set()

    @property
    def held(self) -> bool:
        return not self._go.is_set()

    def hold(self) -> None:
        self._go.clear()

    def release(self) -> None:
        self._go.set()

    def wait(self) -> None:
        """Before each module: go on at once, or when released (at most the limit)."""
        self._go.wait(IMPORT_PAUSE_LIMIT_S)


def _import_main_window(pause: ImportPause) -> None:
    # A failure here is raised again, loudly, by the same import on the GUI thread at unlock.
    with contextlib.suppress(Exception):
        module = importlib.import_module("spokeapp.ui.main_window")  # Today needs this part
        module.import_pages(pause.wait)


def preload_main_window(pause: ImportPause | None = None) -> None:
    """Import the main window's module (what the Today page needs), then the modules of its
    second step (the sync engine, pydantic, httpx, the other pages and forms: most of the
    import time) on a background thread while the worker types the passphrase and Argon2id
    runs; unlocking then finds them imported (a module imported already costs nothing). The
    main window's second step waits for this thread rather than import beside it."""
    if any(thread.name == PRELOAD_THREAD for thread in threading.enumerate()):
        return  # being imported
    threading.Thread(target=_import_main_window, args=(pause or ImportPause(),),
                     name=PRELOAD_THREAD, daemon=True).start()


def _lock_notice(reason: str, minutes: float) -> str:
    """Why the unlock window is showing, in words (whole sentences, for translators)."""
    if reason == IDLE:
        if minutes < 1:
            return tr("Spoke locked itself because it was not used for less than a minute. "
                      "Your drafts were saved.")
        return tr.plural(
            round(minutes),
            "Spoke locked itself because it was not used for {n} minute. Your drafts were saved.",
            "Spoke locked itself because it was not used for {n} minutes. Your drafts were "
            "saved.",
        )
    if reason == SLEEP:
        return tr("Spoke locked itself because the laptop went to sleep. Your drafts were saved.")
    return tr("Spoke is locked. Your drafts were saved.")


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
        screens: Callable[[], tuple[list[Rect], Rect]] = current_screens,
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
        self._screens = screens
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
        self._import_pause = ImportPause()
        # Text copied while the casebook is open leaves the clipboard when it closes.
        self.copied = CopiedText(self)

    # ------------------------------------------------------------------ backend calls
    # These run on worker threads (Argon2id takes a noticeable moment).
    def _create(self, passphrase: str) -> tuple[Casebook, str]:
        return Casebook.create(
            self.profile, passphrase, author=self._author, clock=self._clock, kdf=self._kdf
        )

    def _open(self, passphrase: str) -> Casebook:
        return Casebook.open(self.profile, passphrase, author=self._author, clock=self._clock)

    def _unlock(self, passphrase: str) -> Casebook:
        """The unlock window's opener: the background import waits (:class:`ImportPause`)
        until Today is painted, or at once again if the casebook does not open."""
        self._import_pause.hold()
        try:
            return self._open(passphrase)
        except BaseException:
            self._import_pause.release()
            raise

    def _recover(self, recovery_key: str, new_passphrase: str) -> Casebook:
        return Casebook.recover(
            self.profile, recovery_key, new_passphrase, author=self._author, clock=self._clock
        )

    # ------------------------------------------------------------------ windows
    def start(self) -> None:
        """Show the first-run window for a new profile, else the unlock window."""
        remove_all(copies_folder(self.profile))  # documents' copies a crash left open
        if Casebook.exists(self.profile):
            self._show_unlock("")
        else:
            window = FirstRunWindow(self._create, self.tasks)
            window.finished.connect(self._unlocked)
            self._show(window, FIRST_RUN)
            preload_main_window(self._import_pause)

    def _show_unlock(self, notice: str) -> None:
        window = UnlockWindow(
            self._unlock,
            self._recover,
            self.tasks,
            clock=self._wait_clock,
            notice=notice,
            demo_passphrase=self._demo_passphrase,
        )
        window.unlocked.connect(self._unlocked)
        self._show(window, LOCKED)
        preload_main_window(self._import_pause)

    def _show(self, window: QWidget, state: str, *, maximised: bool = False) -> None:
        # Shown before hiding the old one, so the app never has no window.
        if maximised:
            window.showMaximized()
        else:
            window.show()
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
        # Read before the window starts Today's reading (a few microseconds each, while
        # nothing else holds the casebook's lock).
        minutes = self._idle_minutes(book)
        saved = Placement.from_setting(book.setting(WINDOW_SETTING))
        self.autolock.set_idle_minutes(minutes)
        window = MainWindow(
            book, self.tasks, clock=self._clock, idle_minutes=max(1, round(minutes)),
            today_first=True,
        )
        window.lock_requested.connect(lambda: self.lock(MANUAL))
        window.idle_minutes_changed.connect(self._idle_changed)
        window.wiped.connect(self._wiped)
        window.built.connect(lambda: self._whole(window))
        window.today_shown.connect(self._import_pause.release)
        # The size and place the worker left it at (this casebook's), fitted to the screens
        # there are now; a first start takes a good share of the screen.
        placement = place(window, saved, self._screens)
        self._show(window, UNLOCKED, maximised=placement.maximised)
        self.copied.watching = True
        self.autolock.start()
        window.start_sync()

    def _whole(self, window: QWidget) -> None:
        """The main window's second step is done (its other pages made): the idle time counts
        again from now, so a slow build (a laptop busy elsewhere) never eats into it."""
        if self.state == UNLOCKED and self.window is window:
            self.autolock.start()

    def _wiped(self) -> None:
        """The hub revoked this laptop and asked for a wipe: the casebook is already gone."""
        self.autolock.stop()
        self.book = None
        remove_all(copies_folder(self.profile))
        self.copied.watching = False
        self.copied.clear_ours()
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
        self._show_unlock(_lock_notice(reason, minutes))

    def _close_book(self) -> None:
        self._import_pause.release()
        self.autolock.stop()
        book, self.book = self.book, None
        try:
            main = self.main_window
            if main is not None:
                main.stop_sync()  # let a running sync finish its transaction first
            if main is not None and book is not None and book.is_open:
                main.save_drafts()
                # Synchronously, like the drafts: the casebook closes straight after.
                book.set_setting(WINDOW_SETTING, placement_of(main).to_setting())
        finally:
            # A background read still running would hit a closed casebook: let it finish
            # first (reads take milliseconds; hub calls have their own short timeouts).
            self.tasks.wait(5_000)
            if book is not None:
                book.close()
            # Copies of documents opened in other programs: overwritten and deleted.
            remove_all(copies_folder(self.profile))
            self.copied.watching = False
            self.copied.clear_ours()

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
