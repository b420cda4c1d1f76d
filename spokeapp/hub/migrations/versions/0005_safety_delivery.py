"""SMS replay memory and delivery states for lone-working notices (issue 13).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """lw_sms_receipts (replays applied once); lw_deliveries.role and .published (each
    notice's state reaches the board as an alert_delivery record)."""
    # SMS replay memory (issue 13): one row per applied SMS check-in; the primary key on the
    # digest of the gateway's message id (or the signature) refuses a replay, atomically,
    # across hub processes (lone_working.apply_sms; docs/architecture.md).
    op.create_table(
        "lw_sms_receipts",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("received_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
    )
    op.create_index("ix_lw_sms_receipts_expires_at", "lw_sms_receipts", ["expires_at"])
    # Delivery states (issue 13): who each notification is for, and whether the alert's
    # ``alert_delivery`` record shows its latest state yet (docs/architecture.md).
    op.add_column("lw_deliveries", sa.Column("role", sa.String(40), nullable=True))
    op.add_column("lw_deliveries", sa.Column("published", sa.Boolean(), nullable=False,
                                             server_default=sa.true()))
    op.create_index("ix_lw_deliveries_published", "lw_deliveries", ["published"])


def downgrade() -> None:
    """Drop what upgrade added."""
    # Delivery states (added last by upgrade(), so dropped first)
    op.drop_index("ix_lw_deliveries_published", table_name="lw_deliveries")
    op.drop_column("lw_deliveries", "published")
    op.drop_column("lw_deliveries", "role")
    # SMS replay memory (created first by upgrade(), so dropped last)
    op.drop_index("ix_lw_sms_receipts_expires_at", table_name="lw_sms_receipts")
    op.drop_table("lw_sms_receipts")
