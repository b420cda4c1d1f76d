"""Render each of Spoke's main screens with the fictional demo casebook to PNG files.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [folder] [--dark]
    QT_SCALE_FACTOR=2 QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py shots-2x

The folder defaults to ./screenshots/ (git-ignored). Uses fast key derivation: the demo holds
nothing real. Look at every picture after changing a screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QPalette  # noqa: TID251 - the screenshot tool drives the Qt UI
from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: TID251 - the screenshot tool drives the Qt UI

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.demo import DEMO_PASSPHRASE, prepare_demo_profile
from spokeapp.domain.records import Case
from spokeapp.store.casebook import Casebook
from spokeapp.ui.main_window import MainWindow
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.risk_form import RiskAssessmentDialog

TODAY = date(2025, 3, 14)
NOW = datetime(2025, 3, 14, 10, 30, tzinfo=UTC)


def settle(app: QApplication, tasks: TaskRunner) -> None:
    for _ in range(5):
        tasks.wait()
        app.processEvents()


def save(widget: QWidget, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def dark_palette(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1f1f1f"),
        (QPalette.ColorRole.AlternateBase, "#2f2f2f"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d7ac7"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
    ):
        palette.setColor(role, colour)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, "#8a8a8a")
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, "#8a8a8a")
    app.setPalette(palette)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default="screenshots")
    parser.add_argument("--dark", action="store_true", help="a dark palette (Fusion style)")
    args = parser.parse_args()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if args.dark:
        dark_palette(app)
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "demo"
        demo = prepare_demo_profile(profile, kdf=FAST_KDF_FOR_TESTS, today=TODAY, with_hub=True)
        book = Casebook.open(profile, DEMO_PASSPHRASE, clock=lambda: NOW)
        tasks = TaskRunner()
        window = MainWindow(book, tasks, clock=lambda: NOW, idle_minutes=10)
        window.resize(1280, 800)
        window.show()
        settle(app, tasks)
        for number, name in enumerate(
            ("today", "caseload", "session", "case", "referrals", "outreach", "settings", "sync")
        ):
            if name == "case":
                cases = [
                    s.record
                    for s in book.records("case")
                    if isinstance(s.record, Case) and s.record.status.value == "open"
                ]
                busy = max(cases, key=lambda c: len(book.records("risk_assessment", case_id=c.id)))
                window.open_case(busy.id)
                settle(app, tasks)
            elif name == "session":
                window.record_session_for(window.caseload_model.row_at(1).case_id)
            window.show_page(number)
            settle(app, tasks)
            save(window, folder, f"{number + 1:02d}-{name}")

        window.show_page(1)
        window.caseload.show_box.setCurrentIndex(window.caseload.show_box.findData("all"))
        window.caseload.search_edit.setText("library")
        window.caseload.search_now()
        settle(app, tasks)
        save(window, folder, "09-caseload-search")

        case_id = window.case_page.case_id
        assert case_id is not None
        window.assess(case_id)
        dialog = window.dialog
        assert isinstance(dialog, RiskAssessmentDialog)
        for n, indicator in enumerate(dialog.groups):
            dialog.set_answer(indicator, n % 3 if n < 12 else 0)
        dialog.override.setChecked(True)
        dialog.finalise()
        settle(app, tasks)
        save(dialog, folder, "10-risk-assessment-override-refused")
        dialog.dirty = False
        dialog.reject()

        window.new_referral()
        settle(app, tasks)
        save(window.dialog, folder, "11-referral")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        window.raise_concern(case_id)
        save(window.dialog, folder, "12-concern")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        window.case_page.select_record(window.case_page.timeline_model.rows[0].key)
        window.case_page.amend_button.click()
        save(window.dialog, folder, "13-amendment")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        window.new_group()
        save(window.dialog, folder, "14-group-session")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]
        window.new_professional()
        save(window.dialog, folder, "15-training")  # type: ignore[arg-type]
        window.dialog.reject()  # type: ignore[union-attr]

        window.close_case(case_id)
        wizard = window.dialog
        assert isinstance(wizard, QWizard)
        settle(app, tasks)
        save(wizard, folder, "16-closure-reason")
        wizard.next()
        save(wizard, folder, "17-closure-assessment")
        page = wizard.currentPage()
        page.use_assessment.setChecked(True)  # type: ignore[attr-defined]
        wizard.next()
        save(wizard, folder, "18-closure-outcome")
        wizard.reject()
        window.close()
        tasks.wait()
        book.close()
        if demo.hub is not None:
            demo.hub.stop()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
