"""Applying and checking the hub schema with Alembic, without an ``alembic.ini``.

``spoke-hub migrate`` calls :func:`migrate`; ``spoke-hub serve`` calls :func:`require_current`
and refuses to start on a database that is behind (or ahead of) this version of the hub, so a
half-upgraded deployment fails loudly instead of writing into the wrong tables.

A database migrated by a *newer* hub is refused earlier still, by every command: the engine
(:func:`spokeapp.hub.db.make_engine`) checks the stored revision at its first connection and
raises :class:`SchemaTooNew` (:func:`refuse_unknown`), naming both revisions and what to do.
Migrations only go forward (``downgrade`` is not supported): an upgrade that must be undone
is undone by restoring the backup taken before it (docs/hub-admin.md, "Upgrading").
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from spokeapp.domain.errors import SpokeError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaOutOfDate(SpokeError):
    """The database schema is not the one this hub version expects."""


class SchemaTooNew(SchemaOutOfDate):
    """The database was migrated by a newer Spoke Hub than this one: nothing may touch it."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest schema revision this version of the hub knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def revisions() -> list[str]:
    """Every schema revision this version of the hub knows, oldest first."""
    scripts = ScriptDirectory.from_config(_config()).walk_revisions()  # newest first
    return [script.revision for script in scripts][::-1]


def known_revisions() -> set[str]:
    """Every schema revision this version of the hub knows (its migrations)."""
    return set(revisions())


def too_new_message(stored: str, head: str) -> str:
    """What the administrator is told about a database at a revision this hub does not know."""
    return (
        f"The hub database is at schema revision {stored}, which this version of Spoke Hub "
        f"does not know (the newest it knows is {head}): a newer Spoke Hub has upgraded it. "
        "Install that newer version of Spoke Hub (or a later one) and run the command again; "
        "an older hub must not write to it. Nothing has been changed."
    )


def refuse_unknown(stored: Iterable[str]) -> None:
    """Raise :class:`SchemaTooNew` if any of the ``stored`` revisions (the database's
    ``alembic_version`` rows) is not one of this hub's."""
    unknown = sorted(set(stored) - known_revisions())
    if unknown:
        raise SchemaTooNew(too_new_message(", ".join(unknown), head_revision()))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty (never migrated) database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema up to the head revision (or to ``revision``: the upgrade tests);
    returns (before, after)."""
    before = current_revision(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return before, head_revision() if revision == "head" else revision


def require_current(engine: Engine) -> None:
    """Raise SchemaOutOfDate unless the database is exactly at this hub's head revision."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaOutOfDate(
            "The hub database has no schema yet. Run `spoke-hub migrate` (or `spoke-hub init` "
            "for a new hub) before `spoke-hub serve`."
        )
    if current not in known_revisions():
        raise SchemaTooNew(too_new_message(current, head))
    raise SchemaOutOfDate(
        f"The hub database is at schema {current} but this version needs {head}. "
        "Back it up, then run `spoke-hub migrate`."
    )
