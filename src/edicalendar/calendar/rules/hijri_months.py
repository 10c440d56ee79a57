"""When a Hijri month begins, by the three reckonings UK Muslims follow.

- `umm-al-qura`: the Saudi calendar (the `hijridate` table), which many UK mosques follow by
  taking Saudi announcements.
- `calculated`: the criterion of the European Council for Fatwa and Research, which the Fiqh
  Council of North America also uses, for communities that set dates in advance: if anywhere on
  Earth, at sunset on the day of the astronomical new moon, the Moon is at least 5° above the
  horizon and 8° from the Sun, the month begins the next day; otherwise the day after.
- `uk-moon-sighting`: local sighting in the UK, predicted with Yallop's criterion (HM Nautical
  Almanac Office, NAO Technical Note 69): the first evening after the new moon on which the
  crescent is visible to the naked eye from London (q > -0.014, Yallop's classes A and B) ends
  the month, and the new month begins the next day.

Only the last is an observation, so it is a prediction: cloud, and the committees' own
criteria, can move it a day. All three are computed here from PyEphem and cached per month.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from functools import lru_cache

import ephem
from hijridate import Hijri

from edicalendar.calendar.rules.solar_terms import to_utc


class IslamicConvention(StrEnum):
    UMM_AL_QURA = "umm-al-qura"
    CALCULATED = "calculated"
    UK_MOON_SIGHTING = "uk-moon-sighting"


LABELS = {
    IslamicConvention.UMM_AL_QURA: "Umm al-Qura calendar (Saudi Arabia)",
    IslamicConvention.CALCULATED: "calculated (ECFR and Fiqh Council of North America)",
    IslamicConvention.UK_MOON_SIGHTING: "UK moon sighting (crescent visible from London)",
}

#: Yallop's q above which the crescent is visible to the naked eye in good conditions.
YALLOP_NAKED_EYE = -0.014
_LONDON = ("51.5074", "-0.1278")
_EARTH_RADIUS_KM = 6378.137
_AU_KM = 149_597_870.7


def umm_al_qura_start(hijri_year: int, month: int) -> dt.date:
    return dt.date(*Hijri(hijri_year, month, 1).to_gregorian().datetuple())


def _conjunction(hijri_year: int, month: int) -> dt.datetime:
    """The new moon that opens the month (the last one before the Umm al-Qura first day ends)."""
    first = umm_al_qura_start(hijri_year, month)
    end_of_first = dt.datetime.combine(first + dt.timedelta(days=1), dt.time())
    return to_utc(ephem.previous_new_moon(ephem.Date(end_of_first)))


def yallop_q(evening: dt.date) -> float | None:
    """Yallop's q for the crescent at London at best time on `evening`; None if no moonset."""
    observer = ephem.Observer()
    observer.lat, observer.lon = _LONDON
    observer.pressure = 0
    observer.horizon = "-0:34"
    observer.date = ephem.Date(dt.datetime.combine(evening, dt.time(12)))
    sun, moon = ephem.Sun(), ephem.Moon()
    try:
        sunset = observer.next_setting(sun)
        observer.date = sunset
        moonset = observer.next_setting(moon)
    except (ephem.AlwaysUpError, ephem.NeverUpError):  # pragma: no cover - not at London
        return None
    lag = moonset - sunset
    if lag <= 0 or lag > 0.5:
        return -9.0  # the Moon sets first: no crescent after sunset
    observer.date = ephem.Date(sunset + 4 / 9 * lag)  # Yallop's best time
    observer.horizon = "0"
    sun.compute(observer)
    moon.compute(observer)
    # ARCV uses the geocentric (airless) altitude of the Moon; add back its parallax.
    parallax = math.asin(_EARTH_RADIUS_KM / (moon.earth_distance * _AU_KM))
    arcv = math.degrees(moon.alt + parallax * math.cos(moon.alt) - sun.alt)
    arcl = math.degrees(ephem.separation(moon, sun))
    width = math.degrees(moon.radius) * 60 * (1 - math.cos(math.radians(arcl)))
    return (arcv - (11.8371 - 6.3226 * width + 0.7319 * width**2 - 0.1018 * width**3)) / 10


#: Where the ECFR criterion is tested: a grid over the inhabited latitudes, every 15° of longitude.
_GRID = tuple(
    (latitude, longitude) for latitude in range(-50, 61, 10) for longitude in range(-165, 181, 15)
)
_MIN_ALTITUDE = math.radians(5)
_MIN_ELONGATION = math.radians(8)


def ecfr_visible_somewhere(conjunction: dt.datetime) -> bool:
    """At some sunset on the new moon's (UTC) day, is the Moon >= 5° high and >= 8° from the Sun?"""
    day = conjunction.date()
    sun, moon = ephem.Sun(), ephem.Moon()
    observer = ephem.Observer()
    observer.pressure = 0
    for latitude, longitude in _GRID:
        observer.lat, observer.lon = str(latitude), str(longitude)
        # Local noon of the same calendar day, by mean solar time at that longitude.
        noon = dt.datetime.combine(day, dt.time(12)) - dt.timedelta(hours=longitude / 15)
        observer.date = ephem.Date(noon)
        try:
            sunset = observer.next_setting(sun)
        except (ephem.AlwaysUpError, ephem.NeverUpError):
            continue
        if to_utc(sunset) <= conjunction:
            continue
        observer.date = sunset
        moon.compute(observer)
        sun.compute(observer)
        if moon.alt >= _MIN_ALTITUDE and ephem.separation(moon, sun) >= _MIN_ELONGATION:
            return True
    return False


@lru_cache(maxsize=8192)
def month_start(convention: IslamicConvention, hijri_year: int, month: int) -> dt.date:
    """The first day of a Hijri month by `convention`."""
    if convention is IslamicConvention.UMM_AL_QURA:
        return umm_al_qura_start(hijri_year, month)
    conjunction = _conjunction(hijri_year, month)
    if convention is IslamicConvention.CALCULATED:
        visible = ecfr_visible_somewhere(conjunction)
        return conjunction.date() + dt.timedelta(days=1 if visible else 2)
    evening = conjunction.date()
    for _ in range(2):
        q = yallop_q(evening)
        if q is not None and q > YALLOP_NAKED_EYE:
            return evening + dt.timedelta(days=1)
        evening += dt.timedelta(days=1)
    # A month has at most 30 days: by the third evening the month begins whatever is seen.
    return evening + dt.timedelta(days=1)


def month_length(convention: IslamicConvention, hijri_year: int, month: int) -> int:
    following = (hijri_year + 1, 1) if month == 12 else (hijri_year, month + 1)
    return (month_start(convention, *following) - month_start(convention, hijri_year, month)).days
