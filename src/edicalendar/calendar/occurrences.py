"""Expand a catalog over a date window into dated :class:`~edicalendar.model.Occurrence` objects.

:func:`expand` is what every area calls (pages, API, feeds, clashes, the reminder planner, the
CLI). It reads the catalog's shared :class:`~edicalendar.calendar.index.OccurrenceIndex`, so
each year is computed once per loaded catalog and a request costs what its answer costs. How one
observance is dated in one year is in :mod:`~edicalendar.calendar.expansion`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.conventions import Conventions
from edicalendar.calendar.expansion import (
    CALENDAR_DATE,
    FIRST_YEAR,
    LAST_YEAR,
    LOOKBACK_YEARS,
    Expansion,
    Skipped,
    check_years,
    expand_observances,
    instance_key,
    occurrences_in_year,
    sort_key,
)
from edicalendar.calendar.filters import EVERYTHING, ObservanceFilter
from edicalendar.model import Category

__all__ = [
    "CALENDAR_DATE",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LOOKBACK_YEARS",
    "Expansion",
    "Skipped",
    "check_years",
    "expand",
    "expand_observances",
    "instance_key",
    "occurrences_in_year",
    "sort_key",
]


def expand(
    catalog: Catalog,
    start: dt.date,
    end: dt.date,
    only: ObservanceFilter = EVERYTHING,
    *,
    categories: Collection[Category] = (),
    calendars: Collection[str] = (),
    ids: Collection[str] = (),
    conventions: Conventions | None = None,
) -> Expansion:
    """Occurrences of the catalog's observances that pass `only` and overlap `start`..`end`.

    `categories`, `calendars` and `ids` narrow `only` further (shorthand for the common cases).
    Dates follow `conventions`, by default the catalog's (set from the organisation's config).
    Read from the catalog's shared index: a year is expanded once, on first use.
    """
    check_years(start, end)
    if categories or calendars or ids:
        only = replace(
            only,
            categories=only.categories + tuple(categories),
            calendars=only.calendars + tuple(calendars),
            observances=only.observances + tuple(ids),
        )
    if conventions is not None and conventions != catalog.conventions:
        catalog = catalog.with_conventions(conventions)
    return catalog.index.expand(start, end, only)
