"""Validation helpers shared by every record's ``validate()``: one rule, one wording.

Each helper appends a :class:`Problem` (field name and message, never the value) to the list a
``validate()`` collects; ``_raise_if`` raises them all at once.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Final

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records.fields import dated_fields
from spokeapp.i18n import number, translator

tr = translator(__name__)

#: The hub's limit on one record, measured as it measures it: the record's dict as compact
#: JSON with everything outside ASCII escaped (``json.dumps`` defaults), in bytes. The one
#: number; ``spokeapp.sync.protocol.MAX_PAYLOAD_BYTES`` is this.
MAX_RECORD_BYTES: Final = 256 * 1024
#: One text box's share of that, in bytes as sent; the rest (12,144 bytes) is left for the
#: record's other fields. Plain typed text (letters, digits, spaces, most punctuation) is one
#: byte a character on the wire, so this is also the character limit shown for plain text.
TEXT_BUDGET_BYTES: Final = 250_000

#: The years every date and every date and time in a record must fall in, both inclusive; a
#: date and time with a time zone must also fall in them once converted to UTC (the hub
#: stores and compares times in UTC). Python's dates end at years 1 and 9999, and Spoke adds
#: intervals to recorded times (check-in deadlines, escalation tiers, a debrief's due day, a
#: time zone's offset): a record dated near either end made those sums overflow, which
#: stopped the hub's escalation watch for every visit and failed other laptops' pushes
#: committed with it. Nothing real is recorded outside these years (a date of birth is from
#: 1900 on, as the young person's form already asks), and 2200 leaves centuries of room for
#: any sum. Checked by every ``validate()`` (:func:`_require_all`), so the laptop refuses to
#: finalise such a record and the hub refuses a push of one (422 ``invalid_record``);
#: ``from_dict`` still loads one stored before the rule (docs/sync.md, "Limits").
EARLIEST_YEAR: Final = 1900
LATEST_YEAR: Final = 2200


def date_in_range(value: date) -> bool:
    """True if ``value`` (a date, or a date and time) falls in ``EARLIEST_YEAR`` to
    ``LATEST_YEAR``, and an aware date and time also once in UTC."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return False
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is not None:  # less than a day: cannot overflow from inside the range
            return EARLIEST_YEAR <= (value.replace(tzinfo=None) - offset).year <= LATEST_YEAR
    return True


def _dates_in_range(problems: list[Problem], record: Any) -> None:
    """A problem on each date field of ``record`` holding a date outside the years allowed
    (``EARLIEST_YEAR``; a list of dates names the list). Values of another type are left to
    ``from_dict`` and the record's own rules."""
    for name, many in dated_fields(type(record)):
        value = getattr(record, name)
        values = value if many and isinstance(value, tuple) else (value,)
        if any(isinstance(v, date) and not date_in_range(v) for v in values):
            problems.append(Problem(
                name, tr("must be between the years {earliest} and {latest}").format(
                    earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
            ))


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _require(problems: list[Problem], name: str, text: str | None) -> None:
    if _blank(text):
        problems.append(Problem(name, tr("is required")))


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _joined(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _aware(problems: list[Problem], name: str, value: datetime | None) -> bool:
    if value is not None and value.utcoffset() is None:
        problems.append(Problem(name, tr("must include a time zone")))
        return False
    return True


def _max_length(problems: list[Problem], name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        problems.append(Problem(
            name, tr("must be at most {limit} characters").format(limit=number(limit))
        ))


def _optional_id(problems: list[Problem], name: str, text: str | None) -> None:
    if text is not None and _blank(text):
        problems.append(Problem(name, tr("must not be blank; leave it empty instead")))


def _require_all(problems: list[Problem], record: Any, *names: str) -> None:
    """``_require`` each named text field of ``record`` (its ids, its author...), in order.

    The check is written out here rather than calling ``_require``: every ``validate()`` starts
    with this, and the hub validates each record pushed. It also applies the rules every record
    shares: each date within the years allowed (``EARLIEST_YEAR`` to ``LATEST_YEAR``) and the
    size rule (:func:`size_problem`) to the whole record, so no record is finalised that the
    hub would refuse."""
    for name in names:
        text = getattr(record, name)
        if text is None or not text.strip():
            problems.append(Problem(name, tr("is required")))
    _dates_in_range(problems, record)
    too_big = size_problem(record)
    if too_big is not None:
        problems.append(too_big)


# --------------------------------------------------------------------------- size rule
# The rule for characters: the hub measures bytes of ASCII-escaped JSON, so a character costs
# 1 byte (plain text), 2 (a quote, a backslash, a line break or tab), 6 (any other character
# outside ASCII: e, w with accents, curly quotes; encoded as \uXXXX) or 12 (a character
# outside the Basic Multilingual Plane, e.g. an emoji: two \uXXXX). UTF-8's "up to 4 bytes"
# would undercount: the escaped form is what is limited. A character limit is therefore the
# number of characters *of the text typed* that fit in the bytes left (``chars_that_fit``),
# never a fixed count that some text could still exceed.


def wire_size(text: str) -> int:
    """Bytes ``text`` takes inside a record sent to the hub (without its two quotes)."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return len(text)
    return len(json.dumps(text)) - 2


def record_bytes(data: dict[str, Any]) -> int:
    """A record dict's size as the hub measures it (compact JSON, non-ASCII escaped)."""
    return len(json.dumps(data, separators=(",", ":")).encode("ascii"))


def chars_that_fit(text: str, budget: int) -> int:
    """How many leading characters of ``text`` fit in ``budget`` bytes as sent."""
    if wire_size(text) <= budget:
        return len(text)
    low, high = 0, min(len(text), max(budget, 0))
    while low < high:  # largest k with wire_size(text[:k]) <= budget
        mid = (low + high + 1) // 2
        if wire_size(text[:mid]) <= budget:
            low = mid
        else:
            high = mid - 1
    return low


def text_limit(text: str, budget: int = TEXT_BUDGET_BYTES) -> int:
    """The character limit to show for a text box holding ``text``: ``budget`` bytes at the
    average cost of the characters typed so far (one byte each while it is empty or plain)."""
    size = wire_size(text)
    if size <= len(text):
        return budget
    return budget * len(text) // size


def _surely_fits(record: Any) -> bool:
    """A quick bound (every validate() asks, the hub for each record pushed): at most 12 bytes
    a character of text, and a generous 64 bytes for each other value and field name."""
    budget = (MAX_RECORD_BYTES - 1024) // 12
    total = 0
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if isinstance(value, str):
            total += len(value) + 6
        elif isinstance(value, tuple):
            total += len(repr(value)) + 64
        else:
            total += 64
        if total > budget:
            return False
    return True


def size_problem(record: Any) -> Problem | None:
    """A problem on the record's longest text field if the record is larger than the hub
    takes (``MAX_RECORD_BYTES``), saying how long it is, the most it may be, and what to do."""
    if _surely_fits(record):
        return None
    data = record.to_dict()
    total = record_bytes(data)
    if total <= MAX_RECORD_BYTES:
        return None
    texts = [(wire_size(v), k) for k, v in data.items() if isinstance(v, str)]
    if not texts:
        return Problem(
            "id",
            tr("makes a record too large to send to the hub ({bytes} bytes)").format(
                bytes=number(total)
            ),
        )
    size, name = max(texts)
    text: str = data[name]
    most = chars_that_fit(text, MAX_RECORD_BYTES - (total - size))
    return Problem(
        name,
        tr(
            "is too long to send to the hub: {length} characters, the most is {most}. "
            "Split it: finalise this part and add the rest as an amendment"
        ).format(length=number(len(text)), most=number(most)),
    )


def _min_length(problems: list[Problem], name: str, text: str, minimum: int, ask: str) -> None:
    """A note that must say enough: ``ask`` says what to write, then the minimum length.

    ``ask`` comes translated (the caller's ``tr``); the sentence around it is translated here."""
    if len(text.strip()) < minimum:
        problems.append(Problem(
            name,
            tr("{ask} (at least {minimum} characters)").format(ask=ask, minimum=number(minimum)),
        ))
