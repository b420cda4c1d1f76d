"""The Sync page: enrol this laptop with the hub, then see plainly what has gone through.

Before enrolment it asks for the hub's address and the one-time code an administrator gave
(``spoke-hub enrol``), and the certificate fingerprint for a hub on HTTPS. Afterwards it shows
the last successful upload and download separately, how many records wait, anything held or in
conflict, the last problem in plain words, and progress while a sync runs.

When the hub stops accepting the laptop's sign-in (reused, expired, revoked without wipe:
``SyncStatus.can_enrol_again``) the status page shows an "Enrol this laptop again" form: the
hub address filled in, a field for the new code, and plain words that nothing waiting is lost.
After it succeeds the ordinary status comes back and the waiting records are sent.

Every word comes from the bridge's one published status (``SyncBridge.current``, read off the
GUI thread when the window opens and after writes, syncs and network changes) through
:mod:`spokeapp.present.sync_words`, which the status bar and Today use too; until the first
reading the page says only "Checking…". Enter in any enrolment field enrols.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spokeapp.i18n import number, translator
from spokeapp.present.sync_words import (
    account_words,
    checking_words,
    status_summary,
    waiting_words,
    when_text,
)
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncReport, SyncStatus
from spokeapp.ui.signals import emit
from spokeapp.ui.sync_bridge import SyncBridge
from spokeapp.ui.views.conflicts import ConflictQueue
from spokeapp.ui.widgets import (
    REFRESH_KEY,
    Message,
    heading,
    paragraph,
    refresh_shortcut,
    shown_key,
)

tr = translator(__name__)

PHASES = {
    "safety": tr.noop("Sending safety records first"),
    "upload": tr.noop("Uploading your records"),
    "reupload": tr.noop("Sending everything again to a restored hub"),
    "download": tr.noop("Downloading updates"),
    "attachments": tr.noop("Sending and fetching documents"),
}


#: The page shown until the first status is read (after the enrolment form and the status).
CHECKING_PAGE = 2

__all__ = ["CHECKING_PAGE", "PHASES", "SyncPanel", "status_summary", "when_text"]


class SyncPanel(QWidget):
    """Enrolment form, or the sync status with a Sync now button."""

    #: "Show what is held back" was pressed: the window opens the held records view.
    show_held = Signal()

    def __init__(
        self,
        book: Casebook,
        bridge: SyncBridge,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._bridge = bridge
        self._clock = clock
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._enrol_page())
        self.pages.addWidget(self._status_page())
        # Until the bridge's first reading (off the GUI thread) is in: neither the enrolment
        # form nor a status that could be wrong (issue 18).
        self.checking = QLabel(checking_words(), self)
        self.checking.setAccessibleName(tr("Sync status"))
        self.checking.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.pages.addWidget(self.checking)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Sync with your hub"), self))
        layout.addWidget(self.pages)
        bridge.status_changed.connect(self.show_status)
        bridge.progress.connect(self._progress)
        bridge.running_changed.connect(self._running)
        bridge.finished.connect(self._finished)
        bridge.enrol_failed.connect(self._enrol_failed)
        self.show_status(bridge.current)

    # ------------------------------------------------------------------ enrolment page
    def _enrol_page(self) -> QWidget:
        page = QWidget(self)
        self.hub_url = QLineEdit(page)
        self.hub_url.setPlaceholderText(tr("https://hub.example-charity.org.uk:8470"))
        self.hub_url.setAccessibleName(tr("Hub address"))
        self.code = QLineEdit(page)
        self.code.setAccessibleName(tr("Enrolment code"))
        self.fingerprint = QLineEdit(page)
        self.fingerprint.setAccessibleName(tr("Hub certificate fingerprint"))
        self.fingerprint.setPlaceholderText(tr("Only for https: given with the code"))
        form = QFormLayout()
        for text, field in (
            (tr("Hub &address:"), self.hub_url),
            (tr("Enrolment &code:"), self.code),
            (tr("Certificate &fingerprint:"), self.fingerprint),
        ):
            label = QLabel(text, page)
            label.setBuddy(field)
            form.addRow(label, field)
            field.returnPressed.connect(self._enrol_clicked)  # Enter enrols (issue 17)
        self.enrol_button = QPushButton(tr("&Enrol this laptop"), page)
        self.enrol_button.setAccessibleName(tr("Enrol this laptop"))
        self.enrol_button.clicked.connect(self._enrol_clicked)
        self.enrol_message = Message(page, name=tr("Enrolment message"))
        layout = QVBoxLayout(page)
        layout.addWidget(paragraph(tr(
            "This laptop is not connected to a hub yet, so your records stay only here. Ask your "
            "hub administrator for an enrolment code (it works once, for 24 hours), then enter "
            "it with the hub's address."), page))
        layout.addLayout(form)
        layout.addWidget(self.enrol_message)
        layout.addWidget(self.enrol_button, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        return page

    def _enrol_clicked(self) -> None:
        url, code = self.hub_url.text().strip(), self.code.text().strip()
        if not url or not code:
            self.enrol_message.show_error(
                tr("Enter the hub's address and your enrolment code."))
            (self.code if url else self.hub_url).setFocus()
            return
        if not self.enrol_button.isEnabled():
            return  # already enrolling (Enter pressed twice)
        self.enrol_button.setEnabled(False)
        self.enrol_message.show_info(tr("Enrolling…"))
        self._bridge.enrol(url, code, self.fingerprint.text().strip() or None)

    def _enrol_failed(self, message: str) -> None:
        if self.pages.currentIndex() == 1:  # enrolling again, from the status page
            self.again_button.setEnabled(True)
            self.again_message.show_error(message)
            return
        self.enrol_button.setEnabled(True)
        self.enrol_message.show_error(message)

    # ------------------------------------------------------------------ status page
    def _status_page(self) -> QWidget:
        page = QWidget(self)
        self.account = QLabel(page)
        self.account.setWordWrap(True)
        self.last_upload = QLabel(page)
        self.last_download = QLabel(page)
        self.waiting = QLabel(page)
        self.held = QLabel(page)
        self.held_button = QPushButton(tr("Sh&ow what is held back…"), page)
        self.held_button.setAccessibleName(tr("Show what is held back"))
        self.held_button.clicked.connect(lambda: emit(self.show_held))
        self.held_button.hide()
        self.conflicts = QLabel(page)
        self.problem = Message(page, name=tr("Last sync problem"))
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setAccessibleName(tr("Sync progress"))
        self.progress_bar.hide()
        self.phase = QLabel(page)
        self.sync_button = QPushButton(tr("Sync &now"), page)
        # Alt+N (its letter) or F5 on this page. Not Ctrl+Shift+S: that is the Record menu's
        # "Session note", and a key bound twice in one window does nothing at all.
        refresh_shortcut(page, self.sync_button.click)
        self.sync_button.setToolTip(tr("Sync now ({key})").format(
            key=shown_key(REFRESH_KEY)))
        self.sync_button.setAccessibleName(tr("Sync now"))
        self.sync_button.clicked.connect(self._bridge.sync_now)
        form = QFormLayout()
        for text, name, label in (
            (tr("Last upload:"), tr("Last upload"), self.last_upload),
            (tr("Last download:"), tr("Last download"), self.last_download),
            (tr("Waiting to upload:"), tr("Waiting to upload"), self.waiting),
            (tr("Held back:"), tr("Held back"), self.held),
            (tr("Conflicts to resolve:"), tr("Conflicts to resolve"), self.conflicts),
        ):
            label.setAccessibleName(name)
            form.addRow(text, label)
        held_row = form.getWidgetPosition(self.held)
        assert isinstance(held_row, tuple)
        held_line = QHBoxLayout()
        held_line.addWidget(self.held_button)
        held_line.addStretch(1)
        form.insertRow(int(held_row[0]) + 1, "", held_line)
        # Each open conflict with both values, who wrote them and when (issue 6).
        self.conflict_box = QGroupBox(tr("Conflicts to resolve"), page)
        self.conflict_box.setAccessibleName(tr("Conflicts to resolve"))
        self.conflict_queue = ConflictQueue(
            self._book, self._bridge.engine, self.conflict_box
        )
        self.conflict_queue.resolved.connect(self._conflict_resolved)
        QVBoxLayout(self.conflict_box).addWidget(self.conflict_queue)
        layout = QVBoxLayout(page)
        layout.addWidget(self.account)
        layout.addWidget(self._enrol_again_box(page))
        layout.addLayout(form)
        layout.addWidget(self.conflict_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.phase)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.sync_button, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        return page

    # ------------------------------------------------------------------ enrolling again
    def _enrol_again_box(self, page: QWidget) -> QGroupBox:
        """Shown only when the hub no longer accepts this laptop's sign-in."""
        box = QGroupBox(tr("Enrol this laptop again"), page)
        box.setAccessibleName(tr("Enrol this laptop again"))
        self.again_reason = Message(box, name=tr("Why this laptop must be enrolled again"))
        self.again_words = paragraph("", box)
        self.again_words.setAccessibleName(tr("What happens to your records"))
        self.again_url = QLineEdit(box)
        self.again_url.setAccessibleName(tr("Hub address"))
        self.again_code = QLineEdit(box)
        self.again_code.setAccessibleName(tr("New enrolment code"))
        self.again_code.setPlaceholderText(tr("e.g. 7Q2M-XK4D-9HTW-B3ZR"))
        self.again_code.returnPressed.connect(self._enrol_again_clicked)
        self.again_fingerprint = QLineEdit(box)
        self.again_fingerprint.setAccessibleName(tr("Hub certificate fingerprint"))
        self.again_fingerprint.setPlaceholderText(tr("Only for https: given with the code"))
        form = QFormLayout()
        for text, field in (
            (tr("Hub &address:"), self.again_url),
            (tr("New enrolment &code:"), self.again_code),
            (tr("Certificate &fingerprint:"), self.again_fingerprint),
        ):
            label = QLabel(text, box)
            label.setBuddy(field)
            form.addRow(label, field)
        for field in (self.again_url, self.again_fingerprint):
            field.returnPressed.connect(self._enrol_again_clicked)
        self.again_button = QPushButton(tr("&Enrol this laptop again"), box)
        self.again_button.setAccessibleName(tr("Enrol this laptop again"))
        self.again_button.clicked.connect(self._enrol_again_clicked)
        self.again_message = Message(box, name=tr("Enrol again message"))
        layout = QVBoxLayout(box)
        layout.addWidget(self.again_reason)
        layout.addWidget(self.again_words)
        layout.addLayout(form)
        layout.addWidget(self.again_message)
        layout.addWidget(self.again_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.again_box = box
        box.hide()
        return box

    def _show_enrol_again(self, status: SyncStatus) -> None:
        # The hub's reason (reused, expired, revoked) says why; the rest what to do.
        self.again_reason.show_error(
            status.last_error or tr("The hub no longer accepts this laptop's sign-in.")
        )
        self.again_words.setText(
            tr.plural(
                status.waiting,
                "The {n} record waiting to upload stays safe on this laptop and will be sent as "
                "soon as it is enrolled again. Enter the new enrolment code (it must be in your "
                "own name); the hub address is filled in. Your casebook and passphrase stay as "
                "they are.",
                "The {n} records waiting to upload stay safe on this laptop and will be sent as "
                "soon as it is enrolled again. Enter the new enrolment code (it must be in your "
                "own name); the hub address is filled in. Your casebook and passphrase stay as "
                "they are.",
            )
            if status.waiting else
            tr("Nothing on this laptop is lost. Enter the new enrolment code (it must be in "
               "your own name); the hub address is filled in. Your casebook and passphrase "
               "stay as they are.")
        )
        if not self.again_box.isVisible() or not self.again_url.text():
            self.again_url.setText(status.hub_url or "")
            self.again_fingerprint.setText(status.hub_fingerprint or "")
        self.again_box.show()

    def focus_enrolment(self) -> None:
        """The keyboard where enrolling starts: the hub address, or the new code."""
        if self.pages.currentIndex() == 0:
            self.hub_url.setFocus()
        elif self.again_box.isVisible():
            self.again_code.setFocus()

    def _enrol_again_clicked(self) -> None:
        url, code = self.again_url.text().strip(), self.again_code.text().strip()
        if not url or not code:
            self.again_message.show_error(
                tr("Enter the new enrolment code (and the hub's address)."))
            self.again_code.setFocus()
            return
        if not self.again_button.isEnabled():
            return  # already enrolling (Enter pressed twice)
        self.again_button.setEnabled(False)
        self.again_message.show_info(tr("Enrolling this laptop again…"))
        self._bridge.enrol(url, code, self.again_fingerprint.text().strip() or None)

    def show_status(self, status: SyncStatus | None) -> None:
        """Show ``status``; None (not read yet) says "Checking…"."""
        now = self._clock()
        if status is None:
            self.pages.setCurrentIndex(CHECKING_PAGE)
            return
        if not status.enrolled:
            self.pages.setCurrentIndex(0)
            return
        self.pages.setCurrentIndex(1)
        self.account.setText(account_words(status))
        if status.can_enrol_again:
            self._show_enrol_again(status)
        elif self.again_box.isVisible():
            self.again_box.hide()
            self.again_code.clear()
            self.again_message.clear_message()
            self.again_button.setEnabled(True)
        self.last_upload.setText(when_text(status.last_upload, now))
        self.last_download.setText(when_text(status.last_download, now))
        self.waiting.setText(waiting_words(status))
        self.held.setText(
            tr("none") if status.held == 0
            else tr.plural(status.held,
                           "{n} record the hub would not take, kept safe on this laptop",
                           "{n} records the hub would not take, kept safe on this laptop")
        )
        self.held_button.setVisible(status.held > 0)
        self.conflicts.setText(
            number(status.open_conflicts) if status.open_conflicts else tr("none"))
        self.conflict_box.setVisible(bool(status.open_conflicts))
        if status.open_conflicts and not self._bridge.running:
            self.conflict_queue.refresh()
        if status.last_error and status.can_enrol_again:
            self.problem.clear_message()  # said in the "Enrol this laptop again" box
        elif status.last_error:
            self.problem.show_error(tr("Last sync: {problem}").format(problem=status.last_error))
        elif status.notice:
            self.problem.show_info(status.notice)
        else:
            self.problem.clear_message()

    def _conflict_resolved(self, _record_id: str) -> None:
        self._bridge.sync_now()  # the decision goes to the hub (and everyone) straight away

    def _progress(self, phase: str, done: int, total: int) -> None:
        if not self._bridge.running:
            return  # a late word from a sync already over: "Downloading 100%" would stay up
        self.phase.setText(tr(PHASES[phase]) if phase in PHASES else phase)
        self.progress_bar.setMaximum(max(total, 1))
        self.progress_bar.setValue(min(done, max(total, 1)))
        self.progress_bar.show()

    def _running(self, running: bool) -> None:
        self.sync_button.setEnabled(not running)
        if running:
            self.phase.setText(tr("Syncing…"))
        else:
            self.progress_bar.hide()
            self.phase.setText("")

    def _finished(self, report: SyncReport) -> None:
        self.show_status(self._bridge.current)

    def showEvent(self, event: QShowEvent) -> None:
        """"5 minutes ago" is said afresh whenever the page is looked at (no database read)."""
        super().showEvent(event)
        self.show_status(self._bridge.current)
