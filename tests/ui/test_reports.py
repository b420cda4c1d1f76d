"""The Reports page: figures from a real casebook, charts, CSV and PDF (text read back)."""

from __future__ import annotations

import csv
import errno
import os
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pypdf import PdfReader

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.records import (
    Case,
    CaseStatus,
    Closure,
    ClosureReason,
    GroupSession,
    GroupSetting,
    Outcome,
    Referral,
    ReferralDecision,
    SourceType,
)
from spokeapp.present.reports import PRESETS
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.sync.reports import fetch_report
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views import reports
from spokeapp.ui.views.reports import ORGANISATION_SETTING, ReportsPage
from tests.conftest import require
from tests.helpers.hub import running_hub, sqlite_url
from tests.helpers.records import case, referral, young_person

from .conftest import PASSPHRASE, unlock

OUTCOMES = [Outcome.LOWER] * 4 + [Outcome.SAME, Outcome.HIGHER]


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    """A worker's casebook: 12 referrals in the quarter (9 accepted, 3 declined), 8 cases
    opened from them, 6 closed (4 at lower risk, 1 the same, 1 higher), one group talk."""
    casebook, _recovery = Casebook.create(tmp_path / "profile", PASSPHRASE,
                                          kdf=FAST_KDF_FOR_TESTS)
    with casebook:
        for n in range(12):
            accepted = n < 9
            referral = Referral(
                id=f"ref-{n}", young_person_id=f"yp-{n}", received_on=date(2026, 4, 2),
                source_agency="Demo Agency", source_type=SourceType.EDUCATION,
                reason="Demo reason",
                decision=ReferralDecision.ACCEPTED if accepted else ReferralDecision.DECLINED,
                decided_on=date(2026, 4, 3), decline_reason="" if accepted else "Demo: no",
            )
            casebook.save(referral)
            if n >= 8:
                continue
            closed = n < len(OUTCOMES)
            casebook.save(Case(
                id=f"case-{n}", young_person_id=f"yp-{n}", key_worker="worker",
                referral_id=referral.id, opened_on=date(2026, 4, 10),
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_on=date(2026, 6, 1) if closed else None,
            ))
            if closed:
                casebook.save(Closure(
                    id=f"clo-{n}", case_id=f"case-{n}", closed_on=date(2026, 6, 1),
                    reason=ClosureReason.OUTCOMES_MET, outcome=OUTCOMES[n],
                    closing_assessment_id=f"ra-{n}",
                ), finalise=True)
        casebook.save(GroupSession(id="grp-1", held_on=date(2026, 5, 5),
                                   setting=GroupSetting.SCHOOL, topic="Demo talk",
                                   young_people_reached=25), finalise=True)
        yield casebook


@pytest.fixture
def page(qtbot: Any, book: Casebook) -> ReportsPage:
    tasks = TaskRunner()
    widget = ReportsPage(book, tasks, today=lambda: date(2026, 5, 15))
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.computed, timeout=5000):
        widget.refresh()
    return widget


def _table(page: ReportsPage, section: str = "") -> dict[str, tuple[str, str]]:
    """Label -> (count, share); a label in several sections counts in the last, or in the
    section whose title starts with ``section``."""
    rows: dict[str, tuple[str, str]] = {}
    heading = ""
    for row in range(page.table.rowCount()):
        count = page.table.item(row, 1)
        if count is None:
            heading = page.table.item(row, 0).text()
            continue  # a section heading
        if section and not heading.startswith(section):
            continue
        share = page.table.item(row, 2)
        rows[page.table.item(row, 0).text().strip()] = (count.text(), share.text())
    return rows


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_the_page_shows_this_quarters_figures_with_charts(page: ReportsPage) -> None:
    assert page.preset.currentText() == PRESETS[0]
    assert (page.period.start, page.period.end) == (date(2026, 4, 1), date(2026, 6, 30))
    rows = _table(page)
    assert rows["Referrals received"] == ("12", "")
    assert rows["Accepted"] == ("9", "75%")
    assert rows["Declined"] == ("3", "25%")
    assert rows["Cases closed"] == ("6", "")
    assert rows["At lower risk than at the start"] == ("4", "67%")
    assert rows["At the same risk"] == ("1", "17%")
    assert rows["At higher risk"] == ("1", "17%")
    assert rows["Young people reached"] == ("25", "")
    assert rows["Open cases at the end of the period"] == ("2", "")
    referrals = page.charts[0]
    assert referrals.values == [("Accepted", "9"), ("Declined", "3"), ("Waiting", "0")]
    assert "Accepted: 9" in referrals.accessibleDescription()
    # Last quarter holds none of it.
    page.preset.setCurrentIndex(1)
    assert (page.period.start, page.period.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert _table(page)["Referrals received"] == ("0", "")


def test_funder_form_hides_small_counts_in_the_table_and_charts(page: ReportsPage) -> None:
    page.funder_box.setChecked(True)
    rows = _table(page)
    assert rows["Referrals received"] == ("12", "")
    assert rows["Declined"] == ("<5", "*")
    assert rows["Accepted"] == ("*", "*")  # 12 - 9 would give the 3 away
    assert rows["At the same risk"] == ("<5", "*")
    assert rows["Young people reached"] == ("25", "")
    assert page.charts[0].values == [("Accepted", "*"), ("Declined", "<5"), ("Waiting", "0")]
    assert "<5" in page.summary.text()


def test_csv_export_holds_the_figures_shown(qtbot: Any, page: ReportsPage, book: Casebook,
                                            tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    page.export_csv(path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {r["key"]: r for r in csv.DictReader(handle)}
    assert (rows["referrals.accepted"]["count"], rows["referrals.accepted"]["share"]) == (
        "9", "75%"
    )
    assert rows["referrals.received"]["scope"] == "One worker"  # never a user id
    assert rows["closures.lower"]["share"] == "67%"
    page.funder_box.setChecked(True)
    page.export_csv(path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {r["key"]: r for r in csv.DictReader(handle)}
    assert rows["referrals.declined"]["count"] == "<5"
    assert "report.csv" in page.message.text()
    qtbot.waitUntil(
        lambda: [e.action for e in book.audit_trail()].count("report.export_csv") == 2,
        timeout=5000,
    )


def test_every_pdf_page_carries_the_organisation_period_page_number_and_marking(
        qtbot: Any, page: ReportsPage, book: Casebook, tmp_path: Path) -> None:
    page.organisation_edit.setText("Demo Outreach Service")
    page.organisation_edit.editingFinished.emit()
    # Kept for next time (saved off the GUI thread).
    qtbot.waitUntil(
        lambda: book.setting("report.organisation") == "Demo Outreach Service", timeout=5000
    )
    path = tmp_path / "report.pdf"
    page.export_pdf(path)
    reader = PdfReader(path)
    total = len(reader.pages)
    assert total >= 3  # the figures over two pages, then the charts
    for number, pdf_page in enumerate(reader.pages, start=1):
        words = " ".join(pdf_page.extract_text().split())
        assert "Demo Outreach Service" in words, number
        assert "1 Apr 2026 to 30 Jun 2026" in words, number
        assert f"Page {number} of {total}" in words, number
        assert words.count("OFFICIAL - SENSITIVE") == 2, number  # top and bottom


def test_pdf_export_contains_the_figures_and_the_charts(page: ReportsPage,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    page.export_pdf(path)
    reader = PdfReader(path)
    assert len(reader.pages) >= 2  # the figures, then the charts
    text = _pdf_text(path)
    assert "Spoke report: My work" in text
    assert "Period: 1 Apr 2026 to 30 Jun 2026" in text
    for words in ("Referrals received 12", "Accepted 9 75%", "Declined 3 25%",
                  "At lower risk than at the start 4 67%", "Young people reached 25"):
        assert words in text, words
    charts_page = " ".join(reader.pages[-1].extract_text().split())
    assert "Charts: My work" in charts_page
    assert reader.pages[-1].images, "the charts are drawn on the last page"

    page.funder_box.setChecked(True)
    funder = tmp_path / "funder.pdf"
    page.export_pdf(funder)
    text = _pdf_text(funder)
    assert "Funder form" in text
    assert "Declined <5 *" in text
    assert "Declined 3" not in text


def test_dates_the_wrong_way_round_are_refused_with_a_message(
        qtbot: Any, page: ReportsPage) -> None:
    page.end_edit.line.clear()
    qtbot.keyClicks(page.end_edit.line, "31/3/2026")  # the quarter starts on 1 April
    page.end_edit.line.editingFinished.emit()  # the supervisor leaves the field
    assert page.preset.currentIndex() == len(PRESETS) - 1
    assert "before its start" in page.end_edit.status.text()
    assert not page.pdf_button.isEnabled()
    assert page.report is None and page.table.rowCount() == 0, "no report is made"
    page.set_period(date(2026, 4, 1), date(2026, 4, 30))
    assert page.pdf_button.isEnabled()
    assert _table(page)["Referrals received"] == ("12", "")


def test_a_typed_period_gives_the_report_for_that_period(
        qtbot: Any, page: ReportsPage) -> None:
    for field, text in ((page.start_edit, "1/4/2026"), (page.end_edit, "3 Apr")):
        field.line.clear()
        qtbot.keyClicks(field.line, text)
    assert page.preset.currentIndex() == len(PRESETS) - 1  # "Choose dates"
    assert (page.period.start, page.period.end) == (date(2026, 4, 1), date(2026, 4, 3))
    assert page.report is not None and page.report.period == page.period
    assert _table(page)["Referrals received"] == ("12", "")  # all received on 2 April
    assert "1 Apr 2026 to 3 Apr 2026" in page.summary.text()
    assert page.pdf_button.isEnabled()

    page.end_edit.line.clear()
    qtbot.keyClicks(page.end_edit.line, "today")  # the page's today: 15 May 2026
    assert page.period.end == date(2026, 5, 15)
    page.start_edit.line.clear()
    qtbot.keyClicks(page.start_edit.line, "3/4/2026")
    assert _table(page)["Referrals received"] == ("0", "")


def test_a_date_that_cannot_be_read_is_refused_beside_the_field(
        qtbot: Any, page: ReportsPage) -> None:
    page.start_edit.line.clear()
    qtbot.keyClicks(page.start_edit.line, "the first of spring")
    assert page.start_edit.status.text() == "", "half-typed text is not called wrong"
    page.start_edit.line.editingFinished.emit()
    assert page.start_edit.status.text().startswith("Start of the period")
    assert page.start_edit.status.isVisibleTo(page)
    assert page.report is None and not page.csv_button.isEnabled()
    page.show_button.click()  # asking for the figures again makes no report either
    assert page.report is None
    page.preset.setCurrentIndex(0)  # a preset writes both dates again
    assert page.start_edit.status.text() == ""
    assert page.report is not None and page.pdf_button.isEnabled()


def test_the_main_window_has_a_reports_page(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    titles = [main.nav.item(i).text() for i in range(main.nav.count())]
    assert "Reports" in titles
    with qtbot.waitSignal(main.reports.computed, timeout=5000):
        main.show_page(titles.index("Reports"))
    assert main.current_page_title == "Reports"
    rows = _table(main.reports)
    assert rows["Young people supported (each counted once)"] == ("2", "")
    assert rows["Open cases at the end of the period"] == ("2", "")


def test_a_supervisor_reports_on_the_team_as_synced(qtbot: Any, book: Casebook) -> None:
    book.save(Case(id="case-b", young_person_id="yp-b", key_worker="w-birch",
                   opened_on=date(2026, 4, 20)))
    account = SimpleNamespace(user_id="sup-1", user_name="Demo Supervisor", role="supervisor",
                              team="North")
    page = ReportsPage(book, TaskRunner(), today=lambda: date(2026, 5, 15), account=account,
                       fetch_names=lambda: {"w-birch": "Demo Birch", "worker": "Demo Ash"})
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.computed, timeout=5000):
        page.refresh()
    # The team's names come from the hub (here a stand-in); never a user id on the page.
    qtbot.waitUntil(lambda: page.scope_combo.itemText(1) == "Worker: Demo Ash", timeout=5000)
    choices = [page.scope_combo.itemText(i) for i in range(page.scope_combo.count())]
    assert choices == ["Team North (as synced to this laptop)", "Worker: Demo Ash",
                       "Worker: Demo Birch"]
    rows = _table(page)
    assert rows["Open cases at the end of the period"] == ("3", "")
    assert (rows["Demo Birch"], rows["Demo Ash"]) == (("1", "20%"), ("8", "161%"))  # casework
    caseload = _table(page, section="Caseload per worker")
    assert (caseload["Demo Birch"], caseload["Demo Ash"]) == (("1", ""), ("2", ""))
    assert not any("w-birch" in label or label == "worker" for label in rows)
    page.scope_combo.setCurrentIndex(2)
    rows = _table(page)
    assert rows["Open cases at the end of the period"] == ("1", "")
    assert rows["Referrals received"] == ("0", "")


def test_a_supervisors_team_report_is_counted_on_the_hub(qtbot: Any, tmp_path: Path) -> None:
    # The supervisor's laptop has synced nothing; the hub holds the team's records, counts
    # them, and the page shows them (funder form applied on the laptop, same rules).
    with running_hub(sqlite_url(tmp_path / "hub")) as hub:
        hub.clock.now = datetime(2026, 4, 2, 9, tzinfo=UTC)
        worker = hub.admin.add_user("Test Worker A", "worker", "team-x")
        laptop = hub.laptop(worker)
        for n in range(7):
            yp = young_person(n)
            r = referral(yp, received_on=date(2026, 4, 10), decided_on=date(2026, 4, 12))
            laptop.push_records(yp, r, case(yp, r, key_worker=worker,
                                             opened_on=date(2026, 4, 12)))
        laptop.close()
        sup = hub.admin.add_user("Test Supervisor X", "supervisor", "team-x")
        book, _ = Casebook.create(tmp_path / "sup", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        with book:
            engine = SyncEngine(book)
            engine.enrol(hub.base_url, hub.admin.enrolment_code(sup), "Test laptop")
            runner = TaskRunner()
            page = ReportsPage(book, runner, today=lambda: date(2026, 5, 15),
                               account=engine.store.account(),
                               hub_report=lambda p, s: fetch_report(book, p, s))
            qtbot.addWidget(page)
            page.refresh()
            qtbot.waitUntil(lambda: _table(page).get("Referrals received") == ("7", ""),
                            timeout=10_000)
            assert page.scope_combo.currentText() == "Team team-x, counted on the hub"
            assert _table(page)["Accepted"] == ("7", "100%")
            page.funder_box.setChecked(True)  # no second trip to the hub for the same figures
            assert _table(page)["Declined"] == ("0", "0%")
            assert "Team team-x" in page.summary.text()
            assert page.csv_button.isEnabled()
            # The organisation's name as the hub knows it fills the empty field and is kept.
            # Its save runs on the task pool: the casebook closes only after it (as locking
            # does in the app); before, it could land after the close ("The casebook is
            # locked." in CI).
            qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
            organisation = page.organisation
            assert organisation
            assert book.setting(ORGANISATION_SETTING) == organisation
        # The hub gone: the page says so in plain words and offers the laptop's own copy.
        page.set_period(date(2026, 1, 1), date(2026, 3, 31))
        qtbot.waitUntil(lambda: "could not count" in page.message.text(), timeout=10_000)
        assert "as synced to this laptop" in page.message.text()
        assert not page.csv_button.isEnabled()


def test_locking_while_the_organisation_is_being_typed_loses_nothing_and_shows_no_error(
    page: ReportsPage, book: Casebook
) -> None:
    page.organisation_edit.setText("Fictional Charity North")
    page.organisation_edit.editingFinished.emit()  # kept, as when the field loses focus
    page._tasks.wait()
    assert book.setting(ORGANISATION_SETTING) == "Fictional Charity North"
    page.organisation_edit.setText("Fictional Charity South")
    book.close()  # Spoke locks: the field loses focus after the casebook has gone
    page.organisation_edit.editingFinished.emit()  # before: "The casebook is locked." raised
    assert page.organisation_edit.text() == "Fictional Charity South"


def test_each_area_s_name_is_shown_whole_in_the_table_by_area(
    qtbot: Any, page: ReportsPage
) -> None:
    """Beside seven one-line headings ("Open in period", "Risk not lower"...) the charts'
    half of the page left the area column room for "Dem…" and "Not k…": which area is which
    could not be read. The counts' headings go on two lines; the names are whole."""
    from PySide6.QtGui import QFontMetrics

    page.resize(990, 740)  # the page in a 1280 x 800 window, beside the list of pages
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)
    table = page.area_table
    names = [table.item(row, 0) for row in range(table.rowCount())]
    assert [item.text() for item in names] == ["Not known or not recorded", "All areas"]
    for item in names:
        width = QFontMetrics(item.font()).horizontalAdvance(item.text())
        assert width + 8 <= table.columnWidth(0), f"{item.text()!r} is cut short"
    heading = table.horizontalHeaderItem(1).text()
    assert heading == "Open in\nperiod"


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual umask (0022), under which a file written plainly is readable by everyone,
    so a test of owner-only files cannot pass by the test runner's own umask."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("usual_umask")
def test_the_csv_and_the_pdf_are_readable_by_the_worker_only(
    page: ReportsPage, tmp_path: Path
) -> None:
    """They name staff and hold the service's counts, outside the encrypted casebook: they
    were written 0644, readable by every user of the laptop. Now 0600, also when they
    replace an earlier export readable by everyone, and no temporary file is left."""
    require(os.name == "posix", "file modes are POSIX")
    out = tmp_path / "out"
    out.mkdir()
    for name, export in (("report.csv", page.export_csv), ("report.pdf", page.export_pdf)):
        export(out / name)
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
        (out / name).chmod(0o644)  # as an earlier export was
        export(out / name)
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
    assert sorted(path.name for path in out.iterdir()) == ["report.csv", "report.pdf"]
    assert "Referrals received 12" in _pdf_text(out / "report.pdf")


def test_a_pdf_that_cannot_be_finished_leaves_nothing_and_says_so(
    page: ReportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure part way through the PDF left part of it at the name the worker chose,
    beside a message that it could not be saved. Now nothing is left, and an earlier
    export of the same name is as it was."""
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "report.pdf"
    earlier.write_bytes(b"earlier")

    def disk_full(*_args: object, **_kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # The second pass draws the pages after the first has counted them.
    real_run = reports._PdfLayout.run
    monkeypatch.setattr(reports._PdfLayout, "run", lambda self, *, draw, pages=0: (
        disk_full() if draw else real_run(self, draw=draw, pages=pages)))
    page._export(page.export_pdf, earlier)
    assert "Could not save report.pdf" in page.message.text()
    assert "choose another folder" in page.message.text()
    assert sorted(path.name for path in out.iterdir()) == ["report.pdf"]
    assert earlier.read_bytes() == b"earlier"


def test_every_figure_label_is_shown_whole(qtbot: Any, page: ReportsPage) -> None:
    """At 1366x768 the labels were cut short: "Young people supported …", "Contacts held
    (sessions, …": which figure was which could not be told. They wrap, each row as high as
    its label needs."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics

    page.resize(1077, 700)  # the page in a maximised 1366x768 window, beside the page list
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)
    table = page.table
    long_ones = 0
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        metrics = QFontMetrics(item.font())
        if table.columnSpan(row, 0) > 1:  # a section's heading, across the table
            room = table.viewport().width() - 12
        else:  # a figure, indented under its heading
            room = table.columnWidth(0) - table.fontMetrics().averageCharWidth() * 3 - 12
        one_line = metrics.horizontalAdvance(item.text()) <= room
        if one_line:
            continue
        long_ones += 1
        assert table.wordWrap(), f"{item.text()!r} is cut short"
        needed = metrics.boundingRect(QRect(0, 0, room, 1000), Qt.TextFlag.TextWordWrap,
                                      item.text()).height()
        assert table.rowHeight(row) >= needed, f"{item.text()!r}: {needed} px high"
    assert long_ones, "some labels are longer than the column at this size"


def test_a_chart_follows_the_system_into_dark_mode_and_back(
    system_scheme: Any, chart_follows_scheme: Any
) -> None:
    """Drawn in daylight, a chart stayed a white slab in the dark window when the system
    switched to dark; it is drawn again in the new colours (the PDF's stay paper's)."""
    system_scheme("light")
    title, bars = reports._CHARTS[0]
    chart_follows_scheme(reports.ReportChart(title, bars))
