"""A record in words without Qt (``spokeapp.present.record_words``): what a note, assessment,
closure or supervision record is, when it happened, its fields, and where it stands with the
supervisor. All data is fictional."""

from __future__ import annotations

from datetime import UTC, datetime

from spokeapp.domain.records import (
    CLOSURE_REASON_CHOICES,
    OUTCOME_EXPLAINED,
    ReviewMark,
    SignOff,
    SignOffOutcome,
    SupervisionComment,
)
from spokeapp.present.labels import format_day
from spokeapp.present.record_words import (
    moment_words,
    note_fields,
    reviewed_words,
    sign_off_detail,
    sign_off_words,
    size_words,
    supervision_cells,
    supervision_fields,
    what_words,
    when_words,
)
from tests.unit.domain.records.factories import (
    assessment,
    attachment,
    closure,
    concern,
    session,
)

DECIDED = datetime(2024, 9, 2, 10, 0, tzinfo=UTC)


def test_what_and_when_for_each_kind_of_note() -> None:
    note = session()
    assert what_words(note) == "Session: One-to-one"
    assert when_words(note) == moment_words(note.occurred_at)
    assert what_words(assessment()) == "Risk assessment (Initial)"
    overridden = assessment(override_level="high", override_reasons="Fictional reasons " * 3)
    assert what_words(overridden) == "Risk assessment (Initial): level overridden to High"
    assert when_words(assessment()) == "6 Mar 2024"
    assert (what_words(closure()), when_words(closure())) == ("Case closure", "1 Sep 2024")
    assert what_words(concern()) == "Concern raised with Children's social care"
    assert when_words(concern()) == format_day(concern().raised_on) == "2 Apr 2024"


def test_the_fields_of_a_session_and_a_closure() -> None:
    fields = dict(note_fields(session()))
    assert fields["Length"] == "60 minutes"
    assert fields["Type of contact"] == "One-to-one, in person"
    assert fields["Where"] == "Car"
    assert fields["\u201cDo you want to see me?\u201d"] == "Yes"
    ended = dict(note_fields(closure()))
    assert ended["Reason"] == CLOSURE_REASON_CHOICES[closure().reason]
    assert ended["Outcome"] == OUTCOME_EXPLAINED[closure().outcome]


def test_an_attached_document_in_words() -> None:
    document = attachment(size=2_500_000)
    assert what_words(document) == "Attachment: Signed consent form"
    assert when_words(document) == "6 Mar 2024"
    fields = dict(note_fields(document))
    assert fields["File"] == "consent-form.pdf"
    assert fields["Size"] == "2.5 MB"
    assert fields["Date of the document"] == "6 Mar 2024"
    assert [size_words(n) for n in (1, 999, 1000, 48_213, 999_999, 31_000_000)] == [
        "1 byte", "999 bytes", "1 KB", "49 KB", "1.0 MB", "31 MB"]


def test_the_case_page_reads_a_session_in_full_and_names_bands_its_own_way() -> None:
    review = [label for label, _ in note_fields(session())]
    full = dict(note_fields(session(wants_to_meet_again=None), in_full=True))
    assert "Who chose where" not in review
    assert list(full) == [review[0], *review[1:4], "Who chose where", "Who set the pace",
                          *review[4:]]
    assert full["Who chose where"] == "The young person"
    assert full["Who set the pace"] == "We decided together"
    assert full["\u201cDo you want to see me?\u201d"] == "Not asked"
    assert dict(note_fields(session(wants_to_meet_again=None)))[
        "\u201cDo you want to see me?\u201d"] == ""
    bands = dict(note_fields(assessment(override_level="high", override_reasons="Fictional"),
                             level_words=str.upper))
    assert bands["Level in the worker's judgement"] == "HIGH"


def test_a_closure_awaits_sign_off_until_a_supervisor_decides() -> None:
    ended = closure()
    assert sign_off_words(ended, []) == ", awaiting sign-off"
    assert sign_off_detail(ended, []) == "Awaiting supervisor sign-off"
    approved = SignOff(id="so-1", case_id="case-1", request_id=ended.id, request_kind="closure",
                       outcome=SignOffOutcome.APPROVED, decided_by="supervisor",
                       decided_at=DECIDED)
    assert sign_off_words(ended, [approved]) == ", signed off"
    assert sign_off_detail(ended, [approved]) == (
        f"Signed off by supervisor, {moment_words(DECIDED)}")
    assert sign_off_words(session(), [approved]) == ""  # a session needs no sign-off
    when, what, summary = supervision_cells(approved) or ("", "", "")
    assert (when, what, summary) == (moment_words(DECIDED), "Signed off by supervisor (closure)",
                                     "Approved")


def test_a_supervisor_comment_and_a_review_mark() -> None:
    comment = SupervisionComment(id="c-1", case_id="case-1", author="supervisor",
                                 written_at=DECIDED, text="Fictional comment")
    assert supervision_cells(comment) == (
        moment_words(DECIDED), "Supervisor comment on the case", "Fictional comment")
    assert ("Comment", "Fictional comment") in supervision_fields(comment)
    assert supervision_cells(session()) is None and supervision_fields(session()) == []
    note = session()
    assert reviewed_words(note, []) == ""
    mark = ReviewMark(id="rm-1", case_id="case-1", record_id=note.id, record_kind="session",
                      reviewed_by="supervisor", reviewed_at=DECIDED)
    assert reviewed_words(note, [mark]) == ", reviewed"
