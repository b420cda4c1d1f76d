"""Local authority areas (issue 14): ``hub_areas``, the list a case's area is picked from,
with the postcode districts that suggest each (``spoke-hub areas``). A new table only: cases
keep the area's name in their own record, so nothing existing is rewritten.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``hub_areas``."""
    op.create_table(
        "hub_areas",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("districts", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("hub_areas")
