"""The `upcoming` view: observances starting or under way in a window, plus campaign work due.

Observances come from the catalog; campaign tasks (due and overdue) come from the campaign plan
when campaigns are defined. The view is plain data so the CLI and web pages can share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from edicalendar.context import AppContext
from edicalendar.model import Category, Occurrence
from edicalendar.occurrences import expand
from edicalendar.output import OutputFormat


@dataclass
class UpcomingView:
    start: dt.date
    end: dt.date
    observances: list[Occurrence]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_upcoming(
    ctx: AppContext, start: dt.date, end: dt.date, categories: Collection[Category] = ()
) -> UpcomingView:
    """Observances overlapping `start`..`end` (and, with campaigns, tasks due by `end`)."""
    expansion = expand(ctx.catalog, start, end, categories=categories)
    return UpcomingView(start, end, expansion.occurrences, warnings=list(expansion.warnings))


def _when(occ: Occurrence, today: dt.date) -> str:
    if occ.start < today:
        return "under way"
    if occ.start == today:
        return "today"
    days = (occ.start - today).days
    return "tomorrow" if days == 1 else f"in {days} days"


def print_upcoming(view: UpcomingView, fmt: OutputFormat) -> None:
    """Print the view as a table, JSON or CSV."""
    from edicalendar.output import date_range_text, emit, occurrence_record, status_text, warn

    for message in view.warnings:
        warn(message)
    rows = []
    for occ in view.observances:
        record = occurrence_record(occ)
        record["dates"] = date_range_text(occ)
        record["status_text"] = status_text(occ)
        record["when"] = _when(occ, view.start)
        rows.append(record)
    emit(
        rows,
        fmt,
        columns=[
            ("dates", "Dates"),
            ("when", "When"),
            ("name", "Observance"),
            ("status_text", "Status"),
            ("theme", "Theme"),
        ]
        if fmt is OutputFormat.TABLE
        else [
            ("observance", "observance"),
            ("name", "name"),
            ("start", "start"),
            ("end", "end"),
            ("status", "status"),
            ("categories", "categories"),
            ("theme", "theme"),
            ("url", "url"),
        ],
        title=f"Coming up {view.start} to {view.end}",
        json_document={
            "from": view.start.isoformat(),
            "to": view.end.isoformat(),
            "observances": [occurrence_record(o) for o in view.observances],
            "tasks": view.tasks,
        },
    )
