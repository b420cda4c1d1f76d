"""Child process for the crash-safety test: writes to a casebook until it is killed.

    python -m tests.helpers.crash_writer PROFILE CASE_ID YOUNG_PERSON_ID SEED

It opens the casebook with the test passphrase and loops forever, mixing finalised sessions,
drafts (new, edited, finalised later, discarded) and header updates. A line is printed, and
flushed, only AFTER the write it reports has returned, so the parent knows every reported
write was committed:

    final <id>            a session saved finalised (or a draft finalised)
    draft <id> <rev>      a draft saved at this revision
    header <id> <rev>     a case or young-person header saved at this revision
    discarding <id>       about to discard a draft (it may or may not be gone after a kill)
    discarded <id>        the draft was discarded

Every session's text holds ``crashword<id without dashes>`` so the parent can check the
full-text index agrees with the records.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, ContactType, Session, VenueType, YoungPerson
from spokeapp.store.casebook import Casebook
from tests.helpers.records import PASSPHRASE


def token(record_id: str) -> str:
    return "crashword" + record_id.replace("-", "")


def _session(case_id: str, record_id: str, revision: int) -> Session:
    return Session(
        id=record_id,
        case_id=case_id,
        contact_type=ContactType.ONE_TO_ONE,
        occurred_at=datetime(2026, 3, 2, 16, 30, tzinfo=UTC) + timedelta(minutes=revision),
        duration_minutes=30 + revision % 60,
        venue_type=VenueType.CAFE,
        discussed=f"Crash test note {token(record_id)} revision {revision}. " * 20,
        young_persons_words=f'"Revision {revision} of what I said."',
    )


def _emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    profile, case_id, yp_id, seed = Path(argv[0]), argv[1], argv[2], int(argv[3])
    rng = random.Random(seed)
    parent = os.getppid()
    book = Casebook.open(profile, PASSPHRASE, author="crash-writer")
    case_header = book.get(case_id).record
    person = book.get(yp_id).record
    assert isinstance(case_header, Case) and isinstance(person, YoungPerson)
    drafts: dict[str, int] = {}  # this child's open drafts -> revision
    levels = ["low", "medium", "high"]
    step = 0
    while os.getppid() == parent:  # stop if the test runner has gone away
        step += 1
        roll = rng.random()
        if roll < 0.30:
            record_id = new_id()
            book.save(_session(case_id, record_id, 1), finalise=True)
            _emit(f"final {record_id}")
        elif roll < 0.50 or not drafts:
            record_id = new_id()
            stored = book.save(_session(case_id, record_id, 1))
            drafts[record_id] = stored.revision
            _emit(f"draft {record_id} {stored.revision}")
        elif roll < 0.65:
            record_id = rng.choice(sorted(drafts))
            stored = book.save(_session(case_id, record_id, drafts[record_id] + 1))
            drafts[record_id] = stored.revision
            _emit(f"draft {record_id} {stored.revision}")
        elif roll < 0.75:
            record_id = rng.choice(sorted(drafts))
            del drafts[record_id]
            book.finalise(record_id)
            _emit(f"final {record_id}")
        elif roll < 0.80:
            record_id = rng.choice(sorted(drafts))
            del drafts[record_id]
            _emit(f"discarding {record_id}")
            book.discard_draft(record_id)
            _emit(f"discarded {record_id}")
        elif roll < 0.90:
            case_header = Case(
                id=case_header.id,
                young_person_id=case_header.young_person_id,
                key_worker=case_header.key_worker,
                opened_on=case_header.opened_on,
                current_risk_level=levels[step % 3],
            )
            stored = book.save(case_header)
            _emit(f"header {case_id} {stored.revision}")
        else:
            person = YoungPerson(
                id=person.id,
                reference=person.reference,
                name=person.name,
                date_of_birth=person.date_of_birth,
                needs=f"Needs note {step} " * 10,
            )
            stored = book.save(person)
            _emit(f"header {yp_id} {stored.revision}")
    book.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
