"""Record a session: the form a worker fills in after seeing a young person.

What is typed is never lost: the form keeps a draft inside the encrypted casebook, saved by
"Save draft", every few seconds while there are unsaved changes, and whenever Spoke locks.
A draft that already passes the session rules is also stored as a draft ``Session`` record;
one that does not yet (say, nothing written under "What was discussed") is kept as a form
snapshot in the casebook's settings. "Finalise" checks every rule at once, names each field
at fault, and after that the session can no longer be changed (corrections are amendments).

"When" takes nothing after now, nor a day before the chosen young person's case was opened
("When is before this case was opened on 23 Sep 2026.", beside the field as soon as it is
left, and when finalising): a session belongs to its case, and one dated before it (1990 for
2025) was finalised as it stood. The opening days come with the caseload rows.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Final

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    MAX_SESSION_MINUTES,
    ChosenBy,
    ContactType,
    MeetAgain,
    Session,
    VenueType,
)
from spokeapp.i18n import clock, translator
from spokeapp.present.dates import case_opened
from spokeapp.present.labels import CHOSEN_BY, CONTACT_TYPES, MEET_AGAIN, VENUE_TYPES, label
from spokeapp.store.casebook import Casebook, CaseloadRow
from spokeapp.ui.date_field import DateField
from spokeapp.ui.forms import (
    FieldForm,
    choice_box,
    chosen,
    confirm_finalise,
    remember_answer,
    select,
    text_box,
)
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, paragraph, shown_key, submit_shortcut

tr = translator(__name__)

DRAFT_SETTING: Final = "draft.session_form"
AUTOSAVE_MS: Final = 5_000

#: Field names (as the domain reports problems) and the words the form shows for them
#: (translated by :func:`field_labels`).
FIELD_LABELS: Final = {
    "case_id": tr.noop("Young person"),
    "occurred_at": tr.noop("When"),
    "duration_minutes": tr.noop("Length in minutes"),
    "contact_type": tr.noop("Type of contact"),
    "venue_type": tr.noop("Where you met"),
    "venue_chosen_by": tr.noop("Who chose where to meet"),
    "pace_set_by": tr.noop("Who set the pace"),
    "discussed": tr.noop("What was discussed"),
    "young_persons_words": tr.noop("Their own words"),
    "wants_to_meet_again": tr.noop("Do they want to see you again"),
    "concerns": tr.noop("Concerns"),
    "actions": tr.noop("Actions"),
}
#: Each field's label with its Alt+letter: unique on the page and not S, G or V (the menus).
MNEMONICS: Final = {
    "case_id": tr.noop("&Young person"),
    "occurred_at": tr.noop("&When"),
    "duration_minutes": tr.noop("&Length"),
    "contact_type": tr.noop("Type of &contact"),
    "venue_type": tr.noop("Wh&ere you met"),
    "venue_chosen_by": tr.noop("Who c&hose where"),
    "pace_set_by": tr.noop("Who set the &pace"),
    "discussed": tr.noop("What was &discussed"),
    "young_persons_words": tr.noop("Their ow&n words"),
    "wants_to_meet_again": tr.noop("\u201cDo you want to see &me?\u201d"),
    "concerns": tr.noop("C&oncerns"),
    "actions": tr.noop("&Actions"),
}
#: The combo boxes whose value is an enum (drafts and draft records fill them back).
_CHOICES: Final = (
    "contact_type", "venue_type", "venue_chosen_by", "pace_set_by", "wants_to_meet_again",
)
_TEXTS: Final = ("discussed", "young_persons_words", "concerns", "actions")


def field_labels() -> dict[str, str]:
    """:data:`FIELD_LABELS` in the language Spoke is shown in."""
    return {name: tr(words) for name, words in FIELD_LABELS.items()}


def _words(table: Mapping[Any, str]) -> dict[Any, str]:
    return {value: label(table, value) for value in table}


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
        #: The timer's autosave runs off the GUI thread (a sync holding the casebook for a
        #: page's transaction would freeze typing for as long: issue 18). Every other write
        #: of the draft (Save, a new note, finalising, locking) takes ``_draft_guard`` and
        #: moves ``_draft_generation`` on, so an autosave still waiting to run writes nothing
        #: over what came after it.
        self._draft_guard = threading.Lock()
        self._draft_generation = 0
        self._autosaving = False
        #: Each open case's opening day (a session cannot be before it), from ``set_cases``.
        self._opened: dict[str, date] = {}

        self.case_box = QComboBox(self)
        #: Typed ("yesterday 16:30"), its meaning shown in words beside it. Empty until the
        #: worker says when: the time they write the note is not the time they met.
        self.when = DateField(
            with_time=True,
            past_only=True,
            clock=lambda: self._clock().astimezone().replace(tzinfo=None),
            parent=self,
        )
        self.duration = QSpinBox(self)
        self.duration.setRange(0, MAX_SESSION_MINUTES)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(tr(" minutes"))
        # Empty until the worker says how long: a phone call is not an hour.
        self.duration.setSpecialValueText(tr("Not entered"))
        choose = tr("Choose…")
        # Never assumed: a phone call recorded as a meeting in person is a wrong record.
        self.contact_type = choice_box(_words(CONTACT_TYPES), blank=choose, required=True)
        self.venue_type = choice_box(_words(VENUE_TYPES), blank=choose)
        self.venue_chosen_by = choice_box(_words(CHOSEN_BY), blank=choose)
        self.pace_set_by = choice_box(_words(CHOSEN_BY), blank=choose)
        self.discussed = text_box(3)
        self.young_persons_words = text_box(3)
        self.young_persons_words.setPlaceholderText(
            tr("What they said, in their words. They may read this one day.")
        )
        self.wants_to_meet_again = choice_box(_words(MEET_AGAIN), blank=tr("Not asked"))
        self.concerns = text_box(3)
        self.actions = text_box(3)

        #: The fields, their inline problems and the summary (one mechanism for every form:
        #: a field's problem goes as soon as it is edited, the summary recounts).
        self.form = FieldForm(self, field_labels())
        fields: dict[str, QWidget] = {
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
        for name, widget in fields.items():
            self.form.add(name, tr(MNEMONICS[name]), widget)
        self.inputs: dict[str, QWidget] = self.form.inputs
        self.errors: dict[str, Message] = self.form.errors
        scroll = QScrollArea(self)
        scroll.setAccessibleName(tr("Session details"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form.widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.summary = Message(self, name=tr("Problems with this session"))
        self.save_button = QPushButton(tr("Save draf&t ({key})").format(
            key=shown_key("Ctrl+S")), self)
        self.save_button.setAccessibleName(tr("Save draft"))
        self.save_button.setToolTip(
            tr("Save draft ({key}). Drafts are also saved every few seconds.").format(
                key=shown_key("Ctrl+S"))
        )
        self.finalise_button = QPushButton(tr("&Finalise ({key})").format(
            key=shown_key("Ctrl+Return")), self)
        self.finalise_button.setAccessibleName(tr("Finalise this session"))
        self.finalise_button.setToolTip(
            tr("Finalise ({key}): the session is then kept as it is and cannot be changed").format(
                key=shown_key("Ctrl+Return"))
        )
        hint = paragraph(
            tr("Once finalised, a session cannot be changed. If something needs correcting "
               "later, add an amendment."),
            self,
        )
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.finalise_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Record a session"), self))
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        order = [*self.inputs.values(), self.save_button, self.finalise_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        self.save_button.clicked.connect(lambda: self.save_draft())
        self.finalise_button.clicked.connect(self.finalise)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.save_draft())
        submit_shortcut(self, self.finalise)
        for widget in self.inputs.values():
            self._watch(widget)
        self.case_box.currentIndexChanged.connect(self._case_chosen)
        self.autosave = QTimer(self)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self._autosave)
        self.autosave.start()
        self._clear()

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

    def _case_chosen(self, *_args: object) -> None:
        """"When" takes no day before the chosen case was opened."""
        opened = self._opened.get(self.case_box.currentData() or "")
        self.when.set_earliest(case_opened(opened) if opened is not None else None)

    # ------------------------------------------------------------------ cases
    def set_cases(self, rows: Sequence[CaseloadRow], *, hide_names: bool = False) -> None:
        """Fill the young person list (open cases) and bring back any saved draft."""
        selected = self.case_box.currentData()
        self._loading = True
        self.case_box.clear()
        self.case_box.addItem(tr("Choose a young person…"), None)
        self._opened = {row.case_id: row.opened_on for row in rows
                        if row.status == "open" and row.opened_on is not None}
        for row in rows:
            if row.status != "open":
                continue
            text = row.reference if hide_names or not row.name else f"{row.reference}  {row.name}"
            self.case_box.addItem(text, row.case_id)
        select(self.case_box, selected)
        self._case_chosen()
        self._loading = False
        if not self._draft_checked:
            self._draft_checked = True
            self.restore_draft()

    # ------------------------------------------------------------------ drafts
    @property
    def dirty(self) -> bool:
        """Typed and not kept yet (while a finalise is being saved, it is being kept); an
        autosave still waiting to write counts as not kept (locking then saves it at once)."""
        return (self._dirty or self._autosaving) and not self.saving

    @property
    def record_id(self) -> str:
        return self._record_id

    def _snapshot(self) -> dict[str, Any]:
        moment = self._typed_moment()
        return {
            "id": self._record_id,
            "case_id": self.case_box.currentData(),
            # As typed (even half typed), and what it means when it can be read.
            "when_typed": self.when.text(),
            "occurred_at": moment.isoformat() if moment is not None else None,
            "duration_minutes": self.duration.value(),
            **{name: self._box(name).currentData() for name in _CHOICES},
            **{name: self._text(name).toPlainText() for name in _TEXTS},
        }

    def _box(self, name: str) -> QComboBox:
        box = self.inputs[name]
        assert isinstance(box, QComboBox)
        return box

    def _text(self, name: str) -> QPlainTextEdit:
        edit = self.inputs[name]
        assert isinstance(edit, QPlainTextEdit)
        return edit

    def _typed_moment(self) -> datetime | None:
        """The time typed (local wall-clock time), stored in UTC so that sessions either side
        of a clock change compare and sort correctly, even as text; None until readable."""
        naive = self.when.moment()
        return None if naive is None else naive.astimezone().astimezone(UTC)

    def _has_its_facts(self) -> bool:
        """The worker has said who, when and how they met: the note can be a draft record."""
        return bool(self.case_box.currentData()) and self.contact_type.currentData() is not None \
            and self.when.moment() is not None

    def _record(self) -> Session:
        def enum(kind: type[Enum], value: object) -> Any:
            return None if value is None else kind(value)

        # Nothing readable typed, or no type of contact chosen: stand-ins only for checking
        # the rest, never saved (``finalise`` refuses first, a draft record waits for them).
        # A phone call adds no rule of its own (in person would ask where you met).
        occurred = self._typed_moment() or self.when.now().astimezone().astimezone(UTC)
        return Session(
            id=self._record_id,
            case_id=self.case_box.currentData() or "",
            contact_type=chosen(self.contact_type, ContactType, ContactType.PHONE),
            occurred_at=occurred,
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

    @contextlib.contextmanager
    def _draft_writes(self) -> Iterator[None]:
        """Hold the draft for a write made here, on the GUI thread: any autosave not yet run
        is now out of date and writes nothing (one already writing is waited for)."""
        with self._draft_guard:
            self._draft_generation += 1
            yield

    def _draft_parts(self) -> tuple[str, Session | None]:
        """What a draft save writes: the form's snapshot and, once the worker has given its
        facts, the draft Session record."""
        # Until the young person, the time and the type of contact are given, the snapshot
        # holds it; then it is also a draft Session record, listed on Today until finalised
        # (a record never holds a stand-in for a fact not given).
        return json.dumps(self._snapshot()), self._record() if self._has_its_facts() else None

    def _write_draft(self, snapshot: str, record: Session | None) -> None:
        self._book.set_setting(DRAFT_SETTING, snapshot)
        if record is not None:
            with contextlib.suppress(ValidationError):
                self._book.save(record)

    def save_draft(self, *, quiet: bool = False) -> bool:
        """Keep what is typed, inside the encrypted casebook, now (Save, a new note, locking).
        Returns False if it could not."""
        try:
            with self._draft_writes():
                self._write_draft(*self._draft_parts())
        except SpokeError as exc:
            emit(self.status, tr("The draft could not be saved: {reason}").format(reason=exc))
            return False
        self._dirty = False
        when = self._clock().astimezone()
        emit(self.status, tr("Draft saved at {time}.").format(time=clock(when)) if not quiet
             else tr("Draft saved."))
        return True

    def start_for_case(self, case_id: str) -> None:
        """A fresh session note for one case (any unsaved note is kept as a draft first)."""
        if self.dirty:
            self.save_draft(quiet=True)
        with self._draft_writes():
            self._book.set_setting(DRAFT_SETTING, "")
        self._clear()
        self.summary.clear_message()
        select(self.case_box, case_id)
        self._dirty = False
        self.when.setFocus()

    def edit_draft(self, session: Session) -> None:
        """Carry on with a draft session (any other unsaved note is kept as a draft first)."""
        if self.dirty and self._record_id != session.id:
            self.save_draft(quiet=True)
        self._clear()
        self._loading = True
        try:
            self._record_id = session.id
            select(self.case_box, session.case_id)
            local = session.occurred_at.astimezone().replace(tzinfo=None)
            self.when.set_value(local)
            self.duration.setValue(session.duration_minutes)
            for name in _CHOICES:
                value = getattr(session, name)
                select(self._box(name), value.value if isinstance(value, Enum) else value)
            for name in _TEXTS:
                self._text(name).setPlainText(getattr(session, name))
        finally:
            self._loading = False
        self._dirty = False
        with self._draft_writes():
            self._book.set_setting(DRAFT_SETTING, json.dumps(self._snapshot()))
        self.summary.show_info(
            tr("Carrying on with your draft. Finalise it when it is complete.")
        )
        self.discussed.setFocus()

    def _autosave(self) -> None:
        """Every AUTOSAVE_MS while typing: the draft kept off the GUI thread, so typing never
        waits for a sync's transaction to let go of the casebook."""
        if not (self._dirty and not self.saving and not self._autosaving
                and self._book.is_open):
            return
        parts = self._draft_parts()
        generation = self._draft_generation
        self._dirty = False  # what is typed from now on is the next autosave's
        self._autosaving = True

        def save() -> bool:
            with self._draft_guard:
                if self._draft_generation != generation:
                    return False  # saved, cleared or finalised since: that stands
                self._write_draft(*parts)
                return True

        def saved(written: bool) -> None:
            self._autosaving = False
            if written:
                emit(self.status, tr("Draft saved."))

        def failed(exc: BaseException) -> None:
            self._autosaving = False
            self._dirty = True  # not kept: the next autosave (or locking) tries again
            if not isinstance(exc, SpokeError):
                raise exc
            emit(self.status, tr("The draft could not be saved: {reason}").format(reason=exc))

        self._tasks.submit(save, saved, failed, owner=self)

    def restore_draft(self) -> bool:
        """Bring back a saved draft into the form, if there is one."""
        raw = self._book.setting(DRAFT_SETTING)
        if not raw:
            return False
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                return False
            occurred = data.get("occurred_at")
            moment = datetime.fromisoformat(occurred) if occurred else None
        except (ValueError, TypeError):
            return False
        self._loading = True
        try:
            self._record_id = str(data.get("id") or new_id())
            select(self.case_box, data.get("case_id"))
            typed = data.get("when_typed")
            if isinstance(typed, str):
                self.when.set_text(typed)  # as it was typed, even if not a time yet
            else:  # a draft kept by an earlier Spoke: the time it meant
                self.when.set_value(
                    moment.astimezone().replace(tzinfo=None) if moment is not None else None
                )
            self.duration.setValue(int(data.get("duration_minutes") or 0))
            for name in _CHOICES:
                select(self._box(name), data.get(name))
            for name in _TEXTS:
                self._text(name).setPlainText(str(data.get(name) or ""))
        finally:
            self._loading = False
        self._dirty = False
        self.summary.show_info(
            tr("Your unfinished session note has been brought back. Carry on where you left off.")
        )
        return True

    # ------------------------------------------------------------------ finalising
    def finalise(self) -> bool:
        """Check every rule, then store the session as final off the GUI thread (True: the
        save has started) and start a fresh form when it is stored. The note stays a draft
        (kept at lock) until the save has succeeded."""
        if self.saving:
            return False
        self.form.clear()
        self.summary.clear_message()
        problems = self.form.date_problems() + self.form.choice_problems()
        record = self._record()
        try:
            record.validate()
        except ValidationError as exc:
            given = {p.field for p in problems}  # a time Spoke could not read is said once
            problems += [p for p in exc.problems if p.field not in given]
        if problems:
            self._show_problems(ValidationError(problems))
            return False
        book = self._book
        answer = confirm_finalise(self, book, tr("session"))
        if not answer.finalise:
            return False

        self._draft_generation += 1  # an autosave not yet run must not bring the draft back
        guard = self._draft_guard

        def save() -> None:
            with guard:  # after an autosave already writing, never beside it
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
        self.summary.show_info(tr(
            "Session finalised and saved. It can no longer be changed; the form is ready "
            "for your next session."
        ))
        emit(self.status, tr("Session finalised."))
        emit(self.finalised, record.id)

    def _show_problems(self, error: ValidationError) -> None:
        """Each problem beside its field and in the summary, in the form's order."""
        self.form.show_problems(error, self.summary, tr("finalising"))

    def _clear(self) -> None:
        self._loading = True
        self._record_id = new_id()
        self.case_box.setCurrentIndex(0)
        self.when.set_value(None)  # not entered yet: the placeholder shows how to type it
        self.duration.setValue(0)  # not entered yet (shown as "Not entered")
        for name in _CHOICES:
            self._box(name).setCurrentIndex(0)
        for name in _TEXTS:
            self._text(name).clear()
        self.form.clear()
        self.summary.clear_message()
        self._loading = False
        self._dirty = False
