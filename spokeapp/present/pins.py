"""The check-in PIN and the duress PIN without Qt: checking a PIN typed at check-in, the rules
for a new PIN, and storing or removing them (the setup box is
:mod:`spokeapp.ui.views.visit_pins`; the check-in screens are the Visits page's).

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
import os
from typing import Final

from spokeapp.i18n import translator
from spokeapp.store.casebook import Casebook

tr = translator(__name__)

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
        return tr("Type a PIN.")
    if not pin.isascii() or not pin.isdigit():
        return tr("A PIN is digits only.")
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        return tr("A PIN has {least} to {most} digits.").format(
            least=MIN_PIN_DIGITS, most=MAX_PIN_DIGITS)
    return None


def pins_set_up(book: Casebook) -> bool:
    """True when the worker has set up her check-in and duress PINs."""
    return bool(book.setting(CHECK_IN_PIN_SETTING)) and bool(book.setting(DURESS_PIN_SETTING))


def check_pin(book: Casebook, pin: str) -> PinResult:
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


def save_pins(book: Casebook, pin: str, duress: str) -> None:
    """Store both PINs (their salted hashes) in the casebook's settings (a writer: run it off
    the GUI thread)."""
    book.set_setting(CHECK_IN_PIN_SETTING, hash_pin(pin))
    book.set_setting(DURESS_PIN_SETTING, hash_pin(duress))


def remove_pins(book: Casebook) -> None:
    """Remove both PINs: check-ins no longer ask for one (a writer: run it off the GUI
    thread)."""
    book.set_setting(CHECK_IN_PIN_SETTING, "")
    book.set_setting(DURESS_PIN_SETTING, "")
