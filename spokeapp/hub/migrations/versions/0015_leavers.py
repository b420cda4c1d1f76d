"""A person who has left the service (``spoke-hub user leave``; docs/guide/admin.md, "When
someone leaves"): ``users.left_at`` is when (ISO 8601 UTC), None while they work here. Every
row before this revision is someone still here.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision: str | None = "0014"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """One nullable column: nobody has left yet."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("left_at", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("left_at")
