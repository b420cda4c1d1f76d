"""The audit and the lost-laptop report over HTTP, for the app (issue 16; docs/data-protection.md
"Audit, for the officer" and "A laptop is lost or stolen").

``GET /v1/audit`` lists what ``spoke-hub audit`` lists (``audit_view.read_audit``: the audit
table and the pushed changes, in the hub's time order, unusual access flagged by
``AccessWatch``), plus the information shares laptops recorded (records of kind
``information_share``, listed as action ``share`` with the recipient and the basis only: the
reason and the recipient's details are the worker's words and may name people). Each entry
names the person (display name beside the user id), the case (id and the young person's
reference, a pseudonym) and the laptop (name beside the id).

Who sees what:

* an administrator: every entry;
* a supervisor (with a team): an entry about a case of their team (the case's team on the hub
  now), or one by a person of their team, about a person of their team or about a laptop of a
  person of their team, unless it is about a case of another team. Teams are as the hub knows
  them now: a case that moved to another team leaves the supervisor's listing with it;
* a worker, or a supervisor with no team: 403, and nothing is read.

Pages: ``limit`` entries (1-500) from ``cursor`` (the number already listed; the answer's
``next_cursor``, None on the last page). Each page reads the listing from its start up to its
own end, so that a view is flagged by the same rule whichever page it is on;
``flagged_accounts`` covers the listing up to the end of the page (the last page: all of it).
A filter the audit cannot use is 422 with a message saying how to put it right, and nothing is
read. Every read writes one audit entry ``audit_view`` (ids and filters, never names).

``GET /v1/audit/export``: the whole listing for the same filters as CSV (names beside ids;
every cell made safe for a spreadsheet by the hub's one rule, ``audit_view.csv_cell``), at most
``MAX_EXPORT`` entries (422 beyond: narrow the filters); audited ``audit_export``.

``GET /v1/devices`` (the enrolled laptops) and ``GET /v1/devices/{device_id}/report`` (the
same as ``spoke-hub device report --json``, audited ``device_report``) are for administrators
only (403 otherwise).
"""

from __future__ import annotations

import csv
import dataclasses
import heapq
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.hub import device_report
from spokeapp.hub.audit_view import (
    BATCH,
    AccessWatch,
    AuditFilter,
    AuditInputError,
    AuditRow,
    FlagRule,
    csv_cell,
    flag_rows,
    parse_day,
    read_audit,
)
from spokeapp.hub.deps import Caller
from spokeapp.hub.errors import HubError, out_of_scope
from spokeapp.hub.ledger import audit
from spokeapp.hub.models import Device, HubCase, HubRecord, User
from spokeapp.hub.scope import ADMIN, SUPERVISOR, Actor
from spokeapp.sync.protocol import ACCESS_TOKEN_SECONDS, API_PREFIX, ErrorBody

__all__ = [
    "AUDIT_EXPORT", "AUDIT_VIEW", "EXPORT_HEADER", "MAX_PAGE", "SHARE", "AuditEntryOut",
    "AuditPageOut", "DeviceOut", "DevicesOut", "FlaggedAccountOut", "audit_csv",
    "audit_page", "router",
]

#: The action of the entry each read of the audit writes.
AUDIT_VIEW = "audit_view"
#: The action of the entry each CSV export of the audit writes.
AUDIT_EXPORT = "audit_export"
#: Information shares (record kind ``information_share``), as listed.
SHARE = "share"
SHARE_KIND = "information_share"
MAX_PAGE = 500
DEFAULT_PAGE = 200
#: Names of who acted when it was not a person's account.
SYSTEM_ACTORS = {
    "cli": "Hub administrator (spoke-hub command)",
    "admin": "Hub administrator (spoke-hub command)",
    "hub": "The hub itself (automatic)",
}
UNKNOWN_PERSON = "An account not on this hub"
_ACTION = re.compile(r"[a-z][a-z0-9_]{0,39}")

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 422)
}


class AuditEntryOut(BaseModel):
    """One entry of the audit as the app shows it."""

    when: str
    who_id: str
    who_name: str
    action: str
    subject: str
    #: The person's or laptop's name when the entry is about one (e.g. an enrolment).
    subject_name: str | None
    case_id: str | None
    case_reference: str | None
    device: str | None
    device_name: str | None
    detail: str
    flagged: bool


class FlaggedAccountOut(BaseModel):
    """An account that viewed more cases within the window than the rule allows."""

    who_id: str
    who_name: str
    cases: int
    first: str
    last: str


class AuditPageOut(BaseModel):
    """One page of the audit (``GET /v1/audit``)."""

    scope: str
    entries: list[AuditEntryOut]
    next_cursor: str | None
    flagged_accounts: list[FlaggedAccountOut]
    flag_cases: int
    flag_window_minutes: int


class DeviceOut(BaseModel):
    """An enrolled laptop (``GET /v1/devices``)."""

    device_id: str
    name: str
    user_id: str
    user_name: str
    status: str
    wipe: bool
    enrolled_at: str
    last_seen_at: str | None


class DevicesOut(BaseModel):
    devices: list[DeviceOut]


@dataclass(frozen=True, slots=True)
class _Reach:
    """What of the audit a supervisor may see (the module docstring)."""

    team_cases: frozenset[str]
    other_cases: frozenset[str]
    people: frozenset[str]
    laptops: frozenset[str]

    def sees(self, row: AuditRow) -> bool:
        if row.subject in self.other_cases:
            return False
        if row.subject in self.team_cases:
            return True
        return (row.who in self.people or row.subject in self.people
                or (row.device is not None and row.device in self.laptops))


def _reach(session: Session, team: str) -> _Reach:
    team_cases: set[str] = set()
    other_cases: set[str] = set()
    for case_id, case_team in session.execute(select(HubCase.case_id, HubCase.team)):
        (team_cases if case_team == team else other_cases).add(case_id)
    people = frozenset(session.scalars(select(User.id).where(User.team == team)).all())
    laptops = frozenset(session.scalars(
        select(Device.id).where(Device.user_id.in_(people))).all()) if people else frozenset()
    return _Reach(frozenset(team_cases), frozenset(other_cases), people, laptops)


def _day(name: str, text: str | None) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return parse_day(text)
    except AuditInputError as exc:
        raise HubError(422, "invalid_filter", f"{name}: {exc}") from None


def _references(session: Session, case_ids: set[str]) -> dict[str, str]:
    """The young person's reference (a pseudonym) of each case, from the hub's records."""
    found: dict[str, str] = {}
    ids = sorted(case_ids)
    for start in range(0, len(ids), BATCH):
        rows = session.execute(
            select(HubRecord.case_id, HubRecord.body)
            .where(HubRecord.kind == "young_person",
                   HubRecord.case_id.in_(ids[start:start + BATCH])))
        for case_id, body in rows:
            reference = body.get("reference") if isinstance(body, dict) else None
            if case_id is not None and isinstance(reference, str):
                found[case_id] = reference
    return found


def _cases_by_reference(session: Session, text: str) -> set[str]:
    """Case ids whose young person's reference is ``text`` (any case)."""
    wanted = text.strip().casefold()
    return {
        case_id
        for case_id, body in session.execute(
            select(HubRecord.case_id, HubRecord.body)
            .where(HubRecord.kind == "young_person", HubRecord.case_id.is_not(None)))
        if isinstance(body, dict) and str(body.get("reference", "")).casefold() == wanted
    }


def _share_rows(session: Session, filt: AuditFilter) -> Iterator[AuditRow]:
    """Information shares recorded on laptops, as ``share`` entries (recipient and basis)."""
    if not filt.wants(SHARE):
        return
    query = (select(HubRecord.hub_time, HubRecord.author_user, HubRecord.case_id,
                    HubRecord.record_id, HubRecord.device_id, HubRecord.body)
             .where(HubRecord.kind == SHARE_KIND)
             .order_by(HubRecord.hub_time, HubRecord.seq))
    if filt.since is not None:
        query = query.where(HubRecord.hub_time >= filt.since.isoformat())
    if filt.until is not None:
        query = query.where(HubRecord.hub_time < (filt.until + timedelta(days=1)).isoformat())
    if filt.person is not None:
        query = query.where(HubRecord.author_user == filt.person)
    if filt.case is not None:
        query = query.where(HubRecord.case_id == filt.case)
    if filt.device is not None:
        query = query.where(HubRecord.device_id == filt.device)
    for at, author, case_id, record_id, device_id, body in session.execute(
            query.execution_options(yield_per=BATCH)):
        body = body if isinstance(body, dict) else {}
        detail = (f"record={record_id} recipient={_word(body.get('recipient'))} "
                  f"basis={_word(body.get('basis'))}")
        moment = _moment(at)
        # Who: the account the hub knows pushed it (not what the record says of itself).
        yield AuditRow(when=at, who=author, action=SHARE,
                       subject=case_id or record_id, device=device_id, detail=detail,
                       acted_at=moment)


def _word(value: object) -> str:
    """An enum-like value (``police``, ``consent``), never free text."""
    text = str(value or "-")
    return text if re.fullmatch(r"[A-Za-z0-9_]{1,40}", text) else "other"


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """The filters of one ``GET /v1/audit`` as sent (checked by :func:`audit_page`)."""

    person: str | None = None
    case: str | None = None
    since: str | None = None
    until: str | None = None
    actions: tuple[str, ...] = ()
    device: str | None = None
    flagged_only: bool = False
    cursor: str | None = None
    limit: int = DEFAULT_PAGE


def _person_ids(session: Session, text: str) -> set[str]:
    """A user id, or every account whose display name is ``text`` (any case)."""
    text = text.strip()
    if session.get(User, text) is not None or text in SYSTEM_ACTORS:
        return {text}
    wanted = text.casefold()
    return {uid for uid, name in session.execute(select(User.id, User.name))
            if name.casefold() == wanted}


@dataclass(frozen=True, slots=True)
class _Listing:
    """A checked query: what to read and for whom."""

    filt: AuditFilter
    people: set[str] | None
    cases: set[str] | None
    reach: _Reach | None
    scope: str
    offset: int


def _check(session: Session, actor: Actor, query: AuditQuery) -> _Listing:
    """The caller's right to the audit and the filters, checked before anything is read."""
    if actor.role == SUPERVISOR:
        if actor.team is None:
            raise out_of_scope("Your account is not in a team, so there is no audit to show.")
    elif actor.role != ADMIN:
        raise out_of_scope("The audit is for supervisors and hub administrators.")
    since = _day("since", query.since)
    until = _day("until", query.until)
    if since is not None and until is not None and since > until:
        raise HubError(422, "invalid_filter",
                       "since is after until: nothing could match. Swap the two days.")
    bad = [a for a in query.actions if not _ACTION.fullmatch(a)]
    if bad:
        raise HubError(422, "invalid_filter",
                       "action: use the action's name in lower case (e.g. case_view).")
    try:
        offset = int(query.cursor) if query.cursor else 0
    except ValueError:
        offset = -1
    if offset < 0:
        raise HubError(422, "invalid_filter",
                       "cursor: use the next_cursor of the previous page.")
    people = _person_ids(session, query.person) if query.person else None
    cases: set[str] | None = None
    if query.case and query.case.strip():
        text = query.case.strip()
        cases = {text} if session.get(HubCase, text) is not None else (
            _cases_by_reference(session, text) or {text})
    filt = AuditFilter(
        person=next(iter(people)) if people is not None and len(people) == 1 else None,
        case=next(iter(cases)) if cases is not None and len(cases) == 1 else None,
        since=since, until=until, actions=tuple(dict.fromkeys(query.actions)),
        device=(query.device or "").strip() or None,
    )
    reach = _reach(session, actor.team) if actor.role == SUPERVISOR and actor.team else None
    scope = "hub" if reach is None else f"team:{actor.team}"
    return _Listing(filt, people, cases, reach, scope, offset)


def _listed(session: Session, listing: _Listing, watch: AccessWatch,
            flagged_only: bool) -> Iterator[AuditRow]:
    """The entries the caller may see, in time order, flagged by ``watch``."""
    people, cases, reach = listing.people, listing.cases, listing.reach
    if people == set() or cases == set():
        return iter(())
    rows: Iterator[AuditRow] = heapq.merge(
        read_audit(session, listing.filt), _share_rows(session, listing.filt),
        key=lambda r: r.when)
    if people is not None and len(people) > 1:
        rows = (r for r in rows if r.who in people)
    if cases is not None and len(cases) > 1:
        rows = (r for r in rows if r.subject in cases)
    if reach is not None:
        rows = (r for r in rows if reach.sees(r))
    listed = flag_rows(rows, watch)
    if flagged_only:
        listed = (r for r in listed if r.flagged)
    return listed


@dataclass(frozen=True, slots=True)
class _Names:
    """People, laptops and cases by id, for the rows of one answer."""

    people: dict[str, str]
    laptops: dict[str, str]
    cases: set[str]
    references: dict[str, str]

    @classmethod
    def of(cls, session: Session, rows: list[AuditRow]) -> _Names:
        people = {uid: name for uid, name in session.execute(select(User.id, User.name))}
        laptops = {did: name for did, name in session.execute(select(Device.id, Device.name))}
        subjects = sorted({r.subject for r in rows})
        known: set[str] = set()
        for start in range(0, len(subjects), BATCH):
            known.update(session.scalars(select(HubCase.case_id).where(
                HubCase.case_id.in_(subjects[start:start + BATCH]))).all())
        return cls(people, laptops, known, _references(session, known))

    def who(self, user_id: str) -> str:
        return self.people.get(user_id) or SYSTEM_ACTORS.get(user_id) or UNKNOWN_PERSON

    def entry(self, r: AuditRow) -> AuditEntryOut:
        return AuditEntryOut(
            when=r.when, who_id=r.who, who_name=self.who(r.who), action=r.action,
            subject=r.subject,
            subject_name=self.people.get(r.subject) or self.laptops.get(r.subject),
            case_id=r.subject if r.subject in self.cases else None,
            case_reference=self.references.get(r.subject),
            device=r.device, device_name=self.laptops.get(r.device or ""),
            detail=r.detail, flagged=r.flagged)


def audit_page(session: Session, actor: Actor, query: AuditQuery,
               rule: FlagRule | None = None) -> AuditPageOut:
    """One page of the audit for ``actor`` (checks role and filters first; writes the
    ``audit_view`` entry in the caller's transaction)."""
    listing = _check(session, actor, query)
    rule = rule or FlagRule()
    watch = AccessWatch(rule)
    entries: list[AuditRow] = []
    more = False
    for row in islice(_listed(session, listing, watch, query.flagged_only),
                      listing.offset, None):
        if len(entries) == query.limit:
            more = True
            break
        entries.append(row)
    names = _Names.of(session, entries)
    page = AuditPageOut(
        scope=listing.scope,
        entries=[names.entry(r) for r in entries],
        next_cursor=str(listing.offset + len(entries)) if more else None,
        flagged_accounts=[
            FlaggedAccountOut(who_id=f.who, who_name=names.who(f.who), cases=f.cases,
                              first=f.first.isoformat(), last=f.last.isoformat())
            for f in watch.flags()],
        flag_cases=rule.cases,
        flag_window_minutes=int(rule.window.total_seconds() // 60),
    )
    audit(session, actor.user_id, AUDIT_VIEW, listing.scope,
          _audit_detail(listing, query, len(entries)))
    return page


#: The columns of the app's CSV export of the audit (names beside the ids).
EXPORT_HEADER = ("when", "who", "who_id", "action", "case_reference", "case/subject",
                 "device", "device_id", "detail", "flagged")
#: The most entries one CSV export holds (a larger one is refused: narrow the filters).
MAX_EXPORT = 100_000


def audit_csv(session: Session, actor: Actor, query: AuditQuery,
              rule: FlagRule | None = None) -> str:
    """The whole listing for ``query`` as CSV (``EXPORT_HEADER``; each cell made safe for a
    spreadsheet by ``audit_view.csv_cell``), audited ``audit_export``."""
    listing = _check(session, actor, query)
    rows = list(islice(_listed(session, listing, AccessWatch(rule or FlagRule()),
                               query.flagged_only), MAX_EXPORT + 1))
    if len(rows) > MAX_EXPORT:
        raise HubError(422, "too_many_entries",
                       f"More than {MAX_EXPORT} entries match: narrow the filters "
                       "(dates, person or action) and export again.")
    names = _Names.of(session, rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for r in rows:
        e = names.entry(r)
        writer.writerow([csv_cell(c) for c in (
            e.when, e.who_name, e.who_id, e.action, e.case_reference or "", e.subject,
            e.device_name or "", e.device or "", e.detail, "yes" if e.flagged else "")])
    audit(session, actor.user_id, AUDIT_EXPORT, listing.scope,
          _audit_detail(listing, query, len(rows)))
    return out.getvalue()


def _audit_detail(listing: _Listing, query: AuditQuery, count: int) -> str:
    """The filters of a read, by ids only: a person typed by name is recorded by user id,
    a case typed by reference by case id."""
    filt, parts = listing.filt, []
    if listing.people is not None:
        parts.append("person=" + (",".join(sorted(listing.people)) or "none"))
    if listing.cases is not None:
        parts.append("case=" + ",".join(sorted(listing.cases)))
    if filt.since is not None:
        parts.append(f"since={filt.since.isoformat()}")
    if filt.until is not None:
        parts.append(f"until={filt.until.isoformat()}")
    if filt.actions:
        parts.append("action=" + ",".join(filt.actions))
    if filt.device is not None:
        parts.append(f"device={_word(filt.device)}")
    if query.flagged_only:
        parts.append("flagged_only=true")
    parts.append(f"cursor={listing.offset} rows={count}")
    return " ".join(parts)[:1000]


def _audit_query(
    person: Annotated[str | None, Query(max_length=200)] = None,
    case: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[str | None, Query(max_length=20)] = None,
    until: Annotated[str | None, Query(max_length=20)] = None,
    action: Annotated[list[str] | None, Query(max_length=40)] = None,
    device: Annotated[str | None, Query(max_length=64)] = None,
    flagged_only: bool = False,
    cursor: Annotated[str | None, Query(max_length=12)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
) -> AuditQuery:
    """The filters of ``GET /v1/audit`` (and its CSV export, which ignores cursor and limit)."""
    if action is not None and len(action) > 50:
        raise HubError(422, "invalid_filter", "action: at most 50 actions at once.")
    return AuditQuery(person=person, case=case, since=since, until=until,
                      actions=tuple(action or ()), device=device,
                      flagged_only=flagged_only, cursor=cursor, limit=limit)


def _admin_only(caller: Any, what: str) -> None:
    if caller.actor.role != ADMIN:
        raise out_of_scope(f"{what} is for hub administrators.")


def router() -> APIRouter:
    """The audit and device-report endpoints, for ``create_app`` to include."""
    api = APIRouter()

    @api.get(f"{API_PREFIX}/audit", response_model=AuditPageOut, responses=_ERRORS,
             summary="The audit: who viewed, changed, exported or shared which case")
    def get_audit(request: Request, caller: Caller,
                  query: Annotated[AuditQuery, Depends(_audit_query)]) -> AuditPageOut:
        with Session(request.app.state.engine) as session, session.begin():
            return audit_page(session, caller.actor, query)

    @api.get(f"{API_PREFIX}/audit/export", responses=_ERRORS | {
                 200: {"content": {"text/csv": {}}, "description": "The listing as CSV"}},
             response_class=Response,
             summary="The audit as CSV, formula cells neutralised (audited audit_export)")
    def get_audit_csv(request: Request, caller: Caller,
                      query: Annotated[AuditQuery, Depends(_audit_query)]) -> Response:
        with Session(request.app.state.engine) as session, session.begin():
            text = audit_csv(session, caller.actor, query)
        return Response(content=text.encode("utf-8"), media_type="text/csv; charset=utf-8")

    @api.get(f"{API_PREFIX}/devices", response_model=DevicesOut, responses=_ERRORS,
             summary="The enrolled laptops (administrators)")
    def get_devices(request: Request, caller: Caller) -> DevicesOut:
        _admin_only(caller, "The list of laptops")
        with Session(request.app.state.engine) as session:
            rows = session.execute(
                select(Device, User.name).join(User, User.id == Device.user_id)
                .order_by(User.name, Device.enrolled_at)).all()
            return DevicesOut(devices=[DeviceOut(
                device_id=d.id, name=d.name, user_id=d.user_id, user_name=name,
                status=d.status, wipe=bool(d.wipe), enrolled_at=d.enrolled_at,
                last_seen_at=d.last_seen_at) for d, name in rows])

    @api.get(f"{API_PREFIX}/devices/{{device_id}}/report", responses=_ERRORS,
             summary="A lost or stolen laptop: what to tell the ICO (administrators)")
    def get_device_report(
        request: Request,
        caller: Caller,
        device_id: Annotated[str, Path(min_length=1, max_length=64)],
    ) -> dict[str, Any]:
        _admin_only(caller, "The device report")
        seconds = getattr(request.app.state, "access_token_seconds", ACCESS_TOKEN_SECONDS)
        with Session(request.app.state.engine) as session, session.begin():
            report = device_report.device_report(
                session, device_id, actor=caller.actor.user_id, token_seconds=seconds)
        return dataclasses.asdict(report)

    return api
