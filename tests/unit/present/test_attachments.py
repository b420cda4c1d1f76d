"""A case's or a referral's documents in words (spokeapp/present/attachments.py): the list's
lines, what a new document may belong to, which preview a file gets and the warning before a
copy is opened."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from spokeapp.domain.records import ReferralDecision
from spokeapp.present.attachments import (
    AttachChoice,
    Preview,
    attach_choices,
    attached_words,
    default_title,
    document_lines,
    load_documents,
    load_referral_documents,
    open_copy_warning,
    preview_for,
    referral_case_id,
    referral_choices,
    referral_documents_title,
    type_words,
)
from spokeapp.store.casebook import Casebook
from tests.helpers.records import (
    StepClock,
    concern,
    new_casebook,
    referral,
    seeded_case,
    session,
    young_person,
)

PDF_BYTES = b"%PDF-1.4 fictional test document " * 40  # 1,320 bytes
NAMES = {"test-worker": "Test Worker Quinn", "u-0123456789ab": "Test Supervisor Romeo"}


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _ = new_casebook(tmp_path / "book", clock=StepClock())
    with casebook:
        yield casebook


def test_each_type_is_named_in_words_and_only_pictures_and_pdfs_are_previewed() -> None:
    assert [type_words(t) for t in (
        "application/pdf", "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/msword", "application/vnd.ms-excel", "application/octet-stream",
    )] == ["PDF", "Image", "Word document", "Word document", "Spreadsheet", "File"]
    assert preview_for("image/png") is Preview.IMAGE
    assert preview_for("application/pdf") is Preview.PDF
    for media_type in ("application/msword", "application/zip", "image/svg+xml", "text/plain"):
        assert preview_for(media_type) is Preview.NONE, media_type


def test_the_title_starts_as_the_file_name_without_its_ending() -> None:
    assert default_title("Consent form signed.pdf") == "Consent form signed"
    assert default_title("photo.of.bus.stop.jpg") == "photo.of.bus.stop"
    assert default_title("README") == "README"
    assert default_title(".pdf") == ".pdf"


def test_a_document_may_belong_to_the_case_its_final_sessions_and_concerns_or_its_referral(
    book: Casebook,
) -> None:
    _yp, ref, cs = seeded_case(book)
    older = session(cs.id, occurred_at=session(cs.id).occurred_at.replace(day=1))
    newer = session(cs.id)
    draft = session(cs.id, occurred_at=newer.occurred_at.replace(day=3))
    raised = concern(cs.id)
    for record in (older, newer, raised):
        book.save(record, finalise=True)
    book.save(draft)  # a draft may be discarded: nothing is attached to it
    choices = attach_choices(book.view_case(cs.id), ref)
    assert choices == [
        AttachChoice(None, None, "The case as a whole"),
        AttachChoice("session", newer.id, "Session on 2 Mar 2026"),
        AttachChoice("session", older.id, "Session on 1 Mar 2026"),
        AttachChoice("safeguarding_concern", raised.id, "Safeguarding concern on 1 Feb 2026"),
        AttachChoice("referral", ref.id, f"Referral received {_day(ref.received_on)}"),
    ]


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def test_the_list_names_what_each_document_belongs_to_its_type_size_and_who_added_it(
    book: Casebook,
) -> None:
    _yp, _ref, cs = seeded_case(book)
    met = session(cs.id)
    book.save(met, finalise=True)
    book.attach(PDF_BYTES, case_id=cs.id, title="Signed consent form",
                document_date=date(2026, 3, 2), file_name="consent.pdf",
                attached_kind="session", attached_to=met.id)
    book.attach(b"\x89PNG fictional", case_id=cs.id, title="Drawing", note="They drew the bus.",
                document_date=date(2026, 2, 27), file_name="drawing.png")
    records = {s.record.id: s.record for s in book.view_case(cs.id)}
    lines = document_lines(book.attachments(cs.id), records, NAMES, me="test-worker")
    drawing, consent = lines  # newest first
    assert (consent.title, consent.day, consent.attached_to, consent.file_words) == (
        "Signed consent form", "2 Mar 2026", "Session on 2 Mar 2026", "PDF, 2 KB")
    assert consent.added == "Added by Test Worker Quinn (you) on 2 Mar 2026"
    assert consent.preview is Preview.PDF and consent.downloaded and not consent.missing
    assert (drawing.attached_to, drawing.kind, drawing.preview) == (
        "The case", "Image", Preview.IMAGE)
    assert "Note: They drew the bus." in drawing.details
    assert consent.version == "" and "Version" not in consent.details
    assert consent.listed_title == "Signed consent form"
    assert "Belongs to: Session on 2 Mar 2026." in consent.details


def test_a_new_version_says_which_version_it_is_and_lists_the_earlier_ones(
    book: Casebook,
) -> None:
    _yp, _ref, cs = seeded_case(book)
    first = book.attach(PDF_BYTES, case_id=cs.id, title="Referral letter",
                        document_date=date(2026, 1, 9), file_name="letter.pdf")
    book.attach(PDF_BYTES + b"signed", case_id=cs.id, title="Referral letter (signed)",
                document_date=date(2026, 1, 12), file_name="letter-signed.pdf",
                replaces=first.id)
    (line,) = document_lines(book.attachments(cs.id), {}, NAMES, me="someone-else")
    assert line.version == "Version 2 of 2"
    assert line.title == "Referral letter (signed)"
    assert line.listed_title == "Referral letter (signed) (version 2 of 2)"
    assert line.earlier == (
        "Version 1: Added by Test Worker Quinn on 2 Mar 2026, letter.pdf (2 KB)",)
    assert "Version 2 of 2." in line.details


def test_a_file_not_on_this_laptop_yet_says_so_and_an_unknown_author_is_never_an_id(
    book: Casebook,
) -> None:
    _yp, _ref, cs = seeded_case(book)
    book.attach(PDF_BYTES, case_id=cs.id, title="Letter from school",
                document_date=date(2026, 2, 2), file_name="school.pdf")
    (row,) = book.attachments(cs.id)
    pulled = dataclasses.replace(row, has_bytes=False, added_by="u-999999999999")
    (line,) = document_lines([pulled], {}, NAMES)
    assert line.missing == "Not downloaded yet" and not line.downloaded
    assert line.file_words == "PDF, 2 KB; not downloaded yet"
    assert line.added.startswith("Added by a colleague (not known on this laptop)")
    assert "u-999999999999" not in line.details


def test_a_record_not_on_this_laptop_is_named_by_its_kind(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    attachment = book.attach(PDF_BYTES, case_id=cs.id, title="Notes", file_name="n.pdf",
                             document_date=date(2026, 2, 2), attached_kind="session",
                             attached_to="r-not-here")
    assert attached_words(attachment, {}) == "A session"


def test_load_documents_reads_the_list_and_the_hub_s_limit(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    book.set_attachment_limit(5_000_000)
    book.attach(PDF_BYTES, case_id=cs.id, title="Letter", file_name="l.pdf",
                document_date=date(2026, 2, 2))
    documents = load_documents(book, cs.id)
    assert (documents.case_id, len(documents.rows), documents.limit) == (cs.id, 1, 5_000_000)


# ------------------------------------------------------------------ a referral's documents
def test_on_the_referrals_page_a_document_can_only_belong_to_the_referral() -> None:
    pending = referral(young_person(3), decision=ReferralDecision.PENDING, decided_on=None)
    assert referral_choices(pending) == [
        AttachChoice("referral", pending.id, "Referral received 5 Jan 2026")]


def test_the_referral_s_documents_are_headed_by_its_young_person_s_reference() -> None:
    pending = referral(young_person(3), decision=ReferralDecision.PENDING, decided_on=None)
    assert referral_documents_title(pending, "YP-0003") == (
        "Documents: referral for YP-0003",
        "Documents of the referral for YP-0003, received 5 Jan 2026")
    assert referral_documents_title(pending, "") == (
        "Documents: this referral", "Documents of the referral received 5 Jan 2026")


def test_a_pending_referral_s_documents_load_without_a_case_and_name_the_referral(
    book: Casebook,
) -> None:
    person = young_person(3)
    pending = referral(person, decision=ReferralDecision.PENDING, decided_on=None)
    book.save(person)
    book.save(pending)
    book.set_attachment_limit(5_000_000)
    letter = book.attach(PDF_BYTES, case_id=None, title="Referral letter",
                         file_name="letter.pdf", document_date=date(2026, 1, 5),
                         attached_kind="referral", attached_to=pending.id)
    assert referral_case_id(book, pending.id) is None
    documents = load_referral_documents(book, pending.id)
    assert (documents.case_id, documents.referral_id, documents.limit) == (
        None, pending.id, 5_000_000)
    (line,) = document_lines(documents.rows, {pending.id: pending}, NAMES, me="test-worker")
    assert line.attachment == letter
    assert "Belongs to: Referral received 5 Jan 2026." in line.details


def test_a_referral_s_case_is_found_once_it_is_opened(book: Casebook) -> None:
    _yp, ref, cs = seeded_case(book)
    _other_yp, other_ref, other = seeded_case(book, 2)
    assert referral_case_id(book, ref.id) == cs.id
    assert referral_case_id(book, other_ref.id) == other.id
    assert referral_case_id(book, "r-not-here") is None


def test_the_warning_before_opening_a_copy_names_the_file_and_what_happens_to_it() -> None:
    warning = open_copy_warning("consent.docx")
    assert "\u201cconsent.docx\u201d" in warning.text
    assert "outside the encrypted casebook" in warning.text
    assert "Close the copy" in warning.text and "delete it" in warning.text
    assert "when it locks" in warning.text
    assert warning.go.replace("&", "") == warning.go_name == "Open a copy"
