"""Emitting signals all day must not crash Spoke (PySide6 6.12.0 loses a reference per emit)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

from spokeapp.ui.signals import emit


class _Counter(QObject):
    ticked = Signal(str)


def test_a_days_worth_of_emits_leaves_true_intact(qtbot: Any) -> None:
    counter = _Counter()
    received: list[str] = []
    counter.ticked.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(20_000):  # an autosave every 5 s for more than a day
        emit(counter.ticked, "Draft saved.")
    assert len(received) == 20_000
    assert abs(sys.getrefcount(True) - before) < 100, "each emit must give back what it takes"
