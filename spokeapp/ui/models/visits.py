"""The worker's visits for her own screens: :mod:`spokeapp.present.visits` (read from the
casebook, worded without Qt, never the hub's view) and the laptop's check-in reminders of a
visit (:func:`~spokeapp.present.reminders.visit_reminders`, shown with Qt's timers by
:mod:`spokeapp.ui.reminders`), re-exported for the pages.
"""

from __future__ import annotations

from spokeapp.present.reminders import visit_reminders
from spokeapp.present.visits import (
    BUDDY_NAME_SETTING,
    BUDDY_PHONE_SETTING,
    MOBILE_SETTING,
    SAFETY_RECORD_KINDS,
    VisitView,
    alarm_words,
    channels_words,
    current_visit,
    load_visits,
    plan_message,
    reach_words,
    today_words,
    unsent_words,
)

__all__ = [
    "BUDDY_NAME_SETTING",
    "BUDDY_PHONE_SETTING",
    "MOBILE_SETTING",
    "SAFETY_RECORD_KINDS",
    "VisitView",
    "alarm_words",
    "channels_words",
    "current_visit",
    "load_visits",
    "plan_message",
    "reach_words",
    "today_words",
    "unsent_words",
    "visit_reminders",
]

