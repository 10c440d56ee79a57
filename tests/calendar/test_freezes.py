"""Communication freezes, pure: pre-election periods from polling day, flags and open dates.

Every computed period is checked against the date its own authority published (an election
timetable, NHS England's or a government's pre-election guidance), never against this code.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edicalendar.calendar.freezes import (
    Audience,
    ElectionDays,
    Freeze,
    FreezeCalendar,
    FreezeKind,
    FreezeStatus,
    PeriodError,
    Restriction,
    asset_audience,
    election_nations,
    flag_for,
    freeze_status,
    parse_period,
    pre_election_start,
)
from edicalendar.model import Asset, AssetKind

D = dt.date
LONDON = ZoneInfo("Europe/London")

#: (kind, nation of a devolved election, polling day, length before it, published first day,
#: source). Local elections use the organisation's nation, England and Wales here.
PUBLISHED = [
    # "May 30: Parliament dissolved. By law, this has to take place no later than 25 working
    # days before polling day" (PA, 23 May 2024).
    (
        FreezeKind.GENERAL_ELECTION,
        None,
        D(2024, 7, 4),
        "25 working days",
        D(2024, 5, 30),
        "https://www.bordercountiesadvertizer.co.uk/news/national/24339287.key-dates-countdown-polling-day/",
    ),
    # Electoral Commission timetable: dissolution Wednesday 6 November 2019. Scotland's
    # St Andrew's Day holiday (Monday 2 December) does not count, so it is not 7 November.
    (
        FreezeKind.GENERAL_ELECTION,
        None,
        D(2019, 12, 12),
        "25 working days",
        D(2019, 11, 6),
        "https://www.wandsworthguardian.co.uk/news/national/18004066.key-dates-deadlines-general-election-campaign/",
    ),
    # "Parliament will be dissolved on Monday 30 March 2015, Day 0 of the timetable".
    (
        FreezeKind.GENERAL_ELECTION,
        None,
        D(2015, 5, 7),
        "25 working days",
        D(2015, 3, 30),
        "https://commonslibrary.parliament.uk/research-briefings/sn06574/",
    ),
    # NHS England, spring 2023: "The latest the pre-election period could begin in local
    # areas ... is Monday 27 March 2023" ...
    (
        FreezeKind.LOCAL_ELECTION,
        None,
        D(2023, 5, 4),
        "25 working days",
        D(2023, 3, 27),
        "https://www.england.nhs.uk/long-read/pre-election-guidance-for-nhs-organisations-spring-2023/",
    ),
    # ... "For national organisations the pre-election period begins three weeks before ...
    # Thursday 13 April 2023".
    (
        FreezeKind.LOCAL_ELECTION,
        None,
        D(2023, 5, 4),
        "3 weeks",
        D(2023, 4, 13),
        "https://www.england.nhs.uk/long-read/pre-election-guidance-for-nhs-organisations-spring-2023/",
    ),
    # NHS England's spring 2022 guidance: the latest start "is Monday 28 March 2022".
    (
        FreezeKind.MAYORAL_ELECTION,
        None,
        D(2022, 5, 5),
        "25 working days",
        D(2022, 3, 28),
        "https://intranet.northcentrallondonccg.nhs.uk/news/pre-election-guidance-for-nhs-organisations-spring-2022/",
    ),
    # Welsh Government: "The Senedd will be dissolved at one minute past midnight on
    # Wednesday 8 April 2026 and the pre-election period will begin on that day."
    (
        FreezeKind.DEVOLVED_ELECTION,
        "wales",
        D(2026, 5, 7),
        "20 working days",
        D(2026, 4, 8),
        "https://www.gov.wales/elections-to-senedd-cymru-may-2026-guidance-for-welsh-government-officials-html",
    ),
    # Scottish Government guidance (quoted by East Dunbartonshire Council): the pre-election
    # restrictions apply from 26 March 2026.
    (
        FreezeKind.DEVOLVED_ELECTION,
        "scotland",
        D(2026, 5, 7),
        "28 working days",
        D(2026, 3, 26),
        "https://www.eastdunbarton.gov.uk/about/councillors/technical-notes/2026/technical-notes-2026-issue-14-scottish-parliament-elections-7-may-2026-1",
    ),
    # NICVA: "The Northern Ireland Assembly was dissolved at 00:01am this Monday 28th March,
    # 2022. The Northern Ireland Assembly will now enter a 'pre-election period'."
    (
        FreezeKind.DEVOLVED_ELECTION,
        "northern-ireland",
        D(2022, 5, 5),
        "25 working days",
        D(2022, 3, 28),
        "https://www.nicva.org/article/ni-assembly-dissolved-in-advance-of-upcoming-assembly-elections-2022",
    ),
]


@pytest.mark.parametrize(
    ("kind", "nation", "polling", "before", "published", "source"),
    PUBLISHED,
    ids=[f"{p[0].value}-{p[2]}-{p[3].replace(' ', '-')}" for p in PUBLISHED],
)
def test_pre_election_periods_start_when_their_authorities_said(
    kind: FreezeKind,
    nation: str | None,
    polling: dt.date,
    before: str,
    published: dt.date,
    source: str,
) -> None:
    nations = election_nations(kind, nation, "england-and-wales")
    assert pre_election_start(polling, parse_period(before), nations) == published, source


def test_the_defaults_are_the_timetables_latest_starts() -> None:
    """The shipped `[freezes.pre_election]` defaults give the published dates above."""
    from edicalendar.config import PRE_ELECTION_DEFAULTS

    for kind, nation, polling, before, published, _source in PUBLISHED:
        key = kind.value if nation is None else f"{kind.value}-{nation}"
        if before != PRE_ELECTION_DEFAULTS[key]:
            continue  # the national bodies' three weeks is a setting, not the default
        nations = election_nations(kind, nation, "england-and-wales")
        start = pre_election_start(polling, parse_period(PRE_ELECTION_DEFAULTS[key]), nations)
        assert start == published, key


def test_nhs_england_2024_general_election_period_is_41_days() -> None:
    """NHS England: "00.01 on Saturday 25 May, until 00.01 on 5 July": 25 May to 4 July."""
    freeze = Freeze(1, FreezeKind.GENERAL_ELECTION, D(2024, 5, 25), D(2024, 7, 4), "GE 2024")
    days = [d for d in (D(2024, 5, 24) + dt.timedelta(n) for n in range(45)) if freeze.covers(d)]
    assert (days[0], days[-1], len(days)) == (D(2024, 5, 25), D(2024, 7, 4), 41)
    # In force from 00:01 BST on the first day (23:01 UTC the evening before) ...
    assert not freeze.in_force(dt.datetime(2024, 5, 24, 22, 59, tzinfo=dt.UTC), LONDON)
    assert freeze.in_force(dt.datetime(2024, 5, 24, 23, 1, tzinfo=dt.UTC), LONDON)
    # ... and over at midnight BST after polling day.
    assert freeze.in_force(dt.datetime(2024, 7, 4, 22, 59, tzinfo=dt.UTC), LONDON)
    assert not freeze.in_force(dt.datetime(2024, 7, 4, 23, 1, tzinfo=dt.UTC), LONDON)


@settings(max_examples=150, deadline=None)
@given(
    polling=st.dates(min_value=D(2000, 1, 1), max_value=D(2070, 12, 31)),
    count=st.integers(min_value=1, max_value=60),
    kind=st.sampled_from(
        [FreezeKind.GENERAL_ELECTION, FreezeKind.LOCAL_ELECTION, FreezeKind.DEVOLVED_ELECTION]
    ),
)
def test_n_working_days_before_is_n_working_days(
    polling: dt.date, count: int, kind: FreezeKind
) -> None:
    """The first day is itself a working day and exactly `count` of them lie before polling
    day, counted one by one against the bank holiday tables of every nation that votes."""
    import holidays

    nations = election_nations(kind, "scotland", "england-and-wales")
    codes = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
    tables = [holidays.country_holidays("GB", subdiv=codes[n]) for n in nations]

    def working(day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and (day.month, day.day) != (12, 24)
            and all(day not in t for t in tables)
        )

    start = pre_election_start(polling, parse_period(f"{count} working days"), nations)
    assert working(start)
    between = [start + dt.timedelta(n) for n in range((polling - start).days)]
    assert sum(working(d) for d in between) == count


def test_christmas_eve_is_not_a_working_day_of_an_election() -> None:
    days = ElectionDays(["england-and-wales"])
    assert not days.is_working_day(D(2025, 12, 24))  # a Wednesday
    assert days.is_working_day(D(2025, 12, 23))


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("25 working days", 25, "working days"),
        ("1 working day", 1, "working days"),
        ("25wd", 25, "working days"),
        ("3 weeks", 3, "weeks"),
        ("6w", 6, "weeks"),
        ("42 days", 42, "days"),
    ],
)
def test_period_lengths_read_as_written(text: str, count: int, unit: str) -> None:
    length = parse_period(text)
    assert (length.count, length.unit) == (count, unit)


@pytest.mark.parametrize("text", ["", "six weeks", "-3 weeks", "25 workdays", "1000 days"])
def test_bad_period_lengths_say_what_is_accepted(text: str) -> None:
    with pytest.raises(PeriodError, match="25 working days"):
        parse_period(text)


def test_a_devolved_election_needs_its_nation() -> None:
    with pytest.raises(PeriodError, match="scotland, wales or northern-ireland"):
        election_nations(FreezeKind.DEVOLVED_ELECTION, None, "england-and-wales")


# --- what a freeze holds ----------------------------------------------------------------------


def test_restrictions_hold_progressively_more() -> None:
    held = {
        r: [a for a in (Audience.INTERNAL, Audience.STAFF, Audience.PUBLIC) if r.holds(a)]
        for r in Restriction
    }
    assert held[Restriction.PUBLIC] == [Audience.PUBLIC]
    assert held[Restriction.STAFF] == [Audience.STAFF, Audience.PUBLIC]
    assert held[Restriction.EVERYTHING] == [Audience.INTERNAL, Audience.STAFF, Audience.PUBLIC]


def test_assets_face_staff_or_public_by_kind_unless_they_say() -> None:
    def asset(kind: AssetKind, public: bool | None = None) -> Asset:
        return Asset("a", kind, "A title", public=public)

    assert asset_audience(asset(AssetKind.SOCIAL)) is Audience.PUBLIC
    assert asset_audience(asset(AssetKind.BLOG)) is Audience.PUBLIC
    assert asset_audience(asset(AssetKind.INTRANET)) is Audience.STAFF
    assert asset_audience(asset(AssetKind.NEWSLETTER)) is Audience.STAFF
    assert asset_audience(asset(AssetKind.NEWSLETTER, public=True)) is Audience.PUBLIC
    assert asset_audience(asset(AssetKind.BLOG, public=False)) is Audience.STAFF


def test_a_flag_names_the_freeze_and_the_nearest_open_day_either_side() -> None:
    """Pride Month 2024's first day fell inside NHS England's general election period."""
    election = Freeze(1, FreezeKind.GENERAL_ELECTION, D(2024, 5, 25), D(2024, 7, 4), "GE 2024")
    flag = flag_for(D(2024, 6, 1), Audience.PUBLIC, [election])
    assert flag is not None
    assert (flag.open_before, flag.open_after) == (D(2024, 5, 24), D(2024, 7, 5))
    assert flag.nearest_open == D(2024, 5, 24)  # 8 days before, 34 after
    assert flag.message == (
        "inside the general election pre-election period (Sat 25 May 2024 to Thu 4 Jul 2024): "
        "hold or move; nearest open date Fri 24 May 2024"
    )
    late = flag_for(D(2024, 7, 1), Audience.PUBLIC, [election])
    assert late is not None and late.nearest_open == D(2024, 7, 5)
    # Staff-facing work is clear of a freeze on public announcements only.
    assert flag_for(D(2024, 6, 1), Audience.STAFF, [election]) is None
    assert flag_for(D(2024, 7, 5), Audience.PUBLIC, [election]) is None


def test_overlapping_freezes_merge_and_open_ended_ones_have_no_day_after() -> None:
    local = Freeze(1, FreezeKind.LOCAL_ELECTION, D(2024, 3, 26), D(2024, 5, 2), "Local 2024")
    general = Freeze(2, FreezeKind.GENERAL_ELECTION, D(2024, 4, 20), D(2024, 6, 6), "GE")
    flag = flag_for(D(2024, 5, 1), Audience.PUBLIC, [local, general])
    assert flag is not None and flag.freeze.id == 1
    assert (flag.open_before, flag.open_after) == (D(2024, 3, 25), D(2024, 6, 7))
    mourning = Freeze(
        3, FreezeKind.MOURNING, D(2022, 9, 9), None, "Queen", restricts=Restriction.STAFF
    )
    flag = flag_for(D(2022, 9, 12), Audience.STAFF, [mourning])
    assert flag is not None and flag.open_after is None and flag.nearest_open == D(2022, 9, 8)


def test_open_days_already_past_are_not_offered() -> None:
    mourning = Freeze(3, FreezeKind.MOURNING, D(2022, 9, 9), D(2022, 9, 19), "Queen")
    calendar = FreezeCalendar((mourning,), today=D(2022, 9, 12))
    flag = calendar.flag(D(2022, 9, 14), Audience.PUBLIC)
    assert flag is not None
    assert (flag.open_before, flag.nearest_open) == (None, D(2022, 9, 20))


def test_ending_early_frees_the_rest_and_ending_before_it_starts_cancels() -> None:
    ended_at = dt.datetime(2022, 9, 20, 14, 0, tzinfo=dt.UTC)  # 15:00 BST
    mourning = Freeze(
        3,
        FreezeKind.MOURNING,
        D(2022, 9, 9),
        None,
        "Queen",
        ended_at=ended_at,
        ended_on=D(2022, 9, 20),
    )
    assert mourning.last_day == D(2022, 9, 19) and not mourning.cancelled
    assert mourning.in_force(ended_at - dt.timedelta(minutes=1), LONDON)
    assert not mourning.in_force(ended_at, LONDON)
    assert freeze_status(mourning, ended_at, LONDON) is FreezeStatus.ENDED
    ahead = Freeze(
        4,
        FreezeKind.LOCAL_ELECTION,
        D(2027, 3, 25),
        D(2027, 5, 6),
        "Local 2027",
        ended_at=ended_at,
        ended_on=D(2022, 9, 20),
    )
    assert ahead.cancelled and not ahead.covers(D(2027, 4, 1))
    assert freeze_status(ahead, ended_at, LONDON) is FreezeStatus.CANCELLED
    assert flag_for(D(2027, 4, 1), Audience.PUBLIC, [ahead]) is None
