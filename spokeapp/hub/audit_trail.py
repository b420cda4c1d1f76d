"""The hub's audit trail: supervisors' and admins' views of case records, reported by laptops.

Supervisors read their team's records on their own laptops, where each opened case is written to
the laptop's (encrypted, append-only) audit table. ``POST /v1/audit/case-views`` brings those
rows to the hub at each sync, so the hub's audit trail shows who looked at which case and when
(the laptop's clock, kept as given, next to the hub's time of receipt). Rows arrive in the
laptop's audit order; the hub keeps, per device, the highest sequence number it has recorded, so
a batch sent again after a lost answer records nothing twice.

A view is the laptop's report. One naming a case the hub does not hold, or another team's
case, is recorded with that said in its detail (``case=not_on_hub``, ``scope=outside``), so a
reader of that team's trail knows the report came from outside it. The per-device mark is the
laptop's word too: a laptop sending a made-up, huge seq has its later views dropped, which
hides no more than a laptop that sends no views at all; no hub can make a laptop report.

Administrators read the trail with ``spoke-hub audit`` (:mod:`spokeapp.hub.audit_view`). Entries
hold ids, actions and counts only, never record contents.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request
from sqlalchemy.orm import Session

from spokeapp.hub import devices
from spokeapp.hub.deps import Caller
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import audit, lock_writes, set_meta
from spokeapp.hub.models import HubCase, HubMeta
from spokeapp.hub.scope import ADMIN, SUPERVISOR, Actor, can_see_case
from spokeapp.sync.protocol import API_PREFIX, CaseViewsRequest, CaseViewsResponse, ErrorBody

CASE_VIEW = "case_view"
_MARK = "audit.case_views."  # + device id -> highest laptop seq recorded


def _standing(session: Session, actor: Actor, case_ids: set[str]) -> dict[str, str]:
    """What the trail adds to each view's detail about the case it names: nothing for a case
    of the hub in the reader's scope; ``case=not_on_hub`` for an id the hub holds no case by;
    ``scope=outside`` for another team's case (a supervisor's only; an admin sees every case).

    A view is the laptop's report, so it is recorded either way (a case moved to another team
    after it was opened was opened all the same), but whoever reads the other team's trail is
    told the report came from outside it."""
    standing: dict[str, str] = {}
    for case_id in case_ids:
        case = session.get(HubCase, case_id)
        if case is None:
            standing[case_id] = " case=not_on_hub"
        elif actor.role != ADMIN and not can_see_case(actor, case):
            standing[case_id] = " scope=outside"
        else:
            standing[case_id] = ""
    return standing


def record_case_views(session: Session, caller: devices.Caller,
                      request: CaseViewsRequest) -> CaseViewsResponse:
    """Record each view not recorded before (by the device's audit seq)."""
    if caller.actor.role not in (SUPERVISOR, ADMIN):
        raise HubError(403, "out_of_scope", "Only supervisors' and admins' views are sent.")
    seqs = [view.seq for view in request.views]
    if seqs != sorted(set(seqs)):
        raise HubError(400, "invalid_request", "Views must be in ascending, distinct order.")
    device_id = caller.device.id
    key = _MARK + device_id
    # The hub's write lock, not ``with_for_update`` (which SQLite ignores): two copies of one
    # report sent at once would otherwise both read the old mark and record every view twice.
    lock_writes(session)
    row = session.get(HubMeta, key)
    done = int(row.value) if row is not None else 0
    fresh = [view for view in request.views if view.seq > done]
    standing = _standing(session, caller.actor, {view.case_id for view in fresh})
    for view in fresh:
        audit(session, caller.actor.user_id, CASE_VIEW, view.case_id,
              f"device={device_id} seq={view.seq} at={view.at.isoformat()}"
              f"{standing[view.case_id]}")
    up_to = max(done, seqs[-1])
    set_meta(session, key, str(up_to))
    return CaseViewsResponse(recorded=len(fresh), up_to=up_to)


def router() -> APIRouter:
    """The audit endpoint, for ``create_app`` to include."""
    api = APIRouter()

    @api.post(
        f"{API_PREFIX}/audit/case-views",
        response_model=CaseViewsResponse,
        responses={code: {"model": ErrorBody} for code in (400, 401, 403, 422)},
        summary="Record which cases a supervisor or admin opened on their laptop",
    )
    def case_views(
        request: Request,
        caller: Caller,
        body: Annotated[CaseViewsRequest, Body()],
    ) -> CaseViewsResponse:
        with Session(request.app.state.engine) as session, session.begin():
            return record_case_views(session, caller, body)

    return api
