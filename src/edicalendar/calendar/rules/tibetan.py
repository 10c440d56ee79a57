"""The Tibetan (Phugpa) calendar: Losar and other dates of the Tibetan lunisolar year.

The Phugpa calendar, published each year by the Men-Tsee-Khang in Dharamsala and followed by
most Tibetan communities, is arithmetic: mean lunar days corrected by tabulated equations of the
Sun and the Moon, with a leap month by a fixed 65-month cycle (Svante Janson, "Tibetan calendar
mathematics", 2014, arXiv:1401.6285; E. M. Reingold and N. Dershowitz, "Calendrical Calculations",
ch. 21). It has its own leap months, so Losar falls on the Chinese New Year in some years and a
month later in others (2025: 29 January and 28 February). Being computed from the traditional
rules rather than announced, dates are `estimated`; the Bhutanese calendar, a variant with a
different epoch, sometimes keeps Losar a day or a month apart, and is given as the alternative.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import lru_cache
from math import ceil, floor

from edicalendar.errors import RuleError, UnsupportedYearError
from edicalendar.i18n import N_
from edicalendar.model import RuleDate, Status, TibetanRule

SUPPORTED_YEARS = (1000, 3000)
#: Tibetan year numbers run 127 ahead of the Gregorian year in which they begin.
YEAR_OFFSET = 127

_SUN = (Fraction(0), Fraction(6, 60), Fraction(10, 60), Fraction(11, 60))
_MOON = tuple(Fraction(x, 60) for x in (0, 5, 10, 15, 19, 22, 24, 25))


def _fixed_from_gregorian(year: int, month: int, day: int) -> int:
    """Day count with 1 = 1 January of year 1 (proleptic Gregorian), for any year including < 1."""
    prior = year - 1
    count = 365 * prior + prior // 4 - prior // 100 + prior // 400 + (367 * month - 362) // 12
    if month > 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        count -= 1 if leap else 2
    return count + day


#: Reingold and Dershowitz's Tibetan epoch: 7 December of (astronomical) year -127.
_EPOCH = _fixed_from_gregorian(-127, 12, 7)


def _sun_equation(alpha: Fraction) -> Fraction:
    if alpha > 6:
        return -_sun_equation(alpha - 6)
    if alpha > 3:
        return _sun_equation(6 - alpha)
    if alpha.denominator == 1:
        return _SUN[int(alpha)]
    return (alpha % 1) * _sun_equation(Fraction(ceil(alpha))) + ((-alpha) % 1) * _sun_equation(
        Fraction(floor(alpha))
    )


def _moon_equation(alpha: Fraction) -> Fraction:
    if alpha > 14:
        return -_moon_equation(alpha - 14)
    if alpha > 7:
        return _moon_equation(14 - alpha)
    if alpha.denominator == 1:
        return _MOON[int(alpha)]
    return (alpha % 1) * _moon_equation(Fraction(ceil(alpha))) + ((-alpha) % 1) * _moon_equation(
        Fraction(floor(alpha))
    )


def fixed_from_tibetan(year: int, month: int, leap_month: bool, day: int, leap_day: bool) -> int:
    """The day count of a Tibetan date (Reingold and Dershowitz's `fixed-from-tibetan`)."""
    months = floor(
        Fraction(804, 65) * (year - 1)
        + Fraction(67, 65) * month
        - int(leap_month)
        + Fraction(64, 65)
    )
    days = 30 * months + day
    mean = days * Fraction(11135, 11312) - 30 + (0 if leap_day else -1) + Fraction(1071, 1616)
    solar_anomaly = (days * Fraction(13, 4824) + Fraction(2117, 4824)) % 1
    lunar_anomaly = (days * Fraction(3781, 105840) + Fraction(2837, 15120)) % 1
    sun = -_sun_equation(12 * solar_anomaly)
    moon = _moon_equation(28 * lunar_anomaly)
    return floor(_EPOCH + mean + sun + moon)


def is_leap_month(year: int, month: int) -> bool:
    """True when Tibetan `month` of `year` is doubled (a leap month comes first).

    The true-month count is floor(67/65 N + 64/65) with N = 12 (year - 1) + month; where it
    jumps by two between N - 1 and N, the extra count is the leap month.
    """
    count = 12 * (year - 1) + month
    return (67 * count + 64) % 65 in (0, 1)


@lru_cache(maxsize=4096)
def date_of(tibetan_year: int, month: int, day: int) -> dt.date:
    """Gregorian date of a day of a Tibetan month (the leap month when the year opens with one)."""
    leap = month == 1 and is_leap_month(tibetan_year, 1)
    return dt.date.fromordinal(fixed_from_tibetan(tibetan_year, month, leap, day, False))


def losar(gregorian_year: int) -> dt.date:
    """Losar, the first day of the Tibetan year that begins in `gregorian_year`."""
    return date_of(gregorian_year + YEAR_OFFSET, 1, 1)


def dates(rule: TibetanRule, year: int, duration_days: int | None, subject: str) -> list[RuleDate]:
    """The Tibetan date `rule` names in the Tibetan year(s) touching Gregorian `year`."""
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, N_("Phugpa calendar"))
    if not 1 <= rule.month <= 12 or not 1 <= rule.day <= 30:
        raise RuleError(f"{subject}: Tibetan month {rule.month} day {rule.day} does not exist")
    length = 1 if duration_days is None else duration_days
    found = []
    for tibetan_year in (year + YEAR_OFFSET - 1, year + YEAR_OFFSET):
        start = date_of(tibetan_year, rule.month, rule.day)
        if start.year == year:
            found.append(
                RuleDate(
                    start=start,
                    end=start + dt.timedelta(days=length - 1),
                    status=Status.ESTIMATED,
                    may_vary_days=0,
                    method="phugpa",
                )
            )
    return found
