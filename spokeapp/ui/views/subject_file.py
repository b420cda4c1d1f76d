"""One young person's file, out: the "File…" dialog on the case page and the PDF it writes.

The dialog asks who the file is for. An agency the case's current consent does not cover needs
a lawful basis for sharing without consent and a reason (at least 20 characters) before Save
does anything (``spokeapp.present.subject_file.share_problems``); the young person, their
parent or carer (subject access) and a handover to another Spoke worker need neither. Saving
makes the bundle (a supervisor or admin: the organisation's file from the hub, falling back to
this laptop's casebook with a clear message when the hub cannot be reached; a worker: their own
casebook), writes ``<reference>-file.pdf`` and ``<reference>-file.json`` (owner-only, both or
neither: :func:`write_files`) in the folder chosen, and records an ``InformationShare`` through
the casebook, so it syncs.

The PDF (:func:`write_pdf`) is a ``QTextDocument`` laid out on A4 pages by ``QPdfWriter``: every
section, flagged items marked FOR REVIEW, the marking :data:`MARKING` at the top and bottom of
each page and "Page N of M".
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.crypto.keyfile import write_atomically
from spokeapp.domain.records import Consent
from spokeapp.domain.records.casework import ShareBasis, choice_label
from spokeapp.i18n import number, translator
from spokeapp.present.consent import current_consent
from spokeapp.present.subject_file import (
    BASIS_CHOICES,
    MARKING,
    RECIPIENTS,
    UnreadableFile,
    basis_needed,
    consent_words_for,
    file_intro,
    file_sections,
    file_title,
    laptop_bundle,
    read_hub_file,
    recipient_label,
    share_problems,
    share_record,
)
from spokeapp.present.subject_file import (
    marking as marking_words,
)
from spokeapp.store.casebook import Casebook
from spokeapp.sync.client import SyncError
from spokeapp.sync.enrolled import enrolled_client
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, close_and_save, paper_palette

__all__ = ["MARKING", "HubFilePdfDialog", "SubjectFileDialog", "file_document", "hub_fetcher",
           "render_first_page", "write_files", "write_pdf", "write_pdf_file"]

tr = translator(__name__)

HubFetch = Callable[[str], dict[str, Any]]
OFFLINE_NOTE: Final = tr.noop(
    "The hub could not be reached, so this file was made from this laptop's casebook only: "
    "it holds what this laptop has, not the organisation's whole file.")
_FOR_REVIEW_COLOUR: Final = "#8a3b00"
_NO_FOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)  # not on Windows


def hub_fetcher(book: Casebook) -> HubFetch:
    """Fetch a case's file from the hub this laptop is enrolled with (runs off the GUI
    thread; a rotated sign-in is kept, see spokeapp/sync/enrolled.py)."""
    def fetch(case_id: str) -> dict[str, Any]:
        with enrolled_client(book) as client:
            return client.case_file(case_id)
    return fetch


# --------------------------------------------------------------------------- the document
def _esc(text: object) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def file_html(bundle: Mapping[str, Any], recipient: str) -> str:
    """The whole file as HTML for a ``QTextDocument`` (every value escaped)."""
    parts = [f"<h1>{_esc(file_title(bundle))}</h1>"]
    parts += [f"<p>{_esc(line)}</p>" for line in file_intro(bundle, recipient)]
    for section in file_sections(bundle):
        parts.append(f"<h2>{_esc(section.title)}</h2>")
        if not section.entries:
            parts.append(f"<p><i>{_esc(section.empty)}</i></p>")
        for entry in section.entries:
            parts.append(f"<h3>{_esc(entry.heading)}</h3>")
            for flag in entry.flags:
                parts.append(f'<p style="color:{_FOR_REVIEW_COLOUR}"><b>{_esc(flag)}</b></p>')
            rows = "".join(
                f"<tr><td width='28%'><b>{_esc(label)}</b></td><td>{_esc(value)}</td></tr>"
                for label, value in entry.fields
            )
            if rows:
                parts.append(f"<table cellspacing='0' cellpadding='2' width='100%'>{rows}"
                             "</table>")
            for line in entry.versions:
                parts.append(f"<p><i>{_esc(line)}</i></p>")
    return "".join(parts)


def file_document(bundle: Mapping[str, Any], recipient: str) -> QTextDocument:
    """The file as a rich-text document (black on white, whatever the screen's palette)."""
    document = QTextDocument()
    document.setDefaultFont(QFont("Sans Serif", 10))
    document.setDefaultStyleSheet(
        "h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 14px; } "
        "h3 { font-size: 11pt; margin-top: 8px; } td { vertical-align: top; }")
    document.setHtml(file_html(bundle, recipient))
    return document


class _Pages:
    """Where the body of each page goes and where its marking and page number are drawn."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        self.band = dpi * 0.45  # a header and footer band of about 11 mm
        self.width, self.height = width, height
        self.body = QSizeF(width, height - 2 * self.band)


def _draw_page(painter: QPainter, document: QTextDocument, pages: _Pages, n: int,
               total: int) -> None:
    marking = marking_words().upper()
    small = QFont("Sans Serif", 8)
    small.setBold(True)
    painter.setFont(small)
    painter.setPen(QColor("black"))
    top = QRectF(0, 0, pages.width, pages.band * 0.8)
    painter.drawText(top, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                     marking)
    painter.save()
    painter.translate(0, pages.band - n * pages.body.height())
    # Not ``document.drawContents``: it colours text the screen's way, and in dark mode the
    # whole file came out light grey on white paper. The paper's palette: black on white.
    context = QAbstractTextDocumentLayout.PaintContext()
    context.palette = paper_palette()
    context.clip = QRectF(0, n * pages.body.height(), pages.body.width(), pages.body.height())
    painter.setClipRect(context.clip)
    document.documentLayout().draw(painter, context)
    painter.restore()
    bottom = QRectF(0, pages.height - pages.band * 0.8, pages.width, pages.band * 0.8)
    painter.setFont(small)
    painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                     marking)
    painter.drawText(bottom, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                     tr("Page {page} of {pages}").format(page=number(n + 1),
                                                         pages=number(total)))


def write_pdf(path: Path, bundle: Mapping[str, Any], recipient: str) -> int:
    """Write the file as an A4 PDF; returns the number of pages."""
    writer = QPdfWriter(str(path))
    writer.setTitle(file_title(bundle))
    writer.setCreator("Spoke")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF(15, 12, 15, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(150)
    document = file_document(bundle, recipient)
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(QFont("Sans Serif", 10))
    pages = _Pages(float(writer.width()), float(writer.height()), float(writer.resolution()))
    document.setPageSize(pages.body)
    total = document.pageCount()
    painter = QPainter(writer)
    if not painter.isActive():  # the file could not be opened: Qt only prints a warning
        raise OSError(errno.EIO, "the PDF could not be written")
    try:
        for n in range(total):
            if n:
                writer.newPage()
            _draw_page(painter, document, pages, n, total)
    finally:
        painter.end()
    return total


def render_first_page(bundle: Mapping[str, Any], recipient: str, width: int = 794,
                      height: int = 1123) -> QImage:
    """The first page as the PDF lays it out, drawn on an image (A4 at 96 dpi): for
    screenshots and for looking at the layout without a PDF reader."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    document = file_document(bundle, recipient)
    pages = _Pages(float(width - 80), float(height - 60), 96.0)
    document.setPageSize(pages.body)
    painter = QPainter(image)
    try:
        painter.translate(40, 30)
        _draw_page(painter, document, pages, 0, document.pageCount())
    finally:
        painter.end()
    return image


def _temp_beside(path: Path) -> Path:
    """A new, empty, owner-only (0600) file in ``path``'s folder, for writing ``path`` in
    full before it is put in place. Created 0600 before any data is written because
    ``QPdfWriter`` keeps the mode of the file it writes to; same folder so ``os.replace``
    is a rename."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600))
    return temp


def write_files(pdf: Path, data: Path, bundle: Mapping[str, Any], recipient: str) -> None:
    """Write the PDF and the JSON, owner-only (0600), both or neither.

    Each is written in full to a temporary file beside it and only then renamed into place,
    so when anything fails (a full disk, a PDF that cannot be laid out) nothing this attempt
    wrote is left in the folder: "could not be saved" is then true, and no plaintext copy of
    a young person's file lingers where the worker was told none is. A file of the same name
    from an earlier save is left as it was. (Only if the second rename fails has the first
    already replaced its earlier file; what is there then is this attempt's PDF, removed.)"""
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        temps.append(_temp_beside(pdf))
        if write_pdf(temps[0], bundle, recipient) < 1 or temps[0].stat().st_size == 0:
            raise OSError(errno.EIO, "the PDF could not be written")
        temps.append(_temp_beside(data))
        write_atomically(temps[1], json.dumps(bundle, ensure_ascii=False,
                                              indent=1).encode("utf-8"))
        for path in (pdf, data):
            if path.is_dir():  # checked before either rename, so neither is half-done
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        # The PDF first: on Windows it is the one a reader may hold open, so a refusal
        # comes before anything is in place.
        for temp, path in zip(temps, (pdf, data), strict=True):
            os.replace(temp, path)
            placed.append(path)
    except BaseException:
        for leftover in (*temps, *placed):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- the dialog
def _choose_folder(parent: QWidget, folder: QLineEdit, title: str) -> None:
    """Browse… beside a folder field: the chosen folder goes in the field (none: unchanged)."""
    chosen = QFileDialog.getExistingDirectory(parent, title, folder.text())
    if chosen:
        folder.setText(chosen)


class SubjectFileDialog(QDialog):
    """"File…": who the file is for, the lawful basis when consent does not cover them, and
    where to save it. ``saved`` carries the PDF's path once both files and the share record
    are written."""

    saved = Signal(str)

    def __init__(
        self,
        book: Casebook,
        case_id: str,
        *,
        today: date,
        now: Callable[[], datetime],
        user_id: str,
        tasks: TaskRunner,
        fetch_hub: HubFetch | None = None,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.book, self.case_id, self.today, self.now = book, case_id, today, now
        self.user_id, self.tasks, self.fetch_hub = user_id, tasks, fetch_hub
        self.consent: Consent | None = current_consent(
            book.records("consent", case_id=case_id, state="final"))
        self.bundle: dict[str, Any] | None = None
        self.pdf_path: Path | None = None
        self.setWindowTitle(tr("Share or export this young person's file"))
        self.setAccessibleName(tr("Share or export this young person's file"))
        self.setModal(True)

        intro = QLabel(tr(
            "Makes a readable PDF and a machine-readable JSON file of everything held about "
            "this young person. Items that may be about other people are marked FOR REVIEW: "
            "check them before the file leaves the service."), self)
        intro.setWordWrap(True)
        self.message = Message(self, name=tr("Problems with this file"))

        self.recipient = QComboBox(self)
        self.recipient.setAccessibleName(tr("Who the file is for"))
        for key, _words in RECIPIENTS:
            self.recipient.addItem(recipient_label(key), key)
        self.detail = QLineEdit(self)
        self.detail.setAccessibleName(tr("Name and organisation of who receives it"))
        self.detail.setPlaceholderText(tr("e.g. DC Fictional, Northshire Police"))
        self.consent_label = QLabel(self)
        self.consent_label.setWordWrap(True)
        self.consent_label.setAccessibleName(tr("Consent for this recipient"))
        self.basis = QComboBox(self)
        self.basis.setAccessibleName(tr("Lawful basis for sharing without consent"))
        self.basis.addItem(tr("Choose the lawful basis…"), None)
        for basis, english in BASIS_CHOICES:
            words = choice_label({basis: english}, basis)  # the domain's words, translated
            self.basis.addItem(words[:1].upper() + words[1:], basis.value)
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName(tr("Why sharing without consent is needed"))
        self.reason.setPlaceholderText(
            tr("At least 20 characters: what risk, who asked, why now"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(72)
        self.folder = QLineEdit(str(folder or Path.home()), self)
        self.folder.setAccessibleName(tr("Folder to save the file in"))
        self.browse = QPushButton(tr("B&rowse…"), self)
        self.browse.setAccessibleName(tr("Choose the folder"))
        self.source = QLabel(self)
        self.source.setWordWrap(True)
        self.source.setText(
            tr("From the hub: the organisation's whole file (this laptop's copy if the hub "
               "cannot be reached).") if fetch_hub is not None else
            tr("From this laptop's casebook (your handover print of this case)."))

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        def row(text: str, widget: QWidget | QHBoxLayout) -> None:
            label = QLabel(text, self)
            if isinstance(widget, QWidget):
                label.setBuddy(widget)
                form.addRow(label, widget)
            else:
                label.setBuddy(self.folder)
                form.addRow(label, widget)

        row(tr("&For:"), self.recipient)
        row(tr("&Name and organisation:"), self.detail)
        form.addRow("", self.consent_label)
        row(tr("Lawful &basis:"), self.basis)
        row(tr("W&hy:"), self.reason)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        row(tr("Save in fo&lder:"), folder_row)

        self.cancel_button, self.save_button, buttons = close_and_save(
            self, tr("&Save file"), tr("Save the file and record the share"))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.source)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.recipient.currentIndexChanged.connect(self._recipient_changed)
        self.browse.clicked.connect(self._browse)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self._recipient_changed()
        self.resize(620, 480)

    # ----------------------------------------------------------------- state
    @property
    def recipient_key(self) -> str:
        return str(self.recipient.currentData())

    def chosen_basis(self) -> ShareBasis | None:
        value = self.basis.currentData()
        return None if value is None else ShareBasis(value)

    def choose(self, recipient: str) -> None:
        """Choose who the file is for by key (tests, and keyboard users via the list)."""
        self.recipient.setCurrentIndex(self.recipient.findData(recipient))

    def _recipient_changed(self, *_args: object) -> None:
        key = self.recipient_key
        self.consent_label.setText(consent_words_for(key, self.consent))
        self.consent_label.setAccessibleDescription(self.consent_label.text())
        needed = basis_needed(key, self.consent)
        self.basis.setEnabled(needed)
        self.reason.setEnabled(needed)
        self.message.clear_message()

    def _browse(self) -> None:
        _choose_folder(self, self.folder, tr("Save the file in"))

    # ----------------------------------------------------------------- saving
    def problems(self) -> list[str]:
        """What stops the file being saved, in the dialog's words."""
        problems = share_problems(self.recipient_key, self.detail.text(), self.consent,
                                  self.chosen_basis(), self.reason.toPlainText())
        folder = Path(self.folder.text().strip() or ".")
        if not folder.is_dir():
            problems.append(tr("Choose a folder that exists to save the file in."))
        return problems

    def save(self) -> bool:
        """Check, then make the bundle and write the share record off the GUI thread; the
        PDF and JSON are written when that is done. False if something is missing."""
        problems = self.problems()
        if problems:
            self.message.show_error(" ".join(problems))
            return False
        record = share_record(
            case_id=self.case_id, recipient=self.recipient_key, detail=self.detail.text(),
            consent=self.consent, basis=self.chosen_basis(),
            reason=self.reason.toPlainText(), shared_by=self.user_id, today=self.today)
        record.validate()
        made_at = self.now().isoformat()
        fetch, case_id, book = self.fetch_hub, self.case_id, self.book

        def work() -> tuple[dict[str, Any], bool]:
            offline = False
            bundle: dict[str, Any] | None = None
            if fetch is not None:
                try:
                    bundle = fetch(case_id)
                except SyncError:
                    offline = True
            if bundle is None:
                bundle = laptop_bundle(book, case_id, made_by=self.user_id, made_at=made_at)
                if offline:
                    bundle["notes"].insert(0, tr(OFFLINE_NOTE))
            book.save(record, finalise=True)
            return bundle, offline

        self.message.show_info(tr("Making the file…"))
        self.tasks.write(work, self._write_files, self._failed, owner=self,
                         busy=[self.save_button, self.cancel_button])
        return True

    def _write_files(self, result: tuple[dict[str, Any], bool]) -> None:
        bundle, offline = result
        self.bundle = bundle
        folder = Path(self.folder.text().strip())
        reference = ((bundle.get("young_person") or {}).get("content") or {}).get(
            "reference") or self.case_id
        stem = f"{reference}-file"
        self.pdf_path = folder / f"{stem}.pdf"
        try:
            write_files(self.pdf_path, folder / f"{stem}.json", bundle, self.recipient_key)
        except OSError as error:
            self.message.show_error(tr(
                "The share is recorded, but the file could not be saved in that folder "
                "({error}). Choose another folder and save again.").format(
                    error=error.strerror or error))
            return
        flags = len(bundle.get("third_party_flags", []))
        text = tr.plural(
            flags,
            "Saved {pdf} and {json}. {n} item marked FOR REVIEW. The share is recorded.",
            "Saved {pdf} and {json}. {n} items marked FOR REVIEW. The share is recorded.",
        ).format(pdf=self.pdf_path.name, json=f"{stem}.json")
        if offline:
            self.message.show_error(tr(OFFLINE_NOTE) + " " + text)
        else:
            self.message.show_info(text)
        emit(self.saved, str(self.pdf_path))

    def _failed(self, error: BaseException) -> None:
        self.message.show_error(tr("The file could not be made: {reason}").format(
            reason=str(error) if isinstance(error, SyncError | OSError)
            else tr("something went wrong.")))


# ------------------------------------------------------------ a file the hub wrote, as a PDF
def write_pdf_file(pdf: Path, bundle: Mapping[str, Any], recipient: str) -> None:
    """Write the PDF alone, owner-only (0600), in full beside ``pdf`` and then renamed into
    place: a failure leaves nothing of this attempt (see :func:`write_files`)."""
    temp = _temp_beside(pdf)
    try:
        if write_pdf(temp, bundle, recipient) < 1 or temp.stat().st_size == 0:
            raise OSError(errno.EIO, "the PDF could not be written")
        if pdf.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(pdf))
        os.replace(temp, pdf)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise


class HubFilePdfDialog(QDialog):
    """Spoke, "Make a PDF of a file from the hub…": the officer's ``spoke-hub requests
    bundle`` writes a young person's file as JSON (a case's, or a referral's that never
    became a case, which has no page in the app); this makes the readable PDF of it, as File…
    on a case page does. The JSON is only read; opening it is audited in this casebook (the
    file's id, never its contents). ``saved`` carries the PDF's path."""

    saved = Signal(str)

    def __init__(self, book: Casebook, *, tasks: TaskRunner, folder: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book, self.tasks = book, tasks
        self.pdf_path: Path | None = None
        title = tr("Make a PDF of a young person's file from the hub")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        intro = QLabel(tr(
            "The hub's administrator writes a young person's file with the command "
            "spoke-hub requests bundle (a file ending in -subject-file.json). Choose it here "
            "to make the readable PDF. Items that may be about other people are marked FOR "
            "REVIEW: check them before the file leaves the service."), self)
        intro.setWordWrap(True)
        self.message = Message(self, name=tr("Problems with this file"))
        start = folder or Path.home()
        self.source = QLineEdit(self)
        self.source.setAccessibleName(tr("The file from the hub"))
        self.source.setPlaceholderText(tr("…-subject-file.json"))
        self.choose_button = QPushButton(tr("C&hoose…"), self)
        self.choose_button.setAccessibleName(tr("Choose the file from the hub"))
        self.recipient = QComboBox(self)
        self.recipient.setAccessibleName(tr("Who the file is for"))
        for key, _words in RECIPIENTS:
            self.recipient.addItem(recipient_label(key), key)
        self.folder = QLineEdit(str(start), self)
        self.folder.setAccessibleName(tr("Folder to save the PDF in"))
        self.browse = QPushButton(tr("B&rowse…"), self)
        self.browse.setAccessibleName(tr("Choose the folder"))

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, field, button in ((tr("F&ile from the hub:"), self.source, self.choose_button),
                                    (tr("&For:"), self.recipient, None),
                                    (tr("Save in fo&lder:"), self.folder, self.browse)):
            label = QLabel(text, self)
            label.setBuddy(field)
            if button is None:
                form.addRow(label, field)
                continue
            line = QHBoxLayout()
            line.addWidget(field, 1)
            line.addWidget(button)
            form.addRow(label, line)
        self.cancel_button, self.save_button, buttons = close_and_save(
            self, tr("&Make PDF"), tr("Make the PDF of the file from the hub"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.choose_button.clicked.connect(self._choose)
        self.browse.clicked.connect(self._browse)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.resize(620, 360)

    def _choose(self) -> None:
        start = self.source.text().strip() or self.folder.text()
        chosen, _filter = QFileDialog.getOpenFileName(
            self, tr("The file from the hub"), start,
            tr("Young person's files (*-subject-file.json);;JSON files (*.json)"))
        if chosen:
            self.source.setText(chosen)

    def _browse(self) -> None:
        _choose_folder(self, self.folder, tr("Save the PDF in"))

    def problems(self) -> list[str]:
        """What stops the PDF being made, in the dialog's words."""
        problems = []
        if not self.source.text().strip():
            problems.append(tr("Choose the file from the hub."))
        if not Path(self.folder.text().strip() or ".").is_dir():
            problems.append(tr("Choose a folder that exists to save the PDF in."))
        return problems

    def save(self) -> bool:
        """Check, then read the file and audit opening it off the GUI thread; the PDF is
        written when that is done. False if something is missing."""
        problems = self.problems()
        if problems:
            self.message.show_error(" ".join(problems))
            return False
        source, book = Path(self.source.text().strip()), self.book

        def work() -> dict[str, Any]:
            bundle = read_hub_file(source)
            book.audit("subject_file.opened", str(bundle.get("case_id") or ""))
            return bundle

        self.message.show_info(tr("Reading the file…"))
        self.tasks.write(work, self._write_pdf, self._failed, owner=self,
                         busy=[self.save_button, self.cancel_button])
        return True

    def _write_pdf(self, bundle: dict[str, Any]) -> None:
        folder = Path(self.folder.text().strip())
        reference = ((bundle.get("young_person") or {}).get("content") or {}).get(
            "reference") or bundle.get("case_id") or "young-person"
        # The reference names the file: nothing in it may leave the chosen folder.
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(reference))[:80]
        self.pdf_path = folder / f"{stem}-file.pdf"
        try:
            write_pdf_file(self.pdf_path, bundle, str(self.recipient.currentData()))
        except OSError as error:
            self.message.show_error(tr(
                "The PDF could not be saved in that folder ({error}). Choose another folder "
                "and try again.").format(error=error.strerror or error))
            return
        except (KeyError, TypeError, ValueError, AttributeError):
            self.message.show_error(tr(
                "That file from the hub is damaged or was changed after the hub wrote it: "
                "make it again with spoke-hub requests bundle."))
            return
        flags = len(bundle.get("third_party_flags", []))
        self.message.show_info(tr.plural(
            flags, "Saved {pdf}. {n} item marked FOR REVIEW.",
            "Saved {pdf}. {n} items marked FOR REVIEW.").format(pdf=self.pdf_path.name))
        emit(self.saved, str(self.pdf_path))

    def _failed(self, error: BaseException) -> None:
        self.message.show_error(str(error) if isinstance(error, UnreadableFile)
                                else tr("The file could not be read: something went wrong."))
