"""The Visits page (lone working) on a real casebook: plan a visit, NOT ARMED until the hub has
acknowledged it (then ARMED with the time), check-ins, reminders with a clock moved by hand,
and a duress PIN that looks exactly like an ordinary check-in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Alarm,
    AlarmKind,
    Case,
    CheckInKind,
    VisitPlan,
    YoungPerson,
)
from spokeapp.present.pins import CHECK_IN_PIN_SETTING, DURESS_PIN_SETTING, hash_pin
from spokeapp.present.visits import clock_text
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.reminders import CheckInReminders
from spokeapp.ui.sync_bridge import SyncBridge
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.today import TodayPage
from spokeapp.ui.views.visit_pins import PinSetup
from spokeapp.ui.views.visits import VisitsPage
from tests.helpers.hub import ManualClock, RunningHub, running_hub, sqlite_url
from tests.ui.conftest import FakeClock

PASSPHRASE = "kettle orbit lemon march"
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NAME = "Demo Zedanne"


def _casebook(folder: Path) -> Casebook:
    book, _ = Casebook.create(folder, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    person = YoungPerson(
        id=new_id(), reference="YP-0007", name=NAME, date_of_birth=date(2010, 1, 1)
    )
    book.save(person)
    book.save(
        Case(
            id=new_id(), young_person_id=person.id, key_worker=book.author,
            opened_on=date(2026, 1, 5),
        )
    )
    return book


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook = _casebook(tmp_path / "laptop")
    yield casebook
    if casebook.is_open:
        casebook.close()


class Notices:
    """Collects the desktop notices instead of showing them."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> None:
        self.texts.append(text)


def _reminders(qtbot: Any, clock: ManualClock, sleep_clock: FakeClock | None = None) -> Any:
    notices = Notices()
    service = CheckInReminders(
        clock=clock, sleep_clock=sleep_clock or FakeClock(), notifier=notices
    )
    service.notices = notices  # type: ignore[attr-defined]
    return service


def _page(qtbot: Any, book: Casebook, clock: ManualClock, **options: Any) -> VisitsPage:
    options.setdefault("reminders", _reminders(qtbot, clock))
    page = VisitsPage(book, TaskRunner(), clock=clock, **options)
    qtbot.addWidget(page)
    page.resize(1000, 900)
    page.show()
    return page


def _fill(page: VisitsPage, **overrides: Any) -> None:
    form = page.form
    values = {
        "location": "Example Library, AB1 2CD",
        "vehicle": "Blue hatchback, EX12 AMP",
        "mobile": "07700 900123",
        "buddy_name": "Sam Buddy",
        "buddy_phone": "07700 900456",
    }
    values.update({k: v for k, v in overrides.items() if k in values})
    for name, value in values.items():
        getattr(form, name).setText(value)
    form.amber_note.setPlainText(overrides.get("amber_note", "Dog at the address."))
    form.case_reference.setCurrentIndex(form.case_reference.findText("YP-0007"))
    form.set_expected_end(overrides.get("end", START + timedelta(hours=2)))


def _stored_plan(qtbot: Any, page: VisitsPage) -> None:
    """Wait for the plan, stored through the runner, to be shown as the visit under way."""
    qtbot.waitUntil(lambda: not page.form.saving, timeout=5000)


def _start(qtbot: Any, page: VisitsPage, **overrides: Any) -> VisitPlan:
    _fill(page, **overrides)
    assert page.form.start(), page.form.summary.text()
    _stored_plan(qtbot, page)
    assert page.current is not None, page.form.summary.text()
    return page.current.plan


def _ack(book: Casebook, visit_id: str, escalation: datetime | None, at: datetime) -> None:
    """The acknowledgement as the sync engine stores it (for tests not about the hub)."""
    with book.sync_transaction() as db:
        db.execute(
            "INSERT INTO visit_watch (visit_id, escalation_starts_at, acknowledged_at) "
            "VALUES (?, ?, ?) ON CONFLICT(visit_id) DO UPDATE SET "
            "escalation_starts_at = excluded.escalation_starts_at, "
            "acknowledged_at = excluded.acknowledged_at",
            (visit_id, None if escalation is None else escalation.isoformat(), at.isoformat()),
        )


def _stored(book: Casebook, kind: str) -> list[Any]:
    return [s.record for s in book.records(kind)]


def _visible_texts(root: QWidget) -> list[tuple[str, str, bool]]:
    """Everything a person looking at the screen could read, widget by widget."""
    seen: list[tuple[str, str, bool]] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            text = widget.text()
        elif isinstance(widget, QPlainTextEdit):
            text = widget.toPlainText()
        else:
            continue
        seen.append((type(widget).__name__, text, widget.isEnabled()))
    return seen


# ---------------------------------------------------------------------------------------------
# NOT ARMED, ARMED
# ---------------------------------------------------------------------------------------------


def test_a_visit_started_offline_is_not_armed_and_offers_the_text_message(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    assert page.stack.currentIndex() == 0  # no visit yet: the form
    plan = _start(qtbot, page)

    stored = _stored(book, "visit_plan")
    assert [p.id for p in stored] == [plan.id]
    assert plan.case_reference == "YP-0007" and plan.starts_at == START
    assert plan.interval_minutes == 60
    panel = page.panel
    assert page.stack.currentIndex() == 1
    assert panel.armed_label.text().startswith("NOT ARMED")
    assert "nobody will be alerted" in panel.armed_detail.text()
    assert panel.fallback.isVisible()
    message = panel.message.toPlainText()
    for part in (
        "Example Library, AB1 2CD", "YP-0007",
        f"expected end {clock_text(START + timedelta(hours=2))}",
        "every 60 minutes", "Blue hatchback, EX12 AMP", "07700 900123", "Dog at the address.",
    ):
        assert part in message
    assert NAME not in message and "Demo" not in message
    assert "Sam Buddy: 07700 900456" in panel.buddy_label.text()
    assert panel.due_label.text() == (
        f"Next check-in due at {clock_text(START + timedelta(hours=1))} (in 60 minutes)."
    )

    panel.copy_button.click()
    assert QGuiApplication.clipboard().text() == message
    assert panel.copied.isVisible()

    # The phone numbers are remembered for the next visit.
    page.panel.end_button.click()
    assert page.stack.currentIndex() == 0
    assert page.form.mobile.text() == "07700 900123"
    assert page.form.buddy_phone.text() == "07700 900456"


def test_armed_once_the_hub_acknowledged_the_plan_with_the_escalation_time(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    plan = _start(qtbot, page)
    assert page.panel.armed_label.text().startswith("NOT ARMED")

    escalation = START + timedelta(hours=1, minutes=15)
    _ack(book, plan.id, escalation, START)
    page.refresh()  # what a finished sync (or the 30-second timer) does
    assert page.panel.armed_label.text() == (
        f"ARMED — the hub will start escalating at {clock_text(escalation)} if you have not "
        "checked in"
    )
    assert not page.panel.fallback.isVisible()

    # The hub stops watching once the visit is over: not armed any more, and no panel.
    _ack(book, plan.id, None, START)
    page.refresh()
    assert page.panel.armed_label.text().startswith("NOT ARMED")


@pytest.fixture
def hub(tmp_path: Path, clock: ManualClock) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub"), clock=clock) as running:
        yield running


SMS_SECRET = "test-sms-secret-not-real"


def _set_up_alerts(hub: RunningHub, monkeypatch: pytest.MonkeyPatch, *,
                   on_call: bool = False) -> None:
    """An SMS gateway (the buddy can be texted) and, if asked, an on-call manager reachable
    by SMS and email, as ``spoke-hub safety notifier|contact`` would store them."""
    from sqlalchemy.orm import Session

    from spokeapp.hub import lone_working as hub_lw
    from spokeapp.hub.notifiers import EmailSettings, NotifierSettings

    monkeypatch.setenv("SPOKE_HUB_SMS_SECRET", SMS_SECRET)
    with Session(hub.engine) as session, session.begin():
        hub_lw.save_notifier_settings(session, NotifierSettings(
            sms_url="http://127.0.0.1:9/sms",
            email=EmailSettings(host="127.0.0.1", port=9, sender="spoke@example.org",
                                starttls=False) if on_call else None,
        ))
        if on_call:
            session.add(hub_lw.LoneWorkingContact(
                id=new_id(), role="on_call_manager", team=None, user_id=None,
                name="Demo On-call", email="oncall@example.org", phone="+447700900789",
                created_at="x",
            ))


def _sync(qtbot: Any, engine: SyncEngine) -> None:
    report = engine.sync_once()
    assert report is not None


def test_after_a_real_sync_with_the_hub_the_visit_is_armed(
    qtbot: Any, hub: RunningHub, book: Casebook, clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _set_up_alerts(hub, monkeypatch)
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    bridge = SyncBridge(engine, clock=clock)
    page = _page(qtbot, book, clock, sync=bridge)
    plan = _start(qtbot, page)  # starting the visit asks the bridge to sync at once
    qtbot.waitUntil(lambda: not bridge.running and SyncStore(book).visit_watch(plan.id)
                    is not None, timeout=15_000)
    watch = SyncStore(book).visit_watch(plan.id)
    assert watch is not None and watch.escalation_starts_at is not None
    qtbot.waitUntil(lambda: page.panel.armed_label.text().startswith("ARMED"), timeout=5_000)
    assert clock_text(watch.escalation_starts_at) in page.panel.armed_label.text()
    assert watch.escalation_starts_at == START + timedelta(hours=1, minutes=15)
    # the hub said who it would alert: only the buddy, by SMS (no managers set up)
    assert watch.reach is not None and watch.reach.people == 1
    assert page.panel.armed_detail.text().startswith("Armed: 1 person will be called by SMS.")

    # A check-in moves the hub's escalation time once it has been synced.
    clock.advance(minutes=30)
    page.panel.safe_button.click()
    qtbot.waitUntil(
        lambda: not bridge.running
        and clock_text(START + timedelta(hours=1, minutes=45)) in page.panel.armed_label.text(),
        timeout=15_000,
    )
    assert not page.panel.pending_label.isVisible()

    # Ending the visit: the hub stops watching it.
    page.panel.end_button.click()
    qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
    qtbot.waitUntil(
        lambda: (w := SyncStore(book).visit_watch(plan.id)) is not None
        and w.escalation_starts_at is None,
        timeout=15_000,
    )
    bridge.stop()


# ---------------------------------------------------------------------------------------------
# Check-ins
# ---------------------------------------------------------------------------------------------


def test_check_ins_are_recorded_with_local_time_and_move_the_deadline(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    plan = _start(qtbot, page)
    panel = page.panel

    clock.advance(minutes=20)
    panel.safe_button.click()
    assert panel.result.text() == f"Checked in: safe at {clock_text(clock())}."
    assert panel.due_label.text().startswith(
        f"Next check-in due at {clock_text(clock() + timedelta(hours=1))}"
    )
    assert panel.last_label.text() == f"Last check-in: Checked in: safe at {clock_text(clock())}."
    # Not synced: the worker is told it waits on the laptop, with its time.
    assert panel.pending_label.isVisible()
    assert clock_text(clock()) in panel.pending_label.text()

    clock.advance(minutes=70)  # past the expected end of 12:00? no: 11:30
    panel.extend_minutes.setValue(45)
    panel.extend_button.click()
    assert panel.result.text() == f"Extended by 45 minutes at {clock_text(clock())}."

    clock.advance(minutes=5)
    panel.home_button.click()
    assert page.stack.currentIndex() == 0
    assert page.ended_note.text() == f"Home safe at {clock_text(clock())}. Take care."
    kinds = [(c.kind, c.at, c.extend_minutes) for c in _stored(book, "check_in")]
    assert kinds == [
        (CheckInKind.SAFE, START + timedelta(minutes=20), None),
        (CheckInKind.EXTEND, START + timedelta(minutes=90), 45),
        (CheckInKind.HOME_SAFE, START + timedelta(minutes=95), None),
    ]
    assert all(c.visit_id == plan.id for c in _stored(book, "check_in"))


def test_an_overdue_check_in_says_so_in_words(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    _start(qtbot, page)
    clock.advance(minutes=61)
    page.refresh()
    assert page.panel.due_label.text() == (
        f"Check-in OVERDUE since {clock_text(START + timedelta(hours=1))} — check in now."
    )


def test_raising_the_alarm_asks_first_then_records_a_panic_alarm(
    qtbot: Any, book: Casebook, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page(qtbot, book, clock)
    plan = _start(qtbot, page)
    answers = [False, True]
    monkeypatch.setattr(VisitsPage, "confirm_alarm", staticmethod(lambda _p: answers.pop(0)))
    page.panel.alarm_button.click()
    assert _stored(book, "alarm") == []  # cancelled: nothing recorded
    clock.advance(minutes=3)
    page.panel.alarm_button.click()
    alarms = _stored(book, "alarm")
    assert [(a.kind, a.raised_at, a.visit_id) for a in alarms] == [
        (AlarmKind.PANIC, clock(), plan.id)
    ]
    assert page.panel.alarm_label.isVisible()
    # not on the hub yet: it says so, and never that anyone is being alerted
    assert page.panel.alarm_label.text().startswith(
        f"ALARM SAVED on this laptop at {clock_text(clock())} - not sent yet.")
    assert "Call 999 if you are in danger" in page.panel.alarm_label.text()
    assert "being" not in page.panel.alarm_label.text()


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def test_the_form_says_what_is_missing_beside_each_field(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    form = page.form
    form.mobile.setText("")
    form.buddy_phone.setText("not a number")
    form.set_expected_end(START - timedelta(minutes=5))
    assert not form.start()
    assert form.summary.isVisible()
    assert form.summary.text().startswith("Please fix")
    errors = {name: m.text() for name, m in form.form.errors.items() if m.isVisible()}
    assert errors["location"] == "Where is required."
    assert errors["expected_end"] == "Expected end must be after the start."
    # Left empty, it is needed: "must be a mobile number" read as if a number were typed.
    assert errors["mobile_number"] == "Your mobile number is required."
    assert errors["buddy_phone"].startswith("Buddy's phone must be a phone number")
    assert errors["buddy_name"] == "Buddy's name is required."
    assert _stored(book, "visit_plan") == []
    assert page.stack.currentIndex() == 0


def test_a_buddy_s_phone_left_empty_is_said_to_be_needed_with_what_to_type(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    """Left empty, it said "Buddy's phone must be a phone number", as if a wrong number had
    been typed. The plan still needs it: the buddy is the first the hub alerts."""
    page = _page(qtbot, book, clock)
    _fill(page, buddy_phone="")
    assert not page.form.start()
    shown = page.form.form.errors["buddy_phone"]
    assert shown.isVisible()
    assert shown.text() == (
        "Buddy's phone is needed: type your buddy's phone number, for example 07700 900456.")
    assert "must be a phone number" not in page.form.summary.accessibleDescription()
    assert page.form.summary.text() == (
        "Please fix 1 thing before starting the visit: Buddy's phone.")
    assert _stored(book, "visit_plan") == []


def test_a_number_that_is_not_a_mobile_is_called_that_not_missing(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    form = page.form
    form.mobile.setText("020 7946 0018")  # a landline
    assert not form.start()
    assert form.form.errors["mobile_number"].text().startswith(
        "Your mobile number must be a mobile number, e.g. 07700 900123")


def test_a_name_in_the_plan_is_warned_about_once_then_may_be_kept(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    _fill(page, amber_note="Demo's older brother may be there.")
    form = page.form
    assert not form.start()
    assert "may name a young person" in form.summary.text()
    warning = form.form.errors["amber_note"].text()
    assert "may contain a young person's name" in warning
    assert "Demo" not in warning and NAME not in form.summary.text()
    assert _stored(book, "visit_plan") == []
    assert form.start()  # pressed again: it is her call
    assert not form.start_button.isEnabled()  # held while the plan is stored
    assert not form.start()  # Ctrl+Enter meanwhile: ignored, nothing stored twice
    _stored_plan(qtbot, page)
    assert len(_stored(book, "visit_plan")) == 1


def test_high_risk_means_every_30_minutes_unless_she_chose_otherwise(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    form = page.form
    assert form.interval.value() == 60
    form.high_risk.setChecked(True)
    assert form.interval.value() == 30
    plan = _start(qtbot, page)
    assert plan.high_risk and plan.interval_minutes == 30
    assert plan.check_in_interval_minutes is None  # the risk's default


def test_a_half_filled_plan_is_kept_as_a_draft_and_comes_back(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    page.form.location.setText("Example Youth Centre")
    page.form.location.textEdited.emit("Example Youth Centre")
    assert page.dirty
    page.save_drafts()  # what the main window does before locking
    again = _page(qtbot, book, clock)
    assert again.form.location.text() == "Example Youth Centre"
    assert again.stack.currentIndex() == 0  # a draft is not a visit
    drafts = book.records("visit_plan", state="draft")
    assert len(drafts) == 1
    assert all(c.record_id != drafts[0].record.id for c in book.changes())  # never synced
    _fill(again)
    assert again.form.start()
    _stored_plan(qtbot, again)
    assert [s.state for s in book.records("visit_plan")] == ["final"]


def test_clearing_the_form_throws_its_kept_draft_away(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    page.form.location.setText("Example Youth Centre")
    page.form.location.textEdited.emit("Example Youth Centre")
    page.save_drafts()
    assert len(book.records("visit_plan", state="draft")) == 1
    page.form.clear_form()  # the draft is kept, so nothing is lost: no question
    assert page.form.location.text() == ""
    assert not page.form.discard_button.isEnabled()  # held while the draft is thrown away
    qtbot.waitUntil(page.form.discard_button.isEnabled, timeout=5000)
    assert book.records("visit_plan", state="draft") == []


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------


def test_reminders_fire_ten_minutes_before_and_at_the_deadline(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    _start(qtbot, page)
    notices = page.reminders.notices  # type: ignore[attr-defined]
    deadline = START + timedelta(hours=1)

    clock.now = deadline - timedelta(minutes=10, seconds=1)
    page.reminders.check()
    assert notices.texts == []
    assert not page.banner.isVisible()

    clock.now = deadline - timedelta(minutes=10)
    page.reminders.check()
    assert notices.texts == [
        f"Check-in due at {clock_text(deadline)} (in 10 minutes). Check in on Spoke."
    ]
    assert page.banner.isVisible() and page.banner.text() == notices.texts[-1]
    page.reminders.check()
    assert len(notices.texts) == 1  # once only

    clock.now = deadline
    page.reminders.check()
    assert notices.texts[-1] == (
        f"Check-in due now ({clock_text(deadline)}). Check in on Spoke, or text SAFE."
    )
    assert page.banner.text() == notices.texts[-1]

    # Checking in clears the banner and schedules the next round.
    page.panel.safe_button.click()
    assert not page.banner.isVisible()
    assert page.reminders.next_at() == deadline + timedelta(minutes=50)


def test_reminders_survive_a_restart(qtbot: Any, book: Casebook, clock: ManualClock) -> None:
    page = _page(qtbot, book, clock)
    _start(qtbot, page)
    clock.advance(minutes=20)
    page.panel.safe_button.click()  # next due 11:20
    page.close()
    page.deleteLater()

    # A new page and a new reminder service, as after restarting Spoke: from stored records.
    clock.now = START + timedelta(hours=1, minutes=12)
    again = _page(qtbot, book, clock)
    notices = again.reminders.notices  # type: ignore[attr-defined]
    deadline = START + timedelta(hours=1, minutes=20)
    assert notices.texts == [
        f"Check-in due at {clock_text(deadline)} (in 8 minutes). Check in on Spoke."
    ]
    clock.now = deadline
    again.reminders.check()
    assert notices.texts[-1].startswith(f"Check-in due now ({clock_text(deadline)})")
    assert again.banner.isVisible()


def test_on_resume_from_sleep_the_state_is_recomputed_at_once(
    qtbot: Any, book: Casebook, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleep_clock = FakeClock()
    service = _reminders(qtbot, clock, sleep_clock)
    page = _page(qtbot, book, clock, reminders=service)
    _start(qtbot, page)
    assert page.panel.due_label.text().startswith("Next check-in due")

    # The laptop sleeps through the deadline; timers stood still. The first heartbeat after
    # waking notices the gap (the same test auto-lock uses) and everything is recomputed.
    clock.advance(minutes=75)
    sleep_clock.advance(75 * 60)
    on_gui = []  # the heartbeat is a timer: it never reads the casebook on the GUI thread
    connection = book._db
    monkeypatch.setattr(book, "_db", lambda: on_gui.append(threading.current_thread()
                                                           is threading.main_thread())
                        or connection())
    with qtbot.waitSignal(service.resumed, timeout=1000):
        service.heartbeat()
    assert page.panel.due_label.text().startswith("Check-in OVERDUE")  # at once, no read
    assert True not in on_gui
    qtbot.waitUntil(lambda: not page._tasks.busy, timeout=5000)  # read again, off the thread
    assert page.panel.due_label.text().startswith("Check-in OVERDUE")
    assert service.notices.texts == [  # type: ignore[attr-defined]
        f"Your check-in was due at {clock_text(START + timedelta(hours=1))}. Check in now, "
        "or the hub will start alerting people to look for you."
    ]


# ---------------------------------------------------------------------------------------------
# Duress
# ---------------------------------------------------------------------------------------------


def _set_pins(qtbot: Any, book: Casebook) -> None:
    setup = PinSetup(book, None, tasks=TaskRunner())
    qtbot.addWidget(setup)
    setup.pin.setText("2468")
    setup.pin_again.setText("2468")
    setup.duress.setText("1357")
    setup.duress_again.setText("1357")
    assert setup.save()
    assert not setup.save_button.isEnabled() and not setup.save()  # no second save meanwhile
    qtbot.waitUntil(lambda: setup.save_button.isEnabled(), timeout=5000)
    assert setup.message.text() == (
        "Your PINs are saved. Every check-in will now ask for your PIN.")


def _run_check_in(
    qtbot: Any, folder: Path, pin: str, button: str
) -> tuple[list[tuple[str, str, bool]], Casebook]:
    clock = ManualClock(START)
    book = _casebook(folder)
    _set_pins(qtbot, book)
    page = _page(qtbot, book, clock)
    plan = _start(qtbot, page)
    _ack(book, plan.id, START + timedelta(hours=1, minutes=15), START)
    page.refresh()
    clock.advance(minutes=25)
    page.panel.pin.setText(pin)
    getattr(page.panel, button).click()
    return _visible_texts(page), book


def test_the_duress_pin_looks_exactly_like_a_safe_check_in(qtbot: Any, tmp_path: Path) -> None:
    safe_screen, safe_book = _run_check_in(qtbot, tmp_path / "a", "2468", "safe_button")
    duress_screen, duress_book = _run_check_in(qtbot, tmp_path / "b", "1357", "safe_button")
    assert duress_screen == safe_screen
    assert any("Checked in: safe at" in text for _, text, _ in duress_screen)
    assert [c.kind for c in _stored(safe_book, "check_in")] == [CheckInKind.SAFE]
    assert [c.kind for c in _stored(duress_book, "check_in")] == [CheckInKind.DURESS]
    assert _stored(duress_book, "alarm") == []
    # Nothing in the PIN settings gives either PIN away: each is exactly its salted hash
    # (the hex of a random salt and digest may contain any digits, so no substring check).
    for key, pin in ((CHECK_IN_PIN_SETTING, "2468"), (DURESS_PIN_SETTING, "1357")):
        stored = duress_book.setting(key) or ""
        salt = stored.split("$")[4]
        assert stored == hash_pin(pin, bytes.fromhex(salt))
    safe_book.close()
    duress_book.close()


def test_ending_a_visit_with_the_duress_pin_looks_normal_and_raises_a_silent_alarm(
    qtbot: Any, tmp_path: Path
) -> None:
    normal_screen, normal_book = _run_check_in(qtbot, tmp_path / "a", "2468", "end_button")
    duress_screen, duress_book = _run_check_in(qtbot, tmp_path / "b", "1357", "end_button")
    assert duress_screen == normal_screen
    assert [c.kind for c in _stored(duress_book, "check_in")] == [CheckInKind.END_VISIT]
    alarms: list[Alarm] = _stored(duress_book, "alarm")
    assert [a.kind for a in alarms] == [AlarmKind.DURESS]
    assert _stored(normal_book, "alarm") == []
    normal_book.close()
    duress_book.close()


def test_with_pins_set_up_a_check_in_needs_the_right_pin(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    _set_pins(qtbot, book)
    page = _page(qtbot, book, clock)
    _start(qtbot, page)
    panel = page.panel
    assert panel.pin.isVisible()
    panel.safe_button.click()
    assert panel.result.text() == "Type your PIN to check in."
    panel.pin.setText("9999")
    panel.safe_button.click()
    assert panel.result.text() == "That PIN is not right. Type it again to check in."
    assert _stored(book, "check_in") == []
    panel.pin.setText("2468")
    panel.safe_button.click()
    assert [c.kind for c in _stored(book, "check_in")] == [CheckInKind.SAFE]
    assert panel.pin.text() == ""


def test_pin_setup_refuses_bad_pins(qtbot: Any, book: Casebook) -> None:
    setup = PinSetup(book, None, tasks=TaskRunner())
    qtbot.addWidget(setup)
    setup.pin.setText("12")
    assert not setup.save()
    assert setup.message.text() == "Check-in PIN: A PIN has 4 to 12 digits."
    setup.pin.setText("2468")
    setup.pin_again.setText("2468")
    setup.duress.setText("2468")
    setup.duress_again.setText("2468")
    assert not setup.save()
    assert setup.message.text() == (
        "Duress PIN: The duress PIN must be different from the check-in PIN."
    )
    assert not book.setting(CHECK_IN_PIN_SETTING)
    assert "No PINs set up" in setup.status.text()


def test_without_pins_the_pin_field_is_not_shown(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    page = _page(qtbot, book, clock)
    _start(qtbot, page)
    assert not page.panel.pin.isVisible()
    page.panel.safe_button.click()
    assert [c.kind for c in _stored(book, "check_in")] == [CheckInKind.SAFE]


# ---------------------------------------------------------------------------------------------
# Today
# ---------------------------------------------------------------------------------------------


def test_today_shows_the_current_visit_and_whether_it_is_armed(
    qtbot: Any, book: Casebook, clock: ManualClock
) -> None:
    today = TodayPage(book, TaskRunner())
    qtbot.addWidget(today)
    page = _page(qtbot, book, clock)
    page.visits_changed.connect(lambda views: today.show_visits(views, clock()))
    page.refresh()
    assert "No visit under way" in today.visits_label.text()
    plan = _start(qtbot, page)
    assert today.visits_label.text().startswith("NOT ARMED")
    assert "Example Library" in today.visits_label.text()
    _ack(book, plan.id, START + timedelta(hours=1, minutes=15), START)
    page.refresh()
    assert today.visits_label.text().startswith("ARMED — Example Library")
    assert f"next check-in due {clock_text(START + timedelta(hours=1))}" in (
        today.visits_label.text()
    )


def test_a_hub_with_nobody_to_alert_says_so_on_the_visit_screen(
    qtbot: Any, hub: RunningHub, book: Casebook, clock: ManualClock
) -> None:
    """The README's hub: no contact, no notifier. The visit is watched, but the screen must
    not pretend anyone would be called."""
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    page = _page(qtbot, book, clock)
    plan = _start(qtbot, page)
    _sync(qtbot, engine)
    page.refresh()
    watch = SyncStore(book).visit_watch(plan.id)
    assert watch is not None and watch.reach is not None and not watch.reach.anyone
    assert page.panel.armed_label.text() == (
        "Armed, but the hub has nobody to alert — call your manager")
    assert page.panel.armed_detail.text().startswith(
        "The hub is watching the clock, but no contact or notifier is set up")
    assert page.panel.fallback.isVisible()  # text the plan to the buddy instead
    assert page.panel.fallback.title() == "Nobody will be alerted: text your plan to your buddy"
    # the buddy is told the truth too: the hub watches, but can call nobody
    assert "cannot alert anyone" in page.panel.message.toPlainText()
    assert "NOT watching" not in page.panel.message.toPlainText()
    assert "will be called" not in " ".join(t for _n, t, _v in _visible_texts(page))


def test_an_offline_alarm_says_it_is_not_sent_until_the_hub_has_it(
    qtbot: Any, hub: RunningHub, book: Casebook, clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _set_up_alerts(hub, monkeypatch, on_call=True)
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    page = _page(qtbot, book, clock)  # no sync bridge: offline until the test syncs
    _start(qtbot, page)
    _sync(qtbot, engine)
    page.refresh()
    assert page.panel.armed_detail.text().startswith(
        "Armed: 2 people will be called by SMS and email.")
    monkeypatch.setattr(VisitsPage, "confirm_alarm", staticmethod(lambda _p: True))
    clock.advance(minutes=5)
    page.panel.alarm_button.click()
    saved = page.panel.alarm_label.text()
    assert saved.startswith(f"ALARM SAVED on this laptop at {clock_text(clock())} - not sent yet")
    assert "Call 999" in saved and "being called" not in saved
    _sync(qtbot, engine)
    page.refresh()
    # nothing left on screen says it is still being sent
    assert "sending" not in " ".join(t for _n, t, _v in _visible_texts(page))
    assert page.panel.alarm_label.text() == (
        f"ALARM RAISED at {clock_text(clock())}. The hub has your alarm: 2 people are being "
        "called by SMS and email."
    )


def test_a_laptop_not_connected_to_a_hub_says_no_hub_watches_the_visit(
    qtbot: Any, book: Casebook, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker on their first day, before enrolling, planned a visit: the page said Spoke
    "sends the plan the moment a connection appears" and the status bar "Spoke is sending your
    plan to the hub" - but there is no hub to send it to, whatever the signal."""
    bridge = SyncBridge(SyncEngine(book), clock=clock)
    status = bridge.status()
    assert not status.enrolled
    said: list[str] = []
    page = _page(qtbot, book, clock, sync=bridge)
    page.status.connect(said.append)
    _start(qtbot, page)
    panel = page.panel
    qtbot.waitUntil(lambda: page.current is not None, timeout=5000)
    assert panel.armed_label.text() == "NOT ARMED — this laptop is not connected to a hub"
    detail = panel.armed_detail.text()
    assert "No hub is watching this visit" in detail
    assert "connection appears" not in detail
    assert "Sync page, Ctrl+9" in detail
    assert panel.fallback.isVisible(), "the plan to text to the buddy is offered"
    assert said[-1] == ("Visit started. This laptop is not connected to a hub: text your plan "
                        "to your buddy.")
    monkeypatch.setattr(VisitsPage, "confirm_alarm", staticmethod(lambda _p: True))
    assert page.raise_alarm()
    assert "sending it to the hub" not in said[-1]
    assert said[-1].startswith("Alarm saved on this laptop, but it is not connected to a hub")
    bridge.stop()


def test_the_reminder_banner_follows_the_system_into_dark_mode(
    qtbot: Any, book: Casebook, clock: ManualClock, system_scheme: Any
) -> None:
    """Shown in daylight, the check-in reminder stayed a pale yellow slab in the dark window
    when the system switched to dark; it takes the dark banner's colours (and back)."""
    from PySide6.QtGui import QColor

    def banner_background() -> QColor:
        sheet = page.banner.styleSheet()
        return QColor(sheet.split("background:")[1].split(";")[0].strip())

    system_scheme("light")
    page = _page(qtbot, book, clock)
    page.show_banner("Check in now: your check-in is due.")
    assert banner_background().lightness() > 128
    system_scheme("dark")
    assert banner_background().lightness() < 128, page.banner.styleSheet()
    system_scheme("light")
    assert banner_background().lightness() > 128
