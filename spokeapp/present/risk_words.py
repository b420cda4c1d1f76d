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
from spokeapp.i18n import number, translator

tr = translator(__name__)

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


def result_of(tool: RiskTool, answers: Mapping[str, int]) -> RiskResult:
    """The live result: the score and level once complete, "Not scored yet" before."""
    missing = len(tool.unanswered(answers))
    scored = tool.score(answers)
    if missing:
        text = tr.plural(missing, "Not scored yet: {n} question unanswered",
                         "Not scored yet: {n} questions unanswered")
        return RiskResult(text=text, level=None, colour=None, unanswered=missing)
    band = tool.band(scored.level)
    if scored.raised_by:
        template = tr("Score {score} of {most}: {level} risk (raised by a single significant "
                      "answer)")
    else:
        template = tr("Score {score} of {most}: {level} risk")
    text = template.format(score=number(scored.score), most=number(tool.max_score),
                           level=band.label)
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
    named = [tr("\u201c{question}\u201d").format(question=i.text)
             for i in missing[:NAMED_IN_SUMMARY]]
    more = len(missing) - len(named)
    if more:
        listed = tr.plural(more, "{questions} and {n} more", "{questions} and {n} more").format(
            questions=", ".join(named))
    elif len(named) > 1:
        listed = tr("{questions} and {last}").format(
            questions=", ".join(named[:-1]), last=named[-1])
    else:
        listed = named[0]
    return tr("Answer these questions before finalising: {questions}.").format(questions=listed)


def unanswered_by_domain(tool: RiskTool, answers: Mapping[str, int]) -> str:
    """Every unanswered question, under its group's title (shown below the questions)."""
    missing = set(tool.unanswered(answers))
    if not missing:
        return ""
    lines = [tr.plural(len(missing), "{n} question still needs an answer:",
                       "{n} questions still need an answer:")]
    for domain in tool.domains:
        left = [i.text for i in domain.indicators if i.id in missing]
        if left:
            lines.append(tr("{group}: {questions}.").format(
                group=domain.title, questions="; ".join(left)))
    return "\n".join(lines)
