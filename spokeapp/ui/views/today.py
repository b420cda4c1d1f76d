"""Today: a short, calm summary of the caseload and a way into the usual next step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from spokeapp.store.casebook import CaseloadRow
from spokeapp.ui.first_run import heading

QUIET_DAYS = 28


class TodayPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Loading your caseload…", self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Summary of your caseload")
        self.record_button = QPushButton("&Record a session", self)
        self.record_button.setAccessibleName("Record a session")
        self.caseload_button = QPushButton("See your &caseload", self)
        self.caseload_button.setAccessibleName("See your caseload")
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.caseload_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Today", self))
        layout.addWidget(self.summary)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def show_caseload(self, rows: Sequence[CaseloadRow], now: datetime) -> None:
        open_rows = [r for r in rows if r.status == "open"]
        if not open_rows:
            self.summary.setText("You have no open cases at the moment.")
            return
        cutoff = now - timedelta(days=QUIET_DAYS)
        quiet = [
            r.reference for r in open_rows if r.last_contact is None or r.last_contact < cutoff
        ]
        cases = "case" if len(open_rows) == 1 else "cases"
        lines = [f"You have {len(open_rows)} open {cases}."]
        if quiet:
            lines.append(
                f"No contact recorded in the last {QUIET_DAYS} days with: {', '.join(quiet)}."
            )
        self.summary.setText("\n".join(lines))
