"""What every record form shares: labelled fields with a message beside each, the domain's
problems shown next to the field at fault, change tracking, and "keep or discard?" on leaving.

A form never invents its own rules: it builds the record and lets ``validate()`` (and, when
finalising, the casebook) say what is wrong; ``show_problems`` turns each ``Problem`` into
words next to its field ("Reason for referral is required.") and a summary at the top.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any, Final, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.i18n import translator
from spokeapp.store.casebook import Casebook
from spokeapp.ui.date_field import DateField
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.text_limit import attach as attach_limit
from spokeapp.ui.widgets import Hint, Message, close_and_save, submit_shortcut

tr = translator(__name__)

#: ``ask_discard(parent) -> True`` to throw the changes away. Tests replace it.
DiscardQuestion = Callable[[QWidget], bool]


def ask_discard(parent: QWidget) -> bool:
    answer = QMessageBox.question(
        parent,
        tr("Discard changes?"),
        tr("You have changes that are not saved. Close and lose them?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


E = TypeVar("E", bound=Enum)

#: Property of a combo box whose blank first item must be replaced by a choice before saving.
REQUIRED_CHOICE: Final = "spoke_required_choice"


def choice_box(choices: Mapping[Any, str], *, blank: str | None = None,
               required: bool = False) -> QComboBox:
    """A combo box of (value -> words); ``blank`` adds a first "nothing chosen" item.
    ``required``: the worker must choose (no default stands in for a fact they did not give;
    :meth:`FieldForm.choice_problems` refuses the blank)."""
    box = QComboBox()
    if blank is not None:
        box.addItem(blank, None)
        box.setProperty(REQUIRED_CHOICE, required)
    for value, text in choices.items():
        box.addItem(text, value.value if isinstance(value, Enum) else value)
    return box


def chosen(box: QComboBox, kind: type[E], unchosen: E) -> E:
    """The value chosen in ``box`` as ``kind``; ``unchosen`` only to build a record that is
    never saved (a required blank is refused first, by ``choice_problems``)."""
    value = box.currentData()
    return unchosen if value is None else kind(value)


def select(box: QComboBox, value: object) -> None:
    """Choose the item whose data equals ``value`` (the first item if none does). Compared in
    Python: Qt's ``findData`` compares a Python object such as a tuple by identity, so an
    equal tuple given again would not be found."""
    box.setCurrentIndex(next((n for n in range(box.count()) if box.itemData(n) == value), 0))


#: The casebook setting that turns off "Finalise this ...?" ("no": do not ask).
ASK_FINALISE_SETTING = "ask_before_finalising"


@dataclass(frozen=True)
class FinaliseAnswer:
    """The worker's answer to "Finalise this ...?": go ahead, and whether to ask again."""

    finalise: bool
    ask_again: bool = True


#: ``ask_finalise(parent, what) -> FinaliseAnswer``. Tests replace it (on this module).
FinaliseQuestion = Callable[[QWidget, str], FinaliseAnswer]


def ask_finalise(parent: QWidget, what: str) -> FinaliseAnswer:
    """The one pause before a step that cannot be undone, in plain words."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    question = tr("Finalise this {what}?").format(what=what)
    box.setWindowTitle(question)
    box.setText(question)
    box.setInformativeText(
        tr("Once finalised it cannot be changed; corrections are added as amendments.")
    )
    go = box.addButton(tr("&Finalise"), QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(tr("&Go back"), QMessageBox.ButtonRole.RejectRole)
    go.setAccessibleName(tr("Finalise this {what}").format(what=what))
    back.setAccessibleName(tr("Go back without finalising"))
    box.setDefaultButton(go)
    box.setEscapeButton(back)
    tick = QCheckBox(tr("&Don't ask again"), box)
    tick.setAccessibleName(tr("Don't ask again before finalising"))
    box.setCheckBox(tick)
    box.exec()
    return FinaliseAnswer(box.clickedButton() is go, ask_again=not tick.isChecked())


def confirm_finalise(parent: QWidget, book: Casebook, what: str) -> FinaliseAnswer:
    """Ask before finalising, unless the worker said not to (a casebook setting). When the
    answer says "don't ask again", the caller stores it with :func:`remember_answer` in the
    same write as the record."""
    if book.setting(ASK_FINALISE_SETTING) == "no":
        return FinaliseAnswer(True, ask_again=False)
    return ask_finalise(parent, what)  # a module global, looked up at each call (tests)


def remember_answer(book: Casebook, answer: FinaliseAnswer) -> None:
    """Store "don't ask again" (call inside the write that finalises)."""
    if not answer.ask_again and book.setting(ASK_FINALISE_SETTING) != "no":
        book.set_setting(ASK_FINALISE_SETTING, "no")


def date_edit(
    day: date | None, *, today: date | None = None, past_only: bool = False,
    required: bool = True,
) -> DateField:
    """A typed date (see :class:`DateField`), showing ``day`` (``None``: empty until typed);
    ``today`` (default: ``day``) is what "today", "yesterday" and a missing year mean."""
    anchor = today or day
    edit = DateField(
        past_only=past_only,
        required=required,
        clock=(lambda: datetime.combine(anchor, time(23, 59))) if anchor else _now,
    )
    edit.set_value(day)
    return edit


def _now() -> datetime:
    return datetime.now().astimezone().replace(tzinfo=None)


def day_of(edit: DateField | QDateEdit) -> date:
    """The field's date. A field with nothing readable in it gives its "today" as a stand-in
    that is never saved: :meth:`FieldForm.date_problems` refuses the form first."""
    if isinstance(edit, QDateEdit):
        value: date = edit.date().toPython()
        return value
    return edit.day() or edit.today()


def text_box(min_lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, so forms work from the keyboard
    line = box.fontMetrics().lineSpacing()
    box.setMinimumHeight(line * min_lines + 12)
    box.setMaximumHeight(line * (min_lines + 4) + 12)
    attach_limit(box)  # "12,400 of 250,000 characters" once the text is long (the hub's limit)
    return box


def plain(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    raise TypeError(type(widget).__name__)


def watch(widget: QWidget, changed: Callable[..., None]) -> None:
    """Call ``changed`` whenever the worker edits ``widget``."""
    if isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(changed)
    elif isinstance(widget, QLineEdit):
        widget.textEdited.connect(changed)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(changed)
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(changed)
    elif isinstance(widget, QDateEdit):
        widget.dateChanged.connect(changed)
    elif isinstance(widget, DateField):
        widget.changed.connect(changed)
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(changed)


def capture_fields(inputs: Mapping[str, QWidget]) -> dict[str, Any]:
    """What is typed into each field, as JSON-ready values (for a draft kept on lock)."""
    state: dict[str, Any] = {}
    for name, widget in inputs.items():
        if isinstance(widget, QPlainTextEdit):
            state[name] = widget.toPlainText()
        elif isinstance(widget, QLineEdit):
            state[name] = widget.text()
        elif isinstance(widget, QComboBox):
            state[name] = {"data": widget.currentData(), "index": widget.currentIndex()}
        elif isinstance(widget, QSpinBox):
            state[name] = widget.value()
        elif isinstance(widget, QDateEdit):
            state[name] = day_of(widget).isoformat()
        elif isinstance(widget, DateField):
            state[name] = widget.text()  # as typed, even if not a date yet
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state[name] = widget.isChecked()
    return state


def restore_fields(inputs: Mapping[str, QWidget], state: Mapping[str, Any]) -> None:
    """Put back what :func:`capture_fields` kept; fields it does not know are left alone."""
    for name, value in state.items():
        widget = inputs.get(name)
        if widget is None:
            continue
        if isinstance(widget, QPlainTextEdit) and isinstance(value, str):
            widget.setPlainText(value)
        elif isinstance(widget, QLineEdit) and isinstance(value, str):
            widget.setText(value)
        elif isinstance(widget, QComboBox) and isinstance(value, dict):
            found = widget.findData(value.get("data")) if value.get("data") is not None else -1
            index = found if found >= 0 else int(value.get("index", 0))
            if 0 <= index < widget.count():
                widget.setCurrentIndex(index)
        elif isinstance(widget, QSpinBox) and isinstance(value, int):
            widget.setValue(value)
        elif isinstance(widget, QDateEdit) and isinstance(value, str):
            day = date.fromisoformat(value)
            widget.setDate(QDate(day.year, day.month, day.day))
        elif isinstance(widget, DateField) and isinstance(value, str):
            widget.set_text(value)  # an older draft's ISO date reads back the same
        elif isinstance(widget, QAbstractButton) and isinstance(value, bool):
            widget.setChecked(value)


class FieldForm:
    """Fields in a ``QFormLayout``, each with a mnemonic label and an inline problem message."""

    def __init__(self, owner: QWidget, labels: Mapping[str, str]) -> None:
        self.owner = owner
        self.labels = dict(labels)  # field name -> plain words, as messages use them
        self.widget = QWidget(owner)
        self.layout = QFormLayout(self.widget)
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, Message] = {}
        self.rows: dict[str, int] = {}
        #: The problems shown now, in the form's order (each goes when its field is edited).
        self._shown: list[tuple[str, str]] = []
        self._unplaced: list[str] = []
        self._summary: Message | None = None
        self._action = ""
        #: What the summary says first, asked afresh at each count ("" for nothing): the risk
        #: form's questions still unanswered, which belong to no one field.
        self.lead: Callable[[], str] = lambda: ""

    def add(self, name: str, mnemonic: str, widget: QWidget, *, hint: str = "") -> QWidget:
        """Add a field; ``mnemonic`` is the label with ``&`` before its Alt+letter."""
        widget.setParent(self.widget)
        widget.setAccessibleName(self.labels.get(name, name))
        if hint:
            widget.setAccessibleDescription(hint)
            widget.setToolTip(hint)
        if isinstance(widget, DateField):
            # Its words beside it are where its problems show, too (one line, not two).
            widget.set_name(self.labels.get(name, name), hint)
            error = widget.status
        else:
            error = Message(self.widget, name=tr("Problem with {field}").format(
                field=self.labels.get(name, name)))
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            note = Hint(hint, self.widget)  # muted, yet 4.5:1 against the window
            # Right under its field: a dialog's spare height went to the hint, which drew
            # its words in the middle of it, a gap away from the field they are about.
            note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            column.addWidget(note)
        if not isinstance(widget, DateField):
            column.addWidget(error)
        if isinstance(widget, QCheckBox):
            self.layout.addRow("", column)
        else:
            label = QLabel(tr("{label}:").format(label=mnemonic), self.widget)
            label.setBuddy(widget)
            self.layout.addRow(label, column)
        self.inputs[name] = widget
        self.errors[name] = error
        self.rows[name] = self.layout.rowCount() - 1
        watch(widget, lambda *_args: self.edited(name))
        return widget

    def absorb(self, form: FieldForm) -> None:
        """Take in the fields of ``form`` (shown in a box of their own), after this form's own:
        one summary, in the order the fields are on screen, for a dialog with several boxes."""
        start = len(self.rows)
        for name, widget in form.inputs.items():
            self.inputs[name] = widget
            self.errors[name] = form.errors[name]
            self.rows[name] = start + form.rows[name]
            watch(widget, lambda *_args, name=name: self.edited(name))

    def edited(self, name: str) -> None:
        """The worker changed ``name``: its problem goes (the save checks again) and the
        summary counts what is left."""
        if not any(field == name for field, _text in self._shown):
            return
        self._shown = [(field, text) for field, text in self._shown if field != name]
        if not isinstance(self.inputs.get(name), DateField):  # a date field redraws itself
            self.errors[name].clear_message()
        self._show_summary()

    def choice_problems(self) -> list[Problem]:
        """Each required choice left on its blank first item ("Choose…")."""
        return [
            Problem(name, tr("must be chosen"))
            for name, widget in self.inputs.items()
            if isinstance(widget, QComboBox) and widget.property(REQUIRED_CHOICE)
            and widget.currentData() is None and self._shown_now(widget)
        ]

    def date_problems(self) -> list[Problem]:
        """What is wrong with the typed dates (not readable, or needed and empty)."""
        problems: list[Problem] = []
        for name, widget in self.inputs.items():
            if isinstance(widget, DateField) and self._shown_now(widget):
                problem = widget.problem()
                if problem is not None:
                    problems.append(Problem(name, problem))
        return problems

    def _shown_now(self, widget: QWidget) -> bool:
        """``widget`` is on the form as it stands (not in a row or box hidden for now). Judged
        within the form's owner, so a form on a page of a stack is checked even while another
        page shows."""
        return widget.isVisibleTo(self.owner)

    def set_visible(self, name: str, visible: bool) -> None:
        self.layout.setRowVisible(self.rows[name], visible)

    def show_problems(self, error: ValidationError, summary: Message, action: str) -> None:
        """Each problem beside its field (or in the summary), in the order the fields are on
        the form; focus on the first one. Each goes as soon as its field is edited."""
        self.clear()
        self._summary, self._action = summary, action
        first: QWidget | None = None
        last = len(self.rows)
        ordered = sorted(error.problems, key=lambda p: self.rows.get(p.field, last))
        for problem in ordered:
            text = tr("{field} {problem}.").format(
                field=self._label(problem.field), problem=problem.message)
            message = self.errors.get(problem.field)
            if message is None:
                self._unplaced.append(text)
                continue
            self._shown.append((problem.field, text))
            shown = self.inputs.get(problem.field)
            if isinstance(shown, DateField):
                shown.show_problem(text)
            else:
                message.show_error(text)
            first = first or shown
        self._show_summary()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            scroll = first.parentWidget()
            while scroll is not None and not isinstance(scroll, QScrollArea):
                scroll = scroll.parentWidget()
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(first)

    def recount(self) -> None:
        """Say again what is still wrong in the summary, no more (after a change the form
        itself made, such as a row hidden with its problem)."""
        self._show_summary()

    def _show_summary(self) -> None:
        summary = self._summary
        if summary is None:
            return
        lines = [text for _field, text in self._shown] + self._unplaced
        lead = self.lead()
        if not lines:
            if lead:
                summary.show_error(lead)
                summary.setAccessibleDescription(lead)
            else:
                summary.clear_message()
                summary.setAccessibleDescription("")
            return
        names = [self._label(field) for field, _text in self._shown]
        count = len(lines)
        if names:
            text = tr.plural(
                count, "Please fix {n} thing before {action}: {fields}.",
                "Please fix {n} things before {action}: {fields}.",
            ).format(action=self._action, fields=", ".join(dict.fromkeys(names)))
        else:
            text = tr.plural(count, "Please fix {n} thing before {action}.",
                             "Please fix {n} things before {action}.").format(action=self._action)
        if self._unplaced:
            text = " ".join([text, *self._unplaced])
        summary.show_error(" ".join([lead, text]) if lead else text)
        summary.setAccessibleDescription("\n".join([lead, *lines] if lead else lines))

    def _label(self, field: str) -> str:
        return self.labels.get(field, field.replace("_", " ").capitalize())

    def clear(self) -> None:
        for name, message in self.errors.items():
            widget = self.inputs.get(name)
            if isinstance(widget, DateField):
                widget.redraw()
            else:
                message.clear_message()
        self._shown, self._unplaced = [], []


class RecordDialog(QDialog):
    """A dialog holding one record form: scrolls when the screen is small or scaled up, and
    asks before throwing away changes (Esc, Close, or the window's close button)."""

    ask_discard: DiscardQuestion = staticmethod(ask_discard)
    #: Names the form in a draft kept when Spoke locks (None: the form is not kept).
    draft_kind: str | None = None

    def __init__(
        self, title: str, parent: QWidget | None = None, *, tasks: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        #: Runs the save off the GUI thread: the main window and its pages give every dialog
        #: their runner (so locking waits for the save); one built without (a test's) gets its
        #: own. Either way the save goes through ``TaskRunner.write``, never in place.
        self.tasks = tasks if tasks is not None else TaskRunner(self, max_threads=1)
        self.setWindowTitle(title)
        self.setModal(True)
        self.dirty = False
        #: A save is running (Esc and Close wait for it).
        self.saving = False
        self._loading = False
        self.summary = Message(self, name=tr("Problems with this {record}").format(
            record=title.lower()))
        self.body = QVBoxLayout()
        inner = QWidget(self)
        inner.setLayout(self.body)
        self.scroll = QScrollArea(self)
        self.scroll.setAccessibleName(tr("Form"))
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(inner)
        # Rows wrap first; only on a very small or very scaled-up screen (200% on a laptop)
        # does a scroll bar appear, so no field is ever cut off out of reach.
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.footer = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(self.footer)
        submit_shortcut(self, self.accept_shortcut)

    def accept_shortcut(self) -> None:
        """Ctrl+Enter: the dialog's main action (subclasses decide what that is)."""

    def add_close_and_save(self, save_text: str, save_name: str) -> None:
        """The footer's "Close (Esc)" and main button (the default: Enter), right-aligned;
        they call :meth:`reject` and the subclass's ``save``."""
        self.cancel_button, self.save_button, row = close_and_save(self, save_text, save_name)
        self.footer.addLayout(row)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)

    def save(self) -> bool:
        """The main action of a dialog with :meth:`add_close_and_save` (subclasses)."""
        raise NotImplementedError

    def finalise_record(self, book: Casebook, record: Any, doing: str, saved: Any) -> bool:
        """Validate ``record`` (problems go beside their fields, ``self.form``, and in the
        summary: "... while {doing}"; False, nothing saved), then save it finalised in ``book``
        off the GUI thread (True: the save has started). When it is saved ``saved`` (a signal)
        is emitted with its id and the dialog closes; the buttons are disabled meanwhile."""
        if self.saving:  # Ctrl+Enter again while the first save runs
            return False
        problems = self.form.date_problems() + self.form.choice_problems()
        try:
            record.validate()
        except ValidationError as exc:
            typed = {p.field for p in problems}  # a date Spoke could not read is said once
            problems += [p for p in exc.problems if p.field not in typed]
        if problems:
            self.form.show_problems(ValidationError(problems), self.summary, doing)
            return False
        answer = confirm_finalise(self, book, self.windowTitle().lower())
        if not answer.finalise:
            return False

        def finalise() -> None:
            book.save(record, finalise=True)
            remember_answer(book, answer)

        return self.write(
            finalise,
            lambda _stored: self._finalised(record.id, saved),
            lambda exc: self._not_finalised(exc, doing),
        )

    def write(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> bool:
        """Save through the runner with this dialog's buttons held. While the save runs the
        form is not "changed" (its content is being saved, so locking keeps no draft of it);
        if the save fails it is changed again."""
        was_dirty, self.dirty = self.dirty, False
        self.saving = True

        def done(result: Any) -> None:
            self.saving = False
            on_done(result)

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.dirty = self.dirty or was_dirty
            on_error(exc)

        self.tasks.write(fn, done, failed, owner=self, busy=self.busy_widgets())
        return True

    def busy_widgets(self) -> list[QWidget]:
        """What is disabled while a save runs: the dialog's buttons."""
        return list(self.findChildren(QPushButton))

    def _finalised(self, record_id: str, saved: Any) -> None:
        self.dirty = False
        emit(saved, record_id)
        self.accept()

    def _not_finalised(self, exc: BaseException, doing: str) -> None:
        if isinstance(exc, ValidationError):
            self.form.show_problems(exc, self.summary, doing)
        elif isinstance(exc, SpokeError):
            self.summary.show_error(tr("This could not be saved: {reason}").format(reason=exc))
        else:
            raise exc

    def changed(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def fit_to_screen(self, width_chars: int = 80) -> None:
        """A comfortable size measured in text, never more than the screen can show."""
        metrics = self.fontMetrics()
        width = metrics.averageCharWidth() * width_chars
        height = metrics.lineSpacing() * 40
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.95))
            height = min(height, int(available.height() * 0.9))
        self.resize(width, height)

    def draft_inputs(self) -> Mapping[str, QWidget]:
        """The fields a draft keeps (subclasses that set ``draft_kind`` say which)."""
        return {}

    def draft_context(self) -> dict[str, str]:
        """What is needed to open the same form again (a case id, a record id...)."""
        return {}

    def draft(self) -> dict[str, Any]:
        """Everything needed to bring this half-typed form back after unlocking."""
        return {
            "kind": self.draft_kind,
            "context": self.draft_context(),
            "fields": capture_fields(self.draft_inputs()),
        }

    def restore_draft(self, fields: Mapping[str, Any]) -> None:
        """Put back a draft's fields; the form counts as changed (not saved yet)."""
        self._loading = True
        try:
            restore_fields(self.draft_inputs(), fields)
        finally:
            self._loading = False
        self.dirty = True
        self.summary.show_info(tr(
            "What you were typing when Spoke locked was kept. Carry on, save it, or close to "
            "discard it."
        ))

    def reject(self) -> None:
        if self.saving:
            return
        if self.dirty and not type(self).ask_discard(self):
            return
        self.dirty = False
        super().reject()
