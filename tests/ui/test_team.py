"""The supervisor's Team page, fed by a real hub on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.store.casebook import Casebook
from spokeapp.sync.client import HubUnreachable
from spokeapp.sync.engine import SyncEngine
from spokeapp.sync.team import fetch_team
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.team import TeamPage
from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.helpers.records import case, session, young_person


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


@pytest.fixture
def supervisor_book(tmp_path: Path, hub: RunningHub) -> Iterator[Casebook]:
    sup_id = hub.admin.add_user("Test Supervisor X", "supervisor", "team-x")
    book, _ = Casebook.create(tmp_path / "sup", "test passphrase one", kdf=FAST_KDF_FOR_TESTS)
    with book:
        SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(sup_id), "Test laptop")
        yield book


def test_team_page_shows_each_worker_from_the_hub(
    qtbot: Any, hub: RunningHub, supervisor_book: Casebook
) -> None:
    worker_id = hub.admin.add_user("Test Worker Able", "worker", "team-x")
    laptop = hub.laptop(worker_id, "Able's test laptop")
    for n in range(13):
        yp = young_person(n)
        c = case(yp, key_worker=worker_id, current_risk_level="high" if n else "medium",
                 opened_on=date(2026, 2, 20))
        laptop.push_records(yp, c, session(c.id))
    tasks = TaskRunner()
    page = TeamPage(tasks, lambda: fetch_team(supervisor_book), clock=hub.clock)
    qtbot.addWidget(page)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    page.show()  # showing the page asks the hub
    qtbot.waitUntil(lambda: page.loaded is not None, timeout=10_000)
    rows = {r.cells[0]: r.cells for r in page.model.rows}
    able = rows["Test Worker Able"]
    assert able[1] == "13 (over)"
    assert able[2] == "High 12, Medium 1"
    assert able[5] == "13"  # session notes nobody has reviewed yet
    assert able[6].startswith("today")
    assert "caseload above the 10-12 guide" in able[7]
    assert "Team team-x: 2 people" in page.status.text()
    assert page.refresh_button.isEnabled()


def test_team_page_says_plainly_when_the_hub_cannot_be_reached(
    qtbot: Any, tmp_path: Path, hub: RunningHub, supervisor_book: Casebook
) -> None:
    def offline() -> Any:
        raise HubUnreachable("The hub could not be reached.")

    page = TeamPage(TaskRunner(), offline, clock=hub.clock)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: "could not be fetched" in page.status.text(), timeout=5000)
    assert "could not be reached" in page.status.text()
    assert page.model.rowCount() == 0 and page.refresh_button.isEnabled()
