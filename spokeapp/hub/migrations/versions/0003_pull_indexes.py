"""Pull by scope through indexes: hub_records (case_id, seq) and (author_user, seq).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Replace the one-column indexes on case and author with (column, seq) ones: a pull reads
    the caller's cases' records after its cursor in seq order (docs/sync.md, "Speed")."""
    op.create_index("ix_hub_records_case_seq", "hub_records", ["case_id", "seq"])
    op.create_index("ix_hub_records_author_seq", "hub_records", ["author_user", "seq"])
    op.drop_index("ix_hub_records_case_id", table_name="hub_records")
    op.drop_index("ix_hub_records_author_user", table_name="hub_records")


def downgrade() -> None:
    """Back to the one-column indexes of 0001."""
    op.create_index("ix_hub_records_case_id", "hub_records", ["case_id"])
    op.create_index("ix_hub_records_author_user", "hub_records", ["author_user"])
    op.drop_index("ix_hub_records_author_seq", table_name="hub_records")
    op.drop_index("ix_hub_records_case_seq", table_name="hub_records")
