"""A push's attachment rules (docs/attachments.md, "Size limit"): a record naming a file larger
than the hub's limit is refused with 413 ``attachment_too_large``, whatever else it says; a
file is named by 64 lowercase hex digits."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from spokeapp.domain.attachments import DEFAULT_ATTACHMENT_LIMIT
from spokeapp.domain.ids import new_id
from spokeapp.hub.errors import HubError
from spokeapp.hub.push.checks import check_change
from spokeapp.sync.protocol import ChangeIn


def _attachment_change(**overrides: Any) -> ChangeIn:
    payload: dict[str, Any] = {
        "id": new_id(), "case_id": "case-test-1", "attached_kind": None, "attached_to": None,
        "title": "Fictional consent form", "document_date": date(2026, 3, 2).isoformat(),
        "note": "", "file_name": "consent-test.pdf", "media_type": "application/pdf",
        "size": 1000, "sha256": "ab" * 32, "replaces": None,
    }
    payload.update(overrides)
    return ChangeIn(id=str(uuid.uuid4()), record_id=payload["id"], kind="attachment",
                    op="finalise", payload=payload, author="u-test",
                    local_time="2026-03-02T10:00:00+00:00")


def test_a_file_at_the_limit_passes_and_one_byte_more_is_refused() -> None:
    at_limit = check_change(0, _attachment_change(size=200_000), attachment_max_bytes=200_000)
    assert at_limit.body["size"] == 200_000 and at_limit.case_id == "case-test-1"

    with pytest.raises(HubError) as refused:
        check_change(3, _attachment_change(size=200_001), attachment_max_bytes=200_000)

    assert (refused.value.status, refused.value.code) == (413, "attachment_too_large")
    assert "Change 3" in refused.value.message and "200000 bytes" in refused.value.message


def test_the_default_limit_is_25_mb() -> None:
    check_change(0, _attachment_change(size=DEFAULT_ATTACHMENT_LIMIT))
    with pytest.raises(HubError) as refused:
        check_change(0, _attachment_change(size=DEFAULT_ATTACHMENT_LIMIT + 1))
    assert (refused.value.status, refused.value.code) == (413, "attachment_too_large")


def test_the_size_is_refused_first_even_when_other_fields_are_wrong() -> None:
    with pytest.raises(HubError) as refused:
        check_change(0, _attachment_change(size=10**9, title=""), attachment_max_bytes=1000)
    assert refused.value.code == "attachment_too_large"


@pytest.mark.parametrize(("field", "value"), [
    ("sha256", "AB" * 32), ("sha256", "ab" * 31), ("sha256", "zz" * 32), ("size", 0),
])
def test_a_file_not_named_by_a_sha256_and_a_size_is_invalid(field: str, value: object) -> None:
    with pytest.raises(HubError) as refused:
        check_change(0, _attachment_change(**{field: value}))
    assert (refused.value.status, refused.value.code) == (422, "invalid_record")
    assert field in refused.value.message
