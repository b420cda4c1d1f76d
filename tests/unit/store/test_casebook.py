"""The casebook: records, drafts and finalising, change log, audit, search and caseload."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlcipher3

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.ids import id_timestamp_ms
from spokeapp.domain.records import CaseStatus
from spokeapp.store.casebook import (
    Casebook,
    RecordIsFinal,
    RecordNotFound,
    WeakPassphrase,
    fts_query,
)
from spokeapp.store.database import CasebookError, SchemaTooNew
from spokeapp.store.migrations import LATEST_VERSION
from tests.helpers.records import (
    PASSPHRASE,
    StepClock,
    amendment,
    case,
    concern,
    later,
    new_casebook,
    raw_connection,
    seeded_case,
    session,
    snapshot,
    young_person,
)


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def book(tmp_path: Path, clock: StepClock) -> Iterator[Casebook]:
    opened, _recovery = new_casebook(tmp_path / "profile", clock=clock)
    with opened:
        yield opened


def _ids(book: Casebook, **filters: str) -> set[str]:
    return {stored.record.id for stored in book.records(**filters)}


def _hit_ids(book: Casebook, text: str) -> set[str]:
    return {hit.record_id for hit in book.search_notes(text)}


# ------------------------------------------------------------------------- setting up


def test_create_refuses_a_short_passphrase_and_leaves_nothing_behind(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    with pytest.raises(WeakPassphrase, match="at least 10 characters"):
        Casebook.create(profile, "short")
    assert not profile.exists()


def test_create_refuses_to_overwrite_an_existing_casebook(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    with book:
        book.save(young_person())
    before = snapshot(profile)
    with pytest.raises(CasebookError, match="already exists"):
        new_casebook(profile)
    assert snapshot(profile) == before


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    book.close()
    (profile / "casebook.db").unlink()
    with pytest.raises(CasebookError, match="database is missing"):
        Casebook.open(profile, PASSPHRASE)


def test_closed_casebook_refuses_reads_and_writes(book: Casebook) -> None:
    book.close()
    assert not book.is_open
    with pytest.raises(CasebookError, match="locked"):
        book.records()
    with pytest.raises(CasebookError, match="locked"):
        book.save(young_person())
    book.close()  # closing twice is harmless (auto-lock may race a manual lock)


# ------------------------------------------------------------------------- saving and reading


def test_saved_records_come_back_identical_after_reopening(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    with book:
        yp, ref, cs = seeded_case(book)
        final = session(cs.id, discussed="Talked about the bus home.", concerns="Late nights.")
        stored = book.save(final, finalise=True)
        assert stored.state == "final" and stored.revision == 1
        assert stored.finalised_at is not None and stored.author == "test-worker"
    with Casebook.open(profile, PASSPHRASE) as reopened:
        for record, state in ((yp, "header"), (ref, "header"), (cs, "header"), (final, "final")):
            got = reopened.get(record.id)
            assert got.record == record
            assert got.state == state
        assert reopened.count() == 4
        assert reopened.count("session") == 1
        assert [s.record.id for s in reopened.records("session", case_id=cs.id)] == [final.id]


def test_get_unknown_record_is_record_not_found(book: Casebook) -> None:
    with pytest.raises(RecordNotFound):
        book.get(str(uuid.uuid4()))


def test_invalid_record_is_refused_at_finalise_and_nothing_is_written(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    changes_before = len(book.changes(include_local_only=True))
    bad = session(cs.id, discussed="", duration_minutes=0)
    with pytest.raises(ValidationError) as raised:
        book.save(bad, finalise=True)
    assert {"discussed", "duration_minutes"} <= raised.value.fields()
    with pytest.raises(RecordNotFound):
        book.get(bad.id)
    assert len(book.changes(include_local_only=True)) == changes_before


def test_half_written_draft_is_kept_and_cannot_be_finalised_until_complete(
    book: Casebook,
) -> None:
    _yp, _ref, cs = seeded_case(book)
    half = session(cs.id, discussed="", duration_minutes=0)
    assert book.save(half).state == "draft"
    with pytest.raises(ValidationError):
        book.finalise(half.id)
    assert book.get(half.id).state == "draft"


def test_invalid_header_is_refused_and_nothing_is_written(book: Casebook) -> None:
    changes_before = len(book.changes(include_local_only=True))
    bad = young_person(reference="")
    with pytest.raises(ValidationError) as raised:
        book.save(bad)
    assert "reference" in raised.value.fields()
    with pytest.raises(RecordNotFound):
        book.get(bad.id)
    assert len(book.changes(include_local_only=True)) == changes_before


def test_headers_stay_editable(book: Casebook) -> None:
    yp = young_person(needs="First note about needs.")
    book.save(yp)
    edited = young_person(id=yp.id, needs="Needs a quiet room.")
    stored = book.save(edited)
    assert stored.state == "header" and stored.revision == 2
    assert book.get(yp.id).record == edited


def test_saving_a_record_of_another_kind_over_an_id_is_refused(book: Casebook) -> None:
    yp, _ref, _cs = seeded_case(book)
    with pytest.raises(CasebookError, match="another kind"):
        book.save(case(yp, id=yp.id))
    assert book.get(yp.id).record == yp


# ------------------------------------------------------------------------- drafts and finals


def test_draft_is_editable_until_finalised_then_immutable(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    draft = session(cs.id, discussed="First draft.")
    assert book.save(draft).state == "draft"
    edited = session(cs.id, id=draft.id, discussed="Second draft, more detail.")
    stored = book.save(edited)
    assert stored.state == "draft" and stored.revision == 2 and stored.finalised_at is None
    assert book.get(draft.id).record.discussed == "Second draft, more detail."

    final = book.finalise(draft.id)
    assert final.state == "final" and final.revision == 3 and final.finalised_at is not None

    with pytest.raises(RecordIsFinal, match="amendment"):
        book.save(session(cs.id, id=draft.id, discussed="Rewriting history."))
    with pytest.raises(RecordIsFinal):
        book.save(edited, finalise=True)
    with pytest.raises(RecordIsFinal):
        book.discard_draft(draft.id)
    assert book.get(draft.id).record == edited
    assert book.get(draft.id).state == "final"


def test_database_itself_refuses_to_change_or_delete_a_final_record(
    tmp_path: Path, book: Casebook
) -> None:
    """Even a bug (or a tool) bypassing Casebook.save cannot rewrite a finalised record."""
    _yp, _ref, cs = seeded_case(book)
    final = session(cs.id, discussed="What really happened.")
    book.save(final, finalise=True)
    draft = session(cs.id, discussed="Draft words.")
    book.save(draft)
    conn = raw_connection(book.profile)
    try:
        with pytest.raises(sqlcipher3.DatabaseError, match="immutable"):
            conn.execute("UPDATE records SET body = '{}' WHERE id = ?", (final.id,))
        with pytest.raises(sqlcipher3.DatabaseError, match="immutable"):
            conn.execute("UPDATE records SET state = 'draft' WHERE id = ?", (final.id,))
        with pytest.raises(sqlcipher3.DatabaseError, match="cannot be deleted"):
            conn.execute("DELETE FROM records WHERE id = ?", (final.id,))
        conn.execute("UPDATE records SET revision = revision WHERE id = ?", (draft.id,))
    finally:
        conn.close()
    assert book.get(final.id).record == final


def test_amendment_corrects_a_final_record_which_is_kept(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    original = session(cs.id, discussed="Met at the cafe.")
    book.save(original, finalise=True)
    fix = amendment(original, text="We met at the library, not the cafe.")
    book.save(fix, finalise=True)
    assert book.get(original.id).record == original
    assert _ids(book, kind="amendment", case_id=cs.id) == {fix.id}
    assert _hit_ids(book, "library") >= {fix.id}


def test_discarding_a_draft_removes_it_and_its_search_entry(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    draft = session(cs.id, discussed="Half-written note about the trampoline park.")
    book.save(draft)
    assert _hit_ids(book, "trampoline") == {draft.id}
    book.discard_draft(draft.id)
    with pytest.raises(RecordNotFound):
        book.get(draft.id)
    assert _hit_ids(book, "trampoline") == set()
    with pytest.raises(RecordNotFound):
        book.discard_draft(draft.id)
    last = book.changes(include_local_only=True)[-1]
    assert (last.record_id, last.op, last.local_only) == (draft.id, "discard", True)


def test_headers_cannot_be_discarded_as_drafts(book: Casebook) -> None:
    yp, _ref, _cs = seeded_case(book)
    with pytest.raises(RecordIsFinal, match="Only drafts"):
        book.discard_draft(yp.id)
    assert book.get(yp.id).record == yp


# ------------------------------------------------------------------------- change log


def test_every_write_appends_a_change_entry_in_order(book: Casebook, clock: StepClock) -> None:
    yp, ref, cs = seeded_case(book)
    draft = session(cs.id, discussed="Draft.")
    book.save(draft)
    book.save(session(cs.id, id=draft.id, discussed="Draft, edited."))
    book.finalise(draft.id)
    other = session(cs.id, discussed="Thrown away.")
    book.save(other)
    book.discard_draft(other.id)

    changes = book.changes(include_local_only=True, unsent_only=False)
    assert [(c.record_id, c.op, c.local_only) for c in changes] == [
        (yp.id, "put", False),
        (ref.id, "put", False),
        (cs.id, "put", False),
        (draft.id, "draft", True),
        (draft.id, "draft", True),
        (draft.id, "finalise", False),
        (other.id, "draft", True),
        (other.id, "discard", True),
    ]
    ids = [c.id for c in changes]
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    stamps = [id_timestamp_ms(i) for i in ids]
    assert stamps == sorted(stamps)
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    assert {c.author for c in changes} == {"test-worker"}
    assert {c.device for c in changes} == {book.device_id}
    uuid.UUID(book.device_id)
    # local_time is the (injected) clock at each write, so it is the worker's real time.
    times = [c.local_time for c in changes]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert set(times) <= {t.isoformat() for t in clock.calls}
    assert changes[5].payload["discussed"] == "Draft, edited."
    assert changes[0].payload == yp.to_dict()


def test_drafts_never_reach_the_sync_queue(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    draft = session(cs.id, discussed="Private working notes.")
    book.save(draft)
    to_sync = book.changes()
    assert all(not c.local_only for c in to_sync)
    assert draft.id not in {c.record_id for c in to_sync}
    book.finalise(draft.id)
    assert [c.op for c in book.changes() if c.record_id == draft.id] == ["finalise"]


def test_device_id_is_stable_across_reopening(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    device = book.device_id
    book.close()
    with Casebook.open(profile, PASSPHRASE) as reopened:
        assert reopened.device_id == device != ""
        reopened.save(young_person())
        assert reopened.changes()[-1].device == device


# ------------------------------------------------------------------------- audit


def test_audit_records_opening_viewing_and_saving(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    with book:
        _yp, _ref, cs = seeded_case(book)
    with Casebook.open(profile, PASSPHRASE, author="second-worker") as reopened:
        reopened.view_case(cs.id)
        draft = session(cs.id)
        reopened.save(draft)
        reopened.finalise(draft.id)
        reopened.audit("export.report")
        trail = reopened.audit_trail()
    actions = [(a.action, a.subject_id) for a in trail]
    assert actions[0] == ("casebook.create", None)
    assert actions[1:4] == [("record.put", r) for r in (_yp.id, _ref.id, cs.id)]
    assert actions[4:] == [
        ("casebook.open", None),
        ("case.view", cs.id),
        ("record.draft", draft.id),
        ("record.finalise", draft.id),
        ("export.report", None),
    ]
    assert {a.actor for a in trail[4:]} == {"second-worker"}
    assert [a.seq for a in trail] == sorted(a.seq for a in trail)


def test_audit_trail_refuses_update_and_delete(book: Casebook) -> None:
    book.audit("export.report")
    before = book.audit_trail()
    conn = raw_connection(book.profile)
    try:
        with pytest.raises(sqlcipher3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit SET action = 'nothing'")
        with pytest.raises(sqlcipher3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM audit")
    finally:
        conn.close()
    assert book.audit_trail() == before


# ------------------------------------------------------------------------- search


@pytest.fixture
def searchable(book: Casebook) -> dict[str, str]:
    _yp, _ref, cs = seeded_case(book)
    a = session(
        cs.id,
        discussed="Talked about the marmalade sandwiches at the cafe.",
        young_persons_words='"I hate the number 42 bus."',
    )
    b = session(
        cs.id,
        discussed="Went to the skatepark; talked about exams.",
        young_persons_words='"My cousin\'s flat is where we go after school."',
    )
    c = concern(cs.id, summary="Shared worries about an older boyfriend with the MASH team.")
    book.save(a, finalise=True)
    book.save(b, finalise=True)
    book.save(c, finalise=True)
    return {"a": a.id, "b": b.id, "c": c.id, "case": cs.id}


def test_search_finds_words_in_notes_and_in_the_young_persons_words(
    book: Casebook, searchable: dict[str, str]
) -> None:
    assert _hit_ids(book, "marmalade") == {searchable["a"]}
    assert _hit_ids(book, "cousin") == {searchable["b"]}
    assert _hit_ids(book, "boyfriend") == {searchable["c"]}
    assert _hit_ids(book, "talked about") == {searchable["a"], searchable["b"]}
    assert _hit_ids(book, "MARMALADE sandwiches") == {searchable["a"]}
    assert _hit_ids(book, "marmalade exams") == set()  # every word must appear
    hit = book.search_notes("marmalade")[0]
    assert hit.kind == "session" and hit.case_id == searchable["case"]
    assert "[marmalade]" in hit.snippet


def test_search_matches_the_start_of_the_last_word(
    book: Casebook, searchable: dict[str, str]
) -> None:
    assert _hit_ids(book, "marma") == {searchable["a"]}
    assert _hit_ids(book, "skate") == {searchable["b"]}
    assert _hit_ids(book, "older boy") == {searchable["c"]}


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "marmalade*",
        '"marmalade',
        "AND(",
        "OR",
        "NOT marmalade",
        "NEAR(a b)",
        "text:marmalade",
        "^marmalade",
        "marmalade -cafe",
        "(",
        ")",
        "'",
        "{",
        "+",
        ":",
        "-",
        "marmalade)",
        "cousin's",
        "\u2019",
        "\x00",
        "   ",
        "",
    ],
)
def test_punctuation_in_a_search_is_never_an_error(
    book: Casebook, searchable: dict[str, str], query: str
) -> None:
    hits = book.search_notes(query)
    assert all(h.record_id in searchable.values() for h in hits)


def test_punctuation_is_ignored_rather_than_interpreted(
    book: Casebook, searchable: dict[str, str]
) -> None:
    assert _hit_ids(book, '"marmalade') == {searchable["a"]}
    assert _hit_ids(book, "marmalade*") == {searchable["a"]}
    assert _hit_ids(book, "(marmalade)") == {searchable["a"]}
    assert _hit_ids(book, "NOT marmalade") == set()  # NOT is a word, not an operator
    assert _hit_ids(book, "cousin's") == {searchable["b"]}
    assert _hit_ids(book, "42 bus") == {searchable["a"]}
    assert _hit_ids(book, "*") == set()
    assert fts_query('a" OR "b') == '"a" "OR" "b"*'


def test_search_follows_draft_edits(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    draft = session(cs.id, discussed="Notes about the pineapple smoothie.")
    book.save(draft)
    assert _hit_ids(book, "pineapple") == {draft.id}
    book.save(session(cs.id, id=draft.id, discussed="Notes about the kumquat juice."))
    assert _hit_ids(book, "pineapple") == set()
    assert _hit_ids(book, "kumquat") == {draft.id}
    book.finalise(draft.id)
    assert _hit_ids(book, "kumquat") == {draft.id}


def test_search_finds_people_by_name_and_reference(book: Casebook) -> None:
    yp, _ref, _cs = seeded_case(book)
    assert _hit_ids(book, "Test Person Alpha") == {yp.id}
    assert _hit_ids(book, "YP-TEST-01") == {yp.id}
    book.save(young_person(id=yp.id, name="Test Person Renamed"))
    assert _hit_ids(book, "Alpha") == set()
    assert _hit_ids(book, "Renamed") == {yp.id}


# ------------------------------------------------------------------------- caseload


def test_caseload_shows_reference_name_risk_and_last_final_contact(book: Casebook) -> None:
    yp1, ref1, cs1 = seeded_case(book, 1)
    yp2 = young_person(2, preferred_name="Bee")
    cs2 = case(yp2, current_risk_level="high")
    book.save(yp2)
    book.save(cs2)
    book.save(session(cs1.id, occurred_at=later(0)), finalise=True)
    book.save(session(cs1.id, occurred_at=later(60 * 24 * 7)), finalise=True)
    book.save(session(cs1.id, occurred_at=later(60 * 24 * 14)))  # a draft is not contact yet
    book.save(case(yp1, ref1, id=cs1.id, current_risk_level="medium"))

    rows = book.caseload()
    assert [r.reference for r in rows] == ["YP-TEST-01", "YP-TEST-02"]
    first, second = rows
    assert (first.case_id, first.name, first.risk_level, first.status) == (
        cs1.id,
        "Test Person Alpha",
        "medium",
        "open",
    )
    assert first.last_contact == later(60 * 24 * 7)
    assert first.key_worker == "test-worker"
    assert (second.name, second.preferred_name, second.risk_level) == (
        "Test Person Bravo",
        "Bee",
        "high",
    )
    assert second.last_contact is None and second.last_assessed is None


def test_caseload_rows_carry_the_day_the_case_was_opened(book: Casebook) -> None:
    _yp, _ref, cs = seeded_case(book)
    (row,) = book.caseload()
    assert row.opened_on == cs.opened_on == date(2026, 1, 10)


def test_records_saved_together_are_stored_all_or_none(book: Casebook) -> None:
    """A closure and its case marked closed: the closure was stored final, then the case was
    refused, leaving a final closure on an open case that no second try could replace."""
    yp, ref, cs = seeded_case(book)
    first = session(cs.id)
    refused = case(yp, ref, id=cs.id, status=CaseStatus.CLOSED, closed_on=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="closed_on"):
        book.save_together([(first, True), (refused, False)])
    assert _ids(book, kind="session") == set()
    assert book.get(cs.id).record.status is CaseStatus.OPEN

    final = session(cs.id)
    book.save(final, finalise=True)
    with pytest.raises(RecordIsFinal):  # refused by the casebook on the way: rolled back
        book.save_together([(first, True), (final, True)])
    assert _ids(book, kind="session") == {final.id}

    closed = case(yp, ref, id=cs.id, status=CaseStatus.CLOSED, closed_on=date(2026, 3, 1))
    stored = book.save_together([(first, True), (closed, False)])
    assert [s.state for s in stored] == ["final", "header"]
    assert book.get(first.id).state == "final"
    assert book.get(cs.id).record.status is CaseStatus.CLOSED


def test_caseload_shows_a_closed_case_as_closed(book: Casebook) -> None:
    yp, ref, cs = seeded_case(book)
    book.save(case(yp, ref, id=cs.id, status=CaseStatus.CLOSED, closed_on=date(2026, 3, 1)))
    (row,) = book.caseload()
    assert row.status == "closed"


# ------------------------------------------------------------------------- schema too new


def test_casebook_from_a_newer_spoke_is_refused_and_left_untouched(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    with book:
        seeded_case(book)
    conn = raw_connection(profile)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = snapshot(profile)
    assert sorted(before) == ["casebook.db", "casebook.key"]

    with pytest.raises(SchemaTooNew, match="newer version of Spoke") as raised:
        Casebook.open(profile, PASSPHRASE)
    assert "nothing has been changed" in str(raised.value)
    assert snapshot(profile) == before


def test_records_not_on_the_hub_yet_are_found_without_reading_every_payload(
    book: Casebook,
) -> None:
    """What the close question and the lone-working pages ask (issue 18): the same records as
    the change log lists, by kind or among given ids; drafts never leave the laptop."""
    _yp, _ref, cs = seeded_case(book)
    sent, waiting, draft = (session(cs.id, occurred_at=later(n)) for n in (0, 60, 120))
    book.save(sent, finalise=True)
    book.save(waiting, finalise=True)
    book.save(draft)
    # As if the hub had acknowledged the first session (the sync engine's job).
    book._db().execute("UPDATE changes SET sent_at = 'acknowledged' WHERE record_id = ?",
                       (sent.id,))
    listed = {c.record_id: c.kind for c in book.changes()}
    assert book.unsent_records() == listed
    assert waiting.id in listed and sent.id not in listed and draft.id not in listed
    assert book.unsent_records({"session"}) == {waiting.id: "session"}
    assert book.unsent_records({"alarm"}) == {}
    assert book.unsent_among([sent.id, waiting.id, draft.id, "not-a-record"]) == {waiting.id}
    assert book.unsent_among([]) == set()
