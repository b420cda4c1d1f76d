"""Attachments (issue 20, docs/attachments.md "On the hub"): ``hub_attachments`` (a file by its
SHA-256: size, complete, when its first chunk arrived), ``hub_attachment_chunks`` (its 64 KiB
chunks: BLOB on SQLite, bytea on PostgreSQL) and ``hub_records.attachment_sha256`` (the file an
attachment record names), with a partial index over the records that have one.

No data changes: no hub accepted a record of kind ``attachment`` before this revision, so no
stored record names a file.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """One nullable column (no rewrite), its partial index and two new tables."""
    op.add_column("hub_records", sa.Column("attachment_sha256", sa.String(64), nullable=True))
    op.create_index(
        "ix_hub_records_attachment_sha256", "hub_records", ["attachment_sha256"],
        sqlite_where=sa.text("attachment_sha256 IS NOT NULL"),
        postgresql_where=sa.text("attachment_sha256 IS NOT NULL"),
    )
    op.create_table(
        "hub_attachments",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "hub_attachment_chunks",
        sa.Column("sha256", sa.String(64), sa.ForeignKey("hub_attachments.sha256"),
                  primary_key=True),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    """Drop them again (batch mode: SQLite rebuilds the records table)."""
    op.drop_table("hub_attachment_chunks")
    op.drop_table("hub_attachments")
    op.drop_index("ix_hub_records_attachment_sha256", table_name="hub_records")
    with op.batch_alter_table("hub_records") as batch:
        batch.drop_column("attachment_sha256")
