"""Judging a passphrase for the strength meter, in plain words.

The rule the casebook enforces is only a minimum length (``MIN_PASSPHRASE_LENGTH``); the
meter nudges towards a few unrelated words, which are easy to remember and hard to guess.
This module has no Qt so it can be tested and reused on its own.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Final

from spokeapp.i18n import translator
from spokeapp.store.casebook import MIN_PASSPHRASE_LENGTH

__all__ = ["MIN_PASSPHRASE_LENGTH", "Strength", "passphrase_problem", "passphrase_strength"]

_COMMON: Final = (
    "password",
    "passw0rd",
    "qwerty",
    "123456",
    "letmein",
    "welcome",
    "iloveyou",
    "abc123",
    "admin",
    "spoke",
    "monkey",
    "football",
    "sunshine",
    "princess",
    "dragon",
)

tr = translator(__name__)
_LABELS: Final = {
    0: tr.noop("Too short"), 1: tr.noop("Weak"), 2: tr.noop("Good"), 3: tr.noop("Strong"),
}


class Strength(IntEnum):
    """How hard a passphrase would be to guess; ``label`` is what the meter shows."""

    TOO_SHORT = 0
    WEAK = 1
    GOOD = 2
    STRONG = 3

    @property
    def label(self) -> str:
        return tr(_LABELS[int(self)])


def passphrase_strength(passphrase: str) -> Strength:
    """Score length, character variety and number of words; common passwords count as weak."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return Strength.TOO_SHORT
    lowered = passphrase.lower()
    if len(set(lowered)) < 5 or any(word in lowered for word in _COMMON):
        return Strength.WEAK
    score = 0
    score += sum(len(passphrase) >= n for n in (MIN_PASSPHRASE_LENGTH, 15, 20))
    kinds = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    score += sum(bool(re.search(kind, passphrase)) for kind in kinds) - 1
    words = len(re.findall(r"[^\W\d_]{3,}", passphrase))
    score += 2 if words >= 3 else (1 if words == 2 else 0)
    if score <= 1:
        return Strength.WEAK
    if score <= 3:
        return Strength.GOOD
    return Strength.STRONG


def passphrase_problem(passphrase: str, confirmation: str) -> str | None:
    """What the worker must fix before this passphrase is accepted, or None if it is fine."""
    strength = passphrase_strength(passphrase)
    if strength is Strength.TOO_SHORT:
        return tr(
            "Your passphrase needs at least {least} characters (it has {length}). A few "
            "unrelated words work well."
        ).format(least=MIN_PASSPHRASE_LENGTH, length=len(passphrase))
    if strength is Strength.WEAK:
        return tr(
            "This passphrase would be easy to guess. Try three or four unrelated words, "
            "or mix in capitals, numbers or symbols."
        )
    if passphrase != confirmation:
        return tr("The two passphrases are not the same. Type the same passphrase in both "
                  "boxes.")
    return None
