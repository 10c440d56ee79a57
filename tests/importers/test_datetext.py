"""Dates as people type them in calendar spreadsheets."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edicalendar.errors import DateTextError
from edicalendar.importers.datetext import parse_date_text

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-13", (D(2026, 5, 13), D(2026, 5, 13))),
        ("13/05/2026", (D(2026, 5, 13), D(2026, 5, 13))),
        ("1/2/26", (D(2026, 2, 1), D(2026, 2, 1))),
        ("13.05.2026", (D(2026, 5, 13), D(2026, 5, 13))),
        ("Wednesday 13th May 2026", (D(2026, 5, 13), D(2026, 5, 13))),
        ("May 13, 2026", (D(2026, 5, 13), D(2026, 5, 13))),
        # South Asian Heritage Month (southasianheritage.org.uk): 18 July to 17 August.
        ("18 July – 17 August 2026", (D(2026, 7, 18), D(2026, 8, 17))),
        ("13th-20th May 2026", (D(2026, 5, 13), D(2026, 5, 20))),
        ("11–17 May 2026", (D(2026, 5, 11), D(2026, 5, 17))),
        ("30 Nov - 2 Dec 2026", (D(2026, 11, 30), D(2026, 12, 2))),
        ("13/05/2026 - 19/05/2026", (D(2026, 5, 13), D(2026, 5, 19))),
        ("2026-05-13 to 2026-05-19", (D(2026, 5, 13), D(2026, 5, 19))),
        ("28 December 2026 – 3 January 2027", (D(2026, 12, 28), D(2027, 1, 3))),
        ("February 2024", (D(2024, 2, 1), D(2024, 2, 29))),
        ("Sept 2026", (D(2026, 9, 1), D(2026, 9, 30))),
    ],
)
def test_reads_common_forms(text: str, expected: tuple[dt.date, dt.date]) -> None:
    """ISO, UK numeric, worded dates, ranges in one cell and whole months are read."""
    assert parse_date_text(text, None) == expected


def test_year_from_caller_and_new_year_crossing() -> None:
    """A range without a year takes the given year and crosses the new year when it must."""
    assert parse_date_text("18 July – 17 August", 2027) == (D(2027, 7, 18), D(2027, 8, 17))
    assert parse_date_text("28 Dec – 3 Jan", 2026) == (D(2026, 12, 28), D(2027, 1, 3))
    assert parse_date_text("28 Dec – 3 Jan 2027", None) == (D(2026, 12, 28), D(2027, 1, 3))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("05/13/2026", "US month/day"),
        ("31/02/2026", "not a real date"),
        ("18 July", "has no year"),
        ("banana", "is not a date"),
        ("", "empty"),
        ("1 Jan 1066", "out of range"),
        ("30/31 March 2025", "two possible days"),
    ],
)
def test_refuses_what_it_cannot_read(text: str, message: str) -> None:
    """Unreadable, impossible, US-ordered or year-less dates raise with a helpful message."""
    with pytest.raises(DateTextError, match=message):
        parse_date_text(text, None)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_any_day_round_trips_through_common_forms(day: dt.date) -> None:
    """Every day written as dd/mm/yyyy, ISO, or '13 May 2026' reads back as itself."""
    for text in (
        f"{day:%d/%m/%Y}",
        day.isoformat(),
        f"{day.day} {day:%B %Y}",
        f"{day:%a %d %b %Y}",
    ):
        assert parse_date_text(text, None) == (day, day)


@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 1, 1)),
    st.integers(min_value=0, max_value=60),
)
def test_any_range_in_one_cell(start: dt.date, length: int) -> None:
    """'d Month yyyy – d Month yyyy' reads back as the same first and last day."""
    end = start + dt.timedelta(days=length)
    assert parse_date_text(f"{start:%d %B %Y} – {end:%d %B %Y}", None) == (start, end)
