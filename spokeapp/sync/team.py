"""Fetch the supervisor's team view from the hub (``GET /v1/team``).

The team view is counted on the hub, which alone knows every worker's caseload and when each
laptop last made contact, so it is shown only while the hub can be reached; nothing of it is
stored on the laptop.
"""

from __future__ import annotations

from spokeapp.store.casebook import Casebook
from spokeapp.sync.enrolled import enrolled_client
from spokeapp.sync.protocol import TeamResponse

__all__ = ["fetch_team"]


def fetch_team(casebook: Casebook, team: str | None = None) -> TeamResponse:
    """The team's figures from the hub this laptop is enrolled with.

    Raises ``NotEnrolled`` before enrolment, and the sync client's errors (``HubUnreachable``,
    ``OutOfScope`` for a worker or another team, ...) otherwise.
    """
    with enrolled_client(casebook) as client:
        return client.team(team)
