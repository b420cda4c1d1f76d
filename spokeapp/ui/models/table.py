"""The one read-only table model base every list in the app is built on.

``TableModel`` answers Qt (row and column counts, headers, flags, ``data`` by role) from a few
plain hooks a subclass fills in: ``row_count`` and ``text`` (required), and optionally
``accessible_text``, ``tooltip``, ``key``, ``sort_value``, ``payload``, ``decoration`` and
``styled`` (background, foreground, font). The roles are shared, so a proxy sorts on
``SORT_ROLE`` and a view finds the record or case behind a row with ``KEY_ROLE`` whichever
model it shows.

Sorting is by meaning, not by text: ``sort_value`` gives each cell a value a
``QSortFilterProxyModel`` with ``setSortRole(SORT_ROLE)`` compares (the cell's text,
case-folded, unless the subclass says otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex

#: The record, case or visit id a row stands for (any column).
KEY_ROLE: Final = Qt.ItemDataRole.UserRole + 1
#: The value a sort proxy compares, so dates and levels sort by meaning rather than by text.
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 2
#: Whatever the page needs when the row is activated.
PAYLOAD_ROLE: Final = Qt.ItemDataRole.UserRole + 3

_DISPLAY: Final = Qt.ItemDataRole.DisplayRole
_ACCESSIBLE: Final = Qt.ItemDataRole.AccessibleTextRole
_TOOLTIP: Final = Qt.ItemDataRole.ToolTipRole
_DECORATION: Final = Qt.ItemDataRole.DecorationRole
_STYLE_ROLES: Final = frozenset(
    {Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole}
)


class TableModel(QAbstractTableModel):
    """Rows of text under fixed headers, read-only; subclasses give the rows."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = tuple(headers)

    @property
    def headers(self) -> tuple[str, ...]:
        return self._headers

    # -- hooks ---------------------------------------------------------------------------------
    def row_count(self) -> int:
        raise NotImplementedError

    def text(self, row: int, column: int) -> str:
        """The cell as shown."""
        raise NotImplementedError

    def accessible_text(self, row: int, column: int) -> str:
        """The cell as a screen reader reads it (the shown text unless overridden)."""
        return self.text(row, column)

    def tooltip(self, row: int, column: int) -> str | None:
        return None

    def key(self, row: int) -> str:
        return ""

    def sort_value(self, row: int, column: int) -> Any:
        return self.text(row, column).casefold()

    def payload(self, row: int) -> Any:
        return None

    def decoration(self, row: int, column: int) -> Any:
        """A colour swatch (or icon) beside the text; None for none."""
        return None

    def styled(self, row: int, column: int, role: int) -> Any:
        """Background, foreground or font for the cell; None for the view's own."""
        return None

    # -- QAbstractItemModel --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt default
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt default
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == _DISPLAY
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called tens of thousands of times when a big table is sorted and filtered: the
        # common roles come first and subclasses keep ``text`` cheap (cached per row).
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < self.row_count() and 0 <= column < len(self._headers)):
            return None
        if role == _DISPLAY:
            return self.text(row, column)
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == _ACCESSIBLE:
            return self.accessible_text(row, column)
        if role == KEY_ROLE:
            return self.key(row)
        if role == _TOOLTIP:
            return self.tooltip(row, column)
        if role == PAYLOAD_ROLE:
            return self.payload(row)
        if role == _DECORATION:
            return self.decoration(row, column)
        if role in _STYLE_ROLES:
            return self.styled(row, column, role)
        return None
