"""The counter under a long text box: "12,400 of 250,000 characters", turning to a warning
near the hub's limit and an error past it (the words are ``spokeapp.present.held.counter``).

It sits inside the box's bottom edge (the box keeps its size and place in every form), is
hidden while the text is short, and is read by screen readers twice over: as its own label
("Length of this text") and in the box's accessible description, which ends with the count.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from spokeapp.i18n import translator
from spokeapp.present.held import Counter, Level, counter
from spokeapp.ui.widgets import is_dark, tint

tr = translator(__name__)

_WARNING = ("#8a4b00", "#ffcc80")  # light, dark: both pass WCAG AA on the box's base colour
_OVER = ("#a4001d", "#ff8a80")


class TextLimit(QLabel):
    """The counter of one ``QPlainTextEdit`` (its child); ``attach`` makes one."""

    def __init__(self, box: QPlainTextEdit) -> None:
        super().__init__(box)
        self.box = box
        self.setAccessibleName(tr("Length of this text"))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.current = Counter(Level.HIDDEN, "")
        self._tinting = False
        self.setContentsMargins(6, 0, 6, 0)
        self._own = box.accessibleDescription()
        self._described = self._own
        self.hide()
        box.viewport().installEventFilter(self)  # resized after the box lays out its bars
        box.textChanged.connect(self.refresh)

    def refresh(self) -> None:
        now = counter(self.box.toPlainText())
        if now == self.current:
            return
        self.current = now
        self.setText(now.words)
        self._tint()
        self.setToolTip(now.advice)
        self._describe(f"{now.words}. {now.advice}".strip() if now.advice else now.words)
        shown = now.level is not Level.HIDDEN
        self.setVisible(shown)
        height = self.sizeHint().height() if shown else 0
        self.box.setViewportMargins(0, 0, 0, height)
        self._place()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._tinting:
            self._tint()  # dark mode switched on or off while it shows

    def _tint(self) -> None:
        """The warning's or the error's colour for the palette the box has now."""
        level = self.current.level
        colours = {Level.WARNING: _WARNING, Level.OVER: _OVER}.get(level)
        self._tinting = True  # its own palette changing is no reason to tint it again
        try:
            tint(self, colours[1 if is_dark(self.box) else 0] if colours else None,
                 bold=level is Level.OVER)
        finally:
            self._tinting = False

    def _describe(self, words: str) -> None:
        """Keep the box's own description, with the count after it."""
        current = self.box.accessibleDescription()
        if current != self._described:  # set by the form since: that is the box's own
            self._own = current
        self._described = f"{self._own} {words}".strip()
        self.box.setAccessibleDescription(self._described)

    def _place(self) -> None:
        viewport = self.box.viewport().geometry()
        self.setGeometry(viewport.left(), viewport.bottom() + 1, viewport.width(),
                         self.sizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self.isHidden():
            self._place()
        return False


def attach(box: QPlainTextEdit) -> TextLimit:
    """Give ``box`` its counter (``box.findChild(TextLimit)`` finds it again); a box that
    has one keeps it."""
    existing = box.findChild(TextLimit)
    if isinstance(existing, TextLimit):
        return existing
    limit = TextLimit(box)
    limit.refresh()
    return limit
