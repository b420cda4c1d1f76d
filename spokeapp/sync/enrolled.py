"""A connection to the hub as this enrolled laptop, for calls outside a sync run: the team
view, hub reports, the audit viewer, a case's file.

Every token request rotates the laptop's refresh token. The new one must be written into the
casebook before its access token is used, or the laptop's next sync presents the replaced
token and the hub, taking it for a copied sign-in, locks the laptop (``refresh_reused``: the
worker must be enrolled again). A supervisor opening the Team page did exactly that an hour
before the next sync. So no code outside the sync engine builds a ``HubClient`` from the
stored account by hand: every such call comes through :func:`enrolled_client`, which keeps the
rotated token and, after a hub restore, proves the device with its own key as the engine does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.sync.client import HubClient, HubEndpoint
from spokeapp.sync.engine import enrolled_account

__all__ = ["EnrolledClientFactory", "enrolled_client"]

EnrolledClientFactory = Callable[[HubEndpoint, str, str], HubClient]
"""Makes the connection: (endpoint, device id, refresh token) -> HubClient (tests may pass
one that points elsewhere)."""


def _client(endpoint: HubEndpoint, device_id: str, refresh_token: str) -> HubClient:
    return HubClient(endpoint, device_id=device_id, refresh_token=refresh_token)


@contextmanager
def enrolled_client(
    casebook: Casebook, *, client_factory: EnrolledClientFactory = _client
) -> Iterator[HubClient]:
    """A client signed in as the laptop enrolled in ``casebook``; a rotated refresh token is
    saved into the casebook before it is used. Raises ``NotEnrolled`` before enrolment."""
    store = SyncStore(casebook)
    account = enrolled_account(store)
    endpoint = HubEndpoint(account.hub_url, account.cert_fingerprint)
    with client_factory(endpoint, account.device_id, account.refresh_token) as client:
        key = DeviceKey.from_private_bytes(account.device_key)
        client.attach_device(on_refresh=store.save_refresh_token, sign=key.sign)
        yield client
