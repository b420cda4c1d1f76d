"""A pull's uncased branch (records with no case, by author: hub.pull._records_query) reads
only uncased records: ``ix_hub_records_uncased_author_seq`` holds them alone, by author and
seq. Through ``ix_hub_records_author_seq`` every page walked all of the author's records
(cased ones too) to find the few with no case: ~0.4 s a page at 100,000 records (issue 18).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """One partial index; no data changes."""
    op.create_index(
        "ix_hub_records_uncased_author_seq", "hub_records", ["author_user", "seq"],
        sqlite_where=sa.text("case_id IS NULL"), postgresql_where=sa.text("case_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_hub_records_uncased_author_seq", table_name="hub_records")
