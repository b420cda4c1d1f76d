"""The Caseload page: a filter box, a "Hide names" switch and the table of cases."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spokeapp.ui.first_run import heading
from spokeapp.ui.models.caseload import SORT_ROLE, CaseloadModel, Column


class CaseloadPage(QWidget):
    """Shows the worker's cases; sorting by any column, filtering by any visible text."""

    def __init__(self, model: CaseloadModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Type part of a reference, name, risk or status")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter the caseload")
        filter_label = QLabel("&Filter:", self)
        filter_label.setBuddy(self.filter_edit)
        self.hide_names = QCheckBox("&Hide names", self)
        self.hide_names.setAccessibleName("Hide names")
        self.hide_names.setToolTip(
            "Show references only, for working where others can see your screen"
        )

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Caseload")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.REFERENCE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)

        self.empty_label = QLabel(
            "No cases yet. Cases arrive here when your hub assigns them to you.", self
        )
        self.empty_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter_edit, 1)
        top.addSpacing(12)
        top.addWidget(self.hide_names)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Caseload", self))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)

        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.hide_names.toggled.connect(self._hide_names_toggled)
        model.modelReset.connect(self._update_empty)
        QWidget.setTabOrder(self.filter_edit, self.hide_names)
        QWidget.setTabOrder(self.hide_names, self.table)
        self._update_empty()

    def _hide_names_toggled(self, hide: bool) -> None:
        self.model.set_hide_names(hide)
        self.table.setColumnHidden(Column.NAME, hide)

    def _update_empty(self) -> None:
        self.empty_label.setVisible(self.model.rowCount() == 0)
