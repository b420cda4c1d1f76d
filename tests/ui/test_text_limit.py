"""The hub's limit is shown where the text is typed: a counter under each long text box, and a
note too long to send is refused at finalising, beside its field, with what to do."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QPlainTextEdit

from spokeapp.domain.records.checks import MAX_RECORD_BYTES, record_bytes
from spokeapp.present.contrast import TEXT_MIN, contrast_ratio
from spokeapp.ui.forms import text_box
from spokeapp.ui.text_limit import TextLimit

from .conftest import unlock


def _counter(box: QPlainTextEdit) -> TextLimit:
    found = box.findChild(TextLimit)
    assert isinstance(found, TextLimit)
    return found


def test_the_counter_appears_once_the_text_is_long_and_warns_near_the_limit(qtbot: Any) -> None:
    box = text_box()
    qtbot.addWidget(box)
    box.show()
    counter = _counter(box)
    box.setPlainText("Talked about school.")
    assert not counter.isVisible(), "a short note has no counter"

    box.setPlainText("word " * 2_480)
    assert counter.isVisible()
    assert counter.text() == "12,400 of 250,000 characters"
    assert box.accessibleDescription().endswith("12,400 of 250,000 characters")

    box.setPlainText("word " * 46_000)
    assert counter.text() == "230,000 of 250,000 characters: nearly the most"
    assert "finish this part soon" in counter.toolTip()
    box.setPlainText("word " * 52_000)
    assert counter.text() == "260,000 of 250,000 characters: 10,000 too many to send"
    assert "add the rest as an amendment" in box.accessibleDescription()
    assert counter.font().bold()

    box.setPlainText("short again")
    assert not counter.isVisible()
    assert "characters" not in box.accessibleDescription()


def test_text_with_accents_counts_against_a_lower_limit(qtbot: Any) -> None:
    # Each "ŵ" is six bytes on its way to the hub (each space one), so far fewer fit.
    box = text_box()
    qtbot.addWidget(box)
    box.setAccessibleDescription("What you talked about")
    box.setPlainText("ŵŵŵ " * 12_000)
    counter = _counter(box)
    assert counter.text() == "48,000 of 52,631 characters: nearly the most"
    assert box.accessibleDescription().startswith("What you talked about 48,000 of 52,631")


def test_a_note_too_long_for_the_hub_is_not_finalised_and_says_how_to_split_it(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.page_actions[2].trigger()
    form = main.session_form
    form.case_box.setCurrentIndex(1)
    form.when.set_text("yesterday 16:30")
    form.contact_type.setCurrentIndex(form.contact_type.findData("one_to_one"))
    form.venue_type.setCurrentIndex(form.venue_type.findData("cafe"))
    form.duration.setValue(45)
    form.wants_to_meet_again.setCurrentIndex(form.wants_to_meet_again.findData("yes"))
    form.discussed.setPlainText("Fictional words. " * 18_000)  # 305,999 kept
    counter = _counter(form.discussed)  # the counter is there as the note is typed
    assert not counter.isHidden()
    assert counter.text() == "306,000 of 250,000 characters: 56,000 too many to send"
    record_id = form.record_id

    form.finalise_button.click()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    message = form.errors["discussed"].text()
    assert message.startswith(
        "What was discussed is too long to send to the hub: 305,999 characters, the most is "
    )
    assert message.endswith("Split it: finalise this part and add the rest as an amendment.")
    assert form.errors["discussed"].isVisible()
    assert all(r.record.id != record_id or r.state != "final" for r in shell.book.records())

    # Taking it down to what the hub takes lets it through.
    most = int(message.split("the most is ")[1].split(".")[0].replace(",", ""))
    form.discussed.setPlainText(form.discussed.toPlainText()[:most])
    form.finalise_button.click()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    stored = shell.book.get(record_id)
    assert stored.state == "final"
    assert record_bytes(stored.record.to_dict()) <= MAX_RECORD_BYTES


@pytest.mark.parametrize("switch", [("light", "dark"), ("dark", "light")],
                         ids=["to dark", "to light"])
def test_the_counter_stays_readable_when_the_system_switches_scheme(
    qtbot: Any, system_scheme: Any, switch: tuple[str, str]
) -> None:
    """Its warning colours were chosen once, in a style sheet: when the system switched to
    dark while a note was open, "too many to send" stayed dark red on the dark box."""
    before, after = switch
    system_scheme(before)
    box = text_box()
    qtbot.addWidget(box)
    box.show()
    counter = _counter(box)
    for words in ("word " * 46_000, "word " * 52_000):  # nearly the most, then too many
        box.setPlainText(words)
        system_scheme(after)
        drawn = counter.palette().color(QPalette.ColorRole.WindowText).name()
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
            behind = box.palette().color(role).name()
            assert contrast_ratio(drawn, behind) >= TEXT_MIN, f"{drawn} on {behind}"
        system_scheme(before)
