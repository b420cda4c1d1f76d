"""``spoke-hub safety ...``: the lone-working settings an administrator gives, with clear
errors and nothing secret in the database. Fictional data only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.hub.cli import main
from spokeapp.hub.lone_working import load_notifier_settings, load_policy
from spokeapp.hub.models import AuditEntry, HubMeta, LoneWorkingContact
from tests.helpers.hub import prepare_database, sqlite_url


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    engine, _init = prepare_database(url)
    engine.dispose()
    return url


def _run(database: str, *args: str) -> int:
    return main([*args, "--database", database])


def test_policy_is_set_from_json_and_shown(database: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    policy = {"grace_minutes": 10, "tiers": [
        {"name": "buddy", "starts_after_minutes": 10, "recipients": ["buddy"]},
        {"name": "manager_decision", "starts_after_minutes": 45, "recipients": ["manager"]},
    ]}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    assert _run(database, "safety", "policy", "set", "--file", str(path)) == 0
    assert "grace 10 min; tiers buddy +10, manager_decision +45" in capsys.readouterr().out
    assert _run(database, "safety", "policy", "show") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["grace_minutes"] == 10 and shown["ack_timeout_minutes"] == 2
    assert [t["name"] for t in shown["tiers"]] == ["buddy", "manager_decision"]


def test_a_broken_policy_is_refused_with_every_problem_named(
    database: str, capsys: pytest.CaptureFixture[str],
) -> None:
    unknown = json.dumps({"grace_minutes": 30, "colour": "red"})
    assert _run(database, "safety", "policy", "set", "--json", unknown) == 1
    assert "colour: is not a setting" in capsys.readouterr().err
    bad = json.dumps({"grace_minutes": 30, "ack_timeout_minutes": 0, "tiers": [
        {"name": "buddy", "starts_after_minutes": 15, "recipients": ["buddy"]}]})
    assert _run(database, "safety", "policy", "set", "--json", bad) == 1
    err = capsys.readouterr().err
    assert "ack_timeout_minutes" in err and "tiers[0].starts_after_minutes" in err
    assert _run(database, "safety", "policy", "set", "--json", "{nope") == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert _run(database, "safety", "policy", "set") == 1
    from spokeapp.hub.db import make_engine

    engine = make_engine(database)
    with Session(engine) as session:
        assert load_policy(session).grace_minutes == 15  # unchanged: the defaults
    engine.dispose()


def test_contacts_and_notifiers(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(database, "safety", "contact", "add", "--role", "on_call_manager",
                "--name", "Demo On-call", "--phone", "07700 900789",
                "--email", "oncall@example.org") == 0
    contact_id = capsys.readouterr().out.strip()
    assert _run(database, "safety", "contact", "add", "--role", "buddy", "--name", "X",
                "--phone", "07700 900789") == 1
    assert "come from each visit plan" in capsys.readouterr().err
    assert _run(database, "safety", "contact", "add", "--role", "manager", "--name", "X",
                "--phone", "12") == 1
    assert "not a phone number" in capsys.readouterr().err
    assert _run(database, "safety", "notifier", "sms", "--url",
                "http://gateway.example.org/send") == 1
    assert "https://" in capsys.readouterr().err
    assert _run(database, "safety", "notifier", "sms", "--url",
                "https://gateway.example.org/send") == 0
    assert _run(database, "safety", "notifier", "webhook", "add", "--name", "arc", "--url",
                "https://arc.example.org/hook") == 0
    assert _run(database, "safety", "notifier", "email", "--host", "smtp.example.org",
                "--sender", "spoke@example.org", "--username", "spoke") == 0
    assert _run(database, "safety", "notifier", "webhook", "remove", "--name", "nope") == 1
    capsys.readouterr()
    assert _run(database, "safety", "contact", "list") == 0
    listing = capsys.readouterr().out
    assert contact_id in listing and "07700" not in listing  # numbers are not printed
    from spokeapp.hub.db import make_engine

    engine = make_engine(database)
    with Session(engine) as session:
        contact = session.get(LoneWorkingContact, contact_id)
        assert contact is not None and contact.phone == "+447700900789"
        settings = load_notifier_settings(session)
        assert settings.sms_url == "https://gateway.example.org/send"
        assert [h.name for h in settings.webhooks] == ["arc"]
        assert settings.email is not None and settings.email.username == "spoke"
        stored = " ".join(session.scalars(select(HubMeta.value)))
        assert "password" not in stored.lower() and "secret" not in stored.lower()
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"lw_contact_add", "lw_notifier_set"} <= actions
    engine.dispose()
    assert _run(database, "safety", "contact", "remove", contact_id) == 0
    assert _run(database, "safety", "contact", "remove", contact_id) == 1


def test_safety_status_names_what_is_missing_then_what_is_set_up(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """After the README's steps nobody can be alerted: status says so (exit 3), per team and
    tier; once contacts and notifiers (with secrets) exist it counts who, by which channel."""
    from spokeapp.hub import admin
    from spokeapp.hub.db import make_engine
    from spokeapp.hub.ledger import lock_writes
    from spokeapp.hub.safety_cli import STATUS_GAPS

    engine = make_engine(database)
    with Session(engine) as session, session.begin():
        lock_writes(session)
        admin.add_user(session, "Demo Worker", "worker", "north")
    engine.dispose()
    for name in ("SPOKE_HUB_SMS_SECRET", "SPOKE_HUB_WEBHOOK_SECRET", "SPOKE_HUB_SMTP_PASSWORD",
                 "SPOKE_HUB_SECRETS_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert _run(database, "safety", "status") == STATUS_GAPS
    out = capsys.readouterr().out
    assert "This hub has NOBODY to alert" in out
    assert "Team north:" in out and "tier on_call_manager: on_call_manager: NOBODY" in out
    assert "north: tier buddy: the buddy can only be texted" in out

    assert _run(database, "safety", "notifier", "sms", "--url", "https://sms.example.org/x") == 0
    assert _run(database, "safety", "notifier", "email", "--host", "smtp.example.org",
                "--sender", "spoke@example.org") == 0
    for role in ("on_call_manager", "manager"):
        assert _run(database, "safety", "contact", "add", "--role", role, "--name", "Demo",
                    "--email", f"{role}@example.org", "--phone", "07700 900789") == 0
    capsys.readouterr()
    assert _run(database, "safety", "status") == STATUS_GAPS  # the SMS secret is missing
    out = capsys.readouterr().out
    assert "sms: no SPOKE_HUB_SMS_SECRET" in out
    assert "tier on_call_manager: on_call_manager: 1 person by email" in out
    monkeypatch.setenv("SPOKE_HUB_SMS_SECRET", "test-sms-secret-not-real")
    assert _run(database, "safety", "status") == 0
    out = capsys.readouterr().out
    assert "tier on_call_manager: on_call_manager: 1 person by email and SMS" in out
    assert "tier buddy: buddy: 1 person by SMS" in out
    assert "Every tier of every team can alert someone." in out


def test_serve_warns_at_start_when_nobody_can_be_alerted(database: str) -> None:
    from tests.helpers.hub import spawn_hub

    with spawn_hub(database) as hub:
        started = "\n".join(hub.output)
    assert "WARNING: Lone-working safety: this hub has NOBODY to alert." in started
    assert "spoke-hub safety status" in started
