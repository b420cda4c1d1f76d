"""Closing a case, step by step: why, the closing risk assessment (or why there is none), and
the outcome against the initial assessment, shown in words before anything is stored.

The outcome comes from ``closure_outcome`` (same tool version or "incomplete data", never a
guess). Confirming finalises a ``Closure`` and marks the case closed, both in one casebook
transaction (``Casebook.save_together``): either both are stored or neither is, so a refusal
leaves nothing behind and the worker can put it right and close the case again.

The first step lists every problem at once, as other forms do; the day closed cannot be after
today nor before the case was opened (said beside the field as soon as it is left). Typed
answers are not thrown away without asking: Esc, Cancel or the window's close button asks
"Discard changes?" once anything has been typed or chosen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Final

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from spokeapp.domain.closure import closure_outcome
from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    CLOSURE_REASON_CHOICES,
    OUTCOME_EXPLAINED,
    AssessmentType,
    Case,
    Closure,
    ClosureReason,
    Outcome,
    RiskAssessment,
    choice_label,
)
from spokeapp.domain.risk_tool import RiskTool
from spokeapp.i18n import day, translator
from spokeapp.present.closure import assessments_of, closed_case, initial_assessment
from spokeapp.present.dates import case_opened
from spokeapp.store.casebook import Casebook, StoredRecord
from spokeapp.ui.forms import (
    DiscardQuestion,
    FieldForm,
    ask_discard,
    choice_box,
    chosen,
    confirm_finalise,
    date_edit,
    day_of,
    remember_answer,
    text_box,
    watch,
)
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message

tr = translator(__name__)

LABELS: Final = {
    "reason": tr.noop("Reason for closing"),
    "reason_detail": tr.noop("More about the reason"),
    "closed_on": tr.noop("Date closed"),
    "closing_assessment_id": tr.noop("Closing risk assessment"),
    "no_assessment_reason": tr.noop("Why there is no closing assessment"),
    "outcome": tr.noop("Outcome"),
}


def _labels() -> dict[str, str]:
    return {name: tr(words) for name, words in LABELS.items()}

#: Opens the closing risk assessment form; calls back with the finalised assessment's id.
AssessmentStarter = Callable[[Callable[[str], None]], None]


class _ReasonPage(QWizardPage):
    def __init__(self, wizard: ClosureWizard, today: date) -> None:
        super().__init__(wizard)
        self.setTitle(tr("Why is the case closing?"))
        # A line under the title, as the next two steps have: the same heading on each step.
        self.setSubTitle(tr("Say why, and on which day the case closed."))
        #: Every problem of the step at once, as other forms list them.
        self.summary = Message(self, name=tr("Problems with this step"))
        self.form = FieldForm(self, _labels())
        # No reason is assumed: the reason feeds the funder's outcome figures.
        self.reason = self.form.add("reason", tr("&Reason"), choice_box(
            {key: choice_label(CLOSURE_REASON_CHOICES, key) for key in CLOSURE_REASON_CHOICES},
            blank=tr("Choose why the case is closing"), required=True))
        self.detail = self.form.add(
            "reason_detail",
            tr("&More about it"),
            text_box(3),
            hint=tr("Needed when the reason is 'Another reason'."),
        )
        # Typed, never today for the worker: the day the case closed is a fact they give.
        # Not after today, nor before the case was opened (said as soon as the field is left).
        closed_on = date_edit(None, today=today, past_only=True)
        closed_on.set_earliest(case_opened(wizard.case.opened_on))
        self.closed_on = self.form.add("closed_on", tr("&Date closed"), closed_on)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.form.widget)

    def problems(self) -> list[Problem]:
        """Everything wrong with this step, in the order of the page."""
        problems = self.form.choice_problems()
        if (
            self.reason.currentData() == ClosureReason.OTHER.value
            and not self.detail.toPlainText().strip()
        ):
            problems.append(Problem(
                "reason_detail", tr("is required when the reason is 'Another reason'")))
        return problems + self.form.date_problems()  # not typed, not a date, or out of range

    def validatePage(self) -> bool:
        self.form.clear()
        self.summary.clear_message()
        problems = self.problems()
        if problems:
            self.form.show_problems(ValidationError(problems), self.summary, tr("going on"))
            return False
        return True


class _AssessmentPage(QWizardPage):
    def __init__(self, wizard: ClosureWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(tr("Closing risk assessment"))
        self.setSubTitle(tr(
            "The outcome compares the closing assessment with the first one. If you could not "
            "do a closing assessment, say why."
        ))
        self.use_assessment = QRadioButton(tr("Use a closing &assessment"), self)
        self.use_assessment.setAccessibleName(tr("Use a closing assessment"))
        self.assessment = QComboBox(self)
        self.assessment.setAccessibleName(tr("Closing risk assessment"))
        self.new_button = QPushButton(tr("R&ecord the closing assessment now…"), self)
        self.new_button.setAccessibleName(tr("Record the closing assessment now"))
        self.no_assessment = QRadioButton(tr("There is n&o closing assessment"), self)
        self.no_assessment.setAccessibleName(tr("There is no closing assessment"))
        self.form = FieldForm(self, _labels())
        self.why_none = self.form.add("no_assessment_reason", tr("&Why not"), text_box(3))
        self.message = Message(self, name=tr("Problem with the closing assessment"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.use_assessment)
        layout.addWidget(self.assessment)
        layout.addWidget(self.new_button)
        layout.addSpacing(self.fontMetrics().height() // 2)
        layout.addWidget(self.no_assessment)
        layout.addWidget(self.form.widget)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.use_assessment.toggled.connect(self._mode)
        self.new_button.clicked.connect(self._new)

    def fill(self, assessments: Sequence[RiskAssessment], select_id: str | None = None) -> None:
        self.assessment.clear()
        tool = self.wizard_.tool
        for item in reversed(assessments):
            try:
                label = tool.band(item.effective_level).label
            except SpokeError:
                label = item.effective_level
            if item.assessment_type is AssessmentType.INITIAL:
                template = tr("Initial, {day}: {level}")
            elif item.assessment_type is AssessmentType.CLOSURE:
                template = tr("Closing, {day}: {level}")
            else:
                template = tr("Review, {day}: {level}")
            self.assessment.addItem(
                template.format(day=day(item.assessed_on), level=label), item.id)
        if select_id is not None:
            self.assessment.setCurrentIndex(max(0, self.assessment.findData(select_id)))
        closing = [a for a in assessments if a.assessment_type is AssessmentType.CLOSURE]
        if closing and select_id is None:
            self.assessment.setCurrentIndex(self.assessment.findData(closing[-1].id))
        has_any = self.assessment.count() > 0
        self.use_assessment.setEnabled(has_any)
        (self.use_assessment if closing or select_id else self.no_assessment).setChecked(True)
        self._mode()

    def _mode(self, *_args: object) -> None:
        using = self.use_assessment.isChecked()
        self.assessment.setEnabled(using)
        self.why_none.setEnabled(not using)

    def _new(self) -> None:
        self.wizard_.start_assessment(self.wizard_.assessment_recorded)

    def closing_id(self) -> str | None:
        return self.assessment.currentData() if self.use_assessment.isChecked() else None

    def validatePage(self) -> bool:
        self.form.clear()
        self.message.clear_message()
        if self.closing_id() is None and not self.why_none.toPlainText().strip():
            self.form.errors["no_assessment_reason"].show_error(
                tr("Say why there is no closing risk assessment, or record one now.")
            )
            self.why_none.setFocus()
            return False
        return True


class _OutcomePage(QWizardPage):
    def __init__(self, wizard: ClosureWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(tr("Outcome"))
        # Not "final": a closure is final once a supervisor signs it off, and one they return
        # reopens the case (the worker's guide, the Review page and the case page say so).
        self.setSubTitle(tr(
            "Check this before closing the case. The closure then goes to your supervisor to "
            "sign off; if they return it, the case opens again for you."))
        self.comparison = QLabel(self)
        self.comparison.setWordWrap(True)
        self.comparison.setAccessibleName(tr("Initial and closing risk"))
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName(tr("Outcome"))
        font = self.outcome.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.outcome.setFont(font)
        self.message = Message(self, name=tr("Problems with the closure"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.comparison)
        layout.addWidget(self.outcome)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.wizard_
        initial, closing = wizard.initial, wizard.closing()
        wizard.outcome = closure_outcome(initial, closing, wizard.tool)
        self.comparison.setText(
            tr("At the start: {start}.\nAt closing: {closing}.").format(
                start=wizard.level_words(initial), closing=wizard.level_words(closing))
        )
        self.outcome.setText(
            tr("Outcome: {outcome}").format(
                outcome=choice_label(OUTCOME_EXPLAINED, wizard.outcome)))
        self.outcome.setAccessibleDescription(self.outcome.text())

    def validatePage(self) -> bool:
        return self.wizard_.close_case(self.message)


class ClosureWizard(QWizard):
    """Close one case. ``closed(closure_id)`` once the closure is stored."""

    closed = Signal(str)
    #: "Discard changes?" before closing with something typed (tests replace it).
    ask_discard: DiscardQuestion = staticmethod(ask_discard)

    def __init__(
        self,
        book: Casebook,
        tool: RiskTool,
        case: Case,
        records: Sequence[StoredRecord],
        *,
        today: date,
        start_assessment: AssessmentStarter,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Close this case"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self._book = book
        self._tasks = tasks if tasks is not None else TaskRunner(self, max_threads=1)
        #: The closure is being saved (Finish waits for it); then it is stored.
        self.saving = False
        self._stored = False
        self.tool = tool
        self.case = case
        self.start_assessment = start_assessment
        self.records = list(records)
        self.initial = initial_assessment(self.records)
        self.outcome = Outcome.INCOMPLETE
        # One id for every try: nothing is stored until the closure and the closed case are
        # stored together, so a try that was refused left no closure to clash with.
        self.closure_id = new_id()
        self.reason_page = _ReasonPage(self, today)
        self.assessment_page = _AssessmentPage(self)
        self.outcome_page = _OutcomePage(self)
        for page in (self.reason_page, self.assessment_page, self.outcome_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("&Close the case"))
        for which, name in (
            (QWizard.WizardButton.NextButton, tr("Next step")),
            (QWizard.WizardButton.BackButton, tr("Previous step")),
            (QWizard.WizardButton.FinishButton, tr("Close the case")),
            (QWizard.WizardButton.CancelButton, tr("Cancel")),
        ):
            self.button(which).setAccessibleName(name)
        self.assessment_page.fill(assessments_of(self.records))
        #: Something was typed or chosen: closing the wizard without finishing asks first.
        self.dirty = False
        assessment = self.assessment_page
        for widget in (self.reason_page.reason, self.reason_page.detail,
                       self.reason_page.closed_on, assessment.use_assessment,
                       assessment.no_assessment, assessment.assessment, assessment.why_none):
            watch(widget, self._changed)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 80, metrics.lineSpacing() * 28)

    def _changed(self, *_args: object) -> None:
        self.dirty = True

    def assessment_recorded(self, assessment_id: str) -> None:
        """A closing assessment was just finalised from the wizard: offer it and choose it."""
        self.records.append(self._book.get(assessment_id))
        self.assessment_page.fill(assessments_of(self.records), assessment_id)

    def closing(self) -> RiskAssessment | None:
        wanted = self.assessment_page.closing_id()
        for item in assessments_of(self.records):
            if item.id == wanted:
                return item
        return None

    def level_words(self, assessment: RiskAssessment | None) -> str:
        if assessment is None:
            return tr("no assessment")
        try:
            label = self.tool.band(assessment.effective_level).label
        except SpokeError:
            label = assessment.effective_level
        return tr("{level} ({day})").format(level=label, day=day(assessment.assessed_on))

    def record(self) -> Closure:
        page = self.reason_page
        return Closure(
            id=self.closure_id,
            case_id=self.case.id,
            closed_on=day_of(page.closed_on),
            reason=chosen(page.reason, ClosureReason, ClosureReason.OTHER),
            outcome=self.outcome,
            reason_detail=page.detail.toPlainText().strip(),
            closing_assessment_id=self.assessment_page.closing_id(),
            no_assessment_reason=(
                ""
                if self.assessment_page.closing_id()
                else self.assessment_page.why_none.toPlainText().strip()
            ),
        )

    def reject(self) -> None:
        """Esc, Cancel or the window's close button: once anything was typed or chosen, only
        after the worker says to discard it."""
        if self.saving:  # Esc while the closure is being stored: wait for it
            return
        if self.dirty and not type(self).ask_discard(self):
            return
        self.dirty = False
        super().reject()

    def close_case(self, message: Message) -> bool:
        """Check the closure and the case as closed, then store both off the GUI thread, in
        one transaction (a refusal stores neither, and the worker can put it right and try
        again). Returns False (the wizard stays on its last page, its buttons held); once
        stored, ``closed`` is emitted and the wizard finishes itself. Problems are shown in
        ``message``."""
        if self._stored:  # QWizard.done() checks the last page again on the way out
            return True
        if self.saving:
            return False
        closure = self.record()
        closing = self.closing()
        level = closing.effective_level if closing is not None else None

        def refused(exc: ValidationError) -> None:
            labels = _labels()
            message.show_error(tr("The case could not be closed: {problems}").format(
                problems=" ".join(
                    tr("{field} {problem}.").format(
                        field=labels.get(p.field, p.field), problem=p.message)
                    for p in exc.problems)))

        # The closure and the case as it will be stored, both checked before anything is.
        problems: list[Problem] = []
        for record in (closure, closed_case(self.case, closure, level)):
            try:
                record.validate()
            except ValidationError as exc:
                problems += [p for p in exc.problems if p not in problems]
        if problems:
            refused(ValidationError(problems))
            return False
        book, case_id = self._book, self.case.id
        answer = confirm_finalise(self, book, tr("case closure"))
        if not answer.finalise:
            return False

        def write() -> None:
            case = book.get(case_id).record  # the assessment may have changed it
            assert isinstance(case, Case)
            # One transaction: the closure is never stored on a case left open.
            book.save_together([(closure, True), (closed_case(case, closure, level), False)])
            # The case is closed now: "don't ask again" not kept is no reason to say it was
            # not (the question comes back next time, that is all).
            with contextlib.suppress(SpokeError):
                remember_answer(book, answer)

        def done(_none: None) -> None:
            self.saving = False
            self._stored = True
            self.dirty = False
            emit(self.closed, closure.id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.saving = False
            if isinstance(exc, ValidationError):
                refused(exc)
            elif isinstance(exc, SpokeError):
                message.show_error(
                    tr("The case could not be closed: {problems}").format(problems=exc))
            else:
                raise exc

        self.saving = True
        buttons = [self.button(which) for which in (
            QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        )]
        self._tasks.write(write, done, failed, owner=self, busy=buttons)
        return False
