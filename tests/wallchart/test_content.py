"""What the printed calendar says, without a PDF: which column an observance goes in, how its
dates read there, and the words that qualify a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from edicalendar.model import Status
from edicalendar.wallchart.content import (
    column_when,
    marks,
    month_page,
    year_columns,
)
from support.builders import make_occurrence

MARCH = dt.date(2027, 3, 1)


def test_marks_say_the_status_and_the_eve_in_the_pages_words() -> None:
    confirmed = make_occurrence()
    assert marks(confirmed) == ()
    estimated = replace(
        confirmed, status=Status.ESTIMATED, may_vary_days=1, begins_evening_before=True
    )
    assert marks(estimated) == ("estimated ±1 day", "begins the evening before")
    assert marks(replace(confirmed, status=Status.PROVISIONAL)) == ("provisional",)
    assert marks(replace(confirmed, status=Status.ESTIMATED, may_vary_days=2)) == (
        "estimated ±2 days",
    )


def test_column_dates_read_as_people_write_them() -> None:
    one_day = make_occurrence(start=dt.date(2027, 3, 8))
    assert column_when(one_day, MARCH) == "8"
    week = make_occurrence(start=dt.date(2027, 3, 15), end=dt.date(2027, 3, 21))
    assert column_when(week, MARCH) == "15–21"
    month = make_occurrence(start=MARCH, end=dt.date(2027, 3, 31))
    assert column_when(month, MARCH) == "All month"
    ramadan = make_occurrence(start=dt.date(2027, 2, 8), end=dt.date(2027, 3, 8))
    assert column_when(ramadan, dt.date(2027, 2, 1)) == "8 Feb – 8 Mar"
    new_year = make_occurrence(start=dt.date(2026, 12, 25), end=dt.date(2027, 1, 6))
    assert column_when(new_year, dt.date(2027, 1, 1)) == "25 Dec 2026 – 6 Jan 2027"


def test_each_occurrence_is_in_the_column_of_the_month_it_starts() -> None:
    iwd = make_occurrence(start=dt.date(2027, 3, 8))
    ramadan = make_occurrence("ramadan", "Ramadan", dt.date(2027, 2, 8), dt.date(2027, 3, 8))
    spanning = make_occurrence("winter", "Winter", dt.date(2026, 12, 20), dt.date(2027, 1, 6))
    last_year = make_occurrence("old", "Old", dt.date(2026, 11, 1))
    columns = year_columns([iwd, ramadan, spanning, last_year], 2027)
    names = [[entry.name for entry in column] for column in columns]
    assert names[0] == ["Winter"]
    assert names[1] == ["Ramadan"]
    assert names[2] == ["International Women's Day"]
    assert sum(len(column) for column in names) == 3


def test_a_month_page_lists_long_observances_once_and_short_ones_on_their_days() -> None:
    month = make_occurrence("whm", "Women's History Month", MARCH, dt.date(2027, 3, 31))
    week = make_occurrence("nw", "Neurodiversity Week", dt.date(2027, 3, 15), dt.date(2027, 3, 21))
    iwd = make_occurrence(start=dt.date(2027, 3, 8))
    page = month_page([month, week, iwd], MARCH)
    assert [e.name for e in page.running] == ["Women's History Month"]
    days = {d.day: [e.name for e in d.entries] for w in page.weeks for d in w if d.day}
    assert len(days) == 31
    assert days[dt.date(2027, 3, 8)] == ["International Women's Day"]
    assert all(days[dt.date(2027, 3, n)] == ["Neurodiversity Week"] for n in range(15, 22))
    assert days[dt.date(2027, 3, 22)] == []
    # March 2027 starts on a Monday and has five weeks, Monday first.
    assert page.weeks[0][0].day == MARCH and len(page.weeks) == 5
    assert page.weeks[-1][2].day == dt.date(2027, 3, 31) and page.weeks[-1][3].day is None


def test_a_festival_that_begins_at_sunset_says_so_on_its_first_day_only() -> None:
    sukkot = replace(
        make_occurrence("sukkot", "Sukkot", dt.date(2027, 10, 16), dt.date(2027, 10, 22)),
        begins_evening_before=True,
    )
    page = month_page([sukkot], dt.date(2027, 10, 1))
    days = {d.day: d.entries for w in page.weeks for d in w if d.day}
    assert days[dt.date(2027, 10, 16)][0].marks == ("begins the evening before",)
    assert days[dt.date(2027, 10, 17)][0].marks == ()
