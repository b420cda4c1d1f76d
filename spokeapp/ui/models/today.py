"""Today's one list (:func:`spokeapp.present.today.today_items`) as a table model.

Calm by design: no colours. Only an item that is genuinely urgent (a raised alarm, a check-in
overdue, a visit nobody is watching) is set in bold with a warning icon, and says "Urgent" to a
screen reader, so the mark is never the icon alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from spokeapp.i18n import translator
from spokeapp.present.today import TodayItem
from spokeapp.ui.models.rows import Row, RowsModel

tr = translator(__name__)

__all__ = ["NEXT_COLUMN", "REFERENCE_COLUMN", "WHAT_COLUMN", "TodayModel"]

WHAT_COLUMN: Final = 0
REFERENCE_COLUMN: Final = 1
NEXT_COLUMN: Final = 2


class TodayModel(RowsModel):
    """One row per :class:`TodayItem`, in the order given (most urgent first); each row's
    payload is its item."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((tr("What needs doing"), tr("Case"), tr("What to do next")), parent)
        self._warning = QApplication.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning)

    def set_items(self, items: Sequence[TodayItem]) -> None:
        self.set_rows([
            Row(cells=(item.what, item.reference, item.next_step), key=item.key, payload=item)
            for item in items
        ])

    def item_at(self, row: int) -> TodayItem:
        item = self.row_at(row).payload
        assert isinstance(item, TodayItem)
        return item

    @property
    def items(self) -> list[TodayItem]:
        return [self.item_at(n) for n in range(self.row_count())]

    def accessible_text(self, row: int, column: int) -> str:
        text = str(self.text(row, column))
        if column == WHAT_COLUMN and self.item_at(row).urgent:
            return tr("Urgent: {what}").format(what=text)
        return text

    def decoration(self, row: int, column: int) -> Any:
        if column == WHAT_COLUMN and self.item_at(row).urgent:
            return self._warning
        return None

    def styled(self, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and self.item_at(row).urgent:
            font = QFont()
            font.setBold(True)
            return font
        return None
