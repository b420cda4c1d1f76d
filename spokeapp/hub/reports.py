"""``GET /v1/reports``: the service's figures for a period and a scope, counted on the hub.

The figures themselves are ``spokeapp.domain.reports`` (the laptop runs the same code for a
worker's own work); this module decides who may ask for which scope, reads the hub records in
it and attributes each to a worker (a record with a case to the case's key worker on the hub,
one without to its author). Only counts leave the hub, never case content.

Who may ask for what (``scope=worker:ID|team:NAME|hub``; the default is the caller's own):

* a worker: only ``worker:<themself>``, and with duress left out (``worker_facing``), exactly as
  their laptop computes it;
* a supervisor: their own team, or one worker in it; another team or its workers is 403;
* an administrator: the whole hub, any team or any worker (aggregates only, which is what an
  admin may see).

``funder=true`` gives the funder form (small counts shown as "<5", see the domain module), and
``format=csv`` the CSV instead of JSON. Every closure on a hub needs a supervisor's sign-off,
so a closure counts as closed once approved (``sign_off``; one not yet decided is "closed,
awaiting sign-off"). Workers are named, never shown by user id; the JSON carries the
organisation's name for the PDF's header. Every request is audited (scope and period, no
figures).
``from`` and ``to`` must lie between ``EARLIEST`` and ``LATEST`` (422 naming the field
otherwise: date arithmetic near year 1 or 9999 would overflow).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import record_from_dict
from spokeapp.domain.reports import (
    HIDDEN_NOTE,
    Attributed,
    Period,
    Report,
    ReportScope,
    ScopeKind,
    compute_report,
    report_csv,
)
from spokeapp.hub.deps import Caller
from spokeapp.hub.errors import HubError, out_of_scope
from spokeapp.hub.ledger import META_ORGANISATION, audit
from spokeapp.hub.models import HubCase, HubMeta, HubRecord, ReportResidue, User
from spokeapp.hub.scope import ADMIN, SUPERVISOR, WORKER, Actor
from spokeapp.sync.protocol import (
    API_PREFIX,
    ErrorBody,
    FigureGroupOut,
    FigureOut,
    ReportResponse,
)

__all__ = ["FigureOut", "ReportResponse", "build_report", "router"]

#: The dates a report may start and end on (inclusive).
EARLIEST = date(2000, 1, 1)
LATEST = date(2199, 12, 31)

#: Kinds counted for the workers in scope (by case holder or author).
_OWN_KINDS = ("referral", "case", "session", "closure", "sign_off", "group_session",
              "professional_activity", "visit_plan")
#: Kinds that follow their visit plan whoever wrote them (the hub, a supervisor, an SMS).
_VISIT_KINDS = ("check_in", "alarm", "alarm_resolution", "escalation_alert")


def _default_scope(actor: Actor) -> ReportScope:
    if actor.role == ADMIN:
        return ReportScope(ScopeKind.HUB)
    if actor.role == SUPERVISOR and actor.team is not None:
        return ReportScope(ScopeKind.TEAM, actor.team)
    return ReportScope(ScopeKind.WORKER, actor.user_id)


def _check_scope(session: Session, actor: Actor, scope: ReportScope) -> ColumnElement[bool]:
    """The condition on ``users`` selecting the workers in ``scope``; 403 if out of bounds."""
    if scope.kind is ScopeKind.HUB:
        if actor.role != ADMIN:
            raise out_of_scope("Only an administrator can report on the whole hub.")
        return User.role != ADMIN
    if scope.kind is ScopeKind.TEAM:
        if actor.role == SUPERVISOR and actor.team is not None and scope.value == actor.team:
            return User.team == scope.value
        if actor.role != ADMIN:
            raise out_of_scope("You can only report on your own team.")
        return and_(User.team == scope.value, User.role != ADMIN)
    user = session.get(User, scope.value or "")
    allowed = (
        (actor.role == ADMIN and user is not None)
        or (actor.role == WORKER and scope.value == actor.user_id)
        or (actor.role == SUPERVISOR and user is not None and actor.team is not None
            and user.team == actor.team)
    )
    if not allowed:
        raise out_of_scope("You can only report on your own work or your team's.")
    return User.id == scope.value


def build_report(session: Session, actor: Actor, scope: ReportScope | None,
                 period: Period) -> Report:
    """The report for ``scope`` (default: the actor's own) over ``period``, from hub records.

    Raises HubError 403 when the actor may not report on the scope.
    """
    scope = scope or _default_scope(actor)
    in_scope = _check_scope(session, actor, scope)
    users = session.execute(select(User.id, User.name, User.role).where(in_scope)).all()
    # Workers are listed even with no case; a supervisor only if they hold cases (added by
    # compute_report), so casework per worker is not diluted by supervisors.
    workers = [uid for uid, _, role in users if role == WORKER]
    names = {uid: name for uid, name, _ in users}
    user_ids = select(User.id).where(in_scope)
    holder = dict(
        session.execute(
            select(HubCase.case_id, HubCase.key_worker).where(HubCase.key_worker.in_(user_ids))
        ).all()
    )
    cases = select(HubCase.case_id).where(HubCase.key_worker.in_(user_ids))
    # Visit records are received after the visit starts (and it starts in the period), so
    # older ones cannot count; a day's margin covers any time zone.
    since = (period.start - timedelta(days=2)).isoformat()
    rows = session.execute(
        select(HubRecord.kind, HubRecord.case_id, HubRecord.author_user, HubRecord.body).where(
            or_(
                and_(
                    HubRecord.kind.in_(_OWN_KINDS),
                    or_(
                        HubRecord.case_id.in_(cases),
                        and_(HubRecord.case_id.is_(None), HubRecord.author_user.in_(user_ids)),
                    ),
                ),
                and_(HubRecord.kind.in_(_VISIT_KINDS), HubRecord.hub_time >= since),
            )
        )
    )
    attributed: list[Attributed] = []
    for kind, case_id, author, body in rows:
        worker = holder.get(case_id) if case_id is not None else author
        if worker is None:
            continue
        try:
            record = record_from_dict(kind, body)
        except ValidationError:
            continue  # an old or unknown shape: not counted rather than failing the report
        attributed.append(Attributed(record, worker))
    # What disposed cases added (issue 16, spokeapp.hub.disposal): their records reduced to
    # dates, categories and numbers, so a past period's figures stay the same.
    for worker, kind, body in session.execute(
            select(ReportResidue.worker, ReportResidue.kind, ReportResidue.body)
            .where(ReportResidue.worker.in_(user_ids))):
        try:
            attributed.append(Attributed(record_from_dict(kind, body), worker))
        except ValidationError:
            continue
    # Every closure on a hub needs a supervisor's sign-off (spokeapp.domain.supervision).
    return compute_report(attributed, period, scope, workers=workers, names=names,
                          worker_facing=actor.role == WORKER, sign_off=True)


def router() -> APIRouter:
    """The reports endpoint, for ``create_app`` to include."""
    api = APIRouter()

    @api.get(
        f"{API_PREFIX}/reports",
        response_model=ReportResponse,
        responses={
            **{code: {"model": ErrorBody} for code in (401, 403, 422)},
            200: {"content": {"text/csv": {}}},
        },
        summary="Figures for a period and a scope (worker, team or hub), counted on the hub",
    )
    def get_report(
        request: Request,
        caller: Caller,
        start: Annotated[date, Query(alias="from")],
        end: Annotated[date, Query(alias="to")],
        scope: Annotated[str | None, Query(max_length=120)] = None,
        funder: bool = False,
        output: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
    ) -> Response | ReportResponse:
        out_of_range = [
            {"type": "greater_than_equal" if day < EARLIEST else "less_than_equal",
             "loc": ("query", name), "msg": f"must be between {EARLIEST} and {LATEST}"}
            for name, day in (("from", start), ("to", end)) if not EARLIEST <= day <= LATEST
        ]
        if out_of_range:
            raise RequestValidationError(out_of_range)
        try:
            period = Period(start, end)
            wanted = None if scope is None else ReportScope.parse(scope)
        except ValidationError as exc:
            raise HubError(422, "invalid_request", str(exc)) from None
        with Session(request.app.state.engine) as session, session.begin():
            report = build_report(session, caller.actor, wanted, period)
            audit(session, caller.actor.user_id, "report", str(report.scope)[:200],
                  f"from={start.isoformat()};to={end.isoformat()};funder={funder}")
            organisation = session.scalar(
                select(HubMeta.value).where(HubMeta.key == META_ORGANISATION)) or ""
        if output == "csv":
            return Response(content=report_csv(report, funder=funder), media_type="text/csv")
        of = {f.key: f.of for f in report.figures}
        return ReportResponse(
            scope=str(report.scope),
            period_from=start,
            period_to=end,
            funder=funder,
            computed_at=request.app.state.clock(),
            note=HIDDEN_NOTE if funder else "",
            figures=[
                FigureOut(key=f.key, section=f.section, label=f.label, count=f.count,
                          value=f.value, share=f.share, of=of.get(f.key),
                          expected=figure.expected, benchmark=figure.benchmark)
                for f, figure in zip(report.shown(funder=funder), report.figures, strict=True)
            ],
            groups=[FigureGroupOut(total=total, parts=list(parts))
                    for total, parts in report.groups],
            scope_name=report.scope_name,
            organisation=organisation,
        )

    return api
