"""The shipped calendars: complete, sourced, and agreeing with organisers' published dates.

`data/organiser_dates.csv` transcribes each organiser-announced date (2024-2026) with the
page and a short quote that shows it; every row must come out of the shipped catalog as a
confirmed occurrence on exactly those dates. A second table pins well-known dates from other
published sources (bank holidays, Hebrew and Islamic calendars, past years of weekly rules), so
the rules are checked against the world and not against their own output.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.occurrences import expand
from edicalendar.model import Category, Observance, Occurrence, Status
from support.paths import REPO_ROOT

CALENDARS = REPO_ROOT / "calendars"
ORGANISER_CSV = Path(__file__).parent / "data" / "organiser_dates.csv"

#: Every observance of /work/shared/reference/observances.md (its table, then its "also
#: expected" list), by the id it ships under.
EXPECTED_IDS = [
    # the table
    "nhs-equality-diversity-human-rights-week",
    "national-day-for-staff-networks",
    "holocaust-memorial-day",
    "lgbt-history-month",
    "world-hijab-day",
    "world-interfaith-harmony-week",
    "lunar-new-year",
    "women-and-girls-in-science-day",
    "world-day-of-social-justice",
    "womens-history-month",
    "international-womens-day",
    "maha-shivaratri",
    "ramadan-begins",
    "ramadan",
    "purim",
    "holi",
    "world-bipolar-day",
    "easter-sunday",
    "trans-day-of-visibility",
    "laylat-al-qadr",
    "eid-al-fitr",
    "vaisakhi",
    "passover",
    "mental-health-awareness-week",
    "vesak",
    "pride-month",
    "carers-week",
    "shavuot",
    "eid-al-adha",
    "windrush-day",
    "nhs-birthday",
    "islamic-new-year",
    "ashura",
    "south-asian-heritage-month",
    "indigenous-peoples-day",
    "international-youth-day",
    "raksha-bandhan",
    "janmashtami",
    "esea-heritage-month",
    "world-suicide-prevention-day",
    "mawlid-an-nabi",
    "world-alzheimers-day",
    "bi-visibility-day",
    "national-inclusion-week",
    "black-history-month",
    "navaratri",
    "rosh-hashanah",
    "world-mental-health-day",
    "national-coming-out-day",
    "dussehra",
    "yom-kippur",
    "sukkot",
    "anti-slavery-day",
    "world-menopause-day",
    "intersex-awareness-day",
    "diwali",
    "trans-awareness-month",
    "inter-faith-week",
    "transgender-awareness-week",
    "uk-disability-history-month",
    "guru-nanak-gurpurab",
    "international-mens-day",
    "elimination-of-violence-against-women-day",
    "world-aids-day",
    "international-day-of-persons-with-disabilities",
    "human-rights-day",
    "christmas-day",
    "hanukkah",
    "lent",
    "orthodox-great-lent",
    "ash-wednesday",
    # the "also expected" list
    "time-to-talk-day",
    "race-equality-week",
    "neurodiversity-celebration-week",
    "international-day-elimination-racial-discrimination",
    "autism-acceptance-month",
    "lesbian-visibility-day",
    "lesbian-visibility-week",
    "deaf-awareness-week",
    "international-day-of-the-midwife",
    "international-nurses-day",
    "idahobit",
    "world-day-for-cultural-diversity",
    "dementia-action-week",
    "volunteers-week",
    "gypsy-roma-traveller-history-month",
    "refugee-week",
    "learning-disability-week",
    "loneliness-awareness-week",
    "mens-health-week",
    "armed-forces-day",
    "disability-pride-month",
    "srebrenica-memorial-day",
    "international-day-of-sign-languages",
    "international-day-of-older-persons",
    "adhd-awareness-month",
    "dyslexia-awareness-week",
    "baby-loss-awareness-week",
    "islamophobia-awareness-month",
    "anti-bullying-week",
    "trans-day-of-remembrance",
    "remembrance-sunday",
    "purple-light-up",
    "orthodox-christmas",
    "orthodox-easter",
    "good-friday",
    "pentecost",
    "guru-gobind-singh-gurpurab",
    "bandi-chhor-divas",
    "tisha-bav",
    "parinirvana-day",
    "losar",
    "nowruz",
    "bahai-naw-ruz",
    "bahai-ridvan",
    "lohri",
    "makar-sankranti",
    "onam",
    "manchester-pride",
]

#: Dates published independently of the organiser rows above. Each row: observance id, year,
#: first day, last day, and (in the comment) where the date is published.
PUBLISHED_DATES: list[tuple[str, int, str, str]] = [
    # UK convention: October, not February (https://www.blackhistorymonth.org.uk/)
    ("black-history-month", 2025, "2025-10-01", "2025-10-31"),
    # UK convention: February, 29 days in 2024 (https://lgbtplushistorymonth.co.uk/)
    ("lgbt-history-month", 2024, "2024-02-01", "2024-02-29"),
    # https://www.firstresponsetraining.com/time-to-talk-day-2025-the-nations-biggest-mental-health-conversation/
    ("time-to-talk-day", 2025, "2025-02-06", "2025-02-06"),
    # https://www.crosbytraining.com/latest-news/mental-health-awareness-week-2024/
    # ("from 13 to 19 May")
    ("mental-health-awareness-week", 2024, "2024-05-13", "2024-05-19"),
    # Bank holidays: https://www.gov.uk/bank-holidays
    ("good-friday", 2024, "2024-03-29", "2024-03-29"),
    ("good-friday", 2025, "2025-04-18", "2025-04-18"),
    ("good-friday", 2026, "2026-04-03", "2026-04-03"),
    ("easter-sunday", 2025, "2025-04-20", "2025-04-20"),
    # https://en.wikipedia.org/wiki/List_of_dates_for_Easter (Eastern column)
    ("orthodox-easter", 2024, "2024-05-05", "2024-05-05"),
    ("orthodox-easter", 2025, "2025-04-20", "2025-04-20"),
    # https://www.armedforcesday.org.uk/ (last Saturday of June)
    ("armed-forces-day", 2025, "2025-06-28", "2025-06-28"),
    # https://www.britishlegion.org.uk/get-involved/remembrance
    ("remembrance-sunday", 2025, "2025-11-09", "2025-11-09"),
    # https://www.southasianheritage.org.uk/ (18 July - 17 August)
    ("south-asian-heritage-month", 2025, "2025-07-18", "2025-08-17"),
    # Hebrew calendar, first full day (https://www.hebcal.com/holidays/); UK lists give the
    # evening before (davora.co.uk: Rosh Hashanah "22 Sep 2025", Passover "12 Apr 2025").
    ("rosh-hashanah", 2025, "2025-09-23", "2025-09-24"),
    ("yom-kippur", 2024, "2024-10-12", "2024-10-12"),
    ("passover", 2025, "2025-04-13", "2025-04-20"),
    ("hanukkah", 2025, "2025-12-15", "2025-12-22"),
    # UK mosques: Ramadan 2025 "begins evening of Fri 28 Feb"; Eid al-Fitr "30th or 31st March"
    # (edi-calendar-notes.md); Umm al-Qura gives 1 March and 30 March.
    ("ramadan-begins", 2025, "2025-03-01", "2025-03-01"),
    ("eid-al-fitr", 2025, "2025-03-30", "2025-03-30"),
    # timeanddate.com (India) via vacanza/holidays holidays/calendars/hindu.py
    ("diwali", 2025, "2025-10-20", "2025-10-20"),
    # https://sheyun.be/en/losar-the-tibetan-new-year
    # ("not January 29th, as in the Chinese calendar")
    ("lunar-new-year", 2025, "2025-01-29", "2025-01-29"),
    # Past years that the weekly rules must reproduce, each from a page of that year:
    # https://www.livingwellnorthtyneside.co.uk/building-bridges-inter-faith-week-2023
    ("inter-faith-week", 2023, "2023-11-12", "2023-11-19"),
    # https://blog.anthonycollins.com/tag/trust ("Dementia Action Week: 15 – 21 May")
    ("dementia-action-week", 2023, "2023-05-15", "2023-05-21"),
    # https://www.healthwatchsunderland.com/event/2023-06-05/carers-week
    ("carers-week", 2023, "2023-06-05", "2023-06-11"),
    # https://maryharehearingservices.co.uk/news/deaf-awareness-week-2021 ("3 - 9 May")
    ("deaf-awareness-week", 2021, "2021-05-03", "2021-05-09"),
    # https://en.wikipedia.org/wiki/Refugee_Week ("Compassion (19-25 June 2023)")
    ("refugee-week", 2023, "2023-06-19", "2023-06-25"),
    # https://homeshareuk.org/get-ready-for-race-equality-week-2023 ("from 6 to 12 February 2023")
    ("race-equality-week", 2023, "2023-02-06", "2023-02-12"),
    # https://www.fairplaytalks.com/2023/03/12/neurodiversity-celebration-week-celebrating-different-minds/
    ("neurodiversity-celebration-week", 2023, "2023-03-13", "2023-03-19"),
    # https://www.fresh4manchester.nhs.uk/2022/04/08/upcoming-lesbian-visibility-week-2022-monday-25th-april-sunday-1st-may/
    ("lesbian-visibility-week", 2022, "2022-04-25", "2022-05-01"),
    # https://www.krystalalliance.co.uk/event/national-day-for-staff-networks/
    # ("Wednesday 10th May 2023")
    ("national-day-for-staff-networks", 2023, "2023-05-10", "2023-05-10"),
    # https://lawyerswithdisabilities.com/dyslexia-awareness-week-2nd-8th-october-2023
    ("dyslexia-awareness-week", 2023, "2023-10-02", "2023-10-08"),
    # http://www.londonfa.com/news/2018/nov/12/anti-bullying-week-2018 ("12th - 16th of November")
    ("anti-bullying-week", 2018, "2018-11-12", "2018-11-16"),
    # https://newsletters.naavi.com/i/v5zEXoM/issue-5/page/14 ("June13-19")
    ("mens-health-week", 2022, "2022-06-13", "2022-06-19"),
    # https://duartepires.com/article/equality-diversity-and-human-rights-week-2022
    # (Mon 9 - Fri 13 May)
    ("nhs-equality-diversity-human-rights-week", 2022, "2022-05-09", "2022-05-13"),
    # https://www.nhsemployers.org/your-workforce/plan/diversity-and-inclusion/campaigns-and-events/eqw2019/equality-diversity-and-human-rights-week-2019-timetable
    ("nhs-equality-diversity-human-rights-week", 2019, "2019-05-13", "2019-05-17"),
    # https://ilovemanchester.com/manchester-pride-august-bank-holiday-2021
    # ("27th August until Monday 30th August")
    ("manchester-pride", 2021, "2021-08-27", "2021-08-30"),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CALENDARS)


def _occurrences(catalog: Catalog, observance_id: str, year: int) -> list[Occurrence]:
    window = expand(catalog, dt.date(year, 1, 1), dt.date(year, 12, 31), ids=[observance_id])
    return [o for o in window.occurrences if o.year == year]


def _organiser_rows() -> list[dict[str, str]]:
    with ORGANISER_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _mentions_day(quote: str, day: int) -> bool:
    return re.search(rf"(?<!\d)0?{day}(?!\d)", quote) is not None


def test_catalog_ships_at_least_100_observances(catalog: Catalog) -> None:
    """The shipped calendars hold at least 100 observances."""
    assert len(catalog) >= 100


def test_every_reference_observance_ships(catalog: Catalog) -> None:
    """Every observance in the reference list (table and additions) is in the shipped data."""
    missing = [oid for oid in EXPECTED_IDS if catalog.get(oid) is None]
    assert missing == []


def test_every_observance_is_described_and_sourced(catalog: Catalog) -> None:
    """Each observance has a description, an http(s) link and at least one http(s) source."""
    problems = []
    for obs in catalog.observances.values():
        links = [obs.url, *obs.sources] if obs.url else [None]
        if not obs.description.strip() or not obs.sources:
            problems.append(obs.id)
        if not all(link and re.match(r"https?://\S+$", link) for link in links):
            problems.append(obs.id)
    assert problems == []


def test_announced_dates_name_their_source(catalog: Catalog) -> None:
    """Every recorded year with dates gives an http(s) page that announced them."""
    unsourced = [
        f"{obs.id}:{key}"
        for obs in catalog.observances.values()
        for key, year in obs.years.items()
        if year.start is not None and not (year.source and year.source.startswith("http"))
    ]
    assert unsourced == []


@pytest.mark.parametrize(
    "row", _organiser_rows(), ids=lambda r: f"{r['observance_id']}-{r['year']}"
)
def test_organiser_date_is_a_confirmed_occurrence(catalog: Catalog, row: dict[str, str]) -> None:
    """An organiser-announced date comes out confirmed, on those days, with that theme."""
    year = int(row["year"])
    start = dt.date.fromisoformat(row["start"])
    end = dt.date.fromisoformat(row["end"])
    # The transcription itself: the quoted text shows the first and last day.
    assert _mentions_day(row["quote"], start.day) and _mentions_day(row["quote"], end.day)
    [occurrence] = _occurrences(catalog, row["observance_id"], year)
    assert (occurrence.start, occurrence.end) == (start, end)
    assert occurrence.status is Status.CONFIRMED
    assert occurrence.source == row["source_url"]
    if row["theme"]:
        assert occurrence.theme == row["theme"]


def test_every_recorded_year_is_transcribed(catalog: Catalog) -> None:
    """Each year with announced dates in the calendars has a row in organiser_dates.csv."""
    recorded = {
        (obs.id, key[:4])
        for obs in catalog.observances.values()
        for key, year in obs.years.items()
        if year.start is not None
    }
    transcribed = {(r["observance_id"], r["year"]) for r in _organiser_rows()}
    assert recorded - transcribed == set()
    assert transcribed - recorded == set()


@pytest.mark.parametrize(
    ("observance_id", "year", "start", "end"), PUBLISHED_DATES, ids=lambda v: str(v)
)
def test_published_date(
    catalog: Catalog, observance_id: str, year: int, start: str, end: str
) -> None:
    """The shipped rule gives the date published by an independent source for that year."""
    found = [
        (o.start.isoformat(), o.end.isoformat()) for o in _occurrences(catalog, observance_id, year)
    ]
    assert found == [(start, end)]


def test_announced_years_without_dates_are_provisional(catalog: Catalog) -> None:
    """An organiser-set event in a year with no recorded dates is provisional, not confirmed."""
    [occurrence] = _occurrences(catalog, "carers-week", 2027)
    assert occurrence.status is Status.PROVISIONAL
    assert (occurrence.start, occurrence.end) == (dt.date(2027, 6, 7), dt.date(2027, 6, 13))


def _by_tradition(catalog: Catalog, tradition: str) -> list[Observance]:
    return [o for o in catalog.observances.values() if o.tradition == tradition]


#: The minor fasts run from dawn to nightfall, so they do not begin the evening before.
DAWN_FASTS = {"fast-of-esther", "seventeenth-of-tammuz", "fast-of-gedaliah", "tenth-of-tevet"}


def test_jewish_and_islamic_days_begin_the_evening_before(catalog: Catalog) -> None:
    """Every Jewish and Islamic festival is marked as beginning at sunset the evening before;
    the minor Jewish fasts begin at dawn and are marked as fasts."""
    faith_days = [o for o in _by_tradition(catalog, "Judaism") if o.id not in DAWN_FASTS] + [
        o for o in _by_tradition(catalog, "Islam") if o.id != "world-hijab-day"
    ]
    assert len(faith_days) >= 20
    assert [o.id for o in faith_days if not o.begins_evening_before] == []
    for fast in DAWN_FASTS:
        observance = catalog.get(fast)
        assert observance is not None and observance.fasting
        assert not observance.begins_evening_before


@pytest.mark.parametrize(
    ("observance_id", "evening", "fasting", "rest"),
    [
        ("yom-kippur", True, True, True),
        ("rosh-hashanah", True, False, True),
        ("tisha-bav", True, True, False),
        ("ramadan", True, True, False),
        ("eid-al-fitr", True, False, True),
        ("eid-al-adha", True, False, True),
        ("diwali", False, False, True),
        ("holi", False, False, False),
        ("vaisakhi", False, False, True),
        ("christmas-day", False, False, True),
        ("hanukkah", True, False, False),
    ],
)
def test_faith_practice_flags(
    catalog: Catalog, observance_id: str, evening: bool, fasting: bool, rest: bool
) -> None:
    """Evening start, fasting and rest-from-work flags match the festival's practice."""
    obs = catalog.get(observance_id)
    assert obs is not None
    assert (obs.begins_evening_before, obs.fasting, obs.rest_from_work) == (evening, fasting, rest)


@pytest.mark.parametrize(
    ("observance_id", "category"),
    [
        ("black-history-month", Category.RACE),
        ("lgbt-history-month", Category.SEXUAL_ORIENTATION),
        ("uk-disability-history-month", Category.DISABILITY),
        ("trans-day-of-visibility", Category.GENDER_REASSIGNMENT),
        ("international-womens-day", Category.SEX),
        ("holocaust-memorial-day", Category.RELIGION_BELIEF),
        ("holocaust-memorial-day", Category.RACE),
        ("international-youth-day", Category.AGE),
        ("baby-loss-awareness-week", Category.PREGNANCY_MATERNITY),
        ("mental-health-awareness-week", Category.HEALTH_WELLBEING),
        ("nhs-equality-diversity-human-rights-week", Category.GENERAL_EDI),
    ],
)
def test_categories(catalog: Catalog, observance_id: str, category: Category) -> None:
    """Observances are filed under the protected characteristic they concern."""
    obs = catalog.get(observance_id)
    assert obs is not None and category in obs.categories


def test_every_file_is_a_titled_calendar(catalog: Catalog) -> None:
    """Each calendar file has a title and description and contributes observances."""
    used = {obs.calendar for obs in catalog.observances.values()}
    assert set(catalog.calendars) == used == {p.stem for p in CALENDARS.glob("*.toml")}
    assert all(info.title and info.description for info in catalog.calendars.values())
