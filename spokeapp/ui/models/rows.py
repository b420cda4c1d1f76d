"""A small read-only table model for lists the app shows: today's reminders, referrals, search
hits, a case's timeline. Each row carries its cells (as shown and as read aloud), a key (the
record or case it stands for), optional sort values and colour swatches, and any payload the
page needs when the row is activated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex

KEY_ROLE: Final = Qt.ItemDataRole.UserRole + 1
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 2
PAYLOAD_ROLE: Final = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    key: str = ""
    sort: tuple[Any, ...] = ()
    swatches: dict[int, QColor] = field(default_factory=dict)
    payload: Any = None
    tooltip: str = ""


class RowsModel(QAbstractTableModel):
    """Rows of text under fixed headers; ``set_rows`` replaces them all."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
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

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt default
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if not 0 <= column < len(self._headers):
            return None
        text = row.cells[column] if column < len(row.cells) else ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or text or None
        if role == KEY_ROLE:
            return row.key
        if role == SORT_ROLE:
            return row.sort[column] if column < len(row.sort) else text.casefold()
        if role == PAYLOAD_ROLE:
            return row.payload
        if role == Qt.ItemDataRole.DecorationRole:
            return row.swatches.get(column)
        return None
