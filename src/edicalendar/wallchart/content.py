"""What a printed calendar says, as plain data: entries per month column, day cells per month
page, and the key that explains the marks.

Kept apart from the drawing (:mod:`edicalendar.wallchart.pdf`) so the rules (which column an
observance goes in, how its dates and status read) are tested without a PDF. Every status and
eve is said in the words the pages and feeds use (:mod:`edicalendar.calendar.occurrence_records`),
so an estimated Eid is never printed as if it were certain. Words, names and dates are in the
language of :data:`edicalendar.i18n.language` (English or Welsh); an observance keeps its English
name in Welsh where no Welsh name is published.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from edicalendar.calendar.clashes import LONG_DAYS
from edicalendar.calendar.freezes import RESTRICTION_LABELS, Freeze
from edicalendar.calendar.occurrence_records import EVENING_BEFORE
from edicalendar.i18n import N_, format_day, gettext, language, ngettext
from edicalendar.model import CATEGORY_LABELS, Category, Occurrence, Status

#: The key's lines, in the order printed. The first three explain the marks an entry may carry.
KEY_CONFIRMED = N_("No mark: a confirmed date (a fixed day, or dates the organiser has announced).")
KEY_ESTIMATED = N_(
    "estimated ±N days: predicted from the moon or a published table. Dates marked estimated "
    "may move by up to N days, as communities confirm them locally."
)
KEY_PROVISIONAL = N_(
    "provisional: the organiser has not yet announced this year's dates; they may move."
)
KEY_EVE = N_(
    "begins the evening before: the festival starts at sunset on the evening before the first "
    "day shown."
)
KEY_FREEZE = N_(
    "Communication freeze: a period when the organisation holds back what it publishes (a "
    "pre-election period, national mourning); its days are shaded."
)
FREEZE = N_("Communication freeze")
#: What a freeze holds back, as RESTRICTION_LABELS words it (listed for the Welsh catalogue).
HOLDS_BACK = (
    N_("public announcements and social posts"),
    N_("public and staff announcements"),
    N_("everything, internal reminders included"),
)
ALL_MONTH = N_("All month")
ALL_CATEGORIES = N_("All categories")


@dataclass(frozen=True)
class Entry:
    """One occurrence as a printed line: when, what, and the marks that qualify the date."""

    when: str
    name: str
    marks: tuple[str, ...]
    occurrence: Occurrence

    @property
    def marks_text(self) -> str:
        """ "estimated ±1 day, begins the evening before" ("" for a plain confirmed date)."""
        return ", ".join(self.marks)


def certainty(occurrence: Occurrence) -> str:
    """How sure the date is, as the pages say it: "estimated ±1 day", "amcangyfrif ±1 diwrnod"."""
    text: str = gettext(occurrence.status.value)
    if occurrence.may_vary_days:
        days = occurrence.may_vary_days
        text += " " + ngettext("±%(num)d day", "±%(num)d days", days) % {"num": days}
    return text


def marks(occurrence: Occurrence) -> tuple[str, ...]:
    """The words that must go with the date: its status unless confirmed, and its eve."""
    found = []
    if occurrence.status is not Status.CONFIRMED:
        found.append(certainty(occurrence))
    if occurrence.begins_evening_before:
        found.append(gettext(EVENING_BEFORE))
    return tuple(found)


def _day_marks(occurrence: Occurrence) -> tuple[str, ...]:
    return tuple(m for m in marks(occurrence) if m != gettext(EVENING_BEFORE))


def name(occurrence: Occurrence) -> str:
    """The name printed: the Welsh name on a Welsh chart where one is published, else English."""
    if language.get() == "cy" and occurrence.name_cy:
        return occurrence.name_cy
    return occurrence.name


def _short(day: dt.date) -> str:
    return format_day(day, "day_month")


def column_when(occurrence: Occurrence, first: dt.date) -> str:
    """The dates of `occurrence` as its month's column shows them: "8", "8–14", "All month",
    "8 Feb – 8 Mar", or the year as well when it reaches into another year."""
    return span_when(occurrence.start, occurrence.end, first)


def span_when(start: dt.date, end: dt.date, first: dt.date) -> str:
    """The days `start`..`end` (inclusive) as the column of the month beginning `first` says
    them (see :func:`column_when`)."""
    last = first.replace(day=gregorian.monthrange(first.year, first.month)[1])
    if (start, end) == (first, last):
        return gettext(ALL_MONTH)
    if start == end:
        return str(start.day) if start.month == first.month else _short(start)
    if start >= first and end <= last:
        return f"{start.day}–{end.day}"
    if start.year != end.year:
        return f"{_short(start)} {start.year} – {_short(end)} {end.year}"
    return f"{_short(start)} – {_short(end)}"


def entry(occurrence: Occurrence, first: dt.date) -> Entry:
    return Entry(column_when(occurrence, first), name(occurrence), marks(occurrence), occurrence)


@dataclass(frozen=True)
class FreezeEntry:
    """A communication freeze as a printed line: when, and its title (kind and reason)."""

    when: str
    name: str
    freeze: Freeze


def freeze_when(freeze: Freeze, first: dt.date) -> str:
    """A freeze's days as the month column beginning `first` says them; "from 7 May" while it
    has no end."""
    last = freeze.last_day
    if last is None:
        return gettext(N_("from %(day)s")) % {"day": _short(freeze.start)}
    return span_when(freeze.start, last, first)


def freeze_line(freeze: Freeze) -> str:
    """The key's line for one freeze: its title, days and what it holds back."""
    last = freeze.last_day
    days: str
    if last is None:
        days = gettext(N_("from %(start)s until it is ended")) % {"start": format_day(freeze.start)}
    elif last == freeze.start:
        days = format_day(freeze.start)
    else:
        days = gettext(N_("%(start)s to %(end)s")) % {
            "start": format_day(freeze.start),
            "end": format_day(last),
        }
    holds = gettext(RESTRICTION_LABELS[freeze.restricts])
    return gettext(N_("%(freeze)s: %(days)s; holds back %(holds)s.")) % {
        "freeze": freeze.title.translated(),
        "days": days,
        "holds": holds,
    }


def year_freezes(freezes: Sequence[Freeze], year: int) -> list[Freeze]:
    """The freezes with a day in `year`, earliest first (cancelled ones never)."""
    return sorted(
        (f for f in freezes if f.overlaps(dt.date(year, 1, 1), dt.date(year, 12, 31))),
        key=lambda f: (f.start, f.id),
    )


def year_columns(
    occurrences: Sequence[Occurrence], year: int, freezes: Sequence[Freeze] = ()
) -> list[list[Entry | FreezeEntry]]:
    """Twelve columns of entries, January first: each occurrence once, in the month it starts
    (January for one that began the year before), in date order; each freeze the same way,
    first in its month."""
    columns: list[list[Entry | FreezeEntry]] = [[] for _ in range(12)]
    for freeze in year_freezes(freezes, year):
        month = freeze.start.month if freeze.start.year == year else 1
        first = dt.date(year, month, 1)
        columns[month - 1].append(
            FreezeEntry(freeze_when(freeze, first), freeze.title.translated(), freeze)
        )
    for occurrence in sorted(occurrences, key=lambda o: (o.start, -o.days, name(o).casefold())):
        if occurrence.end.year < year or occurrence.start.year > year:
            continue
        month = occurrence.start.month if occurrence.start.year == year else 1
        columns[month - 1].append(entry(occurrence, dt.date(year, month, 1)))
    return columns


@dataclass(frozen=True)
class Day:
    """One day of a month page (None for the padding before the 1st and after the last)."""

    day: dt.date | None
    entries: list[Entry] = field(default_factory=list)
    #: Inside a communication freeze.
    frozen: bool = False


@dataclass(frozen=True)
class MonthPage:
    """A month of the booklet: what runs through it (listed once) and its weeks of days."""

    first: dt.date
    running: list[Entry | FreezeEntry]
    weeks: list[list[Day]]


def month_page(
    occurrences: Sequence[Occurrence], first: dt.date, freezes: Sequence[Freeze] = ()
) -> MonthPage:
    """The month's grid, Monday first. Occurrences longer than a week (a month, Ramadan) are
    listed above the grid, as the month view does; shorter ones go on every day they cover.
    Freezes touching the month are listed first above the grid, and their days marked."""
    last = first.replace(day=gregorian.monthrange(first.year, first.month)[1])
    frozen = sorted((f for f in freezes if f.overlaps(first, last)), key=lambda f: (f.start, f.id))
    touching = sorted(
        (o for o in occurrences if o.start <= last and o.end >= first),
        key=lambda o: (o.start, -o.days, name(o).casefold()),
    )
    running: list[Entry | FreezeEntry] = [
        FreezeEntry(freeze_when(f, first), f.title.translated(), f) for f in frozen
    ]
    running += [entry(o, first) for o in touching if o.days > LONG_DAYS]
    weeks = []
    for week in gregorian.Calendar().monthdatescalendar(first.year, first.month):
        row = []
        for day in week:
            if day.month != first.month:
                row.append(Day(None))
                continue
            # The eve is said on the first day only: the second day of Sukkot has none.
            on_day = [
                Entry("", name(o), marks(o) if day == o.start else _day_marks(o), o)
                for o in touching
                if o.days <= LONG_DAYS and o.covers(day)
            ]
            row.append(Day(day, on_day, any(f.covers(day) for f in frozen)))
        weeks.append(row)
    return MonthPage(first, running, weeks)


def filter_label(categories: Sequence[Category]) -> str:
    """ "All categories", or the chosen ones by name."""
    if not categories:
        return gettext(ALL_CATEGORIES)
    return ", ".join(gettext(CATEGORY_LABELS[c]) for c in categories)
