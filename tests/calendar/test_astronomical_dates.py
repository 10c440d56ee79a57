"""Equinox, Badí', Tibetan and observed-day dates against independent published sources.

Expected values come from tables transcribed in `tests/data/dates/` (the Universal House of
Justice's Badí' dates for 2015-2064, published Losar dates, published observed dates of Jewish
fasts) and from other libraries (convertdate's Bahá'í and Persian calendars, jdatetime), never
from this engine's own output.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edicalendar.calendar.rules import badi, dates_for_year, solar_terms, tibetan
from edicalendar.model import BadiRule, HebrewRule, SolarTermRule, Status, TibetanRule

DATA = Path(__file__).resolve().parent / "data" / "dates"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


UHJ = _rows("bahai_uhj_2015_2064.csv")


def _only(rule: object, year: int, duration: int | None = None) -> tuple[dt.date, Status]:
    [found] = dates_for_year(rule, year, duration, "test")  # type: ignore[arg-type]
    return found.start, found.status


@pytest.mark.parametrize("row", UHJ, ids=lambda r: r["gregorian_year"])
def test_naw_ruz_and_twin_holy_days_follow_the_published_table(row: dict[str, str]) -> None:
    """Inside 2015-2064 the dates are the Bahá'í World Centre's, confirmed with that source."""
    year = int(row["gregorian_year"])
    [naw_ruz] = dates_for_year(BadiRule("baha", 1), year, None, "test")
    assert naw_ruz.start.isoformat() == row["naw_ruz"]
    assert naw_ruz.status is Status.CONFIRMED and naw_ruz.source == badi.UHJ_TABLE_SOURCE
    assert (
        _only(BadiRule(holy_day="birth_of_the_bab"), year)[0].isoformat() == row["birth_of_the_bab"]
    )
    assert (
        _only(BadiRule(holy_day="birth_of_bahaullah"), year)[0].isoformat()
        == row["birth_of_bahaullah"]
    )


@pytest.mark.parametrize("row", UHJ, ids=lambda r: r["gregorian_year"])
def test_the_astronomical_rule_reproduces_the_published_table(row: dict[str, str]) -> None:
    """The rule used beyond 2064 gives every published date when applied inside the table too."""
    year = int(row["gregorian_year"])
    assert badi.computed_naw_ruz(year)[0].isoformat() == row["naw_ruz"]
    assert badi.computed_twin_holy_days(year)[0].isoformat() == row["birth_of_the_bab"]


def test_naw_ruz_agrees_with_convertdate_beyond_the_table() -> None:
    from convertdate import bahai as convertdate_bahai

    for year in range(2065, 2101):
        expected = dt.date(*convertdate_bahai.to_gregorian(year - 1843, 1, 1))
        start, status = _only(BadiRule("baha", 1), year)
        assert start == expected, year
        assert status is Status.ESTIMATED


def test_fixed_badi_holy_days_use_the_published_gregorian_equivalents() -> None:
    """Table B of the published dates: each holy day in a 20-March and a 21-March year."""
    # 2025: Naw-Rúz 20 March; 2026: Naw-Rúz 21 March (table A).
    expected = {
        ("jalal", 13): ("04-20", "04-21"),
        ("jamal", 2): ("04-28", "04-29"),
        ("jamal", 5): ("05-01", "05-02"),
        ("azamat", 8): ("05-23", "05-24"),
        ("azamat", 13): ("05-28", "05-29"),
        ("rahmat", 17): ("07-09", "07-10"),
        ("qawl", 4): ("11-25", "11-26"),
        ("qawl", 6): ("11-27", "11-28"),
    }
    for (month, day), (in_2025, in_2026) in expected.items():
        assert _only(BadiRule(month, day), 2025)[0].isoformat() == f"2025-{in_2025}"
        assert _only(BadiRule(month, day), 2026)[0].isoformat() == f"2026-{in_2026}"


def test_ayyam_i_ha_and_the_fast_follow_table_a() -> None:
    """Ayyám-i-Há 25 Feb-1 Mar 2026 (five days), 26 Feb-1 Mar 2027; the Fast ends at Naw-Rúz."""
    [ha_2026] = dates_for_year(BadiRule("ayyam_i_ha", whole_month=True), 2026, None, "t")
    assert (ha_2026.start, ha_2026.end) == (dt.date(2026, 2, 25), dt.date(2026, 3, 1))
    [ha_2027] = dates_for_year(BadiRule("ayyam_i_ha", whole_month=True), 2027, None, "t")
    assert (ha_2027.start, ha_2027.end) == (dt.date(2027, 2, 26), dt.date(2027, 3, 1))
    [fast] = dates_for_year(BadiRule("ala", whole_month=True), 2026, None, "t")
    assert (fast.start, fast.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 20))


def test_before_2015_the_western_fixed_dates_apply() -> None:
    assert _only(BadiRule("baha", 1), 2010) == (dt.date(2010, 3, 21), Status.CONFIRMED)
    assert _only(BadiRule(holy_day="birth_of_the_bab"), 2010)[0] == dt.date(2010, 10, 20)
    assert _only(BadiRule(holy_day="birth_of_bahaullah"), 2010)[0] == dt.date(2010, 11, 12)
    assert _only(BadiRule("azamat", 8), 2010)[0] == dt.date(2010, 5, 23)


def test_persian_nowruz_agrees_with_three_independent_calendars() -> None:
    """1 Farvardin against convertdate (astronomical), jdatetime and persiantools (arithmetic)."""
    import jdatetime
    from convertdate import persian

    rule = SolarTermRule("march_equinox", "tehran", "noon")
    for year in range(1990, 2101):
        start, status = _only(rule, year)
        assert start == dt.date(*persian.to_gregorian(year - 621, 1, 1)), year
        assert start == jdatetime.date(year - 621, 1, 1).togregorian(), year
        assert status is Status.ESTIMATED


def test_nowruz_close_to_noon_may_vary() -> None:
    """2091: the equinox is 11 minutes after noon IRST, so another reckoning may give 20 March."""
    [found] = dates_for_year(SolarTermRule("march_equinox", "tehran", "noon"), 2091, None, "t")
    assert found.may_vary_days == 1 and found.note
    [quiet] = dates_for_year(SolarTermRule("march_equinox", "tehran", "noon"), 2025, None, "t")
    assert quiet.may_vary_days == 0


def test_solstices_and_equinoxes_in_london_agree_with_meeus() -> None:
    """The London civil date of each term against PyMeeus (Meeus's algorithms, not PyEphem)."""
    from zoneinfo import ZoneInfo

    from pymeeus.Epoch import Epoch
    from pymeeus.Sun import Sun

    london = ZoneInfo("Europe/London")
    targets = {"march_equinox": "spring", "june_solstice": "summer",
               "september_equinox": "autumn", "december_solstice": "winter"}  # fmt: skip
    checked = 0
    for year in range(1950, 2101):
        for term, target in targets.items():
            moment = Sun.get_equinox_solstice(year, target=target)
            ut = moment - Epoch.tt2ut(year, 6) / 86400  # Terrestrial Time to UT
            y, m, d = ut.get_date()
            when = dt.datetime(int(y), int(m), 1, tzinfo=dt.UTC) + dt.timedelta(days=d - 1)
            local = when.astimezone(london)
            minutes = local.hour * 60 + local.minute
            if min(minutes, 1440 - minutes) < 5:
                continue  # within minutes of midnight: the two theories may differ
            assert _only(SolarTermRule(term), year)[0] == local.date(), (year, term)
            checked += 1
    assert checked > 590


@pytest.mark.parametrize("row", _rows("losar_published.csv"), ids=lambda r: r["year"])
def test_losar_matches_published_dates(row: dict[str, str]) -> None:
    start, status = _only(TibetanRule(1, 1), int(row["year"]))
    assert start.isoformat() == row["date"]
    assert status is Status.ESTIMATED


def test_losar_a_month_after_chinese_new_year_in_leap_years() -> None:
    """2025: Chinese New Year 29 January, Losar 28 February (lunardate as the Chinese reference)."""
    from lunardate import LunarDate

    assert LunarDate(2025, 1, 1).to_solar_date() == dt.date(2025, 1, 29)
    assert tibetan.losar(2025) == dt.date(2025, 2, 28)


@given(st.integers(min_value=1950, max_value=2100))
def test_losar_falls_in_late_january_to_mid_march(year: int) -> None:
    day = tibetan.losar(year)
    assert dt.date(year, 1, 20) <= day <= dt.date(year, 3, 20)


@given(st.integers(min_value=2015, max_value=2200))
def test_naw_ruz_is_20_or_21_march_and_twin_days_mid_october_to_mid_november(year: int) -> None:
    assert badi.naw_ruz(year) in (dt.date(year, 3, 19), dt.date(year, 3, 20), dt.date(year, 3, 21))
    bab = badi.birth_of_the_bab(year)
    assert dt.date(year, 10, 13) <= bab <= dt.date(year, 11, 14)


@given(st.integers(min_value=1900, max_value=2200), st.sampled_from(list(solar_terms.Term)))
def test_solar_terms_fall_on_their_usual_days(year: int, term: solar_terms.Term) -> None:
    month = {
        "march_equinox": 3,
        "june_solstice": 6,
        "september_equinox": 9,
        "december_solstice": 12,
    }
    day = _only(SolarTermRule(term.value), year)[0]
    assert day.month == month[term.value] and 19 <= day.day <= 24


OBSERVED = _rows("hebrew_observed_published.csv")
_OBSERVED_RULES = {
    "yom-hashoah": ("nisan", 27),
    "tisha-bav": ("av", 9),
}


@pytest.mark.parametrize(
    "row",
    [r for r in OBSERVED if r["observance"] in _OBSERVED_RULES],
    ids=lambda r: f"{r['observance']}-{r['year']}",
)
def test_shipped_observed_days_match_published_dates(row: dict[str, str], shipped_catalog) -> None:  # type: ignore[no-untyped-def]
    """Yom HaShoah and Tisha B'Av as published, with a note whenever the day moved."""
    from edicalendar.calendar.occurrences import occurrences_in_year

    [occurrence] = occurrences_in_year(shipped_catalog.get(row["observance"]), int(row["year"]))
    assert occurrence.start.isoformat() == row["date"]
    if row["moved_from"]:
        assert occurrence.note and "kept on" in occurrence.note
        assert occurrence.alternatives[0].start.isoformat() == row["moved_from"]
    elif row["observance"] == "tisha-bav":  # that table marks every moved year
        assert occurrence.note is None


def test_fast_of_esther_moves_to_thursday_by_the_same_mechanism() -> None:
    """The observed-day shift is general: 13 Adar on Shabbat is kept on the Thursday."""
    from edicalendar.calendar.expansion import _observed
    from edicalendar.model import ObservedShift, Weekday

    shift = ObservedShift(((Weekday.SAT, -2),), "the fast is brought forward to Thursday.")
    for row in (r for r in OBSERVED if r["observance"] == "fast-of-esther"):
        [base] = dates_for_year(HebrewRule("adar", 13), int(row["year"]), None, "t")
        assert _observed(base, shift).start.isoformat() == row["date"], row["year"]


@pytest.mark.parametrize(
    "row", _rows("islamic_calculated_published.csv"), ids=lambda r: r["first_day"]
)
def test_calculated_islamic_months_match_fiqh_council_announcements(row: dict[str, str]) -> None:
    """The `calculated` convention against the Fiqh Council of North America's published days."""
    from edicalendar.calendar.rules import convention_table
    from edicalendar.calendar.rules.hijri_months import IslamicConvention, month_start

    key = (int(row["hijri_year"]), int(row["month"]))
    assert month_start(IslamicConvention.CALCULATED, *key).isoformat() == row["first_day"]
    shipped = convention_table.load().hijri_starts[("calculated", *key)]
    assert shipped.isoformat() == row["first_day"]


def test_uk_moon_sighting_months_last_29_or_30_days() -> None:
    from edicalendar.calendar.rules import convention_table

    starts = convention_table.load().hijri_starts
    for (key, hijri_year, month), first in starts.items():
        following = (key, hijri_year + 1, 1) if month == 12 else (key, hijri_year, month + 1)
        if following in starts:
            assert (starts[following] - first).days in (29, 30), (key, hijri_year, month)


def test_convention_table_matches_its_generator_on_a_sample() -> None:
    """A sample of the shipped alternative dates recomputed from their sources."""
    from edicalendar.calendar.rules import convention_table
    from edicalendar.calendar.rules.hijri_months import IslamicConvention, month_start

    table = convention_table.load()
    for family, key in convention_table.FESTIVAL_KEYS:
        for year in (1950, 2001, 2026, 2035, 2100):
            expected = convention_table.festival_dates(family, key, year)
            assert table.festivals.get((family, key, year)) == expected, (family, key, year)
    for key in convention_table.HIJRI_KEYS:
        for hijri_year, month in ((1343, 1), (1400, 9), (1447, 10), (1499, 12)):
            assert table.hijri_starts[(key, hijri_year, month)] == month_start(
                IslamicConvention(key), hijri_year, month
            )
