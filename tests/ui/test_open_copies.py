"""Decrypted copies for other programs (spokeapp/ui/open_copies.py): always inside their own
private folder under a plain name, nothing left by a failed write, and the clean-up that never
follows a link out of the folder."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from spokeapp.ui.open_copies import OpenCopies, copies_folder, remove_all, write_copy


def test_a_name_from_another_laptop_cannot_point_outside_the_private_folder(
    tmp_path: Path,
) -> None:
    folder = copies_folder(tmp_path / "profile")
    (tmp_path / "profile").mkdir()
    copy = write_copy(folder, "a-1", "../../outside/evil.txt", [b"fictional"])
    assert copy.path.parent.parent == folder
    assert copy.path.name == "evil.txt"
    assert not (tmp_path / "outside").exists()
    assert stat.S_IMODE(copy.path.stat().st_mode) == 0o600


def test_a_name_windows_keeps_for_a_device_still_makes_an_ordinary_private_file(
    tmp_path: Path,
) -> None:
    copy = write_copy(copies_folder(tmp_path), "a-1", "CON.txt", [b"fictional"])
    assert copy.path.name == "_CON.txt"
    assert copy.path.read_bytes() == b"fictional"
    assert stat.S_IMODE(copy.path.stat().st_mode) == 0o600


def test_a_write_that_fails_part_way_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "copies"

    def chunks() -> Iterator[bytes]:
        yield b"fictional first part"
        raise OSError("the disk is full")

    with pytest.raises(OSError):
        write_copy(folder, "a-1", "notes.txt", chunks())
    assert list(folder.rglob("*")) == []


def test_cleaning_up_removes_links_but_never_what_they_point_at(tmp_path: Path) -> None:
    outside = tmp_path / "someone else's file.txt"
    outside.write_bytes(b"not Spoke's")
    folder = tmp_path / "copies"
    copy = write_copy(folder, "a-1", "letter.odt", [b"fictional letter"])
    (copy.path.parent / "link").symlink_to(outside)
    (folder / "folder-link").symlink_to(tmp_path, target_is_directory=True)
    assert remove_all(folder) == 0
    assert list(folder.rglob("*")) == []
    assert outside.read_bytes() == b"not Spoke's"


def test_closing_forgets_the_copy_once_it_is_gone(tmp_path: Path) -> None:
    copies = OpenCopies(tmp_path / "copies")
    first = write_copy(copies.folder, "a-1", "one.txt", [b"fictional one"])
    second = write_copy(copies.folder, "a-2", "one.txt", [b"fictional two"])
    assert first.path != second.path  # the same name twice: each in its own folder
    copies.add(first)
    copies.add(second)
    assert copies.close(first)
    assert copies.copies == [second]
    assert copies.close_all() == []
    assert not second.path.exists()
