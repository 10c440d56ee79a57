"""Computed dates against independent sources: published tables and a second library.

Easter is checked against published Easter tables; Hijri dates against the `holidays`
package's own Umm al-Qura tables and against published Saudi, Umm al-Qura and observed dates
(within the `may_vary_days` the engine promises); Hebrew dates against `convertdate.hebrew`
(an independent implementation of the calendar's arithmetic) and published congregation tables.
Transcribed tables live in `data/*.csv`, each row with its source.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from convertdate import hebrew as convert_hebrew
from holidays.calendars.islamic import _IslamicLunar

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrences import occurrences_in_year
from edicalendar.calendar.rules import dates_for_year
from edicalendar.model import (
    EasterCalendar,
    EasterRule,
    HebrewRule,
    HijriRule,
    Status,
)

YEARS = range(2000, 2076)

# convertdate calls its own deprecated helper internally; that is not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore:month_days is deprecated:DeprecationWarning")


def _rows(core_data: Path, name: str) -> list[dict[str, str]]:
    with (core_data / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _starts(catalog: Catalog, observance: str, year: int) -> list[dt.date]:
    return [o.start for o in occurrences_in_year(catalog.observances[observance], year)]


# --- Easter --------------------------------------------------------------------------------


def test_easter_matches_published_tables(core_data: Path) -> None:
    """Western and Orthodox Easter Sunday equal the published table for every listed year."""
    rows = _rows(core_data, "easter.csv")
    assert len([r for r in rows if r["orthodox"]]) >= 41  # 2000-2040 at least, both churches
    mismatches = []
    for row in rows:
        year = int(row["year"])
        (western,) = dates_for_year(EasterRule(0, EasterCalendar.WESTERN), year, None, "t")
        if western.start.isoformat() != row["western"]:
            mismatches.append((year, "western", western.start, row["western"], row["source"]))
        if row["orthodox"]:
            (orthodox,) = dates_for_year(EasterRule(0, EasterCalendar.ORTHODOX), year, None, "t")
            if orthodox.start.isoformat() != row["orthodox"]:
                mismatches.append(
                    (year, "orthodox", orthodox.start, row["orthodox"], row["source"])
                )
    assert mismatches == []


def test_good_friday_is_two_days_before_published_easter(
    core_data: Path, fixture_catalog: Catalog
) -> None:
    """The fixture's Good Friday (easter, offset -2) is the Friday before each published Easter."""
    for row in _rows(core_data, "easter.csv"):
        year = int(row["year"])
        easter = dt.date.fromisoformat(row["western"])
        if year <= 2075:
            assert _starts(fixture_catalog, "good-friday", year) == [easter - dt.timedelta(days=2)]


# --- Hijri ---------------------------------------------------------------------------------

#: The `holidays` package's own Umm al-Qura tables (maintained from published sources,
#: independently of `hijridate`): observance id -> (Hijri month, day, table).
_LUNAR = _IslamicLunar()
HOLIDAYS_TABLES = {
    "ramadan": _LUNAR.RAMADAN_BEGINNING_DATES,
    "eid-al-fitr": _LUNAR.EID_AL_FITR_DATES,
    "eid-al-adha": _LUNAR.EID_AL_ADHA_DATES,
    "islamic-new-year": _LUNAR.HIJRI_NEW_YEAR_DATES,
}


def _table_dates(table: dict[int, object], year: int) -> list[dt.date]:
    value = table.get(year)
    if value is None:
        return []
    pairs = [value] if isinstance(value[0], int) else list(value)  # type: ignore[index]
    return sorted(dt.date(year, month, day) for month, day in pairs)


@pytest.mark.parametrize("observance", sorted(HOLIDAYS_TABLES))
def test_hijri_dates_match_the_holidays_package_tables(
    observance: str, fixture_catalog: Catalog
) -> None:
    """1 Ramadan, 1 Shawwal, 10 Dhu al-Hijjah and 1 Muharram equal holidays' table, 2000-2075."""
    table = HOLIDAYS_TABLES[observance]
    mismatches = []
    for year in YEARS:
        ours = _starts(fixture_catalog, observance, year)
        theirs = _table_dates(table, year)
        if ours != theirs:
            mismatches.append((year, ours, theirs))
    assert mismatches == []


def test_ramadan_ends_the_day_before_eid_al_fitr(fixture_catalog: Catalog) -> None:
    """Each whole-month Ramadan ends the day before holidays' table puts Eid al-Fitr."""
    eids = [d for y in range(2000, 2077) for d in _table_dates(_LUNAR.EID_AL_FITR_DATES, y)]
    for year in YEARS:
        for occ in occurrences_in_year(fixture_catalog.observances["ramadan"], year):
            assert occ.end + dt.timedelta(days=1) in eids, occ
            assert 29 <= occ.days <= 30


def test_ramadan_falls_twice_in_2030(fixture_catalog: Catalog) -> None:
    """Ramadan starts on 5 January and 26 December 2030 (Umm al-Qura), as two instances."""
    found = occurrences_in_year(fixture_catalog.observances["ramadan"], 2030)
    assert [(o.instance, o.start) for o in found] == [
        ("2030", dt.date(2030, 1, 5)),
        ("2030-2", dt.date(2030, 12, 26)),
    ]
    # Second source: the holidays package lists both starts for 2030.
    assert _table_dates(_LUNAR.RAMADAN_BEGINNING_DATES, 2030) == [o.start for o in found]
    assert all(o.status is Status.ESTIMATED and o.may_vary_days == 1 for o in found)
    assert all(o.fasting and o.begins_evening_before for o in found)


def test_hijri_dates_lie_within_may_vary_days_of_published_dates(core_data: Path) -> None:
    """Published Saudi, Umm al-Qura and observed dates are within the promised ±1 day."""
    rows = _rows(core_data, "hijri_published.csv")
    assert len({r["hijri_year"] for r in rows}) >= 10
    outside = []
    for row in rows:
        published = dt.date.fromisoformat(row["gregorian"])
        rule = HijriRule(int(row["hijri_month"]), int(row["hijri_day"]))
        found = dates_for_year(rule, published.year, None, "t")
        nearest = min(found, key=lambda d: abs((d.start - published).days))
        allowed = 0 if row["kind"] == "umm_al_qura" else nearest.may_vary_days
        if abs((nearest.start - published).days) > allowed:
            outside.append((row["hijri_year"], row["hijri_month"], nearest.start, published))
    assert outside == []


# --- Hebrew --------------------------------------------------------------------------------

#: Fixture observance -> (convertdate month number, day); convertdate counts Nisan = 1,
#: Tishrei = 7, Kislev = 9, Adar = 12 and Adar II = 13 (leap years).
HEBREW = {
    "rosh-hashanah": (7, 1),
    "yom-kippur": (7, 10),
    "pesach": (1, 15),
    "hanukkah": (9, 25),
    "purim": (12, 14),
}


def _convertdate_start(observance: str, year: int) -> list[dt.date]:
    month, day = HEBREW[observance]
    found = []
    for hebrew_year in (year + 3760, year + 3761):
        if observance == "purim" and convert_hebrew.leap(hebrew_year):
            month = 13  # Purim is kept in Adar II in a leap year
        elif observance == "purim":
            month = 12
        date = dt.date(*convert_hebrew.to_gregorian(hebrew_year, month, day))
        if date.year == year:
            found.append(date)
    return found


@pytest.mark.parametrize("observance", sorted(HEBREW))
def test_hebrew_dates_match_convertdate(observance: str, fixture_catalog: Catalog) -> None:
    """Rosh Hashanah, Yom Kippur, Pesach, Hanukkah and Purim equal convertdate, 2000-2075."""
    mismatches = []
    for year in YEARS:
        ours = _starts(fixture_catalog, observance, year)
        theirs = _convertdate_start(observance, year)
        if ours != theirs:
            mismatches.append((year, ours, theirs))
    assert mismatches == []


def test_hebrew_dates_match_published_tables(core_data: Path, fixture_catalog: Catalog) -> None:
    """Published congregation tables give the same first days (or the evening before them)."""
    rows = _rows(core_data, "hebrew_published.csv")
    for row in rows:
        published = dt.date.fromisoformat(row["date"])
        first_day = published + dt.timedelta(days=1 if row["date_is"] == "evening_before" else 0)
        (occ,) = occurrences_in_year(
            fixture_catalog.observances[row["festival"]], int(row["gregorian_year"])
        )
        assert occ.start == first_day, row
        assert occ.begins_evening_before


def test_purim_is_in_adar_ii_in_leap_years() -> None:
    """In 5784 (a leap year) Purim is 24 March 2024 in Adar II; `adar_i` gives 23 February."""
    (purim,) = dates_for_year(HebrewRule("adar", 14), 2024, None, "t")
    (katan,) = dates_for_year(HebrewRule("adar_i", 14), 2024, None, "t")
    (common,) = dates_for_year(HebrewRule("adar", 14), 2025, None, "t")
    assert (
        purim.start == dt.date(*convert_hebrew.to_gregorian(5784, 13, 14)) == dt.date(2024, 3, 24)
    )
    assert (
        katan.start == dt.date(*convert_hebrew.to_gregorian(5784, 12, 14)) == dt.date(2024, 2, 23)
    )
    assert common.start == dt.date(2025, 3, 14)
    assert purim.status is Status.CONFIRMED and purim.may_vary_days == 0


def test_hanukkah_crossing_the_year_end(fixture_catalog: Catalog) -> None:
    """Hanukkah 5785 runs 26 December 2024 - 2 January 2025 (eight days, across the year)."""
    (occ,) = occurrences_in_year(fixture_catalog.observances["hanukkah"], 2024)
    assert (occ.start, occ.end) == (dt.date(2024, 12, 26), dt.date(2025, 1, 2))


@pytest.mark.parametrize(("month", "number"), [("cheshvan", 8), ("kislev", 9)])
def test_thirtieth_of_a_short_month_gives_no_date_that_year(month: str, number: int) -> None:
    """30 Cheshvan/Kislev exists only in years where convertdate gives that month 30 days."""
    for year in YEARS:
        expected = []
        for hebrew_year in (year + 3760, year + 3761):
            if convert_hebrew.month_length(hebrew_year, number) == 30:
                date = dt.date(*convert_hebrew.to_gregorian(hebrew_year, number, 30))
                if date.year == year:
                    expected.append(date)
        found = [d.start for d in dates_for_year(HebrewRule(month, 30), year, None, "t")]
        assert found == expected, year
