"""The main window, shown only while the casebook is unlocked.

Navigation on the left (Today, Caseload, Record a session, Settings; Ctrl+1 to Ctrl+4), the page
on the right, and a status bar with "Lock now" (Ctrl+L). The window is destroyed when Spoke
locks, so nothing personal stays on screen; the shell builds a fresh one after unlocking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.store.casebook import CaseloadRow
from spokeapp.ui.models.caseload import CaseloadModel
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.caseload import CaseloadPage
from spokeapp.ui.views.session_form import SessionForm
from spokeapp.ui.views.settings import SettingsPage
from spokeapp.ui.views.today import TodayPage

PAGES = ("Today", "Caseload", "Record a session", "Settings")
SHORTCUT_ROLE = Qt.ItemDataRole.UserRole + 10
HIDE_NAMES_SETTING = "hide_names"


class _NavDelegate(QStyledItemDelegate):
    """Draws each page's keyboard shortcut, muted, at the right of the navigation item."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        shortcut = index.data(SHORTCUT_ROLE)
        if not shortcut:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        group = QPalette.ColorGroup.Active
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(group, role))  # type: ignore[attr-defined]
        rect: QRect = option.rect.adjusted(0, 0, -10, 0)  # type: ignore[attr-defined]
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, align, shortcut)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 70, max(size.height(), 34))


class MainWindow(QMainWindow):
    """Everything a worker does while unlocked. Emits ``lock_requested`` for "Lock now"."""

    lock_requested = Signal()
    idle_minutes_changed = Signal(int)

    def __init__(
        self,
        book: Any,
        tasks: TaskRunner,
        *,
        clock: Callable[[], datetime],
        idle_minutes: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book
        self._tasks = tasks
        self._clock = clock
        self._rows: list[CaseloadRow] = []
        self.setWindowTitle("Spoke")
        self.resize(1000, 680)

        self.caseload_model = CaseloadModel(self)
        self.today = TodayPage(self)
        self.caseload = CaseloadPage(self.caseload_model, self)
        self.session_form = SessionForm(book, clock=clock, parent=self)
        self.settings = SettingsPage(book, tasks, idle_minutes=idle_minutes, parent=self)

        self.nav = QListWidget(self)
        self.nav.setAccessibleName("Pages")
        self.nav.setItemDelegate(_NavDelegate(self.nav))
        self.nav.setFixedWidth(210)
        self.pages = QStackedWidget(self)
        self.page_actions: list[QAction] = []
        go_menu = self.menuBar().addMenu("&Go")
        for number, (title, page) in enumerate(
            zip(PAGES, (self.today, self.caseload, self.session_form, self.settings), strict=True),
            start=1,
        ):
            shortcut = QKeySequence(f"Ctrl+{number}")
            item = QListWidgetItem(title, self.nav)
            item.setData(SHORTCUT_ROLE, shortcut.toString(QKeySequence.SequenceFormat.NativeText))
            item.setToolTip(f"{title} ({item.data(SHORTCUT_ROLE)})")
            self.pages.addWidget(page)
            action = QAction(title, self)
            action.setShortcut(shortcut)
            action.triggered.connect(lambda _checked=False, n=number - 1: self.show_page(n))
            go_menu.addAction(action)
            self.page_actions.append(action)

        spoke_menu = self.menuBar().addMenu("&Spoke")
        self.lock_action = QAction("&Lock now", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_requested)
        spoke_menu.addAction(self.lock_action)
        view_menu = self.menuBar().addMenu("&View")
        self.hide_names_action = QAction("&Hide names", self)
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

        self.state_label = QLabel("Casebook unlocked", self)
        self.state_label.setAccessibleName("Casebook unlocked")
        self.lock_button = QPushButton("Lock now (Ctrl+L)", self)
        self.lock_button.setAccessibleName("Lock now")
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.lock_button.clicked.connect(self.lock_requested)
        self.statusBar().addPermanentWidget(self.state_label)
        self.statusBar().addPermanentWidget(self.lock_button)

        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.today.record_button.clicked.connect(lambda: self.show_page(2))
        self.today.caseload_button.clicked.connect(lambda: self.show_page(1))
        self.session_form.status.connect(self._show_status)
        self.session_form.finalised.connect(lambda _id: self.refresh())
        self.settings.idle_minutes_changed.connect(self.idle_minutes_changed)
        self.hide_names_action.toggled.connect(self._set_hide_names)
        self.caseload.hide_names.toggled.connect(self.hide_names_action.setChecked)
        QWidget.setTabOrder(self.nav, self.pages)

        self.hide_names_action.setChecked(book.setting(HIDE_NAMES_SETTING) == "1")
        self.show_page(0)
        self.refresh()

    # ------------------------------------------------------------------ pages
    def show_page(self, number: int) -> None:
        self.nav.setCurrentRow(number)
        self.pages.setCurrentIndex(number)

    @property
    def current_page_title(self) -> str:
        return PAGES[self.pages.currentIndex()]

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _set_hide_names(self, hide: bool) -> None:
        self.caseload.hide_names.setChecked(hide)
        self.session_form.set_cases(self._rows, hide_names=hide)
        if self.book.is_open and (self.book.setting(HIDE_NAMES_SETTING) == "1") != hide:
            self.book.set_setting(HIDE_NAMES_SETTING, "1" if hide else "0")

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Reload the caseload off the GUI thread."""
        book = self.book
        self._tasks.submit(book.caseload, self._caseload_loaded, self._load_failed, owner=self)

    def _caseload_loaded(self, rows: Sequence[CaseloadRow]) -> None:
        if not self.book.is_open:  # locked while loading; this window is on its way out
            return
        self._rows = list(rows)
        self.caseload_model.set_rows(self._rows)
        self.session_form.set_cases(self._rows, hide_names=self.hide_names_action.isChecked())
        self.today.show_caseload(self._rows, self._clock())

    def _load_failed(self, error: BaseException) -> None:
        if not self.book.is_open:
            return
        if not isinstance(error, SpokeError):
            raise error
        self._show_status(str(error))

    def save_drafts(self) -> None:
        """Called before locking: keep every unsaved draft, encrypted, in the casebook."""
        if self.session_form.dirty and self.book.is_open:
            self.session_form.save_draft(quiet=True)
