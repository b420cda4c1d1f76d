"""Text copied out of an open casebook does not outlive it on the clipboard.

A worker copies a line of a note, or the Visits page's buddy message (a place and a case
reference), to paste it elsewhere. The system clipboard keeps it after Spoke locks or quits,
for whoever uses the laptop next and for clipboard-history tools that write it to disk. So
:class:`CopiedText` notes what lands on the clipboard (and, on Linux, the selection) while a
casebook is open and Spoke is the active program, and :meth:`CopiedText.clear_ours`, called
as the casebook closes (lock, automatic lock, quit), clears each one that still holds it.

Only a digest of the text is kept, never the text. What another program put on the clipboard
(copied while Spoke was not the active program) is left alone, and so is anything the worker
copied before unlocking. The recovery key's own windows clear it sooner (first run, key
renewal).
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QClipboard, QGuiApplication

_MODES = (QClipboard.Mode.Clipboard, QClipboard.Mode.Selection)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class CopiedText(QObject):
    """Watches the clipboard while :attr:`watching`; clears what it saw copied on request."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watching = False
        self._copied: dict[QClipboard.Mode, bytes] = {}
        clipboard = QGuiApplication.clipboard()
        clipboard.changed.connect(self._changed)

    def _changed(self, mode: QClipboard.Mode) -> None:
        if mode not in _MODES:
            return
        text = QGuiApplication.clipboard().text(mode)
        ours = (self.watching and bool(text) and QGuiApplication.applicationState()
                == Qt.ApplicationState.ApplicationActive)
        if ours:
            self._copied[mode] = _digest(text)
        else:
            self._copied.pop(mode, None)  # someone else's now (or empty): not ours to clear

    def clear_ours(self) -> int:
        """Clear each of the clipboard and the selection that still holds text copied while
        watching; returns how many were cleared. Forgets what it saw either way."""
        clipboard = QGuiApplication.clipboard()
        cleared = 0
        for mode, digest in list(self._copied.items()):
            if (mode != QClipboard.Mode.Selection or clipboard.supportsSelection()) \
                    and _digest(clipboard.text(mode)) == digest:
                clipboard.clear(mode)
                cleared += 1
        self._copied.clear()
        return cleared
