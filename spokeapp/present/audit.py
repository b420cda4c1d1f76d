"""What the Audit page and the device report show (issue 16; docs/data-protection.md "Audit,
for the officer" and "A laptop is lost or stolen"), with no Qt.

The hub answers in JSON (``GET /v1/audit``, ``/v1/devices``, ``/v1/devices/{id}/report``);
this module turns the filters typed on the page into the query, reads the answers into plain
records (a malformed answer is an ``AuditAnswerError``, said in words), loads page after page
up to ``MAX_ROWS`` and words every cell: people by name (never a bare user id), cases by the
young person's reference, laptops by name, flagged rows marked in words. Times are the hub's
(UTC), shown in the laptop's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Final

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import number, translator

__all__ = [
    "ACTION_CHOICES",
    "ACTION_WORDS",
    "FLAGGED_MARK",
    "HEADERS",
    "MAX_ROWS",
    "PAGE_SIZE",
    "AuditAnswerError",
    "AuditEntry",
    "AuditFilters",
    "AuditListing",
    "DeviceChoice",
    "FlaggedAccount",
    "action_choice_label",
    "action_words",
    "device_choices",
    "entry_cells",
    "headers",
    "load_audit",
    "parse_page",
    "report_text",
    "scope_words",
    "summary_line",
]

tr = translator(__name__)

HEADERS: Final = (tr.noop("When"), tr.noop("Who"), tr.noop("Action"), tr.noop("Case"),
                  tr.noop("Laptop"), tr.noop("Detail"))
#: Entries asked of the hub at once (its most is 500).
PAGE_SIZE: Final = 500
#: The most entries the page loads; beyond, it says so and asks for narrower filters.
MAX_ROWS: Final = 5000
#: Said before the action of a flagged row (with an icon beside it: never colour alone).
FLAGGED_MARK: Final = tr.noop("FLAGGED")

#: The action filter's choices: (label, the hub's actions; empty: any).
ACTION_CHOICES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    (tr.noop("Any action"), ()),
    (tr.noop("Case opened"), ("case_view",)),
    (tr.noop("Record written and sent"), ("record_change",)),
    (tr.noop("Information shared"), ("share",)),
    (tr.noop("Reports and team figures"), ("report", "team_view")),
    (tr.noop("Laptops: enrolled, revoked, wiped…"),
     ("enrol", "enrol_code", "device_revoke", "device_retire", "device_wipe_sent",
      "refresh_reused", "device_report")),
    (tr.noop("Audit read or exported"), ("audit_view", "audit_export")),
)

#: Each known action in words; others are shown by their name with the underscores spaced.
ACTION_WORDS: Final[dict[str, str]] = {
    "case_view": tr.noop("Opened the case"),
    "record_change": tr.noop("Wrote a record (sent to the hub)"),
    "share": tr.noop("Shared information"),
    "push": tr.noop("Laptop sent its changes"),
    "report": tr.noop("Produced a report"),
    "team_view": tr.noop("Read the team's figures"),
    "enrol": tr.noop("Laptop enrolled"),
    "enrol_code": tr.noop("Enrolment code made"),
    "device_revoke": tr.noop("Laptop revoked"),
    "device_retire": tr.noop("Laptop retired"),
    "device_wipe_sent": tr.noop("Laptop told to wipe"),
    "device_report": tr.noop("Lost-laptop report made"),
    "refresh_reused": tr.noop("Replaced sign-in came back"),
    "user_add": tr.noop("Person added"),
    "case_assign": tr.noop("Case given to another worker"),
    "sign_off_requested": tr.noop("Record sent for sign-off"),
    "audit_view": tr.noop("Read the audit"),
    "audit_export": tr.noop("Exported the audit"),
}

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_WINDOW = {60: tr.noop("an hour")}


def headers() -> tuple[str, ...]:
    """The audit table's column headings, translated (:data:`HEADERS` holds the English)."""
    return tuple(tr(words) for words in HEADERS)


def action_choice_label(index: int) -> str:
    """The action filter's choice ``index`` in words, translated."""
    return tr(ACTION_CHOICES[index][0])


class AuditAnswerError(SpokeError):
    """The hub's answer could not be read, or a filter cannot be used (said in words)."""


def action_words(action: str) -> str:
    words = ACTION_WORDS.get(action)
    return tr(words) if words else action.replace("_", " ").capitalize()


def _day(label: str, text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if not _DAY.fullmatch(text):
        raise AuditAnswerError(tr("{field}: write the day as YYYY-MM-DD, e.g. 2026-03-02.")
                               .format(field=label))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AuditAnswerError(tr("{field}: there is no such day ({text}).").format(
            field=label, text=text)) from None


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What the filter row says: a person (name or id), a case (reference or id), days (as
    typed, ``YYYY-MM-DD``, both included), an action choice (index in ``ACTION_CHOICES``)
    and "flagged only"."""

    person: str = ""
    case: str = ""
    since: str = ""
    until: str = ""
    action: int = 0
    flagged_only: bool = False

    def query(self) -> list[tuple[str, str]]:
        """The hub's query pairs (no cursor); AuditAnswerError for a day that cannot be used."""
        since, until = _day(tr("From"), self.since), _day(tr("To"), self.until)
        if since is not None and until is not None and since > until:
            raise AuditAnswerError(tr("From is after To: nothing could match. Swap the days."))
        pairs: list[tuple[str, str]] = []
        if self.person.strip():
            pairs.append(("person", self.person.strip()))
        if self.case.strip():
            pairs.append(("case", self.case.strip()))
        if since is not None:
            pairs.append(("since", since.isoformat()))
        if until is not None:
            pairs.append(("until", until.isoformat()))
        if 0 <= self.action < len(ACTION_CHOICES):
            pairs += [("action", a) for a in ACTION_CHOICES[self.action][1]]
        if self.flagged_only:
            pairs.append(("flagged_only", "true"))
        return pairs


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry as the hub listed it."""

    when: datetime
    who_id: str
    who_name: str
    action: str
    subject: str
    subject_name: str | None
    case_id: str | None
    case_reference: str | None
    device: str | None
    device_name: str | None
    detail: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class FlaggedAccount:
    who_name: str
    cases: int
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class AuditListing:
    """Everything loaded for one set of filters."""

    scope: str
    entries: tuple[AuditEntry, ...]
    flagged: tuple[FlaggedAccount, ...]
    flag_cases: int
    flag_window_minutes: int
    #: False when ``MAX_ROWS`` were loaded and the hub had more.
    complete: bool = True


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise AuditAnswerError(tr("The hub's audit answer could not be read (missing "
                                  "{key}); this version of Spoke may be older than the hub."
                                  ).format(key=key))
    return value


def _optional(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AuditAnswerError(
            tr("The hub's audit answer has a time that could not be read.")) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _entry(data: Any) -> AuditEntry:
    if not isinstance(data, dict):
        raise AuditAnswerError(tr("The hub's audit answer could not be read."))
    return AuditEntry(
        when=_time(_text(data, "when")), who_id=_text(data, "who_id"),
        who_name=_text(data, "who_name"), action=_text(data, "action"),
        subject=_text(data, "subject"), subject_name=_optional(data, "subject_name"),
        case_id=_optional(data, "case_id"), case_reference=_optional(data, "case_reference"),
        device=_optional(data, "device"), device_name=_optional(data, "device_name"),
        detail=_text(data, "detail"), flagged=bool(data.get("flagged")),
    )


def parse_page(data: Mapping[str, Any]) -> tuple[AuditListing, str | None]:
    """One page of the hub's answer and its ``next_cursor``."""
    entries = data.get("entries")
    accounts = data.get("flagged_accounts")
    if not isinstance(entries, list) or not isinstance(accounts, list):
        raise AuditAnswerError(tr("The hub's audit answer could not be read."))
    flagged = []
    for account in accounts:
        if not isinstance(account, dict) or not isinstance(account.get("cases"), int):
            raise AuditAnswerError(tr("The hub's audit answer could not be read."))
        flagged.append(FlaggedAccount(_text(account, "who_name"), account["cases"],
                                      _time(_text(account, "first")),
                                      _time(_text(account, "last"))))
    cases, window = data.get("flag_cases"), data.get("flag_window_minutes")
    listing = AuditListing(
        scope=_text(data, "scope"), entries=tuple(_entry(e) for e in entries),
        flagged=tuple(flagged), flag_cases=cases if isinstance(cases, int) else 0,
        flag_window_minutes=window if isinstance(window, int) else 0,
    )
    return listing, _optional(data, "next_cursor")


def load_audit(fetch: Callable[[list[tuple[str, str]]], Mapping[str, Any]],
               filters: AuditFilters, *, max_rows: int = MAX_ROWS,
               page_size: int = PAGE_SIZE) -> AuditListing:
    """Every entry matching ``filters`` (up to ``max_rows``), page after page from the hub.
    ``fetch`` is the client's ``audit`` (query pairs in, the page's JSON out)."""
    query = filters.query()
    entries: list[AuditEntry] = []
    cursor: str | None = None
    while True:
        pairs = [*query, ("limit", str(min(page_size, max_rows - len(entries))))]
        if cursor is not None:
            pairs.append(("cursor", cursor))
        page, cursor = parse_page(fetch(pairs))
        entries.extend(page.entries)
        if cursor is None or len(entries) >= max_rows:
            return AuditListing(page.scope, tuple(entries), page.flagged, page.flag_cases,
                                page.flag_window_minutes, complete=cursor is None)


def _local(moment: datetime, tz: tzinfo | None) -> datetime:
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def entry_cells(entry: AuditEntry, tz: tzinfo | None) -> tuple[str, ...]:
    """The row's cells under ``HEADERS``."""
    action = action_words(entry.action)
    if entry.flagged:
        action = tr("{flagged}: {action}").format(flagged=tr(FLAGGED_MARK), action=action)
    if entry.case_reference is not None:
        case = entry.case_reference
    elif entry.case_id is not None:
        case = tr("case not named on the hub")
    else:
        case = "—"
    detail = entry.detail
    if entry.case_id is None and entry.subject not in ("", entry.device):
        about = entry.subject_name or entry.subject
        detail = (tr("about {about}; {detail}") if detail else tr("about {about}")).format(
            about=about, detail=detail)
    device = entry.device_name or (
        "—" if entry.device is None else tr("a laptop not on the hub"))
    return (_local(entry.when, tz).strftime("%Y-%m-%d %H:%M"), entry.who_name, action, case,
            device, detail)


def _window(minutes: int) -> str:
    if minutes in _WINDOW:
        return tr(_WINDOW[minutes])
    if minutes and minutes % 60 == 0:
        return tr.plural(minutes // 60, "{n} hour", "{n} hours")
    return tr.plural(minutes, "{n} minute", "{n} minutes")


def summary_line(listing: AuditListing, tz: tzinfo | None) -> str | None:
    """The flagged accounts in one sentence (names, not ids), or None when none was."""
    if not listing.flagged:
        return None
    count = len(listing.flagged)
    accounts = tr.plural(count, "{n} account", "{n} accounts")
    most = (number(listing.flagged[0].cases) if count == 1
            else tr("more than {n}").format(n=number(listing.flag_cases)))
    who = "; ".join(
        tr("{name} ({cases}, {first} to {last})").format(
            name=f.who_name, cases=tr.plural(f.cases, "{n} case", "{n} cases"),
            first=f"{_local(f.first, tz):%Y-%m-%d %H:%M}", last=f"{_local(f.last, tz):%H:%M}")
        for f in listing.flagged)
    return tr("{flagged}: {accounts} viewed {most} cases within {window}: {who}").format(
        flagged=tr(FLAGGED_MARK), accounts=accounts, most=most,
        window=_window(listing.flag_window_minutes), who=who)


def scope_words(scope: str) -> str:
    """Which part of the audit the hub listed for this account."""
    if scope.startswith("team:"):
        return tr("Team {team}: its cases, people and laptops only.").format(team=scope[5:])
    return tr("Everything on the hub.")


# ------------------------------------------------------------------------- the device report


@dataclass(frozen=True, slots=True)
class DeviceChoice:
    device_id: str
    label: str
    #: The laptop's person, by name.
    person: str


def device_choices(data: Mapping[str, Any]) -> list[DeviceChoice]:
    """The hub's laptops (``GET /v1/devices``) as "person — laptop (status)" choices."""
    devices = data.get("devices")
    if not isinstance(devices, list):
        raise AuditAnswerError(tr("The hub's list of laptops could not be read."))
    choices = []
    for d in devices:
        if not isinstance(d, dict):
            raise AuditAnswerError(tr("The hub's list of laptops could not be read."))
        status = _text(d, "status")
        if d.get("wipe"):
            status = tr("{status}, wipe requested").format(status=status)
        person = _text(d, "user_name")
        choices.append(DeviceChoice(
            _text(d, "device_id"), f"{person} — {_text(d, 'name')} ({status})", person))
    return choices


_STATES: Final = {
    "held": tr.noop("held at its last sync"),
    "purge_pending": tr.noop("left the person's cases after the last sync: STILL ON THE LAPTOP"),
    "purge_sent": tr.noop("removal sent before its last sync: gone if that sync finished"),
}


def _when(text: object, tz: tzinfo | None, never: str) -> str:
    if not isinstance(text, str) or not text:
        return never
    return _local(_time(text), tz).strftime("%Y-%m-%d %H:%M")


def report_text(data: Mapping[str, Any], tz: tzinfo | None, person: str | None = None) -> str:
    """The device report as plain text for the officer (it names young people: shown and
    saved on request only, never logged). ``person`` names the laptop's user if known."""
    try:
        cases: Sequence[Mapping[str, Any]] = data["cases"]
        wipe: Mapping[str, Any] = data["wipe"]
        held = [c for c in cases if c["state"] != "purge_sent"]
        who = person or data["user_id"]
        lines = [
            tr("Laptop: {name}").format(name=data["device_name"]),
            (tr("Person: {person} ({role}, team {team})") if data.get("team")
             else tr("Person: {person} ({role})")).format(
                person=who, role=data["user_role"], team=data.get("team")),
            tr("Enrolled: {when}").format(when=_when(data["enrolled_at"], tz, tr("unknown"))),
            "",
            tr("LAST CONTACT"),
            "  " + tr("Last contact with the hub: {when}").format(
                when=_when(data["last_contact_at"], tz, tr("never"))),
            "  " + tr("Last sync: {when}").format(
                when=_when(data["last_sync_at"], tz, tr("never"))),
            "  " + tr("Could have received what the hub held up to: {when}").format(
                when=_when(data["held_until"], tz, tr("nothing"))),
            "",
            tr("YOUNG PEOPLE'S RECORDS ON IT: {cases} case(s), {records} record(s) with no "
               "case").format(cases=number(len(held)), records=data["uncased_records"]),
        ]
        for c in cases:
            state_words = _STATES.get(str(c["state"]))
            state = tr(state_words) if state_words is not None else str(c["state"])
            if c.get("purge_sent_at"):
                state = tr("{state}, removal sent {when}").format(
                    state=state, when=_when(c["purge_sent_at"], tz, ""))
            lines.append("  " + tr("{reference}  {name}  — {records} record(s), {state}").format(
                reference=c["reference"] or tr("(no reference on the hub)"),
                name=c["name"] or tr("(no name on the hub)"), records=c["records"],
                state=state))
        if not cases:
            lines.append("  " + tr("none"))
        if not wipe["wipe_requested"]:
            effect = tr("not requested (revoke the laptop with wipe: spoke-hub device revoke)")
        elif wipe["wipe_delivered_at"]:
            effect = tr("DELIVERED: the laptop was told to erase its casebook at {when}").format(
                when=_when(wipe["wipe_delivered_at"], tz, ""))
        elif wipe["may_have_learned_unrecorded"]:
            effect = tr("NOT CONFIRMED: it may have been told on a pull, which the hub does "
                        "not record")
        else:
            effect = tr("NOT YET DELIVERED: the laptop has not contacted the hub since")
        lines += [
            "",
            tr("ENCRYPTION"),
            f"  {data['encryption']}",
            "",
            tr("REVOCATION AND WIPE"),
            "  " + (tr("Status: {status}; revoked: yes") if wipe["revoked"]
                    else tr("Status: {status}; revoked: no")).format(status=wipe["status"]),
            "  " + tr("Wipe requested: {when}").format(
                when=_when(wipe["wipe_requested_at"], tz, tr("no"))),
            "  " + tr("Wipe: {effect}").format(effect=effect),
        ]
    except (KeyError, TypeError):
        raise AuditAnswerError(tr("The hub's device report could not be read; this version of "
                                  "Spoke may be older than the hub.")) from None
    return "\n".join(lines)
