"""Rule limits that keep occurrences well defined: all-day RRULEs and at most a year's duration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.calendar.occurrences import expand
from edicalendar.errors import CatalogError

HEADER = """[[observance]]
id = "test-observance"
name = "Test observance"
categories = ["general_edi"]
description = "A test."
sources = ["https://example.org/source"]
"""


def _write(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "test.toml").write_text(HEADER + extra, encoding="utf-8")
    return folder


def test_rrule_with_a_time_of_day_is_refused(tmp_path: Path) -> None:
    """BYHOUR would repeat one all-day date; the loader says so and names the rule field."""
    folder = _write(
        tmp_path, 'rule = { kind = "rrule", rrule = "FREQ=YEARLY;BYMONTH=3;BYHOUR=9,17" }\n'
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    problem = caught.value.problems[0]
    assert (problem.subject, problem.field) == ("test-observance", "rule.rrule")
    assert "all-day" in problem.message


def test_duration_longer_than_a_year_is_refused(tmp_path: Path) -> None:
    """A duration past 366 days could escape the one-year look-back; the loader refuses it."""
    folder = _write(
        tmp_path, 'rule = { kind = "fixed", month = 12, day = 31 }\nduration_days = 400\n'
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    assert caught.value.problems[0].field == "duration_days"


def test_year_long_occurrence_from_the_previous_year_is_found(tmp_path: Path) -> None:
    """A 366-day span starting 1 January 2023 is still under way on 1 January 2024."""
    folder = _write(
        tmp_path, 'rule = { kind = "fixed", month = 1, day = 1 }\nduration_days = 366\n'
    )
    found = expand(load_catalog(folder), dt.date(2024, 1, 1), dt.date(2024, 1, 1)).occurrences
    assert [(o.start, o.end) for o in found] == [
        (dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ]
