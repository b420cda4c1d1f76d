"""Push and pull between laptops and a real hub, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.helpers.hub import RunningHub
from tests.helpers.records import case, concern, referral, session, young_person


def test_push_then_pull_round_trip(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    visit = session(cs.id)
    response = laptop.push_records(yp, ref, cs, visit)
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 4
    seqs = [r["seq"] for r in results]
    assert seqs == sorted(seqs)

    second = hub.laptop(worker, "Second test laptop")
    pulled = {c["record_id"]: c for c in second.pull_all()}
    assert set(pulled) == {yp.id, ref.id, cs.id, visit.id}
    assert pulled[visit.id]["payload"] == visit.to_dict()
    assert pulled[visit.id]["op"] == "finalise"
    assert pulled[cs.id]["op"] == "put"
    # The young person and referral follow the case that references them.
    assert pulled[yp.id]["case_id"] == cs.id
    assert second.pull_all() == []  # nothing new after the cursor


def test_repeated_batch_is_all_duplicate_and_stored_once(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(2)
    cs = case(yp, key_worker=worker)
    body = laptop.batch([laptop.change(yp), laptop.change(cs), laptop.change(concern(cs.id))])
    first = laptop.send(body)
    assert first.status_code == 200
    before = hub.admin.state()

    again = laptop.send(body)  # the acknowledgement was "lost"; the laptop re-sends

    assert again.status_code == 200
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
    assert [r["seq"] for r in again.json()["results"]] == [
        r["seq"] for r in first.json()["results"]
    ]
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] == 3
    assert after["hub_changes"] == before["hub_changes"]
    assert after["max_seq"] == before["max_seq"]


def test_pull_pages_are_bounded_and_ordered(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(3)
    cs = case(yp, key_worker=worker)
    laptop.push_records(yp, cs, *(concern(cs.id) for _ in range(7)))
    page = laptop.pull(after=0, limit=4).json()
    assert len(page["changes"]) == 4 and page["more"] is True
    rest = laptop.pull(after=page["next_after"], limit=100).json()
    assert rest["more"] is False
    seqs = [c["seq"] for c in page["changes"] + rest["changes"]]
    assert seqs == sorted(seqs) and len(seqs) == 9
    assert rest["next_after"] == rest["max_seq"]
