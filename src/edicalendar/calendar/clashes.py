"""What falls on a day: for someone booking a meeting, a rota or a clinic.

For each day it lists observances in progress (with where in the run the day falls), festivals
whose eve it is (Jewish, Islamic and other festivals that begin at sunset the evening before),
and whether each usually involves fasting or rest from work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrences import LAST_YEAR, expand
from edicalendar.model import Category, Occurrence
from edicalendar.urls import public_url


@dataclass(frozen=True, slots=True)
class Clash:
    """One observance touching one day, and how."""

    day: dt.date
    occurrence: Occurrence
    what: str
    eve: bool

    def record(self) -> dict[str, Any]:
        occ = self.occurrence
        return {
            "date": self.day.isoformat(),
            "observance": occ.observance_id,
            "name": occ.name,
            "what": self.what,
            "eve": self.eve,
            "start": occ.start.isoformat(),
            "end": occ.end.isoformat(),
            "fasting": occ.fasting,
            "rest_from_work": occ.rest_from_work,
            "begins_evening_before": occ.begins_evening_before,
            "status": occ.status.value,
            "may_vary_days": occ.may_vary_days,
            "categories": [c.value for c in occ.categories],
            "guidance": occ.guidance,
            "url": public_url(occ.url),
        }


@dataclass(frozen=True)
class ClashReport:
    clashes: list[Clash]
    warnings: list[str]


def _position(occ: Occurrence, day: dt.date) -> str:
    if occ.start == occ.end:
        return "on this day"
    if day == occ.start:
        return f"first day (of {occ.days})"
    if day == occ.end:
        return f"last day (of {occ.days})"
    return f"day {(day - occ.start).days + 1} of {occ.days}"


def find_clashes(
    catalog: Catalog, start: dt.date, end: dt.date, categories: Collection[Category] = ()
) -> ClashReport:
    """Every observance in progress on, or beginning the evening of, each day in `start`..`end`."""
    # One day more for the eve of a festival starting the day after (never past the last day
    # the calendar computes).
    last = min(end + dt.timedelta(days=1), dt.date(LAST_YEAR, 12, 31))
    expansion = expand(catalog, start, last, categories=categories)
    found: list[Clash] = []
    day = start
    while day <= end:
        for occ in expansion.occurrences:
            if occ.covers(day):
                found.append(Clash(day, occ, _position(occ, day), eve=False))
            elif occ.begins_evening_before and occ.start == day + dt.timedelta(days=1):
                found.append(Clash(day, occ, "begins at sunset this evening", eve=True))
        day += dt.timedelta(days=1)
    # Festivals that restrict work or involve fasting first: they matter most for bookings.
    found.sort(
        key=lambda c: (
            c.day,
            not (c.occurrence.rest_from_work or c.occurrence.fasting),
            c.occurrence.days,
            c.occurrence.name,
        )
    )
    return ClashReport(found, expansion.warnings)
