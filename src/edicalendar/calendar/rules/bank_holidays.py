"""UK bank and public holidays by nation, taken from the holidays package, as gov.uk lists them.

Each observance names a nation (england-and-wales, scotland, northern-ireland) and one holiday;
the dates come from `holidays.UK` for that nation, never typed by hand. When a holiday falls at
a weekend the substitute weekday is the date given (as on gov.uk's list), so the calendar shows
the day off. `additional` collects the one-off days proclaimed for national occasions
(jubilees, a coronation, a state funeral), each labelled with its occasion. Bank holidays are
set by law and proclamation, so dates are `confirmed`; a proclamation can still add or move a
day, which a newer `holidays` release brings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from edicalendar.errors import UnsupportedYearError
from edicalendar.i18n import N_
from edicalendar.model import BankHolidayRule, RuleDate, Status

#: Nation -> the holidays package's UK subdivision code.
NATIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
#: Holiday key -> the holidays package's name, per nation where the names differ.
HOLIDAYS: dict[str, dict[str, str]] = {
    "new-years-day": dict.fromkeys(NATIONS, "New Year's Day"),
    "2-january": {"scotland": "New Year Holiday"},
    "good-friday": dict.fromkeys(NATIONS, "Good Friday"),
    "easter-monday": {"england-and-wales": "Easter Monday", "northern-ireland": "Easter Monday"},
    "early-may": dict.fromkeys(NATIONS, "May Day"),
    "spring": dict.fromkeys(NATIONS, "Spring Bank Holiday"),
    "summer": {
        "england-and-wales": "Late Summer Bank Holiday",
        "scotland": "Summer Bank Holiday",
        "northern-ireland": "Late Summer Bank Holiday",
    },
    "st-andrews-day": {"scotland": "Saint Andrew's Day"},
    "st-patricks-day": {"northern-ireland": "Saint Patrick's Day"},
    "battle-of-the-boyne": {"northern-ireland": "Battle of the Boyne"},
    "christmas-day": dict.fromkeys(NATIONS, "Christmas Day"),
    "boxing-day": dict.fromkeys(NATIONS, "Boxing Day"),
}
ADDITIONAL = "additional"
#: The holidays package dates UK bank holidays from the Bank Holidays Act 1871 onwards.
SUPPORTED_YEARS = (1871, 2200)
_OBSERVED = " (observed)"


@cache
def days_off(nation: str, year: int) -> tuple[tuple[dt.date, str], ...]:
    """Every bank holiday in `nation` and `year` as (day off, holidays-package name).

    A holiday at a weekend is given on its substitute weekday, under its own name.
    """
    import holidays

    table = holidays.country_holidays("GB", subdiv=NATIONS[nation], years=year)
    return days_off_in(table.items())


def days_off_in(table: Iterable[tuple[dt.date, str]]) -> tuple[tuple[dt.date, str], ...]:
    """:func:`days_off` from one year of the holidays package's table for a nation (its days
    and "; "-joined names, as `WorkingDays` keeps them on disk)."""
    named: dict[str, list[dt.date]] = {}
    for day, names in sorted(table):
        for name in names.split("; "):
            named.setdefault(name, []).append(day)
    result: list[tuple[dt.date, str]] = []
    for name, days in named.items():
        if name.lower().endswith(_OBSERVED):
            continue
        own = (name + _OBSERVED).lower()
        substitutes = [d for key, ds in named.items() if key.lower() == own for d in ds]
        # Days another holiday is moved to: 2 January 2023 was New Year's Day's substitute, so
        # Scotland's 2nd January holiday moved on to the 3rd.
        taken = {
            d
            for key, ds in named.items()
            if key.lower().endswith(_OBSERVED) and key.lower() != own
            for d in ds
        }
        for day in days:
            if substitutes and (day.weekday() >= 5 or day in taken):
                result.append((substitutes.pop(0), name))
            else:
                result.append((day, name))
    return tuple(sorted(result))


def regular_names(nation: str) -> frozenset[str]:
    """The holidays-package names of the nation's yearly holidays (everything but one-offs)."""
    return frozenset(names[nation] for names in HOLIDAYS.values() if nation in names)


def holidays_of(nation: str) -> tuple[str, ...]:
    """The holiday keys a nation has, plus `additional`."""
    return (*(key for key, names in HOLIDAYS.items() if nation in names), ADDITIONAL)


def dates(
    rule: BankHolidayRule, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    """The days off in `year` for the rule's nation and holiday (none, one, or several one-offs).

    Each RuleDate's `method` is "holidays-package"; a one-off day's `note` names the occasion.
    """
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, N_("holidays package UK tables"))
    length = duration_days or 1
    found = []
    regular = regular_names(rule.nation)
    wanted = HOLIDAYS.get(rule.holiday, {}).get(rule.nation)
    for day, name in days_off(rule.nation, year):
        if rule.holiday == ADDITIONAL:
            if name in regular:
                continue
        elif name != wanted:
            continue
        end = day + dt.timedelta(days=length - 1)
        note = name if rule.holiday == ADDITIONAL else None
        found.append(RuleDate(day, end, Status.CONFIRMED, method="holidays-package", note=note))
    return found
