"""Render each of Spoke's main screens with the fictional demo casebook to PNG files.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [folder] [--dark]
    QT_SCALE_FACTOR=2 QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py shots-2x
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py shots-small --size 1366x768

The folder defaults to ./screenshots/ (git-ignored). Uses fast key derivation: the demo holds
nothing real. Look at every picture after changing a screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QPalette  # noqa: TID251 - the screenshot tool drives the Qt UI
from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: TID251 - the screenshot tool drives the Qt UI

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.demo import DEMO_PASSPHRASE, prepare_demo_profile
from spokeapp.domain.records import Case
from spokeapp.store.casebook import Casebook
from spokeapp.ui.main_window import MainWindow
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.risk_form import RiskAssessmentDialog

TODAY = date(2025, 3, 14)
NOW = datetime(2025, 3, 14, 10, 30, tzinfo=UTC)


def settle(app: QApplication, tasks: TaskRunner) -> None:
    for _ in range(5):
        tasks.wait()
        app.processEvents()


def save(widget: QWidget, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def page_number(window: MainWindow, page: QWidget) -> int:
    """The main window's page that shows ``page`` (a tall page sits inside a scroll area)."""
    for number in range(window.pages.count()):
        held = window.pages.widget(number)
        if held is page or held.isAncestorOf(page):
            return number
    raise LookupError(type(page).__name__)


def dark_palette(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1f1f1f"),
        (QPalette.ColorRole.AlternateBase, "#2f2f2f"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d7ac7"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
    ):
        palette.setColor(role, colour)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, "#8a8a8a")
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, "#8a8a8a")
    app.setPalette(palette)


def board_casebook(profile: Path) -> Casebook:
    """A supervisor's casebook holding the team's (fictional) visits in every state at NOW."""
    from spokeapp.domain.ids import new_id
    from spokeapp.domain.records import (
        Alarm,
        AlertAcknowledgement,
        AlertReason,
        CheckIn,
        CheckInKind,
        EscalationAlert,
        Record,
        VisitPlan,
    )

    book, _ = Casebook.create(
        profile, DEMO_PASSPHRASE, kdf=FAST_KDF_FOR_TESTS, clock=lambda: NOW,
        author="u-5e0c1d7a9b22",
    )

    def at(hours: int, minutes: int) -> datetime:
        return NOW.replace(hour=hours, minute=minutes)

    def visit(worker: str, where: str, ref: str, start: datetime, end: datetime) -> VisitPlan:
        return VisitPlan(
            id=new_id(), worker=worker, location=where, starts_at=start, expected_end=end,
            mobile_number=f"07700 900{len(where):03d}", buddy_name="Demo Buddy",
            buddy_phone="07700 900999", case_reference=ref, vehicle="Blue Demo hatchback",
        )

    alarm = visit("u-1a2b3c4d5e6f", "Demo Youth Centre, Example Road", "DEMO-0012",
                  at(9, 30), at(12, 0))
    late = visit("u-2b3c4d5e6f70", "Cafe on Example High Street", "DEMO-0007",
                 at(8, 30), at(11, 0))
    grace = visit("u-3c4d5e6f7081", "Demo Library", "DEMO-0031", at(9, 20), at(12, 30))
    due = visit("u-4d5e6f708192", "Example Park, north gate", "DEMO-0003", at(9, 35), at(11, 30))
    armed = visit("u-5e6f708192a3", "Demo Family Centre", "DEMO-0019", at(10, 0), at(11, 45))
    mine = visit(book.author, "Demo School, Example Lane", "DEMO-0024", at(10, 25), at(11, 30))
    ended = visit("u-6f708192a3b4", "Demo Sports Hall", "DEMO-0008", at(8, 0), at(10, 0))
    panic = Alarm(id=new_id(), visit_id=alarm.id, raised_at=at(10, 21))
    records: list[Record] = [alarm, late, grace, due, armed, mine, ended, panic]
    top = EscalationAlert(
        id=new_id(), visit_id=alarm.id, tier="manager_decision", raised_at=at(10, 21),
        recipients=("manager",), reason=AlertReason.PANIC, cause_id=panic.id,
    )
    buddy = EscalationAlert(
        id=new_id(), visit_id=late.id, tier="buddy", raised_at=at(9, 45),
        recipients=("buddy",), reason=AlertReason.OVERDUE, deadline=at(9, 30),
    )
    on_call = EscalationAlert(
        id=new_id(), visit_id=late.id, tier="on_call_manager", raised_at=at(10, 0),
        recipients=("on_call_manager",), reason=AlertReason.OVERDUE, deadline=at(9, 30),
    )
    records += [
        top, buddy, on_call,
        AlertAcknowledgement(id=new_id(), alert_id=buddy.id, visit_id=late.id,
                             by="u-708192a3b4c5", at=at(9, 46)),
        CheckIn(id=new_id(), visit_id=alarm.id, kind=CheckInKind.SAFE, at=at(10, 5)),
        CheckIn(id=new_id(), visit_id=due.id, kind=CheckInKind.SAFE, at=at(9, 40)),
        CheckIn(id=new_id(), visit_id=ended.id, kind=CheckInKind.SAFE, at=at(9, 0)),
        CheckIn(id=new_id(), visit_id=ended.id, kind=CheckInKind.HOME_SAFE, at=at(9, 52)),
    ]
    for record in records:
        book.save(record, finalise=True)
    # Everyone's plan but the supervisor's own came through the hub, so the hub watches them.
    return book


def board_screenshot(
    app: QApplication, folder: Path, name: str, size: tuple[int, int] = (1280, 800)
) -> None:
    width, height = size
    with tempfile.TemporaryDirectory() as tmp:
        book = board_casebook(Path(tmp) / "supervisor")
        tasks = TaskRunner()
        window = MainWindow(book, tasks, clock=lambda: NOW, idle_minutes=10)
        window.resize(width, height)
        board = window.add_board()
        # Online, the board names the workers from the hub's team view (ids otherwise).
        board.set_names({
            "u-1a2b3c4d5e6f": "Demo Worker Ash", "u-2b3c4d5e6f70": "Demo Worker Birch",
            "u-3c4d5e6f7081": "Demo Worker Cedar", "u-4d5e6f708192": "Demo Worker Dune",
            "u-5e6f708192a3": "Demo Worker Ember", "u-6f708192a3b4": "Demo Worker Fern",
            "u-708192a3b4c5": "Demo Supervisor Gale",
        })
        window.show()
        window.show_board()
        settle(app, tasks)
        save(window, folder, name)
        board.select_visit(board.model.entry(1).visit_id)
        settle(app, tasks)
        save(window, folder, f"{name}-overdue")
        board.select_visit(board.model.entry(0).visit_id)
        dialog = board.resolve()
        assert dialog is not None
        dialog.save()  # no note yet: refused, with the reason beside the note
        settle(app, tasks)
        save(dialog, folder, f"{name}-resolve-refused")
        dialog.reject()
        window.close()
        tasks.wait()
        book.close()


SUPERVISOR = "u-5e0c1d7a9b22"
WORKER = "u-1a2b3c4d5e6f"


def review_casebook(profile: Path) -> Casebook:
    """A supervisor's casebook holding a worker's (fictional) synced notes: one to review, a
    safeguarding concern the hub asked approval for, a comment, and a supervision minute."""
    from spokeapp.domain.ids import new_id
    from spokeapp.domain.records import (
        CaseSupervision,
        ContactType,
        MeetAgain,
        RaisedTo,
        Referral,
        SafeguardingConcern,
        Session,
        SignOffRequest,
        SourceType,
        SupervisionComment,
        VenueType,
        YoungPerson,
    )
    from spokeapp.domain.supervision import request_id_for
    from spokeapp.store.sync_state import HubAccount, SyncStore

    book, _ = Casebook.create(profile, DEMO_PASSPHRASE, kdf=FAST_KDF_FOR_TESTS,
                              clock=lambda: NOW, author=WORKER)
    SyncStore(book).save_enrolment(HubAccount(
        hub_url="http://127.0.0.1:9", cert_fingerprint=None, hub_id="demo-hub",
        hub_epoch="demo", device_id="demo-device", device_name="Demo laptop",
        user_id=SUPERVISOR, user_name="Demo Supervisor Gale", role="supervisor",
        team="demo-team", refresh_token="demo-refresh-token-not-real",  # noqa: S106 - demo; 16+ like a real one
        device_key=bytes(32),
    ))
    people = [
        YoungPerson(id=new_id(), reference=f"DEMO-00{n}", name=name,
                    date_of_birth=date(2009, n, 10))
        for n, name in ((7, "Demo Young Person Ash"), (12, "Demo Young Person Birch"))
    ]
    cases = []
    for person in people:
        referral = Referral(id=new_id(), young_person_id=person.id, received_on=date(2025, 1, 6),
                            source_agency="Demo Children's Services",
                            source_type=SourceType.CHILDRENS_SOCIAL_CARE,
                            reason="Demo referral reason.")
        case = Case(id=new_id(), young_person_id=person.id, key_worker=WORKER,
                    opened_on=date(2025, 1, 13), referral_id=referral.id,
                    current_risk_level="high")
        for record in (person, referral, case):
            book.save(record)
        cases.append(case)
    first, second = cases
    notes = [
        Session(id=new_id(), case_id=first.id, contact_type=ContactType.ONE_TO_ONE,
                occurred_at=NOW - timedelta(days=days), duration_minutes=minutes,
                venue_type=VenueType.CAFE,
                discussed=discussed, young_persons_words=words,
                wants_to_meet_again=MeetAgain.YES,
                concerns="Mentioned an older 'friend' who gives lifts.",
                actions="Raise the lifts with the social worker.")
        for days, minutes, discussed, words in (
            (6, 60, "College plans and the bus home. Talked about who they spend evenings with.",
             "I'm fine, he's just a mate."),
            (2, 45, "Follow-up on the lifts; agreed a safety plan for evenings out.",
             "I'll text you if I need a lift."),
        )
    ]
    concern = SafeguardingConcern(
        id=new_id(), case_id=second.id, raised_on=date(2025, 3, 12),
        raised_to=RaisedTo.POLICE, their_reference="DEMO-REF-42",
        summary="Seen getting into an unknown adult's car outside school twice this week.",
    )
    for record in (*notes, concern):
        book.save(record, finalise=True)
    book.author = SUPERVISOR  # hub-written request, then the supervisor's own records
    later = [
        SignOffRequest(id=request_id_for(concern.id), case_id=second.id, record_id=concern.id,
                       record_kind=concern.KIND, worker=WORKER,
                       requested_at=NOW - timedelta(days=2)),
        SupervisionComment(id=new_id(), case_id=first.id, author=SUPERVISOR,
                           written_at=NOW - timedelta(days=5),
                           text="Good that you asked about the lifts; keep the plan going.",
                           about_id=notes[0].id, about_kind="session"),
        CaseSupervision(id=new_id(), case_id=first.id, supervisor=SUPERVISOR,
                        held_on=date(2025, 3, 5), discussion="Demo discussion of the lifts.",
                        decisions_not_to_act=("No police referral yet: nothing new to share",),
                        action_texts=("Ask college about attendance",
                                      "Book a strategy meeting"),
                        action_owners=(WORKER, SUPERVISOR),
                        action_due=(date(2025, 3, 12), date(2025, 3, 19))),
    ]
    for record in later:
        book.save(record, finalise=True)
    return book


def team_response() -> Any:
    """The hub's (fictional) team figures, as ``GET /v1/team`` would answer."""
    from spokeapp.sync.protocol import DeviceContactOut, TeamResponse, WorkerFiguresOut

    def worker(user_id: str, name: str, cases: int, load: str, levels: dict[str, int],
               overdue: int, unreviewed: int, days: float, warnings: list[str]) -> Any:
        seen = NOW - timedelta(days=days)
        return WorkerFiguresOut(
            user_id=user_id, name=name, active_cases=cases, load=load, risk_levels=levels,
            reviews_overdue=overdue, no_assessment_yet=0, unreviewed_notes=unreviewed,
            last_contact=seen, silent_devices=[] if days < 3 else ["demo-laptop"],
            devices=[DeviceContactOut(device_id="demo-laptop", name="Demo laptop",
                                      last_seen_at=seen)],
            warnings=warnings,
        )

    return TeamResponse(team="demo-team", computed_at=NOW, caseload_guide=(10, 12), workers=[
        worker(WORKER, "Demo Worker Ash", 11, "within", {"high": 3, "medium": 5, "low": 3},
               0, 2, 0.2, []),
        worker("u-2b3c4d5e6f70", "Demo Worker Birch", 14, "over",
               {"high": 6, "medium": 6, "low": 2}, 2, 9, 1, ["Over the caseload guide"]),
        worker("u-3c4d5e6f7081", "Demo Worker Cedar", 7, "under", {"medium": 4, "low": 3},
               0, 0, 4, ["No laptop has synced for 4 days"]),
    ])


def review_screenshots(app: QApplication, folder: Path) -> None:
    """The supervisor's Review page (a note to review, a hub-requested sign-off, actions due),
    the same with names hidden, and the Team page fed the fictional figures above."""
    with tempfile.TemporaryDirectory() as tmp:
        book = review_casebook(Path(tmp) / "supervisor")
        tasks = TaskRunner()
        window = MainWindow(book, tasks, clock=lambda: NOW, idle_minutes=10)
        window.resize(1280, 900)
        window.sync.stop()  # the demo hub address answers nothing: no background sync
        review, team = window.review, window.team
        assert review is not None and team is not None
        window.show()
        window.show_page(window.pages.indexOf(review))
        settle(app, tasks)
        # Online, the page names the team from the hub's team view (ids otherwise).
        review.set_names({w.user_id: w.name for w in team_response().workers})
        settle(app, tasks)
        save(window, folder, "25-review")
        review.sign_offs.setFocus()
        save(window, folder, "26-review-sign-off")
        window.hide_names_action.trigger()
        settle(app, tasks)
        save(window, folder, "27-review-names-hidden")
        window.hide_names_action.trigger()
        team._fetch = team_response  # what the hub would answer (no hub in this demo)
        window.show_page(window.pages.indexOf(team))
        settle(app, tasks)
        window.resize(1280, 900)  # back to the size of the others (the table asks for more)
        settle(app, tasks)
        save(window, folder, "28-team")
        window.close()
        tasks.wait()
        book.close()


def audit_answers() -> Any:
    """The hub's (fictional) audit, laptops and a lost laptop's report, as ``GET /v1/audit``,
    ``/v1/devices`` and ``/v1/devices/{id}/report`` would answer (issue 16)."""
    from spokeapp.ui.views.audit import HubAudit

    gale = (SUPERVISOR, "Demo Supervisor Gale", "demo-device", "Demo laptop")
    ash = (WORKER, "Demo Worker Ash", "demo-ash", "Ash's demo laptop")

    def entry(at: datetime, who: tuple[str, str, str, str], action: str, ref: str | None,
              detail: str, flagged: bool = False) -> dict[str, Any]:
        return {"when": at.isoformat(), "who_id": who[0], "who_name": who[1],
                "action": action, "subject": f"c-demo-{ref}", "subject_name": None,
                "case_id": f"c-demo-{ref}" if ref else None, "case_reference": ref,
                "device": who[2], "device_name": who[3], "detail": detail,
                "flagged": flagged}

    start = NOW.replace(hour=9, minute=0)
    entries = [
        entry(start, ash, "record_change", "YP-0007", "record=r-demo-1 kind=session seq=101"),
        entry(start + timedelta(minutes=2), ash, "share", "YP-0007",
              "record=r-demo-2 recipient=police basis=safeguarding_child_at_risk"),
        entry(start + timedelta(minutes=20), gale, "case_view", "YP-0007",
              "device=demo-device seq=12"),
    ]
    for n in range(24):
        entries.append(entry(start + timedelta(minutes=30 + n), gale, "case_view",
                             f"YP-{n + 10:04d}", f"device=demo-device seq={13 + n}",
                             flagged=n >= 19))
    page = {"scope": "team:demo-team", "entries": entries, "next_cursor": None,
            "flagged_accounts": [{
                "who_id": SUPERVISOR, "who_name": "Demo Supervisor Gale", "cases": 25,
                "first": (start + timedelta(minutes=20)).isoformat(),
                "last": (start + timedelta(minutes=53)).isoformat()}],
            "flag_cases": 20, "flag_window_minutes": 60}
    devices = {"devices": [
        {"device_id": "demo-ash", "name": "Ash's demo laptop", "user_id": WORKER,
         "user_name": "Demo Worker Ash", "status": "revoked", "wipe": True,
         "enrolled_at": "2024-09-02T09:00:00+00:00",
         "last_seen_at": "2025-03-13T17:40:00+00:00"}]}
    report = {
        "device_id": "demo-ash", "device_name": "Ash's demo laptop", "user_id": WORKER,
        "user_role": "worker", "team": "demo-team", "enrolled_at": "2024-09-02T09:00:00+00:00",
        "last_contact_at": "2025-03-13T17:40:00+00:00",
        "last_sync_at": "2025-03-13T17:40:00+00:00", "held_until": "2025-03-13T17:55:00+00:00",
        "cases": [
            {"case_id": "c-demo-1", "reference": "YP-0007", "name": "Demo Person Rowan",
             "records": 41, "state": "held", "purge_sent_at": None},
            {"case_id": "c-demo-2", "reference": "YP-0012", "name": "Demo Person Sky",
             "records": 17, "state": "held", "purge_sent_at": None},
            {"case_id": "c-demo-3", "reference": "YP-0003", "name": "Demo Person Wren",
             "records": 9, "state": "purge_pending",
             "purge_sent_at": "2025-03-14T08:00:00+00:00"},
        ],
        "uncased_records": 4,
        "encryption": "SQLCipher 4 (AES-256 page encryption with HMAC-SHA512), keyed with a "
        "random 256-bit data key stored only wrapped by the worker's passphrase (Argon2id) "
        "and a one-time recovery key.",
        "wipe": {"status": "revoked", "revoked": True, "wipe_requested": True,
                 "wipe_requested_at": "2025-03-14T09:10:00+00:00", "wipe_delivered_at": None,
                 "may_have_learned_unrecorded": False},
    }
    return HubAudit(page=lambda _query: page, export=lambda _query: b"",
                    devices=lambda: devices, report=lambda _device: report)


def audit_screenshots(app: QApplication, folder: Path) -> None:
    """The supervisor's Audit page with a flagged account, at 960x540, and the admin's device
    report dialog, fed the fictional answers above (no hub in this demo)."""
    with tempfile.TemporaryDirectory() as tmp:
        book = review_casebook(Path(tmp) / "supervisor")
        tasks = TaskRunner()
        window = MainWindow(book, tasks, clock=lambda: NOW, idle_minutes=10)
        window.sync.stop()  # the demo hub address answers nothing: no background sync
        audit = window.audit
        assert audit is not None
        audit._hub = audit_answers()
        window.resize(960, 540)
        window.show()
        window.show_page(window.pages.indexOf(audit))
        audit.list_button.click()
        settle(app, tasks)
        audit.table.scrollToBottom()
        settle(app, tasks)
        save(window, folder, "44-audit")
        dialog = audit.open_device_report()
        settle(app, tasks)
        dialog.show_report()
        settle(app, tasks)
        save(dialog, folder, "45-device-report")
        dialog.close()
        window.close()
        tasks.wait()
        book.close()


def reports_screenshots(app: QApplication, window: MainWindow, tasks: TaskRunner,
                        folder: Path) -> None:
    """The Reports page over the financial year, then in its funder form."""
    reports = window.reports
    window.show_page(window.pages.indexOf(reports))
    settle(app, tasks)
    reports.preset.setCurrentIndex(2)  # this financial year: all of the demo's work
    reports.organisation_edit.setText("Demo Outreach Service (fictional)")
    settle(app, tasks)
    save(window, folder, "20-reports")
    reports.funder_box.setChecked(True)
    settle(app, tasks)
    save(window, folder, "21-reports-funder-form")
    table = reports.table
    for row in range(table.rowCount()):  # the closures, casework and the rest below
        item = table.item(row, 0)
        if item is not None and item.text() == "Cases closed":
            table.scrollToItem(item, table.ScrollHint.PositionAtTop)
    save(window, folder, "22-reports-funder-closures")
    reports.export_pdf(folder / "23-reports-funder.pdf")
    print(folder / "23-reports-funder.pdf")
    reports.funder_box.setChecked(False)


def visits_screenshots(app: QApplication, window: MainWindow, tasks: TaskRunner,
                       folder: Path) -> None:
    """Lone working: the plan form, a visit NOT ARMED (offline), then ARMED after a sync."""
    visits = window.visits
    window.show_page(window.pages.indexOf(visits))
    form = visits.form
    form.location.setText("Riverside Community Library, AB1 2CD")
    form.case_reference.setCurrentIndex(1)
    form.vehicle.setText("Blue hatchback, EX12 AMP")
    form.mobile.setText("07700 900123")
    form.buddy_name.setText("Sam Buddy")
    form.buddy_phone.setText("07700 900456")
    form.amber_note.setPlainText("Meeting room 2; reception staff know we are there.")
    form.set_expected_end(NOW + timedelta(minutes=90))
    settle(app, tasks)
    save(window, folder, "22-visits-start")
    form.start()
    settle(app, tasks)
    save(window, folder, "23-visits-not-armed")
    window.sync.engine.sync_once()  # the demo hub acknowledges the plan
    visits.refresh()
    settle(app, tasks)
    save(window, folder, "24-visits-armed")
    visits.panel.end_button.click()
    settle(app, tasks)
    window.sync.stop()


def subject_file_screenshots(app: QApplication, window: MainWindow, tasks: TaskRunner,
                             folder: Path, case_id: str) -> None:
    """The case's "File…" dialog refusing a share with police without a lawful basis, then the
    first page of the file's PDF as the PDF lays it out (issue 16)."""
    from spokeapp.present.subject_file import laptop_bundle
    from spokeapp.ui.views.subject_file import SubjectFileDialog, render_first_page

    window.open_case(case_id)
    settle(app, tasks)
    window.case_page.file_button.click()
    dialog = window.dialog
    assert isinstance(dialog, SubjectFileDialog)
    dialog.folder.setText(str(folder))
    from spokeapp.present.subject_file import RECIPIENTS, basis_needed
    uncovered = next(key for key, _words in RECIPIENTS[3:] if basis_needed(key, dialog.consent))
    dialog.choose(uncovered)  # an agency the demo's consent does not cover
    assert not dialog.save()  # refused: no lawful basis yet
    settle(app, tasks)
    save(dialog, folder, "40-file-share-needs-basis")
    dialog.reject()
    bundle = laptop_bundle(window.book, case_id, made_by="demo-worker", made_at=NOW.isoformat())
    path = folder / "41-file-first-page.png"
    render_first_page(bundle, uncovered).save(str(path))
    print(path)


def consent_screenshots(app: QApplication, window: MainWindow, tasks: TaskRunner,
                        folder: Path, case_id: str) -> None:
    """The case's "Consent…" dialog (the demo case's consent in force, so it offers to
    withdraw it or record a new one), then the case page's consent line (issue 16)."""
    from spokeapp.ui.views.record_dialogs import ConsentDialog

    window.open_case(case_id)
    settle(app, tasks)
    window.case_page.consent_button.click()
    settle(app, tasks)
    dialog = window.dialog
    assert isinstance(dialog, ConsentDialog)
    save(dialog, folder, "39-consent")
    dialog.reject()
    settle(app, tasks)


def young_person_screenshots(app: QApplication, window: MainWindow, tasks: TaskRunner,
                             folder: Path, case_id: str) -> None:
    """The young person's "Correct details…" form with a correction typed in, then the case
    page showing the new details and the earlier version (issue 16)."""
    from spokeapp.ui.views.young_person_dialog import YoungPersonDialog

    window.open_case(case_id)
    settle(app, tasks)
    window.case_page.correct_button.click()
    dialog = window.dialog
    assert isinstance(dialog, YoungPersonDialog)
    dialog.preferred_name.setText("Demo Nickname")
    dialog.ethnic_group.setCurrentIndex(dialog.ethnic_group.findData("self_described"))
    dialog.ethnicity_described.setText("Fictional: in their own words")
    for method in list(dialog.methods)[:2]:
        dialog.methods[method].setChecked(True)
    number, whose, times = dialog.numbers[0]
    number.setText("07700 900123")
    whose.setText("Their own phone")
    times.setText("Weekdays after 4pm, never at weekends")
    dialog.resize(680, 990)  # the whole form in one picture (it scrolls on a small screen)
    settle(app, tasks)
    save(dialog, folder, "42-correct-details")
    dialog.save()
    settle(app, tasks)
    settle(app, tasks)
    save(window, folder, "43-case-earlier-versions")


def documents_screenshots(app: QApplication, window: MainWindow, tasks: TaskRunner,
                          folder: Path, case_id: str) -> None:
    """The case page's Documents (a consent form on a session, a photo, a letter in its second
    version, one not downloaded yet), a picture's preview and the form that adds a file."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice  # noqa: TID251 - drives the UI
    from PySide6.QtGui import QColor, QImage, QPainter  # noqa: TID251 - drives the UI
    from PySide6.QtWidgets import QScrollArea  # noqa: TID251 - drives the UI

    from spokeapp.domain.ids import new_id
    from spokeapp.domain.records import Attachment, Session
    from spokeapp.ui.views.attachments import Source

    def png(width: int, height: int) -> bytes:
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(QColor("#dfe8f1"))
        painter = QPainter(image)
        painter.fillRect(0, int(height * 0.6), width, height, QColor("#7aa36b"))
        painter.fillRect(int(width * 0.55), int(height * 0.25), int(width * 0.08),
                         int(height * 0.4), QColor("#555555"))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(data.data())

    book = window.book
    sessions = [s.record for s in book.records("session", case_id=case_id)
                if isinstance(s.record, Session) and s.state == "final"]
    session = max(sessions, key=lambda s: s.occurred_at)
    pdf = b"%PDF-1.4\n% fictional demo consent form\n" + b"0" * 180_000
    book.attach(pdf, case_id=case_id, title="Signed consent to share",
                document_date=session.occurred_at.date(), file_name="Consent form (signed).pdf",
                attached_kind="session", attached_to=session.id,
                note="Signed together at the session; a copy was given to them.")
    book.attach(png(1600, 1000), case_id=case_id, title="Bus stop they described",
                document_date=TODAY - timedelta(days=9), file_name="bus-stop.png",
                note="Fictional demo photo.")
    first = book.attach(b"PK\x03\x04 fictional demo letter " * 900, case_id=case_id,
                        title="Letter from college", document_date=TODAY - timedelta(days=30),
                        file_name="college-letter.docx")
    book.attach(b"PK\x03\x04 fictional demo letter, signed " * 900, case_id=case_id,
                title="Letter from college", document_date=TODAY - timedelta(days=28),
                file_name="college-letter-signed.docx", replaces=first.id)
    # One the supervisor added on their laptop, whose file the next sync brings.
    book.save(Attachment(id=new_id(), case_id=case_id, attached_kind=None, attached_to=None,
                         title="Strategy meeting minutes", document_date=TODAY - timedelta(days=2),
                         file_name="minutes.pdf", media_type="application/pdf", size=412_000,
                         sha256="ab" * 32), finalise=True)
    window.open_case(case_id)
    settle(app, tasks)
    documents = window.case_page.documents
    documents.refresh()
    settle(app, tasks)
    documents.select(documents.lines[-1].attachment.id)
    area = documents.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if isinstance(area, QScrollArea):
        area.ensureWidgetVisible(documents)
    settle(app, tasks)
    save(window, folder, "47-case-documents")
    photo = next(line for line in documents.lines if line.title.startswith("Bus stop"))
    documents.select(photo.attachment.id)
    preview = documents.preview()
    settle(app, tasks)
    assert preview is not None
    save(preview, folder, "48-document-preview")
    preview.reject()
    letter = pdf[:2000]
    documents.add_source(Source(letter, "Referral letter from school.pdf", len(letter)))
    settle(app, tasks)
    assert documents.dialog is not None
    save(documents.dialog, folder, "49-add-document")
    documents.dialog.reject()
    settle(app, tasks)


def referral_documents_screenshot(app: QApplication, window: MainWindow, tasks: TaskRunner,
                                  folder: Path) -> None:
    """The Referrals page with a referral just taken in (no case yet) selected, and its
    documents beside the list: the referral letter and the referrer's form in its second
    version; and the form that adds one to it (it can only belong to the referral)."""
    from spokeapp.domain.ids import new_id
    from spokeapp.domain.records import Referral, ReferralDecision, SourceType, YoungPerson
    from spokeapp.ui.views.attachments import Source

    book = window.book
    person = YoungPerson(id=new_id(), reference="DEMO-09", name="Demo Indigo Example",
                         preferred_name="Indigo", date_of_birth=date(2011, 6, 10),
                         needs="Fictional demo record.")
    referral = Referral(
        id=new_id(), young_person_id=person.id, received_on=TODAY - timedelta(days=1),
        source_agency="Demo Academy", source_type=SourceType.EDUCATION,
        reason="Fictional demo referral: seen getting into cars after school.",
        decision=ReferralDecision.PENDING, consent_to_share=True,
    )
    book.save(person)
    book.save(referral)
    letter = b"%PDF-1.4\n% fictional demo referral letter\n" + b"0" * 96_000
    book.attach(letter, case_id=None, title="Referral letter from the school",
                document_date=TODAY - timedelta(days=2), file_name="Referral letter.pdf",
                attached_kind="referral", attached_to=referral.id,
                note="Fictional: sent by the school's safeguarding lead.")
    form = book.attach(b"PK\x03\x04 fictional demo referral form " * 700, case_id=None,
                       title="Multi-agency referral form", document_date=TODAY - timedelta(days=2),
                       file_name="MARF.docx", attached_kind="referral", attached_to=referral.id)
    book.attach(b"PK\x03\x04 fictional demo referral form, completed " * 700, case_id=None,
                title="Multi-agency referral form", document_date=TODAY - timedelta(days=1),
                file_name="MARF-completed.docx", attached_kind="referral",
                attached_to=referral.id, replaces=form.id)
    page = window.referrals
    window.show_page(page_number(window, page))
    page.refresh()
    settle(app, tasks)
    page.select(referral.id)
    settle(app, tasks)
    page.documents.select(page.documents.lines[-1].attachment.id)
    page.table.setFocus()
    window.statusBar().clearMessage()  # the visits' last word is not this page's
    settle(app, tasks)
    save(window, folder, "50-referral-documents")
    scan = letter[:3000]
    page.documents.add_source(Source(scan, "Chronology from social care.pdf", len(scan)))
    settle(app, tasks)
    assert page.documents.dialog is not None
    save(page.documents.dialog, folder, "51-add-referral-document")
    page.documents.dialog.reject()
    settle(app, tasks)


def key_renewal_screenshot(app: QApplication, window: MainWindow, tasks: TaskRunner,
                           folder: Path) -> None:
    """Settings, "Give your casebook a new key": the new recovery key, shown before anything
    changes (cancelled: the demo keeps its key)."""
    window.show_page(page_number(window, window.settings))
    box = window.settings.key_renewal
    box.passphrase.setText(DEMO_PASSPHRASE)
    box.renew_button.click()
    settle(app, tasks)
    dialog = box.dialog
    assert dialog is not None
    dialog.adjustSize()
    settle(app, tasks)
    save(dialog, folder, "52-new-recovery-key")
    dialog.reject()
    settle(app, tasks)


def hub_file_screenshot(app: QApplication, window: MainWindow, tasks: TaskRunner,
                        folder: Path) -> None:
    """Spoke menu, "Make a PDF of a file from the hub…", with a file chosen and a problem
    shown (the chosen file is not one the hub wrote): nothing is written."""
    window.hub_file_action.trigger()
    settle(app, tasks)
    dialog = window.dialog
    assert dialog is not None
    dialog.source.setText(str(folder / "REF-0042-subject-file.json"))  # type: ignore[attr-defined]
    dialog.folder.setText(str(folder))  # type: ignore[attr-defined]
    dialog.save()  # type: ignore[attr-defined]
    settle(app, tasks)
    dialog.adjustSize()
    settle(app, tasks)
    save(dialog, folder, "53-pdf-of-hub-file")
    dialog.reject()
    settle(app, tasks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default="screenshots")
    parser.add_argument("--dark", action="store_true", help="a dark palette (Fusion style)")
    parser.add_argument("--size", default="1280x800",
                        help="the main window's size, e.g. 1366x768 (a small laptop) or 1920x1080")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.lower().split("x"))
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The demo windows close with records the (absent) hub never got: answer the question
    # before closing with "Close anyway" instead of waiting for a click nobody will make.
    MainWindow.confirm_close = staticmethod(lambda *_args: True)  # type: ignore[method-assign]
    if args.dark:
        dark_palette(app)
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "demo"
        demo = prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS, today=TODAY, with_hub=True)
        book = Casebook.open(profile, DEMO_PASSPHRASE, clock=lambda: NOW)
        tasks = TaskRunner()
        window = MainWindow(book, tasks, clock=lambda: NOW, idle_minutes=10)
        window.resize(width, height)
        window.show()
        settle(app, tasks)
        for number, name in enumerate(
            ("today", "caseload", "session", "case", "referrals", "outreach", "settings", "sync")
        ):
            page = getattr(window, {"session": "session_form", "case": "case_page",
                                    "sync": "sync_page"}.get(name, name))
            if name == "case":
                cases = [
                    s.record
                    for s in book.records("case")
                    if isinstance(s.record, Case) and s.record.status.value == "open"
                ]
                busy = max(cases, key=lambda c: len(book.records("risk_assessment", case_id=c.id)))
                window.open_case(busy.id)
                settle(app, tasks)
            elif name == "session":
                window.record_session_for(window.caseload_model.row_at(1).case_id)
            window.show_page(page_number(window, page))
            settle(app, tasks)
            save(window, folder, f"{number + 1:02d}-{name}")

        window.show_page(1)
        window.caseload.show_box.setCurrentIndex(window.caseload.show_box.findData("all"))
        window.caseload.search_edit.setText("library")
        window.caseload.search_now()
        settle(app, tasks)
        save(window, folder, "09-caseload-search")

        case_id = window.case_page.case_id
        assert case_id is not None
        window.assess(case_id)
        dialog = window.dialog
        assert isinstance(dialog, RiskAssessmentDialog)
        for n, indicator in enumerate(dialog.groups):
            dialog.set_answer(indicator, n % 3 if n < 12 else 0)
        dialog.assessed_on.set_text("today")
        dialog.override.setChecked(True)
        dialog.finalise()
        settle(app, tasks)
        save(dialog, folder, "10-risk-assessment-override-refused")
        dialog.dirty = False
        dialog.reject()

        window.new_referral()
        settle(app, tasks)
        save(window.dialog, folder, "11-referral")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        window.raise_concern(case_id)
        save(window.dialog, folder, "12-concern")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        window.case_page.select_record(window.case_page.timeline_model.rows[0].key)
        window.case_page.amend_button.click()
        save(window.dialog, folder, "13-amendment")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        window.new_group()
        save(window.dialog, folder, "14-group-session")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]
        window.new_professional()
        save(window.dialog, folder, "15-training")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        consent_screenshots(app, window, tasks, folder, case_id)
        subject_file_screenshots(app, window, tasks, folder, case_id)
        young_person_screenshots(app, window, tasks, folder, case_id)
        documents_screenshots(app, window, tasks, folder, case_id)
        board_screenshot(app, folder, "19-lone-working-board", (width, height))
        review_screenshots(app, folder)
        audit_screenshots(app, folder)
        reports_screenshots(app, window, tasks, folder)
        visits_screenshots(app, window, tasks, folder)
        referral_documents_screenshot(app, window, tasks, folder)  # last: a referral more
        key_renewal_screenshot(app, window, tasks, folder)
        hub_file_screenshot(app, window, tasks, folder)

        window.close_case(case_id)
        wizard = window.dialog
        assert isinstance(wizard, QWizard)
        settle(app, tasks)
        save(wizard, folder, "16-closure-reason")
        reason = wizard.reason_page.reason  # type: ignore[attr-defined]
        reason.setCurrentIndex(reason.findData("outcomes_met"))  # never assumed: chosen
        wizard.reason_page.closed_on.set_text("today")  # type: ignore[attr-defined]
        wizard.next()
        save(wizard, folder, "17-closure-assessment")
        page = wizard.currentPage()
        page.use_assessment.setChecked(True)  # type: ignore[attr-defined]
        wizard.next()
        save(wizard, folder, "18-closure-outcome")
        wizard.dirty = False  # chosen for the picture: close without asking to discard it
        wizard.reject()
        window.close()
        tasks.wait()
        book.close()
        if demo.hub is not None:
            demo.hub.stop()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
