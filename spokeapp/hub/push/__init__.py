"""The hub's side of push (docs/sync.md, "Push" and "Speed"): ``checks`` (every rule a push
must pass, one definition each), ``merge`` (header merging), ``rows`` (the one write routine:
sequence numbers in a block, bulk inserts, PostgreSQL ``COPY``), ``transaction`` (one push
applied: :func:`push`) and ``group`` (group commit: :func:`push_group`).
"""
