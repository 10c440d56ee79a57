"""Welsh and English: the gettext catalogues of interface text and Welsh dates.

English is the source language and the default; Welsh (`cy`) comes from
`locale/cy/LC_MESSAGES/messages.po`, kept in the repository and managed with Babel
(`babel.cfg` says what is extracted: the page templates and the Python modules whose text
people read). The `.po` file is compiled in memory the first time a language is asked for, so
a fresh install, an editable checkout and the tests all read the same file and nothing compiled
can go stale. :data:`language` holds the language of the page or feed being made; the
functions here read it unless given a language. Dates and weekdays come from CLDR through Babel.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import io
import re
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from importlib import resources

from edicalendar.mutations import after_prepositions

#: The languages offered, English first (the default).
LANGUAGES = ("en", "cy")
DEFAULT = "en"
#: Each language's name in itself, as the language switch shows it.
NATIVE_NAMES = {"en": "English", "cy": "Cymraeg"}
#: The language of what is being rendered now (set per request for pages).
language: ContextVar[str] = ContextVar("edicalendar_language", default=DEFAULT)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (a label kept in a table)."""
    return message


@cache
def translations(lang: str) -> gettext_module.NullTranslations:
    """The compiled catalogue of `lang` (English: none, the text is already English)."""
    if lang == DEFAULT:
        return gettext_module.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = resources.files("edicalendar") / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


class Translated(str):
    """Text that has been through the catalogue, so it is already in the page's language:
    `%` formatting keeps it so, and an error page shows it as it is instead of looking it up
    again or marking it as English."""

    __slots__ = ()

    def __mod__(self, values: object) -> Translated:
        if isinstance(values, Mapping):
            # Welsh mutates a month or weekday name after a preposition ("drwy Fawrth").
            template, shown = after_prepositions(self, values)
            return Translated(str.__mod__(template, shown))
        return Translated(str.__mod__(self, values))


def gettext(message: str, lang: str | None = None) -> Translated:
    """`message` in `lang` (else the current :data:`language`); English when untranslated."""
    return Translated(translations(lang or language.get()).gettext(message))


def ngettext(singular: str, plural: str, count: int, lang: str | None = None) -> Translated:
    """The singular or plural of a message for `count` (Welsh has six plural forms)."""
    return Translated(translations(lang or language.get()).ngettext(singular, plural, count))


def in_language(text: str) -> tuple[str, bool]:
    """`text` as a page in the current language shows it, and whether it is English text on a
    Welsh page (to be marked `lang="en"`): a message the catalogue has is translated, text that
    has been through it already is kept, a :class:`Message` from the core is said in the
    language, anything else (from data, or an error's own words) stays as it is."""
    if language.get() == DEFAULT or isinstance(text, Translated):
        return text, False
    if isinstance(text, Message):
        return text.translated(), text.untranslated()
    shown = gettext(text)
    return shown, shown == text


class Message(str):
    """A sentence the core says in English, kept with the message id and values it was made
    from so a page in another language can say it in that language.

    As a `str` it is the English text, exactly as the CLI, the API and logs have always shown
    it; :meth:`translated` gives it in the current :data:`language` through the catalogue
    (values that are themselves a :class:`Message` or a :class:`Day` are translated too). The
    core marks its message ids with :func:`N_` so `pybabel extract` collects them.
    """

    __slots__ = ("capitalised", "msgid", "values")
    msgid: str
    values: dict[str, object]
    capitalised: bool

    def __new__(cls, msgid: str, /, capitalised: bool = False, **values: object) -> Message:
        english = msgid % {k: _english(v) for k, v in values.items()} if values else msgid
        made = super().__new__(cls, _upper_first(english) if capitalised else english)
        made.msgid, made.values, made.capitalised = msgid, values, capitalised
        return made

    def translated(self, lang: str | None = None) -> Translated:
        """The message in `lang` (else the current language); English where untranslated."""
        lang = lang or language.get()
        if lang == DEFAULT:
            return Translated(str(self))
        template = gettext(self.msgid, lang)
        text = (
            str(template % {k: _translated(v, lang) for k, v in self.values.items()})
            if self.values
            else str(template)
        )
        return Translated(_upper_first(text) if self.capitalised else text)

    def untranslated(self, lang: str | None = None) -> bool:
        """Whether `lang` (else the current language) has no words for this message, so a page
        in it shows the English, marked as English. A message with no words of its own (only
        values and punctuation, such as "%(where)s: %(message)s") is as translated as the
        messages in its values."""
        if _WORDS.search(_PLACEHOLDERS.sub("", self.msgid)):
            return gettext(self.msgid, lang) == self.msgid
        return any(v.untranslated(lang) for v in self.values.values() if isinstance(v, Message))

    def english_names(self, lang: str | None = None) -> list[str]:
        """The names from data in this message (and the messages in its values) that `lang`
        (else the current language) has no name for, so it says them in English: a page marks
        them `lang="en"` inside its own language's sentence."""
        lang = lang or language.get()
        found: list[str] = []
        for value in self.values.values():
            if isinstance(value, Message):
                found += value.english_names(lang)
            elif (
                isinstance(value, Named)
                and lang != DEFAULT
                and value.translated(lang) == (value.english)
            ):
                found.append(value.english)
        return found

    def upper_first(self) -> Message:
        """The same message with its first letter capitalised (in every language)."""
        return Message(self.msgid, capitalised=True, **self.values)


class Day:
    """A date inside a :class:`Message`: "Sat 25 May 2024" in English, "Sad 25 Mai 2024" in
    Welsh (:func:`format_day`'s `short` style)."""

    __slots__ = ("day", "style")

    def __init__(self, day: dt.date, style: str = "short") -> None:
        self.day, self.style = day, style

    def __str__(self) -> str:
        return format_day(self.day, self.style, DEFAULT)

    def translated(self, lang: str) -> str:
        return format_day(self.day, self.style, lang)


class Named:
    """A name from data inside a :class:`Message`: its English name, or in Welsh its published
    Welsh name where it has one (an observance's `name_cy`), else the English."""

    __slots__ = ("english", "welsh")

    def __init__(self, english: str, welsh: str | None = None) -> None:
        self.english, self.welsh = english, welsh

    def __str__(self) -> str:
        return self.english

    def translated(self, lang: str) -> str:
        return self.welsh if lang == "cy" and self.welsh else self.english


def said(error: BaseException) -> str:
    """What `error` says: its :class:`Message` where it was raised with one (so a page can say
    it in its language), else its text."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Message) else str(error)


_WORDS = re.compile(r"[^\W\d_]")
_PLACEHOLDERS = re.compile(r"%\([^)]*\)[sd]")


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _english(value: object) -> object:
    return str(value) if isinstance(value, Message | Day | Named) else value


def _translated(value: object, lang: str) -> object:
    if isinstance(value, Message):
        return str(value.translated(lang))
    if isinstance(value, Day | Named):
        return value.translated(lang)
    return value


_ = gettext


def format_day(day: dt.date, style: str = "long", lang: str | None = None) -> str:
    """A date as pages write it: "1 March 2027" / "1 Mawrth 2027" (`long`), "Monday 1 March
    2027" / "dydd Llun, 1 Mawrth 2027" (`full`), "Mon 1 Mar 2027" / "Llun 1 Maw 2027"
    (`short`), "1 Mar 2027" / "1 Maw 2027" (`medium`), "March 2027" / "Mawrth 2027" (`month`),
    "1 Mar" / "1 Maw" (`day_month`)."""
    lang = lang or language.get()
    if lang == DEFAULT:
        pattern = {
            "long": "%-d %B %Y",
            "full": "%A %-d %B %Y",
            "short": "%a %-d %b %Y",
            "month": "%B %Y",
            "day": "%a %-d %b",
            "day_month": "%-d %b",
            "medium": "%-d %b %Y",
        }[style]
        return day.strftime(pattern)
    from babel.dates import format_date

    pattern = {
        "long": "d MMMM y",
        "full": "EEEE, d MMMM y",
        "short": "EEE d MMM y",
        "month": "LLLL y",
        "day": "EEE d MMM",
        "day_month": "d MMM",
        "medium": "d MMM y",
    }[style]
    text: str = format_date(day, pattern, locale=lang)
    if style == "full":
        # CLDR capitalises "Dydd"; Welsh Government style writes "dydd Llun" within a sentence.
        text = text[:1].lower() + text[1:]
    return text


def weekday_names(lang: str | None = None) -> tuple[tuple[str, str], ...]:
    """(abbreviation, full name) for Monday to Sunday, as the month grid heads its columns."""
    lang = lang or language.get()
    monday = dt.date(2024, 1, 1)  # a Monday
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    if lang == DEFAULT:
        return tuple((d.strftime("%a"), d.strftime("%A")) for d in days)
    from babel.dates import format_date

    return tuple(
        (format_date(d, "EEE", locale=lang), format_date(d, "EEEE", locale=lang)) for d in days
    )


def month_names(lang: str | None = None) -> tuple[tuple[int, str], ...]:
    """(number, name) of each month, January first, as the month picker lists them."""
    lang = lang or language.get()
    if lang == DEFAULT:
        return tuple((n, dt.date(2024, n, 1).strftime("%B")) for n in range(1, 13))
    from babel.dates import get_month_names

    names = get_month_names("wide", context="stand-alone", locale=lang)
    return tuple((n, str(names[n])) for n in range(1, 13))
