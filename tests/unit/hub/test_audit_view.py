"""The audit's pure parts: the unusual-access rule, days, and spreadsheet-safe CSV cells."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from spokeapp.hub.audit_view import (
    AccessWatch,
    AuditFilter,
    AuditInputError,
    AuditRow,
    FlagRule,
    csv_cell,
    csv_record,
    flag_rows,
    parse_day,
    summary_line,
)

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _view(who: str, case: str, at: datetime, action: str = "case_view") -> AuditRow:
    return AuditRow(when=at.isoformat(), who=who, action=action, subject=case,
                    device="dev-test-1", detail="", acted_at=at)


def _views(who: str, cases: int, spread: timedelta, prefix: str = "case-test") -> list[AuditRow]:
    step = spread / max(cases - 1, 1)
    return [_view(who, f"{prefix}-{n}", START + step * n) for n in range(cases)]


def test_an_account_viewing_25_cases_in_30_minutes_is_flagged_from_the_21st() -> None:
    rule = FlagRule()
    watch = AccessWatch(rule)
    rows = list(flag_rows(_views("user-busy", 25, timedelta(minutes=30)), watch))
    assert [r.flagged for r in rows] == [False] * 20 + [True] * 5
    [flag] = watch.flags()
    assert (flag.who, flag.cases) == ("user-busy", 25)
    assert flag.first == START and flag.last == START + timedelta(minutes=30)
    assert summary_line(watch.flags(), rule) == (
        "1 account viewed 25 cases within an hour: user-busy "
        "(25 cases, 2026-03-02 10:00 UTC to 2026-03-02 10:30 UTC)"
    )


def test_an_account_viewing_5_cases_is_not_flagged_and_no_summary_is_given() -> None:
    rule = FlagRule()
    watch = AccessWatch(rule)
    rows = list(flag_rows(_views("user-calm", 5, timedelta(minutes=30)), watch))
    assert not any(r.flagged for r in rows)
    assert watch.flags() == []
    assert summary_line(watch.flags(), rule) is None


def test_the_same_case_opened_many_times_counts_once() -> None:
    watch = AccessWatch(FlagRule(cases=3))
    rows = [_view("user-a", "case-test-1", START + timedelta(minutes=n)) for n in range(30)]
    assert not any(r.flagged for r in flag_rows(rows, watch))


def test_views_spread_wider_than_the_window_are_not_flagged() -> None:
    watch = AccessWatch(FlagRule(cases=20, window=timedelta(hours=1)))
    rows = _views("user-steady", 40, timedelta(hours=8))  # one every ~12 minutes
    assert not any(r.flagged for r in flag_rows(rows, watch))


def test_the_rule_is_per_account_and_configurable() -> None:
    rule = FlagRule(cases=4, window=timedelta(minutes=10))
    watch = AccessWatch(rule)
    rows = sorted(
        _views("user-a", 5, timedelta(minutes=9)) + _views("user-b", 4, timedelta(minutes=9))
        + _views("user-c", 5, timedelta(minutes=20)),
        key=lambda r: r.acted_at,
    )
    flagged = {r.who for r in flag_rows(rows, watch) if r.flagged}
    assert flagged == {"user-a"}
    assert summary_line(watch.flags(), rule) == (
        "1 account viewed 5 cases within 10 minutes: user-a "
        "(5 cases, 2026-03-02 10:00 UTC to 2026-03-02 10:09 UTC)"
    )


def test_only_views_count_towards_the_rule() -> None:
    watch = AccessWatch(FlagRule(cases=2))
    rows = [_view("user-a", f"case-test-{n}", START, action="record_change") for n in range(9)]
    assert not any(r.flagged for r in flag_rows(rows, watch))


def test_two_accounts_flagged_are_both_named() -> None:
    rule = FlagRule(cases=2)
    watch = AccessWatch(rule)
    list(flag_rows(_views("user-a", 4, timedelta(minutes=5))
                   + _views("user-b", 3, timedelta(minutes=5)), watch))
    line = summary_line(watch.flags(), rule)
    assert line is not None
    assert line.startswith("2 accounts viewed more than 2 cases within an hour: user-a (4 cases")
    assert "user-b (3 cases" in line


@pytest.mark.parametrize("text", ["2026-3-2", "02/03/2026", "2026-02-30", "yesterday", ""])
def test_a_day_must_be_yyyy_mm_dd(text: str) -> None:
    with pytest.raises(AuditInputError, match="YYYY-MM-DD"):
        parse_day(text)
    assert parse_day("2026-03-02") == date(2026, 3, 2)


def test_since_after_until_is_refused() -> None:
    with pytest.raises(AuditInputError, match="after --until"):
        AuditFilter(since=date(2026, 3, 5), until=date(2026, 3, 1))


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert csv_cell("case-test-1") == "case-test-1"
    assert csv_cell("") == ""


def test_a_csv_record_has_every_column_made_safe() -> None:
    row = AuditRow(when="2026-03-02T10:00:00+00:00", who="=cmd", action="case_view",
                   subject="@case", device=None, detail="-x", acted_at=START, flagged=True)
    assert csv_record(row) == ["2026-03-02T10:00:00+00:00", "'=cmd", "case_view", "'@case",
                               "", "'-x", "yes"]
