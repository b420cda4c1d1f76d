"""The young person's file, out, through the real widgets: "File…" on the case page, the lawful
basis asked for when consent does not cover the recipient, the PDF (read back with pypdf) and
JSON written, the share recorded and shown on the timeline; a supervisor offline gets this
laptop's copy with a clear message."""

from __future__ import annotations

import errno
import json
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtWidgets import QLabel

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ReferralDecision,
    ShareWith,
)
from spokeapp.domain.records.casework import InformationShare, ShareBasis
from spokeapp.domain.subject_file import FileRecord, KnownNames, build_bundle
from spokeapp.present.subject_file import MARKING
from spokeapp.sync.client import HubUnreachable
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views import subject_file
from spokeapp.ui.views.subject_file import OFFLINE_NOTE, HubFilePdfDialog, SubjectFileDialog
from tests.conftest import require
from tests.helpers.records import referral, young_person

from .conftest import NOW, unlock
from .test_accessibility import unnamed_controls
from .test_case_work import open_first_case, wait_case_reload


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The folder the file is saved in (beside the test's casebook profile)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _consent(case_id: str) -> Consent:
    return Consent(id=new_id(), case_id=case_id, given_on=date(2025, 1, 10),
                   given_by=ConsentGivenBy.YOUNG_PERSON, given_by_name="Test Person Alpha",
                   method=ConsentMethod.VERBAL, explained="Fictional: what we share and why.",
                   share_with=(ShareWith.HEALTH,), review_on=date(2025, 7, 10))


def _open_file_dialog(qtbot: Any, make_shell: Any, *, consent: bool = True
                      ) -> tuple[Any, Any, str, SubjectFileDialog]:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = open_first_case(qtbot, main)
    if consent:
        shell.book.save(_consent(case_id), finalise=True)
    button = main.case_page.file_button
    assert button.isEnabled() and button.text() == "&File…"
    assert button.accessibleName() == "Share or export this young person's file"
    button.click()
    dialog = main.dialog
    assert isinstance(dialog, SubjectFileDialog)
    return shell, main, case_id, dialog


def _plain(text: str) -> str:
    """PDF text as read: one space between words, ligatures as letters."""
    return " ".join(text.replace("\ufb01", "fi").replace("\ufb02", "fl").split())


def _mnemonics(dialog: SubjectFileDialog | HubFilePdfDialog) -> list[str]:
    letters = []
    for widget in dialog.findChildren(QLabel) + dialog.findChildren(type(dialog.save_button)):
        text = widget.text()
        if "&" in text.replace("&&", ""):
            letters.append(text[text.index("&") + 1].lower())
    return letters


def _shares(shell: Any, case_id: str) -> list[InformationShare]:
    return [s.record for s in shell.book.records("information_share", case_id=case_id)
            if isinstance(s.record, InformationShare)]


def test_police_without_consent_needs_a_basis_and_reason_then_the_file_is_written(
    qtbot: Any, make_shell: Any, seeded: str, out: Path
) -> None:
    shell, main, case_id, dialog = _open_file_dialog(qtbot, make_shell)
    assert unnamed_controls(dialog) == []
    letters = _mnemonics(dialog)
    assert len(letters) == len(set(letters)) >= 6, letters
    dialog.folder.setText(str(out))

    dialog.choose("police")  # consent covers health only
    assert dialog.basis.isEnabled() and dialog.reason.isEnabled()
    assert "does not cover police" in dialog.consent_label.text()
    assert not dialog.save()
    assert "choose the lawful basis for sharing without consent" in dialog.message.text()
    dialog.basis.setCurrentIndex(
        dialog.basis.findData(ShareBasis.SAFEGUARDING_CHILD_AT_RISK.value))
    qtbot.keyClicks(dialog.reason, "At risk")
    assert not dialog.save()
    assert "at least 20 characters" in dialog.message.text()
    assert _shares(shell, case_id) == [] and list(out.iterdir()) == []

    qtbot.keyClicks(dialog.reason, " tonight: police asked for the chronology.")
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        assert dialog.save()
    pdf = Path(saved.args[0])
    assert pdf == out / "YP-TEST-01-file.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    data = out / "YP-TEST-01-file.json"
    assert stat.S_IMODE(data.stat().st_mode) == 0o600
    bundle = json.loads(data.read_text(encoding="utf-8"))
    assert bundle["schema"] == "spoke.subject_file/1" and bundle["source"] == "laptop"
    assert bundle["young_person"]["content"]["name"] == "Test Person Alpha"

    reader = pypdf.PdfReader(pdf)
    pages = [_plain(page.extract_text()) for page in reader.pages]
    for n, text in enumerate(pages, start=1):
        assert MARKING.upper() in text, f"page {n} lacks the marking"
        assert f"Page {n} of {len(pages)}" in text
    whole = "\n".join(pages)
    for title in ("The file of YP-TEST-01", "About the young person", "The case",
                  "Consent and information shared",
                  "Who viewed, changed, exported or shared it",
                  "Flagged for review before release", "Test Person Alpha", "For: Police"):
        assert title in whole, title

    shares = _shares(shell, case_id)
    assert len(shares) == 1
    share = shares[0]
    assert (share.recipient, share.basis) == ("police", ShareBasis.SAFEGUARDING_CHILD_AT_RISK)
    assert share.reason.startswith("At risk tonight") and share.what == "case file (PDF and JSON)"
    assert shell.book.get(share.id).state == "final"  # it syncs like any other record
    dialog.close()
    wait_case_reload(qtbot, main, "Shared with police on 14 Mar 2025 - basis: safeguarding")


def test_a_recipient_the_consent_covers_and_a_handover_need_no_basis(
    qtbot: Any, make_shell: Any, seeded: str, out: Path
) -> None:
    shell, _main, case_id, dialog = _open_file_dialog(qtbot, make_shell)
    dialog.folder.setText(str(out))
    dialog.choose("health")
    assert not dialog.basis.isEnabled()
    assert dialog.consent_label.text().startswith("Covered by the current consent")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        assert dialog.save()
    dialog.choose("spoke_handover")
    assert not dialog.basis.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        assert dialog.save()
    bases = sorted((s.recipient, s.basis.value) for s in _shares(shell, case_id))
    assert bases == [("health", "consent"), ("other", "within_service")]


def test_with_no_consent_at_all_even_the_school_needs_a_basis(
    qtbot: Any, make_shell: Any, seeded: str, out: Path
) -> None:
    _shell, _main, _case_id, dialog = _open_file_dialog(qtbot, make_shell, consent=False)
    dialog.folder.setText(str(out))
    dialog.choose("school")
    assert dialog.consent_label.text().startswith("No consent is recorded")
    assert not dialog.save()
    assert "Sharing with school is not covered by consent" in dialog.message.text()
    dialog.choose("young_person")
    assert not dialog.basis.isEnabled()


def test_a_supervisor_offline_gets_this_laptops_file_with_a_clear_message(
    qtbot: Any, make_shell: Any, seeded: str, out: Path
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    case_id = open_first_case(qtbot, shell.main_window)

    def offline(_case_id: str) -> dict[str, Any]:
        raise HubUnreachable("no connection")

    tasks = TaskRunner()
    dialog = SubjectFileDialog(shell.book, case_id, today=NOW.date(), now=lambda: NOW,
                               user_id="u-fict-sup", tasks=tasks, fetch_hub=offline,
                               folder=out)
    qtbot.addWidget(dialog)
    assert dialog.source.text().startswith("From the hub")
    dialog.choose("young_person")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        assert dialog.save()
    assert dialog.message.text().startswith(OFFLINE_NOTE)
    bundle = json.loads((out / "YP-TEST-01-file.json").read_text(encoding="utf-8"))
    assert bundle["notes"][0] == OFFLINE_NOTE and bundle["source"] == "laptop"
    share = _shares(shell, case_id)[0]
    assert (share.basis, share.recipient_detail) == (
        ShareBasis.SUBJECT_ACCESS, "The young person (subject access)")


def _worker_dialog(qtbot: Any, make_shell: Any, out: Path) -> SubjectFileDialog:
    """The dialog for the first case, saving in ``out`` for the young person (subject access:
    no basis needed)."""
    shell = make_shell()
    unlock(qtbot, shell)
    case_id = open_first_case(qtbot, shell.main_window)
    dialog = SubjectFileDialog(shell.book, case_id, today=NOW.date(), now=lambda: NOW,
                               user_id="u-fict-worker", tasks=TaskRunner(), folder=out)
    qtbot.addWidget(dialog)
    dialog.choose("young_person")
    return dialog


@pytest.mark.parametrize("failing", ["pdf", "json"])
def test_a_file_that_cannot_be_saved_leaves_nothing_of_this_attempt_in_the_folder(
    qtbot: Any, make_shell: Any, seeded: str, out: Path, monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    """The JSON was written first and the PDF after: when the PDF failed the worker was told
    the file "could not be saved" and to choose another folder, yet the whole JSON (and part
    of the PDF) stayed in this one, in plaintext. Now nothing this attempt wrote is left,
    and a file from an earlier save is left as it was."""
    earlier = out / "YP-TEST-01-file.json"
    earlier.write_text('{"earlier": true}', encoding="utf-8")
    real_pdf = subject_file.write_pdf

    def disk_full_mid_pdf(path: Path, bundle: Any, recipient: str) -> int:
        with path.open("ab") as handle:  # part of a PDF, as a full disk leaves it
            handle.write(b"%PDF-1.4\n% Test Person Alpha, part of the file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def disk_full(path: Path, data: bytes, mode: int = 0o600) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if failing == "pdf":
        monkeypatch.setattr(subject_file, "write_pdf", disk_full_mid_pdf)
    else:  # the PDF is whole, then the JSON cannot be written
        monkeypatch.setattr(subject_file, "write_pdf", real_pdf)
        monkeypatch.setattr(subject_file, "write_atomically", disk_full)
    dialog = _worker_dialog(qtbot, make_shell, out)
    with qtbot.assertNotEmitted(dialog.saved, wait=0):
        assert dialog.save()
        qtbot.waitUntil(lambda: "could not be saved" in dialog.message.text(), timeout=10000)
    assert "No space left on device" in dialog.message.text()
    assert "Choose another folder and save again" in dialog.message.text()
    assert sorted(path.name for path in out.iterdir()) == ["YP-TEST-01-file.json"]
    assert earlier.read_text(encoding="utf-8") == '{"earlier": true}'


def test_saving_over_an_earlier_file_leaves_both_owner_only_and_no_temporary_files(
    qtbot: Any, make_shell: Any, seeded: str, out: Path
) -> None:
    """A file saved before (here readable by everyone) is replaced by an owner-only one, and
    the temporary files the new ones were written to are gone."""
    require(os.name == "posix", "file modes are POSIX")
    for name in ("YP-TEST-01-file.pdf", "YP-TEST-01-file.json"):
        (out / name).write_bytes(b"earlier")
        (out / name).chmod(0o644)
    dialog = _worker_dialog(qtbot, make_shell, out)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        assert dialog.save()
    names = sorted(path.name for path in out.iterdir())
    assert names == ["YP-TEST-01-file.json", "YP-TEST-01-file.pdf"]
    for name in names:
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
        assert (out / name).read_bytes() != b"earlier", name
    assert pypdf.PdfReader(out / "YP-TEST-01-file.pdf").pages


def _referral_file_from_hub(folder: Path) -> Path:
    """A declined referral's file as ``spoke-hub requests bundle`` writes it: the hub's own
    bundle (``build_bundle``, source hub, subject referral)."""
    person = young_person(4, name="Test Person Declined", reference="YP-DECL")
    declined = referral(person, decision=ReferralDecision.DECLINED,
                        decline_reason="Fictional: another service already supports them.")
    records = [FileRecord(kind=r.KIND, record_id=r.id, content=r.to_dict(), state="header",
                          author="u-fict-worker") for r in (person, declined)]
    bundle = build_bundle(declined.id, records, [], source="hub", made_at=NOW.isoformat(),
                          made_by="cli", known=KnownNames(people={"cli": "The officer"}))
    bundle["subject"] = "referral"
    bundle["notes"].append("This referral never became a case: the file holds the referral.")
    path = folder / f"{declined.id}-subject-file.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_a_file_from_the_hub_is_made_into_a_pdf_from_the_spoke_menu(
    qtbot: Any, make_shell: Any, seeded: str, out: Path, tmp_path: Path
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    action = main.hub_file_action
    assert action.text() == "Make a &PDF of a file from the hub…"
    action.trigger()
    dialog = main.dialog
    assert isinstance(dialog, HubFilePdfDialog)
    assert unnamed_controls(dialog) == []
    letters = _mnemonics(dialog)
    assert len(letters) == len(set(letters)) >= 5, letters
    dialog.folder.setText(str(out))
    assert not dialog.save()
    assert dialog.message.text() == "Choose the file from the hub."
    # A file that is not one: told so, nothing written.
    stray = tmp_path / "notes.json"
    stray.write_text('{"schema": "something else"}', encoding="utf-8")
    dialog.source.setText(str(stray))
    assert dialog.save()
    qtbot.waitUntil(lambda: "not a young person's file" in dialog.message.text(),
                    timeout=10000)
    assert list(out.iterdir()) == []
    source = _referral_file_from_hub(tmp_path)
    written = json.loads(source.read_text(encoding="utf-8"))
    referral_id, flags = written["case_id"], len(written["third_party_flags"])
    assert flags == 1  # the referrer's details, for review
    dialog.source.setText(str(source))
    dialog.recipient.setCurrentIndex(dialog.recipient.findData("young_person"))

    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        assert dialog.save()

    pdf = Path(saved.args[0])
    assert pdf == out / "YP-DECL-file.pdf" and list(out.iterdir()) == [pdf]
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert dialog.message.text() == "Saved YP-DECL-file.pdf. 1 item marked FOR REVIEW."
    whole = "\n".join(_plain(page.extract_text()) for page in pypdf.PdfReader(pdf).pages)
    for words in ("The file of YP-DECL", "For: The young person (subject access)",
                  "Test Person Declined", "another service already supports them",
                  "This referral never became a case", MARKING.upper(), "FOR REVIEW"):
        assert words in whole, words
    opened = [e for e in shell.book.audit_trail() if e.action == "subject_file.opened"]
    assert [e.subject_id for e in opened] == [referral_id]


def test_a_damaged_file_from_the_hub_is_refused_with_what_to_do(
    qtbot: Any, make_shell: Any, seeded: str, out: Path, tmp_path: Path
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    dialog = HubFilePdfDialog(shell.book, tasks=TaskRunner(), folder=out)
    qtbot.addWidget(dialog)
    source = _referral_file_from_hub(tmp_path)
    bundle = json.loads(source.read_text(encoding="utf-8"))
    bundle["referral"]["content"] = "changed by hand"
    source.write_text(json.dumps(bundle), encoding="utf-8")
    dialog.source.setText(str(source))
    assert dialog.save()
    qtbot.waitUntil(lambda: "damaged or was changed" in dialog.message.text(), timeout=10000)
    assert "spoke-hub requests bundle" in dialog.message.text()
    dialog.source.setText(str(tmp_path / "missing-subject-file.json"))
    assert dialog.save()
    qtbot.waitUntil(lambda: "could not be opened" in dialog.message.text(), timeout=10000)
    assert list(out.iterdir()) == []


def test_the_file_is_black_on_white_paper_when_the_screen_is_dark(
    book: Any, system_scheme: Any
) -> None:
    """The PDF's text took the screen's palette: in dark mode the whole file was light grey
    on the white page (1.2:1), only the page bands and FOR REVIEW readable."""
    from spokeapp.domain.records import Case as CaseRecord
    from spokeapp.present.contrast import TEXT_MIN, contrast_ratio
    from spokeapp.present.subject_file import laptop_bundle

    system_scheme("dark")
    case_id = next(s.record.id for s in book.records("case")
                   if isinstance(s.record, CaseRecord))
    bundle = laptop_bundle(book, case_id, made_by="worker", made_at=NOW.isoformat())
    page = subject_file.render_first_page(bundle, "police")
    band = 30 + int(96 * 0.45)  # the marking's band at the top, always drawn in black
    white = page.pixelColor(0, 0)
    assert white.name() == "#ffffff"

    def first_line() -> int:  # the body's first line of words: the file's title
        for y in range(band, page.height()):
            if any(page.pixelColor(x, y) != white for x in range(page.width())):
                return y
        raise AssertionError("no words on the page")

    top = first_line()
    darkest = min((page.pixelColor(x, y) for y in range(top, top + 20)
                   for x in range(page.width())), key=lambda colour: colour.lightness())
    ratio = contrast_ratio(darkest.name(), "#ffffff")
    assert ratio >= TEXT_MIN, f"the title: {darkest.name()} on white, {ratio:.1f}:1"
