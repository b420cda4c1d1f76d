"""The sync conflict queue (Sync page): each open conflict with both values, who wrote them and
when, and a way to settle it.

A conflict is opened by the hub when the same field of a header (young person, referral, case)
was changed on two sides from the same version; the hub kept its value. Settling it is a
person's decision:

* **Keep the hub's value**: the conflict is marked resolved;
* **Use the laptop's value**: the header is edited to that value (an ordinary edit, merged by
  the hub) and the conflict marked resolved. Where a record rule ties the field to others
  (a closed case needs its closed date; a declined referral its reason and date), taking the
  laptop's value alone would break the rule, so the queue offers the laptop's values of the
  tied fields together instead, e.g. "Use the laptop's closure (status and closed on
  together)"; every open conflict about those fields of the record is settled with it.

"On the hub ... by" names who wrote the value the hub kept (not who first wrote the record).

Either way the resolution is queued like any change and reaches the hub and every laptop that
can see the case at their next sync.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.conflicts import LaptopChoice, laptop_choice
from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.present.conflicts import time_words, value_words
from spokeapp.present.labels import humanise
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import ConflictRecord
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.models.rows import Row, RowsModel
from spokeapp.ui.signals import emit
from spokeapp.ui.widgets import Message, rows_table

tr = translator(__name__)


class ConflictQueue(QWidget):
    """Open conflicts on this laptop. ``resolved(record_id)`` after each settlement (the
    header it concerns), so the window can refresh and sync."""

    resolved = Signal(str)

    def __init__(
        self, book: Casebook, engine: SyncEngine, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        #: The casebook, like every page's; the engine (the same casebook's) keeps the
        #: conflicts and settles them.
        self._book = book
        self._engine = engine
        self.conflicts: list[ConflictRecord] = []
        self.model = RowsModel(
            (tr("Record"), tr("Field"), tr("On the hub"), tr("From a laptop")), self
        )
        self.table = rows_table(self.model, tr("Open conflicts"), self, lines=None, wrap=True)
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName(tr("The selected conflict"))
        self.detail.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        self.keep_button = QPushButton(tr("Keep the &hub's value"), self)
        self.keep_button.setAccessibleName(tr("Keep the hub's value"))
        self.use_button = QPushButton(tr("Use the &laptop's value"), self)
        self.use_button.setAccessibleName(tr("Use the laptop's value"))
        #: Shown instead of ``use_button`` when a rule ties the field to others.
        self.together_button = QPushButton(self)
        self.together_button.setAccessibleName(tr("Use the laptop's values together"))
        self.together_button.hide()
        self._choice: LaptopChoice | None = None
        self.message = Message(self, name=tr("Conflict message"))
        self.empty = QLabel(tr("No conflicts to resolve."), self)
        self.empty.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.together_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._show_selected)
        self.keep_button.clicked.connect(self.keep_hub_value)
        self.use_button.clicked.connect(self.use_laptop_value)
        self.together_button.clicked.connect(self.use_laptop_value)
        self.show_conflicts([])

    def refresh(self) -> None:
        """Read the open conflicts from the casebook (a small query)."""
        if not self._book.is_open:
            return
        self.show_conflicts(self._engine.store.conflicts())

    def show_conflicts(self, conflicts: list[ConflictRecord]) -> None:
        self.conflicts = list(conflicts)
        rows = []
        for conflict in self.conflicts:
            body = conflict.body
            rows.append(Row(
                cells=(
                    humanise(str(body.get("record_kind", ""))),
                    humanise(str(body.get("field", ""))),
                    tr("{value} (by {author})").format(
                        value=value_words(body.get("hub_value")),
                        author=body.get("hub_author", "?")),
                    tr("{value} (by {author}, {time})").format(
                        value=value_words(body.get("device_value")),
                        author=body.get("device_author", "?"),
                        time=time_words(body.get("device_local_time"))),
                ),
                key=conflict.record_id,
            ))
        self.model.set_rows(rows)
        has = bool(rows)
        self.table.setVisible(has)
        self.detail.setVisible(has)
        self.empty.setVisible(not has)
        if has:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._show_selected()

    def selected(self) -> ConflictRecord | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.conflicts):
            return None
        return self.conflicts[index.row()]

    def _laptop_choice(self, conflict: ConflictRecord) -> LaptopChoice | None:
        body = conflict.body
        try:
            current = self._book.get(str(body.get("record_id", ""))).record
        except SpokeError:
            return None
        return laptop_choice(current.KIND, current.to_dict(), body)

    def _show_selected(self, *_args: object) -> None:
        conflict = self.selected()
        self._choice = None if conflict is None else self._laptop_choice(conflict)
        choice = self._choice
        together = choice is not None and choice.together
        self.keep_button.setEnabled(conflict is not None)
        self.use_button.setEnabled(choice is not None)
        self.use_button.setVisible(not together)
        self.together_button.setVisible(together)
        self.together_button.setEnabled(together)
        if choice is not None and together:
            kind = str(conflict.body.get("record_kind", "")) if conflict else ""
            words = choice.words(kind, humanise)
            self.together_button.setText(words.replace("Use the laptop", "Use the &laptop", 1))
            self.together_button.setAccessibleName(words)
        if conflict is None:
            self.detail.clear()
            return
        body = conflict.body
        field = html.escape(humanise(str(body.get("field", ""))))
        self.detail.setHtml(
            tr("<p><b>{field}</b> of this {kind} was changed in two places from the same "
               "version. The hub kept its value until someone decides.</p>").format(
                field=field, kind=html.escape(humanise(str(body.get("record_kind")))))
            + tr("<p><b>On the hub:</b> {value}, written by {author} (the clash was found "
                 "{time})</p>").format(
                value=html.escape(value_words(body.get("hub_value"))),
                author=html.escape(str(body.get("hub_author", "?"))),
                time=html.escape(time_words(body.get("opened_at"))))
            + tr("<p><b>From a laptop:</b> {value}, written by {author} on {time}</p>").format(
                value=html.escape(value_words(body.get("device_value"))),
                author=html.escape(str(body.get("device_author", "?"))),
                time=html.escape(time_words(body.get("device_local_time"))))
        )

    def keep_hub_value(self) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        self._settle(conflict, use_laptop=False)

    def use_laptop_value(self) -> None:
        """The laptop's value; with the fields a rule ties to it, if the rule needs them."""
        conflict = self.selected()
        if conflict is None or self._choice is None:
            return
        self._settle(conflict, use_laptop=True)

    def _settle(self, conflict: ConflictRecord, *, use_laptop: bool) -> None:
        body = conflict.body
        record_id = str(body.get("record_id", ""))
        fields = None
        if use_laptop and self._choice is not None:
            fields = self._choice.fields
        try:
            self._engine.settle_conflict(conflict.record_id, take_laptop=use_laptop,
                                         fields=fields)
        except SpokeError as exc:
            self.message.show_error(
                tr("This conflict could not be settled: {error}").format(error=exc))
            return
        self.message.show_info(
            tr("Resolved. Everyone sees the decision after their next sync."))
        self.refresh()
        emit(self.resolved, record_id)
