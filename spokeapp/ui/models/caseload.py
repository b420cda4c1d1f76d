"""The caseload table: one row per case, for a ``QTableView`` behind a sort/filter proxy.
Its columns and the words in them are :mod:`spokeapp.present.caseload`'s (re-exported here).

Risk is shown as a word *and* a colour swatch (never colour alone). "Hide names" (for working
in a cafe or on a train) blanks the Name column in the model itself, so names cannot leak
through tooltips, the filter, copy or a screen reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from spokeapp.domain.reviews import ReviewStatus, review_status
from spokeapp.i18n import translator
from spokeapp.present.caseload import (
    HEADERS,
    NO_CONTACT,
    NOT_ASSESSED,
    RISK_ORDER,
    Column,
    contact_text,
    headers,
    review_due,
    review_text,
    risk_text,
    status_text,
)
from spokeapp.present.contrast import NEUTRAL_SWATCH, RISK_SWATCHES
from spokeapp.store.casebook import CaseloadRow
from spokeapp.ui.models.table import KEY_ROLE, SORT_ROLE, TableModel
from spokeapp.ui.signals import emit

tr = translator(__name__)

__all__ = [
    "CASE_ID_ROLE", "HEADERS", "NOT_ASSESSED", "NO_CONTACT", "RISK_COLOURS", "RISK_ORDER",
    "SORT_ROLE", "CaseloadModel", "Column", "contact_text", "review_due", "review_text",
    "risk_text",
]

#: The case id of the row (any column): the shared ``KEY_ROLE``.
CASE_ID_ROLE: Final = KEY_ROLE

#: Swatch colours for the usual band names; any other band gets a neutral grey swatch
#: (spokeapp.present.contrast: each passes WCAG AA on light and dark).
RISK_COLOURS: Final = {band: QColor(colour) for band, colour in RISK_SWATCHES.items()}
_NEUTRAL: Final = QColor(NEUTRAL_SWATCH)


class CaseloadModel(TableModel):
    """The worker's cases as a table model (read-only)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(headers(), parent)
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

    def needs_review(self, row: int) -> bool:
        """An open case never assessed, or whose risk review is overdue or due soon."""
        case = self._rows[row]
        if case.status != "open":
            return False
        due = self._due[row]
        return due is None or review_status(due, self.today) is not ReviewStatus.NOT_DUE

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

    # -- TableModel hooks ----------------------------------------------------------------------
    # ``data`` is called tens of thousands of times when a big caseload is sorted and
    # filtered, so the text and sort values are worked out once per row in ``_cache``.
    def row_count(self) -> int:
        return len(self._rows)

    def text(self, row: int, column: int) -> str:
        return self._texts[row][column]

    def sort_value(self, row: int, column: int) -> Any:
        return self._keys[row][column]

    def key(self, row: int) -> str:
        return self._rows[row].case_id

    def decoration(self, row: int, column: int) -> Any:
        if column == Column.RISK:
            return RISK_COLOURS.get(self._rows[row].risk_level or "", _NEUTRAL)
        return None

    def tooltip(self, row: int, column: int) -> str | None:
        if column == Column.RISK:
            return tr("Current risk: {risk}").format(risk=risk_text(self._rows[row].risk_level))
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
        return status_text(row.status)

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
