"""Calendar commands: `check`, `calendars`, `occurrences`, `upcoming` and `clashes`.

These answer "when is it?" and "what falls on this day?" from the catalog alone. Dates print
with their status so nobody mistakes an estimated Eid for a confirmed one.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from edicalendar.cli.output import OutputFormat, warn
from edicalendar.cli.root import app, context
from edicalendar.model import Category

CategoryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--category",
        "-c",
        metavar="CATEGORY",
        help="Only these categories: " + ", ".join(c.slug for c in Category) + " "
        "(repeat the option, or separate with commas: -c race,sex; religion_belief works too).",
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people; json or csv for scripts.")
]
WithMissingOption = Annotated[
    bool,
    typer.Option(
        "--with-missing",
        help="JSON: one object with the list plus `not_computed` (years a rule cannot date) "
        "and `not_held` (years before an observance began), instead of a bare list.",
    ),
]


def parse_categories(values: list[str] | None) -> tuple[Category, ...]:
    """The categories named by repeated or comma-separated `--category` values."""
    from difflib import get_close_matches

    from edicalendar.errors import UsageError

    known = {c.slug: c for c in Category}
    chosen: list[Category] = []
    for value in values or []:
        for part in value.split(","):
            name = part.strip().casefold().replace("_", "-")
            if not name:
                continue
            if name not in known:
                close = get_close_matches(name, list(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise UsageError(
                    f"--category {part.strip()!r} is not a category{hint} "
                    f"(categories: {', '.join(known)})"
                )
            if known[name] not in chosen:
                chosen.append(known[name])
    return tuple(chosen)


def parse_day(value: str, option: str) -> dt.date:
    """Parse an ISO date given on the command line, naming the option when it is wrong."""
    from edicalendar.calendar.occurrences import check_years
    from edicalendar.errors import UsageError

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date; use YYYY-MM-DD") from None
    check_years(day, what=option)
    return day


@app.command()
def check(ctx: typer.Context) -> None:
    """Validate calendars/, campaigns/ and config; exit 1 listing every problem as file:line."""
    from edicalendar.cli.check import run_checks
    from edicalendar.text import terminal

    app_ctx = context(ctx)
    app_ctx.read_only = True
    report = run_checks(app_ctx)
    for problem in report.problems:
        sys.stderr.write(f"{terminal(problem)}\n")
    for warning in report.warnings:
        warn(str(warning))
    if report.problems:
        count = len(report.problems)
        sys.stderr.write(f"{count} problem{'s' if count != 1 else ''} found\n")
        raise typer.Exit(1)
    summary = ", ".join(f"{n} {what}" for what, n in report.counts.items())
    if report.warnings:
        count = len(report.warnings)
        summary += f"; {count} warning{'s' if count != 1 else ''}"
    sys.stdout.write(f"ok: {summary}\n")
    sys.stdout.write(_where(app_ctx) + "\n")


def _where(app_ctx: Any) -> str:
    """Which folders and database this run used, so a run from another folder is no surprise."""
    from edicalendar.locations import shipped_dir
    from edicalendar.storage.reads import sqlite_file

    loaded = app_ctx.loaded
    parts = []
    for name, folder in (("calendars", loaded.calendars_dir), ("campaigns", loaded.campaigns_dir)):
        shipped = folder.resolve() == shipped_dir(name).resolve()
        parts.append(f"{name} from {folder}" + (" (the shipped copy)" if shipped else ""))
    plain = sqlite_file(loaded.database_url)
    if plain is not None:  # the usual case, told without importing SQLAlchemy
        exists = plain.exists()
        parts.append(f"database {plain}" + ("" if exists else " (not created yet)"))
        return "using " + "; ".join(parts)
    from sqlalchemy.engine import make_url

    url = make_url(loaded.database_url)
    if url.get_backend_name() == "sqlite":
        exists = bool(url.database) and Path(str(url.database)).exists()
        parts.append(f"database {url.database}" + ("" if exists else " (not created yet)"))
    else:
        parts.append(f"database {url.render_as_string(hide_password=True)}")
    return "using " + "; ".join(parts)


@app.command()
def calendars(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Every calendar file, whether it is optional and whether this organisation has it on."""
    from edicalendar.cli.output import emit

    app_ctx = context(ctx)
    catalog = app_ctx.catalog
    counts: dict[str, int] = {}
    for observance in (*catalog.observances.values(), *catalog.switched_off.values()):
        counts[observance.calendar] = counts.get(observance.calendar, 0) + 1
    rows = [
        {
            "calendar": info.name,
            "title": info.title,
            "observances": counts.get(info.name, 0),
            "optional": info.optional,
            "enabled": name in catalog.calendars,
        }
        for name, info in sorted(
            {**catalog.calendars, **catalog.switched_off_calendars}.items(),
            key=lambda item: (item[1].optional, item[0]),
        )
    ]
    on = [row for row in rows if row["enabled"]]
    emit(
        rows,
        fmt,
        columns=[
            ("calendar", "Calendar"),
            ("title", "Title"),
            ("observances", "Observances"),
            ("optional", "Optional"),
            ("enabled", "On"),
        ],
        title=f"{len(on)} of {len(rows)} calendars on; switch optional ones on in "
        f"[calendars] enabled ({app_ctx.config_display})",
    )


@app.command()
def occurrences(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    to: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (inclusive).")],
    category: CategoryOption = None,
    calendar: Annotated[
        list[str] | None,
        typer.Option("--calendar", metavar="NAME", help="Only these calendars (file stems)."),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
    with_missing: WithMissingOption = False,
) -> None:
    """Every observance between two dates, with status (confirmed/provisional/estimated)."""
    from edicalendar.calendar.occurrence_records import (
        OCCURRENCE_CSV_COLUMNS,
        display_record,
        missing_records,
        occurrence_csv_record,
    )
    from edicalendar.calendar.occurrences import expand
    from edicalendar.cli.output import emit, warn
    from edicalendar.errors import UsageError
    from edicalendar.locations import DEFAULT_CONFIG_NAME

    app_ctx = context(ctx)
    start, end = parse_day(from_, "--from"), parse_day(to, "--to")
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    catalog = app_ctx.catalog
    for name in calendar or []:
        if name in catalog.switched_off_calendars:
            raise UsageError(
                f"--calendar {name!r} is an optional calendar that is switched off; add it to "
                f"[calendars] enabled in {app_ctx.loaded.path or DEFAULT_CONFIG_NAME} to use it"
            )
        if name not in catalog.calendars:
            raise UsageError(
                f"--calendar {name!r} is not a calendar; known: {', '.join(catalog.calendars)}"
            )
    expansion = expand(
        catalog, start, end, categories=parse_categories(category), calendars=calendar or ()
    )
    for message in expansion.warnings:
        warn(message)
    if fmt is OutputFormat.CSV:
        emit(
            [occurrence_csv_record(occ) for occ in expansion.occurrences],
            fmt,
            columns=[(k, k) for k in OCCURRENCE_CSV_COLUMNS],
        )
        return
    rows = [display_record(occ) for occ in expansion.occurrences]
    emit(
        rows,
        fmt,
        columns=[
            ("dates", "Dates"),
            ("name", "Observance"),
            ("status_text", "Status"),
            ("categories", "Categories"),
            ("theme", "Theme"),
        ],
        title=f"Observances {start} to {end}",
        json_document=_listing(
            [{k: v for k, v in r.items() if k not in ("dates", "status_text")} for r in rows],
            "occurrences",
            missing_records(expansion.skipped, catalog) if with_missing else None,
            start,
            end,
        ),
    )


def _listing(
    items: list[dict[str, Any]],
    key: str,
    missing: dict[str, list[dict[str, Any]]] | None,
    start: dt.date,
    end: dt.date,
) -> Any:
    """The JSON document: the bare list (0.1.0's shape), or with `--with-missing` an object
    holding the list under `key` beside `not_computed` and `not_held`."""
    if missing is None:
        return items
    return {"from": start.isoformat(), "to": end.isoformat(), key: items, **missing}


@app.command()
def upcoming(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, max=3660, help="How far ahead.")] = 30,
    category: CategoryOption = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Start from this day instead of today.")
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Observances (and campaign tasks) coming up, starting today or --from."""
    from edicalendar.cli.upcoming import build_upcoming, print_upcoming

    app_ctx = context(ctx)
    app_ctx.read_only = True
    start = parse_day(from_, "--from") if from_ else app_ctx.today()
    view = build_upcoming(
        app_ctx, start, start + dt.timedelta(days=days - 1), parse_categories(category)
    )
    print_upcoming(view, fmt)


@app.command()
def clashes(
    ctx: typer.Context,
    date: Annotated[str, typer.Argument(help="The day to check, YYYY-MM-DD.")],
    to: Annotated[str | None, typer.Option("--to", help="Check every day up to this one.")] = None,
    category: CategoryOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    with_missing: WithMissingOption = False,
) -> None:
    """What falls, or may fall, on a date: observances, festival eves, bank holidays, fasting
    and rest days, each labelled confirmed, expected or possible (±N days)."""
    from edicalendar.calendar.clashes import CLASH_CSV_COLUMNS, clash_dates_text, find_clashes
    from edicalendar.calendar.occurrence_records import missing_records
    from edicalendar.cli.output import emit, warn
    from edicalendar.errors import UsageError

    start = parse_day(date, "DATE")
    end = parse_day(to, "--to") if to else start
    if end < start:
        raise UsageError(f"--to {end} is before DATE {start}")
    if (end - start).days > 366:
        raise UsageError("--to: check at most 367 days at once")
    app_ctx = context(ctx)
    report = find_clashes(
        app_ctx.catalog, start, end, parse_categories(category), workdays=app_ctx.workdays
    )
    for message in report.warnings:
        warn(message)
    rows: list[dict[str, Any]] = []
    for clash in report.clashes:
        row = clash.record()
        row["dates"] = clash_dates_text(clash)
        row["fasting_text"] = "Yes" if clash.fasting else "No"
        row["rest_text"] = clash.rest_text
        rows.append(row)
    emit(
        rows,
        fmt,
        columns=[
            ("dates", "Date"),
            ("name", "Observance"),
            ("what", "On this day"),
            ("fasting_text", "Fasting"),
            ("rest_text", "Rest from work"),
            ("label", "How sure"),
        ]
        if fmt is OutputFormat.TABLE
        else [(k, k) for k in CLASH_CSV_COLUMNS],
        title=f"What falls on {start}" + (f" to {end}" if end != start else ""),
        json_document=_listing(
            [c.record() for c in report.clashes],
            "clashes",
            {"not_computed": missing_records(report.skipped, app_ctx.catalog)["not_computed"]}
            if with_missing
            else None,
            start,
            end,
        ),
    )
