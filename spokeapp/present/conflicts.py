"""A sync conflict's values and times in words, without Qt (the queue that shows and settles
them is :mod:`spokeapp.ui.views.conflicts`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spokeapp.i18n import day, day_and_time, translator
from spokeapp.present.labels import humanise

__all__ = ["time_words", "value_words"]

tr = translator(__name__)


def value_words(value: Any) -> str:
    """A stored field value in plain words (enum values humanised, empty shown as such)."""
    if value is None or value == "":
        return tr("(empty)")
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return humanise(value) if value.replace("_", "").isalnum() else value
        if len(value) == 10:
            return day(moment)
        return day_and_time(moment.astimezone())
    return str(value)


def time_words(text: str | None) -> str:
    """A stored time (ISO text) as the worker reads it, local; "unknown time" if there is none."""
    if not text:
        return tr("unknown time")
    try:
        moment = datetime.fromisoformat(text).astimezone()
    except ValueError:
        return text
    return day_and_time(moment)
