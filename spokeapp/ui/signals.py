"""``emit()``: emit a Qt signal from Python without corrupting the interpreter.

PySide6 6.12.0 has a reference-counting bug: ``SignalInstance.emit()`` returns ``True``
without taking a new reference to it, so every emit from Python steals one reference from
``True``. A few thousand emits later (an hour or two of autosaves, or a test run) Python
aborts with "Fatal Python error: bool_dealloc: deallocating True or False", usually while
exiting. Every emit in ``spokeapp.ui`` goes through :func:`emit`, which gives the reference
back when (and only when) a probe at import time shows the running PySide6 has the bug.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 16


class _Probe(QObject):
    fired = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    results = [probe.fired.emit() for _ in range(_PROBES)]
    after = sys.getrefcount(True) - results.count(True)  # the list holds its own references
    stolen = before - after >= _PROBES
    if stolen:
        for _ in range(_PROBES):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return stolen


_STEALS = _emit_steals_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, returning the reference a buggy PySide6 takes from a bool."""
    result = signal.emit(*args)
    if _STEALS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
