"""Alembic environment: always run online, on the connection the hub hands over.

Users never need ``alembic.ini``; :mod:`spokeapp.hub.schema` builds the configuration and puts
an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from spokeapp.hub.models import Base


def run_migrations_online() -> None:
    """Apply migrations on the connection supplied by the caller."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
