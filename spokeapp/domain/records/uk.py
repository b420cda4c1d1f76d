"""UK rules: postcodes and phone numbers, as a visit plan checks them."""

from __future__ import annotations

import re

# Full UK postcode (outward code, space optional, inward code); GIR 0AA is the one exception.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})|(GIR) ?(0AA)")
# Something typed as a postcode (one or two short tokens starting letters-then-digit); if a
# location looks like this it must be a valid postcode, catching typos like "SW1A 1A".
_POSTCODE_ATTEMPT = re.compile(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]{0,2} ?[A-Za-z0-9]{1,3}")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")

_MOBILE_EXAMPLE = "e.g. 07700 900123 or +44 7700 900123"
_PHONE_EXAMPLE = "e.g. 07700 900456 or +44 20 7946 0018"


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in its standard form ("SW1A 1AA"), or None if ``text`` is not one."""
    match = _POSTCODE.fullmatch(text.strip().upper())
    if match is None:
        return None
    outward, inward = (match.group(1), match.group(2)) if match.group(1) else ("GIR", "0AA")
    return f"{outward} {inward}"


def is_uk_postcode(text: str) -> bool:
    """True if ``text`` is a full UK postcode (any case, space optional)."""
    return normalise_postcode(text) is not None


def normalise_phone_number(text: str) -> str | None:
    """A phone number in E.164 form ("+447700900123"), or None if it is not one.

    Accepts UK national numbers ("07700 900123", "020 7946 0018"), "+44 (0)7700 900123",
    "0044 ..." and international E.164 numbers; spaces, dashes, dots and brackets are ignored.
    """
    raw = text.strip().replace("(0)", "")
    compact = _PHONE_PUNCTUATION.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+44" + compact[1:]
    if not compact.startswith("+") or not compact[1:].isdigit() or not compact[1:].isascii():
        return None
    digits = compact[1:]
    if digits.startswith("0") or not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("44") and len(digits) not in (11, 12):  # UK: 9 or 10 digits after 44
        return None
    return compact


def is_uk_mobile(e164: str) -> bool:
    """True if an E.164 number is a UK mobile (07xxx xxxxxx)."""
    return e164.startswith("+447") and len(e164) == 13
