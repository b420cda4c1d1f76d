"""The case page: who the young person is and how they like to be contacted, their risk over
time, and everything recorded for the case, newest first.

Opening a case reads it with ``Casebook.view_case`` (which audits the view) on a worker thread.
Finalised records are shown read-only; a correction is an amendment, listed directly under the
record it corrects and shown side by side with it in the detail pane.
"""

from __future__ import annotations

import html
import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
)
from PySide6.QtCore import (
    QDateTime,
    QEvent,
    QItemSelectionModel,
    QMargins,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.records import (
    OUTCOME_EXPLAINED,
    Amendment,
    Case,
    CaseStatus,
    Closure,
    Consent,
    Record,
    RiskAssessment,
    SafeguardingConcern,
    Session,
)
from spokeapp.domain.records.casework import InformationShare
from spokeapp.domain.reviews import ReviewStatus, next_review_due, review_status
from spokeapp.domain.risk_tool import RiskTool
from spokeapp.domain.supervision import SignOffState, sign_off_state
from spokeapp.i18n import number, translator
from spokeapp.present.case_page import (
    CaseData,
    first_line,
    load_case,
    local_day,
    record_time,
    without_names,
)
from spokeapp.present.consent import consent_words, describe_consent
from spokeapp.present.labels import (
    contact_type_label,
    format_day,
    humanise,
    kind_label,
    meet_again_label,
    venue_label,
)
from spokeapp.present.people import name_of, named_sign_off, owner_words
from spokeapp.present.record_words import (
    SUPERVISION_KINDS,
    note_fields,
    reviewed_words,
    sign_off_words,
    supervision_cells,
    supervision_fields,
    what_words,
)
from spokeapp.present.subject_file import recipient_words, share_fields, share_line
from spokeapp.present.young_person import (
    PersonHistory,
    contact_lines,
    load_history,
    person_rows,
    version_lines,
)
from spokeapp.store.casebook import Casebook, StoredRecord
from spokeapp.ui.models.rows import KEY_ROLE, Row, RowsModel
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.attachments import AttachmentsPanel
from spokeapp.ui.views.referral import lawful_basis_label, source_type_label
from spokeapp.ui.widgets import heading, is_dark, rows_table, shown_key

tr = translator(__name__)

AMENDMENT_MARK: Final = "\u21b3 "
NO_CASE_WORDS: Final = tr.noop(
    "Open one from Caseload (Ctrl+2): choose a young person and press Enter. To find a case "
    "by what was said, type a few words in Search notes on the Caseload page. Cases also "
    "open from Today.")


def _focus_chain(root: QWidget) -> list[QWidget]:
    """``root``'s widgets in the order Tab visits them now (its own order, to keep)."""
    found: list[QWidget] = []
    widget = root.nextInFocusChain()
    while widget is not root:
        if root.isAncestorOf(widget):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


class RiskChart(QChartView):
    """Risk level over time across the case's finalised assessments: band names on the y axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(tr("Risk level over time"))
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        self.points: list[tuple[date, str]] = []
        # What to draw when next shown: the chart is drawn only once it can be seen (not while
        # the main window is built after unlocking, issue 18); the words are always current.
        self._pending: tuple[Sequence[RiskAssessment], RiskTool | None] | None = None
        self._drawn: tuple[Sequence[RiskAssessment], RiskTool | None] = ([], None)
        self.set_assessments([], None)

    def set_assessments(self, assessments: Sequence[RiskAssessment], tool: RiskTool | None) -> None:
        levels = {band.name: band for band in tool.bands} if tool is not None else {}
        self.points = [(item.assessed_on, item.effective_level) for item in assessments
                       if item.effective_level in levels]
        if tool is None or not assessments:
            self.setAccessibleDescription(tr("No risk assessments yet"))
        else:
            words = "; ".join(
                tr("{day}: {level}").format(day=format_day(d), level=levels[level].label)
                for d, level in self.points)
            self.setAccessibleDescription(
                tr("Risk level at each assessment: {levels}").format(levels=words))
            self.setToolTip(words)
        self._drawn = (list(assessments), tool)
        if not self.isVisible():
            self._pending = self._drawn
            return
        self._pending = None
        self._draw(assessments, tool)

    def showEvent(self, event: QShowEvent) -> None:
        if self._pending is not None:
            (assessments, tool), self._pending = self._pending, None
            self._draw(assessments, tool)
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # dark mode switched on or off
            if self.isVisible():
                self._draw(*self._drawn)  # its colours are the palette's, taken when drawn
            else:
                self._pending = self._drawn

    def _draw(self, assessments: Sequence[RiskAssessment], tool: RiskTool | None) -> None:
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if is_dark(self) else QChart.ChartTheme.ChartThemeLight
        )
        chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        chart.setTitleBrush(text)
        if tool is None or not assessments:
            chart.setTitle(tr("No finalised risk assessments yet"))
            self.setChart(chart)
            return
        names = {band.name: band for band in tool.bands}
        line = QLineSeries()
        dots = QScatterSeries()
        dots.setMarkerSize(self.fontMetrics().height() * 0.7)
        for item in assessments:
            if item.effective_level not in names:
                continue
            stamp = QDateTime(datetime.combine(item.assessed_on, time(12, 0)))
            x = float(stamp.toMSecsSinceEpoch())
            y = float(tool.band_rank(item.effective_level))
            line.append(x, y)
            dots.append(x, y)
        chart.addSeries(line)
        chart.addSeries(dots)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("d MMM yy")
        x_axis.setLabelsBrush(text)
        days = [p[0] for p in self.points] or [date.today()]
        start = datetime.combine(min(days), time(0, 0))
        end = datetime.combine(max(days), time(23, 59))
        if (end - start).days < 28:
            start -= timedelta(days=14)
            end += timedelta(days=14)
        x_axis.setRange(QDateTime(start), QDateTime(end))
        x_axis.setTickCount(min(6, max(2, len(self.points) + 1)))
        y_axis = QCategoryAxis()
        y_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for rank, band in enumerate(tool.bands):
            y_axis.append(band.label, rank)
        y_axis.setRange(-0.5, len(tool.bands) - 0.5)
        y_axis.setLabelsBrush(text)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (line, dots):
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        accent = palette.color(QPalette.ColorRole.Highlight)
        line.setColor(accent)
        dots.setColor(accent)
        dots.setBorderColor(accent)
        self.setChart(chart)


class CasePage(QWidget):
    """One case. The main window connects the ``*_requested`` signals to its forms."""

    session_requested = Signal(str)
    assessment_requested = Signal(str)
    concern_requested = Signal(str)
    consent_requested = Signal(str)  # case id: record consent to share, or withdraw it
    amendment_requested = Signal(str, str)  # case id, record id
    draft_requested = Signal(str)  # record id of a draft to carry on with
    close_requested = Signal(str)
    reassign_requested = Signal(str)  # case id (supervisors: ``reassign_button`` is shown)
    area_requested = Signal(str)  # case id: set its local authority area
    file_requested = Signal(str)  # case id: share or export the young person's file
    details_requested = Signal(str)  # case id: correct the young person's details
    loaded = Signal(str)

    def __init__(
        self,
        book: Casebook,
        tasks: TaskRunner,
        tool: RiskTool,
        *,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._tasks = tasks
        self.tool = tool
        self.today = today
        self.data: CaseData | None = None
        self._hide_names = False
        self._select_after_load: str | None = None

        self.title = heading(tr("Case"), self)
        self.title.setWordWrap(True)
        self.risk_label = QLabel(self)
        self.risk_label.setAccessibleName(tr("Current risk"))
        self.risk_swatch = QLabel(self)
        # With no case open: what to do next, in the middle of the page (issue 17).
        self.empty_state = QWidget(self)
        self.empty_title = heading(tr("No case open"), self.empty_state)
        self.empty = QLabel(tr(NO_CASE_WORDS), self.empty_state)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName(tr("No case open"))
        self.empty.setAccessibleDescription(tr(NO_CASE_WORDS))
        self.caseload_button = QPushButton(tr("Go to Caseload ({key})").format(
            key=shown_key("Ctrl+2")), self.empty_state)
        self.caseload_button.setAccessibleName(tr("Go to Caseload"))
        self.caseload_button.setAccessibleDescription(tr("Choose a case to open"))
        empty_layout = QVBoxLayout(self.empty_state)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_title, 0, Qt.AlignmentFlag.AlignHCenter)
        words_row = QHBoxLayout()  # centred, at most 70 characters wide, wrapping inside
        words_row.addStretch(1)
        words_row.addWidget(self.empty, 4)
        words_row.addStretch(1)
        empty_layout.addLayout(words_row)
        empty_layout.addWidget(self.caseload_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.empty.setMaximumWidth(self.empty.fontMetrics().averageCharWidth() * 70)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)

        self.details = QGroupBox(tr("About them"), self)
        self.details.setAccessibleName(tr("About them"))
        self.details_form = QFormLayout(self.details)
        self.details_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        # Correcting the young person's details (issue 16): a new version of their record;
        # the versions it replaced are listed under "Earlier versions".
        self.correct_button = QPushButton(tr("Correct de&tails…"), self)
        self.correct_button.setAccessibleName(tr("Correct the young person's details"))
        self.correct_button.setToolTip(
            tr("Correct their name, date of birth, ethnicity, contact preferences or safe "
               "numbers (the details as they are now are kept as an earlier version)"))
        self.versions = QGroupBox(tr("Earlier versions of their details"), self)
        self.versions.setAccessibleName(tr("Earlier versions of their details"))
        self.versions_text = QLabel(self.versions)
        self.versions_text.setWordWrap(True)
        self.versions_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.versions).addWidget(self.versions_text)
        self.versions.hide()
        self.names: dict[str, str] = {}
        self.me = ""  # this laptop's user id: "(you)" after their name
        self._history: PersonHistory | None = None
        self.contact = QGroupBox(tr("How they like to be contacted"), self)
        self.contact.setAccessibleName(tr("How they like to be contacted"))
        self.contact_text = QLabel(self.contact)
        self.contact_text.setWordWrap(True)
        self.contact_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.contact).addWidget(self.contact_text)
        self.chart = RiskChart(self)
        chart_box = QGroupBox(tr("Risk over time"), self)
        chart_box.setAccessibleName(tr("Risk over time"))
        QVBoxLayout(chart_box).addWidget(self.chart)
        # The case's documents (docs/attachments.md): consent forms, letters, photos.
        self.documents = AttachmentsPanel(book, tasks, today=lambda: self.today,
                                          shortcut_scope=self, parent=self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.details)
        correct_row = QHBoxLayout()
        correct_row.addWidget(self.correct_button)
        correct_row.addStretch(1)
        left_layout.addLayout(correct_row)
        left_layout.addWidget(self.versions)
        left_layout.addWidget(self.contact)
        left_layout.addWidget(chart_box)
        left_layout.addWidget(self.documents)
        left_layout.addStretch(1)
        left_scroll = QScrollArea(self)
        # Reached by Tab, so the words in it scroll from the keyboard too.
        left_scroll.setAccessibleName(tr("About them, risk over time and documents"))
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setWidget(left)
        # Its words wrap to its width and it only scrolls up and down: never sideways to read
        # the end of a line (``_fit_left``).
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._left = left_scroll

        self.timeline_model = RowsModel(
            (tr("When"), tr("What"), tr("Summary"), tr("Status")), self)
        # Summary keeps a third of the width: beside When, What and Status fitted to their
        # words it was 26 px wide at 1366x768 ("…" in every row). They wrap onto a second
        # line rather than being cut short, and where even that leaves no third (1024x600:
        # "Session: …", "Final, wai…") the Summary gives way, whole in the detail below and
        # the row's tooltip. When is the last cut short, its day and time on a line each.
        self.timeline = rows_table(
            self.timeline_model, tr("Timeline, newest first"), self, lines=None, stretch=2,
            share=0.33, whole=(0,),
        )
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName(tr("The selected record"))
        self.detail.setOpenLinks(False)
        timeline_box = QSplitter(Qt.Orientation.Vertical, self)
        timeline_box.addWidget(self.timeline)
        timeline_box.addWidget(self.detail)
        timeline_box.setStretchFactor(0, 3)
        timeline_box.setStretchFactor(1, 2)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left_scroll)
        self.splitter.addWidget(timeline_box)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        # The timeline gets three fifths of the width, or all the left-hand column can spare,
        # until the worker drags the split themselves.
        self._split_by_hand = False
        self.splitter.splitterMoved.connect(self._split_moved)
        self._split_later = QTimer(self)  # once the splitter has its new size
        self._split_later.setSingleShot(True)
        self._split_later.setInterval(0)
        self._split_later.timeout.connect(self._share_split)
        self._fit_left()

        def button(text: str, name: str, keys: str) -> QPushButton:
            native = shown_key(keys)
            widget = QPushButton(tr("{action} ({keys})").format(action=text, keys=native), self)
            widget.setAccessibleName(name)
            QShortcut(
                QKeySequence(keys),
                self,
                activated=widget.click,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
            return widget

        self.session_button = button(tr("Record a sessio&n"), tr("Record a session"), "Ctrl+N")
        self.assess_button = button(tr("Risk &assessment"), tr("Risk assessment"), "Ctrl+R")
        self.concern_button = button(tr("Safeguarding &concern"), tr("Safeguarding concern"),
                                     "Ctrl+K")
        # Consent sits with the area (facts about the case, top row) and its shortcut in the
        # tooltip: another button in a row pushed the supervisor's window past 960 px.
        self.consent_button = QPushButton(tr("C&onsent…"), self)
        self.consent_button.setAccessibleName(tr("Record or withdraw consent to share"))
        self.consent_button.setToolTip(tr("Record or withdraw consent to share ({key})").format(
            key=shown_key("Ctrl+Shift+O")))
        QShortcut(
            QKeySequence("Ctrl+Shift+O"),
            self,
            activated=self.consent_button.click,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.amend_button = button(tr("A&mend selected"), tr("Amend the selected record"),
                                   "Ctrl+M")
        self.draft_button = button(tr("Carry on with &draft"), tr("Carry on with this draft"),
                                   "Ctrl+D")
        self.close_button = button(tr("C&lose case…"), tr("Close this case"), "Ctrl+Shift+C")
        self.area_button = QPushButton(tr("Ar&ea…"), self)
        self.area_button.setAccessibleName(tr("Set the local authority area"))
        self.area_button.setToolTip(tr("The local authority area the case is in (for reports)"))
        # One young person's file, out (issue 16): the subject access / handover file.
        self.file_button = QPushButton(tr("&File…"), self)
        self.file_button.setAccessibleName(tr("Share or export this young person's file"))
        self.file_button.setToolTip(
            tr("Share or export the file: a PDF and JSON of everything held, for the young "
               "person, a handover, or another agency (asks for the lawful basis when consent "
               "does not cover it)"))
        self.reassign_button = QPushButton(tr("Reass&ign…"), self)
        self.reassign_button.setAccessibleName(tr("Reassign this case to another worker"))
        self.reassign_button.hide()  # supervisors only (the main window shows it)
        # Two rows, so the page still fits beside the navigation at 200% scaling: new records
        # first, then what acts on the records shown and on the case itself.
        actions = QVBoxLayout()
        new_row, case_row = QHBoxLayout(), QHBoxLayout()
        for widget in (self.session_button, self.assess_button, self.concern_button):
            new_row.addWidget(widget)
        new_row.addStretch(1)
        for widget in (self.amend_button, self.draft_button):
            case_row.addWidget(widget)
        case_row.addStretch(1)
        case_row.addWidget(self.reassign_button)
        case_row.addWidget(self.close_button)
        actions.addLayout(new_row)
        actions.addLayout(case_row)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.risk_swatch)
        top.addWidget(self.risk_label)
        # The area sits with the case's title and risk (facts about the case), not in the
        # rows of record buttons: there it pushed the supervisor's window past 960 px
        # (a 1920x1080 screen at 200%; tests/ui/test_review.py).
        top.addWidget(self.consent_button)
        top.addWidget(self.area_button)
        top.addWidget(self.file_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_state, 1)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)

        self.session_button.clicked.connect(lambda: self._request(self.session_requested))
        self.assess_button.clicked.connect(lambda: self._request(self.assessment_requested))
        self.concern_button.clicked.connect(lambda: self._request(self.concern_requested))
        self.consent_button.clicked.connect(lambda: self._request(self.consent_requested))
        self.close_button.clicked.connect(lambda: self._request(self.close_requested))
        self.reassign_button.clicked.connect(lambda: self._request(self.reassign_requested))
        self.area_button.clicked.connect(lambda: self._request(self.area_requested))
        self.file_button.clicked.connect(lambda: self._request(self.file_requested))
        self.correct_button.clicked.connect(lambda: self._request(self.details_requested))
        self.amend_button.clicked.connect(self._amend)
        self.draft_button.clicked.connect(self._carry_on)
        self.timeline.selectionModel().currentRowChanged.connect(self._show_selected)
        self.timeline.activated.connect(self._activated)
        # Tab follows the page as it reads, top to bottom and left to right: the buttons
        # beside the title, the two rows of buttons, the left-hand column (its scrolling
        # area, Correct details, the chart, the documents), then the timeline and the record.
        documents = [w for w in _focus_chain(self.documents)
                     if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
        order: list[QWidget] = [
            self.consent_button, self.area_button, self.file_button,
            self.session_button, self.assess_button, self.concern_button,
            self.amend_button, self.draft_button, self.reassign_button, self.close_button,
            left_scroll, self.correct_button, self.chart, *documents,
            self.timeline, self.detail,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self._set_enabled(False)

    # ------------------------------------------------------------------ layout
    def _fit_left(self) -> None:
        """The left-hand column at least as wide as its widest line that cannot wrap (the
        documents' buttons), so it never scrolls sideways; its wrapping words take the rest."""
        content = self._left.widget()
        bar = self._left.verticalScrollBar().sizeHint().width()
        self._left.setMinimumWidth(content.minimumSizeHint().width() + bar)

    def _split_moved(self, *_args: object) -> None:
        self._split_by_hand = True

    def _share_split(self) -> None:
        total = sum(self.splitter.sizes())
        if self._split_by_hand or total <= 0:
            return
        left = max(self._left.minimumWidth(), round(total * 0.4))
        self.splitter.setSizes([left, max(0, total - left)])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._split_later.start()

    # ------------------------------------------------------------------ loading
    @property
    def case_id(self) -> str | None:
        return self.data.case.id if self.data else None

    def open_case(self, case_id: str, select_record: str | None = None) -> None:
        self._select_after_load = select_record
        book = self._book
        self._tasks.submit(lambda: load_case(book, case_id), self.show_case,
                           self._read_failed, owner=self)

    def set_hide_names(self, hide: bool) -> None:
        self._hide_names = hide
        if self.data is not None:
            self.show_case(self.data)

    def show_case(self, data: CaseData) -> None:
        previous = self.selected_id()
        self.data = data
        person = data.person
        reference = person.reference if person else tr("Unknown young person")
        title = reference
        if person and not self._hide_names:
            if person.preferred_name and person.preferred_name != person.name:
                title = tr("{reference} \u2014 {name} ({preferred})").format(
                    reference=reference, name=person.name, preferred=person.preferred_name)
            else:
                title = tr("{reference} \u2014 {name}").format(
                    reference=reference, name=person.name)
        if data.case.status is CaseStatus.CLOSED:
            closures = [s.record for s in data.records if isinstance(s.record, Closure)]
            awaiting = bool(closures) and sign_off_state(
                max(closures, key=lambda c: (c.closed_on, c.id)),
                [s.record for s in data.records],
            ) is SignOffState.AWAITING
            title = (tr("{case} (closed) \u00b7 closure awaiting supervisor sign-off")
                     if awaiting else tr("{case} (closed)")).format(case=title)
        self.title.setText(title)
        self.title.setAccessibleName(self.title.text())
        level = data.case.current_risk_level
        band_words = self._band_label(level) if level else tr("Not assessed")
        self.risk_label.setText(tr("Current risk: {risk}").format(risk=band_words))
        self.risk_label.setAccessibleName(self.risk_label.text())
        colour = self._band_colour(level)
        size = self.risk_label.fontMetrics().height()
        if colour is not None:
            pixmap = QPixmap(size, size)
            pixmap.fill(colour)
            self.risk_swatch.setPixmap(pixmap)
        else:
            self.risk_swatch.clear()
        self._fill_details(data)
        self._fill_contact(data)
        self._load_versions(data)
        self._fit_left()
        self._split_later.start()
        assessments = sorted(
            (
                s.record
                for s in data.records
                if isinstance(s.record, RiskAssessment) and s.state == "final"
            ),
            key=lambda a: (a.assessed_on, a.id),
        )
        self.chart.set_assessments(assessments, self.tool)
        self.timeline_model.set_rows(self._timeline_rows(data))
        self.documents.show_case(data.case.id, data.records, data.referral)
        self._set_enabled(True)
        is_open = data.case.status is CaseStatus.OPEN
        for widget in (self.session_button, self.assess_button, self.close_button):
            widget.setEnabled(is_open)
        wanted = self._select_after_load or previous
        self._select_after_load = None
        self.select_record(wanted)
        emit(self.loaded, data.case.id)

    def _band_label(self, level: str | None) -> str:
        if not level:
            return tr("Not assessed")
        try:
            return self.tool.band(level).label
        except Exception:  # a level from another tool version: show its own words
            return humanise(level)

    def _band_colour(self, level: str | None) -> QColor | None:
        if not level:
            return None
        try:
            return QColor(self.tool.band(level).colour)
        except Exception:
            return None

    def _set_enabled(self, on: bool) -> None:
        self.empty_state.setVisible(not on)
        self.splitter.setVisible(on)
        # No case: no greyed-out title, risk and buttons around the empty state.
        for shown in (self.title, self.risk_label, self.risk_swatch, self.session_button,
                      self.assess_button, self.concern_button, self.consent_button,
                      self.amend_button, self.draft_button, self.close_button,
                      self.area_button, self.file_button):
            shown.setVisible(on)
        for widget in (
            self.session_button,
            self.assess_button,
            self.concern_button,
            self.consent_button,
            self.amend_button,
            self.draft_button,
            self.close_button,
            self.area_button,
            self.correct_button,
            self.file_button,
        ):
            widget.setEnabled(on)
        if not on:
            self.title.setText(tr("Case"))
            self.risk_label.clear()

    def _fill_details(self, data: CaseData) -> None:
        form = self.details_form
        while form.rowCount():
            form.removeRow(0)
        person, case, referral = data.person, data.case, data.referral

        def add(label: str, value: str) -> None:
            value = value or tr("Not recorded")
            shown = QLabel(value, self.details)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAccessibleName(tr("{label}: {value}").format(label=label, value=value))
            form.addRow(tr("{label}:").format(label=label), shown)

        if person is not None:
            for label, value in person_rows(person, self.today, hide_names=self._hide_names):
                add(label, value)
        add(tr("Opened"), format_day(case.opened_on))
        if case.closed_on:
            add(tr("Closed"), format_day(case.closed_on))
        add(tr("Key worker"), name_of(self.names, case.key_worker, me=self.me))
        add(tr("Local authority area"), case.local_authority or tr("Not known"))
        add(tr("Lawful basis"),
            lawful_basis_label(case.lawful_basis) or humanise(case.lawful_basis))
        if referral is not None:
            add(
                tr("Referred by"),
                tr("{agency} ({kind}), {day}").format(
                    agency=referral.source_agency,
                    kind=source_type_label(referral.source_type),
                    day=format_day(referral.received_on)),
            )
        consent = consent_words(data.records, self.today, hide_names=self._hide_names)
        add(tr("Consent to share"), consent.text)
        if consent.review_overdue:
            add(tr("Consent review"),
                tr("Overdue: ask them again about consent (Consent…, {key})").format(
                    key=shown_key("Ctrl+Shift+O")))
        if referral is not None:
            add(tr("Consent at referral"), tr("Yes") if referral.consent_to_share else tr("No"))
            if referral.consent_notes:
                add(tr("Consent notes"), self._unnamed(referral.consent_notes))
        add(tr("Next review"), self.review_words(data))

    def review_words(self, data: CaseData) -> str:
        if data.case.status is CaseStatus.CLOSED:
            return tr("None: the case is closed")
        assessed = [
            s.record.assessed_on
            for s in data.records
            if isinstance(s.record, RiskAssessment) and s.state == "final"
        ]
        if not assessed:
            return tr("No risk assessment yet: do the initial assessment")
        due = next_review_due(max(assessed), data.review_weeks or 8)
        status = review_status(due, self.today)
        if status is ReviewStatus.OVERDUE:
            return tr("Overdue since {day}").format(day=format_day(due))
        if status is ReviewStatus.DUE_SOON:
            return tr("Due soon, {day}").format(day=format_day(due))
        return tr("Due {day}").format(day=format_day(due))

    def _fill_contact(self, data: CaseData) -> None:
        sessions = [
            s.record for s in data.records if isinstance(s.record, Session) and s.state == "final"
        ]
        lines: list[str] = []
        if data.person:
            lines.extend(contact_lines(data.person, hide_names=self._hide_names))
        if data.person and data.person.needs:
            lines.append(self._unnamed(data.person.needs))
        met = [s for s in sessions if not s.missed]
        venues = Counter(s.venue_type for s in met if s.venue_type)
        if venues:
            venue, count = venues.most_common(1)[0]
            lines.append(tr("Usually meets: {place} ({count} of {total} sessions).").format(
                place=venue_label(venue), count=number(count), total=number(len(met))))
        chose = [s for s in met if s.venue_chosen_by]
        if chose:
            theirs = sum(
                1 for s in chose if s.venue_chosen_by and s.venue_chosen_by.value == "young_person"
            )
            lines.append(tr("They chose where to meet {count} of {total} times.").format(
                count=number(theirs), total=number(len(chose))))
        kinds = Counter(s.contact_type for s in sessions)
        if kinds:
            kind, count = kinds.most_common(1)[0]
            lines.append(tr("Most contact: {kind} ({count}).").format(
                kind=contact_type_label(kind), count=number(count)))
        asked = sorted((s for s in sessions if s.wants_to_meet_again), key=lambda s: s.occurred_at)
        if asked:
            last = asked[-1]
            assert last.wants_to_meet_again is not None
            lines.append(
                tr("Last asked \u201cDo you want to see me?\u201d on {day}: {answer}.").format(
                    day=format_day(last.occurred_at.astimezone().date()),
                    answer=meet_again_label(last.wants_to_meet_again))
            )
        self.contact_text.setText("\n".join(lines) or tr("Nothing recorded yet."))
        self.contact_text.setAccessibleName(tr("How they like to be contacted"))
        self.contact_text.setAccessibleDescription(self.contact_text.text())

    # ------------------------------------------------------------------ earlier versions
    def _load_versions(self, data: CaseData) -> None:
        person = data.person
        if person is None:
            self.versions.hide()
            return
        book, person_id = self._book, person.id
        self._tasks.submit(lambda: load_history(book, person_id), self._show_versions,
                           self._read_failed, owner=self)

    def _read_failed(self, error: BaseException) -> None:
        """A background read that lost the casebook (Spoke locked while it ran) is dropped:
        the page goes with the casebook. Anything else is a bug, and loud."""
        if not self._book.is_open:
            return
        raise error

    def set_names(self, names: dict[str, str], *, me: str = "") -> None:
        """Names for user ids (the laptop's name directory, ``present.people``)."""
        self.names = dict(names)
        self.me = me or self.me
        self.documents.set_names(self.names, me=self.me)
        if self.data is not None:
            self._fill_details(self.data)
            self._show_selected()
        if self._history is not None:
            self._show_versions(self._history)

    def _show_versions(self, history: PersonHistory) -> None:
        person = self.data.person if self.data is not None else None
        if person is None or any(p.id != person.id for p, _at in history.earlier):
            return  # another case was opened meanwhile
        self._history = history
        shown = PersonHistory(history.earlier, {**self.names, **history.names})
        lines = version_lines(person, shown, hide_names=self._hide_names)
        self.versions_text.setText("\n".join(f"\u2022 {line}" for line in lines))
        self.versions_text.setAccessibleName(tr("Earlier versions of their details"))
        self.versions_text.setAccessibleDescription("\n".join(lines))
        self.versions.setVisible(bool(lines))

    # ------------------------------------------------------------------ timeline
    def _timeline_rows(self, data: CaseData) -> list[Row]:
        amendments: dict[str, list[StoredRecord]] = {}
        entries: list[StoredRecord] = []
        for stored in data.records:
            record = stored.record
            if isinstance(record, Amendment):
                amendments.setdefault(record.amends_id, []).append(stored)
            elif isinstance(
                record,
                Session | RiskAssessment | SafeguardingConcern | Closure | Consent
                | InformationShare | SUPERVISION_KINDS,
            ):
                entries.append(stored)
        position = {id(s): n for n, s in enumerate(data.records)}
        entries.sort(
            key=lambda s: (
                record_time(s), isinstance(s.record, Closure), s.created_at, position[id(s)]
            ),
            reverse=True,
        )
        rows: list[Row] = []
        for stored in entries:
            rows.append(self._row(stored, amended=bool(amendments.get(stored.record.id))))
            for amendment in sorted(
                amendments.get(stored.record.id, []), key=lambda s: s.created_at
            ):
                rows.append(self._row(amendment))
        case = data.case
        rows.append(Row(cells=(format_day(case.opened_on), tr("Case opened"), "", ""),
                        key=case.id))
        return rows

    def _row(self, stored: StoredRecord, *, amended: bool = False) -> Row:
        record = stored.record
        # Short, so the Summary beside it has room: "Draft" (the detail says more); a final
        # record says only what a sync has yet to carry ("waiting to sync"), not "on the hub".
        state = tr("Draft") if stored.state == "draft" else tr("Final")
        if amended:
            state += tr(", amended")

        swatches: dict[int, QColor] = {}
        if isinstance(record, Session):
            when = local_day(record.occurred_at)
            what = what_words(record)
            summary = record.discussed or record.young_persons_words
        elif isinstance(record, RiskAssessment):
            when = format_day(record.assessed_on)
            what = tr("Risk assessment ({kind})").format(kind=humanise(record.assessment_type))
            level = self._band_label(record.effective_level)
            summary = (
                tr("{level} (score {score}) by professional judgement") if record.override_level
                else tr("{level} (score {score})")
            ).format(level=level, score=number(record.score))
            if record.override_level:
                summary += sign_off_words(record, self._all_records())
            colour = self._band_colour(record.effective_level)
            if colour is not None:
                swatches[2] = colour
        elif isinstance(record, SafeguardingConcern):
            when = format_day(record.raised_on)
            what = what_words(record)
            summary = record.summary
            state += sign_off_words(record, self._all_records())  # if the hub asks for it
        elif isinstance(record, Closure):
            when = format_day(record.closed_on)
            what = tr("Case closed")
            summary = OUTCOME_EXPLAINED[record.outcome]
            state += sign_off_words(record, self._all_records())
        elif isinstance(record, Amendment):
            when = local_day(datetime.fromisoformat(stored.created_at))
            what = AMENDMENT_MARK + tr("Amendment")
            summary = record.text
            state = tr("Final") + sign_off_words(record, self._all_records())
        elif isinstance(record, Consent):
            when = format_day(record.given_on)
            what = tr("Consent withdrawn") if record.withdrawn else tr("Consent to share")
            summary = describe_consent(record, self.today, hide_names=self._hide_names).text
        elif isinstance(record, InformationShare):
            when = format_day(record.shared_on)
            what = tr("Shared with {recipient}").format(
                recipient=recipient_words(record.recipient, record.recipient_detail))
            summary = share_line(record)
        elif (cells := supervision_cells(record)) is not None:
            when, what, summary = cells
        elif isinstance(record, Case):
            when, what, summary = format_day(record.opened_on), tr("Case opened"), ""
        else:
            when, what, summary = "", kind_label(record.KIND), ""
        if isinstance(record, Session | RiskAssessment):
            state += reviewed_words(record, self._all_records())
        if stored.state != "draft" and self.data is not None and record.id in self.data.unsent:
            state += tr(", waiting to sync")  # what a sync has yet to carry
        summary = self._unnamed(summary)
        return Row(
            cells=(when, what, first_line(summary), state),
            key=record.id,
            swatches=swatches,
            payload=stored.state,
            tooltip=summary,
        )

    def _unnamed(self, text: str) -> str:
        """What a worker wrote, as shown: the young person's name in it replaced by their
        reference while names are hidden (View > Hide names)."""
        if not self._hide_names or self.data is None:
            return text
        return without_names(text, self.data.person)

    def _all_records(self) -> list[Record]:
        return [s.record for s in self.data.records] if self.data is not None else []

    def selected_id(self) -> str | None:
        index = self.timeline.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def select_record(self, record_id: str | None) -> None:
        model = self.timeline_model
        row = 0
        for position, item in enumerate(model.rows):
            if item.key == record_id:
                row = position
                break
        if model.rowCount() == 0:
            self.detail.clear()
            return
        index = model.index(row, 0)
        self.timeline.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._show_selected(index)

    def selected(self) -> StoredRecord | None:
        record_id = self.selected_id()
        if self.data is None or record_id is None:
            return None
        return self.data.by_id.get(record_id)

    def _show_selected(self, *_args: object) -> None:
        stored = self.selected()
        record = stored.record if stored else None
        final = stored is not None and stored.state == "final" and record is not None
        self.amend_button.setEnabled(
            final and not isinstance(record, Amendment | Case | Closure | SUPERVISION_KINDS)
        )
        self.draft_button.setEnabled(stored is not None and stored.state == "draft")
        if stored is None or self.data is None:
            self.detail.setHtml(self._case_html())
            return
        original = self.describe(stored)
        target = stored
        if isinstance(record, Amendment):
            target = self.data.by_id.get(record.amends_id, stored)
            original = self.describe(target)
        amendments = [
            s
            for s in self.data.records
            if isinstance(s.record, Amendment) and s.record.amends_id == target.record.id
        ]
        if not amendments:
            self.detail.setHtml(original)
            return
        side = "".join(self.describe(a) for a in amendments)
        self.detail.setHtml(
            "<table width='100%' cellspacing='6'><tr>"
            f"<td width='50%' valign='top'><b>{html.escape(tr('Original (unchanged)'))}</b>"
            f"{original}</td>"
            f"<td width='50%' valign='top'><b>{html.escape(tr('Amendments'))}</b>{side}</td>"
            "</tr></table>"
        )

    def _case_html(self) -> str:
        return f"<p>{html.escape(tr('Select a record in the timeline to read it.'))}</p>"

    def describe(self, stored: StoredRecord) -> str:
        """The record as readable HTML (text escaped; colours come from the palette)."""
        record = stored.record
        fields: list[tuple[str, str]] = []
        title = self._row(stored).cells[1].replace(AMENDMENT_MARK, "")
        if isinstance(record, Amendment):
            fields = [
                (tr("Written"), local_day(datetime.fromisoformat(stored.created_at))),
                (tr("Why"), record.reason),
                (tr("Correction"), record.text),
            ]
        elif isinstance(record, Consent):
            fields = [
                (tr("Consent"),
                 describe_consent(record, self.today, hide_names=self._hide_names).text),
                (tr("What was explained"), record.explained),
            ]
        elif isinstance(record, InformationShare):
            fields = [(tr("Shared"), share_line(record)), *share_fields(record)]
        elif isinstance(record, Session | RiskAssessment | SafeguardingConcern | Closure):
            fields = note_fields(record, level_words=self._band_label, in_full=True)
            if isinstance(record, Closure) or (
                isinstance(record, RiskAssessment) and record.override_level
            ):
                fields.append((tr("Sign-off"),
                               named_sign_off(record, self._all_records(), self.names)))
        else:
            names, me = self.names, self.me
            fields = supervision_fields(
                record,
                person=lambda who: name_of(names, who, me=me),
                owner=lambda owner: owner_words(names, owner, me=me),
            )
        state = (
            tr("Draft: not finalised yet.")
            if stored.state == "draft"
            else tr("Finalised: kept as written; corrections are amendments.")
        )
        parts = [f"<h3>{html.escape(title)}</h3><p><i>{html.escape(state)}</i></p>"]
        for label, value in fields:
            if value:
                text = html.escape(self._unnamed(value)).replace("\n", "<br>")
                said = html.escape(tr("{label}:").format(label=label))
                parts.append(f"<p><b>{said}</b> {text}</p>")
        return "".join(parts)

    def describe_plain(self, record: Record) -> str:
        stored = self.data.by_id.get(record.id) if self.data else None
        if stored is None:
            return ""
        browser = QTextBrowser()
        browser.setHtml(self.describe(stored))
        text = browser.toPlainText()
        browser.deleteLater()
        return text

    # ------------------------------------------------------------------ actions
    def _request(self, signal: Any) -> None:
        if self.case_id:
            emit(signal, self.case_id)

    def _amend(self) -> None:
        stored = self.selected()
        if self.case_id and stored is not None and self.amend_button.isEnabled():
            emit(self.amendment_requested, self.case_id, stored.record.id)

    def _carry_on(self) -> None:
        stored = self.selected()
        if stored is not None and stored.state == "draft":
            emit(self.draft_requested, stored.record.id)

    def _activated(self, *_args: object) -> None:
        stored = self.selected()
        if stored is not None and stored.state == "draft":
            self._carry_on()
        else:
            self.detail.setFocus()
