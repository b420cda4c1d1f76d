"""Header authorship per version and per field (issue 13): ``hub_records.edited_by`` (who
wrote this version) and ``hub_records.field_authors`` (who last wrote each field), so a
conflict names who wrote the value the hub kept; and ``hub_records.field_writes`` (the seq and
device of each field's last write), so the merge knows a field changed since a device's base
even where its value is back to the base's (closed, then reopened). All nullable: existing
rows mean "the first author wrote it all", as before, and merge by value.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Three nullable columns (no rewrite of existing rows)."""
    op.add_column("hub_records", sa.Column("edited_by", sa.String(64), nullable=True))
    op.add_column("hub_records", sa.Column("field_authors", sa.JSON(), nullable=True))
    op.add_column("hub_records", sa.Column("field_writes", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop them again (batch mode: SQLite rebuilds the table)."""
    with op.batch_alter_table("hub_records") as batch:
        batch.drop_column("field_writes")
        batch.drop_column("field_authors")
        batch.drop_column("edited_by")
