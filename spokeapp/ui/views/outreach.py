"""Group and professional work: awareness sessions with young people (counted, never named) and
training or consultancy for professionals (counted by profession), newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.records import GroupSession, ProfessionalActivity
from spokeapp.ui.models.rows import SORT_ROLE, Row, RowsModel
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.record_dialogs import ACTIVITY_TYPES, GROUP_SETTINGS, PROFESSIONS
from spokeapp.ui.views.risk_form import format_day
from spokeapp.ui.widgets import heading, paragraph


def _load(book: Any) -> list[Any]:
    return [
        s.record
        for kind in ("group_session", "professional_activity")
        for s in book.records(kind, state="final")
    ]


class OutreachPage(QWidget):
    group_requested = Signal()
    professional_requested = Signal()

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.model = RowsModel(("Date", "Kind", "Topic", "Reached"), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Group and professional work")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.group_button = QPushButton("New &group or awareness session", self)
        self.group_button.setAccessibleName("New group or awareness session")
        self.professional_button = QPushButton("New &training or consultancy", self)
        self.professional_button.setAccessibleName("New training or consultancy")
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.totals.setAccessibleName("Totals")
        buttons = QHBoxLayout()
        buttons.addWidget(self.group_button)
        buttons.addWidget(self.professional_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Group and professional work", self))
        layout.addWidget(
            paragraph(
                "Young people at group and awareness sessions are counted, never named. "
                "Professionals are counted by profession.",
                self,
            )
        )
        layout.addLayout(buttons)
        layout.addWidget(self.totals)
        layout.addWidget(self.table, 1)
        self.group_button.clicked.connect(self.group_requested)
        self.professional_button.clicked.connect(self.professional_requested)

    def refresh(self, book: Any) -> None:
        self._tasks.submit(lambda: _load(book), self._loaded, owner=self)

    def _loaded(self, records: list[Any]) -> None:
        rows: list[Row] = []
        young, professionals = 0, 0
        for record in records:
            if isinstance(record, GroupSession):
                young += record.young_people_reached
                kind = f"Group session ({GROUP_SETTINGS[record.setting].lower()})"
                reached = f"{record.young_people_reached} young people"
                count = record.young_people_reached
            elif isinstance(record, ProfessionalActivity):
                professionals += record.total_attendees
                kind = ACTIVITY_TYPES[record.activity_type]
                reached = ", ".join(
                    f"{PROFESSIONS[p]} {n}" for p, n in record.attendees_by_profession
                )
                count = record.total_attendees
            else:
                continue
            rows.append(
                Row(
                    cells=(format_day(record.held_on), kind, record.topic, reached),
                    key=record.id,
                    sort=(record.held_on.toordinal(), kind, record.topic.casefold(), count),
                )
            )
        self.model.set_rows(rows)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.totals.setText(
            f"So far: {young} young people reached through group work; "
            f"{professionals} professionals trained or consulted."
        )
