"""Islamic (Hijri) dates by the Umm al-Qura calendar, UK moon sighting, or calculation.

Umm al-Qura (via `hijridate`) is the Saudi calendar; UK moon sighting and the calculated
calendar (see :mod:`edicalendar.calendar.rules.hijri_months`) are read from the shipped
conventions table. In the UK, mosques start months by one of these, so a festival may fall a day
either side of any one of them: every date is `estimated` with `may_vary_days = 1`, and each
occurrence lists what the other conventions give. The Hijri year is about 11 days shorter than
the Gregorian year, so one Hijri date can fall twice in one Gregorian year (Ramadan in 2030).
"""

from __future__ import annotations

import datetime as dt

from hijridate import Gregorian, Hijri

from edicalendar.calendar.rules import convention_table
from edicalendar.errors import RuleError, UnsupportedYearError
from edicalendar.i18n import N_
from edicalendar.model import HijriRule, RuleDate, Status

#: Gregorian years wholly inside hijridate's Umm al-Qura table (1343-1500 AH).
SUPPORTED_YEARS = (1925, 2076)
MAY_VARY_DAYS = 1
UMM_AL_QURA = "umm-al-qura"


def _to_date(hijri: Hijri) -> dt.date:
    return dt.date(*hijri.to_gregorian().datetuple())


def _month(convention: str, hijri_year: int, month: int) -> tuple[dt.date, int]:
    """First day and length of a Hijri month by `convention`."""
    if convention == UMM_AL_QURA:
        return _to_date(Hijri(hijri_year, month, 1)), Hijri(hijri_year, month, 1).month_length()
    starts = convention_table.load().hijri_starts
    following = (hijri_year + 1, 1) if month == 12 else (hijri_year, month + 1)
    try:
        first = starts[(convention, hijri_year, month)]
        last = starts[(convention, *following)]
    except KeyError as exc:
        raise RuleError(
            f"the conventions table has no {convention} start for {hijri_year}/{month}; "
            f"regenerate it with {convention_table.GENERATOR}"
        ) from exc
    return first, (last - first).days


def dates(
    rule: HijriRule,
    year: int,
    duration_days: int | None,
    subject: str,
    convention: str = UMM_AL_QURA,
) -> list[RuleDate]:
    """Dates of `rule` that start in Gregorian `year`, earliest first, by `convention`."""
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, N_("Umm al-Qura table"))
    if not 1 <= rule.month <= 12 or not 1 <= rule.day <= 30:
        raise RuleError(f"{subject}: Hijri month {rule.month} day {rule.day} does not exist")
    first_hijri = Gregorian(year, 1, 1).to_hijri().year
    last_hijri = Gregorian(year, 12, 31).to_hijri().year
    found: list[RuleDate] = []
    # Another convention can move a date across 1 January: look one Hijri year further each way.
    margin = 0 if convention == UMM_AL_QURA else 1
    newest = 1500 if convention == UMM_AL_QURA else convention_table.HIJRI_YEARS[1]
    oldest = max(first_hijri - margin, 1343)
    for hijri_year in range(oldest, min(last_hijri + margin, newest) + 1):
        month_first, month_length = _month(convention, hijri_year, rule.month)
        start = month_first + dt.timedelta(days=min(rule.day, month_length) - 1)
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
                method=convention,
            )
        )
    return found
