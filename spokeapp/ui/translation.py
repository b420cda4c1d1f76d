"""Spoke's words through Qt's translation system, and dates and numbers in the system locale.

:func:`install_translation` (called once when the application starts) points
:mod:`spokeapp.i18n` at ``QCoreApplication.translate`` and loads, for the system locale, Qt's
own catalogue (the words on standard buttons) and Spoke's ``resources/i18n/spoke_<locale>.qm``
when one has been built from a translated ``.ts`` (``scripts/update_translations.py --release``).
English is the source language, so an English locale loads nothing and shows the source text.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QLibraryInfo,
    QLocale,
    QTime,
    QTranslator,
)

from spokeapp import i18n
from spokeapp.resources import resource_path

__all__ = ["install_translation", "locale_formatters"]

TRANSLATOR_NAME = "spoke-translator"

def _qt_lookup(context: str, text: str, disambiguation: str | None, n: int) -> str:
    return QCoreApplication.translate(context, text, disambiguation, n)


def locale_formatters(locale: QLocale) -> i18n.Formatters:
    """Days, clock times and numbers written the way ``locale`` writes them."""
    short = locale.dateFormat(QLocale.FormatType.ShortFormat).lstrip()
    pattern = "MMM d, yyyy" if short.startswith("M") else "d MMM yyyy"
    if short.startswith("y"):
        pattern = "yyyy-MM-dd"

    def day(value: date) -> str:
        return locale.toString(QDate(value.year, value.month, value.day), pattern)

    def clock(value: time | datetime) -> str:
        return locale.toString(
            QTime(value.hour, value.minute), locale.timeFormat(QLocale.FormatType.ShortFormat)
        )

    def number(value: int | float) -> str:
        if isinstance(value, int):
            return locale.toString(value)
        return locale.toString(float(value), "f", 1)

    return i18n.Formatters(day=day, clock=clock, number=number)


def install_translation(locale: QLocale | None = None, folder: Path | None = None) -> None:
    """Translate through Qt for ``locale`` (default: the system's) and format for it, with
    Spoke's compiled catalogues from ``folder`` (default: the bundled ``resources/i18n``).

    Call it before any background thread starts (the app: when the application is made).
    A translator made in Python takes the GIL when another thread translates through it,
    while Qt holds its translator lock; replacing it then from a thread holding the GIL
    would deadlock (tests/ui/test_translation.py, ``pseudo_locale``)."""
    app = QCoreApplication.instance()
    locale = locale if locale is not None else QLocale()
    if locale.language() == QLocale.Language.C:
        # No locale set (a bare container, a CI runner): write as Spoke's source language does.
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    if app is not None:
        # The application owns its translators (children named here), so none outlives it.
        for old in app.findChildren(QTranslator, TRANSLATOR_NAME):
            app.removeTranslator(old)
            old.deleteLater()
    if app is not None and locale.language() != QLocale.Language.English:
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        spoke_folder = str(folder or resource_path("i18n"))
        # Qt's own words (standard buttons, file dialogs) follow only a language Spoke speaks
        # too: a French system shows Spoke in English, so Qt's buttons stay English with it
        # rather than half the window in French. So the bundle carries only those catalogues
        # of Qt's (installers/bundling.py).
        for name, where in (("spoke", spoke_folder), ("qtbase", qt_folder)):
            translator = QTranslator(app)
            translator.setObjectName(TRANSLATOR_NAME)
            if translator.load(locale, name, "_", where):
                app.installTranslator(translator)
            else:
                translator.deleteLater()
                if name == "spoke":
                    break
    i18n.install(_qt_lookup)
    i18n.install_formatters(locale_formatters(locale))
