"""Working days skip weekends and each UK nation's bank holidays, as gov.uk publishes them.

The bank-holiday dates below are transcribed from https://www.gov.uk/bank-holidays (the
England and Wales, Scotland and Northern Ireland lists for 2025 and 2026), independently of the
`holidays` package that the code uses.
"""

from __future__ import annotations

import datetime as dt

import pytest

from edicalendar.calendar.workdays import WorkingDays

D = dt.date

#: https://www.gov.uk/bank-holidays — weekday bank holidays in 2025.
GOV_UK_2025 = {
    "england-and-wales": [
        D(2025, 1, 1),
        D(2025, 4, 18),
        D(2025, 4, 21),
        D(2025, 5, 5),
        D(2025, 5, 26),
        D(2025, 8, 25),
        D(2025, 12, 25),
        D(2025, 12, 26),
    ],
    "scotland": [
        D(2025, 1, 1),
        D(2025, 1, 2),
        D(2025, 4, 18),
        D(2025, 5, 5),
        D(2025, 5, 26),
        D(2025, 8, 4),
        D(2025, 12, 1),
        D(2025, 12, 25),
        D(2025, 12, 26),
    ],
    "northern-ireland": [
        D(2025, 1, 1),
        D(2025, 3, 17),
        D(2025, 4, 18),
        D(2025, 4, 21),
        D(2025, 5, 5),
        D(2025, 5, 26),
        D(2025, 7, 14),
        D(2025, 8, 25),
        D(2025, 12, 25),
        D(2025, 12, 26),
    ],
}


@pytest.mark.parametrize("nation", sorted(GOV_UK_2025))
def test_every_weekday_of_2025_matches_gov_uk(nation: str) -> None:
    """Across all of 2025, the non-working weekdays are exactly gov.uk's bank holidays."""
    workdays = WorkingDays(nation)
    day, off = D(2025, 1, 1), []
    while day.year == 2025:
        if day.weekday() < 5 and not workdays.is_working_day(day):
            off.append(day)
        day += dt.timedelta(days=1)
    assert off == GOV_UK_2025[nation]


@pytest.mark.parametrize(
    ("nation", "start", "count", "expected", "why"),
    [
        # Good Friday 18 Apr and Easter Monday 21 Apr 2025 (England and Wales).
        ("england-and-wales", D(2025, 4, 22), -1, D(2025, 4, 17), "back over Easter"),
        ("england-and-wales", D(2025, 4, 17), 1, D(2025, 4, 22), "forward over Easter"),
        # Scotland has no Easter Monday holiday.
        ("scotland", D(2025, 4, 17), 1, D(2025, 4, 21), "Easter Monday is worked in Scotland"),
        # Christmas Day Thu 25 and Boxing Day Fri 26 Dec 2025.
        ("england-and-wales", D(2025, 12, 24), 1, D(2025, 12, 29), "over Christmas"),
        # 2026: Boxing Day is a Saturday, so Monday 28 December is the substitute day.
        ("england-and-wales", D(2026, 12, 24), 1, D(2026, 12, 29), "Boxing Day substitute"),
        # 2 January is a bank holiday only in Scotland (Fri 2 Jan 2026).
        ("scotland", D(2026, 1, 5), -1, D(2025, 12, 31), "2 January in Scotland"),
        ("england-and-wales", D(2026, 1, 5), -1, D(2026, 1, 2), "2 January worked in England"),
        # St Andrew's Day 30 Nov 2025 is a Sunday: Scotland's substitute is Mon 1 Dec.
        ("scotland", D(2025, 11, 28), 1, D(2025, 12, 2), "St Andrew's Day substitute"),
        ("england-and-wales", D(2025, 11, 28), 1, D(2025, 12, 1), "1 Dec worked in England"),
        # St Patrick's Day Tue 17 Mar 2026, Northern Ireland only.
        ("northern-ireland", D(2026, 3, 16), 1, D(2026, 3, 18), "St Patrick's Day"),
        ("england-and-wales", D(2026, 3, 16), 1, D(2026, 3, 17), "17 March worked in England"),
        # Battle of the Boyne 12 Jul 2026 is a Sunday: Northern Ireland's substitute Mon 13 Jul.
        ("northern-ireland", D(2026, 7, 10), 1, D(2026, 7, 14), "Boyne substitute"),
        ("england-and-wales", D(2026, 7, 10), 1, D(2026, 7, 13), "13 July worked in England"),
        # Five working days back from Easter Monday 6 Apr 2026 skip Good Friday 3 Apr.
        ("england-and-wales", D(2026, 4, 6), -5, D(2026, 3, 27), "five back over Good Friday"),
        ("england-and-wales", D(2026, 4, 6), 0, D(2026, 4, 6), "zero is the day itself"),
    ],
)
def test_offsets_step_over_each_nations_bank_holidays(
    nation: str, start: dt.date, count: int, expected: dt.date, why: str
) -> None:
    """Working-day offsets land on gov.uk working days for the chosen nation."""
    assert WorkingDays(nation).add(start, count) == expected, why


def test_unknown_nation_is_refused() -> None:
    """A nation outside the three UK jurisdictions is an error naming the choices."""
    with pytest.raises(ValueError, match="scotland"):
        WorkingDays("wales")


@pytest.mark.parametrize("nation", sorted(GOV_UK_2025))
def test_offsets_count_exactly_that_many_working_days(nation: str) -> None:
    """For every start day of 2025 and offsets up to ±15, the result is a working day with exactly
    |n| working days after the start up to and including it (or before it, counting back)."""
    workdays = WorkingDays(nation)
    holidays = set(GOV_UK_2025[nation])

    def working(day: dt.date) -> bool:
        return day.weekday() < 5 and day not in holidays

    day = D(2025, 1, 27)  # results stay inside 2025, the year transcribed above
    while day < D(2025, 12, 1):
        for count in (-15, -5, -1, 1, 5, 15):
            result = workdays.add(day, count)
            assert working(result)
            low, high = (day, result) if count > 0 else (result, day)
            span = [low + dt.timedelta(days=i) for i in range(1, (high - low).days + 1)]
            between = (
                sum(working(d) for d in span)
                if count > 0
                else sum(working(d) for d in [low, *span[:-1]])
            )
            assert between == abs(count), (day, count, result)
        day += dt.timedelta(days=1)
