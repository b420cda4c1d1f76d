"""``spoke-hub user list`` and ``team list``: an administrator finds a person's id by their
name, sees whose laptops are active or revoked, and what each team holds."""

from __future__ import annotations

import json

import pytest

from spokeapp.hub.cli import main
from tests.helpers.hub import RunningHub
from tests.helpers.records import case, young_person


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _rows(table: str) -> list[list[str]]:
    """The table's rows (header and rule dropped), cells split on runs of two spaces."""
    lines = table.strip().splitlines()
    assert set(lines[1].replace(" ", "")) == {"-"}
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in lines[2:]]


def test_user_list_finds_people_by_name_with_their_laptops(
    hub: RunningHub, capsys: pytest.CaptureFixture[str],
) -> None:
    url = hub.database_url
    ana = hub.admin.add_user("Demo Ana Worker", "worker", "north")
    bo = hub.admin.add_user("Demo Bo Supervisor", "supervisor", "north")
    cy = hub.admin.add_user("Demo Cy Worker", "worker", "south")
    new = hub.admin.add_user("Demo Dee Newcomer", "worker", "south")
    laptops = [hub.laptop(ana), hub.laptop(ana, "Spare laptop"), hub.laptop(bo),
               hub.laptop(cy)]
    hub.admin.revoke(laptops[1].device_id, wipe=True)  # Ana's spare was lost
    hub.admin.revoke(laptops[3].device_id)  # Cy handed hers back

    out = _run(capsys, "user", "list", "--database", url)
    header = out.splitlines()[0].split()
    assert header == ["ID", "NAME", "ROLE", "TEAM", "STATUS", "LAPTOPS"]
    rows = {row[1]: row for row in _rows(out)}
    assert rows["Test Admin"] == [hub.init.admin_id, "Test Admin", "admin", "-",
                                  "not enrolled", "0"]
    assert rows["Demo Ana Worker"] == [ana, "Demo Ana Worker", "worker", "north", "active",
                                       "2 (1 active)"]
    assert rows["Demo Bo Supervisor"][2:] == ["supervisor", "north", "active", "1 (1 active)"]
    assert rows["Demo Cy Worker"][2:] == ["worker", "south", "revoked", "1 (0 active)"]
    assert rows["Demo Dee Newcomer"] == [new, "Demo Dee Newcomer", "worker", "south",
                                         "not enrolled", "0"]
    # Admins first (no team), then each team: supervisors before workers, then by name.
    assert [row[1] for row in _rows(out)] == [
        "Test Admin", "Demo Bo Supervisor", "Demo Ana Worker", "Demo Cy Worker",
        "Demo Dee Newcomer"]

    listed = json.loads(_run(capsys, "user", "list", "--json", "--team", "north",
                             "--database", url))
    assert [p["id"] for p in listed] == [bo, ana]
    assert listed[1] == {"id": ana, "name": "Demo Ana Worker", "role": "worker",
                         "team": "north", "status": "active", "devices": 2,
                         "devices_active": 1, "devices_retired": 0, "devices_revoked": 1}
    workers = json.loads(_run(capsys, "user", "list", "--json", "--role", "worker",
                              "--database", url))
    assert {p["name"] for p in workers} == {"Demo Ana Worker", "Demo Cy Worker",
                                            "Demo Dee Newcomer"}
    assert _run(capsys, "user", "list", "--team", "east", "--database", url) == \
        "Nobody found.\n"
    for laptop in laptops:
        laptop.close()


def test_team_list_counts_members_laptops_and_cases(
    hub: RunningHub, capsys: pytest.CaptureFixture[str],
) -> None:
    url = hub.database_url
    assert "No teams yet" in _run(capsys, "team", "list", "--database", url)
    north_worker = hub.admin.add_user("Demo North Worker", "worker", "north")
    hub.admin.add_user("Demo North Worker Two", "worker", "north")
    hub.admin.add_user("Demo North Supervisor", "supervisor", "north")
    hub.admin.add_user("Demo South Worker", "worker", "south")
    laptop = hub.laptop(north_worker)
    yp = young_person()
    laptop.push_records(yp, case(yp, key_worker=north_worker))

    out = _run(capsys, "team", "list", "--database", url)
    assert out.splitlines()[0].split() == ["TEAM", "WORKERS", "SUPERVISORS", "ACTIVE",
                                           "LAPTOPS", "CASES"]
    assert _rows(out) == [["north", "2", "1", "1", "1"], ["south", "1", "0", "0", "0"]]
    assert json.loads(_run(capsys, "team", "list", "--json", "--database", url)) == [
        {"name": "north", "workers": 2, "supervisors": 1, "devices_active": 1, "cases": 1},
        {"name": "south", "workers": 1, "supervisors": 0, "devices_active": 0, "cases": 0},
    ]
    laptop.close()
