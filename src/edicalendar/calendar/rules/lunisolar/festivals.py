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
METHOD_THAI = "thai-lunar-calendar"


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


@dataclass(frozen=True, slots=True)
class FirstFullMoonRule:
    """The civil day, in UK time, of the first full moon in a Gregorian month."""

    month: int


@dataclass(frozen=True, slots=True)
class ThaiRule:
    """A day of the Thai lunar calendar, as holidays.calendars.thai computes it (1914-2157).

    `event` names the `_ThaiLunisolar` method without its `_date` suffix, e.g. "makha_bucha".
    """

    event: str


Computation = (
    TithiRule
    | SankrantiRule
    | ChineseRule
    | MayFullMoonRule
    | FixedDayRule
    | FirstFullMoonRule
    | ThaiRule
)


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
    # --- festivals that NHS, council and Shap calendars list ---------------------------------
    FestivalInfo(
        name="vasant_panchami",
        title="Vasant Panchami",
        tradition="Hindu",
        default_days=1,
        rule="Magha Shukla Panchami, Panchami in the forenoon",
        authority=_INDIA_ALMANAC + " (holidays BASANT_PANCHAMI)",
        computation=TithiRule(10, 5, "THIRD_MUHURTA"),
        table=TableRef("hindu", "BASANT_PANCHAMI"),
    ),
    FestivalInfo(
        name="holika_dahan",
        title="Holika Dahan",
        tradition="Hindu",
        default_days=1,
        rule="Phalguna Purnima: the evening before Holi's day of colours",
        authority="The day before holi; " + _INDIA_ALMANAC,
        computation=TithiRule(11, 16, "APARAHNA", offset_days=-1),
        table=TableRef("hindu", "HOLI", offset_days=-1),
    ),
    FestivalInfo(
        name="hola_mohalla",
        title="Hola Mohalla",
        tradition="Sikh",
        default_days=1,
        rule="Chet Vadi 1 (Chaitra Krishna Pratipada): the day after Holi",
        authority="The day after holi, as at Anandpur Sahib; " + _INDIA_ALMANAC + ". The "
        "holidays HOLA_MOHALLA table follows Indian gazette dates, which often coincide with "
        "Holi itself, and is not used",
        computation=TithiRule(11, 16, "APARAHNA", offset_days=1),
        table=TableRef("hindu", "HOLI", offset_days=1),
        variation="The Anandpur Sahib fair runs for three days; UK gurdwaras may hold events "
        "on the nearest weekend.",
    ),
    FestivalInfo(
        name="gudi_padwa",
        title="Gudi Padwa and Ugadi",
        tradition="Hindu",
        default_days=1,
        rule="Chaitra Shukla Pratipada, the first day of the lunisolar year, at sunrise",
        authority=_INDIA_ALMANAC + " (holidays GUDI_PADWA)",
        computation=TithiRule(0, 1, "SUNRISE"),
        table=TableRef("hindu", "GUDI_PADWA"),
    ),
    FestivalInfo(
        name="chaitra_navratri",
        title="Chaitra Navratri",
        tradition="Hindu",
        default_days=9,
        rule="Chaitra Shukla Pratipada to Navami: nine nights ending on Ram Navami",
        authority=_INDIA_ALMANAC + " (holidays CHAITRA_NAVRATRI)",
        computation=TithiRule(0, 1, "SUNRISE"),
        table=TableRef("hindu", "CHAITRA_NAVRATRI"),
        variation="Almanacs start it on the day after Gudi Padwa when Pratipada holds only "
        "briefly after sunrise; a skipped tithi makes it eight days long.",
    ),
    FestivalInfo(
        name="mahavir_jayanti",
        title="Mahavir Jayanti",
        tradition="Jain",
        default_days=1,
        rule="Chaitra Shukla Trayodashi, at sunrise",
        authority=_INDIA_ALMANAC + " (holidays MAHAVIR_JAYANTI)",
        computation=TithiRule(0, 13, "SUNRISE"),
        table=TableRef("hindu", "MAHAVIR_JAYANTI"),
    ),
    FestivalInfo(
        name="hanuman_jayanti",
        title="Hanuman Jayanti",
        tradition="Hindu",
        default_days=1,
        rule="Chaitra Purnima, at sunrise (the North Indian date)",
        authority=_INDIA_ALMANAC + " (holidays HANUMAN_JAYANTI)",
        computation=TithiRule(0, 15, "SUNRISE"),
        table=TableRef("hindu", "HANUMAN_JAYANTI"),
        variation="South Indian and some other traditions keep Hanuman's birth in other months.",
    ),
    FestivalInfo(
        name="rath_yatra",
        title="Rath Yatra",
        tradition="Hindu",
        default_days=1,
        rule="Ashadha Shukla Dwitiya, at sunrise",
        authority=_INDIA_ALMANAC + " (holidays RATH_YATRA)",
        computation=TithiRule(3, 2, "SUNRISE"),
        table=TableRef("hindu", "RATH_YATRA"),
        variation="UK processions (ISKCON Rathayatra) are often held on a nearby weekend.",
    ),
    FestivalInfo(
        name="guru_purnima",
        title="Guru Purnima",
        tradition="Hindu, Buddhist and Jain",
        default_days=1,
        rule="Ashadha Purnima, at sunrise",
        authority=_INDIA_ALMANAC + " (holidays GURU_PURNIMA)",
        computation=TithiRule(3, 15, "SUNRISE"),
        table=TableRef("hindu", "GURU_PURNIMA"),
    ),
    FestivalInfo(
        name="anant_chaturdashi",
        title="Anant Chaturdashi",
        tradition="Hindu",
        default_days=1,
        rule="Bhadrapada Shukla Chaturdashi, at sunrise; the later day when it holds on two",
        authority=_INDIA_ALMANAC + " (holidays ANANT_CHATURDASHI)",
        computation=TithiRule(5, 14, "SUNRISE", later_of_two=True),
        table=TableRef("hindu", "ANANT_CHATURDASHI"),
    ),
    FestivalInfo(
        name="samvatsari",
        title="Samvatsari",
        tradition="Jain",
        default_days=1,
        rule="Bhadrapada Shukla Panchami (Shvetambara), Panchami at midday",
        authority=_INDIA_ALMANAC + " (holidays SAMVATSARI_PARVA)",
        computation=TithiRule(5, 5, "MADHYAHNA"),
        table=TableRef("hindu", "SAMVATSARI_PARVA"),
        variation="Some Shvetambara groups keep Samvatsari on Chaturthi, a day earlier; "
        "Digambara Jains begin Das Lakshana on Panchami.",
    ),
    FestivalInfo(
        name="paryushan",
        title="Paryushan Parva",
        tradition="Jain",
        default_days=8,
        rule="The eight days ending on Samvatsari (Shvetambara)",
        authority="Seven days before samvatsari; "
        + _INDIA_ALMANAC
        + " (holidays SAMVATSARI_PARVA)",
        computation=TithiRule(5, 5, "MADHYAHNA", offset_days=-7),
        table=TableRef("hindu", "SAMVATSARI_PARVA", offset_days=-7),
        variation="As for Samvatsari; a skipped or repeated tithi can change the count.",
    ),
    FestivalInfo(
        name="pitru_paksha",
        title="Pitru Paksha",
        tradition="Hindu",
        default_days=16,
        rule="Bhadrapada Purnima to Mahalaya Amavasya (amanta), about sixteen days",
        authority="Fifteen days before Mahalaya Amavasya; "
        + _INDIA_ALMANAC
        + " (holidays PITRA_MOKSH_AMAVASYA)",
        computation=TithiRule(5, 30, "APARAHNA", later_of_two=True, offset_days=-15),
        table=TableRef("hindu", "PITRA_MOKSH_AMAVASYA", offset_days=-15),
        variation="The fortnight is fifteen or sixteen days long depending on the tithis; some "
        "almanacs start it the day after the full moon.",
    ),
    FestivalInfo(
        name="durga_puja",
        title="Durga Puja",
        tradition="Hindu (Bengali)",
        default_days=5,
        rule="Ashvin Shukla Shashthi to Dashami: five days around Maha Ashtami",
        authority="Two days before Maha Ashtami; " + _INDIA_ALMANAC + " (holidays MAHA_ASHTAMI)",
        computation=TithiRule(6, 8, "GHATASTHAPANA", later_of_two=True, offset_days=-2),
        table=TableRef("hindu", "MAHA_ASHTAMI", offset_days=-2),
        variation="Community pujas in the UK often move the main days to the nearest weekend.",
    ),
    FestivalInfo(
        name="valmiki_jayanti",
        title="Valmiki Jayanti",
        tradition="Hindu (Valmiki)",
        default_days=1,
        rule="Ashvin Purnima, at sunrise",
        authority=_INDIA_ALMANAC + " (holidays MAHARSHI_VALMIKI_JAYANTI)",
        computation=TithiRule(6, 15, "SUNRISE"),
        table=TableRef("hindu", "MAHARSHI_VALMIKI_JAYANTI"),
    ),
    FestivalInfo(
        name="dhanteras",
        title="Dhanteras",
        tradition="Hindu",
        default_days=1,
        rule="Ashvin Krishna Trayodashi (amanta), in the evening (pradosh): two days before Diwali",
        authority="Two days before diwali; dates from timeanddate.com India via holidays "
        "DIWALI_INDIA",
        computation=TithiRule(6, 28, "SUNSET"),
        table=TableRef("hindu", "DIWALI_INDIA", offset_days=-2),
        variation="When Trayodashi and Chaturdashi share an evening, Dhanteras is the day "
        "before Diwali.",
    ),
    FestivalInfo(
        name="govardhan_puja",
        title="Govardhan Puja",
        tradition="Hindu",
        default_days=1,
        rule="Kartika Shukla Pratipada, the day after Diwali (Pratipada at midday)",
        authority=_INDIA_ALMANAC + " (holidays GOVARDHAN_PUJA)",
        computation=TithiRule(7, 1, "MADHYAHNA"),
        table=TableRef("hindu", "GOVARDHAN_PUJA"),
        variation="When the new moon runs long, Govardhan Puja falls two days after Diwali.",
    ),
    FestivalInfo(
        name="bhai_dooj",
        title="Bhai Dooj",
        tradition="Hindu",
        default_days=1,
        rule="Kartika Shukla Dwitiya, in the afternoon: the day after Govardhan Puja",
        authority="The day after govardhan_puja; " + _INDIA_ALMANAC + " (holidays GOVARDHAN_PUJA)",
        computation=TithiRule(7, 2, "APARAHNA"),
        table=TableRef("hindu", "GOVARDHAN_PUJA", offset_days=1),
    ),
    FestivalInfo(
        name="chhath_puja",
        title="Chhath Puja",
        tradition="Hindu (Bihari and Nepali)",
        default_days=1,
        rule="Kartika Shukla Shashthi, the day of the evening offering to the setting Sun",
        authority=_INDIA_ALMANAC + " (holidays CHHATH_PUJA)",
        computation=TithiRule(7, 6, "GHATASTHAPANA", later_of_two=True),
        table=TableRef("hindu", "CHHATH_PUJA"),
        variation="The festival runs four days, from Nahay Khay to the dawn offering.",
    ),
    FestivalInfo(
        name="guru_ravidas_jayanti",
        title="Guru Ravidas Jayanti",
        tradition="Ravidassia",
        default_days=1,
        rule="Magha Purnima, at sunrise",
        authority=_INDIA_ALMANAC + " (holidays GURU_RAVIDAS_JAYANTI)",
        computation=TithiRule(10, 15, "SUNRISE"),
        table=TableRef("hindu", "GURU_RAVIDAS_JAYANTI"),
    ),
    FestivalInfo(
        name="puthandu",
        title="Puthandu (Tamil New Year)",
        tradition="Hindu (Tamil)",
        default_days=1,
        rule="1 Chithirai: the sidereal Sun enters Mesha; the next day when this is after sunset",
        authority=_INDIA_ALMANAC + " (holidays PUTHANDU)",
        computation=SankrantiRule(0, "NEXT_DAY_AFTER_SUNSET"),
        table=TableRef("hindu", "PUTHANDU"),
    ),
    FestivalInfo(
        name="mahayana_new_year",
        title="Mahayana New Year",
        tradition="Buddhist (Mahayana)",
        default_days=1,
        rule="The first full moon of January, on its UK date",
        authority="The full-moon convention of UK multifaith calendars (University of Leeds "
        "2019: 21 January; Diversity Events Calendar 2021: 28 January), computed with PyEphem",
        computation=FirstFullMoonRule(1),
        table=None,
        variation="Many Chinese, Korean and Vietnamese Buddhists mark the new year at Lunar New "
        "Year instead.",
    ),
    FestivalInfo(
        name="magha_puja",
        title="Magha Puja",
        tradition="Buddhist (Theravada)",
        default_days=1,
        rule="Full moon of the third Thai lunar month (the fourth in a leap year)",
        authority="Thai lunar calendar, as computed by holidays.calendars.thai (Makha Bucha), "
        "which Thai and Thai Forest tradition temples in the UK keep",
        computation=ThaiRule("makha_bucha"),
        table=None,
        variation="Sri Lankan temples keep Navam Poya, the same day in about half of years, a "
        "day apart in some and a lunar month apart after a Thai leap month.",
    ),
    FestivalInfo(
        name="asalha_puja",
        title="Asalha Puja",
        tradition="Buddhist (Theravada)",
        default_days=1,
        rule="Full moon of the eighth Thai lunar month (the second eighth month in a leap year)",
        authority="Thai lunar calendar, as computed by holidays.calendars.thai (Asarnha Bucha)",
        computation=ThaiRule("asarnha_bucha"),
        table=None,
        variation="Sri Lankan temples keep Esala Poya, which can be a day or, after a Thai "
        "leap month, a lunar month apart.",
    ),
    FestivalInfo(
        name="vassa",
        title="Vassa (start of the rains retreat)",
        tradition="Buddhist (Theravada)",
        default_days=1,
        rule="The day after Asalha Puja: first day of the waning moon of the eighth Thai month",
        authority="Thai lunar calendar, as computed by holidays.calendars.thai (Khao Phansa)",
        computation=ThaiRule("khao_phansa"),
        table=None,
        variation="As for Asalha Puja.",
    ),
    FestivalInfo(
        name="pavarana",
        title="Pavarana (end of the rains retreat)",
        tradition="Buddhist (Theravada)",
        default_days=1,
        rule="Full moon of the eleventh Thai lunar month, three lunar months after Asalha Puja",
        authority="Thai lunar calendar, as computed by holidays.calendars.thai (Ok Phansa)",
        computation=ThaiRule("ok_phansa"),
        table=None,
        variation="Sri Lankan temples keep Vap Poya, often a day earlier.",
    ),
    FestivalInfo(
        name="loy_krathong",
        title="Loy Krathong",
        tradition="Buddhist (Thai)",
        default_days=1,
        rule="Full moon of the twelfth Thai lunar month",
        authority="Thai lunar calendar, as computed by holidays.calendars.thai (Loy Krathong)",
        computation=ThaiRule("loy_krathong"),
        table=None,
    ),
    FestivalInfo(
        name="lantern_festival",
        title="Lantern Festival",
        tradition="Chinese",
        default_days=1,
        rule="15th day of the 1st Chinese lunar month",
        authority="Chinese calendar (GB/T 33661-2017), computed from the new moons and solar "
        "terms in China Standard Time (the engine's Chinese New Year matches holidays' table "
        "in every year 1950-2100)",
        computation=ChineseRule(1, 15),
        table=None,
    ),
    FestivalInfo(
        name="dragon_boat",
        title="Dragon Boat Festival",
        tradition="Chinese",
        default_days=1,
        rule="5th day of the 5th Chinese lunar month",
        authority="Chinese calendar (GB/T 33661-2017) as tabulated by "
        "holidays.calendars.chinese DRAGON_BOAT",
        computation=ChineseRule(5, 5),
        table=TableRef("chinese", "DRAGON_BOAT"),
    ),
    FestivalInfo(
        name="qixi",
        title="Qixi Festival",
        tradition="Chinese",
        default_days=1,
        rule="7th day of the 7th Chinese lunar month",
        authority="Chinese calendar (GB/T 33661-2017), computed as for the Lantern Festival",
        computation=ChineseRule(7, 7),
        table=None,
    ),
    FestivalInfo(
        name="hungry_ghost",
        title="Hungry Ghost Festival",
        tradition="Chinese",
        default_days=1,
        rule="15th day of the 7th Chinese lunar month",
        authority="Chinese calendar (GB/T 33661-2017), computed as for the Lantern Festival",
        computation=ChineseRule(7, 15),
        table=None,
        variation="Some southern Chinese communities keep the 14th.",
    ),
    FestivalInfo(
        name="double_ninth",
        title="Double Ninth Festival",
        tradition="Chinese",
        default_days=1,
        rule="9th day of the 9th Chinese lunar month",
        authority="Chinese calendar (GB/T 33661-2017) as tabulated by "
        "holidays.calendars.chinese DOUBLE_NINTH",
        computation=ChineseRule(9, 9),
        table=TableRef("chinese", "DOUBLE_NINTH"),
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
        case FirstFullMoonRule(month):
            days = [astro.first_full_moon(year, month)]
        case ThaiRule(event):
            found = _thai_date(event, year)
            days = [] if found is None else [found]
    return tuple(sorted({d for d in days if d.year == year}))


def _thai_date(event: str, year: int) -> dt.date | None:
    """The Thai lunar calendar's date of `event` in `year` (holidays.calendars.thai)."""
    from holidays.calendars.thai import _ThaiLunisolar

    method = getattr(_ThaiLunisolar(), f"{event}_date")
    result = method(year)
    return result if isinstance(result, dt.date) else None


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
    method = METHOD_THAI if isinstance(info.computation, ThaiRule) else METHOD_ASTRONOMICAL
    return tuple((day, method) for day in _astronomical(name, year))
