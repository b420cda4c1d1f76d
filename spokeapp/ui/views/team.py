"""The supervisor's team view: per worker, caseload against the 10-12 guide, risk, reviews
overdue, notes waiting for review, and when each laptop last reached the hub.

The figures are counted on the hub (``GET /v1/team``), which alone knows every worker's cases
and laptops, so the page asks the hub whenever it is shown or refreshed (F5) and says plainly
when it cannot. Nothing of it is kept on the laptop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import clock, number, translator
from spokeapp.sync.protocol import TeamResponse, WorkerFiguresOut
from spokeapp.ui.models.rows import SORT_ROLE, Row, RowsModel
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, paragraph, refresh_shortcut, rows_table

tr = translator(__name__)

HEADERS = (
    tr.noop("Worker"),
    tr.noop("Active cases"),
    tr.noop("Risk of open cases"),
    tr.noop("Reviews overdue"),
    tr.noop("Not yet assessed"),
    tr.noop("Notes to review"),
    tr.noop("Laptop last seen"),
    tr.noop("Look closer"),
)
#: Beside the count only when it is outside the guide (the page's heading names the guide),
#: so the table fits beside the navigation.
LOAD_WORDS = {"under": tr.noop("{count} (under)"), "within": "{count}",
              "over": tr.noop("{count} (over)")}

Fetch = Callable[[], TeamResponse]


def ago(when: datetime | None, now: datetime) -> str:
    """'never', 'today', 'yesterday' or 'N days ago' (the hub's clock against ours)."""
    if when is None:
        return tr("never")
    days = (now.date() - when.astimezone(now.tzinfo).date()).days
    if days <= 0:
        return tr("today, {time}").format(time=clock(when.astimezone(now.tzinfo)))
    return tr("yesterday") if days == 1 else tr("{days} days ago").format(days=number(days))


def worker_row(worker: WorkerFiguresOut, guide: tuple[int, int], now: datetime) -> Row:
    levels = ", ".join(
        tr("{level} {count}").format(level=level.replace("_", " ").capitalize(),
                                     count=number(count))
        for level, count in sorted(worker.risk_levels.items(), key=lambda kv: -kv[1])
    )
    contact = ago(worker.last_contact, now)
    if worker.silent_devices:
        contact = tr("{when} (silent: {laptops})").format(
            when=contact, laptops=", ".join(worker.silent_devices))
    return Row(
        cells=(
            worker.name,
            tr(LOAD_WORDS[worker.load]).format(count=number(worker.active_cases)),
            levels or tr("none open"),
            number(worker.reviews_overdue),
            number(worker.no_assessment_yet),
            number(worker.unreviewed_notes),
            contact,
            "; ".join(worker.warnings) or tr("nothing"),
        ),
        key=worker.user_id,
        sort=(
            worker.name.casefold(),
            worker.active_cases,
            levels,
            worker.reviews_overdue,
            worker.no_assessment_yet,
            worker.unreviewed_notes,
            worker.last_contact.timestamp() if worker.last_contact else 0.0,
            len(worker.warnings),
        ),
    )


class TeamPage(QWidget):
    """The team table, fetched from the hub in the background."""

    def __init__(
        self,
        tasks: TaskRunner,
        fetch: Fetch,
        *,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._fetch = fetch
        self._clock = clock
        self.model = RowsModel(tuple(tr(words) for words in HEADERS), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = rows_table(self.proxy, tr("Team"), self, lines=None, single=False,
                                sortable=True)
        self.status = Message(self, name=tr("Team view status"))
        self.refresh_button = QPushButton(tr("Re&fresh from the hub (F5)"), self)
        self.refresh_button.setAccessibleName(tr("Refresh the team view from the hub"))
        refresh_shortcut(self, self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Team"), self))
        layout.addWidget(
            paragraph(
                tr("Each worker's open cases against the 10-12 guide, risk, reviews overdue, "
                   "notes waiting for your review, and when their laptop last reached the hub. "
                   "A laptop silent for days may be holding notes nobody has seen. Counted by "
                   "the hub; nothing here is kept on this laptop."),
                self,
            )
        )
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.loaded: TeamResponse | None = None

    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        self.status.show_info(tr("Asking the hub for your team's figures…"))
        self._tasks.submit(self._fetch, self._loaded, self._failed, owner=self)

    def _loaded(self, view: TeamResponse) -> None:
        self.loaded = view
        now = self._clock()
        self.model.set_rows([worker_row(w, view.caseload_guide, now) for w in view.workers])
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.refresh_button.setEnabled(True)
        local = view.computed_at.astimezone(now.tzinfo)
        self.status.show_info(tr(
            "Team {team}: {people} people, counted by the hub at {time}. Caseload guide: "
            "{low}-{high} open cases each."
        ).format(team=view.team, people=number(len(view.workers)), time=clock(local),
                 low=number(view.caseload_guide[0]), high=number(view.caseload_guide[1])))

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        reason = str(error) if isinstance(error, SpokeError) else tr("something went wrong")
        self.status.show_error(
            tr("The team view needs the hub, and it could not be fetched: {reason}").format(
                reason=reason)
        )

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.loaded is None and self.refresh_button.isEnabled():
            self.refresh()
