"""The caseload table: one row per case, for a ``QTableView`` behind a sort/filter proxy.

Risk is shown as a word *and* a colour swatch (never colour alone). "Hide names" (for working
in a cafe or on a train) blanks the Name column in the model itself, so names cannot leak
through tooltips, the filter, copy or a screen reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.reviews import (
    DEFAULT_REVIEW_INTERVAL_WEEKS,
    ReviewStatus,
    next_review_due,
    review_status,
)
from spokeapp.store.casebook import CaseloadRow
from spokeapp.ui.labels import humanise
from spokeapp.ui.signals import emit

Index = QModelIndex | QPersistentModelIndex

#: Sort value for rows, so "Last contact" and "Risk" sort by meaning rather than by text.
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 1
#: The case id of the row (any column).
CASE_ID_ROLE: Final = Qt.ItemDataRole.UserRole + 2

NOT_ASSESSED: Final = "Not assessed"
NO_CONTACT: Final = "No contact yet"

#: Swatch colours for the usual band names; any other band gets a neutral grey swatch.
RISK_COLOURS: Final = {
    "low": QColor("#2e7d32"),
    "medium": QColor("#f9a825"),
    "high": QColor("#e65100"),
    "very_high": QColor("#b71c1c"),
}
RISK_ORDER: Final = {"low": 1, "medium": 2, "high": 3, "very_high": 4}
_NEUTRAL: Final = QColor("#9e9e9e")


class Column(IntEnum):
    REFERENCE = 0
    NAME = 1
    RISK = 2
    LAST_CONTACT = 3
    NEXT_REVIEW = 4
    STATUS = 5


HEADERS: Final = {
    Column.REFERENCE: "Reference",
    Column.NAME: "Name",
    Column.RISK: "Risk",
    Column.LAST_CONTACT: "Last contact",
    Column.NEXT_REVIEW: "Next review due",
    Column.STATUS: "Status",
}


def review_due(row: CaseloadRow, weeks: Mapping[str, str] | None = None) -> date | None:
    """When the case's next risk review is due (None: closed, or never assessed)."""
    if row.status != "open" or row.last_assessed is None:
        return None
    stored = (weeks or {}).get(row.case_id, "")
    interval = int(stored) if stored.isdigit() else DEFAULT_REVIEW_INTERVAL_WEEKS
    try:
        return next_review_due(row.last_assessed, interval)
    except ValidationError:
        return next_review_due(row.last_assessed)


def review_text(row: CaseloadRow, due: date | None, today: date) -> str:
    if row.status != "open":
        return "Closed"
    if due is None:
        return "Initial assessment needed"
    when = f"{due.day} {due:%b %Y}"
    status = review_status(due, today)
    if status is ReviewStatus.OVERDUE:
        return f"Overdue: {when}"
    if status is ReviewStatus.DUE_SOON:
        return f"Due soon: {when}"
    return when


def risk_text(level: str | None) -> str:
    return humanise(level) if level else NOT_ASSESSED


def contact_text(when: datetime | None) -> str:
    if when is None:
        return NO_CONTACT
    local = when.astimezone() if when.tzinfo else when
    return f"{local.day} {local:%b %Y}"


class CaseloadModel(QAbstractTableModel):
    """The worker's cases as a table model (read-only)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadRow] = []
        self._due: list[date | None] = []
        self._texts: list[tuple[str, ...]] = []
        self._keys: list[tuple[Any, ...]] = []
        self._hide_names = False
        self.today = date.today()

    # -- data in -----------------------------------------------------------------------------
    def set_rows(
        self,
        rows: Sequence[CaseloadRow],
        *,
        review_weeks: Mapping[str, str] | None = None,
        today: date | None = None,
    ) -> None:
        """Replace every row; ``review_weeks`` maps case id to the chosen review interval."""
        self.beginResetModel()
        self._rows = list(rows)
        self._due = [review_due(row, review_weeks) for row in self._rows]
        if today is not None:
            self.today = today
        self._cache()
        self.endResetModel()

    def due_at(self, row: int) -> date | None:
        return self._due[row]

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    @property
    def hide_names(self) -> bool:
        return self._hide_names

    def set_hide_names(self, hide: bool) -> None:
        if hide == self._hide_names:
            return
        self._hide_names = hide
        self._cache()
        if self._rows:
            top = self.index(0, Column.NAME)
            bottom = self.index(len(self._rows) - 1, Column.NAME)
            emit(self.dataChanged, top, bottom)

    def name_of(self, row: CaseloadRow) -> str:
        if self._hide_names:
            return ""
        if row.preferred_name and row.preferred_name != row.name:
            return f"{row.name} ({row.preferred_name})"
        return row.name

    # -- QAbstractItemModel ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt default
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called tens of thousands of times when a big caseload is sorted and filtered, so
        # the text and sort values are worked out once per row in ``_cache``.
        number, column = index.row(), index.column()
        if not index.isValid() or not 0 <= number < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
            return self._texts[number][column]
        if role == SORT_ROLE:
            return self._keys[number][column]
        row = self._rows[number]
        if role == CASE_ID_ROLE:
            return row.case_id
        if role == Qt.ItemDataRole.DecorationRole and column == Column.RISK:
            return RISK_COLOURS.get(row.risk_level or "", _NEUTRAL)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.RISK:
            return f"Current risk: {risk_text(row.risk_level)}"
        return None

    def _cache(self) -> None:
        columns = list(Column)
        self._texts = [tuple(self._display(n, c) for c in columns) for n in range(len(self._rows))]
        self._keys = [tuple(self._sort_key(n, c) for c in columns) for n in range(len(self._rows))]

    def _display(self, number: int, column: Column) -> str:
        row = self._rows[number]
        if column is Column.REFERENCE:
            return row.reference
        if column is Column.NAME:
            return self.name_of(row)
        if column is Column.RISK:
            return risk_text(row.risk_level)
        if column is Column.LAST_CONTACT:
            return contact_text(row.last_contact)
        if column is Column.NEXT_REVIEW:
            return review_text(row, self._due[number], self.today)
        return humanise(row.status)

    def _sort_key(self, number: int, column: Column) -> Any:
        row = self._rows[number]
        if column is Column.RISK:
            return RISK_ORDER.get(row.risk_level or "", 0 if row.risk_level is None else 5)
        if column is Column.LAST_CONTACT:
            return row.last_contact.timestamp() if row.last_contact else 0.0
        if column is Column.NEXT_REVIEW:
            due = self._due[number]
            return due.toordinal() if due else (10**7 if row.status != "open" else 0)
        return self._display(number, column).casefold()
