"""Initial hub schema: identities, enrolment, sequence counter, records, scope, audit.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.String(64)


def upgrade() -> None:
    """Create every table of docs/sync.md, the counter row, and the audit guard."""
    op.create_table(
        "hub_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_users_team", "users", ["team"])
    op.create_table(
        "devices",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("wipe", sa.Boolean(), nullable=False),
        sa.Column("refresh_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("chain_head", sa.String(64), nullable=False),
        sa.Column("enrolled_at", sa.String(40), nullable=False),
        sa.Column("last_seen_at", sa.String(40), nullable=True),
    )
    op.create_index("ix_devices_user_id", "devices", ["user_id"])
    op.create_table(
        "enrolment_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
        sa.Column("used_at", sa.String(40), nullable=True),
        sa.Column("device_id", ID, nullable=True),
    )
    op.create_table(
        "hub_counter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO hub_counter (id, value) VALUES (1, 0)")
    op.create_table(
        "hub_records",
        sa.Column("record_id", ID, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("author_user", ID, nullable=False),
        sa.Column("device_id", ID, nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("hub_time", sa.String(40), nullable=False),
    )
    op.create_index("ix_hub_records_case_id", "hub_records", ["case_id"])
    op.create_index("ix_hub_records_author_user", "hub_records", ["author_user"])
    op.create_table(
        "hub_changes",
        sa.Column("change_id", sa.String(36), primary_key=True),
        sa.Column("device_id", ID, nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("accepted_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_hub_changes_device_id", "hub_changes", ["device_id"])
    op.create_table(
        "hub_cases",
        sa.Column("case_id", ID, primary_key=True),
        sa.Column("key_worker", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
    )
    op.create_index("ix_hub_cases_key_worker", "hub_cases", ["key_worker"])
    op.create_index("ix_hub_cases_team", "hub_cases", ["team"])
    op.create_table(
        "hub_tombstones",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("hub_time", sa.String(40), nullable=False),
    )
    op.create_index("ix_hub_tombstones_user_seq", "hub_tombstones", ["user_id", "seq"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    # The audit trail is append-only: the database itself refuses edits and deletions.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION spoke_audit_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
            "FOR EACH ROW EXECUTE FUNCTION spoke_audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON audit "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )


def downgrade() -> None:
    """Not supported: the hub never goes back to an older schema (restore a backup instead)."""
    raise NotImplementedError("restore a backup instead of downgrading the hub schema")
