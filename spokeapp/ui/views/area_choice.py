"""Picking a case's local authority area (``spokeapp.domain.areas``), on a form.

A combo box of the hub's areas as this laptop last got them (``spokeapp.store.areas``), with
"Not known" always offered. A postcode district typed beside it *suggests* an area: it is
preselected, its item says "suggested from EX1", and a note with a **Confirm area** button
asks the worker to check it. An area is never recorded unless the worker chose it (picked it
in the box, or pressed Confirm): :meth:`AreaChoice.problem` stops the save until then. With no
list yet (a laptop that never synced) only "Not known" is offered, and the note says why.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.areas import Area, postcode_district, suggest_area
from spokeapp.i18n import translator
from spokeapp.present.areas import (
    CHOOSE,
    NOT_KNOWN_DATA,
    POSTCODE_HINT,
    choose_text,
    list_hint,
    postcode_hint,
    stored_areas,
)
from spokeapp.ui.widgets import Hint, Message

__all__ = [
    "CHOOSE", "NOT_KNOWN_DATA", "POSTCODE_HINT", "AreaChoice", "AreaDialog", "district_box",
    "list_hint", "postcode_hint", "stored_areas",
]

tr = translator(__name__)

class AreaChoice:
    """The area box (``box``, for a FieldForm) and its suggestion note and Confirm button
    (``note_row``, placed under the box by :meth:`install`)."""

    def __init__(self, areas: list[Area] | None, parent: QWidget, *,
                 current: str | None = None, chosen: bool = False) -> None:
        self.areas = list(areas or [])
        self.box = QComboBox(parent)
        self.box.addItem(choose_text(), None)
        self.box.addItem(tr("Not known"), NOT_KNOWN_DATA)  # domain.areas.NOT_KNOWN, shown
        for area in self.areas:
            self.box.addItem(area.name, area.name)
        if current is not None and self.box.findData(current) < 0:
            self.box.addItem(tr("{area} (no longer on the hub's list)").format(area=current),
                             current)
        self.note_row = QWidget(parent)
        self.note = QLabel(self.note_row)
        self.note.setWordWrap(True)
        self.note.setAccessibleName(tr("Area suggestion"))
        self.confirm = QPushButton(tr("Confirm area"), self.note_row)
        self.confirm.setAccessibleName(tr("Confirm the suggested area"))
        row = QHBoxLayout(self.note_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.note, 1)
        row.addWidget(self.confirm)
        self.confirmed = chosen
        self._suggested: tuple[int, str] | None = None
        if current is not None or chosen:
            index = self.box.findData(NOT_KNOWN_DATA if current is None else current)
            self.box.setCurrentIndex(max(index, 0))
        self.box.currentIndexChanged.connect(self._changed)
        self.box.activated.connect(self._picked)
        self.confirm.clicked.connect(self._confirmed)
        self._show()

    def install(self, form: Any, name: str) -> None:
        """Put the note row under the box in its FieldForm row."""
        item = form.layout.itemAt(form.rows[name], form.layout.ItemRole.FieldRole)
        column = item.layout() if item is not None else None
        if isinstance(column, QVBoxLayout):
            column.insertWidget(1, self.note_row)

    def value(self) -> str | None:
        """The area chosen (None for Not known or nothing chosen)."""
        data = self.box.currentData()
        return data if isinstance(data, str) and data else None

    def problem(self) -> str | None:
        """Why the choice cannot be saved yet, as the end of "Local authority area ...", or
        None when the worker has chosen (an area or Not known)."""
        if self.box.currentData() is None:
            return tr("is not chosen: pick the area, or Not known")
        if not self.confirmed:
            return tr("is not confirmed: a suggestion counts only once you check it and press "
                      "Confirm area (or pick another)")
        return None

    def suggest_from(self, text: str) -> None:
        """Suggest the area of the postcode district in ``text`` (nothing if the worker has
        chosen already, or no area lists the district)."""
        self._clear_suggestion()
        if self.confirmed:
            self._show()
            return
        district = postcode_district(text)
        area = suggest_area(self.areas, text) if district else None
        if area is not None and district is not None:
            index = self.box.findData(area.name)
            self.box.setItemText(index, tr("{area} (suggested from {district})").format(
                area=area.name, district=district))
            self.box.setCurrentIndex(index)
            self._suggested = (index, area.name)
        elif self._was_suggested():
            self.box.setCurrentIndex(0)
        self._show(district=district, typed=bool(text.strip()))

    def _was_suggested(self) -> bool:
        # From what the box holds, never from its (translated) words. Called after
        # ``_clear_suggestion``, as the text test was, so it is False there today.
        return self._suggested is not None and self._suggested[0] == self.box.currentIndex()

    def _clear_suggestion(self) -> None:
        if self._suggested is not None:
            index, name = self._suggested
            self.box.setItemText(index, name)
            self._suggested = None

    def _changed(self, index: int) -> None:
        # Any change not made by the worker's own pick (which ``activated`` confirms right
        # after this) is not a choice: a restored draft, or a suggestion.
        if self._suggested is None or self._suggested[0] != index:
            self._clear_suggestion()
            self.confirmed = False
            self._show()

    def _picked(self, _index: int) -> None:
        self._clear_suggestion()
        self.confirmed = self.box.currentData() is not None
        self._show()

    def _confirmed(self) -> None:
        self._clear_suggestion()
        self.confirmed = True
        self._show()

    def _show(self, *, district: str | None = None, typed: bool = False) -> None:
        if self._suggested is not None:
            self.note.setText(tr(
                "<b>Suggested</b> from postcode district {district}: check it is right, then "
                "press Confirm area, or pick another."
            ).format(district=district))
            self.confirm.setVisible(True)
        elif not self.confirmed and self.box.currentData() is not None:
            self.note.setText(tr("<b>Not confirmed yet</b>: check the area, then press "
                                 "Confirm area, or pick another."))
            self.confirm.setVisible(True)
        elif typed and district is None and not self.confirmed:
            self.note.setText(tr("That is not a postcode district (e.g. EX1): pick the area."))
            self.confirm.setVisible(False)
        elif typed and not self.confirmed:
            self.note.setText(tr("No single area on the list covers {district}: pick the "
                                 "area.").format(district=district))
            self.confirm.setVisible(False)
        else:
            self.note.setText("")
            self.confirm.setVisible(False)
        self.note_row.setVisible(bool(self.note.text()))


def district_box(parent: QWidget) -> QLineEdit:
    """The postcode district box: a full postcode typed in is cut to its district."""
    edit = QLineEdit(parent)
    edit.setMaxLength(8)
    edit.setPlaceholderText(tr("e.g. EX1"))

    def cut() -> None:
        district = postcode_district(edit.text())
        if district is not None and district != edit.text():
            edit.setText(district)

    edit.editingFinished.connect(cut)
    return edit


class AreaDialog(QDialog):
    """Set (or correct) the local authority area of a case: the same box and suggestion as a
    new case. ``chosen()`` is the area after Save (None for Not known)."""

    def __init__(self, areas: list[Area] | None, current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Local authority area"))
        self.postcode_district = district_box(self)
        self.postcode_district.setAccessibleName(tr("Postcode district"))
        self.postcode_district.setToolTip(postcode_hint())
        # An area recorded before counts as chosen; an older case without one must choose.
        self.area = AreaChoice(areas, self, current=current, chosen=current is not None)
        self.area.box.setAccessibleName(tr("Local authority area"))
        self.area.box.setAccessibleDescription(list_hint(areas))
        self.error = Message(self, name=tr("Problem with the area"))
        form = QFormLayout()
        district_label = QLabel(tr("&Postcode district:"), self)
        district_label.setBuddy(self.postcode_district)
        area_label = QLabel(tr("Local a&uthority area:"), self)
        area_label.setBuddy(self.area.box)
        hint = Hint(postcode_hint(), self)
        listed = Hint(list_hint(areas), self)
        form.addRow(district_label, self.postcode_district)
        form.addRow("", hint)
        form.addRow(area_label, self.area.box)
        form.addRow("", self.area.note_row)
        form.addRow("", listed)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.postcode_district.textEdited.connect(self.area.suggest_from)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def accept(self) -> None:
        problem = self.area.problem()
        if problem is not None:
            self.error.show_error(tr("Local authority area {problem}.").format(problem=problem))
            self.area.box.setFocus()
            return
        super().accept()

    def chosen(self) -> str | None:
        return self.area.value()
