"""Small widgets shared by the windows: passphrase fields, the strength meter, inline messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spokeapp.i18n import translator
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
    on_activated: Callable[[QModelIndex], object] | None = None,
) -> QTableView:
    """The one way a page sets up a read-only table: whole rows selected (one at a time unless
    ``single`` is off), Tab leaves the table, no row numbers, columns ``resize`` (fit their
    contents) with the last (or column ``stretch``) taking the rest, ``name`` read by screen
    readers, at least ``lines`` rows high. ``sortable``: clicking a header sorts (behind a
    proxy sorting on ``SORT_ROLE``). ``on_activated``: Enter or a double click on a row."""
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
    if lines is not None:
        table.setMinimumHeight(table.fontMetrics().lineSpacing() * lines)
    if on_activated is not None:
        table.activated.connect(on_activated)
    return table


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
    """True when the current palette is dark (the system's dark mode), so text colours adapt."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


class Message(QLabel):
    """An inline message under a form: hidden when empty; errors are bold and red-ish in both
    light and dark mode, and always say in words what to do (colour is never the only cue)."""

    def __init__(self, parent: QWidget | None = None, *, name: str | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(tr("Message") if name is None else name)
        self.hide()

    def show_error(self, text: str) -> None:
        colour = "#ff8a80" if is_dark(self) else "#a4001d"
        self.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self._show(text)

    def show_info(self, text: str) -> None:
        self.setStyleSheet("")
        self._show(text)

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
    """Make a small window taller if wrapped text no longer fits (Qt does not do this for a
    top-level window by itself); never shrinks it, so nothing jumps under the pointer."""
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    if window.hasHeightForWidth():
        needed = window.heightForWidth(window.width())
    else:
        needed = window.sizeHint().height()
    if needed > window.height():
        window.resize(window.width(), needed)


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
