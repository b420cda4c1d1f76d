"""The hub's limits in words: the counter under a long text box, a held record's line, and
splitting a too-large note into a note and amendments, every word kept once."""

from __future__ import annotations

import pytest

from spokeapp.domain.records.checks import MAX_RECORD_BYTES, record_bytes
from spokeapp.present.held import (
    SEND_AGAIN,
    SPLIT,
    SPLIT_REASON,
    Level,
    counter,
    held_line,
    split_field,
    split_record,
)
from tests.unit.domain.records.factories import case, session

PARAGRAPH = "A fictional paragraph about the drive home and what was said.\n\n"


def test_the_counter_is_quiet_for_short_text_and_plain_when_long() -> None:
    assert counter("Talked about school.").level is Level.HIDDEN
    shown = counter("x" * 12_400)
    assert (shown.level, shown.words, shown.advice) == (
        Level.PLAIN, "12,400 of 250,000 characters", ""
    )


def test_the_counter_warns_near_the_limit_and_says_what_to_do_past_it() -> None:
    near = counter("x" * 240_000)
    assert near.level is Level.WARNING
    assert near.words == "240,000 of 250,000 characters: nearly the most"
    over = counter("x" * 250_001)
    assert over.level is Level.OVER
    assert over.words == "250,001 of 250,000 characters: 1 too many to send"
    assert over.advice.endswith("finalise this part and add the rest as an amendment.")


def test_emoji_lower_the_limit_shown() -> None:
    # 12 bytes each as sent: 250,000 bytes hold 20,833 of them.
    assert counter("😀" * 20_000).words == "20,000 of 20,833 characters: nearly the most"


def test_a_too_large_note_is_offered_a_split_and_a_header_send_again() -> None:
    big = session(discussed=PARAGRAPH * 5_000)
    line = held_line(big.id, "session", "too_large", big, "YP-TEST-01")
    assert line.action == SPLIT
    assert line.case == "YP-TEST-01"
    assert line.why == (
        f"too large for the hub: {record_bytes(big.to_dict()) // 1024:,} KB "
        "(the hub takes 256 KB)"
    )
    header = case()
    line = held_line(header.id, "case", "rejected", header, "")
    assert (line.action, line.why, line.case) == (
        SEND_AGAIN, "the hub found something it could not accept", "no case"
    )
    gone = held_line("r-9", "referral", "out_of_scope", None, "")
    assert (gone.what, gone.when, gone.action) == ("Referral", "-", SEND_AGAIN)


def test_a_split_keeps_every_word_once_in_order_and_each_part_fits() -> None:
    text = PARAGRAPH * 12_000  # about 770 KB: the note and three amendments
    big = session(discussed=text)
    split = split_record(big)
    assert split.field == "discussed"
    assert split.record.id == big.id
    parts = [split.record.discussed] + [a.text for a in split.amendments]  # type: ignore[attr-defined]
    assert "".join(parts) == text
    assert len(split.amendments) == 3
    for part in (split.record, *split.amendments):
        part.validate()
        assert record_bytes(part.to_dict()) <= MAX_RECORD_BYTES
    assert all(p.endswith("\n\n") for p in parts), "cut between paragraphs"
    assert {(a.amends_id, a.amends_kind, a.reason, a.case_id) for a in split.amendments} == {
        (big.id, "session", SPLIT_REASON, big.case_id)
    }


def test_splitting_again_makes_the_same_records() -> None:
    big = session(discussed=PARAGRAPH * 6_000)
    assert split_record(big) == split_record(big)


def test_multibyte_text_is_split_by_its_bytes_as_sent() -> None:
    welsh = "Siaradon ni am yr ŵyl a'r daith adref. " * 9_000  # 6-byte characters among them
    split = split_record(session(discussed=welsh))
    assert "".join(
        [split.record.discussed] + [a.text for a in split.amendments]  # type: ignore[attr-defined]
    ) == welsh
    for part in (split.record, *split.amendments):
        assert record_bytes(part.to_dict()) <= MAX_RECORD_BYTES


def test_a_record_that_fits_is_not_split() -> None:
    small = session()
    assert split_field(small) is None
    with pytest.raises(ValueError, match="not too large"):
        split_record(small)
