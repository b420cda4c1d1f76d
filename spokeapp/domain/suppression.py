"""Small-number suppression for published tables: no count from 1 to 4 can be worked out.

A funder form shows a count from 1 to 4 as ``"<5"`` (*primary* suppression). That alone leaks,
because the figures are published with sums among them (received = accepted + declined +
waiting, and so on) and a hidden count can be worked back from shown ones: closed 85, lower 59,
the rest 23 gives "not comparable" = 3. So further cells are withheld as ``"*"`` (*secondary*
suppression) until **no hidden cell is determined** by what a reader has:

* every shown count, exactly;
* every published sum (``sums``: each total equals the sum of its parts);
* that a ``"<5"`` cell is 1, 2, 3 or 4, that a ``"*"`` cell is 5 or more (only counts of 5
  or more are withheld as ``"*"``, but for the last resort below; a 0 is always shown), and
  that every count is a whole number.

"Not determined" is shown constructively: for each hidden cell the code finds a second set of
whole numbers, within those bounds, that satisfies every sum with the shown cells unchanged
and gives that cell a different value (a *certificate*; a bounded depth-first search over the
sums). Whenever a hidden cell has no certificate, one more shown cell is withheld: the smallest
count that gives it one, looking first among the cells it shares a sum with, and further out
if none does alone. The search only ever proves cells safe, never unsafe, so where it gives up
(its step budget) it withholds more rather than less.

Last resort: where every count near a determined cell is small and withheld already (a table
of small counts and small totals: a 2 x 2 table of ones has each total "<5" and a grand total
that four cells of at least 1 make exactly 4), a ``"<5"`` cell is starred instead, the largest
nearby first. The search then takes that star as "1 or more" (a reader who knew which stars
are these would know no more), so the reader is never told a range that pins a cell down.

This is the classic greedy approach to cell suppression (the fewest and smallest further cells,
not a proven minimum, which is NP-hard in general). ``tests/unit/domain/test_report_suppression
.py`` checks the outcome independently, by exact linear algebra and by integer programming.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Final

__all__ = ["HIDDEN", "SMALL", "SMALL_COUNT_LIMIT", "suppress"]

SMALL_COUNT_LIMIT: Final = 5
"""Counts from 1 up to (not including) this are shown as :data:`SMALL`."""
SMALL: Final = "<5"
"""How a count from 1 to 4 is shown."""
HIDDEN: Final = "*"
"""How a count of 5 or more withheld so that a small count cannot be worked out is shown."""

_STEPS: Final = 4000
"""Search steps allowed for one certificate (past it, the cell counts as not yet safe)."""


class _Tables:
    """The published cells and sums, as equations ``sum(coefficient * cell) == 0``."""

    def __init__(self, counts: Mapping[str, int],
                 sums: Iterable[tuple[str, Sequence[str]]]) -> None:
        self.counts = dict(counts)
        self.equations: list[dict[str, int]] = []
        self.touching: dict[str, list[int]] = {key: [] for key in self.counts}
        for total, parts in sums:
            equation: dict[str, int] = {total: 1}
            for part in parts:
                equation[part] = equation.get(part, 0) - 1
            equation = {k: c for k, c in equation.items() if c}
            if not equation or any(k not in self.counts for k in equation):
                continue
            for key in equation:
                self.touching[key].append(len(self.equations))
            self.equations.append(equation)

    def _within(self, key: str, delta: int, hidden: Mapping[str, str]) -> bool:
        value = self.counts[key] + delta
        if hidden[key] == SMALL:
            return 1 <= value < SMALL_COUNT_LIMIT
        if self.counts[key] < SMALL_COUNT_LIMIT:  # a small count starred as a last resort
            return value >= 1
        return value >= SMALL_COUNT_LIMIT

    def movable(self, key: str, hidden: Mapping[str, str]) -> bool:
        """True if a certificate exists: another whole-number solution, within the bounds a
        reader knows, in which ``key`` has a different value and every shown cell the same."""
        return any(self._search(key, sign, hidden) for sign in (1, -1))

    def _search(self, key: str, sign: int, hidden: Mapping[str, str]) -> bool:
        if not self._within(key, sign, hidden):
            return False
        steps = _STEPS
        delta: dict[str, int] = {key: sign}

        def unbalanced() -> tuple[int, list[str], dict[str, int]] | None:
            """The sum most constrained among those the changes so far unbalance (its free
            cells empty when only a shown cell could rebalance it), or None if all balance."""
            best: tuple[int, list[str], dict[str, int]] | None = None
            seen: set[int] = set()
            for moved in delta:
                for index in self.touching[moved]:
                    if index in seen:
                        continue
                    seen.add(index)
                    equation = self.equations[index]
                    residue = sum(c * delta.get(k, 0) for k, c in equation.items())
                    if residue == 0:
                        continue
                    free = [k for k in equation if k in hidden and k not in delta]
                    if best is None or len(free) < len(best[1]):
                        best = (residue, free, equation)
            return best

        def extend() -> bool:
            nonlocal steps
            steps -= 1
            if steps < 0:
                return False
            found = unbalanced()
            if found is None:
                return True
            residue, free, equation = found
            for cell in free:
                coefficient = equation[cell]
                if residue % coefficient:
                    continue
                change = -residue // coefficient
                if not self._within(cell, change, hidden):
                    continue
                delta[cell] = change
                if extend():
                    return True
                del delta[cell]
            return False

        return extend()

    def neighbours(self, key: str) -> list[str]:
        """Cells sharing a sum with ``key``."""
        found: dict[str, None] = {}
        for index in self.touching[key]:
            for other in self.equations[index]:
                if other != key:
                    found[other] = None
        return list(found)


def suppress(counts: Mapping[str, int], sums: Iterable[tuple[str, Sequence[str]]], *,
             exempt: Collection[str] = ()) -> dict[str, str]:
    """The cells to withhold: key -> :data:`SMALL` (a count from 1 to 4) or :data:`HIDDEN`
    (a count of 5 or more withheld so that no hidden cell can be worked out; module doc).

    ``counts`` in reading order (ties are broken by it); ``sums``: (total, parts) pairs;
    ``exempt``: cells never withheld and in no sum (published benchmarks, not counts of anyone).
    """
    tables = _Tables(counts, sums)
    order = {key: n for n, key in enumerate(tables.counts)}
    hidden: dict[str, str] = {
        key: SMALL for key, n in tables.counts.items()
        if 0 < n < SMALL_COUNT_LIMIT and key not in exempt
    }
    safe: set[str] = set()
    stuck: set[str] = set()

    def candidates(hidden_now: Mapping[str, str], start: str,
                   small: bool = False) -> list[list[str]]:
        """Shown cells of 5 or more that could be withheld, by distance from ``start``; with
        ``small``, the cells shown as "<5" instead (the last resort; ``start`` itself last)."""
        rings: list[list[str]] = []
        reached = {start}
        ring = [start]
        while ring:
            following: list[str] = []
            for key in ring:
                for other in tables.neighbours(key):
                    if other not in reached:
                        reached.add(other)
                        following.append(other)
            usable = sorted(
                (k for k in following if k not in exempt and (
                    hidden_now.get(k) == SMALL if small
                    else k not in hidden_now and tables.counts[k] >= SMALL_COUNT_LIMIT)),
                key=lambda k: (-tables.counts[k], order[k]) if small
                else (tables.counts[k], order[k]),
            )
            if usable:
                rings.append(usable)
            ring = following
        if small and hidden_now.get(start) == SMALL:
            rings.append([start])
        return rings

    while True:
        pending = []
        for key in sorted(hidden, key=order.__getitem__):
            if key in safe or key in stuck:
                continue
            if tables.movable(key, hidden):
                safe.add(key)  # withholding more never takes a certificate away
            else:
                pending.append(key)
        if not pending:
            return hidden
        target = pending[0]
        rings = candidates(hidden, target)
        if not rings:
            # Every count near it is small and withheld already, and the sums still pin it
            # down (a 2 x 2 table of ones: each total "<5" and four cells of at least 1 make
            # the grand total 4 and each cell 1). Last resort: a "<5" is starred instead,
            # which tells a reader only that it is 1 or more; the largest nearby first.
            rings = candidates(hidden, target, small=True)
        if not rings:  # pragma: no cover - nothing near it is shown at all
            stuck.add(target)
            continue
        choice = None
        for ring in rings:
            for key in ring:
                if tables.movable(target, {**hidden, key: HIDDEN}):
                    choice = key
                    break
            if choice is not None:
                break
        hidden[choice if choice is not None else rings[0][0]] = HIDDEN
