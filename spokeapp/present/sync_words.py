"""Every word Spoke says about syncing, from one status (issue 17: "The Sync page goes stale").

The Sync page, the status bar and Today all draw from the one ``SyncStatus`` the UI's
``SyncBridge`` publishes (read off the GUI thread after a casebook write, a sync or a change
of connectivity) and turn it into words here, so no two places can disagree about what waits,
what was sent, or whether the hub can be reached.

``StatusFacts`` names the parts of ``spokeapp.sync.engine.SyncStatus`` used here (a protocol:
the presenters do not import the sync package).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Protocol

#: Where a worker enrols this laptop (the Sync page's shortcut in the main window).
SYNC_PAGE_KEYS: Final = "Ctrl+9"
ENROL_HINT: Final = f"Connect to your hub: Sync page, {SYNC_PAGE_KEYS}."


class StatusFacts(Protocol):
    """What the words need of a sync status (``spokeapp.sync.engine.SyncStatus``)."""

    @property
    def enrolled(self) -> bool: ...
    @property
    def user_name(self) -> str | None: ...
    @property
    def hub_url(self) -> str | None: ...
    @property
    def last_upload(self) -> datetime | None: ...
    @property
    def last_download(self) -> datetime | None: ...
    @property
    def waiting(self) -> int: ...
    @property
    def held(self) -> int: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def device_status(self) -> str: ...
    @property
    def can_enrol_again(self) -> bool: ...
    @property
    def hub_reachable(self) -> bool | None: ...


def records(count: int) -> str:
    """'1 record', '3 records'."""
    return f"{count} record{'s' if count != 1 else ''}"


def when_text(moment: datetime | None, now: datetime) -> str:
    """'never', 'just now', '5 minutes ago', 'today at 14:05', '3 days ago (12 Nov 14:05)'."""
    if moment is None:
        return "never"
    seconds = (now - moment).total_seconds()
    local = moment.astimezone()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if local.date() == now.astimezone().date():
        return f"today at {local:%H:%M}"
    days = max(1, int(seconds // 86400))
    return f"{days} day{'s' if days != 1 else ''} ago ({local:%d %b %H:%M})"


def status_summary(status: StatusFacts, now: datetime, *, running: bool = False) -> str:
    """One line for the status bar."""
    if not status.enrolled:
        return f"Not connected to a hub ({SYNC_PAGE_KEYS} to connect)"
    if running:
        return "Syncing…"
    if status.device_status == "retired":
        return "This laptop has been retired by your hub"
    if status.can_enrol_again:
        return "This laptop must be enrolled again" + (
            f" · {status.waiting} waiting, kept safe" if status.waiting else "")
    parts = []
    if status.hub_reachable is False:
        parts.append("Hub not reachable")
    parts += [
        f"Uploaded {when_text(status.last_upload, now)}",
        f"downloaded {when_text(status.last_download, now)}",
    ]
    if status.waiting:
        parts.append(f"{status.waiting} waiting")
    if status.last_error and status.hub_reachable is not False:
        parts.append("last sync had a problem")
    return " · ".join(parts)


def account_words(status: StatusFacts) -> str:
    """Who this laptop syncs as and whether the hub answered: "Connected" only when it did."""
    where, who = status.hub_url or "your hub", status.user_name or "you"
    if status.can_enrol_again or status.hub_reachable is None:
        return f"Enrolled with {where} as {who}."
    if status.hub_reachable is False:
        return f"Enrolled with {where} as {who}. The hub cannot be reached right now."
    return f"Connected to {where} as {who}."


def waiting_words(status: StatusFacts) -> str:
    """The Sync page's "Waiting to upload" row."""
    if status.waiting:
        return records(status.waiting)
    if status.last_upload is None:
        return "nothing yet"
    if status.held:
        return "nothing else (the records held back below wait for you)"
    return "nothing: everything has reached the hub"


def today_words(status: StatusFacts) -> str:
    """Today's "Waiting to sync" box, including where to enrol a laptop not yet connected."""
    count = status.waiting
    things = "record is" if count == 1 else "records are"
    if not status.enrolled:
        kept = (
            f"{count} {things} waiting to go to your hub, but this laptop is not connected "
            "to one yet, so they are kept only here."
            if count else "This laptop is not connected to a hub yet: your records stay only "
            "here."
        )
        return f"{kept} {ENROL_HINT}"
    if status.can_enrol_again:
        return (
            f"{count} {things} waiting. The hub no longer accepts this laptop: enrol it "
            f"again on the Sync page ({SYNC_PAGE_KEYS}). Nothing is lost."
            if count else
            f"The hub no longer accepts this laptop: enrol it again on the Sync page "
            f"({SYNC_PAGE_KEYS})."
        )
    if count:
        offline = (
            " The hub cannot be reached right now; Spoke keeps trying."
            if status.hub_reachable is False else ""
        )
        return (
            f"{count} {things} waiting to go to your hub. They are safe on this laptop "
            f"and will be sent at the next sync.{offline}"
        )
    if status.last_upload is None:
        return "Nothing waiting to go to your hub."
    return "Nothing waiting: everything has been sent to your hub."
