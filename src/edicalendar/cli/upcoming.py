"""The `upcoming` view: observances starting or under way in a window, plus campaign work due.

Observances come from the catalog; campaign tasks (due in the window, and overdue ones not yet
marked done) come from the campaign plan when campaigns are defined; table output lists them
after the observances with the command that marks each done, JSON carries them as "tasks", and
CSV has a row per observance and per task (a `record` column says which). The view is
plain data so the CLI and web pages can share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from edicalendar.calendar.occurrence_records import OCCURRENCE_CSV_COLUMNS, missing_records
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


def _campaign_tasks(
    ctx: AppContext, start: dt.date, end: dt.date, warnings: list[str]
) -> list[dict[str, Any]]:
    """Open campaign tasks due in the window, and every overdue one (from the last year, as
    the web plan shows them) until someone marks it done."""
    plan, due = ctx.campaigns().due(start, end)
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


#: `upcoming --format csv`: a row per observance (the `occurrences` columns) and per campaign
#: task (the keys of its JSON "tasks"; `observance`, `name` and `instance` mean the same there).
UPCOMING_CSV_COLUMNS = (
    "record",
    *OCCURRENCE_CSV_COLUMNS,
    "campaign",
    "title",
    "task",
    "owner",
    "due",
    "overdue",
    "observance_name",
    "observance_start",
)


def _when(occ: Occurrence, today: dt.date) -> str:
    if occ.start < today:
        return "under way"
    if occ.start == today:
        return "today"
    days = (occ.start - today).days
    return "tomorrow" if days == 1 else f"in {days} days"


def print_upcoming(view: UpcomingView, fmt: OutputFormat) -> None:
    """Print the view as a table, JSON or CSV."""
    from edicalendar.calendar.occurrence_records import (
        display_record,
        occurrence_csv_record,
        occurrence_record,
    )
    from edicalendar.cli.output import emit, warn

    for message in view.warnings:
        warn(message)
    if fmt is OutputFormat.CSV:
        records = [{"record": "observance"} | occurrence_csv_record(o) for o in view.observances]
        records += [{"record": "task"} | task for task in view.tasks]
        emit(records, fmt, columns=[(k, k) for k in UPCOMING_CSV_COLUMNS])
        return
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
    """One block per task: when, what and who, then the command that marks it done, so the
    ids are whole and ready to copy at any terminal width."""
    import sys

    out = ["", "Campaign tasks due"]
    for task in view.tasks:
        due = dt.date.fromisoformat(task["due"])
        when = f"overdue since {due:%a %d %b %Y}" if task["overdue"] else f"{due:%a %d %b %Y}"
        owner = f" [{task['owner']}]" if task["owner"] else ""
        pick = "--instance" if "-" in task["instance"] else "--year"
        out.append(f"  {when}: {task['name']}{owner}")
        out.append(
            f"    edicalendar campaign done {task['campaign']} {task['task']} "
            f"{pick} {task['instance']}"
        )
    sys.stdout.write("\n".join(out) + "\n")
