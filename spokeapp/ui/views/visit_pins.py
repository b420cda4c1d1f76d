"""The box that sets up the check-in PIN and the duress PIN (Settings, or the Visits page).

What the PINs mean, how a typed PIN is checked and how they are stored (salted scrypt hashes,
never the PINs) is :mod:`spokeapp.present.pins` (re-exported here): every check-in asks for a
PIN once both are set up, and the duress PIN looks exactly like the check-in PIN on screen.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.present.pins import (
    CHECK_IN_PIN_SETTING,
    DURESS_PIN_SETTING,
    MAX_PIN_DIGITS,
    MIN_PIN_DIGITS,
    PinResult,
    check_pin,
    hash_pin,
    pin_matches,
    pin_problem,
    pins_set_up,
    remove_pins,
    save_pins,
)
from spokeapp.store.casebook import Casebook
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, paragraph

__all__ = [
    "CHECK_IN_PIN_SETTING", "DURESS_PIN_SETTING", "MAX_PIN_DIGITS", "MIN_PIN_DIGITS", "PinResult",
    "PinSetup", "check_pin", "hash_pin", "pin_matches", "pin_problem", "pins_set_up",
]

tr = translator(__name__)


def _pin_edit(name: str, parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(MAX_PIN_DIGITS)
    edit.setAccessibleName(name)
    edit.setMaximumWidth(edit.fontMetrics().averageCharWidth() * 20)
    return edit


class PinSetup(QGroupBox):
    """Set up, change or remove the check-in and duress PINs. Emits ``changed`` on save."""

    changed = Signal()

    def __init__(self, book: Casebook, parent: QWidget | None, *, tasks: TaskRunner) -> None:
        super().__init__(tr("Check-in and duress PINs"), parent)
        self.setAccessibleName(tr("Check-in and duress PINs"))
        self._book = book
        #: Saves off the GUI thread (the Settings or Visits page's runner), buttons held.
        self._tasks = tasks
        self._saving = False
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("PIN status"))
        self.pin = _pin_edit(tr("Check-in PIN"), self)
        self.pin_again = _pin_edit(tr("Check-in PIN again"), self)
        self.duress = _pin_edit(tr("Duress PIN"), self)
        self.duress_again = _pin_edit(tr("Duress PIN again"), self)
        self.message = Message(self, name=tr("PIN setup result"))
        self.save_button = QPushButton(tr("Save &PINs"), self)
        self.save_button.setAccessibleName(tr("Save PINs"))
        self.remove_button = QPushButton(tr("Re&move PINs"), self)
        self.remove_button.setAccessibleName(tr("Remove PINs"))
        # Never what Enter presses: in the Visits page's box, the first button in the tab
        # order became the dialog's Enter button, so Enter while typing a new PIN removed
        # both PINs (the duress PIN with them). Enter saves; removing is a click.
        self.remove_button.setAutoDefault(False)

        form = QFormLayout(self)
        form.addRow(
            paragraph(
                tr("With PINs set up, every check-in asks for your PIN. If someone is forcing "
                   "you to check in, type your duress PIN instead: the screen looks exactly "
                   "like an ordinary check-in, and the hub silently alerts your manager at "
                   "once. PINs are {least} to {most} digits; Spoke keeps only a scrambled form "
                   "of them.").format(least=MIN_PIN_DIGITS, most=MAX_PIN_DIGITS),
                self,
            )
        )
        form.addRow(self.status)
        for text, field in (
            (tr("Check-&in PIN:"), self.pin),
            (tr("Check-in PIN &again:"), self.pin_again),
            (tr("&Duress PIN:"), self.duress),
            (tr("Dur&ess PIN again:"), self.duress_again),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        row.addWidget(self.save_button)
        form.addRow(row)

        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.duress_again.returnPressed.connect(self.save_button.click)
        order = [
            self.pin, self.pin_again, self.duress, self.duress_again,
            self.remove_button, self.save_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.show_status()

    def show_status(self) -> None:
        set_up = self._book.is_open and pins_set_up(self._book)
        self.status.setText(
            tr("PINs are set up: every check-in asks for your PIN.")
            if set_up
            else tr("No PINs set up: check-ins do not ask for a PIN and there is no duress PIN.")
        )
        self.remove_button.setEnabled(bool(set_up))

    def save(self) -> bool:
        pin, duress = self.pin.text(), self.duress.text()
        problem = (
            pin_problem(pin)
            or (tr("The check-in PINs you typed do not match.") if pin != self.pin_again.text()
                else None)
        )
        if problem:
            self.message.show_error(tr("Check-in PIN: {problem}").format(problem=problem))
            self.pin.setFocus()
            return False
        problem = (
            pin_problem(duress)
            or (tr("The duress PINs you typed do not match.")
                if duress != self.duress_again.text() else None)
            or (tr("The duress PIN must be different from the check-in PIN.") if duress == pin
                else None)
        )
        if problem:
            self.message.show_error(tr("Duress PIN: {problem}").format(problem=problem))
            self.duress.setFocus()
            return False
        book = self._book
        return self._write(lambda: save_pins(book, pin, duress),
                           tr("The PINs could not be saved: {error}"),
                           tr("Your PINs are saved. Every check-in will now ask for your PIN."))

    def remove(self) -> None:
        book = self._book
        self._write(lambda: remove_pins(book), tr("The PINs could not be removed: {error}"),
                    tr("PINs removed. Check-ins no longer ask for a PIN."))

    def _write(self, write: Callable[[], None], failure: str, success: str) -> bool:
        """Store the change through the runner, both buttons held until it is stored (a
        second press while it runs is ignored). ``failure`` is a translated template with
        ``{error}``."""
        if self._saving:
            return False

        def done(_none: None) -> None:
            self._saving = False
            self._clear()
            self.message.show_info(success)
            self.show_status()
            emit(self.changed)

        def failed(exc: BaseException) -> None:
            self._saving = False
            if not isinstance(exc, SpokeError):
                raise exc
            self.message.show_error(failure.format(error=exc))

        self._saving = True
        self._tasks.write(write, done, failed, owner=self,
                          busy=(self.save_button, self.remove_button))
        return True

    def _clear(self) -> None:
        for field in (self.pin, self.pin_again, self.duress, self.duress_again):
            field.clear()
