"""Zoroastrian calendar dates in the Shahenshahi and Kadmi reckonings (Parsi New Year).

Both have twelve months of 30 days and five Gatha days, 365 days a year with no leap day, so a
festival moves one day earlier in the Gregorian calendar every four years. Shahenshahi
1 Farvardin fell on 28 August in 1972 (the anchor the holidays package takes from zanc.org's
Zoroastrian calendar), and on 15 August in 2024-2027; the Kadmi year begins 30 days
earlier. (The Fasli reckoning keeps 21 March and is written as ordinary fixed dates.) The
arithmetic is exact, so dates are `confirmed`.
"""

from __future__ import annotations

import datetime as dt

from edicalendar.errors import UnsupportedYearError
from edicalendar.i18n import N_
from edicalendar.model import RuleDate, Status, ZoroastrianRule

#: 1 Farvardin in the Shahenshahi reckoning of the year that began in 1972.
_SHAHENSHAHI_ANCHOR = dt.date(1972, 8, 28)
_KADMI_SHIFT = -30
SUPPORTED_YEARS = (1583, 4099)
CALENDARS = ("shahenshahi", "kadmi")


def new_year(calendar: str, years_after_1972: int) -> dt.date:
    """1 Farvardin of the year beginning `years_after_1972` years after the 1972 one."""
    shift = 0 if calendar == "shahenshahi" else _KADMI_SHIFT
    return _SHAHENSHAHI_ANCHOR + dt.timedelta(days=365 * years_after_1972 + shift)


def dates(
    rule: ZoroastrianRule, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    """The date's occurrences starting in Gregorian `year` (one, rarely two: 365-day years)."""
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, N_("Gregorian calendar"))
    length = duration_days or 1
    offset = 30 * (rule.month - 1) + rule.day - 1
    found = []
    # The year beginning in Gregorian year G is about G - 1972 years after the anchor; a year
    # either side covers the drift of about a day every four years over the supported range.
    for count in range(year - 1972 - 3, year - 1972 + 2):
        start = new_year(rule.calendar, count) + dt.timedelta(days=offset)
        if start.year == year:
            end = start + dt.timedelta(days=length - 1)
            found.append(RuleDate(start, end, Status.CONFIRMED, method=f"{rule.calendar}"))
    return sorted(found, key=lambda d: d.start)
