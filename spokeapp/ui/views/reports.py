"""The Reports page: the service's figures for a period, as a table and charts, exported as CSV
or as a PDF with the charts.

The figures are ``spokeapp.domain.reports``, computed here from this laptop's casebook (the
hub computes the same for supervisors and admins with ``GET /v1/reports``). A worker reports on
their own work; a supervisor's laptop holds their team's records as the hub syncs them, so it
can also report on the team or one worker in it ("as synced to this laptop"). A worker's own
report never shows duress (``worker_facing``).

The **funder form** shows every count from 1 to 4 as "<5" and withholds ("*") what would give
one away; the table, the charts, the CSV and the PDF all use the same suppressed figures, so a
chart never shows a bar for a count the table hides.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPalette, QPdfWriter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.domain.records import Case, Profession, Referral
from spokeapp.domain.reports import (
    HIDDEN_NOTE,
    Attributed,
    Period,
    Report,
    ReportScope,
    ScopeKind,
    ShownFigure,
    compute_report,
    report_csv,
)
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.risk_form import format_day
from spokeapp.ui.widgets import Message, heading, is_dark, paragraph

__all__ = ["PRESETS", "ReportsPage", "load_attributed", "preset_period", "write_pdf"]

#: Counts a report on the hub: (period, scope) -> the hub's figures (on a worker thread).
HubReport = Callable[[Period, ReportScope], Report]

THIS_QUARTER, LAST_QUARTER, THIS_YEAR, LAST_YEAR, CUSTOM = range(5)
PRESETS: Final = (
    "This quarter",
    "Last quarter",
    "This financial year (April to March)",
    "Last financial year",
    "Choose dates",
)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def preset_period(preset: int, today: date) -> Period:
    """The dates of a preset (calendar quarters; UK financial years, April to March)."""
    if preset in (THIS_QUARTER, LAST_QUARTER):
        start = _quarter_start(today)
        if preset == LAST_QUARTER:
            start = _quarter_start(start - timedelta(days=1))
        after = _quarter_start(start + timedelta(days=92))
        return Period(start, after - timedelta(days=1))
    start = _financial_year_start(today)
    if preset == LAST_YEAR:
        start = date(start.year - 1, 4, 1)
    return Period(start, date(start.year + 1, 3, 31))


def load_attributed(book: Any) -> list[Attributed]:
    """Every saved record of the casebook (no drafts) with the worker it counts for: a case's
    records (and the referral that led to it) for its key worker, the rest for their author."""
    stored = [s for s in book.records() if s.state != "draft"]
    holder: dict[str, str] = {}
    by_referral: dict[str, str] = {}
    for item in stored:
        if isinstance(item.record, Case):
            holder[item.record.id] = item.record.key_worker
            if item.record.referral_id is not None:
                by_referral[item.record.referral_id] = item.record.key_worker
    out: list[Attributed] = []
    for item in stored:
        record = item.record
        case_id = record.case_id
        if case_id is not None:
            worker = holder.get(case_id)
        elif isinstance(record, Referral):
            worker = by_referral.get(record.id, item.author)
        else:
            worker = item.author
        if worker:
            out.append(Attributed(record, worker))
    return out


@dataclass(frozen=True, slots=True)
class _ScopeChoice:
    label: str
    scope: ReportScope
    worker_facing: bool
    from_hub: bool = False  # counted on the hub (needs a connection), not from this laptop


_SHORT_PROFESSIONS: Final = {
    Profession.POLICE: "Police",
    Profession.SOCIAL_CARE: "Social care",
    Profession.EDUCATION: "Education",
    Profession.HEALTH: "Health",
    Profession.YOUTH_JUSTICE: "Youth justice",
    Profession.VOLUNTARY_SECTOR: "Voluntary",
    Profession.OTHER: "Other",
}

# (title, [(figure key, bar label)]) for each chart.
_CHARTS: Final = (
    ("Referrals", (("referrals.accepted", "Accepted"), ("referrals.declined", "Declined"),
                   ("referrals.waiting", "Waiting"))),
    ("Cases closed: risk against the start",
     (("closures.lower", "Lower"), ("closures.same", "Same"), ("closures.higher", "Higher"),
      ("closures.incomplete", "Not comparable"))),
    ("Professionals trained, by profession",
     tuple((f"professionals.trained.{p.value}", _SHORT_PROFESSIONS[p]) for p in Profession)),
    ("Lone-working check-ins", (("lone.on_time", "On time"), ("lone.late", "Late"))),
)


class ReportChart(QChartView):
    """One bar chart of a report; in the funder form a withheld count has no bar and its
    label says "<5" or "*"."""

    def __init__(self, title: str, bars: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars = tuple(bars)
        self.values: list[tuple[str, str]] = []
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(f"Chart: {title}")
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 13)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 36)
        self.show_figures({})

    def show_figures(self, shown: dict[str, ShownFigure]) -> None:
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if is_dark(self) else QChart.ChartTheme.ChartThemeLight
        )
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        chart.setTitleBrush(text)
        chart.setTitle(self.title)
        bar_set = QBarSet(self.title)
        bar_set.setColor(palette.color(QPalette.ColorRole.Highlight))
        bar_set.setLabelColor(text)
        categories: list[str] = []
        self.values = []
        top = 0
        # Horizontal bars, first figure at the top: long labels and "(<5)" stay readable.
        for key, label in reversed(self.bars):
            figure = shown.get(key)
            count = figure.count if figure is not None else 0
            value = figure.value if figure is not None else "0"
            bar_set.append(float(count or 0))
            top = max(top, count or 0)
            # Axis labels are rich text: "<5" must be escaped or it reads as a tag.
            categories.append(label if count is not None else f"{label} ({html.escape(value)})")
            self.values.insert(0, (label, value))
        series = QHorizontalBarSeries()
        series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setBarWidth(0.6)
        chart.addSeries(series)
        y_axis = QBarCategoryAxis()
        y_axis.append(categories)
        y_axis.setLabelsBrush(text)
        y_axis.setGridLineVisible(False)
        x_axis = QValueAxis()
        # A range of 4, 8, 12... so that the five ticks fall on whole numbers.
        x_axis.setRange(0, 4 * max(1, -(-(top + max(1, top // 8)) // 4)))
        x_axis.setLabelFormat("%d")
        x_axis.setTickCount(5)
        x_axis.setLabelsBrush(text)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        self.setChart(chart)
        words = "; ".join(f"{label}: {value}" for label, value in self.values)
        self.setAccessibleDescription(f"{self.title}. {words}")
        self.setToolTip(words)


def _scope_words(report: Report, label: str) -> str:
    period = report.period
    return f"{label}, {format_day(period.start)} to {format_day(period.end)}"


def _print_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#ffffff"),
        (QPalette.ColorRole.Base, "#ffffff"),
        (QPalette.ColorRole.WindowText, "#000000"),
        (QPalette.ColorRole.Text, "#000000"),
        (QPalette.ColorRole.Highlight, "#2e7dbf"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def write_pdf(path: Path, report: Report, *, funder: bool, title: str) -> None:
    """Write the report as an A4 PDF: the figures table, then the charts (the same charts as
    on screen, drawn at a fixed size for print, with the same suppressed figures)."""
    by_key = {row.key: row for row in report.shown(funder=funder)}
    charts = [ReportChart(chart_title, bars) for chart_title, bars in _CHARTS]
    for chart in charts:
        chart.setPalette(_print_palette())  # dark text on white paper, whatever the screen
        chart.show_figures(by_key)
        chart.resize(560, 364)
    writer = QPdfWriter(str(path))
    writer.setTitle("Spoke report")
    writer.setCreator("Spoke")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    writer.setResolution(300)
    painter = QPainter(writer)
    try:
        _paint_pdf(painter, writer, report, funder=funder, title=title, charts=charts)
    finally:
        painter.end()
        for chart in charts:
            chart.deleteLater()


def _paint_pdf(painter: QPainter, writer: QPdfWriter, report: Report, *, funder: bool,
               title: str, charts: Sequence[ReportChart]) -> None:
    dpi = writer.resolution()
    width, height = float(writer.width()), float(writer.height())
    body = QFont("Sans Serif", 10)
    bold = QFont(body)
    bold.setBold(True)
    big = QFont(body)
    big.setPointSizeF(16)
    big.setBold(True)
    line = dpi * 10 / 72 * 1.5  # a 10-point line with spacing, in device pixels
    y = 0.0

    def text(x: float, w: float, words: str, font: QFont,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        painter.setFont(font)
        painter.drawText(QRectF(x, y, w, line), int(align | Qt.AlignmentFlag.AlignVCenter),
                         words)

    def room(lines: float) -> None:
        nonlocal y
        if y + lines * line > height:
            writer.newPage()
            y = 0.0

    painter.setFont(big)
    painter.drawText(QRectF(0, y, width, line * 1.6), int(Qt.AlignmentFlag.AlignLeft),
                     f"Spoke report: {title}")
    y += line * 1.8
    period = report.period
    text(0, width, f"Period: {format_day(period.start)} to {format_day(period.end)}", body)
    y += line
    if funder:
        painter.setFont(body)
        note = QRectF(0, y, width, line * 2.2)
        painter.drawText(note, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
                         f"Funder form. {HIDDEN_NOTE}")
        y += line * 2.2
    y += line * 0.5
    label_w, count_w = width * 0.70, width * 0.15
    section = ""
    for row in report.shown(funder=funder):
        if row.section != section:
            room(2.5)
            section = row.section
            y += line * 0.4
            text(0, label_w, section, bold)
            text(label_w, count_w, "Count", bold, Qt.AlignmentFlag.AlignRight)
            text(label_w + count_w, count_w, "Share", bold, Qt.AlignmentFlag.AlignRight)
            y += line
            painter.drawLine(0, int(y), int(width), int(y))
        room(1)
        text(dpi * 0.1, label_w, row.label, body)
        text(label_w, count_w, row.value, body, Qt.AlignmentFlag.AlignRight)
        text(label_w + count_w, count_w, row.share, body, Qt.AlignmentFlag.AlignRight)
        y += line
    if not charts:
        return
    writer.newPage()
    y = 0.0
    painter.setFont(bold)
    painter.drawText(QRectF(0, 0, width, line), int(Qt.AlignmentFlag.AlignLeft),
                     f"Charts: {title}" + (" (funder form)" if funder else ""))
    top = line * 1.5
    gap = dpi * 0.15
    cell_w = (width - gap) / 2
    cell_h = cell_w * 0.65
    for index, chart in enumerate(charts):
        if index and index % 6 == 0:
            writer.newPage()
        column, row_number = index % 2, (index % 6) // 2
        target = QRectF(column * (cell_w + gap), top + row_number * (cell_h + gap), cell_w,
                        cell_h)
        painter.drawPixmap(target.toRect(), chart.grab())


class ReportsPage(QWidget):
    """Period, scope and funder form; the figures table and the charts; CSV and PDF export.

    ``computed`` is emitted each time new figures are shown.
    """

    computed = Signal()

    def __init__(
        self,
        book: Any,
        tasks: TaskRunner,
        *,
        today: Callable[[], date],
        account: Any = None,
        hub_report: HubReport | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._hub_report = hub_report
        self._hub_cache: tuple[tuple[Period, str], Report] | None = None
        self._book = book
        self._tasks = tasks
        self._today = today
        self._account = account
        self._me: str = account.user_id if account is not None else str(book.author)
        self._supervisor = account is not None and account.role in ("supervisor", "admin")
        self.report: Report | None = None
        self._scope_label = "My work"
        self._records: list[Attributed] | None = None

        self.preset = QComboBox(self)
        self.preset.addItems(list(PRESETS))
        self.preset.setAccessibleName("Period")
        self.start_edit = QDateEdit(self)
        self.end_edit = QDateEdit(self)
        for edit, name in ((self.start_edit, "From"), (self.end_edit, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(name)
        self.scope_combo = QComboBox(self)
        self.scope_combo.setAccessibleName("Whose work")
        self.funder_box = QCheckBox("&Funder form (counts under 5 shown as <5)", self)
        self.funder_box.setAccessibleName("Funder form: counts under 5 shown as less than 5")
        self.show_button = QPushButton("&Show figures", self)
        self.show_button.setAccessibleName("Show figures")
        self.csv_button = QPushButton("Export &CSV…", self)
        self.csv_button.setAccessibleName("Export CSV")
        self.pdf_button = QPushButton("Export &PDF…", self)
        self.pdf_button.setAccessibleName("Export PDF")
        self.message = Message(self, name="Report message")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Report summary")

        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Figure", "Count", "Share"])
        self.table.setAccessibleName("Report figures")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        self.table.setWordWrap(False)
        self.table.setMinimumWidth(self.fontMetrics().averageCharWidth() * 46)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.charts = [ReportChart(title, bars, self) for title, bars in _CHARTS]
        charts = QWidget(self)
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, chart in enumerate(self.charts):
            grid.addWidget(chart, index // 2, index % 2)
        # The charts scroll (rather than widen the window) when the page is narrow, e.g. at
        # 200% scaling beside the navigation.
        charts_scroll = QScrollArea(self)
        charts_scroll.setWidget(charts)
        charts_scroll.setWidgetResizable(True)
        charts_scroll.setFrameShape(QFrame.Shape.NoFrame)
        charts_scroll.setMinimumWidth(self.fontMetrics().averageCharWidth() * 38)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(charts_scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        # Three short rows rather than two long ones, so the page fits at 200% scaling.
        period_row = QHBoxLayout()
        scope_row = QHBoxLayout()
        for row, text, widget in ((period_row, "Period", self.preset),
                                  (period_row, "From", self.start_edit),
                                  (period_row, "To", self.end_edit),
                                  (scope_row, "Whose work", self.scope_combo)):
            label = QLabel(f"{text}:", self)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        period_row.addStretch(1)
        scope_row.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        scope_row.addWidget(self.funder_box)
        scope_row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)  # what the figures below cover
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Reports", self))
        layout.addWidget(paragraph(
            "Figures for funders and managers, counted from the records. Nothing here names "
            "a young person. Use the funder form for anything that leaves the service.", self))
        layout.addLayout(period_row)
        layout.addLayout(scope_row)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self._set_period(preset_period(THIS_QUARTER, today()))
        self._set_scopes([])
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.start_edit.dateChanged.connect(self._dates_edited)
        self.end_edit.dateChanged.connect(self._dates_edited)
        self.scope_combo.currentIndexChanged.connect(lambda _i: self._render())
        self.funder_box.toggled.connect(lambda _on: self._render())
        self.show_button.clicked.connect(self.refresh)
        self.csv_button.clicked.connect(self._choose_csv)
        self.pdf_button.clicked.connect(self._choose_pdf)
        self._set_exportable(False)

    # ------------------------------------------------------------------ choices
    @property
    def period(self) -> Period:
        start, end = self.start_edit.date(), self.end_edit.date()
        return Period(date(start.year(), start.month(), start.day()),
                      date(end.year(), end.month(), end.day()))

    @property
    def funder(self) -> bool:
        return self.funder_box.isChecked()

    def set_period(self, start: date, end: date) -> None:
        """Choose dates (the preset becomes "Choose dates")."""
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(CUSTOM)
        self.preset.blockSignals(False)
        self._set_period(Period(start, end))
        self._render()

    def _set_period(self, period: Period) -> None:
        for edit, day in ((self.start_edit, period.start), (self.end_edit, period.end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _preset_changed(self, index: int) -> None:
        if index != CUSTOM:
            self._set_period(preset_period(index, self._today()))
            self._render()

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(CUSTOM)
        self.preset.blockSignals(False)
        self._render()

    def _set_scopes(self, records: Sequence[Attributed]) -> None:
        choices = [_ScopeChoice("My work", ReportScope(ScopeKind.WORKER, self._me),
                                worker_facing=not self._supervisor)]
        role = getattr(self._account, "role", None)
        hub_choices: list[_ScopeChoice] = []
        if self._hub_report is not None and role == "supervisor":
            team = getattr(self._account, "team", None) or "team"
            hub_choices.append(_ScopeChoice(f"Team {team}, counted on the hub",
                                            ReportScope(ScopeKind.TEAM, team),
                                            worker_facing=False, from_hub=True))
        elif self._hub_report is not None and role == "admin":
            hub_choices.append(_ScopeChoice("The whole hub, counted on the hub",
                                            ReportScope(ScopeKind.HUB), worker_facing=False,
                                            from_hub=True))
        others = sorted({a.worker for a in records} - {self._me})
        if self._supervisor and others:
            team = getattr(self._account, "team", None) or "team"
            choices.append(_ScopeChoice(f"Team {team} (as synced to this laptop)",
                                        ReportScope(ScopeKind.TEAM, team), worker_facing=False))
            choices += [
                _ScopeChoice(f"Worker {w}", ReportScope(ScopeKind.WORKER, w), worker_facing=False)
                for w in others
            ]
        if self._supervisor and others:
            choices = choices[1:]  # a supervisor's laptop holds the team's work, not "mine"
        # Counted on the hub first: it holds every record of the team, however long ago each
        # laptop (this one too) last synced.
        choices = hub_choices + choices
        current = self.scope_combo.currentData()
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        for choice in choices:
            self.scope_combo.addItem(choice.label, choice)
        labels = [c.label for c in choices]
        if isinstance(current, _ScopeChoice) and current.label in labels:
            self.scope_combo.setCurrentIndex(labels.index(current.label))
        self.scope_combo.blockSignals(False)

    # ------------------------------------------------------------------ computing
    def refresh(self, book: Any = None) -> None:
        """Read the casebook again (on a worker thread) and show the figures."""
        if book is not None:
            self._book = book
        target = self._book
        self._tasks.submit(lambda: load_attributed(target), self._loaded, self._failed,
                           owner=self)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def _loaded(self, records: list[Attributed]) -> None:
        self._records = records
        self._set_scopes(records)
        self._render()

    def _failed(self, error: BaseException) -> None:
        self.message.show_error(
            "The figures could not be counted from the casebook. Try again; if it keeps "
            f"happening, lock and unlock Spoke. ({type(error).__name__})"
        )

    def _render(self) -> None:
        if self._records is None:
            return
        choice = self.scope_combo.currentData()
        if not isinstance(choice, _ScopeChoice):
            return
        try:
            period = self.period
        except SpokeError:
            self.message.show_error("The end of the period is before its start: "
                                    "choose the dates again.")
            self._set_exportable(False)
            return
        self.message.clear_message()
        if choice.from_hub and self._hub_report is not None:
            key = (period, str(choice.scope))
            if self._hub_cache is not None and self._hub_cache[0] == key:
                self._show_report(self._hub_cache[1], choice)
                return
            self._set_exportable(False)
            self.summary.setText(f"Asking the hub for {choice.label.split(',')[0]}…")
            fetch = self._hub_report
            self._tasks.submit(lambda: fetch(period, choice.scope),
                               lambda report: self._hub_loaded(key, report, choice),
                               self._hub_failed, owner=self)
            return
        workers = [a.worker for a in self._records] if choice.scope.kind is not \
            ScopeKind.WORKER else []
        self._show_report(compute_report(self._records, period, choice.scope, workers=workers,
                                         worker_facing=choice.worker_facing), choice)

    def _hub_loaded(self, key: tuple[Period, str], report: Report, choice: _ScopeChoice) -> None:
        self._hub_cache = (key, report)
        current = self.scope_combo.currentData()
        if isinstance(current, _ScopeChoice) and current.label == choice.label:
            self._render()  # the period or the choice may have changed meanwhile

    def _hub_failed(self, error: BaseException) -> None:
        reason = str(error) if isinstance(error, SpokeError) else type(error).__name__
        self.summary.setText("")
        self.message.show_error(
            f"The hub could not count these figures: {reason} Choose a report "
            "\u201cas synced to this laptop\u201d to count what this laptop holds."
        )
        self._set_exportable(False)

    def _show_report(self, report: Report, choice: _ScopeChoice) -> None:
        self.report = report
        self._scope_label = choice.label
        shown = self.report.shown(funder=self.funder)
        self._fill_table(shown)
        by_key = {row.key: row for row in shown}
        for chart in self.charts:
            chart.show_figures(by_key)
        form = " Funder form: " + HIDDEN_NOTE if self.funder else ""
        self.summary.setText(f"{_scope_words(self.report, choice.label)}.{form}")
        self._set_exportable(True)
        self.computed.emit()

    def _fill_table(self, shown: list[ShownFigure]) -> None:
        self.table.clearSpans()
        rows: list[tuple[str, ShownFigure | None]] = []
        section = ""
        for row in shown:
            if row.section != section:
                section = row.section
                rows.append((section, None))
            rows.append((row.label, row))
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for number, (label, row) in enumerate(rows):
            first = QTableWidgetItem(label if row is None else f"    {label}")
            self.table.setItem(number, 0, first)
            if row is None:
                first.setFont(bold)
                self.table.setSpan(number, 0, 1, 3)
                continue
            for column, value in ((1, row.value), (2, row.share)):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(number, column, item)

    def _set_exportable(self, on: bool) -> None:
        self.csv_button.setEnabled(on)
        self.pdf_button.setEnabled(on)

    # ------------------------------------------------------------------ export
    def _file_stem(self) -> str:
        assert self.report is not None
        form = "-funder" if self.funder else ""
        period = self.report.period
        return f"spoke-report-{period.start.isoformat()}-to-{period.end.isoformat()}{form}"

    def export_csv(self, path: Path) -> None:
        """Write the figures shown (the funder form if ticked) as CSV."""
        assert self.report is not None
        path.write_text(report_csv(self.report, funder=self.funder), encoding="utf-8",
                        newline="")
        self._book.audit("report.export_csv")
        self.message.show_info(f"Saved the figures as {path.name}.")

    def export_pdf(self, path: Path) -> None:
        """Write the figures and the charts shown (the funder form if ticked) as a PDF."""
        assert self.report is not None
        write_pdf(path, self.report, funder=self.funder, title=self._scope_label)
        self._book.audit("report.export_pdf")
        self.message.show_info(f"Saved the report as {path.name}.")

    def _choose(self, suffix: str, kind: str) -> Path | None:
        name, _filter = QFileDialog.getSaveFileName(
            self, f"Export {kind}", str(Path.home() / f"{self._file_stem()}.{suffix}"),
            f"{kind} (*.{suffix})",
        )
        return Path(name) if name else None

    def _choose_csv(self) -> None:
        path = self._choose("csv", "CSV")
        if path is not None:
            self._export(self.export_csv, path)

    def _choose_pdf(self) -> None:
        path = self._choose("pdf", "PDF")
        if path is not None:
            self._export(self.export_pdf, path)

    def _export(self, write: Callable[[Path], None], path: Path) -> None:
        try:
            write(path)
        except OSError as exc:
            self.message.show_error(
                f"Could not save {path.name} ({type(exc).__name__}): choose another folder."
            )
