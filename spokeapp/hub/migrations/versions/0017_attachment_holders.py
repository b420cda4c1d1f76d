"""Who has shown they hold each attached file (docs/attachments.md, "Need-to-know"): a
record naming a file lets its readers fetch the file only if the record's author holds it,
so naming a known SHA-256 in a record of one's own is not a way to another team's document.
``hub_attachment_holders`` keeps, per file and person, the chunks they have sent that match
the file the hub holds, and whether they have shown all of it. Files stored before this
revision are held by the author of the oldest record naming them (who sent them), which the
code works out; nothing is copied.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision: str | None = "0016"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """One new table, empty."""
    op.create_table(
        "hub_attachment_holders",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("proven", sa.Text, nullable=False, server_default=""),
        sa.Column("holds", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("hub_attachment_holders")
