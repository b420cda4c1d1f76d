"""The supervisor's lone-working board as a Qt table: the glue between
:mod:`spokeapp.present.board` (every visit of the team, its state now, its words, its order,
its story: all without Qt) and the views.

:class:`BoardModel` shows the board's entries and recomputes them from the clock without
reading the casebook again; :func:`debrief_rows` gives the "Welfare debriefs to do" list as
:class:`~spokeapp.ui.models.rows.Row` s. The presenter's names are re-exported here for the
pages that import them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from spokeapp.domain.lone_working import EscalationPolicy, VisitState
from spokeapp.i18n import translator
from spokeapp.present.board import (
    ALERTS,
    CASE,
    DEBRIEF_HEADERS,
    END,
    HEADERS,
    MOBILE,
    NEXT,
    STATE,
    VISIT_STATES,
    WHERE,
    WORKER,
    BoardData,
    BoardEntry,
    BoardVisit,
    Counts,
    Debrief,
    board_entries,
    case_words,
    cells,
    count,
    debrief_words,
    headers,
    load_board,
    plan_details,
    state_explained,
    timeline,
    urgency,
    when_words,
)
from spokeapp.present.board import debrief_rows as debrief_lines
from spokeapp.ui.models.rows import Row
from spokeapp.ui.models.table import TableModel
from spokeapp.ui.signals import emit

__all__ = [
    "ALERTS",
    "CASE",
    "DEBRIEF_HEADERS",
    "END",
    "HEADERS",
    "MOBILE",
    "NEXT",
    "STATE",
    "VISIT_STATES",
    "WHERE",
    "WORKER",
    "BoardData",
    "BoardEntry",
    "BoardModel",
    "BoardVisit",
    "Counts",
    "Debrief",
    "case_words",
    "debrief_rows",
    "debrief_words",
    "load_board",
    "plan_details",
    "timeline",
    "when_words",
]

tr = translator(__name__)

#: States whose whole row is in bold.
_BOLD_STATES: Final = frozenset(
    {VisitState.ALARM, VisitState.ESCALATING, VisitState.OVERDUE, VisitState.NOT_ARMED}
)


def debrief_rows(
    debriefs: Iterable[Debrief],
    now: datetime,
    *,
    me: str = "",
    names: Mapping[str, str] | None = None,
) -> list[Row]:
    """The "Welfare debriefs to do" list as rows (:func:`spokeapp.present.board.debrief_rows`)."""
    return [
        Row(cells=line.cells, key=line.key, tooltip=line.tooltip)
        for line in debrief_lines(debriefs, now, me=me, names=names)
    ]


class BoardModel(TableModel):
    """The board's table: one row per visit, most urgent first.

    ``set_visits`` gives it what was read from the casebook; ``recompute(now)`` re-evaluates
    every state from the clock. When the same visits stay in the same order only
    ``dataChanged`` is emitted, so the selection and scroll position stay put.
    """

    def __init__(
        self,
        policy: EscalationPolicy | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(headers(), parent)  # translated
        self.policy = policy or EscalationPolicy()
        self._visits: list[BoardVisit] = []
        self._entries: list[BoardEntry] = []
        self._cells: list[tuple[str, ...]] = []
        self.me = ""
        self.names: dict[str, str] = {}
        self._now: datetime | None = None

    # ------------------------------------------------------------------ feeding
    def set_visits(
        self,
        visits: Sequence[BoardVisit],
        now: datetime,
        *,
        me: str = "",
        names: Mapping[str, str] | None = None,
    ) -> None:
        self._visits = list(visits)
        self.me = me
        self.names = dict(names or {})
        self.recompute(now)

    def set_names(self, names: Mapping[str, str], now: datetime) -> None:
        self.names = dict(names)
        self.recompute(now)

    def recompute(self, now: datetime) -> None:
        self._now = now
        entries = board_entries(self._visits, now, self.policy, names=self.names, me=self.me)
        new_cells = [cells(e) for e in entries]
        same_rows = [e.visit_id for e in entries] == [e.visit_id for e in self._entries]
        if same_rows:
            self._entries = entries
            changed = new_cells != self._cells
            self._cells = new_cells
            if changed and entries:
                emit(
                    self.dataChanged,
                    self.index(0, 0), self.index(len(entries) - 1, len(HEADERS) - 1)
                )
            return
        self.beginResetModel()
        self._entries = entries
        self._cells = new_cells
        self.endResetModel()

    # ------------------------------------------------------------------ reading
    @property
    def entries(self) -> list[BoardEntry]:
        return list(self._entries)

    def entry(self, row: int) -> BoardEntry:
        return self._entries[row]

    def row_of(self, visit_id: str) -> int | None:
        for row, entry in enumerate(self._entries):
            if entry.visit_id == visit_id:
                return row
        return None

    def visit(self, visit_id: str) -> BoardVisit | None:
        for visit in self._visits:
            if visit.plan.id == visit_id:
                return visit
        return None

    def counts(self) -> Counts:
        return count(self._entries)

    # ------------------------------------------------------------------ TableModel hooks
    def row_count(self) -> int:
        return len(self._entries)

    def text(self, row: int, column: int) -> str:
        return self._cells[row][column]

    def accessible_text(self, row: int, column: int) -> str:
        text = self._cells[row][column]
        if text:
            return tr("{heading}: {value}").format(heading=self.headers[column], value=text)
        return tr("{heading}: none").format(heading=self.headers[column])

    def tooltip(self, row: int, column: int) -> str | None:
        if column == STATE:
            return state_explained(self._entries[row].state)
        return self._cells[row][column] or None

    def key(self, row: int) -> str:
        return self._entries[row].visit_id

    def sort_value(self, row: int, column: int) -> Any:
        if column == STATE:
            return urgency(self._entries[row])[0]
        return self._cells[row][column].casefold()

    def decoration(self, row: int, column: int) -> Any:
        # A swatch too, so the colour still shows on the selected (highlighted) row.
        colours = VISIT_STATES[self._entries[row].state].colours if column == STATE else None
        return None if colours is None else QColor(colours[0])

    def styled(self, row: int, column: int, role: int) -> Any:
        state = self._entries[row].state
        if role == Qt.ItemDataRole.FontRole:
            if state not in _BOLD_STATES:
                return None
            font = QFont()
            font.setBold(True)
            return font
        if column != STATE:
            return None
        colours = VISIT_STATES[state].colours
        if colours is None:
            return None
        return QColor(colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1])
