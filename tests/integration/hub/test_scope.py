"""Need-to-know: each person's laptop holds exactly their scope, and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from spokeapp.domain.records import Case, YoungPerson
from spokeapp.hub.models import Device, User
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, concern, session, young_person


@dataclass
class Team:
    """Team X (workers A and B, supervisor X), supervisor of team Y, an admin, and two
    laptops that must not work: one revoked, one holding an expired token."""

    hub: RunningHub
    a: Laptop
    b: Laptop
    sup_x: Laptop
    sup_y: Laptop
    admin: Laptop
    revoked: Laptop
    expired: Laptop
    yp_a: YoungPerson
    case_a: Case
    case_b: Case


@pytest.fixture
def team(hub: RunningHub) -> Iterator[Team]:
    add = hub.admin.add_user
    a_id = add("Test Worker A", "worker", "team-x")
    b_id = add("Test Worker B", "worker", "team-x")
    sup_x = hub.laptop(add("Test Supervisor X", "supervisor", "team-x"))
    sup_y = hub.laptop(add("Test Supervisor Y", "supervisor", "team-y"))
    admin = hub.laptop(hub.init.admin_id)
    a, b = hub.laptop(a_id), hub.laptop(b_id)
    revoked = hub.laptop(a_id, "Lost test laptop")
    expired = hub.laptop(a_id, "Sleeping test laptop")
    yp_a, yp_b = young_person(1), young_person(2)
    case_a, case_b = case(yp_a, key_worker=a_id), case(yp_b, key_worker=b_id)
    a.push_records(yp_a, case_a, session(case_a.id))
    b.push_records(yp_b, case_b, session(case_b.id))
    hub.clock.advance(minutes=16)  # every access token so far has expired...
    for laptop in (a, b, sup_x, sup_y, admin, revoked):
        laptop.refresh()  # ...and all but ``expired`` fetch a new one
    hub.admin.revoke(revoked.device_id, wipe=True)
    yield Team(hub, a, b, sup_x, sup_y, admin, revoked, expired, yp_a, case_a, case_b)
    for laptop in (a, b, sup_x, sup_y, admin, revoked, expired):
        laptop.close()


def _cases_seen(laptop: Laptop) -> set[str | None]:
    response = laptop.pull(after=0)
    assert response.status_code == 200, response.text
    return {c["case_id"] for c in response.json()["changes"]}


def test_pull_returns_only_what_each_person_may_see(team: Team) -> None:
    assert _cases_seen(team.a) == {team.case_a.id}
    assert _cases_seen(team.b) == {team.case_b.id}
    assert _cases_seen(team.sup_x) == {team.case_a.id, team.case_b.id}
    assert _cases_seen(team.sup_y) == set()
    assert _cases_seen(team.admin) == set()
    assert team.revoked.pull().status_code == 401
    assert team.revoked.pull().json()["error"] == "device_revoked"
    assert team.expired.pull().status_code == 401
    assert team.expired.pull().json()["error"] == "unauthorised"


def test_push_is_allowed_only_within_scope(team: Team) -> None:
    hub = team.hub
    allowed = {
        "a": (team.a, team.case_a.id),
        "sup_x on a's case": (team.sup_x, team.case_a.id),
    }
    refused = {
        "a on b's case": (team.a, team.case_b.id),
        "b on a's case": (team.b, team.case_a.id),
        "sup_y on a's case": (team.sup_y, team.case_a.id),
        "admin": (team.admin, team.case_a.id),
    }
    for name, (laptop, case_id) in refused.items():
        before = hub.admin.state()
        response = laptop.push(laptop.change(concern(case_id)))
        assert response.status_code == 403, name
        assert response.json()["error"] == "out_of_scope"
        assert hub.admin.state() == before, name
    for name, (laptop, case_id) in allowed.items():
        assert laptop.push(laptop.change(concern(case_id))).status_code == 200, name
    for laptop in (team.revoked, team.expired):
        assert laptop.push(laptop.change(concern(team.case_a.id))).status_code == 401


def test_who_may_open_a_case_for_whom(team: Team) -> None:
    a_id, b_id = team.a.user_id, team.b.user_id
    yp = young_person(5)
    assert team.a.push(team.a.change(case(yp, key_worker=b_id))).status_code == 403
    assert team.sup_y.push(team.sup_y.change(case(yp, key_worker=a_id))).status_code == 403
    assert team.admin.push(team.admin.change(yp)).status_code == 403
    for_b = case(yp, key_worker=b_id)
    assert team.sup_x.push(team.sup_x.change(for_b)).status_code == 200
    assert for_b.id in _cases_seen(team.b)


def test_device_status_and_token_endpoints(team: Team) -> None:
    for laptop in (team.a, team.b, team.sup_x, team.sup_y, team.admin):
        response = laptop.http.get("/v1/device", headers=laptop.auth)
        assert response.json() == {"device_id": laptop.device_id, "status": "active",
                                   "wipe": False}
        assert laptop.token_response().status_code == 200
    assert team.revoked.token_response().json()["error"] == "device_revoked"
    assert team.expired.http.get("/v1/device", headers=team.expired.auth).status_code == 401
    assert team.expired.token_response().status_code == 200  # refresh token still valid


def test_case_assign_moves_the_case_and_purges_the_old_worker(team: Team) -> None:
    team.a.cursor = team.b.cursor = team.sup_x.cursor = team.sup_y.cursor = 10**9
    for laptop in (team.a, team.b, team.sup_x, team.sup_y):
        laptop.cursor = laptop.pull(after=0).json()["max_seq"]

    team.hub.admin.assign_case(team.case_a.id, team.b.user_id)

    purge = team.a.pull_all()
    assert [(c["op"], c["case_id"], c["payload"]) for c in purge] == [
        ("purge", team.case_a.id, None)
    ]
    moved = team.b.pull_all()
    assert {c["record_id"] for c in moved} >= {team.case_a.id, team.yp_a.id}
    assert all(c["op"] != "purge" for c in moved)
    header = next(c for c in moved if c["record_id"] == team.case_a.id)
    assert header["payload"]["key_worker"] == team.b.user_id
    # The supervisor of the same team keeps the case (it only changed hands), no purge.
    assert all(c["op"] != "purge" for c in team.sup_x.pull_all())
    # A keeps nothing: a fresh pull from zero shows no record of the case.
    assert team.case_a.id not in {
        c["case_id"] for c in team.a.pull(after=0).json()["changes"] if c["op"] != "purge"
    }


def test_case_moving_to_another_team_purges_the_old_supervisor(team: Team) -> None:
    c_id = team.hub.admin.add_user("Test Worker C", "worker", "team-y")
    for laptop in (team.sup_x, team.sup_y):
        laptop.cursor = laptop.pull(after=0).json()["max_seq"]
    team.hub.admin.assign_case(team.case_a.id, c_id)
    assert [c["op"] for c in team.sup_x.pull_all()] == ["purge"]
    assert team.case_a.id in {c["case_id"] for c in team.sup_y.pull_all()}


def test_a_person_moved_to_another_team_pulls_that_team_from_their_next_pull(
    team: Team,
) -> None:
    # The hub sends a pull's token check with the page's reads for the scope the laptop had
    # last time; a person moved between teams (here by the database, as an administrator's
    # tool would) must see the new team at once, never the old one.
    assert _cases_seen(team.sup_x) == {team.case_a.id, team.case_b.id}
    assert _cases_seen(team.sup_y) == set()
    with Session(team.hub.engine) as db, db.begin():
        for laptop, new_team in ((team.sup_x, "team-y"), (team.sup_y, "team-x")):
            user_id = db.scalar(select(Device.user_id).where(Device.id == laptop.device_id))
            db.execute(update(User).where(User.id == user_id).values(team=new_team))

    assert _cases_seen(team.sup_x) == set()
    assert _cases_seen(team.sup_y) == {team.case_a.id, team.case_b.id}
    assert _cases_seen(team.sup_x) == set()  # and so on, from the scope now remembered
