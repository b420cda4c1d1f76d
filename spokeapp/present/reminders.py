"""The laptop's check-in reminders without Qt: which notices a visit has (10 minutes before a
check-in is due, at the deadline, and through the grace period: ``lone_working.reminder_times``)
and their words, which say only when a check-in is due, never anything personal.

:mod:`spokeapp.ui.reminders` shows them at their times (tray, sound, banner), and the Visits page
hands it :func:`visit_reminders` after every change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from spokeapp.domain.lone_working import EscalationPolicy, next_deadline, reminder_times
from spokeapp.domain.records import CheckIn, VisitPlan
from spokeapp.i18n import translator
from spokeapp.present.visits import VisitView, clock_text

tr = translator(__name__)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One notice: when to show it and the deadline it is about."""

    at: datetime
    deadline: datetime

    def words(self, now: datetime) -> str:
        """Its words when shown at ``now`` (late, after a restart or a sleep, it says so)."""
        return reminder_text(min(max(self.at, now), self.deadline) if self.at < self.deadline
                             else self.at, self.deadline)


def reminder_text(at: datetime, deadline: datetime) -> str:
    """The words of a reminder at ``at`` about ``deadline`` (nothing personal)."""
    due = clock_text(deadline)
    if at < deadline:
        minutes = max(1, round((deadline - at).total_seconds() / 60))
        return tr.plural(
            minutes,
            "Check-in due at {due} (in {n} minute). Check in on Spoke.",
            "Check-in due at {due} (in {n} minutes). Check in on Spoke.",
        ).format(due=due)
    if at == deadline:
        return tr("Check-in due now ({due}). Check in on Spoke, or text SAFE.").format(due=due)
    return tr(
        "Your check-in was due at {due}. Check in now, or the hub will start alerting "
        "people to look for you."
    ).format(due=due)


def reminders_for(
    plan: VisitPlan, check_ins: Sequence[CheckIn], policy: EscalationPolicy | None = None
) -> list[Reminder]:
    """The laptop's reminders for the visit's current deadline, from its stored check-ins."""
    policy = policy or EscalationPolicy()
    deadline = next_deadline(plan, check_ins)
    if deadline is None:
        return []
    times = reminder_times(plan, check_ins, policy)
    return [Reminder(at, deadline) for at in times]


def visit_reminders(view: VisitView, policy: EscalationPolicy | None = None) -> list[Reminder]:
    """The laptop's reminders for the visit's current deadline, from the check-ins as the
    worker sees them."""
    return reminders_for(view.plan, view.shown_check_ins, policy)
