"""Islamic (Hijri) dates from the Umm al-Qura calendar, via `hijridate`.

Umm al-Qura is a computed calendar; in the UK most mosques start months by moon sighting or by
following Saudi announcements, so a festival may fall a day either side. Every date here is
therefore `estimated` with `may_vary_days = 1`. The Hijri year is about 11 days shorter than the
Gregorian year, so one Hijri date can fall twice in one Gregorian year (Ramadan in 2030).
"""

from __future__ import annotations

import datetime as dt

from hijridate import Gregorian, Hijri

from edicalendar.errors import RuleError, UnsupportedYearError
from edicalendar.model import HijriRule, RuleDate, Status

#: Gregorian years wholly inside hijridate's Umm al-Qura table (1343-1500 AH).
SUPPORTED_YEARS = (1925, 2076)
MAY_VARY_DAYS = 1


def _to_date(hijri: Hijri) -> dt.date:
    return dt.date(*hijri.to_gregorian().datetuple())


def dates(rule: HijriRule, year: int, duration_days: int | None, subject: str) -> list[RuleDate]:
    """Dates of `rule` that start in Gregorian `year`, earliest first."""
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, "Umm al-Qura table")
    if not 1 <= rule.month <= 12 or not 1 <= rule.day <= 30:
        raise RuleError(f"{subject}: Hijri month {rule.month} day {rule.day} does not exist")
    first_hijri = Gregorian(year, 1, 1).to_hijri().year
    last_hijri = Gregorian(year, 12, 31).to_hijri().year
    found: list[RuleDate] = []
    for hijri_year in range(first_hijri, last_hijri + 1):
        month_length = Hijri(hijri_year, rule.month, 1).month_length()
        day = min(rule.day, month_length)
        start = _to_date(Hijri(hijri_year, rule.month, day))
        if start.year != year:
            continue
        if rule.whole_month:
            length = month_length
        else:
            length = 1 if duration_days is None else duration_days
        found.append(
            RuleDate(
                start=start,
                end=start + dt.timedelta(days=length - 1),
                status=Status.ESTIMATED,
                may_vary_days=MAY_VARY_DAYS,
                method="umm-al-qura",
            )
        )
    return found
