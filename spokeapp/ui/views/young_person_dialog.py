"""Correct the young person's details after the referral: names, date of birth, gender,
ethnic group (the census list, or their own words), how they like to be contacted and their
safe contact numbers. Saving writes a new version of the ``young_person`` header; the casebook
keeps the version it replaces, and the case page lists it under "Earlier versions".

The date of birth is typed (``dd/mm/yyyy``): the field starts empty on a new referral and is
never filled in for the worker (``date_of_birth_box``; the referral form uses it too).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping
from datetime import date
from typing import Final

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.records.casework import (
    CONTACT_METHOD_LABELS,
    ETHNIC_GROUP_HEADINGS,
    ETHNIC_GROUP_LABELS,
    MAX_SAFE_NUMBERS,
    ContactMethod,
    EthnicGroup,
    YoungPerson,
    choice_label,
)
from spokeapp.i18n import translator
from spokeapp.present.young_person import (
    changed_fields,
    correction,
    dob_placeholder,
    parse_date_of_birth,
    safe_number_rows,
    typed_day,
)
from spokeapp.store.casebook import Casebook
from spokeapp.ui.forms import FieldForm, RecordDialog, plain, text_box, watch
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import shown_key

tr = translator(__name__)

LABELS: Final = {
    "name": tr.noop("Full name"),
    "preferred_name": tr.noop("Name they like to be called"),
    "date_of_birth": tr.noop("Date of birth"),
    "gender": tr.noop("Gender (in their words)"),
    "ethnic_group": tr.noop("Ethnic group"),
    "ethnicity_described": tr.noop("Ethnicity in their own words"),
    "contact_professional": tr.noop("The professional to contact them through"),
    "leave_message": tr.noop("Leave a message"),
    "needs": tr.noop("Needs and contact"),
}
#: The ways of contact with their Alt+letter.
METHOD_MNEMONICS: Final = {
    ContactMethod.TEXT: tr.noop("Te&xt message"),
    ContactMethod.CALL: tr.noop("&Phone call"),
    ContactMethod.IN_PERSON: tr.noop("In pe&rson"),
    ContactMethod.THROUGH_PROFESSIONAL: tr.noop("Through a named pro&fessional"),
}
_LEAVE_MESSAGE: Final = {
    "not_asked": tr.noop("Not asked yet"),
    "yes": tr.noop("Yes, a message may be left"),
    "no": tr.noop("No, never leave a message"),
}


def dob_hint() -> str:
    """How to type a date of birth, under the field."""
    return tr("Typed as {format}, for example 04/12/2012.").format(format=dob_placeholder())


def labels() -> dict[str, str]:
    """The form's field names in words (a safe number's by its row), as messages use them."""
    words = {name: tr(text) for name, text in LABELS.items()}
    for i in range(MAX_SAFE_NUMBERS):
        row = i + 1
        words[f"safe_numbers[{i}]"] = tr("Safe number {row}").format(row=row)
        words[f"safe_number_whose[{i}]"] = tr("Whose phone is safe number {row}").format(row=row)
        words[f"safe_number_times[{i}]"] = tr("Safe times for number {row}").format(row=row)
    return words


_ROW_FIELD: Final = re.compile(r"(safe_numbers|safe_number_whose|safe_number_times)\[(\d+)\]")


def date_of_birth_box() -> QLineEdit:
    """A date of birth typed as ``dd/mm/yyyy``: empty at first, with the format shown."""
    box = QLineEdit()
    box.setPlaceholderText(dob_placeholder())
    box.setMaxLength(14)
    return box


def ethnic_group_box() -> QComboBox:
    """The census's groups under their five headings (headings cannot be chosen), then
    "Prefer not to say" and "Prefer to self-describe"; "Not recorded" first."""
    box = QComboBox()
    box.addItem(tr("Not recorded"), None)
    model = box.model()
    assert isinstance(model, QStandardItemModel)
    for heading, groups in ETHNIC_GROUP_HEADINGS:
        box.addItem(choice_label({heading: heading}, heading), None)  # the domain's words
        item = model.item(box.count() - 1)
        item.setEnabled(False)  # a heading, not a choice
        for group in groups:
            box.addItem("    " + choice_label(ETHNIC_GROUP_LABELS, group), group.value)
    for group in (EthnicGroup.PREFER_NOT_TO_SAY, EthnicGroup.SELF_DESCRIBED):
        box.addItem(choice_label(ETHNIC_GROUP_LABELS, group), group.value)
    box.setMaxVisibleItems(30)
    return box


def _line(form: FieldForm, name: str, mnemonic: str, *, hint: str = "") -> QLineEdit:
    box = QLineEdit()
    form.add(name, mnemonic, box, hint=hint)
    return box


class YoungPersonDialog(RecordDialog):
    """Correct a young person's details: ``saved(person id)`` once the new version is saved."""

    saved = Signal(str)
    #: A half-typed correction is kept (encrypted, in the casebook) when Spoke locks.
    draft_kind = "young_person"

    def __init__(
        self,
        book: Casebook,
        person: YoungPerson,
        *,
        case_id: str,
        today: date,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(tr("Correct their details"), parent, tasks=tasks)
        self._book = book
        self._today = today
        self.person = person
        self.case_id = case_id
        note = QLabel(tr(
            "Saving keeps the details as they are now as an earlier version, shown on the "
            "case page with who changed what and when."), self)
        note.setWordWrap(True)
        self.body.addWidget(note)

        words = labels()
        who_box = QGroupBox(tr("Who they are"), self)
        self.who_form = FieldForm(who_box, words)
        f = self.who_form
        self.name = _line(f, "name", tr("Full &name"))
        self.preferred_name = _line(f, "preferred_name", tr("&Likes to be called"))
        self.date_of_birth = date_of_birth_box()
        f.add("date_of_birth", tr("Date of &birth"), self.date_of_birth, hint=dob_hint())
        self.gender = _line(f, "gender", tr("&Gender"), hint=tr("In their own words."))
        census = tr("The group they say they belong to (2021 census list).")
        self.ethnic_group = ethnic_group_box()
        f.add(
            "ethnic_group", tr("E&thnic group"), self.ethnic_group,
            hint=tr("The group they say they belong to (2021 census list). Recorded at "
                    "referral, in the referrer's words: \u201c{words}\u201d.").format(
                        words=person.ethnicity) if person.ethnicity else census,
        )
        self.ethnicity_described = _line(f, "ethnicity_described", tr("In their &words"))
        QVBoxLayout(who_box).addWidget(f.widget)

        contact_box = QGroupBox(tr("How they like to be contacted"), self)
        self.contact_form = FieldForm(contact_box, words)
        c = self.contact_form
        self.methods: dict[ContactMethod, QCheckBox] = {}
        for method, mnemonic in METHOD_MNEMONICS.items():
            tick = QCheckBox(tr(mnemonic))
            c.add(f"contact_methods.{method.value}", "", tick)
            tick.setAccessibleName(
                tr("Contact by {way}").format(way=choice_label(CONTACT_METHOD_LABELS, method)))
            self.methods[method] = tick
        self.contact_professional = _line(
            c, "contact_professional", tr("Their name and r&ole"),
            hint=tr("For example: Demo Ash, school nurse (fictional)."))
        self.leave_message = QComboBox()
        c.add("leave_message", tr("Lea&ve a message"), self.leave_message)
        for key, choice in _LEAVE_MESSAGE.items():
            self.leave_message.addItem(tr(choice), key)
        self.needs = text_box(2)
        c.add("needs", tr("Needs and &contact"), self.needs,
              hint=tr("For example: prefers texts after 4pm; no letters at home."))
        QVBoxLayout(contact_box).addWidget(c.widget)

        numbers_box = QGroupBox(tr("Safe contact numbers"), self)
        self.numbers_form = FieldForm(numbers_box, words)
        n = self.numbers_form
        self.numbers: list[tuple[QLineEdit, QLineEdit, QLineEdit]] = []
        for i in range(MAX_SAFE_NUMBERS):
            number = _line(n, f"safe_numbers[{i}]", tr("Number &{row}").format(row=i + 1))
            whose = _line(n, f"safe_number_whose[{i}]", tr("Whose phone"))
            times = _line(n, f"safe_number_times[{i}]", tr("Safe times"))
            number.setPlaceholderText(tr("digits, spaces and +"))
            whose.setPlaceholderText(tr("e.g. their own, or a foster carer's"))
            times.setPlaceholderText(tr("e.g. weekdays after 4pm"))
            self.numbers.append((number, whose, times))
        QVBoxLayout(numbers_box).addWidget(n.widget)

        for box in (who_box, contact_box, numbers_box):
            box.setAccessibleName(box.title())
            self.body.addWidget(box)
        self.body.addStretch(1)  # spare height below the form, not inside a box
        self.fields = FieldForm(self, words)
        self.number_rows: list[int] = []
        for form in (self.who_form, self.contact_form, self.numbers_form):
            self.fields.inputs.update(form.inputs)
            self.fields.errors.update(form.errors)
        self.form = self.fields
        self.add_close_and_save(tr("&Save correction ({key})").format(
            key=shown_key("Ctrl+Return")), tr("Save correction"))

        self._loading = True
        self._load(person)
        self._loading = False
        for widget in self.fields.inputs.values():
            watch(widget, self.changed)
        self.ethnic_group.currentIndexChanged.connect(self._shown_fields)
        self.methods[ContactMethod.THROUGH_PROFESSIONAL].toggled.connect(self._shown_fields)
        self._shown_fields()
        order = [*self.fields.inputs.values(), self.cancel_button, self.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.fit_to_screen(84)
        self.name.setFocus()

    def draft_context(self) -> dict[str, str]:
        return {"case_id": self.case_id}

    def draft_inputs(self) -> Mapping[str, QWidget]:
        return self.fields.inputs

    def _load(self, person: YoungPerson) -> None:
        self.name.setText(person.name)
        self.preferred_name.setText(person.preferred_name or "")
        self.date_of_birth.setText(typed_day(person.date_of_birth))
        self.gender.setText(person.gender or "")
        group = person.ethnic_group.value if person.ethnic_group else None
        self.ethnic_group.setCurrentIndex(
            max(self.ethnic_group.findData(group), 0) if group else 0)
        self.ethnicity_described.setText(
            person.ethnicity_described or "")
        for method, box in self.methods.items():
            box.setChecked(method in person.contact_methods)
        self.contact_professional.setText(
            person.contact_professional or "")
        key = {None: "not_asked", True: "yes", False: "no"}[person.leave_message]
        self.leave_message.setCurrentIndex(self.leave_message.findData(key))
        self.needs.setPlainText(person.needs)
        for (number, whose, times), row in zip(self.numbers, safe_number_rows(person),
                                               strict=False):
            number.setText(row[0])
            whose.setText(row[1])
            times.setText(row[2])

    def _shown_fields(self, *_args: object) -> None:
        self.who_form.set_visible(
            "ethnicity_described",
            self.ethnic_group.currentData() == EthnicGroup.SELF_DESCRIBED.value)
        self.contact_form.set_visible(
            "contact_professional",
            self.methods[ContactMethod.THROUGH_PROFESSIONAL].isChecked())

    def accept_shortcut(self) -> None:
        self.save()

    def updated(self) -> tuple[YoungPerson, list[Problem]]:
        """The details as typed (the current date of birth kept where the typed one is
        refused), and the problems with the date of birth."""
        problems: list[Problem] = []
        typed = self.date_of_birth.text()
        try:
            dob = parse_date_of_birth(typed, self._today)
        except ValidationError as exc:
            problems.extend(exc.problems)
            dob = self.person.date_of_birth
        group_value = self.ethnic_group.currentData()
        group = EthnicGroup(group_value) if group_value else None
        described = plain(self.ethnicity_described)
        methods = tuple(m for m, box in self.methods.items() if box.isChecked())
        professional = plain(self.contact_professional)
        typed_rows = [(plain(a), plain(b), plain(c)) for a, b, c in self.numbers]
        # The form's row of each safe number kept (empty rows are left out).
        self.number_rows = [i for i, row in enumerate(typed_rows) if any(row)]
        rows = [typed_rows[i] for i in self.number_rows]
        leave = {"not_asked": None, "yes": True, "no": False}[
            str(self.leave_message.currentData())]
        person = dataclasses.replace(
            self.person,
            name=plain(self.name),
            preferred_name=plain(self.preferred_name) or None,
            date_of_birth=dob,
            gender=plain(self.gender) or None,
            ethnic_group=group,
            ethnicity_described=(described or None) if group is EthnicGroup.SELF_DESCRIBED
            else None,
            contact_methods=methods,
            contact_professional=(professional or None)
            if ContactMethod.THROUGH_PROFESSIONAL in methods else None,
            leave_message=leave,
            needs=plain(self.needs),
            safe_numbers=tuple(r[0] for r in rows),
            safe_number_whose=tuple(r[1] for r in rows),
            safe_number_times=tuple(r[2] for r in rows),
        )
        return person, problems

    def _on_form(self, problem: Problem) -> Problem:
        """A safe number's problem named by its row on the form (empty rows are not saved)."""
        found = _ROW_FIELD.fullmatch(problem.field)
        if found is None or int(found[2]) >= len(self.number_rows):
            return problem
        return Problem(f"{found[1]}[{self.number_rows[int(found[2])]}]", problem.message)

    def save(self) -> bool:
        if self.saving:  # Ctrl+Enter again while the first save runs
            return False
        self.summary.clear_message()
        self.fields.clear()
        person, problems = self.updated()
        try:
            person.validate()
        except ValidationError as exc:
            problems.extend(exc.problems)
        if problems:
            self.fields.show_problems(
                ValidationError([self._on_form(p) for p in problems]), self.summary,
                tr("saving"))
            return False
        new = correction(self.person, person, by=self._book.author, on=self._today)
        if new is None:
            self.summary.show_info(tr("Nothing has changed. Change a detail, or close."))
            return False
        book, original, changed = self._book, self.person, changed_fields(self.person, person)

        def write() -> str:
            # Only what was changed here goes on the latest version: a version pulled while
            # the form was open keeps its own changes to the other details.
            latest = book.get(original.id).record
            base = latest if isinstance(latest, YoungPerson) else original
            names = [*changed, "corrected_by", "corrected_on"]
            if "safe_numbers" in changed:
                names += ["safe_number_whose", "safe_number_times"]
            if "ethnic_group" in changed:
                names.append("ethnicity_described")
            if "contact_methods" in changed:
                names.append("contact_professional")
            book.save(dataclasses.replace(base, **{k: getattr(new, k) for k in names}))
            return new.id

        def done(person_id: str) -> None:
            self.dirty = False
            emit(self.saved, person_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.fields.show_problems(exc, self.summary, tr("saving"))
            elif isinstance(exc, SpokeError):
                self.summary.show_error(
                    tr("The details could not be saved: {reason}").format(reason=exc))
            else:
                raise exc

        return self.write(write, done, failed)
