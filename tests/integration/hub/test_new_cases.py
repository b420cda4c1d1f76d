"""Opening a case on a real hub, on SQLite and PostgreSQL: its young person, its referral and
the referral's documents follow it (they are filed under the case, so whoever holds the case
gets them), whether they arrive in the same push as the case (written with the batch's
events, spoke.hub.push.transaction) or were stored before it (linked the per-change way, with
new sequence numbers that other laptops pull again). Fictional records only."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Attachment, Referral, YoungPerson
from spokeapp.hub.models import HubRecord
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, referral, session, young_person

LETTER = b"Fictional referral letter, not a real document."


def _letter(ref: Referral) -> Attachment:
    """A referral letter kept on the referral before any case exists (no case of its own)."""
    return Attachment(
        id=new_id(), case_id=None, attached_kind="referral", attached_to=ref.id,
        title="Fictional referral letter", document_date=date(2026, 3, 2), note="",
        file_name="letter-test.pdf", media_type="application/pdf", size=len(LETTER),
        sha256=hashlib.sha256(LETTER).hexdigest(),
    )


def _opening(hub: RunningHub, n: int) -> tuple[str, Laptop, YoungPerson, Referral, Attachment]:
    """A worker's laptop with a new young person, their referral and its letter (not pushed)."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    yp = young_person(n)
    ref = referral(yp)
    return worker, hub.laptop(worker), yp, ref, _letter(ref)


def _hub_seqs(hub: RunningHub) -> dict[str, tuple[int, str | None]]:
    with Session(hub.engine) as s:
        return {r.record_id: (r.seq, r.case_id) for r in s.scalars(select(HubRecord))}


def test_a_case_opened_in_one_push_files_its_person_referral_and_letter_under_it(
        hub: RunningHub) -> None:
    worker, laptop, yp, ref, letter = _opening(hub, 1)
    cs = case(yp, ref, key_worker=worker)
    visit = session(cs.id)
    before = hub.admin.state()

    response = laptop.push_records(yp, ref, letter, cs, visit)

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 5
    seqs = [r["seq"] for r in results]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5  # batch order
    # Each record is stored once, filed under the case, at the seq the laptop was told.
    stored = _hub_seqs(hub)
    assert {rid: stored[rid] for rid in (yp.id, ref.id, letter.id, cs.id, visit.id)} == {
        rid: (seq, cs.id) for rid, seq in zip((yp.id, ref.id, letter.id, cs.id, visit.id),
                                              seqs, strict=True)
    }
    assert hub.admin.state()["max_seq"] == before["max_seq"] + 5
    second = hub.laptop(worker, "Second test laptop")
    pulled = {c["record_id"]: c for c in second.pull_all()}
    assert {rid: pulled[rid]["case_id"] for rid in (yp.id, ref.id, letter.id)} == {
        yp.id: cs.id, ref.id: cs.id, letter.id: cs.id}
    assert pulled[yp.id]["payload"] == yp.to_dict()


def test_a_case_opened_after_its_person_referral_and_letter_were_pushed_files_them_too(
        hub: RunningHub) -> None:
    worker, laptop, yp, ref, letter = _opening(hub, 2)
    first = laptop.push_records(yp, ref, letter).json()["results"]
    cs = case(yp, ref, key_worker=worker)

    (opened,) = laptop.push_records(cs).json()["results"]

    assert opened["status"] == "accepted"
    stored = _hub_seqs(hub)
    for rid, earlier in zip((yp.id, ref.id, letter.id), first, strict=True):
        seq, case_id = stored[rid]
        # Filed under the case in a new version after it, so laptops pull them again.
        assert case_id == cs.id and seq > opened["seq"] > earlier["seq"]
    second = hub.laptop(worker, "Second test laptop")
    pulled = {c["record_id"]: c for c in second.pull_all()}
    assert {rid: pulled[rid]["case_id"] for rid in (yp.id, ref.id, letter.id)} == {
        yp.id: cs.id, ref.id: cs.id, letter.id: cs.id}


def test_a_letter_stored_before_its_referral_follows_the_case_opened_with_the_referral(
        hub: RunningHub) -> None:
    worker, laptop, yp, ref, letter = _opening(hub, 3)
    (kept,) = laptop.push_records(letter).json()["results"]
    cs = case(yp, ref, key_worker=worker)

    results = laptop.push_records(yp, ref, cs).json()["results"]

    assert [r["status"] for r in results] == ["accepted"] * 3
    stored = _hub_seqs(hub)
    assert stored[letter.id][1] == cs.id and stored[letter.id][0] > kept["seq"]
    assert stored[yp.id][1] == stored[ref.id][1] == cs.id


def test_a_worker_cannot_open_a_case_for_someone_else_with_its_person_in_the_same_push(
        hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    other = hub.admin.add_user("Test Worker B", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(4)
    ref = referral(yp)
    before = hub.admin.state()

    response = laptop.push(*(laptop.change(r) for r in (yp, ref, case(yp, ref, key_worker=other))))

    assert response.status_code == 403
    assert response.json()["error"] == "out_of_scope"
    assert hub.admin.state() == before  # refused whole: nothing stored


def test_two_cases_naming_one_new_young_person_file_it_under_the_first(
        hub: RunningHub) -> None:
    """As when the person was stored before: a record already filed stays where it is."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(5)
    first, second = case(yp, key_worker=worker), case(yp, key_worker=worker)

    results = laptop.push_records(yp, first, second).json()["results"]

    assert [r["status"] for r in results] == ["accepted"] * 3
    assert _hub_seqs(hub)[yp.id] == (results[0]["seq"], first.id)
