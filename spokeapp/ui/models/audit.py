"""The audit table's model: the rows of ``spokeapp.present.audit`` with a warning icon beside
the action of a flagged row (which also says FLAGGED in words: never colour or icon alone)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QStyle

from spokeapp.present.audit import HEADERS, headers
from spokeapp.ui.models.rows import Row, RowsModel

__all__ = ["ACTION_COLUMN", "AuditModel"]

ACTION_COLUMN = HEADERS.index("Action")


class AuditModel(RowsModel):
    """Audit entries under ``present.audit.headers()`` (translated); a row's payload is True
    when flagged."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(headers(), parent)
        self._warning = QApplication.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning)

    def flagged(self, row: int) -> bool:
        return bool(self.row_at(row).payload)

    def decoration(self, row: int, column: int) -> Any:
        if column == ACTION_COLUMN and self.flagged(row):
            return self._warning
        return None

    def accessible_text(self, row: int, column: int) -> str:
        return self.text(row, column)


def audit_row(cells: tuple[str, ...], flagged: bool, key: str = "") -> Row:
    return Row(cells=cells, key=key, payload=flagged)
