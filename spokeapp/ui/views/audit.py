"""The Audit page (supervisors and admins) and the lost-laptop report dialog (admins).

The audit lives on the hub (``GET /v1/audit``): the page asks for it when told to (never on its
own: every read is recorded on the hub), off the GUI thread, and says plainly when the hub
cannot be reached. Nothing of it is kept on this laptop. "Export CSV…" asks the hub for the
same listing as CSV (cells made safe for spreadsheets there, and the export recorded) and
writes it readable by the user only. The words and the loading are ``spokeapp.present.audit``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.crypto.keyfile import write_atomically
from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import number, translator
from spokeapp.present.audit import (
    ACTION_CHOICES,
    AuditFilters,
    AuditListing,
    DeviceChoice,
    action_choice_label,
    device_choices,
    entry_cells,
    load_audit,
    report_text,
    scope_words,
    summary_line,
)
from spokeapp.present.dates import DateProblem, read_day
from spokeapp.store.casebook import Casebook
from spokeapp.sync.client import HubClient, HubUnreachable
from spokeapp.sync.enrolled import enrolled_client
from spokeapp.ui.models.audit import AuditModel, audit_row
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, paragraph, refresh_shortcut, rows_table

__all__ = ["AuditPage", "DeviceReportDialog", "HubAudit", "hub_audit"]

tr = translator(__name__)

T = TypeVar("T")
Query = list[tuple[str, str]]

OFFLINE = tr.noop(
    "The audit is kept on the hub, and the hub cannot be reached from here. Connect to "
    "the internet (or your hub's network) and choose List entries again. Nothing of "
    "the audit is kept on this laptop.")


@dataclass(frozen=True)
class HubAudit:
    """What the page and the dialog ask of the hub (the client's calls, bound to this laptop's
    enrolment; replaced by fakes in tests only where the hub must be out of reach)."""

    page: Callable[[Query], Mapping[str, Any]]
    export: Callable[[Query], bytes]
    devices: Callable[[], Mapping[str, Any]]
    report: Callable[[str], Mapping[str, Any]]


def _call(book: Casebook, call: Callable[[HubClient], T]) -> T:
    with enrolled_client(book) as client:  # keeps a rotated sign-in
        return call(client)


def hub_audit(book: Casebook) -> HubAudit:
    """The hub calls of the laptop enrolled in ``book`` (each runs on the caller's thread)."""
    return HubAudit(
        page=lambda query: _call(book, lambda c: c.audit(query)),
        export=lambda query: _call(book, lambda c: c.audit_csv(query)),
        devices=lambda: _call(book, lambda c: c.devices()),
        report=lambda device_id: _call(book, lambda c: c.device_report(device_id)),
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, HubUnreachable):
        return tr(OFFLINE)
    if isinstance(error, SpokeError):
        return str(error)
    return tr("Something went wrong; nothing was changed.")


def _labelled(text: str, field: QWidget, parent: QWidget, name: str) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(field)
    field.setAccessibleName(name)
    return label


class AuditPage(QWidget):
    """Filters, the listing, the flagged accounts, CSV export; for admins the device report."""

    def __init__(
        self,
        tasks: TaskRunner,
        hub: HubAudit,
        *,
        clock: Callable[[], datetime],
        admin: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._hub = hub
        self._clock = clock
        self.listing: AuditListing | None = None
        self._shown: AuditFilters | None = None

        self.person = QLineEdit(self)
        self.person.setPlaceholderText(tr("name or user id"))
        self.case = QLineEdit(self)
        self.case.setPlaceholderText(tr("e.g. YP-0007"))
        self.since = QLineEdit(self)
        self.until = QLineEdit(self)
        # Typed as every other date in Spoke ("4/12/2026", "4 Dec", "yesterday"; the hub's
        # 2026-12-04 too), not only as YYYY-MM-DD, which this page alone used to ask for.
        for day in (self.since, self.until):
            day.setPlaceholderText(tr("e.g. 4/12/2026 or yesterday"))
            day.setMaxLength(40)
        self.action = QComboBox(self)
        for index in range(len(ACTION_CHOICES)):
            self.action.addItem(action_choice_label(index), index)
        self.flagged_only = QCheckBox(tr("Flagged &only"), self)
        self.flagged_only.setAccessibleName(tr("Flagged entries only"))
        self.list_button = QPushButton(tr("&List entries (F5)"), self)
        self.list_button.setAccessibleName(tr("List the audit entries from the hub"))
        self.list_button.setDefault(True)
        self.export_button = QPushButton(tr("&Export CSV…"), self)
        self.export_button.setAccessibleName(tr("Export the listed entries as CSV"))
        self.export_button.setEnabled(False)
        self.report_button = QPushButton(tr("&Device report…"), self)
        self.report_button.setAccessibleName(tr("Device report: what a lost laptop held"))
        self.report_button.setVisible(admin)

        filters = QGridLayout()
        filters.addWidget(_labelled(tr("&Person"), self.person, self, tr("Person")), 0, 0)
        filters.addWidget(self.person, 0, 1)
        filters.addWidget(_labelled(tr("&Case reference"), self.case, self,
                                    tr("Case reference")), 0, 2)
        filters.addWidget(self.case, 0, 3)
        filters.addWidget(_labelled(tr("&From"), self.since, self, tr("From day")), 1, 0)
        filters.addWidget(self.since, 1, 1)
        filters.addWidget(_labelled(tr("&To"), self.until, self, tr("To day")), 1, 2)
        filters.addWidget(self.until, 1, 3)
        filters.addWidget(_labelled(tr("&Action"), self.action, self, tr("Action")), 2, 0)
        filters.addWidget(self.action, 2, 1)
        filters.addWidget(self.flagged_only, 2, 2, 1, 2)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.list_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)

        self.status = Message(self, name=tr("Audit status"))
        self.flags = Message(self, name=tr("Flagged accounts"))
        self.model = AuditModel(self)
        self.table = rows_table(self.model, tr("Audit entries"), self, lines=4, single=True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Audit"), self))
        layout.addWidget(paragraph(tr(
            "Who opened, wrote, shared or exported which case, when, from which laptop, as "
            "the hub recorded it. Unusual access is FLAGGED. Reading the audit is recorded."),
            self))
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.flags)
        layout.addWidget(self.table, 1)

        self.list_button.clicked.connect(self.load)
        for edit in (self.person, self.case, self.since, self.until):
            edit.returnPressed.connect(self.load)
        self.export_button.clicked.connect(self.ask_export)
        self.report_button.clicked.connect(self.open_device_report)
        refresh_shortcut(self, self.load)
        self.report_dialog: DeviceReportDialog | None = None
        self.status.show_info(tr("Set the filters you need and choose List entries."))

    def _today(self) -> date:
        return self._clock().astimezone().date()

    def _typed_day(self, field: QLineEdit) -> str:
        """The day typed in ``field`` as the hub takes it (YYYY-MM-DD); as typed when it is
        not a day (``_day_problem`` says why)."""
        try:
            day = read_day(field.text(), self._today())
        except DateProblem:
            return field.text()
        return day.isoformat() if day is not None else ""

    def _day_problem(self) -> str | None:
        """Why a typed From or To is not a day, in the words every date field uses."""
        for label, field in ((tr("From"), self.since), (tr("To"), self.until)):
            try:
                read_day(field.text(), self._today())
            except DateProblem as exc:
                return tr("{field} {problem}.").format(field=label, problem=exc)
        return None

    def filters(self) -> AuditFilters:
        return AuditFilters(person=self.person.text(), case=self.case.text(),
                            since=self._typed_day(self.since),
                            until=self._typed_day(self.until),
                            action=self._action_index(),
                            flagged_only=self.flagged_only.isChecked())

    def _action_index(self) -> int:
        index = self.action.currentData()
        return index if isinstance(index, int) else 0

    def load(self) -> None:
        """Ask the hub for the entries matching the filters (off the GUI thread)."""
        problem = self._day_problem()
        if problem is not None:  # said here, before asking the hub
            self.status.show_error(problem)
            return
        filters = self.filters()
        try:
            filters.query()  # a day that cannot be used is said here, before asking the hub
        except SpokeError as exc:
            self.status.show_error(str(exc))
            return
        self.list_button.setEnabled(False)
        self.status.show_info(tr("Asking the hub for the audit…"))
        page = self._hub.page
        self._tasks.submit(lambda: load_audit(page, filters),
                           lambda listing: self._loaded(filters, listing),
                           self._failed, owner=self)

    def _loaded(self, filters: AuditFilters, listing: AuditListing) -> None:
        self.listing, self._shown = listing, filters
        tz = self._clock().tzinfo
        self.model.set_rows([audit_row(entry_cells(e, tz), e.flagged) for e in listing.entries])
        self.list_button.setEnabled(True)
        self.export_button.setEnabled(bool(listing.entries))
        count = len(listing.entries)
        words = [tr.plural(count, "{n} entry, oldest first.", "{n} entries, oldest first.")]
        if not listing.complete:
            words = [tr("The first {n} entries, oldest first: there are more. Narrow the "
                        "filters (days, person or action) to see the rest.").format(
                n=number(count))]
        flagged = sum(1 for e in listing.entries if e.flagged)
        if flagged:
            words.append(tr("{n} flagged.").format(n=number(flagged)))
        self.status.show_info(" ".join([*words, scope_words(listing.scope)]))
        summary = summary_line(listing, tz)
        if summary is None:
            self.flags.show_info("")
            self.flags.hide()
        else:
            self.flags.show_error(summary)

    def _failed(self, error: BaseException) -> None:
        self.list_button.setEnabled(True)
        self.status.show_error(_reason(error))

    # -- export ------------------------------------------------------------------------------
    def ask_export(self) -> None:
        today = self._clock().date()
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Export the audit as CSV"), str(Path.home() / f"spoke-audit-{today}.csv"),
            tr("CSV files (*.csv)"))
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Write the listed entries' CSV (from the hub) to ``path``, owner-only."""
        filters = self._shown or self.filters()
        try:
            query = filters.query()
        except SpokeError as exc:
            self.status.show_error(str(exc))
            return
        export = self._hub.export
        self.export_button.setEnabled(False)
        self.status.show_info(tr("Asking the hub for the CSV…"))
        self._tasks.submit(lambda: write_atomically(path, export(query)),
                           lambda _none: self._exported(path), self._export_failed, owner=self)

    def _exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.status.show_info(tr("Exported to {name} (readable by you only). It names "
                                 "people and laptops: keep it as safe as the audit itself."
                                 ).format(name=path.name))

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.status.show_error(tr("The CSV was not written. {reason}").format(
            reason=_reason(error)))

    # -- device report -----------------------------------------------------------------------
    def open_device_report(self) -> DeviceReportDialog:
        dialog = DeviceReportDialog(self._tasks, self._hub, clock=self._clock, parent=self)
        self.report_dialog = dialog
        dialog.show()
        dialog.load_devices()
        return dialog


class DeviceReportDialog(QDialog):
    """A lost or stolen laptop: pick it from the hub's list (or type its id) and read what it
    held, its encryption, its last contact and whether revocation and wipe took effect."""

    def __init__(self, tasks: TaskRunner, hub: HubAudit, *, clock: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Device report: a lost or stolen laptop"))
        self._tasks = tasks
        self._hub = hub
        self._clock = clock
        self._choices: list[DeviceChoice] = []
        self.text: str | None = None

        self.device = QComboBox(self)
        self.device.setEditable(True)  # an id can be typed when the list is not there
        self.device.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.device.setMinimumContentsLength(40)
        label = _labelled(tr("&Laptop"), self.device, self, tr("Laptop"))
        self.show_button = QPushButton(tr("Show &report"), self)
        self.show_button.setAccessibleName(tr("Show the laptop's report"))
        self.show_button.setDefault(True)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.setAccessibleName(tr("Device report"))
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                            | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton(tr("&Save as text…"), self)
        self.save_button.setAccessibleName(tr("Save the report as a text file"))
        self.save_button.setEnabled(False)
        close = QPushButton(tr("Close"), self)
        close.setAccessibleName(tr("Close the device report"))
        close.clicked.connect(self.reject)
        self.status = Message(self, name=tr("Device report status"))

        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.device, 1)
        top.addWidget(self.show_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(paragraph(tr(
            "What to tell the ICO within 72 hours: which young people's records the laptop "
            "held at its last sync, how its casebook is encrypted, when it last reached the "
            "hub, and whether revocation and wipe have taken effect. Revoke it with wipe "
            "first (spoke-hub device revoke DEVICE --wipe). The report names young people: "
            "it is shown here and saved only if you ask."), self))
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addLayout(bottom)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 100, metrics.lineSpacing() * 28)

        self.show_button.clicked.connect(self.show_report)
        self.save_button.clicked.connect(self.ask_save)

    def load_devices(self) -> None:
        self.status.show_info(tr("Asking the hub for its laptops…"))
        devices = self._hub.devices
        self._tasks.submit(lambda: device_choices(devices()), self._devices_loaded,
                           self._devices_failed, owner=self)

    def _devices_loaded(self, choices: list[DeviceChoice]) -> None:
        self._choices = choices
        self.device.clear()
        for choice in choices:
            self.device.addItem(choice.label, choice.device_id)
        self.status.show_info(
            tr("{n} laptop(s) on the hub. Choose one and Show report.").format(
                n=number(len(choices)))
            if choices else tr("No laptop is enrolled on the hub."))

    def _devices_failed(self, error: BaseException) -> None:
        self.status.show_error(tr("The list of laptops could not be fetched: {reason} "
                                  "You can type a laptop's id instead.").format(
            reason=_reason(error)))

    def chosen(self) -> tuple[str, str | None]:
        """The device id chosen (or typed) and its person's name when known."""
        text = self.device.currentText().strip()
        index = self.device.currentIndex()
        if index >= 0 and self.device.itemText(index) == text:
            choice = self._choices[index]
            return choice.device_id, choice.person
        return text, None

    def show_report(self) -> None:
        device_id, person = self.chosen()
        if not device_id:
            self.status.show_error(tr("Choose a laptop, or type its id."))
            return
        self.show_button.setEnabled(False)
        self.status.show_info(tr("Asking the hub for the report…"))
        report, tz = self._hub.report, self._clock().tzinfo
        self._tasks.submit(lambda: report_text(report(device_id), tz, person),
                           self._shown, self._failed, owner=self)

    def _shown(self, text: str) -> None:
        self.text = text
        self.report.setPlainText(text)
        self.show_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.status.show_info(tr("Report made by the hub at {when} (the hub records that "
                                 "you made it).").format(when=f"{self._clock():%Y-%m-%d %H:%M}"))

    def _failed(self, error: BaseException) -> None:
        self.show_button.setEnabled(True)
        self.status.show_error(tr("No report: {reason}").format(reason=_reason(error)))

    def ask_save(self) -> None:
        stamp: date = self._clock().date()
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Save the device report"),
            str(Path.home() / f"device-report-{stamp}.txt"), tr("Text files (*.txt)"))
        if name:
            self.save_to(Path(name))

    def save_to(self, path: Path) -> None:
        """Write the report shown to ``path``, readable by its owner only."""
        if self.text is None:
            return
        data = self.text.encode("utf-8")
        self._tasks.submit(lambda: write_atomically(path, data),
                           lambda _none: self.status.show_info(
                               tr("Saved to {name} (readable by you only).").format(
                                   name=path.name)),
                           lambda error: self.status.show_error(
                               tr("The report was not saved: {reason}").format(
                                   reason=_reason(error))), owner=self)
