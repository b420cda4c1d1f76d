"""A restriction request about a referral that never became a case (docs/data-protection.md,
"Requests from young people and their families"): ``hub_restricted_records`` holds each
record the restriction keeps off every laptop (the referral, its young person, the documents
attached to it), with the referral's id; a case's restriction stays ``hub_cases.restricted``.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision: str | None = "0015"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """One new table: nothing is restricted yet."""
    op.create_table(
        "hub_restricted_records",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("referral_id", sa.String(64), nullable=False),
        sa.Column("restricted_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_hub_restricted_records_referral_id", "hub_restricted_records",
                    ["referral_id"])


def downgrade() -> None:
    op.drop_index("ix_hub_restricted_records_referral_id", table_name="hub_restricted_records")
    op.drop_table("hub_restricted_records")
