"""One young person's file, from the hub: ``GET /v1/cases/{case_id}/file``,
``GET /v1/referrals/{referral_id}/file`` (a referral that never became a case:
:func:`referral_file`) and ``spoke-hub requests bundle REQUEST_ID --out DIR``.

Reads everything the hub holds about one case: every record of the case, its young person and
referral, visits linked to it (with their check-ins, alarms and alerts), each only when the
laptop-written link reaches it (``scope.in_audience``: a case naming another team's young
person or referral, or another team's visit plan naming the case, is not about the same young
person as far as the hub knows, whoever asks, the officer too), group work and
professional activity whose notes mention the young person, every accepted change of each
record (``hub_changes``: when, by whom, from which device) and the audit of who viewed,
changed, exported or shared it; :func:`spokeapp.domain.subject_file.build_bundle` lays it out
and flags third-party information.

Need-to-know: an administrator may make the file of any case (subject access is the
organisation's duty), a supervisor only of a case of their own team, with only their own
team's group work and professional activity (uncased records, about other young people too;
a mention is the young person's name, preferred name or reference as a whole word or phrase,
never part of another word); a worker is refused
(403: a worker prints their own case's file from their own casebook). An unknown case is 404.
Each file made is audited (``subject_file_export``: the case id and counts, never contents).
The PDF is made by the app (Qt lives only in ``spokeapp.ui``): the command writes the JSON.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.subject_file import AuditLine, FileRecord, KnownNames, Version, build_bundle
from spokeapp.hub.attachments import referral_documents
from spokeapp.hub.audit_view import AuditFilter, read_audit
from spokeapp.hub.backup import replace_privately
from spokeapp.hub.commands import Settings, open_session, refused
from spokeapp.hub.deps import Caller
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import audit
from spokeapp.hub.models import (
    Device,
    HubCase,
    HubChange,
    HubRecord,
    LoneWorkingRecord,
    RestrictedRecord,
    SubjectRequest,
    User,
)
from spokeapp.hub.retention import uncased_referral
from spokeapp.hub.scope import (
    ADMIN,
    SUPERVISOR,
    Actor,
    can_see_case,
    can_see_uncased,
    in_audience,
)
from spokeapp.hub.security import iso, utc_now
from spokeapp.sync.protocol import API_PREFIX, ErrorBody

EXPORT_ACTION = "subject_file_export"
_MENTION_KINDS = ("group_session", "professional_activity")
_TEXT_FIELDS = ("topic", "notes")


class UnknownCase(LookupError):
    """No case with that id on the hub."""


def check_may_read(actor: Actor, case: HubCase | None) -> HubCase:
    """The case, if ``actor`` may have its file: admin any, supervisor their team's. A
    supervisor naming a case of another team is answered exactly as one naming an id the hub
    never held (no existence oracle: docs/sync.md, "Scope (need-to-know)")."""
    if actor.role == ADMIN:
        pass
    elif actor.role == SUPERVISOR:
        if case is None or actor.team is None or case.team != actor.team:
            raise HubError(403, "out_of_scope",
                           "No case in your team has that id on the hub: you can only make "
                           "the file of a case in your own team.")
    else:
        raise HubError(403, "out_of_scope",
                       "A supervisor or administrator makes a young person's file on the hub; "
                       "print your own case's file from your casebook.")
    if case is None:
        raise HubError(404, "not_found", "No case with that id on the hub.")
    if case.restricted and actor.role != ADMIN:
        # A restriction request stops the case being used; the officer (an administrator)
        # still answers the young person's own requests from it.
        raise HubError(409, "case_restricted",
                       "This case is restricted (a restriction request): only an "
                       "administrator can make its file until the restriction is lifted.")
    return case


def _mention_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """Matches one of ``words`` (3 characters or more) as a whole word or phrase, any case,
    any run of spaces between its parts: "Tom" names Tom, not "tomorrow"; "YP-7" is not
    "YP-70". None when no word is long enough."""
    parts = sorted({" ".join(word.split()) for word in words if len(word.strip()) >= 3},
                   key=lambda part: (-len(part), part))
    if not parts:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(p) for p in part.split(" "))
                            for part in parts)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _mentions(body: dict[str, Any], pattern: re.Pattern[str]) -> bool:
    text = " ".join(str(body.get(name) or "") for name in _TEXT_FIELDS)
    return pattern.search(text) is not None


def _may_know(session: Session, actor: Actor | None, row: HubRecord) -> bool:
    """Whether a record another record points at may go in ``actor``'s file: an administrator
    (or the officer's command, ``actor`` None) any; a supervisor what a pull would give them:
    a record of a case in their scope and not restricted, or an uncased record whose author is
    in their scope. A case's ids are the laptop's to write, so a case may name a young person
    or referral of a case in another team: their details never reach this file through it
    (nor the officer's: the link must also hold, ``scope.in_audience``)."""
    if actor is None or actor.role == ADMIN:
        return True
    if row.case_id is not None:
        case = session.get(HubCase, row.case_id)
        return case is not None and not case.restricted and can_see_case(actor, case)
    return can_see_uncased(actor, session.get(User, row.author_user))


def _case_rows(session: Session, case_id: str, actor: Actor | None = None) -> list[HubRecord]:
    rows = list(session.scalars(select(HubRecord).where(HubRecord.case_id == case_id)))
    case_row = next((r for r in rows if r.kind == "case"), None)
    if case_row is None:
        case_row = session.get(HubRecord, case_id)
        if case_row is not None:
            rows.append(case_row)
    have = {r.record_id for r in rows}
    linked: set[str] = set()
    if case_row is not None:
        for key in ("young_person_id", "referral_id"):
            if isinstance(case_row.body.get(key), str):
                linked.add(case_row.body[key])
    # Visits linked to the case (as the actor may know of them, by a worker in the case's
    # audience: another team's plan naming the case is not the young person's), and their
    # check-ins, alarms and alerts.
    plans = [
        r for r in session.scalars(select(HubRecord).where(HubRecord.kind == "visit_plan"))
        if r.body.get("linked_case_id") == case_id
        and (r.case_id == case_id or _may_know(session, actor, r))
        and (case_row is None or in_audience(session, case_row, of=r))
    ]
    wanted: set[str] = set()
    if plans:
        wanted.update(session.scalars(select(LoneWorkingRecord.record_id).where(
            LoneWorkingRecord.visit_id.in_([r.record_id for r in plans]))))
        rows.extend(r for r in plans if r.record_id not in have)
        have.update(r.record_id for r in plans)
    if linked - have and case_row is not None:
        # What the case's record names, when the link holds (in_audience: a case naming
        # another team's young person or referral is not about them, for the officer too).
        rows.extend(r for r in session.scalars(select(HubRecord).where(
            HubRecord.record_id.in_(sorted(linked - have))))
            if r.case_id == case_id or (in_audience(session, r, of=case_row)
                                        and _may_know(session, actor, r)))
        have.update(linked)
    if wanted - have:
        rows.extend(session.scalars(select(HubRecord).where(
            HubRecord.record_id.in_(sorted(wanted - have)))))
    person = next((r for r in rows if r.kind == "young_person"), None)
    return rows + _mentioned(session, person, actor)


def _mentioned(session: Session, person: HubRecord | None,
               actor: Actor | None) -> list[HubRecord]:
    """Group work and professional activity whose topic or notes name ``person``.

    They are uncased: a supervisor gets only those in their need-to-know (their team's), as a
    pull would give them; an administrator (``actor`` None: the officer's command) every
    one."""
    pattern = None if person is None else _mention_pattern(
        str(person.body.get(k) or "") for k in ("name", "reference", "preferred_name"))
    if pattern is None:
        return []
    found: list[HubRecord] = []
    authors: dict[str, User | None] = {}
    for r in session.scalars(select(HubRecord).where(HubRecord.kind.in_(_MENTION_KINDS))
                             .order_by(HubRecord.seq)):
        if not _mentions(r.body, pattern):
            continue
        if actor is not None and actor.role != ADMIN:
            if r.author_user not in authors:
                authors[r.author_user] = session.get(User, r.author_user)
            if not can_see_uncased(actor, authors[r.author_user]):
                continue
        found.append(r)
    return found


def _other_cases(session: Session, case_id: str, person_id: str | None,
                 actor: Actor | None) -> list[str]:
    """The other cases on the hub of the same young person (a referral again opens a new case
    with the same details), those ``actor`` may know of: an administrator (or the officer's
    command, ``actor`` None) every one, a supervisor their team's cases not restricted."""
    if person_id is None:
        return []
    found: list[str] = []
    for other_id, body in session.execute(
            select(HubRecord.record_id, HubRecord.body).where(
                HubRecord.kind == "case", HubRecord.record_id != case_id)
            .order_by(HubRecord.record_id)):
        if not isinstance(body, dict) or body.get("young_person_id") != person_id:
            continue
        if actor is not None and actor.role != ADMIN:
            other = session.get(HubCase, other_id)
            if other is None or other.restricted or not can_see_case(actor, other):
                continue
        found.append(str(other_id))
    return found


def _versions(session: Session, rows: Iterable[HubRecord]) -> dict[str, list[Version]]:
    by_record: dict[str, list[Version]] = {}
    ids = [r.record_id for r in rows]
    if not ids:
        return by_record
    query = (
        select(HubChange.record_id, HubChange.accepted_at, Device.user_id, HubChange.device_id,
               HubChange.seq)
        .join(Device, Device.id == HubChange.device_id, isouter=True)
        .where(HubChange.record_id.in_(ids))
        .order_by(HubChange.seq)
    )
    for record_id, at, user_id, device_id, seq in session.execute(query):
        by_record.setdefault(record_id, []).append(
            Version(at=at, by=user_id, device=device_id, seq=seq))
    return by_record


def _file_records(session: Session, rows: list[HubRecord]) -> list[FileRecord]:
    versions = _versions(session, rows)
    out: list[FileRecord] = []
    seen: set[str] = set()
    for row in rows:
        if row.record_id in seen:
            continue
        seen.add(row.record_id)
        known = versions.get(row.record_id, [])
        latest = Version(at=row.hub_time, by=row.edited_by or row.author_user,
                         device=row.device_id, seq=row.seq, content=row.body)
        # The changes the hub accepted, then the version it holds (the last one's content).
        history = [v for v in known if v.seq != row.seq] + [latest]
        out.append(FileRecord(kind=row.kind, record_id=row.record_id, content=row.body,
                              state=row.state, author=row.author_user, versions=history))
    return out


def _known_names(session: Session, person_id: str | None) -> KnownNames:
    others: list[str] = []
    for row in session.scalars(select(HubRecord).where(HubRecord.kind == "young_person")):
        if row.record_id == person_id:
            continue
        for key in ("name", "preferred_name", "reference"):
            value = row.body.get(key)
            if isinstance(value, str) and value.strip():
                others.append(value)
    people = {str(uid): str(name) for uid, name in session.execute(select(User.id, User.name))
              if name}
    devices = {str(did): str(name)
               for did, name in session.execute(select(Device.id, Device.name)) if name}
    return KnownNames(others=others, staff=list(people.values()), people=people,
                      devices=devices)


def subject_file(session: Session, case_id: str, *, made_by: str,
                 now: datetime | None = None, actor: Actor | None = None) -> dict[str, Any]:
    """The bundle of one case as the hub holds it (UnknownCase if the hub has no such case).

    ``actor``: who asked through the API (None: the officer's ``spoke-hub`` command, which
    reads as an administrator); a supervisor's file holds only their team's group work and
    professional activity. Writes the ``subject_file_export`` audit entry in ``session`` (the
    caller commits)."""
    if session.get(HubCase, case_id) is None:
        raise UnknownCase(case_id)
    rows = _case_rows(session, case_id, actor)
    person = next((r for r in rows if r.kind == "young_person"), None)
    lines = [
        AuditLine(at=row.when, who=row.who, action=row.action, device=row.device,
                  detail=row.detail)
        for row in read_audit(session, AuditFilter(case=case_id))
    ]
    records = _file_records(session, rows)
    bundle = build_bundle(
        case_id, records, lines, source="hub", made_at=iso(now or utc_now()), made_by=made_by,
        known=_known_names(session, person.record_id if person else None),
    )
    others = _other_cases(session, case_id, person.record_id if person else None, actor)
    if others:
        # Subject access is for everything held about them; the file is made case by case.
        bundle["notes"].append(
            "This young person is also in another case on the hub ("
            + ", ".join(others) + "): each case has a file of its own; make those files too "
            "when answering a subject access request.")
    audit(session, made_by, EXPORT_ACTION, case_id,
          f"records={len(records)};flags={len(bundle['third_party_flags'])}")
    return bundle


# ------------------------------------------------------- a referral that never became a case
class UnknownReferral(LookupError):
    """No referral with that id on the hub, or it became a case (then the case's file is the
    one to make)."""


def check_may_read_referral(session: Session, actor: Actor, referral_id: str) -> HubRecord:
    """The referral, if ``actor`` may have its file: an administrator any, a supervisor one
    written in their own team (an uncased record's need-to-know, as a pull gives it)."""
    if actor.role not in (ADMIN, SUPERVISOR):
        raise HubError(403, "out_of_scope",
                       "A supervisor or administrator makes a young person's file on the hub.")
    row = session.get(HubRecord, referral_id)
    if actor.role != ADMIN and (
            row is None or row.kind != "referral"
            or not can_see_uncased(actor, session.get(User, row.author_user))):
        # Another team's referral, any other record and an id never held: one answer.
        raise HubError(403, "out_of_scope",
                       "No referral taken in your team has that id on the hub: you can only "
                       "make the file of a referral taken in your own team.")
    if row is None or row.kind != "referral":
        raise HubError(404, "not_found", "No referral with that id on the hub.")
    if uncased_referral(session, referral_id) is None:
        raise HubError(409, "referral_has_case",
                       "This referral became a case: make the case's file, which holds it.")
    if actor.role != ADMIN and session.scalar(select(RestrictedRecord.record_id).where(
            RestrictedRecord.referral_id == referral_id).limit(1)) is not None:
        raise HubError(409, "case_restricted",
                       "This referral is restricted (a restriction request): only an "
                       "administrator can make its file until the restriction is lifted.")
    return row


def _others_about(session: Session, person_id: str | None, referral_id: str,
                  actor: Actor | None) -> list[str]:
    """The cases, and the other referrals that never became a case, about the same young
    person, that ``actor`` may know of (an administrator or the officer's command: all)."""
    found = [f"case {case_id}" for case_id in _other_cases(session, "", person_id, actor)]
    if person_id is None:
        return found
    for row in session.scalars(select(HubRecord).where(
            HubRecord.kind == "referral", HubRecord.record_id != referral_id)
            .order_by(HubRecord.record_id)):
        if not isinstance(row.body, dict) or row.body.get("young_person_id") != person_id:
            continue
        if uncased_referral(session, row.record_id) is None:
            continue  # its case is listed, and holds it
        if actor is not None and actor.role != ADMIN and not can_see_uncased(
                actor, session.get(User, row.author_user)):
            continue
        found.append(f"referral {row.record_id}")
    return found


def referral_file(session: Session, referral_id: str, *, made_by: str,
                  now: datetime | None = None, actor: Actor | None = None) -> dict[str, Any]:
    """The bundle of a referral that never became a case (UnknownReferral otherwise): the
    referral, its young person, the documents attached to it, group work and professional
    activity naming the young person (a supervisor's: their team's only), every accepted
    change of each, and the hub's audit of the referral and the young person. The bundle's
    ``case_id`` is the referral's id and ``subject`` is ``"referral"``; its ``case`` is
    empty. Writes the ``subject_file_export`` audit entry (the caller commits)."""
    referral = uncased_referral(session, referral_id)
    if referral is None:
        raise UnknownReferral(referral_id)
    rows = [referral]
    person_id = referral.body.get("young_person_id")
    person = session.get(HubRecord, person_id) if isinstance(person_id, str) else None
    if person is not None and person.kind == "young_person" and in_audience(
            session, person, of=referral) and _may_know(session, actor, person):
        rows.append(person)
    else:
        person = None
    rows += [document for document in referral_documents(session, rows)
             if in_audience(session, referral, of=document)]
    rows += _mentioned(session, person, actor)
    subjects = [referral_id] + ([person.record_id] if person is not None else [])
    lines = sorted(
        (AuditLine(at=row.when, who=row.who, action=row.action, device=row.device,
                   detail=row.detail)
         for subject in subjects for row in read_audit(session, AuditFilter(case=subject))),
        key=lambda line: line.at)
    records = _file_records(session, rows)
    bundle = build_bundle(
        referral_id, records, lines, source="hub", made_at=iso(now or utc_now()),
        made_by=made_by,
        known=_known_names(session, person.record_id if person is not None else None),
    )
    bundle["subject"] = "referral"
    bundle["notes"].append(
        "This referral never became a case: the file holds the referral, the young person's "
        "details, the documents attached to it and any group work or work with "
        "professionals that names them.")
    others = _others_about(session, person.record_id if person is not None else None,
                           referral_id, actor)
    if others:
        bundle["notes"].append(
            "This young person is also in " + ", ".join(others) + " on the hub: each has a "
            "file of its own; make those files too when answering a subject access request.")
    audit(session, made_by, EXPORT_ACTION, referral_id,
          f"subject=referral;records={len(records)};flags={len(bundle['third_party_flags'])}")
    return bundle


def router() -> APIRouter:
    """``GET /v1/cases/{case_id}/file``, for ``create_app`` to include."""
    api = APIRouter()

    @api.get(
        f"{API_PREFIX}/cases/{{case_id}}/file",
        responses={code: {"model": ErrorBody} for code in (401, 403, 404, 409)},
        summary="Everything the hub holds about one young person's case (subject access)",
    )
    def case_file(request: Request, caller: Caller, case_id: str) -> dict[str, Any]:
        with Session(request.app.state.engine) as session, session.begin():
            check_may_read(caller.actor, session.get(HubCase, case_id))
            return subject_file(session, case_id, made_by=caller.actor.user_id,
                                now=request.app.state.clock(), actor=caller.actor)

    @api.get(
        f"{API_PREFIX}/referrals/{{referral_id}}/file",
        responses={code: {"model": ErrorBody} for code in (401, 403, 404, 409)},
        summary="Everything the hub holds about a referral that never became a case "
                "(subject access)",
    )
    def referral_subject_file(request: Request, caller: Caller,
                              referral_id: str) -> dict[str, Any]:
        with Session(request.app.state.engine) as session, session.begin():
            check_may_read_referral(session, caller.actor, referral_id)
            return referral_file(session, referral_id, made_by=caller.actor.user_id,
                                 now=request.app.state.clock(), actor=caller.actor)

    return api


def write_bundle(bundle: dict[str, Any], folder: Path) -> Path:
    """Write ``<case>-subject-file.json`` in ``folder`` (made owner-only if new), readable by
    its owner only: in full to a temporary file beside it (0600 from the start), then renamed
    into place, so a write that fails (a full disk) leaves no part of a young person's file
    behind and an earlier file of the same name as it was."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{bundle['case_id']}-subject-file.json"
    replace_privately(path, json.dumps(bundle, ensure_ascii=False, indent=1), ".subject-file-")
    return path


def cmd_bundle(args: argparse.Namespace, settings: Settings) -> int:
    """``spoke-hub requests bundle ID --out DIR``: the file of an access request's case.

    The file is written inside the transaction that audits it: a write that fails rolls the
    audit entry back (nothing was exported), and a commit that fails removes the file."""
    path: Path | None = None
    with open_session(args, settings) as session:
        try:
            with session.begin():
                request = session.get(SubjectRequest, args.request_id)
                if request is None:
                    return refused(f"No request with id {args.request_id} on this hub.")
                if request.kind != "access":
                    return refused(
                        f"Request {args.request_id} is not a subject access request.")
                try:
                    if request.subject == "referral":
                        bundle = referral_file(session, request.case_id, made_by="cli")
                    else:
                        bundle = subject_file(session, request.case_id, made_by="cli")
                except UnknownCase:
                    return refused(
                        f"The case of request {args.request_id} is no longer on the hub.")
                except UnknownReferral:
                    return refused(
                        f"The referral of request {args.request_id} is no longer on the hub "
                        "without a case (disposed of, or it became a case: make that case's "
                        "file).")
                path = write_bundle(bundle, args.out)
        except OSError as exc:
            if path is not None:
                path.unlink(missing_ok=True)
            return refused(
                f"Could not write the file in {args.out}: {exc.strerror or 'write failed'}. "
                "Nothing was written and no export was recorded.")
        except BaseException:
            if path is not None:
                path.unlink(missing_ok=True)
            raise
    flags = len(bundle["third_party_flags"])
    print(f"Wrote {path} ({flags} item{'s' if flags != 1 else ''} flagged for review before "
          "release). Make the PDF from it in the Spoke app: Spoke menu, Make a PDF of a file "
          "from the hub….")
    return 0


def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub requests bundle`` beside the other ``requests`` commands (call after
    ``subject_requests.register``, which makes the ``requests`` group)."""
    group = commands.choices["requests"]
    actions = next(
        a for a in group._actions  # argparse keeps its subcommands there
        if isinstance(a, argparse._SubParsersAction)
    )
    p = actions.add_parser(
        "bundle", parents=[common],
        help="write the subject access file (JSON) of an access request's case",
    )
    p.add_argument("request_id", type=int, metavar="ID")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="the folder to write <case>-subject-file.json in")
    p.set_defaults(run=lambda a: cmd_bundle(a, settings))
