"""Lone-working safety (issue 5): the escalation watch, visit index, contacts, outbox.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.String(64)


def upgrade() -> None:
    """Create the lone-working tables (docs/architecture.md, "Lone-working safety on the hub")."""
    op.create_table(
        "lw_watch",
        sa.Column("visit_id", ID, primary_key=True),
        sa.Column("worker_user", ID, nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
        sa.Column("mobile", sa.String(32), nullable=True),
        sa.Column("armed_at", sa.String(40), nullable=False),
        sa.Column("escalation_starts_at", sa.String(40), nullable=True),
        sa.Column("next_check_at", sa.String(40), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", sa.String(40), nullable=True),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_lw_watch_worker_user", "lw_watch", ["worker_user"])
    op.create_index("ix_lw_watch_next_check_at", "lw_watch", ["next_check_at"])
    op.create_index("ix_lw_watch_mobile", "lw_watch", ["mobile"])
    op.create_table(
        "lw_visit_records",
        sa.Column("record_id", ID, primary_key=True),
        sa.Column("visit_id", ID, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
    )
    op.create_index("ix_lw_visit_records_visit_id", "lw_visit_records", ["visit_id"])
    op.create_table(
        "lw_contacts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_lw_contacts_role", "lw_contacts", ["role"])
    op.create_table(
        "lw_deliveries",
        sa.Column("id", ID, primary_key=True),
        sa.Column("alert_id", ID, nullable=False),
        sa.Column("visit_id", ID, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.String(40), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("sent_at", sa.String(40), nullable=True),
        sa.Column("last_error", sa.String(80), nullable=True),
    )
    op.create_index("ix_lw_deliveries_alert_id", "lw_deliveries", ["alert_id"])
    op.create_index("ix_lw_deliveries_due", "lw_deliveries", ["status", "next_attempt_at"])


def downgrade() -> None:
    """Not supported: the hub never goes back to an older schema (restore a backup instead)."""
    raise NotImplementedError("restore a backup instead of downgrading the hub schema")
