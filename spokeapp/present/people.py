"""The laptop's name directory: user id -> the name a person is shown by.

Records name people by user id (a case's key worker, who signed a closure off, who wrote a
note). Screens show names instead, from one directory the laptop keeps current:

* the enrolled account's own name (``HubAccount.user_name``), known from enrolment;
* the names the hub says this laptop may know (``GET /v1/people``, at each sync: a worker
  learns their team's supervisors, a supervisor their team);
* for a supervisor, also the team view (``GET /v1/team``), asked when the Review page is
  built. Both are **stored**, so they are there offline next time.

Where it lives, and why (``spokeapp.store.people``): inside the encrypted casebook (its
``meta`` settings, one ``people.<user id>`` row per person), not in a plain file or
QSettings. Staff names are not young people's data, but they are still need-to-know, and
the casebook is the one place on the laptop that is encrypted at rest, wiped on revocation
and destroyed with the profile; it is also what makes the names work offline (a laptop in a
car park still says who the key worker is). A name is never deleted when the hub stops
listing it: a worker who left the team still wrote the old notes.

An id the laptop does not know is shown as "a colleague (not known on this laptop)", never
as a bare id: ids mean nothing to a person and look like a fault.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from spokeapp.domain.records import Record
from spokeapp.i18n import translator
from spokeapp.present.record_words import field_label, sign_off_detail
from spokeapp.store.people import SETTING_PREFIX, Settings, clean_names, save_names, stored_names
from spokeapp.store.sync_state import HubAccount

tr = translator(__name__)

__all__ = [
    "NOBODY", "SETTING_PREFIX", "UNKNOWN", "Settings", "load_people", "merged",
    "name_of", "named_fields", "named_sign_off", "owner_words", "save_people",
]

#: Shown for a user id this laptop has no name for.
UNKNOWN: Final = tr.noop("a colleague (not known on this laptop)")
#: Shown where a record names nobody (an empty id).
NOBODY: Final = tr.noop("Not recorded")
#: A user id as the hub makes them (``spokeapp.hub.admin.new_user_id``).
_HUB_USER_ID: Final = re.compile(r"u-[0-9a-f]{12}")
#: Re-exported: the stored directory is ``spokeapp.store.people``.
merged = clean_names


def name_of(names: Mapping[str, str], user_id: str | None, *, me: str = "") -> str:
    """The name to show for ``user_id``: the directory's name ("Sam Hill (you)" for the
    laptop's own account), "a colleague (not known on this laptop)" for an unknown id, and
    "Not recorded" for none. Never the id itself."""
    if not user_id or not user_id.strip():
        return tr(NOBODY)
    name = names.get(user_id, "").strip()
    if not name:
        return tr("You") if me and user_id == me else tr(UNKNOWN)
    return tr("{name} (you)").format(name=name) if me and user_id == me else name


def owner_words(names: Mapping[str, str], owner: str, *, me: str = "") -> str:
    """Who an action is for, where the field may hold a user id or words typed by the
    supervisor ("Police liaison"): a known id by name, an unknown hub user id (``u-`` and 12
    hex digits) as "a colleague (not known on this laptop)", anything else as typed."""
    owner = owner.strip()
    if owner in names or (me and owner.casefold() == me.casefold()):
        return name_of(names, owner if owner in names else me, me=me)
    return tr(UNKNOWN) if _HUB_USER_ID.fullmatch(owner) else owner


def load_people(book: Settings, account: HubAccount | None = None) -> dict[str, str]:
    """The stored directory, plus the enrolled account's own name (``account`` is the
    laptop's ``HubAccount`` or None). Runs on a worker thread: it reads the casebook."""
    own = {account.user_id: account.user_name} if account is not None and account.user_id \
        else {}
    return clean_names(stored_names(book), own)


def save_people(
    book: Settings, names: Mapping[str, str], account: HubAccount | None = None
) -> dict[str, str]:
    """Store ``names`` in the casebook (only the ones that changed) and return the whole
    directory as it now is. Runs on a worker thread, through ``TaskRunner.write``."""
    save_names(book, names)
    return load_people(book, account)


def named_sign_off(record: Record, records: Sequence[Record], names: Mapping[str, str]) -> str:
    """The case page's "Sign-off" line with the supervisor's name instead of their id:
    "Signed off by Sam Hill, 4 March 2025 at 10:00", "Returned by a colleague (not known on
    this laptop), ..."."""
    return sign_off_detail(record, records, person=lambda who: name_of(names, who))


def named_fields(
    fields: Sequence[tuple[str, str]], names: Mapping[str, str], *, me: str = "",
    labels: Sequence[str] = ("By", "Supervisor"), owners: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """A record's (label, value) fields with people shown by name: the fields in ``labels``
    hold a user id; an "Actions" field names each action's owner ("Ask school — u-1, by
    4 Mar"), each of ``owners`` shown by :func:`owner_words`."""
    people = {field_label(text) for text in labels} | set(labels)
    actions = {field_label("Actions"), "Actions"}
    out: list[tuple[str, str]] = []
    for label, value in fields:
        if label in people:
            value = name_of(names, value, me=me)
        elif label in actions:
            for owner in owners:
                value = value.replace(f"\u2014 {owner}, by ",
                                      f"\u2014 {owner_words(names, owner, me=me)}, by ")
        out.append((label, value))
    return out
