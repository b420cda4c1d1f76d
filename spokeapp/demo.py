"""An obviously fictional demo casebook, so a newcomer can see Spoke with something in it.

Every name is a "Demo" name and every reference starts ``DEMO-``: nothing here describes a
real young person. The demo profile carries a marker file; ``prepare_demo_profile`` rebuilds
only a folder that is empty or already a demo, so it can never overwrite a real casebook.
"""

from __future__ import annotations

import random
import shutil
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final

from spokeapp.crypto.keyfile import KdfParameters
from spokeapp.demo_hub import DEMO_AREAS, DemoHub, create_demo_hub_database
from spokeapp.domain.closure import closure_outcome
from spokeapp.domain.errors import SpokeError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    ActivityType,
    AssessmentType,
    Case,
    CaseStatus,
    ChosenBy,
    Closure,
    ClosureReason,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ContactType,
    GroupSession,
    GroupSetting,
    MeetAgain,
    Profession,
    ProfessionalActivity,
    RaisedTo,
    Referral,
    ReferralDecision,
    RiskAssessment,
    SafeguardingConcern,
    Session,
    ShareWith,
    SourceType,
    VenueType,
    YoungPerson,
)
from spokeapp.domain.risk_tool import RiskTool
from spokeapp.resources import load_risk_tool
from spokeapp.store.areas import save_areas
from spokeapp.store.casebook import Casebook

DEMO_PASSPHRASE: Final = "demo passphrase - fictional data only"  # noqa: S105 - shown on screen
MARKER: Final = "SPOKE-DEMO-PROFILE"

_FIRST = ["Amber", "Birch", "Cedar", "Dune", "Ember", "Fern", "Gale", "Heath"]
_DISCUSSED = [
    "Talked about school and who they spend time with after school. Agreed to meet at the "
    "library cafe next week.",
    "Went through the online safety plan together; changed privacy settings on two apps.",
    "Talked about staying at a friend's house and how they get home late at night.",
    "Worked on the 'healthy relationships' sheet; they led the conversation about trust.",
    "Missed the bus; we met in the car park and talked in the car for twenty minutes.",
]
_WORDS = [
    "\"I want to keep meeting you, it helps to talk to someone who isn't my mum.\"",
    "\"I didn't think anyone would notice.\"",
    "\"Can we go somewhere quieter next time?\"",
    "\"I know he's older but he's nice to me.\"",
]


class DemoProfileError(SpokeError):
    """The chosen folder holds something that is not a demo; it was left untouched."""


def _answers(tool: RiskTool, rng: random.Random, intensity: float) -> dict[str, int]:
    answers: dict[str, int] = {}
    for domain in tool.domains:
        for indicator in domain.indicators:
            roll = rng.random()
            answers[indicator.id] = 2 if roll < intensity * 0.4 else (1 if roll < intensity else 0)
    return answers


def _assessment(
    tool: RiskTool, case_id: str, kind: AssessmentType, on: date, answers: dict[str, int]
) -> RiskAssessment:
    result = tool.score(answers)
    return RiskAssessment(
        id=new_id(), case_id=case_id, assessment_type=kind, assessed_on=on, tool_id=tool.tool_id,
        tool_version=tool.version, answers=tuple(sorted(answers.items())), score=result.score,
        level=result.level,
    )


def seed_demo(
    book: Casebook, *, today: date | None = None, tool: RiskTool | None = None, seed: int = 7
) -> dict[str, int]:
    """Write a small fictional caseload: referrals, open cases with sessions and assessments,
    one closed case with its outcome, a concern, a consent to share, group work and a
    training session."""
    tool = tool or load_risk_tool()
    today = today or datetime.now(UTC).date()
    rng = random.Random(seed)  # noqa: S311 - repeatable fictional data, not a secret
    counts = {"young people": 0, "sessions": 0, "risk assessments": 0, "closed cases": 0}
    save_areas(book, DEMO_AREAS)  # as if synced with the demo hub
    for n, first in enumerate(_FIRST, start=1):
        yp = YoungPerson(
            id=new_id(), reference=f"DEMO-{n:02d}", name=f"Demo {first} Example",
            preferred_name=first, date_of_birth=date(today.year - 13 - n % 4, 1 + n % 12, 10),
            gender=None, needs="Fictional demo record.",
        )
        book.save(yp)
        opened = today - timedelta(days=30 + 15 * n)
        referral = Referral(
            id=new_id(), young_person_id=yp.id, received_on=opened - timedelta(days=5),
            source_agency="Demo County Council", source_type=SourceType.CHILDRENS_SOCIAL_CARE,
            reason="Fictional demo referral.", decision=ReferralDecision.ACCEPTED,
            decided_on=opened, consent_to_share=True,
        )
        book.save(referral)
        # Every case but one in a (fictional) area; the one shows "Not known".
        area = None if n == 2 else DEMO_AREAS[n % len(DEMO_AREAS)].name
        case = Case(
            id=new_id(), young_person_id=yp.id, referral_id=referral.id, key_worker=book.author,
            opened_on=opened, local_authority=area,
        )
        book.save(case)  # the case first, as a worker would: its records follow it to the hub
        initial = _assessment(
            tool, case.id, AssessmentType.INITIAL, opened + timedelta(days=2),
            _answers(tool, rng, 0.55),
        )
        book.save(initial, finalise=True)
        counts["risk assessments"] += 1
        latest = initial
        for s in range(4 + n % 4):
            when = datetime.combine(opened + timedelta(days=7 * s + 3), datetime.min.time(), UTC)
            session = Session(
                id=new_id(), case_id=case.id, contact_type=ContactType.ONE_TO_ONE,
                occurred_at=when.replace(hour=16, minute=30), duration_minutes=45 + 15 * (s % 3),
                venue_type=rng.choice([VenueType.CAFE, VenueType.CAR, VenueType.SCHOOL,
                                       VenueType.COMMUNITY_BUILDING]),
                venue_chosen_by=ChosenBy.YOUNG_PERSON, pace_set_by=ChosenBy.TOGETHER,
                discussed=rng.choice(_DISCUSSED), young_persons_words=rng.choice(_WORDS),
                wants_to_meet_again=MeetAgain.YES, actions="Meet again next week.",
            )
            book.save(session, finalise=True)
            counts["sessions"] += 1
        if n % 2 == 0:
            latest = _assessment(
                tool, case.id, AssessmentType.REVIEW, opened + timedelta(days=40),
                _answers(tool, rng, 0.3),
            )
            book.save(latest, finalise=True)
            counts["risk assessments"] += 1
        if n == 2:
            given = opened + timedelta(days=1)
            book.save(Consent(
                id=new_id(), case_id=case.id, given_on=given,
                given_by=ConsentGivenBy.YOUNG_PERSON, given_by_name=yp.name,
                method=ConsentMethod.VERBAL, review_on=given + timedelta(days=182),
                explained="Fictional demo: what we share, with whom and why; they can say no.",
                share_with=(ShareWith.POLICE, ShareWith.CHILDRENS_SOCIAL_CARE),
            ), finalise=True)
        if n == 3:
            concern = SafeguardingConcern(
                id=new_id(), case_id=case.id, raised_on=opened + timedelta(days=10),
                raised_to=RaisedTo.CHILDRENS_SOCIAL_CARE, their_reference="DEMO-MASH-0001",
                summary="Fictional demo concern shared with the demo MASH team.",
            )
            book.save(concern, finalise=True)
            # A document, so a newcomer finds Documents on the case page with one in it.
            book.attach(
                _demo_picture(), case_id=case.id, title="Drawing of the park (demo)",
                document_date=concern.raised_on, attached_kind="safeguarding_concern",
                attached_to=concern.id, file_name="demo-drawing.png",
                note="Fictional demo picture: a park with a bench under a blue sky.",
            )
        if n == len(_FIRST):
            closing = _assessment(
                tool, case.id, AssessmentType.CLOSURE, today - timedelta(days=3),
                _answers(tool, rng, 0.1),
            )
            book.save(closing, finalise=True)
            counts["risk assessments"] += 1
            book.save(Closure(
                id=new_id(), case_id=case.id, closed_on=today - timedelta(days=2),
                reason=ClosureReason.OUTCOMES_MET, closing_assessment_id=closing.id,
                outcome=closure_outcome(initial, closing, tool),
            ), finalise=True)
            case = Case(
                id=case.id, young_person_id=yp.id, referral_id=referral.id,
                key_worker=book.author, opened_on=opened, status=CaseStatus.CLOSED,
                current_risk_level=closing.level, closed_on=today - timedelta(days=2),
                local_authority=area,
            )
            counts["closed cases"] += 1
        else:
            case = Case(
                id=case.id, young_person_id=yp.id, referral_id=referral.id,
                key_worker=book.author, opened_on=opened, current_risk_level=latest.level,
                local_authority=area,
            )
        book.save(case)
        counts["young people"] += 1
    book.save(GroupSession(
        id=new_id(), held_on=today - timedelta(days=12), setting=GroupSetting.SCHOOL,
        topic="Staying safe online (demo)", young_people_reached=24,
    ), finalise=True)
    book.save(ProfessionalActivity(
        id=new_id(), held_on=today - timedelta(days=20), activity_type=ActivityType.TRAINING,
        topic="Spotting signs of exploitation (demo)",
        attendees_by_profession=((Profession.POLICE, 6), (Profession.EDUCATION, 9)),
    ), finalise=True)
    return counts


def _demo_picture(width: int = 480, height: int = 320) -> bytes:
    """A plain fictional picture (sky, grass and a bench) as a PNG, made without Qt."""
    sky, grass, bench = b"\x9f\xc6\xe8", b"\x6a\xa8\x4f", b"\x6b\x4a\x2b"
    rows = []
    for y in range(height):
        row = bytearray((sky if y < height * 3 // 5 else grass) * width)
        if height // 2 <= y < height * 2 // 3:
            left, right = width * 2 // 5, width * 3 // 5
            row[left * 3:right * 3] = bench * (right - left)
        rows.append(b"\x00" + bytes(row))

    def block(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + block(b"IHDR", header)
            + block(b"IDAT", zlib.compress(b"".join(rows), 9)) + block(b"IEND", b""))


@dataclass
class DemoResult:
    """What ``prepare_demo_profile`` made; ``hub`` is running when one was asked for."""

    summary: str
    hub: DemoHub | None = None
    synced: int = 0


def prepare_demo_profile(
    profile: Path,
    *,
    kdf: KdfParameters | None = None,
    today: date | None = None,
    with_hub: bool = False,
) -> DemoResult:
    """(Re)create the demo casebook in ``profile``, with its own hub if asked.

    With ``with_hub`` a real hub is started on loopback (database in ``profile/hub``), the
    demo laptop is enrolled with a one-time code, the caseload is written as that worker and
    synced. The hub keeps running for the app; stop it with ``result.hub.stop()``.
    """
    if profile.exists() and any(profile.iterdir()) and not (profile / MARKER).exists():
        raise DemoProfileError(
            "That folder is not empty and is not a Spoke demo profile; it was left untouched. "
            "Choose an empty folder for the demo."
        )
    if profile.exists():
        shutil.rmtree(profile)
    profile.mkdir(parents=True, mode=0o700)
    (profile / MARKER).write_text("This folder holds Spoke's fictional demo casebook.\n")
    (profile / MARKER).chmod(0o600)
    book, _recovery = Casebook.create(profile, DEMO_PASSPHRASE, author="demo-worker", kdf=kdf)
    hub: DemoHub | None = None
    synced = 0
    with book:
        if with_hub:
            from spokeapp.sync.engine import SyncEngine

            engine, users = create_demo_hub_database(profile / "hub")
            hub = DemoHub(engine)
            url = hub.start()
            sync = SyncEngine(book)
            account = sync.enrol(url, users.worker_code, "Demo laptop")
            book.author = account.user_id
        counts = seed_demo(book, today=today)
        if with_hub:
            report = sync.sync_once()
            if report.error:
                hub.stop()  # type: ignore[union-attr]
                raise DemoProfileError(f"The demo could not sync with its hub: {report.error}")
            synced = report.accepted
    summary = (
        f"{counts['young people']} fictional young people, {counts['sessions']} sessions, "
        f"{counts['risk assessments']} risk assessments, {counts['closed cases']} closed case."
    )
    return DemoResult(summary, hub, synced)
