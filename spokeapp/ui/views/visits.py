"""Visits: lone working for the worker. Plan a visit, see plainly whether the hub is watching,
check in, and raise the alarm.

* **Start a visit**: where (free text or a postcode), the case's pseudonymous reference picked
  from the caseload (never a name; the free text is checked against the caseload's names with
  ``lone_working.name_warnings``, a warning she can override), expected end, check-in interval
  (60 minutes, 30 for a high-risk visit), vehicle, her mobile number and her buddy (remembered
  in the casebook's settings), and an optional amber note. Saving finalises a ``VisitPlan`` and
  asks the sync bridge to sync at once (the engine sends safety records first, alone). A
  half-filled form is kept as a draft plan (never synced) when Spoke locks.
* **NOT ARMED / ARMED**: the hub watches a visit only once it has acknowledged the plan
  (``SyncStore.visit_watch`` with an escalation time); until then a big red NOT ARMED says so
  in words and offers the fallback, a ready-to-send text message with the plan and the buddy's
  number, with a Copy button. The state is re-read after every sync and every 30 seconds.
* **Check in**: safe, extend (by chosen minutes), end visit, home safe, raise alarm (asks to
  confirm). Each writes a record with the laptop's local time and triggers a sync; offline
  check-ins wait in the casebook and go first when a connection appears. Check-ins and the
  alarm are written at once, on the GUI thread (see ``VisitsPage.check_in``); starting a visit,
  clearing a kept draft and the PINs are written through the window's ``TaskRunner``.
* **Duress**: see :mod:`spokeapp.ui.views.visit_pins` (every check-in asks for a PIN once PINs
  are set up; the duress PIN looks exactly the same on screen). Everything shown about a visit
  goes through the worker-facing functions of ``spokeapp.domain.lone_working``
  (:mod:`spokeapp.ui.models.visits`), so no branch here can show duress.
* **Reminders** 10 minutes before a check-in is due and at the deadline (tray notice with a
  sound, and a banner here) by :mod:`spokeapp.ui.reminders`, recomputed from the stored
  records after every change, when the page is rebuilt (a restart or unlock) and on resume.

Keys: Alt+K check in safe, Alt+X extend (Alt+B the minutes), Alt+E end visit, Alt+O home safe,
Alt+A raise alarm, Alt+I the PIN, Alt+C copy the fallback message; Ctrl+Enter starts a visit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.lone_working import VisitState, check_in_label, default_interval
from spokeapp.domain.lone_working import name_warnings as plan_name_warnings
from spokeapp.domain.records import (
    MAX_CHECK_IN_MINUTES,
    MIN_CHECK_IN_MINUTES,
    Alarm,
    AlarmKind,
    CheckIn,
    CheckInKind,
    VisitPlan,
)
from spokeapp.i18n import translator
from spokeapp.present.pins import PinResult, check_pin, pins_set_up
from spokeapp.present.visits import clock_text
from spokeapp.store.casebook import Casebook, CaseloadRow, StoredRecord
from spokeapp.ui.date_field import DateField
from spokeapp.ui.forms import FieldForm, ask_discard, plain, select, text_box, watch
from spokeapp.ui.models.visits import (
    BUDDY_NAME_SETTING,
    BUDDY_PHONE_SETTING,
    MOBILE_SETTING,
    VisitView,
    alarm_words,
    current_visit,
    load_visits,
    plan_message,
    reach_words,
    visit_reminders,
)
from spokeapp.ui.reminders import CheckInReminders
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.visit_pins import PinSetup
from spokeapp.ui.widgets import Message, heading, is_dark, paragraph, shown_key, submit_shortcut

tr = translator(__name__)

REFRESH_MS: Final = 30_000
DEFAULT_EXTEND_MINUTES: Final = 30
NO_CASE: Final = tr.noop("No case (for example outreach or a drop-in)")
LABELS: Final = {
    "location": tr.noop("Where"),
    "case_reference": tr.noop("Case reference"),
    "expected_end": tr.noop("Expected end"),
    "high_risk": tr.noop("High-risk visit"),
    "check_in_interval_minutes": tr.noop("Check in every"),
    "vehicle": tr.noop("Vehicle"),
    "mobile_number": tr.noop("Your mobile number"),
    "buddy_name": tr.noop("Buddy's name"),
    "buddy_phone": tr.noop("Buddy's phone"),
    "amber_note": tr.noop("Amber note (known risks)"),
}
# Big state banners: the words carry the meaning; colour only repeats it.
_NOT_ARMED_STYLE: Final = "background: #a4001d; color: white; padding: 10px; border-radius: 4px;"
_ARMED_STYLE: Final = "background: #1b5e20; color: white; padding: 10px; border-radius: 4px;"
_ALARM_STYLE: Final = "background: #7a0000; color: white; padding: 10px; border-radius: 4px;"
_BANNER_LIGHT: Final = "background: #fff3c4; color: #3d2c00; padding: 8px; font-weight: bold;"
_BANNER_DARK: Final = "background: #5c4a00; color: #fff3c4; padding: 8px; font-weight: bold;"

#: ``confirm_alarm(parent) -> True`` to raise the alarm. Tests replace it.
AlarmQuestion = Callable[[QWidget], bool]


def confirm_alarm(parent: QWidget) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Raise the alarm?"))
    box.setText(tr(
        "Raise the alarm now? Spoke sends it to the hub, which alerts the people it has for "
        "your team. Until it reaches the hub nobody knows: if you are in immediate danger, "
        "call 999."
    ))
    raise_button = box.addButton(tr("Raise &alarm"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(raise_button)
    box.exec()
    return box.clickedButton() is raise_button


def confirm_home_safe(parent: QWidget) -> bool:
    """Ending the day's last visit asks first (never "don't ask again": it is rare)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("Home safe?"))
    box.setText(tr("Are you home safe? This ends the visit and your working day."))
    box.setInformativeText(tr(
        "Nobody is alerted for this visit after this. If you are still out, choose Go back."
    ))
    home = box.addButton(tr("&Home safe"), QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(tr("&Go back"), QMessageBox.ButtonRole.RejectRole)
    home.setAccessibleName(tr("Yes, I am home safe"))
    back.setAccessibleName(tr("Go back, the visit carries on"))
    box.setDefaultButton(home)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is home


def _big(label: QLabel, scale: float) -> None:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)


def _minutes_until(now: datetime, then: datetime) -> int:
    return max(0, round((then - now).total_seconds() / 60))


def _scrolled(widget: QWidget, parent: QWidget) -> QScrollArea:
    scroll = QScrollArea(parent)
    scroll.setAccessibleName(widget.accessibleName() or tr("Visit"))
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(widget)
    return scroll


# ---------------------------------------------------------------------------------------------
# Start a visit
# ---------------------------------------------------------------------------------------------


class StartVisitForm(QWidget):
    """The plan form. Emits ``started(visit_id)`` once the plan is stored (finalised)."""

    started = Signal(str)
    ask_discard = staticmethod(ask_discard)

    def __init__(
        self, book: Casebook, tasks: TaskRunner, *, clock: Callable[[], datetime],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._tasks = tasks
        self._clock = clock
        self.record_id = new_id()
        self.dirty = False
        #: The plan is being stored (Start visit and Ctrl+Enter wait for it).
        self.saving = False
        self._loading = False
        self._names: list[str] = []
        self._warned_for: tuple[str, ...] | None = None

        self.summary = Message(self, name=tr("Problems with this visit plan"))
        self.form = FieldForm(self, {key: tr(label) for key, label in LABELS.items()})
        f = self.form
        self.location = f.add(
            "location", tr("&Where"), QLineEdit(),
            hint=tr("An address, a postcode or a description of the place. Never a young "
                    "person's name: your buddy and the on-call manager read this."),
        )
        assert isinstance(self.location, QLineEdit)
        self.case_reference = QComboBox()
        f.add("case_reference", tr("&Case reference"), self.case_reference)
        #: Typed ("17:30" is today), its meaning in words beside it.
        self.expected_end = DateField(
            with_time=True, clock=lambda: self._clock().astimezone().replace(tzinfo=None)
        )
        f.add("expected_end", tr("E&xpected end"), self.expected_end)
        self.high_risk = QCheckBox(tr("This is a &high-risk visit (check in every 30 minutes)"))
        f.add("high_risk", "", self.high_risk)
        self.interval = QSpinBox()
        self.interval.setRange(MIN_CHECK_IN_MINUTES, MAX_CHECK_IN_MINUTES)
        self.interval.setSuffix(tr(" minutes"))
        self.interval.setValue(default_interval(False))
        self.interval.setMaximumWidth(self.interval.fontMetrics().averageCharWidth() * 18)
        f.add("check_in_interval_minutes", tr("Check &in every"), self.interval)
        self.vehicle = f.add(
            "vehicle", tr("Vehic&le"), QLineEdit(),
            hint=tr("Make, colour and registration, if you are driving."),
        )
        self.mobile = f.add(
            "mobile_number", tr("Your &mobile number"), QLineEdit(),
            hint=tr("The phone you carry; Spoke remembers it."),
        )
        self.buddy_name = f.add("buddy_name", tr("B&uddy's name"), QLineEdit())
        self.buddy_phone = f.add("buddy_phone", tr("Buddy's pho&ne"), QLineEdit())
        self.amber_note = f.add(
            "amber_note", tr("Am&ber note"), text_box(2),
            hint=tr("Optional: known risks at this place (a dog, a previous incident)."),
        )
        for line in (self.vehicle, self.mobile, self.buddy_name, self.buddy_phone):
            assert isinstance(line, QLineEdit)

        self.discard_button = QPushButton(tr("Clear the form"), self)
        self.discard_button.setAccessibleName(tr("Clear the form"))
        self.start_button = QPushButton(tr("S&tart visit ({key})").format(
            key=shown_key("Ctrl+Return")), self)
        self.start_button.setAccessibleName(tr("Start visit"))
        self.start_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.start_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            paragraph(
                tr("Plan your visit before you go. Spoke sends the plan to your hub, which "
                   "watches the clock for you even if this laptop is closed or out of signal. "
                   "The visit is ARMED only once the hub has confirmed it."),
                self,
            )
        )
        layout.addWidget(self.summary)
        layout.addWidget(self.form.widget)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.high_risk.toggled.connect(self._high_risk_toggled)
        self.start_button.clicked.connect(self.start)
        self.discard_button.clicked.connect(self.clear_form)
        submit_shortcut(self, self.start, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for widget in self.form.inputs.values():
            watch(widget, self._changed)
        order = [*self.form.inputs.values(), self.discard_button, self.start_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.reset()

    # ------------------------------------------------------------------ filling in
    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def _high_risk_toggled(self, high: bool) -> None:
        # Follow the risk's default unless the worker chose her own interval.
        if self.interval.value() == default_interval(not high):
            self.interval.setValue(default_interval(high))

    def set_cases(self, rows: Sequence[Any]) -> None:
        """The caseload's open cases (references only are shown) and names (for warnings)."""
        chosen = self.case_reference.currentData()
        self._loading = True
        try:
            self.case_reference.clear()
            self.case_reference.addItem(tr(NO_CASE), None)
            for row in sorted(rows, key=lambda r: r.reference):
                if row.status == "open":
                    self.case_reference.addItem(row.reference, (row.reference, row.case_id))
            select(self.case_reference, chosen)  # the same case, given again as a new tuple
        finally:
            self._loading = False
        self._names = [n for row in rows for n in (row.name, row.preferred_name) if n]

    def _default_end(self) -> datetime:
        now = self._clock().astimezone()
        end = now + timedelta(hours=1)
        return end - timedelta(minutes=end.minute % 5, seconds=end.second,
                               microseconds=end.microsecond)

    def set_expected_end(self, when: datetime) -> None:
        local = when.astimezone()
        self.expected_end.set_value(local.replace(tzinfo=None, second=0, microsecond=0))

    def reset(self) -> None:
        """An empty plan, with the remembered phone numbers filled in."""
        self._loading = True
        try:
            self.record_id = new_id()
            for line in (self.location, self.vehicle):
                assert isinstance(line, QLineEdit)
                line.clear()
            assert isinstance(self.amber_note, QPlainTextEdit)
            self.amber_note.clear()
            self.high_risk.setChecked(False)
            self.interval.setValue(default_interval(False))
            self.case_reference.setCurrentIndex(0)
            self.set_expected_end(self._default_end())
            for line, key in (
                (self.mobile, MOBILE_SETTING),
                (self.buddy_name, BUDDY_NAME_SETTING),
                (self.buddy_phone, BUDDY_PHONE_SETTING),
            ):
                assert isinstance(line, QLineEdit)
                line.setText((self._book.setting(key) or "") if self._book.is_open else "")
        finally:
            self._loading = False
        self.dirty = False
        self._warned_for = None
        self.form.clear()
        self.summary.clear_message()

    def load_draft(self, plan: VisitPlan) -> None:
        """Fill the form from a draft plan kept when Spoke locked."""
        self._loading = True
        try:
            self.record_id = plan.id
            assert isinstance(self.location, QLineEdit) and isinstance(self.vehicle, QLineEdit)
            self.location.setText(plan.location)
            self.vehicle.setText(plan.vehicle)
            assert isinstance(self.amber_note, QPlainTextEdit)
            self.amber_note.setPlainText(plan.amber_note)
            self.high_risk.setChecked(plan.high_risk)
            self.interval.setValue(plan.interval_minutes)
            for index in range(self.case_reference.count()):
                data = self.case_reference.itemData(index)
                if data is not None and data[0] == plan.case_reference:
                    self.case_reference.setCurrentIndex(index)
            if plan.expected_end > self._clock():
                self.set_expected_end(plan.expected_end)
            for line, value in (
                (self.mobile, plan.mobile_number),
                (self.buddy_name, plan.buddy_name),
                (self.buddy_phone, plan.buddy_phone),
            ):
                assert isinstance(line, QLineEdit)
                if value:
                    line.setText(value)
        finally:
            self._loading = False
        self.dirty = True

    def plan(self) -> VisitPlan:
        """The plan as the form stands, starting now."""
        data = self.case_reference.currentData()
        reference, case_id = data if data is not None else (None, None)
        high = self.high_risk.isChecked()
        minutes = self.interval.value()
        # Nothing readable typed: a stand-in never stored (``start`` refuses first).
        end = self.expected_end.moment() or self.expected_end.now()
        return VisitPlan(
            id=self.record_id,
            worker=self._book.author,
            location=plain(self.location),
            starts_at=self._clock(),
            expected_end=end.astimezone(),
            mobile_number=plain(self.mobile),
            buddy_name=plain(self.buddy_name),
            buddy_phone=plain(self.buddy_phone),
            high_risk=high,
            check_in_interval_minutes=None if minutes == default_interval(high) else minutes,
            case_reference=reference,
            linked_case_id=case_id,
            vehicle=plain(self.vehicle),
            amber_note=plain(self.amber_note),
        )

    # ------------------------------------------------------------------ saving
    def start(self) -> bool:
        """Validate, warn about names once, then store the plan as final through the runner;
        True if storing it has started (``started`` follows once it is stored)."""
        self.summary.clear_message()
        self.form.clear()
        plan = self.plan()
        problems = self.form.date_problems()
        if not plan.mobile_number:  # left empty: needed, not "must be a mobile number"
            problems.append(Problem("mobile_number", tr("is required")))
        if not plan.buddy_phone:
            # Decided: an empty buddy's phone stays refused. The domain needs one
            # (``VisitPlan.validate``: ``normalise_phone_number("")`` is None) because the buddy
            # is the first the hub alerts when a check-in is missed (``lone_working``'s first
            # escalation tier) and whom the NOT ARMED fallback text goes to. Left empty it is
            # said to be needed, with what to type: "must be a phone number" read as if a
            # wrong number had been typed. (07700 900456: Ofcom's numbers kept for drama.)
            problems.append(Problem("buddy_phone", tr(
                "is needed: type your buddy's phone number, for example 07700 900456")))
        try:
            plan.validate()
        except ValidationError as exc:
            typed = {p.field for p in problems}
            problems += [p for p in exc.problems if p.field not in typed]
        if problems:
            self.form.show_problems(ValidationError(problems), self.summary,
                                    tr("starting the visit"))
            return False
        # The reference is picked from the caseload (pseudonymous by construction): only the
        # free text can carry a name.
        warnings = [
            w for w in plan_name_warnings(plan, self._names) if w.field != "case_reference"
        ]
        snapshot = (plan.location, plan.vehicle, plan.amber_note, plan.case_reference or "")
        if warnings and self._warned_for != snapshot:
            self._warned_for = snapshot
            self._show_name_warnings(warnings)
            return False
        if self.saving:  # Ctrl+Enter again while the plan is being stored
            return False
        book = self._book

        def write() -> str:
            book.save(plan, finalise=True)
            for key, value in (
                (MOBILE_SETTING, plan.mobile_number),
                (BUDDY_NAME_SETTING, plan.buddy_name),
                (BUDDY_PHONE_SETTING, plan.buddy_phone),
            ):
                book.set_setting(key, value)
            return plan.id

        # While it is stored the form is not "changed": locking meanwhile keeps no draft of a
        # plan that is being finalised (it is changed again if storing it fails).
        was_dirty, self.dirty = self.dirty, False
        self.saving = True

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.dirty = self.dirty or was_dirty
            if not isinstance(exc, SpokeError):
                raise exc
            self.summary.show_error(tr("The visit could not be started: {error}").format(
                error=exc))

        self._tasks.write(write, self._stored, failed, owner=self,
                          busy=(self.start_button, self.discard_button))
        return True

    def _stored(self, visit_id: str) -> None:
        self.saving = False
        self.reset()
        emit(self.started, visit_id)

    def _show_name_warnings(self, warnings: list[Problem]) -> None:
        first: QWidget | None = None
        for problem in warnings:
            label = tr(LABELS[problem.field]) if problem.field in LABELS else problem.field
            message = self.form.errors.get(problem.field)
            if message is not None:
                message.show_error(tr("{field} {problem}.").format(
                    field=label, problem=problem.message))
                first = first or self.form.inputs.get(problem.field)
        self.summary.show_error(tr(
            "This plan may name a young person. Your buddy and the on-call manager read it, so "
            "use the case reference instead. If it is not a name (a street, say), press Start "
            "visit again to start anyway."
        ))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def save_draft(self) -> None:
        """Keep a half-filled plan (a draft: never synced) so locking does not lose it."""
        if not self.dirty or not self._book.is_open:
            return
        try:
            self._book.save(self.plan())
        except SpokeError:
            return  # a draft that cannot be kept is not worth an error while locking
        self.dirty = False

    def clear_form(self) -> None:
        if self.saving or (self.dirty and not type(self).ask_discard(self)):
            return
        self._discard_stored_draft(self.record_id)
        self.reset()

    def _discard_stored_draft(self, record_id: str) -> None:
        """Throw away the draft kept of this form, if there is one (through the runner)."""
        book = self._book

        def write() -> None:
            try:
                stored = book.get(record_id)
            except SpokeError:
                return
            if stored.state == "draft":
                book.discard_draft(record_id)

        self._tasks.write(write, owner=self, busy=(self.discard_button,))


# ---------------------------------------------------------------------------------------------
# The visit under way
# ---------------------------------------------------------------------------------------------


class ActiveVisitPanel(QWidget):
    """ARMED or NOT ARMED, the fallback message, the next deadline and the check-in buttons."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.view: VisitView | None = None
        self.armed_label = QLabel(self)
        self.armed_label.setWordWrap(True)
        self.armed_label.setAccessibleName(tr("Whether the hub is watching this visit"))
        _big(self.armed_label, 1.5)
        self.armed_detail = paragraph("", self)
        self.alarm_label = QLabel(self)
        self.alarm_label.setWordWrap(True)
        self.alarm_label.setAccessibleName(tr("Alarm"))
        self.alarm_label.setStyleSheet(_ALARM_STYLE)
        _big(self.alarm_label, 1.2)
        self.summary = paragraph("", self)
        self.summary.setAccessibleName(tr("The visit"))
        self.due_label = QLabel(self)
        self.due_label.setWordWrap(True)
        self.due_label.setAccessibleName(tr("Next check-in"))
        _big(self.due_label, 1.25)
        self.last_label = paragraph("", self)
        self.last_label.setAccessibleName(tr("Last check-in"))
        self.pending_label = paragraph("", self)
        self.pending_label.setAccessibleName(tr("Not yet on the hub"))

        self.fallback = QGroupBox(tr("Until it is armed: text your plan to your buddy"), self)
        self.fallback.setAccessibleName(tr("Fallback: text your plan to your buddy"))
        self.buddy_label = paragraph("", self.fallback)
        self.buddy_label.setAccessibleName(tr("Your buddy's number"))
        self.buddy_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QPlainTextEdit(self.fallback)
        self.message.setReadOnly(True)
        self.message.setTabChangesFocus(True)
        self.message.setAccessibleName(tr("Text message with your plan"))
        line = self.message.fontMetrics().lineSpacing()
        self.message.setMinimumHeight(line * 6 + 12)
        self.message.setMaximumHeight(line * 10 + 12)
        self.copy_button = QPushButton(tr("&Copy message ({key})").format(
            key=shown_key("Alt+C")), self.fallback)
        self.copy_button.setAccessibleName(tr("Copy the text message"))
        self.copied = Message(self.fallback, name=tr("Copy result"))
        fallback_layout = QVBoxLayout(self.fallback)
        fallback_layout.addWidget(self.buddy_label)
        fallback_layout.addWidget(self.message)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copied, 1)
        copy_row.addStretch(0)
        copy_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignRight)
        fallback_layout.addLayout(copy_row)

        check = QGroupBox(tr("Check in"), self)
        check.setAccessibleName(tr("Check in"))
        self.pin_label = QLabel(tr("Your P&IN:"), check)
        self.pin = QLineEdit(check)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName(tr("Your PIN"))
        self.pin.setMaximumWidth(self.pin.fontMetrics().averageCharWidth() * 20)
        self.pin_label.setBuddy(self.pin)
        self.result = Message(check, name=tr("Check-in result"))
        self.safe_button = QPushButton(tr("Chec&k in: safe ({key})").format(
            key=shown_key("Alt+K")), check)
        self.safe_button.setAccessibleName(tr("Check in: safe"))
        self.extend_button = QPushButton(tr("E&xtend the visit ({key})").format(
            key=shown_key("Alt+X")), check)
        self.extend_button.setAccessibleName(tr("Extend the visit"))
        self.extend_minutes = QSpinBox(check)
        self.extend_minutes.setRange(MIN_CHECK_IN_MINUTES, MAX_CHECK_IN_MINUTES)
        self.extend_minutes.setSingleStep(5)
        self.extend_minutes.setValue(DEFAULT_EXTEND_MINUTES)
        self.extend_minutes.setSuffix(tr(" minutes"))
        self.extend_minutes.setAccessibleName(tr("Extend by this many minutes"))
        extend_label = QLabel(tr("&by"), check)
        extend_label.setBuddy(self.extend_minutes)
        self.end_button = QPushButton(tr("&End visit ({key})").format(
            key=shown_key("Alt+E")), check)
        self.end_button.setAccessibleName(tr("End visit"))
        self.home_button = QPushButton(tr("H&ome safe, end of day ({key})").format(
            key=shown_key("Alt+O")), check)
        self.home_button.setAccessibleName(tr("Home safe, end of day"))
        self.alarm_button = QPushButton(tr("Raise &alarm ({key})").format(
            key=shown_key("Alt+A")), check)
        self.alarm_button.setAccessibleName(tr("Raise alarm"))
        bold = QFont(self.safe_button.font())
        bold.setBold(True)
        tall = round(self.safe_button.fontMetrics().lineSpacing() * 2.4)
        for button in (
            self.safe_button, self.extend_button, self.end_button, self.home_button,
            self.alarm_button,
        ):
            button.setMinimumHeight(tall)
            button.setMinimumWidth(button.sizeHint().width() + 24)
        self.extend_minutes.setMinimumHeight(tall)
        self.safe_button.setFont(bold)
        self.alarm_button.setFont(bold)

        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_label)
        pin_row.addWidget(self.pin)
        pin_row.addStretch(1)
        first_row = QHBoxLayout()
        first_row.addWidget(self.safe_button)
        first_row.addSpacing(16)
        first_row.addWidget(self.extend_button)
        first_row.addWidget(extend_label)
        first_row.addWidget(self.extend_minutes)
        first_row.addStretch(1)
        second_row = QHBoxLayout()
        second_row.addWidget(self.end_button)
        second_row.addWidget(self.home_button)
        second_row.addStretch(1)
        second_row.addWidget(self.alarm_button)
        check_layout = QVBoxLayout(check)
        check_layout.addLayout(pin_row)
        check_layout.addLayout(first_row)
        check_layout.addLayout(second_row)
        check_layout.addWidget(self.result)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.armed_label)
        layout.addWidget(self.armed_detail)
        layout.addWidget(self.alarm_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.due_label)
        layout.addWidget(self.last_label)
        layout.addWidget(self.pending_label)
        layout.addWidget(check)
        layout.addWidget(self.fallback)
        layout.addStretch(1)

        self.copy_button.clicked.connect(self.copy_message)
        order = [
            self.pin, self.safe_button, self.extend_button, self.extend_minutes,
            self.end_button, self.home_button, self.alarm_button, self.message, self.copy_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def show_visit(self, view: VisitView, now: datetime, *, ask_pin: bool,
                   connected: bool = True) -> None:
        """Show where the visit stands at ``now`` (worker-facing: duress never shows).
        ``connected``: False once this laptop is known not to be enrolled with a hub, so no
        hub will ever see the plan until it is (not "when a connection appears")."""
        self.view = view
        plan = view.plan
        state = view.state(now)
        starts = view.escalation_starts_at
        if view.armed and starts is not None:
            self.armed_label.setStyleSheet(_ARMED_STYLE)
            if now < starts:
                self.armed_label.setText(tr(
                    "ARMED — the hub will start escalating at {time} if you have not checked in"
                ).format(time=clock_text(starts)))
            else:
                self.armed_label.setText(tr(
                    "ARMED — check in now: the hub started escalating at {time}"
                ).format(time=clock_text(starts)))
            reach = view.watch.reach if view.watch is not None else None
            nobody = reach is not None and not reach.anyone
            if nobody:
                self.armed_label.setStyleSheet(_NOT_ARMED_STYLE)
                self.armed_label.setText(
                    tr("Armed, but the hub has nobody to alert — call your manager")
                )
            self.armed_detail.setText(
                tr("{reach} Your hub has your plan and is watching the clock, even if this "
                   "laptop is closed or out of signal.").format(reach=reach_words(reach))
                if not nobody
                else tr("The hub is watching the clock, but no contact or notifier is set up "
                        "on it, so a missed check-in or an alarm reaches no one. Text the plan "
                        "below to your buddy from your phone, and tell your manager the hub "
                        "needs setting up.")
            )
        elif not connected:
            self.armed_label.setStyleSheet(_NOT_ARMED_STYLE)
            self.armed_label.setText(tr("NOT ARMED — this laptop is not connected to a hub"))
            self.armed_detail.setText(tr(
                "No hub is watching this visit, so nobody will be alerted if you miss a "
                "check-in or raise the alarm. Text the plan below to your buddy from your "
                "phone now, and go only if your buddy is watching for you. To connect this "
                "laptop, ask your hub administrator for an enrolment code (Sync page, Ctrl+9)."
            ))
        else:
            self.armed_label.setStyleSheet(_NOT_ARMED_STYLE)
            self.armed_label.setText(tr("NOT ARMED — the hub is not watching this visit yet"))
            self.armed_detail.setText(tr(
                "Your hub has not confirmed your plan, so nobody will be alerted if you miss a "
                "check-in. Text the plan below to your buddy from your phone now. Spoke sends "
                "the plan the moment a connection appears, before anything else."
            ))
        self.armed_label.setAccessibleDescription(
            f"{self.armed_label.text()}. {self.armed_detail.text()}"
        )
        reach = view.watch.reach if view.watch is not None else None
        nobody_to_alert = view.armed and reach is not None and not reach.anyone
        self.fallback.setVisible(not view.armed or nobody_to_alert)
        self.fallback.setTitle(tr("Nobody will be alerted: text your plan to your buddy")
                               if nobody_to_alert
                               else tr("Until it is armed: text your plan to your buddy"))
        self.message.setPlainText(plan_message(view))
        self.buddy_label.setText(tr("Send it to your buddy, {name}: {phone}").format(
            name=plan.buddy_name, phone=plan.buddy_phone))

        panics = view.panic_alarms()
        if state is VisitState.ALARM and panics:
            text = alarm_words(view, panics)
            self.alarm_label.setText(text)
            self.alarm_label.setAccessibleDescription(text)
            self.alarm_label.show()
        else:
            self.alarm_label.hide()

        times = {
            "place": plan.location, "reference": plan.case_reference,
            "start": clock_text(plan.starts_at), "end": clock_text(plan.expected_end),
            "minutes": plan.interval_minutes,
        }
        self.summary.setText(
            tr("Visit at {place} ({reference}). Started {start}, expected end {end}. Check in "
               "every {minutes} minutes.").format(**times)
            if plan.case_reference else
            tr("Visit at {place}. Started {start}, expected end {end}. Check in every "
               "{minutes} minutes.").format(**times)
        )
        deadline = view.deadline
        if deadline is None:
            self.due_label.setText(tr("This visit has ended."))
        elif now >= deadline:
            self.due_label.setText(
                tr("Check-in OVERDUE since {time} — check in now.").format(
                    time=clock_text(deadline))
            )
        else:
            minutes = _minutes_until(now, deadline)
            self.due_label.setText(tr.plural(
                minutes,
                "Next check-in due at {time} (in {n} minute).",
                "Next check-in due at {time} (in {n} minutes).",
            ).format(time=clock_text(deadline)))
        self.due_label.setAccessibleDescription(self.due_label.text())
        self.last_label.setText(view.last_check_in_words())
        waiting = view.unsent_check_ins()
        if waiting:
            waiting_times = ", ".join(clock_text(c.at) for c in waiting)
            self.pending_label.setText(tr(
                "Not yet on the hub: your check-in at {times}. It is kept on this laptop with "
                "its time and goes to the hub first, as soon as there is a connection."
            ).format(times=waiting_times))
            self.pending_label.show()
        else:
            self.pending_label.hide()
        self.pin_label.setVisible(ask_pin)
        self.pin.setVisible(ask_pin)

    def copy_message(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.message.toPlainText())
        self.copied.show_info(tr("Copied. Paste it into a text message to your buddy."))


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


class VisitsPage(QWidget):
    """Lone working. ``visits_changed(list[VisitView])`` after every refresh (for Today)."""

    visits_changed = Signal(object)
    #: The PINs were saved or removed here (Settings shows them too: issue 17).
    pins_changed = Signal()
    status = Signal(str)
    confirm_alarm: AlarmQuestion = staticmethod(confirm_alarm)
    #: ``confirm_home_safe(parent) -> True`` to end the day. Tests replace it.
    confirm_home_safe: AlarmQuestion = staticmethod(confirm_home_safe)

    def __init__(
        self,
        book: Casebook,
        tasks: TaskRunner,
        *,
        clock: Callable[[], datetime],
        sync: Any = None,
        reminders: CheckInReminders | None = None,
        cases: Sequence[CaseloadRow] | None = None,
        views: Sequence[VisitView] | None = None,
        drafts: Sequence[StoredRecord] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``cases`` (the caseload's rows), ``views`` (the worker's visits under way) and
        ``drafts`` (the drafts kept on this laptop): as already read off the GUI thread (the
        main window's first reading, issue 18); each one not given is read here, now."""
        super().__init__(parent)
        self._book = book
        self._tasks = tasks
        self._clock = clock
        self._sync = sync
        self.reminders = reminders or CheckInReminders(self, clock=clock)
        self._sync_after_running = False
        self.views: list[VisitView] = []
        self.current: VisitView | None = None
        self._pins_set_up = False  # as last read (shown again after a sleep without a read)
        self._cases: Sequence[CaseloadRow] | None = None  # the rows the form offers

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(tr("Check-in reminder"))
        self.banner.hide()
        self.ended_note = Message(self, name=tr("Last visit"))
        self.form = StartVisitForm(book, tasks, clock=clock, parent=self)
        self.panel = ActiveVisitPanel(self)
        self.pins_button = QPushButton(tr("Check-in and duress &PINs…"), self)
        self.pins_button.setAccessibleName(tr("Set up check-in and duress PINs"))

        form_page = QWidget(self)
        form_layout = QVBoxLayout(form_page)
        form_layout.addWidget(heading(tr("Start a visit"), form_page))
        form_layout.addWidget(self.ended_note)
        form_layout.addWidget(self.form)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(_scrolled(form_page, self.stack))
        panel_page = QWidget(self)
        panel_layout = QVBoxLayout(panel_page)
        panel_layout.addWidget(heading(tr("Your visit"), panel_page))
        panel_layout.addWidget(self.panel)
        self.stack.addWidget(_scrolled(panel_page, self.stack))

        top = QHBoxLayout()
        top.addWidget(heading(tr("Visits (lone working)"), self))
        top.addStretch(1)
        top.addWidget(self.pins_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)

        self.form.started.connect(self._started)
        p = self.panel
        p.safe_button.clicked.connect(lambda: self.check_in(CheckInKind.SAFE))
        p.extend_button.clicked.connect(lambda: self.check_in(CheckInKind.EXTEND))
        p.end_button.clicked.connect(lambda: self.check_in(CheckInKind.END_VISIT))
        p.home_button.clicked.connect(self.home_safe)
        p.alarm_button.clicked.connect(self.raise_alarm)
        p.pin.returnPressed.connect(p.safe_button.click)
        self.pins_button.clicked.connect(self.open_pins)
        self.reminders.reminded.connect(self.show_banner)
        self.reminders.resumed.connect(self._resumed)  # at once: a safety state after sleep
        if sync is not None:
            sync.finished.connect(self._sync_finished)
            sync.status_changed.connect(self._sync_status_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_in_background)  # never reads on this thread
        self._timer.start()
        self.dialog: QDialog | None = None
        if cases is None:
            self.refresh_cases()
        else:
            self.set_cases(cases)
        self._restore_draft(drafts)
        if views is None:
            self.refresh()
        else:
            self._show_read(list(views), lambda: pins_set_up(book))

    # ------------------------------------------------------------------ reading
    @property
    def dirty(self) -> bool:
        return self.form.dirty

    def refresh_cases(self) -> None:
        """Read the caseload now (on this thread) and offer its open cases."""
        if self._book.is_open:
            self.set_cases(self._book.caseload())

    def set_cases(self, rows: Sequence[CaseloadRow]) -> None:
        """Offer the open cases of ``rows`` (the caseload as read elsewhere, off the GUI
        thread: the main window gives each new reading, so a case opened since is there).
        The same rows given again (the same object) change nothing."""
        if rows is self._cases:
            return
        self._cases = rows
        self.form.set_cases(rows)

    def _restore_draft(self, drafts: Sequence[StoredRecord] | None = None) -> None:
        """Bring back the worker's last draft plan (from ``drafts`` if given, else read)."""
        kept = self._book.records("visit_plan", state="draft") if drafts is None else drafts
        plans = [
            s.record
            for s in kept
            if isinstance(s.record, VisitPlan) and s.record.worker == self._book.author
        ]
        if plans:
            self.form.load_draft(plans[-1])

    def refresh(self) -> None:
        """Re-read the visits and the hub's acknowledgements; reschedule the reminders."""
        if not self._book.is_open:
            return
        self._show_read(load_visits(self._book), lambda: pins_set_up(self._book))

    def refresh_in_background(self) -> None:
        """The same, read on the task runner's thread (the periodic refresh: a timer never
        reads the casebook on the GUI thread)."""
        if not self._book.is_open:
            return
        book = self._book

        def read() -> tuple[list[VisitView], bool]:
            return load_visits(book), pins_set_up(book)

        def done(result: tuple[list[VisitView], bool]) -> None:
            if self._book.is_open:
                views, pins = result
                self._show_read(views, lambda: pins)

        self._tasks.submit(read, done, self._read_failed, owner=self)

    def _resumed(self) -> None:
        """Woken from sleep (the reminders' heartbeat timer noticed): the visit's state is
        recomputed at once from the clock and what was last read (no casebook read on the GUI
        thread), then read again in the background in case anything changed."""
        if not self._book.is_open:
            return
        pins = self._pins_set_up
        self._show_read(self.views, lambda: pins)
        self.refresh_in_background()

    def _read_failed(self, error: BaseException) -> None:
        if self._book.is_open and not isinstance(error, SpokeError):
            raise error

    def _show_read(self, views: list[VisitView], pins: Callable[[], bool]) -> None:
        self.views = views
        self.current = current_visit(self.views)
        now = self._clock()
        current = self.current
        if current is None:
            self.stack.setCurrentIndex(0)
            self.reminders.set_reminders([])
            self.banner.hide()
        else:
            self._pins_set_up = pins()
            self.panel.show_visit(current, now, ask_pin=self._pins_set_up,
                                  connected=not self.unconnected)
            self.stack.setCurrentIndex(1)
            self.reminders.set_reminders(visit_reminders(current))
        emit(self.visits_changed, list(self.views))

    @property
    def unconnected(self) -> bool:
        """This laptop is known not to be enrolled with a hub: nothing it records reaches
        one (False while that is not known yet)."""
        status = self._sync.current if self._sync is not None else None
        return status is not None and not status.enrolled

    def _sync_status_changed(self, _status: object) -> None:
        """Enrolled (or no longer) while a visit is under way: say so at once."""
        if self.current is not None and self._book.is_open:
            pins = self._pins_set_up
            self._show_read(self.views, lambda: pins)

    def show_banner(self, text: str) -> None:
        self._tint_banner()
        self.banner.setText(text)
        self.banner.setAccessibleDescription(text)
        self.banner.show()

    def _tint_banner(self) -> None:
        sheet = _BANNER_DARK if is_dark(self) else _BANNER_LIGHT
        if sheet != self.banner.styleSheet():
            self.banner.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._tint_banner()  # dark mode switched on or off: the banner's colours too

    # ------------------------------------------------------------------ writing
    def _started(self, visit_id: str) -> None:
        self.ended_note.clear_message()
        self.banner.hide()
        self.refresh()
        self.panel.pin.setFocus()
        self._sync_now()
        emit(self.status, tr("Visit started. This laptop is not connected to a hub: text your "
                             "plan to your buddy.") if self.unconnected
             else tr("Visit started. Spoke is sending your plan to the hub."))
        del visit_id

    def check_in(self, kind: CheckInKind) -> bool:
        """Record a check-in of ``kind`` (after the PIN, if PINs are set up); True if recorded.

        Written here, on the GUI thread, not through the ``TaskRunner`` (safety): any check-in
        may carry the duress PIN, and a duress check-in or alarm must never wait behind other
        work in the runner's pool nor have its answer dropped (the runner drops callbacks whose
        widget is gone, e.g. on a lock). And every check-in must behave the same on screen,
        duress or not, so they are all written in place, like the alarm."""
        current = self.current
        if current is None:
            return False
        panel = self.panel
        panel.result.clear_message()
        outcome = check_pin(self._book, panel.pin.text())
        if outcome is PinResult.MISSING:
            panel.result.show_error(tr("Type your PIN to check in."))
            panel.pin.setFocus()
            return False
        if outcome is PinResult.WRONG:
            panel.result.show_error(tr("That PIN is not right. Type it again to check in."))
            panel.pin.selectAll()
            panel.pin.setFocus()
            return False
        now = self._clock()
        duress = outcome is PinResult.DURESS
        extend = panel.extend_minutes.value() if kind is CheckInKind.EXTEND else None
        recorded_kind = CheckInKind.DURESS if duress and kind is CheckInKind.SAFE else kind
        check_in = CheckIn(
            id=new_id(), visit_id=current.id, kind=recorded_kind, at=now, extend_minutes=extend
        )
        try:
            check_in.validate()
            self._book.save(check_in, finalise=True)
            if duress and kind is not CheckInKind.SAFE:
                # Extend / end / home safe under duress: the check-in she chose, plus a silent
                # duress alarm for the hub's top tier. Her screen shows neither.
                alarm = Alarm(
                    id=new_id(), visit_id=current.id, raised_at=now, kind=AlarmKind.DURESS
                )
                self._book.save(alarm, finalise=True)
        except (SpokeError, ValidationError) as exc:
            panel.result.show_error(tr("The check-in could not be recorded: {error}").format(
                error=exc))
            return False
        panel.pin.clear()
        words = tr("{check_in} at {time}.").format(
            check_in=check_in_label(check_in), time=clock_text(now))
        self.banner.hide()
        self.refresh()
        if self.current is None:
            self.ended_note.show_info(tr("{check_in} Take care.").format(check_in=words))
        else:
            panel.result.show_info(words)
        emit(self.status, words)
        self._sync_now()
        return True

    def home_safe(self) -> bool:
        """"Home safe": asks first (the same question whatever PIN is typed), then checks in."""
        if self.current is None or not type(self).confirm_home_safe(self):
            return False
        return self.check_in(CheckInKind.HOME_SAFE)

    def raise_alarm(self) -> bool:
        """Record a panic alarm (after confirming). Written at once on the GUI thread, never
        through the ``TaskRunner``: the alarm must not wait behind another task in its pool
        nor be lost with a dropped callback (see :meth:`check_in`)."""
        current = self.current
        if current is None or not type(self).confirm_alarm(self):
            return False
        now = self._clock()
        alarm = Alarm(id=new_id(), visit_id=current.id, raised_at=now, kind=AlarmKind.PANIC)
        try:
            self._book.save(alarm, finalise=True)
        except SpokeError as exc:
            self.panel.result.show_error(
                tr("The alarm could not be recorded: {error}. Call 999.").format(error=exc))
            return False
        self.refresh()
        # The alarm banner says where the alarm is (saved here, or on the hub and who it
        # calls) and keeps saying it truthfully as that changes; a second note here would go
        # stale ("sending it to the hub" after the hub has it).
        self.panel.result.clear_message()
        emit(self.status, tr("Alarm saved on this laptop, but it is not connected to a hub: "
                             "nobody knows. Call 999 if you are in danger.") if self.unconnected
             else tr("Alarm saved on this laptop; Spoke is sending it to the hub."))
        self._sync_now()
        return True

    def _sync_now(self) -> None:
        sync = self._sync
        if sync is None:
            return
        if sync.running:
            self._sync_after_running = True
        sync.sync_now()

    def _sync_finished(self, _report: object) -> None:
        self.refresh()
        if self._sync_after_running:
            self._sync_after_running = False
            self._sync_now()

    # ------------------------------------------------------------------ PINs
    def open_pins(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(tr("Check-in and duress PINs"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        setup = PinSetup(self._book, dialog, tasks=self._tasks)
        setup.changed.connect(self.refresh)
        setup.changed.connect(lambda: emit(self.pins_changed))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(setup)
        layout.addWidget(buttons)
        self.dialog = dialog
        dialog.open()

    def save_drafts(self) -> None:
        """Before locking: keep a half-filled plan as a draft."""
        self.form.save_draft()
