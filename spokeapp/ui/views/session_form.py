"""Record a session: the form a worker fills in after seeing a young person.

What is typed is never lost: the form keeps a draft inside the encrypted casebook, saved by
"Save draft", every few seconds while there are unsaved changes, and whenever Spoke locks.
A draft that already passes the session rules is also stored as a draft ``Session`` record;
one that does not yet (say, nothing written under "What was discussed") is kept as a form
snapshot in the casebook's settings. "Finalise" checks every rule at once, names each field
at fault, and after that the session can no longer be changed (corrections are amendments).
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Final

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    MAX_SESSION_MINUTES,
    ChosenBy,
    ContactType,
    MeetAgain,
    Session,
    VenueType,
)
from spokeapp.present.labels import CHOSEN_BY, CONTACT_TYPES, MEET_AGAIN, VENUE_TYPES
from spokeapp.store.casebook import Casebook, CaseloadRow
from spokeapp.ui.date_field import DateField
from spokeapp.ui.forms import confirm_finalise, remember_answer
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, paragraph

DRAFT_SETTING: Final = "draft.session_form"
AUTOSAVE_MS: Final = 5_000

#: Field names (as the domain reports problems) and the words the form shows for them.
FIELD_LABELS: Final = {
    "case_id": "Young person",
    "occurred_at": "When",
    "duration_minutes": "Length in minutes",
    "contact_type": "Type of contact",
    "venue_type": "Where you met",
    "venue_chosen_by": "Who chose where to meet",
    "pace_set_by": "Who set the pace",
    "discussed": "What was discussed",
    "young_persons_words": "Their own words",
    "wants_to_meet_again": "Do they want to see you again",
    "concerns": "Concerns",
    "actions": "Actions",
}


def _choice_box(choices: Mapping[Enum, str], *, blank: str | None) -> QComboBox:
    box = QComboBox()
    if blank is not None:
        box.addItem(blank, None)
    for value, text in choices.items():
        box.addItem(text, value.value)
    return box


def _select(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    box.setCurrentIndex(max(index, 0))


class SessionForm(QWidget):
    """The "Record a session" page. ``status(text)`` reports saves for the status bar."""

    status = Signal(str)
    finalised = Signal(str)

    def __init__(
        self,
        book: Casebook,
        *,
        clock: Callable[[], datetime],
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._clock = clock
        self._tasks = tasks if tasks is not None else TaskRunner(self, max_threads=1)
        #: A finalise is being saved (the autosave and a second Ctrl+Enter wait for it).
        self.saving = False
        self._record_id = new_id()
        self._dirty = False
        self._loading = False
        self._draft_checked = False

        self.case_box = QComboBox(self)
        #: Typed ("yesterday 16:30"), its meaning shown in words beside it.
        self.when = DateField(
            with_time=True,
            past_only=True,
            clock=lambda: self._clock().astimezone().replace(tzinfo=None),
            parent=self,
        )
        self.duration = QSpinBox(self)
        self.duration.setRange(0, MAX_SESSION_MINUTES)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" minutes")
        # Empty until the worker says how long: a phone call is not an hour.
        self.duration.setSpecialValueText("Not entered")
        self.contact_type = _choice_box(CONTACT_TYPES, blank=None)
        self.venue_type = _choice_box(VENUE_TYPES, blank="Choose…")
        self.venue_chosen_by = _choice_box(CHOSEN_BY, blank="Choose…")
        self.pace_set_by = _choice_box(CHOSEN_BY, blank="Choose…")
        self.discussed = self._text_box()
        self.young_persons_words = self._text_box()
        self.young_persons_words.setPlaceholderText(
            "What they said, in their words. They may read this one day."
        )
        self.wants_to_meet_again = _choice_box(MEET_AGAIN, blank="Not asked")
        self.concerns = self._text_box()
        self.actions = self._text_box()

        self.inputs: dict[str, QWidget] = {
            "case_id": self.case_box,
            "occurred_at": self.when,
            "duration_minutes": self.duration,
            "contact_type": self.contact_type,
            "venue_type": self.venue_type,
            "venue_chosen_by": self.venue_chosen_by,
            "pace_set_by": self.pace_set_by,
            "discussed": self.discussed,
            "young_persons_words": self.young_persons_words,
            "wants_to_meet_again": self.wants_to_meet_again,
            "concerns": self.concerns,
            "actions": self.actions,
        }
        self.errors: dict[str, Message] = {}
        form_widget = QWidget(self)
        form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        mnemonics = {  # Alt+letter, unique on the page and not S, G or V (the menus)
            "case_id": "&Young person",
            "occurred_at": "&When",
            "duration_minutes": "&Length",
            "contact_type": "Type of &contact",
            "venue_type": "Wh&ere you met",
            "venue_chosen_by": "Who c&hose where",
            "pace_set_by": "Who set the &pace",
            "discussed": "What was &discussed",
            "young_persons_words": "Their ow&n words",
            "wants_to_meet_again": "\u201cDo you want to see &me?\u201d",
            "concerns": "C&oncerns",
            "actions": "&Actions",
        }
        for name, widget in self.inputs.items():
            widget.setParent(form_widget)
            widget.setAccessibleName(FIELD_LABELS[name])
            if isinstance(widget, DateField):
                widget.set_name(FIELD_LABELS[name])
            label = QLabel(mnemonics[name] + ":", form_widget)
            label.setBuddy(widget)
            error = Message(form_widget, name=f"Problem with {FIELD_LABELS[name]}")
            self.errors[name] = widget.status if isinstance(widget, DateField) else error
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            if not isinstance(widget, DateField):  # a date field shows its own problems
                column.addWidget(error)
            form.addRow(label, column)
        scroll = QScrollArea(self)
        scroll.setAccessibleName("Session details")
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.summary = Message(self, name="Problems with this session")
        self.save_button = QPushButton("Save draf&t (Ctrl+S)", self)
        self.save_button.setAccessibleName("Save draft")
        self.save_button.setToolTip("Save draft (Ctrl+S). Drafts are also saved every few seconds.")
        self.finalise_button = QPushButton("&Finalise (Ctrl+Enter)", self)
        self.finalise_button.setAccessibleName("Finalise this session")
        self.finalise_button.setToolTip(
            "Finalise (Ctrl+Enter): the session is then kept as it is and cannot be changed"
        )
        hint = paragraph(
            "Once finalised, a session cannot be changed. If something needs correcting later, "
            "add an amendment.",
            self,
        )
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.finalise_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Record a session", self))
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        order = [*self.inputs.values(), self.save_button, self.finalise_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        self.save_button.clicked.connect(lambda: self.save_draft())
        self.finalise_button.clicked.connect(self.finalise)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.save_draft())
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.finalise)
        for widget in self.inputs.values():
            self._watch(widget)
        self.autosave = QTimer(self)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self._autosave)
        self.autosave.start()
        self._clear()

    def _text_box(self) -> QPlainTextEdit:
        box = QPlainTextEdit(self)
        box.setTabChangesFocus(True)  # Tab moves on, so the form works from the keyboard
        box.setMinimumHeight(64)
        box.setMaximumHeight(120)
        return box

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self._changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._changed)
        elif isinstance(widget, QSpinBox):
            widget.valueChanged.connect(self._changed)
        elif isinstance(widget, DateField):
            widget.changed.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self._dirty = True

    # ------------------------------------------------------------------ cases
    def set_cases(self, rows: Sequence[CaseloadRow], *, hide_names: bool = False) -> None:
        """Fill the young person list (open cases) and bring back any saved draft."""
        selected = self.case_box.currentData()
        self._loading = True
        self.case_box.clear()
        self.case_box.addItem("Choose a young person…", None)
        for row in rows:
            if row.status != "open":
                continue
            text = row.reference if hide_names or not row.name else f"{row.reference}  {row.name}"
            self.case_box.addItem(text, row.case_id)
        _select(self.case_box, selected)
        self._loading = False
        if not self._draft_checked:
            self._draft_checked = True
            self.restore_draft()

    # ------------------------------------------------------------------ drafts
    @property
    def dirty(self) -> bool:
        """Typed and not kept yet (while a finalise is being saved, it is being kept)."""
        return self._dirty and not self.saving

    @property
    def record_id(self) -> str:
        return self._record_id

    def _snapshot(self) -> dict[str, Any]:
        return {
            "id": self._record_id,
            "case_id": self.case_box.currentData(),
            "occurred_at": self._occurred_at().isoformat(),
            "duration_minutes": self.duration.value(),
            "contact_type": self.contact_type.currentData(),
            "venue_type": self.venue_type.currentData(),
            "venue_chosen_by": self.venue_chosen_by.currentData(),
            "pace_set_by": self.pace_set_by.currentData(),
            "discussed": self.discussed.toPlainText(),
            "young_persons_words": self.young_persons_words.toPlainText(),
            "wants_to_meet_again": self.wants_to_meet_again.currentData(),
            "concerns": self.concerns.toPlainText(),
            "actions": self.actions.toPlainText(),
        }

    def _occurred_at(self) -> datetime:
        """The time typed (local wall-clock time), stored in UTC so that sessions either side
        of a clock change compare and sort correctly, even as text."""
        # Nothing readable typed: a stand-in never finalised (``finalise`` refuses first).
        naive = self.when.moment() or self.when.now()
        return naive.astimezone().astimezone(UTC)

    def _record(self) -> Session:
        def enum(kind: type[Enum], value: object) -> Any:
            return None if value is None else kind(value)

        return Session(
            id=self._record_id,
            case_id=self.case_box.currentData() or "",
            contact_type=ContactType(self.contact_type.currentData()),
            occurred_at=self._occurred_at(),
            duration_minutes=self.duration.value(),
            venue_type=enum(VenueType, self.venue_type.currentData()),
            venue_chosen_by=enum(ChosenBy, self.venue_chosen_by.currentData()),
            pace_set_by=enum(ChosenBy, self.pace_set_by.currentData()),
            discussed=self.discussed.toPlainText().strip(),
            young_persons_words=self.young_persons_words.toPlainText().strip(),
            wants_to_meet_again=enum(MeetAgain, self.wants_to_meet_again.currentData()),
            concerns=self.concerns.toPlainText().strip(),
            actions=self.actions.toPlainText().strip(),
        )

    def save_draft(self, *, quiet: bool = False) -> bool:
        """Keep what is typed, inside the encrypted casebook. Returns False if it could not."""
        try:
            self._book.set_setting(DRAFT_SETTING, json.dumps(self._snapshot()))
            # Without a young person chosen, the snapshot above holds it until there is one;
            # otherwise it is also a draft Session record, listed on Today until finalised.
            if self.case_box.currentData():
                with contextlib.suppress(ValidationError):
                    self._book.save(self._record())
        except SpokeError as exc:
            emit(self.status, f"The draft could not be saved: {exc}")
            return False
        self._dirty = False
        when = self._clock().astimezone()
        emit(self.status, f"Draft saved at {when:%H:%M}." if not quiet else "Draft saved.")
        return True

    def start_for_case(self, case_id: str) -> None:
        """A fresh session note for one case (any unsaved note is kept as a draft first)."""
        if self._dirty:
            self.save_draft(quiet=True)
        self._book.set_setting(DRAFT_SETTING, "")
        self._clear()
        self.summary.clear_message()
        _select(self.case_box, case_id)
        self._dirty = False
        self.when.setFocus()

    def edit_draft(self, session: Session) -> None:
        """Carry on with a draft session (any other unsaved note is kept as a draft first)."""
        if self._dirty and self._record_id != session.id:
            self.save_draft(quiet=True)
        self._clear()
        self._loading = True
        try:
            self._record_id = session.id
            _select(self.case_box, session.case_id)
            local = session.occurred_at.astimezone().replace(tzinfo=None)
            self.when.set_value(local)
            self.duration.setValue(session.duration_minutes)
            for name in (
                "contact_type", "venue_type", "venue_chosen_by", "pace_set_by",
                "wants_to_meet_again",
            ):
                box = self.inputs[name]
                assert isinstance(box, QComboBox)
                value = getattr(session, name)
                _select(box, value.value if isinstance(value, Enum) else value)
            for name in ("discussed", "young_persons_words", "concerns", "actions"):
                edit = self.inputs[name]
                assert isinstance(edit, QPlainTextEdit)
                edit.setPlainText(getattr(session, name))
        finally:
            self._loading = False
        self._dirty = False
        self._book.set_setting(DRAFT_SETTING, json.dumps(self._snapshot()))
        self.summary.show_info("Carrying on with your draft. Finalise it when it is complete.")
        self.discussed.setFocus()

    def _autosave(self) -> None:
        if self._dirty and not self.saving and self._book.is_open:
            self.save_draft(quiet=True)

    def restore_draft(self) -> bool:
        """Bring back a saved draft into the form, if there is one."""
        raw = self._book.setting(DRAFT_SETTING)
        if not raw:
            return False
        try:
            data = json.loads(raw)
            occurred = datetime.fromisoformat(data["occurred_at"])
        except (ValueError, KeyError, TypeError):
            return False
        self._loading = True
        try:
            self._record_id = str(data.get("id") or new_id())
            _select(self.case_box, data.get("case_id"))
            self.when.set_value(occurred.astimezone().replace(tzinfo=None))
            self.duration.setValue(int(data.get("duration_minutes") or 0))
            for name in (
                "contact_type",
                "venue_type",
                "venue_chosen_by",
                "pace_set_by",
                "wants_to_meet_again",
            ):
                box = self.inputs[name]
                assert isinstance(box, QComboBox)
                _select(box, data.get(name))
            for name in ("discussed", "young_persons_words", "concerns", "actions"):
                edit = self.inputs[name]
                assert isinstance(edit, QPlainTextEdit)
                edit.setPlainText(str(data.get(name) or ""))
        finally:
            self._loading = False
        self._dirty = False
        self.summary.show_info(
            "Your unfinished session note has been brought back. Carry on where you left off."
        )
        return True

    # ------------------------------------------------------------------ finalising
    def finalise(self) -> bool:
        """Check every rule, then store the session as final off the GUI thread (True: the
        save has started) and start a fresh form when it is stored. The note stays a draft
        (kept at lock) until the save has succeeded."""
        if self.saving:
            return False
        self._clear_errors()
        when = self.when.problem()
        problems = [] if when is None else [Problem("occurred_at", when)]
        try:
            record = self._record()
            record.validate()
        except ValidationError as exc:
            problems += [p for p in exc.problems if when is None or p.field != "occurred_at"]
        if problems:
            order = list(self.inputs)  # the summary lists them as the form does
            problems.sort(key=lambda p: order.index(p.field) if p.field in order else len(order))
            self._show_problems(ValidationError(problems))
            return False
        book = self._book
        answer = confirm_finalise(self, book, "session")
        if not answer.finalise:
            return False

        def save() -> None:
            book.save(record, finalise=True)
            book.set_setting(DRAFT_SETTING, "")
            remember_answer(book, answer)

        def failed(exc: BaseException) -> None:
            self.saving = False
            if isinstance(exc, ValidationError):
                self._show_problems(exc)
            elif isinstance(exc, SpokeError):
                self.summary.show_error(str(exc))
            else:
                raise exc

        self.saving = True
        self._tasks.write(save, lambda _none: self._finalised(record), failed, owner=self,
                          busy=(self.finalise_button, self.save_button))
        return True

    def _finalised(self, record: Session) -> None:
        self.saving = False
        self._clear()
        self.summary.show_info(
            "Session finalised and saved. It can no longer be changed; the form is ready "
            "for your next session."
        )
        emit(self.status, "Session finalised.")
        emit(self.finalised, record.id)

    def _show_problems(self, error: ValidationError) -> None:
        first: QWidget | None = None
        lines = []
        for problem in error.problems:
            label = FIELD_LABELS.get(problem.field, problem.field)
            text = f"{label} {problem.message}."
            lines.append(text)
            message = self.errors.get(problem.field)
            if message is not None:
                message.show_error(text)
                first = first or self.inputs[problem.field]
        count = len(lines)
        things = "thing" if count == 1 else "things"
        names = ", ".join(FIELD_LABELS.get(p.field, p.field) for p in error.problems)
        self.summary.show_error(f"Please fix {count} {things} before finalising: {names}.")
        self.summary.setAccessibleDescription("\n".join(lines))
        if first is not None:
            first.setFocus()

    def _clear_errors(self) -> None:
        self.summary.clear_message()
        for message in self.errors.values():
            message.clear_message()

    def _clear(self) -> None:
        self._loading = True
        self._record_id = new_id()
        self.case_box.setCurrentIndex(0)
        now = self._clock().astimezone().replace(tzinfo=None, second=0, microsecond=0)
        self.when.set_value(now)
        self.duration.setValue(0)  # not entered yet (shown as "Not entered")
        self.contact_type.setCurrentIndex(0)
        for box in (
            self.venue_type,
            self.venue_chosen_by,
            self.pace_set_by,
            self.wants_to_meet_again,
        ):
            box.setCurrentIndex(0)
        for edit in (self.discussed, self.young_persons_words, self.concerns, self.actions):
            edit.clear()
        self._clear_errors()
        self._loading = False
        self._dirty = False
