"""Every word Spoke shows goes through here, and so through Qt's translation system.

Each module that shows words binds a translator to its own name (the Qt *context*)::

    from spokeapp.i18n import translator
    tr = translator(__name__)

    label.setText(tr("Key worker: {name}").format(name=name))   # format after translating
    REASONS = {"moved": tr.noop("Moved out of the area")}          # marked now, translated
    ...tr(REASONS[key])                                            # where it is shown

``tr`` asks the installed *lookup* for a translation. With no Qt (the hub, the command line,
``present`` tests) the lookup returns the English source unchanged; ``spokeapp.ui.application``
installs ``QCoreApplication.translate``, so a loaded ``QTranslator`` (a Welsh catalogue, or the
pseudo-locale of ``tests/ui/test_translation.py``) sees every string. ``present`` never imports
Qt: that is why the lookup is injected rather than imported.

``scripts/update_translations.py`` reads every ``tr("...")``, ``tr.noop("...")`` and
``tr.plural(n, "...", "...")`` with literal text in ``spokeapp/`` and keeps the catalogue in
``resources/i18n/`` current; only literal text can be collected, so never pass a variable or an
f-string to ``tr`` except for text that was marked with ``tr.noop`` in the same module.

Dates, times and numbers are written by :func:`day`, :func:`day_and_time`, :func:`clock` and
:func:`number`. Without Qt they follow the UK convention ("5 Dec 2026", "16:30", "1,234"); the
app installs formatters that follow the system locale (``QLocale``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

__all__ = [
    "Formatters",
    "Translator",
    "clock",
    "day",
    "day_and_time",
    "install",
    "install_formatters",
    "number",
    "translator",
]

#: (context, source text, disambiguation, n) -> translated text.
Lookup = Callable[[str, str, str | None, int], str]


def _english(context: str, text: str, disambiguation: str | None, n: int) -> str:
    return text


class _Language:
    """The process's language: one per process, as Qt's installed translators are (the only
    module-level state Spoke keeps on purpose; docs/architecture.md, "One way to do each
    thing")."""

    __slots__ = ("formatters", "lookup")

    def __init__(self) -> None:
        self.lookup: Lookup = _english
        self.formatters = Formatters()


def install(lookup: Lookup | None) -> None:
    """Send every later ``tr`` call through ``lookup`` (``None``: back to the English source)."""
    LANGUAGE.lookup = lookup if lookup is not None else _english


class Translator:
    """``tr`` for one module: the module's name is the catalogue's context."""

    __slots__ = ("context",)

    def __init__(self, context: str) -> None:
        self.context = context

    def __call__(self, text: str, disambiguation: str | None = None) -> str:
        if not text:
            return text
        translated = LANGUAGE.lookup(self.context, text, disambiguation, -1)
        return translated or text

    @staticmethod
    def noop(text: str) -> str:
        """Mark ``text`` for the catalogue without translating it yet (module constants)."""
        return text

    def plural(self, n: int, one: str, other: str) -> str:
        """``one`` when ``n`` is 1, else ``other``; both are translated and may use ``{n}``."""
        return self(one if n == 1 else other).replace("{n}", number(n))


def translator(context: str) -> Translator:
    """A ``tr`` bound to ``context`` (pass ``__name__``)."""
    return Translator(context)


# ----------------------------------------------------------------------------- formats


def _uk_day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _uk_clock(value: time | datetime) -> str:
    return f"{value:%H:%M}"


def _uk_number(value: int | float) -> str:
    return f"{value:,}"


@dataclass(frozen=True, slots=True)
class Formatters:
    """How days, clock times and numbers are written (the app's follow the system locale)."""

    day: Callable[[date], str] = _uk_day
    clock: Callable[[time | datetime], str] = _uk_clock
    number: Callable[[int | float], str] = _uk_number


LANGUAGE = _Language()


def install_formatters(formatters: Formatters | None) -> None:
    """Write dates, times and numbers with ``formatters`` (``None``: the UK defaults)."""
    LANGUAGE.formatters = formatters if formatters is not None else Formatters()


def day(value: date | datetime) -> str:
    """A day as a reader expects it: "5 Dec 2026" (en-GB), "Dec 5, 2026" (en-US)."""
    return LANGUAGE.formatters.day(value.date() if isinstance(value, datetime) else value)


def clock(value: time | datetime) -> str:
    """A clock time: "16:30" (en-GB), "4:30 PM" (en-US). Convert to local time first."""
    return LANGUAGE.formatters.clock(value)


def day_and_time(value: datetime) -> str:
    """A day and a clock time: "5 Dec 2026, 16:30"."""
    return f"{day(value)}, {clock(value)}"


def number(value: int | float) -> str:
    """A count with the locale's digit grouping: "1,234"."""
    return LANGUAGE.formatters.number(value)
