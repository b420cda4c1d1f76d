"""The risk form's words, without Qt: what the live result says, and which questions still need
an answer (the form is :mod:`spokeapp.ui.views.risk_form`; scoring is
:mod:`spokeapp.domain.risk_tool`).

Unanswered is not low: until every question has an answer the form shows no level and no
band colour, only how many questions are left, and finalising names them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spokeapp.domain.risk_tool import Indicator, RiskTool

__all__ = [
    "NAMED_IN_SUMMARY",
    "RiskResult",
    "answer_these",
    "result_of",
    "unanswered_by_domain",
    "unanswered_questions",
]

#: How many unanswered questions the one-line summary names before "and N more".
NAMED_IN_SUMMARY = 3


@dataclass(frozen=True, slots=True)
class RiskResult:
    """What the form shows below the questions.

    ``level`` and ``colour`` are None until every question is answered: the form then shows a
    neutral colour and no band name.
    """

    text: str
    level: str | None
    colour: str | None
    unanswered: int


def _questions(count: int) -> str:
    return "1 question" if count == 1 else f"{count} questions"


def result_of(tool: RiskTool, answers: Mapping[str, int]) -> RiskResult:
    """The live result: the score and level once complete, "Not scored yet" before."""
    missing = len(tool.unanswered(answers))
    scored = tool.score(answers)
    if missing:
        text = f"Not scored yet: {_questions(missing)} unanswered"
        return RiskResult(text=text, level=None, colour=None, unanswered=missing)
    band = tool.band(scored.level)
    text = f"Score {scored.score} of {tool.max_score}: {band.label} risk"
    if scored.raised_by:
        text += " (raised by a single significant answer)"
    return RiskResult(text=text, level=scored.level, colour=band.colour, unanswered=0)


def unanswered_questions(tool: RiskTool, answers: Mapping[str, int]) -> tuple[Indicator, ...]:
    """The questions still without an answer, in the order the form asks them."""
    missing = set(tool.unanswered(answers))
    return tuple(i for i in tool.indicators() if i.id in missing)


def answer_these(tool: RiskTool, answers: Mapping[str, int]) -> str:
    """One line for the top of the form: the first few unanswered questions by name."""
    missing = unanswered_questions(tool, answers)
    if not missing:
        return ""
    named = [f"\u201c{i.text}\u201d" for i in missing[:NAMED_IN_SUMMARY]]
    more = len(missing) - len(named)
    if more:
        listed = ", ".join(named) + f" and {more} more"
    elif len(named) > 1:
        listed = ", ".join(named[:-1]) + " and " + named[-1]
    else:
        listed = named[0]
    return f"Answer these questions before finalising: {listed}."


def unanswered_by_domain(tool: RiskTool, answers: Mapping[str, int]) -> str:
    """Every unanswered question, under its group's title (shown below the questions)."""
    missing = set(tool.unanswered(answers))
    if not missing:
        return ""
    needs = "needs" if len(missing) == 1 else "need"
    lines = [f"{_questions(len(missing)).capitalize()} still {needs} an answer:"]
    for domain in tool.domains:
        left = [i.text for i in domain.indicators if i.id in missing]
        if left:
            lines.append(f"{domain.title}: " + "; ".join(left) + ".")
    return "\n".join(lines)
