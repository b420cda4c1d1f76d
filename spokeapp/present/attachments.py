"""A case's or a referral's documents in words, without Qt (docs/attachments.md): the lines
of the Documents list, what a new document may be attached to, which preview a file gets, and
the warning before a copy leaves the casebook.

``load_documents``, ``load_referral_documents`` and ``referral_case_id`` run off the GUI
thread (they read the casebook); everything else is pure. A referral's documents (the
Referrals page) all belong to the referral; one added there is kept with the referral's case
when a case has been opened from it (as the case page keeps one it adds to the referral), and
without a case (``case_id`` None) before.
The list shows each document's newest version ("Version 2 of 2"), what it is attached to in
words ("Session on 4 Dec 2026"), its type and size ("PDF, 340 KB"), who added it by name
(``present.people``: never a user id) and, when its bytes have not reached this laptop yet,
"Not downloaded yet".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from spokeapp.domain.attachments import PDF_TYPE, PREVIEW_IMAGE_TYPES
from spokeapp.domain.records import (
    Attachment,
    Case,
    Record,
    Referral,
    SafeguardingConcern,
    Session,
)
from spokeapp.i18n import translator
from spokeapp.present.labels import format_day
from spokeapp.present.people import name_of
from spokeapp.present.record_words import size_words
from spokeapp.store.attachments import AttachmentRow
from spokeapp.store.casebook import Casebook, StoredRecord

tr = translator(__name__)

__all__ = [
    "IMAGE_LONGEST_SIDE",
    "IMAGE_MOST_PIXELS",
    "AttachChoice",
    "DocumentLine",
    "Documents",
    "OpenCopyWarning",
    "Preview",
    "attach_choices",
    "attached_words",
    "default_title",
    "document_lines",
    "load_documents",
    "load_referral_documents",
    "open_copy_warning",
    "preview_for",
    "referral_case_id",
    "referral_choices",
    "referral_documents_title",
    "type_words",
]

#: "Make the photo smaller": the longest side after shrinking, in pixels.
IMAGE_LONGEST_SIDE: Final = 2000
#: An image declaring more pixels than this is not previewed (a small file can claim a huge
#: size; expanding it would take gigabytes): 50 megapixels.
IMAGE_MOST_PIXELS: Final = 50_000_000

#: Each kind of file in words, by media type (anything else is "File").
_TYPE_WORDS: Final = {
    PDF_TYPE: tr.noop("PDF"),
    "application/msword": tr.noop("Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        tr.noop("Word document"),
    "application/vnd.oasis.opendocument.text": tr.noop("Document"),
    "application/rtf": tr.noop("Document"),
    "text/plain": tr.noop("Text"),
    "application/vnd.ms-excel": tr.noop("Spreadsheet"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        tr.noop("Spreadsheet"),
    "application/vnd.oasis.opendocument.spreadsheet": tr.noop("Spreadsheet"),
    "application/vnd.ms-powerpoint": tr.noop("Presentation"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation":
        tr.noop("Presentation"),
    "message/rfc822": tr.noop("Email"),
    "application/zip": tr.noop("Zip archive"),
}


class Preview(enum.Enum):
    """How Spoke shows a file itself: an image or a PDF from memory, or not at all."""

    IMAGE = "image"
    PDF = "pdf"
    NONE = "none"


def preview_for(media_type: str) -> Preview:
    """The preview a file of ``media_type`` gets (by its name's type, never by sniffing)."""
    if media_type in PREVIEW_IMAGE_TYPES:
        return Preview.IMAGE
    if media_type == PDF_TYPE:
        return Preview.PDF
    return Preview.NONE


def type_words(media_type: str) -> str:
    """"PDF", "Image", "Word document", "Spreadsheet", ... or "File"."""
    if media_type in PREVIEW_IMAGE_TYPES:
        return tr("Image")
    words = _TYPE_WORDS.get(media_type)
    return tr(words) if words else tr("File")


def default_title(file_name: str) -> str:
    """A document's title before the worker types one: its file name without the ending
    ("Consent form" for "Consent form.pdf")."""
    stem, dot, _ending = file_name.rpartition(".")
    return (stem if dot and stem.strip() else file_name).strip()


# ------------------------------------------------------------------ what it is attached to
@dataclass(frozen=True, slots=True)
class AttachChoice:
    """One thing a new document may be attached to: the case (``kind`` None), or one of its
    sessions, safeguarding concerns or its referral."""

    kind: str | None
    record_id: str | None
    words: str


def _session_day(session: Session) -> date:
    return session.occurred_at.astimezone().date()


def _record_words(record: Record) -> str:
    if isinstance(record, Session):
        template = tr("Missed session on {day}") if record.missed else tr("Session on {day}")
        return template.format(day=format_day(_session_day(record)))
    if isinstance(record, SafeguardingConcern):
        return tr("Safeguarding concern on {day}").format(day=format_day(record.raised_on))
    if isinstance(record, Referral):
        return tr("Referral received {day}").format(day=format_day(record.received_on))
    return tr("The case")


def attach_choices(
    records: Sequence[StoredRecord], referral: Referral | None
) -> list[AttachChoice]:
    """What a new document may be attached to: the case first, then its finalised sessions and
    safeguarding concerns (newest first), then the referral it came from. Drafts are left
    out: a draft may yet be discarded, and the document would point at nothing."""
    choices = [AttachChoice(None, None, tr("The case as a whole"))]
    dated: list[tuple[date, AttachChoice]] = []
    for stored in records:
        record = stored.record
        if stored.state != "final":
            continue
        if isinstance(record, Session):
            dated.append((_session_day(record),
                          AttachChoice(Session.KIND, record.id, _record_words(record))))
        elif isinstance(record, SafeguardingConcern):
            dated.append((record.raised_on, AttachChoice(SafeguardingConcern.KIND, record.id,
                                                         _record_words(record))))
    dated.sort(key=lambda item: item[0], reverse=True)
    choices += [choice for _day, choice in dated]
    if referral is not None:
        choices.append(AttachChoice(Referral.KIND, referral.id, _record_words(referral)))
    return choices


def referral_choices(referral: Referral) -> list[AttachChoice]:
    """What a document added on the Referrals page belongs to: the referral, and only that."""
    return [AttachChoice(Referral.KIND, referral.id, _record_words(referral))]


def referral_documents_title(referral: Referral, reference: str) -> tuple[str, str]:
    """The Referrals page's Documents heading for the selected referral, short (shown) and
    whole (read aloud): ("Documents: referral for YP-0003", "Documents of the referral for
    YP-0003, received 5 Jan 2026"). ``reference``: the young person's ("" if unknown)."""
    day = format_day(referral.received_on)
    if not reference:
        return (tr("Documents: this referral"),
                tr("Documents of the referral received {day}").format(day=day))
    return (tr("Documents: referral for {reference}").format(reference=reference),
            tr("Documents of the referral for {reference}, received {day}").format(
                reference=reference, day=day))


def attached_words(attachment: Attachment, records: Mapping[str, Record]) -> str:
    """What ``attachment`` belongs to in words: "The case", "Session on 4 Dec 2026",
    "Referral received 2 Dec 2026"; a record not on this laptop by its kind alone."""
    if attachment.attached_kind is None or attachment.attached_to is None:
        return tr("The case")
    record = records.get(attachment.attached_to)
    if record is not None and attachment.attached_kind == record.KIND:
        return _record_words(record)
    return {
        Session.KIND: tr("A session"),
        SafeguardingConcern.KIND: tr("A safeguarding concern"),
        Referral.KIND: tr("The referral"),
    }.get(attachment.attached_kind, tr("The case"))


# ------------------------------------------------------------------ the list
@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One document as the Documents list shows it (its newest version)."""

    attachment: Attachment
    title: str
    day: str
    attached_to: str
    kind: str
    size: str
    added: str
    #: "Version 2 of 2" when there are earlier versions; "" otherwise.
    version: str
    #: "Not downloaded yet" when the bytes are not on this laptop; "" when they are.
    missing: str
    preview: Preview
    downloaded: bool
    draft: bool
    #: The versions it replaced, newest first, each in words.
    earlier: tuple[str, ...] = ()

    @property
    def listed_title(self) -> str:
        """The title as the list shows it: "Safety plan (version 2 of 2)"."""
        if not self.version:
            return self.title
        total = len(self.earlier) + 1
        return tr("{title} (version {n} of {total})").format(title=self.title, n=total,
                                                             total=total)

    @property
    def file_words(self) -> str:
        """"PDF, 340 KB" (and ", not downloaded yet")."""
        if self.missing:
            return tr("{kind}, {size}; not downloaded yet").format(kind=self.kind,
                                                                   size=self.size)
        return tr("{kind}, {size}").format(kind=self.kind, size=self.size)

    @property
    def details(self) -> str:
        """The selected document in a few sentences (under the list, and read aloud)."""
        parts = [
            tr("{title} ({file_name}, {file}).").format(
                title=self.title, file_name=self.attachment.file_name, file=self.file_words),
            tr("Belongs to: {what}.").format(what=self.attached_to),
            tr("{added}.").format(added=self.added),
        ]
        if self.version:
            parts.append(tr("{version}.").format(version=self.version))
        if self.missing:
            parts.append(tr("It comes to this laptop with the next sync."))
        if self.attachment.note:
            parts.append(tr("Note: {note}").format(note=self.attachment.note))
        return " ".join(parts)


def _added_day(added_at: str) -> str:
    try:
        moment = datetime.fromisoformat(added_at)
    except ValueError:
        return ""
    return format_day(moment.astimezone().date() if moment.tzinfo else moment.date())


def _added_words(row: AttachmentRow, names: Mapping[str, str], me: str) -> str:
    who = name_of(names, row.added_by, me=me)
    day = _added_day(row.added_at)
    if not day:
        return tr("Added by {name}").format(name=who)
    return tr("Added by {name} on {day}").format(name=who, day=day)


def document_lines(
    rows: Sequence[AttachmentRow],
    records: Mapping[str, Record],
    names: Mapping[str, str],
    *,
    me: str = "",
) -> list[DocumentLine]:
    """The Documents list: each document's newest version, in the order given (newest
    first). ``records``: the case's records by id (to name what each is attached to)."""
    lines: list[DocumentLine] = []
    for row in rows:
        attachment = row.attachment
        total = len(row.earlier) + 1
        earlier = tuple(
            tr("Version {n}: {added}, {file_name} ({size})").format(
                n=total - position, added=_added_words(old, names, me),
                file_name=old.attachment.file_name, size=size_words(old.attachment.size))
            for position, old in enumerate(row.earlier, start=1)
        )
        lines.append(DocumentLine(
            attachment=attachment,
            title=attachment.title,
            day=format_day(attachment.document_date),
            attached_to=attached_words(attachment, records),
            kind=type_words(attachment.media_type),
            size=size_words(attachment.size),
            added=_added_words(row, names, me),
            version=tr("Version {n} of {total}").format(n=total, total=total)
            if total > 1 else "",
            missing="" if row.has_bytes else tr("Not downloaded yet"),
            preview=preview_for(attachment.media_type),
            downloaded=row.has_bytes,
            draft=row.state == "draft",
            earlier=earlier,
        ))
    return lines


@dataclass(frozen=True, slots=True)
class Documents:
    """What the Documents panel reads in one go, off the GUI thread: a case's documents
    (``case_id``), or a referral's (``referral_id``; ``case_id`` None)."""

    case_id: str | None
    rows: list[AttachmentRow]
    limit: int
    referral_id: str | None = None


def load_documents(book: Casebook, case_id: str) -> Documents:
    """A case's documents and the hub's size limit (runs on a worker thread)."""
    return Documents(case_id, book.attachments(case_id), book.attachment_limit())


def load_referral_documents(book: Casebook, referral_id: str) -> Documents:
    """A referral's documents, with or without a case, and the hub's size limit (runs on a
    worker thread)."""
    return Documents(None, book.referral_attachments(referral_id), book.attachment_limit(),
                     referral_id=referral_id)


def referral_case_id(book: Casebook, referral_id: str) -> str | None:
    """The case opened from ``referral_id`` on this laptop, if there is one (runs on a worker
    thread): a document added to the referral is kept with that case, so it follows the case
    on the hub (scope, reassignment) exactly as one added on the case page does."""
    for stored in book.records(Case.KIND):
        if isinstance(stored.record, Case) and stored.record.referral_id == referral_id:
            return stored.record.id
    return None


# ------------------------------------------------------------------ opening a copy
@dataclass(frozen=True, slots=True)
class OpenCopyWarning:
    """The question asked before a decrypted copy is written for another program."""

    title: str
    text: str
    go: str
    go_name: str


def open_copy_warning(file_name: str) -> OpenCopyWarning:
    """Kind words about what opening a copy means, said before anything is written."""
    return OpenCopyWarning(
        title=tr("Open a copy outside Spoke?"),
        text=tr(
            "To open \u201c{name}\u201d in another program, Spoke puts a copy of it outside "
            "the encrypted casebook while it is open.\n\nWhen you have finished with it, press "
            "\u201cClose the copy\u201d here and Spoke will delete it (it also does so when it "
            "locks or when you quit). Changes made to the copy are not kept in Spoke."
        ).format(name=file_name),
        go=tr("&Open a copy"),
        go_name=tr("Open a copy"),
    )
