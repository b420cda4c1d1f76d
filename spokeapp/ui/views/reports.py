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

People appear by name, never by user id: the laptop's own account name, and for a supervisor
the team's names asked of the hub (``fetch_names``, kept in memory only; offline, colleagues
are "Unnamed worker N"). On an enrolled laptop closures count once signed off (``sign_off``).
Every PDF page carries the organisation (typed on the page, kept in the casebook's settings,
filled from the hub's reports), the period, its page number and "Official - sensitive".
"""

from __future__ import annotations

import errno
import html
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
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
from PySide6.QtCore import QEvent, QMargins, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spokeapp import i18n
from spokeapp.crypto.keyfile import write_atomically
from spokeapp.domain.errors import SpokeError
from spokeapp.domain.records import (
    CLOSURE_REASON_SHORT_LABELS,
    OUTCOME_SHORT_LABELS,
    PROFESSION_SHORT_LABELS,
    ClosureReason,
    Outcome,
    Profession,
    choice_label,
)
from spokeapp.domain.reports import (
    AREA_COLUMNS,
    AREA_NOT_RECORDED,
    AREA_TOTAL,
    HIDDEN_NOTE,
    SECTION_AREAS,
    Attributed,
    Period,
    Report,
    ReportScope,
    ScopeKind,
    ShownFigure,
    area_table,
    compute_report,
    report_csv,
    row_words,
    section_words,
    worker_labels,
)
from spokeapp.domain.roles import Role
from spokeapp.i18n import translator
from spokeapp.present.reports import (
    CUSTOM,
    PRESETS,
    THIS_QUARTER,
    load_attributed,
    preset_label,
    preset_period,
)
from spokeapp.store.casebook import Casebook
from spokeapp.sync.case_views import REPORTING_ROLES
from spokeapp.ui.date_field import DateField
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, is_dark, paper_palette, paragraph

__all__ = ["MARKING", "PRESETS", "ReportsPage", "load_attributed", "preset_period",
           "write_pdf"]

tr = translator(__name__)

#: Counts a report on the hub: (period, scope) -> the hub's figures (on a worker thread).
HubReport = Callable[[Period, ReportScope], Report]
#: The team's names by user id, asked of the hub (on a worker thread).
FetchNames = Callable[[], dict[str, str]]

MARKING: Final = tr.noop("Official - sensitive")
"""The protective marking at the top and bottom of every PDF page."""
ORGANISATION_SETTING: Final = "report.organisation"
_NO_FOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)  # not on Windows

def _names_unavailable(error: BaseException) -> None:
    """Offline (or not a supervisor any more): colleagues stay "Unnamed worker N"."""
    if not isinstance(error, SpokeError):
        raise error


@dataclass(frozen=True, slots=True)
class _ScopeChoice:
    label: str
    scope: ReportScope
    worker_facing: bool
    from_hub: bool = False  # counted on the hub (needs a connection), not from this laptop
    asking: str = ""  # what the page says while the hub counts (a whole sentence)


# (title, [(figure key, bar label)]) for each chart.
_CHARTS: Final = (
    (tr.noop("Referrals"), (("referrals.accepted", tr.noop("Accepted")),
                            ("referrals.declined", tr.noop("Declined")),
                            ("referrals.waiting", tr.noop("Waiting")))),
    (tr.noop("Cases closed: risk against the start"),
     tuple((f"closures.{o.value}", OUTCOME_SHORT_LABELS[o]) for o in Outcome)),
    (tr.noop("Why risk did not fall, by reason"),
     tuple((f"closures.not_lower.{r.value}", CLOSURE_REASON_SHORT_LABELS[r])
           for r in ClosureReason)),
    (tr.noop("Professionals trained, by profession"),
     tuple((f"professionals.trained.{p.value}", PROFESSION_SHORT_LABELS[p]) for p in Profession)),
    (tr.noop("Awareness sessions, by profession"),
     tuple((f"professionals.awareness.{p.value}", PROFESSION_SHORT_LABELS[p]) for p in Profession)),
    (tr.noop("Lone-working check-ins"), (("lone.on_time", tr.noop("On time")),
                                         ("lone.late", tr.noop("Late")))),
)


def _bar_words(label: str) -> str:
    """A bar's label: marked in this module, or one of the domain's short labels."""
    words = tr(label)
    return words if words != label else choice_label({label: label}, label)


#: Column headings of the per-area table (``AREA_COLUMNS``), short enough for a page.
AREA_HEADINGS: Final = {
    "open": tr.noop("Open in period"),
    "new": tr.noop("New"),
    "before": tr.noop("From before"),
    "closed": tr.noop("Closed"),
    "lower": tr.noop("At lower risk"),
    "not_lower": tr.noop("Risk not lower"),
    "not_closed": tr.noop("Not closed"),
}
AREA_EXPLAINED: Final = tr.noop(
    "Cases, not people. Open in period = new + from before = closed + not closed (still open, "
    "or a closure awaiting sign-off); closed = at lower risk + risk not lower (than at the "
    "start)."
)


def _area_headings() -> list[str]:
    return [tr(words) for words in AREA_HEADINGS.values()]


def _two_lines(words: str) -> str:
    """A heading of several words on two lines, broken at the space nearest its middle."""
    spaces = [at for at, letter in enumerate(words) if letter == " "]
    if not spaces:
        return words
    middle = min(spaces, key=lambda at: abs(len(words) - 2 * at))
    return f"{words[:middle]}\n{words[middle + 1:]}"


def _period_words(period: Period) -> str:
    return tr("{start} to {end}").format(start=i18n.day(period.start), end=i18n.day(period.end))


class ReportChart(QChartView):
    """One bar chart of a report; in the funder form a withheld count has no bar and its
    label says "<5" or "*"."""

    def __init__(self, title: str, bars: Sequence[tuple[str, str]],
                 parent: QWidget | None = None, *, lazy: bool = False) -> None:
        super().__init__(parent)
        # ``lazy`` (the Reports page): the chart itself is drawn when first shown, not while
        # the main window is built after unlocking (issue 18); the words are always current.
        self._lazy = lazy
        self._pending: dict[str, ShownFigure] | None = None
        self._drawn: dict[str, ShownFigure] = {}
        # The titles and labels were marked in this module (``_CHARTS``); a label from
        # another module is shown as it comes.
        self.title = tr(title)
        self.bars = tuple((key, _bar_words(label)) for key, label in bars)
        self.values: list[tuple[str, str]] = []
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(tr("Chart: {title}").format(title=self.title))
        # Room for every bar's label (QtCharts elides them all to "..." when crowded).
        lines = max(13.0, 5 + 1.8 * len(self.bars))
        self.setMinimumHeight(int(self.fontMetrics().lineSpacing() * lines))
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 36)
        self.show_figures({})

    def show_figures(self, shown: dict[str, ShownFigure]) -> None:
        """Show these figures: the words at once, the bars now or (lazy) when first shown."""
        self.values = [(label, value) for label, _count, value in self._rows(shown)]
        words = "; ".join(f"{label}: {value}" for label, value in self.values)
        self.setAccessibleDescription(f"{self.title}. {words}")
        self.setToolTip(words)
        self._drawn = dict(shown)
        if self._lazy and not self.isVisible():
            self._pending = self._drawn
            return
        self._pending = None
        self._draw(shown)

    def showEvent(self, event: QShowEvent) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._draw(pending)
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # dark mode switched on or off
            if self.isVisible() or not self._lazy:
                self._draw(self._drawn)  # its colours are the palette's, taken when drawn
            else:
                self._pending = self._drawn

    def _rows(self, shown: dict[str, ShownFigure]) -> list[tuple[str, int | None, str]]:
        """(label, count, value) for each bar, first figure first."""
        rows = []
        for key, label in self.bars:
            figure = shown.get(key)
            count = figure.count if figure is not None else 0
            value = figure.value if figure is not None else "0"
            rows.append((label, count, value))
        return rows

    def _draw(self, shown: dict[str, ShownFigure]) -> None:
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
        top = 0
        # Horizontal bars, first figure at the top: long labels and "(<5)" stay readable.
        for label, count, value in reversed(self._rows(shown)):
            bar_set.append(float(count or 0))
            top = max(top, count or 0)
            # Axis labels are rich text: "<5" must be escaped or it reads as a tag.
            categories.append(label if count is not None else f"{label} ({html.escape(value)})")
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


def _scope_words(report: Report, label: str) -> str:
    period = report.period
    return tr("{scope}, {start} to {end}").format(
        scope=label, start=i18n.day(period.start), end=i18n.day(period.end))


def write_pdf(path: Path, report: Report, *, funder: bool, title: str,
              organisation: str = "") -> None:
    """Write the report as an A4 PDF: the figures table, then the charts (the same charts as
    on screen, drawn at a fixed size for print, with the same suppressed figures). Every page
    carries the organisation, the period, "Page N of M" and the marking (:data:`MARKING`).

    The PDF names staff and counts, outside the encrypted casebook: it is written to a new
    owner-only (0600) file beside ``path`` (``QPdfWriter`` keeps the mode of the file it
    writes to) and renamed onto ``path`` only when whole, so it is never readable by other
    users of the laptop and a failure leaves no part of it (and any earlier file as it was)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600))
    try:
        _draw_pdf(temp, report, funder=funder, title=title, organisation=organisation)
        if temp.stat().st_size == 0:
            raise OSError(errno.EIO, "the PDF could not be written")
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _draw_pdf(path: Path, report: Report, *, funder: bool, title: str,
              organisation: str) -> None:
    by_key = {row.key: row for row in report.shown(funder=funder)}
    charts = [ReportChart(chart_title, bars) for chart_title, bars in _CHARTS]
    for chart in charts:
        chart.setPalette(paper_palette())  # dark text on white paper, whatever the screen
        chart.show_figures(by_key)
        chart.resize(560, 364)
    writer = QPdfWriter(str(path))
    writer.setTitle(tr("Spoke report"))
    writer.setCreator("Spoke")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    writer.setResolution(300)
    painter = QPainter(writer)
    try:
        if not painter.isActive():  # the file could not be opened: Qt only prints a warning
            raise OSError(errno.EIO, "the PDF could not be written")
        layout = _PdfLayout(painter, writer, report, funder=funder, title=title,
                            organisation=organisation or report.organisation, charts=charts)
        pages = layout.run(draw=False)  # first count the pages, for "Page N of M"
        layout.run(draw=True, pages=pages)
    finally:
        painter.end()
        for chart in charts:
            chart.deleteLater()


class _PdfLayout:
    """Lays the report out on A4 pages; ``run(draw=False)`` only counts them."""

    def __init__(self, painter: QPainter, writer: QPdfWriter, report: Report, *, funder: bool,
                 title: str, organisation: str, charts: Sequence[ReportChart]) -> None:
        self.painter, self.writer, self.report = painter, writer, report
        self.funder, self.title, self.charts = funder, title, charts
        self.organisation = organisation.strip() or tr("Organisation not named")
        self.dpi = writer.resolution()
        self.width, self.height = float(writer.width()), float(writer.height())
        self.body = QFont("Sans Serif", 10)
        self.small = QFont("Sans Serif", 8)
        self.bold = QFont(self.body)
        self.bold.setBold(True)
        self.big = QFont(self.body)
        self.big.setPointSizeF(16)
        self.big.setBold(True)
        self.line = self.dpi * 10 / 72 * 1.5  # a 10-point line with spacing, in device pixels
        self.top = self.line * 1.6  # below the page's header band
        self.bottom = self.height - self.line * 1.8  # above its footer band
        self.y = 0.0
        self.page = 0
        self.pages = 0
        self.draw = False

    # ----------------------------------------------------------------- pages
    def _start_page(self) -> None:
        if self.page and self.draw:
            self.writer.newPage()
        self.page += 1
        self.y = self.top
        if not self.draw:
            return
        words = _period_words(self.report.period)
        marking = tr(MARKING).upper()
        muted = QColor("#333333")
        self.painter.setPen(muted)
        self._text(0, self.width, 0, self.organisation, self.small)
        self._text(0, self.width, 0, marking, self.bold, Qt.AlignmentFlag.AlignHCenter)
        self._text(0, self.width, 0, words, self.small, Qt.AlignmentFlag.AlignRight)
        self.painter.drawLine(0, int(self.line * 1.1), int(self.width), int(self.line * 1.1))
        foot = self.height - self.line
        self.painter.drawLine(0, int(foot - self.line * 0.3), int(self.width),
                              int(foot - self.line * 0.3))
        self._text(0, self.width, foot, self.organisation, self.small)
        self._text(0, self.width, foot, marking, self.bold,
                   Qt.AlignmentFlag.AlignHCenter)
        page_words = tr("Page {page} of {pages}").format(page=i18n.number(self.page),
                                                         pages=i18n.number(self.pages))
        self._text(0, self.width, foot, page_words, self.small, Qt.AlignmentFlag.AlignRight)
        self.painter.setPen(QColor("#000000"))

    def _room(self, lines: float) -> None:
        if self.y + lines * self.line > self.bottom:
            self._start_page()

    def _text(self, x: float, w: float, y: float, words: str, font: QFont,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        if self.draw:
            self.painter.setFont(font)
            self.painter.drawText(QRectF(x, y, w, self.line),
                                  int(align | Qt.AlignmentFlag.AlignVCenter), words)

    # ----------------------------------------------------------------- content
    def run(self, *, draw: bool, pages: int = 0) -> int:
        """Lay out (and with ``draw`` paint) every page; returns how many there are."""
        self.draw, self.pages, self.page = draw, pages, 0
        self._start_page()
        line, width = self.line, self.width
        if draw:
            self.painter.setFont(self.big)
            self.painter.drawText(QRectF(0, self.y, width, line * 1.6),
                                  int(Qt.AlignmentFlag.AlignLeft),
                                  tr("Spoke report: {title}").format(title=self.title))
        self.y += line * 1.8
        period = self.report.period
        self._text(0, width, self.y, tr("{organisation}. Period: {start} to {end}").format(
            organisation=self.organisation, start=i18n.day(period.start),
            end=i18n.day(period.end)), self.body)
        self.y += line
        if self.funder:
            if draw:
                self.painter.setFont(self.body)
                self.painter.drawText(
                    QRectF(0, self.y, width, line * 2.2),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
                    tr("Funder form. {note}").format(note=HIDDEN_NOTE))
            self.y += line * 2.2
        self.y += line * 0.5
        label_w, count_w = width * 0.70, width * 0.15
        section = ""
        for row in self.report.shown(funder=self.funder):
            if row.section == SECTION_AREAS:
                continue  # drawn as a table by area, below
            if row.section != section:
                self._room(2.5)
                section = row.section
                self.y += line * 0.4
                self._text(0, label_w, self.y, section_words(section), self.bold)
                self._text(label_w, count_w, self.y, tr("Count"), self.bold,
                           Qt.AlignmentFlag.AlignRight)
                self._text(label_w + count_w, count_w, self.y, tr("Share"), self.bold,
                           Qt.AlignmentFlag.AlignRight)
                self.y += line
                if draw:
                    self.painter.drawLine(0, int(self.y), int(width), int(self.y))
            self._room(1)
            self._text(self.dpi * 0.1, label_w, self.y, row_words(row.key, row.label),
                       self.body)
            self._text(label_w, count_w, self.y, row.value, self.body,
                       Qt.AlignmentFlag.AlignRight)
            self._text(label_w + count_w, count_w, self.y, row.share, self.body,
                       Qt.AlignmentFlag.AlignRight)
            self.y += line
        self._areas()
        if self.charts:
            self._charts()
        return self.page

    def _areas(self) -> None:
        """The per-area figures as a table: a row per area, then all areas."""
        table = area_table(self.report, funder=self.funder)
        if not table.rows:
            return
        line, width = self.line, self.width
        self._room(6)
        self.y += line * 0.4
        self._text(0, width, self.y, section_words(SECTION_AREAS), self.bold)
        self.y += line
        if self.draw:
            self.painter.setFont(self.small)
            self.painter.drawText(QRectF(0, self.y, width, line * 1.6),
                                  int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
                                  tr(AREA_EXPLAINED))
        self.y += line * 1.6
        name_w = width * 0.30
        cell_w = (width - name_w) / len(AREA_HEADINGS)

        def heading_row() -> None:  # two lines, so that no heading runs into the next
            if self.draw:
                self.painter.setFont(self.small)
                bottom_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
                self.painter.drawText(QRectF(0, self.y, name_w, line * 2),
                                      int(Qt.AlignmentFlag.AlignLeft
                                          | Qt.AlignmentFlag.AlignBottom), tr("Area"))
                for n, words in enumerate(_area_headings()):
                    self.painter.drawText(
                        QRectF(name_w + n * cell_w + cell_w * 0.1, self.y, cell_w * 0.9,
                               line * 2), int(bottom_right | Qt.TextFlag.TextWordWrap), words)
            self.y += line * 2
            if self.draw:
                self.painter.drawLine(0, int(self.y), int(width), int(self.y))

        heading_row()
        for number, (name, values) in enumerate(table.rows):
            before = self.page
            self._room(1)
            if self.page != before:  # a table running on to the next page: headings again
                heading_row()
            font = self.bold if number == len(table.rows) - 1 else self.body
            self._text(self.dpi * 0.05, name_w, self.y, name, font)
            for n, value in enumerate(values):
                self._text(name_w + n * cell_w, cell_w, self.y, value, font,
                           Qt.AlignmentFlag.AlignRight)
            self.y += line

    def _charts(self) -> None:
        self._start_page()
        words = (tr("Charts: {title} (funder form)") if self.funder
                 else tr("Charts: {title}")).format(title=self.title)
        self._text(0, self.width, self.y, words, self.bold)
        top = self.y + self.line * 1.5
        gap = self.dpi * 0.15
        cell_w = (self.width - gap) / 2
        cell_h = cell_w * 0.65
        per_page = max(2, 2 * int((self.bottom - top + gap) // (cell_h + gap)))
        for index, chart in enumerate(self.charts):
            if index and index % per_page == 0:
                self._start_page()
                top = self.y
            column, row_number = index % 2, (index % per_page) // 2
            target = QRectF(column * (cell_w + gap), top + row_number * (cell_h + gap), cell_w,
                            cell_h)
            if self.draw:
                self.painter.drawPixmap(target.toRect(), chart.grab())


class ReportsPage(QWidget):
    """Period, scope and funder form; the figures table and the charts; CSV and PDF export.

    ``computed`` is emitted each time new figures are shown.
    """

    computed = Signal()

    def __init__(
        self,
        book: Casebook,
        tasks: TaskRunner,
        *,
        today: Callable[[], date],
        account: Any = None,
        hub_report: HubReport | None = None,
        fetch_names: FetchNames | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._hub_report = hub_report
        self._fetch_names = fetch_names
        self._hub_cache: tuple[tuple[Period, str], Report] | None = None
        self._book = book
        self._tasks = tasks
        self._today = today
        self._account = account
        self._me: str = account.user_id if account is not None else str(book.author)
        # Supervisors and admins (the roles that oversee others' work) see the team's work too.
        self._supervisor = account is not None and account.role in REPORTING_ROLES
        # Names by user id: this laptop's own account, then the team's from the hub (memory only).
        self._names: dict[str, str] = {}
        own_name = getattr(account, "user_name", None) if account is not None else None
        if own_name:
            self._names[self._me] = own_name
        self.report: Report | None = None
        self._scope_label = tr("My work")
        self._records: list[Attributed] | None = None

        self.preset = QComboBox(self)
        for index in range(len(PRESETS)):
            self.preset.addItem(preset_label(index), index)
        self.preset.setAccessibleName(tr("Period"))
        # Typed dates ("1/4/2026", "1 Apr", "today"): Tab moves to the next field rather
        # than between the parts of a date, and text that is not a date is said beside it.
        def clock() -> datetime:
            return datetime.combine(self._today(), time(12))

        self.start_edit = DateField(clock=clock, parent=self)
        self.end_edit = DateField(clock=clock, parent=self)
        self.start_edit.set_name(tr("Start of the period"))
        self.end_edit.set_name(tr("End of the period"))
        self.scope_combo = QComboBox(self)
        self.scope_combo.setAccessibleName(tr("Whose work"))
        self.organisation_edit = QLineEdit(self)
        self.organisation_edit.setAccessibleName(tr("Organisation, printed on every PDF page"))
        self.organisation_edit.setPlaceholderText(tr("Your organisation"))
        self.organisation_edit.setToolTip(tr("Printed at the top of every page of the PDF"))
        self.organisation_edit.setMaxLength(120)
        self.organisation_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 22)
        self.organisation_edit.setText(self._setting(ORGANISATION_SETTING))
        self.organisation_edit.setCursorPosition(0)  # the start of the name, not its end
        self.funder_box = QCheckBox(tr("&Funder form (counts under 5 shown as <5)"), self)
        self.funder_box.setAccessibleName(tr("Funder form: counts under 5 shown as less than 5"))
        self.show_button = QPushButton(tr("S&how figures"), self)
        self.show_button.setAccessibleName(tr("Show figures"))
        self.csv_button = QPushButton(tr("Export &CSV…"), self)
        self.csv_button.setAccessibleName(tr("Export CSV"))
        self.pdf_button = QPushButton(tr("Export &PDF…"), self)
        self.pdf_button.setAccessibleName(tr("Export PDF"))
        self.message = Message(self, name=tr("Report message"))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("Report summary"))

        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([tr("Figure"), tr("Count"), tr("Share")])
        self.table.setAccessibleName(tr("Report figures"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        # 46 characters: with the charts beside it the supervisor's window still fits a
        # 1920x1080 screen at 200% (960 px; tests/ui/test_review.py). Longer labels wrap onto
        # more lines, each row as high as its label needs: cut short ("Young people
        # supported …") they could not be told apart. The whole label is in the tooltip too.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        rows = self.table.verticalHeader()
        rows.setMinimumSectionSize(self.fontMetrics().lineSpacing() + 8)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # A figure's label is indented under its section by a blank picture beside it, so
        # that its second line is indented as well (leading spaces indented the first only).
        self._indent = QPixmap(self.fontMetrics().averageCharWidth() * 3, 1)
        self._indent.fill(Qt.GlobalColor.transparent)
        self.table.setMinimumWidth(self.fontMetrics().averageCharWidth() * 46)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.charts = [ReportChart(title, bars, self, lazy=True) for title, bars in _CHARTS]
        charts = QWidget(self)
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        self.areas_title = QLabel(
            f"<b>{html.escape(section_words(SECTION_AREAS))}</b>", charts)
        self.areas_note = QLabel(tr(AREA_EXPLAINED), charts)
        self.areas_note.setWordWrap(True)
        self.area_table = QTableWidget(0, len(AREA_COLUMNS) + 1, charts)
        # The counts' headings on two lines, so their columns leave the area's name its
        # room: beside seven one-line headings "Demo Shire" was cut to "Dem…".
        self.area_table.setHorizontalHeaderLabels(
            [tr("Area"), *(_two_lines(words) for words in _area_headings())])
        self.area_table.setAccessibleName(section_words(SECTION_AREAS))
        self.area_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.area_table.setTabKeyNavigation(False)
        self.area_table.verticalHeader().hide()
        self.area_table.setWordWrap(False)
        area_header = self.area_table.horizontalHeader()
        area_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        area_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        grid.addWidget(self.areas_title, 0, 0, 1, 2)
        grid.addWidget(self.areas_note, 1, 0, 1, 2)
        grid.addWidget(self.area_table, 2, 0, 1, 2)
        for index, chart in enumerate(self.charts):
            grid.addWidget(chart, 3 + index // 2, index % 2)
        # The charts scroll (rather than widen the window) when the page is narrow, e.g. at
        # 200% scaling beside the navigation.
        charts_scroll = QScrollArea(self)
        charts_scroll.setAccessibleName(tr("Charts"))
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

        # Short rows rather than long ones, so the page fits at 200% scaling (the
        # supervisor's window within 960 px: tests/ui/test_review.py).
        period_row = QHBoxLayout()
        dates_row = QHBoxLayout()  # typed dates take more room than the preset: a row apart
        scope_row = QHBoxLayout()
        buttons = QHBoxLayout()
        for row, text, widget in ((period_row, tr("Period:"), self.preset),
                                  (dates_row, tr("From:"), self.start_edit),
                                  (dates_row, tr("To:"), self.end_edit),
                                  (scope_row, tr("Whose work:"), self.scope_combo),
                                  (buttons, tr("Organisation:"), self.organisation_edit)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            align = Qt.AlignmentFlag.AlignTop if isinstance(widget, DateField) else \
                Qt.AlignmentFlag(0)
            row.addWidget(label, 0, align)
            row.addWidget(widget, 0, align)
        period_row.addStretch(1)
        dates_row.addStretch(1)
        scope_row.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        scope_row.addWidget(self.funder_box)
        scope_row.addStretch(1)
        buttons.setStretchFactor(self.organisation_edit, 1)  # room for a charity's name
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Reports"), self))
        layout.addWidget(paragraph(tr(
            "Figures for funders and managers, counted from the records. Nothing here names "
            "a young person. Use the funder form for anything that leaves the service."), self))
        layout.addLayout(period_row)
        layout.addLayout(dates_row)
        layout.addLayout(scope_row)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)  # what the figures below cover
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self._set_period(preset_period(THIS_QUARTER, today()))
        self._set_scopes([])
        self.preset.currentIndexChanged.connect(self._preset_changed)
        for field in (self.start_edit, self.end_edit):
            field.changed.connect(self._dates_edited)
            field.line.editingFinished.connect(self._tell_period)
        self.scope_combo.currentIndexChanged.connect(lambda _i: self._render())
        self.funder_box.toggled.connect(lambda _on: self._render())
        self.show_button.clicked.connect(self.refresh)
        self.organisation_edit.editingFinished.connect(self._organisation_edited)
        self.csv_button.clicked.connect(self._choose_csv)
        self.pdf_button.clicked.connect(self._choose_pdf)
        self._set_exportable(False)

    # ------------------------------------------------------------------ choices
    @property
    def period(self) -> Period:
        """The period typed; raises :class:`SpokeError` when a date cannot be read or the
        end is before the start (:meth:`typed_period` says which, beside the field)."""
        period = self.typed_period(tell=False)
        if period is None:
            raise SpokeError("the period typed is not a period")
        return period

    def typed_period(self, *, tell: bool) -> Period | None:
        """The period the two fields mean, or ``None``; with ``tell``, what is wrong is shown
        beside the field it concerns (an unreadable date, or an end before the start)."""
        start, end = self.start_edit.day(), self.end_edit.day()
        if start is None or end is None:
            if tell:
                for field in (self.start_edit, self.end_edit):
                    if field.day() is None:
                        field.tell()
            return None
        if end < start:
            if tell:
                self.end_edit.show_problem(tr(
                    "The end of the period is before its start: type an end on or after "
                    "{start}.").format(start=i18n.day(start)))
            return None
        for field in (self.start_edit, self.end_edit):
            if field.status.text():
                field.redraw()  # a problem said earlier is gone
        return Period(start, end)

    @property
    def funder(self) -> bool:
        return self.funder_box.isChecked()

    @property
    def organisation(self) -> str:
        return self.organisation_edit.text().strip()

    def _setting(self, key: str) -> str:
        getter = getattr(self._book, "setting", None)
        value = getter(key) if getter is not None else None
        return value or ""

    def _organisation_edited(self) -> None:
        if not getattr(self._book, "is_open", True):
            return  # the field lost focus because Spoke locked: nothing can be kept now
        setter = getattr(self._book, "set_setting", None)
        organisation = self.organisation
        if setter is not None and organisation != self._setting(ORGANISATION_SETTING):
            self._tasks.write(lambda: setter(ORGANISATION_SETTING, organisation), owner=self)

    def set_names(self, names: dict[str, str]) -> None:
        """The team's names by user id (from the hub): shown instead of "Unnamed worker"."""
        self._names.update({k: v for k, v in names.items() if v.strip()})
        if self._records is not None:
            self._set_scopes(self._records)
            self._render()

    def set_period(self, start: date, end: date) -> None:
        """Choose dates (the preset becomes "Choose dates")."""
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(CUSTOM)
        self.preset.blockSignals(False)
        self._set_period(Period(start, end))
        self._render()

    def _set_period(self, period: Period) -> None:
        for field, value in ((self.start_edit, period.start), (self.end_edit, period.end)):
            field.blockSignals(True)
            field.set_value(value)
            field.blockSignals(False)
            field.redraw()

    def _preset_changed(self, index: int) -> None:
        preset = self.preset.itemData(index)
        if isinstance(preset, int) and preset != CUSTOM:
            self._set_period(preset_period(preset, self._today()))
            self._render()

    def _dates_edited(self) -> None:
        """A date typed: the figures follow as soon as both dates are read (what is wrong is
        said when the field is left, not while it is half typed)."""
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(CUSTOM)
        self.preset.blockSignals(False)
        self._render(tell=False)

    def _tell_period(self) -> None:
        if self.typed_period(tell=False) is None:
            self.typed_period(tell=True)

    def _set_scopes(self, records: Sequence[Attributed]) -> None:
        choices = [_ScopeChoice(tr("My work"), ReportScope(ScopeKind.WORKER, self._me),
                                worker_facing=not self._supervisor)]
        role = getattr(self._account, "role", None)
        hub_choices: list[_ScopeChoice] = []
        if self._hub_report is not None and role == Role.SUPERVISOR:
            team = getattr(self._account, "team", None) or "team"
            hub_choices.append(_ScopeChoice(
                tr("Team {team}, counted on the hub").format(team=team),
                ReportScope(ScopeKind.TEAM, team), worker_facing=False, from_hub=True,
                asking=tr("Asking the hub for Team {team}…").format(team=team)))
        elif self._hub_report is not None and role == Role.ADMIN:
            hub_choices.append(_ScopeChoice(tr("The whole hub, counted on the hub"),
                                            ReportScope(ScopeKind.HUB), worker_facing=False,
                                            from_hub=True,
                                            asking=tr("Asking the hub for The whole hub…")))
        workers = sorted({a.worker for a in records})
        others = [w for w in workers if w != self._me]
        if self._supervisor and others:
            team = getattr(self._account, "team", None) or "team"
            choices.append(_ScopeChoice(tr("Team {team} (as synced to this laptop)").format(
                                            team=team),
                                        ReportScope(ScopeKind.TEAM, team), worker_facing=False))
            labels = worker_labels(workers, self._names)
            choices += [
                _ScopeChoice(tr("Worker: {name}").format(name=labels[w][1]),
                             ReportScope(ScopeKind.WORKER, w),
                             worker_facing=False)
                for w in sorted(others, key=lambda w: labels[w][0])
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
        scopes = [(c.scope, c.from_hub) for c in choices]
        if isinstance(current, _ScopeChoice) and (current.scope, current.from_hub) in scopes:
            self.scope_combo.setCurrentIndex(scopes.index((current.scope, current.from_hub)))
        self.scope_combo.blockSignals(False)

    # ------------------------------------------------------------------ computing
    def refresh(self) -> None:
        """Read the casebook again (on a worker thread) and show the figures."""
        target = self._book
        self._tasks.submit(lambda: load_attributed(target), self._loaded, self._failed,
                           owner=self)
        if self._fetch_names is not None and self._supervisor:
            self._tasks.submit(self._fetch_names, self.set_names, _names_unavailable, owner=self)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def _loaded(self, records: list[Attributed]) -> None:
        self._records = records
        self._set_scopes(records)
        self._render()

    def _failed(self, error: BaseException) -> None:
        self.message.show_error(tr(
            "The figures could not be counted from the casebook. Try again; if it keeps "
            "happening, lock and unlock Spoke. ({error})").format(error=type(error).__name__))

    def _render(self, *, tell: bool = True) -> None:
        if self._records is None:
            return
        choice = self.scope_combo.currentData()
        if not isinstance(choice, _ScopeChoice):
            return
        period = self.typed_period(tell=tell)
        if period is None:
            self._no_report()
            return
        self.message.clear_message()
        if choice.from_hub and self._hub_report is not None:
            key = (period, str(choice.scope))
            if self._hub_cache is not None and self._hub_cache[0] == key:
                self._show_report(self._hub_cache[1], choice)
                return
            self._set_exportable(False)
            self.summary.setText(choice.asking)
            fetch = self._hub_report
            self._tasks.submit(lambda: fetch(period, choice.scope),
                               lambda report: self._hub_loaded(key, report, choice),
                               self._hub_failed, owner=self)
            return
        workers = [a.worker for a in self._records] if choice.scope.kind is not \
            ScopeKind.WORKER else []
        # On a laptop enrolled with a hub every closure needs a supervisor's sign-off.
        self._show_report(compute_report(self._records, period, choice.scope, workers=workers,
                                         names=self._names, worker_facing=choice.worker_facing,
                                         sign_off=self._account is not None), choice)

    def _hub_loaded(self, key: tuple[Period, str], report: Report, choice: _ScopeChoice) -> None:
        self._hub_cache = (key, report)
        current = self.scope_combo.currentData()
        if isinstance(current, _ScopeChoice) and (current.scope, current.from_hub) == (
                choice.scope, choice.from_hub):
            self._render()  # the period or the choice may have changed meanwhile

    def _hub_failed(self, error: BaseException) -> None:
        reason = str(error) if isinstance(error, SpokeError) else type(error).__name__
        self.summary.setText("")
        self.message.show_error(tr(
            "The hub could not count these figures: {reason} Choose a report "
            "\u201cas synced to this laptop\u201d to count what this laptop holds."
        ).format(reason=reason))
        self._set_exportable(False)

    def _show_report(self, report: Report, choice: _ScopeChoice) -> None:
        self.report = report
        if report.organisation and not self.organisation:
            self.organisation_edit.setText(report.organisation)  # as the hub knows it
            self._organisation_edited()
        self._scope_label = choice.label
        shown = self.report.shown(funder=self.funder)
        self._fill_table(shown)
        self._fill_areas(report)
        by_key = {row.key: row for row in shown}
        for chart in self.charts:
            chart.show_figures(by_key)
        scope = _scope_words(self.report, choice.label)
        self.summary.setText(
            tr("{scope}. Funder form: {note}").format(scope=scope, note=HIDDEN_NOTE)
            if self.funder else tr("{scope}.").format(scope=scope))
        self._set_exportable(True)
        emit(self.computed)

    def _fill_table(self, shown: list[ShownFigure]) -> None:
        self.table.clearSpans()
        rows: list[tuple[str, ShownFigure | None]] = []
        section = ""
        for row in shown:
            if row.section == SECTION_AREAS:
                if section != SECTION_AREAS:  # shown as its own table, by area
                    section = SECTION_AREAS
                    rows.append((tr("{section}: the table beside, by area").format(
                        section=section_words(SECTION_AREAS)), None))
                continue
            if row.section != section:
                section = row.section
                rows.append((section_words(section), None))
            rows.append((row_words(row.key, row.label), row))
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for number, (label, figure) in enumerate(rows):
            first = QTableWidgetItem(label)
            first.setToolTip(label)  # the whole label, for those who look for it there
            if figure is not None:
                first.setData(Qt.ItemDataRole.DecorationRole, self._indent)
            self.table.setItem(number, 0, first)
            if figure is None:
                first.setFont(bold)
                self.table.setSpan(number, 0, 1, 3)
                continue
            for column, value in ((1, figure.value), (2, figure.share)):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(number, column, item)

    def _fill_areas(self, report: Report) -> None:
        table = area_table(report, funder=self.funder)
        self.area_table.setRowCount(len(table.rows))
        bold = QFont(self.area_table.font())
        bold.setBold(True)
        for number, (name, values) in enumerate(table.rows):
            if name in (AREA_NOT_RECORDED, AREA_TOTAL):
                name = section_words(name)  # the service's own words; an area's name is data
            first = QTableWidgetItem(name)
            first.setToolTip(name)
            if number == len(table.rows) - 1:
                first.setFont(bold)  # all areas
            self.area_table.setItem(number, 0, first)
            for column, value in enumerate(values, start=1):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.area_table.setItem(number, column, item)
        height = self.area_table.horizontalHeader().height() + 4 + sum(
            self.area_table.rowHeight(r) for r in range(self.area_table.rowCount()))
        self.area_table.setMinimumHeight(min(height, self.fontMetrics().lineSpacing() * 24))

    def _no_report(self) -> None:
        """The period cannot be read: no figures are shown, so none can be mistaken for it."""
        self.report = None
        self.summary.setText("")
        self.table.clearSpans()
        self.table.setRowCount(0)
        self.area_table.setRowCount(0)
        for chart in self.charts:
            chart.show_figures({})
        self._set_exportable(False)

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
        # Owner-only (0600) and whole, like the audit export: it names staff, outside the
        # encrypted casebook, on a laptop other people may also log in to.
        write_atomically(path, report_csv(self.report, funder=self.funder).encode("utf-8"))
        self._audit("report.export_csv")
        self.message.show_info(tr("Saved the figures as {name}.").format(name=path.name))

    def export_pdf(self, path: Path) -> None:
        """Write the figures and the charts shown (the funder form if ticked) as a PDF."""
        assert self.report is not None
        write_pdf(path, self.report, funder=self.funder, title=self._scope_label,
                  organisation=self.organisation)
        self._audit("report.export_pdf")
        self.message.show_info(tr("Saved the report as {name}.").format(name=path.name))

    def _audit(self, action: str) -> None:
        """The casebook's audit trail records every export (written off the GUI thread)."""
        book = self._book
        self._tasks.write(lambda: book.audit(action), owner=self)

    def _choose(self, suffix: str, title: str, files: str) -> Path | None:
        name, _filter = QFileDialog.getSaveFileName(
            self, title, str(Path.home() / f"{self._file_stem()}.{suffix}"), files,
        )
        return Path(name) if name else None

    def _choose_csv(self) -> None:
        path = self._choose("csv", tr("Export CSV"), tr("CSV (*.csv)"))
        if path is not None:
            self._export(self.export_csv, path)

    def _choose_pdf(self) -> None:
        path = self._choose("pdf", tr("Export PDF"), tr("PDF (*.pdf)"))
        if path is not None:
            self._export(self.export_pdf, path)

    def _export(self, write: Callable[[Path], None], path: Path) -> None:
        try:
            write(path)
        except OSError as exc:
            self.message.show_error(tr(
                "Could not save {name} ({error}): choose another folder."
            ).format(name=path.name, error=type(exc).__name__))
