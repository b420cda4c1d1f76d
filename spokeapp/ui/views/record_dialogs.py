"""Short forms for the other things a worker records: a safeguarding concern raised with another
agency, consent to share information (or its withdrawal), an amendment to a finalised record,
group or awareness work with young people (counted, never named), and training or consultancy
for professionals (counted by profession).

Each is an event: saving finalises it, so it is kept exactly as written. The day each happened
is typed by the worker: no form fills in today for them (it is refused until typed). Group work
and work with professionals may be dated up to two years back (``present.dates.recent_work``:
catching up on last year's paperwork fits; 1901 is refused, in words); their head counts go up
to ``MAX_HEAD_COUNT`` and their topic to ``MAX_TOPIC_CHARS``, counted beside the field as it
is typed. Each main button names what it saves ("Save group session"), and Tab goes down the
form as it is drawn.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    CONSENT_GIVEN_BY_LABELS,
    CONSENT_METHOD_LABELS,
    MAX_HEAD_COUNT,
    MAX_TOPIC_CHARS,
    PROFESSION_LABELS,
    SHARE_WITH_LABELS,
    ActivityType,
    Amendment,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    GroupSession,
    GroupSetting,
    Profession,
    ProfessionalActivity,
    RaisedTo,
    Record,
    SafeguardingConcern,
    ShareWith,
    choice_label,
)
from spokeapp.i18n import number, translator
from spokeapp.present.consent import describe_consent, months_after, review_choices
from spokeapp.present.dates import recent_work
from spokeapp.present.labels import RAISED_TO, label
from spokeapp.store.casebook import Casebook
from spokeapp.ui.date_field import DateField
from spokeapp.ui.forms import (
    FieldForm,
    RecordDialog,
    choice_box,
    chosen,
    date_edit,
    day_of,
    plain,
    text_box,
    watch,
)
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, shown_key

tr = translator(__name__)

GROUP_SETTINGS: Final = {
    GroupSetting.SCHOOL: tr.noop("School or college"),
    GroupSetting.YOUTH_CLUB: tr.noop("Youth club"),
    GroupSetting.COMMUNITY: tr.noop("Community venue"),
    GroupSetting.ONLINE: tr.noop("Online"),
    GroupSetting.OTHER: tr.noop("Somewhere else"),
}
ACTIVITY_TYPES: Final = {
    ActivityType.TRAINING: tr.noop("Training"),
    ActivityType.AWARENESS: tr.noop("Awareness session"),
    ActivityType.CONSULTANCY: tr.noop("Case consultancy"),
}


def group_setting_label(setting: GroupSetting) -> str:
    """Where group work was, in the reader's language."""
    return tr(GROUP_SETTINGS[setting])


def activity_type_label(kind: ActivityType) -> str:
    """The kind of professional work, in the reader's language."""
    return tr(ACTIVITY_TYPES[kind])
LABELS: Final = {
    "raised_on": tr.noop("Date raised"),
    "raised_to": tr.noop("Raised with"),
    "summary": tr.noop("What the concern is"),
    "their_reference": tr.noop("Their reference"),
    "reason": tr.noop("Why it needs amending"),
    "text": tr.noop("The correction or addition"),
    "held_on": tr.noop("Date"),
    "setting": tr.noop("Where"),
    "topic": tr.noop("Topic"),
    "young_people_reached": tr.noop("Young people who took part"),
    "notes": tr.noop("Notes"),
    "activity_type": tr.noop("Kind of work"),
    "attendees_by_profession": tr.noop("Attendees"),
    "withdrawn": tr.noop("Withdraw consent"),
    "given_on": tr.noop("Date given"),
    "given_by": tr.noop("Given by"),
    "given_by_name": tr.noop("Name of who gave it"),
    "carer_relationship": tr.noop("Relationship to the young person"),
    "method": tr.noop("How it was recorded"),
    "method_detail": tr.noop("How, if another way"),
    "explained": tr.noop("What was explained"),
    "share_with": tr.noop("Agreed to share with"),
    "review_on": tr.noop("Review due"),
    "supersedes_id": tr.noop("The consent withdrawn"),
}


def _translated(table: Mapping[Any, str]) -> dict[Any, str]:
    """One of this module's tables in the language Spoke is shown in."""
    return {key: tr(words) for key, words in table.items()}


def _day_typed(today: date) -> DateField:
    """The day it happened, typed: empty until the worker gives it (never today for them)."""
    return date_edit(None, today=today, past_only=True)


def _recent_day_typed(today: date) -> DateField:
    """Group work's or professionals' day: as :func:`_day_typed`, at most two years back."""
    field = _day_typed(today)
    field.set_earliest(recent_work(today))
    return field


def _head_count() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_HEAD_COUNT)
    spin.setGroupSeparatorShown(True)
    return spin


#: The topic's counter shows from this many characters (before that, only the limit).
_COUNT_FROM: Final = MAX_TOPIC_CHARS * 3 // 4


class _TopicCount(QLabel):
    """Under a topic: its limit, then how many characters of it are typed, as it nears it
    (the box takes no more than ``MAX_TOPIC_CHARS``: a pasted text is cut there, and the
    counter says it is full)."""

    def __init__(self, line: QLineEdit) -> None:
        super().__init__(line.parentWidget())
        self.line = line
        line.setMaxLength(MAX_TOPIC_CHARS)
        self.setWordWrap(True)
        self.setAccessibleName(tr("Length of the topic"))
        line.textChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        count, most = len(self.line.text()), MAX_TOPIC_CHARS
        if count >= most:
            words = tr("{count} of {most} characters: the most a topic can have. Write the "
                       "rest in the notes.").format(count=number(count), most=number(most))
        elif count >= _COUNT_FROM:
            words = tr("{count} of {most} characters.").format(count=number(count),
                                                              most=number(most))
        else:
            words = tr("A few words, at most {most} characters.").format(most=number(most))
        self.setText(words)
        self.setEnabled(count >= most)  # muted as a hint is, until the box is full
        self.line.setAccessibleDescription(words)


def _topic(form: FieldForm) -> QLineEdit:
    """The topic box, its limit and its count under it."""
    line = QLineEdit()
    form.add("topic", tr("&Topic"), line)
    count = _TopicCount(line)
    column = form.layout.itemAt(form.rows["topic"], QFormLayout.ItemRole.FieldRole)
    placed = column.layout() if column is not None else None
    if isinstance(placed, QVBoxLayout):
        placed.insertWidget(1, count)  # right under the box, above its problem
    else:
        form.layout.addRow("", count)
    return line


class _EventDialog(RecordDialog):
    """A form whose one action stores the record as final."""

    saved = Signal(str)

    def __init__(self, title: str, book: Casebook, action: str, parent: QWidget | None,
                 tasks: TaskRunner | None = None) -> None:
        super().__init__(title, parent, tasks=tasks)
        self._book = book
        self.record_id = new_id()
        self.form = FieldForm(self, _translated(LABELS))
        self.body.addWidget(self.form.widget)
        self.add_close_and_save(tr("{action} ({key})").format(
            key=shown_key("Ctrl+Return"), action=action),
                                action.replace("&", ""))

    def finish_setup(self, extra: list[QWidget] | None = None) -> None:
        for widget in self.form.inputs.values():
            watch(widget, self.changed)
        for widget in extra or []:
            watch(widget, self.changed)
        # Tab goes down the form as it is drawn: the extra fields (a box of counts, of
        # agencies) where their box is, not after the last field under it.
        fields = [*self.form.inputs.values(), *(extra or [])]
        rows = {id(widget): self._row_of(widget) for widget in fields}
        fields.sort(key=lambda widget: rows[id(widget)])  # stable: a box keeps its own order
        order = [*fields, self.cancel_button, self.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.fit_to_screen(72)
        # Wide enough for the longest label and field side by side (no sideways scrolling).
        self.resize(max(self.width(), self.sizeHint().width()),
                    min(self.height(), self.sizeHint().height() + 40))

    def _row_of(self, widget: QWidget) -> int:
        """The row of the form ``widget`` is drawn in (a field's own, or its box's)."""
        for name, field in self.form.inputs.items():
            if field is widget:
                return self.form.rows[name]
        holder: QWidget | None = widget
        while holder is not None and holder.parentWidget() is not self.form.widget:
            holder = holder.parentWidget()
        if holder is not None:
            row, _role = self.form.layout.getWidgetPosition(holder)
            if row >= 0:
                return row
        return self.form.layout.rowCount()

    def accept_shortcut(self) -> None:
        self.save()

    def draft_inputs(self) -> Mapping[str, QWidget]:
        return self.form.inputs

    def record(self) -> Record:
        raise NotImplementedError

    def save(self) -> bool:
        self.summary.clear_message()
        self.form.clear()
        record = self.record()
        return self.finalise_record(self._book, record, tr("saving"), self.saved)


class ConcernDialog(_EventDialog):
    """A safeguarding concern raised with children's social care, the police or others."""

    draft_kind = "concern"

    def draft_context(self) -> dict[str, str]:
        return {"case_id": self.case_id}

    def __init__(
        self, book: Casebook, case_id: str, *, today: date, parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(tr("Safeguarding concern"), book, tr("&Save concern"), parent, tasks)
        self.case_id = case_id
        f = self.form
        self.raised_on = f.add("raised_on", tr("Date &raised"), _day_typed(today))
        raised_to = {key: label(RAISED_TO, key) for key in RAISED_TO}
        self.raised_to = f.add("raised_to", tr("Raised &with"), choice_box(
            raised_to, blank=tr("Choose who it was raised with"), required=True))
        self.summary_text = f.add("summary", tr("What the &concern is"), text_box(5))
        self.their_reference = f.add(
            "their_reference",
            tr("Their r&eference"),
            QLineEdit(),
            hint=tr("The reference the other agency gave you, so the concern can be followed "
                    "up."),
        )
        self.finish_setup()

    def record(self) -> SafeguardingConcern:
        return SafeguardingConcern(
            id=self.record_id,
            case_id=self.case_id,
            raised_on=day_of(self.raised_on),
            raised_to=chosen(self.raised_to, RaisedTo, RaisedTo.OTHER),
            summary=plain(self.summary_text),
            their_reference=plain(self.their_reference),
        )


SHARE_MNEMONICS: Final = {
    ShareWith.POLICE: tr.noop("&Police"),
    ShareWith.CHILDRENS_SOCIAL_CARE: tr.noop("Children's social &care"),
    ShareWith.SCHOOL: tr.noop("Schoo&l"),
    ShareWith.HEALTH: tr.noop("H&ealth"),
}


class ConsentDialog(_EventDialog):
    """Consent to share information (what was explained, with whom, review day), or its
    withdrawal: either way a new final record, since a consent is never edited."""

    draft_kind = "consent"

    def draft_context(self) -> dict[str, str]:
        return {"case_id": self.case_id}

    def draft_inputs(self) -> Mapping[str, QWidget]:
        shares = {f"share_with.{a.value}": box for a, box in self.shares.items()}
        return {**self.form.inputs, **shares}

    def __init__(
        self, book: Casebook, case_id: str, *, today: date, current: Consent | None = None,
        parent: QWidget | None = None, tasks: TaskRunner | None = None,
        hide_names: bool = False,
    ) -> None:
        super().__init__(tr("Consent to share"), book, tr("&Save consent"), parent, tasks)
        self.case_id = case_id
        self.current = current
        f = self.form
        shown = QLabel(self)
        shown.setWordWrap(True)
        now = tr("Current consent: {consent}").format(
            consent=describe_consent(current, today, hide_names=hide_names).text)
        shown.setText(now)
        shown.setAccessibleName(now)
        self.body.insertWidget(0, shown)
        withdraw = QCheckBox(
            tr("&Withdraw consent (a new record that replaces the current one)"))
        self.withdraw = f.add("withdrawn", "", withdraw)
        can_withdraw = current is not None and not current.withdrawn
        withdraw.setEnabled(can_withdraw)
        if not can_withdraw:
            withdraw.setToolTip(tr("There is no consent in force to withdraw."))
        self.given_on = f.add("given_on", tr("&Date given"), _day_typed(today))
        self.given_by = f.add("given_by", tr("Given &by"), choice_box(
            {key: choice_label(CONSENT_GIVEN_BY_LABELS, key) for key in CONSENT_GIVEN_BY_LABELS},
            blank=tr("Choose who gave it"), required=True))
        self.given_by_name = f.add("given_by_name", tr("&Name"), QLineEdit())
        self.carer_relationship = f.add(
            "carer_relationship", tr("&Relationship"), QLineEdit(),
            hint=tr("For a parent or carer only: for example mother, foster carer."),
        )
        methods = {m: (w := choice_label(CONSENT_METHOD_LABELS, m))[:1].upper() + w[1:]
                   for m in CONSENT_METHOD_LABELS}
        self.method = f.add("method", tr("&How recorded"),
                            choice_box(methods, blank=tr("Choose how"), required=True))
        self.method_detail = f.add("method_detail", tr("How, if &other"), QLineEdit())
        self.explained = f.add(
            "explained", tr("What was e&xplained"), text_box(3),
            hint=tr("What you told them about sharing, in words they would recognise."),
        )
        self.share_box = QGroupBox(tr("They agree to share with (unticked is a no)"), self)
        self.share_box.setAccessibleName(tr("They agree to share with"))
        column = QVBoxLayout(self.share_box)
        self.shares: dict[ShareWith, QCheckBox] = {}
        for agency, words in SHARE_MNEMONICS.items():
            box = QCheckBox(tr(words), self.share_box)
            box.setAccessibleName(
                tr("Share with {agency}").format(agency=choice_label(SHARE_WITH_LABELS, agency)))
            column.addWidget(box)
            self.shares[agency] = box
        self.form.layout.addRow(self.share_box)
        self.form.errors["share_with"] = Message(self, name=tr("Problem with {field}").format(
            field=tr(LABELS["share_with"])))
        self.form.layout.addRow(self.form.errors["share_with"])
        self.review = f.add(
            "review_on", tr("Re&view due"),
            choice_box(review_choices(), blank=tr("Not chosen yet")),
            hint=tr("When to ask again. There is no default: choose one."),
        )
        assert isinstance(self.review, QComboBox)
        withdraw.toggled.connect(self._withdrawing)
        self.finish_setup(list(self.shares.values()))

    def _withdrawing(self, on: bool) -> None:
        self.share_box.setEnabled(not on)
        self.review.setEnabled(not on)
        self.explained.setEnabled(not on)
        words = tr("&Save withdrawal ({key})") if on else tr("&Save consent ({key})")
        self.save_button.setText(words.format(key=shown_key("Ctrl+Return")))
        self.save_button.setAccessibleName(tr("Save withdrawal") if on else tr("Save consent"))

    def record(self) -> Consent:
        assert isinstance(self.withdraw, QCheckBox) and isinstance(self.review, QComboBox)
        withdrawn = self.withdraw.isChecked()
        given_on = day_of(self.given_on)
        months = self.review.currentData()
        given_by = chosen(self.given_by, ConsentGivenBy, ConsentGivenBy.YOUNG_PERSON)
        return Consent(
            id=self.record_id,
            case_id=self.case_id,
            given_on=given_on,
            given_by=given_by,
            given_by_name=plain(self.given_by_name),
            carer_relationship=plain(self.carer_relationship),
            method=chosen(self.method, ConsentMethod, ConsentMethod.VERBAL),
            method_detail=plain(self.method_detail),
            explained="" if withdrawn else plain(self.explained),
            share_with=() if withdrawn else tuple(
                a for a, box in self.shares.items() if box.isChecked()
            ),
            review_on=(
                months_after(given_on, int(months))
                if months is not None and not withdrawn else None
            ),
            withdrawn=withdrawn,
            supersedes_id=self.current.id if self.current is not None else None,
        )


class AmendmentDialog(_EventDialog):
    """A correction to a finalised record; the original stays exactly as it was."""

    draft_kind = "amendment"

    def draft_context(self) -> dict[str, str]:
        return {"case_id": self.case_id, "record_id": self.original.id}

    def __init__(
        self,
        book: Casebook,
        case_id: str,
        original: Record,
        original_text: str,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(tr("Amendment"), book, tr("&Save amendment"), parent, tasks)
        self.case_id = case_id
        self.original = original
        shown = QLabel(original_text, self)
        shown.setWordWrap(True)
        shown.setAccessibleName(tr("The original record"))
        box = QGroupBox(tr("The original (it will not change)"), self)
        box.setAccessibleName(tr("The original record"))
        QVBoxLayout(box).addWidget(shown)
        self.body.insertWidget(0, box)
        f = self.form
        self.reason = f.add("reason", tr("&Why it needs amending"), text_box(2))
        self.text = f.add(
            "text",
            tr("The &correction"),
            text_box(5),
            hint=tr("Write the corrected or extra account. Both will be shown side by side."),
        )
        self.finish_setup()

    def record(self) -> Amendment:
        return Amendment(
            id=self.record_id,
            case_id=self.case_id,
            amends_id=self.original.id,
            amends_kind=self.original.KIND,
            reason=plain(self.reason),
            text=plain(self.text),
        )


class GroupSessionDialog(_EventDialog):
    """Group work or an awareness session with young people: how many, never who."""

    draft_kind = "group_session"

    def __init__(self, book: Casebook, *, today: date, parent: QWidget | None = None,
                 tasks: TaskRunner | None = None) -> None:
        super().__init__(tr("Group or awareness session"), book, tr("&Save group session"),
                         parent, tasks)
        f = self.form
        self.held_on = f.add("held_on", tr("&Date"), _recent_day_typed(today))
        self.setting = f.add("setting", tr("&Where"), choice_box(
            _translated(GROUP_SETTINGS), blank=tr("Choose where"), required=True))
        self.topic = _topic(f)
        self.reached = f.add(
            "young_people_reached",
            tr("&Young people"),
            _head_count(),
            hint=tr("A head count only: group work is never recorded by name. At most "
                    "{most}.").format(most=number(MAX_HEAD_COUNT)),
        )
        self.notes = f.add("notes", tr("&Notes"), text_box(3))
        self.finish_setup()

    def record(self) -> GroupSession:
        assert isinstance(self.reached, QSpinBox)
        return GroupSession(
            id=self.record_id,
            held_on=day_of(self.held_on),
            setting=chosen(self.setting, GroupSetting, GroupSetting.OTHER),
            topic=plain(self.topic),
            young_people_reached=self.reached.value(),
            notes=plain(self.notes),
        )


class ProfessionalActivityDialog(_EventDialog):
    """Training, awareness or consultancy for professionals, with attendees by profession."""

    draft_kind = "professional_activity"

    def draft_inputs(self) -> Mapping[str, QWidget]:
        counts = {f"attendees.{p.value}": spin for p, spin in self.counts.items()}
        return {**self.form.inputs, **counts}

    def __init__(self, book: Casebook, *, today: date, parent: QWidget | None = None,
                 tasks: TaskRunner | None = None) -> None:
        super().__init__(tr("Work with professionals"), book,
                         tr("&Save work with professionals"), parent, tasks)
        f = self.form
        self.held_on = f.add("held_on", tr("&Date"), _recent_day_typed(today))
        self.activity_type = f.add("activity_type", tr("&Kind of work"), choice_box(
            _translated(ACTIVITY_TYPES), blank=tr("Choose the kind of work"), required=True))
        self.topic = _topic(f)
        box = QGroupBox(tr("Attendees by profession (at most {most} in all)").format(
            most=number(MAX_HEAD_COUNT)), self)
        box.setAccessibleName(tr("Attendees by profession"))
        professions = {p: choice_label(PROFESSION_LABELS, p) for p in PROFESSION_LABELS}
        counts = FieldForm(box, {p.value: tr("{profession} attendees").format(profession=w)
                                 for p, w in professions.items()})
        self.counts: dict[Profession, QSpinBox] = {}
        for profession, words in professions.items():
            spin = _head_count()
            counts.add(profession.value, words, spin)
            self.counts[profession] = spin
        QVBoxLayout(box).addWidget(counts.widget)
        self.form.layout.addRow(box)
        self.attendees_error = self.form.errors["attendees_by_profession"] = _message(self)
        self.form.layout.addRow(self.attendees_error)
        self.notes = f.add("notes", tr("&Notes"), text_box(3))
        self.finish_setup(list(self.counts.values()))

    def record(self) -> ProfessionalActivity:
        return ProfessionalActivity(
            id=self.record_id,
            held_on=day_of(self.held_on),
            activity_type=chosen(self.activity_type, ActivityType, ActivityType.TRAINING),
            topic=plain(self.topic),
            attendees_by_profession=tuple(
                (profession, spin.value())
                for profession, spin in self.counts.items()
                if spin.value()
            ),
            notes=plain(self.notes),
        )


def _message(parent: QWidget) -> Message:
    return Message(parent, name=tr("Problem with {field}").format(
        field=tr(LABELS["attendees_by_profession"])))
