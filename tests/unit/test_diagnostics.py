"""Logs and crash output never carry a record's contents."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.diagnostics import configure_logging, describe_exception
from spokeapp.domain.errors import SpokeError
from spokeapp.store.casebook import Casebook
from tests.conftest import require
from tests.helpers.records import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]

SECRET = "Test Person Alpha said the flat on Demo Street"


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_ordinary_exception_messages_are_withheld_but_locations_kept() -> None:
    text = describe_exception(_raise(ValueError(SECRET)))
    assert SECRET not in text
    assert "builtins.ValueError" in text
    assert "test_diagnostics.py" in text


def test_spoke_errors_keep_their_safe_message() -> None:
    text = describe_exception(_raise(SpokeError("The casebook is locked.")))
    assert "The casebook is locked." in text


def test_crash_hook_writes_an_owner_only_log_without_the_personal_text(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    hooks = sys.excepthook, threading.excepthook, sys.unraisablehook
    try:
        configure_logging(logs)
        exc = _raise(RuntimeError(SECRET))
        sys.excepthook(type(exc), exc, exc.__traceback__)
        for handler in logging.getLogger().handlers:
            handler.flush()
    finally:
        sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    log_file = logs / "spoke.log"
    content = log_file.read_text()
    assert "Spoke stopped unexpectedly" in content
    assert "builtins.RuntimeError" in content
    assert SECRET not in content
    assert log_file.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[Path]:
    """``configure_logging`` into a temporary folder; the hooks and handlers put back after."""
    hooks = sys.excepthook, threading.excepthook, sys.unraisablehook
    folder = tmp_path / "logs"
    try:
        configure_logging(folder)
        yield folder
    finally:
        sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])


def _written(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (folder / "spoke.log").read_text() + capsys.readouterr().err


def test_a_logged_exception_keeps_its_type_and_places_but_never_its_message(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ``log.exception`` (the sync engine's, when a listener fails) used to write Python's
    # whole traceback: every message in the chain, into spoke.log and onto stderr.
    def fail() -> None:
        try:
            raise KeyError(SECRET)
        except KeyError as inner:
            raise ValueError(SECRET.upper()) from inner

    try:
        fail()
    except ValueError:
        logging.getLogger("spokeapp.sync.engine").exception("sync event listener failed")
    try:
        fail()
    except ValueError:
        logging.getLogger("spokeapp.test").warning("went wrong", exc_info=True)
    text = _written(logs, capsys)
    assert "sync event listener failed" in text
    assert "went wrong" in text
    assert "builtins.ValueError: (message withheld" in text
    assert "in fail" in text
    assert SECRET not in text
    assert SECRET.upper() not in text


def test_a_spoke_error_logged_keeps_its_safe_message(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise SpokeError("The casebook is locked.")
    except SpokeError:
        logging.getLogger("spokeapp.test").exception("could not save")
    assert "The casebook is locked." in _written(logs, capsys)


def test_a_crash_in_a_background_thread_is_written_without_its_message(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def work() -> None:
        raise RuntimeError(SECRET)

    thread = threading.Thread(target=work, name="spoke-test-worker")
    thread.start()
    thread.join()
    text = _written(logs, capsys)
    assert "spoke-test-worker" in text
    assert "builtins.RuntimeError" in text
    assert "in work" in text
    assert SECRET not in text


class _Form:
    """An object whose ``repr`` carries a record's words (as a dataclass's would)."""

    def __repr__(self) -> str:
        return f"_Form(name={SECRET!r})"

    def __del__(self) -> None:
        raise RuntimeError(SECRET)


def test_an_error_while_cleaning_up_is_written_without_the_object_or_message(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = _Form()
    del form
    gc.collect()
    text = _written(logs, capsys)
    assert "An error was ignored while Spoke cleaned up" in text
    assert "builtins.RuntimeError" in text
    assert SECRET not in text


_CRASH = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
if sys.argv[1] == "forbid":
    from spokeapp.diagnostics import forbid_core_dumps
    forbid_core_dumps()
    print(resource.getrlimit(resource.RLIMIT_CORE), flush=True)
record = {"name": "Test Person " + "Alpha", "notes": "said the flat on Demo Street"}
os.abort()
"""


def _crash(folder: Path, how: str) -> tuple[str, list[Path]]:
    folder.mkdir()
    done = subprocess.run([sys.executable, "-c", _CRASH, how], cwd=folder, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode != 0
    return done.stdout, [p for p in folder.iterdir() if p.name.startswith("core")]


def test_a_crash_writes_no_core_dump_of_the_decrypted_records(tmp_path: Path) -> None:
    """Spoke's memory holds decrypted records, the data key and what was typed: a process
    that crashes where the system keeps core files (here in the working folder) used to
    leave all of it in a plain file. ``forbid_core_dumps`` (called by ``spoke`` at start)
    leaves none."""
    # The control below needs a system that writes core files into the working folder, as
    # Linux does by default (``core_pattern`` "core"): elsewhere skipped, and failed in CI.
    require(sys.platform.startswith("linux"), "Linux core files")
    import resource

    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    require(not pattern.startswith("|") and "/" not in pattern,
            "this system does not write core files to the working folder")
    require(resource.getrlimit(resource.RLIMIT_CORE)[1] == resource.RLIM_INFINITY,
            "core files are limited here")
    _, cores = _crash(tmp_path / "allowed", "allow")
    require(bool(cores), "this system writes no core files")  # the control, without the guard
    try:
        assert any(b"Test Person Alpha" in core.read_bytes() for core in cores)
    finally:
        for core in cores:  # megabytes of memory: not left in the temporary folders
            core.unlink()
    limits, cores = _crash(tmp_path / "forbidden", "forbid")
    assert limits.strip() == "(0, 0)"
    assert cores == []


def test_a_new_profile_made_for_the_log_is_private_like_its_casebook(tmp_path: Path) -> None:
    """``spoke`` sets up logging in the profile before the first casebook is made there: the
    profile folder used to be made readable by everyone then (and the casebook kept it so)."""
    require(sys.platform != "win32", "POSIX permissions")
    profile = tmp_path / "Spoke" / "profile"
    old_umask = os.umask(0o022)
    hooks = sys.excepthook, threading.excepthook, sys.unraisablehook
    try:
        configure_logging(profile / "logs")
        book, _recovery = Casebook.create(profile, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        book.close()
    finally:
        os.umask(old_umask)
        sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    assert profile.stat().st_mode & 0o777 == 0o700
    assert (profile / "logs").stat().st_mode & 0o777 == 0o700
    existing = tmp_path / "chosen"  # a folder the worker chose keeps its own mode
    existing.mkdir(mode=0o755)
    try:
        configure_logging(existing / "logs")
    finally:
        sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    assert existing.stat().st_mode & 0o777 == 0o755
