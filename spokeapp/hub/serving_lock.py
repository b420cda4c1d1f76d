"""Who has the embedded hub's database to itself: ``hub.lock`` beside ``hub.db``
(docs/hub-admin.md, "Changing the database key" and "Backups on PostgreSQL").

``spoke-hub serve`` holds an exclusive advisory lock on that file for as long as it serves;
``restore`` and ``rekey`` take the same lock, without waiting, before they touch anything,
and keep it until they are done. So a restore or a key change is refused while a hub serves
the file (and a hub does not start while one of them runs), whatever key file is in place:
the lock does not depend on opening the database. (Asking SQLite instead needs the key: with
an older backup's key file put back, the live database does not open, and "will not decrypt"
must never read as "nobody has it open".)

The lock belongs to the process: the operating system lets go of it when the process ends,
however it ends (a SIGKILL, a power cut), so a stale file never blocks anything. The file
holds the holder's process id and command, for the message; it stays when the lock is let go
(removing it could let two processes lock two different files of the same name).

POSIX (Linux, macOS): ``flock``. Windows: ``msvcrt.locking`` of one byte far past the text,
so the text stays readable to the process that is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spokeapp.domain.errors import SpokeError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

__all__ = ["DatabaseBusy", "ServingLock", "held", "lock_path"]

#: Where the Windows lock byte sits: past anything the file holds (its text is a line).
_WINDOWS_LOCK_OFFSET = 1 << 30
#: How often a lock taken on a file that was replaced meanwhile is taken again.
_RETRIES = 5


class DatabaseBusy(SpokeError):
    """Another process holds the database's lock (a hub serving it, a restore, a key change);
    nothing was changed."""


def lock_path(db_path: Path) -> Path:
    """The lock file of the embedded database ``db_path``: ``hub.db`` -> ``hub.lock``."""
    return db_path.with_suffix(".lock")


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock, as its file says (either may be unknown)."""

    pid: int | None
    command: str | None


def _read_holder(path: Path) -> Holder:
    try:
        words = path.read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return Holder(None, None)
    pid = int(words[0]) if words and words[0].isdigit() else None
    command = words[1] if len(words) > 1 and words[1].isalpha() else None
    return Holder(pid, command)


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock on ``fd`` without waiting; False if another holds it."""
    try:
        if sys.platform == "win32":
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except PermissionError:  # Windows: the byte is locked by another process
        return False
    except OSError as exc:
        if sys.platform == "win32" and exc.errno == errno.EDEADLOCK:  # gave up: locked
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (not removed or replaced)."""
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _refusal(db_path: Path, holder: Holder, command: str) -> str:
    pid = f"pid {holder.pid}" if holder.pid is not None else "pid unknown"
    if holder.command in (None, "serve"):
        then = {"serve": "; one hub serves an embedded database (--workers N runs more "
                         "processes)",
                "restore": ", then restore",
                "rekey": ", then run `spoke-hub rekey`"}.get(command, ", then run this again")
        return (f"A hub is serving this database {db_path} ({pid}): stop it first (every "
                f"process of it){then}. Nothing was changed.")
    return (f"`spoke-hub {holder.command}` is working on this database {db_path} ({pid}): "
            "wait for it to finish, then run this again. Nothing was changed.")


class ServingLock:
    """The exclusive lock of one embedded database, held by ``command`` (``serve``,
    ``restore``, ``rekey``) of this process from :meth:`acquire` to :meth:`release`."""

    def __init__(self, db_path: Path, command: str) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock without waiting; :class:`DatabaseBusy` (one line, naming the
        holder's process id) if another process has it."""
        if self._fd is not None:
            return
        for _ in range(_RETRIES):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except FileNotFoundError:
                return  # no folder, so no database to guard: the caller says what is missing
            except OSError as exc:
                why = exc.strerror or type(exc).__name__
                raise DatabaseBusy(
                    f"The lock file {self.path} cannot be opened ({why}): run this as the "
                    "user the hub runs as. Nothing was changed."
                ) from None
            try:
                if not _try_lock(fd):
                    raise DatabaseBusy(_refusal(self.db_path, _read_holder(self.path),
                                                self.command))
                if _same_file(fd, self.path):
                    # Who holds it, for another command's refusal to name; the lock itself
                    # is held already, so a full disk costs only the name.
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, 0)
                        os.lseek(fd, 0, os.SEEK_SET)
                        os.write(fd, f"{os.getpid()} {self.command}\n".encode("ascii"))
                    self._fd, fd = fd, -1
                    return
            finally:
                if fd != -1:
                    os.close(fd)  # lets go of a lock on a file removed meanwhile
        raise DatabaseBusy(f"The lock file {self.path} keeps being replaced: is another "
                           "program removing it? Nothing was changed.")

    def release(self) -> None:
        """Let go of the lock (the file stays)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                _unlock(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def held(db_path: Path, command: str) -> Iterator[ServingLock]:
    """The lock of ``db_path`` for ``command``, held for the block (see :class:`ServingLock`)."""
    lock = ServingLock(db_path, command)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


#: Where SQLite takes its locks in a database file (its "pending byte" and the shared range
#: after it: sqlite3.c, os_unix.c); a connection in WAL mode keeps a shared lock there for as
#: long as it is open.
_SQLITE_PENDING_BYTE = 0x40000000
_SQLITE_SHARED_FIRST = _SQLITE_PENDING_BYTE + 2
_SQLITE_SHARED_SIZE = 510
#: ``struct flock`` of Linux (64-bit offsets): l_type, l_whence, l_start, l_len, l_pid.
_LINUX_FLOCK = "hhqqi"


def sqlite_user(db_path: Path) -> int | None:
    """The process id of another process that has the SQLite database ``db_path`` open (it
    holds SQLite's shared lock), asked of the operating system, so without opening the
    database: it tells even when the key file in place does not open it. None when no other
    process has it open, or where this cannot be asked (other than Linux: there, a hub is
    told by its serving lock alone)."""
    if sys.platform != "linux" or sys.maxsize < 2**32:
        return None
    import struct

    try:
        fd = os.open(db_path, os.O_RDONLY)
    except OSError:
        return None
    try:
        probe = struct.pack(_LINUX_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, _SQLITE_SHARED_FIRST,
                            _SQLITE_SHARED_SIZE, 0)
        kind, _whence, _start, _size, pid = struct.unpack(
            _LINUX_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, probe))
    except OSError:
        return None
    finally:
        os.close(fd)
    return None if kind == fcntl.F_UNLCK else int(pid)
