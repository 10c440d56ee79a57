"""Hindu, Sikh, Buddhist and Chinese festival dates, known to the engine by name.

Each festival names one authority for its date. Inside the years a `holidays` table covers
(almanac dates transcribed from timeanddate.com India and drikpanchang.com, or computed Chinese
and Buddhist calendars) the table gives the date; outside it the same rule is computed from the
Sun and Moon (:mod:`~edicalendar.calendar.rules.lunisolar.astro`), and
`scripts/lunisolar_agreement.py` shows how often the two agree. :func:`computed` does this work
offline; the package's `dates` answers from the table it is written to
(:mod:`~edicalendar.calendar.rules.lunisolar.table`). Every date is `estimated`:
temples and gurdwaras may keep a festival a day either side, and `FestivalInfo.variation` says
why for each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from edicalendar.calendar.rules.lunisolar.holidays_tables import TableRef, table_dates
from edicalendar.errors import RuleError

#: Every festival computes for these Gregorian years (the ephemeris tabulates 1948-2102).
SUPPORTED_YEARS = (1950, 2100)

METHOD_TABLE = "holidays-table"
METHOD_ASTRONOMICAL = "astronomical"
METHOD_NANAKSHAHI = "nanakshahi"


# --- how a festival is computed ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TithiRule:
    """Tithi 1-30 of an amanta month (0 = Chaitra), judged at one moment of the day."""

    month: int
    tithi: int
    moment: str  # a DayRule member name; kept as text so this module imports no astronomy
    offset_days: int = 0
    #: When the tithi holds at the moment on two days, keep the second.
    later_of_two: bool = False


@dataclass(frozen=True, slots=True)
class SankrantiRule:
    """The sidereal Sun entering a sign (0 = Mesha, 9 = Makara), with a day rule."""

    sign: int
    day: str  # a SankrantiDay member name
    offset_days: int = 0


@dataclass(frozen=True, slots=True)
class ChineseRule:
    """A day of a (non-leap) Chinese lunar month."""

    month: int
    day: int


@dataclass(frozen=True, slots=True)
class MayFullMoonRule:
    """The 15th day of the Chinese lunar month that falls in May (Vesak, "full moon in May")."""


@dataclass(frozen=True, slots=True)
class FixedDayRule:
    """The same Gregorian day every year (a solar calendar such as the Nanakshahi)."""

    month: int
    day: int


Computation = TithiRule | SankrantiRule | ChineseRule | MayFullMoonRule | FixedDayRule


@dataclass(frozen=True, slots=True)
class FestivalInfo:
    """What the engine knows about one festival and whose date it follows."""

    name: str
    title: str
    tradition: str
    default_days: int
    #: The rule in the tradition's own terms, e.g. "Ashvin Amavasya (amanta)".
    rule: str
    #: The authority whose date is published, with a source address.
    authority: str
    #: The astronomical rule (checked against `table` over the table's years).
    computation: Computation
    #: The `holidays` table giving dates inside its years, if one is followed.
    table: TableRef | None
    #: When the published date follows a fixed solar calendar instead (Vaisakhi in the UK).
    fixed: FixedDayRule | None = None
    may_vary_days: int = 1
    #: Why and how far local practice may differ from the date given.
    variation: str = "Local temples may keep the festival a day either side of the almanac date."


_INDIA_ALMANAC = (
    "Indian almanac date for New Delhi as published by timeanddate.com India "
    "(transcribed in the holidays package), which UK mandirs follow (see diwali: Neasden "
    "Temple keeps the almanac day)"
)

_FESTIVAL_LIST = (
    FestivalInfo(
        name="chinese_new_year",
        title="Chinese New Year (Lunar New Year)",
        tradition="Chinese",
        default_days=1,
        rule="1st day of the 1st Chinese lunar month (new moon in China Standard Time)",
        authority="Chinese calendar rules of GB/T 33661-2017 (new moons and solar terms in "
        "UTC+8), as tabulated by holidays.calendars.chinese; the UK keeps the same day "
        "(public events such as London's parade move to the nearest weekend)",
        computation=ChineseRule(1, 1),
        table=TableRef("chinese", "LUNAR_NEW_YEAR"),
        variation="Vietnamese (UTC+7) and Korean (UTC+9) calendars date the new moon in "
        "their own time zone and occasionally start the year a day apart (Vietnam, 2030).",
    ),
    FestivalInfo(
        name="diwali",
        title="Diwali",
        tradition="Hindu",
        default_days=1,
        rule="Ashvin Amavasya (amanta) = Kartika Amavasya (purnimanta), the day whose "
        "evening (pradosh) falls in the new-moon tithi",
        authority="BAPS Shri Swaminarayan Mandir, London (Neasden Temple) keeps the Indian "
        "almanac day, e.g. Thursday 31 October 2024 "
        "(https://baps.org/News/2024/Diwali--Annakut-Celebrations-2024-27220.aspx); "
        "dates from timeanddate.com India via holidays DIWALI_INDIA",
        computation=TithiRule(6, 30, "SUNSET"),
        table=TableRef("hindu", "DIWALI_INDIA"),
        variation="When the new moon straddles two evenings listings differ by a day (2024: "
        "31 October at Neasden, 1 November in some almanacs). A London-computed almanac "
        "would put Diwali a day earlier in about one year in six; Neasden kept the Indian "
        "day in such years (2004, 2013, 2016).",
    ),
    FestivalInfo(
        name="bandi_chhor_divas",
        title="Bandi Chhor Divas",
        tradition="Sikh",
        default_days=1,
        rule="Same day as Diwali (Ashvin Amavasya, amanta)",
        authority="Gurdwaras mark it on the Diwali day; date as for diwali "
        "(timeanddate.com India via holidays DIWALI_INDIA)",
        computation=TithiRule(6, 30, "SUNSET"),
        table=TableRef("hindu", "DIWALI_INDIA"),
    ),
    FestivalInfo(
        name="holi",
        title="Holi",
        tradition="Hindu",
        default_days=1,
        rule="Day of colours after Holika Dahan: Chaitra Krishna Pratipada (purnimanta), "
        "the day after Phalguna Purnima",
        authority=_INDIA_ALMANAC + " (holidays HOLI)",
        computation=TithiRule(11, 16, "APARAHNA"),
        table=TableRef("hindu", "HOLI"),
    ),
    FestivalInfo(
        name="maha_shivaratri",
        title="Maha Shivaratri",
        tradition="Hindu",
        default_days=1,
        rule="Magha Krishna Chaturdashi (amanta) = Phalguna Krishna Chaturdashi "
        "(purnimanta), kept on the night the tithi holds",
        authority=_INDIA_ALMANAC + " (holidays MAHA_SHIVARATRI)",
        computation=TithiRule(10, 29, "NIGHT_THREE_EIGHTHS"),
        table=TableRef("hindu", "MAHA_SHIVARATRI"),
    ),
    FestivalInfo(
        name="raksha_bandhan",
        title="Raksha Bandhan",
        tradition="Hindu",
        default_days=1,
        rule="Shravana Purnima, on the day Purnima lasts at least three muhurtas after sunrise",
        authority=_INDIA_ALMANAC + " (holidays RAKSHA_BANDHAN)",
        computation=TithiRule(4, 15, "THIRD_MUHURTA"),
        table=TableRef("hindu", "RAKSHA_BANDHAN"),
    ),
    FestivalInfo(
        name="janmashtami",
        title="Krishna Janmashtami",
        tradition="Hindu",
        default_days=1,
        rule="Shravana Krishna Ashtami (amanta) = Bhadrapada Krishna Ashtami (purnimanta), "
        "Ashtami at sunrise",
        authority=_INDIA_ALMANAC + " (holidays JANMASHTAMI)",
        computation=TithiRule(4, 23, "SUNRISE"),
        table=TableRef("hindu", "JANMASHTAMI"),
        variation="Smarta and Vaishnava (ISKCON) traditions may keep it on consecutive days.",
    ),
    FestivalInfo(
        name="navaratri",
        title="Navaratri (Sharad)",
        tradition="Hindu",
        default_days=9,
        rule="Ashvin Shukla Pratipada to Navami: nine nights from the first day",
        authority=_INDIA_ALMANAC + " (holidays SHARAD_NAVRATRI)",
        computation=TithiRule(6, 1, "GHATASTHAPANA"),
        table=TableRef("hindu", "SHARAD_NAVRATRI"),
        variation="A skipped or repeated tithi makes the festival eight or ten days long in "
        "some years; UK garba events often run on the nearest weekends.",
    ),
    FestivalInfo(
        name="dussehra",
        title="Dussehra (Vijayadashami)",
        tradition="Hindu",
        default_days=1,
        rule="Ashvin Shukla Dashami, on the day Dashami holds in the afternoon (aparahna); "
        "the second day when it holds on two",
        authority=_INDIA_ALMANAC + " (holidays DUSSEHRA)",
        computation=TithiRule(6, 10, "APARAHNA", later_of_two=True),
        table=TableRef("hindu", "DUSSEHRA"),
    ),
    FestivalInfo(
        name="vaisakhi",
        title="Vaisakhi",
        tradition="Sikh",
        default_days=1,
        rule="1 Vaisakh: Mesha sankranti (solar); fixed at 14 April by the Nanakshahi calendar",
        authority="Sikh Council UK: Vaisakhi is the first day of Vaisakh in the Nanakshahi "
        "calendar, 14 April "
        "(https://sikhcounciluk.org/vaisakhi-greetings-and-a-date-for-your-diary/)",
        computation=SankrantiRule(0, "CIVIL_DAY"),
        table=TableRef("hindu", "VAISAKHI"),
        fixed=FixedDayRule(4, 14),
        variation="Gurdwaras following the Bikrami (solar sankranti) calendar keep 13 April "
        "in years when the Sun enters Mesha on the 13th.",
    ),
    FestivalInfo(
        name="guru_nanak_gurpurab",
        title="Guru Nanak Gurpurab",
        tradition="Sikh",
        default_days=1,
        rule="Kartik Purnima (full moon of Kartika), Purnima at sunrise",
        authority="Kartik Purnima, the lunar date SGPC keeps (the 2003 Nanakshahi calendar "
        "also left this gurpurab lunar); " + _INDIA_ALMANAC + " (holidays GURU_NANAK_JAYANTI)",
        computation=TithiRule(7, 15, "SUNRISE"),
        table=TableRef("hindu", "GURU_NANAK_JAYANTI"),
    ),
    FestivalInfo(
        name="vesak",
        title="Vesak (Buddha Day)",
        tradition="Buddhist",
        default_days=1,
        rule="Full moon of Vesakha, kept on the full-moon (15th lunar) day in May",
        authority="The 'full moon in May' convention of UK calendars and school RE material, "
        "as in the Prime Minister's Vesak greeting of 12 May 2025 "
        "(https://www.win-calendar.com/uk/Vesak-Day-of-the-Full-Moon); dates from "
        "holidays.calendars.buddhist VESAK_MAY (the 15th lunar day in May)",
        computation=MayFullMoonRule(),
        table=TableRef("buddhist", "VESAK_MAY"),
        variation="The 15th lunar day can come up to two days before the full moon in UK "
        "time (2032: 23 May against a full moon on 25 May); Sri Lankan and Thai temples "
        "keep the Vesakha full moon, which is in June in years with a leap month (2023, "
        "2026, 2031, 2034).",
        may_vary_days=2,
    ),
    FestivalInfo(
        name="makar_sankranti",
        title="Makar Sankranti",
        tradition="Hindu",
        default_days=1,
        rule="Sidereal Sun enters Makara (Lahiri); the next day when this is after sunset",
        authority=_INDIA_ALMANAC + " (holidays MAKAR_SANKRANTI)",
        computation=SankrantiRule(9, "NEXT_DAY_AFTER_SUNSET"),
        table=TableRef("hindu", "MAKAR_SANKRANTI"),
    ),
    FestivalInfo(
        name="lohri",
        title="Lohri",
        tradition="Sikh and Hindu (Punjabi)",
        default_days=1,
        rule="The eve of Makar Sankranti (Maghi)",
        authority="The day before makar_sankranti; " + _INDIA_ALMANAC,
        computation=SankrantiRule(9, "NEXT_DAY_AFTER_SUNSET", offset_days=-1),
        table=TableRef("hindu", "MAKAR_SANKRANTI", offset_days=-1),
        variation="Usually 13 January; 14 January when Makar Sankranti falls on the 15th.",
    ),
    FestivalInfo(
        name="ganesh_chaturthi",
        title="Ganesh Chaturthi",
        tradition="Hindu",
        default_days=1,
        rule="Bhadrapada Shukla Chaturthi, Chaturthi at midday (madhyahna)",
        authority=_INDIA_ALMANAC + " (holidays GANESH_CHATURTHI)",
        computation=TithiRule(5, 4, "MADHYAHNA"),
        table=TableRef("hindu", "GANESH_CHATURTHI"),
    ),
    FestivalInfo(
        name="ram_navami",
        title="Ram Navami",
        tradition="Hindu",
        default_days=1,
        rule="Chaitra Shukla Navami, Navami at midday (madhyahna); the second day when it "
        "holds on two",
        authority=_INDIA_ALMANAC + " (holidays RAM_NAVAMI)",
        computation=TithiRule(0, 9, "MADHYAHNA", later_of_two=True),
        table=TableRef("hindu", "RAM_NAVAMI"),
    ),
    FestivalInfo(
        name="guru_gobind_singh_gurpurab",
        title="Guru Gobind Singh Gurpurab",
        tradition="Sikh",
        default_days=1,
        rule="Poh Sudi 7 (Pausha Shukla Saptami, Bikrami lunar calendar), Saptami at sunrise; "
        "falls twice in some Gregorian years and not at all in others",
        authority="Bikrami lunar date as kept by SGPC since 2010, computed; the holidays "
        "table mixes in the Nanakshahi fixed date (5 January) for 2005-2015 and is not used",
        computation=TithiRule(9, 7, "SUNRISE"),
        table=None,
        variation="Gurdwaras following the original Nanakshahi calendar keep 5 January.",
    ),
    FestivalInfo(
        name="mid_autumn",
        title="Mid-Autumn Festival",
        tradition="Chinese",
        default_days=1,
        rule="15th day of the 8th Chinese lunar month",
        authority="Chinese calendar (GB/T 33661-2017) as tabulated by "
        "holidays.calendars.chinese MID_AUTUMN",
        computation=ChineseRule(8, 15),
        table=TableRef("chinese", "MID_AUTUMN"),
        variation="Vietnamese (UTC+7) and Korean (UTC+9) calendars date the new moon in "
        "their own time zone and occasionally differ by a day.",
    ),
    FestivalInfo(
        name="karva_chauth",
        title="Karva Chauth",
        tradition="Hindu",
        default_days=1,
        rule="Ashvin Krishna Chaturthi (amanta) = Kartika Krishna Chaturthi (purnimanta), "
        "Chaturthi at moonrise",
        authority=_INDIA_ALMANAC + " (holidays KARWA_CHAUTH)",
        computation=TithiRule(6, 19, "MOONRISE"),
        table=TableRef("hindu", "KARWA_CHAUTH"),
    ),
    FestivalInfo(
        name="pongal",
        title="Thai Pongal",
        tradition="Hindu (Tamil)",
        default_days=1,
        rule="1 Thai: the sidereal Sun enters Makara; the next day when this is after sunset",
        authority=_INDIA_ALMANAC + " (holidays PONGAL)",
        computation=SankrantiRule(9, "NEXT_DAY_AFTER_SUNSET"),
        table=TableRef("hindu", "PONGAL"),
        variation="Bhogi is the day before and the celebrations run four days.",
    ),
)

#: Every festival the engine knows, by name.
FESTIVALS: Mapping[str, FestivalInfo] = MappingProxyType({f.name: f for f in _FESTIVAL_LIST})


def festival(name: str, subject: str = "lunisolar") -> FestivalInfo:
    """The festival called `name`, or RuleError listing the known names."""
    try:
        return FESTIVALS[name]
    except KeyError:
        known = ", ".join(sorted(FESTIVALS))
        raise RuleError(f"{subject}: unknown lunisolar festival {name!r}; known: {known}") from None


def astronomical_dates(info: FestivalInfo, year: int) -> tuple[dt.date, ...]:
    """The festival's computed start days in Gregorian `year` (table and UK rule ignored)."""
    return _astronomical(info.name, year)


@lru_cache(maxsize=4096)
def _astronomical(name: str, year: int) -> tuple[dt.date, ...]:
    # Imported on first use: PyEphem and the ephemeris cost start-up time the table lookup avoids.
    from edicalendar.calendar.rules.lunisolar import astro

    computation = FESTIVALS[name].computation
    match computation:
        case TithiRule(month, tithi, moment, offset, later):
            shift = dt.timedelta(days=offset)
            days = [
                astro.day_of_tithi(m, tithi, astro.DayRule[moment], later) + shift
                for m in astro.months_named(month, year)
            ]
        case SankrantiRule(sign, day_rule, offset):
            day = astro.sankranti_day(sign, year, astro.SankrantiDay[day_rule])
            days = [day + dt.timedelta(days=offset)]
        case ChineseRule(month, day):
            days = [astro.chinese_date(year, month, day)]
        case MayFullMoonRule():
            days = [astro.lunar_fifteenth_in_may(year)]
        case FixedDayRule(month, day):
            days = [dt.date(year, month, day)]
    return tuple(sorted({d for d in days if d.year == year}))


def computed(name: str, year: int) -> tuple[tuple[dt.date, str], ...]:
    """The festival's start days in `year` with their method, worked out (slow; offline use).

    The UK fixed date if the festival has one, else the `holidays` table inside its years,
    else the astronomical rule. `scripts/generate_lunisolar_table.py` tabulates this.
    """
    info = FESTIVALS[name]
    if info.fixed is not None:
        return ((dt.date(year, info.fixed.month, info.fixed.day), METHOD_NANAKSHAHI),)
    if info.table is not None:
        from_table = table_dates(info.table, year)
        if from_table is not None:
            return tuple((day, METHOD_TABLE) for day in from_table)
    return tuple((day, METHOD_ASTRONOMICAL) for day in _astronomical(name, year))
