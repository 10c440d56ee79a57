"""The Badí' (Bahá'í) calendar: Naw-Rúz, the holy days counted from it, and the Twin Holy Days.

Since Naw-Rúz 172 B.E. (21 March 2015) the Bahá'í world keeps one calendar (Universal House of
Justice, letter of 10 July 2014): Naw-Rúz is the day, reckoned from sunset to sunset in Tehran, in
which the March equinox falls; the year is 19 months of 19 days with Ayyám-i-Há (four or five
intercalary days) before the last month, ʻAlá', the month of the Fast; the holy days have fixed
Badí' dates; and the Birth of the Báb and the Birth of Bahá'u'lláh are kept on the first and second
days after the eighth new moon after Naw-Rúz. The Bahá'í World Centre published the resulting
dates for 2015-2064 (172-221 B.E.); inside those years the published table gives the date
(`confirmed`, with the table as source), outside them the same rule is computed (`estimated`).
Before 2015 Bahá'ís in the West kept fixed Gregorian dates, which this module gives for earlier
years. A Bahá'í day begins at sunset on the evening before its Gregorian date.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import ephem

from edicalendar.calendar.rules import solar_terms
from edicalendar.calendar.rules.solar_terms import DayStart, Place, Term
from edicalendar.errors import RuleError
from edicalendar.i18n import N_, Message
from edicalendar.model import BadiRule, RuleDate, Status

#: The table "Bahá'í Dates 172 to 221 B.E." prepared at the Bahá'í World Centre (2014).
UHJ_TABLE_SOURCE = "https://bahai-library.com/pdf/uhj/uhj_bahai_dates_172-221.pdf"
UHJ_LETTER_SOURCE = "https://bahai-library.com/uhj_badi_calendar_2014"
#: Before this Gregorian year Western Bahá'ís used fixed Gregorian dates.
REFORM_YEAR = 2015

MONTHS = (
    "baha", "jalal", "jamal", "azamat", "nur", "rahmat", "kalimat", "kamal", "asma", "izzat",
    "mashiyyat", "ilm", "qudrat", "qawl", "masail", "sharaf", "sultan", "mulk",
)  # fmt: skip
AYYAM_I_HA = "ayyam_i_ha"
ALA = "ala"
MONTH_NAMES = (*MONTHS, AYYAM_I_HA, ALA)
TWIN_HOLY_DAYS = ("birth_of_the_bab", "birth_of_bahaullah")

#: Naw-Rúz day of March and the Twin Holy Days (month, day of the Birth of the Báb) as the
#: Universal House of Justice published them for 2015-2064; the Birth of Bahá'u'lláh is the
#: next day. Transcribed from the table and checked against the GNU Emacs cal-bahai test data.
PUBLISHED: dict[int, tuple[int, int, int]] = {
    2015: (21, 11, 13), 2016: (20, 11, 1), 2017: (20, 10, 21), 2018: (21, 11, 9),
    2019: (21, 10, 29), 2020: (20, 10, 18), 2021: (20, 11, 6), 2022: (21, 10, 26),
    2023: (21, 10, 16), 2024: (20, 11, 2), 2025: (20, 10, 22), 2026: (21, 11, 10),
    2027: (21, 10, 30), 2028: (20, 10, 19), 2029: (20, 11, 7), 2030: (20, 10, 28),
    2031: (21, 10, 17), 2032: (20, 11, 4), 2033: (20, 10, 24), 2034: (20, 11, 12),
    2035: (21, 11, 1), 2036: (20, 10, 20), 2037: (20, 11, 8), 2038: (20, 10, 29),
    2039: (21, 10, 19), 2040: (20, 11, 6), 2041: (20, 10, 26), 2042: (20, 10, 15),
    2043: (21, 11, 3), 2044: (20, 10, 22), 2045: (20, 11, 10), 2046: (20, 10, 30),
    2047: (21, 10, 20), 2048: (20, 11, 7), 2049: (20, 10, 28), 2050: (20, 10, 17),
    2051: (21, 11, 5), 2052: (20, 10, 24), 2053: (20, 11, 11), 2054: (20, 11, 1),
    2055: (21, 10, 21), 2056: (20, 11, 8), 2057: (20, 10, 29), 2058: (20, 10, 18),
    2059: (20, 11, 6), 2060: (20, 10, 25), 2061: (20, 10, 14), 2062: (20, 11, 2),
    2063: (20, 10, 23), 2064: (20, 11, 10),
}  # fmt: skip
PUBLISHED_YEARS = (min(PUBLISHED), max(PUBLISHED))

#: Western Gregorian dates before 2015 (The Bahá'í World, vol. XVIII, pp. 598-608), for the
#: holy days whose Badí' date did not simply follow a 21 March Naw-Rúz.
_WESTERN_FIXED: dict[tuple[str, int], tuple[int, int]] = {
    ("azamat", 8): (5, 23),  # Declaration of the Báb
    ("rahmat", 17): (7, 9),  # Martyrdom of the Báb
    ("qawl", 4): (11, 26),  # Day of the Covenant
    ("qawl", 6): (11, 28),  # Ascension of ʻAbdu'l-Bahá
    ("birth_of_the_bab", 0): (10, 20),
    ("birth_of_bahaullah", 0): (11, 12),
}
_WESTERN_SOURCE = (
    "https://bahaiprayers.net/Deepenings/Text?city=Vancouver&folder=Bad%C3%AD+calendar"
)

_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=1024)
def computed_naw_ruz(year: int) -> tuple[dt.date, float]:
    """Naw-Rúz in Gregorian `year` by the 2014 rule, and minutes between equinox and sunset."""
    moment = solar_terms.moment_of(Term.MARCH_EQUINOX, year)
    return solar_terms.day_of(moment, Place.TEHRAN, DayStart.SUNSET)


def naw_ruz(year: int) -> dt.date:
    """Naw-Rúz (1 Bahá) in Gregorian `year`: published, computed, or 21 March before 2015."""
    if year < REFORM_YEAR:
        return dt.date(year, 3, 21)
    if year in PUBLISHED:
        return dt.date(year, 3, PUBLISHED[year][0])
    return computed_naw_ruz(year)[0]


@lru_cache(maxsize=1024)
def computed_twin_holy_days(year: int) -> tuple[dt.date, float]:
    """Birth of the Báb by the 2014 rule, and minutes between the new moon and sunset.

    The eighth new moon counted after the Naw-Rúz day ends (a new moon on Naw-Rúz itself does
    not count: 2034 and 2053 in the published table); the Birth of the Báb is the next Badí' day.
    """
    moment = solar_terms.sunset(Place.TEHRAN, naw_ruz(year))
    when = solar_terms._ephem_date(moment)
    for _ in range(8):
        when = ephem.Date(ephem.next_new_moon(when) + 1e-6)
    day, margin = solar_terms.day_of(solar_terms.to_utc(when), Place.TEHRAN, DayStart.SUNSET)
    return day + _DAY, margin


def birth_of_the_bab(year: int) -> dt.date:
    if year < REFORM_YEAR:
        return dt.date(year, 10, 20)
    if year in PUBLISHED:
        _, month, day = PUBLISHED[year]
        return dt.date(year, month, day)
    return computed_twin_holy_days(year)[0]


def day_of_year(month: str, day: int, year: int) -> dt.date:
    """The Gregorian date of a Badí' date in the year whose Naw-Rúz falls in `year`."""
    start = naw_ruz(year)
    if month == ALA:
        return naw_ruz(year + 1) - dt.timedelta(days=20 - day)
    if month == AYYAM_I_HA:
        return start + dt.timedelta(days=18 * 19 + day - 1)
    return start + dt.timedelta(days=MONTHS.index(month) * 19 + day - 1)


def ayyam_i_ha_length(year: int) -> int:
    """Four or five: the days between the 18th month and ʻAlá' (19 days before Naw-Rúz)."""
    first_of_ala = naw_ruz(year + 1) - dt.timedelta(days=19)
    return (first_of_ala - day_of_year(AYYAM_I_HA, 1, year)).days


def _validate(rule: BadiRule, subject: str) -> None:
    if rule.holy_day is not None:
        if rule.holy_day not in TWIN_HOLY_DAYS:
            raise RuleError(
                f"{subject}: unknown Badí' holy day {rule.holy_day!r}; "
                f"use one of {list(TWIN_HOLY_DAYS)}"
            )
        return
    if rule.month not in MONTH_NAMES:
        raise RuleError(
            f"{subject}: unknown Badí' month {rule.month!r}; use one of {list(MONTH_NAMES)}"
        )
    if not 1 <= rule.day <= (5 if rule.month == AYYAM_I_HA else 19):
        raise RuleError(f"{subject}: Badí' month {rule.month} has no day {rule.day}")


def dates(rule: BadiRule, year: int, duration_days: int | None, subject: str) -> list[RuleDate]:
    """The occurrence of a Badí' date (or Twin Holy Day) that starts in Gregorian `year`.

    A Badí' year runs from Naw-Rúz in March to the next; Sharaf to ʻAlá' fall in the following
    Gregorian year, so both the Badí' year from March `year - 1` and the one from March `year` are
    looked at and the date that starts in `year` is kept.
    """
    solar_terms.check_year(subject, year)
    _validate(rule, subject)
    found: list[RuleDate] = []
    if rule.holy_day is not None:
        candidates = [
            (
                year,
                birth_of_the_bab(year)
                + (_DAY if rule.holy_day == TWIN_HOLY_DAYS[1] else dt.timedelta()),
            )
        ]
    else:
        assert rule.month is not None
        candidates = [(badi, day_of_year(rule.month, rule.day, badi)) for badi in (year - 1, year)]
    for badi_year, start in candidates:
        if start.year != year:
            continue
        if rule.whole_month:
            length = ayyam_i_ha_length(badi_year) if rule.month == AYYAM_I_HA else 19
        else:
            length = 1 if duration_days is None else duration_days
        found.append(_status(rule, badi_year, start, length))
    return found


def _deciding_years(rule: BadiRule, badi_year: int) -> tuple[int, ...]:
    """The Naw-Rúz years a date depends on (ʻAlá' and Ayyám-i-Há also need the next Naw-Rúz)."""
    if rule.month in (ALA, AYYAM_I_HA):
        return (badi_year, badi_year + 1)
    return (badi_year,)


def _status(rule: BadiRule, badi_year: int, start: dt.date, length: int) -> RuleDate:
    deciding = _deciding_years(rule, badi_year)
    if all(y < REFORM_YEAR for y in deciding):
        key = (rule.holy_day, 0) if rule.holy_day else (rule.month or "", rule.day)
        western = _WESTERN_FIXED.get(key)
        if western is not None and not rule.whole_month:
            start = dt.date(start.year, *western)
        return _dated(start, length, Status.CONFIRMED, "badi-western", _WESTERN_SOURCE, None)
    if all(y in PUBLISHED for y in deciding):
        return _dated(start, length, Status.CONFIRMED, "uhj-table", UHJ_TABLE_SOURCE, None)
    margins = [computed_naw_ruz(y)[1] for y in deciding if y >= REFORM_YEAR and y not in PUBLISHED]
    if rule.holy_day is not None and badi_year not in PUBLISHED:
        margins.append(computed_twin_holy_days(badi_year)[1])
    margin = min(margins, default=999.0)
    near = margin < solar_terms.BOUNDARY_MINUTES
    note = (
        Message(
            N_(
                "Computed from an equinox or new moon %(minutes)s minutes from sunset in Tehran; "
                "the Bahá'í World Centre's own tables may give the other day."
            ),
            minutes=f"{margin:.0f}",
        )
        if near
        else None
    )
    return _dated(start, length, Status.ESTIMATED, "astronomical", None, note, 1 if near else 0)


def _dated(
    start: dt.date,
    length: int,
    status: Status,
    method: str,
    source: str | None,
    note: str | None,
    may_vary: int = 0,
) -> RuleDate:
    return RuleDate(
        start=start,
        end=start + dt.timedelta(days=length - 1),
        status=status,
        may_vary_days=may_vary,
        method=method,
        source=source,
        note=note,
    )
