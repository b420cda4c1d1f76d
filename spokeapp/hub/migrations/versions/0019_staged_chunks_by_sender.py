"""Each sender's chunks of a file not whole yet are kept apart (docs/attachments.md,
"Spoiling an upload"). Until this revision every sender's chunks of an unfinished file went
into one set, keyed ``(sha256, idx)``, the first of each index kept: so someone whose own
record named a file's SHA-256 could send wrong chunks of the right length ahead of its owner's
(or declare another size, which restarted the upload), and the file hashed wrong and was
dropped, as often as she liked. ``hub_attachment_chunks`` gains ``sender`` in its key,
``(sha256, sender, idx)``: the empty string for the chunks of a complete file (the file's own,
the only ones served), the sender's user id for chunks staged while it is not whole; a
sender's set becomes the file's only when it hashes right.

Chunks of complete files are kept, as the file's (``sender`` ''). Chunks of files not complete
are dropped: the hub kept no note of who sent which, so none can be put in anyone's set. Their
uploaders' laptops ask for the file's status at the next sync, are told nothing received (as
after a mismatch) and send it again. The ``hub_attachments`` rows of those files stay (not
complete, no chunks: each sender stages against their own record's size and the row goes
with the last record naming the file); the showings noted against their old shared set
(``hub_attachment_holders.proven`` of people not holding them) are cleared, since what they
listed went.

SQLite cannot change a primary key in place: the table is copied into a new one with the new
key (only the rows kept), the old one dropped and the new one renamed. PostgreSQL: the column
is added (a constant default: no rewrite) and the key replaced.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision: str | None = "0018"
branch_labels: str | None = None
depends_on: str | None = None

_TABLE = "hub_attachment_chunks"
#: The name PostgreSQL gave the table's key (``op.create_table`` in 0013, no naming rule).
_PKEY = "hub_attachment_chunks_pkey"
#: The copy SQLite builds before the swap.
_COPY = "hub_attachment_chunks_0019"

#: The chunks of every file not complete.
_DROP_UNFINISHED = """
    DELETE FROM hub_attachment_chunks WHERE sha256 IN (
        SELECT sha256 FROM hub_attachments WHERE complete = :no)
"""

#: What people not holding a file not complete had shown against its chunks.
_FORGET_SHOWINGS = """
    UPDATE hub_attachment_holders SET proven = ''
    WHERE holds = :no AND sha256 IN (SELECT sha256 FROM hub_attachments WHERE complete = :no)
"""


def _with_booleans(sql: str) -> sa.TextClause:
    """``sql`` with ``:yes`` and ``:no`` bound as booleans (1/0 on SQLite, true/false on
    PostgreSQL)."""
    values = {"yes": True, "no": False}
    return sa.text(sql).bindparams(*(sa.bindparam(name, value, type_=sa.Boolean)
                                     for name, value in values.items() if f":{name}" in sql))


#: SQLite, upgrading: every chunk left (a complete file's) into the copy, as the file's own.
_COPY_UP = """
    INSERT INTO hub_attachment_chunks_0019 (sha256, sender, idx, data)
    SELECT sha256, '', idx, data FROM hub_attachment_chunks
"""

#: SQLite, downgrading: every chunk left (a complete file's) into the copy.
_COPY_DOWN = """
    INSERT INTO hub_attachment_chunks_0019 (sha256, idx, data)
    SELECT sha256, idx, data FROM hub_attachment_chunks
"""


def _swap(copy_rows: str, *, by_sender: bool) -> None:
    """SQLite: a new chunks table with the key wanted, ``copy_rows`` (an INSERT ... SELECT
    from the old one into it), the old one dropped and the new one renamed."""
    key = ("sha256", "sender", "idx") if by_sender else ("sha256", "idx")
    sender = [sa.Column("sender", sa.String(64), nullable=False)] if by_sender else []
    op.create_table(
        _COPY,
        sa.Column("sha256", sa.String(64), sa.ForeignKey("hub_attachments.sha256"),
                  nullable=False),
        *sender,
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint(*key),
    )
    op.execute(copy_rows)
    op.drop_table(_TABLE)
    op.rename_table(_COPY, _TABLE)


def upgrade() -> None:
    """Unfinished files' chunks and showings dropped, then the new key: the same statements
    on both databases, then a copy on SQLite, an ``ALTER TABLE`` on PostgreSQL."""
    op.execute(_with_booleans(_DROP_UNFINISHED))
    op.execute(_with_booleans(_FORGET_SHOWINGS))
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(_TABLE, sa.Column("sender", sa.String(64), nullable=False,
                                        server_default=""))
        op.alter_column(_TABLE, "sender", server_default=None)
        op.drop_constraint(_PKEY, _TABLE, type_="primary")
        op.create_primary_key(_PKEY, _TABLE, ["sha256", "sender", "idx"])
        return
    _swap(_COPY_UP, by_sender=True)


def downgrade() -> None:
    """Back to one set per file: staged chunks (a sender's, of a file not whole) are dropped,
    since the old key cannot tell them apart; those senders' laptops send them again."""
    op.execute("DELETE FROM hub_attachment_chunks WHERE sender <> ''")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(_PKEY, _TABLE, type_="primary")
        op.drop_column(_TABLE, "sender")
        op.create_primary_key(_PKEY, _TABLE, ["sha256", "idx"])
        return
    _swap(_COPY_DOWN, by_sender=False)
