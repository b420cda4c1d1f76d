"""Fetch the supervisor's team view from the hub (``GET /v1/team``).

The team view is counted on the hub, which alone knows every worker's caseload and when each
laptop last made contact, so it is shown only while the hub can be reached; nothing of it is
stored on the laptop.
"""

from __future__ import annotations

from collections.abc import Callable

from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.sync.client import HubClient, HubEndpoint
from spokeapp.sync.engine import enrolled_account
from spokeapp.sync.protocol import TeamResponse

__all__ = ["TeamClientFactory", "fetch_team"]

TeamClientFactory = Callable[[HubEndpoint, str, str], HubClient]


def _client(endpoint: HubEndpoint, device_id: str, refresh_token: str) -> HubClient:
    return HubClient(endpoint, device_id=device_id, refresh_token=refresh_token)


def fetch_team(
    casebook: Casebook, team: str | None = None, *, client_factory: TeamClientFactory = _client
) -> TeamResponse:
    """The team's figures from the hub this laptop is enrolled with.

    Raises ``NotEnrolled`` before enrolment, and the sync client's errors (``HubUnreachable``,
    ``OutOfScope`` for a worker or another team, ...) otherwise.
    """
    account = enrolled_account(SyncStore(casebook))
    endpoint = HubEndpoint(account.hub_url, account.cert_fingerprint)
    with client_factory(endpoint, account.device_id, account.refresh_token) as client:
        return client.team(team)
