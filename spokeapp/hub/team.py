"""``GET /v1/team``: a supervisor's view of their team, counted on the hub.

Per worker: active caseload against the 10-12 guide, risk distribution, reviews overdue,
notes not yet reviewed, and each laptop's last contact with the hub (the figures themselves
are ``spokeapp.domain.team``). Only counts leave the hub, never case content.

Who may ask: a supervisor, for their own team (another team is 403); an administrator, for
any team named with ``?team=`` (aggregates only, which is what an admin may see); a worker
never (403). Every request is audited.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import Case, RiskAssessment, record_from_dict
from spokeapp.domain.records import Session as SessionNote
from spokeapp.domain.team import (
    CASELOAD_GUIDE,
    DeviceContact,
    TeamMember,
    WorkerFigures,
    team_figures,
)
from spokeapp.hub import devices
from spokeapp.hub.deps import Caller
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import audit
from spokeapp.hub.models import Device, HubCase, HubRecord, User
from spokeapp.hub.scope import ADMIN, SUPERVISOR
from spokeapp.sync.protocol import (
    API_PREFIX,
    DeviceContactOut,
    ErrorBody,
    TeamResponse,
    WorkerFiguresOut,
)

#: Kinds whose records the team view reads (counts only).
_KINDS = ("case", "risk_assessment", "session", "review_mark")


def _parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def team_view(session: Session, caller: devices.Caller, team: str | None,
              now: datetime) -> TeamResponse:
    """The figures for ``team`` (default: the caller's own), checking the caller may see it."""
    actor = caller.actor
    if actor.role == SUPERVISOR:
        if actor.team is None:
            raise HubError(403, "out_of_scope", "Your account is not in a team.")
        if team is not None and team != actor.team:
            raise HubError(403, "out_of_scope", "You can only see your own team.")
        team = actor.team
    elif actor.role == ADMIN:
        if team is None:
            raise HubError(400, "team_required", "Name the team to show (?team=NAME).")
    else:
        raise HubError(403, "out_of_scope", "The team view is for supervisors.")

    users = session.scalars(
        select(User).where(User.team == team, User.role != ADMIN).order_by(User.name)
    ).all()
    members = [TeamMember(user_id=u.id, name=u.name) for u in users]
    holder: dict[str, str] = {
        case_id: worker
        for case_id, worker in session.execute(
            select(HubCase.case_id, HubCase.key_worker).where(HubCase.team == team)
        )
    }
    cases: dict[str, list[Case]] = defaultdict(list)
    assessments: dict[str, list[RiskAssessment]] = defaultdict(list)
    sessions: dict[str, list[SessionNote]] = defaultdict(list)
    reviewed: set[str] = set()
    rows = session.execute(
        select(HubRecord.kind, HubRecord.case_id, HubRecord.state, HubRecord.body).where(
            HubRecord.case_id.in_(select(HubCase.case_id).where(HubCase.team == team)),
            HubRecord.kind.in_(_KINDS),
        )
    )
    for kind, case_id, state, body in rows:
        worker = holder.get(case_id or "")
        if worker is None:
            continue
        if kind == "review_mark":
            reviewed.add(str(body.get("record_id", "")))
            continue
        try:
            record = record_from_dict(kind, body)
        except ValidationError:
            continue  # an old or unknown shape: not counted rather than failing the view
        if isinstance(record, Case):
            cases[worker].append(record)
        elif state == "final" and isinstance(record, RiskAssessment):
            assessments[worker].append(record)
        elif state == "final" and isinstance(record, SessionNote):
            sessions[worker].append(record)
    contacts: dict[str, list[DeviceContact]] = defaultdict(list)
    for device in session.scalars(
        select(Device).where(Device.user_id.in_([m.user_id for m in members]),
                             Device.status == "active")
    ):
        contacts[device.user_id].append(
            DeviceContact(device.id, device.name, _parse_time(device.last_seen_at))
        )
    figures = team_figures(
        members, cases, assessments, sessions, reviewed, contacts,
        today=now.date(), now=now,
    )
    audit(session, actor.user_id, "team_view", team, f"workers={len(figures)}")
    return TeamResponse(
        team=team,
        computed_at=now,
        caseload_guide=CASELOAD_GUIDE,
        workers=[_out(row, contacts.get(row.user_id, [])) for row in figures],
    )


def _out(row: WorkerFigures, contacts: list[DeviceContact]) -> WorkerFiguresOut:
    return WorkerFiguresOut(
        user_id=row.user_id,
        name=row.name,
        active_cases=row.active_cases,
        load=row.load.value,
        risk_levels=row.risk_levels,
        reviews_overdue=row.reviews_overdue,
        no_assessment_yet=row.no_assessment_yet,
        unreviewed_notes=row.unreviewed_notes,
        last_contact=row.last_contact,
        silent_devices=list(row.silent_devices),
        devices=[
            DeviceContactOut(device_id=c.device_id, name=c.name, last_seen_at=c.last_seen_at)
            for c in contacts
        ],
        warnings=list(row.warnings),
    )


def router() -> APIRouter:
    """The team-view endpoint, for ``create_app`` to include."""
    api = APIRouter()

    @api.get(
        f"{API_PREFIX}/team",
        response_model=TeamResponse,
        responses={code: {"model": ErrorBody} for code in (400, 401, 403)},
        summary="A supervisor's team: caseloads, risk, reviews and laptops' last contact",
    )
    def get_team(
        request: Request,
        caller: Caller,
        team: Annotated[str | None, Query(max_length=100)] = None,
    ) -> TeamResponse:
        with Session(request.app.state.engine) as session, session.begin():
            return team_view(session, caller, team, request.app.state.clock())

    return api
