"""The case page's Documents section (spokeapp/ui/views/attachments.py, ui/open_copies.py):
adding a file (chosen, dropped or pasted), the hub's size limit, previews from memory (a
picture claiming a huge size refused before it is decoded; a PDF with a script in it shown
and nothing run), copies opened in another program and deleted again, and making a photo
smaller. And the Referrals page's Documents (ui/views/referral.py): a referral letter kept
before any case exists, shown on the case page once the referral is accepted. Real casebooks
in tmp_path; the file chooser and the system's "open" are replaced."""

from __future__ import annotations

import io
import os
import resource
import stat
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from spokeapp.domain.records import Attachment, ReferralDecision
from spokeapp.present.case_page import load_case
from spokeapp.resources import load_risk_tool
from spokeapp.store.casebook import Casebook
from spokeapp.ui import open_copies
from spokeapp.ui.open_copies import copies_folder
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.attachments import (
    AddDocumentDialog,
    AttachmentsPanel,
    PreviewDialog,
)
from spokeapp.ui.views.case_page import CasePage
from spokeapp.ui.views.referral import ReferralDialog, ReferralsPage
from tests.helpers.records import new_casebook, referral, seeded_case, session, young_person

from .conftest import unlock, wait_closed


# ------------------------------------------------------------------ fictional files
def tiny_pdf(pages: int = 1, *, script: bool = False) -> bytes:
    """A valid PDF with ``pages`` blank pages, written by hand; ``script``: an /OpenAction
    JavaScript action that would show an alert if anything ran it."""
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    action = f" /OpenAction {3 + pages} 0 R" if script else ""
    objects = [f"<< /Type /Catalog /Pages 2 0 R{action} >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>"]
    objects += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages
    if script:
        objects.append("<< /S /JavaScript /JS (app.alert\\('Fictional test script'\\);) >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return out


def picture(width: int, height: int, kind: str = "PNG") -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3d7ac7"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, kind)
    return bytes(data.data())


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header (with a valid CRC) says it is ``width`` x ``height`` RGBA."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))


def decoded(data: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(data)
    return image


# ------------------------------------------------------------------ the page
class Shown:
    """The case page with one case open, and what the tests need of it."""

    def __init__(self, qtbot: Any, book: Casebook) -> None:
        self.qtbot = qtbot
        self.book = book
        _yp, self.referral, self.case = seeded_case(book)
        self.session = session(self.case.id)
        book.save(self.session, finalise=True)
        self.tasks = TaskRunner()
        self.page = CasePage(book, self.tasks, load_risk_tool(), today=date(2026, 3, 3))
        qtbot.addWidget(self.page)
        self.page.resize(1200, 900)
        self.page.show()
        self.page.show_case(load_case(book, self.case.id))
        self.panel: AttachmentsPanel = self.page.documents
        qtbot.waitUntil(lambda: self.panel.documents is not None, timeout=5000)

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.tasks.busy, timeout=10_000)

    def attach(self, data: bytes, file_name: str, title: str = "Fictional document") -> None:
        self.book.attach(data, case_id=self.case.id, title=title, file_name=file_name,
                         document_date=date(2026, 3, 2))
        self.panel.refresh()
        self.qtbot.waitUntil(lambda: any(line.title == title for line in self.panel.lines),
                             timeout=5000)
        self.panel.select(next(line.attachment.id for line in self.panel.lines
                               if line.title == title))

    def adding(self) -> AddDocumentDialog:
        dialog = self.panel.dialog
        assert isinstance(dialog, AddDocumentDialog) and dialog.isVisible()
        return dialog

    def stored(self) -> list[Attachment]:
        return [row.attachment for row in self.book.attachments(self.case.id)]


@pytest.fixture
def shown(qtbot: Any, tmp_path: Path) -> Iterator[Shown]:
    book, _ = new_casebook(tmp_path / "profile")
    with book:
        page = Shown(qtbot, book)
        yield page
        page.tasks.wait()


def _choose(dialog: AddDocumentDialog, words: str) -> None:
    index = dialog.attached.findText(words)
    assert index >= 0, [dialog.attached.itemText(n) for n in range(dialog.attached.count())]
    dialog.attached.setCurrentIndex(index)


# ------------------------------------------------------------------ adding
def test_a_file_chosen_with_add_file_is_listed_under_its_title_and_what_it_belongs_to(
    shown: Shown, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any,
) -> None:
    consent = tmp_path / "Signed consent form.pdf"
    consent.write_bytes(tiny_pdf())
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_args, **_kw: ([str(consent)], "")))
    panel = shown.panel
    assert panel.isVisible() and panel.title() == "Documents"
    assert panel.empty.isVisible()
    panel.add_button.click()
    dialog = shown.adding()
    assert dialog.title_edit.text() == "Signed consent form"
    assert dialog.date_field.day() == date(2026, 3, 3)  # today, as the page knows it
    assert not dialog.shrink.isVisibleTo(dialog)  # not a picture
    _choose(dialog, "Session on 2 Mar 2026")
    dialog.note.setPlainText("Fictional: signed at the session.")
    dialog.save_button.click()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    title, day, file_words = panel.model.rows[0].cells
    assert (title, day) == ("Signed consent form", "3 Mar 2026")
    assert file_words.startswith("PDF, ")
    assert "Belongs to: Session on 2 Mar 2026." in panel.details.text()
    (stored,) = shown.stored()
    assert (stored.attached_kind, stored.attached_to) == ("session", shown.session.id)
    assert stored.note == "Fictional: signed at the session."
    assert shown.book.attachment_bytes(stored.sha256) == consent.read_bytes()
    assert panel.selected_id() == stored.id
    assert "Added by You on" in panel.details.text()


def test_a_file_dropped_on_the_documents_section_opens_the_form_for_it(
    shown: Shown, tmp_path: Path, qtbot: Any,
) -> None:
    letter = tmp_path / "Letter from school.pdf"
    letter.write_bytes(tiny_pdf(2))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(letter))])
    panel = shown.panel
    enter = QDragEnterEvent(panel.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(panel.rect().center()), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, drop)
    assert drop.isAccepted()
    dialog = shown.adding()
    assert dialog.title_edit.text() == "Letter from school"
    dialog.save()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    assert panel.model.rows[0].cells[0] == "Letter from school"


def test_a_web_link_dragged_over_the_section_is_not_taken(shown: Shown) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.invalid/file.pdf")])
    enter = QDragEnterEvent(shown.panel.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(shown.panel, enter)
    assert not enter.isAccepted()


def test_ctrl_v_pastes_a_picture_from_the_clipboard_as_a_png(shown: Shown, qtbot: Any) -> None:
    screenshot = decoded(picture(320, 200))
    QGuiApplication.clipboard().setImage(screenshot)
    panel = shown.panel
    shown.page.activateWindow()
    qtbot.waitUntil(shown.page.isActiveWindow, timeout=2000)
    panel.add_button.setFocus()  # Ctrl+V pastes while the keyboard is in the Documents
    qtbot.keyClick(panel.add_button, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = shown.adding()
    assert dialog.title_edit.text() == "Pasted image"
    assert dialog.shrink.isVisibleTo(dialog)
    dialog.title_edit.setText("Screenshot of messages they chose to show")
    dialog.save()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    (stored,) = shown.stored()
    assert (stored.file_name, stored.media_type) == ("Pasted image.png", "image/png")
    assert decoded(shown.book.attachment_bytes(stored.sha256)).size() == screenshot.size()


def test_paste_with_nothing_on_the_clipboard_says_so(shown: Shown) -> None:
    QGuiApplication.clipboard().clear()
    shown.panel.paste_button.click()
    assert shown.panel.dialog is None
    assert "no picture on the clipboard" in shown.panel.message.text()


def test_a_file_over_the_hub_s_limit_is_refused_calmly_and_nothing_is_written(
    shown: Shown, tmp_path: Path, qtbot: Any,
) -> None:
    shown.book.set_attachment_limit(1_000_000)
    shown.panel.refresh()
    qtbot.waitUntil(lambda: shown.panel.documents is not None
                    and shown.panel.documents.limit == 1_000_000, timeout=5000)
    big = tmp_path / "Scanned report.pdf"
    big.write_bytes(tiny_pdf() + b"%" * 1_500_000)
    changes_before = len(shown.book.changes())
    shown.panel.add_files([big])
    dialog = shown.adding()
    assert not dialog.save()
    assert dialog.isVisible()
    assert dialog.summary.isVisible()
    assert dialog.summary.text() == (
        "This file is 1.5 MB; your hub accepts files up to 1 MB.")
    shown.settle()
    assert shown.stored() == []
    assert len(shown.book.changes()) == changes_before


def test_making_a_photo_smaller_keeps_it_at_2000_pixels_on_its_longest_side(
    shown: Shown, tmp_path: Path, qtbot: Any,
) -> None:
    photo = tmp_path / "Bus stop.jpg"
    photo.write_bytes(picture(4000, 3000, "JPEG"))
    shown.panel.add_files([photo])
    dialog = shown.adding()
    assert dialog.shrink.isVisibleTo(dialog) and not dialog.shrink.isChecked()
    dialog.shrink.setChecked(True)
    dialog.save()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: shown.panel.model.rowCount() == 1, timeout=5000)
    (stored,) = shown.stored()
    assert (stored.file_name, stored.media_type) == ("Bus stop.jpg", "image/jpeg")
    kept = shown.book.attachment_bytes(stored.sha256)
    assert decoded(kept).size().toTuple() == (2000, 1500)
    assert len(kept) < photo.stat().st_size


def test_an_over_limit_photo_can_be_kept_once_made_smaller(
    shown: Shown, tmp_path: Path, qtbot: Any,
) -> None:
    photo = tmp_path / "Park gate.png"
    photo.write_bytes(picture(2600, 1300))
    shown.book.set_attachment_limit(photo.stat().st_size - 1)
    shown.panel.refresh()
    shown.settle()
    shown.panel.add_files([photo])
    dialog = shown.adding()
    assert not dialog.save()
    assert "Tick \u201cMake the photo smaller\u201d" in dialog.summary.text()
    dialog.shrink.setChecked(True)
    dialog.save()
    wait_closed(qtbot, dialog)
    (stored,) = shown.stored()
    assert decoded(shown.book.attachment_bytes(stored.sha256)).size().toTuple() == (2000, 1000)


def test_a_new_version_is_listed_as_version_2_of_2_and_keeps_the_first(
    shown: Shown, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any,
) -> None:
    shown.attach(tiny_pdf(), "plan.pdf", title="Safety plan")
    first = shown.panel.selected()
    assert first is not None
    newer = tmp_path / "plan-v2.pdf"
    newer.write_bytes(tiny_pdf(2))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_args, **_kw: (str(newer), "")))
    shown.panel.version_button.click()
    dialog = shown.adding()
    assert dialog.title_edit.text() == "Safety plan"
    assert not dialog.attached.isEnabled()
    dialog.save()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: shown.panel.model.rows[0].cells[0] == "Safety plan (version 2 of 2)",
                    timeout=5000)
    assert shown.panel.model.rowCount() == 1
    (row,) = shown.book.attachments(shown.case.id)
    assert row.attachment.replaces == first.attachment.id
    assert [old.attachment.id for old in row.earlier] == [first.attachment.id]


# ------------------------------------------------------------------ previews
def _preview(shown: Shown) -> PreviewDialog:
    dialog = shown.panel.preview()
    assert dialog is not None
    shown.settle()
    return dialog


def test_a_picture_is_previewed_from_memory_fitted_to_the_window(shown: Shown) -> None:
    shown.attach(picture(300, 200), "drawing.png", title="Their drawing")
    dialog = _preview(shown)
    assert dialog.image is not None and dialog.image.size().toTuple() == (300, 200)
    assert not dialog.picture.pixmap().isNull()
    assert dialog.status.text() == "Picture, 300 by 200 pixels."
    dialog.reject()


def test_a_picture_claiming_100000_by_100000_pixels_is_refused_before_it_is_decoded(
    shown: Shown,
) -> None:
    shown.attach(png_declaring(100_000, 100_000), "tiny-but-huge.png", title="Odd picture")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    dialog = _preview(shown)
    assert dialog.image is None
    assert "100,000 by 100,000 pixels: too large for Spoke to open safely" in (
        dialog.status.text())
    # 40 GB were never asked for: the process grew by far less than one such picture's row.
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 100 * 1024
    dialog.reject()


def test_a_pdf_preview_shows_its_pages_and_a_script_in_it_never_runs(shown: Shown) -> None:
    shown.attach(tiny_pdf(3), "report.pdf", title="Report")
    dialog = _preview(shown)
    assert dialog.pdf is not None and dialog.pdf.pageCount() == 3
    assert dialog.status.text() == "PDF, 3 pages."
    assert dialog.pages.currentWidget() is dialog.pdf_view
    dialog.reject()
    shown.attach(tiny_pdf(2, script=True), "scripted.pdf", title="Scripted")
    dialog = _preview(shown)
    # Qt PDF has no JavaScript engine: the document shows as any other, and no alert (a
    # window of its own) appears.
    assert dialog.pdf is not None and dialog.status.text() == "PDF, 2 pages."
    assert [w for w in QApplication.topLevelWidgets()
            if w.isVisible() and w not in (dialog, shown.page)] == []
    dialog.reject()


def test_a_word_document_is_not_previewed_but_can_be_opened_as_a_copy(shown: Shown) -> None:
    shown.attach(b"PK\x03\x04 fictional", "minutes.docx", title="Meeting minutes")
    dialog = _preview(shown)
    assert "Spoke does not preview this type of file (Word document)" in dialog.status.text()
    assert dialog.open_button.isEnabled()
    dialog.reject()


def test_a_zip_bomb_is_kept_as_it_is_never_unpacked_or_read_beyond_its_size(
    shown: Shown
) -> None:
    """A 60 KB zip holding 200 MB of zeros (a document named .docx is a zip too): attached,
    listed and "previewed" without anything expanding it."""
    packed = io.BytesIO()
    zeros = bytes(1_000_000)
    with (zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
          archive.open("word/document.xml", "w", force_zip64=True) as member):
        for _ in range(200):
            member.write(zeros)
    bomb = packed.getvalue()
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    try:
        shown.attach(bomb, "report.docx", title="Fictional report")
        dialog = _preview(shown)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "does not preview" in dialog.status.text()
    dialog.reject()
    [row] = shown.book.attachments(shown.case.id)
    assert row.attachment.size == len(bomb)
    assert shown.book.attachment_bytes(row.attachment.sha256) == bomb
    # Python's allocations (Qt's are not traced, and Qt opens no zip): a few copies of the
    # packed bytes, far below the 200 MB it would expand to.
    assert peak < 20_000_000, f"{peak} bytes were allocated"


# ------------------------------------------------------------------ copies
@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Copies "opened in another program" (the system's opener replaced); the warning
    answered "Open a copy"."""
    paths: list[Path] = []
    monkeypatch.setattr(AttachmentsPanel, "ask_open_copy", staticmethod(lambda *_a: True))

    def fake_open(path: Path) -> bool:
        paths.append(path)
        return True

    monkeypatch.setattr(open_copies, "open_in_system", fake_open)
    return paths


def test_open_a_copy_writes_a_private_file_and_close_the_copy_overwrites_and_deletes_it(
    shown: Shown, opened: list[Path], tmp_path: Path, qtbot: Any,
) -> None:
    content = b"PK\x03\x04 fictional minutes of a strategy meeting " * 100
    shown.attach(content, "minutes.docx", title="Meeting minutes")
    shown.panel.open_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    (path,) = opened
    folder = copies_folder(shown.book.profile)
    assert path.parent.parent == folder and path.name == "minutes.docx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert path.read_bytes() == content
    assert shown.panel.copies_label.isVisible()
    assert shown.panel.copies_label.text() == (
        "A copy of \u201cminutes.docx\u201d is open outside Spoke.")
    peek = tmp_path / "peek"  # a second name for the same file: what was on the disk
    os.link(path, peek)
    shown.panel.close_copies_button.click()
    assert not path.exists() and not path.parent.exists()
    assert peek.read_bytes() == bytes(len(content))  # overwritten with zeros first
    assert not shown.panel.close_copies_button.isVisible()


def test_the_warning_answered_no_writes_nothing(
    shown: Shown, monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(AttachmentsPanel, "ask_open_copy",
                        staticmethod(lambda _parent, name: asked.append(name) or False))
    shown.attach(b"fictional notes", "notes.txt", title="Notes")
    shown.panel.open_button.click()
    shown.settle()
    assert asked == ["notes.txt"]
    assert not copies_folder(shown.book.profile).exists()


def test_locking_removes_open_copies_and_a_crash_s_leftovers_go_at_the_next_start(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path, opened: list[Path],
) -> None:
    leftover = copies_folder(profile) / "0123456789abcdef" / "left by a crash.docx"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"fictional leftover")
    shell = make_shell()
    assert not leftover.exists() and not leftover.parent.exists()
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = main.caseload_model.row_at(0).case_id
    main.open_case(case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)
    panel = main.case_page.documents
    shell.book.attach(b"fictional letter", case_id=case_id, title="Letter",
                      file_name="letter.odt", document_date=date(2025, 3, 1))
    panel.refresh()
    qtbot.waitUntil(lambda: len(panel.lines) == 1, timeout=5000)
    panel.select(panel.lines[0].attachment.id)
    panel.open_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].exists()
    shell.lock()
    assert not opened[0].exists()
    assert [p for p in copies_folder(profile).rglob("*")] == []


# ------------------------------------------------------------------ a referral's documents
class ReferralsShown:
    """The Referrals page with a pending referral (no case) and an accepted one with its case;
    the pending one selected."""

    def __init__(self, qtbot: Any, book: Casebook) -> None:
        self.qtbot = qtbot
        self.book = book
        self.person = young_person(3)
        self.pending = referral(self.person, received_on=date(2026, 3, 2),
                                decision=ReferralDecision.PENDING, decided_on=None)
        book.save(self.person)
        book.save(self.pending)
        _yp, self.accepted, self.case = seeded_case(book)
        self.tasks = TaskRunner()
        self.page = ReferralsPage(book, self.tasks, today=lambda: date(2026, 3, 3))
        qtbot.addWidget(self.page)
        self.page.resize(1200, 800)
        self.page.show()
        self.page.refresh()
        qtbot.waitUntil(lambda: self.page.model.rowCount() == 2, timeout=5000)
        self.panel = self.page.documents
        self.page.select(self.pending.id)
        qtbot.waitUntil(lambda: self.panel.documents is not None, timeout=5000)

    def adding(self) -> AddDocumentDialog:
        dialog = self.panel.dialog
        assert isinstance(dialog, AddDocumentDialog) and dialog.isVisible()
        return dialog

    def listed(self, count: int) -> None:
        self.qtbot.waitUntil(lambda: self.panel.model.rowCount() == count, timeout=5000)


@pytest.fixture
def referrals(qtbot: Any, tmp_path: Path) -> Iterator[ReferralsShown]:
    book, _ = new_casebook(tmp_path / "profile")
    with book:
        page = ReferralsShown(qtbot, book)
        yield page
        page.tasks.wait()


def test_a_letter_added_to_a_pending_referral_is_kept_without_a_case_and_listed(
    referrals: ReferralsShown, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any,
) -> None:
    letter = tmp_path / "Referral letter from school.pdf"
    letter.write_bytes(tiny_pdf())
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_args, **_kw: ([str(letter)], "")))
    page, panel = referrals.page, referrals.panel
    assert panel.isVisible() and panel.empty.isVisible()
    assert panel.title() == "Documents: referral for YP-TEST-03"
    assert panel.accessibleName() == (
        "Documents of the referral for YP-TEST-03, received 2 Mar 2026")
    assert panel.add_button.accessibleName() == "Add a file to this referral"
    # The keyboard's way in: on the list of referrals, Ctrl+Shift+F adds to the selected one.
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = referrals.adding()
    assert dialog.windowTitle() == "Add a document to the referral"
    assert dialog.attached.currentText() == "Referral received 2 Mar 2026"
    assert dialog.attached.count() == 1 and not dialog.attached.isEnabled()
    dialog.save_button.click()
    wait_closed(qtbot, dialog)
    referrals.listed(1)
    assert panel.model.rows[0].cells[0] == "Referral letter from school"
    assert "Belongs to: Referral received 2 Mar 2026." in panel.details.text()
    (row,) = referrals.book.referral_attachments(referrals.pending.id)
    stored = row.attachment
    assert (stored.case_id, stored.attached_kind, stored.attached_to) == (
        None, "referral", referrals.pending.id)
    assert referrals.book.attachment_bytes(stored.sha256) == letter.read_bytes()
    # Another referral has its own (none yet); back again, the letter is there.
    page.select(referrals.accepted.id)
    qtbot.waitUntil(lambda: panel.documents is not None
                    and panel.documents.referral_id == referrals.accepted.id, timeout=5000)
    assert panel.model.rowCount() == 0 and panel.empty.isVisible()
    assert panel.title() == "Documents: referral for YP-TEST-01"
    page.select(referrals.pending.id)
    referrals.listed(1)


def test_on_the_referrals_page_a_pasted_picture_a_preview_and_a_new_version_work_as_on_a_case(
    referrals: ReferralsShown, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any,
) -> None:
    panel = referrals.panel
    QGuiApplication.clipboard().setImage(decoded(picture(320, 200)))
    panel.paste_button.click()
    dialog = referrals.adding()
    dialog.title_edit.setText("Photo of the referral form")
    dialog.save()
    wait_closed(qtbot, dialog)
    referrals.listed(1)
    preview = panel.preview()
    assert preview is not None
    qtbot.waitUntil(lambda: preview.image is not None, timeout=5000)
    assert preview.status.text() == "Picture, 320 by 200 pixels."
    preview.reject()
    first = panel.selected()
    assert first is not None
    clearer = tmp_path / "form-rescanned.png"
    clearer.write_bytes(picture(640, 400))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_args, **_kw: (str(clearer), "")))
    panel.version_button.click()
    dialog = referrals.adding()
    assert dialog.windowTitle() == "New version of a document"
    assert dialog.attached.currentText() == "Referral received 2 Mar 2026"
    dialog.save()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1 and panel.model.rows[0].cells[0]
                    == "Photo of the referral form (version 2 of 2)", timeout=5000)
    (row,) = referrals.book.referral_attachments(referrals.pending.id)
    assert row.attachment.replaces == first.attachment.id
    assert row.attachment.case_id is None


def test_a_document_added_to_a_referral_that_has_a_case_is_kept_with_the_case(
    referrals: ReferralsShown, tmp_path: Path, qtbot: Any,
) -> None:
    """As the case page keeps one it adds to the referral: it follows the case on the hub."""
    page, panel = referrals.page, referrals.panel
    page.select(referrals.accepted.id)
    qtbot.waitUntil(lambda: panel.documents is not None
                    and panel.documents.referral_id == referrals.accepted.id, timeout=5000)
    consent = tmp_path / "Consent at referral.pdf"
    consent.write_bytes(tiny_pdf())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(consent))])
    enter = QDragEnterEvent(panel.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(panel.rect().center()), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, drop)  # dropped on the referral's Documents
    assert drop.isAccepted()
    dialog = referrals.adding()
    dialog.save()
    wait_closed(qtbot, dialog)
    referrals.listed(1)
    (row,) = referrals.book.referral_attachments(referrals.accepted.id)
    assert (row.attachment.case_id, row.attachment.attached_to) == (
        referrals.case.id, referrals.accepted.id)
    assert [r.attachment.id for r in referrals.book.attachments(referrals.case.id)] == [
        row.attachment.id]


def test_a_referral_letter_kept_before_the_case_shows_on_the_case_page_once_accepted(
    qtbot: Any, make_shell: Any, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    page = main.referrals
    main.show_page(main.pages.indexOf(page))
    qtbot.waitUntil(lambda: page.empty.isVisible(), timeout=5000)
    assert not page.documents.isVisible()  # no referral yet: no documents to show

    main.new_referral()  # taken in, not decided yet
    dialog = main.dialog
    assert isinstance(dialog, ReferralDialog)
    qtbot.keyClicks(dialog.name, "Test Person Epsilon")
    qtbot.keyClicks(dialog.date_of_birth, "04/12/2012")
    qtbot.keyClicks(dialog.source_agency, "Test school")
    dialog.source_type.setCurrentIndex(dialog.source_type.findData("education"))
    qtbot.keyClicks(dialog.reason, "Fictional: seen getting into cars after school.")
    dialog.received_on.set_text("yesterday")
    dialog.save_button.click()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    (stored_referral,) = [s.record for s in shell.book.records("referral")]
    assert stored_referral.decision is ReferralDecision.PENDING
    assert not any(getattr(s.record, "referral_id", None) == stored_referral.id
                   for s in shell.book.records("case"))  # no case yet
    # The new referral is selected, ready for its letter.
    qtbot.waitUntil(lambda: page.documents.isVisible(), timeout=5000)
    assert page.selected_referral_id() == stored_referral.id

    letter = tmp_path / "Letter from the school.pdf"
    letter.write_bytes(tiny_pdf(2))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_args, **_kw: ([str(letter)], "")))
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    page.table.setFocus()
    # Ctrl+Shift+F is also the case page's "Add file…": here it is the referral's.
    qtbot.keyClick(page.table, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    adding = page.documents.dialog
    assert isinstance(adding, AddDocumentDialog) and adding.isVisible()
    assert main.case_page.documents.dialog is None
    adding.save_button.click()
    wait_closed(qtbot, adding)
    qtbot.waitUntil(lambda: page.documents.model.rowCount() == 1, timeout=5000)
    (kept,) = [row.attachment for row in shell.book.referral_attachments(stored_referral.id)]
    assert kept.case_id is None

    page.open_button.click()  # accepted: the case opens
    decide = main.dialog
    assert isinstance(decide, ReferralDialog)
    decide.decision.setCurrentIndex(decide.decision.findData("accepted"))
    decide.decided_on.set_text("today")
    decide.lawful_basis.setCurrentIndex(decide.lawful_basis.findData("public_task"))
    box = decide.local_authority
    box.setCurrentIndex(box.findData(""))
    box.activated.emit(box.currentIndex())
    decide.save_button.click()
    wait_closed(qtbot, decide)
    qtbot.waitUntil(lambda: main.case_page.case_id is not None
                    and main.current_page_title == "Case", timeout=5000)
    documents = main.case_page.documents
    qtbot.waitUntil(lambda: [line.attachment.id for line in documents.lines] == [kept.id],
                    timeout=5000)
    assert documents.lines[0].title == "Letter from the school"
    documents.select(kept.id)
    assert "Belongs to: Referral received 13 Mar 2025." in documents.details.text()
