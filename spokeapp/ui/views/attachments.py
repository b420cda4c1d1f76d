"""The Documents section (docs/attachments.md): a case's consent forms, letters, drawings,
photos and screenshots, kept encrypted inside the casebook with the case. The case page shows
a case's; the Referrals page shows the selected referral's (``for_referral``: a referral
letter arrives before any case is opened), where every document belongs to the referral.

* **Adding**: "Add file…" (Ctrl+Shift+F), a file dropped on the section, or a picture pasted
  from the clipboard ("Paste image", Ctrl+V: saved as PNG). A short form asks for the title
  (the file's name without its ending), the date of the document (today), what it belongs to
  (the case, one of its sessions or concerns, or its referral) and a note; for a picture, it
  offers to make it smaller (longest side 2,000 pixels), re-encoded here before it is kept.
  The hub's size limit is checked before the file is read or anything written; the saving
  itself (reading, hashing and storing a file of up to 25 MB) runs through the app's write
  runner, off the GUI thread. "New version…" keeps the old one as an earlier version. A
  document on a referral is kept with the referral's case if one has been opened from it, and
  without a case before (``present.attachments.referral_case_id``, asked as it is saved).
* **Keys**: "Add file…" answers anywhere on the page that holds the section (the
  ``shortcut_scope``), "Paste image" only inside the section; both are the page's own
  (``WidgetWithChildrenShortcut``), so the case page's and the Referrals page's never clash.
* **Previewing** happens from memory: a picture through ``QImageReader`` with an allocation
  limit and a refusal, before decoding, of any picture that says it has more than 50
  megapixels (a small file can claim a huge size); a PDF through Qt PDF (PDFium without a
  JavaScript engine: a script in it never runs). Other types are not previewed.
* **Opening a copy** in another program comes after a warning (``present.attachments``), and
  writes a decrypted copy into a private folder (``ui.open_copies``); "Close the copy"
  overwrites it with zeros and deletes it, as locking and quitting do.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QImageReader,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.attachments import (
    PREVIEW_IMAGE_TYPES,
    media_type_for,
    plain_file_name,
)
from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.records import Attachment, Referral
from spokeapp.i18n import number, translator
from spokeapp.present.attachments import (
    IMAGE_LONGEST_SIDE,
    IMAGE_MOST_PIXELS,
    AttachChoice,
    DocumentLine,
    Documents,
    Preview,
    attach_choices,
    attached_words,
    default_title,
    document_lines,
    load_documents,
    load_referral_documents,
    open_copy_warning,
    referral_case_id,
    referral_choices,
    referral_documents_title,
    type_words,
)
from spokeapp.present.record_words import size_words
from spokeapp.store.attachments import AttachmentRefused, check_size
from spokeapp.store.casebook import Casebook, StoredRecord
from spokeapp.ui import open_copies
from spokeapp.ui.forms import FieldForm, RecordDialog, date_edit, day_of, plain, text_box, watch
from spokeapp.ui.models.rows import KEY_ROLE, Row, RowsModel
from spokeapp.ui.open_copies import OpenCopies, OpenCopy, copies_folder, write_copy
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, rows_table, shown_key

tr = translator(__name__)

#: The most memory one picture may take while it is decoded (Qt's own guard, in MB).
ALLOCATION_LIMIT_MB: Final = 256
#: Qt's name for each picture type Spoke previews. A picture is decoded only by one of these
#: five decoders, chosen by its first bytes (a photo saved as ".jpg" that is really a PNG still
#: shows), never by whichever of Qt's decoders its content suggests (SVG, TIFF, PDF...).
_IMAGE_FORMATS: Final = {
    "image/png": b"png", "image/jpeg": b"jpeg", "image/gif": b"gif", "image/webp": b"webp",
    "image/bmp": b"bmp",
}
_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", b"png"), (b"\xff\xd8\xff", b"jpeg"), (b"GIF87a", b"gif"),
    (b"GIF89a", b"gif"), (b"BM", b"bmp"),
)
JPEG_QUALITY: Final = 85
LABELS: Final = {
    "title": tr.noop("Title"),
    "document_date": tr.noop("Date of the document"),
    "attached": tr.noop("Belongs to"),
    "note": tr.noop("Note"),
    "shrink": tr.noop("Make the photo smaller"),
}
ADD_KEYS: Final = "Ctrl+Shift+F"


# ------------------------------------------------------------------ pictures (any thread)
class PictureProblem(SpokeError):
    """A picture Spoke will not decode (too large, or not readable): the message says so."""


def _reader(source: Path | bytes, media_type: str) -> tuple[QImageReader, Any]:
    """A reader for ``source`` limited to its own type's decoder, and what keeps its device
    alive (a buffer over the bytes) as long as the reader is used."""
    QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    kind = _picture_format(source, media_type)
    if isinstance(source, Path):
        reader = QImageReader(str(source), QByteArray(kind))
        keep: Any = None
    else:
        data = QByteArray(source)
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer, QByteArray(kind))
        keep = (data, buffer)
    reader.setAutoDetectImageFormat(False)
    reader.setAutoTransform(True)  # a phone's photo the right way up
    return reader, keep


def _picture_format(source: Path | bytes, media_type: str) -> bytes:
    """The decoder for ``source``: by its first bytes among the five Spoke uses, else by its
    name's type."""
    if isinstance(source, Path):
        try:
            with source.open("rb") as handle:
                head = handle.read(16)
        except OSError:
            head = b""
    else:
        head = source[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return b"webp"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return _IMAGE_FORMATS.get(media_type, b"png")


def _checked_size(reader: QImageReader) -> QSize:
    """The size the picture says it has, refused before decoding if it is more than
    ``IMAGE_MOST_PIXELS`` (a small file can claim a huge size)."""
    size = reader.size()
    if size.isValid() and size.width() * size.height() > IMAGE_MOST_PIXELS:
        raise PictureProblem(tr(
            "This picture says it is {width} by {height} pixels: too large for Spoke to open "
            "safely (at most {most} million pixels)."
        ).format(width=number(size.width()), height=number(size.height()),
                 most=number(IMAGE_MOST_PIXELS // 1_000_000)))
    return size


def read_picture(data: bytes, media_type: str) -> QImage:
    """Decode a picture from memory for a preview (any thread), or raise PictureProblem."""
    reader, _keep = _reader(data, media_type)
    _checked_size(reader)
    image = reader.read()
    if image.isNull():
        raise PictureProblem(tr(
            "Spoke could not read this picture (it may be damaged, or of another type than "
            "its name says)."))
    return image


def smaller_picture(source: Path | bytes, file_name: str) -> tuple[Path | bytes, str]:
    """The picture at most ``IMAGE_LONGEST_SIDE`` pixels on its longest side, re-encoded here
    (JPEG stays JPEG, anything else becomes PNG, named to match): (the bytes, their file
    name). A picture already that small is returned as it is. Any thread."""
    media_type = media_type_for(file_name)
    reader, _keep = _reader(source, media_type)
    size = _checked_size(reader)
    if size.isValid() and max(size.width(), size.height()) <= IMAGE_LONGEST_SIDE:
        return source, file_name
    image = reader.read()
    if image.isNull():
        raise PictureProblem(tr(
            "Spoke could not read this picture, so it was not made smaller. Untick \u201cMake "
            "the photo smaller\u201d to attach it as it is."))
    if max(image.width(), image.height()) <= IMAGE_LONGEST_SIDE:
        return source, file_name
    image = image.scaled(IMAGE_LONGEST_SIDE, IMAGE_LONGEST_SIDE,
                         Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    stem = file_name.rpartition(".")[0] or file_name
    if bytes(reader.format().data()) == b"jpeg":  # a photo stays a JPEG
        return _encoded(image, b"jpeg"), (
            file_name if media_type == "image/jpeg" else f"{stem}.jpg")
    return _encoded(image, b"png"), f"{stem}.png"


def _encoded(image: QImage, kind: bytes) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, kind.decode(), JPEG_QUALITY if kind == b"jpeg" else -1)
    buffer.close()
    return bytes(data.data())


# ------------------------------------------------------------------ adding
@dataclass(frozen=True, slots=True)
class Source:
    """A file to attach: on disk (read only when saved) or in memory (a pasted picture)."""

    data: Path | bytes
    file_name: str
    size: int

    @staticmethod
    def of_file(path: Path) -> Source:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        return Source(path, path.name, size)

    @property
    def is_picture(self) -> bool:
        return media_type_for(self.file_name) in PREVIEW_IMAGE_TYPES


class AddDocumentDialog(RecordDialog):
    """Add a document (or a new version of one): title, date, what it belongs to, a note."""

    saved = Signal(str)

    def __init__(
        self,
        book: Casebook,
        source: Source,
        *,
        case_id: str | None,
        choices: Sequence[AttachChoice],
        today: date,
        limit: int,
        replacing: Attachment | None = None,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        only = choices[0] if len(choices) == 1 else None
        if replacing is not None:
            title = tr("New version of a document")
        elif only is not None and only.kind == Referral.KIND:
            title = tr("Add a document to the referral")
        else:
            title = tr("Add a document")
        super().__init__(title, parent, tasks=tasks)
        self._book = book
        self.source = source
        self.case_id = case_id
        self.limit = limit
        self.replacing = replacing
        self.choices = list(choices)
        kind = type_words(media_type_for(source.file_name))
        about = tr("{file_name} ({kind}, {size})").format(
            file_name=plain_file_name(source.file_name), kind=kind,
            size=size_words(source.size))
        self.file_label = QLabel(tr("File: {about}").format(about=about), self)
        self.file_label.setWordWrap(True)
        self.file_label.setAccessibleName(self.file_label.text())
        self.body.addWidget(self.file_label)
        if replacing is not None:
            said = tr("It replaces \u201c{title}\u201d, which is kept as an earlier "
                      "version.").format(title=replacing.title)
            self.replaces_label = QLabel(said, self)
            self.replaces_label.setWordWrap(True)
            self.body.addWidget(self.replaces_label)
        self.form = FieldForm(self, {key: tr(words) for key, words in LABELS.items()})
        self.body.addWidget(self.form.widget)
        f = self.form
        self.title_edit = QLineEdit(replacing.title if replacing else
                                    default_title(plain_file_name(source.file_name)))
        f.add("title", tr("&Title"), self.title_edit)
        self.date_field = date_edit(today, today=today)
        f.add("document_date", tr("&Date of the document"), self.date_field)
        self.date_field.line.setToolTip(
            tr("The date on the document, or when the photo was taken."))
        self.attached = QComboBox()
        for number_, choice in enumerate(self.choices):
            self.attached.addItem(choice.words, number_)
        if replacing is not None:
            self.attached.setCurrentIndex(self._replaced_place(replacing))
            self.attached.setEnabled(False)  # a new version belongs where the old one did
        elif only is not None:
            self.attached.setEnabled(False)  # nothing to choose (the Referrals page)
        f.add("attached", tr("&Belongs to"), self.attached)
        self.note = text_box(2)
        f.add("note", tr("&Note"), self.note)
        self.shrink = QCheckBox(tr("&Make the photo smaller (longest side {pixels} pixels)")
                                .format(pixels=number(IMAGE_LONGEST_SIDE)))
        self.shrink.setToolTip(tr(
            "A smaller copy is kept instead of the original: quicker to sync, and the "
            "camera's details (such as where it was taken) are left out."))
        f.add("shrink", "", self.shrink)
        self.shrink.setAccessibleName(tr("Make the photo smaller"))
        f.set_visible("shrink", source.is_picture)
        self.add_close_and_save(tr("&Add ({key})").format(
            key=shown_key("Ctrl+Return")), tr("Add the document"))
        for widget in f.inputs.values():
            watch(widget, self.changed)
        order = [*f.inputs.values(), self.cancel_button, self.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.fit_to_screen(80)
        self.resize(max(self.width(), self.sizeHint().width()),
                    min(self.height(), self.sizeHint().height() + 40))
        self.title_edit.selectAll()
        self.title_edit.setFocus()

    def _replaced_place(self, old: Attachment) -> int:
        for position, choice in enumerate(self.choices):
            if choice.kind == old.attached_kind and choice.record_id == old.attached_to:
                return position
        words = self.attached.itemText(0)
        if old.attached_kind is not None:  # a record not on this laptop: said by its kind
            words = attached_words(old, {})
        self.choices.append(AttachChoice(old.attached_kind, old.attached_to, words))
        self.attached.addItem(words, len(self.choices) - 1)
        return len(self.choices) - 1

    def accept_shortcut(self) -> None:
        self.save()

    def choice(self) -> AttachChoice:
        index = self.attached.currentData()
        return self.choices[index if isinstance(index, int) else 0]

    def save(self) -> bool:
        """Check the size (before anything is read), then attach off the GUI thread."""
        if self.saving:
            return False
        self.summary.clear_message()
        self.form.clear()
        shrinking = self.source.is_picture and self.shrink.isChecked()
        if not shrinking:
            try:
                check_size(self.source.size, self.limit)
            except AttachmentRefused as exc:
                text = str(exc)
                if self.source.is_picture:
                    text = tr("{reason} Tick \u201cMake the photo smaller\u201d to attach a "
                              "smaller copy of it.").format(reason=text)
                self.summary.show_error(text)
                return False
        problems = self.form.date_problems()
        if problems:
            self.form.show_problems(ValidationError(problems), self.summary, tr("adding it"))
            return False
        book, source, choice = self._book, self.source, self.choice()
        title, note, when = plain(self.title_edit), plain(self.note), day_of(self.date_field)
        replaces = self.replacing.id if self.replacing is not None else None
        known_case = self.case_id

        def attach() -> Attachment:
            data, name = source.data, source.file_name
            case_id = known_case
            if case_id is None and choice.kind == Referral.KIND and choice.record_id:
                # Kept with the referral's case if one is open (as the case page keeps it).
                case_id = referral_case_id(book, choice.record_id)
            if shrinking:
                data, name = smaller_picture(data, name)
            return book.attach(
                data, case_id=case_id, title=title, document_date=when, note=note,
                attached_kind=choice.kind, attached_to=choice.record_id, file_name=name,
                replaces=replaces,
            )

        return bool(self.write(attach, self._added, self._not_added))

    def _added(self, attachment: Attachment) -> None:
        self.dirty = False
        emit(self.saved, attachment.id)
        self.accept()

    def _not_added(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.form.show_problems(exc, self.summary, tr("adding it"))
        elif isinstance(exc, SpokeError):
            self.summary.show_error(str(exc))
        else:
            raise exc


# ------------------------------------------------------------------ previews
class PreviewDialog(QDialog):
    """A document shown inside Spoke, from memory: a picture fitted to the window, a PDF's
    pages, or, for other types, a way to open a copy."""

    def __init__(self, book: Casebook, tasks: TaskRunner, line: DocumentLine, *,
                 open_copy: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = line
        self.setWindowTitle(tr("Preview: {title}").format(title=line.title))
        self.setModal(True)
        self.image: QImage | None = None
        self.pdf: QPdfDocument | None = None
        self._pdf_buffer: tuple[QByteArray, QBuffer] | None = None
        self.title_label = heading(line.title, self)
        self.title_label.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("About this preview"))
        self.pages = QStackedWidget(self)
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(tr("Picture: {title}").format(title=line.title))
        self.picture.setMinimumSize(1, 1)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setAccessibleName(tr("Pages of {title}").format(title=line.title))
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.nothing = QLabel(self)
        self.nothing.setWordWrap(True)
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (self.picture, self.pdf_view, self.nothing):
            self.pages.addWidget(widget)
        self.open_button = QPushButton(tr("Open a cop&y…"), self)
        self.open_button.setAccessibleName(tr("Open a copy in another program"))
        self._open_copy = open_copy
        self.open_button.clicked.connect(self._open_a_copy)
        self.close_button = QPushButton(tr("Close (Esc)"), self)
        self.close_button.setAccessibleName(tr("Close"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(self.open_button)
        footer.addStretch(1)
        footer.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.status)
        layout.addWidget(self.pages, 1)
        layout.addLayout(footer)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 100, metrics.lineSpacing() * 36)
        self.open_button.setEnabled(line.downloaded)
        if line.preview is Preview.NONE or not line.downloaded:
            self._nothing(line)
            return
        self.status.setText(tr("Reading…"))
        sha256, media_type = line.attachment.sha256, line.attachment.media_type
        if line.preview is Preview.IMAGE:
            tasks.submit(lambda: read_picture(book.attachment_bytes(sha256), media_type),
                         self._show_picture, self._failed, owner=self)
        else:
            tasks.submit(lambda: book.attachment_bytes(sha256), self._show_pdf, self._failed,
                         owner=self)

    def _open_a_copy(self) -> None:
        self.accept()
        self._open_copy()

    def _nothing(self, line: DocumentLine) -> None:
        if not line.downloaded:
            text = tr("This file is not on this laptop yet: it comes with the next sync.")
        else:
            text = tr("Spoke does not preview this type of file ({kind}). To read it, open a "
                      "copy in another program.").format(kind=line.kind)
        self.status.setText(text)
        self.status.setAccessibleDescription(text)
        self.nothing.setText(text)
        self.pages.setCurrentWidget(self.nothing)
        self.open_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, SpokeError):
            raise exc
        self.status.setText(str(exc))
        self.status.setAccessibleDescription(str(exc))
        self.nothing.setText(str(exc))
        self.pages.setCurrentWidget(self.nothing)

    def _show_picture(self, image: QImage) -> None:
        self.image = image
        text = tr("Picture, {width} by {height} pixels.").format(
            width=number(image.width()), height=number(image.height()))
        self.status.setText(text)
        self.picture.setAccessibleDescription(text)
        self.pages.setCurrentWidget(self.picture)
        self._fit_picture()

    def _fit_picture(self) -> None:
        if self.image is None:
            return
        room = self.pages.size()
        shown = self.image
        if shown.width() > room.width() or shown.height() > room.height():
            shown = shown.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(QPixmap.fromImage(shown))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_picture()

    def _show_pdf(self, data: bytes) -> None:
        document = QPdfDocument(self)
        array = QByteArray(data)
        buffer = QBuffer(array, self)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf_buffer = (array, buffer)
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            locked = document.error() == QPdfDocument.Error.IncorrectPassword
            self._failed(SpokeError(
                tr("This PDF is protected by a password, so Spoke cannot show it. Open a copy "
                   "to read it in another program.") if locked else
                tr("Spoke could not read this PDF (it may be damaged). Open a copy to try "
                   "another program.")))
            return
        self.pdf = document
        self.pdf_view.setDocument(document)
        pages = document.pageCount()
        text = tr.plural(pages, "PDF, {n} page.", "PDF, {n} pages.")
        self.status.setText(text)
        self.pdf_view.setAccessibleDescription(text)
        self.pages.setCurrentWidget(self.pdf_view)


# ------------------------------------------------------------------ the panel
def ask_open_copy(parent: QWidget, file_name: str) -> bool:
    """The warning before a copy leaves the casebook; True to go ahead."""
    warning = open_copy_warning(file_name)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(warning.title)
    box.setText(warning.text)
    go = box.addButton(warning.go, QMessageBox.ButtonRole.AcceptRole)
    go.setAccessibleName(warning.go_name)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go


class AttachmentsPanel(QGroupBox):
    """The Documents section of a case (``show_case``) or, ``for_referral``, of a referral
    (``show_referral``): its list and what can be done with a document."""

    #: ``ask_open_copy(parent, file_name) -> True`` to write the copy. Tests replace it.
    ask_open_copy = staticmethod(ask_open_copy)
    #: A document was added (its id): the list is read again.
    added = Signal(str)

    def __init__(
        self,
        book: Casebook,
        tasks: TaskRunner,
        *,
        today: Callable[[], date],
        shortcut_scope: QWidget | None = None,
        for_referral: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(tr("Documents"), parent)
        self.setAccessibleName(tr("Documents"))
        self._book = book
        self._tasks = tasks
        self._today = today
        #: The Referrals page's section: a referral's documents, each belonging to it.
        self.for_referral = for_referral
        #: The case shown (None on the Referrals page).
        self.case_id: str | None = None
        self.records: list[StoredRecord] = []
        #: The case's referral; on the Referrals page, the referral shown.
        self.referral: Referral | None = None
        self.names: dict[str, str] = {}
        #: This laptop's user ("You"): the casebook's author until the window says who.
        self.me = book.author
        self.documents: Documents | None = None
        self.lines: list[DocumentLine] = []
        self.copies = OpenCopies(copies_folder(book.profile))
        self.dialog: QDialog | None = None
        self._waiting: list[Source] = []
        self._select_after_load: str | None = None
        self.setAcceptDrops(True)

        # Three columns: the pane is narrow. What it belongs to, who added it and its note
        # are under the list for the selected one (and in each row's tooltip).
        self.model = RowsModel((tr("Title"), tr("Date"), tr("File")), self)
        self.table = rows_table(self.model, tr("Documents, newest first"), self, lines=4,
                                stretch=0, wrap=True,
                                on_activated=lambda _index: self.preview())
        # A long title or "not downloaded yet" wraps onto a second line rather than hiding.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, self.fontMetrics().horizontalAdvance(
            tr("{kind}, {size}").format(kind=tr("Word document"), size="999 KB")) + 16)
        rows = self.table.verticalHeader()
        rows.setMinimumSectionSize(rows.defaultSectionSize())  # as tall as other lists' rows
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(tr("Drop files here to add them to the referral") if for_referral
                              else tr("Drop files here to add them to the case"))
        self.empty = QLabel(tr("No documents yet. Add a file, drop one here, or paste a "
                               "picture."), self)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName(tr("No documents yet"))
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName(tr("The selected document"))
        self.message = Message(self, name=tr("Documents message"))

        scope = shortcut_scope or self
        native = shown_key(ADD_KEYS)
        self.add_button = QPushButton(tr("Add file… ({keys})").format(keys=native), self)
        self.add_button.setAccessibleName(self._add_words())
        self.add_button.setToolTip(
            tr("Add a document, photo or other file to this referral (or drop files on this "
               "section)") if for_referral else
            tr("Add a document, photo or other file to this case (or drop files on this "
               "section)"))
        QShortcut(QKeySequence(ADD_KEYS), scope, activated=self.add_button.click,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste_keys = QKeySequence(QKeySequence.StandardKey.Paste)
        self.paste_button = QPushButton(tr("Paste image ({keys})").format(
            keys=paste_keys.toString(QKeySequence.SequenceFormat.NativeText)), self)
        self.paste_button.setAccessibleName(tr("Paste a picture from the clipboard"))
        QShortcut(paste_keys, self, activated=self.paste_button.click,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.preview_button = QPushButton(tr("&Preview"), self)
        self.preview_button.setAccessibleName(tr("Preview the selected document"))
        self.open_button = QPushButton(tr("Open a cop&y…"), self)
        self.open_button.setAccessibleName(tr("Open a copy of the selected document in "
                                              "another program"))
        self.version_button = QPushButton(tr("Ne&w version…"), self)
        self.version_button.setAccessibleName(tr("Add a new version of the selected document"))
        self.copies_label = QLabel(self)
        self.copies_label.setWordWrap(True)
        self.close_copies_button = QPushButton(tr("Close t&he copy"), self)
        self.close_copies_button.setAccessibleName(tr("Close the copy and delete it"))

        adding = QHBoxLayout()
        adding.addWidget(self.add_button)
        adding.addWidget(self.paste_button)
        adding.addStretch(1)
        acting = QHBoxLayout()
        for widget in (self.preview_button, self.open_button, self.version_button):
            acting.addWidget(widget)
        acting.addStretch(1)
        copies = QHBoxLayout()
        copies.addWidget(self.copies_label, 1)
        copies.addWidget(self.close_copies_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.details)
        layout.addLayout(adding)
        layout.addLayout(acting)
        layout.addLayout(copies)
        layout.addWidget(self.message)

        self.add_button.clicked.connect(self.choose_files)
        self.paste_button.clicked.connect(self.paste)
        self.preview_button.clicked.connect(self.preview)
        self.open_button.clicked.connect(self.open_copy)
        self.version_button.clicked.connect(self.new_version)
        self.close_copies_button.clicked.connect(self.close_copies)
        self.table.selectionModel().currentRowChanged.connect(self._selected_changed)
        for first, second in itertools.pairwise(
            (self.table, self.add_button, self.paste_button, self.preview_button,
             self.open_button, self.version_button, self.close_copies_button)
        ):
            QWidget.setTabOrder(first, second)
        self._show_copies()
        self._show_lines()

    # ------------------------------------------------------------------ loading
    def _add_words(self) -> str:
        return (tr("Add a file to this referral") if self.for_referral
                else tr("Add a file to this case"))

    @property
    def showing(self) -> bool:
        """True once a case (or, on the Referrals page, a referral) is shown."""
        return (self.referral if self.for_referral else self.case_id) is not None

    def _shown(self) -> tuple[str | None, str | None]:
        """(case id, referral id) of what is shown, as ``Documents`` names it."""
        if self.for_referral:
            return None, self.referral.id if self.referral is not None else None
        return self.case_id, None

    def _forget_other(self, shown: tuple[str | None, str | None]) -> None:
        """Another case or referral: the last one's list, selection, message and files still
        waiting for their form go at once (never acted on, or added, for the new one)."""
        if shown == self._shown():
            return
        self.message.clear_message()
        self._waiting.clear()
        self.documents = None
        self.lines = []
        self._select_after_load = None
        self.model.set_rows([])
        self._show_lines()

    def show_case(self, case_id: str, records: Sequence[StoredRecord],
                  referral: Referral | None) -> None:
        """The case the page shows (its records name what documents belong to)."""
        self._forget_other((case_id, None))
        self.case_id = case_id
        self.records = list(records)
        self.referral = referral
        self.refresh()

    def show_referral(self, referral: Referral | None, *, reference: str = "") -> None:
        """On the Referrals page: the selected referral (None: none), whose young person's
        ``reference`` names it in the section's heading."""
        assert self.for_referral, "a case's section shows a case"
        self._forget_other((None, referral.id if referral is not None else None))
        self.referral = referral
        self.records = []
        if referral is None:
            self.setTitle(tr("Documents"))
            self.setAccessibleName(tr("Documents"))
            return
        shown, said = referral_documents_title(referral, reference)
        self.setTitle(shown)
        self.setAccessibleName(said)
        self.refresh()

    def refresh(self) -> None:
        book = self._book
        if self.for_referral:
            if self.referral is None:
                return
            referral_id = self.referral.id
            self._tasks.submit(lambda: load_referral_documents(book, referral_id),
                               self._loaded, self._read_failed, owner=self)
            return
        case_id = self.case_id
        if case_id is None:
            return
        self._tasks.submit(lambda: load_documents(book, case_id), self._loaded,
                           self._read_failed, owner=self)

    def _read_failed(self, error: BaseException) -> None:
        if not self._book.is_open:  # locked while reading: the page goes with the casebook
            return
        raise error

    def set_names(self, names: Mapping[str, str], *, me: str = "") -> None:
        self.names = dict(names)
        self.me = me or self.me
        if self.documents is not None:
            self._loaded(self.documents)

    def _loaded(self, documents: Documents) -> None:
        if (documents.case_id, documents.referral_id) != self._shown():
            return  # another case (or referral) was opened meanwhile
        self.documents = documents
        previous = self._select_after_load or self.selected_id()
        self._select_after_load = None
        records = {stored.record.id: stored.record for stored in self.records}
        if self.referral is not None:
            records[self.referral.id] = self.referral
        self.lines = document_lines(documents.rows, records, self.names, me=self.me)
        self.model.set_rows([self._row(line) for line in self.lines])
        self._show_lines()
        self.select(previous)

    def _row(self, line: DocumentLine) -> Row:
        return Row(cells=(line.listed_title, line.day, line.file_words),
                   key=line.attachment.id, tooltip=line.details)

    def _show_lines(self) -> None:
        has = bool(self.lines)
        self.table.setVisible(has)
        self.empty.setVisible(not has)
        self.details.setVisible(has)
        self._selected_changed()

    # ------------------------------------------------------------------ selection
    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def selected(self) -> DocumentLine | None:
        chosen = self.selected_id()
        return next((line for line in self.lines if line.attachment.id == chosen), None)

    def select(self, attachment_id: str | None) -> None:
        if self.model.rowCount() == 0:
            return
        row = next((n for n, line in enumerate(self.lines)
                    if line.attachment.id == attachment_id), 0)
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _selected_changed(self, *_args: object) -> None:
        line = self.selected()
        for button in (self.preview_button, self.open_button):
            button.setEnabled(line is not None and line.downloaded)
        self.version_button.setEnabled(line is not None)
        if line is None:
            self.details.clear()
            return
        text = line.details
        if line.earlier:
            text += "\n" + tr("Earlier versions: {versions}").format(
                versions="; ".join(line.earlier))
        self.details.setText(text)
        self.details.setAccessibleDescription(text)

    # ------------------------------------------------------------------ adding
    def choose_files(self) -> None:
        """"Add file…": choose one or more files; each is added through its own form."""
        if not self.showing:
            return
        names, _filter = QFileDialog.getOpenFileNames(self, self._add_words(), str(Path.home()))
        self.add_files([Path(name) for name in names])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Add files (chosen, dropped or pasted), one form after another."""
        sources = [Source.of_file(path) for path in paths if path.is_file()]
        if len(sources) < len(paths):
            self.message.show_error(tr("Only files can be added (not folders)."))
        self._waiting.extend(sources)
        self._next()

    def add_source(self, source: Source, *, replacing: Attachment | None = None) -> None:
        """Open the form that adds ``source`` (or a new version of ``replacing``)."""
        if not self.showing:
            return
        self.message.clear_message()
        limit = self.documents.limit if self.documents is not None else \
            self._book.attachment_limit()
        if self.for_referral:
            assert self.referral is not None
            choices = referral_choices(self.referral)
        else:
            choices = attach_choices(self.records, self.referral)
        dialog = AddDocumentDialog(
            self._book, source, case_id=self.case_id,
            choices=choices, today=self._today(),
            limit=limit, replacing=replacing, parent=self.window(), tasks=self._tasks,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._added)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.show()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self._next()

    def _next(self) -> None:
        if self.dialog is not None or not self._waiting:
            return
        self.add_source(self._waiting.pop(0))

    def _added(self, attachment_id: str) -> None:
        self._select_after_load = attachment_id
        self.refresh()
        emit(self.added, attachment_id)

    def paste(self) -> None:
        """Paste a picture (kept as PNG) or files copied in a file manager."""
        if not self.showing:
            return
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData()
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()] \
            if mime is not None and mime.hasUrls() else []
        if files:
            self.add_files(files)
            return
        image = clipboard.image()
        if image.isNull():
            self.message.show_error(tr("There is no picture on the clipboard to paste. Copy "
                                       "one first (for example a screenshot), then paste."))
            return
        data = _encoded(image, b"png")
        self.add_source(Source(data, tr("Pasted image") + ".png", len(data)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_files(event) and self.showing:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if self.showing:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._dropped_files(event)
        if not files or not self.showing:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(files)

    @staticmethod
    def _dropped_files(event: QDropEvent | QDragEnterEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        urls: list[QUrl] = mime.urls()
        return [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]

    def new_version(self) -> None:
        """A new version of the selected document (the old one is kept)."""
        line = self.selected()
        if line is None:
            return
        name, _filter = QFileDialog.getOpenFileName(
            self, tr("Choose the new version of \u201c{title}\u201d").format(title=line.title),
            str(Path.home()))
        if name:
            self.add_source(Source.of_file(Path(name)), replacing=line.attachment)

    # ------------------------------------------------------------------ previews and copies
    def preview(self) -> PreviewDialog | None:
        line = self.selected()
        if line is None:
            return None
        dialog = PreviewDialog(self._book, self._tasks, line, open_copy=self.open_copy,
                               parent=self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.show()
        return dialog

    def open_copy(self) -> None:
        """Warn, then write a copy in the private folder and open it in another program."""
        line = self.selected()
        if line is None or not line.downloaded:
            return
        attachment = line.attachment
        if not type(self).ask_open_copy(self.window(), attachment.file_name):
            return
        book, folder = self._book, self.copies.folder
        self.open_button.setEnabled(False)
        self._tasks.submit(
            lambda: write_copy(folder, attachment.id, attachment.file_name,
                               book.attachment_chunks(attachment.sha256)),
            self._copy_written, self._copy_failed, owner=self)

    def _copy_written(self, copy: OpenCopy) -> None:
        self.copies.add(copy)
        self._selected_changed()
        if not open_copies.open_in_system(copy.path):
            self.copies.close(copy)
            self.message.show_error(tr(
                "No program on this laptop opens this type of file, so the copy was deleted."))
        self._show_copies()

    def _copy_failed(self, exc: BaseException) -> None:
        self._selected_changed()
        if isinstance(exc, SpokeError):
            self.message.show_error(str(exc))
        elif isinstance(exc, OSError):
            self.message.show_error(tr("Spoke could not write the copy (is the disk full?). "
                                       "Nothing was left behind."))
        else:
            raise exc

    def close_copies(self) -> None:
        """Overwrite every open copy with zeros and delete it."""
        held = self.copies.close_all()
        if held:
            self.message.show_error(tr(
                "Spoke could not delete the copy: another program still has it open. Close "
                "it there first, then press \u201cClose the copy\u201d again."))
        else:
            self.message.clear_message()
        self._show_copies()

    def _show_copies(self) -> None:
        copies = self.copies.copies
        if len(copies) == 1:
            text = tr("A copy of \u201c{name}\u201d is open outside Spoke.").format(
                name=copies[0].file_name)
        else:
            text = tr.plural(len(copies), "{n} copy is open outside Spoke.",
                             "{n} copies are open outside Spoke.")
        self.copies_label.setText(text)
        self.copies_label.setAccessibleName(text)
        self.close_copies_button.setText(
            tr("Close t&he copy") if len(copies) <= 1 else tr("Close t&he copies"))
        for widget in (self.copies_label, self.close_copies_button):
            widget.setVisible(bool(copies))
