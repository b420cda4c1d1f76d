"""The main window, shown only while the casebook is unlocked.

Navigation on the left (Today, Caseload, Record a session, Case, Referrals, Group and
professional work, Visits (lone working: plan a visit, armed or not, check in), Settings,
Sync, on Ctrl+1 to Ctrl+9; Reports, for everyone, on Ctrl+0; then, once the laptop is enrolled
as a supervisor, Review (Ctrl+Shift+V) and Team (Ctrl+Shift+M), and for supervisors and admins
the lone-working board (Ctrl+Shift+B) and the Audit (Ctrl+Shift+U)), the page on the
right, and a status bar with "Lock now" (Ctrl+L) and, for supervisors, a button saying how
many visits are in alarm or overdue (it opens the board). The window also opens the record
forms (referral, risk assessment, concern, amendment, closure, group and professional work)
and refreshes what they change.
The window is destroyed when Spoke locks, so nothing personal stays on screen; the shell
builds a fresh one after unlocking.

At unlock the window is built in two steps (issue 18: the Unlock click to a usable Today page).
First only what Today needs: the navigation, menus and status bar, and the Today page, whose
first reading (the caseload, drafts and the worker's own visits, :func:`read_today`) starts
off the GUI thread as the window is made; the other pages' places hold empty widgets. Once
Today has been painted with its rows, :meth:`MainWindow.finish_building` builds the rest: the
other pages, the sync, the supervisors' pages. This module imports only what the first step
needs; the rest of the app (the sync engine, pydantic, httpx, the forms: about three quarters
of the import time) is imported by the second (``PAGE_MODULES``: the shell imports them on a
background thread while the worker types the passphrase). Anything of the second step asked
for sooner (``window.case_page``, ``window.sync``, another page chosen) finishes building
first, so nobody sees a half-built window. A window made with ``today_first=False`` (tests,
scripts) is whole at once, as before.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from spokeapp import i18n
from spokeapp.domain.errors import SpokeError
from spokeapp.domain.records import AssessmentType, Case, RiskAssessment, Session
from spokeapp.domain.records.casework import YoungPerson
from spokeapp.domain.roles import Role
from spokeapp.i18n import translator
from spokeapp.present.labels import kind_label
from spokeapp.present.sync_words import checking_words, today_words
from spokeapp.present.today import TodayReading, read_today
from spokeapp.present.visits import UnsentAlarm
from spokeapp.store.casebook import Casebook, CaseloadRow
from spokeapp.store.sync_state import SyncStore
from spokeapp.ui.models.caseload import CaseloadModel
from spokeapp.ui.models.visits import SAFETY_RECORD_KINDS, load_visits, unsent_words
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.today import TodayPage
from spokeapp.ui.widgets import shown_key

if TYPE_CHECKING:
    from spokeapp.domain.risk_tool import RiskTool
    from spokeapp.sync.engine import SyncReport, SyncStatus
    from spokeapp.ui.models.board import Counts
    from spokeapp.ui.reminders import CheckInReminders
    from spokeapp.ui.sync_bridge import SyncBridge
    from spokeapp.ui.views.audit import AuditPage
    from spokeapp.ui.views.board import BoardPage
    from spokeapp.ui.views.case_page import CasePage
    from spokeapp.ui.views.caseload import CaseloadPage
    from spokeapp.ui.views.held_records import HeldRecordsView
    from spokeapp.ui.views.outreach import OutreachPage
    from spokeapp.ui.views.referral import ReferralsPage
    from spokeapp.ui.views.reports import ReportsPage
    from spokeapp.ui.views.review import ReviewPage
    from spokeapp.ui.views.session_form import SessionForm
    from spokeapp.ui.views.settings import SettingsPage
    from spokeapp.ui.views.sync_panel import SyncPanel
    from spokeapp.ui.views.team import TeamPage
    from spokeapp.ui.views.visits import VisitsPage

tr = translator(__name__)

PAGES = (
    tr.noop("Today"),
    tr.noop("Caseload"),
    tr.noop("Record a session"),
    tr.noop("Case"),
    tr.noop("Referrals"),
    tr.noop("Group and professional work"),
    tr.noop("Visits"),
    tr.noop("Settings"),
    tr.noop("Sync"),
)
TODAY, CASELOAD, SESSION, CASE, REFERRALS, OUTREACH, VISITS, SETTINGS, SYNC = range(len(PAGES))
REPORTS = len(PAGES)  # the tenth page, for everyone (Ctrl+0)
SHORTCUT_ROLE = Qt.ItemDataRole.UserRole + 10
#: The window opens this many average characters wide.
OPENING_WIDTH_CHARS: Final = 150
#: Maximised narrower than this (a small screen's, where the window opens maximised), the page
#: list gives the page its shortcuts' room: they are in the Go menu and each entry's tooltip.
NARROW_MAXIMISED: Final = 1280
HIDE_NAMES_SETTING = "hide_names"
BOARD_TITLE = tr.noop("Lone working")  # the page itself is headed "Lone-working board"
BOARD_KEYS = "Ctrl+Shift+B"
REPORTS_TITLE = tr.noop("Reports")
REPORTS_KEYS = "Ctrl+0"
REVIEW_TITLE = tr.noop("Review")
REVIEW_KEYS = "Ctrl+Shift+V"
TEAM_TITLE = tr.noop("Team")
TEAM_KEYS = "Ctrl+Shift+M"
AUDIT_TITLE = tr.noop("Audit")
AUDIT_KEYS = "Ctrl+Shift+U"  # aUdit: Ctrl+Shift+A is the board's Acknowledge
DIALOG_DRAFT_SETTING = "draft.dialog"  # a half-typed form kept when Spoke locked
#: What the second step (:meth:`MainWindow.finish_building`) and the window's forms import: the
#: shell imports these on a background thread after this module (``spokeapp.ui.shell.
#: preload_main_window``), which may pause between two of them, so the big ones that the
#: sync engine pulls in come one by one.
PAGE_MODULES: Final = (
    "pydantic",
    "httpx",
    "spokeapp.sync.protocol",
    "spokeapp.sync.client",
    "spokeapp.sync.engine",
    "spokeapp.ui.sync_bridge",
    "spokeapp.ui.views.case_page",
    "spokeapp.ui.views.session_form",
    "spokeapp.ui.views.caseload",
    "spokeapp.ui.views.referral",
    "spokeapp.ui.views.outreach",
    "spokeapp.ui.views.visits",
    "spokeapp.ui.views.settings",
    "spokeapp.ui.views.sync_panel",
    "spokeapp.ui.views.reports",
    "spokeapp.ui.views.review",
    "spokeapp.ui.views.team",
    "spokeapp.ui.views.board",
    "spokeapp.ui.views.audit",
    "spokeapp.ui.views.held_records",
    "spokeapp.ui.views.record_dialogs",
    "spokeapp.ui.views.risk_form",
    "spokeapp.ui.views.closure_wizard",
    "spokeapp.ui.views.subject_file",
    "spokeapp.ui.views.area_choice",
    "spokeapp.ui.views.young_person_dialog",
    "spokeapp.sync.reports",
    "spokeapp.sync.team",
)
#: If Today is never painted (a minimised window), the rest is built after this long anyway.
FINISH_ANYWAY_MS: Final = 1000
#: While the shell's background thread still imports ``PAGE_MODULES``, the second step waits,
#: looking again this often (Today stays usable meanwhile).
IMPORT_POLL_MS: Final = 20


def import_pages(before_each: Callable[[], object] = lambda: None) -> None:
    """Import the modules of the window's second step (``PAGE_MODULES``), in order, calling
    ``before_each()`` before each (the shell's background thread pauses there while the
    worker waits for Today: :class:`spokeapp.ui.shell.ImportPause`)."""
    for name in PAGE_MODULES:
        before_each()
        importlib.import_module(name)


def _scrolling(page: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area, so a tall page never makes the window taller than
    a small screen at 200% scaling."""
    area = QScrollArea(page.parentWidget())
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setAccessibleName(page.accessibleName() or tr("Settings"))
    return area


def _board_title(waiting: int) -> str:
    """The board's navigation label with its count of alarms and overdue visits."""
    return tr("{board} ({count})").format(board=tr(BOARD_TITLE), count=i18n.number(waiting))


def _offline_is_fine(error: BaseException) -> None:
    """For extras asked of the hub (names): offline, the screen simply does without them."""
    if not isinstance(error, SpokeError):
        raise error


class _NavDelegate(QStyledItemDelegate):
    """Draws each page's keyboard shortcut, muted, at the right of the navigation item
    (``keys_shown``: not in a narrow window, where the list keeps to the titles)."""

    keys_shown = True

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        shortcut = index.data(SHORTCUT_ROLE)
        if not shortcut or not self.keys_shown:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        group = QPalette.ColorGroup.Active
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(group, role))  # type: ignore[attr-defined]
        rect: QRect = option.rect.adjusted(0, 0, -option.fontMetrics.height() // 2, 0)  # type: ignore[attr-defined]
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, align, shortcut)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        keys = str(index.data(SHORTCUT_ROLE) or "") if self.keys_shown else ""
        extra = metrics.horizontalAdvance(keys) + metrics.height() if keys else 0
        return QSize(size.width() + extra, max(size.height(), round(metrics.height() * 1.8)))


KEEP_OPEN_TEXT = tr.noop("&Keep Spoke open")
CLOSE_ANYWAY_TEXT = tr.noop("&Close anyway")


def close_question(parent: QWidget, items: list[str]) -> QMessageBox:
    """The question before closing with work that has not reached the hub (issue 13).
    An unsent alarm is known by its kind (``UnsentAlarm``), never by its words."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Not sent to the hub yet"))
    listed = "\n".join(tr("- {item}").format(item=item) for item in items)
    if any(isinstance(item, UnsentAlarm) for item in items):
        text = tr(
            "These have not reached the hub yet:\n\n{items}\n\nThey are kept on this laptop "
            "and sent the next time Spoke is open and connected. Nobody has been alerted about "
            "your alarm: if you are in danger, call 999."
        )
    else:
        text = tr(
            "These have not reached the hub yet:\n\n{items}\n\nThey are kept on this laptop "
            "and sent the next time Spoke is open and connected."
        )
    box.setText(text.format(items=listed))
    keep = box.addButton(tr(KEEP_OPEN_TEXT), QMessageBox.ButtonRole.RejectRole)
    box.addButton(tr(CLOSE_ANYWAY_TEXT), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box


def confirm_close(parent: QWidget, items: list[str]) -> bool:
    """Ask; True only for "Close anyway" (known by its role, not its words)."""
    box = close_question(parent, items)
    box.exec()
    clicked = box.clickedButton()
    return (clicked is not None
            and box.buttonRole(clicked) == QMessageBox.ButtonRole.DestructiveRole)


def _page_importers() -> list[threading.Thread]:
    """The shell's background thread importing ``PAGE_MODULES``, while it runs."""
    from spokeapp.ui.shell import PRELOAD_THREAD

    current = threading.current_thread()
    return [thread for thread in threading.enumerate()
            if thread.name == PRELOAD_THREAD and thread is not current and thread.is_alive()]


def _pages_importing() -> bool:
    return bool(_page_importers())


_T = TypeVar("_T")


class _Later(Generic[_T]):
    """A part of the window made by its second step (:meth:`MainWindow.finish_building`):
    reading it finishes building the window first, so nobody sees it half-built."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._field = f"_{name}"

    def __get__(self, window: MainWindow | None, owner: type) -> _T:
        if window is None:
            return self  # type: ignore[return-value]
        window.finish_building()
        return getattr(window, self._field)  # type: ignore[no-any-return]


class MainWindow(QMainWindow):
    """Everything a worker does while unlocked. Emits ``lock_requested`` for "Lock now" and
    ``wiped`` when the hub had this laptop wiped (the casebook is gone)."""

    lock_requested = Signal()
    idle_minutes_changed = Signal(int)
    wiped = Signal()
    #: Today has been painted with its first reading, or the rest is wanted sooner: the
    #: shell lets its background import go on (``today_first`` windows only).
    today_shown = Signal()
    #: The second step is done: the window is whole (``today_first`` windows only).
    built = Signal()

    # The second step's parts (see the module's docstring).
    sync: _Later[SyncBridge] = _Later()
    tool: _Later[RiskTool] = _Later()
    caseload: _Later[CaseloadPage] = _Later()
    session_form: _Later[SessionForm] = _Later()
    case_page: _Later[CasePage] = _Later()
    referrals: _Later[ReferralsPage] = _Later()
    outreach: _Later[OutreachPage] = _Later()
    visits: _Later[VisitsPage] = _Later()
    settings: _Later[SettingsPage] = _Later()
    sync_page: _Later[SyncPanel] = _Later()
    reports: _Later[ReportsPage] = _Later()
    review: _Later[ReviewPage | None] = _Later()
    team: _Later[TeamPage | None] = _Later()
    board: _Later[BoardPage | None] = _Later()
    audit: _Later[AuditPage | None] = _Later()

    @property
    def tasks(self) -> TaskRunner:
        """The runner every read and write of this window goes through (tests wait on it)."""
        return self._tasks

    def __init__(
        self,
        book: Casebook,
        tasks: TaskRunner,
        *,
        clock: Callable[[], datetime],
        idle_minutes: int,
        tool: RiskTool | None = None,
        sync: SyncBridge | None = None,
        reminders: CheckInReminders | None = None,
        today_first: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``today_first``: build in two steps (the shell at unlock; see the module's
        docstring); otherwise the whole window at once."""
        super().__init__(parent)
        self.book = book
        self._tasks = tasks
        self._clock = clock
        self._idle_minutes = idle_minutes
        self._today_first = today_first
        self._built = False
        self._start_sync = False
        self._awaiting_paint = False
        self._shown_said = False
        self._building = False
        # The second step's parts: given, or made by it.
        self._sync: SyncBridge | None = sync
        self._tool: RiskTool | None = tool
        self._reminders = reminders
        self._review: ReviewPage | None = None
        self._team: TeamPage | None = None
        self._board: BoardPage | None = None
        self._audit: AuditPage | None = None
        # The sync status is first read once Today's rows are in (``_first_load_done``).
        self._first_load = True
        self._reading: TodayReading | None = None  # Today's first, for the pages made later
        self._rows: list[CaseloadRow] = []
        self.dialog: QDialog | None = None
        # Names instead of user ids everywhere (issue 17): the laptop's name directory.
        self.people: dict[str, str] = {}
        if today_first:
            # First of all, off the GUI thread: what Today lists, read while the window is made.
            self._tasks.submit(lambda: read_today(book, visits=True), self._first_read,
                               self._load_failed, owner=self)
        self.setWindowTitle(tr("Spoke"))
        self._nav_delegate: _NavDelegate | None = None  # the page list's, once made
        self._nav_widths = (0, 0)  # the page list's: titles only, titles and shortcuts
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * OPENING_WIDTH_CHARS, metrics.lineSpacing() * 40)

        self.caseload_model = CaseloadModel(self)
        self.today = TodayPage(book, tasks, self)

        self.nav = QListWidget(self)
        self.nav.setAccessibleName(tr("Pages"))
        self._nav_delegate = _NavDelegate(self.nav)
        self.nav.setItemDelegate(self._nav_delegate)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget(self)
        self.page_actions: list[QAction] = []
        self.go_menu = go_menu = self.menuBar().addMenu(tr("&Go"))
        for number, source_title in enumerate(PAGES, start=1):
            title = tr(source_title)
            shortcut = QKeySequence(f"Ctrl+{number}")
            item = QListWidgetItem(title, self.nav)
            item.setData(SHORTCUT_ROLE, shown_key(f"Ctrl+{number}"))
            item.setToolTip(tr("{page} ({keys})").format(page=title,
                                                         keys=item.data(SHORTCUT_ROLE)))
            # Today, and a place held for each other page until the second step makes it.
            self.pages.addWidget(self.today if number - 1 == TODAY else QWidget(self.pages))
            action = QAction(title, self)
            action.setShortcut(shortcut)
            action.triggered.connect(lambda _checked=False, n=number - 1: self.show_page(n))
            go_menu.addAction(action)
            self.page_actions.append(action)
        # Reports, for everyone: its place kept too, so the navigation does not grow later.
        self._add_page(REPORTS_TITLE, QWidget(self.pages), REPORTS_KEYS)

        spoke_menu = self.menuBar().addMenu(tr("&Spoke"))
        self.lock_action = QAction(tr("&Lock now"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_requested)
        spoke_menu.addAction(self.lock_action)
        self.hub_file_action = QAction(tr("Make a &PDF of a file from the hub…"), self)
        self.hub_file_action.triggered.connect(lambda _checked=False: self.pdf_of_hub_file())
        spoke_menu.addAction(self.hub_file_action)
        record_menu = self.menuBar().addMenu(tr("&Record"))
        self.new_referral_action = self._action(
            record_menu, tr("New &referral…"), "Ctrl+Shift+N", self.new_referral
        )
        self._action(record_menu, tr("&Session note"), "Ctrl+Shift+S",
                     lambda: self.show_page(SESSION))
        self._action(record_menu, tr("&Group or awareness session…"), "Ctrl+Shift+G",
                     self.new_group)
        self._action(
            record_menu, tr("&Training or consultancy…"), "Ctrl+Shift+T", self.new_professional
        )
        view_menu = self.menuBar().addMenu(tr("&View"))
        self.hide_names_action = QAction(tr("&Hide names"), self)
        self.hide_names_action.setCheckable(True)
        self.hide_names_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        view_menu.addAction(self.hide_names_action)
        self.menuBar().insertMenu(go_menu.menuAction(), spoke_menu)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.state_label = QLabel(tr("Casebook unlocked"), self)
        self.state_label.setAccessibleName(tr("Casebook unlocked"))
        # What the sync has done, in plain words; the Sync page (Ctrl+9) has the details.
        self.sync_label = QLabel(self)
        self._sync_running = False
        self._show_sync_status(None)  # "Checking…" until the first reading
        self.lock_button = QPushButton(tr("Lock now ({key})").format(key=shown_key("Ctrl+L")), self)
        self.lock_button.setAccessibleName(tr("Lock now"))
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.lock_button.clicked.connect(self.lock_requested)
        # Supervisors and admins: alarms and overdue visits, from any page (opens the board).
        self.board_button = QPushButton(self)
        self.board_button.setAccessibleName(tr("Lone working: open the board"))
        self.board_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.board_button.clicked.connect(self.show_board)
        self.board_button.hide()
        self.statusBar().addPermanentWidget(self.board_button)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.state_label)
        self.statusBar().addPermanentWidget(self.lock_button)

        self.nav.currentRowChanged.connect(self._nav_changed)
        self.today.record_button.clicked.connect(lambda: self.show_page(SESSION))
        self.today.caseload_button.clicked.connect(lambda: self.show_page(CASELOAD))
        self.today.referral_button.clicked.connect(self.new_referral)
        self.today.visits_button.clicked.connect(lambda: self.show_page(VISITS))
        self.today.connect_button.clicked.connect(self.show_sync_page)
        self.today.open_case.connect(lambda case_id: self.open_case(case_id))
        self.today.open_draft.connect(self.open_draft)
        self.today.open_visits.connect(lambda: self.show_page(VISITS))
        self.today.open_sync.connect(self.show_sync_page)
        self.today.open_held.connect(self.show_held_records)
        self.today.supervisor_comments.open_case.connect(self.open_case)
        # Tab: the page list, the page shown, then the status bar's buttons (the board's, then
        # Lock now, which has Ctrl+L) and round to the page list. Widgets made later join the
        # chain just before the window itself, which is between the page list and these
        # buttons, so the later pages keep this order too.
        QWidget.setTabOrder(self.board_button, self.lock_button)
        QWidget.setTabOrder(self.lock_button, self.nav)
        QWidget.setTabOrder(self.nav, self.pages)
        self._fit_nav()
        self.show_page(TODAY)
        if not today_first:
            self.finish_building()
            self.refresh()
            self.resume_dialog_draft()

    # ------------------------------------------------------------------ the second step
    def _first_read(self, reading: TodayReading) -> None:
        """Today's first reading is in: show it; the rest of the window once it is painted."""
        if not self.book.is_open:  # locked while reading; this window is on its way out
            return
        if self._built:  # finished sooner (a page was asked for): every page, as on a refresh
            self._loaded(reading)
            return
        self._reading = reading
        self._rows = list(reading.rows)
        now = self._clock()
        if reading.visits is not None:
            self.today.show_visits(reading.visits, now)
        self.today.show_today(self._rows, now, drafts=reading.drafts,
                              review_weeks=reading.review_weeks)
        self._awaiting_paint = True
        self.today.installEventFilter(self)
        QTimer.singleShot(FINISH_ANYWAY_MS, self._finish_later)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Today painted with its first reading: the rest of the window next (the paint is
        over by the time the queued call runs)."""
        if (self._awaiting_paint and watched is self.today
                and event.type() == QEvent.Type.Paint):
            self._awaiting_paint = False
            QTimer.singleShot(0, self._today_painted)
        return super().eventFilter(watched, event)

    def _today_painted(self) -> None:
        self._today_shown()
        self._finish_later()

    def _today_shown(self) -> None:
        if self._today_first and not self._shown_said:
            self._shown_said = True
            emit(self.today_shown)

    def _finish_later(self) -> None:
        if not self.book.is_open or self._built:  # locked meanwhile: on its way out
            return
        if _pages_importing():
            # Unlocked the moment the window appeared: the rest of the app is still being
            # imported in the background. Today stays usable until it is.
            QTimer.singleShot(IMPORT_POLL_MS, self._finish_later)
            return
        self.finish_building()

    @property
    def is_built(self) -> bool:
        """Whether the second step is done (every page made)."""
        return self._built

    def start_sync(self) -> None:
        """Start syncing (the shell, once the window is shown): now, or when the window is
        whole."""
        if self._built:
            self.sync.start()
        else:
            self._start_sync = True

    def stop_sync(self) -> None:
        """Stop syncing, letting a running sync finish its transaction (before locking)."""
        if self._sync is not None:
            self._sync.stop()

    def finish_building(self) -> None:
        """The second step: every page but Today, the sync, the supervisors' pages. Once;
        with a first reading already shown, the other pages get it too."""
        if self._built or self._building:
            return
        self._building = True
        self._awaiting_paint = False
        self._today_shown()  # the background import goes on, if it waited
        # The GUI thread imports nothing the background thread is importing (no two threads
        # each holding a module the other waits for): it waits for that thread instead.
        for thread in _page_importers():
            thread.join()
        try:
            self._build_pages()
        finally:
            self._building = False
        self._built = True
        self.today.removeEventFilter(self)
        if not self._today_first:
            return
        self.today.supervisor_comments.load(self.today_date())
        self.resume_dialog_draft()
        # The caseload page is filled in the next turn of the event loop (~0.15 s for 1,000
        # cases), so a click made meanwhile is not held up by both.
        QTimer.singleShot(0, self._fill_pages)

    def _fill_pages(self) -> None:
        """The second step's last part: the first reading on the other pages, then the sync."""
        if not self.book.is_open:
            return
        reading, self._reading = self._reading, None
        if reading is not None:  # not overtaken by a newer reading (``_loaded``)
            self._show_reading_elsewhere(reading)
            self.today.set_risk_words(self.case_page._band_label)
            self._first_load_done()
        if self._start_sync:
            self.sync.start()
        emit(self.built)

    def _build_pages(self) -> None:
        # The rest of the app, imported here (the shell has usually imported it already on
        # a background thread: PAGE_MODULES).
        from spokeapp.resources import load_risk_tool
        from spokeapp.sync.engine import SyncEngine
        from spokeapp.ui.reminders import shared_reminders
        from spokeapp.ui.sync_bridge import INTERACTIVE_PULL_LIMIT, SyncBridge
        from spokeapp.ui.text_limit import attach as attach_limit
        from spokeapp.ui.views.case_page import CasePage
        from spokeapp.ui.views.caseload import CaseloadPage
        from spokeapp.ui.views.outreach import OutreachPage
        from spokeapp.ui.views.referral import ReferralsPage
        from spokeapp.ui.views.session_form import SessionForm
        from spokeapp.ui.views.settings import SettingsPage
        from spokeapp.ui.views.sync_panel import SyncPanel
        from spokeapp.ui.views.visits import VisitsPage

        book, tasks, clock = self.book, self._tasks, self._clock
        if self._sync is None:
            self._sync = SyncBridge(
                SyncEngine(book, pull_limit=INTERACTIVE_PULL_LIMIT), clock=clock,
                read_now=False, parent=self,
            )
        sync = self._sync
        sync.wiped.connect(self.wiped)
        self._tool = self._tool or load_risk_tool()
        self._caseload = CaseloadPage(self.caseload_model, book, tasks, self)
        self._session_form = SessionForm(book, clock=clock, tasks=tasks, parent=self)
        for box in self._session_form.findChildren(QPlainTextEdit):
            attach_limit(box)  # the hub's limit shown as the note is typed (issue 17)
        self._case_page = CasePage(book, tasks, self._tool, today=self.today_date(),
                                   parent=self)
        self._referrals = ReferralsPage(book, tasks, self, today=self.today_date)
        self._outreach = OutreachPage(book, tasks, self)
        # Lone working; its reminders outlive this window (it is destroyed when Spoke locks).
        # Given what Today's first reading found (read off the GUI thread), not read again
        # here: this step runs from a timer, and the caseload of a thousand cases or a year
        # of visits is not read on the GUI thread (issue 18). Each later reading keeps its
        # cases current (``_show_reading_elsewhere``).
        first = self._reading
        self._visits = VisitsPage(
            book, tasks, clock=clock, sync=sync,
            reminders=self._reminders or shared_reminders(clock),
            cases=self._rows if first is not None else None,
            views=first.visits if first is not None else None,
            drafts=first.drafts if first is not None else None,
            parent=self,
        )
        self._settings = SettingsPage(book, tasks, idle_minutes=self._idle_minutes, parent=self)
        self._sync_page = SyncPanel(book, sync, clock=clock, parent=self)
        made = (
            self._caseload,
            self._session_form,
            self._case_page,
            self._referrals,
            self._outreach,
            self._visits,
            _scrolling(self._settings),  # the tallest page: it scrolls on a short screen
            self._sync_page,
        )
        for number, page in enumerate(made, start=TODAY + 1):
            self._put_page(number, page)

        self._show_sync_status(sync.current)
        sync.status_changed.connect(self._show_sync_status)
        sync.running_changed.connect(self._sync_running_changed)
        sync.finished.connect(self._sync_finished)
        self._sync_page.show_held.connect(self.show_held_records)
        self._visits.visits_changed.connect(
            lambda views: self.today.show_visits(views, clock()))
        self._visits.status.connect(self._show_status)
        self._settings.pins.changed.connect(self._visits.refresh)
        self._visits.pins_changed.connect(self._settings.refresh_pins)  # the same PINs
        self.today.show_visits(self._visits.views, clock())
        self._caseload.open_case.connect(self.open_case)
        self._session_form.status.connect(self._show_status)
        self._session_form.finalised.connect(self._session_finalised)
        page = self._case_page
        page.session_requested.connect(self.record_session_for)
        page.assessment_requested.connect(lambda case_id: self.assess(case_id))
        page.concern_requested.connect(self.raise_concern)
        page.consent_requested.connect(self.record_consent)
        page.file_requested.connect(self.share_file)
        page.amendment_requested.connect(self.amend)
        page.draft_requested.connect(self.open_draft)
        page.close_requested.connect(self.close_case)
        page.area_requested.connect(self.set_case_area)
        page.details_requested.connect(self.correct_details)
        page.caseload_button.clicked.connect(lambda: self.show_page(CASELOAD))
        self._referrals.open_referral.connect(self.open_referral)
        self._referrals.new_button.clicked.connect(self.new_referral)
        self._outreach.group_requested.connect(self.new_group)
        self._outreach.professional_requested.connect(self.new_professional)
        self._settings.idle_minutes_changed.connect(self.idle_minutes_changed)
        self.hide_names_action.toggled.connect(self._set_hide_names)
        self._caseload.hide_names.toggled.connect(self.hide_names_action.setChecked)
        # Everyone: the Reports page (issue 6), counted from this laptop's casebook.
        self._reports = self._add_reports()
        # Supervisors: Review and Team; supervisors and admins: the lone-working board, and its
        # alarms in the status bar. Added once the laptop is enrolled as one.
        sync.finished.connect(lambda _report: self._load_people())
        self._load_people()
        self._add_review_if_supervisor()
        self._add_board_if_supervisor()
        sync.status_changed.connect(self._add_review_if_supervisor)
        sync.status_changed.connect(self._add_board_if_supervisor)
        # Supervisors and admins: the hub's audit (issue 16); admins: the device report.
        self._add_audit_if_overseer()
        sync.status_changed.connect(self._add_audit_if_overseer)
        self.hide_names_action.setChecked(book.setting(HIDE_NAMES_SETTING) == "1")

    def _add_review_if_supervisor(self, _status: object = None) -> None:
        """Supervisors get the Review page (issue 6) once this laptop is enrolled as one."""
        if self._review is not None or not self.book.is_open:
            return
        account = self.sync.engine.store.account()
        if account is None or account.role != Role.SUPERVISOR:
            return
        from spokeapp.present.people import save_people
        from spokeapp.ui.views.board import team_names
        from spokeapp.ui.views.review import ReviewPage

        self._review = review = ReviewPage(self.book, self._tasks, clock=self._clock,
                                           parent=self)
        review.changed.connect(lambda case_id: self._changed(case_id))
        review.open_case.connect(self.open_case)
        review.set_hide_names(self.hide_names_action.isChecked())
        self.case_page.reassign_button.show()
        self.case_page.reassign_requested.connect(self.reassign)
        self._add_page(REVIEW_TITLE, review, REVIEW_KEYS)
        # Names rather than user ids, from the hub's team view when it can be reached, kept
        # in the casebook's name directory so they are there offline (present.people).
        book = self.book

        def names_known(names: dict[str, str]) -> None:
            self._tasks.write(lambda: save_people(book, names, account), self._people_known,
                              owner=self)

        self._tasks.submit(lambda: team_names(book), names_known, _offline_is_fine,
                           owner=review)
        self._add_team()
        review.refresh()

    def _load_people(self) -> None:
        """Read the name directory (and the enrolled account's own name) off the GUI thread."""
        if not self.book.is_open:
            return
        from spokeapp.present.people import load_people

        book, account = self.book, self.sync.engine.store.account()
        self._tasks.submit(lambda: load_people(book, account), self._people_known, owner=self)

    def _people_known(self, names: dict[str, str]) -> None:
        """Show names instead of user ids on every page that shows people."""
        if names == self.people and self.people:
            return  # nothing new (the usual case after a sync)
        first, self.people = not self.people, dict(names)
        account = self.sync.engine.store.account() if self.book.is_open else None
        # Not enrolled yet: the casebook's own author is this laptop's worker ("You").
        me = account.user_id if account else self.book.author if self.book.is_open else ""
        self.case_page.set_names(self.people, me=me)
        if self._review is not None:
            self._review.set_names(self.people)
        if first:  # the stored names, before the page first counts (it asks the hub later)
            self.reports.set_names(self.people)

    def _add_reports(self) -> ReportsPage:
        """Add the Reports page (Ctrl+0, for everyone)."""
        from spokeapp.sync.reports import fetch_report
        from spokeapp.ui.views.board import team_names
        from spokeapp.ui.views.reports import ReportsPage

        book = self.book
        page = ReportsPage(book, self._tasks, today=self.today_date,
                           account=self.sync.engine.store.account(),
                           hub_report=lambda period, scope: fetch_report(book, period, scope),
                           fetch_names=lambda: team_names(book), parent=self)
        self._put_page(REPORTS, page)  # in the place the first step kept for it
        return page

    def _add_team(self) -> None:
        """Supervisors: the team view (issue 6), counted on the hub and fetched when shown."""
        from spokeapp.sync.team import fetch_team
        from spokeapp.ui.views.team import TeamPage

        book = self.book
        self._team = TeamPage(self._tasks, lambda: fetch_team(book), clock=self._clock,
                              parent=self)
        self._add_page(TEAM_TITLE, self._team, TEAM_KEYS)

    def _add_page(self, source_title: str, page: QWidget, keys: str) -> None:
        """Add a page after the nine everyone has, with its own shortcut (Ctrl+1..9 are taken),
        shown in the navigation and in the Go menu like the others. ``source_title`` is one of
        this module's titles (``REVIEW_TITLE`` ...), translated here."""
        title = tr(source_title)
        index = self.pages.addWidget(page)  # pages are only ever added at the end
        shortcut = QKeySequence(keys)
        item = QListWidgetItem(title, self.nav)
        item.setData(SHORTCUT_ROLE, shown_key(keys))
        item.setToolTip(tr("{page} ({keys})").format(page=title, keys=item.data(SHORTCUT_ROLE)))
        action = QAction(title, self)
        action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: self.show_page(index))
        self.go_menu.addAction(action)
        self.page_actions.append(action)
        self._fit_nav()

    def _put_page(self, number: int, page: QWidget) -> None:
        """Put a page made by the second step in the place the first step kept for it."""
        placeholder = self.pages.widget(number)
        self.pages.insertWidget(number, page)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()

    def _fit_nav(self) -> None:
        """Wide enough for the longest title and its shortcut, at any scaling; maximised on
        a small screen (``NARROW_MAXIMISED``), for the longest title."""
        metrics = self.nav.fontMetrics()
        widest = titles = 0
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            keys = str(item.data(SHORTCUT_ROLE) or "")
            # Room for the board's waiting count, "(12)" (the board's row, by its page).
            board = self._board is not None and row == self.pages.indexOf(self._board)
            text = _board_title(99) if board else item.text()
            titles = max(titles, metrics.horizontalAdvance(text))
            widest = max(widest, metrics.horizontalAdvance(text) + metrics.horizontalAdvance(keys))
        self._nav_widths = (titles + 2 * metrics.height(), widest + 4 * metrics.height())
        self._size_nav()

    def _size_nav(self) -> None:
        delegate = self._nav_delegate
        if delegate is None:
            return
        filling = self.windowState() & (
            Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen)
        roomy = not filling or self.width() >= NARROW_MAXIMISED
        titles, whole = self._nav_widths
        if delegate.keys_shown != roomy:
            delegate.keys_shown = roomy
            self.nav.doItemsLayout()
        self.nav.setFixedWidth(whole if roomy else titles)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size_nav()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._size_nav()  # maximised or not, at the same size

    def _add_audit_if_overseer(self, _status: object = None) -> None:
        """Supervisors and admins get the Audit page (Ctrl+Shift+U) once enrolled as one;
        admins also its "Device report…" (a lost laptop)."""
        if self._audit is not None or not self.book.is_open:
            return
        from spokeapp.sync.case_views import REPORTING_ROLES
        from spokeapp.ui.views.audit import AuditPage, hub_audit

        account = self.sync.engine.store.account()
        if account is None or account.role not in REPORTING_ROLES:
            return
        self._audit = AuditPage(self._tasks, hub_audit(self.book), clock=self._clock,
                                admin=account.role == Role.ADMIN, parent=self)
        self._add_page(AUDIT_TITLE, self._audit, AUDIT_KEYS)

    def _add_board_if_supervisor(self, _status: object = None) -> None:
        """Supervisors and admins get the lone-working board (issue 5) once enrolled as one."""
        if self._board is not None or not self.book.is_open:
            return
        from spokeapp.sync.case_views import REPORTING_ROLES

        account = self.sync.engine.store.account()
        # The roles that oversee a team (supervisors, admins): the ones reporting case views.
        if account is None or account.role not in REPORTING_ROLES:
            return
        self.add_board()

    def add_board(self) -> BoardPage:
        """Add the lone-working board page (at the end, Ctrl+Shift+B) and start it."""
        from spokeapp.ui.views.board import BoardPage, team_names

        book = self.book
        board = BoardPage(
            book, self._tasks, clock=self._clock, sync=self.sync, parent=self,
            fetch_names=lambda: team_names(book),
        )
        self._board = board
        self._add_page(BOARD_TITLE, board, BOARD_KEYS)
        board.counts_changed.connect(self._show_board_counts)
        board.set_active(True)
        return board

    def show_board(self) -> None:
        if self.board is not None:
            self.show_page(self.pages.indexOf(self.board))

    def _show_board_counts(self, counts: Counts) -> None:
        """Alarms and overdue visits, noticed from any page: the board's navigation label and
        a button in the status bar that opens the board."""
        if self._board is None:
            return
        words = counts.words()
        waiting = counts.alarms + counts.overdue
        item = self.nav.item(self.pages.indexOf(self._board))
        if item is not None:
            item.setText(_board_title(waiting) if waiting else tr(BOARD_TITLE))
        if counts.debriefs:
            debriefs = tr.plural(counts.debriefs, "{n} welfare debrief to do",
                                 "{n} welfare debriefs to do")
            words = tr("{board}; {debriefs}").format(board=words, debriefs=debriefs) if words \
                else debriefs
        text = tr("Lone working: {words}").format(words=words)
        self.board_button.setText(text)
        self.board_button.setAccessibleName(
            tr("{text}. Open the lone-working board").format(text=text))
        self.board_button.setToolTip(
            tr("Open the lone-working board ({keys})").format(keys=shown_key(BOARD_KEYS)))
        self.board_button.setStyleSheet(
            "QPushButton { background: #b00020; color: #ffffff; font-weight: bold; }"
            if counts.alarms
            else "QPushButton { background: #f57c00; color: #000000; font-weight: bold; }"
            if waiting
            else ""  # only debriefs to do: an ordinary button, nothing is urgent
        )
        self.board_button.setVisible(bool(waiting or counts.debriefs))

    def _action(self, menu: Any, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def today_date(self) -> date:
        return self._clock().astimezone().date()

    # ------------------------------------------------------------------ pages
    def show_page(self, number: int) -> None:
        if number != TODAY:
            self.finish_building()
        self.nav.setCurrentRow(number)
        self.pages.setCurrentIndex(number)

    def _nav_changed(self, number: int) -> None:
        if number != TODAY:
            self.finish_building()  # another page chosen before the window was whole
        leaving = self.pages.currentWidget()
        form = self._session_form if self._built else None
        if form is not None and leaving is form and number != SESSION and form.dirty:
            # Leaving a half-written note never loses it: it is kept as a draft.
            form.save_draft(quiet=True)
            self._show_status(tr("Your session note was kept as a draft."))
        self.pages.setCurrentIndex(number)
        if not self._built:
            return
        if number == REFERRALS:
            self._referrals.refresh()
        elif self._review is not None and self.pages.widget(number) is self._review:
            self._review.refresh()
        elif number == OUTREACH:
            self._outreach.refresh()

    @property
    def current_page_title(self) -> str:
        item = self.nav.item(self.pages.currentIndex())
        return item.text() if item is not None else ""

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _set_hide_names(self, hide: bool) -> None:
        self.caseload.hide_names.setChecked(hide)
        self.session_form.set_cases(self._rows, hide_names=hide)
        self.case_page.set_hide_names(hide)
        if self._review is not None:
            self._review.set_hide_names(hide)
        book = self.book
        if book.is_open and (book.setting(HIDE_NAMES_SETTING) == "1") != hide:
            self._tasks.write(
                lambda: book.set_setting(HIDE_NAMES_SETTING, "1" if hide else "0"), owner=self
            )

    # ------------------------------------------------------------------ sync
    def _show_sync_status(self, status: SyncStatus | None) -> None:
        """The status bar and Today, from the bridge's one published status (issue 17);
        "Checking…" until the first reading (off the GUI thread) has finished (issue 18)."""
        if status is None:
            text = checking_words()
            self.today.show_sync(text, connect=False)
        else:
            from spokeapp.ui.views.sync_panel import status_summary

            text = status_summary(status, self._clock(), running=self._sync_running)
            self.today.show_sync(
                today_words(status), connect=not status.enrolled or status.can_enrol_again,
                status=status,
            )
        self.sync_label.setText(text)
        self.sync_label.setAccessibleName(tr("Sync: {status}").format(status=text))

    def _sync_running_changed(self, running: bool) -> None:
        self._sync_running = running
        if self.book.is_open:
            self._show_sync_status(self.sync.current)

    def show_sync_page(self) -> None:
        """The Sync page, with the keyboard where enrolling starts (Today's "Connect")."""
        self.show_page(SYNC)
        self.sync_page.focus_enrolment()

    def show_held_records(self) -> HeldRecordsView:
        """The held-back records and their way out (Sync page, "Show what is held back")."""
        from spokeapp.ui.views.held_records import HeldRecordsView

        view = HeldRecordsView(self.book, self.sync.engine.store, self._tasks, self)
        view.changed.connect(self.sync.refresh_status)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.setModal(True)
        view.show()
        return view

    def _sync_finished(self, report: SyncReport) -> None:
        if (report.pulled or report.purged) and self.book.is_open:
            self.refresh()  # records arrived from (or left for) the hub: show them
            case_id = self.case_page.case_id
            if case_id and self.book.records("case", case_id=case_id):
                # e.g. a supervisor's comment, or a returned closure reopening the case
                self.case_page.open_case(case_id)

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Reload the caseload, drafts and sync count off the GUI thread."""
        book = self.book
        self._tasks.submit(lambda: read_today(book), self._loaded, self._load_failed, owner=self)
        if not self._first_load:  # the first time, once the rows are in (_first_load_done)
            self.sync.refresh_status()  # something was saved: what waits may have changed
        self.today.supervisor_comments.load(self.today_date())
        if self._review is not None:
            self._review.refresh()

    def _first_load_done(self) -> None:
        """Today's first reading is in: now the sync status (they share the casebook's lock,
        and the worker waits for Today first; "Checking…" until then, issue 18)."""
        if self._first_load:
            self._first_load = False
            self.sync.refresh_status()

    def _loaded(self, reading: TodayReading) -> None:
        if not self.book.is_open:  # locked while loading; this window is on its way out
            return
        self._reading = None  # anything older is not shown any more
        self._rows = list(reading.rows)
        self._show_reading_elsewhere(reading)
        self.today.show_today(
            self._rows,
            self._clock(),
            drafts=reading.drafts,
            review_weeks=reading.review_weeks,
            risk_words=self.case_page._band_label,
        )
        self._first_load_done()

    def _show_reading_elsewhere(self, reading: TodayReading) -> None:
        """The caseload page, the session form's and the visit plan's cases (Today is given
        its own)."""
        self.caseload_model.set_rows(self._rows, review_weeks=reading.review_weeks,
                                     today=self.today_date())
        self.session_form.set_cases(self._rows, hide_names=self.hide_names_action.isChecked())
        self.visits.set_cases(self._rows)

    def _load_failed(self, error: BaseException) -> None:
        if not self.book.is_open:
            return
        self._first_load_done()
        if not isinstance(error, SpokeError):
            raise error
        self._show_status(str(error))

    def _changed(self, case_id: str | None = None, record_id: str | None = None) -> None:
        """Something was saved: refresh the lists and the open case."""
        self.refresh()
        if case_id and self.case_page.case_id == case_id:
            self.case_page.open_case(case_id, record_id)

    #: ``confirm_close(parent, items) -> True`` to close with unsent work. Tests replace it.
    confirm_close: Callable[[QWidget, list[str]], bool] = staticmethod(confirm_close)

    def unsent_items(self) -> list[str]:
        """What has not reached the hub, named: the worker's alarms, plans and check-ins,
        then a count of other records by kind."""
        if not self.book.is_open:
            return []
        items = unsent_words(load_visits(self.book, include_ended=True))
        if SyncStore(self.book).account() is None:
            # Not enrolled: nothing is ever sent, so asking about every note at every close
            # would only teach the worker to click past the question. Safety records are
            # still named (an alarm on a laptop with no hub has alerted nobody).
            return items
        records = {record_id: kind for record_id, kind in self.book.unsent_records().items()
                   if kind not in SAFETY_RECORD_KINDS}
        others: dict[str, int] = {}
        for kind in records.values():
            others[kind] = others.get(kind, 0) + 1
        if others:
            kinds = ", ".join(
                tr("{count} {kind}").format(count=i18n.number(n), kind=kind_label(kind).lower())
                for kind, n in sorted(others.items())
            )
            items.append(tr("Other records not sent yet: {kinds}").format(kinds=kinds))
        return items

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing with an alarm, a plan, a check-in or records not on the hub asks first."""
        try:
            items = self.unsent_items()
        except SpokeError:
            items = []
        if items and not type(self).confirm_close(self, items):
            event.ignore()
            return
        super().closeEvent(event)

    def save_drafts(self) -> None:
        """Called before locking: keep every unsaved draft, encrypted, in the casebook."""
        if not self._built:
            return  # only Today so far: nothing typed anywhere
        from spokeapp.ui.forms import RecordDialog
        from spokeapp.ui.views.risk_form import RiskAssessmentDialog

        if self.session_form.dirty and self.book.is_open:
            self.session_form.save_draft(quiet=True)
        if self.visits.dirty and self.book.is_open:
            self.visits.save_drafts()
        dialog = self.dialog
        if (
            isinstance(dialog, RiskAssessmentDialog)
            and shiboken6.isValid(dialog)
            and dialog.dirty
            and self.book.is_open
        ):
            dialog.save_draft()
        elif (
            isinstance(dialog, RecordDialog)
            and shiboken6.isValid(dialog)
            and dialog.draft_kind is not None
            and dialog.dirty
            and self.book.is_open
        ):
            # A half-typed referral, concern, amendment or outreach record: kept encrypted in
            # the casebook and opened again, as it was, after unlocking.
            self.book.set_setting(DIALOG_DRAFT_SETTING, json.dumps(dialog.draft()))

    def resume_dialog_draft(self) -> bool:
        """Open again the form that was half-typed when Spoke locked, if there was one."""
        raw = self.book.setting(DIALOG_DRAFT_SETTING)
        if not raw:
            return False
        from spokeapp.ui.forms import RecordDialog

        self.book.set_setting(DIALOG_DRAFT_SETTING, "")
        try:
            draft = json.loads(raw)
            kind, context = draft["kind"], draft.get("context", {})
            fields = draft.get("fields", {})
            openers: dict[str, Callable[[], None]] = {
                "referral": lambda: (
                    self.open_referral(context["referral_id"]) if context.get("referral_id")
                    else self.new_referral()
                ),
                "concern": lambda: self.raise_concern(context["case_id"]),
                "consent": lambda: self.record_consent(context["case_id"]),
                "young_person": lambda: self.correct_details(context["case_id"]),
                "amendment": lambda: self.amend(context["case_id"], context["record_id"]),
                "group_session": self.new_group,
                "professional_activity": self.new_professional,
            }
            openers[kind]()
        except (ValueError, KeyError, TypeError, SpokeError):
            self._show_status(tr("A half-typed form kept at lock could not be opened again."))
            return False
        dialog = self.dialog
        if isinstance(dialog, RecordDialog) and dialog.draft_kind == kind:
            dialog.restore_draft(fields)
            self._show_status(
                tr("The form you were typing in when Spoke locked is open again."))
            return True
        return False

    # ------------------------------------------------------------------ opening things
    def open_case(self, case_id: str, record_id: str = "") -> None:
        self.case_page.open_case(case_id, record_id or None)
        self.show_page(CASE)

    def open_draft(self, record_id: str) -> None:
        stored = self.book.get(record_id)
        record = stored.record
        if isinstance(record, Session):
            self.session_form.edit_draft(record)
            self.show_page(SESSION)
        elif isinstance(record, RiskAssessment):
            self.assess(record.case_id, draft=record)
        elif record.case_id:
            self.open_case(record.case_id, record_id)

    def record_session_for(self, case_id: str) -> None:
        self.session_form.start_for_case(case_id)
        self.show_page(SESSION)

    def _session_finalised(self, record_id: str) -> None:
        case_id = self.session_form_case_of(record_id)
        self._changed(case_id, record_id)

    def session_form_case_of(self, record_id: str) -> str | None:
        try:
            return self.book.get(record_id).record.case_id  # type: ignore[no-any-return]
        except SpokeError:
            return None

    def _show_dialog(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_referral(self) -> None:
        from spokeapp.ui.views.referral import ReferralDialog

        dialog = ReferralDialog(
            self.book, today=self.today_date(), parent=self, tasks=self._tasks
        )
        dialog.saved.connect(self._referral_saved)
        self._show_dialog(dialog)

    def open_referral(self, referral_id: str) -> None:
        from spokeapp.ui.views.referral import ReferralDialog

        referral = self.book.get(referral_id).record
        person = self.book.get(referral.young_person_id).record
        dialog = ReferralDialog(
            self.book, today=self.today_date(), referral=referral, person=person, parent=self,
            tasks=self._tasks,
        )
        dialog.saved.connect(self._referral_saved)
        self._show_dialog(dialog)

    def _referral_saved(self, _referral_id: str, case_id: str) -> None:
        self.refresh()
        self.referrals.refresh()
        if case_id:
            self._show_status(tr("Referral accepted: the case is open."))
            self.open_case(case_id)
        else:
            self._show_status(tr("Referral saved."))

    def assess(self, case_id: str, draft: RiskAssessment | None = None) -> None:
        from spokeapp.ui.views.risk_form import RiskAssessmentDialog

        records = self.case_page.data.records if self.case_page.case_id == case_id else []
        has_initial = (
            any(isinstance(s.record, RiskAssessment) and s.state == "final" for s in records)
            if records
            else self._has_assessment(case_id)
        )
        kind = AssessmentType.REVIEW if has_initial else AssessmentType.INITIAL
        dialog = RiskAssessmentDialog(
            self.book,
            self.tool,
            case_id,
            today=self.today_date(),
            assessment_type=kind,
            draft=draft,
            parent=self,
            tasks=self._tasks,
        )
        dialog.finalised.connect(lambda record_id: self._changed(case_id, record_id))
        dialog.draft_saved.connect(lambda record_id: self._changed(case_id, record_id))
        self._show_dialog(dialog)

    def _has_assessment(self, case_id: str) -> bool:
        return any(
            isinstance(s.record, RiskAssessment)
            for s in self.book.records("risk_assessment", case_id=case_id, state="final")
        )

    def raise_concern(self, case_id: str) -> None:
        from spokeapp.ui.views.record_dialogs import ConcernDialog

        dialog = ConcernDialog(
            self.book, case_id, today=self.today_date(), parent=self, tasks=self._tasks
        )
        dialog.saved.connect(lambda record_id: self._changed(case_id, record_id))
        self._show_dialog(dialog)

    def record_consent(self, case_id: str) -> None:
        """Record consent to share for the case, or withdraw the consent in force."""
        from spokeapp.present.consent import current_consent
        from spokeapp.ui.views.record_dialogs import ConsentDialog

        current = current_consent(
            self.book.records("consent", case_id=case_id, state="final")
        )
        dialog = ConsentDialog(
            self.book, case_id, today=self.today_date(), current=current, parent=self,
            tasks=self._tasks, hide_names=self.hide_names_action.isChecked(),
        )
        dialog.saved.connect(lambda record_id: self._changed(case_id, record_id))
        self._show_dialog(dialog)

    def share_file(self, case_id: str) -> None:
        """Share or export the young person's file (issue 16): a supervisor's or admin's from
        the hub, a worker's from this casebook; records the share."""
        from spokeapp.ui.views.subject_file import SubjectFileDialog, hub_fetcher

        account = self.sync.engine.store.account()
        from_hub = account is not None and account.role in (Role.SUPERVISOR, Role.ADMIN)
        dialog = SubjectFileDialog(
            self.book, case_id, today=self.today_date(), now=self._clock,
            user_id=account.user_id if account is not None else self.book.author,
            tasks=self._tasks, fetch_hub=hub_fetcher(self.book) if from_hub else None,
            parent=self,
        )
        dialog.saved.connect(lambda _path: self._changed(case_id))
        self._show_dialog(dialog)

    def pdf_of_hub_file(self) -> None:
        """The PDF of a young person's file written by ``spoke-hub requests bundle`` (a
        case's, or a referral's that never became a case)."""
        from spokeapp.ui.views.subject_file import HubFilePdfDialog

        self._show_dialog(HubFilePdfDialog(self.book, tasks=self._tasks, parent=self))

    def amend(self, case_id: str, record_id: str) -> None:
        from spokeapp.ui.views.record_dialogs import AmendmentDialog

        original = self.book.get(record_id).record
        text = self.case_page.describe_plain(original)
        dialog = AmendmentDialog(
            self.book, case_id, original, text, parent=self, tasks=self._tasks
        )
        dialog.saved.connect(lambda _id: self._changed(case_id, record_id))
        self._show_dialog(dialog)

    def correct_details(self, case_id: str) -> None:
        """Correct the young person's details: a new version of their record (issue 16)."""
        from spokeapp.ui.views.young_person_dialog import YoungPersonDialog

        case = self.book.get(case_id).record
        if not isinstance(case, Case):
            return
        person = self.book.get(case.young_person_id).record
        if not isinstance(person, YoungPerson):
            return
        dialog = YoungPersonDialog(
            self.book, person, case_id=case_id, today=self.today_date(), parent=self,
            tasks=self._tasks,
        )
        dialog.saved.connect(lambda _id: self._changed(case_id))
        self._show_dialog(dialog)

    def set_case_area(self, case_id: str) -> None:
        """Set or correct the case's local authority area (older cases have none)."""
        from spokeapp.present.areas import stored_areas
        from spokeapp.ui.views.area_choice import AreaDialog

        data = self.case_page.data
        if data is None or data.case.id != case_id:
            return
        dialog = AreaDialog(stored_areas(self.book), data.case.local_authority, parent=self)

        book, chosen = self.book, dialog.chosen

        def write(area: str | None) -> bool:
            case = book.get(case_id).record
            if isinstance(case, Case) and case.local_authority != area:
                book.save(dataclasses.replace(case, local_authority=area))
                return True
            return False

        def save() -> None:
            area = chosen()
            self._tasks.write(
                lambda: write(area),
                lambda changed: self._changed(case_id) if changed else None,
                owner=self, busy=(self.case_page.area_button,),
            )

        dialog.accepted.connect(save)
        self._show_dialog(dialog)

    def close_case(self, case_id: str) -> None:
        from spokeapp.ui.views.closure_wizard import ClosureWizard
        from spokeapp.ui.views.risk_form import RiskAssessmentDialog

        data = self.case_page.data
        if data is None or data.case.id != case_id:
            return

        def start_assessment(done: Callable[[str], None]) -> None:
            form = RiskAssessmentDialog(
                self.book,
                self.tool,
                case_id,
                today=self.today_date(),
                assessment_type=AssessmentType.CLOSURE,
                parent=wizard,
                tasks=self._tasks,
            )
            form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            form.finalised.connect(done)
            self.closing_assessment = form
            form.open()

        wizard = ClosureWizard(
            self.book,
            self.tool,
            data.case,
            data.records,
            today=self.today_date(),
            start_assessment=start_assessment,
            parent=self,
            tasks=self._tasks,
        )
        wizard.closed.connect(lambda closure_id: self._changed(case_id, closure_id))
        wizard.finished.connect(lambda _result: self._changed(case_id))
        self._show_dialog(wizard)

    def reassign(self, case_id: str) -> None:
        """Supervisors: give the open case to another worker in the team (issue 6)."""
        from spokeapp.ui.views.review import ReassignDialog

        data = self.case_page.data
        if data is None or data.case.id != case_id:
            return
        reference = data.person.reference if data.person else ""
        dialog = ReassignDialog(
            self.book, case_id, reference, data.case.key_worker, parent=self, tasks=self._tasks
        )
        dialog.reassigned.connect(lambda _id: self._changed(case_id))
        dialog.reassigned.connect(
            lambda _id: self._show_status(tr("Reassigned: the case moves at the next sync."))
        )
        self._show_dialog(dialog)

    def new_group(self) -> None:
        from spokeapp.ui.views.record_dialogs import GroupSessionDialog

        dialog = GroupSessionDialog(
            self.book, today=self.today_date(), parent=self, tasks=self._tasks
        )
        dialog.saved.connect(lambda _id: self.outreach.refresh())
        dialog.saved.connect(lambda _id: self.sync.refresh_status())
        dialog.saved.connect(lambda _id: self.show_page(OUTREACH))
        self._show_dialog(dialog)

    def new_professional(self) -> None:
        from spokeapp.ui.views.record_dialogs import ProfessionalActivityDialog

        dialog = ProfessionalActivityDialog(
            self.book, today=self.today_date(), parent=self, tasks=self._tasks
        )
        dialog.saved.connect(lambda _id: self.outreach.refresh())
        dialog.saved.connect(lambda _id: self.sync.refresh_status())
        dialog.saved.connect(lambda _id: self.show_page(OUTREACH))
        self._show_dialog(dialog)
