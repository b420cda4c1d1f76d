"""A sync conflict's values and times in words, without Qt (the queue that shows and settles
them is :mod:`spokeapp.ui.views.conflicts`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spokeapp.present.labels import humanise

__all__ = ["time_words", "value_words"]


def value_words(value: Any) -> str:
    """A stored field value in plain words (enum values humanised, empty shown as such)."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return humanise(value) if value.replace("_", "").isalnum() else value
        if len(value) == 10:
            return f"{moment.day} {moment:%b %Y}"
        return f"{moment.astimezone().day} {moment.astimezone():%b %Y, %H:%M}"
    return str(value)


def time_words(text: str | None) -> str:
    """A stored time (ISO text) as the worker reads it, local; "unknown time" if there is none."""
    if not text:
        return "unknown time"
    try:
        moment = datetime.fromisoformat(text).astimezone()
    except ValueError:
        return text
    return f"{moment.day} {moment:%b %Y, %H:%M}"
