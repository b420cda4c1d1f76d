"""Requests from young people and their families, on the hub (issue 16; docs/data-protection.md,
"Requests from young people and their families").

A register of data subject requests about a case: access, erasure, restriction or
rectification. ``spoke-hub requests add`` records one with the day it was received and its due
day; ``requests list`` shows what is open, extended, fulfilled or refused and how many days are
left (or how long a request is overdue); ``requests extend`` / ``fulfil`` / ``refuse`` change
it. A fulfilled or refused request is final.

The due day (ICO guidance on the time limit for responding): *"You should calculate the time
limit from the day you receive the request ... to the corresponding calendar date in the next
month. If this is not possible because the following month is shorter (and there is no
corresponding calendar date), the date for response is the last day of the following month."*
So a request received on 15 March is due on 15 April, one received on 31 January is due on 28
February (29 February in a leap year), and one received on 31 December is due on 31 January.
A complex request may be extended once "by a further two months": the due day becomes the same
rule applied one plus the extension's months after receipt.

Stored in ``hub_subject_requests``: the note, the extension's reason and the refusal's reason
are the administrator's own words and may name people, so they stay in that table; the audit
records only the action, the request id, its kind and the case id. Nothing here prints or
logs; "today" is always passed in.

Not built yet: the subject access bundle itself, and erasure of a case's data.
"""

from __future__ import annotations

import argparse
import calendar
import functools
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.hub.commands import Settings, day, locked_write, open_session
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.ledger import audit
from spokeapp.hub.models import HubRecord, SubjectRequest
from spokeapp.hub.security import iso, utc_now

__all__ = [
    "EARLIEST",
    "KINDS",
    "REQUESTERS",
    "RequestView",
    "SubjectRequestError",
    "add_months",
    "add_request",
    "due_for",
    "extend_request",
    "fulfil_request",
    "list_requests",
    "refuse_request",
    "register",
    "view",
]

CLI_ACTOR = "cli"
KINDS = ("access", "erasure", "restriction", "rectification")
REQUESTERS = ("young_person", "parent_or_carer", "representative")
#: The earliest day a request may have been received.
EARLIEST = date(2000, 1, 1)
#: An extension: by up to this many further months, once.
MAX_EXTENSION_MONTHS = 2
MAX_TEXT = 2000
MIN_REASON = 10
OPEN, EXTENDED, FULFILLED, REFUSED = "open", "extended", "fulfilled", "refused"
STATUSES = (OPEN, EXTENDED, FULFILLED, REFUSED)


class SubjectRequestError(SpokeError):
    """Bad input to a requests command: nothing was changed (the command exits 2)."""


# ------------------------------------------------------------------------------ the dates
def add_months(day: date, months: int) -> date:
    """The corresponding calendar date ``months`` months after ``day``; if that month has no
    such date (31 January + 1), the last day of that month (28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_for(received: date, extension_months: int = 0) -> date:
    """The day a request received on ``received`` must be answered by: one calendar month (ICO:
    "the corresponding calendar date in the next month ... if this is not possible ... the last
    day of the following month"), plus ``extension_months`` when extended."""
    return add_months(received, 1 + extension_months)


# ------------------------------------------------------------------------------ the register
@dataclass(frozen=True, slots=True)
class RequestView:
    """One request as listed on ``as_of``: ``days_left`` negative when overdue; None once the
    request is fulfilled or refused."""

    id: int
    kind: str
    case_id: str
    requester: str | None
    received_on: date
    due_on: date
    status: str
    closed_on: date | None
    days_left: int | None
    #: "case", or "referral" for a referral that never became a case (``case_id`` is its id).
    subject: str = "case"

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    def standing(self) -> str:
        """"N days left", "due today", "OVERDUE by N days" or "fulfilled on DAY"."""
        if self.days_left is None:
            return f"{self.status} on {self.closed_on.isoformat() if self.closed_on else '?'}"
        if self.days_left < 0:
            n = -self.days_left
            return f"OVERDUE by {n} day{'s' if n != 1 else ''}"
        if self.days_left == 0:
            return "due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def view(row: SubjectRequest, as_of: date) -> RequestView:
    """``row`` as it stands on ``as_of``."""
    due = date.fromisoformat(row.due_on)
    live = row.status in (OPEN, EXTENDED)
    return RequestView(row.id, row.kind, row.case_id, row.requester,
                       date.fromisoformat(row.received_on), due, row.status,
                       date.fromisoformat(row.closed_on) if row.closed_on else None,
                       (due - as_of).days if live else None, row.subject)


def _text(value: str | None, what: str, *, required: bool) -> str | None:
    clean = " ".join((value or "").split())
    if not clean:
        if required:
            raise SubjectRequestError(f"{what} must say why, in at least {MIN_REASON} "
                                      "characters.")
        return None
    if required and len(clean) < MIN_REASON:
        raise SubjectRequestError(f"{what} must say why, in at least {MIN_REASON} characters.")
    if len(clean) > MAX_TEXT:
        raise SubjectRequestError(f"{what} must be at most {MAX_TEXT} characters.")
    return clean


def _audit(session: Session, actor: str, action: str, row: SubjectRequest) -> None:
    audit(session, actor, action, row.case_id, f"request={row.id};kind={row.kind}")


def add_request(session: Session, *, kind: str, case_id: str | None = None, received: date,
                today: date, requester: str | None = None, note: str | None = None,
                actor: str = CLI_ACTOR, referral_id: str | None = None) -> SubjectRequest:
    """Record a request received on ``received`` about ``case_id`` (or ``referral_id``: a
    referral that never became a case), due one calendar month later. SubjectRequestError
    (nothing changed) for an unknown kind, requester, case or referral, a receipt day in the
    future or before 2000, or a request about a referral the hub cannot carry out.

    About a referral that never became a case every kind is recorded: ``requests bundle``
    makes the referral's file, ``requests carry-out`` erases it or restricts it (its records
    kept off every laptop), and the referral's author corrects it in the app."""
    if kind not in KINDS:
        raise SubjectRequestError(f"--kind must be one of {', '.join(KINDS)}.")
    if (case_id is None) == (referral_id is None):
        raise SubjectRequestError("Give the request's case (--case) or its referral "
                                  "(--referral), not both.")
    if requester is not None and requester not in REQUESTERS:
        raise SubjectRequestError(f"--from must be one of {', '.join(REQUESTERS)}.")
    if received > today:
        raise SubjectRequestError(f"--received {received.isoformat()} is in the future "
                                  f"(today is {today.isoformat()}).")
    if received < EARLIEST:
        raise SubjectRequestError(f"--received must be on or after {EARLIEST.isoformat()}.")
    clean = _text(note, "--note", required=False)
    if referral_id is not None:
        _check_referral(session, referral_id)
        subject, subject_id = "referral", referral_id
    else:
        assert case_id is not None
        found = session.scalar(select(HubRecord.record_id).where(
            HubRecord.record_id == case_id, HubRecord.kind == "case").limit(1))
        if found is None:
            raise SubjectRequestError(f"No case with id {case_id!r} is on this hub; nothing "
                                      "recorded.")
        subject, subject_id = "case", case_id
    row = SubjectRequest(kind=kind, case_id=subject_id, subject=subject, requester=requester,
                         note=clean,
                         received_on=received.isoformat(), due_on=due_for(received).isoformat(),
                         status=OPEN, created_by=actor, created_at=iso(utc_now()))
    session.add(row)
    session.flush()  # the id
    _audit(session, actor, "subject_request_added", row)
    return row


def _check_referral(session: Session, referral_id: str) -> None:
    """A request about a referral may be recorded: it is on the hub with no case."""
    from spokeapp.hub.retention import uncased_referral  # retention imports commands too

    if uncased_referral(session, referral_id) is None:
        case = session.scalar(select(HubRecord.record_id).where(
            HubRecord.record_id == referral_id, HubRecord.kind == "referral").limit(1))
        raise SubjectRequestError(
            f"No referral with id {referral_id!r} is on this hub; nothing recorded."
            if case is None else
            f"Referral {referral_id} became a case: record the request with --case and the "
            "case's id; nothing recorded.")


def _get(session: Session, request_id: int) -> SubjectRequest:
    row = session.get(SubjectRequest, request_id)
    if row is None:
        raise SubjectRequestError(f"No request with id {request_id} on this hub; nothing "
                                  "changed.")
    if row.status not in (OPEN, EXTENDED):
        raise SubjectRequestError(f"Request {request_id} was {row.status} on {row.closed_on}; "
                                  "it cannot change again.")
    return row


def extend_request(session: Session, request_id: int, reason: str, *,
                   months: int = MAX_EXTENSION_MONTHS,
                   actor: str = CLI_ACTOR) -> SubjectRequest:
    """Extend a complex request once, by ``months`` (1 or 2) further months from its first due
    day's month: the due day becomes ``due_for(received, months)``. SubjectRequestError
    (nothing changed) for an unknown, final or already extended request, or a short reason."""
    clean = _text(reason, "--reason", required=True)
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise SubjectRequestError(f"--months must be 1 or {MAX_EXTENSION_MONTHS}.")
    row = _get(session, request_id)
    if row.status == EXTENDED:
        raise SubjectRequestError(f"Request {request_id} was already extended (a request may "
                                  "be extended once); nothing changed.")
    row.due_on = due_for(date.fromisoformat(row.received_on), months).isoformat()
    row.status = EXTENDED
    row.extended_at = iso(utc_now())
    row.extension_reason = clean
    _audit(session, actor, "subject_request_extended", row)
    return row


def _close(session: Session, request_id: int, status: str, note: str | None, today: date,
           actor: str) -> SubjectRequest:
    row = _get(session, request_id)
    row.status = status
    row.closed_on = today.isoformat()
    row.closed_by = actor
    row.closing_note = note
    _audit(session, actor, f"subject_request_{status}", row)
    return row


def fulfil_request(session: Session, request_id: int, today: date, note: str | None = None, *,
                   actor: str = CLI_ACTOR) -> SubjectRequest:
    """Mark a request fulfilled on ``today`` (final). SubjectRequestError (nothing changed) for
    an unknown or final request."""
    return _close(session, request_id, FULFILLED, _text(note, "--note", required=False), today,
                  actor)


def refuse_request(session: Session, request_id: int, today: date, reason: str, *,
                   actor: str = CLI_ACTOR) -> SubjectRequest:
    """Mark a request refused on ``today``, with the reason (final). SubjectRequestError
    (nothing changed) for an unknown or final request or a short reason."""
    clean = _text(reason, "--reason", required=True)
    return _close(session, request_id, REFUSED, clean, today, actor)


def list_requests(session: Session, as_of: date, *, open_only: bool = False,
                  overdue_only: bool = False) -> list[RequestView]:
    """The register on ``as_of``, by due day then id; ``open_only``: open or extended;
    ``overdue_only``: open or extended and past the due day."""
    views = [view(r, as_of) for r in session.scalars(select(SubjectRequest))]
    if open_only:
        views = [v for v in views if v.days_left is not None]
    if overdue_only:
        views = [v for v in views if v.overdue]
    return sorted(views, key=lambda v: (v.due_on, v.id))


# ------------------------------------------------------------------------------ the commands
def _today(args: argparse.Namespace) -> date:
    as_of: date | None = getattr(args, "as_of", None)
    return as_of or utc_now().date()


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings,
        lambda session: add_request(session, kind=args.kind, case_id=args.case_id,
                                    referral_id=args.referral_id,
                                    received=args.received, today=_today(args),
                                    requester=args.requester, note=args.note),
        refusal=SubjectRequestError,
        done=lambda row: f"Recorded {args.kind} request {row.id} for {row.subject} "
                         f"{row.case_id}: due {row.due_on}.",
    )


def _json(v: RequestView) -> dict[str, Any]:
    return {"id": v.id, "kind": v.kind, "case_id": v.case_id, "subject": v.subject,
            "from": v.requester,
            "received_on": v.received_on.isoformat(), "due_on": v.due_on.isoformat(),
            "status": v.status,
            "closed_on": v.closed_on.isoformat() if v.closed_on else None,
            "days_left": v.days_left, "standing": v.standing()}


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    today = _today(args)
    with open_session(args, settings) as session, session.begin():
        views = list_requests(session, today, open_only=args.open, overdue_only=args.overdue)
    if args.json:
        print(json.dumps({"as_of": today.isoformat(), "requests": [_json(v) for v in views]},
                         indent=2))
        return 0
    print(f"Data subject requests as of {today.isoformat()}.")
    if not views:
        print("No request to list.")
    for v in views:
        print(f"{v.id}\t{v.kind}\t{v.subject} {v.case_id}\t"
              f"received {v.received_on.isoformat()}\t"
              f"due {v.due_on.isoformat()}\t{v.status}\t{v.standing()}")
    return 0


def cmd_extend(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings,
        lambda session: extend_request(session, args.request_id, args.reason, months=args.months),
        refusal=SubjectRequestError,
        done=lambda row: f"Extended request {args.request_id}: now due {row.due_on}.",
    )


def cmd_fulfil(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings,
        lambda session: fulfil_request(session, args.request_id, _today(args), args.note),
        refusal=SubjectRequestError, done=lambda _: f"Request {args.request_id} is fulfilled.",
    )


def cmd_refuse(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings,
        lambda session: refuse_request(session, args.request_id, _today(args), args.reason),
        refusal=SubjectRequestError, done=lambda _: f"Request {args.request_id} is refused.",
    )


def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub requests ...`` to the ``spoke-hub`` parser."""
    bind = functools.partial(bind_command, settings=settings)
    requests = commands.add_parser(
        "requests", help="data subject requests: access, erasure, restriction, rectification"
    ).add_subparsers(dest="action", required=True)
    p = requests.add_parser("add", parents=[common], help="record a request received")
    p.add_argument("--kind", required=True, choices=KINDS)
    about = p.add_mutually_exclusive_group(required=True)
    about.add_argument("--case", dest="case_id", metavar="CASE_ID", help="the case it is about")
    about.add_argument("--referral", dest="referral_id", metavar="REFERRAL_ID",
                       help="a referral that never became a case")
    p.add_argument("--received", required=True, type=day, metavar="YYYY-MM-DD",
                   help="the day the request was received (not in the future)")
    p.add_argument("--from", dest="requester", choices=REQUESTERS,
                   help="who made the request")
    p.add_argument("--note", help="the administrator's note (kept in the register only)")
    bind(p, cmd_add)
    p = requests.add_parser("list", parents=[common], help="list the requests")
    p.add_argument("--open", action="store_true", help="only open or extended requests")
    p.add_argument("--overdue", action="store_true", help="only requests past their due day")
    p.add_argument("--as-of", type=day, metavar="YYYY-MM-DD",
                   help="the day to count from (default: today, UTC)")
    p.add_argument("--json", action="store_true", help="print JSON")
    bind(p, cmd_list)
    p = requests.add_parser("extend", parents=[common],
                            help="extend a complex request, once, by up to two months")
    p.add_argument("request_id", type=int, metavar="ID")
    p.add_argument("--reason", required=True, help="why (at least 10 characters)")
    p.add_argument("--months", type=int, choices=(1, 2), default=MAX_EXTENSION_MONTHS,
                   help="further months (default 2)")
    bind(p, cmd_extend)
    p = requests.add_parser("fulfil", parents=[common], help="mark a request fulfilled")
    p.add_argument("request_id", type=int, metavar="ID")
    p.add_argument("--note", help="how it was fulfilled (kept in the register only)")
    bind(p, cmd_fulfil)
    p = requests.add_parser("refuse", parents=[common], help="mark a request refused")
    p.add_argument("request_id", type=int, metavar="ID")
    p.add_argument("--reason", required=True, help="why (at least 10 characters)")
    bind(p, cmd_refuse)
    from spokeapp.hub.disposal import register_requests  # disposal imports retention

    register_requests(requests, common, settings)
