"""The `upcoming` view: observances starting or under way in a window, plus campaign work due.

Observances come from the catalog; campaign tasks (due in the window, and overdue ones not yet
marked done) come from the campaign plan when campaigns are defined; table output lists them
after the observances, JSON carries them as "tasks", CSV stays observances only. The view is
plain data so the CLI and web pages can share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from edicalendar.calendar.occurrence_records import missing_records
from edicalendar.calendar.occurrences import expand
from edicalendar.cli.output import OutputFormat
from edicalendar.context import AppContext
from edicalendar.model import Category, Occurrence


@dataclass
class UpcomingView:
    start: dt.date
    end: dt.date
    observances: list[Occurrence]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: `not_computed` and `not_held` (see occurrence_records.missing_records).
    missing: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def build_upcoming(
    ctx: AppContext, start: dt.date, end: dt.date, categories: Collection[Category] = ()
) -> UpcomingView:
    """Observances overlapping `start`..`end` (and, with campaigns, tasks due by `end`)."""
    expansion = expand(ctx.catalog, start, end, categories=categories)
    view = UpcomingView(
        start,
        end,
        expansion.occurrences,
        warnings=list(expansion.warnings),
        missing=missing_records(expansion.skipped, ctx.catalog),
    )
    view.tasks = _campaign_tasks(ctx, start, end, view.warnings)
    return view


#: How far back an open task still shows as overdue; older ones belong to a finished campaign.
OVERDUE_DAYS = 90


def _campaign_tasks(
    ctx: AppContext, start: dt.date, end: dt.date, warnings: list[str]
) -> list[dict[str, Any]]:
    """Open campaign tasks due in the window, and overdue ones from the last OVERDUE_DAYS."""
    plan, due = ctx.campaigns().due(
        start, end, overdue_since=start - dt.timedelta(days=OVERDUE_DAYS)
    )
    warnings.extend(f"{p} (campaign left out)" for p in plan.loaded.problems)
    warnings.extend(plan.warnings)
    return [
        {
            "campaign": task.campaign_id,
            "title": instance.campaign.title,
            "instance": task.instance,
            "task": task.task.id,
            "name": task.task.name,
            "owner": task.task.owner,
            "due": task.due.isoformat(),
            "overdue": task.due < start,
            "observance": instance.occurrence.observance_id,
            "observance_name": instance.occurrence.name,
            "observance_start": instance.occurrence.start.isoformat(),
        }
        for task, instance in due
    ]


def _when(occ: Occurrence, today: dt.date) -> str:
    if occ.start < today:
        return "under way"
    if occ.start == today:
        return "today"
    days = (occ.start - today).days
    return "tomorrow" if days == 1 else f"in {days} days"


def print_upcoming(view: UpcomingView, fmt: OutputFormat) -> None:
    """Print the view as a table, JSON or CSV."""
    from edicalendar.calendar.occurrence_records import display_record, occurrence_record
    from edicalendar.cli.output import emit, warn

    for message in view.warnings:
        warn(message)
    rows = []
    for occ in view.observances:
        record = display_record(occ)
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
            **view.missing,
        },
    )
    if fmt is OutputFormat.TABLE and view.tasks:
        _print_tasks(view)


def _print_tasks(view: UpcomingView) -> None:
    from edicalendar.cli.output import emit

    rows = []
    for task in view.tasks:
        due = dt.date.fromisoformat(task["due"])
        when = f"overdue since {due:%a %d %b}" if task["overdue"] else f"{due:%a %d %b %Y}"
        rows.append(task | {"when": when})
    emit(
        rows,
        OutputFormat.TABLE,
        columns=[
            ("when", "Due"),
            ("name", "Campaign task"),
            ("owner", "Owner"),
            ("task", "Task id"),
            ("campaign", "Campaign id"),
            ("instance", "Instance"),
        ],
        title="Campaign tasks due",
    )
