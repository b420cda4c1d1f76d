"""Errors the domain raises on purpose.

Everything here is a *known* error: its message is written for the person using Spoke and is
safe to show on screen or write to a log, because it names fields and problems but never
repeats the personal data (names, notes, words) that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "SpokeError", "ValidationError"]


class SpokeError(Exception):
    """Base class for expected errors whose message is safe to show a user.

    Anything that is *not* a SpokeError is a bug; the UI shows these messages as they are and
    treats everything else as a crash to report.
    """


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a record: the field at fault and what to do about it.

    ``message`` must never contain the value the person entered, only the rule it broke.
    """

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(SpokeError):
    """A record (or request) broke one or more rules; all problems are reported at once.

    Listing every problem together lets a form highlight all of them in one go instead of making
    the worker fix and resubmit one field at a time.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def fields(self) -> set[str]:
        """The names of every field with at least one problem (for highlighting a form)."""
        return {p.field for p in self.problems}
