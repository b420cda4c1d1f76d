"""The way out for records the hub would not take ("Held back" on the Sync page): each held
record in words (what it is, its case, when, why) with what the worker can do.

* **Split into an amendment** - a finalised note too large for the hub (finalised by a
  version of Spoke before the size rule): its longest text is cut to what the hub takes, the
  rest goes into amendments of it, and all of it is sent at the next sync
  (:func:`spokeapp.present.held.split_held`; docs/sync.md, "Refusals").
* **Send again** - anything else (a header or record the hub found a problem with, which the
  worker has since corrected in its own form, or a case that is hers again): it is tried again
  at the next sync and held again, with the hub's reason, if still refused.

Reads and writes run through the runner; ``changed`` is emitted after each action so the Sync
page's counts refresh.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.present.held import (
    SPLIT,
    HeldLine,
    Split,
    held_lines,
    split_held,
    split_words,
)
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.ui.models.rows import Row, RowsModel
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, paragraph, rows_table

tr = translator(__name__)

_INTRO = tr.noop(
    "These records are kept safe on this laptop, but the hub would not take them, so they "
    "have not been sent. Choose one to see what you can do."
)


class HeldRecordsView(QDialog):
    """The held-back records and their way out. ``changed`` after a record was split or
    released (the window refreshes the sync status)."""

    changed = Signal()

    def __init__(self, book: Casebook, store: SyncStore, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._book, self._store, self._tasks = book, store, tasks
        self.lines: list[HeldLine] = []
        self.setWindowTitle(tr("Held back"))
        self.setAccessibleName(tr("Records held back"))
        self.model = RowsModel((tr("What"), tr("Case"), tr("When"), tr("Why it was held back")),
                               self)
        self.table = rows_table(self.model, tr("Records held back"), self, lines=4, wrap=True)
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.message = Message(self, name=tr("What happened"))
        self.split_button = QPushButton(tr("S&plit into an amendment"), self)
        self.split_button.setAccessibleName(tr("Split into an amendment"))
        self.split_button.setAccessibleDescription(
            tr("Sends the first part as the note and the rest as amendments of it")
        )
        self.split_button.clicked.connect(self._split)
        self.again_button = QPushButton(tr("Send a&gain"), self)
        self.again_button.setAccessibleName(tr("Send again"))
        self.again_button.setAccessibleDescription(
            tr("Tries this record again at the next sync, once you have corrected it")
        )
        self.again_button.clicked.connect(self._send_again)
        self.close_button = QPushButton(tr("&Close"), self)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.split_button)
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self.help = paragraph("", self)
        self.help.setAccessibleName(tr("What you can do"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Held back"), self))
        layout.addWidget(paragraph(tr(_INTRO), self))
        layout.addWidget(self.table, 1)  # the table gives way, never the words under it
        # Room for the advice when a record is chosen (a wrapped label set later is not
        # given more height by the layout: it was drawn clipped under the table).
        self.help.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        layout.addWidget(self.help)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 110,
                    self.fontMetrics().lineSpacing() * 24)
        self._chosen()
        self.reload()

    # ------------------------------------------------------------------ reading
    def reload(self, after: Callable[[], None] | None = None) -> None:
        book, store = self._book, self._store

        def done(lines: list[HeldLine]) -> None:
            self.show_lines(lines)
            if after is not None:
                after()

        self._tasks.submit(lambda: held_lines(book, store), done, owner=self)

    def show_lines(self, lines: list[HeldLine]) -> None:
        self.lines = lines
        self.model.set_rows([
            Row(cells=(line.what, line.case, line.when, line.why), key=line.record_id)
            for line in lines
        ])
        self.table.resizeRowsToContents()
        if lines:
            self.table.selectRow(0)
        else:
            self.help.setText(tr("Nothing is held back: everything can go to the hub."))
        self._chosen()

    def _current(self) -> HeldLine | None:
        rows = self.table.selectionModel().selectedRows()
        index = int(rows[0].row()) if rows else len(self.lines)
        return self.lines[index] if index < len(self.lines) else None

    def _chosen(self, *_args: object) -> None:
        line = self._current()
        self.split_button.setEnabled(line is not None and line.action == SPLIT)
        self.again_button.setEnabled(line is not None and line.action != SPLIT)
        if line is None:
            return
        if line.action == SPLIT:
            self.help.setText(tr(
                "This note is too long to send to the hub in one record. Split it: the "
                "first part goes as the note itself and the rest as amendments of it, "
                "word for word."
            ))
        else:
            self.help.setText(tr(
                "Correct the record in its own form if the hub found a problem with it (or "
                "ask your supervisor if the case is no longer yours), then send it again."
            ))

    # ------------------------------------------------------------------ actions
    def _split(self) -> None:
        line = self._current()
        if line is None:
            return
        book, store, record_id = self._book, self._store, line.record_id

        def done(split: Split) -> None:
            self.reload(lambda: self.message.show_info(split_words(split)))
            emit(self.changed)

        self._tasks.write(lambda: split_held(book, store, record_id), done, self._failed,
                          owner=self, busy=(self.split_button, self.again_button))

    def _send_again(self) -> None:
        line = self._current()
        if line is None:
            return
        store, record_id = self._store, line.record_id

        def done(_count: int) -> None:
            self.reload(lambda: self.message.show_info(tr(
                "It will be sent again at the next sync. If the hub still refuses it, it "
                "comes back here with the reason."
            )))
            emit(self.changed)

        self._tasks.write(lambda: store.release_held(record_id), done, self._failed,
                          owner=self, busy=(self.split_button, self.again_button))

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, SpokeError):
            self.message.show_error(tr("Nothing was changed: {error}").format(error=error))
            return
        raise error
