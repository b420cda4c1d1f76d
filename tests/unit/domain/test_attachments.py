"""File names from another laptop, made safe to write (spokeapp/domain/attachments.py)."""

from __future__ import annotations

import pytest

from spokeapp.domain.attachments import disk_file_name, plain_file_name


@pytest.mark.parametrize(("sent", "written"), [
    ("CON.txt", "_CON.txt"),
    ("con", "_con"),
    ("Nul.tar.gz", "_Nul.tar.gz"),
    ("lpt1.docx", "_lpt1.docx"),
    ("COM\u00b9.pdf", "_COM\u00b9.pdf"),
    ("aux .txt", "_aux .txt"),
    ("CONOUT$", "_CONOUT$"),
])
def test_a_name_windows_keeps_for_a_device_is_written_as_an_ordinary_file(
    sent: str, written: str
) -> None:
    assert disk_file_name(sent) == written


@pytest.mark.parametrize(("sent", "written"), [
    ("visit notes.txt:hidden", "visit notes.txt_hidden"),
    ('plan "final" <v2>?.docx', "plan _final_ _v2__.docx"),
    ("a|b*c.txt", "a_b_c.txt"),
])
def test_characters_windows_refuses_or_reads_as_a_stream_become_underscores(
    sent: str, written: str
) -> None:
    assert disk_file_name(sent) == written


@pytest.mark.parametrize("name", [
    "Contact sheet.pdf", "console.log", "COM10.txt", "nullify.txt", "Example notes.docx",
])
def test_ordinary_names_are_written_as_they_are(name: str) -> None:
    assert disk_file_name(name) == plain_file_name(name) == name


def test_a_path_is_still_cut_to_its_last_part_first() -> None:
    assert disk_file_name("C:\\Users\\someone\\CON.txt") == "_CON.txt"
    assert disk_file_name("../../outside/evil.txt") == "evil.txt"
