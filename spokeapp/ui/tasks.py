"""Background work for the UI: run a function on a worker thread, get the answer on the GUI thread.

Key derivation (Argon2id) and database calls must never freeze the window. ``TaskRunner``
hands a plain function to its own ``QThreadPool`` and delivers the result (or the exception)
to callbacks that run on the GUI thread. A callback whose owner widget has been destroyed
in the meantime (for example the window was locked) is dropped instead of crashing.

It is also the one way the UI writes to the casebook: ``write`` runs the save on the pool like
any other task and keeps the widgets that started it (the Save button, a dialog's buttons)
disabled until the answer is back, so a second click cannot save twice and the GUI never
waits on SQLCipher. Errors reach ``on_error`` on the GUI thread, where the page shows them as
before. Locking waits for running tasks before the casebook closes (``SpokeShell``), so a
save started just before a lock is stored. Tests wait for ``idle`` (or
``qtbot.waitUntil(lambda: not runner.busy)``), never sleep. Still written in place: drafts
kept when Spoke locks or quits (the casebook closes right after: ``MainWindow.save_drafts``)
and the worker's check-ins and alarm (safety: ``spokeapp.ui.views``' docstring).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

from spokeapp.ui.signals import emit

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
T = TypeVar("T")


class _Runnable(QRunnable):
    def __init__(self, runner: TaskRunner, token: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._runner = runner
        self._token = token
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            emit(self._runner._finished, self._token, None, exc)
        else:
            emit(self._runner._finished, self._token, result, None)


class TaskRunner(QObject):
    """Runs functions off the GUI thread; ``submit`` callbacks run on the GUI thread."""

    _finished = Signal(int, object, object)
    #: Every task started has finished and been delivered (tests wait for this).
    idle = Signal()

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tokens = itertools.count(1)
        self._pending: dict[int, tuple[QObject | None, Done, Failed | None]] = {}
        self._finished.connect(self._deliver)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Done,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """Run ``fn()`` in the pool. ``on_done(result)`` or ``on_error(exc)`` follow on the GUI
        thread, unless ``owner`` has been deleted by then. Without ``on_error`` an exception
        is re-raised on the GUI thread (a bug should be loud)."""
        token = next(self._tokens)
        self._pending[token] = (owner, on_done, on_error)
        self._pool.start(_Runnable(self, token, fn))

    def write(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
        busy: Sequence[QWidget] = (),
    ) -> None:
        """Write to the casebook off the GUI thread: ``fn()`` does the saving. The widgets in
        ``busy`` are disabled until it has finished (and enabled again then, whether it worked
        or not, unless they are gone), so the same thing cannot be saved twice."""
        held = [widget for widget in busy if widget.isEnabled()]
        for widget in held:
            widget.setEnabled(False)

        def release() -> None:
            for widget in held:
                if shiboken6.isValid(widget):
                    widget.setEnabled(True)

        def done(result: T) -> None:
            release()
            if on_done is not None:
                on_done(result)

        def failed(error: BaseException) -> None:
            release()
            if on_error is None:
                raise error
            on_error(error)

        self.submit(fn, done, failed, owner=owner)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every started task has finished (used at shutdown and in tests)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object, object)
    def _deliver(self, token: int, result: object, error: object) -> None:
        owner, on_done, on_error = self._pending.pop(token)
        try:
            if owner is not None and not shiboken6.isValid(owner):
                return
            if isinstance(error, BaseException):
                if on_error is None:
                    raise error
                on_error(error)
            else:
                on_done(result)
        finally:
            if not self._pending:
                emit(self.idle)
