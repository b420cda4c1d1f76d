"""The Reports page's choices without Qt: the preset periods (calendar quarters, UK financial
years from April to March) and every saved record with the worker it counts for (the figures
themselves are :mod:`spokeapp.domain.reports`; the page and its PDF are
:mod:`spokeapp.ui.views.reports`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from spokeapp.domain.records import Case, Referral
from spokeapp.domain.reports import Attributed, Period
from spokeapp.i18n import translator
from spokeapp.store.casebook import Casebook

__all__ = [
    "CUSTOM", "LAST_QUARTER", "LAST_YEAR", "PRESETS", "THIS_QUARTER", "THIS_YEAR",
    "load_attributed", "preset_label", "preset_period",
]

tr = translator(__name__)

THIS_QUARTER, LAST_QUARTER, THIS_YEAR, LAST_YEAR, CUSTOM = range(5)
PRESETS: Final = (
    tr.noop("This quarter"),
    tr.noop("Last quarter"),
    tr.noop("This financial year (April to March)"),
    tr.noop("Last financial year"),
    tr.noop("Choose dates"),
)


def preset_label(preset: int) -> str:
    """A preset's name as the page shows it (translated)."""
    return tr(PRESETS[preset])


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def preset_period(preset: int, today: date) -> Period:
    """The dates of a preset (calendar quarters; UK financial years, April to March)."""
    if preset in (THIS_QUARTER, LAST_QUARTER):
        start = _quarter_start(today)
        if preset == LAST_QUARTER:
            start = _quarter_start(start - timedelta(days=1))
        after = _quarter_start(start + timedelta(days=92))
        return Period(start, after - timedelta(days=1))
    start = _financial_year_start(today)
    if preset == LAST_YEAR:
        start = date(start.year - 1, 4, 1)
    return Period(start, date(start.year + 1, 3, 31))


def load_attributed(book: Casebook) -> list[Attributed]:
    """Every saved record of the casebook (no drafts) with the worker it counts for: a case's
    records (and the referral that led to it) for its key worker, the rest for their author."""
    stored = [s for s in book.records() if s.state != "draft"]
    holder: dict[str, str] = {}
    by_referral: dict[str, str] = {}
    for item in stored:
        if isinstance(item.record, Case):
            holder[item.record.id] = item.record.key_worker
            if item.record.referral_id is not None:
                by_referral[item.record.referral_id] = item.record.key_worker
    out: list[Attributed] = []
    for item in stored:
        record = item.record
        case_id = record.case_id
        if case_id is not None:
            worker = holder.get(case_id)
        elif isinstance(record, Referral):
            worker = by_referral.get(record.id, item.author)
        else:
            worker = item.author
        if worker:
            out.append(Attributed(record, worker))
    return out
