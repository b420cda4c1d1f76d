"""The Audit page (supervisors, admins) and the device report dialog (admins), offscreen, fed
by a real hub on loopback with real enrolled laptops."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.hub.models import AuditEntry
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.main_window import AUDIT_KEYS, AUDIT_TITLE, MainWindow
from spokeapp.ui.models.audit import ACTION_COLUMN
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.audit import OFFLINE, AuditPage, hub_audit
from tests.helpers.hub import Laptop, RunningHub, running_hub, sqlite_url
from tests.helpers.records import case, concern, young_person
from tests.ui.test_accessibility import unnamed_controls

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
FORMULA = '=HYPERLINK("http://example.invalid","Demo")'


def clock() -> datetime:
    return NOW


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


@dataclass
class Team:
    hub: RunningHub
    sup_id: str
    able: Laptop
    case_id: str
    person_name: str


def _book(folder: Path, hub: RunningHub, user_id: str) -> Casebook:
    book, _ = Casebook.create(folder, "test passphrase one", kdf=FAST_KDF_FOR_TESTS)
    SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(user_id), "Test laptop")
    return book


@pytest.fixture
def team(hub: RunningHub) -> Team:
    """Worker Able (team-x) wrote a case; his supervisor Xena opened it and 24 others within
    half an hour (flagged) and one crafted case id; worker Baker (team-y) has his own case."""
    sup_id = hub.admin.add_user("Test Supervisor Xena", "supervisor", "team-x")
    able = hub.laptop(hub.admin.add_user("Test Worker Able", "worker", "team-x"))
    baker = hub.laptop(hub.admin.add_user("Test Worker Baker", "worker", "team-y"))
    yp = young_person(1)
    cs = case(yp, key_worker=able.user_id)
    able.push_records(yp, cs, concern(cs.id))
    yp2 = young_person(2)
    baker.push_records(yp2, case(yp2, key_worker=baker.user_id))
    xena = hub.laptop(sup_id, "Xena's second test laptop")
    views = [{"seq": 1, "case_id": cs.id, "at": "2026-03-02T14:00:00+00:00"}]
    views += [{"seq": 2 + n, "case_id": f"case-test-{n}",
               "at": f"2026-03-02T14:{n + 1:02d}:00+00:00"} for n in range(24)]
    views.append({"seq": 40, "case_id": FORMULA, "at": "2026-03-02T14:40:00+00:00"})
    assert xena.http.post("/v1/audit/case-views", json={"views": views},
                          headers=xena.auth).status_code == 200
    return Team(hub, sup_id, able, cs.id, yp.name)


@pytest.fixture
def sup_book(tmp_path: Path, team: Team) -> Iterator[Casebook]:
    book = _book(tmp_path / "sup", team.hub, team.sup_id)
    with book:
        yield book


def _page(qtbot: Any, book: Casebook, tasks: TaskRunner) -> AuditPage:
    page = AuditPage(tasks, hub_audit(book), clock=clock)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def _load(qtbot: Any, page: AuditPage) -> None:
    before = page.listing
    page.list_button.click()
    qtbot.waitUntil(lambda: page.listing is not before and page.list_button.isEnabled(),
                    timeout=10_000)


def _column(page: AuditPage, header: str) -> list[str]:
    column = page.model.headers.index(header)
    return [row.cells[column] for row in page.model.rows]


def test_supervisor_lists_their_team_with_names_references_and_flags(
        qtbot: Any, team: Team, sup_book: Casebook) -> None:
    tasks = TaskRunner()
    page = _page(qtbot, sup_book, tasks)
    assert page.model.rowCount() == 0  # nothing asked of the hub until the officer says
    _load(qtbot, page)
    who = set(_column(page, "Who"))
    assert {"Test Supervisor Xena", "Test Worker Able"} <= who
    assert "Test Worker Baker" not in who  # another team's work is never listed
    assert not any(w.startswith("u-") for w in who)
    assert "YP-TEST-01" in _column(page, "Case")
    assert "YP-TEST-02" not in _column(page, "Case")
    flagged = [r for r in page.model.rows if r.payload]
    assert len(flagged) == 6  # the 21st to 26th distinct case within the hour
    assert all(r.cells[ACTION_COLUMN].startswith("FLAGGED: Opened the case") for r in flagged)
    row = page.model.rows.index(flagged[0])
    icon = page.model.data(page.model.index(row, ACTION_COLUMN),
                           Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()  # an icon beside the words, not colour
    assert page.flags.isVisible()
    assert page.flags.text().startswith(
        "FLAGGED: 1 account viewed 26 cases within an hour: Test Supervisor Xena (26 cases, "
        "2026-03-02 14:00 to 14:40)")
    assert "Team team-x" in page.status.text()

    # Filters: the case by its reference, and flagged only.
    page.case.setText("YP-TEST-01")
    _load(qtbot, page)
    assert set(_column(page, "Case")) == {"YP-TEST-01"}
    assert {"Opened the case", "Wrote a record (sent to the hub)"} <= set(
        _column(page, "Action"))
    page.case.clear()
    page.flagged_only.setChecked(True)
    _load(qtbot, page)
    assert len(page.model.rows) == 6 and all(r.payload for r in page.model.rows)
    tasks.wait()


def test_export_csv_is_private_and_neutralises_formulas(
        qtbot: Any, tmp_path: Path, team: Team, sup_book: Casebook) -> None:
    tasks = TaskRunner()
    page = _page(qtbot, sup_book, tasks)
    page.action.setCurrentIndex(1)  # Case opened
    _load(qtbot, page)
    out = tmp_path / "exports" / "audit.csv"
    out.parent.mkdir()
    page.export_to(out)
    qtbot.waitUntil(lambda: "Exported to audit.csv" in page.status.text(), timeout=10_000)
    assert out.stat().st_mode & 0o077 == 0  # readable by whoever exported it only
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["when", "who", "who_id", "action"]
    assert len(rows) - 1 == len(page.model.rows) == 26
    assert {r[1] for r in rows[1:]} == {"Test Supervisor Xena"}
    assert "'" + FORMULA in {r[5] for r in rows[1:]}
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
    with Session(team.hub.engine) as session:
        exports = session.scalars(select(AuditEntry.actor).where(
            AuditEntry.action == "audit_export")).all()
    assert exports == [team.sup_id]  # the export is itself on the record
    tasks.wait()


def test_a_day_that_cannot_be_used_is_said_before_asking_the_hub(
        qtbot: Any, team: Team, sup_book: Casebook) -> None:
    page = _page(qtbot, sup_book, TaskRunner())
    page.since.setText("2026-02-30")
    page.list_button.click()
    assert page.status.text() == ("From is not a date Spoke can read: type it like 4/12/2026, "
                                  "4 Dec, today or yesterday.")
    page.since.setText("2026-03-05")
    page.until.setText("2026-03-01")
    page.list_button.click()
    assert "From is after To" in page.status.text()
    with Session(team.hub.engine) as session:
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.action == "audit_view")).all() == []


def test_offline_the_page_says_the_audit_needs_the_hub(qtbot: Any, tmp_path: Path) -> None:
    with running_hub(sqlite_url(tmp_path / "gone")) as gone:
        sup = gone.admin.add_user("Test Supervisor Xena", "supervisor", "team-x")
        book = _book(tmp_path / "sup", gone, sup)
    with book:  # the hub has stopped: nothing answers on its port any more
        page = _page(qtbot, book, TaskRunner())
        page.list_button.click()
        qtbot.waitUntil(lambda: page.list_button.isEnabled(), timeout=20_000)
        assert page.status.text() == OFFLINE
        assert page.model.rowCount() == 0 and not page.export_button.isEnabled()


@pytest.fixture
def window(main_windows: Any) -> Any:
    return lambda book: main_windows(book, clock=clock)


def _titles(main: MainWindow) -> list[str]:
    return [main.nav.item(n).text() for n in range(main.nav.count())]


def test_admin_reads_a_lost_laptop_s_report_and_saves_it(
        qtbot: Any, tmp_path: Path, team: Team, window: Any) -> None:
    admin_id = team.hub.admin.add_user("Test Admin Ada", "admin")
    with _book(tmp_path / "admin", team.hub, admin_id) as book:
        main = window(book)
        page = main.audit
        assert page is not None and AUDIT_TITLE in _titles(main)
        assert [a.shortcut().toString() for a in main.page_actions if a.text() == AUDIT_TITLE] \
            == [AUDIT_KEYS]
        main.show_page(main.pages.indexOf(page))
        assert page.report_button.isVisible()
        dialog = page.open_device_report()
        qtbot.waitUntil(lambda: dialog.device.count() > 0, timeout=10_000)
        labels = [dialog.device.itemText(n) for n in range(dialog.device.count())]
        able = next(n for n, label in enumerate(labels) if label.startswith("Test Worker Able"))
        dialog.device.setCurrentIndex(able)
        dialog.show_button.click()
        qtbot.waitUntil(lambda: dialog.text is not None, timeout=10_000)
        text = dialog.report.toPlainText()
        assert "Person: Test Worker Able (worker, team team-x)" in text
        assert f"YP-TEST-01  {team.person_name}" in text
        assert "SQLCipher 4" in text
        assert "Wipe: not requested" in text
        saved = tmp_path / "report.txt"
        dialog.save_to(saved)
        qtbot.waitUntil(lambda: "Saved to report.txt" in dialog.status.text(), timeout=5000)
        assert saved.stat().st_mode & 0o077 == 0
        assert saved.read_text(encoding="utf-8") == text
        dialog.close()
        main.close()


def test_a_supervisor_has_the_audit_but_no_device_report_and_a_worker_neither(
        qtbot: Any, tmp_path: Path, team: Team, sup_book: Casebook, window: Any) -> None:
    main = window(sup_book)
    assert main.audit is not None and not main.audit.report_button.isVisibleTo(main.audit)
    worker_id = team.hub.admin.add_user("Test Worker Cole", "worker", "team-x")
    with _book(tmp_path / "worker", team.hub, worker_id) as book:
        worker_window = window(book)
        assert worker_window.audit is None and AUDIT_TITLE not in _titles(worker_window)
        worker_window.close()
    main.close()


def test_every_control_has_an_accessible_name(qtbot: Any, sup_book: Casebook) -> None:
    page = _page(qtbot, sup_book, TaskRunner())
    assert unnamed_controls(page) == []
    dialog = page.open_device_report()
    assert unnamed_controls(dialog) == []
    qtbot.waitUntil(lambda: "could not be fetched" in dialog.status.text(), timeout=10_000)
    dialog.close()


def test_the_days_are_typed_as_every_other_date_in_spoke(qtbot: Any) -> None:
    """This page alone asked for days as YYYY-MM-DD ("2026-03-02"); everywhere else a day is
    typed as a worker writes it: 2/3/2026, 2 Mar, yesterday. Each is sent to the hub as the
    day it means; the hub's own form still works."""
    from spokeapp.ui.views.audit import HubAudit

    asked: list[Any] = []

    def listing(query: Any) -> dict[str, Any]:
        asked.append(query)
        return {"scope": "team:team-x", "entries": [], "next_cursor": None,
                "flagged_accounts": [], "flag_cases": 20, "flag_window_minutes": 60}

    hub = HubAudit(page=listing, export=lambda _query: b"", devices=lambda: {"devices": []},
                   report=lambda _device: {})
    tasks = TaskRunner()
    page = AuditPage(tasks, hub, clock=clock)
    qtbot.addWidget(page)
    page.show()
    assert page.since.placeholderText() == "e.g. 4/12/2026 or yesterday"
    today = clock().astimezone().date()  # the laptop's own day
    for since, until in (("1/3/2026", "today"), ("yesterday", "2026-03-02")):
        page.since.setText(since)
        page.until.setText(until)
        filters = page.filters()
        assert filters.since == ("2026-03-01" if since != "yesterday"
                                 else (today - timedelta(days=1)).isoformat()), since
        assert filters.until == ("2026-03-02" if until != "today" else today.isoformat())
        page.list_button.click()
        qtbot.waitUntil(lambda: page.list_button.isEnabled(), timeout=5000)
        assert page.status.text().startswith("0 entries"), page.status.text()
    assert len(asked) == 2
    tasks.wait()
