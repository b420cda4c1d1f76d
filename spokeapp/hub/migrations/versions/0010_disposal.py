"""Disposal (issue 16): ``hub_tombstones.disposed`` (a purge that erases the case everywhere,
not a scope change), ``hub_disposals`` (which case was disposed of, when, by whom, on which
basis: ids and counts only), ``hub_disposed_records`` (the ids of its erased records, so a
laptop that has not heard yet cannot push them back) and ``hub_report_residue`` (what the
case added to report figures, with nothing that names or links to anyone); and
``hub_cases.restricted`` (a restriction request carried out: the hub keeps the case, no laptop
pulls or pushes it).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """One column with a default (no rewrite of existing purges: they are not disposals) and
    three new tables."""
    op.add_column("hub_tombstones", sa.Column("disposed", sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
    op.add_column("hub_cases", sa.Column("restricted", sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    op.create_table(
        "hub_disposals",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("disposed_at", sa.String(40), nullable=False),
        sa.Column("disposed_by", sa.String(64), nullable=False),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("tombstones", sa.Integer(), nullable=False),
    )
    op.create_table(
        "hub_disposed_records",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_hub_disposed_records_case_id", "hub_disposed_records", ["case_id"])
    op.create_table(
        "hub_report_residue",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("worker", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
    )
    op.create_index("ix_hub_report_residue_worker", "hub_report_residue", ["worker"])


def downgrade() -> None:
    """Drop them again (batch mode: SQLite rebuilds the tombstone table)."""
    op.drop_index("ix_hub_report_residue_worker", table_name="hub_report_residue")
    op.drop_table("hub_report_residue")
    op.drop_index("ix_hub_disposed_records_case_id", table_name="hub_disposed_records")
    op.drop_table("hub_disposed_records")
    op.drop_table("hub_disposals")
    with op.batch_alter_table("hub_tombstones") as batch:
        batch.drop_column("disposed")
    with op.batch_alter_table("hub_cases") as batch:
        batch.drop_column("restricted")
