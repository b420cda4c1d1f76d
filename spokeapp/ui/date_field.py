"""A date (or date and time) typed as a worker writes it: ``4/12``, ``4 Dec``, ``yesterday``,
``yesterday 16:30``, ``16:30``. One line of text, so Tab moves to the next field rather than
between the parts of a date; what the text means is shown beside it in words ("Friday 4
December 2026"; "(last year)" after it when no year was typed and it was read as last
year's), and text that is not a date is an error beside it, never quietly replaced. A field
may refuse days before its earliest (:meth:`DateField.set_earliest`: a session's case was
opened then). Reading the text is :mod:`spokeapp.present.dates` (no Qt); this is only the
widget.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Final

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from spokeapp.i18n import translator
from spokeapp.present.dates import (
    DateProblem,
    Earliest,
    day_text,
    moment_text,
    read_day,
    read_moment,
    value_words,
)
from spokeapp.ui.signals import emit
from spokeapp.ui.widgets import Message

tr = translator(__name__)

#: Naive local "now" (a date field's idea of today comes from it). Tests pass a fixed one.
LocalClock = Callable[[], datetime]

#: Pixels a line edit keeps around its text: its frame and the margins inside it.
_TEXT_MARGINS: Final = 16
#: A long date in words, as a field asks room for beside its text: a Wednesday in September
#: (the longest names in English), read as last year's from a "today" in the next year.
_LONG_VALUE: Final = datetime(2025, 9, 24, 16, 30)
_LONG_TODAY: Final = date(2026, 1, 1)


def local_now() -> datetime:
    return datetime.now().astimezone().replace(tzinfo=None)


class DateField(QWidget):
    """A typed date (``with_time=False``) or date and time. ``value()`` is what the text
    means (``None``: nothing typed, or not readable: then ``problem()`` says why)."""

    #: The text was edited or set (its meaning may have changed).
    changed = Signal()

    def __init__(
        self,
        *,
        with_time: bool = False,
        past_only: bool = False,
        required: bool = True,
        clock: LocalClock = local_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.with_time = with_time
        self.past_only = past_only
        #: The record needs a date: empty text is a problem (said when the form is saved).
        self.required = required
        self._clock = clock
        self._value: date | datetime | None = None
        self._problem: str | None = None
        #: The first day the field takes (None: any), and what it says of one before it.
        self._earliest: Earliest | None = None
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(
            tr("e.g. yesterday 16:30") if with_time else tr("e.g. 4/12/2026 or yesterday")
        )
        # Wide enough for its example, whole (in any language): cut short, "e.g. 4/12/2026
        # or…" does not say what else may be typed.
        metrics = self.line.fontMetrics()
        width = max(metrics.averageCharWidth() * (22 if with_time else 18),
                    metrics.horizontalAdvance(self.line.placeholderText()) + _TEXT_MARGINS)
        self.line.setMinimumWidth(width)
        self.line.setMaximumWidth(int(width * 1.3))
        #: The value in words, beside the text.
        self.words = QLabel(self)
        self.words.setAccessibleName(tr("Date in words"))
        self.words.setWordWrap(True)  # a narrow window wraps the words, never the row
        # Their first line level with the typed text, not above it.
        self.words.setContentsMargins(
            0, max(0, (self.line.sizeHint().height() - self.words.fontMetrics().height()) // 2),
            0, 0)
        long_words = value_words(_LONG_VALUE if with_time else _LONG_VALUE.date(), "24/9",
                                 _LONG_TODAY)
        #: Room for a long date in words on one line beside the text (see ``sizeHint``).
        self._words_room = self.words.fontMetrics().horizontalAdvance(long_words) + 2
        #: The width the height was last fitted to (``resizeEvent``).
        self._fitted_width = -1
        #: What is wrong with the text, under it.
        self.status = Message(self, name=tr("Problem with this date"))
        row = QHBoxLayout()
        row.addWidget(self.line, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.words, 1, Qt.AlignmentFlag.AlignTop)
        self._row = row
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.setFocusProxy(self.line)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Never taller than its line (and its problem, when shown): a form's spare height
        # went here, leaving a gap under every date in a dialog.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        #: A problem with the text is shown (from leaving the field or saving): while it
        #: is, every edit updates it; before that, half-typed text is not called wrong.
        self._telling = False
        self.line.textChanged.connect(self._read)
        self.line.editingFinished.connect(self.tell)

    # ------------------------------------------------------------------ size
    def sizeHint(self) -> QSize:
        """Room for the text and a long date in words beside it on one line (so a dialog
        opens wider where it can), and as tall as the words need at the width the field has.
        Its vertical policy, Maximum (no gap under it), caps it at this height: the hint
        alone was one line of words tall, so words wrapped onto four lines in a narrow
        dialog (the training dialog's "Thursday 4 December 2025 (last year)") were cut off
        above and below."""
        hint = super().sizeHint()
        beside = self.line.minimumWidth() + self._row.spacing() + self._words_room
        hint.setWidth(max(hint.width(), beside))
        if self.testAttribute(Qt.WidgetAttribute.WA_Resized) and self.hasHeightForWidth():
            hint.setHeight(max(hint.height(), self.heightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._fitted_width:  # the words wrap anew: ask again
            self._fitted_width = event.size().width()
            self.updateGeometry()

    # ------------------------------------------------------------------ naming
    def set_name(self, name: str, description: str = "") -> None:
        """What a screen reader calls the field (the text line is what takes focus)."""
        self.setAccessibleName(name)
        self.line.setAccessibleName(name)
        self.words.setAccessibleName(tr("{field}, in words").format(field=name))
        self.status.setAccessibleName(tr("Problem with {field}").format(field=name))
        if description:
            self.line.setAccessibleDescription(description)

    # ------------------------------------------------------------------ value
    def text(self) -> str:
        return self.line.text()

    def set_text(self, text: str) -> None:
        self.line.setText(text)

    def set_value(self, value: date | datetime | None) -> None:
        """Show ``value`` (``None``: empty) as text the field reads back the same."""
        if value is None:
            self.line.setText("")
        elif isinstance(value, datetime):
            self.line.setText(moment_text(value) if self.with_time else day_text(value.date()))
        else:
            self.line.setText(day_text(value))

    def value(self) -> date | datetime | None:
        return self._value

    def day(self) -> date | None:
        value = self._value
        return value.date() if isinstance(value, datetime) else value

    def moment(self) -> datetime | None:
        return self._value if isinstance(self._value, datetime) else None

    def now(self) -> datetime:
        """The field's idea of now (naive local time)."""
        return self._clock()

    def today(self) -> date:
        return self._clock().date()

    def set_earliest(self, earliest: Earliest | None) -> None:
        """Refuse days before ``earliest.day`` (None: any day), reading the text again."""
        if earliest == self._earliest:
            return
        self._earliest = earliest
        self._read(self.line.text())

    def problem(self) -> str | None:
        """Why the text is not a date this field takes (words to follow the field's name), or
        "is needed" when nothing is typed and the record needs it; ``None`` when all is well."""
        if self._problem is None and self._value is None and self.required:
            return (tr("is needed: type a date and time") if self.with_time
                    else tr("is needed: type a date"))
        return self._problem

    def show_problem(self, text: str) -> None:
        """An error beside the field (cleared as soon as the text is edited)."""
        self._telling = True
        self.words.clear()
        self.status.show_error(text)
        self.line.setAccessibleDescription(text)

    def tell(self) -> None:
        """Show what is wrong with the text, if anything (the worker has left the field)."""
        self._telling = True
        self._show()

    def _read(self, text: str) -> None:
        now = self._clock()
        try:
            if self.with_time:
                self._value = read_moment(text, now, past_only=self.past_only,
                                          earliest=self._earliest)
            else:
                self._value = read_day(text, now.date(), past_only=self.past_only,
                                       earliest=self._earliest)
            self._problem = None
        except DateProblem as exc:
            self._value, self._problem = None, str(exc)
        self._show()
        emit(self.changed)

    def redraw(self) -> None:
        """Show the value in words again (a problem shown by the form is gone)."""
        self._telling = False
        self._show()

    def _show(self) -> None:
        value = self._value
        words = "" if value is None else value_words(value, self.line.text(), self.today())
        self.words.setText(words)
        if self._problem is not None and self._telling:
            name = self.accessibleName() or tr("This date")
            self.status.show_error(
                tr("{field} {problem}.").format(field=name, problem=self._problem))
        else:
            self.status.clear_message()
        self.line.setAccessibleDescription(self.status.text() or words)
