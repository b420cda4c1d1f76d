"""The pull's own-records window (docs/sync.md, "Own records are not pulled back"): a laptop
names the seqs the hub just gave its events, and the hub leaves out exactly those records as
that device pushed them - nothing another device wrote, nothing the hub changed or gave a new
seq since - while ``next_after`` still covers them. SQLite and PostgreSQL (``hub`` fixture)."""

from __future__ import annotations

from typing import Any

from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, session, young_person


def _pull(laptop: Laptop, after: int, own: tuple[int, int] | None,
          limit: int = 2000, *, whole: bool = False) -> dict[str, Any]:
    params = {"after": after, "limit": limit}
    if own is not None:
        params.update(own_from=own[0], own_to=own[1])
        if whole:
            params.update(own_whole=1)
    response = laptop.http.get("/v1/sync/pull", params=params, headers=laptop.auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _seqs(response: Any) -> dict[str, int]:
    return {r["id"]: r["seq"] for r in response.json()["results"]}


def _opened(hub: RunningHub, laptop: Laptop, worker: str) -> tuple[str, int]:
    """A case ``laptop`` opened and pushed for ``worker``: its id, and the hub's top seq."""
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    laptop.push_records(yp, cs)
    return cs.id, hub.admin.state()["max_seq"]


def test_only_this_devices_unchanged_events_in_the_window_are_left_out(
    hub: RunningHub,
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    other = hub.admin.add_user("Test Worker B", "worker", "north")
    mine, spare = hub.laptop(worker, "mine"), hub.laptop(worker, "spare")
    try:
        yp, moved_yp = young_person(1), young_person(2)
        cs, moved = case(yp, key_worker=worker), case(moved_yp, key_worker=worker)
        early = session(moved.id)
        mine.push_records(yp, cs, moved_yp, moved, early)
        cursor = hub.admin.state()["max_seq"]

        # The window: this device's events, another device's event in between, and a note
        # of this device that the hub gives a new seq inside the window (its case moved away
        # and back): that one must be sent again.
        first = session(cs.id)
        a = _seqs(mine.push_records(first))
        theirs = session(cs.id)
        spare.push_records(theirs)
        hub.admin.assign_case(moved.id, other)
        hub.admin.assign_case(moved.id, worker)
        last = session(cs.id)
        b = _seqs(mine.push_records(last))
        window = (min(a.values()), max(b.values()))
        top = hub.admin.state()["max_seq"]

        page = _pull(mine, cursor, window)
        got = {c["record_id"] for c in page["changes"]}
        assert first.id not in got and last.id not in got
        assert {theirs.id, early.id, moved.id} <= got  # another's; re-seq'd; the moved case
        assert page["next_after"] == top and page["max_seq"] == top and not page["more"]

        # Without the window (an older laptop), or from another device: everything.
        assert {first.id, last.id} <= {c["record_id"] for c in _pull(mine, cursor, None)["changes"]}
        assert {first.id, last.id} <= {
            c["record_id"] for c in _pull(spare, cursor, window)["changes"]}
    finally:
        mine.close()
        spare.close()


def test_a_page_of_only_own_records_still_moves_the_cursor_to_the_top(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    mine = hub.laptop(worker, "mine")
    try:
        case_id, cursor = _opened(hub, mine, worker)
        notes = [session(case_id) for _ in range(7)]
        seqs = _seqs(mine.push_records(*notes))
        window = (min(seqs.values()), max(seqs.values()))

        page = _pull(mine, cursor, window, limit=3)

        assert page["changes"] == [] and not page["more"]
        assert page["next_after"] == hub.admin.state()["max_seq"] == window[1]
    finally:
        mine.close()


def test_a_window_with_no_gap_is_left_out_whole_and_the_rest_arrives_page_by_page(
    hub: RunningHub,
) -> None:
    """``own_whole=1``: the laptop's acknowledgements held every seq of the window, so the hub
    leaves the range out by seq alone. What lies before and after it still arrives, in seq
    order, across pages, and the cursor reaches the top."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    mine, spare = hub.laptop(worker, "mine"), hub.laptop(worker, "spare")
    try:
        case_id, cursor = _opened(hub, mine, worker)
        before = [session(case_id) for _ in range(3)]
        spare.push_records(*before)
        notes = [session(case_id) for _ in range(6)]
        seqs = _seqs(mine.push_records(*notes))
        window = (min(seqs.values()), max(seqs.values()))
        assert window[1] - window[0] + 1 == len(notes)  # no gap: what the laptop checks
        after = [session(case_id) for _ in range(4)]
        spare.push_records(*after)
        top = hub.admin.state()["max_seq"]

        got: list[str] = []
        at, pages = cursor, 0
        while True:
            page = _pull(mine, at, window, limit=2, whole=True)
            got += [c["record_id"] for c in page["changes"]]
            assert page["next_after"] > at
            at, pages = page["next_after"], pages + 1
            if not page["more"]:
                break
        assert got == [n.id for n in [*before, *after]]  # in seq order, nothing of the window
        assert at == top and pages == 4

        # The same window checked row by row leaves out exactly the same records.
        checked = _pull(mine, cursor, window)
        assert [c["record_id"] for c in checked["changes"]] == got
        assert checked["next_after"] == top
    finally:
        mine.close()
        spare.close()
