"""The hub's limits as the worker meets them, without Qt: the counter under a long text box,
the records held back on this laptop in words, and splitting a note the hub refused as too
large into a shorter note and amendments (``split_record``).

**The counter.** The hub takes one record of at most ``MAX_RECORD_BYTES`` (256 KB) as it
measures it (docs/sync.md, "Refusals"); one text box gets ``TEXT_BUDGET_BYTES`` of that:
250,000 characters of plain text, fewer of text with accents or emoji (each costs 6 or 12
bytes as sent; ``spokeapp.domain.records.checks``). The counter appears from 4% of the
limit (10,000 plain characters), warns from 90%, and says what to do once over.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from spokeapp.domain.records import Amendment, Record
from spokeapp.domain.records.checks import (
    MAX_RECORD_BYTES,
    chars_that_fit,
    record_bytes,
    text_limit,
    wire_size,
)
from spokeapp.i18n import number, translator
from spokeapp.present.labels import humanise
from spokeapp.present.record_words import what_words, when_words
from spokeapp.store.casebook import Casebook, RecordNotFound
from spokeapp.store.sync_state import SyncStore

tr = translator(__name__)

#: The counter shows from this share of the limit, and warns from ``WARN_FROM``.
SHOW_FROM: Final = 0.04
WARN_FROM: Final = 0.9
#: Written into each amendment (record data, so never translated).
SPLIT_REASON: Final = "Continued: the note was too long to send to the hub in one record"
#: Leaves room in each amendment for its other fields (ids, reason) within the hub's limit.
_AMENDMENT_ROOM: Final = MAX_RECORD_BYTES - 4096


class Level(enum.Enum):
    HIDDEN = "hidden"
    PLAIN = "plain"
    WARNING = "warning"
    OVER = "over"


@dataclass(frozen=True, slots=True)
class Counter:
    """What the counter under a text box says, and how loudly."""

    level: Level
    words: str
    #: What to do, for the tooltip and screen readers ("" when there is nothing to do).
    advice: str = ""


def counter(text: str) -> Counter:
    """The counter for a text box holding ``text`` ("12,400 of 250,000 characters")."""
    limit = text_limit(text)
    count = len(text)
    words = tr("{count} of {limit} characters").format(count=number(count),
                                                       limit=number(limit))
    if count > limit:
        return Counter(
            Level.OVER, tr("{count} of {limit} characters: {over} too many to send").format(
                count=number(count), limit=number(limit), over=number(count - limit)),
            tr("This is too long to send to the hub. Split it: finalise this part and add the "
               "rest as an amendment."),
        )
    if count >= limit * WARN_FROM:
        return Counter(
            Level.WARNING, tr("{count} of {limit} characters: nearly the most").format(
                count=number(count), limit=number(limit)),
            tr("Nearly the most the hub takes in one note: finish this part soon and add the "
               "rest as an amendment."),
        )
    if count >= limit * SHOW_FROM:
        return Counter(Level.PLAIN, words)
    return Counter(Level.HIDDEN, "")


# ------------------------------------------------------------------------ held back
REASONS: Final = {
    "too_large": tr.noop("too large for the hub"),
    "rejected": tr.noop("the hub found something it could not accept"),
    "out_of_scope": tr.noop("the case is no longer yours on the hub"),
}
SPLIT: Final = "split"
SEND_AGAIN: Final = "send_again"


@dataclass(frozen=True, slots=True)
class HeldLine:
    """One held record in words, and what the worker can do about it."""

    record_id: str
    what: str
    case: str
    when: str
    why: str
    action: str  # SPLIT or SEND_AGAIN


def held_line(record_id: str, kind: str, reason: str, record: Record | None,
              case_reference: str) -> HeldLine:
    """``record``: the record as stored here (None if not); ``case_reference`` "" if none."""
    what = what_words(record) if record is not None else humanise(kind)
    when = when_words(record) if record is not None else ""
    why = tr(REASONS.get(reason, tr.noop("the hub would not take it")))
    splittable = record is not None and split_field(record) is not None
    if splittable and record is not None:
        size = record_bytes(record.to_dict())
        why = tr("{why}: {size} KB (the hub takes {most} KB)").format(
            why=why, size=number(size // 1024), most=number(MAX_RECORD_BYTES // 1024))
    return HeldLine(
        record_id=record_id, what=what, case=case_reference or tr("no case"), when=when or "-",
        why=why, action=SPLIT if splittable else SEND_AGAIN,
    )


def split_field(record: Record) -> str | None:
    """The text field to shorten if ``record`` is larger than the hub takes (else None)."""
    data = record.to_dict()
    total = record_bytes(data)
    if total <= MAX_RECORD_BYTES:
        return None
    texts = [(wire_size(v), k) for k, v in data.items() if isinstance(v, str)]
    return max(texts)[1] if texts else None


def _cut(text: str, most: int) -> int:
    """Where to cut ``text`` at or before ``most`` characters: after the last paragraph, line
    or sentence break in the last tenth, else at the last space, else at ``most``."""
    if most >= len(text):
        return len(text)
    floor = most - max(most // 10, 1)
    for mark in ("\n\n", "\n", ". ", " "):
        at = text.rfind(mark, max(floor, 0), most)
        if at > 0:
            return at + len(mark)
    return most


@dataclass(frozen=True, slots=True)
class Split:
    """A too-large record shortened to what the hub takes, and the rest as amendments."""

    record: Record
    field: str
    amendments: tuple[Amendment, ...]


def split_record(record: Record, make_id: Callable[[str, int], str] | None = None) -> Split:
    """Shorten ``record``'s longest text to fit and put the rest, in order, in amendments of
    it; the words are all kept, none repeated. Amendment ids are made from the record's id
    and the part's number, so splitting again makes the same records."""
    field = split_field(record)
    if field is None or record.case_id is None:
        raise ValueError("This record is not too large to send, or has no case to amend.")
    ids = make_id or _part_id
    data = record.to_dict()
    text: str = data[field]
    room = MAX_RECORD_BYTES - (record_bytes(data) - wire_size(text))
    cut = _cut(text, chars_that_fit(text, room))
    shortened = dataclasses.replace(record, **{field: text[:cut]})  # type: ignore[type-var]
    rest = text[cut:]
    parts: list[Amendment] = []
    while rest.strip():  # trailing blank space alone is not worth an amendment
        blank = Amendment(
            id=ids(record.id, len(parts) + 1), case_id=record.case_id, amends_id=record.id,
            amends_kind=record.KIND, reason=SPLIT_REASON, text="",
        )
        budget = _AMENDMENT_ROOM - record_bytes(blank.to_dict())
        take = _cut(rest, chars_that_fit(rest, budget))
        parts.append(dataclasses.replace(blank, text=rest[:take]))
        rest = rest[take:]
    return Split(record=shortened, field=field, amendments=tuple(parts))


def _part_id(record_id: str, part: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"spoke:split:{record_id}:{part}"))


def held_lines(book: Casebook, store: SyncStore) -> list[HeldLine]:
    """Everything held back on this laptop, in words (reads the casebook: off the GUI thread)."""
    lines: list[HeldLine] = []
    for held in store.held():
        try:
            record: Record | None = book.get(held.record_id).record
        except RecordNotFound:
            record = None
        lines.append(held_line(held.record_id, held.kind, held.reason, record,
                               _case_reference(book, record)))
    return lines


def _case_reference(book: Casebook, record: Record | None) -> str:
    if record is None or record.case_id is None:
        return ""
    try:
        case = book.get(record.case_id).record
        young_person_id = getattr(case, "young_person_id", None)
        if young_person_id is None:
            return ""
        return str(getattr(book.get(young_person_id).record, "reference", ""))
    except RecordNotFound:
        return ""


def split_held(book: Casebook, store: SyncStore, record_id: str) -> Split:
    """Split a held, too-large record (``split_record``) and queue the parts to send."""
    split = split_record(book.get(record_id).record)
    store.split_held(split.record, split.amendments)
    return split


def split_words(split: Split) -> str:
    return tr.plural(
        len(split.amendments),
        "Split: the first part goes as the note itself, the rest as {n} amendment of it. All "
        "of it goes to the hub at the next sync.",
        "Split: the first part goes as the note itself, the rest as {n} amendments of it. All "
        "of it goes to the hub at the next sync.",
    )
