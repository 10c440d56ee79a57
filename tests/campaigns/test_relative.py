"""Parsing relative days (`-28d`, `-5 working days`, `end+1d`) and resolving them."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edicalendar.campaigns.relative import parse_relative
from edicalendar.errors import RelativeDayError
from edicalendar.model import Anchor

from .conftest import DATA


@pytest.mark.parametrize(
    ("text", "anchor", "days", "working"),
    [
        ("-28d", Anchor.START, -28, False),
        ("-2w", Anchor.START, -14, False),
        ("-5 working days", Anchor.START, -5, True),
        ("-1 working day", Anchor.START, -1, True),
        ("-3wd", Anchor.START, -3, True),
        ("start", Anchor.START, 0, False),
        ("end", Anchor.END, 0, False),
        ("+1d", Anchor.START, 1, False),
        ("end+1d", Anchor.END, 1, False),
        ("end + 2 working days", Anchor.END, 2, True),
        ("START-7 days", Anchor.START, -7, False),
    ],
)
def test_parses_the_documented_spellings(
    text: str, anchor: Anchor, days: int, working: bool
) -> None:
    """Every spelling in docs/campaigns.md parses to the anchor and offset it says."""
    day = parse_relative(text)
    assert (day.anchor, day.days, day.working_days) == (anchor, days, working)


@pytest.mark.parametrize(
    "text", ["", "next tuesday", "-5 workdays", "28d", "end+", "-d", "start end", "+99999d"]
)
def test_rejects_what_is_not_a_relative_day(text: str) -> None:
    """Unreadable text is an error whose message shows what is accepted."""
    with pytest.raises(RelativeDayError, match=r"-28d|ten years"):
        parse_relative(text)


@given(st.integers(-400, 400), st.booleans(), st.sampled_from(list(Anchor)))
def test_canonical_text_parses_back_to_the_same_day(
    days: int, working: bool, anchor: Anchor
) -> None:
    """The canonical spelling stored in `text` reads back as the same relative day."""
    from edicalendar.campaigns.relative import format_relative

    text = format_relative(anchor, days, working)
    again = parse_relative(text)
    assert (again.anchor, again.days, again.working_days) == (anchor, days, working)


def test_resolves_calendar_days_from_start_and_end(catalog: object) -> None:
    """`-28d` counts from the first day, `end+1d` from the last (LGBT+ History Month 2021)."""
    from edicalendar.calendar.occurrences import occurrences_in_year
    from edicalendar.calendar.workdays import WorkingDays
    from edicalendar.campaigns.relative import resolve

    month = occurrences_in_year(catalog.observances["lgbt-history-month"], 2021)[0]  # type: ignore[attr-defined]
    workdays = WorkingDays()
    assert resolve(parse_relative("-28d"), month, workdays) == dt.date(2021, 1, 4)
    assert resolve(parse_relative("end+1d"), month, workdays) == dt.date(2021, 3, 1)
    assert resolve(parse_relative("start"), month, workdays) == dt.date(2021, 2, 1)


@functools.cache
def _month() -> Any:
    from edicalendar.calendar.catalog import load_catalog
    from edicalendar.calendar.occurrences import occurrences_in_year

    catalog = load_catalog(DATA / "calendars")
    return occurrences_in_year(catalog.observances["lgbt-history-month"], 2021)[0]


class _CountingDays:
    """Working days that count how often the bank holidays were consulted."""

    def __init__(self) -> None:
        from edicalendar.calendar.workdays import WorkingDays

        self.real = WorkingDays()
        self.asked = 0

    def add(self, start: dt.date, count: int) -> dt.date:
        self.asked += 1
        return self.real.add(start, count)


@given(
    anchor=st.sampled_from(list(Anchor)),
    days=st.integers(min_value=-60, max_value=60),
    working=st.booleans(),
    start=st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2070, 12, 1)),
    length=st.integers(min_value=0, max_value=40),
)
def test_after_the_end_means_the_resolved_day_is_later_than_the_last_day(
    anchor: Anchor, days: int, working: bool, start: dt.date, length: int
) -> None:
    """is_after_end agrees with resolving the day and comparing it with the last day, and only
    working days counted forward from the start consult the bank holidays (campaign checks at
    start-up then need no holiday tables for the usual `-28d` or `-5 working days`)."""
    from edicalendar.campaigns.relative import format_relative, is_after_end, resolve
    from edicalendar.model import RelativeDay

    occurrence = replace(_month(), start=start, end=start + dt.timedelta(days=length))
    day = RelativeDay(anchor, days, working, format_relative(anchor, days, working))
    counting = _CountingDays()
    found = is_after_end(day, occurrence, counting)  # type: ignore[arg-type]
    consulted = counting.asked
    assert found == (resolve(day, occurrence, counting.real) > occurrence.end)
    assert (consulted > 0) == (working and days > 0 and anchor is Anchor.START)
