"""Hebrew calendar dates, computed exactly with `pyluach`.

The Hebrew calendar is arithmetic, so these dates are `confirmed`; Jewish festivals begin at
sunset on the evening before the first day (the observance data says so with
`begins_evening_before`). In a leap year there are two Adars and Purim falls in Adar II, so the
month name `adar` means Adar II in leap years; `adar_i` names the first Adar explicitly.
"""

from __future__ import annotations

import datetime as dt

from pyluach import dates as hebrew_dates
from pyluach import utils as hebrew_utils

from edicalendar.errors import RuleError, UnsupportedYearError
from edicalendar.model import HebrewRule, RuleDate, Status

#: Months in pyluach's numbering (Nisan = 1, Tishrei = 7, Adar = 12, Adar II = 13).
MONTHS: dict[str, int] = {
    "nisan": 1,
    "iyar": 2,
    "sivan": 3,
    "tammuz": 4,
    "av": 5,
    "elul": 6,
    "tishrei": 7,
    "cheshvan": 8,
    "kislev": 9,
    "tevet": 10,
    "shevat": 11,
    "adar": 12,
    "adar_i": 12,
    "adar_ii": 13,
}
SUPPORTED_YEARS = (1900, 2200)


def _month_number(name: str, hebrew_year: int) -> int:
    leap = hebrew_utils._is_leap(hebrew_year)
    if name in ("adar", "adar_ii"):
        return 13 if leap else 12
    return MONTHS[name]


def dates(rule: HebrewRule, year: int, duration_days: int | None, subject: str) -> list[RuleDate]:
    """Dates of `rule` starting in Gregorian `year` (at most one: the calendar is solar-bound).

    A 30th day of a month that has 29 days in that Hebrew year gives no date.
    """
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last)
    if rule.month not in MONTHS:
        raise RuleError(
            f"{subject}: unknown Hebrew month {rule.month!r}; use one of {sorted(MONTHS)}"
        )
    found: list[RuleDate] = []
    for hebrew_year in (year + 3760, year + 3761):
        month = _month_number(rule.month, hebrew_year)
        try:
            start = hebrew_dates.HebrewDate(hebrew_year, month, rule.day).to_pydate()
        except ValueError:
            # Cheshvan and Kislev have 29 or 30 days: like 29 February, a 30th that this
            # year's month lacks gives no date (raising here hid every other year's dates).
            continue
        if start.year == year:
            length = 1 if duration_days is None else duration_days
            found.append(
                RuleDate(
                    start=start,
                    end=start + dt.timedelta(days=length - 1),
                    status=Status.CONFIRMED,
                    method="hebrew-calendar",
                )
            )
    return found
