"""A pull skips the caller's own just-pushed records (docs/sync.md, "Own records are not
pulled back"): ``ix_hub_changes_seq`` finds the change the hub acknowledged at a record's seq,
so the check costs one index probe per skipped record instead of a scan of the device's
changes.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """One index; no data changes."""
    op.create_index("ix_hub_changes_seq", "hub_changes", ["seq"])


def downgrade() -> None:
    op.drop_index("ix_hub_changes_seq", table_name="hub_changes")
