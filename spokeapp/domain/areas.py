"""Local authority areas: the list a hub holds, and the suggestion from a postcode district.

A case records the local authority area it is in (``Case.local_authority``, the area's name as
the worker picked it), so that a report can say what the service did in each area (funders and
commissioners ask "what did you do in our area?"). The hub's administrator keeps the list
(``spoke-hub areas add "Example Shire" --districts EX1,EX2``); each laptop keeps the copy it got
at its last sync, so the list is there offline.

A postcode *district* is the outward code of a postcode ("EX1" of "EX1 1AA"). Where the worker
gives one, :func:`suggest_area` names the area that lists it, as a suggestion the worker must
confirm: an area is never recorded unless the worker chose it. Only the district is ever
looked at; a full postcode typed into the box is cut down to its district and never kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.i18n import number, translator

tr = translator(__name__)

__all__ = [
    "MAX_AREA_NAME_CHARS",
    "NOT_KNOWN",
    "Area",
    "areas_from_json",
    "areas_to_json",
    "normalise_area_name",
    "normalise_districts",
    "not_known",
    "postcode_district",
    "suggest_area",
]

MAX_AREA_NAME_CHARS: Final = 100
NOT_KNOWN: Final = tr.noop("Not known")
"""How a case without an area is shown (the worker chose "Not known", or an older case)."""

_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?[0-9][A-Z]{2}")


@dataclass(frozen=True, slots=True)
class Area:
    """A local authority area and the postcode districts that suggest it."""

    name: str
    districts: tuple[str, ...] = ()


def postcode_district(text: str) -> str | None:
    """The postcode district ("EX1") of a district or a full UK postcode, or None."""
    cleaned = " ".join(text.strip().upper().split())
    if _DISTRICT.fullmatch(cleaned):
        return cleaned
    match = _POSTCODE.fullmatch(cleaned)
    return match.group(1) if match else None


def not_known() -> str:
    """The choice offered beside every area for a case whose area is not known, in words."""
    return tr(NOT_KNOWN)


def normalise_area_name(text: str) -> str:
    """The area's name with spaces tidied; ValidationError if blank or too long."""
    name = " ".join(text.split())
    if not name:
        raise ValidationError([Problem("name", tr("is required"))])
    if len(name) > MAX_AREA_NAME_CHARS:
        raise ValidationError(
            [Problem("name", tr("must be at most {limit} characters").format(
                limit=number(MAX_AREA_NAME_CHARS)))]
        )
    if name.casefold() == NOT_KNOWN.casefold():
        raise ValidationError([Problem(
            "name", tr('"{not_known}" is always offered already').format(not_known=not_known())
        )])
    return name


def normalise_districts(texts: Iterable[str]) -> tuple[str, ...]:
    """Postcode districts in standard form, sorted, each once; ValidationError naming any
    that is not a district (e.g. "EX1", "SW1A")."""
    found: dict[str, None] = {}
    problems: list[Problem] = []
    for text in texts:
        if not text.strip():
            continue
        cleaned = " ".join(text.strip().upper().split())
        if not _DISTRICT.fullmatch(cleaned):
            problems.append(Problem("districts", tr(
                '"{district}" is not a postcode district (e.g. EX1 or SW1A)'
            ).format(district=text.strip())))
            continue
        found[cleaned] = None
    if problems:
        raise ValidationError(problems)
    return tuple(sorted(found))


def suggest_area(areas: Sequence[Area], postcode: str) -> Area | None:
    """The area whose districts include the district of ``postcode`` (a district or a full
    postcode), or None: no district, no area lists it, or more than one does (then the worker
    picks; a guess between two would be a default they did not choose)."""
    district = postcode_district(postcode)
    if district is None:
        return None
    matches = [a for a in areas if district in a.districts]
    return matches[0] if len(matches) == 1 else None


def areas_to_json(areas: Sequence[Area]) -> str:
    """The list as JSON text (how a laptop keeps the hub's list in its casebook)."""
    return json.dumps([{"name": a.name, "districts": list(a.districts)} for a in areas],
                      separators=(",", ":"))


def areas_from_json(text: str | None) -> list[Area]:
    """The list kept by :func:`areas_to_json`; an empty list for nothing or anything unreadable."""
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    out: list[Area] = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        districts = item.get("districts", [])
        out.append(Area(item["name"], tuple(d for d in districts if isinstance(d, str))
                        if isinstance(districts, list) else ()))
    return out
