"""Roles: the hub account roles are the very strings stored and sent before they were an enum."""

from __future__ import annotations

import json

from spokeapp.domain.roles import ROLE_LABELS, Role


def test_roles_equal_their_stored_strings_and_serialise_as_them() -> None:
    assert [str(role) for role in Role] == ["worker", "supervisor", "admin"]
    assert Role.SUPERVISOR == "supervisor" and Role("admin") is Role.ADMIN
    assert json.dumps({"role": Role.WORKER}) == '{"role": "worker"}'
    assert f"role={Role.ADMIN}" == "role=admin"


def test_every_role_has_one_label() -> None:
    assert ROLE_LABELS == {
        Role.WORKER: "Worker",
        Role.SUPERVISOR: "Supervisor",
        Role.ADMIN: "Administrator",
    }
