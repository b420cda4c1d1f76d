"""The hub's known errors: an HTTP status, a stable code and a message safe to show anyone.

Messages name fields, ids and rules, never record contents (they may describe a child).
"""

from __future__ import annotations

from spokeapp.domain.errors import SpokeError


class HubError(SpokeError):
    """A refused request; the whole transaction it happened in is rolled back."""

    def __init__(self, status: int, code: str, message: str, *, wipe: bool | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.wipe = wipe


def unauthorised(message: str = "Sign in again: the access token is missing, expired or not "
                 "valid.") -> HubError:
    """401 for anything wrong with the credentials presented."""
    return HubError(401, "unauthorised", message)


def out_of_scope(message: str) -> HubError:
    """403: the user may not see or write this."""
    return HubError(403, "out_of_scope", message)
