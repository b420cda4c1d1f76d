"""Every word Spoke says about syncing, from one status (issue 17: "The Sync page goes stale").

The Sync page, the status bar and Today all draw from the one ``SyncStatus`` the UI's
``SyncBridge`` publishes (read off the GUI thread when the window opens, after a casebook
write, a sync or a change of connectivity; ``checking_words`` until the first reading) and turn
it into words here, so no two places can disagree about what waits, what was sent, or whether
the hub can be reached.

``StatusFacts`` names the parts of ``spokeapp.sync.engine.SyncStatus`` used here (a protocol:
the presenters do not import the sync package).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Protocol

from spokeapp.i18n import clock, day_and_time, number, translator

tr = translator(__name__)

#: Where a worker enrols this laptop (the Sync page's shortcut in the main window).
SYNC_PAGE_KEYS: Final = "Ctrl+9"


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


def checking_words() -> str:
    """What every page says about syncing until the first reading of the status has finished
    (it is read off the GUI thread): neutral, never a guess such as "not connected"."""
    return tr("Checking…")


def records(count: int) -> str:
    """'1 record', '3 records'."""
    return tr.plural(count, "{n} record", "{n} records")


def when_text(moment: datetime | None, now: datetime) -> str:
    """'never', 'just now', '5 minutes ago', 'today at 14:05',
    '3 days ago (12 Nov 2026, 14:05)'."""
    if moment is None:
        return tr("never")
    seconds = (now - moment).total_seconds()
    local = moment.astimezone()
    if seconds < 60:
        return tr("just now")
    if seconds < 3600:
        minutes = int(seconds // 60)
        return tr.plural(minutes, "{n} minute ago", "{n} minutes ago")
    if local.date() == now.astimezone().date():
        return tr("today at {time}").format(time=clock(local))
    days = max(1, int(seconds // 86400))
    return tr.plural(days, "{n} day ago ({when})", "{n} days ago ({when})").format(
        when=day_and_time(local))


def status_summary(status: StatusFacts, now: datetime, *, running: bool = False) -> str:
    """One line for the status bar."""
    if not status.enrolled:
        return tr("Not connected to a hub ({keys} to connect)").format(keys=SYNC_PAGE_KEYS)
    if running:
        return tr("Syncing…")
    if status.device_status == "retired":
        return tr("This laptop has been retired by your hub")
    if status.can_enrol_again:
        if status.waiting:
            return tr("This laptop must be enrolled again · {count} waiting, kept safe").format(
                count=number(status.waiting))
        return tr("This laptop must be enrolled again")
    # The status bar lists separate facts, each its own phrase, joined by " · ".
    parts = []
    if status.hub_reachable is False:
        parts.append(tr("Hub not reachable"))
    parts += [
        tr("Uploaded {when}").format(when=when_text(status.last_upload, now)),
        tr("downloaded {when}").format(when=when_text(status.last_download, now)),
    ]
    if status.waiting:
        parts.append(tr("{count} waiting").format(count=number(status.waiting)))
    if status.last_error and status.hub_reachable is not False:
        parts.append(tr("last sync had a problem"))
    return " · ".join(parts)


def account_words(status: StatusFacts) -> str:
    """Who this laptop syncs as and whether the hub answered: "Connected" only when it did."""
    where, who = status.hub_url or tr("your hub"), status.user_name or tr("you")
    if status.can_enrol_again or status.hub_reachable is None:
        return tr("Enrolled with {hub} as {user}.").format(hub=where, user=who)
    if status.hub_reachable is False:
        return tr("Enrolled with {hub} as {user}. The hub cannot be reached right now.").format(
            hub=where, user=who)
    return tr("Connected to {hub} as {user}.").format(hub=where, user=who)


def waiting_words(status: StatusFacts) -> str:
    """The Sync page's "Waiting to upload" row."""
    if status.waiting:
        return records(status.waiting)
    if status.last_upload is None:
        return tr("nothing yet")
    if status.held:
        return tr("nothing else (the records held back below wait for you)")
    return tr("nothing: everything has reached the hub")


def today_words(status: StatusFacts) -> str:
    """Today's "Waiting to sync" box, including where to enrol a laptop not yet connected."""
    count = status.waiting
    keys = SYNC_PAGE_KEYS
    if not status.enrolled:
        if count:
            return tr.plural(
                count,
                "{n} record is waiting to go to your hub, but this laptop is not connected to "
                "one yet, so they are kept only here. Connect to your hub: Sync page, {keys}.",
                "{n} records are waiting to go to your hub, but this laptop is not connected "
                "to one yet, so they are kept only here. Connect to your hub: Sync page, "
                "{keys}.",
            ).format(keys=keys)
        return tr(
            "This laptop is not connected to a hub yet: your records stay only here. Connect "
            "to your hub: Sync page, {keys}."
        ).format(keys=keys)
    if status.can_enrol_again:
        if count:
            return tr.plural(
                count,
                "{n} record is waiting. The hub no longer accepts this laptop: enrol it again "
                "on the Sync page ({keys}). Nothing is lost.",
                "{n} records are waiting. The hub no longer accepts this laptop: enrol it "
                "again on the Sync page ({keys}). Nothing is lost.",
            ).format(keys=keys)
        return tr(
            "The hub no longer accepts this laptop: enrol it again on the Sync page ({keys})."
        ).format(keys=keys)
    if count:
        if status.hub_reachable is False:
            return tr.plural(
                count,
                "{n} record is waiting to go to your hub. They are safe on this laptop and "
                "will be sent at the next sync. The hub cannot be reached right now; Spoke "
                "keeps trying.",
                "{n} records are waiting to go to your hub. They are safe on this laptop and "
                "will be sent at the next sync. The hub cannot be reached right now; Spoke "
                "keeps trying.",
            )
        return tr.plural(
            count,
            "{n} record is waiting to go to your hub. They are safe on this laptop and will "
            "be sent at the next sync.",
            "{n} records are waiting to go to your hub. They are safe on this laptop and will "
            "be sent at the next sync.",
        )
    if status.last_upload is None:
        return tr("Nothing waiting to go to your hub.")
    return tr("Nothing waiting: everything has been sent to your hub.")
