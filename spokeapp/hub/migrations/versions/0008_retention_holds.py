"""Legal hold (issue 16): ``hub_retention_holds``, one row per hold placed on a case
(``spoke-hub retention hold``), kept after release. A new table only; the retention rule
itself is a row of ``hub_meta``.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``hub_retention_holds``."""
    op.create_table(
        "hub_retention_holds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(64), nullable=False),
        sa.Column("placed_at", sa.String(40), nullable=False),
        sa.Column("released_at", sa.String(40), nullable=True),
        sa.Column("released_by", sa.String(64), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_hub_retention_holds_case_id", "hub_retention_holds", ["case_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_hub_retention_holds_case_id", table_name="hub_retention_holds")
    op.drop_table("hub_retention_holds")
