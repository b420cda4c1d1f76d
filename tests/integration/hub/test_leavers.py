"""Someone leaves the service (``spoke-hub user leave``; spokeapp/hub/leavers.py), on SQLite
and PostgreSQL hubs with real enrolled laptops: never while they are out on a visit; their
laptops are retired (what they still send is kept) or, with ``--wipe``, revoked; their unused
enrolment codes stop working and no new one is made; their cases stay theirs until they are
moved with ``--cases-to``, then reach the person who takes them; the person list says "left".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import CheckIn, CheckInKind
from spokeapp.hub.cli import main
from spokeapp.hub.models import AuditEntry, Device, EnrolmentCode, HubCase, User
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import case, session, young_person


def _cli(hub: RunningHub, capsys: pytest.CaptureFixture[str], *args: str
         ) -> tuple[int, str, str]:
    code = main([*args, "--database", hub.database_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def _audits(hub: RunningHub) -> int:
    with Session(hub.engine) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_a_leaver_is_never_cut_off_mid_visit_and_loses_nothing_on_the_way_out(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    leaver = hub.admin.add_user("Test Worker Leaving", "worker", "north")
    taker = hub.admin.add_user("Test Worker Staying", "worker", "north")
    laptop = hub.laptop(leaver)
    people = [young_person(n) for n in (1, 2)]
    cases = [case(p, key_worker=leaver) for p in people]
    laptop.push_records(*people, *cases)
    unused = hub.admin.enrolment_code(leaver)
    start = datetime.now(UTC) - timedelta(minutes=10)
    visit = visit_plan(leaver, start)
    laptop.push_records(visit)
    audits = _audits(hub)

    code, _, err = _cli(hub, capsys, "user", "leave", leaver, "--cases-to", taker)

    # She is out on a visit: nothing changes until it is over.
    assert code == 2, err
    assert f"still out on a lone-working visit the hub watches: visit {visit.id} (armed)" in err
    assert "Nothing changed" in err and _audits(hub) == audits
    laptop.push_records(CheckIn(id=new_id(), visit_id=visit.id, kind=CheckInKind.END_VISIT,
                                at=datetime.now(UTC)))
    code, _, err = _cli(hub, capsys, "user", "leave", leaver, "--cases-to", leaver)
    assert code == 2 and "is not a worker or supervisor still here" in err

    code, out, err = _cli(hub, capsys, "user", "leave", leaver)

    assert code == 0, err
    assert f"{leaver} has left: 1 laptop retired" in out and "1 unused enrolment code" in out
    assert "they still hold 2 cases" in out
    with Session(hub.engine) as s:
        assert s.get(User, leaver).left_at is not None  # type: ignore[union-attr]
        assert s.get(Device, laptop.device_id).status == "retired"  # type: ignore[union-attr]
        assert s.scalar(select(func.count()).select_from(EnrolmentCode).where(
            EnrolmentCode.user_id == leaver, EnrolmentCode.used_at.is_(None))) == 0
    # The retired laptop still sends what it holds, into the cases still hers.
    late = session(cases[0].id, discussed="Written before handing the laptop back.")
    assert laptop.push(laptop.change(late)).status_code == 200
    assert laptop.pull().json()["error"] == "device_retired"
    # No laptop can be enrolled for her again: the old code is gone, no new one is made.
    refused = Laptop(hub.base_url).enrol_response(unused)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_code"
    code, _, err = _cli(hub, capsys, "enrol", leaver, "--hub-url", "http://127.0.0.1:9")
    assert code != 0 and "left on" in err and "Enrolment code" not in err
    code, out, _ = _cli(hub, capsys, "user", "list")
    assert re.search(rf"{leaver}\s+Test Worker Leaving\s+worker\s+north\s+left", out), out
    code, out, _ = _cli(hub, capsys, "team", "list", "--json")
    assert '"workers": 1' in out  # only the one still here

    code, out, err = _cli(hub, capsys, "user", "leave", leaver, "--cases-to", taker)

    assert code == 0, err
    assert out.strip() == f"{leaver}: 2 cases moved."
    with Session(hub.engine) as s:
        assert {c.key_worker for c in s.scalars(select(HubCase))} == {taker}
    pulled = {c["record_id"] for c in hub.laptop(taker).pull_all()}
    assert {c.id for c in cases} | {late.id} <= pulled
    code, _, err = _cli(hub, capsys, "user", "leave", leaver)
    assert code == 2 and "left on" in err and "nothing changed" in err
    code, _, err = _cli(hub, capsys, "case", "assign", cases[0].id, "--worker", leaver)
    assert code != 0 and "left on" in err


def test_a_leaver_whose_laptop_is_not_coming_back_is_wiped(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    leaver = hub.admin.add_user("Test Worker Gone", "worker", "south")
    laptop = hub.laptop(leaver)

    code, out, err = _cli(hub, capsys, "user", "leave", leaver, "--wipe")

    assert code == 0, err
    assert "1 laptop revoked: each erases its casebook at its next contact" in out
    answer = laptop.pull()
    assert answer.status_code == 401 and answer.json()["error"] == "device_revoked"
    code, _, err = _cli(hub, capsys, "user", "leave", "u-nobody")
    assert code == 2 and "No user with id" in err
