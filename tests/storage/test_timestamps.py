"""Stored instants: UTC text to the second, read back exactly, and nothing else accepted."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edicalendar.storage.timestamps import parse_utc, utc_text

STRICT = "%Y-%m-%dT%H:%M:%SZ"


@given(
    st.datetimes(
        min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)
    ).map(lambda d: d.replace(microsecond=0, tzinfo=dt.UTC))
)
def test_every_stored_instant_reads_back_as_it_was(moment: dt.datetime) -> None:
    text = utc_text(moment)
    assert parse_utc(text) == moment
    # The standard library's strict parse of the same text agrees.
    assert parse_utc(text) == dt.datetime.strptime(text, STRICT).replace(tzinfo=dt.UTC)


@given(st.text(alphabet="0123456789-:TZW+. ", min_size=18, max_size=22))
def test_any_text_reads_as_the_strict_format_reads_it(text: str) -> None:
    """Whatever the text, parse_utc accepts exactly what the strict format accepts."""
    try:
        expected = dt.datetime.strptime(text, STRICT).replace(tzinfo=dt.UTC)
    except ValueError:
        with pytest.raises(ValueError):
            parse_utc(text)
    else:
        assert parse_utc(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-08T09:00:00+00:00",
        "2026-03-08 09:00:00Z",
        "2026-03-08T09:00:00.5Z",
        "2026-W10-7T09:00:00Z",
        "2026-03-08T09:00Z",
        "2026-02-30T09:00:00Z",
        "2026-03-08T24:00:00Z",
    ],
)
def test_other_shapes_of_instant_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_utc(text)
