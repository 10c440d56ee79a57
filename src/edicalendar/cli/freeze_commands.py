"""Freeze commands: `freeze add`, `freeze list`, `freeze end`.

A communication freeze (a pre-election period, national mourning, the organisation's own) is
recorded in the database, so every worker of the reminder bot holds what it restricts from its
next message on, and the campaign plan flags the work dated inside it. Every change goes through
:class:`~edicalendar.reminders.freeze_book.FreezeBook`, the service the admin page also uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from edicalendar.calendar.freezes import (
    RESTRICTION_LABELS,
    FreezeKind,
    FreezeScope,
    Restriction,
    nice_date,
)
from edicalendar.cli.output import OutputFormat, emit, say
from edicalendar.cli.root import app, context, recorded_by

if TYPE_CHECKING:
    from edicalendar.calendar.freezes import Freeze
    from edicalendar.context import AppContext

freeze_app = typer.Typer(
    help="Communication freezes: pre-election periods, national mourning, your own.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(freeze_app, name="freeze")

#: Columns of `freeze list --format csv` (the JSON has these and more).
CSV_COLUMNS = (
    "id",
    "kind",
    "reason",
    "start",
    "end",
    "polling_day",
    "restricts",
    "scope",
    "area",
    "public",
    "status",
    "source",
    "created_by",
    "ended_at",
    "ended_by",
)
#: Columns of the table people read (the CSV and JSON have the rest).
TABLE_COLUMNS = (
    ("id", "id"),
    ("kind", "kind"),
    ("reason", "reason"),
    ("start", "from"),
    ("end", "to"),
    ("restricts", "holds"),
    ("status", "status"),
)


def _describe(freeze: Freeze) -> str:
    text = f"{freeze.title}, {freeze.span_text()}"
    if freeze.polling_day is not None:
        text += f" (polling day {nice_date(freeze.polling_day)})"
    return text


def _plan_clashes(app_ctx: AppContext, freeze: Freeze) -> int:
    """How many campaign items (assets, public tasks) the new freeze now flags."""
    import datetime as dt

    from edicalendar.calendar.freezes import FreezeCalendar
    from edicalendar.campaigns.freeze_flags import flagged_items

    first = freeze.start
    last = freeze.last_day or first + dt.timedelta(days=366)
    plan = app_ctx.campaigns().plan(first, last)
    return sum(
        1
        for item in flagged_items(plan.instances, FreezeCalendar((freeze,), app_ctx.today()))
        if first <= item.day <= last
    )


@freeze_app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[
        FreezeKind,
        typer.Option("--kind", help="Why: an election, mourning, or your organisation's own."),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="What it is, e.g. 'General election 4 July 2024'.")
    ],
    start: Annotated[
        str | None,
        typer.Option("--from", help="First frozen day, YYYY-MM-DD (elections: or --polling-day)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last frozen day (inclusive); none: open-ended."),
    ] = None,
    polling_day: Annotated[
        str | None,
        typer.Option(
            "--polling-day",
            help="An election's polling day: the period is computed from it ([freezes] settings).",
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Link to the guidance or announcement.")
    ] = None,
    scope: Annotated[
        FreezeScope | None,
        typer.Option("--scope", help="national, nation, local or organisation (default by kind)."),
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Where it applies: a council or police area; a devolved election's nation.",
        ),
    ] = None,
    restricts: Annotated[
        Restriction | None,
        typer.Option(
            "--restricts",
            help="public (announcements, social posts), staff (staff announcements too) or "
            "everything (default: public; staff for mourning).",
        ),
    ] = None,
    public: Annotated[
        bool | None,
        typer.Option(
            "--public/--private",
            help="Shown on the public pages and freezes.ics (default: yes, except organisation).",
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who records it (default: your login).")
    ] = None,
) -> None:
    """Record a freeze; the bot holds what it restricts from its next message on."""
    from edicalendar.cli.calendar_commands import parse_day
    from edicalendar.reminders.freeze_book import FreezeRequest

    app_ctx = context(ctx)
    request = FreezeRequest(
        kind=kind,
        reason=reason,
        start=parse_day(start, "--from") if start else None,
        end=parse_day(end, "--to") if end else None,
        polling_day=parse_day(polling_day, "--polling-day") if polling_day else None,
        scope=scope,
        area=area,
        restricts=restricts,
        source=source,
        public=public,
    )
    freeze = app_ctx.freezes().add(request, by=recorded_by(by))
    say(f"Recorded freeze {freeze.id}: {_describe(freeze)}.\n")
    say(f"It holds {RESTRICTION_LABELS[freeze.restricts]}.\n")
    flagged = _plan_clashes(app_ctx, freeze)
    if flagged:
        say(
            f"{flagged} campaign item{'s fall' if flagged != 1 else ' falls'} inside it: "
            f"see `edicalendar campaigns --year {freeze.start.year}`.\n"
        )


@freeze_app.command("list")
def list_freezes(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="Past, ended and cancelled freezes too.")
    ] = False,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.TABLE,
) -> None:
    """Freezes in force and to come (with --all, every freeze ever recorded)."""
    from edicalendar.calendar.freezes import freeze_record
    from edicalendar.reminders.freeze_rows import current_freezes, recorded_freezes

    app_ctx = context(ctx)
    app_ctx.read_only = True
    recorded = recorded_freezes(app_ctx.reads())
    now = app_ctx.now()
    chosen = recorded if every else current_freezes(recorded, now, app_ctx.today())
    records = [freeze_record(f, now, app_ctx.timezone) for f in chosen]
    if fmt is OutputFormat.JSON:
        emit([], fmt, columns=[], json_document=records)
        return
    if fmt is OutputFormat.CSV:
        emit(records, fmt, columns=[(c, c) for c in CSV_COLUMNS])
        return
    rows = [
        dict(
            r,
            end=r["end"] or "until ended",
            reason=r["reason"] + (f" ({r['area']})" if r["area"] else ""),
        )
        for r in records
    ]
    title = "Freezes" if every else "Freezes in force and to come"
    emit(rows, fmt, columns=TABLE_COLUMNS, title=title)


@freeze_app.command("end")
def end(
    ctx: typer.Context,
    freeze_id: Annotated[int, typer.Argument(metavar="ID", help="The freeze's id (freeze list).")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who ends it (default: your login).")
    ] = None,
) -> None:
    """End a freeze now; held reminders still worth sending go out once, the rest expire."""
    from edicalendar.reminders.holding import released_text

    app_ctx = context(ctx)
    book = app_ctx.freezes()
    freeze = book.end(freeze_id, by=recorded_by(by))
    freed = book.release_held()
    when = freeze.ended_at.astimezone(app_ctx.timezone) if freeze.ended_at else app_ctx.now()
    verb = "Cancelled" if freeze.cancelled else "Ended"
    say(f"{verb} freeze {freeze.id}: {freeze.title} at {when:%Y-%m-%d %H:%M}.\n")
    for key in freed.released:
        say(f"released {key}\n")
    for key in freed.expired:
        say(f"expired {key}: too late to send\n")
    summary = released_text(len(freed.released), len(freed.expired)).strip()
    if summary:
        say(summary + "\n")
