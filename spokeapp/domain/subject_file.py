"""One young person's file, out: the subject access bundle and the worker's handover file.

:func:`build_bundle` turns what a hub (or a laptop) holds about one case into one JSON-ready
dict, schema ``spoke.subject_file/1``: the young person's details (every version, earlier ones
marked superseded), the referral, the case, every record of every kind with its versions and
amendments, attached documents (listed: title, date, file name, size, SHA-256; never their
bytes), supervision, consents and information shares, visits linked to the case, group work
and professional activity that mention the young person, and the audit of who viewed,
changed, exported or shared it.

Third-party information is **flagged, never removed**: each flag names the field (a JSON
pointer into the bundle) and why, for the data protection officer to review before release
(other young people, professionals' personal details, free text that may name others, phone
numbers and email addresses). Nothing here reads a clock, a file or a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from spokeapp.i18n import translator

tr = translator(__name__)

SCHEMA: Final = "spoke.subject_file/1"

#: Which part of the bundle each record kind goes in. Every kind in the record registry must
#: be here (``build_bundle`` refuses a kind it does not know, so a new kind fails the test).
SECTION_OF_KIND: Final[Mapping[str, str]] = {
    "young_person": "young_person",
    "referral": "referral",
    "case": "case",
    "session": "casework",
    "safeguarding_concern": "casework",
    "risk_assessment": "casework",
    "closure": "casework",
    "amendment": "casework",
    "consent": "consent_and_sharing",
    "information_share": "consent_and_sharing",
    "supervision_comment": "supervision",
    "review_mark": "supervision",
    "sign_off": "supervision",
    "sign_off_request": "supervision",
    "case_supervision": "supervision",
    "visit_plan": "lone_working",
    "check_in": "lone_working",
    "alarm": "lone_working",
    "escalation_alert": "lone_working",
    "alert_delivery": "lone_working",
    "alert_ack": "lone_working",
    "alarm_resolution": "lone_working",
    "welfare_debrief": "lone_working",
    "welfare_debrief_done": "lone_working",
    "group_session": "mentions",
    "professional_activity": "mentions",
    "attachment": "attachments",
}

#: The list sections, in the order the file shows them.
LIST_SECTIONS: Final = (
    "casework", "attachments", "consent_and_sharing", "supervision", "lone_working", "mentions",
)

# Flag kinds (the officer's words are in spokeapp.present.subject_file).
OTHER_YOUNG_PERSON: Final = "other_young_person"
PROFESSIONAL_DETAILS: Final = "professional_details"
NAMES_OTHERS: Final = "names_others"
CONTACT_DETAILS: Final = "contact_details"
FAMILY_DETAILS: Final = "family_details"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w-])(?:\+\d{1,3}[\s-]?|0)\d(?:[\s-]?\d){8,11}(?![\w-])")
_CAPITALISED_PAIR = re.compile(r"\b(?=([A-Z][a-z'\u2019-]+)\s+([A-Z][a-z'\u2019-]+)\b)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]+")
#: Capitalised words that start a pair without naming anyone ("Shared with", "Northshire
#: Police" is an agency: agencies are not people).
_NOT_NAMES: Final = frozenset({
    "The", "A", "An", "She", "He", "They", "We", "I", "It", "This", "That", "Then", "And",
    "But", "Or", "So", "If", "When", "After", "Before", "On", "In", "At", "To", "From", "With",
    "Her", "His", "Their", "Our", "My", "Your", "Mum", "Dad", "Police", "School", "Council",
    "Health", "Service", "Services", "Social", "Care", "Team", "Hospital", "Centre", "Road",
    "Street", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Spoke", "Do", "Did", "Not", "No", "Yes", "Young",
    "Person", "Children's", "Childrens", "Academy", "College", "High", "Primary", "Station",
    "Agreed", "Talked", "Met", "Said", "Will", "Would", "Asked", "Told",
})
#: Fields never read for flags: identifiers, enums and dates carry no third-party text.
_SKIPPED_FIELDS: Final = frozenset({
    "id", "kind", "state", "status", "outcome", "reason_code", "recipient", "basis",
    "source_type", "contact_type", "venue_type", "venue_chosen_by", "pace_set_by",
    "assessment_type", "raised_to", "setting", "activity_type", "method", "given_by",
    "decision", "lawful_basis", "key_worker", "author", "shared_by", "supervisor", "worker",
    "decided_by", "reviewed_by", "signed_off_by", "tool_id", "level", "override_level",
    "current_risk_level", "local_authority", "amends_kind", "about_kind", "record_kind",
    "request_kind", "gender", "ethnicity", "sha256", "media_type", "attached_kind",
    "attached_to", "replaces",
})


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a record as its source knows it: when, by whom, from which device, the
    hub's sequence number, and its content (None when the source holds only the latest)."""

    at: str
    by: str | None
    device: str | None = None
    seq: int | None = None
    content: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A record of the file: its kind, id, state (header, draft, final), its latest content
    and every version its source knows of, oldest first."""

    kind: str
    record_id: str
    content: Mapping[str, Any]
    state: str = "final"
    author: str | None = None
    versions: Sequence[Version] = ()


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One entry of the audit about the case: ids, actions and times only."""

    at: str
    who: str
    action: str
    device: str | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class KnownNames:
    """Names the source knows, to tell the young person's own from other people's.

    ``others`` are other young people's names and references (never the subject's); ``staff``
    are the service's own people, whose names in the file are not third-party information.
    """

    others: Sequence[str] = ()
    staff: Sequence[str] = ()
    #: The service's own people and laptops by id, so the file says "by Demo Worker on
    #: Demo laptop", not "by u-5f85..." (the ids stay beside the names in the JSON).
    people: Mapping[str, str] = field(default_factory=dict)
    devices: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Flags:
    subject_words: frozenset[str]
    staff_words: frozenset[str]
    others: list[tuple[str, re.Pattern[str]]]
    found: list[dict[str, str]] = field(default_factory=list)

    def add(self, path: str, kind: str, why: str) -> None:
        entry = {"path": path, "kind": kind, "why": why}
        if entry not in self.found:
            self.found.append(entry)


def _words(names: Iterable[str]) -> frozenset[str]:
    return frozenset(w.lower() for name in names for w in _WORD.findall(name or ""))


def _subject_names(records: Sequence[FileRecord]) -> list[str]:
    names: list[str] = []
    for record in records:
        if record.kind != "young_person":
            continue
        bodies = [record.content, *(v.content for v in record.versions if v.content)]
        for body in bodies:
            for key in ("name", "preferred_name", "reference"):
                value = body.get(key)
                if isinstance(value, str) and value:
                    names.append(value)
    return names


def _check_text(flags: _Flags, path: str, text: str) -> None:
    """Flag what a piece of free text may reveal about other people."""
    if _EMAIL.search(text):
        flags.add(path, CONTACT_DETAILS, "contains an email address")
    if _PHONE.search(text):
        flags.add(path, CONTACT_DETAILS, "contains a phone number")
    for _name, pattern in flags.others:
        if pattern.search(text):
            flags.add(path, OTHER_YOUNG_PERSON,
                      "names another young person known to the service")
            break
    for first, second in _CAPITALISED_PAIR.findall(text):
        if first in _NOT_NAMES or second in _NOT_NAMES:
            continue
        words = {first.lower(), second.lower()}
        if words & flags.subject_words or words <= flags.staff_words:
            continue
        flags.add(path, NAMES_OTHERS, "may name another person (two capitalised words)")
        break


def _walk(flags: _Flags, path: str, value: Any, name: str = "") -> None:
    if isinstance(value, str):
        if name not in _SKIPPED_FIELDS and not name.endswith(("_id", "_on", "_at")):
            _check_text(flags, path, value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk(flags, f"{path}/{key}", item, str(key))
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            _walk(flags, f"{path}/{n}", item, name)


def _kind_flags(flags: _Flags, path: str, kind: str, content: Mapping[str, Any]) -> None:
    """Flags that come from what a record is, whatever its words."""
    content_path = f"{path}/content"
    if kind == "group_session":
        flags.add(content_path, OTHER_YOUNG_PERSON,
                  "group work: other young people attended this session")
    elif kind == "professional_activity":
        flags.add(content_path, PROFESSIONAL_DETAILS,
                  "work with professionals: their details may appear in the notes")
    elif kind == "referral" and content.get("source_agency"):
        flags.add(f"{content_path}/source_agency", PROFESSIONAL_DETAILS,
                  "the referrer's details (may name a professional)")
    elif kind == "information_share" and content.get("recipient_detail"):
        flags.add(f"{content_path}/recipient_detail", PROFESSIONAL_DETAILS,
                  "the recipient's details (may name a professional)")
    elif kind == "consent" and content.get("given_by") == "parent_or_carer":
        flags.add(f"{content_path}/given_by_name", FAMILY_DETAILS,
                  "a parent or carer's name")
    elif kind == "safeguarding_concern" and content.get("their_reference"):
        flags.add(f"{content_path}/their_reference", PROFESSIONAL_DETAILS,
                  "another agency's reference")
    elif kind == "young_person" and content.get("safe_contacts"):
        flags.add(f"{content_path}/safe_contacts", CONTACT_DETAILS,
                  "safe contact numbers: whose phone each is")


def _entry(record: FileRecord, amended_by: Sequence[str]) -> dict[str, Any]:
    versions = list(record.versions) or [Version(at="", by=record.author,
                                                 content=record.content)]
    last = len(versions) - 1
    return {
        "kind": record.kind,
        "id": record.record_id,
        "state": record.state,
        "author": record.author,
        "content": dict(record.content),
        "versions": [
            {
                "at": v.at,
                "by": v.by,
                "device": v.device,
                "seq": v.seq,
                "content": None if v.content is None else dict(v.content),
                "superseded": n < last,
            }
            for n, v in enumerate(versions)
        ],
        "amended_by": list(amended_by),
    }


def _sort_key(record: FileRecord) -> tuple[str, str]:
    when = ""
    for key in ("occurred_at", "assessed_on", "raised_on", "closed_on", "held_on",
                "given_on", "shared_on", "written_at", "reviewed_at", "decided_at",
                "requested_at", "at", "planned_start", "starts_at", "due_on",
                "document_date"):
        value = record.content.get(key)
        if isinstance(value, str) and value:
            when = value
            break
    if not when and record.versions:
        when = record.versions[0].at
    return when, record.record_id


def build_bundle(
    case_id: str,
    records: Iterable[FileRecord],
    audit: Iterable[AuditLine],
    *,
    source: str,
    made_at: str,
    made_by: str,
    known: KnownNames | None = None,
) -> dict[str, Any]:
    """The whole file of one case as a JSON-ready dict (schema :data:`SCHEMA`).

    ``records`` are every record the source holds about the case (the caller chooses them:
    the case's own, its young person and referral, visits linked to it, group work that
    mentions them). ``source`` is ``"hub"`` or ``"laptop"``. Raises ValueError for a record
    kind the bundle has no place for.
    """
    records = list(records)
    unknown = sorted({r.kind for r in records} - set(SECTION_OF_KIND))
    if unknown:
        raise ValueError(f"no place in the subject file for record kinds: {', '.join(unknown)}")
    known = known or KnownNames()
    subject = _subject_names(records)
    subject_words = _words(subject)
    others: list[tuple[str, re.Pattern[str]]] = []
    for other in known.others:
        other = other.strip()
        if len(other) < 3 or other.lower() in subject_words:
            continue
        for part in {other, *other.split()}:
            if len(part) >= 3 and part.lower() not in subject_words and part[0].isupper():
                others.append((other, re.compile(rf"\b{re.escape(part)}\b")))
    flags = _Flags(subject_words, _words(known.staff), others)

    amended: dict[str, list[str]] = {}
    for record in records:
        if record.kind == "amendment":
            amended.setdefault(str(record.content.get("amends_id", "")), []).append(
                record.record_id)

    bundle: dict[str, Any] = {
        "schema": SCHEMA,
        "source": source,
        "made_at": made_at,
        "made_by": made_by,
        "case_id": case_id,
        "young_person": None,
        "referral": None,
        "case": None,
        **{name: [] for name in LIST_SECTIONS},
        "audit": [],
        "third_party_flags": [],
        "notes": [],
        "people": dict(sorted(known.people.items())),
        "devices": dict(sorted(known.devices.items())),
    }
    for record in sorted(records, key=_sort_key):
        section = SECTION_OF_KIND[record.kind]
        entry = _entry(record, amended.get(record.record_id, ()))
        if section in LIST_SECTIONS:
            path = f"/{section}/{len(bundle[section])}"
            bundle[section].append(entry)
        else:
            path = f"/{section}"
            if bundle[section] is not None:  # a second young person or case: keep both
                path = f"/{section}_more/{len(bundle.setdefault(section + '_more', []))}"
                bundle[section + "_more"].append(entry)
            else:
                bundle[section] = entry
        _kind_flags(flags, path, record.kind, record.content)
        _walk(flags, f"{path}/content", entry["content"])
        for n, version in enumerate(entry["versions"]):
            if version["content"] is not None and version["superseded"]:
                _walk(flags, f"{path}/versions/{n}/content", version["content"])
    for line in sorted(audit, key=lambda a: a.at):
        bundle["audit"].append({"at": line.at, "who": line.who, "action": line.action,
                                "device": line.device, "detail": line.detail})
    if source == "hub":
        bundle["notes"].append(tr(
            "The hub keeps the latest content of each record and a list of every change it "
            "accepted (when, by whom, from which device); earlier content of an edited record "
            "is kept on the laptop that wrote it."))
    else:
        bundle["notes"].append(tr(
            "Made from one laptop's casebook: versions are those written or received on this "
            "laptop, and the audit is this laptop's own."))
    if bundle["attachments"]:
        bundle["notes"].append(tr(
            "Attached documents are listed (title, date, file name, size and SHA-256 "
            "fingerprint) but their contents are not in this file: review each document and "
            "give a copy separately where it may be released."))
    bundle["third_party_flags"] = flags.found
    return bundle


def resolve(bundle: Mapping[str, Any], path: str) -> Any:
    """The value a flag's path (a JSON pointer) names in the bundle."""
    value: Any = bundle
    for part in path.strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def kinds_in(bundle: Mapping[str, Any]) -> set[str]:
    """Every record kind the bundle holds (to check it is complete)."""
    kinds: set[str] = set()
    for name in ("young_person", "referral", "case"):
        if bundle.get(name):
            kinds.add(bundle[name]["kind"])
    for name in LIST_SECTIONS:
        kinds.update(entry["kind"] for entry in bundle.get(name, ()))
    return kinds
