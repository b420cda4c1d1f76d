"""Data subject requests (issue 16): ``hub_subject_requests``, one row per access, erasure,
restriction or rectification request about a case (``spoke-hub requests``). A new table only.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``hub_subject_requests``."""
    op.create_table(
        "hub_subject_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("requester", sa.String(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("received_on", sa.String(10), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("extended_at", sa.String(40), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.String(10), nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=True),
    )
    op.create_index("ix_hub_subject_requests_case_id", "hub_subject_requests", ["case_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_hub_subject_requests_case_id", table_name="hub_subject_requests")
    op.drop_table("hub_subject_requests")
