"""Small widgets shared by the windows: passphrase fields, the strength meter, inline messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QKeySequence,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spokeapp.i18n import translator
from spokeapp.present.contrast import TEXT_MIN, contrast_ratio
from spokeapp.present.passphrase import Strength, passphrase_strength

tr = translator(__name__)

def shown_key(keys: str) -> str:
    """A key as this system writes it, for a label or a tooltip ("Finalise (Ctrl+Enter)"):
    "Ctrl+Enter" on Windows and Linux, "⌘↩" on a Mac, where Qt's Ctrl is the Command key and
    Alt the Option key. ``keys`` is in Qt's portable form ("Ctrl+Return", "Alt+K"). Spoke binds
    the main keyboard's Enter key, which Qt calls Return: it is written "Enter", as keyboards
    label it."""
    native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
    return native.replace("Return", "Enter")


#: The key the guides and the buttons name for "refresh" (the Team page, the Audit page, Sync
#: now): the same on every system.
REFRESH_KEY = "F5"


def refresh_keys() -> list[QKeySequence]:
    """F5, then this system's own Refresh keys (Qt's ``StandardKey.Refresh``: F5 on Windows
    and KDE, Ctrl+R too on GNOME, Shift+Cmd+R and not F5 on a Mac), each once: a key bound
    twice in one window does nothing at all."""
    keys = [QKeySequence(REFRESH_KEY)]
    for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh):
        if key not in keys:
            keys.append(key)
    return keys


def refresh_shortcut(parent: QWidget, activated: Callable[[], object]) -> QShortcut:
    """One shortcut on ``parent`` for :func:`refresh_keys`: F5 does what its button says (the
    label says "(F5)") on every system, a Mac's included, and the system's own key works too."""
    shortcut = QShortcut(parent)
    shortcut.setKeys(refresh_keys())
    shortcut.activated.connect(activated)
    return shortcut


#: The key every form's main action names ("Finalise (Ctrl+Enter)"), in Qt's portable form.
SUBMIT_KEY = "Ctrl+Return"


def submit_keys() -> list[QKeySequence]:
    """Ctrl with either Enter key: the main keyboard's (Qt's Return, what the labels name) and
    the keypad's (Qt's Enter), which Qt tells apart, so a worker on a keyboard with a keypad
    is not left pressing a key that does nothing."""
    return [QKeySequence(SUBMIT_KEY), QKeySequence("Ctrl+Enter")]


def submit_shortcut(
    parent: QWidget,
    activated: Callable[[], object],
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> QShortcut:
    """One shortcut on ``parent`` for :func:`submit_keys`: the form's main action."""
    shortcut = QShortcut(parent)
    shortcut.setKeys(submit_keys())
    shortcut.setContext(context)
    shortcut.activated.connect(activated)
    return shortcut


def rows_table(
    model: QAbstractItemModel,
    name: str,
    parent: QWidget,
    *,
    lines: int | None = 6,
    single: bool = True,
    wrap: bool = False,
    sortable: bool = False,
    alternating: bool = False,
    resize: QHeaderView.ResizeMode = QHeaderView.ResizeMode.ResizeToContents,
    stretch: int | None = None,
    share: float = 0.0,
    whole: Sequence[int] = (),
    on_activated: Callable[[QModelIndex], object] | None = None,
) -> QTableView:
    """The one way a page sets up a read-only table: whole rows selected (one at a time unless
    ``single`` is off), Tab leaves the table, no row numbers, columns ``resize`` (fit their
    contents) with the last (or column ``stretch``) taking the rest, ``name`` read by screen
    readers, at least ``lines`` rows high. ``share``: the ``stretch`` column keeps at least
    this part of the table's width while the other columns' words fit in it on two lines
    (they wrap rather than being cut short), and gives it up to them when they do not; the
    ``whole`` columns (a date cut short is no date) are the last cut short on a screen too
    small even for that (see ``_KeepShare``). ``sortable``: clicking a header
    sorts (behind a proxy sorting on ``SORT_ROLE``). ``on_activated``: Enter or a double
    click on a row."""
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setWordWrap(wrap)
    table.setSortingEnabled(sortable)
    table.setAlternatingRowColors(alternating)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(resize)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        if share > 0:
            _KeepShare(table, stretch, share, whole)
    if lines is not None:
        table.setMinimumHeight(table.fontMetrics().lineSpacing() * lines)
    if on_activated is not None:
        table.activated.connect(on_activated)
    return table


def capped(widths: Sequence[int], room: int) -> int:
    """The largest width no column may pass so that ``widths`` fit in ``room``: the widest
    give way first, the narrow ones keep theirs (no cap: the widest width)."""
    left = room
    ordered = sorted(widths)
    for at, width in enumerate(ordered):
        others = len(ordered) - at
        if width * others > left:
            return max(0, left // others)
        left -= width
    return ordered[-1] if ordered else 0


def filled(least: Sequence[int], most: Sequence[int], room: int) -> list[int]:
    """Widths from ``least`` towards ``most`` that fit in ``room``: every column starts at its
    least and they grow together, each stopping at its most, until the room is used (the
    widest give way first, as with :func:`capped`, but none below its least)."""

    def widths(cap: int) -> list[int]:
        return [max(low, min(high, cap)) for low, high in zip(least, most, strict=True)]

    low, high = 0, max([*most, 0])
    while low < high:  # the largest cap whose widths still fit
        cap = (low + high + 1) // 2
        if sum(widths(cap)) <= room:
            low = cap
        else:
            high = cap - 1
    return widths(low)


def two_line_width(text: str, advance: Callable[[str], int], *, after: str = "") -> int:
    """The least width that shows ``text`` on at most two lines broken at a space, as a view
    wraps it (its whole width when it is one word). ``advance`` measures a piece of text.
    ``after``: break only after this mark where the text has one ("," keeps a day whole on
    the first line and its time on the second, in every row alike)."""
    words = text.split(" ")  # not at a no-break space, as a view does not
    breaks = [at for at in range(1, len(words)) if words[at - 1]]
    marked = [at for at in breaks if after and words[at - 1].endswith(after)]
    best = advance(text)
    for at in marked or breaks:
        best = min(best, max(advance(" ".join(words[:at])), advance(" ".join(words[at:]))))
    return best


#: What the stretching column of a ``share`` table keeps, in average characters, when the
#: other columns take its share to show their words whole.
SHARE_LEAST_CHARS: Final = 15


class _KeepShare(QObject):
    """Keeps a table's stretching column at least ``share`` of the table's width (the case
    page's Summary was 26 px wide beside three columns fitted to their contents) while the
    other columns' words fit beside it on two lines. The table wraps its words and its rows
    are two lines tall: the other columns fit their words on one line while there is room,
    and when there is not the widest wrap first, onto two lines, never cut short. Where even
    two lines leave the share too little room (the case page at 1024x600: "Session: …" and
    "Final, wai…" beside a Summary kept at a third), the stretching column gives way, down to
    ``SHARE_LEAST_CHARS``; its words are cut short (the row's tooltip and the detail have
    them whole). Only on a screen too small for even that are the other columns cut short,
    the widest first, the ``whole`` columns last."""

    def __init__(self, table: QTableView, column: int, share: float,
                 whole: Sequence[int] = ()) -> None:
        super().__init__(table)
        self._table, self._column, self._share = table, column, share
        self._whole = tuple(whole)
        self._fitting = False
        #: Each other column's words measured: (on one line, on two lines), widest of all rows.
        self._widths: dict[int, tuple[int, int]] | None = None
        table.setWordWrap(True)
        rows = table.verticalHeader()
        rows.setDefaultSectionSize(
            max(rows.defaultSectionSize(), table.fontMetrics().lineSpacing() * 2 + 2))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        model = table.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted,
                       model.rowsRemoved, model.dataChanged):
            signal.connect(self._changed)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _changed(self, *_args: object) -> None:
        self._widths = None
        self.fit()

    def _measure(self, columns: Sequence[int]) -> dict[int, tuple[int, int]]:
        """The width each column's words need on one line and on two, with the room a cell
        keeps around its text (and its swatch, if it has one)."""
        table, model = self._table, self._table.model()
        style = table.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
        around = 2 * margin + (1 if table.showGrid() else 0) + 1
        icon = table.iconSize().width()
        if icon <= 0:
            icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, table)
        metrics: dict[str, QFontMetrics] = {}
        known: dict[tuple[str, str, str], tuple[int, int]] = {}
        widths: dict[int, tuple[int, int]] = {}
        for column in columns:
            one = two = 0
            for row in range(model.rowCount()):
                index = model.index(row, column)
                text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
                font = index.data(Qt.ItemDataRole.FontRole)
                font = font if isinstance(font, QFont) else table.font()
                key = font.key()
                # A date is broken from its time (after its comma), the same in every row.
                after = "," if column in self._whole else ""
                if (key, text, after) not in known:
                    fm = metrics.setdefault(key, QFontMetrics(font))
                    known[key, text, after] = (
                        fm.horizontalAdvance(text),
                        two_line_width(text, fm.horizontalAdvance, after=after))
                line, lines = known[key, text, after]
                extra = around
                if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                    extra += icon + 2 * margin
                one, two = max(one, line + extra), max(two, lines + extra)
            widths[column] = (one, two)
        return widths

    def fit(self, *_args: object) -> None:
        if self._fitting:  # a resize while fitting (a scroll bar came or went)
            return
        self._fitting = True
        try:
            table, header = self._table, self._table.horizontalHeader()
            others = [c for c in range(header.count())
                      if c != self._column and not header.isSectionHidden(c)]
            if self._widths is None or any(c not in self._widths for c in others):
                self._widths = self._measure(others)
            named = {c: header.sectionSizeHint(c) for c in others}  # the header, whole
            one = [max(self._widths[c][0], named[c]) for c in others]
            two = [max(self._widths[c][1], named[c]) for c in others]
            width = table.viewport().width()
            share = round(width * self._share)
            least = min(share, table.fontMetrics().averageCharWidth() * SHARE_LEAST_CHARS)
            if sum(two) <= width - share:  # the share kept, the widest wrapping first
                sizes = filled(two, one, width - share)
            elif sum(two) <= width - least:  # the share given up to words on two lines
                sizes = two
            else:  # too narrow even for that: cut short, the widest first, ``whole`` last
                room = width - least
                kept = {c: w for c, w in zip(others, two, strict=True) if c in self._whole}
                if sum(kept.values()) > room // 2:
                    kept = {}
                cap = capped([w for c, w in zip(others, two, strict=True) if c not in kept],
                             room - sum(kept.values()))
                sizes = [kept.get(c, min(w, cap)) for c, w in zip(others, two, strict=True)]
            for column, size in zip(others, sizes, strict=True):
                header.resizeSection(column, max(header.minimumSectionSize(), size))
        finally:
            self._fitting = False


def scrolled_layout(page: QWidget, name: str = "") -> QVBoxLayout:
    """The layout of ``page``'s content, inside a frameless scroll area that fills the page:
    a tall page scrolls rather than making the window taller than a small screen at 200%
    scaling. Widgets added to the returned layout become the scrolled content's; ``name``
    is what a screen reader calls the scrolling area."""
    area = QScrollArea(page)
    area.setAccessibleName(name or page.accessibleName() or tr("Page"))  # what a screen reader says
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    content = QWidget(area)
    area.setWidget(content)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
    return QVBoxLayout(content)


def heading(text: str, parent: QWidget) -> QLabel:
    """A page's title: larger, bold, and its own accessible name."""
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


def close_and_save(parent: QWidget, save_text: str,
                   save_name: str) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    """A dialog's footer: "Close (Esc)" and its main button (the default: Enter),
    right-aligned. Returns (close, save, the row to add)."""
    close = QPushButton(tr("Close (Esc)"), parent)
    close.setAccessibleName(tr("Close"))
    save = QPushButton(save_text, parent)
    save.setAccessibleName(save_name)
    save.setDefault(True)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(close)
    row.addWidget(save)
    return close, save, row


def paragraph(text: str, parent: QWidget) -> QLabel:
    """Explanatory text that wraps."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def recovery_key_label(parent: QWidget) -> QLabel:
    """A recovery key shown once: large, fixed-width, selectable, reachable by keyboard and
    named for screen readers (first run, and a renewal of the casebook's key)."""
    label = QLabel(parent)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.6)
    font.setBold(True)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.setFrameShape(QLabel.Shape.StyledPanel)
    label.setContentsMargins(24, 16, 24, 16)
    label.setAccessibleName(tr("Recovery key"))
    return label


def lay_out_page(
    page: QWidget, title: str, parts: Sequence[QWidget | QLayout], buttons: QLayout
) -> QVBoxLayout:
    """One page of the first-run and unlock windows: its heading, ``parts`` one under another,
    free space, then ``buttons`` at the foot."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(12)
    layout.addWidget(heading(title, page))
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addStretch(1)
    layout.addLayout(buttons)
    return layout


def is_dark(widget: QWidget) -> bool:
    """True when the current palette is dark (the system's dark mode), so text colours adapt.

    A colour chosen by this must be chosen again when the palette changes (the system switches
    between light and dark while Spoke is open, as Windows 11, macOS and GNOME do at sunset):
    in ``changeEvent`` on ``QEvent.Type.PaletteChange``, as :class:`Message` does, and set
    with :func:`tint`."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def tint(widget: QWidget, colour: str | None, *, bold: bool = False) -> None:
    """``widget``'s words in ``colour`` (None: the palette's own), bold or not.

    In its palette, never in a style sheet: a widget with a style sheet (even one that only
    says "font-weight: bold") keeps the whole palette it had then, so when the system
    switched to dark mode its words stayed black on the now dark window. Only the colour is
    the widget's own; the rest of its palette still follows the system's."""
    palette = QPalette()  # no colour of its own: each is the parent's, and follows it
    if colour is not None:
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
                palette.setColor(group, role, QColor(colour))
    widget.setPalette(palette)
    font = widget.font()
    if font.bold() != bold:
        font.setBold(bold)
        widget.setFont(font)


def paper_palette() -> QPalette:
    """Black text on white, whatever the screen's palette: for what is drawn onto paper (a
    PDF's pages). Text drawn without its own colour takes the palette's, which in dark mode
    is light: light grey on a white page."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#ffffff"),
        (QPalette.ColorRole.Base, "#ffffff"),
        (QPalette.ColorRole.WindowText, "#000000"),
        (QPalette.ColorRole.Text, "#000000"),
        (QPalette.ColorRole.Highlight, "#2e7dbf"),
    ):
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, role, QColor(colour))
    return palette


def muted(text: QColor, background: QColor, least: float = TEXT_MIN) -> QColor:
    """``text`` blended toward ``background`` (a quieter colour for hints), but no further
    than keeps ``least`` contrast against it (WCAG AA for text: 4.5:1), in light and dark
    palettes alike."""
    def mix(share: float) -> QColor:
        return QColor.fromRgbF(*(
            t + (b - t) * share for t, b in (
                (text.redF(), background.redF()),
                (text.greenF(), background.greenF()),
                (text.blueF(), background.blueF()),
            )))

    back = background.name()
    for step in range(9, -1, -1):  # 45% of the way to the background, then less
        colour = mix(step * 0.05)
        if contrast_ratio(colour.name(), back) >= least:
            return colour
    return QColor(text)


class Hint(QLabel):
    """Words under a field about what to type: muted, but 4.5:1 against the window in light
    and dark palettes (a disabled label's grey was 1.6:1), and enabled, so that a screen
    reader does not call it unavailable."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._muting = False
        self._mute()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._muting:
            self._mute()  # dark mode switched on or off while it shows

    def _mute(self) -> None:
        """The colour from the palette around it (its own holds the muted one already)."""
        parent = self.parentWidget()
        around = parent.palette() if parent is not None else QApplication.palette(self)
        colour = muted(around.color(QPalette.ColorRole.WindowText),
                       around.color(QPalette.ColorRole.Window))
        palette = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.WindowText, colour)
        self._muting = True
        try:
            self.setPalette(palette)
        finally:
            self._muting = False


#: An error's words on a light window, and on a dark one: each 4.5:1 or more on its own
#: (tests/ui/test_accessibility.py walks refused forms in both); no one red passes on both.
ERROR_COLOURS: Final = ("#a4001d", "#ff8a80")


class Message(QLabel):
    """An inline message under a form: hidden when empty; errors are bold and red-ish in both
    light and dark mode, and always say in words what to do (colour is never the only cue).
    An error shown before the system switches between light and dark takes the new one's red
    (dark red stayed on the dark window: 2.3:1)."""

    def __init__(self, parent: QWidget | None = None, *, name: str | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(tr("Message") if name is None else name)
        self._error = False
        self._tinting = False
        self.hide()

    def show_error(self, text: str) -> None:
        self._error = True
        self._tint()
        self._show(text)

    def show_info(self, text: str) -> None:
        self._error = False
        self._tint()
        self._show(text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._tinting:
            self._tint()  # dark mode switched on or off while it shows

    def _tint(self) -> None:
        colour = ERROR_COLOURS[1 if is_dark(self) else 0] if self._error else None
        self._tinting = True  # its own palette changing is no reason to tint it again
        try:
            tint(self, colour, bold=self._error)
        finally:
            self._tinting = False

    def _show(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))
        grow_to_fit(self.window())

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class PassphraseEdit(QLineEdit):
    """A password-style field; see ``show_typing_box`` for letting a worker check their typing."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setAccessibleName(accessible_name)
        self.setMinimumWidth(300)

    def set_revealed(self, revealed: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password)


def show_typing_box(parent: QWidget, *fields: PassphraseEdit) -> QCheckBox:
    """A "Show what I type" checkbox for the given passphrase fields (off by default, so
    nothing is shown over a shoulder unless the worker asks)."""
    box = QCheckBox(tr("S&how what I type"), parent)
    box.setAccessibleName(tr("Show what I type"))
    for field in fields:
        box.toggled.connect(field.set_revealed)
    return box


def grow_to_fit(window: QWidget) -> None:
    """Make a small window (unlocking, first run, a dialog) taller if wrapped text no longer
    fits (Qt does not do this for a top-level window by itself); never shrinks it, so nothing
    jumps under the pointer. Never past the screen's free area, title bar included (moved up
    if it would run off the bottom), and never the main window, maximised or not: its pages
    scroll, and growing it put the status bar and Lock now below a small screen."""
    if isinstance(window, QMainWindow) or window.windowState() & (
        Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
    ):
        return
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    if window.hasHeightForWidth():
        needed = window.heightForWidth(window.width())
    else:
        needed = window.sizeHint().height()
    screen = window.screen()
    area = screen.availableGeometry() if screen is not None else None
    frame = window.frameGeometry().height() - window.height()  # the title bar and borders
    if area is not None:
        needed = min(needed, area.height() - frame)
    if needed <= window.height():
        return
    window.resize(window.width(), needed)
    if area is not None and window.isVisible():
        below = window.frameGeometry().bottom() - area.bottom()
        if below > 0:
            window.move(window.x(), max(area.top(), window.y() - below))


def fit_pages(stack: QStackedWidget) -> None:
    """Size a stacked widget (and its window) to the page on show, not the largest page."""
    for number in range(stack.count()):
        page = stack.widget(number)
        policy = (
            QSizePolicy.Policy.Preferred
            if number == stack.currentIndex()
            else QSizePolicy.Policy.Ignored
        )
        page.setSizePolicy(policy, policy)
    stack.adjustSize()
    stack.window().adjustSize()


class StrengthMeter(QWidget):
    """A live meter under a new passphrase: a bar and a word (Too short, Weak, Good, Strong)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, int(Strength.STRONG))
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        self.bar.setAccessibleName(tr("Passphrase strength"))
        self.word = QLabel(self)
        self.word.setMinimumWidth(90)
        bold = QFont(self.word.font())
        bold.setBold(True)
        self.word.setFont(bold)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("Strength:"), self))
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.word)
        self.strength = Strength.TOO_SHORT
        self.update_for("")

    def update_for(self, passphrase: str) -> None:
        self.strength = passphrase_strength(passphrase)
        self.bar.setValue(int(self.strength))
        text = self.strength.label if passphrase else ""
        self.word.setText(text)
        self.bar.setAccessibleDescription(text or tr("Nothing typed yet"))
