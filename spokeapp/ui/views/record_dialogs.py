"""Short forms for the other things a worker records: a safeguarding concern raised with another
agency, consent to share information (or its withdrawal), an amendment to a finalised record,
group or awareness work with young people (counted, never named), and training or consultancy
for professionals (counted by profession).

Each is an event: saving finalises it, so it is kept exactly as written.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date
from typing import Final

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
)
from spokeapp.present.consent import REVIEW_MONTHS, describe_consent, months_after
from spokeapp.present.labels import RAISED_TO
from spokeapp.store.casebook import Casebook
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
from spokeapp.ui.widgets import Message

GROUP_SETTINGS: Final = {
    GroupSetting.SCHOOL: "School or college",
    GroupSetting.YOUTH_CLUB: "Youth club",
    GroupSetting.COMMUNITY: "Community venue",
    GroupSetting.ONLINE: "Online",
    GroupSetting.OTHER: "Somewhere else",
}
ACTIVITY_TYPES: Final = {
    ActivityType.TRAINING: "Training",
    ActivityType.AWARENESS: "Awareness session",
    ActivityType.CONSULTANCY: "Case consultancy",
}
LABELS: Final = {
    "raised_on": "Date raised",
    "raised_to": "Raised with",
    "summary": "What the concern is",
    "their_reference": "Their reference",
    "reason": "Why it needs amending",
    "text": "The correction or addition",
    "held_on": "Date",
    "setting": "Where",
    "topic": "Topic",
    "young_people_reached": "Young people who took part",
    "notes": "Notes",
    "activity_type": "Kind of work",
    "attendees_by_profession": "Attendees",
    "withdrawn": "Withdraw consent",
    "given_on": "Date given",
    "given_by": "Given by",
    "given_by_name": "Name of who gave it",
    "carer_relationship": "Relationship to the young person",
    "method": "How it was recorded",
    "method_detail": "How, if another way",
    "explained": "What was explained",
    "share_with": "Agreed to share with",
    "review_on": "Review due",
    "supersedes_id": "The consent withdrawn",
}


class _EventDialog(RecordDialog):
    """A form whose one action stores the record as final."""

    saved = Signal(str)

    def __init__(self, title: str, book: Casebook, action: str, parent: QWidget | None,
                 tasks: TaskRunner | None = None) -> None:
        super().__init__(title, parent, tasks=tasks)
        self._book = book
        self.record_id = new_id()
        self.form = FieldForm(self, LABELS)
        self.body.addWidget(self.form.widget)
        self.add_close_and_save(f"{action} (Ctrl+Enter)", action.replace("&", ""))

    def finish_setup(self, extra: list[QWidget] | None = None) -> None:
        for widget in self.form.inputs.values():
            watch(widget, self.changed)
        for widget in extra or []:
            watch(widget, self.changed)
        order = [*self.form.inputs.values(), *(extra or []), self.cancel_button, self.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.fit_to_screen(72)
        # Wide enough for the longest label and field side by side (no sideways scrolling).
        self.resize(max(self.width(), self.sizeHint().width()),
                    min(self.height(), self.sizeHint().height() + 40))

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
        return self.finalise_record(self._book, record, "saving", self.saved)


class ConcernDialog(_EventDialog):
    """A safeguarding concern raised with children's social care, the police or others."""

    draft_kind = "concern"

    def draft_context(self) -> dict[str, str]:
        return {"case_id": self.case_id}

    def __init__(
        self, book: Casebook, case_id: str, *, today: date, parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__("Safeguarding concern", book, "&Save concern", parent, tasks)
        self.case_id = case_id
        f = self.form
        self.raised_on = f.add("raised_on", "Date &raised", date_edit(today, past_only=True))
        self.raised_to = f.add("raised_to", "Raised &with",
            choice_box(RAISED_TO, blank="Choose who it was raised with", required=True))
        self.summary_text = f.add("summary", "What the &concern is", text_box(5))
        self.their_reference = f.add(
            "their_reference",
            "Their r&eference",
            QLineEdit(),
            hint="The reference the other agency gave you, so the concern can be followed up.",
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
    ShareWith.POLICE: "&Police",
    ShareWith.CHILDRENS_SOCIAL_CARE: "Children's social &care",
    ShareWith.SCHOOL: "Schoo&l",
    ShareWith.HEALTH: "H&ealth",
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
    ) -> None:
        super().__init__("Consent to share", book, "&Save consent", parent, tasks)
        self.case_id = case_id
        self.current = current
        f = self.form
        shown = QLabel(self)
        shown.setWordWrap(True)
        now = "Current consent: " + describe_consent(current, today).text
        shown.setText(now)
        shown.setAccessibleName(now)
        self.body.insertWidget(0, shown)
        withdraw = QCheckBox("&Withdraw consent (a new record that replaces the current one)")
        self.withdraw = f.add("withdrawn", "", withdraw)
        can_withdraw = current is not None and not current.withdrawn
        withdraw.setEnabled(can_withdraw)
        if not can_withdraw:
            withdraw.setToolTip("There is no consent in force to withdraw.")
        self.given_on = f.add("given_on", "&Date given", date_edit(today, past_only=True))
        self.given_by = f.add("given_by", "Given &by", choice_box(
            CONSENT_GIVEN_BY_LABELS, blank="Choose who gave it", required=True))
        self.given_by_name = f.add("given_by_name", "&Name", QLineEdit())
        self.carer_relationship = f.add(
            "carer_relationship", "&Relationship", QLineEdit(),
            hint="For a parent or carer only: for example mother, foster carer.",
        )
        methods = {m: w[:1].upper() + w[1:] for m, w in CONSENT_METHOD_LABELS.items()}
        self.method = f.add("method", "&How recorded",
                            choice_box(methods, blank="Choose how", required=True))
        self.method_detail = f.add("method_detail", "How, if &other", QLineEdit())
        self.explained = f.add(
            "explained", "What was e&xplained", text_box(3),
            hint="What you told them about sharing, in words they would recognise.",
        )
        self.share_box = QGroupBox("They agree to share with (unticked is a no)", self)
        self.share_box.setAccessibleName("They agree to share with")
        column = QVBoxLayout(self.share_box)
        self.shares: dict[ShareWith, QCheckBox] = {}
        for agency, words in SHARE_MNEMONICS.items():
            box = QCheckBox(words, self.share_box)
            box.setAccessibleName(f"Share with {SHARE_WITH_LABELS[agency]}")
            column.addWidget(box)
            self.shares[agency] = box
        self.form.layout.addRow(self.share_box)
        self.form.errors["share_with"] = Message(self, name="Problem with Agreed to share with")
        self.form.layout.addRow(self.form.errors["share_with"])
        self.review = f.add(
            "review_on", "Re&view due",
            choice_box(REVIEW_MONTHS, blank="Not chosen yet"),
            hint="When to ask again. There is no default: choose one.",
        )
        assert isinstance(self.review, QComboBox)
        withdraw.toggled.connect(self._withdrawing)
        self.finish_setup(list(self.shares.values()))

    def _withdrawing(self, on: bool) -> None:
        self.share_box.setEnabled(not on)
        self.review.setEnabled(not on)
        self.explained.setEnabled(not on)
        self.save_button.setText(
            "&Save withdrawal (Ctrl+Enter)" if on else "&Save consent (Ctrl+Enter)"
        )
        self.save_button.setAccessibleName("Save withdrawal" if on else "Save consent")

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
        super().__init__("Amendment", book, "&Save amendment", parent, tasks)
        self.case_id = case_id
        self.original = original
        shown = QLabel(original_text, self)
        shown.setWordWrap(True)
        shown.setAccessibleName("The original record")
        box = QGroupBox("The original (it will not change)", self)
        box.setAccessibleName("The original record")
        QVBoxLayout(box).addWidget(shown)
        self.body.insertWidget(0, box)
        f = self.form
        self.reason = f.add("reason", "&Why it needs amending", text_box(2))
        self.text = f.add(
            "text",
            "The &correction",
            text_box(5),
            hint="Write the corrected or extra account. Both will be shown side by side.",
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
        super().__init__("Group or awareness session", book, "&Save session", parent, tasks)
        f = self.form
        self.held_on = f.add("held_on", "&Date", date_edit(today, past_only=True))
        self.setting = f.add(
            "setting", "&Where", choice_box(GROUP_SETTINGS, blank="Choose where", required=True))
        self.topic = f.add("topic", "&Topic", QLineEdit())
        reached = QSpinBox()
        reached.setRange(0, 10_000)
        self.reached = f.add(
            "young_people_reached",
            "&Young people",
            reached,
            hint="A head count only: group work is never recorded by name.",
        )
        self.notes = f.add("notes", "&Notes", text_box(3))
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
        super().__init__("Work with professionals", book, "&Save", parent, tasks)
        f = self.form
        self.held_on = f.add("held_on", "&Date", date_edit(today, past_only=True))
        self.activity_type = f.add("activity_type", "&Kind of work", choice_box(
            ACTIVITY_TYPES, blank="Choose the kind of work", required=True))
        self.topic = f.add("topic", "&Topic", QLineEdit())
        box = QGroupBox("Attendees by profession", self)
        box.setAccessibleName("Attendees by profession")
        counts = FieldForm(box, {p.value: f"{w} attendees" for p, w in PROFESSION_LABELS.items()})
        self.counts: dict[Profession, QSpinBox] = {}
        for profession, words in PROFESSION_LABELS.items():
            spin = QSpinBox()
            spin.setRange(0, 1000)
            counts.add(profession.value, words, spin)
            self.counts[profession] = spin
        QVBoxLayout(box).addWidget(counts.widget)
        self.form.layout.addRow(box)
        self.attendees_error = self.form.errors["attendees_by_profession"] = _message(self)
        self.form.layout.addRow(self.attendees_error)
        self.notes = f.add("notes", "&Notes", text_box(3))
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
    return Message(parent, name="Problem with Attendees")
