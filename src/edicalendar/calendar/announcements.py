"""Dates still to be announced: the yearly job of keeping organisers' dates current.

Many awareness weeks are set each year by their organiser (`announced = true` in the data), so
until someone records the announced dates the calendar shows a provisional prediction. An EDI
lead asks "what do I still need to check?": :func:`dates_due` lists every such occurrence in
the coming months that is still provisional or estimated, with the organiser's page, when that
page was last checked and the last year whose dates are recorded. Pure: reads the catalog only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrences import expand
from edicalendar.model import Observance, Occurrence, Status

#: How far ahead `dates due` looks by default: the next twelve months.
DUE_DAYS = 365


@dataclass(frozen=True, slots=True)
class DueDate:
    """One occurrence whose dates are still a prediction, and what is known of its organiser."""

    occurrence: Occurrence
    observance: Observance
    #: The latest `checked` day recorded in any of the observance's years, if any.
    last_checked: dt.date | None
    #: The latest year (instance) whose announced dates are recorded, if any.
    last_recorded: str | None

    @property
    def organiser_url(self) -> str | None:
        return self.observance.url

    def record(self) -> dict[str, object]:
        """The JSON object `dates due --format json` prints for it (keys only ever grow)."""
        occ = self.occurrence
        return {
            "observance": occ.observance_id,
            "name": occ.name,
            "instance": occ.instance,
            "start": occ.start.isoformat(),
            "end": occ.end.isoformat(),
            "status": occ.status.value,
            "may_vary_days": occ.may_vary_days,
            "organiser_url": self.organiser_url,
            "last_checked": self.last_checked.isoformat() if self.last_checked else None,
            "last_recorded": self.last_recorded,
            "calendar": occ.calendar,
            "file": self.observance.path,
        }


def _history(observance: Observance) -> tuple[dt.date | None, str | None]:
    checked = [y.checked for y in observance.years.values() if y.checked is not None]
    recorded = [
        key for key, y in observance.years.items() if y.start is not None and not y.cancelled
    ]
    return (
        max(checked) if checked else None,
        max(recorded, key=lambda k: (int(k[:4]), k)) if recorded else None,
    )


def dates_due(
    catalog: Catalog,
    today: dt.date,
    days: int = DUE_DAYS,
    *,
    include_estimated: bool = False,
) -> list[DueDate]:
    """Provisional or estimated occurrences of organiser-announced observances, soonest first.

    The window runs from `today` for `days` days, and an occurrence under way today counts.
    `include_estimated` adds every estimated faith date (set by moon sighting or an almanac
    nearer the time), not only those of observances whose organiser announces them.
    """
    end = today + dt.timedelta(days=days - 1)
    found = []
    for occ in expand(catalog, today, end).occurrences:
        if occ.status is Status.CONFIRMED:
            continue
        observance = catalog.observances[occ.observance_id]
        if not observance.announced and not (include_estimated and occ.status is Status.ESTIMATED):
            continue
        last_checked, last_recorded = _history(observance)
        found.append(DueDate(occ, observance, last_checked, last_recorded))
    return found
