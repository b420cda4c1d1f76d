"""Settings: how soon Spoke locks itself, changing the passphrase, giving the casebook a new
key (:mod:`spokeapp.ui.views.key_renewal`), the check-in and duress
PINs for lone working (:mod:`spokeapp.ui.views.visit_pins`), and which Spoke this is (with a
notice when the hub's administrator has approved a newer one: spokeapp.present.release)."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.present.passphrase import passphrase_problem
from spokeapp.present.release import running_version, update_notice, version_line
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import RELEASE_SETTING
from spokeapp.ui.forms import ASK_FINALISE_SETTING
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.key_renewal import KeyRenewalBox
from spokeapp.ui.views.visit_pins import PinSetup
from spokeapp.ui.widgets import Message, PassphraseEdit, StrengthMeter, heading, paragraph

tr = translator(__name__)

IDLE_SETTING = "idle_lock_minutes"


class SettingsPage(QWidget):
    """Emits ``idle_minutes_changed(minutes)`` when the worker changes the lock time."""

    idle_minutes_changed = Signal(int)

    def __init__(
        self, book: Casebook, tasks: TaskRunner, *, idle_minutes: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._tasks = tasks

        lock_box = QGroupBox(tr("Locking"), self)
        self.idle_minutes = QSpinBox(lock_box)
        self.idle_minutes.setRange(1, 60)
        self.idle_minutes.setSuffix(tr(" minutes"))
        self.idle_minutes.setValue(idle_minutes)
        self.idle_minutes.setMaximumWidth(160)
        self.idle_minutes.setAccessibleName(tr("Lock after this many minutes without use"))
        idle_label = QLabel(tr("&Lock Spoke after:"), lock_box)
        idle_label.setBuddy(self.idle_minutes)
        lock_form = QFormLayout(lock_box)
        lock_form.addRow(
            paragraph(
                tr("Spoke locks itself when you leave it alone for a while, and whenever the "
                   "laptop goes to sleep. Your drafts are saved first."),
                lock_box,
            )
        )
        lock_form.addRow(idle_label, self.idle_minutes)

        records_box = QGroupBox(tr("Finalising records"), self)
        self.ask_finalise = QCheckBox(
            tr("Ask &before finalising a record (a finalised record cannot be changed)"),
            records_box)
        self.ask_finalise.setAccessibleName(tr("Ask before finalising a record"))
        self.ask_finalise.setChecked(book.setting(ASK_FINALISE_SETTING) != "no")
        QVBoxLayout(records_box).addWidget(self.ask_finalise)

        pass_box = QGroupBox(tr("Change your passphrase"), self)
        self.current = PassphraseEdit(tr("Current passphrase"), pass_box)
        self.new = PassphraseEdit(tr("New passphrase"), pass_box)
        self.meter = StrengthMeter(pass_box)
        self.confirm = PassphraseEdit(tr("Type the new passphrase again"), pass_box)
        self.message = Message(pass_box, name=tr("Passphrase change result"))
        self.change_button = QPushButton(tr("C&hange passphrase"), pass_box)
        self.change_button.setAccessibleName(tr("Change passphrase"))
        pass_form = QFormLayout(pass_box)
        pass_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (
            (tr("&Current passphrase:"), self.current),
            (tr("&New passphrase:"), self.new),
            ("", self.meter),
            (tr("&Type it again:"), self.confirm),
        ):
            if not text:
                pass_form.addRow("", field)
                continue
            label = QLabel(text, pass_box)
            label.setBuddy(field)
            pass_form.addRow(label, field)
        pass_form.addRow(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.change_button)
        pass_form.addRow(row)

        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Settings"), self))
        layout.addWidget(lock_box)
        layout.addWidget(records_box)
        layout.addWidget(pass_box)
        self.key_renewal = KeyRenewalBox(book, tasks, self)
        layout.addWidget(self.key_renewal)
        self.pins = PinSetup(book, self, tasks=tasks)
        layout.addWidget(self.pins)
        version_box = QGroupBox(tr("Spoke version"), self)
        self._running = running_version()
        self.version = paragraph(version_line(self._running), version_box)
        self.update_notice = paragraph("", version_box)
        self.update_notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.update_notice.setAccessibleName(tr("Newer Spoke approved"))
        self.update_notice.hide()
        version_layout = QVBoxLayout(version_box)
        version_layout.addWidget(self.version)
        version_layout.addWidget(self.update_notice)
        layout.addWidget(version_box)
        layout.addStretch(1)

        self.idle_minutes.valueChanged.connect(self._idle_changed)
        self.ask_finalise.toggled.connect(self._ask_finalise_toggled)
        self.new.textChanged.connect(self.meter.update_for)
        self.change_button.clicked.connect(self._change_clicked)
        self.confirm.returnPressed.connect(self.change_button.click)
        order = [self.idle_minutes, self.ask_finalise, self.current, self.new, self.confirm,
                 self.change_button, self.key_renewal.passphrase, self.key_renewal.renew_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def showEvent(self, event: QShowEvent) -> None:
        """"Don't ask again" may have been ticked in a finalise question since: show it."""
        super().showEvent(event)
        asking = self._book.setting(ASK_FINALISE_SETTING) != "no"
        if self.ask_finalise.isChecked() != asking:
            self.ask_finalise.blockSignals(True)
            self.ask_finalise.setChecked(asking)
            self.ask_finalise.blockSignals(False)
        self.show_release()

    def show_release(self) -> None:
        """The notice when the hub (at the last sync) approves a newer Spoke than this one."""
        notice = update_notice(self._book.setting(RELEASE_SETTING), self._running)
        self.update_notice.setText(notice or "")
        self.update_notice.setVisible(notice is not None)

    def _ask_finalise_toggled(self, ask: bool) -> None:
        book, value = self._book, "yes" if ask else "no"
        self._tasks.write(lambda: book.set_setting(ASK_FINALISE_SETTING, value), owner=self)

    def refresh_pins(self) -> None:
        """The PINs changed elsewhere (the Visits page's PIN box): say so here at once."""
        self.pins.show_status()

    def _idle_changed(self, minutes: int) -> None:
        book = self._book
        self._tasks.write(lambda: book.set_setting(IDLE_SETTING, str(minutes)), owner=self)
        emit(self.idle_minutes_changed, minutes)

    def _change_clicked(self) -> None:
        old, new = self.current.text(), self.new.text()
        if not old:
            self.message.show_error(tr("Type your current passphrase first."))
            self.current.setFocus()
            return
        problem = passphrase_problem(new, self.confirm.text())
        if problem:
            self.message.show_error(problem)
            self.new.setFocus()
            return
        self.message.show_info(tr("Changing your passphrase…"))
        book = self._book
        self._tasks.write(lambda: book.change_passphrase(old, new), self._changed, self._failed,
                          owner=self, busy=(self.change_button,))

    def _changed(self, _result: object) -> None:
        for field in (self.current, self.new, self.confirm):
            field.clear()
        self.message.show_info(tr(
            "Your passphrase has been changed. Use the new one next time you unlock Spoke."
        ))

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, SpokeError):
            raise error
        self.message.show_error(str(error))
        self.current.setFocus()
