"""The Today page (``spokeapp.ui.views.today``): one calm list, most urgent first; Enter on an
item goes where its next step is done; an empty list says what to do next. All data is
fictional."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from spokeapp.domain.lone_working import VisitState
from spokeapp.present.today import Action, Urgency
from spokeapp.store.casebook import CaseloadRow, StoredRecord
from spokeapp.ui.models.today import WHAT_COLUMN
from spokeapp.ui.views.today import QUIET_DAYS, QUIET_NAMED, TodayPage
from tests.unit.domain.records.factories import session
from tests.unit.present.test_today import _Visit

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


class _Tasks:
    """Nothing runs off the GUI thread here: the page is given its data directly."""

    def submit(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("Today shows what it is given; it reads nothing itself")


class _Status:
    enrolled = True
    waiting = 2
    held = 1
    open_conflicts = 0
    can_enrol_again = False
    hub_reachable = True


@dataclasses.dataclass
class _Sent:
    enrolled: bool = True
    waiting: int = 0
    held: int = 1
    open_conflicts: int = 0
    can_enrol_again: bool = False
    hub_reachable: bool = True


def _row(case_id: str, reference: str, assessed: date | None) -> CaseloadRow:
    return CaseloadRow(case_id=case_id, reference=reference, name="Test Person",
                       preferred_name=None, status="open", risk_level=None, last_contact=NOW,
                       last_assessed=assessed, key_worker="worker")


def _page(qtbot: Any) -> TodayPage:
    page = TodayPage(object(), _Tasks())  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    return page


def _filled(qtbot: Any) -> tuple[TodayPage, StoredRecord]:
    page = _page(qtbot)
    note = dataclasses.replace(session(), case_id="c-1")
    draft = StoredRecord(record=note, state="draft", created_at="", updated_at=NOW.isoformat(),
                         finalised_at=None, author="worker", revision=1)
    page.show_sync("2 records are waiting to go to your hub.", connect=False, status=_Status())
    page.show_today([_row("c-1", "YP-TEST-01", None),
                     _row("c-2", "YP-TEST-02", NOW.date() - timedelta(weeks=20))],
                    NOW, drafts=[draft])
    overdue = _Visit("v-1", "Example Library", VisitState.OVERDUE)
    page.show_visits([overdue], NOW)  # type: ignore[list-item]
    return page, draft


def _enter_on(qtbot: Any, page: TodayPage, row: int) -> None:
    page.list.setFocus()
    page.list.setCurrentIndex(page.model.index(row, 0))
    qtbot.keyClick(page.list, Qt.Key.Key_Return)


def test_one_list_most_urgent_first_each_saying_what_to_do(qtbot: Any) -> None:
    page, _draft = _filled(qtbot)
    assert [(i.urgency, i.action) for i in page.items] == [
        (Urgency.SAFETY, Action.VISITS), (Urgency.RECORDS, Action.HELD),
        (Urgency.DRAFT, Action.DRAFT), (Urgency.REVIEW, Action.CASE),
        (Urgency.REVIEW, Action.CASE), (Urgency.SYNC, Action.SYNC),
    ]
    model = page.model
    assert model.index(0, WHAT_COLUMN).data() == "Check-in overdue: Example Library"
    assert [model.index(n, 1).data() for n in range(model.rowCount())] == [
        "YP-TEST-09", "", "YP-TEST-01", "YP-TEST-01", "YP-TEST-02", ""]
    assert all(model.index(n, 2).data() for n in range(model.rowCount()))
    assert page.list.isVisible() and not page.empty.isVisible()
    # Calm: only the overdue check-in is marked, in words for a screen reader too.
    marked = [n for n in range(model.rowCount())
              if model.index(n, WHAT_COLUMN).data(Qt.ItemDataRole.DecorationRole) is not None]
    assert marked == [0]
    assert model.index(0, WHAT_COLUMN).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Urgent: Check-in overdue: Example Library")
    assert model.index(1, WHAT_COLUMN).data(Qt.ItemDataRole.FontRole) is None
    assert page.list.accessibleName() == "What needs doing, most urgent first"
    # The reviews and drafts alone, as the page listed them before.
    assert page.reviews_model.index(0, 1).data() == "Initial assessment needed"
    assert page.drafts_model.index(0, 0).data() == "YP-TEST-01"
    assert page.draft_case(0) == "c-1"


def test_enter_on_an_item_goes_where_its_next_step_is_done(qtbot: Any) -> None:
    page, draft = _filled(qtbot)
    opened: list[tuple[str, str]] = []
    page.open_draft.connect(lambda key: opened.append(("draft", key)))
    page.open_case.connect(lambda key: opened.append(("case", key)))
    page.open_held.connect(lambda: opened.append(("held", "")))
    page.visits_button.clicked.connect(lambda: opened.append(("visits", "")))
    page.connect_button.clicked.connect(lambda: opened.append(("sync", "")))
    for row in range(page.model.rowCount()):
        _enter_on(qtbot, page, row)
    assert opened == [("visits", ""), ("held", ""), ("draft", draft.record.id),
                      ("case", "c-1"), ("case", "c-2"), ("sync", "")]


def test_nothing_to_do_says_so_and_what_to_do_next(qtbot: Any) -> None:
    page = _page(qtbot)
    page.show_sync("Nothing waiting: everything has been sent to your hub.", connect=False,
                   status=type("Sent", (), {"enrolled": True})())
    page.show_today([], NOW)
    assert page.model.rowCount() == 0
    assert not page.list.isVisible() and page.empty.isVisible()
    assert "Nothing needs doing right now." in page.empty.text()
    assert "before you go out alone" in page.empty.text()
    assert page.summary.text() == "You have no open cases at the moment."


def test_a_laptop_not_connected_is_on_the_list_even_before_the_caseload(qtbot: Any) -> None:
    page = _page(qtbot)
    page.show_sync("This laptop is not connected to a hub yet.", connect=True)
    assert [i.what for i in page.items] == ["This laptop is not connected to a hub yet"]
    assert page.connect_button.isVisible()


def test_a_sync_status_that_changes_nothing_listed_keeps_the_worker_s_place(qtbot: Any) -> None:
    """The status is read again after every save and sync: the list is not rebuilt for it, so
    the item the worker selected stays selected (issue 18: no thousand-row refit either)."""
    page, _draft = _filled(qtbot)
    page.list.setCurrentIndex(page.model.index(3, 0))
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    page.show_sync("2 records are waiting to go to your hub.", connect=False, status=_Status())
    page.show_visits(page._visits, NOW)  # the Visits page's periodic refresh, nothing new
    assert resets == []
    assert page.list.currentIndex().row() == 3
    page.show_sync("Nothing waiting.", connect=False,
                   status=dataclasses.replace(_Sent(), held=0))  # something did change
    assert resets == [1]
    assert [i.action for i in page.items][-1] is not Action.SYNC


def test_risk_words_known_later_do_not_rebuild_the_list(qtbot: Any) -> None:
    page, _draft = _filled(qtbot)
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    page.set_risk_words(lambda level: f"Band {level}")
    assert resets == []
    assert page.reviews_model.text(0, 2) == "Band None"


def test_a_long_caseload_names_a_few_quiet_cases_and_counts_the_rest(qtbot: Any) -> None:
    page = _page(qtbot)
    quiet = [dataclasses.replace(_row(f"c-{n}", f"YP-TEST-{n:04d}", NOW.date()),
                                 last_contact=None) for n in range(QUIET_NAMED + 3)]
    page.show_today(quiet, NOW)
    named = ", ".join(f"YP-TEST-{n:04d}" for n in range(QUIET_NAMED))
    assert page.summary.text() == (
        f"You have {QUIET_NAMED + 3} open cases.\n"
        f"No contact recorded in the last {QUIET_DAYS} days with: {named} and 3 other cases.")
    page.show_today(quiet[:2], NOW)
    assert page.summary.text().endswith("with: YP-TEST-0000, YP-TEST-0001.")
