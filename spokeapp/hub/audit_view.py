"""The audit, for the data protection officer: who viewed, changed or exported which case,
when, from which device (issue 16, docs/data-protection.md "Audit, for the officer").

Two sources, read as one stream in time order and never copied into each other:

* the ``audit`` table (``ledger.audit``): supervisors' and admins' case views reported by their
  laptops (``case_view``, detail ``device=... seq=... at=<laptop time>``), pushes, reports,
  enrolments and the administrator's commands;
* the hub's record of accepted changes (``hub_changes`` with ``hub_records``): each change a
  laptop pushed, listed as a ``record_change`` by the device's user, on the record's case.

``read_audit`` yields ``AuditRow`` one at a time from server-side cursors, so a large audit is
never held in memory; ``AccessWatch`` flags unusual access (one account viewing more than N
distinct cases within a window). No Qt, no printing: ``spoke-hub audit`` (``register``) prints,
and a later app screen or HTTP endpoint can use the same functions.
"""

from __future__ import annotations

import argparse
import csv
import functools
import heapq
import os
import re
import sys
from bisect import insort
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from spokeapp.hub.commands import Settings, open_session
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.models import AuditEntry, Device, HubChange, HubRecord

__all__ = [
    "CSV_HEADER", "KNOWN_ACTIONS", "RECORD_CHANGE", "AccessWatch", "AuditFilter", "AuditRow",
    "Flag", "FlagRule", "csv_cell", "csv_record", "flag_rows", "parse_day", "read_audit",
    "register", "summary_line",
]

CASE_VIEW = "case_view"  # as audit_trail.CASE_VIEW (that module is the HTTP side)
#: A change to a record pushed from a laptop (read from ``hub_changes``, not the audit table).
RECORD_CHANGE = "record_change"

#: The actions an officer most often asks about (``--help``); others may be recorded too.
KNOWN_ACTIONS: dict[str, str] = {
    CASE_VIEW: "a supervisor or admin opened a case on their laptop",
    RECORD_CHANGE: "a record of a case was written on a laptop and pushed",
    "push": "a laptop sent its changes (subject: the device)",
    "report": "a report was produced on the hub",
    "team_view": "a supervisor read their team's figures",
    "enrol": "a laptop was enrolled (subject: the device)",
    "enrol_code": "an enrolment code was made for a person",
    "device_revoke": "a laptop was revoked (and perhaps told to wipe)",
    "device_retire": "a laptop was retired",
    "refresh_reused": "a laptop's replaced sign-in came back (copied token?)",
    "user_add": "a person was added",
    "case_assign": "a case was given to another worker",
    "sign_off_requested": "a record was sent for sign-off",
    "lw_alert": "a lone-working alert was raised (other lw_... actions: the visit's events)",
    "lw_watch_error": "the escalation watch could not evaluate a visit and set it aside",
    "lw_visit_ended": "a visit the watch set aside was ended (spoke-hub safety visit end)",
}

#: Audit actions whose subject is a device id.
_DEVICE_SUBJECT = ("push", "enrol", "device_revoke", "device_retire", "refresh_reused")
_DEVICE_IN_DETAIL = re.compile(r"(?:^|\s)device=(\S+)")
_VIEWED_AT = re.compile(r"(?:^|\s)at=(\S+)")
#: Rows fetched from the database at a time (server-side cursor on PostgreSQL).
BATCH = 500

DEFAULT_FLAG_CASES = 20
DEFAULT_FLAG_MINUTES = 60

CSV_HEADER = ("when", "who", "action", "case/subject", "device", "detail", "flagged")


class AuditInputError(ValueError):
    """A filter the audit cannot use (the message says how to put it right)."""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries to list; None or empty: no restriction. Days are UTC, both inclusive."""

    person: str | None = None
    case: str | None = None
    since: date | None = None
    until: date | None = None
    actions: tuple[str, ...] = ()
    device: str | None = None

    def __post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise AuditInputError("--since is after --until: nothing could match.")

    def wants(self, action: str) -> bool:
        return not self.actions or action in self.actions


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One entry: ``when`` is the hub's time (ISO 8601 UTC); ``acted_at`` when it was done
    (a laptop's clock for a case view, else the hub's); ``device`` where recorded."""

    when: str
    who: str
    action: str
    subject: str
    device: str | None
    detail: str
    acted_at: datetime
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class FlagRule:
    """Unusual access: one account viewing more than ``cases`` distinct cases within
    ``window``."""

    cases: int = DEFAULT_FLAG_CASES
    window: timedelta = timedelta(minutes=DEFAULT_FLAG_MINUTES)

    def window_words(self) -> str:
        minutes = int(self.window.total_seconds() // 60)
        if minutes == 60:
            return "an hour"
        if minutes % 60 == 0:
            return f"{minutes // 60} hours"
        return f"{minutes} minute{'s' if minutes != 1 else ''}"


@dataclass(frozen=True, slots=True)
class Flag:
    """An account that crossed the rule: the most distinct cases it viewed within one window,
    and when that window's first and last views were."""

    who: str
    cases: int
    first: datetime
    last: datetime


@dataclass(slots=True)
class _Recent:
    views: list[tuple[datetime, str]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    peak: Flag | None = None


class AccessWatch:
    """Applies a ``FlagRule`` to views as they stream past (memory: the views within one
    window, per account). Owned by whoever reads one audit listing."""

    def __init__(self, rule: FlagRule) -> None:
        self.rule = rule
        self._recent: dict[str, _Recent] = {}

    def see(self, who: str, case: str, at: datetime) -> bool:
        """Note that ``who`` viewed ``case`` at ``at``; True when this view takes the account
        over the rule (it is flagged)."""
        recent = self._recent.setdefault(who, _Recent())
        newest = recent.views[-1][0] if recent.views else at
        if at < newest - self.rule.window:
            return False  # far out of order: outside the window being watched
        insort(recent.views, (at, case))
        newest = max(newest, at)
        while recent.views and recent.views[0][0] < newest - self.rule.window:
            _, gone = recent.views.pop(0)
            recent.counts[gone] -= 1
            if not recent.counts[gone]:
                del recent.counts[gone]
        recent.counts[case] += 1
        distinct = len(recent.counts)
        if distinct <= self.rule.cases:
            return False
        if recent.peak is None or distinct > recent.peak.cases:
            recent.peak = Flag(who, distinct, recent.views[0][0], recent.views[-1][0])
        return True

    def flags(self) -> list[Flag]:
        """Every account flagged so far, most cases first."""
        found = [r.peak for r in self._recent.values() if r.peak is not None]
        return sorted(found, key=lambda f: (-f.cases, f.who))


def flag_rows(rows: Iterable[AuditRow], watch: AccessWatch) -> Iterator[AuditRow]:
    """``rows`` with each case view that takes its account over the rule marked flagged."""
    for row in rows:
        if row.action == CASE_VIEW and watch.see(row.who, row.subject, row.acted_at):
            yield replace(row, flagged=True)
        else:
            yield row


def summary_line(flags: list[Flag], rule: FlagRule) -> str | None:
    """One line naming the flagged accounts ("1 account viewed 25 cases within an hour: ..."),
    or None when nothing was flagged."""
    if not flags:
        return None
    accounts = f"{len(flags)} account{'s' if len(flags) != 1 else ''}"
    most = flags[0].cases if len(flags) == 1 else f"more than {rule.cases}"
    who = "; ".join(
        f"{f.who} ({f.cases} cases, {_stamp(f.first)} to {_stamp(f.last)})" for f in flags
    )
    return f"{accounts} viewed {most} cases within {rule.window_words()}: {who}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_day(text: str) -> date:
    """A ``YYYY-MM-DD`` day; AuditInputError for anything else."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise AuditInputError(f"not a date: {text[:40]!r}; use YYYY-MM-DD, e.g. 2026-03-02")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AuditInputError(
            f"no such day: {text[:40]!r}; use YYYY-MM-DD, e.g. 2026-03-02"
        ) from None


def _bounds(filt: AuditFilter) -> tuple[str | None, str | None]:
    since = filt.since.isoformat() if filt.since is not None else None
    until = (filt.until + timedelta(days=1)).isoformat() if filt.until is not None else None
    return since, until  # stored times are ISO text: "2026-03-02T..." >= "2026-03-02"


def _parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _audit_query(filt: AuditFilter) -> Select[*tuple[Any, ...]]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    since, until = _bounds(filt)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if filt.person is not None:
        query = query.where(AuditEntry.actor == filt.person)
    if filt.case is not None:
        query = query.where(AuditEntry.subject == filt.case)
    if filt.actions:
        query = query.where(AuditEntry.action.in_(filt.actions))
    if filt.device is not None:
        query = query.where(or_(
            and_(AuditEntry.action.in_(_DEVICE_SUBJECT), AuditEntry.subject == filt.device),
            AuditEntry.detail.contains(f"device={filt.device}", autoescape=True),
        ))
    return query


def _audit_row(entry: AuditEntry) -> AuditRow:
    found = _DEVICE_IN_DETAIL.search(entry.detail)
    if found is not None:
        device: str | None = found.group(1)
    else:
        device = entry.subject if entry.action in _DEVICE_SUBJECT else None
    hub_time = _parse_time(entry.at) or datetime.min.replace(tzinfo=UTC)
    acted_at = hub_time
    if entry.action == CASE_VIEW:
        viewed = _VIEWED_AT.search(entry.detail)
        acted_at = (_parse_time(viewed.group(1)) if viewed else None) or hub_time
    return AuditRow(when=entry.at, who=entry.actor, action=entry.action, subject=entry.subject,
                    device=device, detail=entry.detail, acted_at=acted_at)


def _changes_query(filt: AuditFilter) -> Select[*tuple[Any, ...]]:
    query = (
        select(HubChange.accepted_at, Device.user_id, HubChange.device_id, HubRecord.case_id,
               HubChange.record_id, HubRecord.kind, HubChange.status, HubChange.seq)
        .join(Device, Device.id == HubChange.device_id)
        .join(HubRecord, HubRecord.record_id == HubChange.record_id, isouter=True)
        .order_by(HubChange.accepted_at, HubChange.change_id)
    )
    since, until = _bounds(filt)
    if since is not None:
        query = query.where(HubChange.accepted_at >= since)
    if until is not None:
        query = query.where(HubChange.accepted_at < until)
    if filt.person is not None:
        query = query.where(Device.user_id == filt.person)
    if filt.case is not None:
        query = query.where(HubRecord.case_id == filt.case)
    if filt.device is not None:
        query = query.where(HubChange.device_id == filt.device)
    return query


def _change_rows(session: Session, filt: AuditFilter) -> Iterator[AuditRow]:
    query = _changes_query(filt).execution_options(yield_per=BATCH)
    for at, user_id, device_id, case_id, record_id, kind, status, seq in session.execute(query):
        hub_time = _parse_time(at) or datetime.min.replace(tzinfo=UTC)
        yield AuditRow(
            when=at, who=user_id, action=RECORD_CHANGE, subject=case_id or record_id,
            device=device_id, detail=f"record={record_id} kind={kind} status={status} seq={seq}",
            acted_at=hub_time,
        )


def _audit_rows(session: Session, filt: AuditFilter) -> Iterator[AuditRow]:
    query = _audit_query(filt).execution_options(yield_per=BATCH)
    for entry in session.scalars(query):
        row = _audit_row(entry)
        if filt.device is None or row.device == filt.device:
            yield row
        session.expunge(entry)  # keep the identity map from growing with the audit


def read_audit(session: Session, filt: AuditFilter) -> Iterator[AuditRow]:
    """The entries matching ``filt`` in the hub's time order, one at a time (record changes
    from ``hub_changes`` merged in). Iterate within the session's life."""
    streams: list[Iterator[AuditRow]] = []
    if [a for a in filt.actions if a != RECORD_CHANGE] or not filt.actions:
        streams.append(_audit_rows(session, filt))
    if filt.wants(RECORD_CHANGE):
        streams.append(_change_rows(session, filt))
    return heapq.merge(*streams, key=lambda row: row.when)


def csv_cell(text: str) -> str:
    """``text`` safe to open in a spreadsheet: a cell that would start a formula (= + - @, or
    a tab or carriage return before one) gets a leading apostrophe."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def csv_record(row: AuditRow) -> list[str]:
    """The CSV columns of ``row`` (``CSV_HEADER``), each made safe by ``csv_cell``."""
    cells = [row.when, row.who, row.action, row.subject, row.device or "", row.detail,
             "yes" if row.flagged else ""]
    return [csv_cell(c) for c in cells]


# --------------------------------------------------------------------------- spoke-hub audit


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain(text: str) -> str:
    return _CONTROL.sub("?", text)  # nothing a terminal would act on, no broken columns


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except AuditInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a whole number above 0: {text[:20]!r}")
    return value


def _open_csv(path: Path) -> TextIO:
    """``path`` emptied for writing, readable by its owner only: a new file is made 0600, and
    one already there (an earlier export, a ``touch``) is taken back to 0600 before any line
    of the audit goes into it (``os.open``'s mode applies only to a file it creates)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return open(fd, "w", encoding="utf-8-sig", newline="")  # BOM: Excel reads it as UTF-8


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    try:
        filt = AuditFilter(person=args.person, case=args.case, since=args.since,
                           until=args.until, actions=tuple(args.action or ()),
                           device=args.device)
    except AuditInputError as exc:
        print(f"spoke-hub audit: error: {exc}", file=sys.stderr)
        return 2
    rule = FlagRule(cases=args.flag_cases, window=timedelta(minutes=args.flag_window))
    watch = AccessWatch(rule)
    to_csv = args.csv is not None or args.format == "csv"
    count = 0
    with open_session(args, settings) as session:
        rows = flag_rows(read_audit(session, filt), watch)
        if to_csv:
            out = _open_csv(args.csv) if args.csv is not None else sys.stdout
            try:
                writer = csv.writer(out)
                writer.writerow(CSV_HEADER)
                for row in rows:
                    writer.writerow(csv_record(row))
                    count += 1
            finally:
                if out is not sys.stdout:
                    out.close()
        else:
            for row in rows:
                mark = "\tFLAGGED" if row.flagged else ""
                print("\t".join(_plain(c) for c in (row.when, row.who, row.action, row.subject,
                                                    row.device or "-", row.detail)) + mark)
                count += 1
    summary = summary_line(watch.flags(), rule)
    # CSV on stdout stays pure CSV: what is said about it goes to stderr.
    say = functools.partial(print, file=sys.stderr if args.csv is None and to_csv else None)
    if args.csv is not None:
        say(f"Wrote {count} entries to {args.csv}.")
    elif not count and not to_csv:
        say("No audit entries match.")
    if summary is not None:
        say(summary)
    return 0


def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub audit`` to the ``spoke-hub`` parser."""
    known = "; ".join(f"{name}: {what}" for name, what in KNOWN_ACTIONS.items())
    p = commands.add_parser(
        "audit", parents=[common],
        help="who viewed, changed or exported which case, when, from which device",
        description="List the hub's audit in time order (hub's clock, UTC): when, who, "
        "action, case or subject, device, detail. Unusual access is flagged.",
    )
    p.add_argument("--person", "--actor", dest="person", metavar="USER_ID",
                   help="only what this person did")
    p.add_argument("--case", "--subject", dest="case", metavar="CASE_ID",
                   help="only entries about this case (or other subject id)")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="from this day (UTC)")
    p.add_argument("--until", type=_day, metavar="YYYY-MM-DD",
                   help="up to and including this day (UTC)")
    p.add_argument("--action", action="append", metavar="ACTION",
                   help=f"only this action (repeat for several). Known actions: {known}")
    p.add_argument("--device", metavar="DEVICE_ID",
                   help="only entries recorded as from this laptop")
    p.add_argument("--csv", type=Path, metavar="FILE",
                   help="write the entries to FILE as CSV (readable by you only)")
    p.add_argument("--format", choices=("text", "csv"), default="text",
                   help="text (default, tab-separated) or csv, on standard output")
    p.add_argument("--flag-cases", type=_positive, default=DEFAULT_FLAG_CASES, metavar="N",
                   help=f"flag an account viewing more than N distinct cases "
                   f"(default {DEFAULT_FLAG_CASES})...")
    p.add_argument("--flag-window", type=_positive, default=DEFAULT_FLAG_MINUTES,
                   metavar="MINUTES",
                   help=f"...within this many minutes (default {DEFAULT_FLAG_MINUTES})")
    bind_command(p, cmd_audit, settings=settings)
