"""The words and rules of the "File…" dialog and the readable file: which recipients need a
lawful basis, what the worker is told, the share record left behind, the timeline line, the
file made from a real casebook (versions, audit) and the sections of the PDF."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from spokeapp.domain.records import Consent, ConsentGivenBy, ConsentMethod, ShareWith
from spokeapp.domain.records.casework import InformationShare, ShareBasis
from spokeapp.domain.subject_file import kinds_in
from spokeapp.present.subject_file import (
    basis_needed,
    consent_words_for,
    file_intro,
    file_sections,
    file_title,
    laptop_bundle,
    share_line,
    share_problems,
    share_record,
)
from tests.helpers.records import StepClock, amendment, new_casebook, seeded_case, session
from tests.unit.domain.test_subject_file import every_kind_case

GIVEN = date(2026, 1, 10)


def _consent(**changes: object) -> Consent:
    consent = Consent(id="consent-1", case_id="case-1", given_on=GIVEN,
                      given_by=ConsentGivenBy.YOUNG_PERSON, given_by_name="Test Person Alpha",
                      method=ConsentMethod.VERBAL, explained="Fictional: what is shared.",
                      share_with=(ShareWith.HEALTH, ShareWith.SCHOOL),
                      review_on=date(2026, 7, 10))
    return replace(consent, **changes)  # type: ignore[arg-type]


def test_only_agencies_the_current_consent_covers_go_without_a_basis() -> None:
    consent = _consent()
    assert not basis_needed("health", consent) and not basis_needed("school", consent)
    assert basis_needed("police", consent) and basis_needed("childrens_social_care", consent)
    assert basis_needed("other", consent)
    withdrawn = _consent(withdrawn=True, share_with=(), review_on=None, explained="",
                         supersedes_id="consent-0")
    assert basis_needed("health", withdrawn) and basis_needed("health", None)
    for own in ("young_person", "parent_or_carer", "spoke_handover"):
        assert not basis_needed(own, None)


def test_the_dialog_says_why_a_basis_is_needed() -> None:
    assert consent_words_for("health", _consent()) == (
        "Covered by the current consent (given 10 Jan 2026).")
    assert consent_words_for("police", _consent()).startswith(
        "The current consent does not cover police")
    assert consent_words_for("police", None).startswith("No consent is recorded")
    assert consent_words_for("young_person", None).startswith("No lawful basis is needed")


def test_a_share_without_consent_is_refused_until_a_basis_and_reason_are_given() -> None:
    problems = share_problems("police", "", _consent(), None, "")
    assert problems == [
        "Sharing with police is not covered by consent: choose the lawful basis for sharing "
        "without consent.",
        "Say why sharing without consent is needed (at least 20 characters).",
    ]
    basis = ShareBasis.PREVENTION_DETECTION_OF_CRIME
    assert len(share_problems("police", "", _consent(), basis, "too short")) == 1
    assert share_problems("police", "", _consent(), basis,
                          "Police investigating the adult named; court order pending.") == []
    assert share_problems("other", "", _consent(), basis, "x" * 25) == [
        "Say who the file is for (name and organisation)."]
    assert share_problems("health", "", _consent(), None, "") == []


def test_the_share_record_says_who_what_to_whom_why_and_on_what_basis() -> None:
    common = {"case_id": "case-1", "detail": "", "consent": _consent(), "reason": "",
              "shared_by": "u-fict-worker", "today": date(2026, 12, 4)}
    covered = share_record(recipient="health", basis=None, **common)  # type: ignore[arg-type]
    assert (covered.recipient, covered.basis) == ("health", ShareBasis.CONSENT)
    own = share_record(recipient="parent_or_carer", basis=None, **common)  # type: ignore[arg-type]
    assert (own.recipient, own.recipient_detail, own.basis) == (
        "other", "Their parent or carer (subject access)", ShareBasis.SUBJECT_ACCESS)
    police = share_record(
        recipient="police", basis=ShareBasis.SAFEGUARDING_CHILD_AT_RISK,
        **{**common, "reason": "Immediate risk tonight; police asked for it."})  # type: ignore[arg-type]
    for record in (covered, own, police):
        record.validate()
    assert share_line(police) == (
        "Shared with police on 4 Dec 2026 - basis: safeguarding a child at risk")
    named = replace(police, recipient="other", recipient_detail="DC Fictional, Northshire")
    assert share_line(named).startswith("Shared with DC Fictional, Northshire on 4 Dec 2026")


def test_the_file_from_a_casebook_keeps_versions_amendments_and_this_laptops_audit(
    tmp_path: Path,
) -> None:
    book, _ = new_casebook(tmp_path / "book", clock=StepClock())
    with book:
        yp, _ref, cs = seeded_case(book)
        book.save(replace(yp, name="Test Person Alphonse"))  # a correction: a new version
        note = session(cs.id)
        book.save(note, finalise=True)
        book.save(amendment(note), finalise=True)
        book.save(InformationShare(
            id="share-1", case_id=cs.id, shared_on=date(2026, 3, 2), shared_by="test-worker",
            recipient="police", what="verbal update",
            basis=ShareBasis.SAFEGUARDING_CHILD_AT_RISK,
            reason="Immediate risk tonight; police asked for it."), finalise=True)
        book.view_case(cs.id)
        bundle = laptop_bundle(book, cs.id, made_by="test-worker",
                               made_at="2026-03-02T12:00:00+00:00")
        audit_actions = [a.action for a in book.audit_trail()]

    person = bundle["young_person"]
    assert [v["superseded"] for v in person["versions"]] == [True, False]
    assert person["versions"][0]["content"]["name"] == "Test Person Alpha"
    assert person["content"]["name"] == "Test Person Alphonse"
    assert kinds_in(bundle) == {"young_person", "referral", "case", "session", "amendment",
                                "information_share"}
    assert {a["action"] for a in bundle["audit"]} >= {"case.view", "record.finalise"}
    assert audit_actions[-1] == "subject_file.export"  # making the file is audited
    sections = file_sections(bundle)
    about = sections[0].entries[0]
    assert any("Name was Test Person Alpha" in line for line in about.versions)
    assert file_title(bundle) == "The file of YP-TEST-01"


def test_the_readable_file_names_people_and_laptops_not_their_ids() -> None:
    from tests.unit.domain.test_subject_file import _bundle, _file_records

    _yp, records = every_kind_case()
    bundle = _bundle(_file_records(records))
    key_worker = bundle["case"]["content"]["key_worker"]
    bundle["people"] = {key_worker: "Test Worker Ruth"}
    bundle["case"]["versions"][-1]["by"] = key_worker
    bundle["case"]["versions"][-1]["device"] = "dev-1"
    bundle["devices"] = {"dev-1": "Test laptop Ruth"}
    case_entry = file_sections(bundle)[2].entries[0]
    assert ("Key worker", "Test Worker Ruth") in case_entry.fields
    assert case_entry.versions[-1].endswith("by Test Worker Ruth on Test laptop Ruth")
    assert not any(key_worker in value for _label, value in case_entry.fields)


def test_every_section_is_in_the_readable_file_and_flags_are_marked_for_review() -> None:
    from tests.unit.domain.test_subject_file import _bundle, _file_records

    _yp, records = every_kind_case()
    bundle = _bundle(_file_records(records))
    sections = file_sections(bundle)
    titles = [s.title for s in sections]
    assert titles == [
        "About the young person", "Referral", "The case",
        "Sessions, assessments, concerns, closure and amendments",
        "Attached documents (listed; their contents are not in this file)",
        "Consent and information shared", "Supervision: comments, reviews and sign-offs",
        "Visits (lone working) linked to the case",
        "Group work and work with professionals that mention them",
        "Who viewed, changed, exported or shared it", "Flagged for review before release",
    ]
    assert all(s.entries for s in sections), "every section has something in it"
    entries = [e for s in sections[:9] for e in s.entries]
    assert len(entries) == len(records)  # every record, none dropped
    marked = [f for e in entries for f in e.flags]
    assert len(marked) == len(bundle["third_party_flags"])
    assert all(f.startswith("FOR REVIEW - ") for f in marked)
    assert len(sections[-1].entries) == len(bundle["third_party_flags"])
    assert file_intro(bundle, "police")[0] == "For: Police"


@pytest.mark.parametrize("recipient", ["young_person", "spoke_handover"])
def test_no_reason_is_asked_of_the_young_person_or_a_handover(recipient: str) -> None:
    assert share_problems(recipient, "", None, None, "") == []


def test_a_file_from_the_hub_is_read_back_whole_and_anything_else_is_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from spokeapp.present import subject_file as present
    from tests.unit.domain.test_subject_file import _bundle, _file_records

    _yp, records = every_kind_case()
    bundle = _bundle(_file_records(records))
    good = tmp_path / "case-every-subject-file.json"
    good.write_text(json.dumps(bundle), encoding="utf-8")
    assert present.read_hub_file(good) == bundle
    assert len(file_sections(present.read_hub_file(good))) == 11

    def refused(content: bytes) -> str:
        path = tmp_path / "other-subject-file.json"
        path.write_bytes(content)
        with pytest.raises(present.UnreadableFile) as caught:
            present.read_hub_file(path)
        return str(caught.value)

    assert "not a young person's file" in refused(b"\xff\xfe not text")
    assert "not a young person's file" in refused(b"[1, 2, 3]")
    assert "not a young person's file" in refused(b'{"schema": "spoke.other/1"}')
    for broken in ({"casework": "not a list"}, {"case": {"kind": "case"}},
                   {"third_party_flags": [{"kind": "x"}]}, {"notes": [1]},
                   {"audit": [{"at": 1, "action": "x"}]}, {"people": ["a"]}):
        words = refused(json.dumps({**bundle, **broken}).encode())
        assert "damaged or was changed" in words, broken
        assert "Avery" not in words  # never the file's contents
    monkeypatch.setattr(present, "MAX_HUB_FILE_BYTES", 100)
    assert "too large" in refused(json.dumps(bundle).encode())
    with pytest.raises(present.UnreadableFile, match="could not be opened"):
        present.read_hub_file(tmp_path / "missing.json")
