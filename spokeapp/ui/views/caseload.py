"""The Caseload page: filter and sort the cases, search every note, and open a case.

The table filters on any visible text and on status; "Search notes" runs a full-text search
over everything written (inside the encrypted casebook, off the GUI thread) and lists the hits
with the words around each match. Enter on a case or a hit opens the case page.
"""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from spokeapp.i18n import translator
from spokeapp.present.caseload import nothing_shown
from spokeapp.present.labels import kind_label
from spokeapp.store.casebook import Casebook, SearchHit
from spokeapp.ui.models.caseload import CASE_ID_ROLE, SORT_ROLE, CaseloadModel, Column
from spokeapp.ui.models.rows import KEY_ROLE, PAYLOAD_ROLE, Row, RowsModel
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import heading, rows_table

tr = translator(__name__)

SEARCH_DELAY_MS: Final = 250
SHOW: Final = {
    "open": tr.noop("Open cases"),
    "review": tr.noop("Reviews due or overdue"),
    "closed": tr.noop("Closed cases"),
    "all": tr.noop("All cases"),
}


class CaseloadFilter(QSortFilterProxyModel):
    """Text filter over every column, plus which cases to show (open, closed, reviews due)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.show = "open"

    def set_show(self, show: str) -> None:
        self.beginFilterChange()
        self.show = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _chosen(self, model: CaseloadModel, row: int) -> bool:
        """The case is one of those Show asks for."""
        status = model.row_at(row).status
        if self.show == "open" and status != "open":
            return False
        if self.show == "closed" and status != "closed":
            return False
        return not (self.show == "review" and not model.needs_review(row))

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CaseloadModel)
        return self._chosen(model, row) and super().filterAcceptsRow(row, parent)

    def left_out(self) -> int:
        """How many cases the typed filter matches (all, with nothing typed) that Show leaves
        out."""
        model = self.sourceModel()
        assert isinstance(model, CaseloadModel)
        root = QModelIndex()
        return sum(
            1 for row in range(model.rowCount())
            if not self._chosen(model, row)
            and QSortFilterProxyModel.filterAcceptsRow(self, row, root)
        )


class CaseloadPage(QWidget):
    """Shows the worker's cases; ``open_case(case_id, record_id)`` when one is chosen."""

    open_case = Signal(str, str)

    def __init__(
        self,
        model: CaseloadModel,
        book: Casebook,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._tasks = tasks
        self._book = book
        self.proxy = CaseloadFilter(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(tr("Part of a reference, name, risk or status"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(tr("Filter the caseload"))
        filter_label = QLabel(tr("&Filter:"), self)
        filter_label.setBuddy(self.filter_edit)
        self.show_box = QComboBox(self)
        for value, text in SHOW.items():
            self.show_box.addItem(tr(text), value)
        self.show_box.setAccessibleName(tr("Which cases to show"))
        show_label = QLabel(tr("Sho&w:"), self)
        show_label.setBuddy(self.show_box)
        self.hide_names = QCheckBox(tr("&Hide names"), self)
        self.hide_names.setAccessibleName(tr("Hide names"))
        self.hide_names.setToolTip(
            tr("Show references only, for working where others can see your screen")
        )

        self.table = rows_table(self.proxy, tr("Caseload"), self, lines=None, sortable=True,
                                alternating=True, resize=QHeaderView.ResizeMode.Interactive)
        self.table.sortByColumn(Column.REFERENCE, Qt.SortOrder.AscendingOrder)
        # Measure 100 rows, not a whole big caseload.
        self.table.horizontalHeader().setResizeContentsPrecision(100)
        self.table.setToolTip(tr("Press Enter to open the selected case"))

        # With no case in the table: none yet, or none that the filter and Show let through
        # (said, with where the others are, rather than a blank table).
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName(tr("No cases shown"))

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(tr("Words from any note, e.g. library bus"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(tr("Search all notes"))
        search_label = QLabel(tr("Search &notes:"), self)
        search_label.setBuddy(self.search_edit)
        self.search_status = QLabel(self)
        self.search_status.setAccessibleName(tr("Search result"))
        self.hits_model = RowsModel(
            (tr("Reference"), tr("Record"), tr("Where the words were found")), self)
        self.hits = rows_table(self.hits_model, tr("Notes found"), self, lines=None)
        self.hits.hide()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_now)

        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter_edit, 2)
        top.addWidget(show_label)
        top.addWidget(self.show_box)
        top.addWidget(self.hide_names)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.search_status)

        cases = QWidget(self)
        cases_layout = QVBoxLayout(cases)
        cases_layout.setContentsMargins(0, 0, 0, 0)
        cases_layout.addLayout(top)
        cases_layout.addWidget(self.empty_label)  # beside what was typed and chosen
        cases_layout.addWidget(self.table, 1)
        search = QWidget(self)
        search_layout = QVBoxLayout(search)
        search_layout.setContentsMargins(0, 0, 0, 0)
        search_layout.addLayout(search_row)
        search_layout.addWidget(self.hits, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(cases)
        splitter.addWidget(search)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self._splitter = splitter

        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Caseload"), self))
        layout.addWidget(splitter, 1)

        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.show_box.currentIndexChanged.connect(
            lambda: self.proxy.set_show(self.show_box.currentData())
        )
        # After the filter has changed (connected after it): what the table shows now.
        self.filter_edit.textChanged.connect(self._update_empty)
        self.show_box.currentIndexChanged.connect(self._update_empty)
        for changed in (self.proxy.rowsInserted, self.proxy.rowsRemoved,
                        self.proxy.layoutChanged):
            changed.connect(self._update_empty)
        self.hide_names.toggled.connect(self._hide_names_toggled)
        self.table.activated.connect(self._case_activated)
        self.hits.activated.connect(self._hit_activated)
        self.search_edit.textChanged.connect(lambda: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.search_now)
        model.modelReset.connect(self._update_empty)
        model.modelReset.connect(self._fit_columns)
        for first, second in (
            (self.filter_edit, self.show_box),
            (self.show_box, self.hide_names),
            (self.hide_names, self.table),
            (self.table, self.search_edit),
            (self.search_edit, self.hits),
        ):
            QWidget.setTabOrder(first, second)
        self._update_empty()

    def _hide_names_toggled(self, hide: bool) -> None:
        self.model.set_hide_names(hide)
        self.table.setColumnHidden(Column.NAME, hide)

    def _update_empty(self, *_args: object) -> None:
        """Say why the table is empty, if it is: no cases yet, or none the filter and Show
        let through (and how many Show leaves out)."""
        if self.model.rowCount() == 0:
            words = tr("No cases yet. Cases arrive here when you accept a referral or your hub "
                       "assigns them to you.")
        elif self.proxy.rowCount() == 0:
            words = nothing_shown(self.filter_edit.text(), self.show_box.currentText(),
                                  left_out=self.proxy.left_out())
        else:
            words = ""
        self.empty_label.setText(words)
        self.empty_label.setAccessibleDescription(words)
        self.empty_label.setVisible(bool(words))

    def _fit_columns(self) -> None:
        # Measured on the visible rows only: fast for a thousand cases, wide enough to read.
        for column in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(column)

    def _case_activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id:
            emit(self.open_case, case_id, "")

    # ------------------------------------------------------------------ search
    def _make_room_for_hits(self) -> None:
        """Give the notes found two fifths of the page when they appear. The splitter shared
        its height out while they were hidden, so the search pane was one line high, and the
        results showed in a strip of two rows under a half-empty caseload. A split the worker
        drags while results are showing is kept until the search is cleared."""
        total = sum(self._splitter.sizes())
        if total > 0:
            self._splitter.setSizes([total - total * 2 // 5, total * 2 // 5])

    def search_now(self) -> None:
        self._search_timer.stop()
        text = self.search_edit.text().strip()
        book = self._book
        if not text or book is None or self._tasks is None:
            self.hits_model.set_rows([])
            if not self.hits.isHidden():
                self.hits.hide()
                # The cases take the space back (the search row keeps its own height).
                self._splitter.setSizes([sum(self._splitter.sizes()), 0])
            self.search_status.clear()
            return
        self.search_status.setText(tr("Searching…"))
        self._tasks.submit(
            lambda: (text, book.search_notes(text)), self._found, self._search_failed, owner=self
        )

    def _found(self, result: tuple[str, list[SearchHit]]) -> None:
        text, hits = result
        if text != self.search_edit.text().strip():
            return  # the worker typed more while this search ran
        references = {
            self.model.row_at(n).case_id: self.model.row_at(n).reference
            for n in range(self.model.rowCount())
        }
        rows = [
            Row(
                cells=(
                    references.get(hit.case_id or "") or tr("Not part of a case"),
                    kind_label(hit.kind),
                    " ".join(hit.snippet.split()),
                ),
                key=hit.record_id,
                payload=hit.case_id,
            )
            for hit in hits
        ]
        self.hits_model.set_rows(rows)
        if self.hits.isHidden():
            self.hits.setVisible(True)
            self._make_room_for_hits()
        count = len(rows)
        self.search_status.setText(
            tr("Nothing found") if not count
            else tr.plural(count, "{n} note found", "{n} notes found")
        )

    def _search_failed(self, error: BaseException) -> None:
        self.search_status.setText(tr("Search failed: {error}").format(error=error))

    def _hit_activated(self, index: QModelIndex) -> None:
        case_id = index.data(PAYLOAD_ROLE)
        if case_id and case_id in {
            self.model.row_at(n).case_id for n in range(self.model.rowCount())
        }:
            emit(self.open_case, case_id, index.data(KEY_ROLE))
