"""Background work for the UI: run a function on a worker thread, get the answer on the GUI thread.

Key derivation (Argon2id) and database calls must never freeze the window. ``TaskRunner``
hands a plain function to its own ``QThreadPool`` and delivers the result (or the exception)
to callbacks that run on the GUI thread. A callback whose owner widget has been destroyed
in the meantime (for example the window was locked) is dropped instead of crashing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from spokeapp.ui.signals import emit

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


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

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every started task has finished (used at shutdown and in tests)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object, object)
    def _deliver(self, token: int, result: object, error: object) -> None:
        owner, on_done, on_error = self._pending.pop(token)
        if owner is not None and not shiboken6.isValid(owner):
            return
        if isinstance(error, BaseException):
            if on_error is None:
                raise error
            on_error(error)
        else:
            on_done(result)
