"""Refresh-token rotation and expiry, enrolment throttling (issue 13).

Four columns on ``devices`` (docs/sync.md, "Refresh tokens"): the previous refresh token's
digest, when and in which hub epoch the current one was issued, and when a replaced token was
presented again (the device must then enrol again). Devices enrolled before this revision
count their idle time from their last contact (or enrolment) and their token as issued in
the hub's current epoch. Enrolment throttling keeps no state in the database.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the rotation columns and fill them in for devices already enrolled."""
    op.add_column("devices", sa.Column("previous_refresh_hash", sa.String(64), nullable=True))
    op.add_column("devices", sa.Column("refresh_issued_at", sa.String(40), nullable=True))
    op.add_column("devices", sa.Column("refresh_epoch", sa.String(64), nullable=True))
    op.add_column("devices", sa.Column("refresh_reused_at", sa.String(40), nullable=True))
    op.execute("UPDATE devices SET refresh_issued_at = COALESCE(last_seen_at, enrolled_at)")
    op.execute(
        "UPDATE devices SET refresh_epoch = "
        "(SELECT value FROM hub_meta WHERE hub_meta.key = 'hub_epoch')"
    )


def downgrade() -> None:
    """Drop the rotation columns (rotated tokens stay valid: the current one is kept)."""
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("refresh_reused_at")
        batch.drop_column("refresh_epoch")
        batch.drop_column("refresh_issued_at")
        batch.drop_column("previous_refresh_hash")
