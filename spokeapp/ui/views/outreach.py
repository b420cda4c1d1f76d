"""Group and professional work: awareness sessions with young people (counted, never named) and
training or consultancy for professionals (counted by profession), newest first.

The topic takes the table's spare width and no more: a long one (recorded before topics were
limited) is cut short with "…" (whole in its tooltip), never widening the table past the page.
"""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.records import (
    PROFESSION_LABELS,
    GroupSession,
    ProfessionalActivity,
    choice_label,
)
from spokeapp.i18n import number, translator
from spokeapp.present.labels import format_day
from spokeapp.store.casebook import Casebook
from spokeapp.ui.models.rows import SORT_ROLE, Row, RowsModel
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.record_dialogs import activity_type_label, group_setting_label
from spokeapp.ui.widgets import heading, paragraph, rows_table

tr = translator(__name__)

#: The Topic column: it takes the width the others leave (its text cut short to fit).
TOPIC_COLUMN: Final = 2


def _load(book: Casebook) -> list[Any]:
    return [
        s.record
        for kind in ("group_session", "professional_activity")
        for s in book.records(kind, state="final")
    ]


class OutreachPage(QWidget):
    group_requested = Signal()
    professional_requested = Signal()

    def __init__(self, book: Casebook, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._book = book
        self._tasks = tasks
        self.model = RowsModel((tr("Date"), tr("Kind"), tr("Topic"), tr("Reached")), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = rows_table(self.proxy, tr("Group and professional work"), self,
                                lines=None, single=False, wrap=True, sortable=True,
                                stretch=TOPIC_COLUMN)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.group_button = QPushButton(tr("New group or &awareness session"), self)
        self.group_button.setAccessibleName(tr("New group or awareness session"))
        self.professional_button = QPushButton(tr("New &training or consultancy"), self)
        self.professional_button.setAccessibleName(tr("New training or consultancy"))
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.totals.setAccessibleName(tr("Totals"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.group_button)
        buttons.addWidget(self.professional_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Group and professional work"), self))
        layout.addWidget(
            paragraph(
                tr("Young people at group and awareness sessions are counted, never named. "
                   "Professionals are counted by profession."),
                self,
            )
        )
        layout.addLayout(buttons)
        layout.addWidget(self.totals)
        layout.addWidget(self.table, 1)
        self.group_button.clicked.connect(self.group_requested)
        self.professional_button.clicked.connect(self.professional_requested)

    def refresh(self) -> None:
        book = self._book
        self._tasks.submit(lambda: _load(book), self._loaded, owner=self)

    def _loaded(self, records: list[Any]) -> None:
        rows: list[Row] = []
        young, professionals = 0, 0
        for record in records:
            if isinstance(record, GroupSession):
                young += record.young_people_reached
                kind = tr("Group session ({setting})").format(
                    setting=group_setting_label(record.setting).lower())
                reached = tr.plural(record.young_people_reached, "{n} young person",
                                    "{n} young people")
                count = record.young_people_reached
            elif isinstance(record, ProfessionalActivity):
                professionals += record.total_attendees
                kind = activity_type_label(record.activity_type)
                reached = ", ".join(
                    tr("{profession} {count}").format(profession=choice_label(PROFESSION_LABELS, p),
                                                      count=number(n))
                    for p, n in record.attendees_by_profession
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
            tr("So far: {young} young people reached through group work; {professionals} "
               "professionals trained or consulted.").format(
                young=number(young), professionals=number(professionals))
        )
