"""The closure outcome: was the young person's risk lower, the same or higher at the end?

This is the figure funders and evaluators ask about (the Hub and Spoke evaluation reported 72%
of closed cases at lower risk), so it is only claimed when the comparison is sound: both
assessments exist and were made with the same version of the hub's current tool. Anything else
is reported honestly as ``incomplete`` rather than guessed.
"""

from __future__ import annotations

from spokeapp.domain.records import Outcome, RiskAssessment
from spokeapp.domain.risk_tool import RiskTool

__all__ = ["closure_outcome"]


def closure_outcome(
    initial: RiskAssessment | None, closing: RiskAssessment | None, tool: RiskTool
) -> Outcome:
    """Compare the closing assessment's effective level with the initial one's.

    Effective levels (the worker's override where there is one) are compared by band rank in
    ``tool``. Returns ``Outcome.INCOMPLETE`` when either assessment is missing, either was made
    with a different tool id or version than ``tool`` (levels from different versions are not
    comparable), or either level is not a band of ``tool``.
    """
    if initial is None or closing is None:
        return Outcome.INCOMPLETE
    expected = (tool.tool_id, tool.version)
    for assessment in (initial, closing):
        if (assessment.tool_id, assessment.tool_version) != expected:
            return Outcome.INCOMPLETE
    names = {band.name for band in tool.bands}
    if initial.effective_level not in names or closing.effective_level not in names:
        return Outcome.INCOMPLETE
    before = tool.band_rank(initial.effective_level)
    after = tool.band_rank(closing.effective_level)
    if after < before:
        return Outcome.LOWER
    if after > before:
        return Outcome.HIGHER
    return Outcome.SAME
