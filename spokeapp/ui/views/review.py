"""Review (supervisors): read the team's newly synced notes, comment, sign off.

* **To review**: finalised session notes and risk assessments from the team that no supervisor
  has marked reviewed, oldest first, with the case beside each note. *Mark reviewed* takes a
  note off the queue; *Add comment* writes a supervision comment that syncs back to the key
  worker (their case page, and their Today page until they mark it read).
* **Sign-off requests**: closures (a closure is not final until signed off), risk levels
  overridden by professional judgement, and records of the kinds the hub says need approval
  (``spoke-hub approvals``; the hub's request arrives by sync). *Approve*, or *Return with
  comment*: a returned closure reopens the case for the worker after their next sync.
* **Actions due**: actions agreed in case supervision (the latest minute of each case) due
  within a week or overdue, with who owns them.

"Hide names" (Ctrl+Shift+H) leaves the young person's name out of the case beside each note.

Also here, for the worker's side: :class:`SupervisorComments` (the Today page's "Supervisor
comments" box) and the words the case page uses for supervision records on its timeline.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    CaseSupervision,
    Closure,
    RiskAssessment,
    Session,
    SignOffOutcome,
)
from spokeapp.i18n import day, number, translator
from spokeapp.present.labels import humanise
from spokeapp.present.people import name_of, owner_words
from spokeapp.present.record_words import moment_words, note_fields, what_words, when_words
from spokeapp.present.review import (
    ActionItem,
    ReviewData,
    ReviewItem,
    UnreadComment,
    add_comment,
    decide,
    load_review,
    load_unread,
    mark_read,
    mark_reviewed,
    reassign_case,
    team_workers,
)
from spokeapp.store.casebook import Casebook
from spokeapp.store.database import CasebookError
from spokeapp.ui.date_field import DateField
from spokeapp.ui.forms import FieldForm, RecordDialog, date_edit, day_of, text_box, watch
from spokeapp.ui.models.rows import KEY_ROLE, Row, RowsModel
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import (
    Message,
    close_and_save,
    heading,
    paragraph,
    rows_table,
    scrolled_layout,
    shown_key,
)

tr = translator(__name__)

#: The least room, in average characters, an action's words get in the actions table.
ACTION_CHARACTERS: Final = 18


def _paragraph_html(words: str) -> str:
    return f"<p>{html.escape(words)}</p>"


def _browser(name: str, parent: QWidget) -> QTextBrowser:
    browser = QTextBrowser(parent)
    browser.setAccessibleName(name)
    browser.setOpenLinks(False)
    return browser


def _html(title: str, fields: Sequence[tuple[str, str]]) -> str:
    parts = [f"<h3>{html.escape(title)}</h3>"]
    for label, value in fields:
        if value:
            text = html.escape(value).replace("\n", "<br>")
            parts.append(f"<p><b>{html.escape(label)}:</b> {text}</p>")
    return "".join(parts)


# ---------------------------------------------------------------------- the Review page
class ReviewPage(QWidget):
    """The supervisor's queue and sign-off requests. ``changed(case_id)`` after each write;
    ``open_case(case_id)`` to read the whole case."""

    changed = Signal(str)
    open_case = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        book: Casebook,
        tasks: TaskRunner,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._clock = clock
        self._book = book
        self._hide_names = False
        self._names: dict[str, str] = {}  # user id -> name, from the hub when it answers
        self.data: ReviewData | None = None

        self.summary = QLabel(tr("Loading…"), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("Review summary"))
        self.message = Message(self, name=tr("Review message"))
        # What became of a press is said beside the buttons pressed (in the room after them,
        # so in sight whenever they are): the page scrolls, and a word at its top was out of
        # sight of the sign-off buttons at its foot.
        self.note_message = Message(self, name=tr("Note message"))
        self.request_message = Message(self, name=tr("Sign-off message"))
        for beside_buttons in (self.note_message, self.request_message):
            policy = beside_buttons.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # the room stays: the buttons keep their size
            beside_buttons.setSizePolicy(policy)

        # -- the queue
        self.queue_model = RowsModel(
            (tr("Reference"), tr("What"), tr("When"), tr("Written by")), self)
        self.queue = rows_table(self.queue_model,
                                tr("Notes and assessments to review, oldest first"), self)
        self.note = _browser(tr("The note to review"), self)
        self.context = _browser(tr("The case beside it"), self)
        self.comment = QPlainTextEdit(self)
        self.comment.setAccessibleName(tr("Supervision comment"))
        self.comment.setPlaceholderText(tr("A comment for the worker on this note…"))
        self.comment.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.review_button = QPushButton(tr("Mar&k reviewed"), self)
        self.review_button.setAccessibleName(tr("Mark reviewed"))
        self.comment_button = QPushButton(tr("Add &comment"), self)
        self.comment_button.setAccessibleName(tr("Add comment"))
        self.open_button = QPushButton(tr("&Open the case"), self)
        self.open_button.setAccessibleName(tr("Open the case"))
        self.supervision_button = QPushButton(tr("Record case s&upervision…"), self)
        self.supervision_button.setAccessibleName(tr("Record case supervision"))
        self.dialog: CaseSupervisionDialog | None = None
        queue_box = QGroupBox(tr("To review (oldest first)"), self)
        queue_box.setAccessibleName(tr("To review"))
        reading = QSplitter(Qt.Orientation.Horizontal, queue_box)
        reading.addWidget(self.note)
        reading.addWidget(self.context)
        reading.setChildrenCollapsible(False)
        queue_buttons = QHBoxLayout()
        queue_buttons.addWidget(self.review_button)
        queue_buttons.addWidget(self.comment_button)
        queue_buttons.addWidget(self.note_message, 1)
        queue_buttons.addWidget(self.supervision_button)
        queue_buttons.addWidget(self.open_button)
        listing = QSplitter(Qt.Orientation.Vertical, queue_box)  # the list, then the note
        listing.addWidget(self.queue)
        listing.addWidget(reading)
        listing.setChildrenCollapsible(False)
        listing.setSizes([1000, 2000])
        queue_layout = QVBoxLayout(queue_box)
        queue_layout.addWidget(listing, 1)
        queue_layout.addWidget(self.comment)
        queue_layout.addLayout(queue_buttons)

        # -- sign-off requests
        self.sign_model = RowsModel(
            (tr("Reference"), tr("Request"), tr("When"), tr("Written by")), self)
        self.sign_offs = rows_table(self.sign_model, tr("Sign-off requests"), self)
        self.request = _browser(tr("The request"), self)
        self.decision_comment = QPlainTextEdit(self)
        self.decision_comment.setAccessibleName(tr("Comment for the worker"))
        self.decision_comment.setPlaceholderText(
            tr("Needed to return it: say why, and what to do next…")
        )
        self.decision_comment.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.approve_button = QPushButton(tr("&Approve"), self)
        self.approve_button.setAccessibleName(tr("Approve"))
        self.return_button = QPushButton(tr("Re&turn with comment"), self)
        self.return_button.setAccessibleName(tr("Return with comment"))
        sign_box = QGroupBox(tr("Sign-off requests"), self)
        sign_box.setAccessibleName(tr("Sign-off requests"))
        sign_buttons = QHBoxLayout()
        sign_buttons.addWidget(self.approve_button)
        sign_buttons.addWidget(self.return_button)
        sign_buttons.addWidget(self.request_message, 1)
        sign_layout = QVBoxLayout(sign_box)
        sign_layout.addWidget(paragraph(tr(
            "Closures, risk levels changed by professional judgement, and what your hub says "
            "needs approval. A closure is not final until you approve it; returning it reopens "
            "the case for the worker, with your comment."), sign_box))
        self.sign_offs.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        requests = QSplitter(Qt.Orientation.Vertical, sign_box)  # the list, then the request
        requests.addWidget(self.sign_offs)
        requests.addWidget(self.request)
        requests.setChildrenCollapsible(False)
        requests.setSizes([1000, 2000])
        sign_layout.addWidget(requests, 1)
        sign_layout.addWidget(self.decision_comment)
        sign_layout.addLayout(sign_buttons)

        layout = scrolled_layout(self, tr("Review"))  # scrolls on a short screen
        layout.addWidget(heading(tr("Review"), self))
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        # Sign-off requests and actions due side by side, so the note being read keeps the
        # height it needs.
        below = QSplitter(Qt.Orientation.Horizontal, self)
        below.addWidget(sign_box)
        below.addWidget(self._actions_box())
        below.setChildrenCollapsible(False)
        below.setSizes([1000, 1000])  # each needs about half: four columns of short words
        body = QSplitter(Qt.Orientation.Vertical, self)
        body.addWidget(queue_box)
        body.addWidget(below)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setChildrenCollapsible(False)
        layout.addWidget(body, 1)

        self.queue.selectionModel().currentRowChanged.connect(self._show_item)
        self.sign_offs.selectionModel().currentRowChanged.connect(self._show_request)
        self.review_button.clicked.connect(self.mark_reviewed)
        self.comment_button.clicked.connect(self.add_comment)
        self.open_button.clicked.connect(self._open)
        self.supervision_button.clicked.connect(self.record_supervision)
        self.approve_button.clicked.connect(lambda: self.decide(SignOffOutcome.APPROVED))
        self.return_button.clicked.connect(lambda: self.decide(SignOffOutcome.RETURNED))
        self.actions.activated.connect(self._open_action)
        self._enable()

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox(tr("Actions due from case supervision"), self)
        box.setAccessibleName(tr("Actions due from case supervision"))
        # The action's words last, where the table stretches: they are the longest.
        self.actions_model = RowsModel((tr("Due"), tr("Reference"), tr("Who"), tr("Action")),
                                       self)
        self.actions = rows_table(self.actions_model, tr("Actions due this week or overdue"),
                                  box)
        # The action's words take the room that is left and wrap, each row as tall as its
        # action needs: the action is what the supervisor reads ("Ask college about
        # attendance"), never cut to "Ask college ..." beside a wide date.
        header = self.actions.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.actions.setWordWrap(True)
        self.actions.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.actions.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.actions_empty = QLabel(tr("No actions due this week or overdue."), box)
        self.actions_empty.setEnabled(False)
        layout = QVBoxLayout(box)
        layout.addWidget(self.actions)
        layout.addWidget(self.actions_empty)
        return box

    def _make_room_for_actions(self) -> None:
        """Keep the actions table wide enough for the due day, reference and who, with room
        left for the action's words a few to a line."""
        header = self.actions.horizontalHeader()
        beside = sum(max(header.sectionSizeHint(column), self.actions.sizeHintForColumn(column))
                     for column in range(3))
        words = self.actions.fontMetrics().averageCharWidth() * ACTION_CHARACTERS
        chrome = self.actions.frameWidth() * 2 + self.actions.verticalScrollBar().sizeHint().width()
        self.actions.setMinimumWidth(beside + words + chrome)

    def set_names(self, names: Mapping[str, str]) -> None:
        """Workers' names by user id (from the hub's team view), shown instead of ids."""
        self._names = dict(names)
        if self.data is not None:
            self.show_review(self.data)

    def _who(self, user_id: str) -> str:
        return name_of(self._names, user_id)  # never a bare id (issue 17)

    def set_hide_names(self, hide: bool) -> None:
        """Leave young people's names out of the case beside each note (working in public)."""
        self._hide_names = hide
        self._show_item()
    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """Reload the queue and the requests from the casebook, off the GUI thread."""
        book = self._book
        today = self._clock().astimezone().date()
        self._tasks.submit(lambda: load_review(book, today), self.show_review, self._failed,
                           owner=self)

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, SpokeError):
            raise error
        self.message.show_error(str(error))

    def _note_failed(self, error: BaseException) -> None:
        if not isinstance(error, SpokeError):
            raise error
        self._only(self.note_message).show_error(str(error))

    def show_review(self, data: ReviewData) -> None:
        keep = self.current_item()
        keep_request = self.current_request()
        self.data = data
        self.queue_model.set_rows([self._row(item) for item in data.queue])
        self.sign_model.set_rows([self._row(item) for item in data.sign_offs])
        self.actions_model.set_rows([self._action_row(item, data.me) for item in data.actions])
        self.actions.setVisible(bool(data.actions))
        self.actions_empty.setVisible(not data.actions)
        self._make_room_for_actions()
        notes, requests = len(data.queue), len(data.sign_offs)
        overdue = sum(1 for item in data.actions if item.due.overdue)
        self.summary.setText(tr(
            "{notes} to review, {requests} and {overdue}. Notes and requests arrive from your "
            "team's laptops when you sync."
        ).format(
            notes=tr.plural(notes, "{n} note", "{n} notes"),
            requests=tr.plural(requests, "{n} sign-off request", "{n} sign-off requests"),
            overdue=tr.plural(overdue, "{n} overdue action", "{n} overdue actions"),
        ))
        self._select(self.queue, keep.record.id if keep else None)
        self._select(self.sign_offs, keep_request.record.id if keep_request else None)
        self._show_item()
        self._show_request()
        emit(self.loaded)

    def _row(self, item: ReviewItem) -> Row:
        record = item.record
        return Row(
            cells=(item.context.reference, what_words(record), when_words(record),
                   self._who(item.author)),
            key=record.id,
        )

    def _action_row(self, item: ActionItem, me: str) -> Row:
        due = item.due
        when = day(due.action.due_on)
        if due.overdue:
            when = tr("{day} (overdue)").format(day=when)
        owner = due.action.owner.strip()
        who = tr("You") if owner.casefold() == me.casefold() else owner_words(self._names, owner)
        return Row(
            cells=(when, item.reference, who, " ".join(due.action.description.split())),
            key=f"{due.supervision_id}#{due.number}",
            payload=due.case_id,
            tooltip=due.action.description,
        )

    def _open_action(self, *_args: object) -> None:
        index = self.actions.currentIndex()
        if index.isValid() and self.data is not None:
            emit(self.open_case, self.data.actions[index.row()].due.case_id)

    @staticmethod
    def _select(table: QTableView, record_id: str | None) -> None:
        model = table.model()
        if model.rowCount() == 0:
            return
        row = 0
        for index in range(model.rowCount()):
            if model.index(index, 0).data(KEY_ROLE) == record_id:
                row = index
                break
        table.setCurrentIndex(model.index(row, 0))

    def _item(self, table: QTableView, items: Sequence[ReviewItem]) -> ReviewItem | None:
        index = table.currentIndex()
        if not index.isValid():
            return None
        key = index.data(KEY_ROLE)
        return next((i for i in items if i.record.id == key), None)

    def current_item(self) -> ReviewItem | None:
        return self._item(self.queue, self.data.queue) if self.data else None

    def current_request(self) -> ReviewItem | None:
        return self._item(self.sign_offs, self.data.sign_offs) if self.data else None

    def _enable(self) -> None:
        has_item = self.current_item() is not None
        for button in (self.review_button, self.comment_button, self.open_button,
                       self.supervision_button):
            button.setEnabled(has_item)
        has_request = self.current_request() is not None
        self.approve_button.setEnabled(has_request)
        self.return_button.setEnabled(has_request)

    def _show_item(self, *_args: object) -> None:
        item = self.current_item()
        self._enable()
        if item is None:
            self.note.setHtml(_paragraph_html(tr("Nothing waiting for review.")))
            self.context.clear()
            return
        self.note.setHtml(_html(what_words(item.record), [
            (tr("Written by"), self._who(item.author)), *note_fields(item.record)
        ]))
        self.context.setHtml(self._context_html(item))

    def _show_request(self, *_args: object) -> None:
        item = self.current_request()
        self._enable()
        if item is None:
            self.request.setHtml(_paragraph_html(tr("No sign-off requests.")))
            return
        self.request.setHtml(
            _html(what_words(item.record), [(tr("Written by"), self._who(item.author)),
                                            (tr("Case"), item.context.reference),
                                            *note_fields(item.record)])
        )

    def _context_html(self, item: ReviewItem) -> str:
        context = item.context
        case = context.case
        person = context.person
        young_person = context.reference
        if person and not self._hide_names:
            young_person = tr("{reference} ({name})").format(reference=context.reference,
                                                              name=person.name)
        fields = [
            (tr("Young person"), young_person),
            (tr("Key worker"), self._who(case.key_worker)),
            (tr("Case"), tr("Closed on {day}").format(day=day(case.closed_on)) if case.closed_on
             else tr("Open since {day}").format(day=day(case.opened_on))),
            (tr("Current risk"), humanise(case.current_risk_level) or tr("Not assessed")),
            (tr("Sessions recorded"), number(context.sessions)),
            (tr("Last contact"),
             moment_words(context.last_contact) if context.last_contact else ""),
        ]
        parts = [_html(tr("The case"), fields)]
        if context.comments:
            parts.append(
                f"<p><b>{html.escape(tr('Supervision comments so far:'))}</b></p><ul>")
            for comment in context.comments[-5:]:
                parts.append(
                    f"<li>{html.escape(moment_words(comment.written_at))}: "
                    f"{html.escape(comment.text)}</li>"
                )
            parts.append("</ul>")
        return "".join(parts)

    # ------------------------------------------------------------------ actions
    def _only(self, message: Message) -> Message:
        """``message``, with the page's other words about earlier presses taken away."""
        for other in (self.message, self.note_message, self.request_message):
            if other is not message:
                other.clear_message()
        return message

    def _saved(self, case_id: str, text: str, message: Message) -> None:
        self._only(message).show_info(text)
        emit(self.changed, case_id)
        self.refresh()

    def mark_reviewed(self) -> None:
        item = self.current_item()
        if item is None:
            return
        record = item.record
        assert isinstance(record, Session | RiskAssessment)
        book, at = self._book, self._clock()
        self._tasks.write(
            lambda: mark_reviewed(book, record, at),
            lambda _mark: self._saved(
                record.case_id, tr("Marked reviewed. It goes to the hub at the next sync."),
                self.note_message,
            ),
            self._note_failed, owner=self, busy=(self.review_button,),
        )

    def add_comment(self) -> None:
        item = self.current_item()
        text = self.comment.toPlainText().strip()
        if item is None:
            return
        if not text:
            self._only(self.note_message).show_error(tr("Write your comment first."))
            self.comment.setFocus()
            return
        book, at, record = self._book, self._clock(), item.record

        def saved(_comment: object) -> None:
            self.comment.clear()
            self._saved(record.case_id, tr(
                "Comment saved. The worker sees it on their record after the next sync."),
                self.note_message)

        self._tasks.write(
            lambda: add_comment(book, record.case_id, text, at, about=record),
            saved, self._note_failed, owner=self, busy=(self.comment_button,),
        )

    def decide(self, outcome: SignOffOutcome) -> None:
        item = self.current_request()
        if item is None:
            return
        record = item.record
        text = self.decision_comment.toPlainText()
        book, at = self._book, self._clock()

        def failed(error: BaseException) -> None:
            if not isinstance(error, SpokeError):
                raise error
            self._only(self.request_message).show_error(
                tr("To return it, say why and what to do next in the comment box.")
                if outcome is SignOffOutcome.RETURNED else str(error)
            )
            self.decision_comment.setFocus()

        def decided(_decision: object) -> None:
            self.decision_comment.clear()
            if outcome is SignOffOutcome.APPROVED:
                words = tr("Approved.")
            elif isinstance(record, Closure):
                words = tr("Returned: the case reopens for the worker at their next sync.")
            else:
                words = tr("Returned to the worker with your comment.")
            self._saved(record.case_id, words, self.request_message)

        self._tasks.write(
            lambda: decide(book, record, outcome, text, at), decided, failed,
            owner=self, busy=(self.approve_button, self.return_button),
        )

    def _open(self) -> None:
        item = self.current_item()
        if item is not None:
            emit(self.open_case, item.record.case_id)

    def record_supervision(self) -> None:
        """Open the case supervision form for the selected note's case."""
        item = self.current_item()
        if item is None:
            return
        case_id = item.record.case_id
        dialog = CaseSupervisionDialog(
            self._book, case_id, item.context.reference,
            today=self._clock().astimezone().date(), parent=self, tasks=self._tasks,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(
            lambda _id: self._saved(case_id, tr("Case supervision recorded. It goes to the hub "
                                                "at the next sync."), self.note_message)
        )
        self.dialog = dialog
        dialog.open()


class CaseSupervisionDialog(RecordDialog):
    """The minute of a case supervision: discussion, decisions (and decisions not to act),
    and actions, each with who does it and by when."""

    saved = Signal(str)
    LABELS: Final[Mapping[str, str]] = {
        "held_on": tr.noop("Date of the supervision"),
        "discussion": tr.noop("Discussion"),
        "decisions": tr.noop("Decisions"),
        "decisions_not_to_act": tr.noop("Decisions not to act"),
        "action_texts": tr.noop("Actions"),
        "action_owners": tr.noop("Who does each action"),
        "action_due": tr.noop("When each action is due"),
    }
    ACTION_ROWS: Final = 4

    def __init__(self, book: Casebook, case_id: str, reference: str, *, today: date,
                 parent: QWidget | None = None, tasks: TaskRunner | None = None) -> None:
        super().__init__(tr("Case supervision"), parent, tasks=tasks)
        self._book = book
        self.case_id = case_id
        self.record_id = new_id()
        self.form = FieldForm(self, {key: tr(words) for key, words in self.LABELS.items()})
        self.body.addWidget(QLabel(tr("Case {reference}").format(reference=reference), self))
        self.body.addWidget(self.form.widget)
        f = self.form
        self.held_on = f.add("held_on", tr("&Date of the supervision"), date_edit(today))
        self.discussion = f.add("discussion", tr("Dis&cussion"), text_box(4))
        self.decisions = f.add("decisions", tr("D&ecisions"), text_box(2),
                               hint=tr("One per line."))
        self.not_to_act = f.add(
            "decisions_not_to_act", tr("Decisions &not to act"), text_box(2),
            hint=tr("One per line, with the reason (a decision not to act is a decision too)."),
        )
        actions = QGroupBox(tr("Actions: what, who, by when"), self)
        actions.setAccessibleName(tr("Actions"))
        grid = QGridLayout(actions)
        # Owners are people's user ids, so an action reaches its owner's Today page.
        people = sorted({*team_workers(book), str(book.author)})
        completer = QCompleter(people, actions)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.action_rows: list[tuple[QLineEdit, QLineEdit, DateField]] = []
        for n in range(self.ACTION_ROWS):
            what, who, due = QLineEdit(actions), QLineEdit(actions), date_edit(today)
            due.setParent(actions)
            what.setAccessibleName(tr("Action {n}: what").format(n=number(n + 1)))
            who.setAccessibleName(tr("Action {n}: who").format(n=number(n + 1)))
            due.set_name(tr("Action {n}: due by").format(n=number(n + 1)))
            what.setPlaceholderText(tr("What"))
            who.setPlaceholderText(tr("Who (user id: it shows on their Today page)"))
            who.setCompleter(completer)
            for column, widget in enumerate((what, who, due)):
                grid.addWidget(widget, n, column)
            self.action_rows.append((what, who, due))
        self.body.addWidget(actions)
        self.add_close_and_save(tr("&Save case supervision ({key})").format(
            key=shown_key("Ctrl+Return")),
                                tr("Save case supervision"))
        extra = [w for action in self.action_rows for w in action]
        for widget in [*f.inputs.values(), *extra]:
            watch(widget, self.changed)
        order = [*f.inputs.values(), *extra, self.cancel_button, self.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.fit_to_screen(80)

    def accept_shortcut(self) -> None:
        self.save()

    def record(self) -> CaseSupervision:
        def lines(box: QPlainTextEdit) -> tuple[str, ...]:
            return tuple(line.strip() for line in box.toPlainText().splitlines() if line.strip())

        used = [(w, o, d) for w, o, d in self.action_rows if w.text().strip() or o.text().strip()]
        assert isinstance(self.discussion, QPlainTextEdit)
        assert isinstance(self.decisions, QPlainTextEdit)
        assert isinstance(self.not_to_act, QPlainTextEdit)
        assert isinstance(self.held_on, DateField)
        return CaseSupervision(
            id=self.record_id, case_id=self.case_id, supervisor=str(self._book.author),
            held_on=day_of(self.held_on), discussion=self.discussion.toPlainText().strip(),
            decisions=lines(self.decisions), decisions_not_to_act=lines(self.not_to_act),
            action_texts=tuple(w.text().strip() for w, _o, _d in used),
            action_owners=tuple(o.text().strip() for _w, o, _d in used),
            action_due=tuple(day_of(d) for _w, _o, d in used),
        )

    def save(self) -> bool:
        self.summary.clear_message()
        self.form.clear()
        record = self.record()
        return self.finalise_record(self._book, record, tr("saving"), self.saved)


# ---------------------------------------------------------------------- worker: Today
class SupervisorComments(QWidget):
    """The Today page's list of supervisor comments not yet read, with "Mark all read".

    ``open_case(case_id)`` when the worker picks one. Read marks are kept on this laptop only.
    """

    open_case = Signal(str)

    def __init__(
        self, book: Casebook, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._tasks = tasks
        self.items: list[UnreadComment] = []
        self.model = RowsModel((tr("Reference"), tr("About"), tr("Comment"), tr("Written")),
                               self)
        self.table = rows_table(self.model, tr("Supervisor comments not yet read"), self)
        self.empty = QLabel(tr("No new comments from your supervisor."), self)
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)
        self.read_button = QPushButton(tr("&Mark all read"), self)
        self.read_button.setAccessibleName(tr("Mark all supervisor comments read"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addWidget(self.read_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.table.activated.connect(self._activated)
        self.read_button.clicked.connect(self.mark_all_read)
        self.show_comments([])

    def load(self, today: date | None = None) -> None:
        """Read the unread comments (and, given ``today``, the worker's case supervision
        actions due this week or overdue) off the GUI thread."""
        book = self._book
        self._tasks.submit(lambda: load_unread(book, today), self.show_comments, self._failed,
                     owner=self)

    def _failed(self, error: BaseException) -> None:
        # The casebook was locked while the comments were being read: nothing to show.
        if not isinstance(error, CasebookError):
            raise error
        self.show_comments([])

    def show_comments(self, items: list[UnreadComment]) -> None:
        self.items = list(items)
        self.model.set_rows([
            Row(
                cells=(item.reference, item.about or tr("The case"),
                       " ".join(item.text.split()),
                       day(item.due_on) if item.due_on else moment_words(item.written_at)),
                key=item.record_id,
                payload=item.case_id,
                tooltip=item.text,
            )
            for item in self.items
        ])
        self.table.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)
        self.read_button.setVisible(any(not item.is_action for item in self.items))

    def mark_all_read(self) -> None:
        """Mark the comments and decisions read; actions stay until the next supervision."""
        if not self.items:
            return
        book = self._book
        read = [item.record_id for item in self.items if not item.is_action]
        actions = [item for item in self.items if item.is_action]
        self._tasks.write(lambda: mark_read(book, read), lambda _none: self.show_comments(actions),
                          self._failed, owner=self, busy=(self.read_button,))

    def _activated(self, *_args: object) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            emit(self.open_case, self.items[index.row()].case_id)


# ---------------------------------------------------------------------- reassigning
class ReassignDialog(QDialog):
    """Give a case to another worker in the team (supervisors). ``reassigned(case_id)``."""

    reassigned = Signal(str)

    def __init__(self, book: Casebook, case_id: str, reference: str, current: str,
                 parent: QWidget | None = None, *, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Reassign case"))
        self._book = book
        self._tasks = tasks if tasks is not None else TaskRunner(self, max_threads=1)
        self.case_id = case_id
        self.current = current
        self.worker = QComboBox(self)
        self.worker.setEditable(True)
        self.worker.setAccessibleName(tr("New key worker"))
        for worker in team_workers(book):
            if worker != current:
                self.worker.addItem(worker)
        label = QLabel(tr("New &key worker:"), self)
        label.setBuddy(self.worker)
        self.message = Message(self, name=tr("Reassign message"))
        self.cancel_button, self.save_button, buttons = close_and_save(
            self, tr("&Reassign"), tr("Reassign"))
        layout = QVBoxLayout(self)
        layout.addWidget(paragraph(tr(
            "Case {reference} is held by {worker}. At the next sync it leaves their laptop "
            "and reaches the new key worker's (who must be in your team). Work they have not "
            "synced yet is kept on their laptop, not lost.").format(
                reference=reference, worker=current), self))
        layout.addWidget(label)
        layout.addWidget(self.worker)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)

    def save(self) -> bool:
        worker = self.worker.currentText().strip()
        if not worker or worker == self.current:
            self.message.show_error(tr("Choose the worker who will hold the case from now on."))
            return False
        book, case_id = self._book, self.case_id

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, SpokeError):
                raise exc
            self.message.show_error(tr("The case could not be reassigned: {error}").format(
                error=exc))

        def done(_case: object) -> None:
            emit(self.reassigned, case_id)
            self.accept()

        self._tasks.write(lambda: reassign_case(book, case_id, worker), done, failed,
                          owner=self, busy=(self.save_button, self.cancel_button))
        return True
