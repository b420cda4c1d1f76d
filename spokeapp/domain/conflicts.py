"""Header fields tied together by a record rule, and how a sync conflict may be settled
(docs/sync.md, "Headers and conflicts").

A rule of a header that spans several fields (a closed case needs a closed date, on or after
the opened date; a decided referral needs a decision date, not before it was received, and a
reason only if declined) ties those fields: the hub's field-by-field merge moves them as a
group when putting fields from two versions together would break the rule, and a person
settling a conflict about one of them may have to take the laptop's values of the whole group.

Pure: no I/O. The hub (merge) and the conflicts queue (choices) both use it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import record_from_dict
from spokeapp.i18n import translator

tr = translator(__name__)

#: For each header kind, the groups of fields that a record rule ties together (in the order
#: they are named to a person).
TIED_FIELDS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "case": (("status", "closed_on", "opened_on"),),
    "referral": (("decision", "decided_on", "decline_reason", "received_on"),),
    "welfare_debrief": (("done", "done_on"),),
    # A safe number is three parallel lists (number, whose phone, safe times): mixing one
    # side's numbers with the other's times would tell a worker to ring at an unsafe time.
    "young_person": (
        ("safe_numbers", "safe_number_whose", "safe_number_times"),
        ("ethnic_group", "ethnicity_described"),
        ("contact_methods", "contact_professional"),
    ),
}
#: Fields that mean one thing together (a decision, its date and its reason): a merge never
#: puts them together from two versions, even where the rules would allow it.
MERGE_UNITS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "case": (("status", "closed_on"),),
    "referral": (("decision", "decided_on", "decline_reason"),),
    "welfare_debrief": (("done", "done_on"),),
    "young_person": TIED_FIELDS["young_person"],
}
#: What the group is called in a choice's words ("Use the laptop's closure ...").
GROUP_NAMES: Final[dict[str, str]] = {
    "case": "closure",
    "referral": "decision",
    "welfare_debrief": "debrief",
    "young_person": "details",
}
#: The laptop's side of a tied group, in words, by record kind (``{fields}``: the fields).
_TOGETHER: Final[dict[str, str]] = {
    "case": tr.noop("Use the laptop's closure ({fields} together)"),
    "referral": tr.noop("Use the laptop's decision ({fields} together)"),
    "welfare_debrief": tr.noop("Use the laptop's debrief ({fields} together)"),
    "young_person": tr.noop("Use the laptop's details ({fields} together)"),
}


def tied_group(kind: str, name: str) -> frozenset[str]:
    """The fields tied to ``name`` by a rule of ``kind`` (``name`` included); empty if none."""
    for group in TIED_FIELDS.get(kind, ()):
        if name in group:
            return frozenset(group)
    return frozenset()


def unit_of(kind: str, name: str) -> tuple[str, ...]:
    """The merge unit ``name`` belongs to (``(name,)`` if none)."""
    for unit in MERGE_UNITS.get(kind, ()):
        if name in unit:
            return unit
    return (name,)


def keep_units(kind: str, base: Mapping[str, Any], hub: Mapping[str, Any],
               device: Mapping[str, Any], merged: Mapping[str, Any],
               hub_changed: Collection[str] | None = None) -> dict[str, Any]:
    """``merged`` with every merge unit that both sides changed, to different values, put back
    to the hub's values (a field-by-field merge would mix a decision from one side with a
    date or reason from the other). ``hub_changed``: the fields the hub changed since
    ``base`` (the hub knows, from each field's last write); by default those whose value
    differs from the base's."""
    result = dict(merged)
    for unit in MERGE_UNITS.get(kind, ()):
        device_changed = any(device.get(name) != base.get(name) for name in unit)
        hub_changed_unit = any(
            (hub.get(name) != base.get(name)) if hub_changed is None else (name in hub_changed)
            for name in unit)
        if device_changed and hub_changed_unit and any(
                device.get(name) != hub.get(name) for name in unit):
            for name in unit:
                if name in hub:
                    result[name] = hub[name]
    return result


def obeys_rules(kind: str, body: Mapping[str, Any]) -> bool:
    """True if ``body`` is a well-formed record of ``kind`` that keeps every record rule."""
    try:
        record_from_dict(kind, dict(body)).validate()
    except ValidationError:
        return False
    return True


def within_rules(kind: str, hub: Mapping[str, Any], merged: Mapping[str, Any]
                 ) -> dict[str, Any]:
    """``merged`` (a field-by-field merge into the valid ``hub`` version), with every tied group
    whose merged values break a rule put back to the hub's values, so the result keeps the
    rules. Fields outside a group each come whole from a valid version, so they keep their
    one-field rules; if the result still breaks a rule, the hub's version whole."""
    result = dict(merged)
    if obeys_rules(kind, result):
        return result
    for group in TIED_FIELDS.get(kind, ()):
        if all(result.get(name) == hub.get(name) for name in group):
            continue
        # The hub's version with only this group merged: valid unless this group breaks a rule.
        trial = {**hub, **{name: merged[name] for name in group if name in merged}}
        if not obeys_rules(kind, trial):
            for name in group:
                if name in hub:
                    result[name] = hub[name]
                else:
                    result.pop(name, None)
    return result if obeys_rules(kind, result) else dict(hub)


@dataclass(frozen=True, slots=True)
class LaptopChoice:
    """Taking the laptop's side of a conflict: the fields to set, and their values."""

    fields: tuple[str, ...]
    values: dict[str, Any]
    together: bool  # more than the conflict's own field, because a rule ties them

    def words(self, kind: str, humanise: Any = None) -> str:
        """"Use the laptop's value", or for a tied group e.g. "Use the laptop's closure
        (status and closed on together)" (``humanise`` turns field names into words)."""
        if not self.together:
            return tr("Use the laptop's value")
        name = humanise or (lambda text: text.replace("_", " "))
        names = [str(name(field)).lower() for field in self.fields]
        listed = names[0] if len(names) == 1 else tr("{first} and {last}").format(
            first=", ".join(names[:-1]), last=names[-1])
        template = _TOGETHER.get(kind)
        words = (tr(template) if template is not None
                 else tr("Use the laptop's values ({fields} together)"))
        return words.format(fields=listed)


def laptop_choice(kind: str, current: Mapping[str, Any], conflict: Mapping[str, Any]
                  ) -> LaptopChoice | None:
    """How to take the laptop's side of ``conflict`` (a ``ConflictPayload`` body) on the
    header as it now stands (``current``): the conflict's field alone if that keeps the
    rules; else that field with every tied field whose laptop value differs from the current
    one (``device_tied``). None if neither keeps the rules (nothing to offer but the hub's
    value; a conflict opened by an older hub has no ``device_tied``)."""
    name = str(conflict.get("field", ""))
    tied = conflict.get("device_tied")
    tied = tied if isinstance(tied, Mapping) and name in tied else {}
    # The field with the rest of its merge unit (where the laptop's value differs), then
    # with every field tied to it by a rule.
    unit = {field: tied[field] for field in unit_of(kind, name)
            if field in tied and current.get(field) != tied[field]}
    values = {**unit, name: conflict.get("device_value")}
    if not obeys_rules(kind, {**current, **values}):
        values = {field: value for field, value in tied.items()
                  if field == name or current.get(field) != value}
        if not tied or not obeys_rules(kind, {**current, **values}):
            return None
    if len(values) == 1:
        return LaptopChoice((name,), values, together=False)
    order = [field for group in TIED_FIELDS.get(kind, ()) for field in group]
    ordered = tuple(sorted(values, key=lambda field: order.index(field)
                           if field in order else len(order)))
    return LaptopChoice(ordered, {field: values[field] for field in ordered}, together=True)
