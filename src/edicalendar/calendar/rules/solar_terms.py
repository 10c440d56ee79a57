"""Equinoxes and solstices, and the day a tradition assigns them to.

Several calendars start their year at the March equinox but disagree on which civil day holds
it: the Iranian calendar takes the day if the equinox comes before noon Iran Standard Time (the
52.5° E meridian) and the next day otherwise; the Badí' (Bahá'í) calendar takes the day, reckoned
from sunset to sunset in Tehran, in which the equinox falls; Pagan and UK calendars take the civil
date in London. Moments come from PyEphem (VSOP87, nothing downloaded). These are computations,
so dates are `estimated`; a moment within a few minutes of the day boundary may fall on the other
day by another almanac's reckoning, and `may_vary_days` says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import ephem

from edicalendar.errors import UnsupportedYearError
from edicalendar.i18n import N_, Message
from edicalendar.model import RuleDate, SolarTermRule, Status

#: PyEphem's planetary theories are good to seconds over this range.
SUPPORTED_YEARS = (1900, 2200)
#: A moment closer than this to the day boundary may be dated a day differently elsewhere.
BOUNDARY_MINUTES = 15

_EPOCH = dt.datetime(1899, 12, 31, 12, 0)  # PyEphem's day zero (Dublin Julian Date 0)
LONDON = ZoneInfo("Europe/London")
#: Iran Standard Time; Iran kept summer time until 2022, but noon and sunset are reckoned in
#: standard time (the 52.5° E meridian) by the Iranian calendar.
IRST = dt.timezone(dt.timedelta(hours=3, minutes=30))


class Term(StrEnum):
    MARCH_EQUINOX = "march_equinox"
    JUNE_SOLSTICE = "june_solstice"
    SEPTEMBER_EQUINOX = "september_equinox"
    DECEMBER_SOLSTICE = "december_solstice"


#: Each term as a sentence names it ("The march equinox falls at …").
TERM_NAMES = {
    Term.MARCH_EQUINOX: N_("march equinox"),
    Term.JUNE_SOLSTICE: N_("june solstice"),
    Term.SEPTEMBER_EQUINOX: N_("september equinox"),
    Term.DECEMBER_SOLSTICE: N_("december solstice"),
}


class Place(StrEnum):
    """Where a tradition reckons the day: its position and civil time zone."""

    LONDON = "london"
    TEHRAN = "tehran"


class DayStart(StrEnum):
    """Which civil day a moment belongs to."""

    #: The civil date at the place.
    MIDNIGHT = "midnight"
    #: The civil date if before 12:00 standard time, else the next day (the Iranian calendar).
    NOON = "noon"
    #: The day that begins at the previous sunset (Jewish, Islamic and Badí' reckoning).
    SUNSET = "sunset"


@dataclass(frozen=True, slots=True)
class _Site:
    latitude: str
    longitude: str
    zone: dt.tzinfo


#: Tehran as convertdate places it (35.6944 N, 51.4215 E); with it, and the Sun's upper limb at
#: -34' (standard refraction, no observer height), every Naw-Rúz in the Universal House of
#: Justice's table for 2015-2064 comes out right, including 2026, when the equinox follows
#: sunset by seconds.
SITES = {
    Place.LONDON: _Site("51.5074", "-0.1278", LONDON),
    Place.TEHRAN: _Site("35.6944", "51.4215", IRST),
}

_FINDERS = {
    Term.MARCH_EQUINOX: (ephem.next_vernal_equinox, 3),
    Term.JUNE_SOLSTICE: (ephem.next_summer_solstice, 6),
    Term.SEPTEMBER_EQUINOX: (ephem.next_autumnal_equinox, 9),
    Term.DECEMBER_SOLSTICE: (ephem.next_winter_solstice, 12),
}


def to_utc(moment: float) -> dt.datetime:
    """A PyEphem date as an aware UTC datetime."""
    return (_EPOCH + dt.timedelta(days=float(moment))).replace(tzinfo=dt.UTC)


def _ephem_date(moment: dt.datetime) -> ephem.Date:
    return ephem.Date(moment.astimezone(dt.UTC).replace(tzinfo=None))


@lru_cache(maxsize=4096)
def moment_of(term: Term, year: int) -> dt.datetime:
    """The moment (UTC) of the equinox or solstice in Gregorian `year`."""
    finder, month = _FINDERS[term]
    return to_utc(finder(f"{year}/{month}/1"))


@lru_cache(maxsize=65_536)
def sunset(place: Place, day: dt.date) -> dt.datetime:
    """Sunset (upper limb at -34', no refraction model beyond that) on a civil day at `place`."""
    site = SITES[place]
    observer = ephem.Observer()
    observer.lat, observer.lon = site.latitude, site.longitude
    observer.pressure = 0
    observer.horizon = "-0:34"
    noon = dt.datetime.combine(day, dt.time(12), site.zone)
    observer.date = _ephem_date(noon)
    return to_utc(observer.next_setting(ephem.Sun()))


def day_of(moment: dt.datetime, place: Place, start: DayStart) -> tuple[dt.date, float]:
    """The civil date a tradition gives `moment`, and minutes to the nearer day boundary."""
    zone = SITES[place].zone
    local = moment.astimezone(zone)
    if start is DayStart.MIDNIGHT:
        midnight = dt.datetime.combine(local.date(), dt.time(), zone)
        since = (local - midnight).total_seconds() / 60
        return local.date(), min(since, 24 * 60 - since)
    if start is DayStart.NOON:
        # Standard time: the Iranian calendar's noon is 12:00 on the 52.5° E meridian all year.
        noon = dt.datetime.combine(local.date(), dt.time(12), zone)
        margin = abs((moment - noon).total_seconds()) / 60
        return (local.date() if moment < noon else local.date() + dt.timedelta(days=1)), margin
    for day in (local.date(), local.date() + dt.timedelta(days=1)):
        begins, ends = sunset(place, day - dt.timedelta(days=1)), sunset(place, day)
        if begins <= moment < ends:
            margin = min((moment - begins).total_seconds(), (ends - moment).total_seconds())
            return day, margin / 60
    raise AssertionError(f"no sunset-to-sunset day holds {moment}")  # pragma: no cover


def check_year(subject: str, year: int) -> None:
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, N_("PyEphem solar theory"))


def dates(
    rule: SolarTermRule, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    """The day of the equinox or solstice in `year` as the rule's tradition reckons it."""
    check_year(subject, year)
    moment = moment_of(Term(rule.term), year)
    day, margin = day_of(moment, Place(rule.place), DayStart(rule.day_starts))
    length = 1 if duration_days is None else duration_days
    near = margin < BOUNDARY_MINUTES
    note = None
    if near:
        when = moment.astimezone(SITES[Place(rule.place)].zone)
        note = Message(
            N_(
                "The %(term)s falls at %(time)s local time, %(minutes)s minutes from the day "
                "boundary; another almanac may give the other day."
            ),
            term=Message(TERM_NAMES[Term(rule.term)]),
            time=f"{when:%H:%M}",
            minutes=f"{margin:.0f}",
        )
    return [
        RuleDate(
            start=day,
            end=day + dt.timedelta(days=length - 1),
            status=Status.ESTIMATED,
            may_vary_days=1 if near else 0,
            method="astronomical",
            note=note,
        )
    ]
