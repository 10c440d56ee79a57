"""Ethiopian (Ge'ez) calendar dates: Enkutatash, Meskel, Timkat.

The Ethiopian calendar has twelve months of 30 days and a thirteenth, Pagume, of five days (six
in the year before a Julian leap year); its months start on the same days as the Coptic months.
The arithmetic is exact, so dates are `confirmed`: 1 Meskerem is 11 September, or 12 September
in years before a Gregorian leap year, between 1901 and 2098. Churches keep the festival days
whatever the weekday.
"""

from __future__ import annotations

import datetime as dt

from edicalendar.errors import UnsupportedYearError
from edicalendar.i18n import N_
from edicalendar.model import EthiopianRule, RuleDate, Status

#: Rata die (proleptic Gregorian ordinal) of 1 Meskerem of year 1 (Julian 29 August 8 CE).
_EPOCH = 2796
SUPPORTED_YEARS = (1583, 4099)


def ordinal(year: int, month: int, day: int) -> int:
    """The proleptic Gregorian ordinal of an Ethiopian date (month 13 is Pagume)."""
    return _EPOCH - 1 + 365 * (year - 1) + year // 4 + 30 * (month - 1) + day


def dates(
    rule: EthiopianRule, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    """The Ethiopian date's occurrences that start in Gregorian `year` (exactly one)."""
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, N_("Gregorian calendar"))
    length = duration_days or 1
    found = []
    # Meskerem to Nehase of Ethiopian year E fall in Gregorian years E+7 and E+8.
    for ethiopian_year in (year - 8, year - 7):
        start = dt.date.fromordinal(ordinal(ethiopian_year, rule.month, rule.day))
        if start.year == year:
            end = start + dt.timedelta(days=length - 1)
            found.append(RuleDate(start, end, Status.CONFIRMED, method="ethiopian-calendar"))
    return found
