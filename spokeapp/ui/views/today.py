"""Today: what needs doing, calmly, in one place.

The worker's current visit (lone working) and whether the hub is watching it (ARMED / NOT
ARMED, in words), risk reviews due or overdue, drafts not yet finalised, how many records are
waiting to sync, and supervisor comments not yet read (when supervision lands). Enter on a
review or a draft takes the worker straight to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.reviews import ReviewStatus, review_status
from spokeapp.present.caseload import review_due
from spokeapp.present.labels import format_day
from spokeapp.present.today import draft_words, saved_words
from spokeapp.store.casebook import Casebook, CaseloadRow, StoredRecord
from spokeapp.ui.models.rows import KEY_ROLE, PAYLOAD_ROLE, Row, RowsModel
from spokeapp.ui.models.visits import VisitView, today_words
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.review import SupervisorComments
from spokeapp.ui.widgets import heading, rows_table

QUIET_DAYS: Final = 28


def _placeholder(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setEnabled(False)  # muted by the style in light and dark themes alike
    return label


class TodayPage(QWidget):
    """``open_case(case_id)`` and ``open_draft(record_id)`` when the worker picks an item."""

    open_case = Signal(str)
    open_draft = Signal(str)

    def __init__(
        self, book: Casebook, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.summary = QLabel("Loading your caseload…", self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Summary of your caseload")
        self.record_button = QPushButton("Record &a session", self)
        self.record_button.setAccessibleName("Record a session")
        self.caseload_button = QPushButton("See your &caseload", self)
        self.caseload_button.setAccessibleName("See your caseload")
        self.referral_button = QPushButton("New re&ferral", self)
        self.referral_button.setAccessibleName("New referral")

        self.reviews_model = RowsModel(("Reference", "Risk review", "Current risk"), self)
        self.reviews = rows_table(self.reviews_model, "Risk reviews due or overdue", self, lines=7)
        self.reviews_empty = _placeholder("No risk reviews due in the next week.", self)
        self.drafts_model = RowsModel(("Reference", "Draft", "Last saved"), self)
        self.drafts = rows_table(self.drafts_model, "Drafts not finalised", self, lines=7)
        self.drafts_empty = _placeholder("No drafts waiting. Everything is finalised.", self)
        self.sync_label = QLabel(self)
        self.sync_label.setWordWrap(True)
        self.sync_label.setAccessibleName("Records waiting to sync")
        # Shown while this laptop is not enrolled: where to connect it (issue 17).
        self.connect_button = QPushButton("Connect to your &hub", self)
        self.connect_button.setAccessibleName("Connect to your hub on the Sync page")
        self.connect_button.hide()

        visits = QGroupBox("Your visits", self)
        visits.setAccessibleName("Your visits")
        self.visits_label = QLabel(visits)
        self.visits_label.setWordWrap(True)
        self.visits_label.setAccessibleName("Your visits")
        self.visits_button = QPushButton("Visi&ts: plan a visit or check in", visits)
        self.visits_button.setAccessibleName("Go to Visits")
        visits_layout = QVBoxLayout(visits)
        visits_layout.addWidget(self.visits_label)
        visits_layout.addWidget(self.visits_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.show_visits([], None)
        reviews = QGroupBox("Risk reviews due or overdue", self)
        reviews.setAccessibleName("Risk reviews due or overdue")
        reviews_layout = QVBoxLayout(reviews)
        reviews_layout.addWidget(self.reviews)
        reviews_layout.addWidget(self.reviews_empty)
        drafts = QGroupBox("Drafts not finalised", self)
        drafts.setAccessibleName("Drafts not finalised")
        drafts_layout = QVBoxLayout(drafts)
        drafts_layout.addWidget(self.drafts)
        drafts_layout.addWidget(self.drafts_empty)
        sync = QGroupBox("Waiting to sync", self)
        sync.setAccessibleName("Waiting to sync")
        sync_layout = QVBoxLayout(sync)
        sync_layout.addWidget(self.sync_label)
        sync_layout.addWidget(self.connect_button, 0, Qt.AlignmentFlag.AlignLeft)
        comments = QGroupBox("Supervisor comments not yet read", self)
        comments.setAccessibleName("Supervisor comments")
        # Filled by ``supervisor_comments.load(today)`` (spokeapp.ui.views.review).
        self.supervisor_comments = SupervisorComments(book, tasks, comments)
        QVBoxLayout(comments).addWidget(self.supervisor_comments)

        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.caseload_button)
        buttons.addWidget(self.referral_button)
        buttons.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(reviews, 0, 0)
        grid.addWidget(drafts, 0, 1)
        grid.addWidget(visits, 1, 0)
        grid.addWidget(sync, 1, 1)
        grid.addWidget(comments, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        inner = QWidget(self)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(heading("Today", inner))
        inner_layout.addWidget(self.summary)
        inner_layout.addLayout(buttons)
        inner_layout.addLayout(grid)
        inner_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setAccessibleName("Today's lists")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.reviews.activated.connect(self._review_activated)
        self.drafts.activated.connect(self._draft_activated)
        for first, second in (
            (self.record_button, self.caseload_button),
            (self.caseload_button, self.referral_button),
            (self.referral_button, self.reviews),
            (self.reviews, self.drafts),
            (self.drafts, self.visits_button),
        ):
            QWidget.setTabOrder(first, second)

    def show_today(
        self,
        rows: Sequence[CaseloadRow],
        now: datetime,
        *,
        drafts: Sequence[StoredRecord] = (),
        review_weeks: Mapping[str, str] | None = None,
        risk_words: Any = None,
    ) -> None:
        self.show_caseload(rows, now)
        today = now.astimezone().date()
        words = risk_words or (lambda level: level or "Not assessed")
        review_rows: list[Row] = []
        for row in rows:
            if row.status != "open":
                continue
            due = review_due(row, review_weeks)
            if due is None:
                text, order = "Initial assessment needed", 0
            else:
                status = review_status(due, today)
                if status is ReviewStatus.NOT_DUE:
                    continue
                overdue = status is ReviewStatus.OVERDUE
                text = f"{'Overdue since' if overdue else 'Due'} {format_day(due)}"
                order = due.toordinal()
            review_rows.append(
                Row(
                    cells=(row.reference, text, words(row.risk_level)),
                    key=row.case_id,
                    sort=(order,),
                )
            )
        review_rows.sort(key=lambda r: r.sort)
        self.reviews_model.set_rows(review_rows)
        self.reviews.setVisible(bool(review_rows))
        self.reviews_empty.setVisible(not review_rows)

        references = {row.case_id: row.reference for row in rows}
        draft_rows = [
            Row(
                cells=(
                    references.get(stored.record.case_id or "", "Not part of a case"),
                    draft_words(stored),
                    saved_words(stored.updated_at),
                ),
                key=stored.record.id,
                payload=stored.record.case_id,
            )
            for stored in sorted(drafts, key=lambda s: s.updated_at, reverse=True)
        ]
        self.drafts_model.set_rows(draft_rows)
        self.drafts.setVisible(bool(draft_rows))
        self.drafts_empty.setVisible(not draft_rows)

    def show_sync(self, words: str, *, connect: bool) -> None:
        """What waits to go to the hub, in the words of the one sync status
        (``spokeapp.present.sync_words.today_words``); ``connect``: offer the Sync page."""
        self.sync_label.setText(words)
        self.sync_label.setAccessibleDescription(words)
        self.connect_button.setVisible(connect)

    def show_visits(self, views: Sequence[VisitView], now: datetime | None) -> None:
        """The visits under way, each with whether the hub is watching it (in words)."""
        current = [v for v in views if not v.ended]
        if not current or now is None:
            self.visits_label.setText(
                "No visit under way. Plan one on the Visits page before you go out alone."
            )
        else:
            self.visits_label.setText("\n".join(today_words(v, now) for v in current))
        self.visits_label.setAccessibleDescription(self.visits_label.text())

    def show_caseload(self, rows: Sequence[CaseloadRow], now: datetime) -> None:
        open_rows = [r for r in rows if r.status == "open"]
        if not open_rows:
            self.summary.setText("You have no open cases at the moment.")
            return
        cutoff = now.timestamp() - QUIET_DAYS * 86400
        quiet = [
            r.reference
            for r in open_rows
            if r.last_contact is None or r.last_contact.timestamp() < cutoff
        ]
        cases = "case" if len(open_rows) == 1 else "cases"
        lines = [f"You have {len(open_rows)} open {cases}."]
        if quiet:
            lines.append(
                f"No contact recorded in the last {QUIET_DAYS} days with: {', '.join(quiet)}."
            )
        self.summary.setText("\n".join(lines))

    def _review_activated(self, index: QModelIndex) -> None:
        emit(self.open_case, index.data(KEY_ROLE))

    def _draft_activated(self, index: QModelIndex) -> None:
        emit(self.open_draft, index.data(KEY_ROLE))
        del index

    def draft_case(self, row: int) -> str | None:
        value = self.drafts_model.index(row, 0).data(PAYLOAD_ROLE)
        return str(value) if value else None
