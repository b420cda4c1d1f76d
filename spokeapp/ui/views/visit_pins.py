"""The check-in PIN and the duress PIN, set up by the worker (Settings, or the Visits page).

**Decision.** Once the worker sets up a duress PIN she also sets up an ordinary check-in PIN,
and from then on *every* check-in (safe, extend, end visit, home safe) asks for a PIN. That is
what makes duress invisible: someone watching sees her type a PIN and get the usual "Checked
in: safe", whichever PIN it was. A check-in that asked for a PIN only sometimes would give her
away. Raising the alarm never asks for a PIN (it must be quick). Without PINs set up, the PIN
field is not shown and check-ins record "safe" as usual.

* the check-in PIN records the check-in she chose;
* the duress PIN records the same on screen, and silently raises the top-level alert: with
  "safe" it records a ``duress`` check-in; with extend, end visit or home safe it records the
  check-in she chose plus a duress ``Alarm`` (the hub alerts its top tier at once; her screen,
  rendered through the worker-facing functions, never shows either);
* a wrong or missing PIN records nothing and says so beside the field.

Both PINs are stored only as salted scrypt hashes in the encrypted casebook's settings, never
the PINs themselves; a check-in always computes both hashes, so it takes the same time
whichever PIN was typed.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import itertools
import os
from typing import Any, Final

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
from spokeapp.ui.signals import emit
from spokeapp.ui.widgets import Message, paragraph

CHECK_IN_PIN_SETTING: Final = "lone_working.check_in_pin"
DURESS_PIN_SETTING: Final = "lone_working.duress_pin"
MIN_PIN_DIGITS: Final = 4
MAX_PIN_DIGITS: Final = 12
_SCRYPT_N: Final = 2**14
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1
_SALT_BYTES: Final = 16


class PinResult(enum.Enum):
    """What a typed PIN means at check-in."""

    NOT_ASKED = "not_asked"  # no PINs set up: an ordinary check-in
    CHECK_IN = "check_in"
    DURESS = "duress"
    MISSING = "missing"
    WRONG = "wrong"


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of the PIN, as stored: ``scrypt$n$r$p$salt$hash`` (hex)."""
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """True if ``pin`` hashes to ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(
            pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(computed, bytes.fromhex(digest))


def pin_problem(pin: str) -> str | None:
    """Why a new PIN will not do, in words; None if it is fine."""
    if not pin:
        return "Type a PIN."
    if not pin.isascii() or not pin.isdigit():
        return "A PIN is digits only."
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        return f"A PIN has {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits."
    return None


def pins_set_up(book: Any) -> bool:
    """True when the worker has set up her check-in and duress PINs."""
    return bool(book.setting(CHECK_IN_PIN_SETTING)) and bool(book.setting(DURESS_PIN_SETTING))


def check_pin(book: Any, pin: str) -> PinResult:
    """What the PIN typed at check-in means. Both hashes are always computed."""
    normal = book.setting(CHECK_IN_PIN_SETTING) or ""
    duress = book.setting(DURESS_PIN_SETTING) or ""
    if not (normal and duress):
        return PinResult.NOT_ASKED
    if not pin:
        return PinResult.MISSING
    is_normal = pin_matches(pin, normal)
    is_duress = pin_matches(pin, duress)
    if is_duress:
        return PinResult.DURESS
    if is_normal:
        return PinResult.CHECK_IN
    return PinResult.WRONG


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

    def __init__(self, book: Any, parent: QWidget | None = None) -> None:
        super().__init__("Check-in and duress PINs", parent)
        self.setAccessibleName("Check-in and duress PINs")
        self._book = book
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("PIN status")
        self.pin = _pin_edit("Check-in PIN", self)
        self.pin_again = _pin_edit("Check-in PIN again", self)
        self.duress = _pin_edit("Duress PIN", self)
        self.duress_again = _pin_edit("Duress PIN again", self)
        self.message = Message(self, name="PIN setup result")
        self.save_button = QPushButton("Save &PINs", self)
        self.save_button.setAccessibleName("Save PINs")
        self.remove_button = QPushButton("Re&move PINs", self)
        self.remove_button.setAccessibleName("Remove PINs")

        form = QFormLayout(self)
        form.addRow(
            paragraph(
                "With PINs set up, every check-in asks for your PIN. If someone is forcing you "
                "to check in, type your duress PIN instead: the screen looks exactly like an "
                "ordinary check-in, and the hub silently alerts your manager at once. "
                f"PINs are {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits; Spoke keeps only a "
                "scrambled form of them.",
                self,
            )
        )
        form.addRow(self.status)
        for text, field in (
            ("Check-&in PIN:", self.pin),
            ("Check-in PIN &again:", self.pin_again),
            ("&Duress PIN:", self.duress),
            ("Dur&ess PIN again:", self.duress_again),
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
            "PINs are set up: every check-in asks for your PIN."
            if set_up
            else "No PINs set up: check-ins do not ask for a PIN and there is no duress PIN."
        )
        self.remove_button.setEnabled(bool(set_up))

    def save(self) -> bool:
        pin, duress = self.pin.text(), self.duress.text()
        problem = (
            pin_problem(pin)
            or ("The check-in PINs you typed do not match." if pin != self.pin_again.text()
                else None)
        )
        if problem:
            self.message.show_error(f"Check-in PIN: {problem}")
            self.pin.setFocus()
            return False
        problem = (
            pin_problem(duress)
            or ("The duress PINs you typed do not match." if duress != self.duress_again.text()
                else None)
            or ("The duress PIN must be different from the check-in PIN." if duress == pin
                else None)
        )
        if problem:
            self.message.show_error(f"Duress PIN: {problem}")
            self.duress.setFocus()
            return False
        try:
            self._book.set_setting(CHECK_IN_PIN_SETTING, hash_pin(pin))
            self._book.set_setting(DURESS_PIN_SETTING, hash_pin(duress))
        except SpokeError as exc:
            self.message.show_error(f"The PINs could not be saved: {exc}")
            return False
        self._clear()
        self.message.show_info("Your PINs are saved. Every check-in will now ask for your PIN.")
        self.show_status()
        emit(self.changed)
        return True

    def remove(self) -> None:
        try:
            self._book.set_setting(CHECK_IN_PIN_SETTING, "")
            self._book.set_setting(DURESS_PIN_SETTING, "")
        except SpokeError as exc:
            self.message.show_error(f"The PINs could not be removed: {exc}")
            return
        self._clear()
        self.message.show_info("PINs removed. Check-ins no longer ask for a PIN.")
        self.show_status()
        emit(self.changed)

    def _clear(self) -> None:
        for field in (self.pin, self.pin_again, self.duress, self.duress_again):
            field.clear()
