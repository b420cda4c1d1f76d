"""Decrypted copies of attachments, opened in another program (docs/attachments.md, "Previews
and opening").

Spoke previews images and PDFs itself, from memory. Anything else opens only when the worker
asks, after a warning, through a copy written here: ``<profile>/open-copies/<random>/<name>``,
each folder 0700 and each file 0600, the name a plain name (``disk_file_name``: never a path
from another laptop, never a name Windows keeps for a device). The copy is overwritten with
zeros, flushed to disk and deleted when the worker closes it ("Close the copy"), when Spoke
locks and when it quits (``SpokeShell._close_book``); one left behind by a crash is removed
the same way at the next start (``SpokeShell.start``). Plain Python but for
:func:`open_in_system`.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from spokeapp.domain.attachments import disk_file_name

#: The folder, inside the profile (a folder only Spoke uses), that holds open copies.
FOLDER_NAME: Final = "open-copies"
_BLOCK: Final = 1 << 20
_NO_FOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_BINARY: Final = getattr(os, "O_BINARY", 0)


def copies_folder(profile: Path) -> Path:
    """Where ``profile``'s open copies are written."""
    return profile / FOLDER_NAME


def _private_folder(path: Path) -> Path:
    """``path`` as a folder only this user can enter (made 0700 if new; refused if it is a
    link or not a folder, so a copy is never written somewhere else)."""
    path.mkdir(mode=0o700, parents=False, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError("the open copies folder is not a folder")
    os.chmod(path, 0o700)
    return path


@dataclass(frozen=True, slots=True)
class OpenCopy:
    """One copy written for another program: the attachment it is of and where it is."""

    attachment_id: str
    file_name: str
    path: Path


def write_copy(folder: Path, attachment_id: str, file_name: str,
               chunks: Iterable[bytes]) -> OpenCopy:
    """Write ``chunks`` to a new 0600 file named ``file_name`` (made plain) in its own new 0700
    folder under ``folder``. Runs off the GUI thread. A write that fails part way leaves
    nothing behind."""
    _private_folder(folder)
    own = _private_folder(folder / secrets.token_hex(8))
    path = own / disk_file_name(file_name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW | _BINARY, 0o600)
    try:
        try:
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        shred(path)
        _remove_folder(own)
        raise
    return OpenCopy(attachment_id, path.name, path)


def shred(path: Path) -> bool:
    """Overwrite ``path`` with zeros, flush it to disk and delete it. False when it could not be
    (another program still holds it open, on Windows); True when it is gone (or was)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if stat.S_ISREG(info.st_mode):
            fd = os.open(path, os.O_WRONLY | _NO_FOLLOW | _BINARY)
            try:
                zeros = bytes(min(_BLOCK, max(info.st_size, 1)))
                remaining = info.st_size
                while remaining > 0:
                    remaining -= os.write(fd, zeros[: min(remaining, len(zeros))])
                os.fsync(fd)
            finally:
                os.close(fd)
        path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _remove_folder(folder: Path) -> bool:
    try:
        folder.rmdir()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def remove_all(folder: Path) -> int:
    """Shred every copy under ``folder`` (a lock, quitting, or a crash's leftovers at the next
    start) and remove their folders. Links are removed, never followed. Returns how many
    files could not be removed (held open by another program)."""
    if not os.path.lexists(folder):
        return 0
    if not stat.S_ISDIR(os.lstat(folder).st_mode):
        folder.unlink(missing_ok=True)
        return 0
    left = 0
    for top, folders, files in os.walk(folder, topdown=False, followlinks=False):
        here = Path(top)
        for name in files:
            left += 0 if shred(here / name) else 1
        for name in folders:
            inner = here / name
            if inner.is_symlink():
                inner.unlink(missing_ok=True)
            else:
                _remove_folder(inner)
    return left


class OpenCopies:
    """The copies one page has open (the page's "A copy is open" line and "Close the copy")."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._copies: list[OpenCopy] = []

    @property
    def copies(self) -> list[OpenCopy]:
        return list(self._copies)

    def add(self, copy: OpenCopy) -> None:
        self._copies.append(copy)

    def close(self, copy: OpenCopy) -> bool:
        """Shred one copy; False (and still listed) when another program holds it."""
        if not shred(copy.path):
            return False
        _remove_folder(copy.path.parent)
        self._copies = [c for c in self._copies if c != copy]
        return True

    def close_all(self) -> list[OpenCopy]:
        """Shred every copy; returns those another program still holds."""
        for copy in self.copies:
            self.close(copy)
        return self.copies


def open_in_system(path: Path) -> bool:
    """Open ``path`` in the program the system uses for its type."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
