"""``spoke-hub safety ...``: configure lone-working escalation on this hub, non-interactively.

* ``safety policy show`` / ``safety policy set --file FILE | --json TEXT`` - the escalation
  policy (grace, reminders, acknowledgement timeout, tiers); keys left out keep the domain's
  defaults (grace 15, buddy +15, on-call manager +30, 999 decision +60, acknowledge within 2).
* ``safety contact add --role ROLE [--team TEAM] [--user USER_ID] --name NAME [--email E]
  [--phone P]`` / ``list`` / ``remove ID`` - who each tier's roles reach.
* ``safety notifier show`` / ``email --host ...`` / ``sms --url URL`` /
  ``webhook add --name NAME --url URL`` / ``webhook remove --name NAME``.
* ``safety status`` - which notifiers can send (their secrets included), and for each team
  and tier who can be alerted and how; what is missing, in plain words. Exit status 0 when
  every tier of every team can alert someone, 3 when something is missing.
* ``safety visit end VISIT_ID --by USER_ID --reason over|not-a-visit`` - end, for good, a
  visit the escalation watch sets aside (it cannot work out its deadlines: audited
  ``lw_watch_error``, ``doctor``'s ``watch`` line warns): the hub writes the visit's
  end-of-visit check-in, the watch stops looking at it and ``doctor`` stops warning once no
  such visit is left (:func:`spokeapp.hub.lone_working.end_visit`). Audited
  ``lw_visit_ended`` in the name of ``--by`` (an administrator, or a supervisor of the
  worker's team) with the reason's code. Exit status 2, nothing changed: an unknown visit,
  ``--by`` not allowed, or a visit the watch works out as usual; a visit already over is
  said so (exit 0, nothing written).

Secrets never go through these commands or the database: the SMTP password, the webhook
signing secret and the SMS gateway secret are read by ``serve`` from
``SPOKE_HUB_SMTP_PASSWORD``, ``SPOKE_HUB_WEBHOOK_SECRET``, ``SPOKE_HUB_SMS_SECRET`` or the
0600 file named by ``SPOKE_HUB_SECRETS_FILE``.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from spokeapp.domain import lone_working as lw
from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import normalise_phone_number
from spokeapp.hub.commands import Settings, locked_write, open_session
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.ledger import audit, lock_writes
from spokeapp.hub.lone_working import (
    END_REASONS,
    EndedVisit,
    VisitEndError,
    end_visit,
    load_notifier_settings,
    load_policy,
    load_secrets,
    safety_report,
    save_notifier_settings,
    save_policy,
)
from spokeapp.hub.models import LoneWorkingContact, User
from spokeapp.hub.notifiers import EmailSettings, WebhookSettings, check_url
from spokeapp.hub.security import iso, utc_now

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")



def _problems(exc: ValidationError) -> SpokeError:
    return SpokeError("; ".join(str(p) for p in exc.problems))


# --------------------------------------------------------------------------- policy
def cmd_policy_show(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        print(json.dumps(load_policy(session).to_dict(), indent=2))
    return 0


def cmd_policy_set(args: argparse.Namespace, settings: Settings) -> int:
    if (args.file is None) == (args.json is None):
        raise SpokeError("Give the policy with --file FILE or --json TEXT (one of them).")
    try:
        text = args.file.read_text(encoding="utf-8") if args.file else args.json
    except OSError as exc:
        raise SpokeError(f"Cannot read {args.file}.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpokeError(f"The policy is not valid JSON (line {exc.lineno}).") from None
    try:
        policy = lw.parse_policy(data)
    except ValidationError as exc:
        raise _problems(exc) from None
    with open_session(args, settings) as session, session.begin():
        lock_writes(session)
        save_policy(session, policy)
        audit(session, "admin", "lw_policy_set", "policy",
              f"tiers={len(policy.tiers)} grace={policy.grace_minutes}")
    tiers = ", ".join(f"{t.name} +{t.starts_after_minutes}" for t in policy.tiers)
    print(f"Escalation policy saved: grace {policy.grace_minutes} min; tiers {tiers}; "
          f"acknowledge within {policy.ack_timeout_minutes} min.")
    return 0


# --------------------------------------------------------------------------- contacts
def cmd_contact_add(args: argparse.Namespace, settings: Settings) -> int:
    role = args.role
    if not _NAME.fullmatch(role) or role in ("worker", "buddy"):
        raise SpokeError(
            "--role must be a role name such as on_call_manager or manager (worker and buddy "
            "come from each visit plan)."
        )
    if not args.email and not args.phone:
        raise SpokeError("Give --email, --phone or both.")
    if args.email and not _EMAIL.fullmatch(args.email):
        raise SpokeError("--email is not an email address.")
    phone = None
    if args.phone:
        phone = normalise_phone_number(args.phone)
        if phone is None:
            raise SpokeError("--phone is not a phone number (e.g. 07700 900123 or +44...).")
    with open_session(args, settings) as session, session.begin():
        lock_writes(session)
        if args.user and session.get(User, args.user) is None:
            raise SpokeError(f"No user {args.user} on this hub.")
        contact_id = new_id()
        session.add(LoneWorkingContact(
            id=contact_id, role=role, team=args.team, user_id=args.user, name=args.name,
            email=args.email, phone=phone, created_at=iso(utc_now()),
        ))
        audit(session, "admin", "lw_contact_add", contact_id, f"role={role}")
    print(contact_id)
    return 0


def cmd_contact_list(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        contacts = list(session.scalars(
            select(LoneWorkingContact).order_by(LoneWorkingContact.role, LoneWorkingContact.id)
        ))
    if not contacts:
        print("No lone-working contacts.")
    for c in contacts:
        print(f"{c.id}\t{c.role}\t{c.team or '(all teams)'}\t{c.name}\t"
              f"{'email' if c.email else '-'}\t{'phone' if c.phone else '-'}")
    return 0


def cmd_contact_remove(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session, session.begin():
        lock_writes(session)
        contact = session.get(LoneWorkingContact, args.contact_id)
        if contact is None:
            raise SpokeError(f"No contact {args.contact_id}.")
        session.delete(contact)
        audit(session, "admin", "lw_contact_remove", args.contact_id)
    print(f"Contact {args.contact_id} removed.")
    return 0


# --------------------------------------------------------------------------- notifiers
def _update_notifiers(args: argparse.Namespace, settings: Settings, what: str,
                      change: Callable[[Any], Any]) -> None:
    with open_session(args, settings) as session, session.begin():
        lock_writes(session)
        current = load_notifier_settings(session)
        save_notifier_settings(session, change(current))
        audit(session, "admin", "lw_notifier_set", what)


def cmd_notifier_show(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        print(json.dumps(load_notifier_settings(session).to_dict(), indent=2))
    return 0


def cmd_notifier_email(args: argparse.Namespace, settings: Settings) -> int:
    if not _EMAIL.fullmatch(args.sender):
        raise SpokeError("--sender is not an email address.")
    email = EmailSettings(host=args.host, port=args.port, sender=args.sender,
                          username=args.username, starttls=not args.no_starttls)
    _update_notifiers(args, settings, "email",
                      lambda s: dataclasses.replace(s, email=email))
    print(f"Email alerts through {args.host}:{args.port}"
          f"{'' if email.starttls else ' (no STARTTLS)'}; the password is read from "
          "SPOKE_HUB_SMTP_PASSWORD.")
    return 0


def _checked_url(name: str, url: str) -> str:
    try:
        check_url(name, url)
    except ValidationError as exc:
        raise _problems(exc) from None
    return url


def cmd_notifier_sms(args: argparse.Namespace, settings: Settings) -> int:
    url = _checked_url("--url", args.url)
    _update_notifiers(args, settings, "sms", lambda s: dataclasses.replace(s, sms_url=url))
    print("SMS gateway set; requests are signed with SPOKE_HUB_SMS_SECRET.")
    return 0


def cmd_webhook_add(args: argparse.Namespace, settings: Settings) -> int:
    if not _NAME.fullmatch(args.name):
        raise SpokeError("--name must be lower-case letters, digits, - or _ (e.g. arc).")
    url = _checked_url("--url", args.url)

    def change(current: Any) -> Any:
        hooks = [h for h in current.webhooks if h.name != args.name]
        return dataclasses.replace(
            current, webhooks=(*hooks, WebhookSettings(name=args.name, url=url))
        )

    _update_notifiers(args, settings, f"webhook:{args.name}", change)
    print(f"Webhook {args.name} set; requests are signed with SPOKE_HUB_WEBHOOK_SECRET.")
    return 0


def cmd_webhook_remove(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        names = {h.name for h in load_notifier_settings(session).webhooks}
    if args.name not in names:
        raise SpokeError(f"No webhook named {args.name}.")
    _update_notifiers(args, settings, f"webhook:{args.name}", lambda s: dataclasses.replace(
        s, webhooks=tuple(h for h in s.webhooks if h.name != args.name)))
    print(f"Webhook {args.name} removed.")
    return 0


# --------------------------------------------------------------------------- status
STATUS_GAPS = 3


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        report = safety_report(session, load_secrets())
    print("Notifiers:")
    for name, state in report.notifiers.items():
        print(f"  {name}: {state}")
    for team, covers in report.teams.items():
        print(f"Team {team}:")
        for cover in covers:
            how = " and ".join(c.upper() if c == "sms" else c for c in cover.channels)
            who = (f"{cover.people} {'person' if cover.people == 1 else 'people'} by {how}"
                   if cover.people else "NOBODY")
            note = f" ({cover.note})" if cover.note else ""
            print(f"  tier {cover.tier}: {cover.role}: {who}{note}")
    if not report.anyone:
        print("This hub has NOBODY to alert: a missed check-in or a panic alarm reaches no one.")
    if report.missing:
        print("Missing:")
        for line in report.missing:
            print(f"  - {line}")
        return STATUS_GAPS
    print("Every tier of every team can alert someone.")
    return 0


# --------------------------------------------------------------------------- visits
def _visit_ended(result: EndedVisit) -> str:
    when = (f" (ended {result.ended_at[:16].replace('T', ' ')} UTC)" if result.ended_at
            else "")
    if result.check_in_id is None and result.watched:
        return f"Visit {result.visit_id} is already over{when}; nothing changed."
    if result.check_in_id is None:
        return (f"Visit {result.visit_id} was already over{when}; the escalation watch no "
                "longer looks at it.")
    said = (f"Visit {result.visit_id} ended: the hub wrote its end-of-visit check-in (for "
            f"its worker {result.worker}: her laptop and her team's supervisors get it at "
            "their next sync)")
    if result.watched:
        return (said + "; the escalation watch looks at it once more, to stand down anyone "
                "it alerted, and then no more.")
    return (said + ". The escalation watch cannot work it out even ended, so it no longer "
            "looks at it: tell anyone alerted about the visit yourself.")


def cmd_visit_end(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings,
        lambda session: end_visit(session, args.visit_id, by=args.by, reason=args.reason,
                                  now=utc_now()),
        refusal=VisitEndError, done=_visit_ended)


# --------------------------------------------------------------------------- parser
def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub safety ...`` to the ``spoke-hub`` parser."""
    bind = functools.partial(bind_command, settings=settings)

    safety = commands.add_parser("safety", help="lone-working escalation settings")
    groups = safety.add_subparsers(dest="area", required=True)

    bind(groups.add_parser("status", parents=[common],
                           help="who can be alerted, per team and tier, and what is missing"),
         cmd_status)

    policy = groups.add_parser("policy", help="the escalation policy").add_subparsers(
        dest="action", required=True)
    bind(policy.add_parser("show", parents=[common], help="print the policy as JSON"),
         cmd_policy_show)
    p = policy.add_parser("set", parents=[common], help="replace the policy (JSON)")
    p.add_argument("--file", type=Path, default=None)
    p.add_argument("--json", default=None, metavar="TEXT")
    bind(p, cmd_policy_set)

    contact = groups.add_parser("contact", help="who each role reaches").add_subparsers(
        dest="action", required=True)
    p = contact.add_parser("add", parents=[common], help="add a contact; prints its id")
    p.add_argument("--role", required=True, help="e.g. on_call_manager, manager")
    p.add_argument("--team", default=None, help="only for this team (default: all teams)")
    p.add_argument("--user", default=None, metavar="USER_ID", help="the hub user, if any")
    p.add_argument("--name", required=True)
    p.add_argument("--email", default=None)
    p.add_argument("--phone", default=None)
    bind(p, cmd_contact_add)
    bind(contact.add_parser("list", parents=[common], help="list contacts"), cmd_contact_list)
    p = contact.add_parser("remove", parents=[common], help="remove a contact")
    p.add_argument("contact_id")
    bind(p, cmd_contact_remove)

    visit = groups.add_parser("visit", help="a lone-working visit on the hub").add_subparsers(
        dest="action", required=True)
    p = visit.add_parser(
        "end", parents=[common],
        help="end, for good, a visit the escalation watch sets aside (lw_watch_error)",
        description="End a visit the escalation watch cannot work out (it sets it aside: "
                    "spoke-hub audit --action lw_watch_error; doctor's watch line): the hub "
                    "writes its end-of-visit check-in and the watch stops looking at it. "
                    "Only once its worker is known to be safe.")
    p.add_argument("visit_id", metavar="VISIT_ID", help="the visit's id (its plan's)")
    p.add_argument("--by", required=True, metavar="USER_ID",
                   help="who it is ended for: an administrator, or a supervisor of the "
                        "worker's team (audited in their name)")
    p.add_argument("--reason", required=True, choices=tuple(END_REASONS),
                   help="; ".join(f"{code}: {words}" for code, words in END_REASONS.items()))
    bind(p, cmd_visit_end)

    notifier = groups.add_parser("notifier", help="email, SMS gateway, webhooks")
    actions = notifier.add_subparsers(dest="action", required=True)
    bind(actions.add_parser("show", parents=[common], help="print the settings (no secrets)"),
         cmd_notifier_show)
    p = actions.add_parser("email", parents=[common], help="SMTP relay for alert emails")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, default=587)
    p.add_argument("--sender", required=True)
    p.add_argument("--username", default=None)
    p.add_argument("--no-starttls", action="store_true")
    bind(p, cmd_notifier_email)
    p = actions.add_parser("sms", parents=[common], help="the SMS gateway's webhook URL")
    p.add_argument("--url", required=True)
    bind(p, cmd_notifier_sms)
    hooks = actions.add_parser("webhook", help="signed webhooks").add_subparsers(
        dest="hook_action", required=True)
    p = hooks.add_parser("add", parents=[common], help="add or replace a webhook")
    p.add_argument("--name", required=True)
    p.add_argument("--url", required=True)
    bind(p, cmd_webhook_add)
    p = hooks.add_parser("remove", parents=[common], help="remove a webhook")
    p.add_argument("--name", required=True)
    bind(p, cmd_webhook_remove)
