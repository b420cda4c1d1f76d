"""A worker's case work driven through the real widgets: referral to closure, drafts that
survive locking and restarting, amendments beside finalised records, risk overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QWizard

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Case,
    Closure,
    ContactType,
    Outcome,
    RiskAssessment,
    Session,
    VenueType,
)
from spokeapp.store.casebook import Casebook, RecordIsFinal
from spokeapp.ui.forms import RecordDialog
from spokeapp.ui.models.rows import Row, RowsModel
from spokeapp.ui.shell import LOCKED
from spokeapp.ui.views.case_page import AMENDMENT_MARK
from spokeapp.ui.views.closure_wizard import ClosureWizard
from spokeapp.ui.views.record_dialogs import AmendmentDialog
from spokeapp.ui.views.referral import ReferralDialog
from spokeapp.ui.views.risk_form import RiskAssessmentDialog
from spokeapp.ui.views.session_form import DRAFT_SETTING

from .conftest import PASSPHRASE, unlock, wait_closed
from .test_accessibility import unnamed_controls


def open_first_case(qtbot: Any, main: Any) -> str:
    case_id = main.caseload_model.row_at(0).case_id
    main.open_case(case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)
    return case_id


def wait_case_reload(qtbot: Any, main: Any, text: str) -> None:
    qtbot.waitUntil(
        lambda: any(text in " ".join(r.cells) for r in main.case_page.timeline_model.rows),
        timeout=5000,
    )


def record_session(qtbot: Any, main: Any, discussed: str, words: str) -> None:
    main.case_page.session_button.click()
    form = main.session_form
    assert main.current_page_title == "Record a session"
    assert form.case_box.currentData() == main.case_page.case_id
    form.when.set_text("now")  # a case opened today has no session yesterday
    form.contact_type.setCurrentIndex(form.contact_type.findData("one_to_one"))
    form.venue_type.setCurrentIndex(form.venue_type.findData(VenueType.CAFE.value))
    form.duration.setValue(50)
    form.venue_chosen_by.setCurrentIndex(form.venue_chosen_by.findData("young_person"))
    qtbot.keyClicks(form.discussed, discussed)
    qtbot.keyClicks(form.young_persons_words, words)
    form.wants_to_meet_again.setCurrentIndex(form.wants_to_meet_again.findData("yes"))
    assert form.finalise()
    main.show_page(3)
    wait_case_reload(qtbot, main, discussed[:20])


def assess(
    qtbot: Any, main: Any, answer: int, kind: str, extra: dict[str, int] | None = None
) -> RiskAssessmentDialog:
    main.case_page.assess_button.click()
    dialog = main.dialog
    assert isinstance(dialog, RiskAssessmentDialog)
    assert dialog.kind.currentData() == kind
    dialog.assessed_on.set_text("today")
    dialog.answer_all(answer)
    for indicator, value in (extra or {}).items():
        dialog.set_answer(indicator, value)
    assert dialog.finalise_button.isEnabled()
    dialog.finalise_button.click()
    wait_closed(qtbot, dialog)
    return dialog


def test_referral_to_closure_with_a_lower_outcome(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    book = shell.book

    main.new_referral_action.trigger()
    referral = main.dialog
    assert isinstance(referral, ReferralDialog)
    qtbot.keyClicks(referral.name, "Test Person Gamma")
    qtbot.keyClicks(referral.date_of_birth, "04/12/2012")  # typed: never defaulted
    qtbot.keyClicks(referral.source_agency, "Test school")
    referral.source_type.setCurrentIndex(referral.source_type.findData("education"))
    qtbot.keyClicks(referral.reason, "Worried about older friends collecting them from school.")
    referral.consent.setChecked(True)
    referral.decision.setCurrentIndex(referral.decision.findData("accepted"))
    assert "Accept and open a case" in referral.save_button.text()
    box = referral.local_authority
    box.setCurrentIndex(box.findData(""))  # the worker picks "Not known" (no list yet)
    box.activated.emit(box.currentIndex())
    referral.received_on.set_text("yesterday")  # the days are typed, never assumed
    referral.decided_on.set_text("today")
    referral.save_button.click()  # the lawful basis is never assumed: refused until chosen
    assert referral.isVisible()
    assert "Lawful basis" in referral.summary.text()
    referral.lawful_basis.setCurrentIndex(referral.lawful_basis.findData("public_task"))
    referral.save_button.click()
    wait_closed(qtbot, referral)
    qtbot.waitUntil(lambda: main.case_page.case_id is not None, timeout=5000)
    assert main.current_page_title == "Case"
    case_id = main.case_page.case_id
    assert main.case_page.title.text().startswith("YP-0001")
    assert "Consent to share: No consent recorded yet." in [
        w.accessibleName() for w in main.case_page.details.findChildren(type(main.case_page.title))
    ]
    assert "Consent at referral: Yes" in [
        w.accessibleName() for w in main.case_page.details.findChildren(type(main.case_page.title))
    ]

    record_session(qtbot, main, "Talked about school and the bus home.", "I like the library.")
    record_session(qtbot, main, "Planned how to say no to lifts.", "I said no last week.")

    assess(qtbot, main, 2, "initial")
    qtbot.waitUntil(lambda: "Very high" in main.case_page.risk_label.text(), timeout=5000)
    assess(qtbot, main, 0, "review", {"missing.recent": 2, "missing.overnight": 1})
    qtbot.waitUntil(lambda: "Medium" in main.case_page.risk_label.text(), timeout=5000)
    assert len(main.case_page.chart.points) == 2, "the chart shows risk over time"

    main.case_page.close_button.click()
    wizard = main.dialog
    assert isinstance(wizard, ClosureWizard)
    wizard.next()  # no reason is assumed (it feeds the funder's outcomes): refused
    assert wizard.currentPage() is wizard.reason_page
    assert wizard.reason_page.form.errors["reason"].text() == "Reason for closing must be chosen."
    wizard.reason_page.reason.setCurrentIndex(wizard.reason_page.reason.findData("outcomes_met"))
    wizard.next()  # nor is the day it closed
    assert wizard.currentPage() is wizard.reason_page
    assert wizard.reason_page.closed_on.status.text() == "Date closed is needed: type a date."
    wizard.reason_page.closed_on.set_text("today")
    wizard.next()
    assert wizard.currentPage() is wizard.assessment_page
    wizard.next()  # no closing assessment and no reason: refused, with a message
    assert wizard.currentPage() is wizard.assessment_page
    assert "Say why" in wizard.assessment_page.form.errors["no_assessment_reason"].text()

    wizard.assessment_page.new_button.click()
    closing = main.closing_assessment
    assert closing.kind.currentData() == "closure"
    closing.assessed_on.set_text("today")
    closing.answer_all(0)
    closing.finalise_button.click()
    wait_closed(qtbot, closing)
    assert wizard.assessment_page.use_assessment.isChecked()
    wizard.next()
    assert wizard.currentPage() is wizard.outcome_page
    assert "Outcome: Lower" in wizard.outcome_page.outcome.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_closed(qtbot, wizard)

    closures = [s.record for s in book.records("closure")]
    assert len(closures) == 1 and isinstance(closures[0], Closure)
    assert closures[0].outcome is Outcome.LOWER
    case = book.get(case_id).record
    assert isinstance(case, Case) and case.status.value == "closed"
    assert case.current_risk_level == "low"
    wait_case_reload(qtbot, main, "Case closed")
    assert "(closed)" in main.case_page.title.text()
    assert not main.case_page.session_button.isEnabled()
    kinds = [r.cells[1] for r in main.case_page.timeline_model.rows]
    assert kinds[0] == "Case closed" and kinds[-1] == "Case opened"
    assert unnamed_controls(main) == []


def test_a_draft_survives_auto_lock_and_a_restart(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell(idle_minutes=0.01)  # 600 ms
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    main.case_page.session_button.click()
    form = main.session_form
    form.when.set_text("yesterday 16:30")
    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    qtbot.keyClicks(form.discussed, "Half written after the session")
    record_id = form.record_id
    qtbot.waitUntil(lambda: shell.state == LOCKED, timeout=5000)
    shell.shutdown()

    restarted = make_shell()
    unlock(qtbot, restarted)
    main = restarted.main_window
    assert main.session_form.discussed.toPlainText() == "Half written after the session"
    assert main.session_form.record_id == record_id
    assert restarted.book.get(record_id).state == "draft"
    drafts = main.today.drafts_model
    qtbot.waitUntil(lambda: drafts.rowCount() == 1, timeout=5000)
    assert drafts.index(0, 0).data() == "YP-TEST-01"
    main.today.drafts.activated.emit(drafts.index(0, 0))  # Enter on the draft: carry on
    assert main.current_page_title == "Record a session"


def test_a_concern_is_saved_once_off_the_gui_thread_however_often_it_is_sent(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = open_first_case(qtbot, main)
    main.raise_concern(case_id)
    dialog = main.dialog
    dialog.raised_on.set_text("today")
    qtbot.keyClicks(dialog.summary_text, "Seen with older men at the station (fictional)")
    dialog.raised_to.setCurrentIndex(dialog.raised_to.findData("childrens_social_care"))
    assert dialog.save()
    assert not dialog.save_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert not dialog.save(), "Ctrl+Enter again while the first save runs does nothing"
    dialog.reject()  # Esc waits for the save too
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert len(shell.book.records("safeguarding_concern", case_id=case_id)) == 1
    wait_case_reload(qtbot, main, "Seen with older men")


def test_finalised_session_is_read_only_and_amendment_shows_beside_it(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    with Casebook.open(profile, PASSPHRASE) as book:
        case = next(s.record for s in book.records("case"))
        session = Session(
            id=new_id(),
            case_id=case.id,
            contact_type=ContactType.PHONE,
            occurred_at=datetime(2025, 3, 10, 17, 0, tzinfo=UTC),
            duration_minutes=20,
            discussed="Phone call about the weekend.",
        )
        book.save(session, finalise=True)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.open_case(case.id)
    page = main.case_page
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == 2, timeout=5000)
    page.select_record(session.id)
    assert page.selected_id() == session.id
    assert not page.draft_button.isEnabled(), "a finalised session cannot be reopened"
    assert page.detail.isReadOnly()
    with pytest.raises(RecordIsFinal):
        shell.book.save(session)

    page.amend_button.click()
    dialog = main.dialog
    assert isinstance(dialog, AmendmentDialog)
    dialog.save_button.click()
    assert "Why it needs amending is required." in dialog.form.errors["reason"].text()
    qtbot.keyClicks(dialog.reason, "Wrong day written down")
    qtbot.keyClicks(dialog.text, "The call was on Tuesday, not Monday.")
    dialog.save_button.click()
    wait_closed(qtbot, dialog)

    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == 3, timeout=5000)
    rows = page.timeline_model.rows
    at = [r.key for r in rows].index(session.id)
    assert rows[at].cells[3] == "Final, amended, waiting to sync"
    assert rows[at + 1].cells[1] == AMENDMENT_MARK + "Amendment", "listed right under it"
    page.select_record(session.id)
    shown = page.detail.toPlainText()
    assert "Original (unchanged)" in shown and "Phone call about the weekend." in shown
    assert "The call was on Tuesday, not Monday." in shown
    assert shell.book.get(session.id).record == session


def test_override_without_reasons_is_refused(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = open_first_case(qtbot, main)
    main.case_page.assess_button.click()
    dialog = main.dialog
    assert isinstance(dialog, RiskAssessmentDialog)
    dialog.assessed_on.set_text("today")

    dialog.finalise_button.click()  # nothing answered yet
    assert "34 questions still need an answer" in dialog.form.errors["answers"].text()
    dialog.answer_all(0)
    assert "Low risk" in dialog.result.text()
    dialog.set_answer("missing.recent", 2)
    assert "Score 6 of" in dialog.result.text()

    dialog.override.setChecked(True)
    assert dialog.override_level.isVisible() and dialog.sign_off_note.isVisible()
    dialog.override_level.setCurrentIndex(dialog.override_level.findData("high"))
    dialog.finalise_button.click()
    message = dialog.form.errors["override_reasons"].text()
    assert "explain why your professional judgement differs from the score" in message
    assert dialog.isVisible()
    assert shell.book.records("risk_assessment") == []

    qtbot.keyClicks(dialog.override_reasons, "Told me an older man is picking them up.")
    dialog.review_weeks.setValue(6)
    dialog.finalise_button.click()
    wait_closed(qtbot, dialog)
    stored = shell.book.records("risk_assessment")[0].record
    assert isinstance(stored, RiskAssessment)
    assert stored.level == "low" and stored.effective_level == "high"
    assert stored.needs_sign_off and stored.awaiting_sign_off
    assert shell.book.get(case_id).record.current_risk_level == "high"
    assert shell.book.setting("review_weeks." + case_id) == "6"
    wait_case_reload(qtbot, main, "awaiting sign-off")


def test_declining_needs_a_reason_and_leaving_asks_first(
    qtbot: Any, make_shell: Any, seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.new_referral()
    dialog = main.dialog
    assert isinstance(dialog, ReferralDialog)
    assert unnamed_controls(dialog) == []
    qtbot.keyClicks(dialog.name, "Test Person Delta")
    dialog.decision.setCurrentIndex(dialog.decision.findData("declined"))
    dialog.save_button.click()
    problems = " ".join(m.text() for m in dialog.fields.errors.values())
    assert "Reason for declining is required." in problems
    assert "Referred by (agency) is required." in problems
    assert "Date of birth must be entered." in problems  # never defaulted (issue 16)
    assert "Kind of referrer is required: choose who referred them." in problems  # issue 17
    assert "Date received is needed: type a date." in problems  # issue 17: never assumed
    assert "Date of decision is needed: type a date." in problems
    assert "Please fix 7 things" in dialog.summary.text()

    asked: list[bool] = []
    monkeypatch.setattr(RecordDialog, "ask_discard", lambda _parent: asked.append(True) or False)
    dialog.reject()
    assert asked and dialog.isVisible(), "unsaved changes are not thrown away silently"

    qtbot.keyClicks(dialog.date_of_birth, "04/12/2012")
    dialog.received_on.set_text("yesterday")
    dialog.decided_on.set_text("today")
    qtbot.keyClicks(dialog.source_agency, "Test police team")
    dialog.source_type.setCurrentIndex(dialog.source_type.findData("police"))
    qtbot.keyClicks(dialog.reason, "Seen with adults not known to the family.")
    qtbot.keyClicks(dialog.decline_reason, "Already supported by another CSE service.")
    dialog.save_button.click()
    wait_closed(qtbot, dialog)
    referral = shell.book.records("referral")[0].record
    assert referral.decision.value == "declined"
    assert len(shell.book.records("case")) == 2, "declining opens no case"
    main.show_page(4)
    qtbot.waitUntil(lambda: main.referrals.model.rowCount() == 1, timeout=5000)
    assert main.referrals.model.index(0, 3).data() == "Declined"


def test_a_new_referral_asks_who_referred_them_instead_of_assuming(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """No kind of referrer is chosen for the worker (issue 17: it used to start on Police)."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.new_referral()
    dialog = main.dialog
    assert isinstance(dialog, ReferralDialog)
    assert dialog.source_type.currentText() == "Choose who referred them"
    assert dialog.source_type.currentData() is None
    qtbot.keyClicks(dialog.name, "Test Person Epsilon")
    qtbot.keyClicks(dialog.date_of_birth, "04/12/2012")
    dialog.received_on.set_text("yesterday")
    qtbot.keyClicks(dialog.source_agency, "Test health visitor")
    qtbot.keyClicks(dialog.reason, "Fictional: seen getting into cars after school.")
    dialog.save_button.click()
    assert dialog.fields.errors["source_type"].text() == (
        "Kind of referrer is required: choose who referred them."
    )
    assert "Kind of referrer" in dialog.summary.text()
    assert shell.book.records("referral") == []

    dialog.source_type.setCurrentIndex(dialog.source_type.findData("health"))
    dialog.save_button.click()
    wait_closed(qtbot, dialog)
    referral = shell.book.records("referral")[0].record
    assert referral.source_type.value == "health"


def test_today_lists_reviews_drafts_and_unsent(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    today = shell.main_window.today
    qtbot.waitUntil(lambda: today.reviews_model.rowCount() == 2, timeout=5000)
    assert today.reviews_model.index(0, 1).data() == "Initial assessment needed"
    assert "records are waiting to go to your hub" in today.sync_label.text()
    assert today.drafts_model.rowCount() == 0


def test_search_notes_shows_hits_and_opens_the_case(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    with Casebook.open(profile, PASSPHRASE) as book:
        case = next(s.record for s in book.records("case"))
        session = Session(
            id=new_id(),
            case_id=case.id,
            contact_type=ContactType.PHONE,
            occurred_at=datetime(2025, 3, 10, 17, 0, tzinfo=UTC),
            duration_minutes=20,
            discussed="Talked about the skatepark on Saturdays.",
        )
        book.save(session, finalise=True)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    page = main.caseload
    main.show_page(1)
    qtbot.keyClicks(page.search_edit, "skatepark")
    qtbot.waitUntil(lambda: page.hits_model.rowCount() == 1, timeout=5000)
    assert "[skatepark]" in page.hits_model.index(0, 2).data()
    assert page.search_status.text() == "1 note found"
    page.hits.activated.emit(page.hits_model.index(0, 0))
    qtbot.waitUntil(lambda: main.case_page.selected_id() == session.id, timeout=5000)
    assert main.current_page_title == "Case"


def test_rows_model_passes_the_qt_model_tester(qtbot: Any) -> None:
    model = RowsModel(("A", "B"))
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    model.set_rows([Row(cells=("one", "two"), key="1"), Row(cells=("three",), key="2")])
    assert model.index(1, 1).data() == ""
    model.set_rows([])
    model.set_rows([Row(cells=("x", "y"), key="3", sort=(1, 2))])
    assert tester is not None  # the autouse fixture fails the test on any tester warning


def test_draft_setting_is_cleared_after_finalising(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    record_session(qtbot, main, "Went for a walk and talked.", "It was nice to get out.")
    assert shell.book.setting(DRAFT_SETTING) == ""
    assert [s.state for s in shell.book.records("session")] == ["final"]
    assert main.today.drafts_model.rowCount() == 0
