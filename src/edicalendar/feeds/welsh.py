"""Feeds in Welsh (`?lang=cy`): calendar names, event titles and descriptions.

A Welsh feed carries the same events with the same UIDs as the English one, at its own address,
so a subscription never changes language. An event's title is the observance's Welsh name where
a Welsh source publishes one (`name_cy` in the data), else its English name; its description says
how sure the date is, in Welsh, then gives the Welsh description (or the English one), the year's
theme and the link. Words come from the Welsh catalogue (:mod:`edicalendar.i18n`). Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from edicalendar.calendar.occurrences import CALENDAR_DATE
from edicalendar.i18n import N_, Message, format_day, gettext, ngettext
from edicalendar.model import CATEGORY_LABELS, Category, Status
from edicalendar.urls import public_url

if TYPE_CHECKING:
    from edicalendar.model import Occurrence

WELSH = "cy"
_EVENING = N_("Begins at sunset the evening before the first day.")
_EVENING_START = N_("Begins at sunset on the first day shown.")
#: The default feeds' Welsh names, by feed name; category feeds are named from their category.
_TITLES = {
    "all": N_("EDI calendar: everything"),
    "faith": N_("EDI calendar: faith festivals"),
    "awareness": N_("EDI calendar: awareness days"),
}
_DESCRIPTIONS = {
    "all": N_(
        "Equality, diversity and inclusion awareness days, weeks and months, and faith festivals."
    ),
    "faith": N_("Festivals and holy days across faiths and beliefs."),
    "awareness": N_("Awareness days, weeks and months (everything except faith festivals)."),
}


def feed_title(name: str, title: str, description: str) -> tuple[str, str]:
    """A feed's Welsh calendar name and description; a feed an administrator defined keeps its
    own words (they are not ours to translate)."""
    if name in _TITLES:
        return gettext(_TITLES[name], WELSH), gettext(_DESCRIPTIONS[name], WELSH)
    for category in Category:
        if category.slug == name:
            label = gettext(CATEGORY_LABELS[category], WELSH)
            return (
                gettext(N_("EDI calendar: %(category)s"), WELSH) % {"category": label},
                gettext(N_("Awareness dates and festivals: %(category)s."), WELSH)
                % {"category": label},
            )
    return title, description


def summary(occ: Occurrence) -> str:
    """The event title: the Welsh name where one is published, else the English name."""
    return occ.name_cy or occ.name


def description(occ: Occurrence, notes: str | None = None) -> str:
    """The event description in Welsh: how sure the date is, what it is, the year's theme and
    the convention its dates follow (and what the others give; `notes`, when the caller has
    :func:`convention_text` already) and the link. A year's own note on why its date moved and
    the communications guidance are English data, in the English feed only."""
    parts = [status_line(occ)]
    if not occ.name_cy:
        parts.append(
            gettext(
                N_("This observance has no published Welsh name, so its English name is used."),
                WELSH,
            )
        )
    parts.append((occ.description_cy or occ.description).strip())
    if occ.theme:
        parts.append(
            gettext(N_("Theme for %(year)s: %(theme)s"), WELSH)
            % {"year": occ.year, "theme": occ.theme}
        )
    if notes is None:
        notes = convention_text(occ, WELSH)
    if notes:
        parts.append(gettext(N_("About the date: %(notes)s"), WELSH) % {"notes": notes})
    url = public_url(occ.url)
    if url:
        parts.append(more_information(url))
    return "\n\n".join(part for part in parts if part)


def convention_text(occ: Occurrence, lang: str) -> str:
    """Whose convention the dates follow and what the other conventions give, in `lang` (the
    English sentence is :func:`edicalendar.calendar.occurrence_records.convention_text`): "Mae’r
    dyddiadau’n dilyn almanac India (New Delhi); mae almanac y DU (machlud haul Llundain) yn rhoi
    Iau 28 Hyd 2027."; then the note on a date computed minutes from the day boundary ("Mae
    cyhydnos Mawrth yn digwydd am 12:11 amser lleol, …"); empty when neither applies."""
    computed = occ.note.translated(lang) if isinstance(occ.note, Message) else ""
    conventions = _conventions(occ, lang)
    return f"{conventions} {computed}" if conventions and computed else conventions or computed


def _conventions(occ: Occurrence, lang: str) -> str:
    others = [a for a in occ.alternatives if a.convention != CALENDAR_DATE]
    if not occ.convention_label or not others:
        return ""
    label = gettext(occ.convention_label, lang)
    if all((a.start, a.end) == (occ.start, occ.end) for a in others):
        return gettext(
            N_("Dates follow the %(convention)s; the other conventions agree."), lang
        ) % {"convention": label}
    parts = [gettext(N_("Dates follow the %(convention)s"), lang) % {"convention": label}]
    for alternative in others:
        if (alternative.start, alternative.end) == (occ.start, occ.end):
            gives = gettext(N_("%(convention)s gives the same dates"), lang)
            dates = ""
        else:
            gives = gettext(N_("%(convention)s gives %(dates)s"), lang)
            dates = format_day(alternative.start, "short", lang)
            if alternative.end != alternative.start:
                dates += " – " + format_day(alternative.end, "short", lang)
        parts.append(gives % {"convention": gettext(alternative.label, lang), "dates": dates})
    return "; ".join(parts) + "."


def more_information(url: str) -> str:
    return gettext(N_("More information: %(url)s"), WELSH) % {"url": url}


def status_line(occ: Occurrence) -> str:
    """How sure the date is, in Welsh, and whether it begins the evening before."""
    words = []
    if occ.status is Status.PROVISIONAL:
        words.append(
            gettext(
                N_(
                    "Provisional date: the organiser has not yet announced the %(year)s dates; "
                    "this date follows the usual pattern."
                ),
                WELSH,
            )
            % {"year": occ.year}
        )
    elif occ.status is Status.ESTIMATED:
        if occ.may_vary_days:
            words.append(
                ngettext(
                    "Estimated date: it may move by %(num)d day.",
                    "Estimated date: it may move by %(num)d days.",
                    occ.may_vary_days,
                    WELSH,
                )
                % {"num": occ.may_vary_days}
            )
        else:
            words.append(gettext(N_("Estimated date: local observance may differ."), WELSH))
    else:
        words.append(gettext(N_("Confirmed date."), WELSH))
    if occ.begins_evening_before:
        words.append(gettext(_EVENING, WELSH))
    return " ".join(words)


def certainty(occ: Occurrence) -> str:
    """How sure the date is, for titles of feeds with `expected`: "amcangyfrif ±1 diwrnod"."""
    text: str = gettext(occ.status.value, WELSH)
    if occ.may_vary_days:
        text += " " + ngettext("±%(num)d day", "±%(num)d days", occ.may_vary_days, WELSH) % {
            "num": occ.may_vary_days
        }
    return text


def eve_summary(name: str) -> str:
    """The title of a festival's eve event (`eves=events`)."""
    return gettext(N_("%(name)s begins at sunset"), WELSH) % {"name": name}


def eve_description(name: str) -> str:
    return gettext(
        N_("%(name)s begins at sunset this evening; its first full day is tomorrow."), WELSH
    ) % {"name": name}


def alarm_description(summary: str, days: int) -> str:
    """The reminder alarm's text: "… yn dechrau heddiw / yfory / ymhen N diwrnod"."""
    if days == 0:
        return gettext(N_("%(name)s starts today"), WELSH) % {"name": summary}
    if days == 1:
        return gettext(N_("%(name)s starts tomorrow"), WELSH) % {"name": summary}
    return ngettext(
        "%(name)s starts in %(num)d day", "%(name)s starts in %(num)d days", days, WELSH
    ) % {"name": summary, "num": days}


def evening_start(text: str) -> str:
    """A Welsh description for an event moved to start on its eve (`eves=start`)."""
    said = gettext(_EVENING, WELSH)
    return text.replace(said, gettext(_EVENING_START, WELSH), 1)
