"""One young person's file, out: who it is for, whether the share needs a lawful basis, the
information-share record it leaves, the file made from a laptop's casebook, and the readable
sections of the PDF (what the dialog and the PDF writer in ``spokeapp.ui.views.subject_file``
show). No Qt; ``today`` and times are injected.

The gate: a file for an agency (police, children's social care, school, health, or anyone
else) needs the case's **current** consent to cover that agency
(:func:`spokeapp.present.consent.current_consent`; a withdrawal covers nothing). Otherwise the
worker must choose a lawful basis for sharing without consent and write why (at least 20
characters) before it is saved. The young person (or their parent or carer: subject access)
and a handover to another Spoke worker need neither.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import SHARE_WITH_LABELS, Consent, ShareWith
from spokeapp.domain.records.casework import (
    MIN_SHARE_REASON_CHARS,
    OTHER_RECIPIENT,
    SHARE_BASIS_LABELS,
    WITHOUT_CONSENT_BASES,
    InformationShare,
    ShareBasis,
)
from spokeapp.domain.subject_file import (
    LIST_SECTIONS,
    SCHEMA,
    AuditLine,
    FileRecord,
    KnownNames,
    Version,
    build_bundle,
)
from spokeapp.i18n import clock, day, number, translator
from spokeapp.present.labels import humanise
from spokeapp.store.casebook import Casebook, RecordNotFound, StoredRecord
from spokeapp.store.sync_state import SyncStore

_CODE: Final = re.compile(r"[a-z]+(?:_[a-z]+)*")
_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
tr = translator(__name__)

MARKING: Final = tr.noop("OFFICIAL-SENSITIVE: contains personal data about a child")
#: Written into the information-share record (record data, so never translated).
WHAT_SHARED: Final = "case file (PDF and JSON)"

YOUNG_PERSON: Final = "young_person"
PARENT_OR_CARER: Final = "parent_or_carer"
HANDOVER: Final = "spoke_handover"

#: Who a file can be for, in the dialog's order: (key, words). The English words are also
#: what a subject access or handover share records as its recipient (record data).
RECIPIENTS: Final[tuple[tuple[str, str], ...]] = (
    (YOUNG_PERSON, tr.noop("The young person (subject access)")),
    (PARENT_OR_CARER, tr.noop("Their parent or carer (subject access)")),
    (HANDOVER, tr.noop("Another Spoke worker (handover)")),
    (ShareWith.POLICE.value, tr.noop("Police")),
    (ShareWith.CHILDRENS_SOCIAL_CARE.value, tr.noop("Children's social care")),
    (ShareWith.SCHOOL.value, tr.noop("School")),
    (ShareWith.HEALTH.value, tr.noop("Health")),
    (OTHER_RECIPIENT, tr.noop("Someone else (say who)")),
)
_RECIPIENT_WORDS: Final[Mapping[str, str]] = MappingProxyType(dict(RECIPIENTS))
_NO_BASIS_NEEDED: Final = {
    YOUNG_PERSON: ShareBasis.SUBJECT_ACCESS,
    PARENT_OR_CARER: ShareBasis.SUBJECT_ACCESS,
    HANDOVER: ShareBasis.WITHIN_SERVICE,
}
#: The bases a worker may choose for sharing without consent, with their words.
BASIS_CHOICES: Final[tuple[tuple[ShareBasis, str], ...]] = tuple(
    (basis, SHARE_BASIS_LABELS[basis]) for basis in WITHOUT_CONSENT_BASES
)


def marking() -> str:
    """:data:`MARKING` as printed on the file (translated)."""
    return tr(MARKING)


def recipient_label(recipient: str) -> str:
    """A recipient key as the dialog lists it (translated; the key itself if unknown)."""
    words = _RECIPIENT_WORDS.get(recipient)
    return tr(words) if words is not None else recipient


def agency_of(recipient: str) -> ShareWith | None:
    """The consent agency a recipient key names, if it is one."""
    try:
        return ShareWith(recipient)
    except ValueError:
        return None


def basis_needed(recipient: str, consent: Consent | None) -> bool:
    """True if sharing with ``recipient`` needs a lawful basis other than consent."""
    if recipient in _NO_BASIS_NEEDED:
        return False
    agency = agency_of(recipient)
    return agency is None or consent is None or not consent.shares_with(agency)


def recipient_words(recipient: str, detail: str = "") -> str:
    """Who a file went to, in words for a sentence ("police", "DC Fictional, Northshire")."""
    agency = agency_of(recipient)
    if agency is not None:
        return SHARE_WITH_LABELS[agency]
    if detail.strip():
        return detail.strip()
    return recipient_label(recipient).lower()


def consent_words_for(recipient: str, consent: Consent | None) -> str:
    """What the dialog says about consent for this recipient."""
    if recipient in _NO_BASIS_NEEDED:
        if recipient != HANDOVER:
            return tr("No lawful basis is needed: this is their own right of access.")
        return tr("No lawful basis is needed: the file stays within the service.")
    who = recipient_words(recipient)
    if consent is None:
        return tr("No consent is recorded: sharing with {who} needs a lawful basis and a "
                  "reason.").format(who=who)
    if consent.withdrawn:
        return tr("Consent was withdrawn: sharing with {who} needs a lawful basis and a "
                  "reason.").format(who=who)
    if not basis_needed(recipient, consent):
        return tr("Covered by the current consent (given {day}).").format(
            day=day(consent.given_on))
    return tr("The current consent does not cover {who}: choose the lawful basis for sharing "
              "without consent and say why.").format(who=who)


def share_problems(recipient: str, detail: str, consent: Consent | None,
                   basis: ShareBasis | None, reason: str) -> list[str]:
    """Why the file cannot be saved yet, in the dialog's words (empty: it can)."""
    problems: list[str] = []
    if recipient == OTHER_RECIPIENT and not detail.strip():
        problems.append(tr("Say who the file is for (name and organisation)."))
    if basis_needed(recipient, consent):
        if basis is None or basis not in WITHOUT_CONSENT_BASES:
            problems.append(
                tr("Sharing with {who} is not covered by consent: choose the lawful basis for "
                   "sharing without consent.").format(who=recipient_words(recipient, detail)))
        if len(reason.strip()) < MIN_SHARE_REASON_CHARS:
            problems.append(
                tr("Say why sharing without consent is needed (at least {n} characters)."
                   ).format(n=number(MIN_SHARE_REASON_CHARS)))
    return problems


def share_record(*, case_id: str, recipient: str, detail: str, consent: Consent | None,
                 basis: ShareBasis | None, reason: str, shared_by: str, today: date,
                 what: str = WHAT_SHARED) -> InformationShare:
    """The information-share record a saved file leaves (validated by the casebook)."""
    if recipient in _NO_BASIS_NEEDED:
        chosen = _NO_BASIS_NEEDED[recipient]
        stored_recipient = OTHER_RECIPIENT
        detail = detail.strip() or _RECIPIENT_WORDS[recipient]
        reason = reason.strip()
    elif basis_needed(recipient, consent):
        chosen = basis if basis is not None else ShareBasis.SAFEGUARDING_CHILD_AT_RISK
        stored_recipient = recipient
    else:
        chosen = ShareBasis.CONSENT
        stored_recipient = recipient
    return InformationShare(
        id=new_id(), case_id=case_id, shared_on=today, shared_by=shared_by,
        recipient=stored_recipient, recipient_detail=detail.strip(), what=what, basis=chosen,
        reason=reason.strip(),
    )


def share_line(share: InformationShare) -> str:
    """The timeline's words: "Shared with police on 4 Dec 2026 - basis: safeguarding ..."."""
    return tr("Shared with {who} on {day} - basis: {basis}").format(
        who=recipient_words(share.recipient, share.recipient_detail),
        day=day(share.shared_on), basis=SHARE_BASIS_LABELS[share.basis])


def share_fields(share: InformationShare) -> list[tuple[str, str]]:
    """The share in full, as the case page shows the selected record."""
    return [
        (tr("Shared with"), recipient_words(share.recipient, share.recipient_detail)),
        (tr("On"), day(share.shared_on)),
        (tr("What"), share.what),
        (tr("Basis"), SHARE_BASIS_LABELS[share.basis]),
        (tr("Why"), share.reason),
        (tr("By"), share.shared_by),
    ]


# --------------------------------------------------------------------------- from a laptop
def _versions(changes: Sequence[Any]) -> dict[str, list[Version]]:
    out: dict[str, list[Version]] = {}
    for change in changes:
        if change.op in ("put", "finalise") and isinstance(change.payload, dict):
            out.setdefault(change.record_id, []).append(Version(
                at=change.local_time, by=change.author, device=change.device,
                content=change.payload))
    return out


def _file_record(stored: StoredRecord, versions: Mapping[str, list[Version]]) -> FileRecord:
    record = stored.record
    content = record.to_dict()
    history = list(versions.get(record.id, ()))
    if not history or json.dumps(history[-1].content, sort_keys=True, default=str) != json.dumps(
            content, sort_keys=True, default=str):
        history.append(Version(at=stored.updated_at, by=stored.author, content=content))
    return FileRecord(kind=record.KIND, record_id=record.id, content=content,
                      state=stored.state, author=stored.author, versions=history)


def laptop_bundle(book: Casebook, case_id: str, *, made_by: str, made_at: str,
                  team_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The file of one case from this laptop's casebook (a worker's handover print, or a
    supervisor's when the hub cannot be reached): its records, the young person and referral,
    visits linked to it, group work that names them; versions written here; this laptop's
    own audit. Audited as ``subject_file.export`` (the case id only)."""
    own = book.records(case_id=case_id)
    by_id = {s.record.id: s for s in own}
    case = next((s.record for s in own if s.record.KIND == "case"), None)
    wanted = [getattr(case, "young_person_id", None), getattr(case, "referral_id", None)]
    for record_id in wanted:
        if record_id and record_id not in by_id:
            try:
                by_id[record_id] = book.get(record_id)
            except RecordNotFound:
                continue
    plans = {s.record.id for s in book.records("visit_plan")
             if getattr(s.record, "linked_case_id", None) == case_id}
    for stored in book.records("attachment"):  # documents on the referral, before the case
        if (wanted[1] and getattr(stored.record, "attached_kind", None) == "referral"
                and getattr(stored.record, "attached_to", None) == wanted[1]):
            by_id[stored.record.id] = stored
    for kind in ("visit_plan", "check_in", "alarm", "escalation_alert", "alert_delivery",
                 "alert_ack", "alarm_resolution", "welfare_debrief", "welfare_debrief_done"):
        for stored in book.records(kind):
            if stored.record.id in plans or getattr(stored.record, "visit_id", None) in plans:
                by_id[stored.record.id] = stored
    person = by_id.get(str(wanted[0] or ""))
    words = ([str(getattr(person.record, k, "") or "") for k in ("name", "reference")]
             if person else [])
    for kind in ("group_session", "professional_activity"):
        for stored in book.records(kind, state="final"):
            text = f"{getattr(stored.record, 'topic', '')} {getattr(stored.record, 'notes', '')}"
            if any(w and len(w) >= 3 and w.lower() in text.lower() for w in words):
                by_id[stored.record.id] = stored
    versions = _versions(book.changes(unsent_only=False))
    records = [_file_record(s, versions) for s in by_id.values()]
    others = [
        str(getattr(s.record, key, "") or "")
        for s in book.records("young_person") if s.record.id != (person.record.id if person
                                                                  else None)
        for key in ("name", "reference")
    ]
    ids = set(by_id) | {case_id}
    audit = [AuditLine(at=a.at, who=a.actor, action=a.action, detail=f"record={a.subject_id}")
             for a in book.audit_trail() if a.subject_id in ids]
    book.audit("subject_file.export", case_id)
    account = SyncStore(book).account()
    people = dict(team_names or {})
    devices: dict[str, str] = {}
    if account is not None:
        people[account.user_id] = account.user_name
        devices[account.device_id] = account.device_name
    return build_bundle(case_id, records, audit, source="laptop", made_at=made_at,
                        made_by=made_by, known=KnownNames(others=[o for o in others if o],
                                                          people=people, devices=devices))


# --------------------------------------------------------------------------- the readable file
@dataclass(frozen=True)
class FileEntry:
    """One record as the file shows it: a heading, its fields, its versions and what is
    flagged in it for review."""

    heading: str
    fields: list[tuple[str, str]]
    flags: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FileSection:
    """A part of the file: a title and its entries (or a line saying there are none)."""

    title: str
    entries: list[FileEntry]
    empty: str = tr.noop("Nothing recorded.")  # file_sections gives it translated


SECTION_TITLES: Final = {
    "young_person": tr.noop("About the young person"),
    "referral": tr.noop("Referral"),
    "case": tr.noop("The case"),
    "casework": tr.noop("Sessions, assessments, concerns, closure and amendments"),
    "attachments": tr.noop("Attached documents (listed; their contents are not in this file)"),
    "consent_and_sharing": tr.noop("Consent and information shared"),
    "supervision": tr.noop("Supervision: comments, reviews and sign-offs"),
    "lone_working": tr.noop("Visits (lone working) linked to the case"),
    "mentions": tr.noop("Group work and work with professionals that mention them"),
}
_KIND_TITLES: Final = {
    "young_person": tr.noop("Young person's details"), "referral": tr.noop("Referral"),
    "case": tr.noop("Case"), "session": tr.noop("Session"),
    "safeguarding_concern": tr.noop("Safeguarding concern"),
    "risk_assessment": tr.noop("Risk assessment"), "closure": tr.noop("Closure"),
    "amendment": tr.noop("Amendment"), "consent": tr.noop("Consent"),
    "information_share": tr.noop("Information shared"),
    "supervision_comment": tr.noop("Supervisor's comment"),
    "review_mark": tr.noop("Reviewed by a supervisor"), "sign_off": tr.noop("Sign-off"),
    "sign_off_request": tr.noop("Sign-off requested"),
    "case_supervision": tr.noop("Case supervision"), "visit_plan": tr.noop("Visit plan"),
    "check_in": tr.noop("Check-in"), "alarm": tr.noop("Alarm"),
    "escalation_alert": tr.noop("Escalation alert"), "alert_delivery": tr.noop("Alert notices"),
    "alert_ack": tr.noop("Alert acknowledged"), "alarm_resolution": tr.noop("Alarm resolved"),
    "welfare_debrief": tr.noop("Welfare debrief"),
    "welfare_debrief_done": tr.noop("Welfare debrief done"),
    "group_session": tr.noop("Group session"),
    "professional_activity": tr.noop("Work with professionals"),
    "attachment": tr.noop("Attached document"),
}
FLAG_WORDS: Final = {
    "other_young_person": tr.noop("Another young person"),
    "professional_details": tr.noop("A professional's details"),
    "names_others": tr.noop("May name someone else"),
    "contact_details": tr.noop("Contact details"),
    "family_details": tr.noop("Family member"),
}


def _section(title_key: str, entries: list[FileEntry]) -> FileSection:
    return FileSection(tr(SECTION_TITLES[title_key]), entries, tr(FileSection.empty))


def _value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, list):
        return "; ".join(_value(v) for v in value if _value(v))
    if isinstance(value, dict):
        return "; ".join(f"{humanise(str(k))}: {_value(v)}" for k, v in value.items())
    text = str(value)
    if _CODE.fullmatch(text):
        return humanise(text)
    if _DAY.fullmatch(text):
        return day(date.fromisoformat(text))
    if _TIME.match(text):
        return when_words(text)
    return text


def when_words(text: str) -> str:
    """An ISO time as the file shows it: "5 Dec 2026 02:59 UTC" (unchanged if not one)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
        return tr("{day} {time} UTC").format(day=day(moment), time=clock(moment))
    return tr("{day} {time}").format(day=day(moment), time=clock(moment))


def _fields(content: Mapping[str, Any], names: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each field in words; a value that is one of the service's people's ids (a key worker,
    who decided) is shown as their name."""
    return [(humanise(key), names.get(v, "") if isinstance(v, str) and v in names
             else _value(v)) for key, v in content.items()
            if key != "id" and not key.endswith("_id") and _value(v)]


def _names(bundle: Mapping[str, Any]) -> dict[str, str]:
    """The bundle's people and laptops by id (names where names belong, never a bare id)."""
    return {**dict(bundle.get("devices") or {}), **dict(bundle.get("people") or {})}


def _flags_under(path: str, flags: Iterable[Mapping[str, str]]) -> list[str]:
    out = []
    for flag in flags:
        if flag["path"] == path or flag["path"].startswith(path + "/"):
            where = flag["path"][len(path):].strip("/").replace("content/", "", 1)
            label = (humanise(where.split("/")[-1]) if where and where != "content"
                     else tr("Whole"))
            out.append(tr("FOR REVIEW - {label}: {why}").format(label=label, why=flag["why"]))
    return out


def _entry(entry: Mapping[str, Any], path: str,
           flags: Sequence[Mapping[str, str]], names: Mapping[str, str]) -> FileEntry:
    kind = str(entry["kind"])
    title_words = _KIND_TITLES.get(kind)
    title = tr(title_words) if title_words is not None else humanise(kind)
    state = str(entry.get("state"))
    if state == "draft":
        heading = tr("{title} (draft, not finalised)").format(title=title)
    elif state == "final":
        heading = tr("{title} (final)").format(title=title)
    else:
        heading = title
    versions = []
    for n, version in enumerate(entry.get("versions", [])):
        who = names.get(version.get("by") or "", version.get("by") or tr("unknown"))
        at = when_words(version.get("at") or "") or tr("time not known")
        line = (tr("Version {n} (superseded): {at} by {who}") if version.get("superseded")
                else tr("Version {n} (current): {at} by {who}")).format(
            n=number(n + 1), at=at, who=who)
        if version.get("device"):
            device = version["device"]
            laptop = names.get(device) or tr("laptop {id}").format(id=device)
            line = tr("{version} on {laptop}").format(version=line, laptop=laptop)
        if version.get("superseded") and version.get("content"):
            changed = [
                tr("{field} was {value}").format(field=humanise(k),
                                                 value=_value(v) or tr("(empty)"))
                for k, v in version["content"].items()
                if entry["content"].get(k) != v and k != "id"
            ]
            if changed:
                line = tr("{version} - {changes}").format(version=line,
                                                          changes="; ".join(changed))
        versions.append(line)
    if entry.get("amended_by"):
        versions.append(tr("Amended by {n} later record(s): see below.").format(
            n=number(len(entry["amended_by"]))))
    return FileEntry(heading, _fields(entry["content"], names), _flags_under(path, flags),
                     versions)


def file_sections(bundle: Mapping[str, Any]) -> list[FileSection]:
    """The bundle as the PDF's sections, in order, every record in full."""
    flags = bundle.get("third_party_flags", [])
    names = _names(bundle)
    sections: list[FileSection] = []
    for name in ("young_person", "referral", "case"):
        entry = bundle.get(name)
        entries = [] if entry is None else [_entry(entry, f"/{name}", flags, names)]
        entries += [_entry(e, f"/{name}_more/{n}", flags, names)
                    for n, e in enumerate(bundle.get(f"{name}_more", []))]
        sections.append(_section(name, entries))
    for name in LIST_SECTIONS:
        sections.append(_section(name, [
            _entry(e, f"/{name}/{n}", flags, names) for n, e in enumerate(bundle.get(name, []))
        ]))
    audit = [
        FileEntry(tr("{when}: {action}").format(when=when_words(line["at"]),
                                                action=humanise(line["action"])),
                  [(tr("Who"), names.get(line["who"], line["who"])),
                   (tr("Laptop"),
                    names.get(line.get("device") or "", line.get("device") or "")),
                   (tr("Detail"), line.get("detail") or "")])
        for line in bundle.get("audit", [])
    ]
    sections.append(FileSection(tr("Who viewed, changed, exported or shared it"), audit,
                                tr("No access recorded.")))
    review = [
        FileEntry(tr(FLAG_WORDS[flag["kind"]]) if flag["kind"] in FLAG_WORDS
                  else humanise(flag["kind"]),
                  [(tr("Where"), flag["path"]), (tr("Why"), flag["why"])])
        for flag in flags
    ]
    sections.append(FileSection(tr("Flagged for review before release"), review,
                                tr("Nothing flagged.")))
    return sections


def file_title(bundle: Mapping[str, Any]) -> str:
    """The file's title: the young person's reference (never the name on the cover line)."""
    person = bundle.get("young_person") or {}
    reference = (person.get("content") or {}).get("reference") or bundle.get("case_id")
    return tr("The file of {reference}").format(reference=reference)


def file_intro(bundle: Mapping[str, Any], recipient: str) -> list[str]:
    """The lines under the title: for whom, when made, from where, how many flags."""
    flags = len(bundle.get("third_party_flags", []))
    made = (tr("Made {when} by {who} from the hub.") if bundle.get("source") == "hub"
            else tr("Made {when} by {who} from this laptop's casebook."))
    return [
        tr("For: {recipient}").format(recipient=recipient_label(recipient)),
        made.format(
            when=when_words(str(bundle.get("made_at", ""))),
            who=_names(bundle).get(str(bundle.get("made_by", "")), bundle.get("made_by", ""))),
        tr.plural(flags, "{n} item flagged for review before release (marked FOR REVIEW; "
                         "nothing has been removed).",
                  "{n} items flagged for review before release (marked FOR REVIEW; nothing "
                  "has been removed)."),
        *bundle.get("notes", []),
    ]


# --------------------------------------------------------------- a file the hub wrote
#: The largest file from the hub Spoke reads (a young person's file is kilobytes to a few MB;
#: the limit keeps a wrong choice, such as a backup, from filling the laptop's memory).
MAX_HUB_FILE_BYTES: Final = 64 * 1024 * 1024


class UnreadableFile(ValueError):
    """The chosen file is not a young person's file Spoke can make a PDF of (the message is
    in the officer's words, and never quotes the file's contents)."""


def _is_entry(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("kind"), str)
            and isinstance(value.get("content"), dict)
            and isinstance(value.get("versions", []), list)
            and all(isinstance(v, dict) for v in value.get("versions", [])))


def _check_shape(bundle: Mapping[str, Any]) -> bool:
    """Every part the PDF reads has the shape :func:`build_bundle` gives it."""
    if not all(bundle.get(name) is None or _is_entry(bundle.get(name))
               for name in ("young_person", "referral", "case")):
        return False
    for name in (*LIST_SECTIONS, *(f"{n}_more" for n in ("young_person", "referral", "case"))):
        entries = bundle.get(name, [])
        if not isinstance(entries, list) or not all(_is_entry(e) for e in entries):
            return False
    audit = bundle.get("audit", [])
    flags = bundle.get("third_party_flags", [])
    notes = bundle.get("notes", [])
    return (isinstance(audit, list)
            and all(isinstance(a, dict) and isinstance(a.get("at"), str)
                    and isinstance(a.get("action"), str) for a in audit)
            and isinstance(flags, list)
            and all(isinstance(f, dict) and all(isinstance(f.get(k), str)
                                                for k in ("kind", "path", "why"))
                    for f in flags)
            and isinstance(notes, list) and all(isinstance(n, str) for n in notes)
            and all(isinstance(bundle.get(k) or {}, dict) for k in ("people", "devices")))


def read_hub_file(path: Path) -> dict[str, Any]:
    """Read a young person's file written by ``spoke-hub requests bundle`` (a case's, or a
    referral's that never became a case), to make its PDF. UnreadableFile, in words, for a
    missing or unreadable file, one too large, or one that is not such a file."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_HUB_FILE_BYTES + 1)
    except OSError:
        raise UnreadableFile(tr("That file could not be opened. Choose the file the hub "
                                "wrote (its name ends in -subject-file.json).")) from None
    if len(data) > MAX_HUB_FILE_BYTES:
        raise UnreadableFile(tr("That file is too large to be a young person's file from the "
                                "hub. Choose the file ending in -subject-file.json."))
    try:
        bundle = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        bundle = None
    if not isinstance(bundle, dict) or bundle.get("schema") != SCHEMA:
        raise UnreadableFile(tr("That is not a young person's file from the hub. Choose the "
                                "file the command spoke-hub requests bundle wrote (its name "
                                "ends in -subject-file.json)."))
    if not _check_shape(bundle):
        raise UnreadableFile(tr("That file from the hub is damaged or was changed after the "
                                "hub wrote it: make it again with spoke-hub requests "
                                "bundle."))
    return bundle
