"""A disposal, or a data subject request, may be about a referral that never became a case
(docs/data-protection.md, "Retention, legal hold and disposal"): ``hub_disposals.subject`` and
``hub_subject_requests.subject`` say which ("case" or "referral"); the id stays in
``case_id``, as in ``hub_disposed_records``, ``hub_tombstones`` and ``hub_retention_holds``,
whose id column names the subject. Every row before this revision was about a case.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None

_TABLES = ("hub_disposals", "hub_subject_requests")


def upgrade() -> None:
    """One column with a default in each table; existing rows are cases."""
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("subject", sa.String(16), nullable=False,
                                       server_default="case"))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("subject")
