"""Arbitrary input never escapes as anything but an edicalendar error (no tracebacks)."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edicalendar.errors import EdicalendarError
from edicalendar.importers.ics import read_ics
from edicalendar.importers.tabular import read_csv

WINDOW = (dt.date(2025, 1, 1), dt.date(2028, 12, 31))
ICS_LINES = [
    "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "VERSION:2.0",
    "SUMMARY:Pride", "DTSTART;VALUE=DATE:20260601", "DTSTART:20260601T100000Z",
    "DTSTART;TZID=Europe/London:20260601T100000", "DTSTART;TZID=Nowhere/Else:20260601T100000",
    "DTEND;VALUE=DATE:20260602", "DTEND:20260601T090000Z", "DURATION:P3D", "DURATION:-P1D",
    "RRULE:FREQ=YEARLY", "RRULE:FREQ=MONTHLY;BYDAY=2MO", "RRULE:FREQ=WEEKLY;COUNT=5",
    "RRULE:FREQ=DAILY;UNTIL=20260610", "RRULE:FREQ=YEARLY;BYSETPOS=9;BYDAY=MO",
    "RRULE:FREQ=YEARLY;INTERVAL=0", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1",
    "EXDATE;VALUE=DATE:20270601", "RDATE;VALUE=DATE:20260901",
    "RDATE;VALUE=PERIOD:20260901T000000Z/P1D",
    "RECURRENCE-ID;VALUE=DATE:20270601", "UID:a", "UID:b", "STATUS:CANCELLED",
    "CATEGORIES:Race,Faith", "URL:https://example.org", "DESCRIPTION:x\\ny",
    "X-WR-CALNAME:T", "DTSTART;VALUE=DATE:20261345", "RRULE:FREQ=HOURLY", "EXDATE:zz",
    # Values at and past the ends of what dates and counters hold (DURATION:P99999999W once
    # escaped as an OverflowError).
    "DURATION:P99999999W", "DURATION:-P99999999W", "DURATION:P400D", "DURATION:PT99999999H",
    "DTSTART;VALUE=DATE:99991231", "DTSTART;VALUE=DATE:00010101", "DTEND;VALUE=DATE:99991231",
    "DTSTART:99991231T235959Z", "DTEND:00010101T000000", "RDATE;VALUE=DATE:99991231",
    "EXDATE;VALUE=DATE:00010101", "RRULE:FREQ=YEARLY;INTERVAL=99999999999",
    "RRULE:FREQ=DAILY;COUNT=99999999999", "RRULE:FREQ=DAILY;UNTIL=99991231",
    "RRULE:FREQ=YEARLY;BYSETPOS=-99999;BYDAY=MO", "RRULE:FREQ=MONTHLY;BYMONTHDAY=99999",
    "RRULE:FREQ=YEARLY;BYMONTH=99999", "RRULE:FREQ=WEEKLY;BYDAY=99999MO",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(ICS_LINES), max_size=12), max_size=6))
def test_ics_event_soup(events: list[list[str]]) -> None:
    """Events made of any property lines are read (start <= end) or refused cleanly."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for properties in events:
        lines += ["BEGIN:VEVENT", *properties, "END:VEVENT"]
    text = "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"
    try:
        result = read_ics(text.encode(), "f.ics", WINDOW)
    except EdicalendarError:
        return
    assert all(e.start <= e.end for e in result.events)
    assert len(result.events) <= len(events) * 400


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_ics_random_bytes(raw: bytes) -> None:
    """Random bytes are refused with an EdicalendarError, never another exception."""
    with contextlib.suppress(EdicalendarError):
        read_ics(raw, "f.ics", WINDOW)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                ["Name", "Date", "Start", "End", "Year", "x", "", "2026", "20/13/2026",
                 "18 July – 17 August", "29 Feb", "28 Feb - 1 Mar", "31/12/2026", "2026-02-29",
                 '"a,b"', "Faith", "Sikh", "Category", "nonsense", "01/01 - 31/12"]
            ),
            max_size=6,
        ),
        max_size=8,
    ),
    st.one_of(st.none(), st.integers(min_value=1900, max_value=2200)),
)  # fmt: skip
def test_csv_cell_soup(rows: list[list[str]], year: int | None) -> None:
    """Any grid of typical cells is read or refused with an EdicalendarError."""
    text = "\n".join(",".join(row) for row in rows) + "\n"
    try:
        result = read_csv(text.encode(), "f.csv", year)
    except EdicalendarError:
        return
    assert all(e.start <= e.end and e.name for e in result.events)
