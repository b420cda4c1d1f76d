"""Who a person is on the hub: the roles an account may have, and each role in words.

A ``Role`` is a ``StrEnum``, so each member equals its string: the wire (``EnrolResponse.role``),
the hub's ``users.role`` column and the casebook's sync account hold the same words as before
("worker", "supervisor", "admin").

* worker: holds cases and sees only their own;
* supervisor: sees their team's cases and reviews and signs off their work;
* admin: configures the hub and sees aggregates only, never case content.

The roles a lone-working escalation ladder alerts (buddy, manager, on_call_manager...) are a
different thing: names an organisation chooses, see ``spokeapp.domain.lone_working``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from spokeapp.i18n import translator

__all__ = ["ROLE_LABELS", "Role", "role_label"]

tr = translator(__name__)


class Role(StrEnum):
    """The role of a person's hub account."""

    WORKER = "worker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


ROLE_LABELS: Final[dict[Role, str]] = {
    Role.WORKER: tr.noop("Worker"),
    Role.SUPERVISOR: tr.noop("Supervisor"),
    Role.ADMIN: tr.noop("Administrator"),
}
"""Each role in words (English: show them with :func:`role_label`)."""


def role_label(role: Role) -> str:
    """The role in words, in the reader's language."""
    return tr(ROLE_LABELS[role])
