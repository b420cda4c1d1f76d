"""Applying and checking the hub schema with Alembic, without an ``alembic.ini``.

``spoke-hub migrate`` calls :func:`migrate`; ``spoke-hub serve`` calls :func:`require_current`
and refuses to start on a database that is behind (or ahead of) this version of the hub, so a
half-upgraded deployment fails loudly instead of writing into the wrong tables.
"""

from __future__ import annotations

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


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest schema revision this version of the hub knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty (never migrated) database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema up to the head revision; returns (before, after)."""
    before = current_revision(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


def require_current(engine: Engine) -> None:
    """Raise SchemaOutOfDate unless the database is exactly at this hub's head revision."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    known = {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current is None:
        raise SchemaOutOfDate(
            "The hub database has no schema yet. Run `spoke-hub migrate` (or `spoke-hub init` "
            "for a new hub) before `spoke-hub serve`."
        )
    if current not in known:
        raise SchemaOutOfDate(
            f"The hub database is at schema {current}, which this version of Spoke Hub does "
            f"not know (newest known: {head}). Update Spoke Hub; nothing has been changed."
        )
    raise SchemaOutOfDate(
        f"The hub database is at schema {current} but this version needs {head}. "
        "Back it up, then run `spoke-hub migrate`."
    )
