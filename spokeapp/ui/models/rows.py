"""A small read-only table model for lists the app shows: today's reminders, referrals, search
hits, a case's timeline. Each row carries its cells (as shown and as read aloud), a key (the
record or case it stands for), optional sort values and colour swatches, and any payload the
page needs when the row is activated. Built on ``spokeapp.ui.models.table.TableModel``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from spokeapp.ui.models.table import KEY_ROLE, PAYLOAD_ROLE, SORT_ROLE, Index, TableModel

__all__ = ["KEY_ROLE", "PAYLOAD_ROLE", "SORT_ROLE", "Index", "Row", "RowsModel"]


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    key: str = ""
    sort: tuple[Any, ...] = ()
    swatches: dict[int, QColor] = field(default_factory=dict)
    payload: Any = None
    tooltip: str = ""


class RowsModel(TableModel):
    """Rows of text under fixed headers; ``set_rows`` replaces them all."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(headers, parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    # -- TableModel hooks ----------------------------------------------------------------------
    def row_count(self) -> int:
        return len(self._rows)

    def text(self, row: int, column: int) -> str:
        cells = self._rows[row].cells
        return cells[column] if column < len(cells) else ""

    def tooltip(self, row: int, column: int) -> str | None:
        return self._rows[row].tooltip or self.text(row, column) or None

    def key(self, row: int) -> str:
        return self._rows[row].key

    def sort_value(self, row: int, column: int) -> Any:
        sort = self._rows[row].sort
        return sort[column] if column < len(sort) else self.text(row, column).casefold()

    def payload(self, row: int) -> Any:
        return self._rows[row].payload

    def decoration(self, row: int, column: int) -> Any:
        return self._rows[row].swatches.get(column)
