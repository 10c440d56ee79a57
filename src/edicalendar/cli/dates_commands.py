"""`dates due` and `dates confirm`: keeping organisers' announced dates current.

`dates due` lists what is still a prediction in the next twelve months, with the organiser's
page to check; `dates confirm` records what that page says as the year's confirmed dates, in
the calendar file that defines the observance.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from edicalendar.cli.calendar_commands import FormatOption, parse_day
from edicalendar.cli.output import OutputFormat
from edicalendar.cli.root import app, context

dates_app = typer.Typer(
    name="dates",
    help="Dates organisers announce each year: what is still due, and recording them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(dates_app)


@dates_app.command("due")
def due(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", min=1, max=3660, help="How far ahead (default 365).")
    ] = 365,
    from_: Annotated[
        str | None, typer.Option("--from", help="Start from this day instead of today.")
    ] = None,
    all_estimated: Annotated[
        bool,
        typer.Option("--all", help="Also every estimated faith date (moon sighting, almanacs)."),
    ] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Dates still provisional or estimated whose organiser announces them, soonest first."""
    from edicalendar.calendar.announcements import dates_due
    from edicalendar.calendar.occurrence_records import dated_text
    from edicalendar.cli.output import emit

    app_ctx = context(ctx)
    start = parse_day(from_, "--from") if from_ else app_ctx.today()
    found = dates_due(app_ctx.catalog, start, days, include_estimated=all_estimated)
    rows = []
    for item in found:
        row = item.record()
        row["dates"] = dated_text(item.occurrence)
        row["who"] = f"{item.occurrence.name}\n{item.occurrence.observance_id}"
        if item.last_checked:
            row["checked_text"] = item.last_checked.isoformat()
        elif item.last_recorded:
            row["checked_text"] = f"when {item.last_recorded} was recorded"
        else:
            row["checked_text"] = "never"
        rows.append(row)
    emit(
        rows,
        fmt,
        columns=[
            ("dates", "Expected dates"),
            ("who", "Observance and id"),
            ("instance", "Year"),
            ("organiser_url", "Organiser's page"),
            ("checked_text", "Last checked"),
        ]
        if fmt is OutputFormat.TABLE
        else [(key, key) for key in _DUE_COLUMNS],
        title=f"Dates to check from {start} ({len(rows)})",
        json_document=[item.record() for item in found],
    )
    if fmt is OutputFormat.TABLE and rows:
        sys.stdout.write(
            "Record an announcement with: edicalendar dates confirm ID --year YEAR "
            "--start YYYY-MM-DD [--end YYYY-MM-DD] [--theme TEXT] --source URL\n"
        )


_DUE_COLUMNS = (
    "observance",
    "name",
    "instance",
    "start",
    "end",
    "status",
    "may_vary_days",
    "organiser_url",
    "last_checked",
    "last_recorded",
    "calendar",
)


@dates_app.command("confirm")
def confirm(
    ctx: typer.Context,
    observance: Annotated[str, typer.Argument(metavar="OBSERVANCE", help="Observance id.")],
    year: Annotated[
        str, typer.Option("--year", help='The year ("2027"; "2030-2" for a second that year).')
    ],
    start: Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD.")],
    source: Annotated[
        str, typer.Option("--source", help="The organiser's page that announces the dates.")
    ],
    end: Annotated[
        str | None,
        typer.Option("--end", help="Last day, inclusive (default: the usual length)."),
    ] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="That year's theme.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the change; write nothing.")
    ] = False,
) -> None:
    """Record an organiser's announced dates (and theme) for one year in the calendar file."""
    from edicalendar.cli.output import warn
    from edicalendar.errors import UsageError
    from edicalendar.importers.confirm import Confirmation, confirm_dates

    app_ctx = context(ctx)
    loaded = app_ctx.loaded
    if loaded.settings.data.calendars_dir is None and not (Path.cwd() / "calendars").is_dir():
        # Without a calendars/ folder here the data is the copy inside the installed package,
        # which an upgrade would overwrite: record dates in the organisation's own copy.
        raise UsageError(
            "no calendars/ folder in this directory; run this where your calendars/ folder is, "
            "or set data.calendars_dir in the config file"
        )
    request = Confirmation(
        observance_id=observance,
        instance=year,
        start=parse_day(start, "--start"),
        end=parse_day(end, "--end") if end else None,
        theme=theme,
        source=source,
    )
    result = confirm_dates(
        request,
        # Every calendar file, optional ones included: their dates can be recorded too.
        catalog=app_ctx.full_catalog,
        calendars_dir=loaded.calendars_dir,
        today=app_ctx.today(),
        dry_run=dry_run,
    )
    for message in result.warnings:
        warn(message)
    if result.dry_run and result.diff:
        sys.stdout.write(result.diff if result.diff.endswith("\n") else result.diff + "\n")
    sys.stdout.write(result.summary() + "\n")
