"""Every word Spoke shows goes through Qt's translation system, the catalogue holds all of them,
and dates, times and numbers follow the system locale (issue 17: Welsh-language services).

The pseudo-locale walk: a ``QTranslator`` that answers only for strings in the catalogue that
``scripts/update_translations.py`` reads from the code, wrapping each in ``⟦ ⟧`` (and Qt's own
words, which Qt's catalogues translate), is installed; then every page and dialog of a worker's,
a supervisor's and an admin's window and the board's dialogs are walked. Any word shown outside
brackets escaped translation: it was never passed to ``tr``, or the catalogue cannot see it.
Data (fictional names, references, notes typed into records) is not translated; the words the
test data uses are listed in ``DATA_WORDS``.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QModelIndex,
    Qt,
    QTranslator,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from spokeapp import i18n
from spokeapp.ui.translation import install_translation, locale_formatters
from tests.helpers.hub import RunningHub, running_hub, sqlite_url

from .walk import Walk, walk_board, walk_supervisor_and_admin, walk_worker

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["update_translations"] = module
    spec.loader.exec_module(module)
    return module


catalogue_script = _script()

OPEN, CLOSE = "⟦", "⟧"

#: Words of the fictional test data (names, references, places, notes) and of dates written in
#: the locale (month and day names come from the locale, not from Spoke's catalogue).
DATA_WORDS = frozenset(
    [
        "Test", "Person", "Alpha", "Beta", "Iota", "Gamma", "Delta", "Worker", "Ruth", "Supervisor",
        "Xena", "Admin", "Ada", "laptop", "YP", "TEST", "Fictional", "talked", "about", "the",
        "bus", "home", "Demo", "Cafe", "Example", "Road", "worker", "Spoke", "Library", "Street",
        "Buddy", "DEMO", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "January", "February",
        "March", "April", "June", "July", "August", "September", "October", "November", "December",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "AM", "PM",
        "UTC"
    ]
)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


#: The risk tool is the charity's own content (resources/risk_tools: a service in Wales loads a
#: Welsh tool file), not Spoke's words: its questions and headings are shown as written.
RISK_TOOL_TEXTS = frozenset(_strings(json.loads(
    (ROOT / "resources" / "risk_tools" / "default.json").read_text(encoding="utf-8"))))


class PseudoLocale(QTranslator):
    """Answers for every catalogued string of Spoke's and every string of Qt's own."""

    def __init__(self, catalogue: Any) -> None:
        super().__init__()
        self.catalogue = catalogue

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if not source:
            return ""
        if context.startswith("spokeapp") and (context, source) not in self.catalogue:
            return ""  # not in the catalogue: a translator could never have translated it
        return OPEN + source + CLOSE

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def pseudo_locale(qapp: QApplication) -> Iterator[PseudoLocale]:
    """Spoke in the pseudo-locale. A test asks for it *first*, before any fixture that makes
    windows: fixtures are torn down in reverse, so the windows' background work (a sync
    bridge's run, a task) has stopped before this translator is removed. Removing a
    translator written in Python while another thread translates through it deadlocks: that
    thread holds Qt's translator lock and waits for the GIL, and ``removeTranslator`` holds
    the GIL and waits for the lock (it hung CI once, in the supervisor's walk)."""
    found = catalogue_script.collect()
    translator = PseudoLocale(found)
    qapp.installTranslator(translator)
    install_translation(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    try:
        yield translator
    finally:
        qapp.removeTranslator(translator)
        i18n.install(None)
        i18n.install_formatters(None)


# ---------------------------------------------------------------------------- the check
_TAG = re.compile(r"<[^>]+>")
_BRACKETED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_ID = re.compile(r"\b(?:u|d|t)-[a-z0-9-]+")  # a user's, laptop's or team's id: data


def escaped_words(text: str) -> list[str]:
    """The words of ``text`` outside ⟦ ⟧ that are not test data."""
    plain = html.unescape(_TAG.sub(" ", text))
    previous = None
    while previous != plain:  # a translated phrase formatted into another: innermost first
        previous, plain = plain, _BRACKETED.sub(" ", plain)
    plain = _ID.sub(" ", plain)
    return [w for w in _WORD.findall(plain.replace("&", "")) if w not in DATA_WORDS]


def _texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    kind = type(widget).__name__
    for what, text in (
        ("tooltip", widget.toolTip()),
        ("accessible name", widget.accessibleName()),
        ("accessible description", widget.accessibleDescription()),
    ):
        yield f"{kind} {what}", text
    if isinstance(widget, (QLabel, QAbstractButton)):
        yield kind, widget.text()
    elif isinstance(widget, QGroupBox):
        yield kind, widget.title()
    elif isinstance(widget, QTabBar):
        for n in range(widget.count()):
            yield f"{kind} tab", widget.tabText(n)
    elif isinstance(widget, QComboBox):
        for n in range(widget.count()):
            yield f"{kind} item", widget.itemText(n)
        yield f"{kind} placeholder", widget.placeholderText()
    elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
        yield f"{kind} placeholder", widget.placeholderText()
    elif isinstance(widget, QTextEdit):
        yield f"{kind} placeholder", widget.placeholderText()
        if widget.isReadOnly():
            yield kind, widget.toPlainText()
    elif (isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView)
            and widget.model() is not None):
        model = widget.model()
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a list widget's own model hides columnCount: one column
            columns = 1
        for section in range(columns):
            yield f"{kind} header", str(model.headerData(
                section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        for row in range(min(model.rowCount(QModelIndex()), 30)):
            for column in range(columns):
                index = model.index(row, column)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.data(index, role)
                    if isinstance(value, str):
                        yield f"{kind} cell", value


def escapes(window: QWidget) -> list[str]:
    """Every text shown in ``window`` with a word that escaped translation."""
    title = window.windowTitle() or type(window).__name__
    found = []
    texts: list[tuple[str, str]] = [("window title", window.windowTitle())]
    for widget in [window, *window.findChildren(QWidget)]:
        if widget.window() is window:
            texts += _texts(widget)
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            texts.append(("menu", action.text()))
            menu = action.menu()
            for item in menu.actions() if menu is not None else ():
                texts.append(("menu item", item.text()))
    for kind, text in texts:
        if text.strip() in RISK_TOOL_TEXTS:
            continue
        words = escaped_words(text)
        if words:
            found.append(f"{title}: {kind} {text!r} ({' '.join(words)})")
    return found


# ------------------------------------------------------------------------- the check, tested
def test_the_check_finds_words_outside_brackets_and_ignores_data() -> None:
    assert escaped_words("⟦Key worker: Test Worker Ruth⟧") == []
    assert escaped_words("⟦Opened ⟦today⟧ by {name}⟧") == []
    assert escaped_words("<b>⟦Risk⟧</b>: High &amp; rising") == ["High", "rising"]
    assert escaped_words("Test Person Alpha, 5 Dec 2026, 16:30") == []
    assert escaped_words("&Save") == ["Save"]


def test_the_pseudo_locale_reaches_words_through_qt_and_only_catalogued_ones(
    pseudo_locale: PseudoLocale,
) -> None:
    from spokeapp.present import sync_words

    context = sync_words.__name__
    catalogued = next(iter(pseudo_locale.catalogue.messages[context]))
    assert QCoreApplication.translate(context, catalogued) == OPEN + catalogued + CLOSE
    assert i18n.translator(context)(catalogued) == OPEN + catalogued + CLOSE
    assert i18n.translator(context)("A sentence nobody wrote") == "A sentence nobody wrote"


# ----------------------------------------------------------------------------- the walks
def test_no_word_of_a_worker_s_window_escapes_translation(
    pseudo_locale: PseudoLocale, qtbot: Any, make_shell: Any, seeded: str
) -> None:
    walk = Walk(escapes)
    expected = walk_worker(qtbot, make_shell(), walk)
    assert len(walk.seen) >= expected, walk.seen
    assert not walk.problems, walk.report()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


def test_no_word_of_a_supervisor_s_or_an_admin_s_window_escapes_translation(
    pseudo_locale: PseudoLocale, qtbot: Any, tmp_path: Path, hub: RunningHub,
    main_windows: Any,
) -> None:
    walk = Walk(escapes)
    expected = walk_supervisor_and_admin(qtbot, tmp_path, hub, main_windows, walk)
    assert len(walk.seen) >= expected, walk.seen
    assert not walk.problems, walk.report()


def test_no_word_of_the_lone_working_board_escapes_translation(
    pseudo_locale: PseudoLocale, qtbot: Any, tmp_path: Path
) -> None:
    walk = Walk(escapes)
    expected = walk_board(qtbot, tmp_path, walk)
    assert len(walk.seen) == expected, walk.seen
    assert not walk.problems, walk.report()


# ------------------------------------------------------------------------------ the catalogue
def test_the_catalogue_is_current_and_every_tr_call_can_be_read() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_translations.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    found = catalogue_script.collect()
    assert sum(len(texts) for texts in found.messages.values()) > 500


def _package(tmp_path: Path, body: str) -> Path:
    package = tmp_path / "spokeapp"
    package.mkdir()
    (package / "page.py").write_text(
        "from spokeapp.i18n import translator\ntr = translator(__name__)\n" + body,
        encoding="utf-8",
    )
    return package


def test_the_script_reads_literals_keeps_translations_and_refuses_f_strings(
    tmp_path: Path,
) -> None:
    package = _package(tmp_path, (
        'A = tr.noop("Moved out of the area")\n'
        'def f(n, name):\n'
        '    tr("Save")\n'
        '    tr.plural(n, "{n} record waits", "{n} records wait")\n'
        '    return tr(A)\n'
    ))
    found = catalogue_script.collect(package)
    assert found.messages == {"spokeapp.page": [
        "Moved out of the area", "Save", "{n} record waits", "{n} records wait"]}
    assert found.problems == []

    previous = {("spokeapp.page", "Save"): "Cadw", ("spokeapp.page", "Gone"): "Wedi mynd"}
    text = catalogue_script.catalogue(found, "cy_GB", previous)
    assert "<translation>Cadw</translation>" in text
    assert '<translation type="vanished">Wedi mynd</translation>' in text
    assert text.count('type="unfinished"') == 3

    (package / "page.py").write_text(
        'from spokeapp.i18n import translator\ntr = translator(__name__)\n'
        'def f(name):\n    return tr(f"Hello {name}") + tr("a" + name)\n', encoding="utf-8")
    problems = catalogue_script.collect(package).problems
    assert len(problems) == 2 and all("cannot read" in p for p in problems)


def test_a_compiled_welsh_catalogue_changes_what_the_worker_reads(
    tmp_path: Path, qapp: QApplication
) -> None:
    package = _package(tmp_path, 'def f():\n    return tr("Save")\n')
    found = catalogue_script.collect(package)
    ts_file = tmp_path / "spoke_cy.ts"
    ts_file.write_text(catalogue_script.catalogue(
        found, "cy_GB", {("spokeapp.page", "Save"): "Cadw"}), encoding="utf-8")
    catalogue_script.release(ts_file, tmp_path / "spoke_cy.qm")
    assert (tmp_path / "spoke_cy.qm").stat().st_size > 0
    try:
        install_translation(QLocale(QLocale.Language.Welsh, QLocale.Country.UnitedKingdom),
                            folder=tmp_path)
        tr = i18n.translator("spokeapp.page")
        assert tr("Save") == "Cadw"
        assert tr("Cancel") == "Cancel", "not translated yet: the English source"
        assert i18n.day(date(2026, 12, 5)) == "5 Rhag 2026"
    finally:
        install_translation(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


def test_qt_s_own_words_follow_only_a_language_spoke_speaks(qapp: QApplication) -> None:
    """A German system: Spoke has no German, so Qt's standard buttons stay English beside it
    (not half the window in German); its dates still follow the locale."""
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    probe = QTranslator()
    assert probe.load(german, "qtbase", "_", qt_folder), "PySide6 ships Qt's German words"
    assert probe.translate("QPlatformTheme", "Cancel") not in ("", "Cancel")
    try:
        install_translation(german)
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
        assert i18n.day(date(2026, 12, 5)).startswith("5 Dez")
    finally:
        install_translation(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


# -------------------------------------------------------------------------------- the locale
def test_dates_times_and_numbers_follow_the_system_locale() -> None:
    moment = datetime(2026, 12, 5, 16, 30)
    uk = locale_formatters(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    us = locale_formatters(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    german = locale_formatters(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert (uk.day(moment.date()), uk.clock(time(16, 30)), uk.number(1234)) == (
        "5 Dec 2026", "16:30", "1,234")
    assert (us.day(moment.date()), us.clock(moment), us.number(1234)) == (
        "Dec 5, 2026", "4:30\u202fPM", "1,234")
    assert german.number(1234) == "1.234"
    assert german.day(moment.date()).startswith("5 Dez")


def test_with_no_locale_set_spoke_writes_as_its_source_language(qapp: QApplication) -> None:
    try:
        install_translation(QLocale.c())
        assert i18n.number(1234) == "1,234"
        assert i18n.day(date(2026, 12, 5)) == "5 Dec 2026"
    finally:
        i18n.install(None)
        i18n.install_formatters(None)
