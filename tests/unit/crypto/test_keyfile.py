"""The key file: passphrase, recovery key, passphrase change, damaged files, file safety."""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spokeapp.crypto import keyfile as keyfile_module
from spokeapp.crypto.keyfile import (
    FAST_KDF_FOR_TESTS,
    KdfParameters,
    KeyFile,
    KeyFileError,
    WrongPassphrase,
    format_recovery_key,
    parse_recovery_key,
    write_atomically,
)
from spokeapp.store import casebook as casebook_module
from spokeapp.store.casebook import DB_NAME, KEY_NAME, KEY_RENEWING, Casebook
from spokeapp.store.database import CasebookError, connect
from tests.conftest import require
from tests.helpers.records import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    new_casebook,
    seeded_case,
    session,
    snapshot,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def profile_with_records(tmp_path: Path) -> tuple[Path, str, set[str]]:
    """A closed casebook holding a few records; returns (profile, recovery key, record ids)."""
    profile = tmp_path / "profile"
    book, recovery = new_casebook(profile)
    with book:
        _yp, _ref, cs = seeded_case(book)
        book.save(session(cs.id, discussed="Finalised session notes."), finalise=True)
        book.save(session(cs.id, discussed="Draft session notes."))
        ids = {stored.record.id for stored in book.records()}
    assert len(ids) == 5
    return profile, recovery, ids


def _ids(book: Casebook) -> set[str]:
    return {stored.record.id for stored in book.records()}


# ------------------------------------------------------------------------- passphrase


def test_wrong_passphrase_is_refused(profile_with_records: tuple[Path, str, set[str]]) -> None:
    profile, _recovery, _ = profile_with_records
    before = snapshot(profile)
    with pytest.raises(WrongPassphrase, match="does not open this casebook"):
        Casebook.open(profile, "not the right passphrase")
    assert snapshot(profile) == before


def test_right_passphrase_opens_with_every_record(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, _recovery, ids = profile_with_records
    with Casebook.open(profile, PASSPHRASE) as book:
        assert _ids(book) == ids


def test_key_file_unwraps_the_same_data_key_each_time() -> None:
    kf, data_key, _recovery = KeyFile.create(PASSPHRASE, FAST_KDF_FOR_TESTS)
    assert kf.unlock(PASSPHRASE) == data_key
    assert KeyFile.from_dict(json.loads(json.dumps(kf.to_dict()))).unlock(PASSPHRASE) == data_key
    with pytest.raises(WrongPassphrase):
        kf.unlock(PASSPHRASE + " ")


def test_the_real_kdf_is_argon2id_with_the_shipped_cost(tmp_path: Path) -> None:
    """With default parameters (no test shortcut) the key file records Argon2id at full cost,
    so a cheap KDF cannot ship by accident, and it still unlocks."""
    kf, data_key, _recovery = KeyFile.create(PASSPHRASE)
    kf.write(tmp_path / KEY_NAME)
    stored = json.loads((tmp_path / KEY_NAME).read_text())
    assert stored["kdf"] == {
        "name": "argon2id",
        "time_cost": 3,
        "memory_kib": 65536,
        "parallelism": 2,
    }
    reread = KeyFile.read(tmp_path / KEY_NAME)
    assert reread.kdf == KdfParameters()
    assert reread.unlock(PASSPHRASE) == data_key
    with pytest.raises(WrongPassphrase):
        reread.unlock(OTHER_PASSPHRASE)


# ------------------------------------------------------------------------- recovery key


def _typed_variants(shown: str) -> list[str]:
    return [
        shown,
        shown.lower().replace("-", " "),
        "  " + shown.lower().replace("-", "") + "\n",
        shown.replace("-", " - "),
    ]


@pytest.mark.parametrize("variant", range(4))
def test_recovery_key_as_shown_or_typed_loosely_unlocks_and_sets_a_new_passphrase(
    profile_with_records: tuple[Path, str, set[str]], variant: int
) -> None:
    profile, recovery, ids = profile_with_records
    typed = _typed_variants(recovery)[variant]
    with Casebook.recover(profile, typed, OTHER_PASSPHRASE) as book:
        assert _ids(book) == ids
        assert book.audit_trail()[-1].action == "casebook.recovered"
    assert _mode(profile / KEY_NAME) == 0o600
    assert _temp_files(profile) == []
    with pytest.raises(WrongPassphrase):
        Casebook.open(profile, PASSPHRASE)
    with Casebook.open(profile, OTHER_PASSPHRASE) as book:
        assert _ids(book) == ids


def test_recovery_key_digits_typed_for_look_alike_letters_are_accepted() -> None:
    raw = bytes(range(20))
    shown = format_recovery_key(raw)
    assert len(shown) == 39 and shown.count("-") == 7
    assert parse_recovery_key(shown) == raw
    # Base32 has no 0, 1 or 8, so a worker reading O, I or B may type those digits instead.
    confusable = shown.replace("O", "0").replace("I", "1").replace("B", "8")
    assert parse_recovery_key(confusable.lower()) == raw


def test_wrong_or_malformed_recovery_key_is_refused_and_nothing_changes(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, recovery, _ = profile_with_records
    before = snapshot(profile)
    other = format_recovery_key(bytes(20))
    assert other != recovery
    with pytest.raises(WrongPassphrase, match="recovery key does not open"):
        Casebook.recover(profile, other, OTHER_PASSPHRASE)
    with pytest.raises(WrongPassphrase, match="not a recovery key"):
        Casebook.recover(profile, recovery[:-5], OTHER_PASSPHRASE)
    assert snapshot(profile) == before


# ------------------------------------------------------------------------- passphrase change


def test_change_passphrase_keeps_every_record_and_the_old_one_stops_working(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, recovery, ids = profile_with_records
    data_key = KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE)
    with Casebook.open(profile, PASSPHRASE) as book:
        book.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
        assert book.audit_trail()[-1].action == "casebook.passphrase_changed"
        assert _ids(book) == ids
    assert _mode(profile / KEY_NAME) == 0o600
    assert _temp_files(profile) == []
    with pytest.raises(WrongPassphrase):
        Casebook.open(profile, PASSPHRASE)
    with Casebook.open(profile, OTHER_PASSPHRASE) as book:
        assert _ids(book) == ids
    # Never a rekey: the same data key is now wrapped by the new passphrase, and the recovery
    # key made at setup still works.
    assert KeyFile.read(profile / KEY_NAME).unlock(OTHER_PASSPHRASE) == data_key
    with Casebook.recover(profile, recovery, "a third test passphrase") as book:
        assert _ids(book) == ids


def test_change_passphrase_with_the_wrong_current_one_changes_nothing(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, _recovery, _ = profile_with_records
    with Casebook.open(profile, PASSPHRASE) as book:
        key_before = (profile / KEY_NAME).read_bytes()
        with pytest.raises(WrongPassphrase, match="current passphrase is not right"):
            book.change_passphrase("not my passphrase at all", OTHER_PASSPHRASE)
        assert (profile / KEY_NAME).read_bytes() == key_before
    with Casebook.open(profile, PASSPHRASE):
        pass


# ------------------------------------------------------------------------- damaged key files


# ------------------------------------------------------------------------- key renewal
def _opens(profile: Path, data_key: bytes) -> bool:
    """Whether ``data_key`` decrypts the casebook file as it is on disk now."""
    try:
        connect(profile / DB_NAME, data_key).close()
    except CasebookError:
        return False
    return True


def test_renewing_the_key_keeps_every_record_and_no_old_key_opens_the_casebook(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, old_recovery, ids = profile_with_records
    copied = (profile / KEY_NAME).read_bytes()  # e.g. in a backup of the home folder
    old_key = KeyFile.from_dict(json.loads(copied)).unlock(PASSPHRASE)
    (profile / "backups").mkdir(exist_ok=True)
    (profile / "backups" / "casebook-v7.db").write_bytes(b"an upgrade's copy, old key")
    with Casebook.open(profile, PASSPHRASE) as book:
        renewal = book.prepare_key_renewal(PASSPHRASE)
        assert renewal.recovery_key != old_recovery and "recovery" not in repr(renewal)
        assert (profile / KEY_NAME).read_bytes() == copied  # nothing changed yet

        book.renew_key(renewal)

        assert _ids(book) == ids  # the open casebook carries on
        book.save(session(next(iter(book.caseload())).case_id, discussed="After renewal."))
        assert "casebook.key_renewed" in [e.action for e in book.audit_trail()]
    assert not _opens(profile, old_key) and _opens(profile, renewal.data_key)
    assert not (profile / KEY_RENEWING).exists() and _temp_files(profile) == []
    assert _mode(profile / KEY_NAME) == 0o600
    assert not [p for p in (profile / "backups").rglob("*") if p.is_file()]
    with Casebook.open(profile, PASSPHRASE) as book:  # the passphrase stays
        assert ids < _ids(book)
    with pytest.raises(WrongPassphrase):
        Casebook.recover(profile, old_recovery, OTHER_PASSPHRASE)
    with Casebook.recover(profile, renewal.recovery_key, OTHER_PASSPHRASE) as book:
        assert ids < _ids(book)


def test_renewing_with_the_wrong_passphrase_changes_nothing(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, _recovery, _ = profile_with_records
    before = snapshot(profile)
    with Casebook.open(profile, PASSPHRASE) as book, pytest.raises(
            WrongPassphrase, match="Your passphrase is not right"):
        book.prepare_key_renewal("not my passphrase at all")
    assert not (profile / KEY_RENEWING).exists()
    with Casebook.open(profile, PASSPHRASE):
        pass
    assert snapshot(profile).keys() == before.keys()


@pytest.mark.parametrize("cut_off", ["before the database", "before the key file"])
def test_a_renewal_cut_off_is_finished_at_the_next_unlock(
    profile_with_records: tuple[Path, str, set[str]], cut_off: str,
) -> None:
    profile, old_recovery, ids = profile_with_records
    old_key = KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE)
    with Casebook.open(profile, PASSPHRASE) as book:
        renewal = book.prepare_key_renewal(PASSPHRASE)
        renewal.keyfile.write(profile / KEY_RENEWING)  # the first step, then the power goes
        if cut_off == "before the key file":
            with book.sync_reader() as db:
                casebook_module._rekey(db, renewal.data_key)
    assert _opens(profile, old_key) is (cut_off == "before the database")

    with Casebook.open(profile, PASSPHRASE) as book:
        assert _ids(book) == ids
        assert book.audit_trail()[-1].action == "casebook.key_renewed"

    assert not (profile / KEY_RENEWING).exists()
    assert not _opens(profile, old_key) and _opens(profile, renewal.data_key)
    with pytest.raises(WrongPassphrase):
        Casebook.recover(profile, old_recovery, OTHER_PASSPHRASE)
    with Casebook.recover(profile, renewal.recovery_key, OTHER_PASSPHRASE) as book:
        assert _ids(book) == ids


def test_recovery_during_a_renewal_cut_off_takes_the_key_the_casebook_is_under(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, old_recovery, ids = profile_with_records
    with Casebook.open(profile, PASSPHRASE) as book:
        renewal = book.prepare_key_renewal(PASSPHRASE)
        renewal.keyfile.write(profile / KEY_RENEWING)
    # Not re-encrypted yet: the new recovery key cannot open it, the old one can (and the
    # renewal that never began is dropped).
    with pytest.raises(CasebookError, match="Unlock with your passphrase to finish it"):
        Casebook.recover(profile, renewal.recovery_key, OTHER_PASSPHRASE)
    with Casebook.recover(profile, old_recovery, OTHER_PASSPHRASE) as book:
        assert _ids(book) == ids
        again = book.prepare_key_renewal(OTHER_PASSPHRASE)
        again.keyfile.write(profile / KEY_RENEWING)
        with book.sync_reader() as db:
            casebook_module._rekey(db, again.data_key)
    # Re-encrypted, key file not yet replaced: only the new recovery key opens it.
    with pytest.raises(CasebookError, match="use the recovery key Spoke showed you then"):
        Casebook.recover(profile, old_recovery, PASSPHRASE)
    with Casebook.recover(profile, again.recovery_key, PASSPHRASE) as book:
        assert _ids(book) == ids
    assert not (profile / KEY_RENEWING).exists()


def _edit_json(change: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    def edit(raw: bytes) -> bytes:
        data = json.loads(raw)
        change(data)
        return json.dumps(data).encode()

    return edit


def _flip_ciphertext_byte(data: dict[str, Any]) -> None:
    wrap = data["passphrase_wrap"]
    ciphertext = bytearray(base64.b64decode(wrap["ciphertext"]))
    ciphertext[5] ^= 0x01
    wrap["ciphertext"] = base64.b64encode(bytes(ciphertext)).decode()


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    *parents, last = path.split(".")

    def change(data: dict[str, Any]) -> None:
        for name in parents:
            data = data[name]
        data[last] = value

    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    *parents, last = path.split(".")

    def change(data: dict[str, Any]) -> None:
        for name in parents:
            data = data[name]
        del data[last]

    return change


DAMAGE: dict[str, tuple[Callable[[bytes], bytes], type[Exception], str]] = {
    "truncated": (lambda raw: raw[: len(raw) // 2], KeyFileError, "damaged"),
    "empty": (lambda raw: b"", KeyFileError, "damaged"),
    "garbage": (lambda raw: os.urandom(len(raw)) + b"\xff\xfe", KeyFileError, "damaged"),
    "not a key file": (lambda raw: b'{"hello": "world"}', KeyFileError, "not a Spoke key file"),
    "json list": (lambda raw: b"[1, 2, 3]", KeyFileError, "not a Spoke key file"),
    "flipped ciphertext byte": (
        _edit_json(_flip_ciphertext_byte),
        WrongPassphrase,
        "does not open this casebook",
    ),
    "missing passphrase wrap": (
        _edit_json(_drop("passphrase_wrap")),
        KeyFileError,
        "'passphrase_wrap' is missing",
    ),
    "missing recovery wrap": (
        _edit_json(_drop("recovery_wrap")),
        KeyFileError,
        "'recovery_wrap' is missing",
    ),
    "missing salt": (
        _edit_json(_drop("passphrase_wrap.salt")),
        KeyFileError,
        "'passphrase_wrap.salt'",
    ),
    "missing kdf": (_edit_json(_drop("kdf")), KeyFileError, "'kdf' is missing"),
    "missing kdf cost": (
        _edit_json(_drop("kdf.memory_kib")),
        KeyFileError,
        "'kdf' parameters are unreadable",
    ),
    "ciphertext not base64": (
        _edit_json(_set("passphrase_wrap.ciphertext", "%%%")),
        KeyFileError,
        "not valid base64",
    ),
    # A short salt or nonce used to escape from Argon2/AES-GCM as HashingError/ValueError.
    "empty salt": (_edit_json(_set("passphrase_wrap.salt", "")), KeyFileError, "wrong length"),
    "short nonce": (
        _edit_json(_set("passphrase_wrap.nonce", "AAAA")),
        KeyFileError,
        "wrong length",
    ),
    "kdf memory below argon2 minimum": (
        _edit_json(lambda d: d["kdf"].update(memory_kib=64, parallelism=16)),
        KeyFileError,
        "out of range",
    ),
    "kdf cost absurd": (_edit_json(_set("kdf.time_cost", 10_000)), KeyFileError, "out of range"),
    "newer format version": (
        _edit_json(_set("version", 2)),
        KeyFileError,
        "newer version of Spoke",
    ),
    "unknown kdf": (_edit_json(_set("kdf.name", "scrypt")), KeyFileError, "'kdf'"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_key_file_is_refused_clearly_and_nothing_in_the_profile_changes(
    profile_with_records: tuple[Path, str, set[str]], damage: str
) -> None:
    profile, recovery, ids = profile_with_records
    key_path = profile / KEY_NAME
    original_key = key_path.read_bytes()
    edit, error, message = DAMAGE[damage]
    key_path.write_bytes(edit(original_key))
    before = snapshot(profile)

    with pytest.raises(error, match=message) as raised:
        Casebook.open(profile, PASSPHRASE)
    text = str(raised.value)
    assert text and "Traceback" not in text and PASSPHRASE not in text
    assert snapshot(profile) == before, "opening must not touch any file"

    # The recovery path must refuse the same file without changing anything either (unless
    # only the passphrase wrap was damaged: then recovery is exactly what rescues the worker).
    try:
        book = Casebook.recover(profile, recovery, OTHER_PASSPHRASE)
    except (KeyFileError, WrongPassphrase):
        assert snapshot(profile) == before
    else:
        with book:
            assert _ids(book) == ids
        assert damage == "flipped ciphertext byte"


def test_flipped_byte_in_recovery_wrap_is_refused(
    profile_with_records: tuple[Path, str, set[str]],
) -> None:
    profile, recovery, _ = profile_with_records
    key_path = profile / KEY_NAME
    data = json.loads(key_path.read_bytes())
    nonce = bytearray(base64.b64decode(data["recovery_wrap"]["nonce"]))
    nonce[0] ^= 0x80
    data["recovery_wrap"]["nonce"] = base64.b64encode(bytes(nonce)).decode()
    key_path.write_text(json.dumps(data))
    before = snapshot(profile)
    with pytest.raises(WrongPassphrase, match="recovery key does not open"):
        Casebook.recover(profile, recovery, OTHER_PASSPHRASE)
    assert snapshot(profile) == before
    with Casebook.open(profile, PASSPHRASE):  # the passphrase wrap is untouched
        pass


def test_missing_key_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="key file is missing"):
        KeyFile.read(tmp_path / KEY_NAME)


# ------------------------------------------------------------------------- file safety


def test_new_casebook_files_are_owner_only(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)
    with book:
        assert _mode(profile / KEY_NAME) == 0o600
        assert _mode(profile / "casebook.db") == 0o600
        assert _mode(profile) == 0o700
        wal = profile / "casebook.db-wal"
        if wal.exists():
            assert _mode(wal) == 0o600
    assert _temp_files(profile) == []
    assert sorted(p.name for p in profile.iterdir()) == ["casebook.db", KEY_NAME]


def test_key_file_write_replaces_atomically_with_a_0600_file(tmp_path: Path) -> None:
    path = tmp_path / KEY_NAME
    path.write_text("old contents")
    path.chmod(0o644)
    kf, data_key, _recovery = KeyFile.create(PASSPHRASE, FAST_KDF_FOR_TESTS)
    kf.write(path)
    assert _mode(path) == 0o600
    assert KeyFile.read(path).unlock(PASSPHRASE) == data_key
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_NAME]


def test_failed_atomic_write_keeps_the_old_key_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / KEY_NAME
    old, _key, _recovery = KeyFile.create(PASSPHRASE, FAST_KDF_FOR_TESTS)
    old.write(path)
    before = path.read_bytes()
    new, _key2, _recovery2 = KeyFile.create(OTHER_PASSPHRASE, FAST_KDF_FOR_TESTS)

    def failing_replace(src: object, dst: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(keyfile_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="simulated"):
        new.write(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_NAME]
    KeyFile.read(path).unlock(PASSPHRASE)


def test_key_file_holds_no_data_key_or_recovery_key_in_the_clear(tmp_path: Path) -> None:
    kf, data_key, recovery = KeyFile.create(PASSPHRASE, FAST_KDF_FOR_TESTS)
    kf.write(tmp_path / KEY_NAME)
    raw = (tmp_path / KEY_NAME).read_bytes()
    recovery_raw = parse_recovery_key(recovery)
    for secret in (data_key, recovery_raw):
        assert secret not in raw
        assert base64.b64encode(secret) not in raw
        assert secret.hex().encode() not in raw
    assert recovery.encode() not in raw and PASSPHRASE.encode() not in raw


def test_a_private_file_replaces_a_readable_one_for_its_owner_only(tmp_path: Path) -> None:
    """Audit exports and case files are written with this (spokeapp/ui/views/audit.py,
    subject_file.py): an existing file readable by others is replaced by an owner-only one."""
    require(sys.platform != "win32", "POSIX permissions")
    path = tmp_path / "report.txt"
    path.write_text("old")
    path.chmod(0o644)
    write_atomically(path, b"Test Person Alpha\n")
    assert path.read_bytes() == b"Test Person Alpha\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_file_the_disk_takes_only_part_of_is_not_written_at_all(tmp_path: Path) -> None:
    """A full disk (here a file size limit) lets ``os.write`` write part of the data. It used
    to be renamed into place as if whole (a case file, or the key file, cut short) and a
    failed write left the hidden temporary copy behind: now the old file stays and no part of
    the new one is left anywhere."""
    require(sys.platform != "win32", "POSIX file size limits")
    import resource
    import signal

    path = tmp_path / "YP-0001-file.json"
    path.write_bytes(b"old")
    data = json.dumps({"name": "Test Person Alpha", "notes": "x" * 20_000}).encode()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        with pytest.raises(OSError):
            write_atomically(path, data)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
