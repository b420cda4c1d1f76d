"""Risk assessment: a form built entirely from the hub's risk tool file.

Domains and indicators come from the tool (never from code), each answered No / Some concern /
Significant with radio buttons. The score and band update as the worker answers. Professional
judgement may override the band, but only with written reasons (the domain's rule and message)
and the assessment is then flagged for supervisor sign-off. Finalising stores the assessment
for good, copies the level that counts to the case, and sets when the next review is due.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import AssessmentType, Case, RiskAssessment
from spokeapp.domain.reviews import (
    DEFAULT_REVIEW_INTERVAL_WEEKS,
    MAX_REVIEW_INTERVAL_WEEKS,
    MIN_REVIEW_INTERVAL_WEEKS,
    next_review_due,
)
from spokeapp.domain.risk_tool import RiskTool
from spokeapp.i18n import day, translator
from spokeapp.present.case_page import REVIEW_SETTING
from spokeapp.present.risk_words import answer_these, result_of, unanswered_by_domain
from spokeapp.store.casebook import Casebook
from spokeapp.ui.date_field import DateField
from spokeapp.ui.forms import (
    FieldForm,
    RecordDialog,
    choice_box,
    confirm_finalise,
    date_edit,
    day_of,
    remember_answer,
    select,
    text_box,
    watch,
)
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, shown_key

tr = translator(__name__)

ANSWERS: Final = ((0, tr.noop("No")), (1, tr.noop("Some concern")), (2, tr.noop("Significant")))
ASSESSMENT_TYPES: Final = {
    AssessmentType.INITIAL: tr.noop("Initial (start of support)"),
    AssessmentType.REVIEW: tr.noop("Review"),
    AssessmentType.CLOSURE: tr.noop("Closing (end of support)"),
}
LABELS: Final = {
    "assessment_type": tr.noop("Kind of assessment"),
    "assessed_on": tr.noop("Date of assessment"),
    "answers": tr.noop("Answers"),
    "override": tr.noop("The score does not match my judgement"),
    "override_level": tr.noop("Level in your judgement"),
    "override_reasons": tr.noop("Reasons for your judgement"),
    "needs_sign_off": tr.noop("Supervisor sign-off"),
    "review_weeks": tr.noop("Next review in"),
    "tool_version": tr.noop("Risk tool"),
    "score": tr.noop("Score"),
    "level": tr.noop("Level"),
}


def _labels() -> dict[str, str]:
    return {name: tr(words) for name, words in LABELS.items()}


def swatch(colour: str, size: int = 14) -> QIcon:
    """A plain square of the band's colour (always beside the band's name, never alone)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class RiskAssessmentDialog(RecordDialog):
    """Record a risk assessment for one case. ``finalised(assessment_id)`` after finalising."""

    finalised = Signal(str)
    draft_saved = Signal(str)

    def __init__(
        self,
        book: Casebook,
        tool: RiskTool,
        case_id: str,
        *,
        today: date,
        assessment_type: AssessmentType = AssessmentType.REVIEW,
        draft: RiskAssessment | None = None,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(tr("Risk assessment"), parent, tasks=tasks)
        self._book = book
        self.tool = tool
        self.case_id = case_id
        self.record_id = draft.id if draft else new_id()
        self.groups: dict[str, QButtonGroup] = {}

        self.form = FieldForm(self, _labels())
        self.kind = self.form.add(
            "assessment_type", tr("&Kind of assessment"),
            choice_box({kind: tr(words) for kind, words in ASSESSMENT_TYPES.items()}),
        )
        # Typed, never today for the worker: the day of the assessment is a fact they give.
        self.assessed_on = self.form.add("assessed_on", tr("&Date"),
                                         date_edit(None, today=today, past_only=True))
        self.body.addWidget(self.form.widget)
        intro = QLabel(
            tr("{tool} (version {version}). For each question choose No, Some concern or "
               "Significant. The score and level show once every question has an answer.")
            .format(tool=tool.title, version=tool.version),
            self,
        )
        intro.setWordWrap(True)
        self.body.addWidget(intro)

        first_radio: QRadioButton | None = None
        for domain in tool.domains:
            box = QGroupBox(domain.title, self)
            box.setAccessibleName(domain.title)
            grid = QGridLayout(box)
            grid.setColumnStretch(0, 1)
            for row, indicator in enumerate(domain.indicators):
                text = QLabel(indicator.text, box)
                text.setWordWrap(True)
                if indicator.help:
                    text.setToolTip(indicator.help)
                if indicator.window_days:
                    text.setText(tr.plural(
                        indicator.window_days, "{question} (last {n} day)",
                        "{question} (last {n} days)").format(question=indicator.text))
                else:
                    text.setText(indicator.text)
                grid.addWidget(text, row, 0)
                group = QButtonGroup(box)
                group.setExclusive(True)
                for column, (value, answer) in enumerate(ANSWERS, start=1):
                    word = tr(answer)
                    radio = QRadioButton(word, box)
                    radio.setAccessibleName(tr("{question}: {answer}").format(
                        question=indicator.text, answer=word))
                    group.addButton(radio, value)
                    grid.addWidget(radio, row, column)
                    first_radio = first_radio or radio
                group.idToggled.connect(self._answer_toggled)
                self.groups[indicator.id] = group
            self.body.addWidget(box)
        self.answers_error = self.form.errors["answers"] = self._inline_message(
            tr(LABELS["answers"]))

        judgement = QGroupBox(tr("Your professional judgement"), self)
        judgement.setAccessibleName(tr("Your professional judgement"))
        self.judgement_form = FieldForm(judgement, _labels())
        self.override = QCheckBox(tr("The score does not match my &judgement"), judgement)
        self.override.setAccessibleName(tr("The score does not match my judgement"))
        self.judgement_form.add("override", "", self.override)
        self.override_level = choice_box(
            {band.name: band.label for band in tool.bands}, blank=tr("Choose a level…")
        )
        for number, band in enumerate(tool.bands, start=1):
            self.override_level.setItemIcon(number, swatch(band.colour))
        self.judgement_form.add("override_level", tr("Le&vel in your judgement"),
                                self.override_level)
        self.override_reasons = self.judgement_form.add(
            "override_reasons",
            tr("&Reasons"),
            _reasons_box(),
            hint=tr("Say what you know that the questions do not capture. Your supervisor will "
                    "read this when they sign the assessment off."),
        )
        self.sign_off_note = QLabel(
            tr("An assessment with your own judgement needs your supervisor's sign-off."),
            judgement,
        )
        self.sign_off_note.setWordWrap(True)
        judgement_layout = QHBoxLayout(judgement)
        judgement_layout.addWidget(self.judgement_form.widget)
        self.judgement_form.layout.addRow(self.sign_off_note)
        self.body.addWidget(judgement)
        # One summary for both boxes: a problem goes from it when its field is edited.
        self.form.absorb(self.judgement_form)
        # The questions still unanswered, named first once finalising found them (the list
        # under the questions shows), and counted again as the worker answers.
        self.form.lead = lambda: (
            "" if self.answers_error.isHidden() else answer_these(self.tool, self.answers()))

        self.review_weeks = QSpinBox(self)
        self.review_weeks.setRange(MIN_REVIEW_INTERVAL_WEEKS, MAX_REVIEW_INTERVAL_WEEKS)
        self.review_weeks.setValue(DEFAULT_REVIEW_INTERVAL_WEEKS)
        self.review_weeks.setSuffix(tr(" weeks"))
        review_form = FieldForm(self, _labels())
        review_form.add("review_weeks", tr("&Next review in"), self.review_weeks)
        self.review_due = QLabel(self)
        self.review_due.setAccessibleName(tr("Next review due"))
        review_form.layout.addRow(tr("Next review due:"), self.review_due)
        self.body.addWidget(review_form.widget)

        # The live result stays in view below the scrolling questions.
        self.result = QLabel(self)
        self.result.setAccessibleName(tr("Score and level"))
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result_swatch = QLabel(self)
        self.save_button = QPushButton(tr("Save draf&t"), self)
        self.save_button.setAccessibleName(tr("Save draft"))
        self.finalise_button = QPushButton(tr("&Finalise ({key})").format(
            key=shown_key("Ctrl+Return")), self)
        self.finalise_button.setAccessibleName(tr("Finalise this risk assessment"))
        self.cancel_button = QPushButton(tr("Close (Esc)"), self)
        self.cancel_button.setAccessibleName(tr("Close"))
        row = QHBoxLayout()
        row.addWidget(self.result_swatch)
        row.addWidget(self.result, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        row.addWidget(self.finalise_button)
        self.footer.addLayout(row)

        self.override.toggled.connect(self._override_toggled)
        self.save_button.clicked.connect(self.save_draft)
        self.finalise_button.clicked.connect(self.finalise)
        self.cancel_button.clicked.connect(self.reject)
        self.review_weeks.valueChanged.connect(self._update_review)
        self.assessed_on.changed.connect(self._update_review)
        for widget in (
            self.kind,
            self.assessed_on,
            self.override,
            self.override_level,
            self.override_reasons,
            self.review_weeks,
        ):
            watch(widget, self.changed)

        self._loading = True
        select(self.kind, assessment_type.value)
        if draft is not None:
            self._load(draft)
        self._loading = False
        self.dirty = False
        self._override_toggled(self.override.isChecked())
        self._update_score()
        self._update_review()
        self.fit_to_screen(96)
        if first_radio is not None:
            QWidget.setTabOrder(self.assessed_on, first_radio)

    def _inline_message(self, name: str) -> Message:
        message = Message(self, name=tr("Problem with {field}").format(field=name))
        self.body.addWidget(message)
        return message

    # ------------------------------------------------------------------ state
    def answers(self) -> dict[str, int]:
        return {
            indicator: group.checkedId()
            for indicator, group in self.groups.items()
            if group.checkedId() >= 0
        }

    def set_answer(self, indicator_id: str, value: int) -> None:
        button = self.groups[indicator_id].button(value)
        button.setChecked(True)

    def answer_all(self, value: int) -> None:
        for indicator in self.groups:
            self.set_answer(indicator, value)

    def _answer_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.changed()
            self._update_score()

    def _override_toggled(self, on: bool) -> None:
        for name in ("override_level", "override_reasons"):
            self.judgement_form.set_visible(name, on)
            if not on:  # its problem goes with it, from beside it and from the summary
                self.form.edited(name)
        self.sign_off_note.setVisible(on)

    def _update_score(self) -> None:
        """Score and level once every question is answered; before that no level and a
        neutral colour (unanswered is not low)."""
        shown = result_of(self.tool, self.answers())
        self.result.setText(shown.text)
        self.result.setAccessibleDescription(shown.text)
        size = self.result.fontMetrics().height()
        colour = shown.colour or self.palette().color(QPalette.ColorRole.Mid).name()
        self.result_swatch.setPixmap(swatch(colour, size).pixmap(size, size))
        self.scored_level = shown.level
        if self.answers_error.isVisible() and shown.unanswered:
            self.answers_error.show_error(unanswered_by_domain(self.tool, self.answers()))
        elif not shown.unanswered:
            self.answers_error.clear_message()
        self.form.recount()  # the summary names the questions still unanswered, or none

    def _update_review(self, *_args: object) -> None:
        assessed = self.assessed_on.day() if isinstance(self.assessed_on, DateField) else None
        if assessed is None:  # nothing is worked out from a day not given
            self.review_due.setText(tr("Worked out once the date of assessment is typed"))
            return
        due = next_review_due(assessed, self.review_weeks.value())
        self.review_due.setText(day(due))

    def _load(self, draft: RiskAssessment) -> None:
        select(self.kind, draft.assessment_type.value)
        self.assessed_on.set_value(draft.assessed_on)
        for indicator, value in draft.answers:
            if indicator in self.groups:
                self.set_answer(indicator, value)
        if draft.override_level is not None:
            self.override.setChecked(True)
            select(self.override_level, draft.override_level)
        self.override_reasons.setPlainText(draft.override_reasons)

    def record(self) -> RiskAssessment:
        answers = self.answers()
        result = self.tool.score(answers)
        override = self.override_level.currentData() if self.override.isChecked() else None
        if self.override.isChecked() and override is None:
            override = ""  # chosen to override but no level picked: the rules say so
        return RiskAssessment(
            id=self.record_id,
            case_id=self.case_id,
            assessment_type=AssessmentType(self.kind.currentData()),
            assessed_on=day_of(self.assessed_on),
            tool_id=self.tool.tool_id,
            tool_version=self.tool.version,
            answers=tuple(answers.items()),
            score=result.score,
            level=result.level,
            override_level=override,
            override_reasons=(
                self.override_reasons.toPlainText().strip() if self.override.isChecked() else ""
            ),
            needs_sign_off=self.override.isChecked(),
        )

    # ------------------------------------------------------------------ actions
    def accept_shortcut(self) -> None:
        self.finalise()

    def save_draft(self) -> bool:
        self.form.clear()
        dated = self.form.date_problems()
        if dated:  # a draft record holds the day it was done: never a stand-in for it
            self.form.show_problems(ValidationError(dated), self.summary, tr("saving a draft"))
            return False
        try:
            self._book.save(self.record())
        except SpokeError as exc:
            self.summary.show_error(
                tr("The draft could not be saved: {reason}").format(reason=exc))
            return False
        self.dirty = False
        self.summary.show_info(tr("Draft saved. You can finish this assessment later."))
        emit(self.draft_saved, self.record_id)
        return True

    def finalise(self) -> bool:
        if self.saving:  # Ctrl+Enter again while the first save runs
            return False
        self.form.clear()
        self.summary.clear_message()
        record = self.record()
        problems: list[Problem] = self.form.date_problems()
        missing = self.tool.unanswered(self.answers())
        try:
            record.validate()
            self.tool.check_assessment(record)
        except ValidationError as exc:
            problems.extend(exc.problems)
        problems = [
            Problem("override_level", tr("is required: choose the level your judgement gives"))
            if p.field == "override_level" and "blank" in p.message
            else p
            for p in problems
        ]
        if problems or missing:
            self.form.show_problems(ValidationError(problems), self.summary, tr("finalising"))
        if missing:
            # Named first in the summary (``form.lead``), not "fix 1 thing: Answers": the
            # questions themselves, the first one focused.
            self.answers_error.show_error(unanswered_by_domain(self.tool, self.answers()))
            self.form.recount()
            first = self.groups[missing[0]].buttons()[0]
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(first)
        if problems or missing:
            return False
        book, case_id, weeks = self._book, self.case_id, str(self.review_weeks.value())
        answer = confirm_finalise(self, book, tr("risk assessment"))
        if not answer.finalise:
            return False

        def write() -> None:
            book.save(record, finalise=True)
            remember_answer(book, answer)
            _update_case(book, case_id, record)
            book.set_setting(REVIEW_SETTING + case_id, weeks)

        def done(_none: None) -> None:
            self.dirty = False
            emit(self.finalised, record.id)
            self.accept()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, SpokeError):
                raise exc
            self.summary.show_error(str(exc))

        return self.write(write, done, failed)


def _update_case(book: Casebook, case_id: str, record: RiskAssessment) -> None:
    """The case header carries the risk level the assessment gives."""
    case = book.get(case_id).record
    assert isinstance(case, Case)
    if case.current_risk_level != record.effective_level:
        book.save(dataclasses.replace(case, current_risk_level=record.effective_level))


def _reasons_box() -> QPlainTextEdit:
    return text_box(4)
