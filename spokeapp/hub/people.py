"""``GET /v1/people``: the names a laptop needs to show people by name (issue 17).

Records name people by user id (a case's key worker, who signed a closure off, who wrote a
comment); a laptop shows names instead, from the directory it keeps in its encrypted
casebook (``spokeapp.present.people``), refreshed from here at each sync.

Need-to-know, like everything else: staff names are not young people's data, but a laptop
gets only the names its own records can mention. A worker: themselves and their team's
supervisors (who sign off and comment on their cases); a supervisor: everyone in their team;
an administrator: themselves (their figures are aggregates; ``spoke-hub`` lists users).
Not audited: it is asked at every sync and holds no case data; reading names of the caller's
own colleagues is what the team view (audited) already shows a supervisor.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from spokeapp.hub import devices
from spokeapp.hub.deps import Caller
from spokeapp.hub.models import User
from spokeapp.hub.scope import SUPERVISOR, WORKER
from spokeapp.sync.protocol import API_PREFIX, ErrorBody, PeopleResponse, PersonOut

__all__ = ["people_for", "router"]


def people_for(session: Session, caller: devices.Caller) -> list[PersonOut]:
    """The names ``caller`` may know, by name then id."""
    actor = caller.actor
    mine = User.id == actor.user_id
    if actor.role == SUPERVISOR and actor.team is not None:
        wanted = or_(mine, User.team == actor.team)
    elif actor.role == WORKER and actor.team is not None:
        wanted = or_(mine, (User.team == actor.team) & (User.role == SUPERVISOR))
    else:
        wanted = mine
    users = session.scalars(select(User).where(wanted)).all()
    return [PersonOut(user_id=u.id, name=u.name)
            for u in sorted(users, key=lambda u: (u.name.casefold(), u.id))]


def router() -> APIRouter:
    """``GET /v1/people``, for ``create_app`` to include."""
    api = APIRouter()

    @api.get(
        f"{API_PREFIX}/people",
        response_model=PeopleResponse,
        responses={code: {"model": ErrorBody} for code in (401, 403)},
        summary="The names of the people the caller's records can mention",
    )
    def get_people(request: Request, caller: Caller) -> PeopleResponse:
        with Session(request.app.state.engine) as session:
            return PeopleResponse(people=people_for(session, caller))

    return api
