"""The lone-working board (supervisors and admins): who is out, where, and who needs help now.

A live table of the team's visits (state in words and colour, most urgent first: ALARM,
overdue with alerts sent, overdue, NOT ARMED, check-in due, armed, ended), a detail pane with
the visit's plan and timeline, and two actions: **Acknowledge** (Ctrl+Shift+A: "I have this",
so the hub does not move the alert up) and **Resolve with note** (Ctrl+Shift+R: what happened
and what was done; closes the alarm and prompts a welfare debrief). Both write a record and ask
for a sync at once.

Below them, **Welfare debriefs to do**: one row per debrief the hub asked of the team's
supervisors after a resolution (worker, place and case reference, alarm time, who resolved it,
how long ago) until one of them does it. **Debrief done…** (Ctrl+Shift+D) asks for a short
note (when, how it went, any follow-up) and writes a ``welfare_debrief_done`` record; the hub
marks the debrief done for every supervisor of the team. The note goes to supervisors only.

Workers are named by the hub's team view when it can be reached (ids otherwise). It keeps
itself fresh: it re-reads the casebook after every sync, asks for a sync every
``sync_every_ms`` (30 s) while it is on screen, and recomputes every state from the clock every
``recompute_every_ms`` (5 s) whether shown or not, so ``counts_changed`` can tell the main window
about an alarm from any page. States are the hub's view: a duress check-in shows as ALARM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.domain.ids import new_id
from spokeapp.domain.lone_working import EscalationPolicy, VisitState
from spokeapp.domain.records import (
    MIN_DEBRIEF_NOTE_CHARS,
    MIN_RESOLUTION_NOTE_CHARS,
    AlarmResolution,
    AlertAcknowledgement,
    WelfareDebriefDone,
)
from spokeapp.i18n import number, translator
from spokeapp.present.board import debrief_headers, state_explained, state_words
from spokeapp.store.casebook import Casebook
from spokeapp.sync.team import fetch_team
from spokeapp.ui.forms import FieldForm, RecordDialog, plain, text_box, watch
from spokeapp.ui.models.board import (
    BoardData,
    BoardEntry,
    BoardModel,
    BoardVisit,
    Counts,
    Debrief,
    case_words,
    debrief_rows,
    debrief_words,
    load_board,
    plan_details,
    timeline,
    when_words,
)
from spokeapp.ui.models.rows import Row, RowsModel
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, heading, rows_table, scrolled_layout, shown_key, tint

tr = translator(__name__)

SYNC_EVERY_MS: Final = 30_000
RECOMPUTE_EVERY_MS: Final = 5_000
ACKNOWLEDGE_KEYS: Final = "Ctrl+Shift+A"
RESOLVE_KEYS: Final = "Ctrl+Shift+R"
DEBRIEF_KEYS: Final = "Ctrl+Shift+D"
NO_DEBRIEFS: Final = tr.noop(
    "No welfare debriefs to do. When an alarm is resolved, a debrief with the worker "
    "appears here until a supervisor of the team has held it."
)


def team_names(book: Any) -> dict[str, str]:
    """The team's names by user id, from the hub's team view (``GET /v1/team``; supervisors).

    Visit plans name the worker by id only; the names are asked of the hub when the board is
    shown and kept in memory, never on the laptop. Raises the sync client's errors offline.
    """
    view = fetch_team(book)
    return {worker.user_id: worker.name for worker in view.workers}


class _NoteDialog(RecordDialog):
    """A dialog writing one record whose note is required: a short text saying what it is
    about, the note, and Close / save; a note shorter than ``min_chars`` is refused beside it.
    ``saved(record id)`` once the record is written."""

    saved = Signal(str)

    def __init__(
        self,
        title: str,
        book: Any,
        *,
        clock: Callable[[], datetime],
        parent: QWidget | None,
        tasks: TaskRunner | None,
    ) -> None:
        super().__init__(title, parent, tasks=tasks)
        self._book = book
        self._clock = clock
        self.record_id = new_id()

    def _build(
        self,
        about_text: str,
        about_name: str,
        note: tuple[str, str, str],
        buttons: tuple[str, str],
        *,
        describe: bool,
        width_chars: int,
        lines: int,
    ) -> None:
        """The text above the note (``describe``: read out in full too), the note field
        (error name, label, hint) and the save button (words, plain words); then fit the
        screen, ``lines`` tall at most, with the note focused."""
        about = QLabel(about_text, self)
        about.setWordWrap(True)
        about.setAccessibleName(about_name)
        if describe:
            about.setAccessibleDescription(about.text())
        self.body.addWidget(about)
        error_name, label, hint = note
        self.form = FieldForm(self, {"note": error_name})
        self.body.addWidget(self.form.widget)
        self.note = self.form.add("note", label, text_box(5), hint=hint)
        self.add_close_and_save(*buttons)
        watch(self.note, self.changed)
        QWidget.setTabOrder(self.note, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.save_button)
        self.fit_to_screen(width_chars)
        self.resize(self.width(), min(self.height(), self.fontMetrics().lineSpacing() * lines))
        self.note.setFocus()

    def accept_shortcut(self) -> None:
        self.save()

    def _checked_note(self, min_chars: int, beside: str, summary: str) -> str | None:
        """The note, or None (``beside`` shown beside it, ``summary`` above) if shorter than
        ``min_chars``."""
        self.summary.clear_message()
        self.form.clear()
        note = plain(self.note)
        if len(note) < min_chars:
            self.form.errors["note"].show_error(beside)
            self.summary.show_error(summary)
            self.note.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        return note


class ResolveDialog(_NoteDialog):
    """Resolve a visit's alarm or overdue alert: a note of what happened is required."""

    def __init__(
        self,
        book: Any,
        entry: BoardEntry,
        *,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(tr("Resolve with a note"), book, clock=clock, parent=parent,
                         tasks=tasks)
        self.entry = entry
        plan = entry.visit.plan
        self._build(
            tr("{state}: {worker} at {place} ({case}).\n"
               "Resolving closes the alerts on this visit and restarts its check-in timer as if "
               "the worker had checked in safe now. A welfare debrief with the worker follows."
               ).format(state=state_words(entry.state), worker=entry.worker_label,
                        place=plan.location, case=case_words(plan)),
            tr("What you are resolving"),
            (
                tr("What happened"),
                tr("What &happened"),
                tr("Who you spoke to, what you found and what was done. Kept with the visit."),
            ),
            (tr("&Resolve ({key})").format(key=shown_key("Ctrl+Return")), tr("Resolve")),
            describe=False,
            width_chars=90,
            lines=30,
        )

    def save(self) -> bool:
        """Write the resolution; refuse (with a message beside the note) a missing note."""
        note = self._checked_note(
            MIN_RESOLUTION_NOTE_CHARS,
            tr("Write what happened and what was done, in at least {n} characters: the alarm "
               "cannot be resolved without a note.").format(n=number(MIN_RESOLUTION_NOTE_CHARS)),
            tr("Please write a note before resolving."),
        )
        if note is None:
            return False
        record = AlarmResolution(
            id=self.record_id,
            visit_id=self.entry.visit_id,
            by=str(self._book.author),
            at=self._clock(),
            note=note,
        )
        return self.finalise_record(self._book, record, tr("resolving"), self.saved)


class DebriefDoneDialog(_NoteDialog):
    """Mark a welfare debrief done: a short note (when, how it went, any follow-up) is
    required. The note is kept among the team's supervisors; the worker does not get it."""

    def __init__(
        self,
        book: Any,
        debrief: Debrief,
        *,
        clock: Callable[[], datetime],
        words: str,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(tr("Welfare debrief done"), book, clock=clock, parent=parent,
                         tasks=tasks)
        self.debrief = debrief
        self._build(
            tr("{debrief}\nYour note goes to your team's supervisors only: the worker does not "
               "receive it. The debrief then leaves every supervisor's list.").format(
                debrief=words),
            tr("The debrief you are marking done"),
            (
                tr("How it went"),
                tr("&How it went"),
                tr("When you met, how it went and any follow-up agreed (support, time off, "
                   "changes to lone-working plans)."),
            ),
            (tr("&Debrief done ({key})").format(key=shown_key("Ctrl+Return")), tr("Debrief done")),
            describe=True,
            width_chars=80,
            lines=26,
        )

    def save(self) -> bool:
        """Write the completion; refuse (with a message beside the note) a missing note."""
        note = self._checked_note(
            MIN_DEBRIEF_NOTE_CHARS,
            tr("Write when the debrief took place, how it went and any follow-up, in at "
               "least {n} characters: a debrief cannot be marked done without a note."
               ).format(n=number(MIN_DEBRIEF_NOTE_CHARS)),
            tr("Please write a note before marking the debrief done."),
        )
        if note is None:
            return False
        task = self.debrief.task
        record = WelfareDebriefDone(
            id=self.record_id,
            debrief_id=task.debrief.id,
            visit_id=task.debrief.visit_id,
            by=str(self._book.author),
            at=self._clock(),
            note=note,
        )
        return self.finalise_record(self._book, record, tr("marking the debrief done"),
                                    self.saved)


class BoardPage(QWidget):
    """The board. ``counts_changed(Counts)`` whenever the number of alarms or overdue changes."""

    counts_changed = Signal(object)

    def __init__(
        self,
        book: Casebook,
        tasks: TaskRunner,
        *,
        clock: Callable[[], datetime],
        sync: Any = None,
        policy: EscalationPolicy | None = None,
        fetch_names: Callable[[], Mapping[str, str]] | None = None,
        sync_every_ms: int = SYNC_EVERY_MS,
        recompute_every_ms: int = RECOMPUTE_EVERY_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book
        self._tasks = tasks
        self._clock = clock
        self.sync = sync
        self.names: dict[str, str] = {}
        self._fetch_names = fetch_names
        self._names_asked = False
        self.me = ""
        self.role: str | None = None
        self.dialog: ResolveDialog | None = None
        self.debrief_dialog: DebriefDoneDialog | None = None
        self._debriefs: list[Debrief] = []
        self._debrief_selected: str | None = None
        self._selected: str | None = None
        self._counts = Counts()
        self._generation = 0
        self._acknowledging = False
        self.loaded_once = False

        self.model = BoardModel(policy, self)
        self.summary = QLabel(tr("Loading the team's visits…"), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("Lone-working summary"))
        self.message = Message(self, name=tr("Board message"))

        self.table = rows_table(self.model, tr("Visits out now"), self, lines=None)
        self.empty = QLabel(tr("Nobody on your team is out on a visit."), self)
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)

        self.acknowledge_button = QPushButton(
            tr("&Acknowledge alert ({keys})").format(keys=shown_key(ACKNOWLEDGE_KEYS)), self)
        self.acknowledge_button.setAccessibleName(tr("Acknowledge alert"))
        self.acknowledge_button.setAccessibleDescription(
            tr("Tell the hub you are dealing with it, so the alert does not move up.")
        )
        self.resolve_button = QPushButton(
            tr("Resolve with &note… ({keys})").format(keys=shown_key(RESOLVE_KEYS)), self)
        self.resolve_button.setAccessibleName(tr("Resolve with note"))
        self.resolve_button.setAccessibleDescription(
            tr("Close the alarm or overdue alert with a note of what happened.")
        )
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.resolve_button.clicked.connect(self.resolve)
        self.shortcuts: dict[str, QShortcut] = {}
        # Welfare debriefs to do (after a resolution), until a supervisor of the team did it.
        self.debrief_box = QGroupBox(tr("Welfare debriefs to do"), self)
        self.debrief_box.setAccessibleName(tr("Welfare debriefs to do"))
        self.debrief_model = RowsModel(debrief_headers(), self)
        self.debrief_table = rows_table(
            self.debrief_model, tr("Welfare debriefs to do"), self.debrief_box, lines=None
        )
        self.debrief_table.setAccessibleDescription(
            tr("Debriefs to hold with workers after an alarm was resolved. Pick one, then "
               "Debrief done.")
        )
        self.debrief_empty = QLabel(tr(NO_DEBRIEFS), self.debrief_box)
        self.debrief_empty.setWordWrap(True)
        self.debrief_empty.setAccessibleName(tr("No welfare debriefs to do"))
        self.debrief_button = QPushButton(
            tr("Debrief &done… ({keys})").format(keys=shown_key(DEBRIEF_KEYS)), self.debrief_box)
        self.debrief_button.setAccessibleName(tr("Debrief done"))
        self.debrief_button.setAccessibleDescription(
            tr("Mark the selected welfare debrief done, with a short note of how it went.")
        )
        self.debrief_button.clicked.connect(self.debrief_done)
        debrief_layout = QVBoxLayout(self.debrief_box)
        debrief_layout.addWidget(self.debrief_table, 1)
        debrief_layout.addWidget(self.debrief_empty)
        debrief_buttons = QHBoxLayout()
        debrief_buttons.addWidget(self.debrief_button)
        debrief_buttons.addStretch(1)
        debrief_layout.addLayout(debrief_buttons)

        for keys, slot in (
            (ACKNOWLEDGE_KEYS, self.acknowledge),
            (RESOLVE_KEYS, self.resolve),
            (DEBRIEF_KEYS, self.debrief_done),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[keys] = shortcut

        # The detail pane: the selected visit's state, plan and timeline.
        self.detail_box = QGroupBox(tr("Selected visit"), self)
        self.detail_box.setAccessibleName(tr("Selected visit"))
        self.detail_state = QLabel(self.detail_box)
        self.detail_state.setWordWrap(True)
        self.detail_state.setAccessibleName(tr("State of the selected visit"))
        self.details = QWidget(self.detail_box)
        self.details_form = QFormLayout(self.details)
        self.details_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.details_form.setContentsMargins(0, 0, 0, 0)
        self.timeline_model = RowsModel((tr("Time"), tr("What happened")), self)
        self.timeline = rows_table(
            self.timeline_model, tr("Timeline of the selected visit"), self.detail_box,
            lines=None,
            single=False, wrap=True, resize=QHeaderView.ResizeMode.Interactive,
        )
        self.timeline.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        detail_layout = QVBoxLayout(self.detail_box)
        detail_layout.addWidget(self.detail_state)
        columns = QHBoxLayout()
        columns.addWidget(self.details, 2)
        columns.addWidget(self.timeline, 3)
        detail_layout.addLayout(columns, 1)

        left = QWidget(self)  # the table, its actions and messages; the details below
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        buttons.addWidget(self.acknowledge_button)
        buttons.addWidget(self.resolve_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.message)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_box)
        self.splitter.addWidget(self.debrief_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setChildrenCollapsible(False)

        layout = scrolled_layout(self, tr("Lone working board"))  # scrolls on a short screen
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(tr("Lone-working board"), self))
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        QWidget.setTabOrder(self.table, self.acknowledge_button)
        QWidget.setTabOrder(self.acknowledge_button, self.resolve_button)
        QWidget.setTabOrder(self.resolve_button, self.timeline)
        QWidget.setTabOrder(self.timeline, self.debrief_table)
        QWidget.setTabOrder(self.debrief_table, self.debrief_button)

        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._restore_selection)
        self.model.dataChanged.connect(lambda *_: self._show_selected(rebuild=False))
        self.debrief_table.selectionModel().currentRowChanged.connect(
            self._debrief_current_changed
        )

        self.sync_timer = QTimer(self)
        self.sync_timer.setInterval(sync_every_ms)
        self.sync_timer.timeout.connect(self.request_sync)
        self.recompute_timer = QTimer(self)
        self.recompute_timer.setInterval(recompute_every_ms)
        self.recompute_timer.timeout.connect(self.recompute)
        self.recompute_timer.start()
        if sync is not None:
            sync.finished.connect(self._sync_finished)
        self._show_selected(rebuild=True)

    # ------------------------------------------------------------------ freshness
    def set_active(self, active: bool) -> None:
        """On for supervisors and admins: read the visits now and keep recomputing; off for
        workers (the page is hidden from them and does nothing)."""
        if active:
            self.recompute_timer.start()
            self.reload()
        else:
            self.recompute_timer.stop()
            self.sync_timer.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.sync_timer.start()
        self.reload()
        self.request_sync()
        self._ask_names()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.sync_timer.stop()

    def request_sync(self) -> None:
        """Ask the sync bridge for a sync now (it ignores this when not enrolled or busy)."""
        if self.sync is not None and self.book.is_open:
            self.sync.sync_now()

    def _sync_finished(self, _report: object) -> None:
        if self.book.is_open:
            self.reload()

    def reload(self) -> None:
        """Read the visits again off the GUI thread, then show them."""
        book = self.book
        if not book.is_open:
            return
        now, policy = self._clock(), self.model.policy
        self._generation += 1
        generation = self._generation
        self._tasks.submit(
            lambda: (generation, load_board(book, now, policy)),
            self._loaded,
            self._load_failed,
            owner=self,
        )

    def _loaded(self, result: tuple[int, BoardData]) -> None:
        generation, data = result
        if generation == self._generation:  # an older read finishing late is not shown
            self.show_data(data)

    def show_data(self, data: BoardData) -> None:
        if not self.book.is_open:
            return
        self.me = data.me
        self.role = data.role
        self.model.set_visits(data.visits, self._clock(), me=data.me, names=self.names)
        self._debriefs = list(data.debriefs)
        self._show_debriefs()
        self.loaded_once = True
        self._show_selected(rebuild=True)
        self._after_recompute()

    def _load_failed(self, error: BaseException) -> None:
        if not isinstance(error, SpokeError):
            raise error
        self.message.show_error(tr("The board could not be read: {error}").format(error=error))

    def set_names(self, names: Mapping[str, str]) -> None:
        """Names to show for workers' ids (the hub's ids otherwise)."""
        self.names = dict(names)
        self.model.set_names(self.names, self._clock())
        self._show_selected(rebuild=True)
        self._show_debriefs()

    def _ask_names(self) -> None:
        """Ask the hub for the team's names once (again on the next show if it failed)."""
        if self._fetch_names is None or self._names_asked:
            return
        self._names_asked = True
        self._tasks.submit(self._fetch_names, self.set_names, self._names_failed, owner=self)

    def _names_failed(self, error: BaseException) -> None:
        if not isinstance(error, SpokeError):
            raise error
        self._names_asked = False  # offline, or not a supervisor: ids it is, for now

    def recompute(self) -> None:
        """Re-evaluate every visit's state from the clock (no casebook read)."""
        self.model.recompute(self._clock())
        self._after_recompute()
        self._show_debriefs()

    def _after_recompute(self) -> None:
        entries = self.model.entries
        self.table.setVisible(bool(entries))
        self.empty.setVisible(not entries)
        counts = replace(self.model.counts(), debriefs=len(self._debriefs))
        out = sum(1 for e in entries if e.state is not VisitState.ENDED)
        lines = [tr.plural(out, "{n} visit going on now.", "{n} visits going on now.") if out
                 else tr("Nobody is out on a visit now.")]
        if counts.alarms or counts.overdue:
            lines.append(tr("Needs you now: {counts}.").format(counts=counts.words()))
        if self._debriefs:
            lines.append(tr.plural(len(self._debriefs), "{n} welfare debrief to do.",
                                   "{n} welfare debriefs to do."))
        self.summary.setText(" ".join(lines))
        self.summary.setAccessibleDescription(" ".join(lines))
        self._update_buttons()
        if counts != self._counts:
            self._counts = counts
            emit(self.counts_changed, counts)

    @property
    def counts(self) -> Counts:
        return self._counts

    # ------------------------------------------------------------------ selection
    def select_visit(self, visit_id: str) -> bool:
        row = self.model.row_of(visit_id)
        if row is None:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def selected_entry(self) -> BoardEntry | None:
        if self._selected is None:
            return None
        row = self.model.row_of(self._selected)
        return None if row is None else self.model.entry(row)

    def _current_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            self._selected = self.model.entry(current.row()).visit_id
        self._show_selected(rebuild=True)

    def _restore_selection(self) -> None:
        kept = self._selected is not None and self.select_visit(self._selected)
        if not kept and self.model.rowCount():
            self.select_visit(self.model.entry(0).visit_id)  # the most urgent visit
        self._show_selected(rebuild=True)

    def _show_selected(self, *, rebuild: bool) -> None:
        entry = self.selected_entry()
        self.detail_box.setEnabled(entry is not None)
        if entry is None:
            self.detail_state.setText(tr("Pick a visit to see its plan and what has happened."))
            tint(self.detail_state, None)
            self._fill_details(None)
            self._update_buttons()
            return
        plan = entry.visit.plan
        text = tr("{state}: {worker} at {place}. {explained}").format(
            state=state_words(entry.state), worker=entry.worker_label, place=plan.location,
            explained=state_explained(entry.state))
        self.detail_state.setText(text)
        self.detail_state.setAccessibleDescription(text)
        urgent = entry.state in (VisitState.ALARM, VisitState.ESCALATING, VisitState.NOT_ARMED)
        tint(self.detail_state, None, bold=urgent)  # not a style sheet: see tint
        if rebuild:
            self._fill_details(entry.visit)
        self._update_buttons()

    def _fill_details(self, visit: BoardVisit | None) -> None:
        while self.details_form.rowCount():
            self.details_form.removeRow(0)
        if visit is None:
            self.timeline_model.set_rows([])
            return
        now = self._clock()
        for label, value in plan_details(visit.plan):
            shown = QLabel(value, self.details)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAccessibleName(tr("{label}: {value}").format(label=label, value=value))
            self.details_form.addRow(tr("{label}:").format(label=label), shown)
        events = timeline(visit, me=self.me, names=self.names)
        self.timeline_model.set_rows(
            [
                Row(cells=(when_words(at, now), what), key=f"{visit.plan.id}:{n}")
                for n, (at, what) in enumerate(events)
            ]
        )
        self.timeline.resizeRowsToContents()

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        self.acknowledge_button.setEnabled(
            entry is not None and entry.can_acknowledge and not self._acknowledging
        )
        self.resolve_button.setEnabled(entry is not None and entry.can_resolve)

    # ------------------------------------------------------------------ actions
    def acknowledge(self) -> bool:
        """Acknowledge every open alert of the selected visit ("I have this"). True if the
        save has started: it runs through the runner, the button held (and a second press or
        Ctrl+Shift+A ignored) until the acknowledgements are stored."""
        if self._acknowledging:
            return False
        self.message.clear_message()
        entry = self.selected_entry()
        if entry is None or not entry.open_alerts:
            self.message.show_info(
                tr("The selected visit has no alert waiting for acknowledgement."))
            return False
        now = self._clock()
        book = self.book
        acks = [
            AlertAcknowledgement(
                id=new_id(), alert_id=alert.id, visit_id=entry.visit_id, by=str(book.author),
                at=now,
            )
            for alert in entry.open_alerts
        ]

        def write() -> None:
            for ack in acks:
                book.save(ack, finalise=True)

        self._acknowledging = True
        self._tasks.write(
            write,
            lambda _none: self._acknowledged(now),
            self._not_acknowledged,
            owner=self,
            busy=(self.acknowledge_button,),
        )
        return True

    def _acknowledged(self, now: datetime) -> None:
        self._acknowledging = False
        self.message.show_info(tr(
            "Acknowledged at {time}: the hub will not move this alert up. "
            "Sending it to the hub now."
        ).format(time=when_words(now, now)))
        self._update_buttons()
        self._changed()

    def _not_acknowledged(self, error: BaseException) -> None:
        self._acknowledging = False
        self._update_buttons()
        if not isinstance(error, SpokeError):
            raise error
        self.message.show_error(
            tr("The acknowledgement could not be saved: {error}").format(error=error))
        self._changed()  # some of the visit's alerts may have been acknowledged before it

    def resolve(self) -> ResolveDialog | None:
        """Open the resolve dialog for the selected visit."""
        self.message.clear_message()
        entry = self.selected_entry()
        if entry is None or not entry.can_resolve:
            self.message.show_info(
                tr("Only a visit in alarm or overdue can be resolved. Pick one in the list.")
            )
            return None
        dialog = ResolveDialog(
            self.book, entry, clock=self._clock, parent=self, tasks=self._tasks
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._resolved)
        self.dialog = dialog
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ welfare debriefs
    @property
    def debriefs(self) -> list[Debrief]:
        """The welfare debriefs to do, as listed."""
        return list(self._debriefs)

    def _show_debriefs(self) -> None:
        """List the debriefs (the relative times follow the clock); keep the selection."""
        rows = debrief_rows(self._debriefs, self._clock(), me=self.me, names=self.names)
        if rows != self.debrief_model.rows:
            kept = self._debrief_selected
            self.debrief_model.set_rows(rows)
            if not (kept is not None and self.select_debrief(kept)) and rows:
                self.select_debrief(rows[0].key)
        self.debrief_table.setVisible(bool(rows))
        self.debrief_empty.setVisible(not rows)
        self.debrief_button.setEnabled(self.selected_debrief() is not None)

    def select_debrief(self, debrief_id: str) -> bool:
        for row, shown in enumerate(self.debrief_model.rows):
            if shown.key == debrief_id:
                self.debrief_table.selectionModel().setCurrentIndex(
                    self.debrief_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    def selected_debrief(self) -> Debrief | None:
        return next((d for d in self._debriefs if d.id == self._debrief_selected), None)

    def _debrief_current_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            self._debrief_selected = self.debrief_model.row_at(current.row()).key
        self.debrief_button.setEnabled(self.selected_debrief() is not None)

    def debrief_done(self) -> DebriefDoneDialog | None:
        """Open the "Debrief done" dialog for the selected welfare debrief."""
        self.message.clear_message()
        debrief = self.selected_debrief()
        if debrief is None:
            self.message.show_info(
                tr("Pick a welfare debrief in the list first.") if self._debriefs
                else tr("There are no welfare debriefs to do.")
            )
            return None
        words = debrief_words(debrief, self._clock(), me=self.me, names=self.names)
        dialog = DebriefDoneDialog(
            self.book, debrief, clock=self._clock, words=words, parent=self, tasks=self._tasks
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._debriefed)
        self.debrief_dialog = dialog
        dialog.open()
        return dialog

    def _debriefed(self, _record_id: str) -> None:
        self.message.show_info(tr(
            "Debrief marked done, with your note. Sending it to the hub now; it leaves every "
            "supervisor's list after their next sync."
        ))
        self._changed()

    def _resolved(self, _record_id: str) -> None:
        self.message.show_info(tr("Resolved, with your note. Sending it to the hub now."))
        self._changed()

    def _changed(self) -> None:
        self.reload()
        self.request_sync()
