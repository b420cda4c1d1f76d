"""``spoke-hub migrate`` builds exactly the schema the code declares (spokeapp/hub/models.py):
a migration forgotten or differing from the models would leave a hub without an index or a
column the code relies on, on an administrator's machine only."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from spokeapp.hub import schema
from spokeapp.hub.db import create_key_file, embedded_path, is_embedded, make_engine
from spokeapp.hub.models import Base


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    if is_embedded(database_url):
        create_key_file(embedded_path(database_url))  # what `spoke-hub init` does first
    engine = make_engine(database_url)
    try:
        schema.migrate(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    # Column types are compared too; only real differences (tables, columns, indexes,
    # nullability, types) are listed.
    assert differences == []
