"""The shipped table of alternative-convention dates: written offline, read at run time.

The other conventions' dates (UK moon sighting and the calculated Islamic months, Vesak in Sri
Lanka and India, Singapore and Malaysia, and Thailand, Diwali by a London almanac, Losar by the
Bhutanese calendar) come from PyEphem and the `holidays` package. Both are slow to load or run,
so, like the lunisolar table, :func:`generate` computes them once into `convention_table.json`
beside this module and the engine only looks them up. `tests/calendar/test_convention_table.py`
recomputes a sample and fails when the table no longer matches the code that wrote it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from edicalendar.errors import RuleError

TABLE_PATH = Path(__file__).with_name("convention_table.json")
GENERATOR = "python -m edicalendar.calendar.rules.convention_table"
#: Hijri years wholly inside hijridate's Umm al-Qura table (as in `islamic`).
HIJRI_YEARS = (1343, 1499)
YEARS = (1950, 2100)

#: Festival conventions kept in the table: (family, convention) -> how to compute one year.
FESTIVAL_KEYS = (
    ("vesak", "south-asia"),
    ("vesak", "singapore-malaysia"),
    ("vesak", "thailand"),
    ("diwali", "uk-almanac"),
    ("losar", "bhutan"),
)
HIJRI_KEYS = ("calculated", "uk-moon-sighting")


@dataclass(frozen=True, slots=True)
class ConventionTable:
    #: (family, convention, Gregorian year) -> the dates that start in that year.
    festivals: Mapping[tuple[str, str, int], tuple[dt.date, ...]]
    #: (convention, Hijri year, month) -> the month's first day.
    hijri_starts: Mapping[tuple[str, int, int], dt.date]


@cache
def load(path: Path = TABLE_PATH) -> ConventionTable:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuleError(
            f"{path}: cannot read the conventions table ({error}); regenerate it with {GENERATOR}"
        ) from error
    festivals = {
        (family, key, int(year)): tuple(dt.date.fromisoformat(d) for d in days)
        for family, key, year, days in document["festivals"]
    }
    starts = {
        (key, int(hy), int(month)): dt.date.fromisoformat(day)
        for key, hy, month, day in document["hijri_starts"]
    }
    return ConventionTable(festivals=festivals, hijri_starts=starts)


# --- writing (offline) ------------------------------------------------------------------------


def festival_dates(family: str, key: str, year: int) -> tuple[dt.date, ...] | None:
    """Compute one festival-year by an alternative convention (None: no source reaches it)."""
    if family == "vesak" and key == "thailand":
        from holidays.calendars.thai import _ThaiLunisolar

        day = _ThaiLunisolar().visakha_bucha_date(year)
        return None if day is None else (day,)
    if family == "vesak":
        from edicalendar.calendar.rules.lunisolar.holidays_tables import TableRef, table_dates

        ref = (
            TableRef("hindu", "BUDDHA_PURNIMA")
            if key == "south-asia"
            else TableRef("buddhist", "VESAK")
        )
        return table_dates(ref, year)
    if family == "diwali":
        return _diwali_at_london(year)
    if family == "losar":
        from holidays.calendars.tibetan import _TibetanLunisolar

        entry = _TibetanLunisolar.LOSAR_DATES.get(year)
        return None if entry is None else (dt.date(year, *entry),)
    raise AssertionError(f"unknown convention {family}/{key}")  # pragma: no cover


def _diwali_at_london(year: int) -> tuple[dt.date, ...]:
    """Diwali by its sunset rule, with London's sunset and London's calendar day."""
    import ephem

    from edicalendar.calendar.rules.lunisolar import astro
    from edicalendar.calendar.rules.solar_terms import LONDON

    def sunset(day: dt.date) -> float:
        observer = ephem.Observer()
        observer.lat, observer.lon = "51.5074", "-0.1278"
        midnight = dt.datetime.combine(day, dt.time(), LONDON).astimezone(dt.UTC)
        observer.date = astro.from_datetime(midnight.replace(tzinfo=None))
        return float(observer.next_setting(ephem.Sun()))

    def london_day(moment: float) -> dt.date:
        return astro.to_datetime(moment).replace(tzinfo=dt.UTC).astimezone(LONDON).date()

    found = []
    for month in astro.months_named(6, year):
        begin, end = astro.tithi_span(month, 30)
        day = london_day(begin) - dt.timedelta(days=1)
        chosen = london_day(begin)
        for _ in range(4):
            if begin <= sunset(day) < end:
                chosen = day
                break
            day += dt.timedelta(days=1)
        if chosen.year == year:
            found.append(chosen)
    return tuple(found)


def generate() -> dict[str, Any]:
    """The whole table as a JSON-ready document."""
    from edicalendar.calendar.rules.hijri_months import IslamicConvention, month_start

    festivals: list[list[Any]] = []
    for family, key in FESTIVAL_KEYS:
        for year in range(YEARS[0], YEARS[1] + 1):
            days = festival_dates(family, key, year)
            if days is not None:
                festivals.append([family, key, year, [d.isoformat() for d in days]])
    starts: list[list[Any]] = []
    for key in HIJRI_KEYS:
        for hijri_year in range(HIJRI_YEARS[0], HIJRI_YEARS[1] + 2):
            for month in range(1, 13):
                if hijri_year > HIJRI_YEARS[1] and month > 1:
                    break
                day = month_start(IslamicConvention(key), hijri_year, month)
                starts.append([key, hijri_year, month, day.isoformat()])
    return {
        "generator": GENERATOR,
        "note": "Alternative-convention dates; regenerate after changing the rules that make them.",
        "festivals": festivals,
        "hijri_starts": starts,
    }


def write(path: Path = TABLE_PATH) -> None:
    text = json.dumps(generate(), ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - run by hand to regenerate
    write()
