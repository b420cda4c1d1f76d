"""The risk form's words (issue 17): unanswered is not low."""

from __future__ import annotations

from spokeapp.present.risk_words import (
    answer_these,
    result_of,
    unanswered_by_domain,
    unanswered_questions,
)
from spokeapp.resources import load_risk_tool

TOOL = load_risk_tool()
ALL_NO = {i.id: 0 for i in TOOL.indicators()}


def test_nothing_answered_is_not_scored_and_has_no_level_or_colour() -> None:
    shown = result_of(TOOL, {})
    count = len(list(TOOL.indicators()))
    assert shown.text == f"Not scored yet: {count} questions unanswered"
    assert shown.level is None and shown.colour is None and shown.unanswered == count


def test_one_left_is_said_in_the_singular_and_still_has_no_level() -> None:
    first = next(TOOL.indicators())
    answers = {k: v for k, v in ALL_NO.items() if k != first.id}
    assert result_of(TOOL, answers).text == "Not scored yet: 1 question unanswered"
    assert answer_these(TOOL, answers) == (
        f"Answer these questions before finalising: \u201c{first.text}\u201d."
    )
    assert unanswered_questions(TOOL, answers) == (first,)
    assert unanswered_by_domain(TOOL, answers).startswith("1 question still needs an answer:")


def test_every_answer_given_shows_the_band_and_its_colour() -> None:
    shown = result_of(TOOL, ALL_NO)
    low = TOOL.bands[0]
    assert shown.text == f"Score 0 of {TOOL.max_score}: {low.label} risk"
    assert shown.level == low.name and shown.colour == low.colour
    assert answer_these(TOOL, ALL_NO) == "" and unanswered_by_domain(TOOL, ALL_NO) == ""


def test_the_summary_names_three_then_counts_the_rest_in_form_order() -> None:
    asked = list(TOOL.indicators())
    summary = answer_these(TOOL, {})
    named = [f"\u201c{i.text}\u201d" for i in asked[:3]]
    assert summary == (
        f"Answer these questions before finalising: {', '.join(named)} "
        f"and {len(asked) - 3} more."
    )
    listed = unanswered_by_domain(TOOL, {}).splitlines()
    assert [line.split(":")[0] for line in listed[1:]] == [d.title for d in TOOL.domains]
