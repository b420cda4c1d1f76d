"""Today: one calm list of what needs doing, most urgent first (issue 17).

The list (:func:`spokeapp.present.today.today_items` decides what is on it and in which
order): the worker's own safety first (an alarm, a check-in overdue, a visit nobody is
watching, then the visit under way), records held back by the hub or changed in two places,
drafts not finalised, risk reviews, and records waiting to sync. Each item says what to do
next; Enter on it goes there. When nothing needs doing the page says so, and what to do next.

Below the list, quietly, where things stand (the visit under way and whether the hub is
watching it, in words; what waits to sync) and supervisor comments not yet read.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.i18n import translator
from spokeapp.present.today import (
    Action,
    SyncFacts,
    TodayItem,
    Urgency,
    draft_words,
    nothing_words,
    ordered,
    review_items,
    saved_words,
    sync_facts,
    sync_items,
    today_items,
    today_of,
)
from spokeapp.store.casebook import Casebook, CaseloadRow, StoredRecord
from spokeapp.ui.models.rows import KEY_ROLE, PAYLOAD_ROLE, Row, RowsModel
from spokeapp.ui.models.today import NEXT_COLUMN, REFERENCE_COLUMN, WHAT_COLUMN, TodayModel
from spokeapp.ui.models.visits import VisitView, today_words
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.review import SupervisorComments
from spokeapp.ui.widgets import heading, rows_table

tr = translator(__name__)

QUIET_DAYS: Final = 28
#: The summary names at most this many cases without recent contact and counts the others (a
#: thousand references pushed the list itself off the page).
QUIET_NAMED: Final = 10
#: Up to this many items the list's rows are all fitted to their text at once; a longer list
#: fits the rows that come into view (and the reference column measures this many rows).
MEASURED_ROWS: Final = 60


class TodayPage(QWidget):
    """``open_case(case_id)`` and ``open_draft(record_id)`` when the worker picks an item;
    ``open_visits``, ``open_sync`` and ``open_held`` for a visit, the Sync page and the records
    the hub held back (the first two also press the page's Visits and Connect buttons)."""

    open_case = Signal(str)
    open_draft = Signal(str)
    open_visits = Signal()
    open_sync = Signal()
    open_held = Signal()

    def __init__(
        self, book: Casebook, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.summary = QLabel(tr("Loading your caseload…"), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("Summary of your caseload"))
        self.record_button = QPushButton(tr("Record &a session"), self)
        self.record_button.setAccessibleName(tr("Record a session"))
        self.caseload_button = QPushButton(tr("See your &caseload"), self)
        self.caseload_button.setAccessibleName(tr("See your caseload"))
        self.referral_button = QPushButton(tr("New re&ferral"), self)
        self.referral_button.setAccessibleName(tr("New referral"))
        self.visits_button = QPushButton(tr("Visi&ts: plan a visit or check in"), self)
        self.visits_button.setAccessibleName(tr("Go to Visits"))

        # The one list.
        list_name = tr("What needs doing, most urgent first")
        self.list_heading = QLabel(list_name, self)
        font = self.list_heading.font()
        font.setBold(True)
        self.list_heading.setFont(font)
        self.model = TodayModel(self)
        self.list = rows_table(self.model, list_name, self, lines=4, wrap=True,
                               resize=QHeaderView.ResizeMode.Stretch)
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(REFERENCE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(MEASURED_ROWS)
        self._fitted_rows: set[int] = set()
        self._long_list = False
        self.list.verticalScrollBar().valueChanged.connect(self._fit_shown_rows)
        self.list.setToolTip(tr("Press Enter to go to the selected item"))
        self.list.setShowGrid(False)
        self.list.setAlternatingRowColors(True)
        self.list_heading.setBuddy(self.list)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName(tr("Nothing needs doing"))
        #: Compatibility: the same list under its old names (Enter on any row works).
        self.reviews = self.list
        self.drafts = self.list
        #: Risk reviews and drafts alone, as the page listed them before it had one list
        #: (for code that asks only about those).
        self.reviews_model = RowsModel((tr("Reference"), tr("Risk review"), tr("Current risk")),
                                       self)
        self.drafts_model = RowsModel((tr("Reference"), tr("Draft"), tr("Last saved")), self)

        # Where things stand, quietly.
        standing = QGroupBox(tr("Where things stand"), self)
        standing.setAccessibleName(tr("Where things stand"))
        self.visits_label = QLabel(standing)
        self.visits_label.setWordWrap(True)
        self.visits_label.setAccessibleName(tr("Your visits"))
        self.sync_label = QLabel(standing)
        self.sync_label.setWordWrap(True)
        self.sync_label.setAccessibleName(tr("Records waiting to sync"))
        # Shown while this laptop is not enrolled: where to connect it (issue 17).
        self.connect_button = QPushButton(tr("Connect to your &hub"), standing)
        self.connect_button.setAccessibleName(tr("Connect to your hub on the Sync page"))
        self.connect_button.hide()
        sync_row = QVBoxLayout()
        sync_row.setContentsMargins(0, 0, 0, 0)
        sync_row.addWidget(self.sync_label)
        sync_row.addWidget(self.connect_button, 0, Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout(standing)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(tr("Your visits:"), self.visits_label)
        form.addRow(tr("Sync:"), sync_row)

        comments = QGroupBox(tr("Supervisor comments not yet read"), self)
        comments.setAccessibleName(tr("Supervisor comments"))
        # Filled by ``supervisor_comments.load(today)`` (spokeapp.ui.views.review).
        self.supervisor_comments = SupervisorComments(book, tasks, comments)
        QVBoxLayout(comments).addWidget(self.supervisor_comments)

        buttons = QHBoxLayout()
        for button in (self.record_button, self.caseload_button, self.referral_button,
                       self.visits_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Today"), self))
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addSpacing(self.fontMetrics().lineSpacing() // 2)
        layout.addWidget(self.list_heading)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.empty)
        layout.addWidget(standing)
        layout.addWidget(comments)
        layout.addStretch(1)  # the room a short list leaves: no box of empty lines

        # What the list knows, as the main window last said it.
        self._rows: Sequence[CaseloadRow] = ()
        self._now: datetime | None = None
        self._drafts: Sequence[StoredRecord] = ()
        self._review_weeks: Mapping[str, str] | None = None
        self._risk_words: Any = None
        self._visits: Sequence[VisitView] = ()
        self._visits_now: datetime | None = None
        self._sync: SyncFacts | None = None
        #: The review items of the rows last given, for the day and intervals they were
        #: worked out for: a new sync status or visit shows the list again without them.
        self._reviews: tuple[object, object, date, list[TodayItem]] | None = None
        self._kinds_for: tuple[object, object, object] | None = None

        self.list.activated.connect(self._activated)
        self.open_visits.connect(self.visits_button.click)
        self.open_sync.connect(self.connect_button.click)
        for first, second in (
            (self.record_button, self.caseload_button),
            (self.caseload_button, self.referral_button),
            (self.referral_button, self.visits_button),
            (self.visits_button, self.list),
            (self.list, self.connect_button),
        ):
            QWidget.setTabOrder(first, second)
        self.show_visits([], None)
        self._show_items()

    # ------------------------------------------------------------------ data in
    def show_today(
        self,
        rows: Sequence[CaseloadRow],
        now: datetime,
        *,
        drafts: Sequence[StoredRecord] = (),
        review_weeks: Mapping[str, str] | None = None,
        risk_words: Any = None,
    ) -> None:
        """The caseload, its reviews and the drafts kept on this laptop, as of ``now``."""
        self.show_caseload(rows, now)
        self._rows, self._now = list(rows), now
        self._drafts, self._review_weeks = list(drafts), review_weeks
        self._risk_words = risk_words
        self._show_items()

    def show_sync(self, words: str, *, connect: bool, status: Any = None) -> None:
        """What waits to go to the hub, in the words of the one sync status
        (``spokeapp.present.sync_words.today_words``); ``connect``: offer the Sync page.
        ``status`` (the ``SyncStatus``) puts held-back, conflicting and waiting records on
        the list; without it only a laptop to connect is."""
        self.sync_label.setText(words)
        self.sync_label.setAccessibleDescription(words)
        self.connect_button.setVisible(connect)
        if status is not None:
            self._sync = sync_facts(status)
        else:
            self._sync = SyncFacts(enrolled=False) if connect else None
        self._show_items()

    def show_visits(self, views: Sequence[VisitView], now: datetime | None) -> None:
        """The visits under way, each with whether the hub is watching it (in words)."""
        current = [v for v in views if not v.ended]
        if not current or now is None:
            self.visits_label.setText(
                tr("No visit under way. Plan one on the Visits page before you go out alone.")
            )
        else:
            self.visits_label.setText("\n".join(today_words(v, now) for v in current))
        self.visits_label.setAccessibleDescription(self.visits_label.text())
        self._visits, self._visits_now = list(current), now
        self._show_items()

    def show_caseload(self, rows: Sequence[CaseloadRow], now: datetime) -> None:
        open_rows = [r for r in rows if r.status == "open"]
        if not open_rows:
            self.summary.setText(tr("You have no open cases at the moment."))
            return
        cutoff = now.timestamp() - QUIET_DAYS * 86400
        quiet = [
            r.reference
            for r in open_rows
            if r.last_contact is None or r.last_contact.timestamp() < cutoff
        ]
        lines = [tr.plural(len(open_rows), "You have {n} open case.", "You have {n} open cases.")]
        more = len(quiet) - QUIET_NAMED
        if more > 0:  # a long caseload: the first few by name, the rest counted
            lines.append(tr.plural(
                more,
                "No contact recorded in the last {days} days with: {references} and {n} other "
                "case.",
                "No contact recorded in the last {days} days with: {references} and {n} other "
                "cases.",
            ).format(days=QUIET_DAYS, references=", ".join(quiet[:QUIET_NAMED])))
        elif quiet:
            lines.append(
                tr("No contact recorded in the last {days} days with: {references}.").format(
                    days=QUIET_DAYS, references=", ".join(quiet))
            )
        self.summary.setText("\n".join(lines))

    # ------------------------------------------------------------------ the list
    @property
    def items(self) -> list[TodayItem]:
        """What the list shows, in order."""
        return self.model.items

    def set_risk_words(self, words: Any) -> None:
        """How risk levels are worded (the risk tool's bands, known once the case page is
        built); only the reviews-alone model shows them, so the list itself stays as it is."""
        self._risk_words = words
        self._show_kinds(self.items)

    def _review_items(self, now: datetime) -> list[TodayItem]:
        day = today_of(now)
        cached = self._reviews
        if (cached is not None and cached[0] is self._rows
                and cached[1] is self._review_weeks and cached[2] == day):
            return cached[3]
        reviews = review_items(self._rows, day, self._review_weeks)
        self._reviews = (self._rows, self._review_weeks, day, reviews)
        return reviews

    def _show_items(self) -> None:
        moments = [m for m in (self._now, self._visits_now) if m is not None]
        if moments:
            now = max(moments)
            items = today_items(
                rows=self._rows, now=now, drafts=self._drafts,
                review_weeks=self._review_weeks, visits=self._visits, sync=self._sync,
                reviews=self._review_items(now),
            )
        else:  # nothing loaded yet: only what the sync status says
            items = ordered(sync_items(self._sync)) if self._sync is not None else []
        if self.model.row_count() and items == self.items:
            # e.g. a sync status that changes nothing listed: no reset, no refit
            self._show_kinds(items)
            return
        # The rows' sizing is chosen before the rows arrive: a long list shown (or reset)
        # while its rows still fit themselves to their contents measured every wrapped row,
        # about half a second for a thousand (issue 18).
        self._size_rows_for(len(items))
        self.model.set_items(items)
        self.list.setVisible(bool(items))
        self.empty.setVisible(not items)
        self._fit_list()
        what, step = nothing_words()
        self.empty.setText(f"<b>{html.escape(what)}</b><br>{html.escape(step)}")
        self.empty.setAccessibleDescription(f"{what} {step}")
        self._show_kinds(items)

    def _show_kinds(self, items: Sequence[TodayItem]) -> None:
        # The reviews (one list per rows, intervals and day), the drafts and the words.
        reviews = self._reviews[3] if self._reviews is not None else None
        shown_for = (reviews, self._drafts, self._risk_words)
        if self._kinds_for is not None and all(
            a is b for a, b in zip(self._kinds_for, shown_for, strict=True)
        ):
            return  # what the two models show has not changed
        self._kinds_for = shown_for
        words = self._risk_words or (lambda level: level or tr("Not assessed"))
        levels = {row.case_id: row.risk_level for row in self._rows}
        self.reviews_model.set_rows([
            Row(cells=(item.reference, item.what, words(levels.get(item.key))), key=item.key)
            for item in items if item.urgency is Urgency.REVIEW
        ])
        by_id = {stored.record.id: stored for stored in self._drafts}
        drafts = []
        for item in items:
            stored = by_id.get(item.key) if item.action is Action.DRAFT else None
            if stored is None:
                continue
            drafts.append(Row(
                cells=(item.reference or tr("Not part of a case"), draft_words(stored),
                       saved_words(stored.updated_at)),
                key=item.key, payload=stored.record.case_id,
            ))
        self.drafts_model.set_rows(drafts)

    def _fit_list(self) -> None:
        """As tall as its items (a long list scrolls), so a short list reads as short.
        A long list (a big caseload's reviews) has its rows fitted to their wrapped text as
        they come into view: measuring a thousand wrapped rows took about a second."""
        count = self.model.rowCount()
        self._size_rows_for(count)
        if count <= MEASURED_ROWS:
            self.list.resizeRowsToContents()
        else:
            self._fitted_rows = set()
            self._fit_shown_rows()
        rows = sum(self.list.rowHeight(n) for n in range(min(count, MEASURED_ROWS + 1)))
        frame = 2 * self.list.frameWidth() + self.list.horizontalHeader().sizeHint().height()
        self.list.setMaximumHeight(max(rows + frame, self.list.minimumHeight()) + 2)

    def _size_rows_for(self, count: int) -> None:
        """Rows that fit their text by themselves for a short list; fitted by
        :meth:`_fit_shown_rows` as they come into view for a long one."""
        long_list = count > MEASURED_ROWS
        if long_list != self._long_list:
            self._long_list = long_list
            self.list.verticalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.Interactive if long_list
                else QHeaderView.ResizeMode.ResizeToContents)

    def _fit_shown_rows(self, _value: int = 0) -> None:
        """A long list: fit the rows in view (and the first screenful) to their text."""
        count = self.model.rowCount()
        if count <= MEASURED_ROWS:
            return
        top = max(self.list.rowAt(0), 0)
        bottom = self.list.rowAt(self.list.viewport().height())
        bottom = count - 1 if bottom < 0 else bottom
        wanted = [*range(min(count, MEASURED_ROWS)),
                  *range(top, min(count, bottom + MEASURED_ROWS))]
        for row in wanted:
            if row not in self._fitted_rows:
                self._fitted_rows.add(row)
                self.list.resizeRowToContents(row)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_list()  # wrapped rows change height with the width

    def _activated(self, index: QModelIndex) -> None:
        """Enter (or a double click) on an item: go where its next step is done."""
        key = str(index.data(KEY_ROLE) or "")
        model = index.model()
        if model is self.drafts_model:
            emit(self.open_draft, key)
            return
        if model is self.reviews_model:
            emit(self.open_case, key)
            return
        item = index.data(PAYLOAD_ROLE)
        if not isinstance(item, TodayItem):
            return
        if item.action is Action.DRAFT:
            emit(self.open_draft, item.key)
        elif item.action is Action.CASE:
            emit(self.open_case, item.key)
        elif item.action is Action.VISITS:
            emit(self.open_visits)
        elif item.action is Action.HELD:
            emit(self.open_held)
        else:
            emit(self.open_sync)

    def draft_case(self, row: int) -> str | None:
        value = self.drafts_model.index(row, 0).data(PAYLOAD_ROLE)
        return str(value) if value else None


__all__ = ["NEXT_COLUMN", "QUIET_DAYS", "QUIET_NAMED", "REFERENCE_COLUMN", "WHAT_COLUMN",
           "TodayPage"]
