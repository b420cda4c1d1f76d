"""Nobody holds an attached file by naming it first (docs/attachments.md, "A hash is not a
key"). Until this revision the hub counted the author of the oldest record naming a file as
holding it, with no ``hub_attachment_holders`` row: so a worker who knew the SHA-256 of a
document another team would upload later could name it first and fetch it once uploaded.
From now on a person holds a file only by a row with ``holds`` true: they sent every chunk of
it, each the file's (their last chunk made it whole, or each matched the copy already held).

Files the hub holds whole were held by their oldest record's author under the old rule; so
that their readers keep them, each complete file's oldest record's author (lowest ``seq``
among the records naming it) is given a row with ``holds`` true here: inserted, or an
existing row (a showing under way) set to hold, its showing cleared. The migration cannot tell
an honest first uploader from someone who named the file before its owner uploaded it: files
whole before this revision stay as they were held.

Files not whole at this revision get no holder: their uploader's laptop simply goes on
through the showing path (``spokeapp.hub.attachments._show_holding``), which asks it for the
chunks it has not sent itself and makes it a holder once its last chunk completes the file.
The old path kept no note of who sent which chunk, so the chunks that arrived before this
revision are asked for once more (they match the hub's and count); none is taken as the
uploader's unseen, since the first namer need not be the one who sent them. No schema
change.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision: str | None = "0017"
branch_labels: str | None = None
depends_on: str | None = None

#: For a file's holder row: its file is whole, and its person wrote the oldest record (lowest
#: ``seq``) naming it.
_HOLD = """
    UPDATE hub_attachment_holders SET holds = :yes, proven = ''
    WHERE holds = :no AND EXISTS (
        SELECT 1 FROM hub_attachments a JOIN hub_records r ON r.attachment_sha256 = a.sha256
        WHERE a.sha256 = hub_attachment_holders.sha256 AND a.complete = :yes
          AND r.author_user = hub_attachment_holders.user_id
          AND r.seq = (SELECT MIN(o.seq) FROM hub_records o
                       WHERE o.attachment_sha256 = a.sha256))
"""

#: Every whole file's oldest record's author who has no holder row for it yet.
_ADD = """
    INSERT INTO hub_attachment_holders (sha256, user_id, proven, holds)
    SELECT a.sha256, r.author_user, '', :yes
    FROM hub_attachments a JOIN hub_records r ON r.attachment_sha256 = a.sha256
    WHERE a.complete = :yes AND r.author_user IS NOT NULL
      AND r.seq = (SELECT MIN(o.seq) FROM hub_records o WHERE o.attachment_sha256 = a.sha256)
      AND NOT EXISTS (SELECT 1 FROM hub_attachment_holders h
                      WHERE h.sha256 = a.sha256 AND h.user_id = r.author_user)
"""


def _with_booleans(sql: str) -> sa.TextClause:
    """``sql`` with ``:yes`` and ``:no`` bound as booleans (1/0 on SQLite, true/false on
    PostgreSQL)."""
    values = {"yes": True, "no": False}
    return sa.text(sql).bindparams(*(sa.bindparam(name, value, type_=sa.Boolean)
                                     for name, value in values.items() if f":{name}" in sql))


def upgrade() -> None:
    """Two statements, the same on SQLite and PostgreSQL: a row already there for a whole
    file's first author set to hold, then the missing rows inserted."""
    op.execute(_with_booleans(_HOLD))
    op.execute(_with_booleans(_ADD))


def downgrade() -> None:
    """Nothing to undo in the schema; the rows given here stay (under 0017's rule their
    authors held those files anyway)."""
