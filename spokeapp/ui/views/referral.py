"""Referrals: take a referral in, record consent, and make the threshold decision.

A referral needs a young person to point at, so the young person's details are stored with the
referral. Accepting it opens their case (with its lawful basis); declining needs a reason; a
waiting list is a decision too. The Referrals page lists every referral, newest first, and
beside the list the selected referral's documents (a referral letter usually arrives with the
referral, before any case: ``AttachmentsPanel`` with ``for_referral``); the case opened from
it lists them too.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Final

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    REFERRAL_DECISION_CHOICES,
    REFERRAL_DECISION_LABELS,
    Case,
    LawfulBasis,
    Referral,
    ReferralDecision,
    SourceType,
    YoungPerson,
    choice_label,
)
from spokeapp.i18n import day, translator
from spokeapp.present.areas import list_hint, postcode_hint, stored_areas
from spokeapp.present.people import load_people
from spokeapp.present.young_person import correction, parse_date_of_birth, typed_day
from spokeapp.store.casebook import Casebook
from spokeapp.ui.forms import (
    FieldForm,
    RecordDialog,
    choice_box,
    chosen,
    date_edit,
    day_of,
    plain,
    select,
    text_box,
    watch,
)
from spokeapp.ui.models.rows import KEY_ROLE, SORT_ROLE, Row, RowsModel
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.area_choice import AreaChoice, district_box
from spokeapp.ui.views.attachments import AttachmentsPanel
from spokeapp.ui.views.young_person_dialog import date_of_birth_box, dob_hint
from spokeapp.ui.widgets import heading, paragraph, rows_table, shown_key

tr = translator(__name__)

SOURCE_TYPES: Final = {
    SourceType.POLICE: tr.noop("Police"),
    SourceType.CHILDRENS_SOCIAL_CARE: tr.noop("Children's social care"),
    SourceType.EDUCATION: tr.noop("School or college"),
    SourceType.HEALTH: tr.noop("Health"),
    SourceType.YOUTH_OFFENDING: tr.noop("Youth justice"),
    SourceType.VOLUNTARY_SECTOR: tr.noop("Voluntary sector"),
    SourceType.FAMILY: tr.noop("Family or carer"),
    SourceType.SELF: tr.noop("The young person themselves"),
    SourceType.OTHER: tr.noop("Other"),
}
LAWFUL_BASES: Final = {
    LawfulBasis.PUBLIC_TASK: tr.noop("Public task"),
    LawfulBasis.LEGITIMATE_INTERESTS: tr.noop("Legitimate interests"),
    LawfulBasis.CONSENT: tr.noop("Consent"),
    LawfulBasis.VITAL_INTERESTS: tr.noop("Vital interests"),
    LawfulBasis.LEGAL_OBLIGATION: tr.noop("Legal obligation"),
}


def source_type_label(source_type: str) -> str:
    """Who referred, in the reader's language ("" for a kind this laptop does not know)."""
    words = SOURCE_TYPES.get(source_type, "")
    return tr(words) if words else ""


def lawful_basis_label(basis: str) -> str | None:
    """The lawful basis in the reader's language (None: not one of this form's choices)."""
    words = LAWFUL_BASES.get(basis)
    return tr(words) if words else None
LABELS: Final = {
    "name": tr.noop("Full name"),
    "preferred_name": tr.noop("Name they like to be called"),
    "date_of_birth": tr.noop("Date of birth"),
    "reference": tr.noop("Reference"),
    "gender": tr.noop("Gender (in their words)"),
    "ethnicity": tr.noop("Ethnicity (in their words)"),
    "needs": tr.noop("Needs and how they like to be contacted"),
    "received_on": tr.noop("Date received"),
    "source_agency": tr.noop("Referred by (agency)"),
    "source_type": tr.noop("Kind of referrer"),
    "reason": tr.noop("Reason for referral"),
    "consent_to_share": tr.noop("The young person agrees to information being shared"),
    "consent_notes": tr.noop("Notes on consent"),
    "decision": tr.noop("Decision"),
    "decline_reason": tr.noop("Reason for declining"),
    "decided_on": tr.noop("Date of decision"),
    "lawful_basis": tr.noop("Lawful basis for holding the case"),
    "postcode_district": tr.noop("Postcode district"),
    "local_authority": tr.noop("Local authority area"),
}


def _translated(table: Mapping[Any, str]) -> dict[Any, str]:
    """One of this module's tables in the language Spoke is shown in."""
    return {key: tr(words) for key, words in table.items()}

#: The young person's details the referral form shows (the rest are corrected on the case page).
_REFERRAL_PERSON_FIELDS: Final = (
    "reference", "name", "date_of_birth", "preferred_name", "gender", "ethnicity", "needs",
)


def next_reference(existing: list[str]) -> str:
    """The next free "YP-0001"-style reference."""
    numbers = [int(m.group(1)) for r in existing if (m := re.fullmatch(r"YP-(\d+)", r))]
    return f"YP-{max(numbers, default=0) + 1:04d}"


class ReferralDialog(RecordDialog):
    """A new referral, or the decision on one. ``saved(referral_id, case_id or "")``."""

    saved = Signal(str, str)

    def __init__(
        self,
        book: Casebook,
        *,
        today: date,
        referral: Referral | None = None,
        person: YoungPerson | None = None,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(tr("Referral") if referral else tr("New referral"), parent, tasks=tasks)
        self._book = book
        self._existing_referral = referral is not None
        self._today = today
        self.referral_id = referral.id if referral else new_id()
        self.person_id = person.id if person else new_id()
        #: The person as stored: details the form does not show (corrected since) are kept.
        self._person = person

        labels = _translated(LABELS)
        person_box = QGroupBox(tr("Young person"), self)
        self.person_form = FieldForm(person_box, labels)
        f = self.person_form
        self.name = f.add("name", tr("Full &name"), QLineEdit())
        self.preferred_name = f.add("preferred_name", tr("&Likes to be called"), QLineEdit())
        # Typed, never defaulted: empty until the worker enters it (issue 16).
        self.date_of_birth = date_of_birth_box()
        f.add("date_of_birth", tr("Date of &birth"), self.date_of_birth, hint=dob_hint())
        self.reference = f.add(
            "reference",
            tr("R&eference"),
            QLineEdit(),
            hint=tr("Shown instead of their name wherever the name is not needed."),
        )
        self.gender = f.add("gender", tr("&Gender"), QLineEdit())
        self.ethnicity = f.add("ethnicity", tr("E&thnicity"), QLineEdit())
        self.needs = f.add(
            "needs",
            tr("Needs and &contact"),
            text_box(3),
            hint=tr("For example: prefers texts after 4pm; does not want letters at home."),
        )
        QVBoxLayout(person_box).addWidget(f.widget)

        referral_box = QGroupBox(tr("Referral"), self)
        self.referral_form = FieldForm(referral_box, labels)
        r = self.referral_form
        # The days are typed, never today for the worker: each is a fact they give.
        self.received_on = r.add("received_on", tr("Date &received"),
                                 date_edit(None, today=today, past_only=True))
        self.source_agency = r.add("source_agency", tr("Referred b&y"), QLineEdit())
        self.source_type = r.add(
            "source_type", tr("&Kind of referrer"),  # never assumed
            choice_box(_translated(SOURCE_TYPES), blank=tr("Choose who referred them")),
        )
        self.reason = r.add("reason", tr("Reason for re&ferral"), text_box(4))
        consent = QCheckBox(tr("The young person agrees to infor&mation being shared"))
        self.consent = r.add("consent_to_share", "", consent)
        self.consent_notes = r.add("consent_notes", tr("Notes on c&onsent"), text_box(2))
        QVBoxLayout(referral_box).addWidget(r.widget)

        decision_box = QGroupBox(tr("Decision"), self)
        self.decision_form = FieldForm(decision_box, labels)
        d = self.decision_form
        decisions = {key: choice_label(REFERRAL_DECISION_CHOICES, key)
                     for key in REFERRAL_DECISION_CHOICES}
        self.decision = d.add("decision", tr("&Decision"), choice_box(decisions))
        self.decided_on = d.add("decided_on", tr("Date of dec&ision"),
                                date_edit(None, today=today, past_only=True))
        self.decline_reason = d.add("decline_reason", tr("W&hy declined"), text_box(2))
        self.lawful_basis = d.add(
            "lawful_basis",
            tr("La&wful basis"),  # never assumed
            choice_box(_translated(LAWFUL_BASES), blank=tr("Choose (agreed with your hub)")),
            hint=tr("Usually public task, not consent. Agreed with your hub."),
        )
        areas = stored_areas(book)
        self.postcode_district = d.add("postcode_district", tr("&Postcode district"),
                                       district_box(self), hint=postcode_hint())
        self.area = AreaChoice(areas, self)
        self.local_authority = d.add("local_authority", tr("Local a&uthority area"),
                                     self.area.box, hint=list_hint(areas))
        self.area.install(d, "local_authority")
        self.postcode_district.textEdited.connect(self.area.suggest_from)
        QVBoxLayout(decision_box).addWidget(d.widget)

        for box in (person_box, referral_box, decision_box):
            box.setAccessibleName(box.title())
            self.body.addWidget(box)
        self.fields = FieldForm(self, labels)
        for form in (self.person_form, self.referral_form, self.decision_form):
            self.fields.absorb(form)

        self.add_close_and_save(tr("&Save referral ({key})").format(
            key=shown_key("Ctrl+Return")), tr("Save referral"))
        self.decision.currentIndexChanged.connect(self._decision_changed)

        self._loading = True
        if person is not None:
            self._load_person(person)
        else:
            existing = [getattr(s.record, "reference", "") for s in book.records("young_person")]
            self.reference.setText(next_reference(existing))
        if referral is not None:
            self._load_referral(referral)
        self._loading = False
        for widget in self.fields.inputs.values():
            watch(widget, self.changed)
        self._decision_changed()
        order = [*self.fields.inputs.values(), self.cancel_button, self.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.fit_to_screen(84)
        self.name.setFocus()

    draft_kind = "referral"

    def draft_inputs(self) -> Mapping[str, QWidget]:
        # The postcode is only for the suggestion: never kept, not even in a draft.
        return {k: w for k, w in self.fields.inputs.items() if k != "postcode_district"}

    def draft_context(self) -> dict[str, str]:
        return {"referral_id": self.referral_id} if self._existing_referral else {}

    def _load_person(self, person: YoungPerson) -> None:
        self.name.setText(person.name)
        self.preferred_name.setText(person.preferred_name or "")
        self.date_of_birth.setText(typed_day(person.date_of_birth))
        self.reference.setText(person.reference)
        self.gender.setText(person.gender or "")
        self.ethnicity.setText(person.ethnicity or "")
        self.needs.setPlainText(person.needs)

    def _load_referral(self, referral: Referral) -> None:
        day = referral.received_on
        self.received_on.set_value(day)
        self.source_agency.setText(referral.source_agency)
        select(self.source_type, referral.source_type.value)
        self.reason.setPlainText(referral.reason)
        self.consent.setChecked(referral.consent_to_share)
        self.consent_notes.setPlainText(referral.consent_notes)
        select(self.decision, referral.decision.value)
        if referral.decided_on:
            day = referral.decided_on
            self.decided_on.set_value(day)
        self.decline_reason.setPlainText(referral.decline_reason)

    def _decision_changed(self, *_args: object) -> None:
        decision = ReferralDecision(self.decision.currentData())
        d = self.decision_form
        d.set_visible("decided_on", decision is not ReferralDecision.PENDING)
        d.set_visible("decline_reason", decision is ReferralDecision.DECLINED)
        d.set_visible("lawful_basis", decision is ReferralDecision.ACCEPTED)
        opens_case = decision is ReferralDecision.ACCEPTED and not self._case_open()
        d.set_visible("postcode_district", opens_case)
        d.set_visible("local_authority", opens_case)
        self.save_button.setText(
            tr("&Accept and open a case ({key})").format(key=shown_key("Ctrl+Return"))
            if decision is ReferralDecision.ACCEPTED
            else tr("&Save referral ({key})").format(key=shown_key("Ctrl+Return"))
        )

    def _case_open(self) -> bool:
        """True if this referral's case is open already (its area is set on the case)."""
        if not self._existing_referral:
            return False
        return any(getattr(s.record, "referral_id", None) == self.referral_id
                   for s in self._book.records("case"))

    def accept_shortcut(self) -> None:
        self.save()

    def records(self) -> tuple[YoungPerson, Referral]:
        decision = ReferralDecision(self.decision.currentData())
        try:
            dob = parse_date_of_birth(self.date_of_birth.text(), self._today)
        except ValidationError:
            # Never saved: ``save`` refuses until a date of birth is typed.
            dob = self._person.date_of_birth if self._person else self._today
        person = YoungPerson(
            id=self.person_id,
            reference=plain(self.reference),
            name=plain(self.name),
            date_of_birth=dob,
            preferred_name=plain(self.preferred_name) or None,
            gender=plain(self.gender) or None,
            ethnicity=plain(self.ethnicity) or None,
            needs=plain(self.needs),
        )
        if self._person is not None:
            # Details corrected since the referral (not on this form) are kept; a change made
            # here is a correction too, marked with who made it and when.
            edited = dataclasses.replace(
                self._person,
                **{name: getattr(person, name) for name in _REFERRAL_PERSON_FIELDS},
            )
            person = correction(
                self._person, edited, by=self._book.author, on=self._today
            ) or self._person
        referral = Referral(
            id=self.referral_id,
            young_person_id=self.person_id,
            received_on=day_of(self.received_on),
            source_agency=plain(self.source_agency),
            # Never saved unchosen: ``save`` refuses until the worker chooses.
            source_type=SourceType(self.source_type.currentData() or SourceType.OTHER),
            reason=plain(self.reason),
            decision=decision,
            decline_reason=(
                plain(self.decline_reason) if decision is ReferralDecision.DECLINED else ""
            ),
            decided_on=(None if decision is ReferralDecision.PENDING else day_of(self.decided_on)),
            consent_to_share=self.consent.isChecked(),
            consent_notes=plain(self.consent_notes),
        )
        return person, referral

    def save(self) -> bool:
        if self.saving:  # Ctrl+Enter again while the first save runs
            return False
        self.summary.clear_message()
        self.fields.clear()
        person, referral = self.records()
        problems: list[Problem] = self.fields.date_problems()
        try:
            parse_date_of_birth(self.date_of_birth.text(), self._today)
        except ValidationError as exc:
            problems.extend(exc.problems)
        if self.source_type.currentData() is None:
            problems.append(Problem("source_type", tr("is required: choose who referred them")))
        if (referral.decision is ReferralDecision.ACCEPTED and not self._case_open()
                and self.lawful_basis.currentData() is None):
            problems.append(Problem(
                "lawful_basis", tr("is required to open the case: choose the one agreed with "
                                   "your hub")))
        for record in (person, referral):
            try:
                record.validate()
            except ValidationError as exc:
                problems.extend(exc.problems)
        if referral.decision is ReferralDecision.ACCEPTED and not self._case_open():
            area_problem = self.area.problem()
            if area_problem is not None:
                problems.append(Problem("local_authority", area_problem))
        if problems:
            self.fields.show_problems(ValidationError(problems), self.summary, tr("saving"))
            return False
        book = self._book
        lawful_basis = chosen(self.lawful_basis, LawfulBasis, LawfulBasis.PUBLIC_TASK)
        area = self.area.value()

        def write() -> str:
            book.save(person)
            book.save(referral)
            if referral.decision is ReferralDecision.ACCEPTED:
                return _open_case(book, referral, lawful_basis, area)
            return ""

        def done(case_id: str) -> None:
            self.dirty = False
            emit(self.saved, referral.id, case_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, SpokeError):
                raise exc
            self.summary.show_error(
                tr("The referral could not be saved: {reason}").format(reason=exc))

        return self.write(write, done, failed)


def _open_case(
    book: Casebook, referral: Referral, lawful_basis: LawfulBasis, area: str | None
) -> str:
    """Open the case of an accepted referral (once: accepted again, the case is the same)."""
    for stored in book.records("case"):
        if getattr(stored.record, "referral_id", None) == referral.id:
            return str(stored.record.id)  # accepted before: the case is already open
    assert referral.decided_on is not None
    case = Case(
        id=new_id(),
        young_person_id=referral.young_person_id,
        key_worker=book.author,
        opened_on=referral.decided_on,
        referral_id=referral.id,
        lawful_basis=lawful_basis,
        local_authority=area,
    )
    book.save(case)
    return case.id


@dataclasses.dataclass(frozen=True, slots=True)
class _Referrals:
    """What the Referrals page reads in one go, off the GUI thread."""

    found: list[tuple[Referral, YoungPerson | None]]
    #: The name directory (user id -> name): who added each document.
    names: dict[str, str]


def _load_referrals(book: Casebook) -> _Referrals:
    people = {s.record.id: s.record for s in book.records("young_person")}
    found: list[tuple[Referral, YoungPerson | None]] = []
    for stored in book.records("referral"):
        referral = stored.record
        assert isinstance(referral, Referral)
        person = people.get(referral.young_person_id)
        found.append((referral, person if isinstance(person, YoungPerson) else None))
    return _Referrals(found, load_people(book))


def _casebook_today(book: Casebook) -> date:
    """Today by the casebook's clock (the day records are written on)."""
    return datetime.fromisoformat(book.now()).astimezone().date()


class ReferralsPage(QWidget):
    """Every referral, undecided ones first; Enter opens one to record the decision. Beside
    the list, the selected referral's documents (add, preview, open a copy, new version)."""

    open_referral = Signal(str)

    def __init__(self, book: Casebook, tasks: TaskRunner, parent: QWidget | None = None, *,
                 today: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        self._book = book
        self._tasks = tasks
        self._found: dict[str, tuple[Referral, YoungPerson | None]] = {}
        self._loaded_once = False
        self._selecting = False  # ``select`` tells the Documents once, when it is done
        self.model = RowsModel(
            (tr("Received"), tr("Reference"), tr("Referred by"), tr("Decision"),
             tr("Consent to share")), self
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = rows_table(self.proxy, tr("Referrals"), self, lines=None, wrap=True,
                                sortable=True)
        self.new_button = QPushButton(tr("&New referral ({key})").format(
            key=shown_key("Ctrl+Shift+N")), self)
        self.new_button.setAccessibleName(tr("New referral"))
        self.open_button = QPushButton(tr("&Open and decide (Enter)"), self)
        self.open_button.setAccessibleName(tr("Open the selected referral"))
        self.empty = QLabel(tr("No referrals yet. Press New referral to take one in."), self)
        # The selected referral's documents: "Add file…" (Ctrl+Shift+F) answers anywhere on
        # this page, so a worker on the list adds the letter to the referral chosen there.
        self.documents = AttachmentsPanel(
            book, tasks, today=today or (lambda: _casebook_today(book)),
            shortcut_scope=self, for_referral=True, parent=self,
        )
        self.documents.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        listed = QVBoxLayout()
        listed.addWidget(self.table, 1)
        listed.addWidget(self.empty)
        side_by_side = QHBoxLayout()
        side_by_side.addLayout(listed, 3)
        # As tall as its list needs (a short list, or none, leaves no empty box below it).
        side_by_side.addWidget(self.documents, 2, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Referrals"), self))
        layout.addWidget(
            paragraph(
                tr("Take in a referral, record whether the young person agrees to information "
                   "being shared, and decide: accept, decline with a reason, or waiting list. "
                   "Keep the referral letter and other papers under Documents: the case "
                   "opened from the referral shows them too."),
                self,
            )
        )
        layout.addLayout(buttons)
        layout.addLayout(side_by_side, 1)
        self.table.activated.connect(self._activated)
        self.open_button.clicked.connect(lambda: self._activated(self.table.currentIndex()))
        self.table.selectionModel().currentRowChanged.connect(self._selected_changed)
        for first, second in itertools.pairwise(
            (self.new_button, self.open_button, self.table, self.documents.table)
        ):
            QWidget.setTabOrder(first, second)

    def refresh(self) -> None:
        book = self._book
        self._tasks.submit(lambda: _load_referrals(book), self._loaded, owner=self)

    def selected_referral_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def select(self, referral_id: str | None) -> None:
        """Make ``referral_id`` the selected referral (the first row if it is not listed)."""
        rows = self.proxy.rowCount()
        if rows == 0:
            self._selected_changed()
            return
        row = next((n for n in range(rows)
                    if self.proxy.index(n, 0).data(KEY_ROLE) == referral_id), 0)
        self._selecting = True
        try:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.proxy.index(row, 0))
        finally:
            self._selecting = False
        self._selected_changed()  # read again even if it was already selected (a refresh)

    def _loaded(self, loaded: _Referrals) -> None:
        found = loaded.found
        previous = self.selected_referral_id()
        appeared = {referral.id for referral, _person in found} - set(self._found)
        if self._loaded_once and len(appeared) == 1:
            previous = next(iter(appeared))  # just taken in: ready for its letter
        self._loaded_once = True
        self._found = {referral.id: (referral, person) for referral, person in found}
        order = {
            ReferralDecision.PENDING: 0,
            ReferralDecision.WAITING_LIST: 1,
            ReferralDecision.ACCEPTED: 2,
            ReferralDecision.DECLINED: 3,
        }
        rows = [
            Row(
                cells=(
                    day(referral.received_on),
                    person.reference if person else tr("(unknown)"),
                    referral.source_agency,
                    choice_label(REFERRAL_DECISION_LABELS, referral.decision),
                    tr("Yes") if referral.consent_to_share else tr("No"),
                ),
                key=referral.id,
                sort=(
                    referral.received_on.toordinal(),
                    person.reference if person else "",
                    referral.source_agency.casefold(),
                    order[referral.decision],
                    referral.consent_to_share,
                ),
            )
            for referral, person in found
        ]
        self.model.set_rows(rows)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.empty.setVisible(not rows)
        self.documents.set_names(loaded.names)
        self.select(previous)

    def _selected_changed(self, *_args: object) -> None:
        """The Documents beside the list follow the selected referral."""
        if self._selecting:
            return
        shown = self._found.get(self.selected_referral_id() or "")
        # Nothing to open with no referral chosen (none yet): the button said it would open
        # one and did nothing.
        self.open_button.setEnabled(shown is not None)
        if shown is None:
            self.documents.show_referral(None)
            self.documents.hide()
            return
        referral, person = shown
        self.documents.show_referral(referral, reference=person.reference if person else "")
        self.documents.show()

    def _activated(self, index: Any) -> None:
        if index.isValid():
            emit(self.open_referral, index.data(KEY_ROLE))
