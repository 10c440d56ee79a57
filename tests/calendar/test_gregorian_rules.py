"""Properties of every Gregorian rule kind, checked with hypothesis over many years.

Each property is a fact about the calendar that needs no table: an nth-weekday result has that
weekday and lies in that month, a whole month covers exactly the month, Easter is a Sunday, and
so on. Explicit cases pin 29 February, fifth weekdays and spans that cross the year end.
"""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from edicalendar.calendar.occurrences import occurrences_in_year
from edicalendar.calendar.rules import dates_for_year
from edicalendar.model import (
    EasterCalendar,
    EasterRule,
    FixedRule,
    MonthRule,
    NthWeekdayRule,
    Observance,
    RRuleRule,
    SpanRule,
    Status,
    Weekday,
    YearOverride,
)

years = st.integers(min_value=1900, max_value=2200)
months = st.integers(min_value=1, max_value=12)
weekdays = st.sampled_from(list(Weekday))
durations = st.one_of(st.none(), st.integers(min_value=1, max_value=60))


@st.composite
def month_days(draw: st.DrawFn) -> tuple[int, int]:
    month = draw(months)
    day = draw(st.integers(min_value=1, max_value=calendar.monthrange(2024, month)[1]))
    return month, day


def _observance(rule: object, **extra: object) -> Observance:
    return Observance(
        id="test",
        name="Test",
        categories=(),
        rule=rule,  # type: ignore[arg-type]
        description="",
        url=None,
        sources=("https://example.org",),
        calendar="test",
        **extra,  # type: ignore[arg-type]
    )


@given(years, months, weekdays, st.integers(min_value=1, max_value=5), durations)
def test_nth_weekday_has_that_weekday_in_that_month(
    year: int, month: int, weekday: Weekday, nth: int, duration: int | None
) -> None:
    """An nth-weekday date has the weekday, lies in the month, and is in week `nth`."""
    found = dates_for_year(NthWeekdayRule(month, weekday, nth), year, duration, "t")
    if not found:
        # Only a fifth weekday may be missing, and only when the month has four of them.
        assert nth == 5
        last = calendar.monthrange(year, month)[1]
        count = sum(
            1 for d in range(1, last + 1) if dt.date(year, month, d).weekday() == weekday.number
        )
        assert count == 4
        return
    (date,) = found
    assert date.start.weekday() == weekday.number
    assert (date.start.year, date.start.month) == (year, month)
    assert (date.start.day - 1) // 7 == nth - 1
    assert (date.end - date.start).days == (duration or 1) - 1
    assert date.status is Status.CONFIRMED


@given(years, months, weekdays)
def test_last_weekday_lies_in_the_last_seven_days(year: int, month: int, weekday: Weekday) -> None:
    """nth = -1 gives that weekday within the month's last seven days."""
    (date,) = dates_for_year(NthWeekdayRule(month, weekday, -1), year, None, "t")
    last = calendar.monthrange(year, month)[1]
    assert date.start.weekday() == weekday.number
    assert (date.start.year, date.start.month) == (year, month)
    assert last - 7 < date.start.day <= last


@given(years, months, weekdays, st.integers(min_value=-10, max_value=10))
def test_nth_weekday_offset_moves_the_start(
    year: int, month: int, weekday: Weekday, offset: int
) -> None:
    """offset_days shifts the date by exactly that many days (a week starting the day after)."""
    (plain,) = dates_for_year(NthWeekdayRule(month, weekday, 1), year, None, "t")
    (moved,) = dates_for_year(NthWeekdayRule(month, weekday, 1, offset), year, 7, "t")
    assert moved.start == plain.start + dt.timedelta(days=offset)
    assert moved.end == moved.start + dt.timedelta(days=6)


@given(years, month_days(), month_days())
@example(2025, (2, 29), (3, 5))
@example(2024, (12, 31), (1, 1))
def test_span_is_contiguous_and_ends_after_it_starts(
    year: int, first: tuple[int, int], last: tuple[int, int]
) -> None:
    """A span starts on its start day in the year and ends on or after it, within a year."""
    found = dates_for_year(SpanRule(*first, *last), year, None, "t")
    if first == (2, 29) and not calendar.isleap(year):
        assert found == []
        return
    (date,) = found
    assert date.start == dt.date(year, *first)
    assert date.end >= date.start
    assert (date.end - date.start).days < 366
    crosses = last < first
    assert date.end.year == (year + 1 if crosses else year)
    assert date.end.month == last[0]


def test_span_crossing_the_year_end() -> None:
    """A 25 December - 5 January span ends in the next year, 12 days long."""
    (date,) = dates_for_year(SpanRule(12, 25, 1, 5), 2025, None, "t")
    assert (date.start, date.end) == (dt.date(2025, 12, 25), dt.date(2026, 1, 5))
    assert (date.end - date.start).days + 1 == 12


def test_span_ending_on_29_february_uses_28_february_in_common_years() -> None:
    """A span ending on 29 February ends on the last day of February in common years."""
    (common,) = dates_for_year(SpanRule(2, 1, 2, 29), 2025, None, "t")
    (leap,) = dates_for_year(SpanRule(2, 1, 2, 29), 2024, None, "t")
    assert common.end == dt.date(2025, 2, 28)
    assert leap.end == dt.date(2024, 2, 29)


@given(years, months)
def test_whole_month_covers_exactly_the_month(year: int, month: int) -> None:
    """A month rule runs from the 1st to the month's last day, leap Februaries included."""
    (date,) = dates_for_year(MonthRule(month), year, None, "t")
    assert date.start == dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    assert date.end == following - dt.timedelta(days=1)


@given(years, month_days(), durations)
def test_fixed_date_lands_on_that_day(
    year: int, month_day: tuple[int, int], duration: int | None
) -> None:
    """A fixed rule gives exactly that month and day, stretched by duration_days."""
    found = dates_for_year(FixedRule(*month_day), year, duration, "t")
    if month_day == (2, 29) and not calendar.isleap(year):
        assert found == []
        return
    (date,) = found
    assert date.start == dt.date(year, *month_day)
    assert (date.end - date.start).days == (duration or 1) - 1


@given(
    st.integers(min_value=1900, max_value=2199),
    st.integers(min_value=-100, max_value=100),
    st.sampled_from(list(EasterCalendar)),
)
def test_easter_offset_minus_offset_is_a_sunday(
    year: int, offset: int, church: EasterCalendar
) -> None:
    """An Easter-relative date minus its offset is a Sunday within Easter's possible range."""
    (date,) = dates_for_year(EasterRule(offset, church), year, None, "t")
    easter = date.start - dt.timedelta(days=offset)
    assert easter.weekday() == 6
    assert easter.year == year
    if church is EasterCalendar.WESTERN:
        assert dt.date(year, 3, 22) <= easter <= dt.date(year, 4, 25)
    else:  # Julian 22 March - 25 April, which is 13 or 14 days later in this period
        assert dt.date(year, 4, 3) <= easter <= dt.date(year, 5, 9)


rrules = st.sampled_from(
    [
        "FREQ=MONTHLY;BYDAY=1FR",
        "FREQ=YEARLY;BYMONTH=11;BYDAY=TH;BYSETPOS=4",
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=YEARLY;BYYEARDAY=-1",
    ]
)


@given(years, rrules)
def test_rrule_results_lie_in_the_year(year: int, rule: str) -> None:
    """Every RRULE date falls in the requested year, in order, without repeats."""
    found = dates_for_year(RRuleRule(rule), year, None, "t")
    starts = [d.start for d in found]
    assert all(d.year == year for d in starts)
    assert starts == sorted(set(starts))
    if rule == "FREQ=MONTHLY;BYDAY=1FR":
        assert len(starts) == 12 and all(d.weekday() == 4 and d.day <= 7 for d in starts)
    if rule == "FREQ=YEARLY;BYYEARDAY=-1":
        assert starts == [dt.date(year, 12, 31)]


def test_29_february_gives_no_date_in_common_years() -> None:
    """A 29 February rule gives nothing in 2025 or 2100, and 29 February in 2024 and 2000."""
    rule = FixedRule(2, 29)
    assert dates_for_year(rule, 2025, None, "t") == []
    assert dates_for_year(rule, 2100, None, "t") == []
    assert [d.start for d in dates_for_year(rule, 2024, None, "t")] == [dt.date(2024, 2, 29)]
    assert [d.start for d in dates_for_year(rule, 2000, None, "t")] == [dt.date(2000, 2, 29)]


def test_29_february_override_still_applies_in_a_common_year() -> None:
    """An announced date in a common year appears although the rule gives none that year."""
    override = YearOverride(
        start=dt.date(2027, 2, 28), end=dt.date(2027, 2, 28), source="https://example.org/2027"
    )
    obs = _observance(FixedRule(2, 29), years={"2027": override})
    (occ,) = occurrences_in_year(obs, 2027)
    assert (occ.start, occ.status, occ.instance) == (dt.date(2027, 2, 28), Status.CONFIRMED, "2027")
    assert occurrences_in_year(obs, 2026) == []


def test_fifth_monday_exists_only_in_months_that_have_one() -> None:
    """February 2016 has five Mondays (29 Feb); February 2025 does not, so no date."""
    rule = NthWeekdayRule(2, Weekday.MON, 5)
    assert [d.start for d in dates_for_year(rule, 2016, None, "t")] == [dt.date(2016, 2, 29)]
    assert dates_for_year(rule, 2025, None, "t") == []
    # September 2025 has five Mondays (1, 8, 15, 22, 29); August 2025 has only four (4, 11, 18, 25).
    assert [
        d.start for d in dates_for_year(NthWeekdayRule(9, Weekday.MON, 5), 2025, None, "t")
    ] == [dt.date(2025, 9, 29)]
    assert dates_for_year(NthWeekdayRule(8, Weekday.MON, 5), 2025, None, "t") == []


def test_last_saturday_of_june() -> None:
    """The last Saturday of June 2025 is 28 June and of June 2024 is 29 June."""
    rule = NthWeekdayRule(6, Weekday.SAT, -1)
    assert dates_for_year(rule, 2025, None, "t")[0].start == dt.date(2025, 6, 28)
    assert dates_for_year(rule, 2024, None, "t")[0].start == dt.date(2024, 6, 29)


def test_announced_observance_rule_dates_are_provisional() -> None:
    """A rule date of an organiser-announced event is provisional; an override is confirmed."""
    override = YearOverride(
        start=dt.date(2024, 5, 13), end=dt.date(2024, 5, 19), theme="Movement", source="s"
    )
    obs = _observance(
        NthWeekdayRule(5, Weekday.MON, 2), announced=True, duration_days=7, years={"2024": override}
    )
    (announced,) = occurrences_in_year(obs, 2024)
    (guessed,) = occurrences_in_year(obs, 2026)
    assert (announced.status, announced.theme, announced.source) == (
        Status.CONFIRMED,
        "Movement",
        "s",
    )
    assert (guessed.status, guessed.start, guessed.end) == (
        Status.PROVISIONAL,
        dt.date(2026, 5, 11),
        dt.date(2026, 5, 17),
    )


def test_cancelled_year_gives_nothing() -> None:
    """A year marked cancelled drops that year's occurrence only."""
    obs = _observance(FixedRule(6, 27), years={"2020": YearOverride(cancelled=True)})
    assert occurrences_in_year(obs, 2020) == []
    assert len(occurrences_in_year(obs, 2021)) == 1
