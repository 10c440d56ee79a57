"""Astronomy for the lunisolar festivals: lunar months, tithis, solar ingresses, Chinese months.

Positions come from PyEphem (VSOP87 and ELP-2000 built in, so nothing is downloaded). Hindu
months are amanta (new moon to new moon) and named by the sidereal sign the Sun enters during
the month (Lahiri ayanamsa); a month with no ingress is adhika (leap). Days are civil days at
New Delhi (IST), the place Indian almanacs and the `holidays` tables are computed for. Chinese
months start on the China Standard Time date of the new moon, month 11 holds the December
solstice, and in a 13-month year the first month without a principal solar term is the leap.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache

import ephem

#: New moons are tabulated for this range of Gregorian years (festival years plus margins).
EPHEMERIS_YEARS = (1948, 2102)

#: New Delhi: the almanac location for North Indian festival dates.
DELHI_LATITUDE = "28.6139"
DELHI_LONGITUDE = "77.2090"
IST = dt.timedelta(hours=5, minutes=30)
#: China Standard Time (UTC+8), in which the Chinese calendar dates its new moons and terms.
CST = dt.timedelta(hours=8)

#: Lahiri (Chitrapaksha) ayanamsa at J2000.0 and its mean annual growth, in degrees.
_LAHIRI_J2000 = 23.85306
_PRECESSION_PER_YEAR = 50.2880 / 3600
_J2000 = float(ephem.Date("2000/1/1 12:00"))
_SYNODIC_MONTH = 29.530588
#: Mean daily motion of the Moon relative to the Sun, in degrees (for root finding).
_ELONGATION_RATE = 360 / _SYNODIC_MONTH
_EPOCH = dt.datetime(1899, 12, 31, 12, 0)  # PyEphem's day zero (Dublin Julian Date 0)

#: Hindu month names in amanta order; index 0 is Chaitra.
HINDU_MONTHS = (
    "Chaitra",
    "Vaishakha",
    "Jyeshtha",
    "Ashadha",
    "Shravana",
    "Bhadrapada",
    "Ashvin",
    "Kartika",
    "Margashirsha",
    "Pausha",
    "Magha",
    "Phalguna",
)


def to_datetime(moment: float) -> dt.datetime:
    """A PyEphem date (days since 1899-12-31 12:00 UTC) as a naive UTC datetime."""
    return _EPOCH + dt.timedelta(days=moment)


def from_datetime(utc: dt.datetime) -> float:
    """A naive UTC datetime as a PyEphem date number."""
    return (utc - _EPOCH).total_seconds() / 86400


def local_date(moment: float, offset: dt.timedelta) -> dt.date:
    """The civil date of `moment` at a fixed UTC offset."""
    return (to_datetime(moment) + offset).date()


def _true_longitude(body: ephem.Body, moment: float) -> float:
    body.compute(moment)
    equatorial = ephem.Equatorial(body.ra, body.dec, epoch=moment)
    return math.degrees(ephem.Ecliptic(equatorial, epoch=moment).lon)


def sun_longitude(moment: float) -> float:
    """Apparent tropical ecliptic longitude of the Sun, degrees [0, 360)."""
    return _true_longitude(ephem.Sun(), moment)


def moon_longitude(moment: float) -> float:
    """Apparent tropical ecliptic longitude of the Moon, degrees [0, 360)."""
    return _true_longitude(ephem.Moon(), moment)


def elongation(moment: float) -> float:
    """Moon minus Sun longitude, degrees [0, 360): 12 degrees per tithi."""
    return (moon_longitude(moment) - sun_longitude(moment)) % 360


def ayanamsa(moment: float) -> float:
    """Lahiri ayanamsa in degrees (linear precession; within seconds of arc over 1950-2100)."""
    return _LAHIRI_J2000 + (moment - _J2000) / 365.25 * _PRECESSION_PER_YEAR


def sidereal_sun(moment: float) -> float:
    """Sidereal (nirayana, Lahiri) longitude of the Sun, degrees [0, 360)."""
    return (sun_longitude(moment) - ayanamsa(moment)) % 360


def _solve(angle_at: Callable[[float], float], target: float, guess: float, rate: float) -> float:
    """The moment near `guess` when the angle reaches `target` (angles in degrees)."""
    moment = guess
    for _ in range(12):
        step = ((target - angle_at(moment) + 180) % 360 - 180) / rate
        moment += step
        if abs(step) < 1e-6:
            break
    return moment


# --- Hindu lunar months -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HinduMonth:
    """One amanta lunar month: `index` 0 = Chaitra, between two new moons (PyEphem dates)."""

    index: int
    adhika: bool
    start: float
    end: float

    @property
    def name(self) -> str:
        prefix = "Adhika " if self.adhika else ""
        return prefix + HINDU_MONTHS[self.index]


@cache
def new_moons() -> tuple[float, ...]:
    """Every new moon over EPHEMERIS_YEARS, as PyEphem dates."""
    first, last = EPHEMERIS_YEARS
    moment = float(ephem.Date(f"{first}/1/1"))
    end = float(ephem.Date(f"{last + 1}/1/1"))
    found: list[float] = []
    while moment < end:
        moment = float(ephem.next_new_moon(moment))
        found.append(moment)
        moment += 1
    return tuple(found)


@cache
def hindu_months() -> tuple[HinduMonth, ...]:
    """Every amanta month over EPHEMERIS_YEARS, named by the solar ingress inside it."""
    moons = new_moons()
    signs = [int(sidereal_sun(moment) // 30) for moment in moons]
    months: list[HinduMonth] = []
    for i in range(len(moons) - 1):
        # The month whose Sun enters sign s (s = 0 is Mesha) is named s: Chaitra holds Mesha
        # sankranti. No ingress at all makes an adhika month carrying the next month's name.
        index = (signs[i] + 1) % 12
        months.append(HinduMonth(index, signs[i] == signs[i + 1], moons[i], moons[i + 1]))
    return tuple(months)


def months_named(index: int, year: int) -> list[HinduMonth]:
    """Nija (non-leap) months called `index` that begin from 1 Dec of year-1 to 31 Dec of year."""
    low = float(ephem.Date(f"{year - 1}/12/1"))
    high = float(ephem.Date(f"{year + 1}/1/1"))
    months = hindu_months()
    starts = [month.start for month in months]
    first = bisect.bisect_left(starts, low - 31)
    last = bisect.bisect_right(starts, high)
    return [
        month
        for month in months[first:last]
        if month.index == index and not month.adhika and low - 31 <= month.start < high
    ]


def tithi_span(month: HinduMonth, tithi: int) -> tuple[float, float]:
    """Start and end (PyEphem dates) of tithi 1-30 of `month`; 1-15 shukla, 16-30 krishna."""
    if tithi == 30:
        return _solve(elongation, 348, month.end - 1, _ELONGATION_RATE), month.end
    begin = month.start
    if tithi > 1:
        guess = month.start + (tithi - 1) * _SYNODIC_MONTH / 30
        begin = _solve(elongation, 12 * (tithi - 1), guess, _ELONGATION_RATE)
    guess = month.start + tithi * _SYNODIC_MONTH / 30
    return begin, _solve(elongation, 12 * tithi, guess, _ELONGATION_RATE)


# --- days at New Delhi ------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def delhi_sun(day: dt.date) -> tuple[float, float]:
    """Sunrise and sunset at New Delhi on the IST civil date `day`, as PyEphem dates."""
    observer = _delhi_observer()
    midnight_utc = dt.datetime.combine(day, dt.time()) - IST
    observer.date = from_datetime(midnight_utc)
    sun = ephem.Sun()
    rise = float(observer.next_rising(sun))
    sett = float(observer.next_setting(sun))
    return rise, sett


class DayRule(Enum):
    """The moment of the civil day at which a tithi must be current for the festival day.

    Each value is (fraction, of_night): a fraction of daylight after sunrise, or of the night
    from sunset to the next sunrise. Almanacs choose the moment by festival: most by sunrise,
    Diwali by the evening (pradosh), Ganesh Chaturthi and Ram Navami by midday (madhyahna),
    Dussehra and the day after Holika Dahan by the afternoon (aparahna).
    """

    SUNRISE = (0.0, False)
    #: About half an hour after sunrise: inside the morning window for Navaratri's Ghatasthapana.
    GHATASTHAPANA = (0.05, False)
    #: End of the third of the day's fifteen muhurtas: Raksha Bandhan needs Purnima to last
    #: three muhurtas after sunrise.
    THIRD_MUHURTA = (0.2, False)
    MADHYAHNA = (0.5, False)
    APARAHNA = (0.7, False)
    SUNSET = (0.0, True)
    #: Moonrise after sunset (Karva Chauth's fast ends when the moon is seen); not a fraction.
    MOONRISE = (-1.0, True)
    #: Three eighths into the night, before midnight: reproduces the published Maha Shivaratri
    #: dates for 2001-2035 (the night's midpoint misses three of them).
    NIGHT_THREE_EIGHTHS = (0.375, True)

    @property
    def fraction(self) -> float:
        return float(self.value[0])

    @property
    def of_night(self) -> bool:
        return bool(self.value[1])


def _delhi_observer() -> ephem.Observer:
    observer = ephem.Observer()
    observer.lat = DELHI_LATITUDE
    observer.lon = DELHI_LONGITUDE
    observer.elevation = 216
    return observer


@lru_cache(maxsize=65536)
def delhi_moonrise(day: dt.date) -> float:
    """The first moonrise at New Delhi after sunset on the IST civil date `day`."""
    observer = _delhi_observer()
    observer.date = delhi_sun(day)[1]
    return float(observer.next_rising(ephem.Moon()))


def _moment_of(day: dt.date, rule: DayRule) -> float:
    if rule is DayRule.MOONRISE:
        return delhi_moonrise(day)
    fraction = rule.fraction
    rise, sett = delhi_sun(day)
    if not rule.of_night:
        return rise + fraction * (sett - rise)
    next_rise, _ = delhi_sun(day + dt.timedelta(days=1))
    return sett + fraction * (next_rise - sett)


def day_of_tithi(
    month: HinduMonth, tithi: int, rule: DayRule, later_of_two: bool = False
) -> dt.date:
    """The IST civil day on which `tithi` of `month` is current at the rule's moment.

    When two days qualify (a long tithi) the first is taken, or the second with
    `later_of_two`; when none does (a short tithi that falls between two such moments) the day
    on which the tithi began is taken.
    """
    begin, end = tithi_span(month, tithi)
    day = local_date(begin, IST) - dt.timedelta(days=1)
    found: list[dt.date] = []
    for _ in range(4):
        if begin <= _moment_of(day, rule) < end:
            found.append(day)
        day += dt.timedelta(days=1)
    if found:
        return found[-1] if later_of_two else found[0]
    if rule is DayRule.MOONRISE:
        # The fast runs from sunrise to moonrise: a tithi that begins after one moonrise and
        # ends before the next is kept on the day it holds at sunrise.
        day = local_date(begin, IST)
        return day if delhi_sun(day)[0] >= begin else day + dt.timedelta(days=1)
    first_day = local_date(begin, IST)
    if _moment_of(first_day, rule) < begin:
        return first_day
    return first_day - dt.timedelta(days=1)


# --- solar ingress ----------------------------------------------------------------------------


def sankranti(sign: int, year: int) -> float:
    """Moment the sidereal Sun enters `sign` (0 = Mesha, 9 = Makara) in Gregorian `year`."""
    # The Sun enters Mesha around 14 April and each later sign about 30.4 days on.
    guess_day = dt.date(year, 4, 14) + dt.timedelta(days=round(30.44 * sign))
    if guess_day.year != year:
        guess_day = guess_day.replace(year=year)
    guess = from_datetime(dt.datetime.combine(guess_day, dt.time()))
    return _solve(sidereal_sun, 30.0 * sign, guess, 0.9856)


class SankrantiDay(Enum):
    """Which civil day a solar ingress (sankranti) belongs to."""

    #: The IST calendar date of the ingress, midnight to midnight.
    CIVIL_DAY = "civil"
    #: The ingress day, or the next day when the ingress comes after sunset (the punya kala,
    #: the time for the festival's observances, then falls on the next morning).
    NEXT_DAY_AFTER_SUNSET = "sunset"


def sankranti_day(sign: int, year: int, rule: SankrantiDay) -> dt.date:
    """IST civil day of the sidereal Sun's entry into `sign` in Gregorian `year`."""
    moment = sankranti(sign, year)
    day = local_date(moment, IST)
    _, sett = delhi_sun(day)
    if rule is SankrantiDay.NEXT_DAY_AFTER_SUNSET and moment >= sett:
        return day + dt.timedelta(days=1)
    return day


# --- Chinese months ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChineseMonth:
    """One Chinese lunar month: number 1-12, leap flag, first day (CST civil date)."""

    number: int
    leap: bool
    first_day: dt.date


def _cst_midnight(day: dt.date) -> float:
    return from_datetime(dt.datetime.combine(day, dt.time()) - CST)


def _solstice_before(year: int) -> float:
    """The December solstice of Gregorian `year` (PyEphem date)."""
    return float(ephem.next_solstice(f"{year}/12/1"))


def _month_eleven_start(year: int) -> dt.date:
    """CST date of the new moon beginning the month that holds the `year` December solstice."""
    solstice_day = local_date(_solstice_before(year), CST)
    moons = new_moons()
    limit = _cst_midnight(solstice_day + dt.timedelta(days=1))
    index = bisect.bisect_left(moons, limit) - 1
    return local_date(moons[index], CST)


@lru_cache(maxsize=256)
def chinese_months(year: int) -> tuple[ChineseMonth, ...]:
    """Months from month 11 of `year - 1` up to (not including) month 11 of `year`."""
    start = _month_eleven_start(year - 1)
    stop = _month_eleven_start(year)
    moons = new_moons()
    index = bisect.bisect_left(moons, _cst_midnight(start))
    days: list[dt.date] = []
    while True:
        day = local_date(moons[index], CST)
        if day > stop:
            break
        days.append(day)
        index += 1
    lunations = len(days) - 1
    leap_found = lunations == 12  # only a 13-lunation year has a leap month
    months: list[ChineseMonth] = []
    number = 11
    for first_day, next_first in itertools.pairwise(days):
        has_term = _holds_principal_term(first_day, next_first)
        if not leap_found and not has_term and months:
            months.append(ChineseMonth(months[-1].number, True, first_day))
            leap_found = True
            continue
        months.append(ChineseMonth(number, False, first_day))
        number = number % 12 + 1
    return tuple(months)


def _holds_principal_term(first_day: dt.date, next_first: dt.date) -> bool:
    """Whether the Sun's longitude passes a multiple of 30 degrees within these CST days."""
    before = sun_longitude(_cst_midnight(first_day)) // 30
    after = sun_longitude(_cst_midnight(next_first)) // 30
    return before != after


def chinese_date(year: int, number: int, day: int) -> dt.date:
    """Gregorian date of day `day` of non-leap Chinese month `number` in the year that
    starts in Gregorian `year` (so month 1 day 1 is the Lunar New Year in `year`)."""
    months = chinese_months(year + 1) if number >= 11 else chinese_months(year)
    for month in months:
        if month.number == number and not month.leap:
            return month.first_day + dt.timedelta(days=day - 1)
    raise AssertionError(f"no Chinese month {number} in {year}")  # pragma: no cover


def lunar_fifteenth_in_may(year: int) -> dt.date:
    """The first 15th day of a Chinese lunar month (CST) that falls in May of `year`."""
    low = from_datetime(dt.datetime(year, 4, 1))
    moons = new_moons()
    index = bisect.bisect_left(moons, low)
    while True:
        fifteenth = local_date(moons[index], CST) + dt.timedelta(days=14)
        if fifteenth.month == 5:
            return fifteenth
        index += 1


def first_full_moon(year: int, month: int) -> dt.date:
    """The UK civil date (Europe/London) of the first full moon falling in `month` of `year`."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    # Start the search a day early: a full moon late on the last day of the previous month in
    # UTC can fall on the 1st in British Summer Time.
    moment = float(ephem.Date(dt.datetime(year, month, 1) - dt.timedelta(days=1)))
    while True:
        moment = float(ephem.next_full_moon(moment))
        day = to_datetime(moment).replace(tzinfo=dt.UTC).astimezone(london).date()
        if (day.year, day.month) == (year, month):
            return day
        if (day.year, day.month) > (year, month):
            raise AssertionError(f"no full moon found in {year}-{month:02d}")  # pragma: no cover
        moment += 1
