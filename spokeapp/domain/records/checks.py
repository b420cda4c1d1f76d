"""Validation helpers shared by every record's ``validate()``: one rule, one wording.

Each helper appends a :class:`Problem` (field name and message, never the value) to the list a
``validate()`` collects; ``_raise_if`` raises them all at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spokeapp.domain.errors import Problem, ValidationError


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _require(problems: list[Problem], name: str, text: str | None) -> None:
    if _blank(text):
        problems.append(Problem(name, "is required"))


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _joined(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _aware(problems: list[Problem], name: str, value: datetime | None) -> bool:
    if value is not None and value.utcoffset() is None:
        problems.append(Problem(name, "must include a time zone"))
        return False
    return True


def _max_length(problems: list[Problem], name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        problems.append(Problem(name, f"must be at most {limit} characters"))


def _optional_id(problems: list[Problem], name: str, text: str | None) -> None:
    if text is not None and _blank(text):
        problems.append(Problem(name, "must not be blank; leave it empty instead"))


def _require_all(problems: list[Problem], record: Any, *names: str) -> None:
    """``_require`` each named text field of ``record`` (its ids, its author...), in order.

    The check is written out here rather than calling ``_require``: every ``validate()`` starts
    with this, and the hub validates each record pushed."""
    for name in names:
        text = getattr(record, name)
        if text is None or not text.strip():
            problems.append(Problem(name, "is required"))


def _min_length(problems: list[Problem], name: str, text: str, minimum: int, ask: str) -> None:
    """A note that must say enough: ``ask`` says what to write, then the minimum length."""
    if len(text.strip()) < minimum:
        problems.append(Problem(name, f"{ask} (at least {minimum} characters)"))
