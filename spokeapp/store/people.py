"""The laptop's name directory as stored: user id -> display name (issue 17).

Kept in the casebook's settings (``meta``, inside the encrypted database), one
``people.<user id>`` row per person, by the sync engine after each sync (``GET /v1/people``)
and by a supervisor's laptop from the team view, so names are there offline. A name is only
ever added or changed, never dropped: someone who left the team still wrote the old notes.
Why here and not in a plain file: staff names are need-to-know, and the casebook is the one
place that is encrypted at rest and wiped with the laptop. The words shown for an id are
``spokeapp.present.people``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Protocol

__all__ = ["SETTING_PREFIX", "Settings", "clean_names", "save_names", "stored_names"]

#: Casebook settings holding the names, one per user id: ``people.<user id>``.
SETTING_PREFIX: Final = "people."
_LONGEST_NAME: Final = 200
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


class Settings(Protocol):
    """The part of a casebook the directory uses (a real ``Casebook`` in the app)."""

    def settings_with_prefix(self, prefix: str) -> dict[str, str]: ...

    def set_setting(self, key: str, value: str) -> None: ...


def _clean(name: str) -> str:
    """A name as it may be shown: one line, no control characters, not absurdly long."""
    return " ".join(_CONTROL.sub(" ", name).split())[:_LONGEST_NAME]


def clean_names(*sources: Mapping[str, str]) -> dict[str, str]:
    """The names of every source, later ones winning; blank names and ids are dropped."""
    out: dict[str, str] = {}
    for source in sources:
        for user_id, name in source.items():
            shown = _clean(name)
            if user_id.strip() and shown:
                out[user_id] = shown
    return out


def stored_names(book: Settings) -> dict[str, str]:
    """Every name the casebook holds, by user id."""
    return clean_names(book.settings_with_prefix(SETTING_PREFIX))


def save_names(book: Settings, names: Mapping[str, str]) -> None:
    """Add or update ``names`` (only the rows that changed are written)."""
    stored = book.settings_with_prefix(SETTING_PREFIX)
    for user_id, name in clean_names(names).items():
        if stored.get(user_id) != name:
            book.set_setting(SETTING_PREFIX + user_id, name)
