"""The translation layer without Qt: English source by default, one lookup for every word,
and dates, times and numbers in the UK style unless the app installs its locale's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from spokeapp import i18n

tr = i18n.translator("spokeapp.present.example")


def test_with_no_translator_the_worker_reads_the_english_source() -> None:
    assert tr("Key worker: {name}").format(name="Test Worker Ruth") == (
        "Key worker: Test Worker Ruth"
    )
    assert tr.noop("Moved out of the area") == "Moved out of the area"


def test_an_installed_lookup_sees_every_word_with_its_module_as_context() -> None:
    asked: list[tuple[str, str]] = []

    def welsh(context: str, text: str, disambiguation: str | None, n: int) -> str:
        asked.append((context, text))
        return {"Save": "Cadw"}.get(text, "")

    i18n.install(welsh)
    try:
        assert tr("Save") == "Cadw"
        assert tr("Not translated yet") == "Not translated yet", "an empty answer keeps English"
    finally:
        i18n.install(None)
    assert asked == [("spokeapp.present.example", "Save"),
                     ("spokeapp.present.example", "Not translated yet")]
    assert tr("Save") == "Save"


def test_plurals_choose_the_form_and_group_the_number() -> None:
    assert tr.plural(1, "{n} record waits", "{n} records wait") == "1 record waits"
    assert tr.plural(0, "{n} record waits", "{n} records wait") == "0 records wait"
    assert tr.plural(12_500, "{n} record waits", "{n} records wait") == "12,500 records wait"


def test_uk_formats_until_the_app_installs_its_locale() -> None:
    moment = datetime(2026, 12, 5, 16, 30, tzinfo=UTC)
    assert i18n.day(date(2026, 12, 5)) == "5 Dec 2026"
    assert i18n.day(moment) == "5 Dec 2026"
    assert i18n.clock(time(9, 5)) == "09:05"
    assert i18n.day_and_time(moment) == "5 Dec 2026, 16:30"
    assert i18n.number(1234567) == "1,234,567"
    i18n.install_formatters(i18n.Formatters(number=lambda n: f"{n:_}"))
    try:
        assert i18n.number(1234) == "1_234"
        assert i18n.day(date(2026, 12, 5)) == "5 Dec 2026", "unset formats keep the default"
    finally:
        i18n.install_formatters(None)
